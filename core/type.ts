/**
 * TensorType: a dtype and a static shape whose entries are known lengths or null.
 * @module
 */
import { type DType, isDType, isFloat, upcast } from "./dtype.ts";
import { HypatiaTypeError, InputError } from "./errors.ts";
import { type ArrayLike, asarray, NDArray } from "./ndarray.ts";
import { Variable } from "./variable.ts";

/** A static dimension: a known length, or null for any length. */
export type Dim = number | null;

/**
 * The type of a symbolic tensor. `broadcastable[i]` is `shape[i] === 1`, as in
 * PyTensor; the constructor also takes Theano's list of broadcastable flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TensorType } from "./type.ts";
 * const row = new TensorType("float64", [true, false]);
 * assert(row.shape[0] === 1 && row.shape[1] === null);
 * const z = new TensorType("float64", [false, false, false, false, false]).make("z");
 * assert(z.ndim === 5);
 * ```
 */
export class TensorType {
  /** The element type. */
  readonly dtype: DType;
  /** Static length of each dimension, or null where unknown (length 1 = broadcastable). */
  readonly shape: readonly Dim[];

  /** A type from a dtype and, per dimension, a static length, null, or Theano's broadcastable flag (true = length 1). */
  constructor(dtype: DType, shape: readonly (Dim | boolean)[]) {
    if (!isDType(dtype)) {
      throw new HypatiaTypeError(`TensorType: unknown dtype ${JSON.stringify(dtype)}`);
    }
    this.dtype = dtype;
    this.shape = Object.freeze(shape.map((d, i) => {
      if (typeof d === "boolean") return d ? 1 : null;
      if (d === null) return null;
      if (!Number.isInteger(d) || d < 0) {
        throw new HypatiaTypeError(`TensorType: dimension ${i} must be a length >= 0 or null, got ${d}`);
      }
      return d;
    }));
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Theano's flags: which dimensions are statically of length 1. */
  get broadcastable(): boolean[] {
    return this.shape.map((d) => d === 1);
  }

  /** A new symbolic variable of this type. */
  make(name?: string): Variable {
    return new Variable(this, null, 0, name);
  }

  /** Same dtype and same static shape. */
  equals(other: TensorType): boolean {
    return this.dtype === other.dtype && this.ndim === other.ndim &&
      this.shape.every((d, i) => d === other.shape[i]);
  }

  /** Another type with the same shape and a new dtype. */
  withDtype(dtype: DType): TensorType {
    return new TensorType(dtype, this.shape);
  }

  /** Whether a value of type `other` may be stored where this type is expected. */
  accepts(other: TensorType): boolean {
    return this.dtype === other.dtype && this.ndim === other.ndim &&
      this.shape.every((d, i) => d === null || d === other.shape[i]);
  }

  /** As Theano prints it: `TensorType(float64, (?, 1))`. */
  toString(): string {
    const dims = this.shape.map((d) => (d === null ? "?" : String(d)));
    return `TensorType(${this.dtype}, (${dims.join(", ")}${dims.length === 1 ? "," : ""}))`;
  }

  /**
   * Convert a user value into an NDArray of this type: the rank must match, static
   * lengths must match, and a dtype change must not lose information unless
   * `allowDowncast` is set. JS numbers are untyped, so plain numbers and nested arrays
   * take this type's dtype: floats are rounded to float32 for a float32 type (as Theano
   * does for Python floats), while an integer type refuses non-integers and values out
   * of its range. Typed arrays and NDArrays keep their dtype and must widen losslessly.
   * `whatFor` names the value in error messages (a function is called only when there is
   * an error: a hot caller builds no message per call).
   */
  filter(value: ArrayLike, whatFor: string | (() => string), allowDowncast = false): NDArray {
    const what = () => (typeof whatFor === "string" ? whatFor : whatFor());
    const fromJs = !(value instanceof NDArray) && !ArrayBuffer.isView(value);
    let arr: NDArray;
    try {
      arr = asarray(value, { dtype: fromJs && isFloat(this.dtype) ? this.dtype : undefined });
    } catch (e) {
      throw new InputError(`${what()}: ${(e as Error).message}`);
    }
    if (arr.ndim !== this.ndim) {
      throw new InputError(
        `${what()}: expected a ${this.ndim}-d value of ${this}, got a ${arr.ndim}-d value of shape (${
          arr.shape.join(", ")
        })`,
      );
    }
    this.shape.forEach((d, i) => {
      if (d !== null && arr.shape[i] !== d) {
        throw new InputError(
          `${what()}: dimension ${i} of ${this} must have length ${d}, got shape (${arr.shape.join(", ")})`,
        );
      }
    });
    if (arr.dtype === this.dtype) return arr;
    const lossless = upcast(arr.dtype, this.dtype) === this.dtype;
    if (lossless || allowDowncast) return arr.astype(this.dtype);
    // JS numbers are fine for an integer type when every one is a whole number in its range.
    const converted = arr.astype(this.dtype);
    const lost = arr.data.findIndex((v, i) => v !== converted.data[i]);
    if (fromJs && lost < 0) return converted;
    const example = arr.data[lost];
    if (fromJs) {
      throw new InputError(
        `${what()}: ${example} ${
          Number.isInteger(example) ? `is out of the range of ${this.dtype}` : "is not a whole number"
        }, so it cannot be stored in ${this} without losing information; pass allowInputDowncast: true to ${
          this.dtype === "bool" ? "keep its truth" : Number.isInteger(example) ? "wrap it" : "truncate it"
        }, or declare the variable with a wider dtype (e.g. { dtype: "float64" })`,
      );
    }
    throw new InputError(
      `${what()}: a ${arr.dtype} ${
        value instanceof NDArray ? "NDArray" : value.constructor.name
      } cannot be stored in ${this} without losing information; convert it first, pass allowInputDowncast: true, ` +
        `or declare the variable with dtype "${upcast(arr.dtype, this.dtype)}"`,
    );
  }
}
