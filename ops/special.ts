/**
 * Special functions: sigmoid, softplus (defined in sigmoid.ts, re-exported here) and
 * erf. erf is computed in float64 within 2 ulp (measured: at most 1 ulp from the correctly
 * rounded value), on |x| since it is odd, by two polynomial fits:
 *
 * - |x| < 1: erf(x) = x + x·R(x²), where R(t) = erf(√t)/√t - 1 is a degree-11 polynomial in
 *   t - 1/2. |R| <= 0.16, so the rounding of R hardly reaches the result. x + x·R is exactly
 *   odd, keeps the sign of ±0, and gives 2x/√π within an ulp for subnormal x;
 * - 1 <= |x| < 6: erf(x) = 1 - e^(-x²)·g(x), where g(x) = erfc(x)·e^(x²) (smooth, from 0.43
 *   down to 0.09) is a polynomial of degree 12 to 16 in x - (k + 1/2) on each [k, k + 1].
 *   erfc(x) <= 0.16 here, so its error of a few ulps relative (Math.exp's, the rounding of
 *   x², Horner's) costs at most about half an ulp of erf;
 * - |x| >= 6: ±1 (erfc(6) ≈ 2e-17 is below half an ulp of 1); NaN stays NaN.
 *
 * Each polynomial interpolates its function at Chebyshev nodes in 50-digit mpmath, with the
 * smallest degree whose truncation error is below 1e-17 relative, and is then rewritten in
 * powers of its local variable and rounded to float64. The development-time script
 * ops/testdata/erf_gen.py prints the two tables below (`python3 ops/testdata/erf_gen.py coeffs`)
 * and makes the mpmath reference values of special_test.ts (`… ref`). Against 5,900 of those
 * (dense on [0, 6], both sides of every integer boundary) and 270,000 other random mpmath values
 * the largest error is 1 ulp (e.g. at x = 0.0137, 1.029, 2.224); erf stays monotone over a 1e-6
 * sweep of [-6.5, 6.5] and over the 200,000 doubles on each side of 1, 2, …, 6.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul, neg, sqr } from "./arith.ts";
import { exp } from "./exp_log.ts";

export { sigmoid, sigmoidOp, softplus, softplusOp } from "./sigmoid.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

// erf(x) = x + x·R(x²) on [0, 1]: R in powers of x² - 1/2 (from ops/testdata/erf_gen.py; the ONNX
// rule, backends/onnx/elemwise.ts, evaluates the same tables).
export const ERF_SMALL: readonly number[] = [
  -0.0345312613301327,
  -0.2810721780454342,
  0.07940998675593687,
  -0.018283884489152684,
  0.003480274496570158,
  -0.0005611894221209664,
  7.829649688379886e-05,
  -9.614808641390195e-06,
  1.0536323840680666e-06,
  -1.0420387617195658e-07,
  9.432320191926508e-09,
  -7.795898827002142e-10,
];
// erfc(x)·e^(x²) on [k, k + 1] for k = 1..5, in powers of x - (k + 1/2) (from erf_gen.py).
export const ERFC_SCALED: readonly (readonly number[])[] = [[
  0.3215854164543175,
  -0.16362291773256005,
  0.0761510398554774,
  -0.03293090529956527,
  0.013377340953067394,
  -0.0051459575478377826,
  0.0018861348769919975,
  -0.0006619300701084315,
  0.0002233099453004411,
  -7.265887301589559e-05,
  2.2864299608127746e-05,
  -6.97536222785843e-06,
  2.0670657912156654e-06,
  -5.944961119917664e-07,
  1.6714292901928126e-07,
  -4.9545807838901603e-08,
  1.3242541506849586e-08,
], [
  0.2108063640611436,
  -0.07434734678979472,
  0.024937997086656914,
  -0.008001569382093874,
  0.002467036815699688,
  -0.0007335909374729658,
  0.00021101982436023977,
  -5.8868958345706055e-05,
  1.5961851696601105e-05,
  -4.214357879841587e-06,
  1.0852366992052668e-06,
  -2.7262986241901926e-07,
  6.706690790495327e-08,
  -1.7022233265672403e-08,
  4.010268793982498e-09,
], [
  0.1552936556088943,
  -0.041323577833252495,
  0.01066113319251011,
  -0.002673074439643561,
  0.0006526863269086787,
  -0.0001554689182328899,
  3.6181703647369664e-05,
  -8.237986419511217e-06,
  1.8371959965058951e-06,
  -4.017414059460916e-07,
  8.617207083202206e-08,
  -1.816709921028992e-08,
  3.904660027946148e-09,
  -7.952076959606247e-10,
], [
  0.12248480427384142,
  -0.026015928630939815,
  0.005413125434612216,
  -0.0011045761167898017,
  0.0002212664545309336,
  -4.355082856393897e-05,
  8.42924195260638e-06,
  -1.605497013589794e-06,
  3.0112686390069487e-07,
  -5.565085307376166e-08,
  1.0136576298634514e-08,
  -1.8217866412269658e-09,
  3.3190334902930086e-10,
  -5.808233719088603e-11,
], [
  0.10096221839949909,
  -0.0177947647010226,
  0.003091012543874769,
  -0.0005294638064747668,
  8.948080413328717e-05,
  -1.4927753479978644e-05,
  2.4593866313816637e-06,
  -4.003222311945855e-07,
  6.440393892725115e-08,
  -1.0243042648157418e-08,
  1.61153348896564e-09,
  -2.557284263794557e-10,
  3.938075697616013e-11,
]];

/** p[0] + p[1]·u + p[2]·u² + … by Horner's rule. */
function horner(p: readonly number[], u: number): number {
  let s = p[p.length - 1];
  for (let k = p.length - 2; k >= 0; k--) s = s * u + p[k];
  return s;
}

/**
 * erfc(x)·e^(x²) for 1 <= x < 6 from the tables above (within about an ulp): the scaled
 * complementary error function that erf_family.ts builds erfc and erfcx on.
 */
export function erfcScaledMid(x: number): number {
  const k = Math.floor(x);
  return horner(ERFC_SCALED[k - 1], x - (k + 0.5));
}

/** The error function in float64 (see the module comment for the method). */
export function erfJs(x: number): number {
  const ax = Math.abs(x);
  // x + x·R(x²) is odd in x exactly, and keeps the sign of ±0.
  if (ax < 1) return x + x * horner(ERF_SMALL, x * x - 0.5);
  if (ax < 6) {
    const c = Math.exp(-ax * ax) * erfcScaledMid(ax); // erfc(|x|)
    return x < 0 ? c - 1 : 1 - c;
  }
  return x > 0 ? 1 : x < 0 ? -1 : x; // ±1, or NaN
}

/** The error function (the op). d erf(x)/dx = 2/√π · e^(-x²). */
export const erfOp = defineElemwise({
  name: "erf",
  arity: 1,
  out: "float",
  helpers: { erf: erfJs },
  js: ([a]) => `H.erf(${a})`,
  wgsl: ([a], i) => (i === "float32" ? `H_erf_f32(${a})` : undefined),
  // In f32, where they are accurate enough: the Maclaurin-type series 2/√π · e^(-x²) ·
  // Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) below 2, Laplace's continued fraction for erfc
  // (12 levels) up to 4, ±1 beyond (erfc(4) ≈ 1.5e-8 is below half an f32 ulp of 1).
  wgslHelpers: `fn H_erf_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 2.0) {
    let x2 = x * x;
    var term = x;
    var s = x;
    for (var n = 1; n < 40; n++) {
      term = term * (2.0 * x2) / f32(2 * n + 1);
      s = s + term;
      if (abs(term) <= 1e-8 * abs(s)) { break; }
    }
    return 1.1283791671 * exp(-x2) * s;
  }
  if (ax < 4.0) {
    var f = ax;
    for (var k = 12; k > 0; k--) { f = ax + 0.5 * f32(k) / f; }
    let c = exp(-ax * ax) * 0.5641895835 / f;
    return select(1.0 - c, c - 1.0, x < 0.0);
  }
  return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0);
}`,
  grad: ([x], _z, gz) => [mul(gz, mul(TWO_OVER_SQRT_PI, exp(neg(sqr(x)))))],
});

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt elementwise, within 2 ulp in float64.
 * Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, erf, ivector } from "../mod.ts";
 * assert(erf(dvector("x")).dtype === "float64");
 * assert(erf(ivector("i")).dtype === "float64");
 * ```
 */
export function erf(x: TensorLike): Variable {
  return applyElemwise(erfOp, [x]);
}
