/**
 * softmax, logSoftmax and logsumexp: numerically stable ops (the maximum of each group
 * is subtracted before exponentiating), with gradients built from graph ops. This file
 * imports neither exp nor log (exp_log.ts imports it for the `log(softmax(x))`
 * rewrite), so the gradients use the softmax op itself where `exp` would appear.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isFloat } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import {
  type Apply,
  type Axis,
  type AxisOptions,
  defineOp,
  type Op,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { mul, sub } from "./arith.ts";
import {
  defineReduction,
  type GroupKernel,
  groupsOf,
  type ReduceParams,
  reduceParams,
  restoreAxes,
  scatterGroups,
  sum,
} from "./reduce.ts";

/** Params of softmax and logSoftmax: the sorted axes normalised over (usually one). */
export interface SoftmaxParams {
  axes: number[];
}

const outDtype = (x: DType): DType => (isFloat(x) ? x : floatX());

/** The maximum of `src[b .. b + m)`, NaN if any element is NaN; -Infinity when m is 0. */
function groupMax(src: ArrayLike<number>, b: number, m: number): number {
  let a = -Infinity;
  for (let j = b, e = b + m; j < e; j++) {
    const v = src[j];
    if (v > a || v !== v) {
      a = v;
      if (v !== v) break;
    }
  }
  return a;
}

/** The shift that keeps exp from overflowing: the max, or 0 when every element is -inf. */
const shiftOf = (max: number) => (max === -Infinity ? 0 : max);

/** Shape-preserving op over groups: `rule(src, b, m, res)` fills one group of res. */
function defineGroupMap(
  name: string,
  rule: (src: ArrayLike<number>, b: number, m: number, res: Float64Array) => void,
  vjp: NonNullable<Op["vjp"]>,
): Op<SoftmaxParams> {
  return defineOp<SoftmaxParams>({
    name,
    inferType([x]) {
      if (x.dtype === "bool") {
        throw new HypatiaTypeError(`${name}: does not take bool input ${x.describe()}`);
      }
      return [new TensorType(outDtype(x.dtype), x.type.shape)];
    },
    perform([x], { axes }, node: Apply) {
      const g = groupsOf(x, axes), m = g.m;
      const res = new Float64Array(x.size);
      if (m > 0) { for (let b = 0; b < res.length; b += m) rule(g.data, b, m, res); }
      const out = new NDArray(node.outputs[0].dtype, x.shape);
      scatterGroups(res, g, out.data);
      return [out];
    },
    vjp,
    format: ([x], { axes }) => `${name}(${x}, axis=${axes.length === 1 ? axes[0] : `[${axes.join(", ")}]`})`,
  });
}

/** The softmax op: exp(x - max) / sum(exp(x - max)) over the axes. */
export const softmaxOp: Op<SoftmaxParams> = defineGroupMap(
  "softmax",
  (src, b, m, res) => {
    const shift = shiftOf(groupMax(src, b, m));
    let s = 0;
    for (let j = b, e = b + m; j < e; j++) s += res[j] = Math.exp(src[j] - shift);
    for (let j = b, e = b + m; j < e; j++) res[j] /= s;
  },
  // d softmax: s * (gz - sum(gz * s)) over the axes, as one softmax_grad node when the
  // types allow, so that the gradient of log(softmax(x)) can be stabilised.
  (node, [gz]) => {
    const s = node.outputs[0], params = node.params as SoftmaxParams;
    return [gz.type.equals(s.type) ? softmaxGradOp.apply1([gz, s], params) : softmaxGradExpr(gz, s, params)];
  },
);

/** s * (g - sum(g * s)) over the axes, built from graph ops. */
function softmaxGradExpr(g: Variable, s: Variable, { axes }: SoftmaxParams): Variable {
  return mul(s, sub(g, sum(mul(g, s), axes, { keepdims: true })));
}

/**
 * Theano's SoftmaxGrad: `softmax_grad(g, s) = s * (g - sum(g * s))` over the axes, the
 * vector-Jacobian product of softmax at output s. Its rewrite turns the gradient of
 * log(softmax(x)), `softmax_grad(g / s, s)`, into `g - s * sum(g)`, which stays finite
 * where s underflows to 0.
 */
export const softmaxGradOp: Op<SoftmaxParams> = defineOp<SoftmaxParams>({
  name: "softmax_grad",
  inferType([g, s]) {
    if (!g.type.equals(s.type)) {
      throw new HypatiaTypeError(
        `softmax_grad: gradient ${g.describe()} and output ${s.describe()} differ in type`,
      );
    }
    return [s.type];
  },
  perform([g, s], { axes }, node: Apply) {
    if (g.shape.some((d, i) => d !== s.shape[i])) {
      throw new ShapeError(
        `${node.where()}: gradient shape (${g.shape.join(", ")}) differs from output shape (${
          s.shape.join(", ")
        })`,
      );
    }
    const gg = groupsOf(g, axes), sg = groupsOf(s, axes), m = gg.m, gd = gg.data, sd = sg.data;
    const res = new Float64Array(s.size);
    for (let b = 0; b < res.length; b += m) {
      let dot = 0;
      for (let j = b, e = b + m; j < e; j++) dot += gd[j] * sd[j];
      for (let j = b, e = b + m; j < e; j++) res[j] = sd[j] * (gd[j] - dot);
    }
    const out = new NDArray(node.outputs[0].dtype, s.shape);
    scatterGroups(res, sg, out.data);
    return [out];
  },
  // y = s * (g - sum(g s)); for an upstream u: dg = softmax_grad(u, s) and
  // ds = u * (g - sum(g s)) - g * sum(u s).
  vjp: (node, [u]) => {
    const [g, s] = node.inputs, params = node.params as SoftmaxParams, { axes } = params;
    const gs = sum(mul(g, s), axes, { keepdims: true }), us = sum(mul(u, s), axes, { keepdims: true });
    return [softmaxGradExpr(u, s, params), sub(mul(u, sub(g, gs)), mul(g, us))];
  },
  rewrites: [{
    name: "softmax_grad_of_log",
    stage: "stabilize",
    apply: (node) => {
      const [g, s] = node.inputs;
      if (g.owner?.op.name !== "true_div" || g.owner.inputs[1] !== s) return null;
      const num = g.owner.inputs[0], { axes } = node.params as SoftmaxParams;
      const r = sub(num, mul(s, sum(num, axes, { keepdims: true })));
      return r.type.equals(node.outputs[0].type) ? [r] : null;
    },
  }],
  format: ([g, s], { axes }) =>
    `softmax_grad(${g}, ${s}, axis=${axes.length === 1 ? axes[0] : `[${axes.join(", ")}]`})`,
});

/** The logSoftmax op: x - max - log(sum(exp(x - max))) over the axes. */
export const logSoftmaxOp: Op<SoftmaxParams> = defineGroupMap(
  "log_softmax",
  (src, b, m, res) => {
    const shift = shiftOf(groupMax(src, b, m));
    let s = 0;
    for (let j = b, e = b + m; j < e; j++) s += Math.exp(src[j] - shift);
    const c = shift + Math.log(s);
    for (let j = b, e = b + m; j < e; j++) res[j] = src[j] - c;
  },
  // d logSoftmax: gz - softmax(x) * sum(gz) over the axes.
  (node, [gz]) => {
    const x = node.inputs[0], params = node.params as SoftmaxParams;
    return [sub(gz, mul(softmaxOp.apply1([x], params), sum(gz, params.axes, { keepdims: true })))];
  },
);

const logsumexpKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    const max = groupMax(src, b, m);
    if (max !== max || max === Infinity || max === -Infinity) {
      out[o] = max; // NaN, +inf, or -inf (every element -inf, or no element)
      continue;
    }
    let s = 0;
    for (let j = b, e = b + m; j < e; j++) s += Math.exp(src[j] - max);
    out[o] = max + Math.log(s);
  }
};

/** The logsumexp op, a reduction: max + log(sum(exp(x - max))). */
export const logsumexpOp = defineReduction({
  name: "logsumexp",
  dtype: outDtype,
  kernel: logsumexpKernel,
  accepts: (x) => x !== "bool",
  // d logsumexp / dx = softmax(x) over the reduced axes.
  vjp: (node, [gz]) => {
    const x = node.inputs[0], p = node.params as ReduceParams;
    return [mul(restoreAxes(gz, p, x.ndim), softmaxOp.apply1([x], { axes: p.axes }))];
  },
});

function softmaxParams(name: string, x: Variable, axis: Axis): SoftmaxParams {
  return { axes: reduceParams(name, x, axis === undefined ? -1 : axis).axes };
}

/**
 * Softmax over `axis` (default the last; a list or null normalises over several or all
 * axes): `exp(x - max) / sum(exp(x - max))`, stable for large inputs. Ints give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, softmax } from "../mod.ts";
 * const p = softmax(dmatrix("logits"));
 * assert(p.ndim === 2 && p.dtype === "float64");
 * ```
 */
export function softmax(x: TensorLike, axis?: Axis): Variable {
  const v = asTensor(x);
  return softmaxOp.apply1([v], softmaxParams("softmax", v, axis));
}

/**
 * log(softmax(x)) over `axis` (default the last), computed stably as
 * `x - max - log(sum(exp(x - max)))`. The compiler also rewrites `log(softmax(x))`
 * into this op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmatrix, logSoftmax } from "../mod.ts";
 * assert(logSoftmax(fmatrix("logits"), 0).dtype === "float32");
 * ```
 */
export function logSoftmax(x: TensorLike, axis?: Axis): Variable {
  const v = asTensor(x);
  return logSoftmaxOp.apply1([v], softmaxParams("logSoftmax", v, axis));
}

/**
 * log(sum(exp(x))) over `axis` (all axes when omitted or null), stable for large
 * inputs; `keepdims` keeps the reduced axes as length 1. -inf over zero elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, logsumexp } from "../mod.ts";
 * const m = dmatrix("m");
 * assert(logsumexp(m).ndim === 0 && logsumexp(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function logsumexp(
  x: TensorLike,
  axis?: Axis | AxisOptions,
  options: { keepdims?: boolean } = {},
): Variable {
  const v = asTensor(x);
  return logsumexpOp.apply1([v], reduceParams("logsumexp", v, axis, options));
}
