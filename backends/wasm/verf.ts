/**
 * The vectorised error function. It is computed in f64x2; f32x4 lanes are widened to
 * two f64x2 halves and narrowed back (one rounding), so float32 erf is within half an
 * ulp plus the f64 error.
 *
 * Method: |x| < 0.75: erf(x) = x · P(x²) with P the Taylor series of erf(x)/x,
 * (2/√π) Σ (-1)ⁿ x²ⁿ/(n!(2n+1)), n <= 14 (next term < 1e-18). 0.75 <= |x|: erf(x) =
 * ±(1 - e^(-x²) · g(x)) with g = erfcx = e^(x²) erfc(x), a 32-term Chebyshev series
 * on [0.75, 6] (maximum relative error 9e-17 in exact arithmetic) evaluated by
 * Clenshaw's recurrence, |x| clamped to 6 where erf rounds to ±1. The rounding of x²
 * in e^(-x²) changes erfc by at most 36 ulp relative, invisible next to 1.
 *
 * Measured accuracy: f64 1 ulp against 50-digit mpmath values (bound asserted by
 * vmath_test.ts: 2); f32 0.5 ulp against float64 erf (bound 1).
 * @module
 */
import { LANES } from "./asm.ts";
import { type VecWriter, vexp } from "./vmath.ts";

/**
 * Chebyshev coefficients of erfcx on [0.75, 6], made with mpmath at 40 digits:
 *   g = lambda x: mp.erfc(x) * mp.exp(x * x); M = 52 Chebyshev–Gauss nodes;
 *   c_j = 2/M Σ_k g(x_k) cos(π j (k + 1/2) / M), c_0 halved; printed as float(c_j).
 */
const ERFCX_CHEB = [
  0.22114369487885507,
  -0.17832043500011177,
  0.06857176475181533,
  -0.025297454744767484,
  0.008993894551303934,
  -0.0030924816455298386,
  0.0010313713168876555,
  -0.0003344397765879925,
  0.00010565724801646631,
  -3.2577350920383115e-05,
  9.818000162189374e-06,
  -2.8959776604836924e-06,
  8.370269635675738e-07,
  -2.373052215210731e-07,
  6.605467052632708e-08,
  -1.806730012124486e-08,
  4.8596790991307875e-09,
  -1.2863178674886728e-09,
  3.3526764474120437e-10,
  -8.609769736019257e-11,
  2.1796272805546074e-11,
  -5.4422762074374046e-12,
  1.3408738354848746e-12,
  -3.261307442262479e-13,
  7.833703228789072e-14,
  -1.8589935719822975e-14,
  4.3599125037267886e-15,
  -1.0109071770973084e-15,
  2.3180058754228766e-16,
  -5.257944544310631e-17,
  1.1801498177074564e-17,
  -2.6217602606592468e-18,
];
const A = 0.75, B = 6;

/** (2/√π) (-1)ⁿ / (n! (2n+1)) for n = 0..14. */
const TAYLOR = (() => {
  const out: number[] = [];
  let fact = 1;
  for (let n = 0; n <= 14; n++) {
    if (n > 0) fact *= n;
    out.push(((n % 2 ? -1 : 1) * 1.1283791670955126) / (fact * (2 * n + 1)));
  }
  return out;
})();

/** Push erf of the f64x2 local x. */
function erf64(w: VecWriter, x: number): void {
  w.get(x).get(x).f("mul");
  const z = w.let();
  w.horner(z, TAYLOR).get(x).f("mul");
  const small = w.let();
  w.get(x).f("abs").k(B).f("pmin");
  const ax = w.let();
  // u in [-1, 1]; Clenshaw with b1, b2.
  w.get(ax).k(2 / (B - A)).f("mul").k(-(A + B) / (B - A)).f("add");
  const u = w.let();
  w.get(u).get(u).f("add");
  const u2 = w.let();
  const n = ERFCX_CHEB.length;
  w.k(ERFCX_CHEB[n - 1]);
  let b1 = w.let();
  w.k(0);
  let b2 = w.let();
  for (let k = n - 2; k >= 1; k--) {
    w.get(u2).get(b1).f("mul").k(ERFCX_CHEB[k]).f("add").get(b2).f("sub");
    const b0 = w.let();
    b2 = b1;
    b1 = b0;
  }
  w.get(u).get(b1).f("mul").k(ERFCX_CHEB[0]).f("add").get(b2).f("sub");
  const g = w.let();
  w.get(ax).get(ax).f("mul", "neg");
  const nz = w.let();
  vexp(w, nz);
  w.get(g).f("mul");
  const eg = w.let();
  w.k(1).get(eg).f("sub");
  // copysign
  w.k(-0).get(x).op("v128.and", "v128.or");
  const big = w.let();
  w.select(() => w.get(small), () => w.get(big), () => w.get(x).f("abs").k(A).f("lt"));
}

/**
 * Push erf(x) for the local x (f32x4 or f64x2).
 *
 * @example
 * ```ts
 * import { verf } from "./verf.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const erf = probe("f64", verf);
 * assert(Math.abs(erf(1) - 0.8427007929497149) <= 1.2e-16);
 * assert.equal(erf(-Infinity), -1);
 * assert.equal(probe("f32", verf)(0.5), Math.fround(0.5204998778130465));
 * ```
 */
export function verf(w: VecWriter, x: number): void {
  if (w.L.s === "f64") return erf64(w, x);
  const d = w.as(LANES.f64);
  const c = w.c;
  c.get(x).op("f64x2.promote_low_f32x4");
  const lo = d.let();
  c.get(x).get(x).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).op(
    "f64x2.promote_low_f32x4",
  );
  const hi = d.let();
  erf64(d, lo);
  c.op("f32x4.demote_f64x2_zero");
  const rlo = d.let();
  erf64(d, hi);
  c.op("f32x4.demote_f64x2_zero");
  const rhi = d.let();
  c.get(rlo).get(rhi).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}
