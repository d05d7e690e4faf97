/**
 * Elementwise maximum, minimum and clip.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): maximum. */
export function maximum(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): maximum is not written yet");
}

/** TODO(scaffold): minimum. */
export function minimum(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): minimum is not written yet");
}

/** TODO(scaffold): clip. */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Variable {
  throw new Error("TODO(scaffold): clip is not written yet");
}
