/**
 * Vectorised hypot and cube root, computed in f64x2 (f32x4 lanes through `viaF64`: widened,
 * computed, narrowed back with one rounding).
 *
 * - hypot(a, b) = √(a² + b²) with both scaled by the power of two that brings the larger to
 *   [1/2, 2) (exact; the squares neither overflow nor vanish), then one Newton step on the exact
 *   residual a² + b² - h² (Dekker's products and a two-sum), so it is about correctly rounded; +∞
 *   when either is infinite, even with a NaN (C's rule, and `Math.hypot`'s).
 * - cbrt (FreeBSD's s_cbrt.c, branch-free): a first guess from the high word of |x| divided
 *   by 3 (plus fdlibm's bias B1), one step of its degree-4 polynomial (23 bits), rounded to
 *   21 bits, then one Newton step in the form (x/t² - t)/(2t + x/t²); subnormals scaled by
 *   2^54 first and the result by 2^-18; ±0, ±∞ and NaN returned as given; the sign of x.
 *
 * Measured accuracy (max ulp against V8's `Math` [bound asserted by vmath_test.ts]):
 * hypot f32 0.5 [1], f64 2 [2], all of it V8's: against 50-digit mpmath values
 * (testdata/hypot_ref.ts) the f64 rule is correctly rounded on all 3,000 points [1], where
 * `Math.hypot` is up to 2 ulps off; cbrt f32 0.5 [1], f64 1 [1].
 * @module
 */
import { type VecWriter, viaF64 } from "./vmath.ts";

/** Push the exact error of the product a·b (Dekker's, with Veltkamp's split by 2^27 + 1). */
function productError(w: VecWriter, a: number, b: number, p: number): void {
  const split = (x: number) => {
    w.get(x).k(134217729).f("mul");
    const c = w.let();
    w.get(c).get(c).get(x).f("sub", "sub");
    const hi = w.let();
    w.get(x).get(hi).f("sub");
    return { hi, lo: w.let() };
  };
  const sa = split(a), sb = b === a ? sa : split(b);
  // ((ah·bh - p) + ah·bl + al·bh) + al·bl
  w.get(sa.hi).get(sb.hi).f("mul").get(p).f("sub");
  w.get(sa.hi).get(sb.lo).f("mul", "add").get(sa.lo).get(sb.hi).f("mul", "add");
  w.get(sa.lo).get(sb.lo).f("mul", "add");
}

function hypot64(w: VecWriter, a: number, b: number): void {
  w.get(a).f("abs");
  const aa = w.let();
  w.get(b).f("abs");
  const ab = w.let();
  // Scale both by s = 2^-(E + 1), E the exponent of the larger (exact, and the squares stay normal):
  // the biased exponent of s is max(1, 2045 - the larger's), of 1/s 2046 minus that.
  w.get(aa).get(ab).f("max").c.i32(52);
  w.op("i64x2.shr_u");
  const be = w.let();
  w.ik(2045).get(be).op("i64x2.sub");
  const t = w.let();
  w.select(() => w.ik(1), () => w.get(t), () => w.get(t).ik(1).op("i64x2.lt_s"));
  const sb = w.let();
  w.get(sb).c.i32(52);
  w.op("i64x2.shl");
  const sc = w.let();
  w.ik(2046).get(sb).op("i64x2.sub").c.i32(52);
  w.op("i64x2.shl");
  const inv = w.let();
  w.get(aa).get(sc).f("mul");
  const xa = w.let();
  w.get(ab).get(sc).f("mul");
  const xb = w.let();
  // The squares and their sum with their exact errors, √ of the sum, then one Newton step on the
  // exact residual a² + b² - h² (so the result is within about half an ulp).
  w.get(xa).get(xa).f("mul");
  const p1 = w.let();
  productError(w, xa, xa, p1);
  const e1 = w.let();
  w.get(xb).get(xb).f("mul");
  const p2 = w.let();
  productError(w, xb, xb, p2);
  const e2 = w.let();
  w.get(p1).get(p2).f("add");
  const sum = w.let();
  w.get(sum).get(p1).f("sub");
  const bb = w.let();
  w.get(p1).get(sum).get(bb).f("sub", "sub").get(p2).get(bb).f("sub", "add");
  const es = w.let();
  w.get(sum).f("sqrt");
  const h = w.let();
  w.get(h).get(h).f("mul");
  const hh = w.let();
  productError(w, h, h, hh);
  const ehh = w.let();
  // r = ((sum - hh) - ehh) + (es + (e1 + e2)); sum - hh is exact (Sterbenz).
  w.get(sum).get(hh).f("sub").get(ehh).f("sub").get(es).get(e1).get(e2).f("add", "add", "add");
  const r = w.let();
  w.get(h).get(r).get(h).get(h).f("add", "div", "add");
  const h2 = w.let();
  w.select(() => w.get(h), () => w.get(h2), () => w.get(h).k(0).f("eq"));
  w.get(inv).f("mul");
  const res = w.let();
  w.select(
    () => w.k(Infinity),
    () => w.get(res),
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
