/**
 * Special functions: sigmoid, softplus (defined in sigmoid.ts, re-exported here) and
 * erf. erf is computed in float64 to about 1e-15 relative error by two expansions:
 *
 * - |x| < 2.5: erf(x) = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), a series of
 *   positive terms (no cancellation), at most ~40 of them;
 * - 2.5 <= |x| < 6: erf(x) = 1 - erfc(x) with Laplace's continued fraction
 *   erfc(x) = e^(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), 30 levels
 *   evaluated from the bottom up;
 * - |x| >= 6: ±1 (erfc(6) ≈ 2e-17 is below half an ulp of 1).
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul, neg, sqr } from "./arith.ts";
import { exp } from "./exp_log.ts";

export { sigmoid, sigmoidOp, softplus, softplusOp } from "./sigmoid.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** The error function in float64 (see the module comment for the method). */
export function erfJs(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x, s = x;
    for (let n = 1; n < 60; n++) {
      term *= (2 * x2) / (2 * n + 1);
      s += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(s)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * s;
  }
  if (ax < 6) {
    let f = ax;
    for (let k = 30; k > 0; k--) f = ax + (k / 2) / f;
    const c = (Math.exp(-ax * ax) * ONE_OVER_SQRT_PI) / f;
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
  // The same method in f32: series below 2, an 12-level continued fraction up to 4,
  // ±1 beyond (erfc(4) ≈ 1.5e-8 is below half an f32 ulp of 1).
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
 * The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt elementwise, accurate to about
 * 1e-15 relative in float64. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erf } from "./special.ts";
 * import { dvector, ivector } from "./constructors.ts";
 * assert(erf(dvector("x")).dtype === "float64");
 * assert(erf(ivector("i")).dtype === "float64");
 * ```
 */
export function erf(x: TensorLike): Variable {
  return applyElemwise(erfOp, [x]);
}
