/**
 * Sine and cosine together for f64x2 lanes, for arguments of moderate size (the
 * Box–Muller angles of backends/wasm/mrg.ts lie in (0, 2π]).
 *
 * Method (fdlibm's, as V8's `Math.sin`/`Math.cos`): k = nearest(x · 2/π) read from the
 * low bits of x · 2/π + 1.5·2^52; r = x - k·π/2 with π/2 in three parts (33 + 33 bits
 * and a tail: fdlibm's pio2_1, pio2_2, pio2_2t), exact products for |k| < 2^20; then
 * fdlibm's kernels `__kernel_sin` / `__kernel_cos` (degree 13 / 14 polynomials on
 * [-π/4, π/4]), the cosine without fdlibm's extra correction term for |r| > 0.3; the
 * quadrant k mod 4 swaps them (k odd) and sets the signs (bit 1 of k for the sine, of
 * k + 1 for the cosine) with integer-lane masks. Valid for |x| < 2^20 · π/2; NaN and ±∞
 * are not handled (the callers never pass them).
 *
 * Measured accuracy against `Math.sin` / `Math.cos` on 10^6 uniform points of (0, 2π]:
 * see vtrig_test.ts (the bound it asserts: 2 ulps of float64; rounded to float32 the
 * results equal `Math.fround(Math.sin(x))` except in rare near-ties).
 * @module
 */
import type { VecWriter } from "./vmath.ts";

const INVPIO2 = 6.36619772367581382433e-01;
const PIO2_1 = 1.57079632673412561417e+00;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_2T = 2.02226624879595063154e-21;
/** 1.5 · 2^52: adding it rounds to an integer and leaves that integer in the low bits. */
const MAGIC = 6755399441055744;
const S = [
  -1.66666666666666324348e-01,
  8.33333333332248946124e-03,
  -1.98412698298579493134e-04,
  2.75573137070700676789e-06,
  -2.50507602534068634195e-08,
  1.58969099521155010221e-10,
];
const C = [
  4.16666666666666019037e-02,
  -1.38888888888741095749e-03,
  2.48015872894767294178e-05,
  -2.75573143513906633035e-07,
  2.08757232129817482790e-09,
  -1.13596475577881948265e-11,
];

/**
 * Compute sin(x) and cos(x) of the f64x2 local x into two new locals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probe } from "./vmath.ts";
 * import { vsincos } from "./vtrig.ts";
 * const sin = probe("f64", (w, x) => void w.get(vsincos(w, x).sin));
 * const cos = probe("f64", (w, x) => void w.get(vsincos(w, x).cos));
 * for (const x of [0.1, 1, 2, 3, 4, 5, 6, 6.283185307179586]) {
 *   assert(Math.abs(sin(x) - Math.sin(x)) <= 4.5e-16 && Math.abs(cos(x) - Math.cos(x)) <= 4.5e-16);
 * }
 * ```
 */
export function vsincos(w: VecWriter, x: number): { sin: number; cos: number } {
  if (w.L.s !== "f64") throw new Error("vsincos: f64x2 lanes only");
  // k and its integer bits.
  w.get(x).k(INVPIO2).f("mul").k(MAGIC).f("add");
  const t = w.let();
  w.get(t).k(MAGIC).f("sub");
  const k = w.let();
  // r = ((x - k·p1) - k·p2) - k·p2t
  w.get(x).get(k).k(PIO2_1).f("mul", "sub").get(k).k(PIO2_2).f("mul", "sub").get(k).k(PIO2_2T).f(
    "mul",
    "sub",
  );
  const r = w.let();
  w.get(r).get(r).f("mul");
  const z = w.let();
  // sin r = r + r·z·(S1 + z·(S2 + ... ))
  w.horner(z, S).get(z).f("mul").get(r).f("mul").get(r).f("add");
  const s = w.let();
  // cos r = 1 - (z/2 - z·z·(C1 + z·(C2 + ...)))
  w.k(1).get(z).k(0.5).f("mul").horner(z, C).get(z).f("mul").get(z).f("mul").f("sub", "sub");
  const c = w.let();
  // Quadrant masks from k's low bits (two's complement in the low word of t).
  const c0 = w.c;
  c0.get(t).i32(63).op("i64x2.shl").i32(63).op("i64x2.shr_s");
  const odd = w.let();
  const signBit = () => w.ik(-(2n ** 63n));
  c0.get(t).i32(62).op("i64x2.shl");
  signBit();
  c0.op("v128.and");
  const signS = w.let();
  w.get(t).ik(1).op("i64x2.add");
  c0.i32(62).op("i64x2.shl");
  signBit();
  c0.op("v128.and");
  const signC = w.let();
  w.select(() => w.get(c), () => w.get(s), () => w.get(odd)).get(signS).op("v128.xor");
  const sin = w.let();
  w.select(() => w.get(s), () => w.get(c), () => w.get(odd)).get(signC).op("v128.xor");
  const cos = w.let();
  return { sin, cos };
}
