/**
 * Values that stay on the GPU between calls:
 *
 * - `DeviceArray`: an output left on the device (`f.onDevice(...)`), which can be passed
 *   to the next call of any WebGPU function as an argument without a transfer, read back
 *   with `await a.read()`, and released with `a.dispose()` (or `using`; a forgotten one is
 *   released when garbage-collected). On a CPU ("auto" without a GPU) it holds a host array,
 *   so scripts do not depend on the machine.
 * - `ResidentValue`: the device copy of a shared variable (`SharedStorage.resident`, the
 *   hook core/shared.ts provides). A WebGPU function uploads a shared variable once and
 *   its updates replace the device copy; `getValue()` works while the host copy is known to
 *   be current and otherwise says to `await v.read()`.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import { DeviceError, InputError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import type { GpuContext, GpuStore } from "./device.ts";
import { type DevValue, readBack } from "./call.ts";

/** Releases the stores of device arrays that were garbage-collected without dispose(). */
const collected = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<GpuStore>((store) => store.release())
  : undefined;

/** Live device arrays (not disposed, not collected), for tests that check nothing leaks. */
export const deviceArrayStats = { live: 0 };

/**
 * An array left on the device by `f.onDevice(...)` (or held on the host where the function
 * ran on the CPU).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray, DeviceArray } from "../../mod.ts";
 * const a = DeviceArray.fromHost(asarray([1, 2], { dtype: "float32" }));
 * assert(!a.onDevice && (await a.read()).data[1] === 2);
 * a.dispose();
 * ```
 */
export class DeviceArray {
  /** The element type. */
  readonly dtype: DType;
  /** Length of each dimension. */
  readonly shape: readonly number[];
  #store: GpuStore | undefined;
  #host: NDArray | undefined;
  #disposed = false;

  private constructor(dtype: DType, shape: readonly number[], store?: GpuStore, host?: NDArray) {
    this.dtype = dtype;
    this.shape = shape;
    this.#store = store;
    this.#host = host;
    deviceArrayStats.live++;
    if (store) collected?.register(this, store, this);
  }

  /**
   * Take over one hold of `store` (the caller retained it for this array).
   * @internal
   */
  static fromStore(store: GpuStore, dtype: DType, shape: readonly number[]): DeviceArray {
    return new DeviceArray(dtype, shape, store);
  }

  /** An array held on the host (a function that ran on the CPU). */
  static fromHost(value: NDArray): DeviceArray {
    return new DeviceArray(value.dtype, value.shape, undefined, value);
  }

  /** Whether the values are in a GPU buffer (false: on the host). */
  get onDevice(): boolean {
    return this.#store !== undefined;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Whether dispose() was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  #check(what: string): void {
    if (this.#disposed) {
      throw new InputError(
        `DeviceArray (${this.dtype}, shape (${this.shape.join(", ")})): ${what} after dispose()`,
      );
    }
  }

  /** The values, read back from the GPU (waits for the GPU); a fresh array each time. */
  async read(): Promise<NDArray> {
    this.#check("read()");
    if (this.#host) return this.#host.copy();
    const store = this.#store!.retain();
    try {
      const [v] = await readBack(store.ctx, [{ store, dtype: this.dtype, shape: this.shape }]);
      return v;
    } finally {
      store.release();
    }
  }

  /**
   * The value for a call on `ctx`: a device value (the caller gets its own hold), or the
   * host array.
   * @internal
   */
  valueFor(ctx: GpuContext | undefined, what: string): DevValue | NDArray {
    this.#check(`passed to ${what}`);
    if (this.#host) return this.#host;
    const store = this.#store!;
    if (store.ctx !== ctx) {
      throw new DeviceError(
        `${what}: this DeviceArray lives on a GPU device that ${
          store.ctx.lost ? `was lost (${store.ctx.lost})` : "is not the current one"
        }; its values are gone`,
      );
    }
    return { store: store.retain(), dtype: this.dtype, shape: this.shape };
  }

  /** Release the GPU buffer (to the pool). Reading or passing the array afterwards is an error. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    deviceArrayStats.live--;
    if (this.#store) {
      collected?.unregister(this);
      this.#store.release();
      this.#store = undefined;
    }
    this.#host = undefined;
  }

  /** `using a = await f.onDevice(x)` disposes it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** e.g. `DeviceArray(float32, (2, 3), on the GPU)`. */
  toString(): string {
    return `DeviceArray(${this.dtype}, (${this.shape.join(", ")}), ${
      this.#disposed ? "disposed" : this.onDevice ? "on the GPU" : "on the host"
    })`;
  }
}

/**
 * The device copy of a shared variable. It holds one hold of its store; `release` (called
 * by setValue, or when an update replaces it) lets go.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResidentValue } from "./device_array.ts";
 * import { WebGpuCall } from "./call.ts";
 * import { acquireDevice, navigatorGpu } from "./device.ts";
 * import { shared } from "../../core/shared.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const w = shared(asarray([1, 2], { dtype: "float32" }), { name: "w" });
 *     const call = new WebGpuCall(ctx);
 *     const v = call.upload(w.getValue());
 *     await call.finish(false);
 *     w.storage.resident = new ResidentValue(v.store, "float32", [2], "w", undefined);
 *     assert((await w.read()).data[1] === 2);
 *   }
 * }
 * ```
 */
export class ResidentValue {
  readonly store: GpuStore;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The host copy, when known to equal the device copy. */
  #host: NDArray | undefined;
  #name: string;
  #released = false;

  constructor(
    store: GpuStore,
    dtype: DType,
    shape: readonly number[],
    name: string,
    host: NDArray | undefined,
  ) {
    this.store = store;
    this.dtype = dtype;
    this.shape = shape;
    this.#name = name;
    this.#host = host;
  }

  /** Where the value lives, for messages. */
  get describe(): string {
    return `the GPU (${this.store.ctx.adapter.description})`;
  }

  /** The device value for a call on `ctx` (the caller gets its own hold), or undefined if on another device. */
  valueFor(ctx: GpuContext): DevValue | undefined {
    if (this.store.ctx !== ctx || this.#released) return undefined;
    return { store: this.store.retain(), dtype: this.dtype, shape: this.shape };
  }

  /** The host copy if it is current (getValue() uses it without waiting). */
  readSync(): NDArray | undefined {
    return this.#host;
  }

  /** Read the value back (waits for the GPU), remembering it as the current host copy. */
  async read(): Promise<NDArray> {
    if (this.#host) return this.#host.copy();
    const ctx = this.store.ctx;
    if (ctx.lost || this.#released) {
      throw new DeviceError(
        `shared variable ${this.#name}: its value lived on the GPU, which was lost (${
          ctx.lost ?? "released"
        }); set it again with setValue()`,
      );
    }
    const store = this.store.retain();
    try {
      const [v] = await readBack(ctx, [{ store, dtype: this.dtype, shape: this.shape }]);
      this.#host ??= v;
      return v.copy();
    } finally {
      store.release();
    }
  }

  /** The variable no longer uses this copy: give its buffer back (once). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.store.release();
  }
}
