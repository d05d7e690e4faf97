/**
 * Fast float32/float64 matrix products for the CPU backend: a cache-blocked GEMM
 * (GotoBLAS layout: panels of A and B packed into float64 scratch, a 4×4 register
 * block of accumulators in local variables), GEMV, and batched forms. Operands are
 * read through (offset, row stride, column stride), so a transposed operand costs
 * nothing. Results accumulate in float64; a float32 result is rounded once at the end.
 *
 * Every hot loop reads and writes only Float64Arrays (the packed panels and the
 * float64 accumulator), so V8 sees one element kind there; only packing reads the
 * caller's Float32Array or Float64Array.
 * @module
 */

import type { FloatArray, MatrixView } from "../kernel.ts";

const MR = 4, NR = 4; // register block
const KC = 256; // depth of a packed panel
const MC = 64; // rows of A per packed block (MC × KC doubles stay in L2)
const NC = 1024; // columns of B per packed block
/** Below this many multiply-adds, a plain loop beats packing. */
const SMALL = 32 * 32 * 32;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(NC * KC);

/**
 * The 4×4 micro-kernel: C[ci + i*ldc + j] (+)= sum_p A[ai + 4p + i] * B[bi + 4p + j] for
 * the `mr` × `nr` valid corner of the block; `first` overwrites instead of adding.
 */
function kernel4x4(
  kc: number,
  A: Float64Array,
  ai: number,
  B: Float64Array,
  bi: number,
  C: Float64Array,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
  first: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3];
    const b0 = B[bi], b1 = B[bi + 1], b2 = B[bi + 2], b3 = B[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  if (mr === 4 && nr === 4) {
    const r0 = ci, r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (first) {
      C[r0] = c00, C[r0 + 1] = c01, C[r0 + 2] = c02, C[r0 + 3] = c03;
      C[r1] = c10, C[r1 + 1] = c11, C[r1 + 2] = c12, C[r1 + 3] = c13;
      C[r2] = c20, C[r2 + 1] = c21, C[r2 + 2] = c22, C[r2 + 3] = c23;
      C[r3] = c30, C[r3 + 1] = c31, C[r3 + 2] = c32, C[r3 + 3] = c33;
    } else {
      C[r0] += c00, C[r0 + 1] += c01, C[r0 + 2] += c02, C[r0 + 3] += c03;
      C[r1] += c10, C[r1 + 1] += c11, C[r1 + 2] += c12, C[r1 + 3] += c13;
      C[r2] += c20, C[r2 + 1] += c21, C[r2 + 2] += c22, C[r2 + 3] += c23;
      C[r3] += c30, C[r3 + 1] += c31, C[r3 + 2] += c32, C[r3 + 3] += c33;
    }
    return;
  }
  // An edge block: only the valid corner is stored.
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const o = ci + i * ldc + j;
      C[o] = first ? t[i * 4 + j] : C[o] + t[i * 4 + j];
    }
  }
}

/** Pack rows [i0, i0+mc) × depth [p0, p0+kc) of A into MR-row micro-panels (zero padded). */
function packPanelA(a: MatrixView, i0: number, mc: number, p0: number, kc: number, dst: Float64Array): void {
  const src = a.data, rs = a.rowStride, cs = a.colStride;
  let q = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const mr = Math.min(MR, mc - ip);
    const base = a.offset + (i0 + ip) * rs + p0 * cs;
    if (mr === MR) {
      for (let p = 0, o = base; p < kc; p++, o += cs) {
        dst[q] = src[o];
        dst[q + 1] = src[o + rs];
        dst[q + 2] = src[o + 2 * rs];
        dst[q + 3] = src[o + 3 * rs];
        q += 4;
      }
    } else {
      for (let p = 0, o = base; p < kc; p++, o += cs) {
        for (let i = 0; i < MR; i++) dst[q++] = i < mr ? src[o + i * rs] : 0;
      }
    }
  }
}

/**
 * Pack depth [p0, p0+kc) × columns [j0, j0+nc) of B into NR-column micro-panels. The
 * twin of packPanelA on the transposed view, kept separate on purpose: calling packPanelA
 * for both made its loads polymorphic and the GEMM ~15% slower (measured).
 */
function packPanelB(b: MatrixView, p0: number, kc: number, j0: number, nc: number, dst: Float64Array): void {
  const src = b.data, rs = b.rowStride, cs = b.colStride;
  let q = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const nr = Math.min(NR, nc - jp);
    const base = b.offset + p0 * rs + (j0 + jp) * cs;
    if (nr === NR) {
      for (let p = 0, o = base; p < kc; p++, o += rs) {
        dst[q] = src[o];
        dst[q + 1] = src[o + cs];
        dst[q + 2] = src[o + 2 * cs];
        dst[q + 3] = src[o + 3 * cs];
        q += 4;
      }
    } else {
      for (let p = 0, o = base; p < kc; p++, o += rs) {
        for (let j = 0; j < NR; j++) dst[q++] = j < nr ? src[o + j * cs] : 0;
      }
    }
  }
}

/** Plain loops for small products: c[cOff + i*n + j] = sum_p a(i, p) b(p, j). */
function gemmSmall(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: Float64Array,
  cOff: number,
) {
  const ad = a.data, bd = b.data, ars = a.rowStride, acs = a.colStride, brs = b.rowStride, bcs = b.colStride;
  for (let i = 0; i < m; i++) {
    const ai = a.offset + i * ars;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, x = ai, y = b.offset + j * bcs; p < k; p++, x += acs, y += brs) s += ad[x] * bd[y];
      c[cOff + i * n + j] = s;
    }
  }
}

/**
 * C = A·B for an (m × k) A and a (k × n) B given as strided views; C is written
 * C-contiguous (row stride n) into the Float64Array `c` from `cOff`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemm, rowMajor } from "./matmul.ts";
 * const c = new Float64Array(4);
 * gemm(2, 2, 2, rowMajor(new Float64Array([1, 2, 3, 4]), 2), rowMajor(new Float64Array([5, 6, 7, 8]), 2), c);
 * assert(c.join() === "19,22,43,50");
 * ```
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: Float64Array,
  cOff = 0,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return;
  }
  if (n === 1) return gemv(m, k, a, { data: b.data, offset: b.offset, stride: b.rowStride }, c, cOff, 1);
  if (m === 1) {
    // A row times B is Bᵀ times the row: a GEMV over B's columns.
    const bt: MatrixView = { data: b.data, offset: b.offset, rowStride: b.colStride, colStride: b.rowStride };
    return gemv(n, k, bt, { data: a.data, offset: a.offset, stride: a.colStride }, c, cOff, 1);
  }
  if (m * n * k <= SMALL) return gemmSmall(m, n, k, a, b, c, cOff);
  const needA = MC * Math.min(KC, k), needB = (Math.ceil(Math.min(NC, n) / NR) * NR) * Math.min(KC, k);
  if (packA.length < needA) packA = new Float64Array(needA);
  if (packB.length < needB) packB = new Float64Array(needB);
  const A = packA, B = packB;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0), first = p0 === 0;
      packPanelB(b, p0, kc, j0, nc, B);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packPanelA(a, i0, mc, p0, kc, A);
        for (let jp = 0; jp < nc; jp += NR) {
          const nr = Math.min(NR, nc - jp), bi = jp * kc;
          const cRow = cOff + i0 * n + j0 + jp;
          for (let ip = 0; ip < mc; ip += MR) {
            kernel4x4(kc, A, ip * kc, B, bi, c, cRow + ip * n, n, Math.min(MR, mc - ip), nr, first);
          }
        }
      }
    }
  }
}

/** A strided vector operand. */
export interface VectorView {
  data: FloatArray;
  offset: number;
  stride: number;
}

/**
 * y = A·x for an (m × k) A: y[yOff + i*yStride] = sum_p A(i, p) x(p). Rows of A are
 * read four at a time when they are contiguous; otherwise A is walked column by column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemv, rowMajor } from "./matmul.ts";
 * const y = new Float64Array(2);
 * gemv(2, 2, rowMajor(new Float32Array([1, 2, 3, 4]), 2), { data: new Float32Array([1, 1]), offset: 0, stride: 1 }, y);
 * assert(y.join() === "3,7");
 * ```
 */
export function gemv(
  m: number,
  k: number,
  a: MatrixView,
  x: VectorView,
  y: Float64Array,
  yOff = 0,
  yStride = 1,
): void {
  const ad = a.data, xd = x.data, rs = a.rowStride, cs = a.colStride, xs = x.stride;
  if (cs === 1 || Math.abs(cs) <= Math.abs(rs)) {
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let o = a.offset + i * rs, xo = x.offset;
      for (let p = 0; p < k; p++, o += cs, xo += xs) {
        const v = xd[xo];
        s0 += ad[o] * v;
        s1 += ad[o + rs] * v;
        s2 += ad[o + 2 * rs] * v;
        s3 += ad[o + 3 * rs] * v;
      }
      const yo = yOff + i * yStride;
      y[yo] = s0;
      y[yo + yStride] = s1;
      y[yo + 2 * yStride] = s2;
      y[yo + 3 * yStride] = s3;
    }
    for (; i < m; i++) {
      let s = 0;
      for (let p = 0, o = a.offset + i * rs, xo = x.offset; p < k; p++, o += cs, xo += xs) {
        s += ad[o] * xd[xo];
      }
      y[yOff + i * yStride] = s;
    }
    return;
  }
  // Columns of A are contiguous: y += A[:, p] * x[p], accumulated in float64 scratch.
  for (let i = 0; i < m; i++) y[yOff + i * yStride] = 0;
  for (let p = 0; p < k; p++) {
    const v = xd[x.offset + p * xs];
    for (let i = 0, o = a.offset + p * cs, yo = yOff; i < m; i++, o += rs, yo += yStride) y[yo] += ad[o] * v;
  }
}

/** A C-contiguous matrix (or a batch of them) as a view. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowMajor } from "./matmul.ts";
 * assert(rowMajor(new Float64Array(6), 3).rowStride === 3);
 * ```
 */
export function rowMajor(data: FloatArray, cols: number, offset = 0): MatrixView {
  return { data, offset, rowStride: cols, colStride: 1 };
}

/**
 * `batch` products of (m × k) by (k × n) matrices stored C-contiguous one after
 * another (`aStep`/`bStep` elements apart; 0 reuses one matrix), into `c`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmBatched } from "./matmul.ts";
 * const c = new Float64Array(2);
 * gemmBatched(2, 1, 1, 2, new Float64Array([1, 2, 3, 4]), 2, new Float64Array([1, 1]), 0, c);
 * assert(c.join() === "3,7");
 * ```
 */
export function gemmBatched(
  batch: number,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aStep: number,
  b: FloatArray,
  bStep: number,
  c: Float64Array,
): void {
  for (let t = 0; t < batch; t++) {
    gemm(m, n, k, rowMajor(a, k, t * aStep), rowMajor(b, n, t * bStep), c, t * m * n);
  }
}
