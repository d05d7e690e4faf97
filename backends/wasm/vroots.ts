/**
 * Vectorised hypot and cube root, computed in f64x2 (f32x4 lanes through `viaF64`: widened,
 * computed, narrowed back with one rounding).
 *
 * - hypot(a, b) = √(a² + b²) with both scaled by 2^∓600 when the larger is beyond 2^±500 (a
 *   power of two, so the scaling is exact and the squares neither overflow nor vanish); +∞
 *   when either is infinite, even with a NaN (C's rule, and `Math.hypot`'s).
 * - cbrt (FreeBSD's s_cbrt.c, branch-free): a first guess from the high word of |x| divided
 *   by 3 (plus fdlibm's bias B1), one step of its degree-4 polynomial (23 bits), rounded to
 *   21 bits, then one Newton step in the form (x/t² - t)/(2t + x/t²); subnormals scaled by
 *   2^54 first and the result by 2^-18; ±0, ±∞ and NaN returned as given; the sign of x.
 *
 * Measured accuracy (max ulp against V8's `Math` [bound asserted by vmath_test.ts]):
 * hypot f32 0.5 [1], f64 2 [2] (the two squares and their sum round: √ halves their error, then
 * rounds); cbrt f32 0.5 [1], f64 1 [1].
 * @module
 */
import { type VecWriter, viaF64 } from "./vmath.ts";

function hypot64(w: VecWriter, a: number, b: number): void {
  w.get(a).f("abs");
  const aa = w.let();
  w.get(b).f("abs");
  const ab = w.let();
  w.get(aa).get(ab).f("max");
  const m = w.let();
  w.select(() => w.k(2 ** -600), () => w.k(1), () => w.get(m).k(2 ** 500).f("gt"));
  const s0 = w.let();
  w.select(() => w.k(2 ** 600), () => w.get(s0), () => w.get(m).k(2 ** -500).f("lt"));
  const s = w.let();
  w.get(aa).get(s).f("mul");
  const xa = w.let();
  w.get(ab).get(s).f("mul");
  const xb = w.let();
  w.get(xa).get(xa).f("mul").get(xb).get(xb).f("mul", "add", "sqrt").get(s).f("div");
  const h = w.let();
  w.select(
    () => w.k(Infinity),
    () => w.get(h),
    () => w.get(aa).k(Infinity).f("eq").get(ab).k(Infinity).f("eq").op("v128.or"),
  );
}

const B1 = 715094163;
const P = [1.87595182427177009643, -1.88497979543377169875, 1.621429720105354466140];
const P34 = [-0.758397934778766047437, 0.145996192886612446982];

function cbrt64(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  w.get(ax).k(2 ** -1022).f("lt");
  const sub = w.let();
  w.select(() => w.get(ax).k(2 ** 54).f("mul"), () => w.get(ax), () => w.get(sub));
  const xs = w.let();
  // t = bits(high word hx/3 + B1, low word 0): the high words to i32 lanes 0 and 1, divided
  // as doubles (exact enough: hx/3 is never within rounding of an integer it is not), back.
  const c = w.c;
  c.get(xs).get(xs).shuffle([4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3]);
  c.op("f64x2.convert_low_i32x4_s");
  w.k(3).f("div");
  c.op("i32x4.trunc_sat_f64x2_s_zero");
  w.bytes(new Uint8Array(new Int32Array([B1, B1, 0, 0]).buffer));
  c.op("i32x4.add");
  const q = w.let();
  w.k(0);
  const zero = w.let();
  c.get(zero).get(q).shuffle([0, 1, 2, 3, 16, 17, 18, 19, 0, 1, 2, 3, 20, 21, 22, 23]);
  const t0 = w.let();
  // r = t³/x; t = t · (P0 + r P1 + r² P2 + r³ (P3 + r P4)).
  w.get(t0).get(t0).f("mul").get(t0).get(xs).f("div", "mul");
  const r = w.let();
  w.horner(r, P).get(r).get(r).f("mul").get(r).f("mul").horner(r, P34).f("mul", "add").get(t0).f("mul");
  // Round to 21 bits, away from zero-ish: (bits + 2^31) & ~(2^30 - 1).
  w.ik(0x80000000n).i("add").ik(-0x40000000n).op("v128.and");
  const t1 = w.let();
  // One Newton step: r = x/t², t += t (r - t)/(2t + r).
  w.get(xs).get(t1).get(t1).f("mul", "div");
  const q2 = w.let();
  w.get(t1).get(t1).get(q2).get(t1).f("sub").get(t1).get(t1).f("add").get(q2).f("add", "div", "mul", "add");
  const t2 = w.let();
  w.select(() => w.get(t2).k(2 ** -18).f("mul"), () => w.get(t2), () => w.get(sub));
  w.k(-0).get(x).op("v128.and", "v128.or");
  const res = w.let();
  // ±0, ±∞ and NaN as given.
  w.select(
    () => w.get(res),
    () => w.get(x),
    () => w.get(ax).k(0).f("gt").get(ax).k(Infinity).f("lt").op("v128.and"),
  );
}

/**
 * Push hypot(a, b) for the locals a and b.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vhypot } from "./vroots.ts";
 * import assert from "node:assert/strict";
 * const withFour = probe("f64", (w, a) => {
 *   w.k(4);
 *   vhypot(w, a, w.let());
 * });
 * assert.equal(withFour(3), 5);
 * assert.equal(withFour(1e300), 1e300);
 * assert.equal(withFour(-Infinity), Infinity);
 * ```
 */
export function vhypot(w: VecWriter, a: number, b: number): void {
  if (w.L.s === "f64") hypot64(w, a, b);
  else viaF64(w, [a, b], (d, [ah, bh]) => hypot64(d, ah, bh));
}

/**
 * Push the real cube root of the local x.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vcbrt } from "./vroots.ts";
 * import assert from "node:assert/strict";
 * const cbrt = probe("f64", vcbrt);
 * assert.equal(cbrt(27), 3);
 * assert.equal(cbrt(-8), -2);
 * assert(Object.is(cbrt(-0), -0) && cbrt(Infinity) === Infinity);
 * ```
 */
export function vcbrt(w: VecWriter, x: number): void {
  if (w.L.s === "f64") cbrt64(w, x);
  else viaF64(w, [x], (d, [h]) => cbrt64(d, h));
}
