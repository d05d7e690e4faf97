/**
 * The WebGPU program: the optimised graph's schedule split into GPU kernels (one per
 * elementwise or fused node with a WGSL lowering) and CPU segments (runs of nodes that
 * WGSL cannot do: float64, int64, non-elementwise ops), with explicit transfers at the
 * boundaries. A call uploads its inputs into pooled buffers, records every dispatch in
 * one command encoder, submits once, and maps the outputs back. A CPU segment that
 * reads a GPU value forces a submit and a readback at that point.
 * @module
 */
import { DeviceError, HypatiaError } from "../../core/errors.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/variable.ts";
import { Constant, type Variable } from "../../core/variable.ts";
import { cloneReplace, toposort } from "../../core/walk.ts";
import { fusedOp, type FusedParams } from "../../ops/fused.ts";
import { broadcastRuntime } from "../cpu/elemwise_codegen.ts";
import { buildCpuProgram, type CpuProgram } from "../cpu/program.ts";
import {
  dispatchSize,
  type KernelSpec,
  kernelSpecOf,
  lowerElementwise,
  uniformWords,
  type WgslKernel,
} from "./codegen.ts";
import { acquireDevice, type GpuContext, navigatorGpu, pipelineFor } from "./device.ts";
import { type GpuValue, WebGpuCall } from "./call.ts";
import type { GpuComputePipeline } from "./gpu_types.ts";

/** Where one node of the optimised graph runs, and why when it is not the GPU. */
export interface Placement {
  node: Apply;
  /** The node as pp prints it, with its output dtype. */
  label: string;
  device: "webgpu" | "cpu";
  reason?: string;
}

/** A program whose calls are asynchronous: WebGPU, or `device: "auto"` whichever it picks. */
export interface AsyncProgram {
  readonly roots: readonly Variable[];
  /** The device that runs it; "auto" until an auto program has decided. */
  readonly device: "webgpu" | "cpu" | "auto";
  /** Where each node runs (empty until an auto program has decided). */
  readonly placement: readonly Placement[];
  run(rootValues: readonly NDArray[], wanted?: readonly number[]): Promise<NDArray[]>;
}

/** WebGPU's guaranteed storage buffers per shader stage; a kernel binds its inputs and output. */
const MAX_STORAGE_BUFFERS = 8;

interface GpuUnit {
  kind: "gpu";
  node: Apply;
  spec: KernelSpec;
  kernel: WgslKernel;
  ins: number[];
  out: number;
  dying: number[];
}

interface CpuUnit {
  kind: "cpu";
  nodes: Apply[];
  program: CpuProgram;
  ins: number[];
  outs: number[];
  dying: number[];
}

function labelOf(node: Apply): string {
  const args = node.inputs.map((v) =>
    v.name ?? (v instanceof Constant && v.value.size === 1 ? String(v.value.data[0]) : `<${v.dtype}>`)
  );
  let s: string;
  try {
    s = node.op.format ? node.op.format(args, node.params, node) : `${node.op.name}(${args.join(", ")})`;
  } catch {
    s = node.op.name;
  }
  return `${s} :: ${node.outputs.map((o) => o.dtype).join(", ")}`;
}

/** Decide a node's device: the GPU when it is elementwise and lowers to WGSL. */
function place(node: Apply): { kernel?: WgslKernel; spec?: KernelSpec; reason?: string } {
  if (!node.op.scalar && node.op !== fusedOp) {
    return {
      reason: `${node.op.name} has no WebGPU kernel in this backend yet` +
        (node.op.noWgsl ? ` (${node.op.noWgsl})` : ""),
    };
  }
  const spec = kernelSpecOf(node);
  const lowered = lowerElementwise(spec);
  if ("reason" in lowered) return { reason: lowered.reason };
  if (lowered.buffers.length + 1 > MAX_STORAGE_BUFFERS) {
    return {
      reason: `it reads ${lowered.buffers.length} arrays; WebGPU guarantees ${MAX_STORAGE_BUFFERS - 1}`,
    };
  }
  return { kernel: lowered, spec };
}

/**
 * A fused node that cannot run on the GPU as a whole (one of its steps computes in
 * float64, say) is split back into its steps, so each step lands where it can run.
 * Returns the outputs of the rewritten graph (the same variables when nothing splits).
 */
function splitUnlowerable(outputs: readonly Variable[], stopAt: ReadonlySet<Variable>): Variable[] {
  const replace = new Map<Variable, Variable>();
  for (const node of toposort(outputs, stopAt)) {
    if (node.op !== fusedOp || !("reason" in lowerElementwise(kernelSpecOf(node)))) continue;
    const p = node.params as FusedParams;
    const refs: Variable[] = [...node.inputs];
    for (const s of p.steps) refs.push(s.op.make(s.args.map((a) => refs[a]), null, node.origin).outputs[0]);
    const result = refs[node.inputs.length + p.output];
    if (result.type.equals(node.outputs[0].type)) replace.set(node.outputs[0], result);
  }
  return replace.size ? cloneReplace(outputs, replace) : [...outputs];
}

/**
 * Build a WebGPU program computing `outputs` from `roots` (inputs and shared
 * variables). `name` is used in the placement note printed when some nodes stay on the CPU.
 *
 * @example
 * ```ts
 * import { buildWebGpuProgram } from "./program.ts";
 * import { navigatorGpu } from "./device.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const x = fvector("x");
 *   const p = buildWebGpuProgram([x], [exp(x)]);
 *   const [y] = await p.run([asarray([0], { dtype: "float32" })]).catch(() => [undefined]);
 *   if (y) console.assert(y.data[0] === 1);
 * }
 * ```
 */
export function buildWebGpuProgram(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  name = "function",
): AsyncProgram {
  if (!navigatorGpu()) {
    throw new DeviceError(
      `${name}: device "webgpu" is not available: this runtime has no WebGPU (navigator.gpu is missing; ` +
        `Deno has it, Bun does not). Use device: "cpu", or "auto" to fall back to the CPU`,
    );
  }
  const slot = new Map<Variable, number>();
  const template: (NDArray | undefined)[] = [];
  const slotOf = (v: Variable): number => {
    let s = slot.get(v);
    if (s === undefined) {
      s = template.length;
      slot.set(v, s);
      template.push(v instanceof Constant ? v.value : undefined);
    }
    return s;
  };
  roots.forEach(slotOf);
  const rootSet = new Set(roots);
  outputs = splitUnlowerable(outputs, rootSet);
  const nodes = toposort(outputs, rootSet);
  const placement: Placement[] = [];
  const units: (GpuUnit | CpuUnit)[] = [];
  let run: Apply[] = [];
  const flushCpu = () => {
    if (run.length) {
      units.push({ kind: "cpu", nodes: run, program: undefined!, ins: [], outs: [], dying: [] });
    }
    run = [];
  };
  for (const node of nodes) {
    const p = place(node);
    placement.push({ node, label: labelOf(node), device: p.kernel ? "webgpu" : "cpu", reason: p.reason });
    if (!p.kernel) {
      run.push(node);
      continue;
    }
    flushCpu();
    units.push({
      kind: "gpu",
      node,
      spec: p.spec!,
      kernel: p.kernel,
      ins: node.inputs.map(slotOf),
      out: slotOf(node.outputs[0]),
      dying: [],
    });
  }
  flushCpu();
  const outSlots = outputs.map(slotOf);

  // CPU segments: their inputs come from outside the segment, their outputs are read later.
  const lastReader = new Map<Variable, number>();
  units.forEach((u, k) => {
    for (const n of u.kind === "gpu" ? [u.node] : u.nodes) for (const i of n.inputs) lastReader.set(i, k);
  });
  for (const o of outputs) lastReader.set(o, Infinity);
  units.forEach((u, k) => {
    if (u.kind !== "cpu") return;
    const produced = new Set(u.nodes.flatMap((n) => n.outputs));
    const ext = [...new Set(u.nodes.flatMap((n) => n.inputs))]
      .filter((v) => !produced.has(v) && !(v instanceof Constant));
    const outs = [...produced].filter((v) => (lastReader.get(v) ?? -1) > k);
    u.program = buildCpuProgram(ext, outs);
    u.ins = ext.map(slotOf);
    u.outs = outs.map(slotOf);
  });

  // Device buffers of values no later unit reads go back to the call's free list.
  const keep = new Set(outSlots);
  const last = new Map<number, number>();
  units.forEach((u, i) => u.ins.forEach((x) => last.set(x, i)));
  for (const [x, i] of last) if (!keep.has(x)) units[i].dying.push(x);

  const onCpu = placement.filter((p) => p.device === "cpu");
  if (onCpu.length) {
    console.warn(
      `hypatia: ${name} (device "webgpu"): ${onCpu.length} of ${placement.length} nodes run on the CPU, ` +
        `with transfers:\n` + onCpu.map((p) => `  ${p.label}: ${p.reason}`).join("\n"),
    );
  }

  let prepared: { ctx: GpuContext; pipelines: GpuComputePipeline[] } | undefined;
  const gpuUnits = units.filter((u): u is GpuUnit => u.kind === "gpu");
  const prepare = async (ctx: GpuContext) => {
    if (prepared?.ctx !== ctx) {
      const pipelines = await Promise.all(gpuUnits.map((u) => pipelineFor(ctx, u.kernel.source)));
      prepared = { ctx, pipelines };
    }
    return prepared.pipelines;
  };
  const pipelineOf = new Map(gpuUnits.map((u, k) => [u, k]));
  const nSlots = template.length;
  const rootSlots = roots.map((r) => slot.get(r)!);

  return {
    roots,
    device: "webgpu",
    placement,
    async run(rootValues, wanted) {
      const ctx = await acquireDevice();
      const pipelines = await prepare(ctx);
      const call = new WebGpuCall(ctx);
      const host: (NDArray | undefined)[] = template.slice();
      host.length = nSlots;
      const dev: (GpuValue | undefined)[] = new Array(nSlots);
      const foreign = new Set<NDArray>();
      rootSlots.forEach((s, i) => (host[s] = rootValues[i]));
      for (const v of host) if (v) foreign.add(v);
      const shapeOf = (s: number) => (host[s] ?? dev[s]!).shape;
      try {
        for (const u of units) {
          if (u.kind === "gpu") {
            const shape = broadcastRuntime(
              u.ins.map(shapeOf),
              u.node.inputs.map((v) => v.type),
              u.spec.outShape.length,
              () => `${u.node.where()} on WebGPU`,
            );
            const n = shape.reduce((a, b) => a * b, 1);
            if (n === 0) {
              host[u.out] = new NDArray(u.spec.outDtype, shape);
            } else {
              const bufs = u.kernel.buffers.map((i) => {
                const s = u.ins[i];
                return (dev[s] ??= call.upload(host[s]!)).buffer;
              });
              dev[u.out] = call.dispatch(
                pipelines[pipelineOf.get(u)!],
                bufs,
                u.spec.outDtype,
                shape,
                uniformWords(u.kernel, u.spec, shape),
                dispatchSize(n, ctx.maxWorkgroupsPerDimension),
              );
            }
          } else {
            const missing = u.ins.filter((s) => !host[s]);
            const got = await call.download(missing.map((s) => dev[s]!));
            missing.forEach((s, k) => (host[s] = got[k]));
            const outs = u.program.run(u.ins.map((s) => host[s]!));
            u.outs.forEach((s, k) => (host[s] = outs[k]));
          }
          for (const s of u.dying) {
            const d = dev[s];
            if (d) call.release(d);
            dev[s] = undefined;
          }
        }
        const picked = wanted ?? outSlots.map((_, i) => i);
        const slots = [...new Set(picked.map((i) => outSlots[i]).filter((s) => !host[s]))];
        const got = await call.download(slots.map((s) => dev[s]!));
        slots.forEach((s, k) => (host[s] = got[k]));
        await call.finish();
        return picked.map((i) => {
          const v = host[outSlots[i]]!;
          return foreign.has(v) ? v.copy() : v;
        });
      } catch (e) {
        call.abandon();
        throw e instanceof HypatiaError ? e : Object.assign(
          new HypatiaError(`${name} on WebGPU failed: ${(e as Error)?.message ?? e}`),
          { cause: e },
        );
      }
    },
  };
}
