/**
 * One call of a WebGPU program: the buffers it took, its command encoder and its
 * compute pass. Dispatches are recorded into one encoder and submitted once, when a
 * value must be read back. Buffers go back to the device's pool only when the call is
 * done (the GPU has finished with them); within the call, a dead intermediate's buffer
 * may become a later kernel's output (queue writes never target it, so their ordering
 * before the submit cannot clobber a value still to be read).
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import { DeviceError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import {
  fromLanes,
  type GpuContext,
  laneBytes,
  READBACK_USAGE,
  roundBytes,
  STORAGE_USAGE,
  toLanes,
  UNIFORM_USAGE,
} from "./device.ts";
import {
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuComputePass,
  type GpuComputePipeline,
  MAP_READ,
} from "./gpu_types.ts";

/** A value living in a GPU buffer (32-bit lanes, C order). */
export interface GpuValue {
  buffer: GpuBuffer;
  dtype: DType;
  shape: readonly number[];
}

/**
 * The state of one call.
 *
 * @example
 * ```ts
 * import { WebGpuCall } from "./call.ts";
 * import { acquireDevice, navigatorGpu } from "./device.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) {
 *     const call = new WebGpuCall(ctx);
 *     const v = call.upload(asarray([1, 2], { dtype: "int32" }));
 *     const [back] = await call.download([v]);
 *     await call.finish();
 *     console.assert(back.data.join() === "1,2");
 *   }
 * }
 * ```
 */
export class WebGpuCall {
  #ctx: GpuContext;
  #encoder: GpuCommandEncoder | undefined;
  #pass: GpuComputePass | undefined;
  /** Every buffer this call took from the pool. */
  #taken: GpuBuffer[] = [];
  /** Storage buffers of dead intermediates, free for later kernel outputs of this call. */
  #dead: GpuBuffer[] = [];

  constructor(ctx: GpuContext) {
    if (ctx.lost) {
      throw new DeviceError(`WebGPU: the device was lost (${ctx.lost}); call again to use a new one`);
    }
    this.#ctx = ctx;
    ctx.device.pushErrorScope("validation");
  }

  #take(bytes: number, usage: number): GpuBuffer {
    if (usage === STORAGE_USAGE && bytes > this.#ctx.maxStorageBufferBindingSize) {
      throw new DeviceError(
        `WebGPU: an array of ${bytes} bytes exceeds this device's storage buffer limit of ${this.#ctx.maxStorageBufferBindingSize} bytes (${this.#ctx.adapter.description})`,
      );
    }
    const b = this.#ctx.pool.take(bytes, usage);
    this.#taken.push(b);
    return b;
  }

  #encoderNow(): GpuCommandEncoder {
    return this.#encoder ??= this.#ctx.device.createCommandEncoder();
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = undefined;
  }

  /** Copy a host value into a fresh pooled buffer (queue write, ordered before the next submit). */
  upload(arr: NDArray): GpuValue {
    const buffer = this.#take(laneBytes(arr.size), STORAGE_USAGE);
    if (arr.size) this.#ctx.device.queue.writeBuffer(buffer, 0, toLanes(arr));
    return { buffer, dtype: arr.dtype, shape: arr.shape };
  }

  /** Record one kernel dispatch into this call's compute pass; returns its output. */
  dispatch(
    pipeline: GpuComputePipeline,
    inputs: GpuBuffer[],
    dtype: DType,
    shape: readonly number[],
    uniforms: Uint32Array,
    groups: [number, number],
  ): GpuValue {
    let n = 1;
    for (const d of shape) n *= d;
    const size = roundBytes(laneBytes(n));
    const k = this.#dead.findIndex((b) => b.size === size);
    const out = k >= 0 ? this.#dead.splice(k, 1)[0] : this.#take(size, STORAGE_USAGE);
    const ub = this.#take(uniforms.byteLength, UNIFORM_USAGE);
    this.#ctx.device.queue.writeBuffer(ub, 0, uniforms);
    const entries = [...inputs, out, ub].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = this.#ctx.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.#pass ??= this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(groups[0], groups[1]);
    return { buffer: out, dtype, shape };
  }

  /** A value no later kernel of this call reads: its buffer may hold a later output. */
  release(v: GpuValue): void {
    if (v.buffer.usage === STORAGE_USAGE) this.#dead.push(v.buffer);
  }

  /** Submit what is recorded, copy `values` out and wait for them (one submit, then maps). */
  async download(values: GpuValue[]): Promise<NDArray[]> {
    this.#endPass();
    const staging = values.map((v) => {
      const bytes = laneBytes(v.shape.reduce((a, b) => a * b, 1));
      const s = this.#take(bytes, READBACK_USAGE);
      if (bytes) this.#encoderNow().copyBufferToBuffer(v.buffer, 0, s, 0, roundBytes(bytes));
      return s;
    });
    if (this.#encoder) {
      this.#ctx.device.queue.submit([this.#encoder.finish()]);
      this.#encoder = undefined;
    }
    if (!values.length) return [];
    await Promise.all(staging.map((s) => s.mapAsync(MAP_READ)));
    return values.map((v, k) => {
      const out = fromLanes(v.dtype, v.shape, staging[k].getMappedRange());
      staging[k].unmap();
      return out;
    });
  }

  /** The call succeeded: check for validation errors, then give every buffer back. */
  async finish(): Promise<void> {
    this.#endPass();
    if (this.#encoder) this.#ctx.device.queue.submit([this.#encoder.finish()]);
    this.#encoder = undefined;
    const err = await this.#ctx.device.popErrorScope();
    if (err) {
      this.#destroyAll();
      throw new DeviceError(`WebGPU: validation error (a bug in Hypatia; please report it): ${err.message}`);
    }
    for (const b of this.#taken) this.#ctx.pool.give(b);
    this.#taken = [];
  }

  /** The call failed: drop what was recorded; the buffers are destroyed, not pooled. */
  abandon(): void {
    try {
      this.#endPass();
    } catch { /* the pass may already be invalid */ }
    this.#encoder = undefined;
    this.#ctx.device.popErrorScope().catch(() => {});
    this.#destroyAll();
  }

  #destroyAll(): void {
    for (const b of this.#taken) b.destroy();
    this.#taken = [];
  }
}
