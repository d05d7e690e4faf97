/**
 * Generates one JS loop per fused elementwise group (`new Function`). Every identifier
 * in the generated source is made here; nothing from user strings (variable names)
 * ever enters it. Broadcasting is decided by static types, so the loop structure is
 * fixed at generation time and only lengths come at run time.
 * @module
 */
import { type DType, STORAGE } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { ScalarRule, TensorType } from "../../core/graph.ts";
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
