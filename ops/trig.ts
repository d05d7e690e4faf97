/**
 * Trigonometric and hyperbolic functions: sin, cos, tan, tanh.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): sin. */
export function sin(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): sin is not written yet");
}

/** TODO(scaffold): cos. */
export function cos(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): cos is not written yet");
}

/** TODO(scaffold): tan. */
export function tan(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): tan is not written yet");
}

/** TODO(scaffold): tanh. */
export function tanh(x: TensorLike): Variable {
  throw new Error("TODO(scaffold): tanh is not written yet");
}
