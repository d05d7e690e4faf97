/**
 * softmax, logSoftmax and logsumexp: numerically stable ops (the maximum of each group
 * is subtracted before exponentiating), with gradients built from graph ops. This file
 * imports neither exp nor log (exp_log.ts imports it for the `log(softmax(x))`
 * rewrite), so the gradients use the softmax op itself where `exp` would appear.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isFloat } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op } from "../core/op.ts";
import { asTensor } from "../core/constant.ts";
import { TensorType } from "../core/type.ts";
import type { Apply, Axis, TensorLike, Variable } from "../core/variable.ts";
import { mul, sub } from "./arith.ts";
import { defineReduction, type ReduceParams, reduceParams, restoreAxes, sum } from "./reduce.ts";
import { type GroupKernel, groupsOf, scatterGroups } from "./reduce_layout.ts";

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
    noWgsl: "not lowered to WGSL yet: runs on the CPU",
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
  // d softmax: s * (gz - sum(gz * s)) over the axes.
  (node, [gz]) => {
    const s = node.outputs[0], { axes } = node.params as SoftmaxParams;
    return [mul(s, sub(gz, sum(mul(gz, s), axes, { keepdims: true })))];
  },
);

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
 * import { softmax } from "./softmax.ts";
 * import { dmatrix } from "./constructors.ts";
 * const p = softmax(dmatrix("logits"));
 * console.assert(p.ndim === 2 && p.dtype === "float64");
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
 * import { logSoftmax } from "./softmax.ts";
 * import { fmatrix } from "./constructors.ts";
 * console.assert(logSoftmax(fmatrix("logits"), 0).dtype === "float32");
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
 * import { logsumexp } from "./softmax.ts";
 * import { dmatrix } from "./constructors.ts";
 * const m = dmatrix("m");
 * console.assert(logsumexp(m).ndim === 0 && logsumexp(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function logsumexp(x: TensorLike, axis?: Axis, options: { keepdims?: boolean } = {}): Variable {
  const v = asTensor(x);
  return logsumexpOp.apply1([v], reduceParams("logsumexp", v, axis, options.keepdims));
}
