/**
 * Vectorised inverse trigonometric functions: atan, atan2, asin and acos, computed in f64x2
 * (f32x4 lanes are widened and narrowed back by `viaF64`: one rounding, so float32 results are
 * within half an ulp plus the f64 error).
 *
 * Method (fdlibm's atan, branch-free): |x| is reduced to |t| <= 7/16 by one of
 * t = |x|, (2|x| - 1)/(2 + |x|), (|x| - 1)/(|x| + 1), (|x| - 3/2)/(1 + 3/2 |x|) or -1/|x| by
 * interval (the lanes choose the numerator, denominator and offset atan(c) = hi + lo, then one
 * division), atan(t) = t - t·(s1 + s2) with fdlibm's degree-23 odd polynomial split in its
 * even and odd halves, and atan(|x|) = hi - ((t (s1 + s2) - lo) - t), with the sign of x.
 * atan2(y, x) = atan(min/max) of |x| and |y| (1 where they are equal, 0 where both are 0),
 * then π/2 - r where |y| > |x| and π - r where x has its sign bit set, each with π's low part,
 * and the sign of y: every IEEE special case (±0, ±∞ pairs) follows from these rules.
 * asin(x) = atan2(x, √((1 - x)(1 + x))) and acos(x) = atan2(√((1 - x)(1 + x)), x): 1 - x is
 * exact near 1, and the square root's relative error moves the angle by far less than an ulp.
 *
 * Measured accuracy (max ulp against V8's `Math`, fdlibm's [bound asserted by vmath_test.ts]):
 * atan f32 0.5 [1], f64 1 [1]; atan2 f32 0.5 [1], f64 1 [1]; asin and acos f32 0.5 [1], f64 2 [2]
 * (the rounding of √((1 - x)(1 + x)) and of the quotient in atan2). Zeros take y's sign:
 * atan2(-5e-324, 1e300) is -0 (C99, NumPy) where V8's `Math.atan2` gives +0.
 * @module
 */
import { type VecWriter, viaF64 } from "./vmath.ts";

const ATANHI = [
  0,
  4.63647609000806093515e-01,
  7.85398163397448278999e-01,
  9.82793723247329054082e-01,
  1.57079632679489655800e+00,
];
const ATANLO = [
  0,
  2.26987774529616870924e-17,
  3.06161699786838301793e-17,
  1.39033110312309984516e-17,
  6.12323399573676603587e-17,
];
/** fdlibm's aT[0..10], split into the halves multiplying z (even indices) and z² (odd). */
const AT = [
  3.33333333333329318027e-01,
  -1.99999999998764832476e-01,
  1.42857142725034663711e-01,
  -1.11111104054623557880e-01,
  9.09088713343650656196e-02,
  -7.69187620504482999495e-02,
  6.66107313738753120669e-02,
  -5.83357013379057348645e-02,
  4.97687799461593236017e-02,
  -3.65315727442169155270e-02,
  1.62858201153657823623e-02,
];
const PI_HI = 3.1415926535897931160e+00, PI_LO = 1.2246467991473531772e-16;
const PIO2_HI = 1.5707963267948965580e+00, PIO2_LO = 6.1232339957367658e-17;
/** Upper ends of fdlibm's reduction intervals. */
const CUTS = [0.4375, 0.6875, 1.1875, 2.4375];

/** Push per-lane values[i] for the interval of the local ax (values are constants or locals). */
function byInterval(w: VecWriter, ax: number, values: (() => void)[]): number {
  // From the top down: start with the last interval, replace where ax is below each cut.
  values[4]();
  let acc = w.let();
  for (let i = 3; i >= 0; i--) {
    const prev = acc;
    w.select(values[i], () => w.get(prev), () => w.get(ax).k(CUTS[i]).f("lt"));
    acc = w.let();
  }
  return acc;
}

/** Push atan(|x|) for the f64x2 local ax = |x| (NaN passes). */
function atanAbs64(w: VecWriter, ax: number): void {
  const num = byInterval(w, ax, [
    () => w.get(ax),
    () => w.get(ax).get(ax).f("add").k(1).f("sub"),
    () => w.get(ax).k(1).f("sub"),
    () => w.get(ax).k(1.5).f("sub"),
    () => w.k(-1),
  ]);
  const den = byInterval(w, ax, [
    () => w.k(1),
    () => w.k(2).get(ax).f("add"),
    () => w.get(ax).k(1).f("add"),
    () => w.k(1).get(ax).k(1.5).f("mul", "add"),
    () => w.get(ax),
  ]);
  const hi = byInterval(w, ax, ATANHI.map((v) => () => void w.k(v)));
  const lo = byInterval(w, ax, ATANLO.map((v) => () => void w.k(v)));
  w.get(num).get(den).f("div");
  const t = w.let();
  w.get(t).get(t).f("mul");
  const z = w.let();
  w.get(z).get(z).f("mul");
  const z2 = w.let();
  w.horner(z2, AT.filter((_, i) => i % 2 === 0)).get(z).f("mul");
  const s1 = w.let();
  w.horner(z2, AT.filter((_, i) => i % 2 === 1)).get(z2).f("mul");
  const s2 = w.let();
  // hi - ((t (s1 + s2) - lo) - t)
  w.get(hi).get(t).get(s1).get(s2).f("add", "mul").get(lo).f("sub").get(t).f("sub", "sub");
}

/** Push copysign(r, s) for a non-negative (or NaN) r on the stack and the local s. */
function withSignOf(w: VecWriter, s: number): void {
  w.k(-0).get(s).op("v128.and", "v128.or");
}

function atan64(w: VecWriter, x: number): void {
  w.get(x).f("abs");
  atanAbs64(w, w.let());
  withSignOf(w, x);
}

function atan2_64(w: VecWriter, y: number, x: number): void {
  w.get(x).f("abs");
  const ax = w.let();
  w.get(y).f("abs");
  const ay = w.let();
  // a = min/max in [0, 1]: 1 where equal (both infinite too), 0 where both are zero.
  w.select(
    () => w.k(1).get(ax).k(0).f("ne").op("v128.and"),
    () => w.get(ax).get(ay).f("min").get(ax).get(ay).f("max").f("div"),
    () => w.get(ax).get(ay).f("eq"),
  );
  const a = w.let();
  atanAbs64(w, a);
  const r0 = w.let();
  w.select(
    () => w.k(PIO2_HI).get(r0).f("sub").k(PIO2_LO).f("add"),
    () => w.get(r0),
    () => w.get(ay).get(ax).f("gt"),
  );
  const r1 = w.let();
  w.select(
    () => w.k(PI_HI).get(r1).f("sub").k(PI_LO).f("add"),
    () => w.get(r1),
    () => w.get(x).c.i32(63).op("i64x2.shr_s"),
  );
  withSignOf(w, y);
}

/** Push √((1 - x)(1 + x)) for the f64x2 local x (exact 1 - x near 1; NaN beyond ±1). */
function cosOfAsin(w: VecWriter, x: number): number {
  w.k(1).get(x).f("sub").k(1).get(x).f("add", "mul", "sqrt");
  return w.let();
}

/** Run a unary f64x2 emitter on f64 lanes, or through `viaF64` on f32 lanes. */
function unary(w: VecWriter, x: number, f64: (d: VecWriter, x: number) => void): void {
  if (w.L.s === "f64") f64(w, x);
  else viaF64(w, [x], (d, [h]) => f64(d, h));
}

/**
 * Push atan(x) for the local x.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vatan } from "./vatan.ts";
 * import assert from "node:assert/strict";
 * const atan = probe("f64", vatan);
 * assert.equal(atan(Infinity), Math.PI / 2);
 * assert(Object.is(atan(-0), -0));
 * assert(Math.abs(atan(0.6) - Math.atan(0.6)) <= 1.2e-16);
 * ```
 */
export function vatan(w: VecWriter, x: number): void {
  unary(w, x, atan64);
}

/**
 * Push atan2(y, x) for the locals y and x, with IEEE's special cases (atan2(±0, -0) = ±π,
 * atan2(±∞, -∞) = ±3π/4, ...).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vatan2 } from "./vatan.ts";
 * import assert from "node:assert/strict";
 * const fromMinusOne = probe("f64", (w, y) => {
 *   w.k(-1);
 *   vatan2(w, y, w.let());
 * });
 * assert.equal(fromMinusOne(0), Math.PI);
 * assert.equal(fromMinusOne(-0), -Math.PI);
 * assert(Math.abs(fromMinusOne(1) - 3 * Math.PI / 4) <= 4.5e-16);
 * ```
 */
export function vatan2(w: VecWriter, y: number, x: number): void {
  if (w.L.s === "f64") atan2_64(w, y, x);
  else viaF64(w, [y, x], (d, [yh, xh]) => atan2_64(d, yh, xh));
}

/**
 * Push asin(x) for the local x: atan2(x, √((1 - x)(1 + x))); NaN beyond ±1.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vasin } from "./vatan.ts";
 * import assert from "node:assert/strict";
 * const asin = probe("f64", vasin);
 * assert.equal(asin(1), Math.PI / 2);
 * assert(Object.is(asin(-0), -0) && Number.isNaN(asin(1.5)));
 * ```
 */
export function vasin(w: VecWriter, x: number): void {
  unary(w, x, (d, h) => atan2_64(d, h, cosOfAsin(d, h)));
}

/**
 * Push acos(x) for the local x: atan2(√((1 - x)(1 + x)), x); NaN beyond ±1.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vacos } from "./vatan.ts";
 * import assert from "node:assert/strict";
 * const acos = probe("f64", vacos);
 * assert.equal(acos(1), 0);
 * assert.equal(acos(-1), Math.PI);
 * assert(Number.isNaN(acos(-1.5)));
 * ```
 */
export function vacos(w: VecWriter, x: number): void {
  unary(w, x, (d, h) => atan2_64(d, cosOfAsin(d, h), h));
}
