/**
 * The CPU loop shared by reductions: visit every input element once, in C order,
 * folding it into its output cell. Used by the reduction ops' `perform`.
 * @module
 */
import type { NDArray } from "../core/ndarray.ts";
import { sizeOf, stridesOf } from "../core/ndarray.ts";

/** Normalise an axis argument against `ndim`; null/undefined means all axes. */
export function normalizeAxes(
  axis: number | number[] | null | undefined,
  ndim: number,
  opName: string,
): number[] {
  if (axis === null || axis === undefined) return [...Array(ndim).keys()];
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(`${opName}: axis ${a} is out of range for a ${ndim}-d tensor`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(list).size !== list.length) {
    throw new RangeError(`${opName}: repeated axis in (${list.join(", ")})`);
  }
  return list.sort((a, b) => a - b);
}

/**
 * For an input of `shape` reduced over `axes`: the output length and, for each input
 * axis, the stride of the output index (0 on reduced axes).
 */
export function reductionLayout(shape: readonly number[], axes: readonly number[]) {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const outStrides = stridesOf(outShape);
  const strideOnInput: number[] = [];
  let k = 0;
  for (let d = 0; d < shape.length; d++) strideOnInput.push(axes.includes(d) ? 0 : outStrides[k++]);
  return { outShape, outSize: sizeOf(outShape), strideOnInput };
}

/**
 * Fold `x` over `axes` into `acc` (already initialised, one cell per output element):
 * `acc[o] = step(acc[o], x[i], r)` where r is the element's position along the
 * reduced axes (flattened), used by argmax/argmin.
 */
export function foldAxes(
  x: NDArray,
  axes: readonly number[],
  acc: Float64Array,
  step: (a: number, v: number, r: number) => number,
): void {
  const shape = x.shape, nd = shape.length, data = x.data;
  const { strideOnInput } = reductionLayout(shape, axes);
  // Position along the reduced axes, for arg-reductions.
  const redShape = axes.map((a) => shape[a]);
  const redStrides = stridesOf(redShape);
  const rStride: number[] = [];
  for (let d = 0; d < nd; d++) {
    const j = axes.indexOf(d);
    rStride.push(j < 0 ? 0 : redStrides[j]);
  }
  if (nd === 0) {
    acc[0] = step(acc[0], data[0], 0);
    return;
  }
  const idx = new Array(nd).fill(0);
  const last = nd - 1, n = shape[last], so = strideOnInput[last], sr = rStride[last];
  let o = 0, r = 0, i = 0;
  const total = data.length;
  while (i < total) {
    for (let j = 0, oo = o, rr = r; j < n; j++, oo += so, rr += sr) acc[oo] = step(acc[oo], data[i++], rr);
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      o += strideOnInput[d];
      r += rStride[d];
      if (idx[d] < shape[d]) break;
      o -= strideOnInput[d] * shape[d];
      r -= rStride[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}
