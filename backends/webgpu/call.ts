/**
 * One call of a WebGPU program: the buffers it holds, its command encoder and its compute
 * pass. Dispatches are recorded into one encoder and submitted once at the end of the call
 * (or earlier, when a value must be read back for the CPU). A call that reads nothing back
 * submits and returns without waiting for the GPU; its validation error scope is checked in
 * the background and a failure is reported by the next call.
 *
 * Buffer safety rests on the queue's order: a buffer given back to the pool after the
 * commands reading it were submitted can be written by a later call, whose writes come
 * after them. Within a call nothing is submitted until the end, so a buffer that dies
 * mid-call goes to the call's own dead list and may only become the output of a later
 * kernel of the same encoder (never the target of a queue write, which would run first).
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import { DeviceError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import {
  fromLanes,
  type GpuContext,
  GpuStore,
  laneBytes,
  READBACK_USAGE,
  roundBytes,
  STORAGE_USAGE,
  toLanes,
} from "./device.ts";
import {
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuComputePass,
  type GpuComputePipeline,
  MAP_READ,
} from "./gpu_types.ts";
import type { InputLayout } from "./kernel_template.ts";

/** A value living in a GPU buffer (32-bit lanes, C order unless `layout` says otherwise). */
export interface DevValue {
  store: GpuStore;
  dtype: DType;
  shape: readonly number[];
  /** A strided view of the buffer (a folded dimshuffle); absent means C order from 0. */
  layout?: InputLayout;
}

const bufferIds = new WeakMap<GpuBuffer, number>();
let nextBufferId = 1;

/**
 * A number identifying a buffer, for bind-group cache keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferId } from "./call.ts";
 * const fake = {} as never;
 * assert(bufferId(fake) === bufferId(fake));
 * ```
 */
export function bufferId(b: GpuBuffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) bufferIds.set(b, id = nextBufferId++);
  return id;
}

/** Throw the error a background check found after an earlier call returned. */
function reportPending(ctx: GpuContext): void {
  if (ctx.lost) {
    throw new DeviceError(`WebGPU: the device was lost (${ctx.lost}); call again to use a new one`);
  }
  const pending = ctx.pendingError;
  if (pending) {
    ctx.pendingError = undefined;
    throw new DeviceError(
      `WebGPU: an earlier call that returned without waiting failed on the GPU (a bug in Hypatia; ` +
        `please report it): ${pending}. Its results and updates may be wrong`,
    );
  }
}

/**
 * The state of one call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WebGpuCall } from "./call.ts";
 * import { acquireDevice, navigatorGpu } from "./device.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const call = new WebGpuCall(ctx);
 *     const v = call.upload(asarray([1, 2], { dtype: "int32" }));
 *     const [back] = await call.download([v]);
 *     call.drop(v.store);
 *     await call.finish(true);
 *     assert(back.data.join() === "1,2");
 *   }
 * }
 * ```
 */
export class WebGpuCall {
  readonly ctx: GpuContext;
  #encoder: GpuCommandEncoder | undefined;
  #pass: GpuComputePass | undefined;
  /** Storage buffers that died in this call: outputs for later kernels, pooled at submit. */
  #dead: GpuBuffer[] = [];
  /** Whether the call has waited for the GPU (a readback). */
  waited = false;
  /** Submits so far: a uniform buffer used since the last one must not be rewritten. */
  submits = 0;
  #done = false;

  constructor(ctx: GpuContext) {
    reportPending(ctx);
    this.ctx = ctx;
    ctx.device.pushErrorScope("validation");
  }

  #encoderNow(): GpuCommandEncoder {
    return this.#encoder ??= this.ctx.device.createCommandEncoder();
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = undefined;
  }

  #checkSize(bytes: number): void {
    if (bytes > this.ctx.maxStorageBufferBindingSize) {
      throw new DeviceError(
        `WebGPU: an array of ${bytes} bytes exceeds this device's storage buffer limit of ${this.ctx.maxStorageBufferBindingSize} bytes (${this.ctx.adapter.description})`,
      );
    }
  }

  /** A fresh store holding a host value (a queue write, ordered before the next submit). */
  upload(arr: NDArray): DevValue {
    const bytes = laneBytes(arr.size);
    this.#checkSize(bytes);
    const store = new GpuStore(this.ctx, this.ctx.pool.take(bytes, STORAGE_USAGE));
    if (arr.size) {
      this.ctx.device.queue.writeBuffer(store.buffer, 0, toLanes(arr));
      this.ctx.stats.uploads++;
    }
    return { store, dtype: arr.dtype, shape: arr.shape };
  }

  /** A store for a kernel's output or scratch: a dead buffer of this call, or one from the pool. */
  alloc(elements: number): GpuStore {
    const size = roundBytes(laneBytes(elements));
    this.#checkSize(size);
    const k = this.#dead.findIndex((b) => b.size === size);
    const buffer = k >= 0 ? this.#dead.splice(k, 1)[0] : this.ctx.pool.take(size, STORAGE_USAGE);
    return new GpuStore(this.ctx, buffer);
  }

  /** Let go of one hold on a store; a buffer freed now stays with the call until it submits. */
  drop(store: GpuStore): void {
    store.release(
      this.#done ? undefined : (b) => {
        if (b.usage === STORAGE_USAGE) this.#dead.push(b);
        else this.ctx.pool.give(b);
      },
    );
  }

  /** Record one dispatch into this call's compute pass. */
  dispatch(pipeline: GpuComputePipeline, group: unknown, workgroups: readonly (number | undefined)[]): void {
    const [x, y = 1, z = 1] = workgroups;
    if (!x || !y || !z) return; // nothing to do (an empty output)
    this.#pass ??= this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(x, y, z);
    this.ctx.stats.dispatches++;
  }

  /** Record a copy of `bytes` bytes between two buffers (ordered with the dispatches). */
  copy(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, bytes: number): void {
    if (!bytes) return;
    this.#endPass();
    this.#encoderNow().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Record zeroing a buffer (ordered with the dispatches). */
  clear(buffer: GpuBuffer): void {
    this.#endPass();
    this.#encoderNow().clearBuffer(buffer);
  }

  /** Submit what is recorded; the buffers that died so far go back to the pool. */
  submit(): void {
    this.#endPass();
    this.submits++;
    if (this.#encoder) {
      this.ctx.device.queue.submit([this.#encoder.finish()]);
      this.ctx.stats.submits++;
      this.#encoder = undefined;
    }
    for (const b of this.#dead) this.ctx.pool.give(b);
    this.#dead = [];
  }

  /** Submit what is recorded, copy `values` (C order) out and wait for them. */
  async download(values: readonly DevValue[]): Promise<NDArray[]> {
    if (!values.length) return [];
    this.#endPass();
    const staging = values.map((v) => {
      const bytes = laneBytes(v.shape.reduce((a, b) => a * b, 1));
      const s = this.ctx.pool.take(bytes, READBACK_USAGE);
      if (bytes) this.#encoderNow().copyBufferToBuffer(v.store.buffer, 0, s, 0, roundBytes(bytes));
      return s;
    });
    this.submit();
    this.waited = true;
    return await mapAll(this.ctx, values, staging);
  }

  /**
   * The call succeeded: submit the rest. When `wait` (the call waits for a readback anyway)
   * a validation error is thrown here; otherwise it is checked in the background and
   * reported by the next call, so the call returns without waiting for the GPU.
   */
  async finish(wait: boolean): Promise<void> {
    this.submit();
    this.#done = true;
    const scope = this.ctx.device.popErrorScope();
    if (!wait) {
      const ctx = this.ctx;
      scope.then((err) => {
        if (err) ctx.pendingError ??= err.message;
      }, () => {});
      return;
    }
    const err = await scope.catch(() => null);
    if (err) {
      throw new DeviceError(`WebGPU: validation error (a bug in Hypatia; please report it): ${err.message}`);
    }
  }

  /** The call failed: drop what was recorded (it never runs); dead buffers go back to the pool. */
  abandon(): void {
    if (this.#done) return;
    try {
      this.#endPass();
    } catch { /* the pass may already be invalid */ }
    this.#encoder = undefined;
    this.#done = true;
    this.ctx.device.popErrorScope().catch(() => {});
    for (const b of this.#dead) this.ctx.pool.give(b);
    this.#dead = [];
  }
}

/** Readbacks waiting on each device, failed together if the device is lost. */
const waiting = new WeakMap<GpuContext, Set<(e: Error) => void>>();

/**
 * Wait for `p`, or fail with a DeviceError if the device is lost first (a map on a lost
 * device may never settle). No handler stays attached to `device.lost` per call.
 */
function unlessLost<T>(ctx: GpuContext, p: Promise<T>): Promise<T> {
  let set = waiting.get(ctx);
  if (!set) {
    const s = set = new Set();
    waiting.set(ctx, s);
    ctx.device.lost.then((info) => {
      const e = new DeviceError(
        `WebGPU: the device was lost while reading a value back (${info.message || info.reason}); ` +
          `call again to use a new one`,
      );
      for (const reject of s) reject(e);
      s.clear();
    });
  }
  const registry = set;
  return new Promise<T>((resolve, reject) => {
    registry.add(reject);
    p.then(resolve, reject).finally(() => registry.delete(reject));
  });
}

/** Map staging buffers and convert them; a lost device rejects instead of hanging. */
async function mapAll(
  ctx: GpuContext,
  values: readonly DevValue[],
  staging: GpuBuffer[],
): Promise<NDArray[]> {
  ctx.stats.readbacks += staging.length;
  try {
    await unlessLost(ctx, Promise.all(staging.map((s) => s.mapAsync(MAP_READ))));
  } catch (e) {
    for (const s of staging) ctx.pool.discard(s);
    throw e instanceof DeviceError ? e : new DeviceError(
      `WebGPU: reading a value back failed (${(e as Error)?.message ?? e})${
        ctx.lost ? `: device lost (${ctx.lost})` : ""
      }`,
    );
  }
  return values.map((v, k) => {
    const out = fromLanes(v.dtype, v.shape, staging[k].getMappedRange());
    staging[k].unmap();
    ctx.pool.give(staging[k]);
    return out;
  });
}

/**
 * Read device values back outside a call (a resident shared variable, a device output):
 * one copy per value into staging buffers, one submit, then wait. The stores are held
 * until the copies are submitted, so a call running meanwhile cannot reuse them first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBack, WebGpuCall } from "./call.ts";
 * import { acquireDevice, navigatorGpu } from "./device.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const call = new WebGpuCall(ctx);
 *     const v = call.upload(asarray([3, 4], { dtype: "float32" }));
 *     await call.finish(false);
 *     const [back] = await readBack(ctx, [v]);
 *     v.store.release();
 *     assert(back.data.join() === "3,4");
 *   }
 * }
 * ```
 */
export async function readBack(ctx: GpuContext, values: readonly DevValue[]): Promise<NDArray[]> {
  if (ctx.lost) {
    throw new DeviceError(`WebGPU: the device was lost (${ctx.lost}); the value cannot be read back`);
  }
  const encoder = ctx.device.createCommandEncoder();
  const staging = values.map((v) => {
    const bytes = laneBytes(v.shape.reduce((a, b) => a * b, 1));
    const s = ctx.pool.take(bytes, READBACK_USAGE);
    if (bytes) encoder.copyBufferToBuffer(v.store.buffer, 0, s, 0, roundBytes(bytes));
    return s;
  });
  ctx.device.queue.submit([encoder.finish()]);
  ctx.stats.submits++;
  return await mapAll(ctx, values, staging);
}
