/**
 * The LAPACK routines the factorisation kernels call (factor_kernels.ts), typed: each
 * wraps one Fortran routine of library.ts, passing integers and characters by address
 * and their hidden lengths, asking for its workspace size first where it has one, and
 * returning LAPACK's `info` (0: done, > 0: the routine's own failure, < 0: a bad
 * argument, which these wrappers never pass). Matrices are column-major, as Fortran's:
 * the kernels pass row-major matrices, which LAPACK reads as their transposes.
 * @module
 */
import type { FloatArray } from "../kernel.ts";
import type { LapackRoutines } from "./library.ts";

const int = (v: number) => Int32Array.of(v);
const char = (c: string) => Uint8Array.of(c.charCodeAt(0));

/**
 * The workspace length a query answered: LAPACK returns it in the float dtype, and a
 * float32 above 2²⁴ may have been rounded down (older LAPACKs do not round it up), so a
 * relative margin of 2⁻²² is added.
 */
const workSize = (answer: number) => Math.max(1, Math.ceil(answer * (1 + 2 ** -22)));

/** CBLAS's constants for TRSM. */
const ROW_MAJOR = 101, NO_TRANS = 111, UPPER = 121, LOWER = 122, NON_UNIT = 131, UNIT = 132, LEFT = 141;

/**
 * The LAPACK routines of one float dtype, with Fortran's conventions hidden.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Lapack } from "./lapack.ts";
 * import { blasStatus } from "./library.ts";
 * const routines = blasStatus().blas?.lapack?.float64;
 * if (routines) {
 *   const lp = new Lapack(routines, (n) => new Float64Array(n));
 *   const a = Float64Array.of(4, 2, 2, 5); // symmetric: column-major is row-major
 *   assert.equal(lp.potrf("L", 2, a), 0);
 *   assert.deepEqual([a[0], a[1], a[3]], [2, 1, 2]); // L = [[2, 0], [1, 2]]
 * }
 * ```
 */
export class Lapack {
  constructor(private readonly r: LapackRoutines, private readonly make: (n: number) => FloatArray) {}

  /** Run `call(work, lwork)` after asking it for its optimal workspace (lwork = -1). */
  private withWork(call: (work: FloatArray, lwork: Int32Array) => number): number {
    const query = this.make(1);
    const info = call(query, int(-1));
    if (info !== 0) return info;
    const size = workSize(query[0]);
    return call(this.make(size), int(size));
  }

  /** P A = L U of the n×n `a` in place (getrf); `ipiv` gets the 1-based pivot rows. */
  getrf(n: number, a: FloatArray, ipiv: Int32Array): number {
    const info = int(0);
    this.r.getrf(int(n), int(n), a, int(Math.max(n, 1)), ipiv, info);
    return info[0];
  }

  /** The inverse from getrf's factors, in place (getri). */
  getri(n: number, a: FloatArray, ipiv: Int32Array): number {
    const info = int(0);
    return this.withWork((work, lwork) => {
      this.r.getri(int(n), a, int(Math.max(n, 1)), ipiv, work, lwork, info);
      return info[0];
    });
  }

  /** Solve op(A) X = B from getrf's factors (`trans`: "N" or "T"); B n×k in place. */
  getrs(trans: "N" | "T", n: number, k: number, a: FloatArray, ipiv: Int32Array, b: FloatArray): number {
    const info = int(0), ld = int(Math.max(n, 1));
    this.r.getrs(char(trans), int(n), int(k), a, ld, ipiv, b, ld, info, 1);
    return info[0];
  }

  /** The Cholesky factor of the `uplo` triangle, in place (potrf). */
  potrf(uplo: "U" | "L", n: number, a: FloatArray): number {
    const info = int(0);
    this.r.potrf(char(uplo), int(n), a, int(Math.max(n, 1)), info, 1);
    return info[0];
  }

  /** Eigenvalues `w` (ascending) and eigenvectors (a's columns, in place) of the `uplo` triangle (syevd). */
  syevd(uplo: "U" | "L", n: number, a: FloatArray, w: FloatArray): number {
    const info = int(0), lda = int(Math.max(n, 1));
    const run = (work: FloatArray, lwork: number, iwork: Int32Array, liwork: number) => {
      this.r.syevd(
        char("V"),
        char(uplo),
        int(n),
        a,
        lda,
        w,
        work,
        int(lwork),
        iwork,
        int(liwork),
        info,
        1,
        1,
      );
      return info[0];
    };
    const work = this.make(1), iwork = new Int32Array(1);
    if (run(work, -1, iwork, -1) !== 0) return info[0];
    const size = workSize(work[0]), isize = Math.max(1, iwork[0]);
    return run(this.make(size), size, new Int32Array(isize), isize);
  }

  /**
   * The SVD of the m×n column-major `a` (destroyed) by divide and conquer (gesdd):
   * `jobz` "A" (U m×m, Vᵀ n×n) or "S" (U m×k, Vᵀ k×n, k = min(m, n)); U and Vᵀ
   * column-major with leading dimensions `ldu` and `ldvt`.
   */
  gesdd(
    jobz: "A" | "S",
    m: number,
    n: number,
    a: FloatArray,
    s: FloatArray,
    u: FloatArray,
    ldu: number,
    vt: FloatArray,
    ldvt: number,
  ): number {
    const info = int(0), iwork = new Int32Array(8 * Math.min(m, n));
    return this.withWork((work, lwork) => {
      this.r.gesdd(
        char(jobz),
        int(m),
        int(n),
        a,
        int(Math.max(m, 1)),
        s,
        u,
        int(ldu),
        vt,
        int(ldvt),
        work,
        lwork,
        iwork,
        info,
        1,
      );
      return info[0];
    });
  }

  /** A = L Q of the m×n column-major `a` (leading dimension `lda`) in place, reflectors' factors in `tau` (gelqf). */
  gelqf(m: number, n: number, a: FloatArray, lda: number, tau: FloatArray): number {
    const info = int(0);
    return this.withWork((work, lwork) => {
      this.r.gelqf(int(m), int(n), a, int(lda), tau, work, lwork, info);
      return info[0];
    });
  }

  /** The m×n Q with orthonormal rows from the first k of gelqf's reflectors, in place (orglq). */
  orglq(m: number, n: number, k: number, a: FloatArray, lda: number, tau: FloatArray): number {
    const info = int(0);
    return this.withWork((work, lwork) => {
      this.r.orglq(int(m), int(n), int(k), a, int(lda), tau, work, lwork, info);
      return info[0];
    });
  }

  /** B (n×k, row-major) ← T⁻¹ B for the row-major n×n T's `lower` or upper triangle (cblas_?trsm). */
  trsm(lower: boolean, unit: boolean, n: number, k: number, t: FloatArray, b: FloatArray): void {
    const ld = Math.max(n, 1);
    this.r.trsm(
      ROW_MAJOR,
      LEFT,
      lower ? LOWER : UPPER,
      NO_TRANS,
      unit ? UNIT : NON_UNIT,
      n,
      k,
      1,
      t,
      ld,
      b,
      Math.max(k, 1),
    );
  }
}
