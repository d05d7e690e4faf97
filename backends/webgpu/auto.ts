/**
 * `device: "auto"`: WebGPU when a hardware adapter exists, otherwise the CPU. The
 * choice is made on the first call (finding an adapter is asynchronous), said once
 * per process on the console, and readable afterwards as the program's `device`.
 * A software (fallback) adapter such as Mesa's llvmpipe counts as no GPU here: it is
 * slower than the CPU backend. Ask for `device: "webgpu"` to use it anyway.
 * @module
 */
import type { NDArray } from "../../core/ndarray.ts";
import type { Variable } from "../../core/graph.ts";
import type { ProgramBuilder } from "../kernel.ts";
import { navigatorGpu, noteOnce, probeAdapter } from "./device.ts";
import { InputError } from "../../core/errors.ts";
import { DeviceArray } from "./device_array.ts";
import { labelOf, type Partitioner } from "../device_engine.ts";
import type { WebGpuUnit } from "./placement.ts";
import {
  acceptDeviceArray,
  type AsyncProgram,
  buildWebGpuProgram,
  type CallRequest,
  checkUpdates,
  type Placement,
} from "./program.ts";

const note = (message: string) => noteOnce("auto", `hypatia: device "auto": ${message}`);

/** The host program behind the asynchronous interface. */
function cpuAsync(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  why: string,
  host: ProgramBuilder,
): AsyncProgram {
  const program = host(roots, outputs);
  const placement: Placement[] = program.steps.map((s) => ({
    node: s.node,
    label: labelOf(s.node),
    device: "cpu",
    reason: why,
  }));
  const run = (values: readonly NDArray[], wanted?: readonly number[]) => {
    try {
      return Promise.resolve(program.run(values, wanted));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return {
    roots,
    device: "cpu",
    placement,
    run,
    async call(req: CallRequest) {
      // DeviceArrays and shared variables kept on a GPU by other functions are read back.
      const values: NDArray[] = [];
      for (const v of req.inputs) values.push(v instanceof DeviceArray ? await v.read() : v as NDArray);
      for (const s of req.shared) {
        values.push(
          s.storage.resident?.readSync?.() ?? (s.storage.resident ? await s.read() : s.storage.value),
        );
      }
      const wanted = [...Array(req.nOutputs).keys()];
      req.updates.forEach((t, k) => t && wanted.push(req.nOutputs + k));
      const results = program.run(values, wanted);
      const pairs = checkUpdates(req.name, req.updates.filter((t) => t), results.slice(req.nOutputs));
      for (const [t, v] of pairs) t.setValue(v, { borrow: true });
      const outs = results.slice(0, req.nOutputs);
      return req.keep ? outs.map((o) => DeviceArray.fromHost(o)) : outs;
    },
    acceptArgument: acceptDeviceArray,
    dispose() {},
    free: () => program.free(),
  };
}

/**
 * A program that picks WebGPU or the CPU on its first call: `place` partitions the graph
 * between the GPU and host segments, `host` builds the whole program on the CPU.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildAutoProgram } from "./auto.ts";
 * import { neg } from "../../ops/arith.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { buildHostProgram, placeOnWebGpu } from "../../compile/schedule.ts";
 * const x = fvector("x");
 * const p = buildAutoProgram([x], [neg(x)], "f", placeOnWebGpu, buildHostProgram);
 * assert(p.device === "auto");
 * const [y] = await p.run([asarray([2], { dtype: "float32" })]);
 * assert(y.data[0] === -2 && p.device !== "auto");
 * ```
 */
export function buildAutoProgram(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  name: string,
  place: Partitioner<WebGpuUnit>,
  host: ProgramBuilder,
): AsyncProgram {
  let chosen: AsyncProgram | undefined;
  let disposed = false;
  let decision: Promise<AsyncProgram> | undefined;
  const decide = () =>
    decision ??= (async () => {
      const found = navigatorGpu() ? await probeAdapter() : null;
      if (found && !found.summary.software) {
        chosen = buildWebGpuProgram(roots, outputs, name, place);
        note(`running on WebGPU (${found.summary.description})`);
      } else {
        const why = found
          ? `the only WebGPU adapter (${found.summary.description}) is a software fallback, slower than the CPU backend`
          : navigatorGpu()
          ? "no WebGPU adapter was found"
          : "this runtime has no WebGPU";
        chosen = cpuAsync(roots, outputs, why, host);
        note(`running on the CPU: ${why}${found ? ` (device: "webgpu" uses it anyway)` : ""}`);
      }
      return chosen;
    })();
  return {
    roots,
    get device() {
      return chosen?.device ?? "auto";
    },
    get placement() {
      return chosen?.placement ?? [];
    },
    run: async (values, wanted) => (chosen ?? await decide()).run(values, wanted),
    call: async (req) => {
      if (disposed) throw new InputError(`${name}: this function was disposed; compile it again to call it`);
      return (chosen ?? await decide()).call(req);
    },
    acceptArgument: acceptDeviceArray,
    dispose() {
      disposed = true;
      chosen?.dispose();
    },
    free() {
      chosen?.free();
    },
  };
}
