/**
 * The BLAS engine's factorisation kernels: matrixInverse, det, solve, solveTriangular,
 * cholesky, eigh, svd and qr on the library's LAPACK (lapack.ts), in float64 and float32
 * (`d…`/`s…` routines: float32 works in float32, as NumPy's does), each matrix of a
 * stack in turn.
 *
 * LAPACK is column-major; the kernels hand it row-major data, which it reads as the
 * transpose, and pick the routine that makes that free where the result allows: A's lower
 * triangle is Aᵀ's upper one for potrf and syevd; gesdd of Aᵀ = U'SV'ᵀ is A = V'SU'ᵀ, so
 * its V'ᵀ is our U and its U' our Vᵀ, both already row-major; QR of A is the LQ of Aᵀ
 * (gelqf + orglq rather than geqrf + orgqr: the same Householder reflections, so R's
 * signs are NumPy's); TRSM has a row-major entry point. The LU (inverse, det, solve) is
 * of A itself, transposed in (as NumPy copies to Fortran order): an LU of Aᵀ would pivot
 * along A's columns, another sequence than the reference's, so which (nearly) singular
 * matrices hit an exact zero pivot would differ more (a 4×4 with two equal rows raised
 * the error in the reference and gave a huge inverse from an LU of Aᵀ). Exact zero pivots
 * are still a matter of rounding: a zero column or row gives one everywhere, two equal
 * rows only to unblocked LUs (OpenBLAS's getrf is recursive from 16×16 on).
 * eigh's eigenvectors and a multi-column solve's right-hand sides are transposed too.
 *
 * Whatever LAPACK does not answer as the reference would goes to `fallback`, the next
 * engine's kernel, for the whole node: a zero pivot (singular matrix), a matrix that is
 * not positive definite, a routine that did not converge, a zero on a triangular
 * diagonal, NaN or ±inf anywhere in the input, an empty matrix, a shape the reference
 * rejects, matrices under SMALL_ORDER. The reference then raises its own error (so the
 * message is the same, naming the same pivot or minor) or, at the edge of rounding, gives
 * its own answer.
 * @module
 */
import { config } from "../../core/config.ts";
import { type DType, STORAGE } from "../../core/dtype.ts";
import type { Apply } from "../../core/graph.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { QrParams, SvdParams } from "../../ops/linalg/decomp.ts";
import type { TriangularParams } from "../../ops/linalg/nlinalg.ts";
import type { FloatArray, Kernel } from "../kernel.ts";
import { Lapack } from "./lapack.ts";
import { type Blas, blasStatus } from "./library.ts";

/**
 * Matrices of a smaller order (min(m, n) for svd and qr) go to the next engine: a
 * LAPACK call costs 1.5–10 µs of foreign calls, workspace queries and copies, more than
 * the JS reference takes below about this order. Measured on stacks of 2×2 to 32×32
 * matrices (2-core Xeon, loaded; bench/RESULTS.md, "LAPACK"): at 8×8 the reference took
 * 0.3–0.9 of LAPACK's time, at 16×16 0.6–1.3 (inv, qr and svd already faster on LAPACK).
 */
export const SMALL_ORDER = 16;

/** How many matrices LAPACK factored, and how many nodes it handed to the next engine (tests read them). */
export const lapackStats: { matrices: number; handedOn: number } = { matrices: 0, handedOn: 0 };

/** A node's work on LAPACK: its outputs, or undefined for the next engine to run it. */
type Factorisation = (lp: Lapack, vals: NDArray[], node: Apply, dtype: DType) => NDArray[] | undefined;

/** LAPACK for a node whose inputs and outputs share a float dtype, when the engine is on and has LAPACK. */
function lapackFor(node: Apply, blas: Blas | undefined = blasStatus().blas): Lapack | undefined {
  if (!config.blas || !blas?.lapack) return undefined;
  const dtype = node.outputs[0].dtype;
  if (dtype !== "float64" && dtype !== "float32") return undefined;
  if (![...node.inputs, ...node.outputs].every((v) => v.dtype === dtype)) return undefined;
  return new Lapack(blas.lapack[dtype], (n) => new STORAGE[dtype](n) as FloatArray);
}

/** The kernel factory of a factorisation: `fallback` itself when LAPACK does not apply. */
function lapackKernel(work: Factorisation): (node: Apply, fallback: Kernel) => Kernel {
  return (node, fallback) => {
    const lp = lapackFor(node);
    if (!lp) return fallback;
    const dtype = node.outputs[0].dtype;
    return (vals, pool) => {
      const [r, c] = vals[0].shape.slice(-2);
      const usable = Math.min(r, c) >= SMALL_ORDER &&
        vals.every((v) => v.size > 0 && allFinite(v.data as FloatArray, v.size));
      const out = usable ? work(lp, vals, node, dtype) : undefined;
      if (out) return out;
      lapackStats.handedOn++;
      return fallback(vals, pool);
    };
  };
}

function allFinite(data: FloatArray, size: number): boolean {
  for (let i = 0; i < size; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

/** A private copy of x's data (LAPACK works in place; x may be a view of the wasm memory). */
const copyOf = (x: NDArray): FloatArray => (x.data as FloatArray).slice(0, x.size);

/** The order of x's square matrices and their count, or undefined when they are not square. */
function squares(x: NDArray): { n: number; count: number } | undefined {
  if (x.ndim < 2) return undefined;
  const [n, m] = x.shape.slice(-2);
  return n === m ? { n, count: x.size / (n * n) } : undefined;
}

/** Matrix i (r×c) of a stack's data. */
const at = (data: FloatArray, i: number, size: number) => data.subarray(i * size, (i + 1) * size);

/** Tile edge of the transposes: a tile of rows and one of columns stay in L1 together. */
const TILE = 32;

/** Transpose the r×c row-major `from` into `to` (c×r row-major), tile by tile. */
function transposeInto(from: FloatArray, to: FloatArray, r: number, c: number): void {
  for (let i0 = 0; i0 < r; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, r);
    for (let j0 = 0; j0 < c; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, c);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) to[j * r + i] = from[i * c + j];
    }
  }
}

/** Each n×n matrix of x's data transposed: the column-major storage of x's matrices. */
function columnMajor(x: NDArray, n: number): FloatArray {
  const from = x.data as FloatArray, out = new STORAGE[x.dtype](x.size) as FloatArray;
  for (let s = 0; s < x.size; s += n * n) transposeInto(from.subarray(s, s + n * n), out.subarray(s), n, n);
  return out;
}

/** Transpose the n×n row-major `a` in place, swapping tiles above the diagonal with those below. */
function transposeSquare(a: FloatArray, n: number): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, n);
    for (let j0 = i0; j0 < n; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, n);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const t = a[i * n + j];
          a[i * n + j] = a[j * n + i];
          a[j * n + i] = t;
        }
      }
    }
  }
}

/**
 * matrix_inverse by getrf + getri of A (transposed in, A⁻¹ transposed out); the other
 * kernels here follow the same pattern.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lapackInverseKernel } from "./factor_kernels.ts";
 * import { matrixInverseOp } from "../../ops/linalg/nlinalg.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * import * as T from "../../mod.ts";
 * const node = matrixInverseOp.make([T.dmatrix()], null);
 * const reference = (v: NDArray[]) => node.op.perform!(v, null, node);
 * const kernel = lapackInverseKernel(node, reference); // `reference` itself when no LAPACK is open
 * const twos = new NDArray("float64", [20, 20]);
 * for (let i = 0; i < 20; i++) twos.data[i * 21] = 2;
 * assert.equal(kernel([twos])[0].item(7, 7), 0.5);
 * ```
 */
export const lapackInverseKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], _node, dtype) => {
    const sq = squares(a);
    if (!sq) return undefined;
    const { n, count } = sq, out = columnMajor(a, n), ipiv = new Int32Array(n);
    for (let i = 0; i < count; i++) {
      const m = at(out, i, n * n);
      if (lp.getrf(n, m, ipiv) !== 0 || lp.getri(n, m, ipiv) !== 0) return undefined;
      transposeSquare(m, n);
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, a.shape, out)];
  },
);

/** det by getrf of A (transposed in): the product of U's diagonal, its sign flipped per row interchange. */
export const lapackDetKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], _node, dtype) => {
    const sq = squares(a);
    if (!sq) return undefined;
    const { n, count } = sq,
      lu = columnMajor(a, n),
      ipiv = new Int32Array(n),
      out = new STORAGE[dtype](count);
    for (let i = 0; i < count; i++) {
      const m = at(lu, i, n * n);
      if (lp.getrf(n, m, ipiv) < 0) return undefined; // > 0: a zero pivot, the determinant is 0
      let d = 1;
      for (let j = 0; j < n; j++) d *= ipiv[j] !== j + 1 ? -m[j * n + j] : m[j * n + j];
      out[i] = d;
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, a.shape.slice(0, -2), out)];
  },
);

/**
 * solve by getrf + getrs of A (transposed in); B's matrices of several columns are
 * transposed to column-major and back, vectors are not.
 */
export const lapackSolveKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a, b], _node, dtype) => {
    const sq = squares(a), vector = b.ndim === a.ndim - 1;
    if (!sq || (b.ndim !== a.ndim && !vector)) return undefined;
    const { n, count } = sq, k = vector ? 1 : b.shape[b.ndim - 1];
    const lead = a.shape.slice(0, -2), rows = b.shape[vector ? b.ndim - 1 : b.ndim - 2];
    if (rows !== n || b.shape.slice(0, lead.length).join() !== lead.join()) return undefined;
    const lu = columnMajor(a, n),
      x = copyOf(b),
      ipiv = new Int32Array(n),
      col = k > 1 ? new STORAGE[dtype](n * k) : x;
    for (let i = 0; i < count; i++) {
      const m = at(lu, i, n * n), xi = at(x, i, n * k);
      if (lp.getrf(n, m, ipiv) !== 0) return undefined;
      if (k > 1) transposeInto(xi, col as FloatArray, n, k);
      if (lp.getrs("N", n, k, m, ipiv, k > 1 ? col as FloatArray : xi) !== 0) return undefined;
      if (k > 1) transposeInto(col as FloatArray, xi, k, n);
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, b.shape, x)];
  },
);

/** solve_triangular by TRSM on the row-major triangle (CBLAS takes row-major: nothing transposed). */
export const lapackTriangularKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a, b], node, dtype) => {
    const { lower, unitDiagonal } = node.params as TriangularParams;
    const sq = squares(a), vector = b.ndim === a.ndim - 1;
    if (!sq || (b.ndim !== a.ndim && !vector)) return undefined;
    const { n, count } = sq, k = vector ? 1 : b.shape[b.ndim - 1];
    const lead = a.shape.slice(0, -2), rows = b.shape[vector ? b.ndim - 1 : b.ndim - 2];
    if (rows !== n || b.shape.slice(0, lead.length).join() !== lead.join()) return undefined;
    const t = a.data as FloatArray, x = copyOf(b);
    for (let i = 0; i < count; i++) {
      const ti = at(t, i, n * n);
      // A zero on the diagonal: the reference names it (TRSM would divide by it).
      if (!unitDiagonal) { for (let j = 0; j < n; j++) if (ti[j * n + j] === 0) return undefined; }
      lp.trsm(lower, unitDiagonal, n, k, ti, at(x, i, n * k));
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, b.shape, x)];
  },
);

/** cholesky by potrf of Aᵀ's upper triangle (A's lower one): Uᵀ U = A, and U read back row-major is L. */
export const lapackCholeskyKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], _node, dtype) => {
    const sq = squares(a);
    if (!sq) return undefined;
    const { n, count } = sq, out = copyOf(a);
    for (let i = 0; i < count; i++) {
      const m = at(out, i, n * n);
      if (lp.potrf("U", n, m) !== 0) return undefined;
      for (let r = 0; r < n; r++) m.fill(0, r * n + r + 1, r * n + n); // potrf leaves A's upper triangle
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, a.shape, out)];
  },
);

/** eigh by syevd of Aᵀ's upper triangle (A's lower one): eigenvalues ascending, eigenvector columns transposed back. */
export const lapackEighKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], _node, dtype) => {
    const sq = squares(a);
    if (!sq) return undefined;
    const { n, count } = sq, v = copyOf(a), w = new STORAGE[dtype](count * n) as FloatArray;
    for (let i = 0; i < count; i++) {
      const m = at(v, i, n * n);
      if (lp.syevd("U", n, m, at(w, i, n)) !== 0) return undefined;
      transposeSquare(m, n);
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, [...a.shape.slice(0, -1)], w), new NDArray(dtype, a.shape, v)];
  },
);

/**
 * svd by gesdd of Aᵀ (n×m as LAPACK reads it): Aᵀ = U' S V'ᵀ, so U = V' and Vᵀ = U'ᵀ;
 * gesdd's V'ᵀ (column-major) is U row-major and its U' is Vᵀ row-major.
 */
export const lapackSvdKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], node, dtype) => {
    const { fullMatrices } = node.params as SvdParams;
    const [m, n] = a.shape.slice(-2),
      k = Math.min(m, n),
      count = a.size / (m * n),
      lead = a.shape.slice(0, -2);
    const [uc, vr] = fullMatrices ? [m, n] : [k, k];
    const work = copyOf(a), make = (size: number) => new STORAGE[dtype](size) as FloatArray;
    const u = make(count * m * uc), s = make(count * k), vt = make(count * vr * n);
    for (let i = 0; i < count; i++) {
      const info = lp.gesdd(
        fullMatrices ? "A" : "S",
        n,
        m,
        at(work, i, m * n),
        at(s, i, k),
        at(vt, i, vr * n),
        n,
        at(u, i, m * uc),
        uc,
      );
      if (info !== 0) return undefined;
      lapackStats.matrices++;
    }
    return [
      new NDArray(dtype, [...lead, m, uc], u),
      new NDArray(dtype, [...lead, k], s),
      new NDArray(dtype, [...lead, vr, n], vt),
    ];
  },
);

/**
 * qr as the LQ factorisation of Aᵀ (gelqf): Aᵀ = L Q', so A = Q'ᵀ Lᵀ, R = Lᵀ (rows of
 * the factored data, below-diagonal zeroed) and Q = Q'ᵀ, generated by orglq into a
 * buffer whose column-major Q' is Q row-major.
 */
export const lapackQrKernel: (node: Apply, fallback: Kernel) => Kernel = lapackKernel(
  (lp, [a], node, dtype) => {
    const { complete } = node.params as QrParams;
    const [m, n] = a.shape.slice(-2),
      k = Math.min(m, n),
      count = a.size / (m * n),
      lead = a.shape.slice(0, -2);
    const qc = complete ? m : k, make = (size: number) => new STORAGE[dtype](size) as FloatArray;
    const work = copyOf(a), tau = make(k), q = make(count * m * qc), r = make(count * qc * n);
    for (let i = 0; i < count; i++) {
      const f = at(work, i, m * n), qi = at(q, i, m * qc), ri = at(r, i, qc * n);
      if (lp.gelqf(n, m, f, n, tau) !== 0) return undefined;
      for (let row = 0; row < k; row++) ri.set(f.subarray(row * n + row, row * n + n), row * n + row);
      // Q' (qc×m, leading dimension qc) starts from the k reflectors of the factored rows.
      for (let c = 0; c < m; c++) qi.set(f.subarray(c * n, c * n + k), c * qc);
      if (lp.orglq(qc, m, k, qi, qc, tau) !== 0) return undefined;
      lapackStats.matrices++;
    }
    return [new NDArray(dtype, [...lead, m, qc], q), new NDArray(dtype, [...lead, qc, n], r)];
  },
);
