/**
 * The numerical routines behind the linear algebra ops, on row-major float64 matrices
 * (`Float64Array`, n×n unless said otherwise): LU with partial pivoting, Cholesky,
 * triangular solves, Householder QR, cyclic Jacobi for symmetric eigenproblems,
 * one-sided Jacobi for the SVD, and Padé scaling-and-squaring for expm. They are the
 * reference rules; they know nothing of graphs, and report failure by return value so
 * that the ops can name the node in their errors.
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

/** Apply I - tau v vᵀ (v zero before row j0) to rows j0..m, columns c0.. of the row-major x with `cols` columns. */
function reflect(
  x: Float64Array,
  cols: number,
  v: Float64Array,
  tau: number,
  j0: number,
  m: number,
  c0: number,
) {
  const w = new Float64Array(cols);
  for (let i = j0; i < m; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    for (let c = c0, r = i * cols; c < cols; c++) w[c] += vi * x[r + c];
  }
  for (let i = j0; i < m; i++) {
    const f = tau * v[i];
    if (f === 0) continue;
    for (let c = c0, r = i * cols; c < cols; c++) x[r + c] -= f * w[c];
  }
}

/**
 * Householder QR of an m×n matrix (LAPACK's geqrf sign convention: R's diagonal is
 * -sign(alpha)·norm, so the factors match NumPy's). Returns Q (m×k) and R (k×n) with
 * k = min(m, n) when `complete` is false, else Q m×m and R m×n.
 */
export function qr(
  a: ArrayLike<number>,
  m: number,
  n: number,
  complete: boolean,
): { q: Float64Array; r: Float64Array } {
  const r = Float64Array.from(a), k = Math.min(m, n);
  const vs: Float64Array[] = [], taus: number[] = [];
  for (let j = 0; j < k; j++) {
    let norm2 = 0;
    for (let i = j + 1; i < m; i++) norm2 += r[i * n + j] ** 2;
    const alpha = r[j * n + j];
    const v = new Float64Array(m);
    if (norm2 === 0) {
      vs.push(v), taus.push(0); // already reduced: H = I (LAPACK's tau = 0)
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(norm2));
    const tau = (beta - alpha) / beta, scale = 1 / (alpha - beta);
    v[j] = 1;
    for (let i = j + 1; i < m; i++) v[i] = r[i * n + j] * scale;
    // R <- (I - tau v vᵀ) R on columns j..n, row by row (contiguous): w = vᵀR, R -= tau v wᵀ.
    reflect(r, n, v, tau, j, m, j);
    for (let i = j + 1; i < m; i++) r[i * n + j] = 0;
    r[j * n + j] = beta;
    vs.push(v), taus.push(tau);
  }
  const qc = complete ? m : k;
  const q = new Float64Array(m * qc);
  for (let i = 0; i < qc; i++) q[i * qc + i] = 1;
  for (let j = k - 1; j >= 0; j--) if (taus[j] !== 0) reflect(q, qc, vs[j], taus[j], j, m, 0);
  const rr = complete ? r : r.slice(0, k * n);
  return { q, r: rr };
}

/**
 * Eigen-decomposition of the symmetric matrix whose lower triangle is in `a`: Householder
 * reduction to tridiagonal form and the implicit QL algorithm (EISPACK's tred2 and tql2,
 * as JAMA writes them). Eigenvalues ascending (as LAPACK's syevd), eigenvectors as the
 * columns of `v` (n×n row-major). Non-finite input gives NaN throughout.
 */
export function symEig(a: ArrayLike<number>, n: number): { w: Float64Array; v: Float64Array } {
  const V = new Float64Array(n * n), d = new Float64Array(n), e = new Float64Array(n);
  let finite = true;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = a[i * n + j];
      if (!Number.isFinite(x)) finite = false;
      V[i * n + j] = V[j * n + i] = x;
    }
  }
  if (!finite) return { w: new Float64Array(n).fill(NaN), v: new Float64Array(n * n).fill(NaN) };
  if (n === 0) return { w: d, v: V };
  tred2(V, d, e, n);
  // tql2 rotates pairs of columns of V: work on its transpose, whose rows are contiguous.
  const vt = transposed(V, n, n);
  tql2(vt, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const w = new Float64Array(n), v = new Float64Array(n * n);
  order.forEach((src, dst) => {
    w[dst] = d[src];
    for (let k = 0; k < n; k++) v[k * n + dst] = vt[src * n + k];
  });
  return { w, v };
}

/** Householder tridiagonalisation of symmetric V (in place: V becomes the transformation), d the diagonal, e the subdiagonal. */
function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1], g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) { // accumulate the transformations
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), rotating the rows of vt (the transposed eigenvectors). */
function tql2(vt: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]) <= eps * tst1)) m++;
    if (m > l) {
      for (let iter = 0; iter < 60 && Math.abs(e[l]) > eps * tst1; iter++) {
        let g = d[l], p = (d[l + 1] - g) / (2 * e[l]), r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const ri = i * n, rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            h = vt[rj + k];
            vt[rj + k] = s * vt[ri + k] + c * h;
            vt[ri + k] = c * vt[ri + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Thin SVD of an m×n matrix by one-sided Jacobi (Hestenes) on its columns (on the
 * transpose when m < n): `A = U diag(s) Vt`, s descending, U m×k, Vt k×n, k = min(m, n).
 */
export function svd(
  a: ArrayLike<number>,
  m: number,
  n: number,
  mm: Matmul = matmul,
): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  if (m < n) {
    const t = svd(transposed(a, m, n), n, m, mm); // A^T = U' S V'^T, so A = V' S U'^T
    return { u: transposed(t.vt, m, m), s: t.s, vt: transposed(t.u, n, m) };
  }
  // Preconditioning: with V0 the eigenvectors of AᵀA, A V0 has nearly orthogonal columns,
  // so the Jacobi sweeps below (which keep their accuracy: they work on A V0, not AᵀA)
  // converge in two or three sweeps instead of a dozen. g = (A V0)ᵀ and h = V0ᵀ: rows
  // of g are rotated in pairs until orthogonal, h's rows the same, so that A = gᵀ h with
  // orthogonal columns of gᵀ: their norms are the singular values, their directions U's
  // columns, and h is Vt.
  const at = transposed(a, m, n);
  const h = transposed(symEig(mm(at, Float64Array.from(a), n, m, n), n).v, n, n);
  const g = mm(h, at, n, n, m);
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const rp = p * m;
      for (let q = p + 1; q < n; q++) {
        const rq = q * m;
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = g[rp + i], y = g[rq + i];
          alpha += x * x, beta += y * y, gamma += x * y;
        }
        if (gamma === 0 || !(Math.abs(gamma) > 1e-15 * Math.sqrt(alpha * beta))) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = g[rp + i], y = g[rq + i];
          g[rp + i] = c * x - sn * y;
          g[rq + i] = sn * x + c * y;
        }
        for (let i = 0, hp = p * n, hq = q * n; i < n; i++) {
          const x = h[hp + i], y = h[hq + i];
          h[hp + i] = c * x - sn * y;
          h[hq + i] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += g[j * m + i] ** 2;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i]);
  const u = new Float64Array(m * n), s = new Float64Array(n), vt = new Float64Array(n * n);
  // A column whose norm is at rounding level of the largest is noise: U gets a completing
  // unit vector there instead (its singular value stays as computed, near 0, as LAPACK's).
  const tiny = (norms[order[0]] ?? 0) * m * 2 ** -52;
  const valid = order.map((src) => norms[src] > tiny);
  order.forEach((src, dst) => {
    s[dst] = norms[src];
    for (let i = 0; i < m; i++) u[i * n + dst] = valid[dst] ? g[src * m + i] / norms[src] : 0;
    vt.set(h.subarray(src * n, src * n + n), dst * n);
  });
  completeColumns(u, m, n, valid);
  return { u, s, vt };
}

/**
 * Replace the columns of the m×k matrix `u` not marked `valid` with unit vectors
 * orthogonal to the valid ones (Gram–Schmidt on the standard basis, twice), so that U
 * is orthonormal.
 */
function completeColumns(u: Float64Array, m: number, k: number, valid: boolean[]): void {
  let e = 0;
  for (let j = 0; j < k; j++) {
    if (valid[j]) continue;
    for (; e < m; e++) {
      const c = new Float64Array(m);
      c[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let jj = 0; jj < k; jj++) {
          if (!valid[jj]) continue;
          let d = 0;
          for (let i = 0; i < m; i++) d += u[i * k + jj] * c[i];
          for (let i = 0; i < m; i++) c[i] -= d * u[i * k + jj];
        }
      }
      const nrm = Math.hypot(...c);
      if (nrm > 1e-8) {
        for (let i = 0; i < m; i++) u[i * k + j] = c[i] / nrm;
        valid[j] = true;
        e++;
        break;
      }
    }
  }
}

/** An orthonormal m×m basis whose first k columns are those of the m×k orthonormal `u`. */
export function completeBasis(u: ArrayLike<number>, m: number, k: number): Float64Array {
  const full = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) full[i * m + j] = u[i * k + j];
  completeColumns(full, m, m, Array.from({ length: m }, (_, j) => j < k));
  return full;
}

// Padé 13 coefficients (Higham 2005, "The scaling and squaring method for the matrix exponential revisited").
export const PADE13: readonly number[] = [
  64764752532480000,
  32382376266240000,
  7771770303897600,
  1187353796428800,
  129060195264000,
  10559470521600,
  670442572800,
  33522128640,
  1323241920,
  40840800,
  960960,
  16380,
  182,
  1,
];
export const THETA13 = 5.371920351148152;

/** exp(A) by Padé 13 scaling and squaring (Higham 2005; the 1-norm picks the scaling). */
export function expm(a: ArrayLike<number>, n: number, product: Matmul = matmul): Float64Array {
  let norm1 = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    norm1 = Math.max(norm1, s);
  }
  if (!Number.isFinite(norm1)) return new Float64Array(n * n).fill(NaN);
  const sPow = norm1 > THETA13 ? Math.max(0, Math.ceil(Math.log2(norm1 / THETA13))) : 0;
  const scale = 2 ** -sPow;
  const A = Float64Array.from(a, (x) => x * scale);
  const mm = (x: Float64Array, y: Float64Array) => product(x, y, n, n, n);
  const A2 = mm(A, A), A4 = mm(A2, A2), A6 = mm(A4, A2);
  const b = PADE13, I = (i: number, j: number) => (i === j ? 1 : 0);
  const t1 = new Float64Array(n * n), t2 = new Float64Array(n * n);
  const v1 = new Float64Array(n * n), v2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      t1[k] = b[13] * A6[k] + b[11] * A4[k] + b[9] * A2[k];
      t2[k] = b[7] * A6[k] + b[5] * A4[k] + b[3] * A2[k] + b[1] * I(i, j);
      v1[k] = b[12] * A6[k] + b[10] * A4[k] + b[8] * A2[k];
      v2[k] = b[6] * A6[k] + b[4] * A4[k] + b[2] * A2[k] + b[0] * I(i, j);
    }
  }
  const inner = mm(A6, t1);
  for (let k = 0; k < n * n; k++) inner[k] += t2[k];
  const U = mm(A, inner), V = mm(A6, v1);
  for (let k = 0; k < n * n; k++) V[k] += v2[k];
  const P = new Float64Array(n * n), Q = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) P[k] = V[k] + U[k], Q[k] = V[k] - U[k];
  let R = luSolve(luFactor(Q, n, product), n, P, n, product);
  for (let i = 0; i < sPow; i++) R = mm(R, R);
  return R;
}
