/**
 * Statistical reductions: mean, prod, var (population variance, ddof 0) and std, with
 * their gradients. `mean` and `prod` are ops; `var` and `std` are graphs of them, so
 * their gradients come from the parts.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isFloat } from "../core/dtype.ts";
import { NDArray } from "../core/ndarray.ts";
import { type Axis, defineOp, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { mul, sqr, sub } from "./arith.ts";
import { div } from "./div.ts";
import { cast } from "./cast.ts";
import { sqrt } from "./exp_log.ts";
import { fill } from "./fill.ts";
import {
  defineReduction,
  type ReduceOptions,
  type ReduceParams,
  reduceParams,
  restoreAxes,
  sum,
  sumDtype,
} from "./reduce.ts";
import { type GroupKernel, groupsOf, scatterGroups } from "./reduce_layout.ts";

/** The float dtype statistics of `x` are computed in: ints and bool become floatX. */
export function statDtype(x: DType): DType {
  return isFloat(x) ? x : floatX();
}

/** Params of the count op: the axes counted and the dtype of the result. */
export interface CountParams {
  axes: number[];
  dtype: DType;
}

/**
 * The number of elements a reduction over `axes` folds together (a 0-d float), read
 * from the input's run-time shape; its value never matters, only its shape.
 */
export const reducedCountOp = defineOp<CountParams>({
  name: "reduced_count",
  inferType: (_xs, p) => [new TensorType(p.dtype, [])],
  perform([x], p) {
    const out = new NDArray(p.dtype, []);
    out.data[0] = p.axes.reduce((n, a) => n * x.shape[a], 1);
    return [out];
  },
  vjp: () => [null],
  notDifferentiable: "a count of elements depends only on the input's shape",
  constantFoldable: true,
  format: ([x], p) => `count(${x}, axis=[${p.axes.join(", ")}])`,
});

/** The count of elements a reduction of `x` over `axes` folds, as a 0-d `dtype` tensor. */
export function reducedCount(x: Variable, axes: number[], dtype: DType): Variable {
  const lengths = axes.map((a) => x.type.shape[a]);
  if (lengths.every((d) => d !== null)) {
    return constant(lengths.reduce((n, d) => n * (d as number), 1), { dtype });
  }
  return reducedCountOp.apply1([x], { axes, dtype });
}

const meanKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 0;
    for (let j = b, e = b + m; j < e; j++) a += src[j];
    out[o] = a / m;
  }
};

const prodKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 1;
    for (let j = b, e = b + m; j < e; j++) a *= src[j];
    out[o] = a;
  }
};

/** The mean op: floats keep their dtype, ints and bool give floatX; NaN over zero elements. */
export const meanOp = defineReduction({
  name: "mean",
  dtype: statDtype,
  kernel: meanKernel,
  vjp: (node, [gz]) => {
    const x = node.inputs[0], p = node.params as ReduceParams;
    return [div(fill(x, restoreAxes(gz, p, x.ndim)), reducedCount(x, p.axes, gz.dtype))];
  },
});

/**
 * For each element, the product of the other elements of its reduction group (exact
 * with zeros: prefix times suffix products, no division). The gradient of prod.
 */
export const prodOthersOp = defineOp<{ axes: number[] }>({
  name: "prod_others",
  inferType: ([x]) => [new TensorType(statDtype(x.dtype), x.type.shape)],
  perform([x], { axes }, node) {
    const g = groupsOf(x, axes), m = g.m, src = g.data;
    const res = new Float64Array(x.size);
    for (let b = 0; b < res.length; b += m) {
      let pre = 1;
      for (let j = 0; j < m; j++) res[b + j] = pre, pre *= src[b + j];
      let suf = 1;
      for (let j = m - 1; j >= 0; j--) res[b + j] *= suf, suf *= src[b + j];
    }
    const out = new NDArray(node.outputs[0].dtype, x.shape);
    scatterGroups(res, g, out.data);
    return [out];
  },
  // d prodOthers_i / d x_j = prod_{k != i, j} x_k = prodOthers_i / x_j (i != j), so the
  // vector-Jacobian product is (sum_i g_i p_i - g_j p_j) / x_j: exact where x_j != 0;
  // at an exact zero this second derivative of prod is not finite (documented limit).
  vjp: (node, [g]) => {
    const x = node.inputs[0], gp = mul(g, node.outputs[0]);
    const { axes } = node.params as { axes: number[] };
    return [div(sub(sum(gp, axes, { keepdims: true }), gp), x)];
  },
  format: ([x], { axes }) => `prod_others(${x}, axis=[${axes.join(", ")}])`,
});

/** The prod op: small ints widen to int64 (products of int64 are exact up to 2^53). */
export const prodOp = defineReduction({
  name: "prod",
  dtype: sumDtype,
  kernel: prodKernel,
  vjp: (node, [gz]) => {
    const x = node.inputs[0], p = node.params as ReduceParams;
    return [mul(restoreAxes(gz, p, x.ndim), prodOthersOp.apply1([x], { axes: p.axes }))];
  },
});

/**
 * Arithmetic mean over `axis` (all axes when omitted or null; negative axes and lists
 * work as in NumPy). Ints and bool give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mean } from "./reduce_stats.ts";
 * import { imatrix } from "./constructors.ts";
 * const m = imatrix("m");
 * assert(mean(m).dtype === "float64" && mean(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function mean(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  const v = asTensor(x);
  return meanOp.apply1([v], reduceParams("mean", v, axis, options.keepdims));
}

/**
 * Product over `axis` (all axes when omitted); small ints give int64, as in NumPy. Its
 * gradient is exact when the input holds zeros.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prod } from "./reduce_stats.ts";
 * import { ivector } from "./constructors.ts";
 * assert(prod(ivector("v")).dtype === "int64");
 * ```
 */
export function prod(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  const v = asTensor(x);
  return prodOp.apply1([v], reduceParams("prod", v, axis, options.keepdims));
}

/**
 * Population variance (ddof 0, as NumPy's default) over `axis`: the mean of squared
 * deviations from the mean, in float (ints give floatX). Public name `var`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variance } from "./reduce_stats.ts";
 * import { fmatrix } from "./constructors.ts";
 * assert(variance(fmatrix("m"), 0).dtype === "float32");
 * ```
 */
export function variance(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return varianceAs("var", x, axis, options);
}

function varianceAs(name: string, x: TensorLike, axis: Axis, options: ReduceOptions): Variable {
  let v = asTensor(x);
  const params = reduceParams(name, v, axis, options.keepdims);
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
 * import { std } from "./reduce_stats.ts";
 * import { dtensor3 } from "./constructors.ts";
 * assert(std(dtensor3("t"), [0, 2]).ndim === 1);
 * ```
 */
export function std(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return sqrt(varianceAs("std", x, axis, options));
}
