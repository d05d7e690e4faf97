/**
 * Reductions beside sum: mean prod max min argmax argmin any all var std.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";
import type { Axis } from "../core/variable.ts";
/** TODO(scaffold): mean. */
export function mean(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): mean is not written yet");
}

/** TODO(scaffold): prod. */
export function prod(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): prod is not written yet");
}

/** TODO(scaffold): max. */
export function max(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): max is not written yet");
}

/** TODO(scaffold): min. */
export function min(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): min is not written yet");
}

/** TODO(scaffold): argmax. */
export function argmax(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): argmax is not written yet");
}

/** TODO(scaffold): argmin. */
export function argmin(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): argmin is not written yet");
}

/** TODO(scaffold): any. */
export function any(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): any is not written yet");
}

/** TODO(scaffold): all. */
export function all(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): all is not written yet");
}

/** TODO(scaffold): variance. */
export function variance(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): variance is not written yet");
}

/** TODO(scaffold): std. */
export function std(x: TensorLike, axis?: Axis, options?: { keepdims?: boolean }): Variable {
  throw new Error("TODO(scaffold): std is not written yet");
}
