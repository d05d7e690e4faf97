/**
 * Indexing and slicing (basic NumPy indexing), setSubtensor and incSubtensor.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";
import type { SliceArg } from "../core/variable.ts";
/** TODO(scaffold): get. */
export function get(x: TensorLike, ...index: (number | Variable)[]): Variable {
  throw new Error("TODO(scaffold): get is not written yet");
}

/** TODO(scaffold): slice. */
export function slice(x: TensorLike, ...args: SliceArg[]): Variable {
  throw new Error("TODO(scaffold): slice is not written yet");
}

/** TODO(scaffold): setSubtensor. */
export function setSubtensor(view: Variable, value: TensorLike): Variable {
  throw new Error("TODO(scaffold): setSubtensor is not written yet");
}

/** TODO(scaffold): incSubtensor. */
export function incSubtensor(view: Variable, value: TensorLike): Variable {
  throw new Error("TODO(scaffold): incSubtensor is not written yet");
}
