/**
 * Shared variables: values that outlive calls and are shared by every function that
 * uses them.
 * @module
 */
import { floatX } from "./config.ts";
import type { DType, TypedArray } from "./dtype.ts";
import { InputError } from "./errors.ts";
import { bool, checkOptions, dtypeKind, str } from "./options.ts";
import { type ArrayLike, asarray, NDArray } from "./ndarray.ts";
import { TensorType, Variable } from "./graph.ts";

/**
 * Where a shared variable's value lives. Backends that keep values elsewhere (a GPU
 * buffer) register a `resident` owner that can bring the value back.
 */
export interface SharedStorage {
  /** The host value. */
  value: NDArray;
  /** A backend holding a newer copy than `value`; `getValue()` asks it to sync. */
  resident?: {
    describe: string;
    /**
     * The host `value` is always current (the backend keeps a read-only copy, like the
     * WebAssembly engine's mirror of a shared data matrix): code running on the host may
     * read `value` without `getValue`, which would drop the copy.
     */
    hostCurrent?: boolean;
    /** The value if the backend has a current host copy (no waiting), else undefined. */
    readSync?(): NDArray | undefined;
    /** Fetch the value (waiting for the device); a fresh array the caller may keep. */
    read?(): Promise<NDArray>;
    /** The resident copy is no longer used (setValue replaced it): free it. */
    release?(): void;
  };
}

/**
 * Buffers of values set by a compiled function's update and held by nothing else (not
 * an output of the call, never borrowed): once a later update replaces such a value,
 * its buffer is free, and the function reuses it instead of allocating (a training
 * loop would otherwise make a fresh array for every parameter on every step).
 */
const updateOwned = new WeakSet<object>();

const BORROW = { borrow: bool };

/**
 * A symbolic variable with a value that persists between calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shared } from "../mod.ts";
 * const s = shared(0, { name: "state" });
 * s.setValue(5);
 * assert(s.getValue().item() === 5 && s.dtype === "float64");
 * ```
 */
export class SharedVariable extends Variable {
  /** The storage cell, shared by copies made with the same container. */
  readonly storage: SharedStorage;
  /** An update applied by every function using this variable (random states use it). */
  defaultUpdate: Variable | undefined;

  /** A shared variable of `type` holding `value` (kept as given); prefer `shared(value, options)`. */
  constructor(type: TensorType, value: NDArray, name?: string) {
    super(type, null, 0, name);
    this.storage = { value };
  }

  /**
   * The value; a copy unless `borrow` is true. A value kept on a device (a WebGPU
   * function's shared variable) is returned when the host copy is current; otherwise
   * this throws and `await v.read()` fetches it. With `borrow`, the host array becomes
   * the value again (the caller may change it) and the device copy is dropped.
   */
  getValue(options: { borrow?: boolean } = {}): NDArray {
    checkOptions("getValue", options, BORROW);
    const r = this.storage.resident;
    if (r) {
      const synced = r.readSync?.();
      if (!synced) {
        throw new InputError(
          `shared variable ${this.describe()} lives on ${r.describe}; read it with await ${
            this.name ?? "v"
          }.read()`,
        );
      }
      this.storage.value = synced;
      if (!options.borrow) return synced.copy();
      r.release?.();
      this.storage.resident = undefined;
    }
    if (!options.borrow) return this.storage.value.copy();
    // The caller may keep the array: a later update must not reuse it.
    updateOwned.delete(this.storage.value.data);
    return this.storage.value;
  }

  /**
   * The value as a Promise: fetched from the device where a backend keeps it (waiting for
   * it), else the host value. Always a fresh array.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const s = T.shared([1, 2], { name: "s" });
   * assert((await s.read()).data[1] === 2);
   * ```
   */
  async read(): Promise<NDArray> {
    const r = this.storage.resident;
    if (r?.read) return await r.read();
    return this.getValue();
  }

  /**
   * Set the value, checked against the type. Without `borrow`, the value is copied so
   * later changes to the caller's array do not leak in.
   */
  setValue(value: ArrayLike, options: { borrow?: boolean } = {}): void {
    checkOptions("setValue", options, BORROW);
    const arr = this.type.filter(value, () => `setValue of shared variable ${this.describe()}`);
    this.#store(options.borrow || arr !== value ? arr : arr.copy());
  }

  /** Make `value` (already of this type) the value, dropping any device copy. */
  #store(value: NDArray): void {
    this.storage.value = value;
    this.storage.resident?.release?.();
    this.storage.resident = undefined;
  }

  /**
   * Set the value to an update's result (compiled functions call this, after checking
   * every update's shape against its variable's type, so it is not checked again). `exclusive`
   * says nothing else holds the result's buffer. Returns the replaced value's buffer
   * when it was such an exclusive result that no caller borrowed since: it is free,
   * for the function to reuse.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const s = T.shared([1, 2], { name: "s", dtype: "float64" });
   * const first = new T.NDArray("float64", [2], new Float64Array([3, 4]));
   * assert.equal(s.applyUpdate(first, true), undefined); // the initial value was the caller's
   * assert.equal(s.applyUpdate(new T.NDArray("float64", [2]), true), first.data); // free now
   * s.getValue({ borrow: true }); // handed out: no longer free to reuse
   * assert.equal(s.applyUpdate(new T.NDArray("float64", [2]), true), undefined);
   * ```
   */
  applyUpdate(value: NDArray, exclusive: boolean): TypedArray | undefined {
    const old = this.storage.value.data;
    this.#store(value);
    if (exclusive && value.data !== old) updateOwned.add(value.data);
    return value.data !== old && updateOwned.delete(old) ? old : undefined;
  }

  /** Shared variables are shared between clones of a graph, not copied. */
  override cloneInput(): Variable {
    return this;
  }
}

/** Options of `shared()`. */
export interface SharedOptions {
  /** Name shown by pp, in error messages, and used by saveModel. */
  name?: string;
  /**
   * The dtype. By default: floatX for JS numbers (which are untyped: `shared(0)` is a
   * float, ready for float updates), bool for JS booleans, and the array's own dtype
   * for typed arrays and NDArrays (an Int32Array gives int32).
   */
  dtype?: DType;
  /** Static broadcastable flags; by default no dimension broadcasts, as in Theano. */
  broadcastable?: boolean[];
  /** Keep the given NDArray instead of copying it. */
  borrow?: boolean;
}

const SHARED_OPTIONS = {
  name: str,
  dtype: dtypeKind,
  broadcastable: {
    test: (v: unknown) => Array.isArray(v) && v.every((b) => typeof b === "boolean"),
    expected: "a list of true/false flags",
  },
  borrow: bool,
};

/**
 * Make a shared variable holding `value`. JS numbers are untyped, so plain numbers
 * and nested arrays of them become floatX (as `theano.shared(0.)` would); ask for an
 * integer dtype with `{ dtype: "int64" }` or pass an integer typed array or NDArray.
 * As in Theano, the second argument may be the name alone: `shared(0, "b")`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shared } from "../mod.ts";
 * const w = shared([[1, 2], [3, 4]], { name: "w" });
 * assert(w.dtype === "float64" && w.getValue().item(1, 1) === 4);
 * const count = shared(0, { name: "count", dtype: "int64" });
 * assert(count.dtype === "int64");
 * ```
 */
export function shared(value: ArrayLike, options: SharedOptions | string = {}): SharedVariable {
  if (typeof options === "string") options = { name: options }; // Theano's shared(value, name)
  checkOptions("shared", options, SHARED_OPTIONS);
  if (value instanceof Variable) {
    throw new InputError(
      `shared: the value must be an array or number, got the symbolic ${value.describe()}`,
    );
  }
  const plainJs = !(value instanceof NDArray) && !ArrayBuffer.isView(value);
  let arr: NDArray;
  try {
    arr = asarray(value, { dtype: options.dtype });
  } catch (e) {
    throw new InputError(`shared${options.name ? ` "${options.name}"` : ""}: ${(e as Error).message}`);
  }
  if (options.dtype === undefined && plainJs && arr.dtype !== "bool") arr = arr.astype(floatX());
  if (!options.borrow && arr === value) arr = arr.copy();
  const bc = options.broadcastable ?? arr.shape.map(() => false);
  if (bc.length !== arr.ndim) {
    throw new InputError(
      `shared: broadcastable has ${bc.length} flags but the value has ${arr.ndim} dimensions`,
    );
  }
  bc.forEach((b, i) => {
    if (b && arr.shape[i] !== 1) {
      throw new InputError(`shared: dimension ${i} is marked broadcastable but has length ${arr.shape[i]}`);
    }
  });
  return new SharedVariable(new TensorType(arr.dtype, bc), arr, options.name);
}
