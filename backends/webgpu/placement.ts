/**
 * The WebGPU engine's placement rules: which node of the optimised graph it runs, and
 * how. The scheduler's partition step (compile/partition.ts) asks it node by node and
 * gathers the rest into host segments.
 *
 * - GPU kernels: elementwise and fused nodes (one generated kernel each, codegen.ts) and
 *   ops with a kernel template in the engine's table (table.ts, kernel_template.ts).
 * - Views: a dimshuffle whose every reader takes strided inputs (a matrix product) is not
 *   run at all: its readers index its input with permuted strides (transposes folded).
 * - Shape nodes: ops that read only their inputs' shapes (the table's `host` rule: shape,
 *   shape_i, reduced_count) are computed on the host from the shapes the program tracks,
 *   with no transfer.
 * - Everything else (float64, int64, ops without a template) is left to the host engines,
 *   with the reason; the partition step runs such nodes in host segments, with transfers
 *   where they meet GPU values.
 * @module
 */
import { wgslType } from "../../ops/elemwise.ts";
import { fusedOp, type FusedParams } from "../../ops/fused.ts";
import { webgpuTable } from "./table.ts";
import type { DimShuffleParams } from "../../ops/dimshuffle.ts";
import type { ScanParams } from "../../ops/scan/params.ts";
import { type Apply, Constant, type Variable } from "../../core/graph.ts";
import { cloneReplace, toposort } from "../../core/walk.ts";
import { broadcastRuntime } from "../kernel.ts";
import {
  type DeviceEngine,
  labelOf,
  type NodeChoice,
  type Partition,
  type Partitioner,
} from "../device_engine.ts";
import { dispatchSize, kernelSpecOf, lowerElementwise, uniformWords } from "./codegen.ts";
import type { KernelNodeInfo, KernelPlan, KernelRunInfo, WgslKernelTemplate } from "./kernel_template.ts";

/** A node run by GPU passes (an elementwise kernel or a template's plan). */
export interface GpuUnit {
  kind: "gpu";
  /** Input positions bound as device buffers. */
  devIns: number[];
  /** Input positions read on the host as scalars. */
  hostIns: number[];
  /** Input positions that may be strided views. */
  strided: ReadonlySet<number>;
  info: KernelNodeInfo;
  plan(run: KernelRunInfo): KernelPlan;
}

/** A folded dimshuffle: its output is a strided view of its input. */
export interface ViewUnit {
  kind: "view";
  pattern: (number | "x")[];
}

/** A node computed on the host from its inputs' shapes. */
export interface ShapeUnit {
  kind: "shape";
}

/** A Scan node whose body runs entirely on the GPU (backends/webgpu/scan_gpu.ts). */
export interface ScanUnit {
  kind: "scan";
  /** The body's schedule: GPU, view and shape steps only. */
  inner: Schedule;
}

/** What the WebGPU engine runs for one node. */
export type WebGpuUnit = GpuUnit | ViewUnit | ShapeUnit | ScanUnit;

/** The schedule of a WebGPU program: the graph partitioned between the GPU and host segments. */
export type Schedule = Partition<WebGpuUnit>;

/** WebGPU's guaranteed storage buffers per shader stage; a kernel binds its inputs and output. */
const MAX_STORAGE_BUFFERS = 8;

/** The static description of a node for templates. */
function infoOf(node: Apply): KernelNodeInfo {
  return {
    params: node.params,
    inputs: node.inputs.map((v) => ({ dtype: v.dtype, shape: v.type.shape })),
    outputs: node.outputs.map((v) => ({ dtype: v.dtype, shape: v.type.shape })),
  };
}

type Choice = NodeChoice<WebGpuUnit>;

function elementwiseChoice(node: Apply): Choice {
  const spec = kernelSpecOf(node);
  const kernel = lowerElementwise(spec);
  if ("reason" in kernel) return { host: kernel.reason };
  if (kernel.buffers.length + 1 > MAX_STORAGE_BUFFERS) {
    return { host: `it reads ${kernel.buffers.length} arrays; WebGPU guarantees ${MAX_STORAGE_BUFFERS - 1}` };
  }
  const types = node.inputs.map((v) => v.type), nd = spec.outShape.length;
  return {
    unit: {
      kind: "gpu",
      devIns: kernel.buffers,
      hostIns: [],
      strided: new Set(),
      info: infoOf(node),
      plan: (run) => {
        const shape = broadcastRuntime(run.shapes, types, nd, () => `${node.where()} on WebGPU`);
        const n = shape.reduce((a, b) => a * b, 1);
        return {
          outputs: [shape],
          passes: [{
            wgsl: kernel.source,
            bind: [...kernel.buffers.map((i) => `in${i}` as const), "out0"],
            uniforms: Array.from(uniformWords(kernel, spec, shape)),
            workgroups: dispatchSize(n, run.limits.maxComputeWorkgroupsPerDimension),
            label: `elementwise ${node.op.name}`,
          }],
        };
      },
    },
  };
}

function templateChoice(node: Apply, t: WgslKernelTemplate): Choice {
  const info = infoOf(node);
  const why = t.unsupported?.(info);
  if (why) return { host: why };
  const hostIns = [...(t.hostInputs?.(info) ?? [])];
  const devIns = node.inputs.map((_, i) => i).filter((i) => !hostIns.includes(i));
  for (const i of devIns) {
    if (!wgslType(node.inputs[i].dtype)) {
      return { host: `input ${i} is ${node.inputs[i].dtype}, which WGSL has no type for` };
    }
  }
  for (const o of node.outputs) {
    if (!wgslType(o.dtype) && !(o.dtype === "int64" && t.int64AsI32)) {
      return { host: `its output is ${o.dtype}, which WGSL has no type for` };
    }
  }
  return {
    unit: {
      kind: "gpu",
      plan: (run) => t.plan(run),
      devIns,
      hostIns,
      strided: new Set(t.stridedInputs ?? []),
      info,
    },
  };
}

/** Where a node runs, judged alone (dimshuffles are folded afterwards, knowing their readers). */
function choose(node: Apply, place: Partitioner<WebGpuUnit>): Choice {
  // Elementwise ops bring their own WGSL expression (ScalarRule.wgsl).
  if (node.op.scalar) return elementwiseChoice(node);
  const rule = webgpuTable.get(node.op);
  if (rule?.group) return elementwiseChoice(node);
  if (rule?.host) {
    return { unit: { kind: "shape" }, note: "read from the shapes on the host (no kernel, no transfer)" };
  }
  if (rule?.scan) return scanChoice(node, place);
  if (rule?.template) return templateChoice(node, rule.template);
  const why = webgpuTable.reason(node.op);
  return { host: `${node.op.name} has no WebGPU kernel` + (why ? ` (${why})` : "") };
}

/** Whether a node is computed on the host from shapes (a scan body may read it every step). */
const readsShapes = (node: Apply | null) => !!node && !!webgpuTable.get(node.op)?.host;

/** A scan runs on the GPU when its body has only GPU nodes and no step reads a value back. */
function scanChoice(node: Apply, place: Partitioner<WebGpuUnit>): Choice {
  const p = node.params as ScanParams;
  const hostN = p.hasN ? 1 : 0;
  for (const v of [...node.inputs.slice(hostN), ...node.outputs, ...p.innerInputs]) {
    if (!wgslType(v.dtype)) {
      return { host: `scan with ${v.dtype} values, which WGSL has no type for, runs on the CPU` };
    }
  }
  let inner: Schedule;
  try {
    inner = place(p.innerInputs, p.innerOutputs);
  } catch (e) {
    return { host: `its body could not be placed: ${(e as Error).message}` };
  }
  const cpu = inner.placement.filter((q) => q.device === "cpu");
  if (cpu.length) {
    return {
      host: `the whole scan runs on the CPU: its body has nodes without WebGPU kernels (${
        cpu.map((q) => `${q.label}: ${q.reason}`).join("; ")
      })`,
    };
  }
  for (const u of inner.steps) {
    if (u.kind !== "gpu") continue;
    for (const i of u.hostIns) {
      const v = u.node.inputs[i];
      if (!(v instanceof Constant) && !readsShapes(v.owner)) {
        return {
          host: `the whole scan runs on the CPU: its body reads ${labelOf(u.node)}'s input ${i} ` +
            `on the host at every step`,
        };
      }
    }
  }
  return {
    unit: { kind: "scan", inner },
    note: `body of ${inner.placement.length} nodes recorded at every step (no readback between steps)`,
  };
}

/**
 * A fused node that cannot run on the GPU as a whole (one of its steps computes in
 * float64, say) is split back into its steps, so each step lands where it can run.
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
 * The WebGPU engine as the scheduler sees it (compile/partition.ts): each node on the
 * GPU when it can run there, with transposing dimshuffles folded into readers that
 * take strided inputs, and fused nodes it cannot run whole split into their steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webgpuEngine } from "./placement.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { cast } from "../../ops/cast.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { toposort } from "../../core/walk.ts";
 * const x = fvector("x"), y = cast(exp(x), "float64");
 * const nodes = toposort([y], new Set([x]));
 * const choices = webgpuEngine.choose(nodes, [y], () => { throw new Error("no scan here"); });
 * assert.deepEqual(choices.map((c) => "host" in c ? "cpu" : c.unit.kind), ["gpu", "cpu"]);
 * ```
 */
export const webgpuEngine: DeviceEngine<WebGpuUnit> = {
  device: "webgpu",
  prepare: splitUnlowerable,
  choose(nodes, outputs, place) {
    const choices = nodes.map((n) => choose(n, place));
    // Fold transposing dimshuffles into readers that take strided inputs.
    const chosen = new Map(nodes.map((n, k) => [n, choices[k]]));
    const readers = new Map<Variable, { node: Apply; pos: number }[]>();
    for (const n of nodes) {
      n.inputs.forEach((v, pos) =>
        readers.get(v)?.push({ node: n, pos }) ?? readers.set(v, [{ node: n, pos }])
      );
    }
    const outSet = new Set(outputs);
    nodes.forEach((n, k) => {
      if (n.op.name !== "dimshuffle" || !wgslType(n.inputs[0].dtype) || outSet.has(n.outputs[0])) return;
      const rs = readers.get(n.outputs[0]) ?? [];
      const strided = (c: Choice | undefined, pos: number) =>
        !!c && "unit" in c && c.unit.kind === "gpu" && c.unit.strided.has(pos);
      if (rs.length > 0 && rs.every(({ node, pos }) => strided(chosen.get(node), pos))) {
        choices[k] = {
          unit: { kind: "view", pattern: (n.params as DimShuffleParams).pattern },
          note: "folded into its readers' indexing (no kernel)",
        };
      }
    });
    return choices;
  },
};
