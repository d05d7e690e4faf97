/**
 * The symbolic shape of a tensor, reshape and flatten.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): shapeOf. */
export function shapeOf(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): shapeOf is not written yet");
}

/** TODO(scaffold): reshape. */
export function reshape(x: TensorLike, shape: TensorLike | (number | Variable)[]): Variable {
  throw new Error("TODO(scaffold): reshape is not written yet");
}

/** TODO(scaffold): flatten. */
export function flatten(x: TensorLike, ndim?: number): Variable {
  throw new Error("TODO(scaffold): flatten is not written yet");
}
