/**
 * The WebGPU program: the graph as the scheduler partitioned it (placement.ts holds the
 * engine's rules), run call by call (run.ts) with the
 * function's shared variables kept on the device.
 *
 * A call binds its inputs (host arrays, or DeviceArrays left on the device by an earlier
 * call), uses each shared variable's device copy (uploading it once, after which it is
 * resident), records every kernel into one encoder and submits once. Outputs are read back
 * (one wait) unless the caller keeps them on the device; a call whose outputs stay on the
 * device, or that has none, returns as soon as its work is submitted. Updates then replace
 * the shared variables' device copies, all together, and only if nothing failed: device
 * values are never written in place, so a failed call leaves every copy as it was.
 * @module
 */
import { DeviceError, HypatiaError, InputError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import type { SharedVariable } from "../../core/shared.ts";
import type { Variable } from "../../core/graph.ts";
import type { Partitioner } from "../device_engine.ts";
import type { CpuProgram } from "../kernel.ts";
import { acquireDevice, type GpuContext, navigatorGpu } from "./device.ts";
import { type DevValue, WebGpuCall } from "./call.ts";
import { DeviceArray, ResidentValue } from "./device_array.ts";
import type { Schedule, WebGpuUnit } from "./placement.ts";
import type { Placement } from "../device_engine.ts";
import { DeviceCaches, type RootValue, ScheduleRun } from "./run.ts";

export type { Placement } from "../device_engine.ts";

/** One call of a compiled function, as compile/function.ts hands it to an asynchronous program. */
export interface CallRequest {
  /** Values of the explicit inputs: NDArrays, or DeviceArrays accepted by `acceptArgument`. */
  inputs: readonly unknown[];
  /** The shared variables whose values follow the inputs among the roots (after any swap). */
  shared: readonly SharedVariable[];
  /** The variable each update expression (after the outputs) is written to; null = dropped. */
  updates: readonly (SharedVariable | null)[];
  /** How many of the program's outputs are the function's outputs (the rest are updates). */
  nOutputs: number;
  /** Leave the outputs on the device (DeviceArrays) instead of reading them back. */
  keep: boolean;
  /** The function's name, for messages. */
  name: string;
}

/** A program whose calls are asynchronous: WebGPU, or `device: "auto"` whichever it picks. */
export interface AsyncProgram {
  readonly roots: readonly Variable[];
  /** The device that runs it; "auto" until an auto program has decided. */
  readonly device: "webgpu" | "cpu" | "auto";
  /** Where each node runs (empty until an auto program has decided). */
  readonly placement: readonly Placement[];
  /** Compute outputs (positions `wanted`) from host values of the roots; no shared-variable handling. */
  run(rootValues: readonly NDArray[], wanted?: readonly number[]): Promise<NDArray[]>;
  /** A whole call: shared variables read and updated by the program (resident on the device). */
  call(request: CallRequest): Promise<(NDArray | DeviceArray)[]>;
  /** A DeviceArray argument for `input` (checked), or undefined when `value` is not one. */
  acceptArgument(value: unknown, input: Variable, what: string): unknown;
  /** Give the program's device buffers back to the pool; later calls are errors. */
  dispose(): void;
  /**
   * Give the buffers kept for later calls back (device buffers to the device's pool, the
   * CPU segments' pooled arrays dropped); later calls make them again.
   */
  free(): void;
}

/**
 * The DeviceArray `value` as an argument for `input`, checked against its type (no
 * conversion happens on the device: the dtype must match); undefined for other values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptDeviceArray } from "./program.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * assert(acceptDeviceArray([1, 2], fvector("x"), "f") === undefined);
 * ```
 */
export function acceptDeviceArray(value: unknown, input: Variable, what: string): unknown {
  if (!(value instanceof DeviceArray)) return undefined;
  const t = input.type;
  if (value.disposed) throw new InputError(`${what}: this DeviceArray was disposed`);
  if (
    value.dtype !== t.dtype || value.ndim !== t.ndim ||
    t.shape.some((d, i) => d !== null && d !== value.shape[i])
  ) {
    throw new InputError(
      `${what}: a DeviceArray of ${value.dtype} with shape (${
        value.shape.join(", ")
      }) does not fit ${input.describe()} ` +
        `(${t}); values on the device are not converted: cast them in the graph that made them`,
    );
  }
  return value;
}

/** Check every update's shape against its variable's type; returns the pairs to apply. */
export function checkUpdates<V extends { shape: readonly number[] }>(
  name: string,
  targets: readonly (SharedVariable | null)[],
  values: readonly V[],
): [SharedVariable, V][] {
  const out: [SharedVariable, V][] = [];
  targets.forEach((t, k) => {
    if (!t) return;
    const v = values[k];
    if (v.shape.length !== t.ndim || !t.type.shape.every((d, i) => d === null || d === v.shape[i])) {
      throw new InputError(
        `${name}: the update of ${t.describe()} has shape (${
          v.shape.join(", ")
        }), which its type does not allow`,
      );
    }
    out.push([t, v]);
  });
  return out;
}

/**
 * Build a WebGPU program computing `outputs` from `roots` (inputs, then shared
 * variables); `place` partitions it between the GPU and host segments. `name` is
 * used in the placement note printed when some nodes stay on the CPU.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildWebGpuProgram } from "./program.ts";
 * import { navigatorGpu } from "./device.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { placeOnWebGpu } from "../../compile/schedule.ts";
 * if (navigatorGpu()) {
 *   const x = fvector("x");
 *   const p = buildWebGpuProgram([x], [exp(x)], "f", placeOnWebGpu);
 *   const [y] = await p.run([asarray([0], { dtype: "float32" })]).catch(() => [undefined]);
 *   if (y) assert(y.data[0] === 1);
 * }
 * ```
 */
export function buildWebGpuProgram(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  name: string,
  place: Partitioner<WebGpuUnit>,
): AsyncProgram {
  if (!navigatorGpu()) {
    throw new DeviceError(
      `${name}: device "webgpu" is not available: this runtime has no WebGPU (navigator.gpu is missing; ` +
        `Deno has it, Bun does not). Use device: "cpu", or "auto" to fall back to the CPU`,
    );
  }
  const sched = place(roots, outputs);
  // The CPU segments' programs (scan bodies' on the GPU included), for free().
  const hostPrograms: CpuProgram[] = [];
  const collect = (p: Schedule): void => {
    for (const step of p.steps) {
      if (step.kind === "host") hostPrograms.push(step.program);
      else if (step.kind === "scan") collect(step.inner);
    }
  };
  collect(sched);
  const { placement, outSlots } = sched;
  const rootSlots = roots.map((r) => sched.slots.get(r)!);
  const onCpu = placement.filter((p) => p.device === "cpu");
  if (onCpu.length) {
    console.warn(
      `hypatia: ${name} (device "webgpu"): ${onCpu.length} of ${placement.length} nodes run on the CPU, ` +
        `with transfers:\n` + onCpu.map((p) => `  ${p.label}: ${p.reason}`).join("\n"),
    );
  }

  let caches: DeviceCaches | undefined;
  let disposed = false;
  const device = async (): Promise<{ ctx: GpuContext; caches: DeviceCaches }> => {
    if (disposed) throw new InputError(`${name}: this function was disposed; compile it again to call it`);
    const ctx = await acquireDevice();
    if (caches?.ctx !== ctx) {
      caches?.release();
      caches = new DeviceCaches(ctx);
    }
    return { ctx, caches };
  };

  /** Run on host roots (plus device values), reading outputs back or keeping them. */
  const execute = async (
    ctx: GpuContext,
    c: DeviceCaches,
    rootValues: readonly (readonly [number, RootValue])[],
    wanted: readonly number[],
    keep: boolean,
    onUpload?: (slot: number, v: DevValue) => void,
    updates?: { targets: readonly (SharedVariable | null)[]; from: number },
  ): Promise<(NDArray | DeviceArray)[]> => {
    let call: WebGpuCall;
    try {
      call = new WebGpuCall(ctx);
    } catch (e) {
      for (const [, v] of rootValues) if (!("data" in v)) v.store.release();
      throw e;
    }
    const run = new ScheduleRun(sched, call, c, rootValues, onUpload);
    const foreign = new Set(rootValues.map(([, v]) => v));
    const hold: DevValue[] = []; // holds taken for updates, applied only if the call succeeds
    const made: DeviceArray[] = []; // outputs left on the device, disposed if it fails
    try {
      await run.execute();
      const slots = wanted.map((i) => outSlots[i]);
      if (!keep) await run.ensureHost(slots);
      const hostOut = (s: number) => {
        const h = run.host[s]!;
        return foreign.has(h) || sched.constants.has(s) ? h.copy() : h;
      };
      const results = slots.map((s) => {
        const d = run.dev[s];
        if (!keep) return hostOut(s);
        const a = d
          ? DeviceArray.fromStore(d.store.retain(), d.dtype, d.shape)
          : DeviceArray.fromHost(hostOut(s));
        made.push(a);
        return a;
      });
      let apply = () => {};
      if (updates) {
        const uSlots = updates.targets.map((_, k) => outSlots[updates.from + k]);
        const values = uSlots.map((s) => run.dev[s] ?? { host: hostOut(s), shape: run.host[s]!.shape });
        const pairs = checkUpdates(name, updates.targets, values);
        const ready = pairs.map(([t, v]) => {
          if ("host" in v) return () => t.setValue(v.host, { borrow: true });
          const d = v as DevValue, store = d.store.retain();
          hold.push(d);
          return () => {
            const rv = new ResidentValue(store, d.dtype, d.shape, t.describe(), undefined);
            t.storage.resident?.release?.();
            t.storage.resident = rv;
          };
        });
        apply = () => ready.forEach((f) => f());
      }
      run.cleanup();
      await call.finish(call.waited);
      apply();
      return results;
    } catch (e) {
      run.cleanup();
      call.abandon();
      for (const d of hold) d.store.release();
      for (const a of made) a.dispose();
      throw e instanceof HypatiaError ? e : Object.assign(
        new HypatiaError(`${name} on WebGPU failed: ${(e as Error)?.message ?? e}`),
        { cause: e },
      );
    }
  };

  const program: AsyncProgram = {
    roots,
    device: "webgpu",
    placement,
    async run(rootValues, wanted) {
      const { ctx, caches: c } = await device();
      const picked = wanted ?? outSlots.map((_, i) => i);
      return await execute(
        ctx,
        c,
        rootSlots.map((s, i) => [s, rootValues[i]] as const),
        picked,
        false,
      ) as NDArray[];
    },
    async call(req) {
      const { ctx, caches: c } = await device();
      const nIn = roots.length - req.shared.length;
      const rootValues: [number, RootValue][] = [];
      const taken: DevValue[] = [];
      try {
        req.inputs.forEach((v, i) => {
          const r = v instanceof DeviceArray ? v.valueFor(ctx, `${name}: argument ${i}`) : v as NDArray;
          if (!("data" in r)) taken.push(r);
          rootValues.push([rootSlots[i], r]);
        });
        req.shared.forEach((t, k) => {
          const r = t.storage.resident;
          let v: RootValue | undefined;
          if (r instanceof ResidentValue) {
            v = r.valueFor(ctx);
            if (v) taken.push(v);
            else {
              v = r.readSync();
              if (!v) {
                throw new DeviceError(
                  `${name}: shared variable ${t.describe()} lived on a GPU device that was lost (${
                    r.store.ctx.lost ?? "released"
                  }); its value is gone: set it again with setValue()`,
                );
              }
            }
          } else v = r ? t.getValue({ borrow: true }) : t.storage.value;
          rootValues.push([rootSlots[nIn + k], v]);
        });
      } catch (e) {
        for (const d of taken) d.store.release();
        throw e;
      }
      const sharedAt = new Map(req.shared.map((t, k) => [rootSlots[nIn + k], t]));
      const onUpload = (slot: number, v: DevValue) => {
        const t = sharedAt.get(slot);
        if (!t) return;
        // The variable becomes resident: later calls use this copy instead of uploading.
        const host = t.storage.value;
        t.storage.resident?.release?.();
        t.storage.resident = new ResidentValue(v.store.retain(), v.dtype, v.shape, t.describe(), host);
      };
      const wanted = [...Array(req.nOutputs).keys()];
      return await execute(ctx, c, rootValues, wanted, req.keep, onUpload, {
        targets: req.updates,
        from: req.nOutputs,
      });
    },
    acceptArgument: acceptDeviceArray,
    dispose() {
      disposed = true;
      caches?.release();
      caches = undefined;
    },
    free() {
      // A call in flight still uses the caches: they are freed when the last one settles.
      if (inFlight > 0) freeLater = true;
      else freeNow();
    },
  };
  let inFlight = 0, freeLater = false;
  const freeNow = () => {
    freeLater = false;
    caches?.release();
    caches = undefined;
    for (const p of hostPrograms) p.free();
  };
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await work();
    } finally {
      if (--inFlight === 0 && freeLater) freeNow();
    }
  };
  const { run, call } = program;
  program.run = (values, wanted) => counted(() => run(values, wanted));
  program.call = (req) => counted(() => call(req));
  return program;
}
