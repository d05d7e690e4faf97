/**
 * GPU buffers: the pool (free buffers by size and usage), reference-counted stores for
 * values that outlive a call, and the conversion between NDArrays and the 32-bit lanes
 * values are stored in on the GPU.
 * @module
 */
import { type DType, STORAGE } from "../../core/dtype.ts";
import { DeviceError } from "../../core/errors.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { GpuContext } from "./device.ts";
import { type GpuBuffer, type GpuDevice, USAGE } from "./gpu_types.ts";

/**
 * Round a byte length to the pool's granularity (16 bytes, at least 16).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundBytes } from "./device.ts";
 * assert(roundBytes(1) === 16 && roundBytes(20) === 32);
 * ```
 */
export function roundBytes(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

/**
 * Free GPU buffers by rounded size and usage; a call takes them and gives them back when done.
 * Counts what it made and destroyed, so tests can check that a loop allocates nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireDevice, navigatorGpu, STORAGE_USAGE } from "./device.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const b = ctx.pool.take(100, STORAGE_USAGE);
 *     ctx.pool.give(b);
 *     assert(ctx.pool.take(112, STORAGE_USAGE) === b, "same rounded size and usage");
 *   }
 * }
 * ```
 */
export class GpuBufferPool {
  #device: GpuDevice;
  #free = new Map<string, GpuBuffer[]>();
  #freeCount = 0;
  /** Buffers created so far (for tests and reports). */
  created = 0;
  /** Buffers destroyed so far (the free list of a size was full). */
  destroyed = 0;
  /** Free buffers kept per size and usage; more are destroyed. */
  maxFreePerKey = 16;

  constructor(device: GpuDevice) {
    this.#device = device;
  }

  /** Buffers that exist now: taken by someone, or free in the pool. */
  get live(): number {
    return this.created - this.destroyed;
  }

  /** Buffers waiting in the pool. */
  get free(): number {
    return this.#freeCount;
  }

  /** A buffer of at least `bytes` bytes with exactly `usage` (contents undefined). */
  take(bytes: number, usage: number): GpuBuffer {
    const size = roundBytes(bytes);
    const buf = this.#free.get(`${size}:${usage}`)?.pop();
    if (buf) {
      this.#freeCount--;
      return buf;
    }
    this.created++;
    return this.#device.createBuffer({ size, usage });
  }

  /**
   * Give a buffer back. Commands already submitted that use it run first (one queue), so
   * a buffer may be given back as soon as the commands that read it are submitted.
   */
  give(buf: GpuBuffer): void {
    const key = `${buf.size}:${buf.usage}`;
    let list = this.#free.get(key);
    if (!list) this.#free.set(key, list = []);
    if (list.length < this.maxFreePerKey) {
      list.push(buf);
      this.#freeCount++;
    } else {
      buf.destroy();
      this.destroyed++;
    }
  }

  /** Destroy a buffer taken from this pool instead of giving it back (a failed readback). */
  discard(buf: GpuBuffer): void {
    buf.destroy();
    this.destroyed++;
  }

  /** Destroy every free buffer (the device's memory goes back to the driver). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const b of list) b.destroy();
      this.destroyed += list.length;
    }
    this.#free.clear();
    this.#freeCount = 0;
  }
}

/**
 * A GPU buffer with a reference count: values that outlive a call (resident shared
 * variables, device outputs, a function's constants) hold one, and the buffer goes back to
 * the pool when the last holder lets go. Values are never written in place once made, so
 * holders never see each other's changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireDevice, GpuStore, navigatorGpu, STORAGE_USAGE } from "./device.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const s = new GpuStore(ctx, ctx.pool.take(64, STORAGE_USAGE));
 *     s.retain();
 *     s.release();
 *     assert(s.refs === 1);
 *     s.release(); // back to the pool
 *   }
 * }
 * ```
 */
export class GpuStore {
  readonly ctx: GpuContext;
  readonly buffer: GpuBuffer;
  #refs = 1;

  constructor(ctx: GpuContext, buffer: GpuBuffer) {
    this.ctx = ctx;
    this.buffer = buffer;
  }

  /** Holders now. */
  get refs(): number {
    return this.#refs;
  }

  /** One more holder. */
  retain(): this {
    if (this.#refs <= 0) throw new Error("internal: GpuStore retained after its release");
    this.#refs++;
    return this;
  }

  /**
   * One holder fewer. At zero the buffer goes to `sink` (a call that is still recording
   * keeps it until it submits) or back to the pool. Returns whether that happened.
   */
  release(sink?: (b: GpuBuffer) => void): boolean {
    if (--this.#refs > 0) return false;
    if (this.#refs < 0) throw new Error("internal: GpuStore released too often");
    if (this.ctx.lost) return true; // the buffer went with the device
    if (sink) sink(this.buffer);
    else this.ctx.pool.give(this.buffer);
    return true;
  }
}

/** Usage of every data buffer: bound as storage, written by uploads, copied out for reading. */
export const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** Usage of a kernel's uniform block. */
export const UNIFORM_USAGE = USAGE.UNIFORM | USAGE.COPY_DST;
/** Usage of readback buffers. */
export const READBACK_USAGE = USAGE.MAP_READ | USAGE.COPY_DST;

/**
 * The 32-bit lanes an NDArray is stored in on the GPU (int8/int16 as i32, uint8/bool as u32).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toLanes } from "./device.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * assert(toLanes(asarray([-1, 2], { dtype: "int8" })) instanceof Int32Array);
 * ```
 */
export function toLanes(arr: NDArray): Float32Array | Int32Array | Uint32Array {
  switch (arr.dtype) {
    case "float32":
      return arr.data as Float32Array;
    case "int32":
      return arr.data as Int32Array;
    case "int16":
    case "int8":
      return Int32Array.from(arr.data);
    case "uint8":
    case "bool":
      return Uint32Array.from(arr.data);
    default:
      throw new DeviceError(
        `WebGPU: ${arr.dtype} values cannot be stored on the GPU (WGSL has no such type)`,
      );
  }
}

/**
 * An NDArray from `n` 32-bit lanes read back from the GPU.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromLanes } from "./device.ts";
 * const lanes = new Int32Array([300, -1]);
 * assert(fromLanes("int8", [2], lanes.buffer).data.join() === "44,-1");
 * ```
 */
export function fromLanes(dtype: DType, shape: readonly number[], mapped: ArrayBuffer): NDArray {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new STORAGE[dtype](n);
  const lanes = dtype === "float32"
    ? new Float32Array(mapped, 0, n)
    : dtype === "uint8" || dtype === "bool"
    ? new Uint32Array(mapped, 0, n)
    : new Int32Array(mapped, 0, n);
  out.set(lanes); // narrow integer stores wrap, as the kernel already did
  return new NDArray(dtype, shape, out);
}

/**
 * Bytes a value of `n` elements takes on the GPU.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { laneBytes } from "./device.ts";
 * assert(laneBytes(10) === 40);
 * ```
 */
export function laneBytes(n: number): number {
  return n * 4;
}
