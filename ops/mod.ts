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
export { shapeOf } from "./shape.ts";
export { flatten, reshape } from "./reshape.ts";
export { concatenate, stack } from "./join.ts";
export { alloc, arange, eye, ones, onesLike, zeros, zerosLike } from "./alloc.ts";
export type { ArangeBound } from "./alloc.ts";
export { get, incSubtensor, setSubtensor, slice } from "./indexing.ts";
export type { IndexArg, IndexArray } from "./indexing.ts";
export { batchedDot, dot, outer, tensordot } from "./dot.ts";
export type { TensordotAxes } from "./tensordot.ts";
// Issue 16, extra_ops (h-index).
export * from "./extra_ops.ts";
export * as extra_ops from "./extra_ops.ts";
export type { BincountOptions } from "./bincount.ts";
export type { RavelMode, RavelOptions } from "./ravel_index.ts";
export type { SearchsortedOptions, UniqueOptions } from "./sorted.ts";
// Gradient helpers (issue 16, group "helpers").
export {
  considerConstant,
  disconnectedGrad,
  gradClip,
  gradScale,
  undefinedGrad,
  zeroGrad,
} from "./grad_helpers.ts";
export { permuteRowElements } from "./permute_row_elements.ts";
export { Print } from "./print.ts";
export type { PrintAttr, PrintOptions } from "./print.ts";
// Issue 16, elementwise group.
export { arccos, arcsin, arctan, arctan2 } from "./inverse_trig.ts";
export { arccosh, arcsinh, arctanh, cosh, sinh } from "./hyperbolic.ts";
export { cbrt, exp2, hypot, log10, reciprocal, reciprocal as inv } from "./elementary.ts";
export type { IsCloseOptions } from "./predicates.ts";
export { allclose, isclose, isinf, isnan } from "./predicates.ts";
export type { IroundOptions, RoundMode } from "./rounding.ts";
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
// Issue 16, shape and array ops (h-array).
export * from "./constructors_wide.ts";
export {
  addbroadcast,
  patternbroadcast,
  shapePadaxis,
  shapePadleft,
  shapePadright,
  unbroadcast,
} from "./broadcast.ts";
export { take } from "./take.ts";
export { argsort, sort } from "./sort.ts";
export type { SortOptions } from "./sort.ts";
export type { SortKind } from "../core/graph.ts";
export { ravel, repeat, roll, tile } from "./tile_repeat.ts";
export { allocDiag, diag, diagonal, extractDiag, identityLike, trace } from "./diagonal.ts";
export { maxAndArgmax, ptp } from "./extremes.ts";
export { copy, tensorCopy } from "./copy.ts";
export { mgrid, ogrid, stacklists } from "./grids.ts";
export type { GridRange, NestedTensors } from "./grids.ts";
export { choose } from "./choose.ts";
export type { ChooseOptions } from "./choose.ts";
export { flatnonzero, nonzero, nonzeroValues } from "./nonzero.ts";
export type { NonzeroOptions } from "./nonzero.ts";
export { batchedTensordot } from "./batched_tensordot.ts";
export type { TakeMode, TakeOptions } from "./take.ts";
// Issue 16, linear algebra and fft (h-linalg).
export * from "./linalg/mod.ts";
export { irfft, rfft } from "./fft.ts";
export type { FftNorm, FftOptions, IrfftOptions } from "./fft.ts";
