/**
 * concatenate and stack.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): concatenate. */
export function concatenate(xs: TensorLike[], axis?: number): Variable {
  throw new Error("TODO(scaffold): concatenate is not written yet");
}

/** TODO(scaffold): stack. */
export function stack(xs: TensorLike[], axis?: number): Variable {
  throw new Error("TODO(scaffold): stack is not written yet");
}
