/**
 * Theano's `T.nnet` functions: activations (relu, elu, selu, softsign, hardSigmoid,
 * ultraFastSigmoid), losses (binaryCrossentropy, sigmoidBinaryCrossentropy,
 * categoricalCrossentropy in its one-hot-matrix and integer-label forms), batch normalisation
 * (the train and test forms of `T.nnet.bn`, and the older `batch_normalization`) and the
 * two-level hierarchical softmax `hSoftmax`. Each is a graph of existing ops, so it fuses,
 * differentiates and runs on every engine with no rule of its own; the stabilising rewrites
 * apply to it (`binaryCrossentropy(sigmoid(x), t)` becomes softplus terms, the integer-label
 * cross-entropy of a softmax takes logSoftmax). The module is also the `T.nnet` namespace,
 * with sigmoid, softplus, softmax and logSoftmax re-exported as Theano users find them there.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { checkOptions, either, list, num, oneOf } from "../core/options.ts";
import { add, intDiv, mod, mul, neg, sub } from "./arith.ts";
import { div } from "./div.ts";
import { expm1, log, sqrt } from "./exp_log.ts";
import { abs, sign } from "./rounding.ts";
import { clip, maximum } from "./minmax.ts";
import { eq, gt, lt } from "./compare.ts";
import { switch_ } from "./switch.ts";
import { mean, sum } from "./reduce.ts";
import { variance } from "./statistics.ts";
import { softmax } from "./softmax.ts";
import { softplus } from "./sigmoid.ts";
import { isinf } from "./predicates.ts";
import { arange } from "./alloc.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { shapeOf } from "./shape.ts";
import { reshape } from "./reshape.ts";
import { get, slice } from "./subtensor.ts";
import { dot, tensordot } from "./dot.ts";
import { cast } from "./cast.ts";
import { isFloat } from "../core/dtype.ts";
import { floatX } from "../core/config.ts";
import { checkLabels } from "./check_labels.ts";

export { sigmoid, softplus } from "./sigmoid.ts";
export { logSoftmax, logSoftmax as logsoftmax, softmax } from "./softmax.ts";

/** Integers as floatX before |x| or 1 + |x|, which would wrap at the integer dtype's ends. */
const toFloat = (v: Variable) => (isFloat(v.dtype) ? v : cast(v, floatX()));

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * The rectifier max(x, 0), or with `alpha` (Theano's leaky form) x where x > 0 and alpha·x
 * elsewhere. relu(-inf) is 0 and NaN stays NaN (Theano's 0.5(x + |x|) gives NaN at -inf);
 * the gradient at 0 is that of the else branch (alpha, or 0), where Theano's is (1 + alpha)/2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], [T.nnet.relu(x), T.relu(x, 0.1)]);
 * const [a, b] = f([-2, 3, -Infinity]) as T.NDArray[];
 * assert.deepEqual([...a.data, ...b.data], [0, 3, 0, -0.2, 3, -Infinity]);
 * ```
 */
export function relu(x: TensorLike, alpha: TensorLike = 0): Variable {
  const v = asTensor(x);
  // max(0, x) keeps the -inf and NaN cases right with no switch (0 · -inf would be NaN);
  // maximum gives a tie's gradient to its first input, the 0 here: the gradient at 0 is 0.
  if (alpha === 0) return maximum(0, v);
  return switch_(gt(v, 0), v, mul(alpha, v));
}

/**
 * The exponential linear unit: x where x > 0, alpha·(e^x - 1) elsewhere (Theano's `elu`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.elu(x))([2, -Infinity]).data;
 * assert.deepEqual(Array.from(y), [2, -1]);
 * ```
 */
export function elu(x: TensorLike, alpha: TensorLike = 1): Variable {
  const v = asTensor(x);
  return switch_(gt(v, 0), v, mul(alpha, expm1(v)));
}

/**
 * The scaled exponential linear unit, scale·elu(x, alpha) with Klambauer et al.'s constants
 * (alpha ≈ 1.6733, scale ≈ 1.0507), as Theano's `selu`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.selu(x))([1]).data;
 * assert(Math.abs(y[0] - 1.0507009873554805) < 1e-15);
 * ```
 */
export function selu(x: TensorLike): Variable {
  return mul(SELU_SCALE, elu(x, SELU_ALPHA));
}

/**
 * x / (1 + |x|), ±1 at ±inf.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.softsign(x))([1, -3, Infinity]).data), [0.5, -0.75, 1]);
 * ```
 */
export function softsign(x: TensorLike): Variable {
  const v = toFloat(asTensor(x));
  return switch_(isinf(v), sign(v), div(v, add(1, abs(v))));
}

/**
 * Theano's piecewise-linear sigmoid: clip(0.2·x + 0.5, 0, 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.hardSigmoid(x))([0, 1, 10, -10]).data), [0.5, 0.7, 1, 0]);
 * ```
 */
export function hardSigmoid(x: TensorLike): Variable {
  return clip(add(mul(asTensor(x), 0.2), 0.5), 0, 1);
}

/**
 * Theano's `ultra_fast_sigmoid`: 0.5 + 0.5·sign(x)·h(|x|/2), where h, an approximation of
 * tanh, is 1.5u/(1 + u) below 1.7, linear to 3 and 0.99505475368673 beyond (error below
 * 0.03). Its gradient is the derivative of that approximation (Theano used the exact
 * sigmoid's, which verifyGrad would reject).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], [T.ultraFastSigmoid(x), T.sigmoid(x)])([-3, 0, 2]) as T.NDArray[];
 * y[0].data.forEach((v, i) => assert(Math.abs(v - y[1].data[i]) < 0.03));
 * ```
 */
export function ultraFastSigmoid(x: TensorLike): Variable {
  const v = toFloat(asTensor(x));
  const u = mul(abs(v), 0.5);
  const h = switch_(
    lt(u, 1.7),
    div(mul(1.5, u), add(1, u)),
    switch_(lt(u, 3), add(0.935409070603099, mul(0.0458812946797165, sub(u, 1.7))), 0.99505475368673),
  );
  return mul(0.5, add(mul(sign(v), h), 1));
}

/**
 * The binary cross-entropy -(t·log(p) + (1 - t)·log(1 - p)) elementwise (Theano's
 * `binary_crossentropy(output, target)`). When `output` is `sigmoid(z)` the compiler rewrites
 * it into t·softplus(-z) + (1 - t)·softplus(z), finite for any z.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [z, t] = [T.dvector("z"), T.dvector("t")];
 * const f = T.function([z, t], T.binaryCrossentropy(T.sigmoid(z), t));
 * assert.deepEqual(Array.from(f([1000, -1000], [0, 1]).data), [1000, 1000]); // no inf
 * ```
 */
export function binaryCrossentropy(output: TensorLike, target: TensorLike): Variable {
  const p = asTensor(output), t = asTensor(target);
  return neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p)))));
}

/**
 * The binary cross-entropy of `sigmoid(logits)` against `target`, computed from the logits
 * as t·softplus(-z) + (1 - t)·softplus(z) (Theano's `sigmoid_binary_crossentropy`): exact for
 * any z, with gradient sigmoid(z) - t.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [z, t] = [T.dvector("z"), T.dvector("t")];
 * const y = T.function([z, t], T.sigmoidBinaryCrossentropy(z, t))([0], [1]).data;
 * assert.equal(y[0], Math.LN2);
 * ```
 */
export function sigmoidBinaryCrossentropy(logits: TensorLike, target: TensorLike): Variable {
  const z = asTensor(logits), t = asTensor(target);
  return add(mul(t, softplus(neg(z))), mul(sub(1, t), softplus(z)));
}

/**
 * The categorical cross-entropy of each row of `codingDist` (probabilities over the last
 * axis) against `trueDist` (Theano's `categorical_crossentropy`): with a one-hot or soft
 * target matrix of the same rank, -sum(t·log(p), last axis); with a vector of integer class
 * labels (one rank less, matrices only), -log(p[i, label[i]]), where a label outside
 * [0, classes) is an InputError when the function runs. For `softmax(x)` inputs the label
 * form becomes -logSoftmax(x)[i, label] (finite for any x).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [x, y] = [T.dmatrix("x"), T.lvector("y")];
 * const f = T.function([x, y], T.categoricalCrossentropy(T.softmax(x), y));
 * const loss = f([[0, 0], [1000, 0]], [1, 1]).data;
 * assert(Math.abs(loss[0] - Math.LN2) < 1e-15 && loss[1] === 1000);
 * assert.throws(() => f([[0, 0]], [2]), /categoricalCrossentropy: class label 2 at position 0 is outside \[0, 2\)/);
 * ```
 */
export function categoricalCrossentropy(codingDist: TensorLike, trueDist: TensorLike): Variable {
  const p = asTensor(codingDist), t = asTensor(trueDist);
  const where = "categoricalCrossentropy";
  if (t.ndim === p.ndim) {
    if (p.ndim === 0) throw new HypatiaTypeError(`${where}: coding_dist ${p.describe()} has no class axis`);
    return neg(sum(mul(t, log(p)), p.ndim - 1));
  }
  if (t.ndim === p.ndim - 1 && p.ndim === 2) {
    const classes = get(shapeOf(p), 1);
    const labels = checkLabels(t, classes, where);
    const oneHot = eq(dimshuffle(labels, 0, "x"), arange(classes));
    return neg(sum(switch_(oneHot, log(p), 0), 1));
  }
  throw new HypatiaTypeError(
    `${where}: trueDist ${t.describe()} must have the rank of codingDist ${p.describe()} (a target ` +
      `distribution) or one less (integer labels, for a matrix codingDist)`,
  );
}

/** Options of `batchNormalizationTrain` and `batchNormalizationTest` (Theano's keywords). */
export interface BatchNormOptions {
  /** "per-activation" (axis 0, the default), "spatial" (0 and 2, 3, …) or a list of axes. */
  axes?: "per-activation" | "spatial" | number[];
  /** Added to the variance before the square root (default 1e-4, as Theano). */
  epsilon?: number;
}

/** Options of `batchNormalizationTrain`: running averages to update. */
export interface BatchNormTrainOptions extends BatchNormOptions {
  /** Weight of the new statistics in the running averages (default 0.1). */
  runningAverageFactor?: number;
  /** The running mean to update (then runningVar is needed too). */
  runningMean?: TensorLike;
  /** The running (unbiased) variance to update. */
  runningVar?: TensorLike;
}

const AXES_KIND = either(oneOf("per-activation", "spatial"), list);

function normAxes(where: string, x: Variable, axes: BatchNormOptions["axes"]): number[] {
  if (axes === undefined || axes === "per-activation") return [0];
  if (axes === "spatial") return [0, ...Array.from({ length: Math.max(0, x.ndim - 2) }, (_, i) => i + 2)];
  const out = axes.map((a) => {
    if (!Number.isInteger(a) || a < -x.ndim || a >= x.ndim) {
      throw new InputError(`${where}: axis ${a} is out of range for ${x.describe()}`);
    }
    return a < 0 ? a + x.ndim : a;
  });
  if (new Set(out).size !== out.length) throw new InputError(`${where}: axes ${axes} repeat an axis`);
  return out;
}

/**
 * Theano's short form of batch-norm parameters: a parameter with one axis per axis not
 * normalised (`gamma` of shape (C,) for "spatial" on (N, C, H, W)) is placed on those
 * axes; a full-rank or 0-d one broadcasts as given. `squeeze` takes a statistic back to
 * the short form when `gamma` was given so (Theano returns it that way).
 */
function bnParams(x: Variable, axes: number[], gamma: TensorLike) {
  const kept = [...Array(x.ndim).keys()].filter((a) => !axes.includes(a));
  const isShort = (v: Variable) => v.ndim > 0 && v.ndim < x.ndim && v.ndim === kept.length;
  const pattern = [...Array(x.ndim).keys()].map((a) => (kept.includes(a) ? kept.indexOf(a) : "x" as const));
  const short = isShort(asTensor(gamma));
  return {
    place: (p: TensorLike): Variable => {
      const v = asTensor(p);
      return isShort(v) ? dimshuffle(v, ...pattern) : v;
    },
    squeeze: (r: Variable): Variable => (short ? dimshuffle(r, ...kept) : r),
  };
}

/**
 * Batch normalisation in training mode (Theano's `bn.batch_normalization_train`): the batch's
 * mean and variance over `axes` (kept as length-1 dimensions), out = (x - mean)·gamma·invstd +
 * beta with invstd = 1/√(var + epsilon). Returns [out, mean, invstd], and with `runningMean`
 * and `runningVar` also their updates: running·(1 - f) + f·mean and running·(1 - f) +
 * f·var·m/(m - 1) (the unbiased variance; m is the number of values each statistic averages).
 * Parameters may have the input's rank or, as in Theano, one axis per axis not normalised
 * (`gamma` of shape (C,) with `axes: "spatial"` on (N, C, H, W)): those are placed on the
 * kept axes, and the statistics are then returned in that short form too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x"), g = T.drow("g"), b = T.drow("b");
 * const [out, mean] = T.batchNormalizationTrain(x, g, b, { epsilon: 0 });
 * const [o, m] = T.function([x, g, b], [out, mean])([[1, 10], [3, 30]], [[1, 2]], [[0, 0]]) as T.NDArray[];
 * assert.deepEqual(Array.from(o.data), [-1, -2, 1, 2]);
 * assert.deepEqual(Array.from(m.data), [2, 20]);
 * ```
 */
export function batchNormalizationTrain(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  options: BatchNormTrainOptions = {},
): Variable[] {
  const where = "batchNormalizationTrain";
  const o = checkOptions(where, options, {
    axes: AXES_KIND,
    epsilon: num,
    runningAverageFactor: num,
    runningMean: { test: () => true, expected: "a tensor" },
    runningVar: { test: () => true, expected: "a tensor" },
  });
  const x = asTensor(inputs);
  const axes = normAxes(where, x, o.axes);
  const eps = epsilonOf(where, o.epsilon);
  const { place, squeeze } = bnParams(x, axes, gamma);
  const mu = mean(x, { axis: axes, keepdims: true });
  const v = variance(x, { axis: axes, keepdims: true });
  const invstd = div(1, sqrt(add(v, eps)));
  const out = add(mul(mul(sub(x, mu), place(gamma)), invstd), place(beta));
  if ((o.runningMean === undefined) !== (o.runningVar === undefined)) {
    throw new InputError(`${where}: give runningMean and runningVar together (got only one)`);
  }
  if (o.runningMean === undefined) return [out, squeeze(mu), squeeze(invstd)];
  const f = o.runningAverageFactor ?? 0.1;
  if (!(f >= 0 && f <= 1)) throw new InputError(`${where}: runningAverageFactor must be in [0, 1], got ${f}`);
  const m = axes.reduce((n: Variable | number, a) => mul(n, get(shapeOf(x), a)), 1) as Variable;
  const mf = cast(m, x.dtype === "float32" ? "float32" : "float64");
  const unbiased = mul(v, div(mf, sub(mf, 1)));
  const runMean = add(mul(place(o.runningMean as TensorLike), 1 - f), mul(mu, f));
  const runVar = add(mul(place(o.runningVar as TensorLike), 1 - f), mul(unbiased, f));
  return [out, squeeze(mu), squeeze(invstd), squeeze(runMean), squeeze(runVar)];
}

/**
 * Batch normalisation in inference mode (Theano's `bn.batch_normalization_test`):
 * (x - mean)·gamma / √(var + epsilon) + beta with given statistics; parameters in Theano's
 * short form (one axis per axis not normalised) are placed on the kept axes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const y = T.batchNormalizationTest(x, 2, 1, 3, 4, { epsilon: 0 });
 * assert.deepEqual(Array.from(T.function([x], y)([[5, 1]]).data), [3, -1]);
 * ```
 */
export function batchNormalizationTest(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  options: BatchNormOptions = {},
): Variable {
  const where = "batchNormalizationTest";
  const o = checkOptions(where, options, { axes: AXES_KIND, epsilon: num });
  const x = asTensor(inputs);
  const { place } = bnParams(x, normAxes(where, x, o.axes), gamma);
  const eps = epsilonOf(where, o.epsilon);
  return add(div(mul(sub(x, place(mean)), place(gamma)), sqrt(add(place(variance), eps))), place(beta));
}

/**
 * Theano's older `bn.batch_normalization(inputs, gamma, beta, mean, std)`:
 * (x - mean)·(gamma / std) + beta.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.batchNormalization(x, 2, 1, 3, 4))([5]).data), [2]);
 * ```
 */
export function batchNormalization(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  mean: TensorLike,
  std: TensorLike,
): Variable {
  return add(mul(sub(inputs, mean), div(gamma, std)), beta);
}

function epsilonOf(where: string, epsilon: number | undefined): number {
  const eps = epsilon ?? 1e-4;
  if (!(eps >= 0)) throw new InputError(`${where}: epsilon must be >= 0, got ${eps}`);
  return eps;
}

/** Sizes of `hSoftmax` (Theano's positional arguments). */
export interface HSoftmaxSizes {
  /** Number of classes of the first level. */
  nClasses: number;
  /** Number of outputs in each class. */
  nOutputsPerClass: number;
  /** Number of outputs kept (at most nClasses·nOutputsPerClass; the rest are padding). */
  nOutputs: number;
}

/**
 * Two-level hierarchical softmax (Theano's `h_softmax`): class probabilities softmax(x·W1 +
 * b1) of shape (batch, nClasses) times, within each class c, softmax(x·W2[c] + b2[c]) over its
 * nOutputsPerClass outputs. W1 is (features, nClasses), b1 (nClasses), W2 (nClasses, features,
 * nOutputsPerClass), b2 (nClasses, nOutputsPerClass). Without `target`: every output's
 * probability, (batch, nOutputs). With integer `target` (batch): each row's probability of
 * its target. Every class block is computed (Theano's sparse block product is not), so the
 * target form costs as much as the full one; the values are the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const sizes = { nClasses: 2, nOutputsPerClass: 2, nOutputs: 3 };
 * const p = T.hSoftmax(x, sizes, T.zeros([4, 2]), T.zeros([2]), T.zeros([2, 4, 2]), T.zeros([2, 2]));
 * assert.deepEqual(Array.from(T.function([x], p)([[1, 2, 3, 4]]).data), [0.25, 0.25, 0.25]);
 * ```
 */
export function hSoftmax(
  x: TensorLike,
  sizes: HSoftmaxSizes,
  W1: TensorLike,
  b1: TensorLike,
  W2: TensorLike,
  b2: TensorLike,
  target?: TensorLike,
): Variable {
  const where = "hSoftmax";
  const { nClasses, nOutputsPerClass, nOutputs } = checkOptions(where, sizes, {
    nClasses: num,
    nOutputsPerClass: num,
    nOutputs: num,
  });
  for (const [k, v] of Object.entries({ nClasses, nOutputsPerClass, nOutputs })) {
    if (!Number.isInteger(v) || v < 1) {
      throw new InputError(`${where}: ${k} must be a positive integer, got ${v}`);
    }
  }
  if (nOutputs > nClasses * nOutputsPerClass) {
    throw new InputError(
      `${where}: nOutputs ${nOutputs} exceeds nClasses·nOutputsPerClass = ${nClasses * nOutputsPerClass}`,
    );
  }
  const xv = asTensor(x), w2 = asTensor(W2);
  if (xv.ndim !== 2) {
    throw new HypatiaTypeError(`${where}: x must be a matrix (batch, features), got ${xv.describe()}`);
  }
  if (w2.ndim !== 3) {
    throw new HypatiaTypeError(
      `${where}: W2 must be (nClasses, features, nOutputsPerClass), got ${w2.describe()}`,
    );
  }
  const classProbs = softmax(add(dot(xv, W1), b1)); // (batch, nClasses)
  // (batch, nClasses, nOutputsPerClass): every class block's activations.
  const act = add(tensordot(xv, w2, [[1], [1]]), b2);
  const within = softmax(act, -1);
  if (target === undefined) {
    const joint = mul(dimshuffle(classProbs, 0, 1, "x"), within);
    const flat = reshape(joint, [get(shapeOf(xv), 0), nClasses * nOutputsPerClass]);
    return slice(flat, null, [0, nOutputs]);
  }
  const t = checkLabels(asTensor(target), asTensor(nOutputs), where);
  const cls = eq(dimshuffle(arange(nClasses), "x", 0), dimshuffle(intDiv(t, nOutputsPerClass), 0, "x"));
  const out = eq(dimshuffle(arange(nOutputsPerClass), "x", 0), dimshuffle(mod(t, nOutputsPerClass), 0, "x"));
  const pClass = sum(switch_(cls, classProbs, 0), 1);
  const targetBlock = sum(switch_(dimshuffle(cls, 0, 1, "x"), within, 0), 1); // (batch, nOutputsPerClass)
  return mul(pClass, sum(switch_(out, targetBlock, 0), 1));
}
