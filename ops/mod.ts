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
