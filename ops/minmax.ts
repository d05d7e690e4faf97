/**
 * Elementwise maximum, minimum and clip. NaN propagates on the CPU, as in NumPy
 * (WGSL's max/min leave NaN handling to the driver).
 *
 * Gradients: maximum and minimum send the gradient to the input that was chosen; at
 * a tie it all goes to the first input (so the gradients always sum to the output's,
 * as for a subgradient; Theano gave it to both). clip passes it to x where
 * lo <= x <= hi, to lo where x < lo and to hi where x > hi.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, wgslType } from "./elemwise.ts";
import { and, ge, gt, le, lt, or } from "./compare.ts";
import { switch_ } from "./switch.ts";

/** gz where `cond` holds, 0 elsewhere. */
const where = (cond: Variable, gz: Variable) => switch_(cond, gz, 0);

/** WGSL for every dtype WGSL has (not float64/int64). */
const anyWgsl = (input: DType, expr: string) => (wgslType(input) ? expr : undefined);

/** Elementwise larger of two tensors (the op). */
export const maximumOp = defineElemwise({
  name: "maximum",
  arity: 2,
  accepts: "any",
  js: ([a, b]) => `Math.max(${a}, ${b})`,
  wgsl: ([a, b], i) => anyWgsl(i, `max(${a}, ${b})`),
  grad: ([a, b], _z, gz) => [where(ge(a, b), gz), where(lt(a, b), gz)],
});

/** Elementwise smaller of two tensors (the op). */
export const minimumOp = defineElemwise({
  name: "minimum",
  arity: 2,
  accepts: "any",
  js: ([a, b]) => `Math.min(${a}, ${b})`,
  wgsl: ([a, b], i) => anyWgsl(i, `min(${a}, ${b})`),
  grad: ([a, b], _z, gz) => [where(le(a, b), gz), where(gt(a, b), gz)],
});

/** min(max(x, lo), hi) elementwise (the op): when lo > hi the result is hi, as in NumPy. */
export const clipOp = defineElemwise({
  name: "clip",
  arity: 3,
  accepts: "any",
  js: ([x, lo, hi]) => `Math.min(Math.max(${x}, ${lo}), ${hi})`,
  wgsl: ([x, lo, hi], i) => anyWgsl(i, `min(max(${x}, ${lo}), ${hi})`),
  grad: ([x, lo, hi], _z, gz) => [
    where(and(ge(x, lo), le(x, hi)), gz),
    where(and(lt(x, lo), le(lo, hi)), gz),
    where(or(gt(x, hi), gt(lo, hi)), gz),
  ],
});

/**
 * Elementwise maximum of two tensors (NaN if either is NaN), broadcasting like `add`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, ivector, maximum } from "../mod.ts";
 * assert(maximum(dvector("x"), 0).dtype === "float64");
 * assert(maximum(ivector("i"), 0).dtype === "int32");
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(maximumOp, [a, b]);
}

/**
 * Elementwise minimum of two tensors (NaN if either is NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fvector, minimum } from "../mod.ts";
 * assert(minimum(fvector("x"), 1).dtype === "float32");
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(minimumOp, [a, b]);
}

/**
 * Limit x to [lo, hi] elementwise: `min(max(x, lo), hi)`, as NumPy's `clip`. The
 * bounds may be numbers or tensors that broadcast against x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clip, dmatrix } from "../mod.ts";
 * const y = clip(dmatrix("x"), -1, 1);
 * assert(y.dtype === "float64" && y.ndim === 2);
 * ```
 */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Variable {
  return applyElemwise(clipOp, [x, lo, hi]);
}
