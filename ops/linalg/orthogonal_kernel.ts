/**
 * The orthogonal factorisations behind qr, eigh and svd, on row-major float64 matrices:
 * Householder QR, Householder tridiagonalisation with implicit QL for symmetric
 * eigenproblems, and one-sided Jacobi for the SVD.
 * @module
 */
import { type Matmul, matmul, transposed } from "./lu_kernel.ts";

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
  // Both steps work on the transpose of the eigenvector matrix (V is symmetric to start
  // with): their inner loops then walk rows, contiguous in memory, instead of columns.
  const vt = V;
  tred2(vt, d, e, n);
  tql2(vt, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const w = new Float64Array(n), v = new Float64Array(n * n);
  order.forEach((src, dst) => {
    w[dst] = d[src];
    for (let k = 0; k < n; k++) v[k * n + dst] = vt[src * n + k];
  });
  return { w, v };
}

/**
 * Householder tridiagonalisation of symmetric V, in place: V becomes the transpose of the
 * orthogonal transformation, d the diagonal, e the subdiagonal. JAMA's tred2 with every
 * V[r][c] read as V[c][r], so that its inner loops run along rows.
 */
function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
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
        V[i * n + j] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[j * n + k] * d[k];
          e[k] += V[j * n + k] * f;
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
        for (let k = j; k <= i - 1; k++) V[j * n + k] -= f * e[k] + g * d[k];
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) { // accumulate the transformations
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[(i + 1) * n + k] * V[j * n + k];
        for (let k = 0; k <= i; k++) V[j * n + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
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
