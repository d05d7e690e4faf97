/**
 * The rest of the error-function family, SciPy's meanings: erfc(x) = 1 - erf(x), the scaled
 * erfcx(x) = e^(x²)·erfc(x), and the inverses erfinv and erfcinv.
 *
 * float64 method: erfc and erfcx share erf's tables of erfc(x)·e^(x²) on [1, 6) (special.ts
 * `erfcScaledMid`); beyond 6, Laplace's continued fraction for erfc(x)·e^(x²)·√π (60 levels,
 * converged to the last bit there); below 1, 1 - erf(x). e^(±x²) is computed from x = hi + lo
 * with hi of 26 bits, so x² = hi² + (2 hi + lo) lo with hi² exact and the rounding of x² (which
 * would cost up to x² ulps) does not reach the result. erfinv and erfcinv start from
 * Winitzki's closed form (relative error < 2e-3) and take Halley steps on erf(x) = y where
 * |y| <= 1/2, and on erfc(x) = z elsewhere, written with erfcx so that the step stays exact
 * for z down to the smallest subnormal (erfcinv(5e-324) ≈ 27.2). Measured against SciPy
 * (elem16_ref.ts): within 4e-16 relative, except erfc for x in (0.5, 1), where 1 - erf(x)
 * costs up to 4 ulps.
 *
 * The WGSL rules (f32) use Numerical Recipes' erfcc fit of erfc(x)·e^(x²) (fractional error
 * < 1.2e-7 everywhere) and Giles' single-precision erfinv polynomials (2010), with the
 * same split of x² in f32.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul, neg, sqr, sub } from "./arith.ts";
import { exp } from "./exp_log.ts";
import { erfcScaledMid, erfJs } from "./special.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SQRT_PI_OVER_TWO = 0.886226925452758;
const INV_SQRT_PI = 0.5641895835477563;

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/** e^(s·x²) for s = ±1, with x² split so that its rounding does not reach the result. */
function expSquare(x: number, s: 1 | -1): number {
  const c = 134217729 * x, hi = c - (c - x), lo = x - hi;
  return Math.exp(s * hi * hi) * Math.exp(s * (2 * hi + lo) * lo);
}

/** erfc(x)·e^(x²)·√π for x >= 6 by Laplace's continued fraction x + (1/2)/(x + 1/(x + (3/2)/…)). */
function laplaceFraction(x: number): number {
  let f = x;
  for (let k = 60; k > 0; k--) f = x + (k / 2) / f;
  return 1 / f;
}

/** erfc(x)·e^(x²) for x >= 1. */
function erfcxLarge(x: number): number {
  return x < 6 ? erfcScaledMid(x) : INV_SQRT_PI * laplaceFraction(x);
}

/** The complementary error function 1 - erf(x) in float64. */
export function erfcJs(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 1 && x > -1) return 1 - erfJs(x);
  if (x >= 1) return x > 27.3 ? 0 : expSquare(x, -1) * erfcxLarge(x);
  return 2 - erfcJs(-x); // x <= -1
}

/** The scaled complementary error function e^(x²)·erfc(x) in float64. */
export function erfcxJs(x: number): number {
  if (x >= 1) return erfcxLarge(x);
  if (x < -26.7) return Infinity; // 2 e^(x²) overflows
  return expSquare(x, 1) * erfcJs(x); // NaN stays NaN
}

/** Winitzki's approximation of erfinv(y), from l = ln(1 - y²) = ln(z (2 - z)) for z = 1 - y. */
function winitzki(l: number): number {
  const a = 0.147, b = 2 / (Math.PI * a) + l / 2;
  return Math.sqrt(Math.sqrt(b * b - l / a) - b);
}

/** erfinv(y) for |y| <= 1/2: Halley's steps on erf(x) = y. */
function erfinvSmall(y: number): number {
  if (y === 0) return y; // ±0
  let x = Math.sign(y) * winitzki(Math.log1p(-y * y));
  for (let i = 0; i < 3; i++) {
    const g = erfJs(x) - y, dg = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    x -= g / (dg + x * g);
  }
  return x;
}

/**
 * erfcinv(z) for 0 < z <= 1/2: Halley's steps on erfc(x) = z. With f = erfc(x) - z,
 * f' = -2/√π e^(-x²) and f'' = -2x f', the step is r / (1 + x r) for r = f / f' =
 * -(√π/2)(erfcx(x) - z e^(x²)), which stays representable as z underflows.
 */
function erfcinvSmall(z: number): number {
  let x = winitzki(Math.log(z) + Math.log(2 - z));
  for (let i = 0; i < 4; i++) {
    const ze = x < 26 ? z * expSquare(x, 1) : Math.exp(x * x + Math.log(z));
    const r = -SQRT_PI_OVER_TWO * (erfcxJs(x) - ze);
    x -= r / (1 + x * r);
  }
  return x;
}

/** The inverse error function in float64: ±inf at ±1, NaN beyond. */
export function erfinvJs(y: number): number {
  if (!(y >= -1 && y <= 1)) return NaN;
  if (y === 1 || y === -1) return y * Infinity;
  if (y <= 0.5 && y >= -0.5) return erfinvSmall(y);
  return y > 0 ? erfcinvSmall(1 - y) : -erfcinvSmall(1 + y); // 1 ∓ y is exact here
}

/** The inverse complementary error function in float64: inf at 0, -inf at 2, NaN outside [0, 2]. */
export function erfcinvJs(z: number): number {
  if (!(z >= 0 && z <= 2)) return NaN;
  if (z === 0) return Infinity;
  if (z === 2) return -Infinity;
  if (z <= 0.5) return erfcinvSmall(z);
  if (z >= 1.5) return -erfcinvSmall(2 - z); // exact
  return erfinvSmall(1 - z); // exact
}

// WGSL: erfc(x)·e^(x²) for x >= 0 (Numerical Recipes' erfcc), and e^(±x²) with x² split:
// hi keeps 12 bits of the significand, so hi² is exact in f32.
const ERFCX_WGSL = `fn H_erfcx_pos_f32(ax: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * ax);
  return t * exp(-1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}
fn H_expsq_f32(x: f32, s: f32) -> f32 {
  let ax = abs(x);
  let hi = bitcast<f32>(bitcast<u32>(ax) & 0xfffff000u);
  let lo = ax - hi;
  return exp(s * hi * hi) * exp(s * (ax + hi) * lo);
}`;

// Giles' single-precision erfinv: w = -ln((1 - y)(1 + y)), computed by the caller from y or z.
const GILES_WGSL = `fn H_giles_f32(w0: f32) -> f32 {
  if (w0 < 5.0) {
    let w = w0 - 2.5;
    var p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    return p;
  }
  let w = sqrt(w0) - 3.0;
  var p = -0.000200214257;
  p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
  p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
  p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  return p;
}`;

/** 1 - erf(x) (the op). d/dx = -2/√π e^(-x²). */
export const erfcOp = defineElemwise({
  name: "erfc",
  arity: 1,
  out: "float",
  helpers: { erfc: erfcJs },
  js: ([a]) => `H.erfc(${a})`,
  wgsl: ([a], i) => f32(i, `H_erfc_f32(${a})`),
  wgslHelpers: `${ERFCX_WGSL}
fn H_erfc_f32(x: f32) -> f32 {
  if (!(abs(x) < 10.0)) { return select(select(x, 2.0, x < 0.0), 0.0, x > 0.0); }
  let c = H_expsq_f32(x, -1.0) * H_erfcx_pos_f32(abs(x));
  return select(c, 2.0 - c, x < 0.0);
}`,
  grad: ([x], _z, gz) => [mul(gz, mul(-TWO_OVER_SQRT_PI, exp(neg(sqr(x)))))],
});

/** e^(x²)·erfc(x) (the op). d/dx = 2x·erfcx(x) - 2/√π. */
export const erfcxOp = defineElemwise({
  name: "erfcx",
  arity: 1,
  out: "float",
  helpers: { erfcx: erfcxJs },
  js: ([a]) => `H.erfcx(${a})`,
  wgsl: ([a], i) => f32(i, `H_erfcx_f32(${a})`),
  wgslHelpers: `${ERFCX_WGSL}
fn H_erfcx_f32(x: f32) -> f32 {
  if (x >= 0.0) { return H_erfcx_pos_f32(x); }
  return 2.0 * H_expsq_f32(x, 1.0) - H_erfcx_pos_f32(-x);
}`,
  grad: ([x], z, gz) => [mul(gz, sub(mul(mul(2, x), z), TWO_OVER_SQRT_PI))],
});

/** The inverse of erf (the op). d/dy = √π/2 · e^(erfinv(y)²). */
export const erfinvOp = defineElemwise({
  name: "erfinv",
  arity: 1,
  out: "float",
  helpers: { erfinv: erfinvJs },
  js: ([a]) => `H.erfinv(${a})`,
  wgsl: ([a], i) => f32(i, `H_erfinv_f32(${a})`),
  wgslHelpers: `${GILES_WGSL}
fn H_erfinv_f32(y: f32) -> f32 {
  if (abs(y) > 1.0) { return bitcast<f32>(0x7fc00000u); }
  if (abs(y) == 1.0) { return y * bitcast<f32>(0x7f800000u); }
  return y * H_giles_f32(-log((1.0 - y) * (1.0 + y)));
}`,
  grad: (_y, z, gz) => [mul(gz, mul(SQRT_PI_OVER_TWO, exp(sqr(z))))],
});

/** The inverse of erfc (the op). d/dz = -√π/2 · e^(erfcinv(z)²). */
export const erfcinvOp = defineElemwise({
  name: "erfcinv",
  arity: 1,
  out: "float",
  helpers: { erfcinv: erfcinvJs },
  js: ([a]) => `H.erfcinv(${a})`,
  wgsl: ([a], i) => f32(i, `H_erfcinv_f32(${a})`),
  // ln((1 - y)(1 + y)) = ln(z (2 - z)) for y = 1 - z, from z itself (no loss for small z).
  wgslHelpers: `${GILES_WGSL}
fn H_erfcinv_f32(z: f32) -> f32 {
  if (z < 0.0 || z > 2.0) { return bitcast<f32>(0x7fc00000u); }
  if (z == 0.0 || z == 2.0) { return (1.0 - z) * bitcast<f32>(0x7f800000u); }
  return (1.0 - z) * H_giles_f32(-log(z * (2.0 - z)));
}`,
  grad: (_x, z, gz) => [mul(gz, mul(-SQRT_PI_OVER_TWO, exp(sqr(z))))],
});

/**
 * The complementary error function 1 - erf(x) elementwise, accurate where erf is near 1
 * (erfc(10) is 2.1e-45, not 0). Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.erfc(x))([0, 10, -Infinity]).data;
 * assert(y[0] === 1 && Math.abs(y[1] / 2.088487583762545e-45 - 1) < 1e-15 && y[2] === 2);
 * ```
 */
export function erfc(x: TensorLike): Variable {
  return applyElemwise(erfcOp, [x]);
}

/**
 * The scaled complementary error function e^(x²)·erfc(x) elementwise, without the overflow
 * and underflow of the product (erfcx(1e10) ≈ 5.6e-11).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.erfcx(x))([0, 1e10]).data;
 * assert(y[0] === 1 && Math.abs(y[1] * 1e10 * Math.sqrt(Math.PI) - 1) < 1e-15);
 * ```
 */
export function erfcx(x: TensorLike): Variable {
  return applyElemwise(erfcxOp, [x]);
}

/**
 * The inverse error function elementwise: erfinv(erf(x)) = x; ±inf at ±1, NaN outside [-1, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const y = T.dvector("y");
 * const x = T.function([y], T.erfinv(y))([0, 1, -1, 2]).data;
 * assert.deepEqual(Array.from(x), [0, Infinity, -Infinity, NaN]);
 * ```
 */
export function erfinv(y: TensorLike): Variable {
  return applyElemwise(erfinvOp, [y]);
}

/**
 * The inverse complementary error function elementwise: erfcinv(erfc(x)) = x; inf at 0,
 * -inf at 2, NaN outside [0, 2]; accurate for tiny z, where erfinv(1 - z) would lose it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const z = T.dvector("z");
 * const x = T.function([z], T.erfcinv(z))([1, 0, 1e-300]).data;
 * assert(x[0] === 0 && x[1] === Infinity && Math.abs(x[2] - 26.209469960516124) < 1e-14);
 * ```
 */
export function erfcinv(z: TensorLike): Variable {
  return applyElemwise(erfcinvOp, [z]);
}
