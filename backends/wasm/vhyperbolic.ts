/**
 * Vectorised hyperbolic sine and cosine for f32x4 and f64x2, built on vmath.ts's exp and expm1:
 * cosh(x) = (e^|x| + e^-|x|)/2 and sinh(x) = (m + m/(m + 1))/2 with m = e^|x| - 1 (no cancellation
 * near 0) up to |x| = 20; beyond, e^|x|/2 as (e^(|x|/2)/2)·e^(|x|/2), which doubles exp's error but
 * overflows only with the result (cosh(710) is finite).
 *
 * Measured accuracy (max ulp against float64 `Math` [bound asserted by vmath_test.ts]):
 * sinh f32 2.45 [3.5], f64 3 [4]; cosh f32 3.11 [3.5], f64 3 [4].
 * @module
 */
import { type VecWriter, vexp, vexpm1 } from "./vmath.ts";

/** Push e^|x| / 2 for |x| > 20 as (e^(|x|/2) / 2) · e^(|x|/2), which overflows only when the result does. */
function halfExpLarge(w: VecWriter, ax: number): number {
  w.get(ax).k(0.5).f("mul");
  const h = w.let();
  vexp(w, h);
  const eh = w.let();
  w.get(eh).k(0.5).f("mul").get(eh).f("mul");
  return w.let();
}

/**
 * Push cosh(x) for the local x: (e^|x| + e^-|x|) / 2 up to 20, e^|x| / 2 beyond (in two
 * halves, so cosh(710) is finite).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vcosh } from "./vhyperbolic.ts";
 * import assert from "node:assert/strict";
 * const cosh = probe("f64", vcosh);
 * assert.equal(cosh(0), 1);
 * assert(Number.isFinite(cosh(710)) && cosh(711) === Infinity);
 * ```
 */
export function vcosh(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  vexp(w, ax);
  const e = w.let();
  w.get(e).k(1).get(e).f("div", "add").k(0.5).f("mul");
  const small = w.let();
  const large = halfExpLarge(w, ax);
  w.select(() => w.get(large), () => w.get(small), () => w.get(ax).k(20).f("gt"));
}

/**
 * Push sinh(x) for the local x: (m + m / (m + 1)) / 2 with m = e^|x| - 1 (no cancellation
 * near 0) up to 20, e^|x| / 2 beyond, with the sign of x (±0 kept).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vsinh } from "./vhyperbolic.ts";
 * import assert from "node:assert/strict";
 * const sinh = probe("f64", vsinh);
 * assert(Object.is(sinh(-0), -0));
 * assert(Math.abs(sinh(1e-10) - 1e-10) <= 2 * 1.3e-26); // 2 ulps
 * assert.equal(sinh(-Infinity), -Infinity);
 * ```
 */
export function vsinh(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  vexpm1(w, ax);
  const m = w.let();
  w.get(m).get(m).get(m).k(1).f("add", "div", "add").k(0.5).f("mul");
  const small = w.let();
  const large = halfExpLarge(w, ax);
  w.select(() => w.get(large), () => w.get(small), () => w.get(ax).k(20).f("gt"));
  // copysign(r, x)
  w.k(-0).get(x).op("v128.and", "v128.or");
}
