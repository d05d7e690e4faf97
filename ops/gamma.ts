/**
 * The gamma family, SciPy's meanings (Theano wraps SciPy's): gamma, gammaln = log|Γ(x)| and psi
 * (the digamma function), with trigamma as psi's gradient (chi2sf, built on gammaln, is chi2sf.ts).
 *
 * float64 method: gammaln on [1/2, 5/2) by the Taylor series of log Γ(1 + t) (ζ values), within 4
 * ulps next to its zeros 1 and 2; elsewhere Lanczos' approximation (g = 7, 9 terms) for x in [1/2, 24),
 * products of exact factors down to [23, 24) above (gamma), the reflection formula below, with sin(πx)
 * reduced exactly (sinPi). Measured against SciPy: gammaln within 1e-14 relative (1e-15 absolute near
 * its negative zeros, where reflection subtracts), gamma within 1e-14. Γ of the integers 1..23 is their
 * exact factorial. psi: its Taylor series at its positive root on (1.1, 1.8) (within 4 ulps there,
 * against mpmath), else recurrence up to x >= 10 and the asymptotic series to x^-14; reflection for
 * x < 0. Edges follow SciPy 1.10: poles of gamma (0, -0, negative integers) give +inf, gammaln(-inf)
 * and gamma(-inf) give -inf, psi(±0) = ∓inf, psi at negative integers NaN.
 *
 * The WGSL rules (f32) reduce to Γ(1 + t), t in [0, 1), with lgamma(1 + t) = t (t - 1) s(t),
 * s a degree-10 least-squares fit (relative error < 6e-10; `/usr/bin/python3
 * ops/testdata/lgamma_fit.py` prints it), so gammaln is exactly 0 at 1 and 2 and relatively
 * accurate near them; Stirling's series from 8; gamma by the same products up to 35.04 (where f32 overflows).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul } from "./arith.ts";
import { LOG1P_WGSL } from "./exp_log.ts";
import { gradUndefined } from "./grad_undefined.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/** Lanczos' coefficients, g = 7 and 9 terms (shared with the wasm vector rule, backends/wasm/vgamma.ts). */
export const LANCZOS: readonly number[] = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];
/** log √(2π). */
export const LOG_SQRT_2PI = 0.9189385332046728;
const SQRT_2PI = 2.5066282746310002;

/** sin(πx) for finite x, reduced exactly to |r| <= 1/2 first (so integers give ±0). */
function sinPi(x: number): number {
  let r = x % 2; // exact, in (-2, 2)
  if (r > 1) r -= 2;
  else if (r < -1) r += 2;
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}

/** Lanczos' sum and t = x + g - 1/2 for x >= 1/2. */
function lanczos(x: number): { a: number; t: number } {
  const y = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
  return { a, t: y + 7.5 };
}

/**
 * (-1)^k ζ(k) / k for k = 2..61: log Γ(1 + t) = -γt + Σ these · t^k for |t| < 1 (made with mpmath:
 * `[float((-1)**k * mp.zeta(k) / k) for k in range(2, 62)]` at mp.dps = 40).
 */
export const LGAMMA_SERIES = [
  0.8224670334241132,
  -0.40068563438653143,
  0.27058080842778454,
  -0.20738555102867398,
  0.1695571769974082,
  -0.1440498967688461,
  0.12550966952474304,
  -0.11133426586956469,
  0.1000994575127818,
  -0.09095401714582904,
  0.083353840546109,
  -0.0769325164113522,
  0.07143294629536133,
  -0.06666870588242046,
  0.06250095514121304,
  -0.058823978658684585,
  0.055555767627403614,
  -0.05263167937961666,
  0.05000004769810169,
  -0.047619070330142226,
  0.04545455629320467,
  -0.04347826605304026,
  0.04166666915034121,
  -0.04000000119214014,
  0.03846153903467518,
  -0.037037037312989324,
  0.035714285847333355,
  -0.034482758684919304,
  0.03333333336437758,
  -0.03225806453115042,
  0.03125000000727597,
  -0.030303030306558044,
  0.029411764707594344,
  -0.02857142857226011,
  0.027777777778181998,
  -0.027027027027223673,
  0.02631578947377995,
  -0.025641025641072283,
  0.025000000000022737,
  -0.024390243902450117,
  0.023809523809529224,
  -0.023255813953491015,
  0.02272727272727402,
  -0.022222222222222855,
  0.021739130434782917,
  -0.021276595744681003,
  0.02083333333333341,
  -0.02040816326530616,
  0.020000000000000018,
  -0.019607843137254912,
  0.019230769230769235,
  -0.01886792452830189,
  0.01851851851851852,
  -0.01818181818181818,
  0.017857142857142856,
  -0.017543859649122806,
  0.017241379310344827,
  -0.01694915254237288,
  0.016666666666666666,
  -0.01639344262295082,
];
/** The Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/** log Γ(1 + t) for |t| <= 1/2 by its Taylor series: relatively accurate near its zero at t = 0. */
export function lgamma1p(t: number): number {
  let p = LGAMMA_SERIES[LGAMMA_SERIES.length - 1];
  for (let k = LGAMMA_SERIES.length - 2; k >= 0; k--) p = p * t + LGAMMA_SERIES[k];
  return t === 0 ? 0 : t * (p * t - EULER_GAMMA); // +0 at t = 0, as SciPy's gammaln(1)
}

/** log|Γ(x)| in float64. */
export function gammalnJs(x: number): number {
  if (Number.isNaN(x) || x === Infinity || x === -Infinity) return x;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinPi(x))) - gammalnJs(1 - x);
  // Near the zeros at 1 and 2, from the series (x - 1 and x - 2 are exact there).
  if (x < 1.5) return lgamma1p(x - 1);
  if (x < 2.5) return Math.log1p(x - 2) + lgamma1p(x - 2);
  const { a, t } = lanczos(x);
  return LOG_SQRT_2PI + (x - 0.5) * Math.log(t) - t + Math.log(a);
}

/** Γ(x) in float64. */
export function gammaJs(x: number): number {
  if (Number.isNaN(x) || x === Infinity || x === -Infinity) return x;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x > 171.7) return Infinity;
  if (Number.isInteger(x) && x <= 23) {
    let f = 1;
    for (let k = 2; k < x; k++) f *= k;
    return f;
  }
  if (x < 0.5) return Math.PI / (sinPi(x) * gammaJs(1 - x));
  if (x >= 24) {
    // Γ(x) = (x - 1)(x - 2)…(x - n) Γ(x - n) with x - n in [23, 24): the factors are exact, and
    // their product's roundings cost less than Lanczos' powers of large arguments.
    let p = 1, y = x;
    while (y >= 24) p *= --y;
    return p * gammaJs(y);
  }
  const { a, t } = lanczos(x);
  // t^(x - 1/2) e^-t in two halves, so that neither overflows before the product does.
  const h = Math.pow(t, (x - 0.5) / 2);
  return SQRT_2PI * h * (h * Math.exp(-t)) * a;
}

/**
 * ψ's positive root x0 = 1.46163… as a sum of two doubles, and ψ's Taylor coefficients there,
 * ψ^(n)(x0) / n! for n = 1..29 (mpmath: findroot(digamma, 1.46) and polygamma(n, x0) / n! at dps 50).
 * Shared with backends/wasm/vgamma.ts.
 */
export const PSI_ROOT_HI = 1.4616321449683622, PSI_ROOT_LO = 9.549995429965697e-17;
/** ψ^(n)(x0) / n! for n = 1..29 (see above). */
export const PSI_ROOT_SERIES = [
  0.9676722454476212,
  -0.4427631689835921,
  0.258499760955651,
  -0.16394270544240652,
  0.10782405069126237,
  -0.07219956125645471,
  0.04880428816414311,
  -0.03316112647484736,
  0.022597648232218104,
  -0.01542476590494896,
  0.010538791616612175,
  -0.007204534386356869,
  0.004926781395729853,
  -0.003369801655439328,
  0.002305126326734928,
  -0.0015769367714301972,
  0.0010788252019162967,
  -0.0007380709389960052,
  0.000504953265834602,
  -0.0003454680251063077,
  0.00023635601564027053,
  -0.00016170622091974803,
  0.0001106337276874741,
  -7.569179582195066e-05,
  5.178575795222081e-05,
  -3.5430070947659604e-05,
  2.424006611860132e-05,
  -1.6584242271854135e-05,
  1.134638458466385e-05,
];

/** The digamma function ψ(x) = Γ'(x)/Γ(x) in float64. */
export function psiJs(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return NaN;
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x < 0) {
    if (Number.isInteger(x)) return NaN;
    const r = x - Math.round(x); // exact, in [-1/2, 1/2]
    return psiJs(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  if (x > 1.1 && x < 1.8) {
    // Near the root, ψ's Taylor series in d = x - x0 (x - x0hi is exact): relatively accurate there.
    const d = x - PSI_ROOT_HI - PSI_ROOT_LO;
    let p = PSI_ROOT_SERIES[PSI_ROOT_SERIES.length - 1];
    for (let k = PSI_ROOT_SERIES.length - 2; k >= 0; k--) p = p * d + PSI_ROOT_SERIES[k];
    return p * d;
  }
  let s = 0;
  while (x < 10) s -= 1 / x++;
  const z = 1 / (x * x);
  const tail = z *
    (1 / 12 - z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12))))));
  return s + Math.log(x) - 0.5 / x - tail;
}

// WGSL (f32): lgamma(1 + t) = t (t - 1) s(t) on [0, 1], s fitted (see the module comment).
export const LGAMMA_WGSL = `${LOG1P_WGSL}
fn H_lg1p_f32(t: f32) -> f32 {
  let s = 0.5772156645567328 + t * (-0.24525128205076793 + t * (0.155430649729119 + t * (-0.11508686781395565
    + t * (0.09172544067327283 + t * (-0.07467463651039345 + t * (0.05791168858474814 + t * (-0.03862818576984982
    + t * (0.01950402395958304 + t * (-0.006321340512850851 + t * 0.000959180503884022)))))))));
  return t * (t - 1.0) * s;
}
fn H_sinpi_f32(x: f32) -> f32 {
  var r = x - 2.0 * round(0.5 * x);
  if (r > 0.5) { r = 1.0 - r; } else if (r < -0.5) { r = -1.0 - r; }
  return sin(3.1415926535897932 * r);
}
fn H_lgamma_pos_f32(x: f32) -> f32 {
  if (x >= 8.0) {
    let z = 1.0 / (x * x);
    return (x - 0.5) * log(x) - x + 0.9189385332046728 + (1.0 / 12.0 - z * (1.0 / 360.0 - z / 1260.0)) / x;
  }
  var y = x;
  var p = 1.0;
  var q = 1.0;
  loop { if (y < 2.0) { break; } y = y - 1.0; p = p * y; }
  loop { if (y >= 1.0) { break; } q = q * y; y = y + 1.0; }
  return H_lg1p_f32(y - 1.0) + H_log1p_f32(p - 1.0) - H_log1p_f32(q - 1.0);
}
fn H_lgamma_f32(x: f32) -> f32 {
  if (x != x) { return x; }
  if (abs(x) > 3.4028234e38) { return x; }
  if (x >= 0.5) { return H_lgamma_pos_f32(x); }
  let s = abs(H_sinpi_f32(x));
  if (s == 0.0) { return bitcast<f32>(0x7f800000u); }
  return log(3.1415926535897932 / s) - H_lgamma_pos_f32(1.0 - x);
}`;

/** Γ(x) (the op). d/dx = Γ(x) ψ(x). */
export const gammaOp = defineElemwise({
  name: "gamma",
  arity: 1,
  out: "float",
  helpers: { gamma: gammaJs },
  js: ([a]) => `H.gamma(${a})`,
  wgsl: ([a], i) => f32(i, `H_gamma_f32(${a})`),
  wgslHelpers: `${LGAMMA_WGSL}
fn H_gamma_pos_f32(x: f32) -> f32 {
  if (x > 35.04) { return bitcast<f32>(0x7f800000u); }
  var y = x;
  var p = 1.0;
  var q = 1.0;
  loop { if (y < 2.0) { break; } y = y - 1.0; p = p * y; }
  loop { if (y >= 1.0) { break; } q = q * y; y = y + 1.0; }
  return exp(H_lg1p_f32(y - 1.0)) * p / q;
}
fn H_gamma_f32(x: f32) -> f32 {
  if (x != x) { return x; }
  if (abs(x) > 3.4028234e38) { return x; }
  if (x >= 0.5) { return H_gamma_pos_f32(x); }
  let s = H_sinpi_f32(x);
  if (s == 0.0) { return bitcast<f32>(0x7f800000u); }
  return 3.1415926535897932 / (s * H_gamma_pos_f32(1.0 - x));
}`,
  grad: ([x], z, gz) => [mul(gz, mul(z, psi(x)))],
});

/** log|Γ(x)| (the op). d/dx = ψ(x). */
export const gammalnOp = defineElemwise({
  name: "gammaln",
  arity: 1,
  out: "float",
  helpers: { gammaln: gammalnJs },
  js: ([a]) => `H.gammaln(${a})`,
  wgsl: ([a], i) => f32(i, `H_lgamma_f32(${a})`),
  wgslHelpers: LGAMMA_WGSL,
  grad: ([x], _z, gz) => [mul(gz, psi(x))],
});

/** The trigamma function ψ'(x) in float64 (psi's derivative): recurrence, then its asymptotic series. */
export function trigammaJs(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) {
    const s = sinPi(x);
    return -trigammaJs(1 - x) + (Math.PI * Math.PI) / (s * s);
  }
  let s = 0;
  while (x < 10) s += 1 / (x * x++);
  const z = 1 / (x * x);
  return s + 1 / x + z / 2 + (z / x) * (1 / 6 - z * (1 / 30 - z * (1 / 42 - z * (1 / 30 - z * 5 / 66))));
}

/** ψ'(x) (the op), psi's gradient; its own gradient is not implemented. */
export const trigammaOp = defineElemwise({
  name: "trigamma",
  arity: 1,
  out: "float",
  helpers: { trigamma: trigammaJs },
  js: ([a]) => `H.trigamma(${a})`,
  wgsl: ([a], i) => f32(i, `H_trigamma_f32(${a})`),
  wgslHelpers: `fn H_trigamma_f32(x: f32) -> f32 {
  if (x < 0.0) {
    let r = x - round(x);
    if (r == 0.0) { return bitcast<f32>(0x7f800000u); }
    let sp = sin(3.1415926535897932 * r);
    return -H_trigamma_pos_f32(1.0 - x) + 9.869604401089358 / (sp * sp);
  }
  return H_trigamma_pos_f32(x);
}
fn H_trigamma_pos_f32(x0: f32) -> f32 {
  var x = x0;
  var s = 0.0;
  loop { if (x >= 6.0) { break; } s = s + 1.0 / (x * x); x = x + 1.0; }
  let z = 1.0 / (x * x);
  return s + 1.0 / x + 0.5 * z + z / x * (1.0 / 6.0 - z * (1.0 / 30.0 - z / 42.0));
}`,
  grad: ([x]) => [gradUndefined(x, "trigamma: its gradient (the tetragamma function) is not implemented")],
});

/** ψ(x) (the op). d/dx = ψ'(x) (trigamma). */
export const psiOp = defineElemwise({
  name: "psi",
  arity: 1,
  out: "float",
  helpers: { psi: psiJs },
  js: ([a]) => `H.psi(${a})`,
  wgsl: ([a], i) => f32(i, `H_psi_f32(${a})`),
  // Below 6, reduced to [1, 2) by ψ(x + 1) = ψ(x) + 1/x, where ψ(1 + t) = (t - t0) r(t), t0 = x0 - 1
  // for ψ's positive root x0 (split in two f32s) and r a degree-11 fit (ops/testdata/lgamma_fit.py):
  // relatively accurate near the root. The asymptotic series from 6.
  wgslHelpers: `fn H_psi_pos_f32(x0: f32) -> f32 {
  if (x0 >= 6.0) {
    let z = 1.0 / (x0 * x0);
    return log(x0) - 0.5 / x0 - z * (1.0 / 12.0 - z * (1.0 / 120.0 - z * (1.0 / 252.0 - z / 240.0)));
  }
  var x = x0;
  var s = 0.0;
  loop { if (x >= 1.0) { break; } s = s - 1.0 / x; x = x + 1.0; }
  loop { if (x < 2.0) { break; } x = x - 1.0; s = s + 1.0 / x; }
  let t = x - 1.0;
  let r = 1.2503801367430003 + t * (-0.8546931336018706 + t * (0.7524569691432162 + t * (-0.714317981868496
    + t * (0.6960629879477764 + t * (-0.6766671058505859 + t * (0.6292320333298486 + t * (-0.521941530468156
    + t * (0.35207532317419843 + t * (-0.17317860535990662 + t * (0.053601904785112925
    + t * -0.007703459907715041))))))))));
  return s + (t - 0.4616321325302124) * r - 1.2438149843418955e-8 * r; // two products: no folding of hi + lo
}
fn H_psi_f32(x: f32) -> f32 {
  if (x != x || x > 3.4028234e38) { return x; }
  if (x == 0.0) { return select(-bitcast<f32>(0x7f800000u), bitcast<f32>(0x7f800000u), (bitcast<u32>(x) >> 31u) == 1u); }
  if (x > 0.0) { return H_psi_pos_f32(x); }
  let r = x - round(x);
  if (r == 0.0 || x < -3.4028234e38) { return bitcast<f32>(0x7fc00000u); }
  // cot(πr) from tan of an argument within π/4 (so cot(±π/2) is 0, not π/tan(f32(π/2))).
  var cot = 1.0 / tan(3.1415926535897932 * r);
  if (abs(r) > 0.25) { cot = sign(r) * tan(3.1415926535897932 * (0.5 - abs(r))); }
  return H_psi_pos_f32(1.0 - x) - 3.1415926535897932 * cot;
}`,
  grad: ([x], _z, gz) => [mul(gz, applyElemwise(trigammaOp, [x]))],
});

/**
 * Γ(x) elementwise: exact factorials at the integers 1..23, +inf at the poles (0, negative
 * integers) and past 171.6. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.gamma(x))([5, 0.5, -1]).data;
 * assert(y[0] === 24 && Math.abs(y[1] - Math.sqrt(Math.PI)) < 1e-15 && y[2] === Infinity);
 * ```
 */
export function gamma(x: TensorLike): Variable {
  return applyElemwise(gammaOp, [x]);
}

/**
 * log|Γ(x)| elementwise, without overflow (gammaln(1e10) ≈ 2.2e11); +inf at the poles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.gammaln(x))([1, 2, 0, 200]).data;
 * assert(Math.abs(y[0]) < 1e-15 && Math.abs(y[1]) < 1e-15 && y[2] === Infinity && y[3] > 857);
 * ```
 */
export function gammaln(x: TensorLike): Variable {
  return applyElemwise(gammalnOp, [x]);
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x) elementwise; NaN at the negative integers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.psi(x))([1]).data;
 * assert(Math.abs(y[0] + 0.5772156649015329) < 1e-15); // -γ
 * ```
 */
export function psi(x: TensorLike): Variable {
  return applyElemwise(psiOp, [x]);
}
