/**
 * Wrapping plain values as graph constants.
 * @module
 */
import { floatX } from "./config.ts";
import type { DType } from "./dtype.ts";
import { checkOptions, dtypeKind, str } from "./options.ts";
import { asarray, NDArray, type NestedArray } from "./ndarray.ts";
import { Constant, type TensorLike, TensorType, Variable } from "./graph.ts";

/**
 * A constant holding `value`. Bare JS numbers become weak scalars (int64 for integers,
 * floatX for others, as NumPy 2 treats Python scalars) that adopt the dtype of the
 * tensor they meet: `int8 + 1` is int8, `float32 * 2` float32.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant } from "../mod.ts";
 * const c = constant([[1, 2], [3, 4]], { dtype: "float32" });
 * assert(c.dtype === "float32" && c.ndim === 2);
 * ```
 */
export function constant(
  value: NDArray | NestedArray | ArrayBufferView,
  options: { dtype?: DType; name?: string } = {},
): Constant {
  checkOptions("constant", options, { dtype: dtypeKind, name: str });
  if (options.dtype === undefined && (typeof value === "number" || typeof value === "boolean")) {
    const dtype: DType = typeof value === "boolean" ? "bool" : Number.isInteger(value) ? "int64" : floatX();
    const arr = new NDArray(dtype, []);
    arr.data[0] = Number(value);
    return new Constant(new TensorType(dtype, []), arr, options.name, true);
  }
  const arr = asarray(value, { dtype: options.dtype });
  // A constant's static shape is fully known, so broadcasting is decided by its lengths.
  return new Constant(new TensorType(arr.dtype, arr.shape), arr, options.name);
}

/** A Variable as is; anything else as a constant. */
export function asTensor(value: TensorLike, dtype?: DType): Variable {
  if (value instanceof Variable) return value;
  return constant(value, { dtype });
}
