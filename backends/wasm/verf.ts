/**
 * The vectorised error function and its complements erfc and erfcx. They are computed in f64x2; f32x4 lanes are widened to
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
 *
 * erfc and erfcx (`verfc`, `verfcx`) avoid 1 - erf's cancellation: the Taylor series below
 * |x| = 1/2, Chebyshev series of erfcx (in x to 3, in 1/x to 27.5) times e^(-x²) above, x²
 * split so that its rounding does not reach the result. Measured against 40-digit mpmath values
 * (testdata/erfc_ref.ts): erfc f64 4 ulps [4] (in the tail: e^(-x²) 1 ulp, the series with its
 * 1/x factor, two products; the JS rule is within 3 there), erfcx f64 2 [2] (the JS rule: 4);
 * f32 0.5 [1] against the float64 JS rules.
 *
 * erfinv and erfcinv (`verfinv`, `verfcinv`) are the JS rules' method (Winitzki's start, Halley's
 * steps on erf for |y| <= 0.55, on erfc through erfcx for z = 1 - |y| below 0.45) with both paths
 * computed per lane; they converge on the roots of this file's erf and erfcx: within 3 ulps of the JS
 * rules in f64 [3] (2 without relaxed SIMD's multiply-add), 0.5 in f32 [1].
 * @module
 */
import { LANES } from "./asm.ts";
import { type VecWriter, vexp, viaF64 } from "./vmath.ts";
import { V128 } from "./emitter.ts";
import { vlog, vlog1p } from "./vlog.ts";

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

/**
 * erfcx = e^(x²) erfc(x) as Chebyshev series for the vector erfc, made by
 * backends/wasm/testdata/erfc_gen.py (mpmath, 40 digits; `python3 erfc_gen.py fit`): ERFCX_MID of
 * (1 + x)·erfcx(x) in x on [1/2, 3] (25 terms), ERFCX_TAIL of x·erfcx(x) in t = 1/x on [1/27.5, 1/3]
 * (19 terms), each truncated where the rest is below 2e-18 of the function's smallest value there.
 * Both functions are nearly flat, so their series do not cancel (erfcx itself, fitted in 1/x, lost 8
 * ulps to the cancellation of its first terms near x = 23).
 */
const ERFCX_MID = [
  0.8016531180704008,
  -0.10149696943207805,
  0.018089771400065117,
  -0.002372074530950281,
  7.218831935969928e-05,
  8.974090690365438e-05,
  -4.1380121432402694e-05,
  1.298206616704e-05,
  -3.4456645426208936e-06,
  8.251743046792318e-07,
  -1.8351557058821302e-07,
  3.850667480117521e-08,
  -7.699015574112934e-09,
  1.4767329456666769e-09,
  -2.730638799912244e-10,
  4.885861486758452e-11,
  -8.484183089055752e-12,
  1.4332036669695383e-12,
  -2.359913936418521e-13,
  3.794056317319645e-14,
  -5.964269467177061e-15,
  9.179141804812606e-16,
  -1.3845809419817637e-16,
  2.0489559422014428e-17,
  -2.9773296940962596e-18,
];
const ERFCX_TAIL = [
  0.552702782374826,
  -0.01357004266275916,
  -0.0022983573460663063,
  0.00016493952889527628,
  5.866037375301411e-06,
  -1.8355209050361422e-06,
  8.98609044494438e-08,
  1.3805192187949795e-08,
  -2.6497660921931666e-09,
  8.900692080785336e-11,
  3.310736394977317e-11,
  -5.89451706481145e-12,
  1.7578589613402957e-13,
  9.510253699808319e-14,
  -1.8322423405819064e-14,
  7.532949426074144e-16,
  3.130934822020877e-16,
  -7.281297937040905e-17,
  4.853072156456905e-18,
];
/** The ends of erfc's ranges: 1 - erf below LOW, the middle series to SPLIT, the tail series to END (erfc(27.5) underflows). */
const LOW = 0.5, SPLIT = 3, END = 27.5;

/**
 * Push erfcx(ax) for the f64x2 local ax in [1/2, END]: one Clenshaw recurrence whose
 * coefficients each lane picks (the middle series, or the tail's padded with zeros), so the
 * two ranges cost one chain.
 */
function erfcxMidTail(w: VecWriter, ax: number): void {
  w.get(ax).k(SPLIT).f("ge");
  const tail = w.let();
  // inv = 1/x (tail) or 1/(1 + x) (middle): erfcx = series · inv.
  w.k(1).get(ax).get(ax).k(1).f("add").get(tail).op("v128.bitselect").f("div");
  const inv = w.let();
  const tA = 1 / END, tB = 1 / SPLIT;
  w.select(
    () => w.get(inv).k(2 / (tB - tA)).f("mul").k(-(tA + tB) / (tB - tA)).f("add"),
    () => w.get(ax).k(2 / (SPLIT - LOW)).f("mul").k(-(LOW + SPLIT) / (SPLIT - LOW)).f("add"),
    () => w.get(tail),
  );
  const u = w.let();
  w.get(u).get(u).f("add");
  const u2 = w.let();
  const coef = (k: number) => {
    w.select(() => w.k(ERFCX_TAIL[k] ?? 0), () => w.k(ERFCX_MID[k]), () => w.get(tail));
  };
  const n = ERFCX_MID.length;
  coef(n - 1);
  let b1 = w.let();
  w.k(0);
  let b2 = w.let();
  for (let k = n - 2; k >= 1; k--) {
    w.get(u2).get(b1).f("mul");
    coef(k);
    w.f("add").get(b2).f("sub");
    const b0 = w.let();
    b2 = b1;
    b1 = b0;
  }
  w.get(u).get(b1).f("mul");
  coef(0);
  w.f("add").get(b2).f("sub").get(inv).f("mul");
}

/**
 * Push e^(s·x²) for the f64x2 local ax >= 0 and s = ±1, with x = hi + lo, hi of 26 bits: x² = hi²
 * (exact) + t for t = (hi + x)·lo < 2e-5 (for x <= 27.5), and e^(s·t) = 1 + st + t²/2 + st³/6 (next
 * term < 1e-20), so the rounding of x² (up to x² ulps of the result) does not reach it.
 */
function expSquare(w: VecWriter, ax: number, s: 1 | -1): number {
  w.get(ax).k(134217729).f("mul");
  const c = w.let();
  w.get(c).get(c).get(ax).f("sub", "sub");
  const hi = w.let();
  w.get(hi).get(hi).f("mul");
  if (s < 0) w.f("neg");
  const h2 = w.let();
  vexp(w, h2, s < 0);
  const eh = w.let();
  w.get(hi).get(ax).f("add").get(ax).get(hi).f("sub", "mul");
  const t = w.let();
  w.get(eh).horner(t, [1, s, 0.5, s / 6]).f("mul");
  return w.let();
}

/** Push erfc of the f64x2 local x. */
function erfc64(w: VecWriter, x: number): void {
  // |x| < 1/2: 1 - erf(x) by erf's Taylor series (erf < 0.53: no cancellation to speak of).
  w.get(x).get(x).f("mul");
  const z = w.let();
  w.k(1).horner(z, TAYLOR).get(x).f("mul", "sub");
  const small = w.let();
  w.get(x).f("abs");
  const ax = w.let();
  w.get(ax).k(END).f("pmin");
  const axc = w.let();
  erfcxMidTail(w, axc);
  const g = w.let();
  const e = expSquare(w, axc, -1);
  w.get(e).get(g).f("mul");
  const pos = w.let();
  w.select(() => w.k(2).get(pos).f("sub"), () => w.get(pos), () => w.get(x).k(0).f("lt"));
  const big = w.let();
  w.select(() => w.get(small), () => w.get(big), () => w.get(ax).k(LOW).f("lt"));
}

/**
 * Push erfc(x) = 1 - erf(x) for the local x (f32x4 or f64x2), without 1 - erf's cancellation:
 * 1 - x·P(x²) below |x| = 1/2, e^(-x²)·erfcx(|x|) above (erfcx by Chebyshev series in x to 3 and
 * in 1/x to 27.5, e^(-x²) with x² split so its rounding does not reach the result), 2 - erfc(|x|)
 * for x <= -1/2. f32x4 lanes through `viaF64`.
 *
 * @example
 * ```ts
 * import { verfc } from "./verf.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const erfc = probe("f64", verfc);
 * assert.equal(erfc(0), 1);
 * assert(Math.abs(erfc(10) - 2.088487583762545e-45) <= 3 * 2.9e-61);
 * assert.equal(erfc(-Infinity), 2);
 * assert.equal(erfc(30), 0);
 * ```
 */
export function verfc(w: VecWriter, x: number): void {
  if (w.L.s === "f64") erfc64(w, x);
  else viaF64(w, [x], (d, [h]) => erfc64(d, h));
}

/** 1/√π, and the asymptotic series of √π·x·erfcx(x) in s = 1/x²: Σ (-1)ⁿ (2n - 1)!!/2ⁿ sⁿ, n <= 7. */
const INV_SQRT_PI = 0.5641895835477563;
const ERFCX_ASYMPTOTIC = [1, -0.5, 0.75, -1.875, 6.5625, -29.53125, 162.421875, -1055.7421875];

/** Push erfcx of the f64x2 local x. */
function erfcx64(w: VecWriter, x: number): void {
  // |x| < 1/2: e^(x²)·(1 - x·P(x²)) (x² < 1/4: its rounding costs a quarter ulp at most).
  w.get(x).get(x).f("mul");
  const z = w.let();
  vexp(w, z);
  w.k(1).horner(z, TAYLOR).get(x).f("mul", "sub", "mul");
  const small = w.let();
  w.get(x).f("abs");
  const ax = w.let();
  w.get(ax).k(END).f("pmin");
  const axc = w.let();
  erfcxMidTail(w, axc);
  const g = w.let();
  // Beyond 27.5: (1/(√π x))·Σ, whose eighth term is below 1e-17 there; 0 at infinity.
  w.k(1).get(ax).f("div");
  const t = w.let();
  w.get(t).get(t).f("mul");
  const s = w.let();
  w.horner(s, ERFCX_ASYMPTOTIC).get(t).f("mul").k(INV_SQRT_PI).f("mul");
  const far = w.let();
  w.select(() => w.get(far), () => w.get(g), () => w.get(ax).k(END).f("gt"));
  const pos = w.let();
  // x <= -1/2: e^(x²)·(2 - e^(-x²) erfcx(|x|)) = 2 e^(x²) - erfcx(|x|) (>= 2.56 - 0.62: no
  // cancellation); infinite below about -26.64, where 2 e^(x²) overflows.
  const e = expSquare(w, axc, 1);
  w.get(e).get(e).f("add").get(g).f("sub");
  const neg = w.let();
  w.select(() => w.get(neg), () => w.get(pos), () => w.get(x).k(0).f("lt"));
  const big = w.let();
  w.select(() => w.get(small), () => w.get(big), () => w.get(ax).k(LOW).f("lt"));
}

/**
 * Push erfcx(x) = e^(x²)·erfc(x) for the local x (f32x4 or f64x2): e^(x²)(1 - x·P(x²)) below
 * |x| = 1/2, erfc's Chebyshev series of erfcx up to 27.5 and its asymptotic series beyond, and
 * 2e^(x²) - erfcx(|x|) for x <= -1/2 (x² split as erfc's). f32x4 lanes through `viaF64`.
 *
 * @example
 * ```ts
 * import { verfcx } from "./verf.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const erfcx = probe("f64", verfcx);
 * assert.equal(erfcx(0), 1);
 * assert(Math.abs(erfcx(1e10) - 5.641895835477563e-11) <= 2e-26);
 * assert.equal(erfcx(Infinity), 0);
 * assert.equal(erfcx(-30), Infinity);
 * ```
 */
export function verfcx(w: VecWriter, x: number): void {
  if (w.L.s === "f64") erfcx64(w, x);
  else viaF64(w, [x], (d, [h]) => erfcx64(d, h));
}

const SQRT_PI_OVER_TWO = 0.886226925452758;
/**
 * |y| up to which erfinv takes Halley's steps on erf (the JS rule's 1/2, moved up so that the steps
 * on erfc start at x > 0.53, where erfcx is its Chebyshev series: below 1/2 its e^(x²)(1 - erf)
 * form's 2 ulps become 4 in the root).
 */
const INV_SPLIT = 0.55;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** Push Winitzki's approximation √(√(b² - l/a) - b), b = 2/(πa) + l/2, a = 0.147, for the local l. */
function winitzki(w: VecWriter, l: number): void {
  const a = 0.147;
  w.k(2 / (Math.PI * a)).get(l).k(2).f("div", "add");
  const b = w.let();
  w.get(b).get(b).f("mul").get(l).k(a).f("div", "sub", "sqrt").get(b).f("sub", "sqrt");
}

/** Push erfinv(y) for the f64x2 local y, |y| <= 0.55: Winitzki's start and three Halley steps on erf. */
function erfinvSmall(w: VecWriter, y: number): void {
  w.k(0).get(y).get(y).f("mul", "sub");
  const my2 = w.let();
  vlog1p(w, my2);
  const l = w.let();
  winitzki(w, l);
  w.k(-0).get(y).op("v128.and", "v128.or"); // the sign of y
  let x = w.let();
  for (let i = 0; i < 3; i++) {
    erf64(w, x);
    w.get(y).f("sub");
    const g = w.let();
    w.get(x).get(x).f("mul", "neg");
    const nx2 = w.let();
    vexp(w, nx2, true);
    w.k(TWO_OVER_SQRT_PI).f("mul");
    const dg = w.let();
    w.get(x).get(g).get(dg).get(x).get(g).f("mul", "add", "div", "sub");
    x = w.let();
  }
  // ±0 as given.
  w.select(() => w.get(y), () => w.get(x), () => w.get(y).k(0).f("eq"));
}

/** Push erfcinv(z) for the f64x2 local z in (0, 0.45): Winitzki's start and four Halley steps on erfc via erfcx. */
function erfcinvSmall(w: VecWriter, z: number): void {
  vlog(w, z);
  const lz = w.let();
  w.k(2).get(z).f("sub");
  const twoMinus = w.let();
  vlog(w, twoMinus);
  w.get(lz).f("add");
  const l = w.let();
  winitzki(w, l);
  let x = w.let();
  for (let i = 0; i < 4; i++) {
    // ze = z e^(x²) (x² split) below 26, e^(x² + log z) from 26 (where e^(x²) may overflow).
    const e = expSquare(w, x, 1);
    w.get(x).get(x).f("mul").get(lz).f("add");
    const arg = w.let();
    vexp(w, arg);
    const far = w.let();
    w.select(() => w.get(z).get(e).f("mul"), () => w.get(far), () => w.get(x).k(26).f("lt"));
    const ze = w.let();
    erfcx64(w, x);
    w.get(ze).f("sub").k(-SQRT_PI_OVER_TWO).f("mul");
    const r = w.let();
    w.get(x).get(r).k(1).get(x).get(r).f("mul", "add", "div", "sub");
    x = w.let();
  }
  w.get(x);
}

/**
 * Push erfinv(x) or erfcinv(x) (`complement`) of the f64x2 local v, the JS rules' method with
 * both of their branches per lane: erfinv's Halley steps on erf where the argument maps to
 * |y| <= 0.55, erfcinv's on erfc (through erfcx, exact as z underflows) where it maps to z < 0.45.
 */
function inverse64(w: VecWriter, v: number, complement: boolean): void {
  // yS: erfinvSmall's argument; zT and sign: erfcinvSmall's; useSmall: which one.
  let yS: number, zT: number, neg: number, useSmall: number;
  if (!complement) {
    yS = v;
    w.get(v).f("abs").k(INV_SPLIT).f("le");
    useSmall = w.let();
    w.k(1).get(v).f("abs", "sub");
    zT = w.let();
    w.get(v).k(0).f("lt");
    neg = w.let();
  } else {
    w.k(1).get(v).f("sub");
    yS = w.let();
    w.get(v).k(1 - INV_SPLIT).f("gt").get(v).k(1 + INV_SPLIT).f("lt").op("v128.and");
    useSmall = w.let();
    w.select(() => w.k(2).get(v).f("sub"), () => w.get(v), () => w.get(v).k(1).f("gt"));
    zT = w.let();
    w.get(v).k(1).f("gt");
    neg = w.let();
  }
  // Keep the unused path's argument in its domain (its lanes are selected away).
  w.select(() => w.get(yS), () => w.k(0.25), () => w.get(useSmall));
  const ys = w.let();
  w.select(() => w.k(0.25), () => w.get(zT), () => w.get(useSmall));
  const zt = w.let();
  // Each path only where some lane of the vector takes it (a branch per vector: inputs of one
  // range, the common case, pay for one path).
  w.get(useSmall).op("v128.any_true");
  w.c.if(() => erfinvSmall(w, ys), () => void w.k(NaN), V128);
  const small = w.let();
  w.get(useSmall).op(`${w.L.iv}.all_true`);
  w.c.if(() => void w.k(NaN), () => {
    erfcinvSmall(w, zt);
    w.get(neg).k(-0).op("v128.and", "v128.xor");
  }, V128);
  const tail = w.let();
  w.select(() => w.get(small), () => w.get(tail), () => w.get(useSmall));
  const r = w.let();
  // Ends: erfinv ±1 -> ±∞ (erfcinv 0 -> ∞, 2 -> -∞); outside the domain (NaN included) NaN.
  const [lo, hi] = complement ? [0, 2] : [-1, 1];
  w.select(() => w.k(complement ? Infinity : -Infinity), () => w.get(r), () => w.get(v).k(lo).f("eq"));
  const r2 = w.let();
  w.select(() => w.k(complement ? -Infinity : Infinity), () => w.get(r2), () => w.get(v).k(hi).f("eq"));
  const r3 = w.let();
  w.select(
    () => w.get(r3),
    () => w.k(NaN),
    () => w.get(v).k(lo).f("ge").get(v).k(hi).f("le").op("v128.and"),
  );
}

/**
 * Push erfinv(y) for the local y (f32x4 or f64x2): the inverse error function, ±∞ at ±1, NaN
 * beyond; f32x4 lanes through `viaF64`.
 *
 * @example
 * ```ts
 * import { verfinv } from "./verf.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const erfinv = probe("f64", verfinv);
 * assert(Math.abs(erfinv(0.5) - 0.4769362762044699) <= 1.2e-16);
 * assert.equal(erfinv(1), Infinity);
 * assert(Object.is(erfinv(-0), -0) && Number.isNaN(erfinv(1.5)));
 * ```
 */
export function verfinv(w: VecWriter, y: number): void {
  if (w.L.s === "f64") inverse64(w, y, false);
  else viaF64(w, [y], (d, [h]) => inverse64(d, h, false));
}

/**
 * Push erfcinv(z) for the local z (f32x4 or f64x2): the inverse complementary error function,
 * ∞ at 0, -∞ at 2, NaN outside [0, 2]; f32x4 lanes through `viaF64`.
 *
 * @example
 * ```ts
 * import { verfcinv } from "./verf.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const erfcinv = probe("f64", verfcinv);
 * assert(Math.abs(erfcinv(1e-300) - 26.209469960516124) <= 1e-14);
 * assert.equal(erfcinv(0), Infinity);
 * assert.equal(erfcinv(1), 0);
 * ```
 */
export function verfcinv(w: VecWriter, z: number): void {
  if (w.L.s === "f64") inverse64(w, z, true);
  else viaF64(w, [z], (d, [h]) => inverse64(d, h, true));
}
