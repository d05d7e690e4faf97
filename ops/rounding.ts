/**
 * Rounding and sign: floor, ceil, round (half to even), sign, abs.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): floor. */
export function floor(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): floor is not written yet");
}

/** TODO(scaffold): ceil. */
export function ceil(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): ceil is not written yet");
}

/** TODO(scaffold): round. */
export function round(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): round is not written yet");
}

/** TODO(scaffold): sign. */
export function sign(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): sign is not written yet");
}

/** TODO(scaffold): abs. */
export function abs(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): abs is not written yet");
}
