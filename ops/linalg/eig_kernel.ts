/**
 * Eigenvalues and eigenvectors of a general real matrix: Householder reduction to upper
 * Hessenberg form, the Francis double-shift QR iteration for the eigenvalues (EISPACK's
 * hqr, as JAMA writes it), then each eigenvector by inverse iteration in complex
 * arithmetic. Complex values are kept as (real, imaginary) pairs.
 * @module
 */
import { luFactor } from "./lu_kernel.ts";

/** Eigenvalues (re, im) in the order the QR iteration leaves them on the diagonal, or null if it did not converge. */
export function eigenvalues(a: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } | null {
  const H = Float64Array.from(a as ArrayLike<number>);
  hessenberg(H, n);
  return hqr(H, n);
}

/** Reduce H (n×n, row-major) to upper Hessenberg form in place by Householder similarities. */
function hessenberg(H: Float64Array, n: number): void {
  const v = new Float64Array(n);
  for (let m = 1; m < n - 1; m++) {
    let norm2 = 0;
    for (let i = m + 1; i < n; i++) norm2 += H[i * n + m - 1] ** 2;
    if (norm2 === 0) continue;
    const alpha = H[m * n + m - 1];
    const beta = -Math.sign(alpha || 1) * Math.sqrt(alpha * alpha + norm2);
    v.fill(0);
    v[m] = alpha - beta;
    for (let i = m + 1; i < n; i++) v[i] = H[i * n + m - 1];
    let vv = 0;
    for (let i = m; i < n; i++) vv += v[i] * v[i];
    const tau = 2 / vv;
    // H <- (I - tau v vᵀ) H (rows m..n), then H <- H (I - tau v vᵀ) (columns m..n).
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = m; i < n; i++) s += v[i] * H[i * n + j];
      s *= tau;
      for (let i = m; i < n; i++) H[i * n + j] -= s * v[i];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = m; j < n; j++) s += H[i * n + j] * v[j];
      s *= tau;
      for (let j = m; j < n; j++) H[i * n + j] -= s * v[j];
    }
    for (let i = m + 1; i < n; i++) H[i * n + m - 1] = 0;
  }
}

/** Francis double-shift QR on upper Hessenberg H (destroyed): the eigenvalues, or null after too many iterations. */
function hqr(H: Float64Array, nn: number): { re: Float64Array; im: Float64Array } | null {
  const d = new Float64Array(nn), e = new Float64Array(nn);
  const at = (i: number, j: number) => H[i * nn + j];
  const eps = 2 ** -52;
  let n = nn - 1, exshift = 0, p = 0, q = 0, r = 0, s = 0, z = 0, w: number, x: number, y: number;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(at(i, j));
  if (!Number.isFinite(norm)) return null;
  let iter = 0, total = 0;
  while (n >= 0) {
    let l = n;
    while (l > 0) {
      s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      if (Math.abs(at(l, l - 1)) < eps * s) break;
      l--;
    }
    if (l === n) { // one root
      d[n] = at(n, n) + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) { // two roots
      w = at(n, n - 1) * at(n - 1, n);
      p = (at(n - 1, n - 1) - at(n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = at(n, n) + exshift;
      if (q >= 0) { // a real pair
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : d[n - 1];
        e[n - 1] = e[n] = 0;
      } else { // a complex pair
        d[n - 1] = d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      if (++total > 100 * nn) return null;
      x = at(n, n);
      y = 0;
      w = 0;
      if (l < n) {
        y = at(n - 1, n - 1);
        w = at(n, n - 1) * at(n - 1, n);
      }
      if (iter === 10) { // Wilkinson's exceptional shift
        exshift += x;
        for (let i = 0; i <= n; i++) H[i * nn + i] -= x;
        s = Math.abs(at(n, n - 1)) + Math.abs(at(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) { // MATLAB's exceptional shift
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) H[i * nn + i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      let m = n - 2;
      while (m >= l) { // two consecutive small subdiagonal elements
        z = at(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
        q = at(m + 1, m + 1) - z - r - s;
        r = at(m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (
          Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r)) <
            eps * (Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1))))
        ) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }
      for (let k = m; k <= n - 1; k++) { // the double QR step on rows l..n, columns m..n
        const notlast = k !== n - 1;
        if (k !== m) {
          p = at(k, k - 1);
          q = at(k + 1, k - 1);
          r = notlast ? at(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k * nn + k - 1] = -s * x!;
        else if (l !== m) H[k * nn + k - 1] = -at(k, k - 1);
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < nn; j++) {
          p = at(k, j) + q * at(k + 1, j);
          if (notlast) {
            p += r * at(k + 2, j);
            H[(k + 2) * nn + j] -= p * z;
          }
          H[k * nn + j] -= p * x;
          H[(k + 1) * nn + j] -= p * y;
        }
        for (let i = 0; i <= Math.min(n, k + 3); i++) {
          p = x * at(i, k) + y * at(i, k + 1);
          if (notlast) {
            p += z * at(i, k + 2);
            H[i * nn + k + 2] -= p * r;
          }
          H[i * nn + k] -= p;
          H[i * nn + k + 1] -= p * q;
        }
      }
    }
  }
  return { re: d, im: e };
}

/**
 * The eigenvector of `a` for eigenvalue (lr, li), by inverse iteration in complex
 * arithmetic, orthogonalised against `previous` (vectors of equal eigenvalues found
 * before, so a repeated eigenvalue of a diagonalisable matrix gets independent ones).
 * Normalised as LAPACK's geev: unit 2-norm, the component of largest modulus real.
 */
export function eigenvector(
  a: ArrayLike<number>,
  n: number,
  lr: number,
  li: number,
  previous: { re: Float64Array; im: Float64Array }[],
  seed: number,
): { re: Float64Array; im: Float64Array } {
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(a[i]));
  const shift = Math.max(norm, 1) * 2 ** -40; // keeps A - λI invertible in floating point
  // A - λI; for a complex λ, as the real 2n×2n block [[A - lr I, li I], [-li I, A - lr I]]
  // acting on (re; im).
  const complex = li !== 0, m = complex ? 2 * n : n, M = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a[i * n + j] - (i === j ? lr + shift : 0);
      M[i * m + j] = v;
      if (complex) M[(i + n) * m + j + n] = v;
    }
    if (complex) {
      M[i * m + i + n] = li;
      M[(i + n) * m + i] = -li;
    }
  }
  const f = luFactor(M, m);
  for (let k = 0; k < m; k++) if (f.lu[k * m + k] === 0) f.lu[k * m + k] = shift;
  let x: Float64Array = new Float64Array(2 * n); // (re; im), the imaginary half 0 for a real λ
  for (let i = 0; i < n; i++) x[i] = 1 + ((i * 7919 + seed * 104729) % 97) / 97; // deterministic start
  for (let it = 0; it < 3; it++) {
    const y = solvePacked(f.lu, f.perm, m, x.subarray(0, m));
    x = new Float64Array(2 * n);
    x.set(y);
    for (const pv of previous) { // x -= <pv, x> pv (complex inner product)
      let dr = 0, di = 0;
      for (let i = 0; i < n; i++) {
        dr += pv.re[i] * x[i] + pv.im[i] * x[i + n];
        di += pv.re[i] * x[i + n] - pv.im[i] * x[i];
      }
      for (let i = 0; i < n; i++) {
        x[i] -= dr * pv.re[i] - di * pv.im[i];
        x[i + n] -= dr * pv.im[i] + di * pv.re[i];
      }
    }
    let s = 0;
    for (let i = 0; i < 2 * n; i++) s += x[i] * x[i];
    s = Math.sqrt(s);
    for (let i = 0; i < 2 * n; i++) x[i] /= s;
  }
  // Rotate so that the component of largest modulus is real and positive.
  let big = 0, br = 1, bi = 0;
  for (let i = 0; i < n; i++) {
    const mod = Math.hypot(x[i], x[i + n]);
    if (mod > big * (1 + 1e-12)) big = mod, br = x[i] / mod, bi = x[i + n] / mod;
  }
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) { // x · conj(b)
    re[i] = x[i] * br + x[i + n] * bi;
    im[i] = li === 0 ? 0 : x[i + n] * br - x[i] * bi;
  }
  return { re, im };
}

function solvePacked(lu: Float64Array, perm: Int32Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b[perm[i]];
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) x[i] -= lu[i * n + k] * x[k];
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= lu[i * n + k] * x[k];
    x[i] /= lu[i * n + i];
  }
  return x;
}
