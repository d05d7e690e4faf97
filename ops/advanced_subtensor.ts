/**
 * Advanced indexing (Theano's AdvancedSubtensor(1) and AdvancedIncSubtensor(1)):
 * integer arrays and boolean masks on the leading axes, with whole axes (`:`) between
 * or around them, as NumPy. Integer scalars given with arrays are 0-d index arrays, as
 * in NumPy, so `x[0, :, idx]` places the broadcast index shape first.
 *
 * NumPy's placement rule: the index arrays (a mask of k dimensions counts as k arrays,
 * its nonzero coordinates) broadcast together to a shape B; when the indexed entries
 * are adjacent B replaces them in place, else B comes first, then the whole axes in
 * order. Ranges other than `:` are applied first by the caller (ops/indexing.ts) as a
 * basic slice, which keeps their axes.
 *
 * `advancedIncSubtensor` adds into duplicated positions once per occurrence (NumPy's
 * `np.add.at`); `set` keeps the last value written (NumPy's assignment).
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray, sizeOf, stridesOf } from "../core/ndarray.ts";
import { Constant, defineOp, type Dim, type Op, TensorType, type Variable } from "../core/graph.ts";
import { constant } from "../core/constant.ts";
import { fill } from "./fill.ts";
import { checkIncValue } from "./subtensor.ts";

/** One entry of an advanced index: a whole axis, an integer array, or a bool mask (its ndim axes). */
export type AdvEntry = "all" | "int" | "bool";

/** Params of advanced_subtensor: one entry per leading index; every non-"all" entry reads an input. */
export interface AdvancedSubtensorParams {
  entries: AdvEntry[];
}

/** Params of advanced_inc_subtensor: the index, and whether the region is set (else incremented). */
export interface AdvancedIncSubtensorParams {
  entries: AdvEntry[];
  set: boolean;
}

/** The layout of an advanced index against x's axes. */
interface Layout {
  /** For each axis of x: -1 for a whole axis, else the index array covering it. */
  axisOf: number[];
  /** Whether the indexed entries are adjacent (B goes in their place, else first). */
  adjacent: boolean;
}

function layoutOf(what: string, x: Variable, entries: readonly AdvEntry[], idx: readonly Variable[]): Layout {
  if (idx.length !== entries.filter((e) => e !== "all").length || idx.length === 0) {
    throw new HypatiaTypeError(
      `${what}: expected one index input per array entry, and at least one, got ${idx.length}`,
    );
  }
  const axisOf: number[] = [];
  let k = 0;
  entries.forEach((e, p) => {
    if (e === "all") return axisOf.push(-1);
    const i = idx[k++];
    if (e === "int" && !isInt(i.dtype)) {
      throw new HypatiaTypeError(
        `${what}: the index of entry ${p}, ${i.describe()}, must be an integer array`,
      );
    }
    if (e === "bool" && (i.dtype !== "bool" || i.ndim === 0)) {
      throw new HypatiaTypeError(
        `${what}: the mask of entry ${p}, ${i.describe()}, must be a bool array (1-d or more)`,
      );
    }
    for (let d = 0; d < (e === "bool" ? i.ndim : 1); d++) axisOf.push(k - 1);
  });
  if (axisOf.length > x.ndim) {
    throw new HypatiaTypeError(
      `${what}: too many indices for ${x.describe()}: it has ${x.ndim} dimensions but ${axisOf.length} were indexed`,
    );
  }
  while (axisOf.length < x.ndim) axisOf.push(-1);
  const used = entries.map((e, p) => (e === "all" ? -1 : p)).filter((p) => p >= 0);
  return { axisOf, adjacent: used.at(-1)! - used[0] === used.length - 1 };
}

/** Static broadcast of index shapes, NumPy's rule (length 1 stretches). */
function broadcastDims(what: string, shapes: readonly (readonly Dim[])[]): Dim[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: nd }, (_, d) => {
    let out: Dim = 1;
    for (const s of shapes) {
      const n = s[s.length - nd + d];
      if (n === undefined || n === 1) continue;
      if (n === null) out = out === 1 ? null : out;
      else if (out === 1 || out === null) out = n;
      else if (out !== n) {
        throw new HypatiaTypeError(
          `${what}: index arrays do not broadcast together: shapes ${
            shapes.map((q) => `(${q.map((v) => v ?? "?").join(", ")})`).join(" ")
          }`,
        );
      }
    }
    return out;
  });
}

/** The static shape of x[index], checking the index against x's type. */
export function advancedRegionType(
  what: string,
  x: Variable,
  entries: readonly AdvEntry[],
  idx: readonly Variable[],
): Dim[] {
  const { axisOf, adjacent } = layoutOf(what, x, entries, idx);
  const shapes: Dim[][] = [];
  let k = 0, axis = 0;
  for (const e of entries) {
    if (e === "all") {
      axis++;
      continue;
    }
    const i = idx[k++];
    if (e === "int") {
      shapes.push([...i.type.shape]);
      axis++;
      continue;
    }
    i.type.shape.forEach((n, d) => {
      const len = x.type.shape[axis + d];
      if (n !== null && len !== null && n !== len) {
        throw new HypatiaTypeError(
          `${what}: the mask ${i.describe()} does not match ${x.describe()} along axis ${
            axis + d
          }: length ${len}, mask ${n}`,
        );
      }
    });
    const count = i instanceof Constant ? countTrue(i.value) : null;
    shapes.push([count]);
    axis += i.ndim;
  }
  const b = broadcastDims(what, shapes);
  const whole = (from: number, to: number) =>
    x.type.shape.slice(from, to).filter((_, d) => axisOf[from + d] === -1);
  const first = axisOf.findIndex((a) => a >= 0),
    last = axisOf.length - 1 - [...axisOf].reverse().findIndex((a) => a >= 0);
  const tail = x.type.shape.slice(last + 1);
  return adjacent ? [...whole(0, first), ...b, ...tail] : [...b, ...whole(0, last + 1), ...tail];
}

/** A value's elements read in the order of `shape` (right-aligned, length-1 axes stretched). */
function expand(a: NDArray, shape: readonly number[]): NDArray["data"] {
  if (a.shape.length === shape.length && a.shape.every((n, d) => n === shape[d])) return a.data;
  const out = new (a.data.constructor as new (n: number) => NDArray["data"])(sizeOf(shape));
  const st = stridesOf(a.shape), lead = shape.length - a.ndim;
  const strides = shape.map((_, d) => (d < lead || a.shape[d - lead] === 1 ? 0 : st[d - lead]));
  const at = new Array<number>(shape.length).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = a.data[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      src += strides[d];
      if (++at[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      at[d] = 0;
    }
  }
  return out;
}

/** How many elements of a mask are true. */
function countTrue(mask: NDArray): number {
  let n = 0;
  for (let i = 0; i < mask.size; i++) n += mask.data[i] ? 1 : 0;
  return n;
}

/** The nonzero coordinates of a mask, one index array per axis. */
function nonzero(mask: NDArray): NDArray[] {
  const count = countTrue(mask);
  const out = mask.shape.map(() => new NDArray("int64", [count]));
  const st = stridesOf(mask.shape);
  let k = 0;
  for (let i = 0; i < mask.size; i++) {
    if (!mask.data[i]) continue;
    let r = i;
    st.forEach((s, d) => {
      out[d].data[k] = Math.floor(r / s);
      r %= s;
    });
    k++;
  }
  return out;
}

/**
 * Where x[index] reads from x, at run time: the region's shape, and for each block of
 * `block` consecutive output elements the offset of its first element in x (the block
 * is the whole axes after the last indexed one, contiguous in both).
 */
interface Plan {
  shape: number[];
  offsets: Float64Array;
  block: number;
}

function planOf(
  what: string,
  x: NDArray,
  entries: readonly AdvEntry[],
  idxVals: readonly NDArray[],
  name: string,
): Plan {
  // Each indexed axis with its index array (masks become their nonzero coordinates).
  const arrays: NDArray[] = [], axisOf: number[] = [], used: number[] = [];
  let k = 0;
  entries.forEach((e, p) => {
    if (e === "all") return axisOf.push(-1);
    used.push(p);
    const v = idxVals[k++];
    if (e === "int") {
      axisOf.push(arrays.length);
      return arrays.push(v);
    }
    v.shape.forEach((n, d) => {
      const len = x.shape[axisOf.length];
      if (n !== len) {
        throw new ShapeError(
          `${what}: boolean index did not match ${name} along axis ${axisOf.length}: the axis has length ${len} but the mask ${n} (mask shape (${
            v.shape.join(", ")
          }))`,
        );
      }
      axisOf.push(arrays.length + d);
    });
    arrays.push(...nonzero(v));
  });
  while (axisOf.length < x.ndim) axisOf.push(-1);
  const adjacent = used.at(-1)! - used[0] === used.length - 1;
  let b: number[];
  try {
    b = broadcastDims(what, arrays.map((a) => a.shape)) as number[];
  } catch {
    throw new ShapeError(
      `${what}: shape mismatch: indexing arrays could not be broadcast together with shapes ${
        arrays.map((a) => `(${a.shape.join(",")})`).join(" ")
      }`,
    );
  }
  const nb = sizeOf(b), xs = stridesOf(x.shape);
  // Offset in x of each broadcast index position.
  const advOff = new Float64Array(nb);
  axisOf.forEach((j, axis) => {
    if (j < 0) return;
    const vals = expand(arrays[j], b), n = x.shape[axis];
    for (let i = 0; i < nb; i++) {
      const v = vals[i], r = v < 0 ? v + n : v;
      if (!(r >= 0 && r < n)) {
        throw new ShapeError(
          `${what}: index ${v} is out of bounds for axis ${axis} with size ${n} (${name})`,
        );
      }
      advOff[i] += r * xs[axis];
    }
  });
  const first = axisOf.findIndex((a) => a >= 0);
  const last = axisOf.length - 1 - [...axisOf].reverse().findIndex((a) => a >= 0);
  const tail = x.shape.slice(last + 1), block = sizeOf(tail);
  // The outer dimensions in output order: whole axes (length, stride) and the index block (-1).
  const whole = (from: number, to: number) =>
    x.shape.map((n, d) => [n, xs[d], d] as const).filter(([, , d]) =>
      d >= from && d < to && axisOf[d] === -1
    );
  const outer = adjacent
    ? [...whole(0, first), [-1, 0, -1] as const]
    : [[-1, 0, -1] as const, ...whole(0, last + 1)];
  const shape = adjacent
    ? [...whole(0, first).map(([n]) => n), ...b, ...tail]
    : [...b, ...whole(0, last + 1).map(([n]) => n), ...tail];
  // The common x[idx] and x[idx, :]: the index block alone, its offsets are the blocks'.
  if (outer.length === 1) return { shape, offsets: advOff, block };
  const lens = outer.map(([n]) => (n === -1 ? nb : n));
  const count = sizeOf(lens), offsets = new Float64Array(count);
  const at = new Array<number>(lens.length).fill(0);
  if (count > 0) {
    for (let i = 0; i < count; i++) {
      let off = 0;
      outer.forEach(([n, s], d) => (off += n === -1 ? advOff[at[d]] : at[d] * s));
      offsets[i] = off;
      for (let d = lens.length - 1; d >= 0; d--) {
        if (++at[d] < lens[d]) break;
        at[d] = 0;
      }
    }
  }
  return { shape, offsets, block };
}

/** The advanced_subtensor op: `x[index]` with integer arrays or masks, a copy. */
export const advancedSubtensorOp: Op<AdvancedSubtensorParams> = defineOp<AdvancedSubtensorParams>({
  name: "advanced_subtensor",
  inferType([x, ...idx], { entries }) {
    return [new TensorType(x.dtype, advancedRegionType("get", x, entries, idx))];
  },
  perform([x, ...idx], { entries }, node) {
    const { shape, offsets, block } = planOf("get", x, entries, idx, node.inputs[0].describe());
    const out = new NDArray(x.dtype, shape), src = x.data, dst = out.data;
    if (block === 1) { for (let k = 0; k < offsets.length; k++) dst[k] = src[offsets[k]]; }
    else {
      for (let k = 0; k < offsets.length; k++) {
        dst.set(src.subarray(offsets[k], offsets[k] + block), k * block);
      }
    }
    return [out];
  },
  vjp(node, [gz]) {
    const [x, ...idx] = node.inputs, { entries } = node.params as AdvancedSubtensorParams;
    const zeros = fill(x, constant(0, { dtype: gz.dtype }));
    return [
      advancedIncSubtensorOp.apply1([zeros, gz, ...idx], { entries, set: false }),
      ...idx.map(() => null),
    ];
  },
  jvp(node, [t]) {
    return [
      t
        ? advancedSubtensorOp.apply1([t, ...node.inputs.slice(1)], node.params as AdvancedSubtensorParams)
        : null,
    ];
  },
  format: ([x, ...idx], { entries }) => `${x}[${indexText(entries, idx)}]`,
});

function indexText(entries: readonly AdvEntry[], idx: readonly string[]): string {
  let k = 0;
  return entries.map((e) => (e === "all" ? ":" : idx[k++])).join(", ");
}

/** The advanced_inc_subtensor op: a copy of x with x[index] set to or incremented by a value. */
export const advancedIncSubtensorOp: Op<AdvancedIncSubtensorParams> = defineOp<AdvancedIncSubtensorParams>({
  name: "advanced_inc_subtensor",
  inferType([x, v, ...idx], { entries, set }) {
    const what = set ? "setSubtensor" : "incSubtensor";
    const region = advancedRegionType(what, x, entries, idx);
    checkIncValue(what, set, x, v, region, `${x}[${indexText(entries, idx.map(String))}]`);
    return [x.type];
  },
  perform([x, v, ...idx], { entries, set }, node) {
    const what = set ? "setSubtensor" : "incSubtensor";
    const { shape, offsets, block } = planOf(what, x, entries, idx, node.inputs[0].describe());
    const vType = node.inputs[1].type, lead = shape.length - v.ndim;
    v.shape.forEach((n, i) => {
      if (n !== shape[lead + i] && !(n === 1 && vType.shape[i] === 1)) {
        throw new ShapeError(
          `${what}: the value ${node.inputs[1].describe()} of shape (${
            v.shape.join(", ")
          }) does not fit the region of shape (${shape.join(", ")}) of ${node.inputs[0].describe()}`,
        );
      }
    });
    const out = x.copy(), dst = out.data, vals = expand(v, shape);
    for (let k = 0; k < offsets.length; k++) {
      const o = offsets[k], b = k * block;
      if (set) { for (let e = 0; e < block; e++) dst[o + e] = vals[b + e]; }
      else for (let e = 0; e < block; e++) dst[o + e] += vals[b + e];
    }
    return [out];
  },
  vjp(node, [gz]) {
    const [, , ...idx] = node.inputs, { entries, set } = node.params as AdvancedIncSubtensorParams;
    // As Theano: where set, x's gradient is zero on the region; the value's is gz read at the region
    // (a duplicated position passes its gradient to every copy of the value written there).
    const gx = set
      ? advancedIncSubtensorOp.apply1([gz, constant(0, { dtype: gz.dtype }), ...idx], { entries, set: true })
      : gz;
    return [gx, advancedSubtensorOp.apply1([gz, ...idx], { entries }), ...idx.map(() => null)];
  },
  format: ([x, v, ...idx], { entries, set }) =>
    `${set ? "setSubtensor" : "incSubtensor"}(${x}[${indexText(entries, idx)}], ${v})`,
});
