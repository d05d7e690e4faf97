/**
 * Comparisons and logic: eq neq lt le gt ge, and or not (xor).
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): eq. */
export function eq(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): eq is not written yet");
}

/** TODO(scaffold): neq. */
export function neq(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): neq is not written yet");
}

/** TODO(scaffold): lt. */
export function lt(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): lt is not written yet");
}

/** TODO(scaffold): le. */
export function le(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): le is not written yet");
}

/** TODO(scaffold): gt. */
export function gt(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): gt is not written yet");
}

/** TODO(scaffold): ge. */
export function ge(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): ge is not written yet");
}

/** TODO(scaffold): and. */
export function and(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): and is not written yet");
}

/** TODO(scaffold): or. */
export function or(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): or is not written yet");
}

/** TODO(scaffold): xor. */
export function xor(a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): xor is not written yet");
}

/** TODO(scaffold): not. */
export function not(a: TensorLike): Variable {
  throw new Error("TODO(scaffold): not is not written yet");
}
