/**
 * Trigonometric and hyperbolic functions: sin, cos, tan, tanh. Integers give floatX,
 * as NumPy's and Theano's do. WGSL lowerings are f32 only (WGSL has no f64).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, neg, sqr, sub } from "./arith.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/** Sine (the op). */
export const sinOp = defineElemwise({
  name: "sin",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.sin(${a})`,
  wgsl: ([a], i) => f32(i, `sin(${a})`),
  grad: ([x], _z, gz) => [mul(gz, cos(x))],
});

/** Cosine (the op). */
export const cosOp = defineElemwise({
  name: "cos",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.cos(${a})`,
  wgsl: ([a], i) => f32(i, `cos(${a})`),
  grad: ([x], _z, gz) => [neg(mul(gz, sin(x)))],
});

/** Tangent (the op). d tan(x) / dx = 1 + tan(x)^2. */
export const tanOp = defineElemwise({
  name: "tan",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.tan(${a})`,
  wgsl: ([a], i) => f32(i, `tan(${a})`),
  grad: (_x, z, gz) => [mul(gz, add(1, sqr(z)))],
});

/**
 * Hyperbolic tangent (the op). The WGSL form avoids `tanh`, which some drivers compute
 * as (e^2x - 1) / (e^2x + 1) and so return NaN for large |x|: it uses e^-2|x| <= 1, and
 * a Taylor polynomial near 0, where 1 - e^-2|x| would cancel.
 */
export const tanhOp = defineElemwise({
  name: "tanh",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.tanh(${a})`,
  wgsl: ([a], i) => f32(i, `H_tanh_f32(${a})`),
  wgslHelpers: `fn H_tanh_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.125) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333333 + x2 * (0.13333333 + x2 * -0.053968254)));
  }
  let e = exp(-2.0 * ax);
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}`,
  grad: (_x, z, gz) => [mul(gz, sub(1, sqr(z)))],
});

/**
 * Sine elementwise (radians).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, ivector, sin } from "../mod.ts";
 * assert(sin(dvector("x")).dtype === "float64");
 * assert(sin(ivector("i")).dtype === "float64");
 * ```
 */
export function sin(x: TensorLike): Variable {
  return applyElemwise(sinOp, [x]);
}

/**
 * Cosine elementwise (radians).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cos, fvector } from "../mod.ts";
 * assert(cos(fvector("x")).dtype === "float32");
 * ```
 */
export function cos(x: TensorLike): Variable {
  return applyElemwise(cosOp, [x]);
}

/**
 * Tangent elementwise (radians).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, tan } from "../mod.ts";
 * assert(tan(dmatrix("x")).ndim === 2);
 * ```
 */
export function tan(x: TensorLike): Variable {
  return applyElemwise(tanOp, [x]);
}

/**
 * Hyperbolic tangent elementwise; exact ±1 for large |x|, never NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, tanh } from "../mod.ts";
 * assert(tanh(dvector("x")).dtype === "float64");
 * ```
 */
export function tanh(x: TensorLike): Variable {
  return applyElemwise(tanhOp, [x]);
}
