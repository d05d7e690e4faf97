/**
 * Matrix products: dot for every vector/matrix combination, batchedDot, outer, tensordot.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): dot. */
export function dot(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): dot is not written yet");
}

/** TODO(scaffold): batchedDot. */
export function batchedDot(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): batchedDot is not written yet");
}

/** TODO(scaffold): outer. */
export function outer(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): outer is not written yet");
}

/** TODO(scaffold): tensordot. */
export function tensordot(a: TensorLike, b: TensorLike, axes?: number | [number[], number[]]): Variable {
  throw new Error("TODO(scaffold): tensordot is not written yet");
}
