/**
 * Every op's user-facing function, and the tensor methods (installed on import).
 * @module
 */
import "./methods.ts";
export * from "./constructors.ts";
export { add, intDiv, mod, mul, neg, sqr, sub } from "./arith.ts";
export { div } from "./div.ts";
export { pow } from "./pow.ts";
export { exp, expm1, log, log1p, log2, sqrt } from "./exp_log.ts";
export { cos, sin, tan, tanh } from "./trig.ts";
export { erf, sigmoid, softplus } from "./special.ts";
export { abs, ceil, floor, round, sign } from "./rounding.ts";
export { clip, maximum, minimum } from "./minmax.ts";
export { and, eq, ge, gt, le, lt, neq, not, or, xor } from "./compare.ts";
export { switch_ as switch, switch_ as where } from "./switch.ts";
export { cast } from "./cast.ts";
export { fill } from "./fill.ts";
export type { ReduceOptions } from "./reduce.ts";
export { all, any, argmax, argmin, max, mean, min, prod, sum } from "./reduce.ts";
export { std, variance as var } from "./statistics.ts";
export { logSoftmax, logsumexp, softmax } from "./softmax.ts";
export { dimshuffle, transpose } from "./dimshuffle.ts";
export { flatten, reshape, shapeOf } from "./shape.ts";
export { concatenate, stack } from "./join.ts";
export { alloc, arange, eye, ones, onesLike, zeros, zerosLike } from "./alloc.ts";
export type { ArangeBound } from "./alloc.ts";
export { get, incSubtensor, setSubtensor, slice } from "./subtensor.ts";
export { batchedDot, dot, outer, tensordot } from "./dot.ts";
export type { TensordotAxes } from "./tensordot.ts";
// Issue 16, elementwise group.
export { arccos, arcsin, arctan, arctan2 } from "./inverse_trig.ts";
export { arccosh, arcsinh, arctanh, cosh, sinh } from "./hyperbolic.ts";
export { cbrt, exp2, hypot, log10, reciprocal, reciprocal as inv } from "./elementary.ts";
export type { IsCloseOptions } from "./predicates.ts";
export { allclose, isclose, isinf, isnan } from "./predicates.ts";
export type { IroundOptions } from "./rounding.ts";
export { iround } from "./rounding.ts";
export { angle, imag, real } from "./real_parts.ts";
export { log1mexp, logaddexp } from "./exp_log.ts";
export { erfc, erfcinv, erfcx, erfinv } from "./erf_family.ts";
export { gamma, gammaln, psi } from "./gamma.ts";
export { chi2sf } from "./chi2sf.ts";
// Issue 16, nnet group (also as the T.nnet namespace, as Theano users write it).
export type { BatchNormOptions, BatchNormTrainOptions, HSoftmaxSizes } from "./nnet.ts";
export {
  batchNormalization,
  batchNormalizationTest,
  batchNormalizationTrain,
  binaryCrossentropy,
  categoricalCrossentropy,
  elu,
  hardSigmoid,
  hSoftmax,
  relu,
  selu,
  sigmoidBinaryCrossentropy,
  softsign,
  ultraFastSigmoid,
} from "./nnet.ts";
export * as nnet from "./nnet.ts";
