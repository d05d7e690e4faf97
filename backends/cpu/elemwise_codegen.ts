/**
 * Generates one JS loop per fused elementwise group (`new Function`). Every identifier
 * in the generated source is made here; nothing from user strings (variable names)
 * ever enters it. Broadcasting is decided by static types, so the loop structure is
 * fixed at generation time and only lengths come at run time.
 * @module
 */
import { type DType, STORAGE } from "../../core/dtype.ts";
import { ShapeError } from "../../core/errors.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { ScalarRule } from "../../core/op.ts";
import type { TensorType } from "../../core/type.ts";
import { fusedKey, type FusedStep } from "../../ops/fused.ts";

/** The typed arrays an elementwise kernel reads and the one it writes. */
export type Kernel = (
  ins: ArrayLike<number>[],
  shape: readonly number[],
  out: ArrayLike<number> & { [i: number]: number },
) => void;

const cache = new Map<string, Kernel>();

/** How an input is read: every element, one element, or with broadcast strides. */
type Access = "full" | "scalar" | "strided";

function accessOf(
  t: TensorType,
  outStatic: readonly (number | null)[],
): { access: Access; bcast: boolean[] } {
  const nd = outStatic.length;
  const pad = nd - t.ndim;
  const bcast: boolean[] = [];
  for (let d = 0; d < nd; d++) {
    const s = d < pad ? 1 : t.shape[d - pad];
    bcast.push(s === 1 && outStatic[d] !== 1);
  }
  const access: Access = bcast.every((b) => !b)
    ? "full"
    : bcast.every((b, d) => b || outStatic[d] === 1)
    ? "scalar"
    : "strided";
  return { access, bcast };
}

/** Generate (or fetch from the cache) the loop for a fused expression. */
export function elemwiseKernel(
  steps: readonly FusedStep[],
  output: number,
  inputTypes: readonly TensorType[],
  outType: TensorType,
): Kernel {
  const accesses = inputTypes.map((t) => accessOf(t, outType.shape));
  const key = fusedKey(steps, output) + "|" +
    accesses.map((a) => a.access + a.bcast.map((b) => (b ? 1 : 0)).join("")).join(",") + "|" + outType.ndim;
  let k = cache.get(key);
  if (!k) {
    k = build(steps, output, inputTypes.length, accesses, outType.ndim);
    cache.set(key, k);
  }
  return k;
}

function build(
  steps: readonly FusedStep[],
  output: number,
  nIn: number,
  accesses: { access: Access; bcast: boolean[] }[],
  nd: number,
): Kernel {
  const helpers: Record<string, (...a: number[]) => number> = {};
  for (const s of steps) Object.assign(helpers, (s.op.scalar as ScalarRule).helpers ?? {});
  const lines: string[] = [];
  lines.push(`const n = out.length;`);
  for (let i = 0; i < nIn; i++) lines.push(`const x${i} = ins[${i}];`);
  const strided = accesses.some((a) => a.access === "strided");
  // Scalars are read once, outside the loop.
  accesses.forEach((a, i) => {
    if (a.access === "scalar") lines.push(`const a${i} = x${i}[0];`);
  });
  const body: string[] = [];
  const ref = (r: number) => (r < nIn ? `a${r}` : `t${r - nIn}`);
  steps.forEach((s, j) => {
    const rule = s.op.scalar as ScalarRule;
    body.push(`const t${j} = ${rule.js(s.args.map(ref), s.input, s.out)};`);
  });
  body.push(`out[o] = t${output};`);
  if (!strided) {
    const loads = accesses.map((a, i) => (a.access === "full" ? `const a${i} = x${i}[o];` : "")).filter(
      Boolean,
    );
    lines.push(`for (let o = 0; o < n; o++) {`, ...loads, ...body, `}`);
  } else {
    for (let d = 0; d < nd; d++) lines.push(`const s${d} = shape[${d}];`);
    // Contiguous strides of each strided input: its length is 1 on broadcast axes.
    accesses.forEach((a, i) => {
      if (a.access !== "strided") return;
      let acc = "1";
      for (let d = nd - 1; d >= 0; d--) {
        lines.push(`const st${i}_${d} = ${a.bcast[d] ? "0" : acc};`);
        if (!a.bcast[d]) acc = acc === "1" ? `s${d}` : `${acc} * s${d}`;
      }
    });
    lines.push(`let o = 0;`);
    const open: string[] = [], close: string[] = [];
    for (let d = 0; d < nd; d++) {
      open.push(`for (let i${d} = 0; i${d} < s${d}; i${d}++) {`);
      accesses.forEach((a, i) => {
        if (a.access !== "strided") return;
        const prev = d === 0 ? "0" : `b${i}_${d - 1}`;
        open.push(`const b${i}_${d} = ${prev} + i${d} * st${i}_${d};`);
      });
      close.push(`}`);
    }
    const loads = accesses.map((a, i) =>
      a.access === "full"
        ? `const a${i} = x${i}[o];`
        : a.access === "strided"
        ? `const a${i} = x${i}[b${i}_${nd - 1}];`
        : ""
    ).filter(Boolean);
    lines.push(...open, ...loads, ...body, `o++;`, ...close);
  }
  const src = lines.join("\n");
  const factory = new Function("H", `return function kernel(ins, shape, out) {\n${src}\n};`);
  return factory(helpers) as Kernel;
}

/**
 * The output-shape rule of an elementwise node over inputs of `types`, made once per
 * node: `broadcastRuntime` for the values given, with a fast path for the common case
 * where every input is either of the output's rank with no dimension its type marks
 * broadcastable, or typed length 1 everywhere (0-d included) and holding one element.
 * Such inputs agree when the full-rank ones have one shape, which is then the output's
 * (shared, not copied); a mismatch gets the general check's error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapeRule } from "./elemwise_codegen.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/type.ts";
 * const v = new TensorType("float64", [null]), s = new TensorType("float64", []);
 * const rule = shapeRule([v, s], 1, () => "add");
 * assert.deepEqual(rule([asarray([1, 2, 3]), asarray(2)]), [3]);
 * assert.throws(() => shapeRule([v, v], 1, () => "add")([asarray([1, 2]), asarray([1, 2, 3])]), /add: input shapes/);
 * ```
 */
export function shapeRule(
  types: readonly TensorType[],
  nd: number,
  describe: () => string,
): (vals: readonly NDArray[]) => readonly number[] {
  const full = nd === 0 ? [] : types.flatMap((t, i) => (t.ndim === nd && !t.shape.includes(1) ? [i] : []));
  // Inputs whose type says length 1 everywhere (0-d included): one element each.
  const unit = types.flatMap((t, i) => (t.shape.every((d) => d === 1) ? [i] : []));
  const simple = full.length > 0 && full.length + unit.length === types.length;
  const general = (vals: readonly NDArray[]) =>
    broadcastRuntime(vals.map((v) => v.shape), types, nd, describe);
  if (!simple) return general;
  return (vals) => {
    for (let j = 0; j < unit.length; j++) if (vals[unit[j]].data.length !== 1) return general(vals);
    const shape = vals[full[0]].shape;
    for (let j = 1; j < full.length; j++) {
      const other = vals[full[j]].shape;
      if (other === shape) continue;
      for (let d = 0; d < nd; d++) if (other[d] !== shape[d]) return general(vals);
    }
    return shape;
  };
}

/**
 * The runtime output shape of an elementwise node, checking that every dimension an
 * input's type does not mark broadcastable has the output's length.
 */
export function broadcastRuntime(
  shapes: readonly (readonly number[])[],
  types: readonly TensorType[],
  nd: number,
  describe: () => string,
): number[] {
  const out: number[] = new Array(nd).fill(1);
  const fromInput: number[] = new Array(nd).fill(-1);
  for (let i = 0; i < shapes.length; i++) {
    const pad = nd - types[i].ndim;
    for (let d = pad; d < nd; d++) {
      if (types[i].shape[d - pad] === 1) continue; // broadcastable by type
      const len = shapes[i][d - pad];
      if (fromInput[d] < 0) {
        out[d] = len;
        fromInput[d] = i;
      } else if (len !== out[d]) {
        throw new ShapeError(
          `${describe()}: input shapes do not match: dimension ${d} has length ${out[d]} in input ${
            fromInput[d]
          } and ${len} in input ${i} (shapes ${shapes.map((s) => `(${s.join(", ")})`).join(", ")}; ` +
            `only dimensions whose type says length 1 broadcast)`,
        );
      }
    }
  }
  // An input whose type says length 1 must really have length 1.
  for (let i = 0; i < shapes.length; i++) {
    const pad = nd - types[i].ndim;
    for (let d = pad; d < nd; d++) {
      if (types[i].shape[d - pad] === 1 && shapes[i][d - pad] !== 1) {
        throw new ShapeError(
          `${describe()}: input ${i} has length ${shapes[i][d - pad]} in dimension ${d - pad}, but its type ${
            types[i]
          } says 1`,
        );
      }
    }
  }
  return out;
}

/** Run a kernel on NDArrays, writing into `target` when given (same length). */
export function runElemwise(
  kernel: Kernel,
  ins: readonly NDArray[],
  shape: number[],
  outDtype: DType,
  target?: ArrayLike<number>,
): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = target ?? new STORAGE[outDtype](n);
  kernel(ins.map((x) => x.data), shape, data as ArrayLike<number> & { [i: number]: number });
  return new NDArray(outDtype, shape, data as never);
}
