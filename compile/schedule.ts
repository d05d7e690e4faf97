/**
 * The backend-neutral scheduler: which engines run a compiled function, in what order
 * of preference, and the one Program interface the callable runs.
 *
 * Each device has an ordered list of engines; a node goes to the first engine of the
 * list whose lowering table has a rule for it (a miss sends it down the list), and the
 * JS engine, last on every list, runs whatever remains through the ops' reference rules.
 * On the host the engines are composed per node (a wasm kernel wraps the JS kernel it
 * falls back to at run time); on `webgpu` the partition step (partition.ts) asks the
 * WebGPU engine node by node and runs the rest in host segments of the host engines,
 * with explicit transfers between them, and a scan body is placed the same way,
 * recursively.
 * @module
 */
import type { DeviceName } from "../core/config.ts";
import type { Apply, Variable } from "../core/graph.ts";
import { stepsOf } from "../ops/fused.ts";
import type {
  CpuProgram,
  EngineMemory,
  HostEngines,
  Kernel,
  ProgramBuilder,
  Thunk,
} from "../backends/kernel.ts";
import { buildCpuProgram, jsEngine } from "../backends/cpu/program.ts";
import { wasmElementwise, wasmMemory } from "../backends/wasm/elemwise.ts";
import { hasSimd } from "../backends/wasm/features.ts";
import { beginRun } from "../backends/wasm/staging.ts";
import { wasmTable } from "../backends/wasm/table.ts";
import { type AsyncProgram, buildWebGpuProgram } from "../backends/webgpu/program.ts";
import { buildAutoProgram } from "../backends/webgpu/auto.ts";
import { webgpuEngine, type WebGpuUnit } from "../backends/webgpu/placement.ts";
import type { Partition } from "../backends/device_engine.ts";
import { partition } from "./partition.ts";
import { blasTable } from "../backends/blas/table.ts";
import { blasStatus } from "../backends/blas/library.ts";
import { config } from "../core/config.ts";

/** The engines of the library. */
export type EngineName = "webgpu" | "blas" | "wasm" | "js";

/**
 * Each device's engines, first choice first. `auto` is `webgpu` or `cpu`, picked at
 * the first call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENGINES } from "./schedule.ts";
 * assert.deepEqual(ENGINES.webgpu, ["webgpu", ...ENGINES.cpu]);
 * ```
 */
export const ENGINES: { readonly cpu: readonly EngineName[]; readonly webgpu: readonly EngineName[] } = {
  cpu: ["blas", "wasm", "js"],
  webgpu: ["webgpu", "blas", "wasm", "js"],
};

/** A host engine as the scheduler composes it with the engines after it in a device's list. */
interface HostEngine {
  /** Its kernel for an elementwise or fused node, running `next` where it does not apply; undefined: none. */
  elementwise?(node: Apply, next: Thunk, describe: () => string): Thunk | undefined;
  /**
   * Its kernel for another node, running `next` (undefined: the op's reference rule) for
   * the cases it does not take at run time; undefined when it has none for the node.
   */
  kernel(node: Apply, next: Kernel | undefined, build: ProgramBuilder): Kernel | undefined;
  /** Opens a run (the wasm engine stages large inputs once per run). */
  beginRun?: HostEngines["beginRun"];
  /** Memory it lends the host program for intermediates. */
  memory?: EngineMemory;
}

const HOST: Record<Exclude<EngineName, "webgpu">, HostEngine> = {
  // Last on every list: its table's kernels, else the reference rule (`jsEngine`).
  js: { kernel: (node, _next, build) => jsEngine.kernel(node, build) },
  // The system's BLAS through FFI, when opened: matrix products on the operands' own memory.
  blas: {
    kernel(node, next) {
      const rule = blasTable.get(node.op)?.kernel;
      if (!rule) return undefined;
      const fallback: Kernel = next ?? ((vals) => node.op.perform!(vals, node.params, node));
      const k = rule(node, fallback);
      return k === fallback ? undefined : k; // the node does not suit the engine
    },
  },
  wasm: {
    elementwise(node, next, describe) {
      const { steps, output } = stepsOf(node);
      return wasmElementwise(node, steps, output, next, describe);
    },
    kernel(node, next) {
      const rule = wasmTable.get(node.op)?.kernel;
      if (!rule) return undefined;
      const fallback: Kernel = next ?? ((vals) => node.op.perform!(vals, node.params, node));
      const k = rule(node, fallback);
      return k === fallback ? undefined : k; // the node does not suit the engine
    },
    beginRun,
    memory: wasmMemory,
  },
};

/** The host engines of `names` (first choice first) as the host program sees them. */
function composeHost(names: readonly EngineName[]): HostEngines {
  const list = names.flatMap((n) => (n === "webgpu" ? [] : [HOST[n]]));
  const runs = list.flatMap((e) => (e.beginRun ? [e.beginRun] : []));
  return {
    elementwise(node, loop, describe) {
      let k = loop;
      for (let i = list.length - 1; i >= 0; i--) k = list[i].elementwise?.(node, k, describe) ?? k;
      return k;
    },
    kernel(node, build) {
      let k: Kernel | undefined;
      for (let i = list.length - 1; i >= 0; i--) k = list[i].kernel(node, k, build) ?? k;
      return k;
    },
    beginRun: runs.length === 1 ? runs[0] : (foreign, shared) => {
      const scopes = runs.map((begin) => begin(foreign, shared));
      return { end: () => scopes.forEach((s) => s.end()) };
    },
    memory: list.find((e) => e.memory)?.memory,
  };
}

/**
 * The host engines of `device: "cpu"` (BLAS in front of wasm in front of JS): a node
 * runs on the first engine whose table has a rule for it and that takes the node (BLAS:
 * a library opened, float products of one dtype; wasm: float lanes, engine on), else
 * on JS. The wasm engine also lends its memory for intermediates and stages large
 * inputs once per run.
 */
export const hostEngines: HostEngines = composeHost(ENGINES.cpu);

/** The host engines of a WebGPU function's CPU segments: its list after the GPU. */
const webgpuHost = composeHost(ENGINES.webgpu);

/**
 * A host program computing `outputs` from `roots` with the host engines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildHostProgram } from "./schedule.ts";
 * import { exp } from "../ops/exp_log.ts";
 * import { dvector } from "../ops/constructors.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const x = dvector("x");
 * const [y] = buildHostProgram([x], [exp(x)]).run([asarray([0])]);
 * assert.equal(y.data[0], 1);
 * ```
 */
export function buildHostProgram(roots: readonly Variable[], outputs: readonly Variable[]): CpuProgram {
  return buildCpuProgram(roots, outputs, hostEngines);
}

/** The host programs of a WebGPU function's CPU segments. */
const webgpuHostProgram: ProgramBuilder = (roots, outputs) => buildCpuProgram(roots, outputs, webgpuHost);

/**
 * The graph computing `outputs` from `roots` split between the WebGPU engine and host
 * segments run by the engines after it in the webgpu list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeOnWebGpu } from "./schedule.ts";
 * import { exp } from "../ops/exp_log.ts";
 * import { cast } from "../ops/cast.ts";
 * import { fvector } from "../ops/constructors.ts";
 * const x = fvector("x");
 * const p = placeOnWebGpu([x], [cast(exp(x), "float64")]);
 * assert.deepEqual(p.placement.map((q) => q.device), ["webgpu", "cpu"]);
 * assert.deepEqual(p.steps.map((s) => s.kind), ["gpu", "host"]);
 * ```
 */
export function placeOnWebGpu(
  roots: readonly Variable[],
  outputs: readonly Variable[],
): Partition<WebGpuUnit> {
  return partition(roots, outputs, webgpuEngine, webgpuHostProgram);
}

/** A program whose calls return their results: the host engines only (`device: "cpu"`). */
export interface SyncProgram extends CpuProgram {
  readonly sync: true;
}

/** A program whose calls return Promises (`device: "webgpu"` or `"auto"`). */
export interface AsyncRunner extends AsyncProgram {
  readonly sync: false;
}

/** What a compiled function runs; `sync` says which kind it is. */
export type Program = SyncProgram | AsyncRunner;

/**
 * Schedule `outputs` (computed from `roots`) on `device`'s engines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildProgram } from "./schedule.ts";
 * import { neg } from "../ops/arith.ts";
 * import { dvector } from "../ops/constructors.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const x = dvector("x");
 * const p = buildProgram("cpu", [x], [neg(x)], "f");
 * if (!p.sync) throw new Error("a CPU program runs synchronously");
 * assert.equal(p.run([asarray([2])])[0].data[0], -2);
 * ```
 */
export function buildProgram(
  device: DeviceName,
  roots: readonly Variable[],
  outputs: readonly Variable[],
  name: string,
): Program {
  if (device === "cpu") return Object.assign(buildHostProgram(roots, outputs), { sync: true as const });
  // auto's CPU fallback is the cpu device's list; its WebGPU choice, the webgpu list.
  const program = device === "webgpu"
    ? buildWebGpuProgram(roots, outputs, name, placeOnWebGpu)
    : buildAutoProgram(roots, outputs, name, placeOnWebGpu, buildHostProgram);
  return Object.assign(program, { sync: false as const });
}

/** Which host engines functions compiled now run on, and the BLAS library or why there is none. */
export interface EngineReport {
  /** The host engines in use, first choice first (`js` always last). */
  readonly cpu: readonly EngineName[];
  /** The BLAS library opened (with its build line), or why the BLAS engine is off. */
  readonly blas: string;
}

/**
 * Which engines a CPU function compiled now runs on: the library's one answer to "did
 * it find my BLAS?" (nothing is printed; ask this). BLAS is listed when a library was
 * opened (`HYPATIA_BLAS`, FFI permitted) and `config.blas` is on; wasm when the runtime
 * has WebAssembly SIMD and `config.wasm` is on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const report = T.engineReport();
 * assert.equal(report.cpu.at(-1), "js");
 * assert(report.blas.length > 0); // the library opened, or why none was
 * ```
 */
export function engineReport(): EngineReport {
  const status = blasStatus();
  const on: Record<Exclude<EngineName, "webgpu">, boolean> = {
    blas: config.blas && status.blas !== undefined,
    wasm: config.wasm && hasSimd(),
    js: true,
  };
  const blas = status.blas && !config.blas ? `${status.reason}, but config.blas is false` : status.reason;
  return { cpu: ENGINES.cpu.filter((e) => e !== "webgpu" && on[e]), blas };
}
