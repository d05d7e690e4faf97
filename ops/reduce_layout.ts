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
   * For a gathered layout, `perm[k]` is the input's flat index of group-major position
   * `k`; null when `data` is the input's own data.
   */
  perm: Int32Array | null;
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
 * import { groupsOf } from "./reduce_layout.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const g = groupsOf(asarray([[1, 2, 3], [4, 5, 6]]), [0]);
 * console.assert(g.outSize === 3 && g.m === 2 && g.data.join() === "1,4,2,5,3,6");
 * ```
 */
export function groupsOf(x: NDArray, axes: readonly number[]): Groups {
  const shape = x.shape, nd = shape.length;
  const m = sizeOf(axes.map((a) => shape[a]));
  const outSize = sizeOf(shape.filter((_, d) => !axes.includes(d)));
  if (isTrailing(axes, nd) || x.size === 0) return { data: x.data, outSize, m, perm: null };
  const perm = groupPermutation(shape, axes, outSize, m);
  const src = x.data, data = new Float64Array(perm.length);
  for (let k = 0; k < perm.length; k++) data[k] = src[perm[k]];
  return { data, outSize, m, perm };
}

/** For each group-major position, the flat input index it comes from. */
function groupPermutation(shape: readonly number[], axes: readonly number[], outSize: number, m: number) {
  const nd = shape.length;
  const keptStrides = stridesOf(shape.filter((_, d) => !axes.includes(d)));
  const redStrides = stridesOf(axes.map((a) => shape[a]));
  // Destination step of each input axis: m * (output stride) or (reduced stride).
  const step: number[] = [];
  for (let d = 0, k = 0; d < nd; d++) {
    const j = axes.indexOf(d);
    step.push(j < 0 ? m * keptStrides[k++] : redStrides[j]);
  }
  const perm = new Int32Array(outSize * m);
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1, n = shape[last], sl = step[last];
  let dest = 0, i = 0;
  while (i < perm.length) {
    for (let j = 0, o = dest; j < n; j++, o += sl) perm[o] = i++;
    let d = last - 1;
    for (; d >= 0; d--) {
      dest += step[d];
      if (++idx[d] < shape[d]) break;
      dest -= step[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return perm;
}

/**
 * Write group-major values `g` (one per input element) back in the input's C order
 * into `out`: the last step of shape-preserving group ops such as softmax.
 */
export function scatterGroups(g: ArrayLike<number>, groups: Groups, out: TypedArray): void {
  const perm = groups.perm;
  if (perm === null) {
    for (let k = 0; k < out.length; k++) out[k] = g[k];
  } else {
    for (let k = 0; k < perm.length; k++) out[perm[k]] = g[k];
  }
}

/** Sum of each group (the fast path of `sum`). */
export const sumKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 0;
    for (let j = b, e = b + m; j < e; j++) a += src[j];
    out[o] = a;
  }
};
