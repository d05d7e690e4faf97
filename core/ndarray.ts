/**
 * NDArray: the value type. Always C-contiguous, backed by one typed array.
 * @module
 */
import { allocate, type DType, isDType, STORAGE, toInt64, type TypedArray } from "./dtype.ts";
import { InputError } from "./errors.ts";
import { anyValue, checkOptions, list } from "./options.ts";
import { formatArray } from "./format.ts";
import { arrayMimeBundle, JUPYTER_DISPLAY, type MimeBundle } from "./display_array.ts";

/** Nested JS arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | NestedArray[];

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** C-order strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * A dense n-dimensional array, printed like NumPy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * const a = asarray([[1, 2], [3, 4]], { dtype: "float64" });
 * assert(a.toString() === "[[1. 2.]\n [3. 4.]]");
 * assert(a.item(1, 0) === 3);
 * ```
 */
export class NDArray {
  /** The element type. */
  readonly dtype: DType;
  /** Length of each dimension. */
  readonly shape: readonly number[];
  /** The elements in C order. int64 is stored as float64, bool as uint8. */
  readonly data: TypedArray;

  /** An array of `dtype` and `shape` over `data` (kept, not copied), or zeros when `data` is omitted. */
  constructor(dtype: DType, shape: readonly number[], data?: TypedArray) {
    this.dtype = dtype;
    // A frozen shape (another array's) cannot change under us: share it, no copy.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    const n = sizeOf(shape);
    if (data) {
      if (data.length !== n) {
        throw new InputError(
          `NDArray: data has ${data.length} elements but shape (${shape.join(", ")}) needs ${n}`,
        );
      }
      if (!(data instanceof STORAGE[dtype])) {
        throw new InputError(
          `NDArray: ${dtype} data must be a ${STORAGE[dtype].name}, got ${data.constructor.name}`,
        );
      }
      this.data = data;
    } else {
      this.data = allocate(dtype, n);
    }
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The value at an index (all indices given), as a number or boolean for bool. */
  item(...index: number[]): number {
    if (index.length === 0) {
      if (this.size !== 1) {
        throw new InputError(
          `item(): only an array of one element converts to a number; this one has shape (${
            this.shape.join(", ")
          })`,
        );
      }
      return this.data[0];
    }
    if (index.length !== this.ndim) {
      throw new InputError(`item(): expected ${this.ndim} indices, got ${index.length}`);
    }
    let off = 0;
    const strides = stridesOf(this.shape);
    for (let i = 0; i < index.length; i++) {
      let k = index[i];
      if (k < 0) k += this.shape[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new InputError(
          `item(): index ${index[i]} is out of bounds for axis ${i} of length ${this.shape[i]}`,
        );
      }
      off += k * strides[i];
    }
    return this.data[off];
  }

  /**
   * Nested JS arrays (a number for a 0-d array); bool becomes true/false. Typed `any`
   * because the nesting depends on the run-time rank: annotate at the call site
   * (`const rows: number[][] = a.toArray()`).
   */
  // deno-lint-ignore no-explicit-any
  toArray(): any {
    const asBool = this.dtype === "bool";
    const data = this.data;
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.ndim) return asBool ? data[off] !== 0 : data[off];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, off + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A deep copy. */
  copy(): NDArray {
    return new NDArray(this.dtype, this.shape, this.data.slice());
  }

  /** The same data seen with another shape of the same size (no copy). */
  reshape(shape: readonly number[]): NDArray {
    if (sizeOf(shape) !== this.size) {
      throw new InputError(
        `reshape: cannot view ${this.size} elements as shape (${shape.join(", ")})`,
      );
    }
    return new NDArray(this.dtype, shape, this.data);
  }

  /** A copy converted to another dtype. */
  astype(dtype: DType): NDArray {
    const out = new NDArray(dtype, this.shape);
    const src = this.data, dst = out.data;
    if (dtype === "bool") { for (let i = 0; i < src.length; i++) dst[i] = src[i] ? 1 : 0; }
    else if (dtype === "int64") { for (let i = 0; i < src.length; i++) dst[i] = toInt64(src[i]); }
    else dst.set(src);
    return out;
  }

  /** NumPy's `str()` of the array. */
  toString(): string {
    return formatArray(this);
  }

  /** Deno's `console.log` prints the array as NumPy does. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Node's and Bun's `console.log` print the array as NumPy does. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** A Jupyter notebook (Deno's kernel) shows the array as an HTML table truncated like NumPy's text. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return arrayMimeBundle(this);
  }
}

function dtypeOfTyped(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof BigInt64Array) return "int64";
  return undefined;
}

const ASARRAY_OPTIONS = { dtype: anyValue, shape: list }; // an unknown dtype gets the message below

/** Anything `asarray` accepts. */
export type ArrayLike = NestedArray | NDArray | ArrayBufferView;

/**
 * Convert numbers, booleans, nested arrays, typed arrays or NDArrays into an NDArray.
 * Without `dtype`, follows NumPy: booleans give bool, integers int64, other numbers
 * float64, typed arrays their own dtype.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * const a = asarray([[1, 2]], { dtype: "float32" });
 * assert(a.dtype === "float32" && a.shape.join() === "1,2");
 * ```
 */
export function asarray(value: ArrayLike, options: { dtype?: DType; shape?: number[] } = {}): NDArray {
  checkOptions("asarray", options, ASARRAY_OPTIONS);
  const { dtype } = options;
  if (dtype !== undefined && !isDType(dtype)) {
    throw new InputError(`asarray: unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (value instanceof NDArray) {
    return dtype === undefined || dtype === value.dtype ? value : value.astype(dtype);
  }
  if (ArrayBuffer.isView(value)) {
    const own = dtypeOfTyped(value);
    if (!own) throw new InputError(`asarray: unsupported typed array ${value.constructor.name}`);
    const src = value instanceof BigInt64Array ? Float64Array.from(value, Number) : value as TypedArray;
    const shape = options.shape ?? [src.length];
    const arr = new NDArray(own, shape, own === "int64" ? src : (src as TypedArray).slice());
    return dtype === undefined || dtype === own ? arr : arr.astype(dtype);
  }
  // Nested JS arrays: find the shape from the first elements, then check raggedness.
  const shape: number[] = [];
  let probe: NestedArray = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const n = sizeOf(shape);
  const flat: (number | boolean)[] = new Array(n);
  let k = 0, sawFloat = false, sawBool = false, sawNumber = false;
  const walk = (v: NestedArray, dim: number, path: number[]) => {
    if (dim === shape.length) {
      if (Array.isArray(v)) {
        throw new InputError(
          `asarray: ragged nested array: element [${
            path.join("][")
          }] is a list where a number was expected (shape so far (${shape.join(", ")}))`,
        );
      }
      if (typeof v === "boolean") sawBool = true;
      else if (typeof v === "number") {
        sawNumber = true;
        if (!Number.isInteger(v)) sawFloat = true;
      } else {
        throw new InputError(
          `asarray: element [${path.join("][")}] is ${typeof v} ${String(v)}, not a number or boolean`,
        );
      }
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new InputError(
        `asarray: ragged nested array: ${path.length ? `[${path.join("][")}]` : "the top level"} has ${
          Array.isArray(v) ? `length ${v.length}` : "a number"
        } where length ${shape[dim]} was expected`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, [...path, i]);
  };
  walk(value, 0, []);
  const inferred: DType = sawFloat ? "float64" : sawNumber ? "int64" : sawBool ? "bool" : "float64";
  const out = new NDArray(dtype ?? inferred, options.shape ?? shape);
  const d = out.data;
  const target = dtype ?? inferred;
  for (let i = 0; i < n; i++) {
    const v = flat[i];
    d[i] = typeof v === "boolean"
      ? (v ? 1 : 0)
      : target === "bool"
      ? (v ? 1 : 0)
      : target === "int64"
      ? toInt64(v)
      : v;
  }
  return out;
}
