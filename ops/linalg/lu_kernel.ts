/**
 * The numerical routines behind the linear algebra ops, on row-major float64 matrices
 * (`Float64Array`, n×n unless said otherwise): the matrix product and transpose, LU with
 * partial pivoting (blocked), Cholesky and triangular solves. The orthogonal
 * factorisations are in orthogonal_kernel.ts, eig's in eig_kernel.ts, expm's Padé
 * approximant in expm.ts. They are the reference rules; they know nothing of graphs,
 * and report failure by return value so that the ops can name the node in their errors.
 * @module
 */

/** An LU factorisation `P A = L U`, packed: L below the diagonal (unit diagonal implied), U on and above. */
export interface LU {
  lu: Float64Array;
  /** Row i of P A is row perm[i] of A. */
  perm: Int32Array;
  /** +1 or -1: the sign of the permutation. */
  sign: number;
  /** The first zero pivot (the matrix is singular), or -1. */
  singularAt: number;
}

/**
 * A product (n×k)(k×m) of row-major float64 matrices. The routines here take one so that
 * an engine can pass its blocked GEMM (backends/cpu/table.ts does); `matmul` is the
 * reference.
 */
export type Matmul = (a: Float64Array, b: Float64Array, n: number, k: number, m: number) => Float64Array;

/** Columns per panel of the blocked LU: below this order the LU is one unblocked panel. */
const LU_BLOCK = 64;

/**
 * LU with partial pivoting (LAPACK's getrf, right-looking and blocked): each panel of
 * LU_BLOCK columns is factored unblocked, the rows right of it solved with its unit
 * lower triangle, and the trailing matrix updated by one product `mm` (most of the work).
 */
export function luFactor(a: ArrayLike<number>, n: number, mm: Matmul = matmul): LU {
  const lu = Float64Array.from(a as ArrayLike<number>);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1, singularAt = -1;
  for (let k0 = 0; k0 < n; k0 += LU_BLOCK) {
    const k1 = Math.min(k0 + LU_BLOCK, n);
    for (let k = k0; k < k1; k++) { // the panel: columns k0..k1, rows k..n
      let p = k, big = Math.abs(lu[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(lu[i * n + k]);
        if (v > big) big = v, p = i;
      }
      if (p !== k) { // swap whole rows: L's part left of the panel too, as getrf's laswp
        for (let j = 0; j < n; j++) {
          const t = lu[k * n + j];
          lu[k * n + j] = lu[p * n + j];
          lu[p * n + j] = t;
        }
        const t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
        sign = -sign;
      }
      const piv = lu[k * n + k];
      if (piv === 0) {
        if (singularAt < 0) singularAt = k;
        continue;
      }
      for (let i = k + 1; i < n; i++) {
        const f = (lu[i * n + k] /= piv);
        if (f === 0) continue;
        const ri = i * n, rk = k * n;
        for (let j = k + 1; j < k1; j++) lu[ri + j] -= f * lu[rk + j];
      }
    }
    if (k1 === n) break;
    // U12 = L11⁻¹ A12 (rows k0..k1, columns k1..n), by forward substitution.
    for (let k = k0; k < k1; k++) {
      for (let i = k + 1; i < k1; i++) {
        const f = lu[i * n + k];
        if (f === 0) continue;
        for (let j = k1, ri = i * n, rk = k * n; j < n; j++) lu[ri + j] -= f * lu[rk + j];
      }
    }
    // A22 -= L21 U12.
    const r = n - k1, w = k1 - k0, l21 = new Float64Array(r * w), u12 = new Float64Array(w * r);
    for (let i = 0; i < r; i++) for (let j = 0; j < w; j++) l21[i * w + j] = lu[(k1 + i) * n + k0 + j];
    for (let i = 0; i < w; i++) u12.set(lu.subarray((k0 + i) * n + k1, (k0 + i) * n + n), i * r);
    const t = mm(l21, u12, r, w, r);
    for (let i = 0; i < r; i++) {
      for (let j = 0, ri = (k1 + i) * n + k1, rt = i * r; j < r; j++) lu[ri + j] -= t[rt + j];
    }
  }
  return { lu, perm, sign, singularAt };
}

/**
 * Solve `A X = B` from A's LU; B is n×m row-major; returns X. Blocked as the LU: each
 * block of LU_BLOCK rows first subtracts the rows solved before it in one product `mm`.
 */
export function luSolve(
  { lu, perm }: LU,
  n: number,
  b: ArrayLike<number>,
  m: number,
  mm: Matmul = matmul,
): Float64Array {
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) x[i * m + j] = b[perm[i] * m + j];
  /** x[i0..i1) -= lu[i0..i1, c0..c1) · x[c0..c1). */
  const update = (i0: number, i1: number, c0: number, c1: number) => {
    const w = i1 - i0, d = c1 - c0, blk = new Float64Array(w * d);
    for (let i = 0; i < w; i++) blk.set(lu.subarray((i0 + i) * n + c0, (i0 + i) * n + c1), i * d);
    const t = mm(blk, x.subarray(c0 * m, c1 * m), w, d, m);
    for (let k = 0, o = i0 * m; k < w * m; k++) x[o + k] -= t[k];
  };
  for (let i0 = 0; i0 < n; i0 += LU_BLOCK) { // L (unit diagonal), top down
    const i1 = Math.min(i0 + LU_BLOCK, n);
    if (i0 > 0) update(i0, i1, 0, i0);
    for (let i = i0; i < i1; i++) {
      for (let k = i0; k < i; k++) {
        const f = lu[i * n + k];
        if (f !== 0) { for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j]; }
      }
    }
  }
  for (let i1 = n; i1 > 0; i1 -= LU_BLOCK) { // U, bottom up
    const i0 = Math.max(i1 - LU_BLOCK, 0);
    if (i1 < n) update(i0, i1, i1, n);
    for (let i = i1 - 1; i >= i0; i--) {
      for (let k = i + 1; k < i1; k++) {
        const f = lu[i * n + k];
        if (f !== 0) { for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j]; }
      }
      const d = lu[i * n + i];
      for (let j = 0; j < m; j++) x[i * m + j] /= d;
    }
  }
  return x;
}

/** The determinant from A's LU (0 when singular). */
export function luDet({ lu, sign }: LU, n: number): number {
  let d = sign;
  for (let i = 0; i < n; i++) d *= lu[i * n + i];
  return d;
}

/** The inverse from A's LU (n right-hand sides). */
export function luInverse(f: LU, n: number, mm: Matmul = matmul): Float64Array {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return luSolve(f, n, eye, n, mm);
}

/**
 * The lower Cholesky factor of the symmetric matrix whose lower triangle is in `a`
 * (the upper triangle is not read, as LAPACK's potrf with UPLO='L'). Returns the
 * factor, or the 1-based order of the first leading minor that is not positive.
 */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | number {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) return j + 1;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      const ri = i * n, rj = j * n;
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      l[ri + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solve `T X = B` for triangular T (n×n; only the `lower` or upper triangle is read),
 * B n×m. Returns X, or the index of the first zero diagonal entry.
 */
export function triSolve(
  t: ArrayLike<number>,
  n: number,
  b: ArrayLike<number>,
  m: number,
  lower: boolean,
  unitDiagonal = false,
): Float64Array | number {
  if (!unitDiagonal) { for (let i = 0; i < n; i++) if (t[i * n + i] === 0) return i; }
  const x = Float64Array.from(b);
  for (let s = 0; s < n; s++) {
    const i = lower ? s : n - 1 - s;
    const [k0, k1] = lower ? [0, i] : [i + 1, n];
    for (let k = k0; k < k1; k++) {
      const f = t[i * n + k];
      if (f !== 0) { for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j]; }
    }
    if (!unitDiagonal) {
      const d = t[i * n + i];
      for (let j = 0; j < m; j++) x[i * m + j] /= d;
    }
  }
  return x;
}

/** Row-major product of (n×k)(k×m). */
export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const f = a[i * k + p];
      if (f === 0) continue;
      const rb = p * m, rc = i * m;
      for (let j = 0; j < m; j++) c[rc + j] += f * b[rb + j];
    }
  }
  return c;
}

/** Transpose of an n×m row-major matrix. */
export function transposed(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j];
  return t;
}
