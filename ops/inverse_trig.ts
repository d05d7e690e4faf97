/**
 * Inverse trigonometric functions: arcsin, arccos, arctan and the two-argument arctan2,
 * as NumPy's (radians; NaN outside the domain). Integers give floatX, as NumPy's and
 * Theano's do. The JS rules are `Math`'s; the WGSL rules are f32 only (WGSL has no f64).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, neg, sqr, sub } from "./arith.ts";
import { div } from "./div.ts";
import { sqrtOp } from "./exp_log.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);
const sqrt = (x: Variable) => applyElemwise(sqrtOp, [x]);

/** arcsin (the op). d/dx = 1 / √(1 - x²). */
export const arcsinOp = defineElemwise({
  name: "arcsin",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.asin(${a})`,
  wgsl: ([a], i) => f32(i, `asin(${a})`),
  grad: ([x], _z, gz) => [div(gz, sqrt(sub(1, sqr(x))))],
});

/** arccos (the op). d/dx = -1 / √(1 - x²). */
export const arccosOp = defineElemwise({
  name: "arccos",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.acos(${a})`,
  wgsl: ([a], i) => f32(i, `acos(${a})`),
  grad: ([x], _z, gz) => [neg(div(gz, sqrt(sub(1, sqr(x)))))],
});

/** arctan (the op). d/dx = 1 / (1 + x²). */
export const arctanOp = defineElemwise({
  name: "arctan",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.atan(${a})`,
  wgsl: ([a], i) => f32(i, `atan(${a})`),
  grad: ([x], _z, gz) => [div(gz, add(1, sqr(x)))],
});

/**
 * arctan2(y, x), the angle of the point (x, y) in (-π, π] (the op). WGSL's atan2 leaves
 * the signed zeros and infinities to the driver: exact quadrants there are a CPU promise.
 * d/dy = x / (x² + y²), d/dx = -y / (x² + y²).
 */
export const arctan2Op = defineElemwise({
  name: "arctan2",
  arity: 2,
  out: "float",
  js: ([y, x]) => `Math.atan2(${y}, ${x})`,
  wgsl: ([y, x], i) => f32(i, `atan2(${y}, ${x})`),
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
