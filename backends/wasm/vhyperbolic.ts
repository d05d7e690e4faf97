/**
 * Vectorised hyperbolic functions for f32x4 and f64x2. Sine and cosine, built on vmath.ts's exp and expm1:
 * cosh(x) = (e^|x| + e^-|x|)/2 and sinh(x) = (m + m/(m + 1))/2 with m = e^|x| - 1 (no cancellation
 * near 0) up to |x| = 20; beyond, e^|x|/2 as (e^(|x|/2)/2)·e^(|x|/2), which doubles exp's error but
 * overflows only with the result (cosh(710) is finite).
 *
 * Measured accuracy (max ulp against float64 `Math` [bound asserted by vmath_test.ts]):
 * sinh f32 2.45 [3.5], f64 3 [4]; cosh f32 3.11 [3.5], f64 3 [4].
 *
 * The inverse functions are log1p of an argument formed without cancellation (vlog.ts's log1p
 * corrects the rounding of 1 + t), in the lane type: asinh f32 1.47 [2], f64 1 [2]; acosh f32
 * 1.93 [2], f64 1 [2]; atanh f32 1.58 [2], f64 1 [2].
 * @module
 */
import { type VecWriter, vexp, vexpm1 } from "./vmath.ts";
import { vlog1p } from "./vlog.ts";

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

/** |x| above which asinh / acosh are log1p(|x|) + ln 2 (1/|x| is below half an ulp of the log). */
const BIG = { f32: 2 ** 30, f64: 2 ** 60 };

/** Push copysign(r, x) for a non-negative (or NaN) r on the stack and the local x. */
function withSignOf(w: VecWriter, x: number): void {
  w.k(-0).get(x).op("v128.and", "v128.or");
}

/** Push log1p(arg) + (big ? ln 2 : 0) for locals arg and the mask big. */
function log1pPlusLn2(w: VecWriter, arg: number, big: number): void {
  vlog1p(w, arg);
  w.k(Math.LN2).get(big).op("v128.and").f("add");
}

/**
 * Push asinh(x) for the local x: log1p(|x| + x²/(1 + √(1 + x²))) (no cancellation near 0),
 * and log1p(|x|) + ln 2 beyond 2^60 (2^30 in f32), where x² would overflow; the sign of x
 * (±0 kept).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vasinh } from "./vhyperbolic.ts";
 * import assert from "node:assert/strict";
 * const asinh = probe("f64", vasinh);
 * assert(Object.is(asinh(-0), -0));
 * assert(Math.abs(asinh(1) - Math.asinh(1)) <= 2.3e-16);
 * assert(Math.abs(asinh(-1e300) - Math.asinh(-1e300)) <= 2e-13);
 * ```
 */
export function vasinh(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  w.get(ax).get(ax).f("mul");
  const x2 = w.let();
  w.get(ax).get(x2).k(1).get(x2).k(1).f("add", "sqrt", "add", "div", "add");
  const t = w.let();
  w.get(ax).k(BIG[w.L.s as "f32" | "f64"]).f("gt");
  const big = w.let();
  w.select(() => w.get(ax), () => w.get(t), () => w.get(big));
  log1pPlusLn2(w, w.let(), big);
  withSignOf(w, x);
}

/**
 * Push acosh(x) for the local x: log1p(t + √(t² + 2t)) with t = x - 1 (exact near 1, and
 * 2t exact: the square root's argument rounds about once),
 * log1p(x) + ln 2 beyond 2^60 (2^30 in f32); NaN below 1.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vacosh } from "./vhyperbolic.ts";
 * import assert from "node:assert/strict";
 * const acosh = probe("f64", vacosh);
 * assert.equal(acosh(1), 0);
 * assert(Math.abs(acosh(2) - Math.acosh(2)) <= 2.3e-16);
 * assert(Number.isNaN(acosh(0.5)) && acosh(Infinity) === Infinity);
 * ```
 */
export function vacosh(w: VecWriter, x: number): void {
  w.get(x).k(1).f("sub");
  const t = w.let();
  w.get(t).get(t).get(t).f("mul").get(t).get(t).f("add", "add", "sqrt", "add");
  const s = w.let();
  w.get(x).k(BIG[w.L.s as "f32" | "f64"]).f("gt");
  const big = w.let();
  w.select(() => w.get(x), () => w.get(s), () => w.get(big));
  log1pPlusLn2(w, w.let(), big);
  const r = w.let();
  w.select(() => w.k(NaN), () => w.get(r), () => w.get(x).k(1).f("lt"));
}

/**
 * Push atanh(x) for the local x: log1p(2|x| + 2|x|·|x|/(1 - |x|)) / 2 below 1/2 and
 * log1p(2|x|/(1 - |x|)) / 2 above (fdlibm's split), with the sign of x; ±inf at ±1, NaN
 * beyond.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vatanh } from "./vhyperbolic.ts";
 * import assert from "node:assert/strict";
 * const atanh = probe("f64", vatanh);
 * assert(Object.is(atanh(-0), -0) && atanh(-1) === -Infinity);
 * assert(Math.abs(atanh(0.5) - Math.atanh(0.5)) <= 2.3e-16);
 * assert(Number.isNaN(atanh(1.5)));
 * ```
 */
export function vatanh(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  w.k(1).get(ax).f("sub");
  const d = w.let();
  w.get(ax).get(ax).f("add");
  const tt = w.let();
  w.select(
    () => w.get(tt).get(tt).get(ax).f("mul").get(d).f("div", "add"),
    () => w.get(tt).get(d).f("div"),
    () => w.get(ax).k(0.5).f("lt"),
  );
  const arg = w.let();
  vlog1p(w, arg);
  w.k(0.5).f("mul");
  withSignOf(w, x);
}
