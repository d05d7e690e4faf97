/**
 * Hyperbolic functions and their inverses: sinh, cosh, arcsinh, arccosh, arctanh (tanh is
 * in trig.ts). The JS rules are `Math`'s (fdlibm's, within an ulp). The WGSL rules are f32
 * only and avoid the naive formulas where they lose digits: near 0 (sinh by its Taylor
 * polynomial, the inverses through log1p's series) and at large |x| (e^|x| / 2 as
 * (e^(|x|/2) / 2)·e^(|x|/2), so sinh(89) does not overflow through e^89; arcsinh and arccosh as
 * log(2|x|) once x² would overflow).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, sqr, sub } from "./arith.ts";
import { div } from "./div.ts";
import { LOG1P_WGSL, sqrtOp } from "./exp_log.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);
const sqrt = (x: Variable) => applyElemwise(sqrtOp, [x]);

/** Hyperbolic sine (the op). d/dx = cosh x. */
export const sinhOp = defineElemwise({
  name: "sinh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.sinh(${a})`,
  wgsl: ([a], i) => f32(i, `H_sinh_f32(${a})`),
  // Taylor to x^11 below 1 (truncation < 2e-10 relative); (e^x - e^-x)/2 to 10; e^|x| / 2 beyond.
  wgslHelpers: `fn H_sinh_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 1.0) {
    let x2 = x * x;
    return x * (1.0 + x2 / 6.0 * (1.0 + x2 / 20.0 * (1.0 + x2 / 42.0 * (1.0 + x2 / 72.0 * (1.0 + x2 / 110.0)))));
  }
  let h = exp(0.5 * ax);
  var r = (0.5 * h) * h;
  if (ax < 10.0) { let e = exp(ax); r = 0.5 * (e - 1.0 / e); }
  return select(r, -r, x < 0.0);
}`,
  grad: ([x], _z, gz) => [mul(gz, cosh(x))],
});

/** Hyperbolic cosine (the op). d/dx = sinh x. */
export const coshOp = defineElemwise({
  name: "cosh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.cosh(${a})`,
  wgsl: ([a], i) => f32(i, `H_cosh_f32(${a})`),
  wgslHelpers: `fn H_cosh_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 10.0) { let e = exp(ax); return 0.5 * (e + 1.0 / e); }
  let h = exp(0.5 * ax);
  return (0.5 * h) * h;
}`,
  grad: ([x], _z, gz) => [mul(gz, sinh(x))],
});

/** Inverse hyperbolic sine (the op). d/dx = 1 / √(x² + 1). */
export const arcsinhOp = defineElemwise({
  name: "arcsinh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.asinh(${a})`,
  wgsl: ([a], i) => f32(i, `H_asinh_f32(${a})`),
  // asinh|x| = log1p(|x| + x²/(1 + √(1 + x²))); log(2|x|) once x² is past 1e36.
  wgslHelpers: `${LOG1P_WGSL}
fn H_asinh_f32(x: f32) -> f32 {
  let ax = abs(x);
  var r = log(ax) + 0.6931471805599453;
  if (ax < 1e18) { r = H_log1p_f32(ax + ax * ax / (1.0 + sqrt(1.0 + ax * ax))); }
  return select(r, -r, x < 0.0);
}`,
  grad: ([x], _z, gz) => [div(gz, sqrt(add(sqr(x), 1)))],
});

/** Inverse hyperbolic cosine (the op); NaN below 1. d/dx = 1 / (√(x - 1) √(x + 1)). */
export const arccoshOp = defineElemwise({
  name: "arccosh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.acosh(${a})`,
  wgsl: ([a], i) => f32(i, `H_acosh_f32(${a})`),
  // acosh x = log1p(t + √(t (x + 1))), t = x - 1 (exact near 1); log(2x) past 1e18.
  wgslHelpers: `${LOG1P_WGSL}
fn H_acosh_f32(x: f32) -> f32 {
  if (x < 1.0) { return bitcast<f32>(0x7fc00000u); } // WGSL leaves sqrt and log of a negative undefined
  if (x > 1e18) { return log(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return H_log1p_f32(t + sqrt(t * (x + 1.0)));
}`,
  grad: ([x], _z, gz) => [div(gz, mul(sqrt(sub(x, 1)), sqrt(add(x, 1))))],
});

/** Inverse hyperbolic tangent (the op); ±inf at ±1, NaN beyond. d/dx = 1 / (1 - x²). */
export const arctanhOp = defineElemwise({
  name: "arctanh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.atanh(${a})`,
  wgsl: ([a], i) => f32(i, `H_atanh_f32(${a})`),
  // atanh|x| = log1p(2|x| / (1 - |x|)) / 2.
  wgslHelpers: `${LOG1P_WGSL}
fn H_atanh_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (ax > 1.0) { return bitcast<f32>(0x7fc00000u); }
  let r = 0.5 * H_log1p_f32(2.0 * ax / (1.0 - ax));
  return select(r, -r, x < 0.0);
}`,
  grad: ([x], _z, gz) => [div(gz, sub(1, sqr(x)))],
});

/**
 * Hyperbolic sine elementwise. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.sinh(x))([0, -Infinity]).data), [0, -Infinity]);
 * ```
 */
export function sinh(x: TensorLike): Variable {
  return applyElemwise(sinhOp, [x]);
}

/**
 * Hyperbolic cosine elementwise. Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.cosh(x))([0]).data), [1]);
 * ```
 */
export function cosh(x: TensorLike): Variable {
  return applyElemwise(coshOp, [x]);
}

/**
 * Inverse hyperbolic sine elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.equal(T.arcsinh(T.fvector("x")).dtype, "float32");
 * ```
 */
export function arcsinh(x: TensorLike): Variable {
  return applyElemwise(arcsinhOp, [x]);
}

/**
 * Inverse hyperbolic cosine elementwise: 0 at 1, NaN below 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.arccosh(x))([1, 0.5]).data;
 * assert(y[0] === 0 && Number.isNaN(y[1]));
 * ```
 */
export function arccosh(x: TensorLike): Variable {
  return applyElemwise(arccoshOp, [x]);
}

/**
 * Inverse hyperbolic tangent elementwise: ±inf at ±1, NaN beyond.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.arctanh(x))([1, -1]).data), [Infinity, -Infinity]);
 * ```
 */
export function arctanh(x: TensorLike): Variable {
  return applyElemwise(arctanhOp, [x]);
}
