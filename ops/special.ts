/**
 * Special functions: sigmoid, softplus, erf.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): sigmoid. */
export function sigmoid(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): sigmoid is not written yet");
}

/** TODO(scaffold): softplus. */
export function softplus(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): softplus is not written yet");
}

/** TODO(scaffold): erf. */
export function erf(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): erf is not written yet");
}
