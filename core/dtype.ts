/**
 * Dtypes, their typed-array storage and NumPy's promotion rules.
 *
 * int64 has no fast typed array in JS (BigInt64Array is boxed and slow), so int64
 * values are stored in a Float64Array: exact for every integer below 2^53, which is
 * all an index or a shape needs. This is recorded in docs/ARCHITECTURE.md.
 * @module
 */

/** The element types Hypatia supports. */
export type DType =
  | "float64"
  | "float32"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint8"
  | "bool";

/** Every dtype, widest float first. */
export const DTYPES: readonly DType[] = [
  "float64",
  "float32",
  "int64",
  "int32",
  "int16",
  "int8",
  "uint8",
  "bool",
];

/** A typed array of any supported dtype. */
export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** Constructor of the typed array that stores each dtype. */
export const STORAGE: Record<
  DType,
  { new (n: number): TypedArray; readonly BYTES_PER_ELEMENT: number }
> = {
  float64: Float64Array,
  float32: Float32Array,
  int64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** Name of the storage constructor, for generated code. */
export const STORAGE_NAME: Record<DType, string> = {
  float64: "Float64Array",
  float32: "Float32Array",
  int64: "Float64Array",
  int32: "Int32Array",
  int16: "Int16Array",
  int8: "Int8Array",
  uint8: "Uint8Array",
  bool: "Uint8Array",
};

/** A fresh zeroed typed array of `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): TypedArray {
  return new STORAGE[dtype](n);
}

/**
 * A number converted to int64 as stored (a whole float64): truncated toward zero, and
 * NaN and ±inf give 0, as a typed array's store gives for the narrower integer dtypes.
 * (NumPy leaves these casts undefined and warns; Hypatia stores a defined integer.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toInt64 } from "./dtype.ts";
 * assert(toInt64(-2.7) === -2 && toInt64(NaN) === 0 && toInt64(-Infinity) === 0);
 * ```
 */
export function toInt64(v: number): number {
  return v - v === 0 ? Math.trunc(v) + 0 : 0; // v - v is NaN for NaN and ±inf; + 0 drops -0
}

/** True for float32 and float64. */
export function isFloat(d: DType): boolean {
  return d === "float64" || d === "float32";
}

/** True for the signed and unsigned integer dtypes (not bool). */
export function isInt(d: DType): boolean {
  return d === "int64" || d === "int32" || d === "int16" || d === "int8" ||
    d === "uint8";
}

/** True for a supported dtype name. */
export function isDType(d: unknown): d is DType {
  return typeof d === "string" && (DTYPES as readonly string[]).includes(d);
}

/** Kind order used by promotion: bool < int < float. */
export function kind(d: DType): 0 | 1 | 2 {
  return d === "bool" ? 0 : isFloat(d) ? 2 : 1;
}

const BITS: Record<DType, number> = {
  bool: 1,
  uint8: 8,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  float32: 32,
  float64: 64,
};

/** Size in bytes of one element as stored (int64 is stored as float64). */
export function itemsize(d: DType): number {
  return STORAGE[d].BYTES_PER_ELEMENT;
}

/**
 * NumPy's promotion of two dtypes: `upcast("int32", "float32")` is "float64", as
 * NumPy says, because float32 cannot hold every int32.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upcast } from "./dtype.ts";
 * assert(upcast("int8", "uint8") === "int16");
 * ```
 */
export function upcast(a: DType, b: DType): DType {
  if (a === b) return a;
  const ka = kind(a), kb = kind(b);
  if (ka !== kb) {
    const [lo, hi] = ka < kb ? [a, b] : [b, a];
    if (hi === "float32" && (BITS[lo] >= 32)) return "float64";
    if (hi === "float32" && lo === "int16") return "float32";
    return hi;
  }
  if (ka === 2) return BITS[a] >= BITS[b] ? a : b;
  // two integer types
  if (a === "uint8" || b === "uint8") {
    const other = a === "uint8" ? b : a;
    return other === "int8" ? "int16" : other;
  }
  return BITS[a] >= BITS[b] ? a : b;
}

/** Promotion over a list of dtypes. */
export function upcastAll(ds: DType[]): DType {
  return ds.reduce(upcast);
}

/** Smallest signed int dtype (int8..int64) that holds integer `v`. */
export function smallestIntFor(v: number): DType {
  if (v >= -128 && v <= 127) return "int8";
  if (v >= -32768 && v <= 32767) return "int16";
  if (v >= -2147483648 && v <= 2147483647) return "int32";
  return "int64";
}

/** Whether every value of dtype `from` is exactly representable in `to`. */
export function canCastSafely(from: DType, to: DType): boolean {
  return upcast(from, to) === to;
}
