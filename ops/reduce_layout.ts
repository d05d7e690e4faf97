/**
 * Group-major layout for the CPU reductions: every output cell's elements side by
 * side, so each reduction is a plain double loop with its arithmetic inlined (no
 * per-element callback). When the reduced axes are the trailing ones (all axes, or the
 * last axis of a C-contiguous matrix: the common cases) the input's own data already
 * is group-major and nothing is copied; otherwise one gather pass builds it.
 * @module
 */
import type { TypedArray } from "../core/dtype.ts";
import { type NDArray, sizeOf, stridesOf } from "../core/ndarray.ts";

/** An input seen as `outSize` groups of `m` consecutive elements. */
export interface Groups {
  /** Group o is `data[o * m .. (o + 1) * m)`, in C order along the reduced axes. */
  data: TypedArray;
  /** Number of output cells. */
  outSize: number;
  /** Elements per group (the product of the reduced lengths). */
  m: number;
  /**
   * For a gathered layout, the input's shape and, per input axis, how far a step along
   * it moves in the group-major layout; null when `data` is the input's own data.
   */
  walk: { shape: readonly number[]; step: number[] } | null;
}

/** A kernel folding each group of `src` into `out[o]`. */
export type GroupKernel = (src: TypedArray, outSize: number, m: number, out: TypedArray) => void;

/** Whether `axes` (sorted) are the last `axes.length` axes of an `ndim`-d tensor. */
export function isTrailing(axes: readonly number[], ndim: number): boolean {
  return axes.every((a, k) => a === ndim - axes.length + k);
}

/**
 * The group-major layout of `x` for a reduction over the sorted `axes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupsOf } from "./reduce_layout.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const g = groupsOf(asarray([[1, 2, 3], [4, 5, 6]]), [0]);
 * assert(g.outSize === 3 && g.m === 2 && g.data.join() === "1,4,2,5,3,6");
 * ```
 */
export function groupsOf(x: NDArray, axes: readonly number[]): Groups {
  const shape = x.shape, nd = shape.length;
  const m = sizeOf(axes.map((a) => shape[a]));
  const outSize = sizeOf(shape.filter((_, d) => !axes.includes(d)));
  if (isTrailing(axes, nd) || x.size === 0) return { data: x.data, outSize, m, walk: null };
  const keptStrides = stridesOf(shape.filter((_, d) => !axes.includes(d)));
  const redStrides = stridesOf(axes.map((a) => shape[a]));
  // Group-major step of each input axis: m * (output stride), or the reduced stride.
  const step: number[] = [];
  for (let d = 0, k = 0; d < nd; d++) {
    const j = axes.indexOf(d);
    step.push(j < 0 ? m * keptStrides[k++] : redStrides[j]);
  }
  const walk = { shape, step };
  const data = new Float64Array(x.size);
  permute(walk, x.data, data, true);
  return { data, outSize, m, walk };
}

/**
 * Write group-major values `g` (one per input element) back in the input's C order
 * into `out`: the last step of shape-preserving group ops such as softmax.
 */
export function scatterGroups(g: Float64Array, groups: Groups, out: TypedArray): void {
  if (groups.walk === null) out.set(g);
  else permute(groups.walk, out, g, false);
}

/**
 * Visit the input in C order, one row (last axis) at a time, copying between C order
 * (`a`) and group-major order (`b`) in the direction asked.
 */
function permute(walk: NonNullable<Groups["walk"]>, a: TypedArray, b: TypedArray, toGroups: boolean): void {
  const { shape, step } = walk, nd = shape.length, total = a.length;
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1, n = shape[last], sl = step[last];
  let dest = 0;
  for (let i = 0; i < total; i += n) {
    if (toGroups) toStrided(a, i, b, dest, n, sl);
    else fromStrided(b, dest, sl, a, i, n);
    for (let d = last - 1; d >= 0; d--) {
      dest += step[d];
      if (++idx[d] < shape[d]) break;
      dest -= step[d] * shape[d];
      idx[d] = 0;
    }
  }
}

// The inner loops live in small functions of their own so V8 optimises them once, not
// by on-stack replacement in every call.
function toStrided(src: TypedArray, i: number, dst: TypedArray, o: number, n: number, step: number): void {
  for (const e = i + n; i < e; i++, o += step) dst[o] = src[i];
}

function fromStrided(src: TypedArray, o: number, step: number, dst: TypedArray, i: number, n: number): void {
  for (const e = i + n; i < e; i++, o += step) dst[i] = src[o];
}

/** Sum of each group (the fast path of `sum`). */
export const sumKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 0;
    for (let j = b, e = b + m; j < e; j++) a += src[j];
    out[o] = a;
  }
};
