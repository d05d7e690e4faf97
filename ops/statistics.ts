/**
 * var (population variance, ddof 0) and std: graphs of the reductions (reduce.ts)
 * rather than ops of their own, so their gradients come from the parts.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import type { Axis, AxisOptions, TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { sqr, sub } from "./arith.ts";
import { cast } from "./cast.ts";
import { sqrt } from "./exp_log.ts";
import { mean, type ReduceOptions, reduceParams, statDtype } from "./reduce.ts";

/**
 * Population variance (ddof 0, as NumPy's default) over `axis`: the mean of squared
 * deviations from the mean, in float (ints give floatX). Public name `var`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert(T.var(T.fmatrix("m"), 0).dtype === "float32");
 * ```
 */
export function variance(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return varianceAs("var", x, axis, options);
}

function varianceAs(name: string, x: TensorLike, axis: Axis | AxisOptions, options: ReduceOptions): Variable {
  let v = asTensor(x);
  const params = reduceParams(name, v, axis, options);
  if (!isFloat(v.dtype)) v = cast(v, statDtype(v.dtype));
  const dev = sub(v, mean(v, params.axes, { keepdims: true }));
  return mean(sqr(dev), params.axes, { keepdims: params.keepdims });
}

/**
 * Population standard deviation (ddof 0): `sqrt(var(x, axis))`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dtensor3, std } from "../mod.ts";
 * assert(std(dtensor3("t"), [0, 2]).ndim === 1);
 * ```
 */
export function std(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return sqrt(varianceAs("std", x, axis, options));
}
