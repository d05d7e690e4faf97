/**
 * Inverse trigonometric functions: arcsin, arccos, arctan and the two-argument arctan2,
 * as NumPy's (radians; NaN outside the domain). Integers give floatX, as NumPy's and
 * Theano's do. The JS rules are `Math`'s; the WGSL rules are f32 only (WGSL has no f64)
 * and do not use WGSL's asin/acos/atan/atan2, which the spec lets drift by thousands of ulps
 * (llvmpipe's do: 1,300 ulps for acos(0.3)): they are built on Cephes' atanf (reduction to
 * |t| <= tan(π/8) and a degree-9 odd polynomial, within 2 ulps), with asin(x) =
 * atan(x / √((1 - x)(1 + x))) and acos(x) = 2 atan(√((1 - x) / (1 + x))).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, neg, sqr, sub } from "./arith.ts";
import { div } from "./div.ts";
import { sqrtOp } from "./exp_log.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);
const sqrt = (x: Variable) => applyElemwise(sqrtOp, [x]);

/** Cephes' atanf in WGSL (H_atan_f32), shared by the four ops. */
const ATAN_WGSL = `fn H_atan_f32(v: f32) -> f32 {
  var t = abs(v);
  var y0 = 0.0;
  if (t > 2.414213562373095) { y0 = 1.5707963267948966; t = -1.0 / t; }
  else if (t > 0.4142135623730950) { y0 = 0.7853981633974483; t = (t - 1.0) / (t + 1.0); }
  let z = t * t;
  let r = y0 + ((((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * t + t);
  return select(r, -r, v < 0.0);
}`;

/** arcsin (the op). d/dx = 1 / √(1 - x²). */
export const arcsinOp = defineElemwise({
  name: "arcsin",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.asin(${a})`,
  wgsl: ([a], i) => f32(i, `H_asin_f32(${a})`),
  wgslHelpers: `${ATAN_WGSL}
fn H_asin_f32(x: f32) -> f32 {
  if (abs(x) > 1.0) { return bitcast<f32>(0x7fc00000u); }
  return H_atan_f32(x / sqrt((1.0 - x) * (1.0 + x)));
}`,
  grad: ([x], _z, gz) => [div(gz, sqrt(sub(1, sqr(x))))],
});

/** arccos (the op). d/dx = -1 / √(1 - x²). */
export const arccosOp = defineElemwise({
  name: "arccos",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.acos(${a})`,
  wgsl: ([a], i) => f32(i, `H_acos_f32(${a})`),
  wgslHelpers: `${ATAN_WGSL}
fn H_acos_f32(x: f32) -> f32 {
  if (abs(x) > 1.0) { return bitcast<f32>(0x7fc00000u); }
  return 2.0 * H_atan_f32(sqrt((1.0 - x) / (1.0 + x)));
}`,
  grad: ([x], _z, gz) => [neg(div(gz, sqrt(sub(1, sqr(x)))))],
});

/** arctan (the op). d/dx = 1 / (1 + x²). */
export const arctanOp = defineElemwise({
  name: "arctan",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.atan(${a})`,
  wgsl: ([a], i) => f32(i, `H_atan_f32(${a})`),
  wgslHelpers: ATAN_WGSL,
  grad: ([x], _z, gz) => [div(gz, add(1, sqr(x)))],
});

/**
 * arctan2(y, x), the angle of the point (x, y) in (-π, π] (the op). d/dy = x / (x² + y²), d/dx = -y / (x² + y²).
 */
export const arctan2Op = defineElemwise({
  name: "arctan2",
  arity: 2,
  out: "float",
  js: ([y, x]) => `Math.atan2(${y}, ${x})`,
  wgsl: ([y, x], i) => f32(i, `H_atan2_f32(${y}, ${x})`),
  // C's quadrants: (±0, +0) -> ±0, (±0, -0) -> ±π, equal magnitudes (infinities too) -> ±π/4, ±3π/4.
  wgslHelpers: `${ATAN_WGSL}
fn H_atan2_f32(y: f32, x: f32) -> f32 {
  let ay = abs(y);
  let ax = abs(x);
  let neg_x = (bitcast<u32>(x) >> 31u) == 1u;
  var t = H_atan_f32(ay / ax);
  if (ay == ax) { t = 0.7853981633974483; }
  if (ay == 0.0) { t = 0.0; }
  var r = select(t, 3.1415926535897932 - t, neg_x);
  if (ax != ax || ay != ay) { r = x + y; }
  return select(r, -r, (bitcast<u32>(y) >> 31u) == 1u);
}`,
  grad: ([y, x], _z, gz) => {
    const r2 = add(sqr(x), sqr(y));
    return [mul(gz, div(x, r2)), neg(mul(gz, div(y, r2)))];
  },
});

/**
 * Inverse sine elementwise, in [-π/2, π/2]; NaN outside [-1, 1]. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.arcsin(x));
 * assert.deepEqual(Array.from(f([0, 1]).data), [0, Math.PI / 2]);
 * ```
 */
export function arcsin(x: TensorLike): Variable {
  return applyElemwise(arcsinOp, [x]);
}

/**
 * Inverse cosine elementwise, in [0, π]; NaN outside [-1, 1]. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.equal(T.arccos(T.ivector("i")).dtype, "float64");
 * ```
 */
export function arccos(x: TensorLike): Variable {
  return applyElemwise(arccosOp, [x]);
}

/**
 * Inverse tangent elementwise, in (-π/2, π/2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.equal(T.arctan(T.fvector("x")).dtype, "float32");
 * ```
 */
export function arctan(x: TensorLike): Variable {
  return applyElemwise(arctanOp, [x]);
}

/**
 * The angle of the point (x, y) elementwise, in (-π, π], NumPy's `arctan2(y, x)`
 * (y first), signed zeros and infinities included.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [y, x] = [T.dvector("y"), T.dvector("x")];
 * const f = T.function([y, x], T.arctan2(y, x));
 * assert.deepEqual(Array.from(f([1, 0], [0, -1]).data), [Math.PI / 2, Math.PI]);
 * ```
 */
export function arctan2(y: TensorLike, x: TensorLike): Variable {
  return applyElemwise(arctan2Op, [y, x]);
}
