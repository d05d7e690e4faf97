/**
 * `toOneHot` (Theano's `to_one_hot`): a matrix with a 1 in each row at the column its
 * label gives, made as Theano makes it, by setting `zeros[arange(n), y]` to 1 through
 * advanced indexing (so a label outside `[-nbClass, nbClass)` is an out-of-bounds
 * error naming it, and a negative label counts from the end).
 * @module
 */
import { floatX } from "../core/config.ts";
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import type { TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { type DtypeArg, dtypeArgument } from "../core/options.ts";
import { arange, zeros } from "./alloc.ts";
import { get, setSubtensor } from "./indexing.ts";
import { shapeI } from "./shape.ts";

/**
 * The one-hot matrix of the integer vector `y` with `nbClass` columns, of `dtype`
 * (default floatX), as Theano's `to_one_hot`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const y = T.lvector("y");
 * const f = T.function([y], T.toOneHot(y, 3, "int8"));
 * assert.deepEqual([...f([2, 0]).data], [0, 0, 1, 1, 0, 0]);
 * ```
 */
export function toOneHot(y: TensorLike, nbClass: number | Variable, dtype?: DtypeArg): Variable {
  const labels = asTensor(y);
  if (labels.ndim !== 1 || !isInt(labels.dtype)) {
    throw new HypatiaTypeError(`toOneHot: the labels ${labels.describe()} must be an integer vector`);
  }
  const n = shapeI(labels, 0);
  const ret = zeros([n, nbClass], dtypeArgument("toOneHot", dtype) ?? floatX());
  return setSubtensor(get(ret, arange(n), labels), 1);
}
