/**
 * Theano's `theano.tensor.extra_ops`, as one namespace (`T.extra_ops.cumsum(...)`), so
 * ported code keeps its spelling; every function is also a top-level `T.*` export, as
 * Theano's `theano.tensor` re-exported most of them.
 * @module
 */
export { bartlett } from "./bartlett.ts";
export { bincount } from "./bincount.ts";
export { compress } from "./compress.ts";
export { cumprod, cumsum, diff } from "./cumulative.ts";
export { fillDiagonal, fillDiagonalOffset } from "./fill_diagonal.ts";
export { toOneHot } from "./one_hot.ts";
export { ravelMultiIndex, unravelIndex } from "./ravel_index.ts";
export { searchsorted, unique } from "./sorted.ts";
export { squeeze } from "./squeeze.ts";
