/**
 * `compress` (NumPy's and Theano's): the slices of an array along an axis where a
 * condition vector is true, built on advanced indexing by a mask (so its gradient is
 * that of the indexing). A condition shorter than the axis counts as false beyond
 * its end, as in NumPy; a longer one is an error.
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import type { SliceArg, TensorLike, Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { sub } from "./arith.ts";
import { neq } from "./compare.ts";
import { alloc } from "./alloc.ts";
import { concatenate } from "./join.ts";
import { maximum } from "./minmax.ts";
import { flatten } from "./reshape.ts";
import { shapeI } from "./shape.ts";
import { slice } from "./indexing.ts";

/**
 * The slices of `x` along `axis` (default: `x` flattened) where `condition` (a vector,
 * bool or numbers read as `!= 0`) is true.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const f = T.function([x], [T.compress([true, false, true], x, 1), T.compress([0, 1], x)]);
 * const [cols, flat] = f([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual([...cols.data], [1, 3, 4, 6]);
 * assert.deepEqual([...flat.data], [2]);
 * ```
 */
export function compress(condition: TensorLike, x: TensorLike, axis: number | null = null): Variable {
  let c = asTensor(condition), v = asTensor(x);
  if (c.ndim !== 1) throw new HypatiaTypeError(`compress: the condition ${c.describe()} must be a vector`);
  if (c.dtype !== "bool") c = neq(c, 0);
  if (axis === null) v = flatten(v);
  const a = axis === null ? 0 : axis < 0 ? axis + v.ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= v.ndim) {
    throw new HypatiaTypeError(
      `compress: axis ${axis} is out of range for ${v.describe()} (${v.ndim} dimensions)`,
    );
  }
  const n = v.type.shape[a], len = c.type.shape[0];
  if (n !== null && len !== null && len > n) {
    throw new HypatiaTypeError(
      `compress: the condition ${c.describe()} is longer (${len}) than axis ${a} of ${v.describe()} (${n})`,
    );
  }
  if (n === null || len === null || len < n) {
    // Padded with false to the axis's length; when longer, the mask's length check reports it.
    const missing = maximum(0, sub(shapeI(v, a), shapeI(c, 0)));
    c = concatenate([c, alloc(constant(false), missing)]);
  }
  const args: SliceArg[] = Array.from({ length: a }, () => null);
  return slice(v, ...args, c);
}
