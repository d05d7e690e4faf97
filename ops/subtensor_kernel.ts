/**
 * The index arithmetic of basic indexing (NumPy's rules for integer indices and
 * `start:stop:step` ranges, with clamping and negative steps) and the strided
 * gather/scatter loops that subtensor.ts and join.ts run on the CPU.
 * @module
 */
import type { TypedArray } from "../core/dtype.ts";
import { stridesOf } from "../core/ndarray.ts";

/** A bound of a range: a number, null (NumPy's None), or "$" (the next scalar input). */
export type Bound = number | null | "$";

/** A `start:stop:step` range over one axis. */
export interface SliceEntry {
  start: Bound;
  stop: Bound;
  step: Bound;
}

/** One axis of an index: an integer (the axis is dropped), "$" (a symbolic integer) or a range. */
export type IndexEntry = number | "$" | SliceEntry;

/** A range resolved against a length: first element, step and count. */
export interface Range {
  start: number;
  step: number;
  len: number;
}

/**
 * NumPy's `slice.indices(n)` followed by the length (CPython's PySlice_AdjustIndices):
 * negative bounds count from the end, out-of-range bounds are clamped, a missing
 * bound means "from the first/last element on the side the step walks from". The
 * step must not be 0 (the caller checks).
 */
export function resolveSlice(
  n: number,
  start: number | null,
  stop: number | null,
  step: number | null,
): Range {
  const st = step ?? 1;
  let a: number, b: number;
  if (st > 0) {
    a = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    b = stop === null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
    return { start: a, step: st, len: b > a ? Math.floor((b - a - 1) / st) + 1 : 0 };
  }
  a = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
  b = stop === null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
  return { start: a, step: st, len: a > b ? Math.floor((a - b - 1) / -st) + 1 : 0 };
}

/** An integer index resolved against a length, or undefined when out of range. */
export function resolveIndex(k: number, n: number): number | undefined {
  const r = k < 0 ? k + n : k;
  return r >= 0 && r < n ? r : undefined;
}

/** A strided region of a C-contiguous array: first offset, then lengths and strides. */
export interface Region {
  base: number;
  shape: number[];
  strides: number[];
}

/** One axis of an index resolved at run time: a position (axis dropped) or a range. */
export type Resolved = number | Range;

/** The region selected by resolved entries on the leading axes of `shape`. */
export function regionOf(shape: readonly number[], entries: readonly Resolved[]): Region {
  const st = stridesOf(shape);
  let base = 0;
  const out: number[] = [], strides: number[] = [];
  shape.forEach((n, d) => {
    const e = d < entries.length ? entries[d] : { start: 0, step: 1, len: n };
    if (typeof e === "number") base += e * st[d];
    else {
      base += e.start * st[d];
      out.push(e.len);
      strides.push(e.step * st[d]);
    }
  });
  return { base, shape: out, strides };
}

/**
 * Visit a region row by row: `row(a, b, n, sa, sb)` covers `n` elements starting at
 * offsets `a` and `b` of two arrays walked with strides `stA` and `stB`.
 */
export function walkRows(
  shape: readonly number[],
  stA: readonly number[],
  baseA: number,
  stB: readonly number[],
  baseB: number,
  row: (a: number, b: number, n: number, sa: number, sb: number) => void,
): void {
  const nd = shape.length;
  if (nd === 0) return row(baseA, baseB, 1, 0, 0);
  if (shape.some((d) => d === 0)) return;
  const last = nd - 1, n = shape[last], sa = stA[last], sb = stB[last];
  const idx = new Array<number>(nd).fill(0);
  let a = baseA, b = baseB;
  for (;;) {
    row(a, b, n, sa, sb);
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      a += stA[d];
      b += stB[d];
      if (idx[d] < shape[d]) break;
      a -= stA[d] * shape[d];
      b -= stB[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** Copy a region of `src` into `dst` in C order, from offset `at` (default 0). */
export function gather(src: TypedArray, r: Region, dst: TypedArray, at = 0, dstStrides?: number[]): void {
  walkRows(r.shape, r.strides, r.base, dstStrides ?? stridesOf(r.shape), at, (a, b, n, sa, sb) => {
    if (sa === 1 && sb === 1) dst.set(src.subarray(a, a + n), b);
    else for (let i = 0; i < n; i++) dst[b + i * sb] = src[a + i * sa];
  });
}

/**
 * Write (or add) `val`, read with strides `valStrides` (0 along broadcast axes), into
 * the region `r` of `dst`.
 */
export function scatter(
  dst: TypedArray,
  r: Region,
  val: TypedArray,
  valStrides: number[],
  add: boolean,
): void {
  walkRows(r.shape, r.strides, r.base, valStrides, 0, (a, b, n, sa, sb) => {
    if (add) { for (let i = 0; i < n; i++) dst[a + i * sa] += val[b + i * sb]; }
    else if (sa === 1 && sb === 1) dst.set(val.subarray(b, b + n), a);
    else for (let i = 0; i < n; i++) dst[a + i * sa] = val[b + i * sb];
  });
}

/** pp text of an index: `1:3`, `::-1`, `i`, with symbolic entries taken from `sym`. */
export function indexString(idx: readonly IndexEntry[], sym: readonly string[]): string {
  let k = 0;
  const b = (x: Bound) => (x === "$" ? sym[k++] : x === null ? "" : String(x));
  return idx.map((e) => {
    if (typeof e !== "object") return b(e);
    const start = b(e.start), stop = b(e.stop), step = e.step === null ? null : b(e.step);
    return step === null ? `${start}:${stop}` : `${start}:${stop}:${step}`;
  }).join(", ");
}
