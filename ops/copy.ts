/**
 * `copy` (Theano's `tensor_copy`, `x.copy()`): an elementwise identity that makes a new
 * node, so the result is a value of its own (outputs never alias inputs anyway); the
 * gradient passes through.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";

/** The copy op (an elementwise identity). */
export const copyOp = defineElemwise({
  name: "copy",
  arity: 1,
  accepts: "any",
  js: ([a]) => a,
  wgsl: ([a]) => a,
  grad: (_x, _z, gz) => [gz],
});

/**
 * A copy of `x`: the same values, in a node of its own (Theano's `tensor_copy`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const v = T.dvector("v");
 * assert.equal(v.copy().owner?.op.name, "copy");
 * assert.deepEqual(T.function([v], T.copy(v))([1, 2]).toArray(), [1, 2]);
 * ```
 */
export function copy(x: TensorLike): Variable {
  return applyElemwise(copyOp, [x]);
}

/**
 * Theano's name for `copy`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.equal(T.tensorCopy(T.dvector("v")).owner?.op.name, "copy");
 * ```
 */
export function tensorCopy(x: TensorLike): Variable {
  return copy(x);
}
