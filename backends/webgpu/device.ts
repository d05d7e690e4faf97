/**
 * The WebGPU device: one adapter and device per process (acquired on first use and
 * again after a loss), a pool of buffers keyed by size and usage, a pipeline cache
 * keyed by WGSL source, and the conversions between NDArrays and 32-bit GPU lanes.
 * @module
 */
import { readEnv } from "../../core/config.ts";
import { DeviceError } from "../../core/errors.ts";
import type { Gpu, GpuAdapter, GpuComputePipeline, GpuDevice } from "./gpu_types.ts";
import { GpuBufferPool } from "./buffers.ts";

export {
  fromLanes,
  GpuBufferPool,
  GpuStore,
  laneBytes,
  READBACK_USAGE,
  roundBytes,
  STORAGE_USAGE,
  toLanes,
  UNIFORM_USAGE,
} from "./buffers.ts";

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
