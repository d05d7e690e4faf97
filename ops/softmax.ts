/**
 * softmax, logSoftmax, logsumexp.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";
import type { Axis } from "../core/variable.ts";
/** TODO(scaffold): softmax. */
export function softmax(x: TensorLike, axis?: number): Variable {
  throw new Error("TODO(scaffold): softmax is not written yet");
}

/** TODO(scaffold): logSoftmax. */
export function logSoftmax(x: TensorLike, axis?: number): Variable {
  throw new Error("TODO(scaffold): logSoftmax is not written yet");
}

/** TODO(scaffold): logsumexp. */
export function logsumexp(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): logsumexp is not written yet");
}
