/**
 * NumPy's legacy `RandomState` distributions that need more than one draw: binomial
 * (inversion and the BTPE algorithm as kept for compatibility), multinomial, choice
 * and permutation. Each follows NumPy's order of draws, so a seed gives NumPy's numbers.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { MT19937 } from "./mt19937.ts";

/** Legacy binomial by inversion (n·p <= 30). */
function binomialInversion(g: MT19937, n: number, p: number): number {
  const q = 1 - p;
  const qn = Math.exp(n * Math.log(q));
  const np = n * p;
  const bound = Math.trunc(Math.min(n, np + 10 * Math.sqrt(np * q + 1)));
  let x = 0, px = qn, u = g.nextDouble();
  while (u > px) {
    x++;
    if (x > bound) {
      x = 0;
      px = qn;
      u = g.nextDouble();
    } else {
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
  }
  return x;
}

const stirling = (x: number, x2: number) =>
  (13680 - (462 - (132 - (99 - 140 / x2) / x2) / x2) / x2) / x / 166320;

/** Legacy BTPE (Kachitvichyanukul & Schmeiser), with NumPy's preserved Stirling terms. */
function binomialBtpe(g: MT19937, n: number, p: number): number {
  const r = Math.min(p, 1 - p), q = 1 - r;
  const fm = n * r + r;
  const m = Math.floor(fm);
  const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5;
  const xm = m + 0.5, xl = xm - p1, xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * r);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c), p3 = p2 + c / laml, p4 = p3 + c / lamr;
  const nrq = n * r * q;
  for (;;) {
    const u = g.nextDouble() * p4;
    let v = g.nextDouble();
    let y: number;
    if (u <= p1) {
      y = Math.floor(xm - p1 * v + u);
      return p > 0.5 ? n - y : y;
    }
    if (u <= p2) {
      const x = xl + (u - p1) / c;
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
      if (v > 1) continue;
      y = Math.floor(x);
    } else if (u <= p3) {
      y = Math.floor(xl + Math.log(v) / laml);
      if (y < 0 || v === 0) continue;
      v = v * (u - p2) * laml;
    } else {
      y = Math.floor(xr - Math.log(v) / lamr);
      if (y > n || v === 0) continue;
      v = v * (u - p3) * lamr;
    }
    const k = Math.abs(y - m);
    if (!(k > 20 && k < nrq / 2 - 1)) {
      const s = r / q, aa = s * (n + 1);
      let f = 1;
      if (m < y) { for (let i = m + 1; i <= y; i++) f *= aa / i - s; }
      else if (m > y) { for (let i = y + 1; i <= m; i++) f /= aa / i - s; }
      if (v > f) continue;
      return p > 0.5 ? n - y : y;
    }
    const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    const t = -k * k / (2 * nrq);
    const A = Math.log(v);
    if (A < t - rho) return p > 0.5 ? n - y : y;
    if (A > t + rho) continue;
    const x1 = y + 1, f1 = m + 1, z = n + 1 - m, w = n - y + 1;
    if (
      A > xm * Math.log(f1 / x1) + (n - m + 0.5) * Math.log(z / w) + (y - m) * Math.log(w * r / (x1 * q)) +
          stirling(f1, f1 * f1) + stirling(z, z * z) + stirling(x1, x1 * x1) + stirling(w, w * w)
    ) continue;
    return p > 0.5 ? n - y : y;
  }
}

/** Legacy `binomial(n, p)` for one draw (always consumes draws, even for n = 0 or p = 0). */
export function legacyBinomial(g: MT19937, n: number, p: number): number {
  if (p <= 0.5) return p * n <= 30 ? binomialInversion(g, n, p) : binomialBtpe(g, n, p);
  const q = 1 - p;
  return q * n <= 30 ? n - binomialInversion(g, n, q) : n - binomialBtpe(g, n, q);
}

/** NumPy's `kahan_sum` (used to check probabilities). */
export function kahanSum(p: ArrayLike<number>, n = p.length): number {
  if (n <= 0) return 0;
  let sum = p[0], c = 0;
  for (let i = 1; i < n; i++) {
    const y = p[i] - c, t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum;
}

/** Legacy `multinomial(n, pvals)` for one distribution, written into `out[o..o+d)`. */
export function legacyMultinomial(
  g: MT19937,
  n: number,
  pvals: ArrayLike<number>,
  out: Float64Array,
  o: number,
): void {
  const d = pvals.length;
  let remaining = 1, dn = n;
  for (let j = 0; j < d - 1; j++) {
    const k = legacyBinomial(g, dn, pvals[j] / remaining);
    out[o + j] = k;
    dn -= k;
    if (dn <= 0) break;
    remaining -= pvals[j];
  }
  if (dn > 0) out[o + d - 1] = dn;
}

/** Index of the first cdf entry > u (`searchsorted(cdf, u, side="right")`). */
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cumulative sum normalised by its last entry, as `cumsum(p); cdf /= cdf[-1]`. */
function normalizedCdf(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = s += p[i];
  const last = cdf[p.length - 1];
  for (let i = 0; i < p.length; i++) cdf[i] /= last;
  return cdf;
}

/** Legacy `permutation(n)`: `arange(n)` shuffled from the end with `random_interval`. */
export function legacyPermutation(g: MT19937, n: number, out: Float64Array, o: number): void {
  for (let i = 0; i < n; i++) out[o + i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.interval(i);
    const t = out[o + i];
    out[o + i] = out[o + j];
    out[o + j] = t;
  }
}

/** Check probabilities as NumPy's `choice` does; throws InputError naming `what`. */
export function checkProbabilities(p: Float64Array, what: string, float32 = false): void {
  const sum = kahanSum(p);
  if (Number.isNaN(sum)) throw new InputError(`${what}: the probabilities contain NaN`);
  if (p.some((v) => v < 0)) throw new InputError(`${what}: the probabilities must not be negative`);
  const atol = float32
    ? Math.max(Math.sqrt(2.220446049250313e-16), Math.sqrt(1.1920929e-7))
    : 1.4901161193847656e-8;
  if (Math.abs(sum - 1) > atol) {
    throw new InputError(`${what}: the probabilities sum to ${sum}, not 1 (tolerance ${atol})`);
  }
}

/**
 * Legacy `choice(popSize, count, replace, p)` → `count` indices into the population
 * (NumPy's algorithm for each case: randint, cdf search, permutation prefix, or the
 * repeated unique-draw loop for weighted sampling without replacement).
 */
export function legacyChoice(
  g: MT19937,
  popSize: number,
  count: number,
  replace: boolean,
  p: Float64Array | undefined,
  what: string,
): Float64Array {
  const out = new Float64Array(count);
  if (count > 0 && popSize <= 0) throw new InputError(`${what}: the population must not be empty`);
  if (replace) {
    if (p) {
      const cdf = normalizedCdf(p);
      for (let i = 0; i < count; i++) out[i] = searchRight(cdf, g.nextDouble());
    } else {
      for (let i = 0; i < count; i++) out[i] = g.bounded(popSize - 1);
    }
    return out;
  }
  if (count > popSize) {
    throw new InputError(
      `${what}: cannot take ${count} samples without replacement from a population of ${popSize}`,
    );
  }
  if (!p) {
    const perm = new Float64Array(popSize);
    legacyPermutation(g, popSize, perm, 0);
    out.set(perm.subarray(0, count));
    return out;
  }
  if (p.reduce((k, v) => k + (v > 0 ? 1 : 0), 0) < count) {
    throw new InputError(`${what}: fewer non-zero probabilities than the ${count} samples asked for`);
  }
  const w = p.slice();
  let found = 0;
  while (found < count) {
    const x = new Float64Array(count - found);
    for (let i = 0; i < x.length; i++) x[i] = g.nextDouble();
    for (let i = 0; i < found; i++) w[out[i]] = 0;
    const cdf = normalizedCdf(w);
    // Keep the first occurrence of each new index, in order of first appearance.
    const seen = new Set<number>();
    for (let i = 0; i < x.length; i++) {
      const idx = searchRight(cdf, x[i]);
      if (!seen.has(idx)) {
        seen.add(idx);
        out[found++] = idx;
      }
    }
  }
  return out;
}

const LOGGAM_A = [
  8.333333333333333e-02,
  -2.777777777777778e-03,
  7.936507936507937e-04,
  -5.952380952380952e-04,
  8.417508417508418e-04,
  -1.917526917526918e-03,
  6.410256410256410e-03,
  -2.955065359477124e-02,
  1.796443723688307e-01,
  -1.39243221690590e+00,
];

/** NumPy's `random_loggam`: log Γ(x) by Stirling's series, shifted up to x >= 7. */
export function loggam(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.trunc(7 - x) : 0;
  let x0 = x + n;
  const x2 = (1 / x0) * (1 / x0);
  let gl0 = LOGGAM_A[9];
  for (let k = 8; k >= 0; k--) {
    gl0 *= x2;
    gl0 += LOGGAM_A[k];
  }
  let gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  if (x < 7) {
    for (let k = 1; k <= n; k++) {
      gl -= Math.log(x0 - 1);
      x0 -= 1;
    }
  }
  return gl;
}

/** The largest `lam` NumPy's poisson takes: int64's max less ten of its square roots. */
export const POISSON_LAM_MAX = 9223372036854775807 - Math.sqrt(9223372036854775807) * 10;

/**
 * Legacy `poisson(lam)` (NumPy's `random_poisson`): multiplication of uniforms below
 * lam = 10, Hörmann's transformed rejection (PTRS) from 10 on; 0 for lam = 0.
 */
export function legacyPoisson(g: MT19937, lam: number): number {
  if (lam >= 10) {
    const slam = Math.sqrt(lam), loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = g.nextDouble() - 0.5, V = g.nextDouble();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor((2 * a / us + b) * U + lam + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (
        Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1)
      ) {
        return k;
      }
    }
  }
  if (lam === 0) return 0;
  const enlam = Math.exp(-lam);
  let x = 0, prod = 1;
  for (;;) {
    prod *= g.nextDouble();
    if (prod > enlam) x++;
    else return x;
  }
}
