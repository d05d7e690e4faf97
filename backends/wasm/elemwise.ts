/**
 * Fused elementwise groups compiled at run time to WebAssembly SIMD: one module per
 * group expression (cached by its key), a loop over v128 vectors that loads each
 * full input, computes every step through its vector rule (table.ts) and stores
 * the result. A group qualifies when every step computes in one float dtype (float32
 * -> f32x4, float64 -> f64x2), every step's op has a lowering, and each input is
 * either read whole in that dtype or is a single value (splatted); inputs broadcast
 * along some axes keep the JS loop, as does everything else.
 *
 * Data moves through the arena in chunks: each chunk of every input is copied in,
 * the kernel runs, the chunk of the result is copied out, so the working set stays
 * in cache and the output may be the buffer of an input that dies here.
 * @module
 */
import { config } from "../../core/config.ts";
import type { DType } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply, TensorType } from "../../core/graph.ts";
import { fusedKey, type FusedStep } from "../../ops/fused.ts";
import { type Binding, type BoundKernel, type EngineMemory, shapeRule, type Thunk } from "../kernel.ts";
import { type Lane, LANES } from "./asm.ts";
import { F32, F64, I32, ModuleBuilder, V128 } from "./emitter.ts";
import { fastRelaxedMadd, hasSimd } from "./features.ts";
import { lowerSteps } from "./lower.ts";
import { wasmTable } from "./table.ts";
import { arena } from "./memory.ts";
import { residentOffset } from "./staging.ts";
import { engineBuffer, engineCanKeep, engineOffset, releaseEngineBuffer } from "./engine_array.ts";
import { VecWriter } from "./vmath.ts";
import { usableThreads } from "./matmul.ts";
import { jobsFor, type KernelModule, kernelModule, runParallel, workersCanRun } from "./threads.ts";

/**
 * Tunables: groups shorter than `minLength` run the JS loop; `chunk` elements per copy;
 * `fma` lets polynomials use relaxed SIMD's multiply-add (default: `fastRelaxedMadd()`);
 * `cheapGroups` also takes groups of cheap arithmetic only (off: see WasmRule's `costly`);
 * groups of at least `parallelLength` elements are split across threads
 * (`config.threads`).
 */
export const elementwiseOptions: {
  minLength: number;
  chunk: number;
  fma: boolean | undefined;
  cheapGroups: boolean;
  parallelLength: number;
} = { minLength: 64, chunk: 65536, fma: undefined, cheapGroups: false, parallelLength: 1 << 17 };

/**
 * The engine's memory as the host program's buffer pool borrows it for intermediates
 * (backends/cpu/pool.ts): float buffers of at least `elementwiseOptions.minLength`
 * elements in the arena, while the engine is on (`config.wasm`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmMemory } from "./elemwise.ts";
 * const b = wasmMemory.buffer("float64", 100);
 * assert(b === undefined || (b.length === 100 && wasmMemory.canKeep()));
 * ```
 */
export const wasmMemory: EngineMemory = {
  get minLength() {
    return elementwiseOptions.minLength;
  },
  buffer: (dtype, n) => (config.wasm ? engineBuffer(dtype, n) : undefined),
  canKeep: () => config.wasm && engineCanKeep(),
  release: (buf) => void releaseEngineBuffer(buf),
};

/**
 * How many node evaluations ran in WebAssembly, how many of them split across threads,
 * and how many wrote their output in place in engine memory (a pooled intermediate).
 */
export const elementwiseStats: { runs: number; splitRuns: number; inPlaceRuns: number } = {
  runs: 0,
  splitRuns: 0,
  inPlaceRuns: 0,
};

const LANE_OF: Partial<Record<DType, Lane>> = { float32: "f32", float64: "f64" };

/** Whether an input of type `t` is read whole ("full") or as one value ("scalar"); else null. */
function accessOf(t: TensorType, out: readonly (number | null)[]): "full" | "scalar" | null {
  const pad = out.length - t.ndim;
  let bcast = 0, full = 0;
  for (let d = 0; d < out.length; d++) {
    const s = d < pad ? 1 : t.shape[d - pad];
    if (s === 1 && out[d] !== 1) bcast++;
    else if (out[d] !== 1) full++;
  }
  if (bcast === 0) return "full";
  return full === 0 ? "scalar" : null;
}

/** Kernel signature: (nvec, out, ...fullPtrs, ...scalars). */
type KernelFn = (...args: number[]) => void;
/** A compiled group: its function here, and its module for the workers. */
interface Kernel {
  fn: KernelFn;
  module: KernelModule;
}
const kernels = new Map<string, Kernel>();

function buildKernel(
  lane: Lane,
  steps: readonly FusedStep[],
  output: number,
  access: ("full" | "scalar")[],
  fma: boolean,
): Kernel {
  const L = LANES[lane];
  const fulls = access.flatMap((a, i) => (a === "full" ? [i] : []));
  const scalars = access.flatMap((a, i) => (a === "scalar" ? [i] : []));
  const params = [I32, I32, ...fulls.map(() => I32), ...scalars.map(() => (lane === "f32" ? F32 : F64))];
  const a = arena();
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func(params, [], (c) => {
    const w = new VecWriter(c, L, fma);
    const nvec = 0, out = 1;
    const ptr = (j: number) => 2 + j;
    const vals: number[] = new Array(access.length);
    scalars.forEach((i, j) => {
      c.get(2 + fulls.length + j).op(`${L.v}.splat`);
      vals[i] = w.let();
    });
    // One vector at byte offset `off` of every pointer (fresh locals for each copy).
    const vector = (off: number) => {
      const v = vals.slice();
      for (const i of fulls) v[i] = c.local(V128);
      fulls.forEach((i, j) => c.get(ptr(j)).mem("v128.load", off, 0).set(v[i]));
      const stepVals = lowerSteps(w, steps, v, wasmTable);
      c.get(out).get(stepVals[output]).mem("v128.store", off, 0);
    };
    const advance = (vectors: number) => {
      c.get(out).i32(16 * vectors).op("i32.add").set(out);
      fulls.forEach((_, j) => c.get(ptr(j)).i32(16 * vectors).op("i32.add").set(ptr(j)));
      c.get(nvec).i32(vectors).op("i32.sub").set(nvec);
    };
    // Two vectors per iteration (independent work for the out-of-order core), then one.
    c.block(() =>
      c.loop(() => {
        c.get(nvec).i32(2).op("i32.lt_s").brIf(1);
        vector(0);
        vector(16);
        advance(2);
        c.br(0);
      })
    );
    c.get(nvec).if(() => vector(0));
    w.finish();
  }, "k");
  const bytes = mb.build();
  return { fn: a.instantiate(bytes).k as KernelFn, module: kernelModule(bytes) };
}

/** A group the engine takes: its compiled kernel and how each input is read. */
interface Group {
  dtype: DType;
  lane: Lane;
  access: ("full" | "scalar")[];
  /** Inputs read whole, and inputs read as one value (the kernel's arguments in that order). */
  fulls: number[];
  scalars: number[];
  kernel: KernelFn;
  module: KernelModule;
  /** Whether the workers can run the kernel (a split across threads). */
  splittable: boolean;
}

/** The group of an elementwise node, compiled (cached), or undefined when the engine does not take it. */
function groupOf(node: Apply, steps: readonly FusedStep[], output: number): Group | undefined {
  if (!config.wasm || !hasSimd()) return undefined;
  const outType = node.outputs[0].type, dtype = outType.dtype, lane = LANE_OF[dtype];
  if (!lane) return undefined;
  if (!steps.every((s) => s.input === dtype && s.out === dtype && wasmTable.get(s.op)?.vector)) {
    return undefined;
  }
  if (!elementwiseOptions.cheapGroups && !steps.some((s) => wasmTable.get(s.op)!.costly)) return undefined;
  const access: ("full" | "scalar")[] = [];
  for (const v of node.inputs) {
    const a = accessOf(v.type, outType.shape);
    if (!a || (a === "full" && v.dtype !== dtype) || v.dtype === "bool") return undefined;
    access.push(a);
  }
  const fma = elementwiseOptions.fma ?? fastRelaxedMadd();
  const key = `${lane}|${fma}|${fusedKey(steps, output)}|${access.join(",")}`;
  let compiled = kernels.get(key);
  if (!compiled) kernels.set(key, compiled = buildKernel(lane, steps, output, access, fma));
  return {
    dtype,
    lane,
    access,
    fulls: access.flatMap((a, i) => (a === "full" ? [i] : [])),
    scalars: access.flatMap((a, i) => (a === "scalar" ? [i] : [])),
    kernel: compiled.fn,
    module: compiled.module,
    splittable: workersCanRun(compiled.module, 2 + access.length),
  };
}

/**
 * A WebAssembly thunk for an elementwise node given its fused-step view, or undefined
 * when the group does not qualify (or `config.wasm` is off, or there is no SIMD).
 * `fallback` (the JS loop) runs groups shorter than `elementwiseOptions.minLength`
 * and any call the arena cannot hold; `describe` names the node in shape errors. The
 * thunk's `bindTo` binds the same group to fixed arrays (a scan body's fixed run,
 * `CpuProgram.fix`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmElementwise } from "./elemwise.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * import { dvector } from "../../ops/constructors.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * const node = expOp.make([dvector("x")], null);
 * const steps = [{ op: expOp, args: [0], input: "float64" as const, out: "float64" as const }];
 * const thunk = wasmElementwise(node, steps, 0, () => [])!;
 * const x = new NDArray("float64", [100], new Float64Array(100).fill(1));
 * const pool = { take: (_dtype: string, n: number) => new Float64Array(n), give() {} };
 * assert(Math.abs(thunk([x], pool)[0].data[99] - Math.E) < 1e-15);
 * ```
 */
export function wasmElementwise(
  node: Apply,
  steps: readonly FusedStep[],
  output: number,
  fallback: Thunk,
  describe: () => string = () => node.where(),
): Thunk | undefined {
  const g = groupOf(node, steps, output);
  if (!g) return undefined;
  const { dtype, lane, access, kernel, module, splittable, fulls, scalars } = g;
  const inTypes = node.inputs.map((v) => v.type), outType = node.outputs[0].type;
  const L = LANES[lane], S = L.size;
  const shapeOf = shapeRule(inTypes, outType.ndim, describe);
  // The kernel's arguments (nvec, out, ...inputs, ...scalars) and the per-input lists,
  // refilled on each call (a program never re-enters one of its nodes).
  const args: number[] = new Array(2 + access.length).fill(0);
  const inData: (Float32Array | Float64Array)[] = new Array(fulls.length);
  const resident: number[] = new Array(fulls.length);
  const slots: number[] = new Array(fulls.length);
  const scalarArgs: number[] = new Array(scalars.length);
  const thunk: Thunk = (vals, pool) => {
    const shape = shapeOf(vals);
    let n = 1;
    for (const d of shape) n *= d;
    if (n < elementwiseOptions.minLength) return fallback(vals, pool);
    elementwiseStats.runs++;
    for (let j = 0; j < fulls.length; j++) {
      const d = inData[j] = vals[fulls[j]].data as Float32Array | Float64Array;
      // Inputs already in the arena (a shared value's mirror, a run's staged copy) are read in place.
      resident[j] = d.length === n ? residentOffset(d, S as 4 | 8) : -1;
    }
    const buf = pool.take(dtype, n) as Float32Array | Float64Array;
    for (let j = 0; j < scalars.length; j++) scalarArgs[j] = vals[scalars[j]].data[0];
    const threads = splittable && n >= elementwiseOptions.parallelLength ? usableThreads() : 1;
    if (threads > 1 && runSplit(lane, kernel, module, threads, inData, resident, scalarArgs, buf)) {
      return [new NDArray(dtype, shape, buf)];
    }
    // An output in the engine's memory (an intermediate from the pool) is written in
    // place: its block is padded to 64 bytes, so the last whole vector fits.
    const direct = engineOffset(buf, S as 4 | 8);
    if (direct >= 0) elementwiseStats.inPlaceRuns++;
    const ar = arena(), mark = ar.mark();
    const CH = Math.min(elementwiseOptions.chunk, Math.ceil(n / L.lanes) * L.lanes);
    const outAt = direct >= 0 ? direct : ar.alloc(CH * S);
    let room = outAt >= 0;
    for (let j = 0; j < fulls.length; j++) {
      slots[j] = resident[j] >= 0 ? resident[j] : ar.alloc(CH * S);
      room &&= slots[j] >= 0;
    }
    if (!room) {
      ar.release(mark);
      pool.give(buf);
      return fallback(vals, pool);
    }
    for (let j = 0; j < scalars.length; j++) args[2 + fulls.length + j] = scalarArgs[j];
    try {
      for (let o = 0; o < n; o += CH) {
        const len = Math.min(CH, n - o);
        for (let j = 0; j < inData.length; j++) {
          const d = inData[j];
          if (resident[j] >= 0) args[2 + j] = resident[j] + o * S;
          else {
            ar.write(d, o, len, slots[j], S as 4 | 8);
            args[2 + j] = slots[j];
          }
        }
        args[0] = Math.ceil(len / L.lanes);
        args[1] = direct >= 0 ? direct + o * S : outAt;
        kernel.apply(undefined, args);
        if (direct < 0) ar.read(outAt, len, S as 4 | 8, buf, o);
      }
    } finally {
      ar.release(mark);
    }
    return [new NDArray(dtype, shape, buf)];
  };
  thunk.bindTo = (ins, outs, loop) => (loop ? bindGroup(g, ins, outs, loop) : "generic");
  return thunk;
}

/**
 * Group `g` bound to fixed arrays (the thunk's `bindTo`): each call copies the inputs
 * into the arena, calls the kernel once and copies the result out. Undefined where the
 * thunk runs the JS loop (too short), "generic" for arrays longer than one of its chunks;
 * `loop` (the JS loop, bound) runs a call the arena has no room for, as the thunk does.
 */
function bindGroup(g: Group, ins: readonly NDArray[], outs: readonly NDArray[], loop: BoundKernel): Binding {
  const out = outs[0].data as Float32Array | Float64Array, n = out.length;
  if (n < elementwiseOptions.minLength) return undefined;
  // Longer arrays run as the thunk runs them (in chunks, or split across threads): the
  // arena need not hold them whole, and a call's overhead is small beside their work.
  if (n > elementwiseOptions.chunk) return "generic";
  const { kernel, fulls, scalars } = g;
  const L = LANES[g.lane], S = L.size as 4 | 8, bytes = Math.ceil(n / L.lanes) * 16;
  const inData = fulls.map((i) => ins[i].data as Float32Array | Float64Array);
  const scalarData = scalars.map((i) => ins[i].data);
  const args: number[] = new Array(2 + fulls.length + scalars.length).fill(0);
  args[0] = Math.ceil(n / L.lanes);
  return () => {
    const ar = arena(), mark = ar.mark();
    try {
      const outAt = ar.alloc(bytes);
      let room = outAt >= 0;
      for (let j = 0; j < inData.length && room; j++) {
        const at = ar.alloc(bytes);
        room = at >= 0;
        // `set` over the whole-memory view: inside this closure the arena's short-copy
        // loops cost six times as much (a view of a growable shared memory).
        if (room) (S === 8 ? ar.all64() : ar.all32()).set(inData[j], (args[2 + j] = at) / S);
      }
      if (!room) return loop();
      for (let j = 0; j < scalarData.length; j++) args[2 + fulls.length + j] = scalarData[j][0];
      args[1] = outAt;
      elementwiseStats.runs++;
      kernel.apply(undefined, args);
      out.set((S === 8 ? ar.all64() : ar.all32()).subarray(outAt / S, outAt / S + n));
    } finally {
      ar.release(mark);
    }
  };
}

/**
 * Run a group over whole arrays split across `threads` threads: the vectors are cut
 * into jobs that this thread and the workers claim; this thread copies each job's
 * inputs in just before releasing it (so workers start while later inputs are still
 * being copied) and copies each job's result out into `out` as soon as it is done.
 * Inputs already in the arena are read in place. Returns false (having done nothing)
 * when the arena cannot hold the whole arrays; the caller then runs the chunked
 * single-thread loop.
 */
function runSplit(
  lane: Lane,
  kernel: KernelFn,
  module: KernelModule,
  threads: number,
  inData: (Float32Array | Float64Array)[],
  resident: number[],
  scalars: number[],
  out: Float32Array | Float64Array,
): boolean {
  const L = LANES[lane], S = L.size, n = out.length, nvec = Math.ceil(n / L.lanes);
  const ar = arena(), mark = ar.mark();
  try {
    const outAt = ar.alloc(nvec * 16);
    const slots = resident.map((r) => (r >= 0 ? r : ar.alloc(nvec * 16)));
    if (outAt < 0 || slots.some((s) => s < 0)) return false;
    const parts = jobsFor(threads, nvec);
    const step = Math.ceil(nvec / parts);
    const jobs: number[][] = [], starts: number[] = [];
    for (let v = 0; v < nvec; v += step) {
      const at = 16 * v;
      starts.push(v * L.lanes);
      jobs.push([Math.min(step, nvec - v), outAt + at, ...slots.map((s) => s + at), ...scalars]);
    }
    const end = (i: number) => (i + 1 < starts.length ? starts[i + 1] : n);
    runParallel(lane, module, jobs, threads - 1, (args) => kernel(...args), undefined, {
      before(i) {
        inData.forEach((d, j) => {
          if (resident[j] < 0) {
            ar.write(d, starts[i], end(i) - starts[i], slots[j] + starts[i] * S, S as 4 | 8);
          }
        });
      },
      after(i) {
        ar.read(outAt + starts[i] * S, end(i) - starts[i], S as 4 | 8, out, starts[i]);
      },
    });
    elementwiseStats.splitRuns++;
    return true;
  } finally {
    ar.release(mark);
  }
}
