/**
 * The WebGPU device: one adapter and device per process (acquired on first use and
 * again after a loss), a pipeline cache keyed by WGSL source, and its buffers: the pool
 * (free buffers by size and usage), reference-counted stores for values that outlive a
 * call, and the conversions between NDArrays and the 32-bit lanes values are stored in.
 * @module
 */
import { readEnv } from "../../core/config.ts";
import { type DType, STORAGE } from "../../core/dtype.ts";
import { DeviceError } from "../../core/errors.ts";
import { NDArray } from "../../core/ndarray.ts";
import {
  type Gpu,
  type GpuAdapter,
  type GpuBuffer,
  type GpuComputePipeline,
  type GpuDevice,
  USAGE,
} from "./gpu_types.ts";

/** What we know about the adapter: its description and whether it is a software fallback. */
export interface AdapterSummary {
  description: string;
  /** A fallback (software) adapter such as Mesa's llvmpipe. */
  software: boolean;
}

/** Everything a WebGPU program needs from the device. */
export interface GpuContext {
  readonly device: GpuDevice;
  readonly adapter: AdapterSummary;
  readonly pool: GpuBufferPool;
  /** Compiled pipelines by WGSL source. */
  readonly pipelines: Map<string, Promise<GpuComputePipeline>>;
  /** The pipelines of `pipelines` that have compiled, for use without awaiting. */
  readonly ready: Map<string, GpuComputePipeline>;
  readonly maxWorkgroupsPerDimension: number;
  readonly maxStorageBufferBindingSize: number;
  /** Counters for tests and reports: what the device has been asked to do. */
  readonly stats: GpuStats;
  /** Set when the device is lost; later calls acquire a new device. */
  lost?: string;
  /**
   * A validation error found after a call had returned without waiting (its error
   * scope is checked in the background); the next call reports it.
   */
  pendingError?: string;
}

/** What a device has done, counted (tests check that a loop reads nothing back). */
export interface GpuStats {
  /** queue.submit calls. */
  submits: number;
  /** Buffers mapped to read values back (each one waits for the GPU). */
  readbacks: number;
  /** Kernel dispatches recorded. */
  dispatches: number;
  /** Host values written into GPU buffers. */
  uploads: number;
}

/**
 * Debug switches of the WebGPU backend. `attachSource`: a kernel that fails to compile
 * puts its whole WGSL source in the error message (it is always on the error's `wgsl`
 * property). On when the environment has `HYPATIA_WEBGPU_DEBUG=1`.
 */
export const webgpuDebug: { attachSource: boolean } = {
  attachSource: /^(1|true)$/.test(readEnv("HYPATIA_WEBGPU_DEBUG") ?? ""),
};

let override: { gpu: Gpu | undefined } | undefined;
let adapterPromise: Promise<{ adapter: GpuAdapter; summary: AdapterSummary } | null> | undefined;
let contextPromise: Promise<GpuContext> | undefined;
/** The context `contextPromise` resolved to, once it has. */
let current: GpuContext | undefined;

/**
 * Replace `navigator.gpu` (tests use this to simulate a missing or different adapter).
 * `null` means "no WebGPU at all"; `undefined` restores the runtime's own. Cached
 * adapters and devices are forgotten either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { navigatorGpu, setGpuForTesting } from "./device.ts";
 * setGpuForTesting(null);
 * assert(navigatorGpu() === undefined);
 * setGpuForTesting(undefined);
 * ```
 */
export function setGpuForTesting(gpu: Gpu | null | undefined): void {
  override = gpu === undefined ? undefined : { gpu: gpu ?? undefined };
  adapterPromise = undefined;
  contextPromise = undefined;
  current = undefined;
  noted.clear();
}

const noted = new Set<string>();

/**
 * console.warn a message once per process per `key` (e.g. the device "auto" chose).
 *
 * @example
 * ```ts
 * import { noteOnce } from "./device.ts";
 * noteOnce("example", "said once");
 * noteOnce("example", "never said");
 * ```
 */
export function noteOnce(key: string, message: string): void {
  if (noted.has(key)) return;
  noted.add(key);
  console.warn(message);
}

/**
 * The runtime's `navigator.gpu` (or the test override), if any.
 *
 * @example
 * ```ts
 * import { navigatorGpu } from "./device.ts";
 * console.log(navigatorGpu() ? "this runtime has WebGPU" : "no WebGPU here");
 * ```
 */
export function navigatorGpu(): Gpu | undefined {
  if (override) return override.gpu;
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  return nav?.gpu ?? undefined;
}

/**
 * Whether an adapter is a software rasteriser (fallback flag, or a known software name).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSoftwareAdapter } from "./device.ts";
 * const fake = { info: { description: "llvmpipe (LLVM 15)" }, limits: {}, requestDevice: () => Promise.reject() };
 * assert(isSoftwareAdapter(fake));
 * ```
 */
export function isSoftwareAdapter(adapter: GpuAdapter): boolean {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter || adapter.isFallbackAdapter) return true;
  const text = `${info.description ?? ""} ${info.device ?? ""} ${info.architecture ?? ""}`;
  return /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b/i.test(text);
}

/**
 * Find the adapter once per process (null when there is none).
 *
 * @example
 * ```ts
 * import { probeAdapter } from "./device.ts";
 * const found = await probeAdapter();
 * console.log(found ? found.summary.description : "no adapter");
 * ```
 */
export function probeAdapter(): Promise<{ adapter: GpuAdapter; summary: AdapterSummary } | null> {
  if (!adapterPromise) {
    const gpu = navigatorGpu();
    adapterPromise = !gpu
      ? Promise.resolve(null)
      : gpu.requestAdapter({ powerPreference: "high-performance" })
        .then((adapter) => {
          if (!adapter) return null;
          const info = adapter.info ?? {};
          const description = info.description || [info.vendor, info.architecture, info.device]
            .filter(Boolean).join(" ") ||
            "unnamed adapter";
          return { adapter, summary: { description, software: isSoftwareAdapter(adapter) } };
        })
        .catch(() => null);
  }
  return adapterPromise;
}

/**
 * The process's device, acquired on first use; a DeviceError when there is no adapter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireDevice, navigatorGpu } from "./device.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   if (ctx) assert(ctx === await acquireDevice(), "one device per process");
 * }
 * ```
 */
export function acquireDevice(): Promise<GpuContext> {
  if (current?.lost) forgetDevice(current);
  if (!contextPromise) {
    const p = makeContext();
    contextPromise = p;
    // A failed acquisition is not cached, so a later call can try again.
    p.catch(() => {
      if (contextPromise === p) contextPromise = undefined;
    });
  }
  return contextPromise;
}

async function makeContext(): Promise<GpuContext> {
  if (!navigatorGpu()) {
    throw new DeviceError(
      `device "webgpu": this runtime has no WebGPU (navigator.gpu is missing; Deno has it, Bun does not). ` +
        `Use device: "cpu", or "auto" to fall back to the CPU`,
    );
  }
  const found = await probeAdapter();
  if (!found) {
    throw new DeviceError(
      `device "webgpu": navigator.gpu.requestAdapter() found no adapter (no GPU driver, and no software ` +
        `adapter such as Mesa's llvmpipe). Use device: "cpu", or "auto" to fall back to the CPU`,
    );
  }
  const { adapter, summary } = found;
  // Ask for the adapter's own limits where they exceed WebGPU's defaults (large arrays).
  const want = ["maxStorageBufferBindingSize", "maxBufferSize", "maxStorageBuffersPerShaderStage"];
  const requiredLimits: Record<string, number> = {};
  for (const k of want) if (typeof adapter.limits[k] === "number") requiredLimits[k] = adapter.limits[k];
  let device: GpuDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (e) {
    // An adapter gives one device; forget it so the next call asks afresh.
    adapterPromise = undefined;
    throw new DeviceError(
      `device "webgpu": requestDevice failed on ${summary.description}: ${(e as Error).message}`,
    );
  }
  const ctx: GpuContext = {
    device,
    adapter: summary,
    pool: new GpuBufferPool(device),
    pipelines: new Map(),
    ready: new Map(),
    stats: { submits: 0, readbacks: 0, dispatches: 0, uploads: 0 },
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension ?? 65535,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize ?? 134217728,
  };
  device.lost.then((info) => {
    ctx.lost = info.message || info.reason || "unknown reason";
    forgetDevice(ctx);
  });
  current = ctx;
  return ctx;
}

/** Forget a lost device (and its adapter, which gives one device), so the next call gets a new one. */
function forgetDevice(ctx: GpuContext): void {
  if (current !== ctx) return;
  current = undefined;
  contextPromise = undefined;
  adapterPromise = undefined;
}

/**
 * The pipeline for a WGSL source, compiled once per device (`ctx.ready` has it once compiled);
 * a DeviceError naming the kernel and quoting the compiler's messages if it fails. The
 * source is on the error's `wgsl` property, and in its message in debug mode
 * (`HYPATIA_WEBGPU_DEBUG=1`, or `webgpuDebug.attachSource = true`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireDevice, navigatorGpu, pipelineFor } from "./device.ts";
 * if (navigatorGpu()) {
 *   const ctx = await acquireDevice().catch(() => undefined);
 *   const src = "@compute @workgroup_size(1) fn main() {}";
 *   if (ctx) assert(pipelineFor(ctx, src) === pipelineFor(ctx, src), "cached by source");
 * }
 * ```
 */
export function pipelineFor(
  ctx: GpuContext,
  source: string,
  label = "a generated kernel",
): Promise<GpuComputePipeline> {
  let p = ctx.pipelines.get(source);
  if (!p) {
    const module = ctx.device.createShaderModule({ code: source, label: `hypatia: ${label}` });
    p = ctx.device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } })
      .then((pipeline) => {
        ctx.ready.set(source, pipeline);
        return pipeline;
      }, async (e) => {
        ctx.pipelines.delete(source);
        const info = await module.getCompilationInfo?.().catch(() => undefined);
        const lines = source.split("\n");
        const msgs = info?.messages.map((m) =>
          `  line ${m.lineNum}:${m.linePos} ${m.type}: ${m.message}` +
          (lines[m.lineNum - 1] !== undefined ? `\n    | ${lines[m.lineNum - 1].trim()}` : "")
        ).join("\n");
        const err = new DeviceError(
          `WebGPU: ${label} failed to compile (a bug in Hypatia; please report it with the WGSL): ${
            (e as Error)?.message ?? e
          }${msgs ? `\n${msgs}` : ""}` +
            (webgpuDebug.attachSource
              ? `\n--- WGSL ---\n${source}`
              : "\n(the WGSL source is on this error's `wgsl` property; HYPATIA_WEBGPU_DEBUG=1 prints it here)"),
        );
        (err as DeviceError & { wgsl?: string }).wgsl = source;
        throw err;
      });
    ctx.pipelines.set(source, p);
  }
  return p;
}

// ---- Buffers ----

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
