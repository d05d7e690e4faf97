/**
 * Tensors made from shapes: alloc zeros ones zerosLike onesLike eye arange.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";
import type { DType } from "../core/dtype.ts";
/** TODO(scaffold): alloc. */
export function alloc(value: TensorLike, ...shape: (number | Variable)[]): Variable {
  throw new Error("TODO(scaffold): alloc is not written yet");
}

/** TODO(scaffold): zeros. */
export function zeros(shape: (number | Variable)[] | Variable, dtype?: DType): Variable {
  throw new Error("TODO(scaffold): zeros is not written yet");
}

/** TODO(scaffold): ones. */
export function ones(shape: (number | Variable)[] | Variable, dtype?: DType): Variable {
  throw new Error("TODO(scaffold): ones is not written yet");
}

/** TODO(scaffold): zerosLike. */
export function zerosLike(x: TensorLike, dtype?: DType): Variable {
  throw new Error("TODO(scaffold): zerosLike is not written yet");
}

/** TODO(scaffold): onesLike. */
export function onesLike(x: TensorLike, dtype?: DType): Variable {
  throw new Error("TODO(scaffold): onesLike is not written yet");
}

/** TODO(scaffold): eye. */
export function eye(n: number | Variable, m?: number | Variable, k?: number, dtype?: DType): Variable {
  throw new Error("TODO(scaffold): eye is not written yet");
}

/** TODO(scaffold): arange. */
export function arange(
  start: number | Variable,
  stop?: number | Variable,
  step?: number | Variable,
  dtype?: DType,
): Variable {
  throw new Error("TODO(scaffold): arange is not written yet");
}
