/**
 * Placement: which node of the optimised graph runs where, in schedule order.
 *
 * - GPU kernels: elementwise and fused nodes (one generated kernel each, codegen.ts) and
 *   ops with a kernel template in the engine's table (table.ts, kernel_template.ts).
 * - Views: a dimshuffle whose every reader takes strided inputs (a matrix product) is not
 *   run at all: its readers index its input with permuted strides (transposes folded).
 * - Shape nodes: ops that read only their inputs' shapes (the table's `host` rule: shape,
 *   shape_i, reduced_count) are computed on the host from the shapes the program tracks,
 *   with no transfer.
 * - CPU segments: runs of nodes WGSL cannot do (float64, int64, ops without a template),
 *   run by a host program (the scheduler's `host` builder: the wasm and JS engines),
 *   with transfers where they meet GPU values.
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
import type { CpuProgram, ProgramBuilder } from "../kernel.ts";
import { dispatchSize, kernelSpecOf, lowerElementwise, uniformWords } from "./codegen.ts";
import type { KernelNodeInfo, KernelPlan, KernelRunInfo, WgslKernelTemplate } from "./kernel_template.ts";

/** Where one node of the optimised graph runs, and why when it is not the GPU. */
export interface Placement {
  /** The node of the optimised graph. */
  node: Apply;
  /** The node as pp prints it, with its output dtype. */
  label: string;
  /** Where it runs. */
  device: "webgpu" | "cpu";
  /** Why the node is not on the GPU. */
  reason?: string;
  /** How a GPU node runs when it needs no kernel (a folded view, a shape read on the host). */
  note?: string;
}

/** A node run by GPU passes (an elementwise kernel or a template's plan). */
export interface GpuUnit {
  kind: "gpu";
  node: Apply;
  ins: number[];
  outs: number[];
  /** Input positions bound as device buffers. */
  devIns: number[];
  /** Input positions read on the host as scalars. */
  hostIns: number[];
  /** Input positions that may be strided views. */
  strided: ReadonlySet<number>;
  info: KernelNodeInfo;
  plan(run: KernelRunInfo): KernelPlan;
  dying: number[];
}

/** A folded dimshuffle: its output is a strided view of its input. */
export interface ViewUnit {
  kind: "view";
  node: Apply;
  ins: number[];
  outs: number[];
  pattern: (number | "x")[];
  dying: number[];
}

/** A node computed on the host from its inputs' shapes. */
export interface ShapeUnit {
  kind: "shape";
  node: Apply;
  ins: number[];
  outs: number[];
  dying: number[];
}

/** A run of CPU nodes. */
export interface CpuUnit {
  kind: "cpu";
  nodes: Apply[];
  program: CpuProgram;
  ins: number[];
  outs: number[];
  dying: number[];
}

/** A Scan node whose body runs entirely on the GPU (backends/webgpu/scan_gpu.ts). */
export interface ScanUnit {
  kind: "scan";
  node: Apply;
  ins: number[];
  outs: number[];
  /** The body's schedule: GPU, view and shape units only. */
  inner: Schedule;
  dying: number[];
}

export type Unit = GpuUnit | ViewUnit | ShapeUnit | CpuUnit | ScanUnit;

/** The schedule of a WebGPU program. */
export interface Schedule {
  units: Unit[];
  placement: Placement[];
  /** Slot of each variable; constants' values in `constants`. */
  slots: Map<Variable, number>;
  constants: Map<number, Constant>;
  outSlots: number[];
  nSlots: number;
}

/** WebGPU's guaranteed storage buffers per shader stage; a kernel binds its inputs and output. */
const MAX_STORAGE_BUFFERS = 8;

/**
 * The node as pp prints it, with its output dtypes (for placement reports).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelOf } from "./placement.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * assert(labelOf(exp(fvector("x")).owner!) === "exp(x) :: float32");
 * ```
 */
export function labelOf(node: Apply): string {
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

/** The static description of a node for templates. */
function infoOf(node: Apply): KernelNodeInfo {
  return {
    params: node.params,
    inputs: node.inputs.map((v) => ({ dtype: v.dtype, shape: v.type.shape })),
    outputs: node.outputs.map((v) => ({ dtype: v.dtype, shape: v.type.shape })),
  };
}

type Decision =
  | { kind: "scan"; inner: Schedule }
  | { kind: "gpu"; plan: GpuUnit["plan"]; devIns: number[]; hostIns: number[]; strided: Set<number> }
  | { kind: "shape" }
  | { kind: "cpu"; reason: string };

function elementwiseDecision(node: Apply): Decision {
  const spec = kernelSpecOf(node);
  const kernel = lowerElementwise(spec);
  if ("reason" in kernel) return { kind: "cpu", reason: kernel.reason };
  if (kernel.buffers.length + 1 > MAX_STORAGE_BUFFERS) {
    return {
      kind: "cpu",
      reason: `it reads ${kernel.buffers.length} arrays; WebGPU guarantees ${MAX_STORAGE_BUFFERS - 1}`,
    };
  }
  const types = node.inputs.map((v) => v.type), nd = spec.outShape.length;
  return {
    kind: "gpu",
    devIns: kernel.buffers,
    hostIns: [],
    strided: new Set(),
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
  };
}

function templateDecision(node: Apply, t: WgslKernelTemplate): Decision {
  const info = infoOf(node);
  const why = t.unsupported?.(info);
  if (why) return { kind: "cpu", reason: why };
  const hostIns = [...(t.hostInputs?.(info) ?? [])];
  const devIns = node.inputs.map((_, i) => i).filter((i) => !hostIns.includes(i));
  for (const i of devIns) {
    if (!wgslType(node.inputs[i].dtype)) {
      return { kind: "cpu", reason: `input ${i} is ${node.inputs[i].dtype}, which WGSL has no type for` };
    }
  }
  for (const o of node.outputs) {
    if (!wgslType(o.dtype) && !(o.dtype === "int64" && t.int64AsI32)) {
      return { kind: "cpu", reason: `its output is ${o.dtype}, which WGSL has no type for` };
    }
  }
  return {
    kind: "gpu",
    plan: (run) => t.plan(run),
    devIns,
    hostIns,
    strided: new Set(t.stridedInputs ?? []),
  };
}

/** Decide where a node runs. */
function decide(node: Apply, host: ProgramBuilder): Decision {
  // Elementwise ops bring their own WGSL expression (ScalarRule.wgsl).
  if (node.op.scalar) return elementwiseDecision(node);
  const rule = webgpuTable.get(node.op);
  if (rule?.group) return elementwiseDecision(node);
  if (rule?.host) return { kind: "shape" };
  if (rule?.scan) return scanDecision(node, host);
  if (rule?.template) return templateDecision(node, rule.template);
  const why = webgpuTable.reason(node.op);
  return { kind: "cpu", reason: `${node.op.name} has no WebGPU kernel` + (why ? ` (${why})` : "") };
}

/** Whether a node is computed on the host from shapes (a scan body may read it every step). */
const readsShapes = (node: Apply | null) => !!node && !!webgpuTable.get(node.op)?.host;

/** A scan runs on the GPU when its body has only GPU nodes and no step reads a value back. */
function scanDecision(node: Apply, host: ProgramBuilder): Decision {
  const p = node.params as ScanParams;
  const hostN = p.hasN ? 1 : 0;
  for (const v of [...node.inputs.slice(hostN), ...node.outputs, ...p.innerInputs]) {
    if (!wgslType(v.dtype)) {
      return {
        kind: "cpu",
        reason: `scan with ${v.dtype} values, which WGSL has no type for, runs on the CPU`,
      };
    }
  }
  let inner: Schedule;
  try {
    inner = schedule(p.innerInputs, p.innerOutputs, host);
  } catch (e) {
    return { kind: "cpu", reason: `its body could not be placed: ${(e as Error).message}` };
  }
  const cpu = inner.placement.filter((q) => q.device === "cpu");
  if (cpu.length) {
    return {
      kind: "cpu",
      reason: `the whole scan runs on the CPU: its body has nodes without WebGPU kernels (${
        cpu.map((q) => `${q.label}: ${q.reason}`).join("; ")
      })`,
    };
  }
  for (const u of inner.units) {
    if (u.kind !== "gpu") continue;
    for (const i of u.hostIns) {
      const v = u.node.inputs[i];
      if (!(v instanceof Constant) && !readsShapes(v.owner)) {
        return {
          kind: "cpu",
          reason: `the whole scan runs on the CPU: its body reads ${labelOf(u.node)}'s input ${i} ` +
            `on the host at every step`,
        };
      }
    }
  }
  return { kind: "scan", inner };
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
 * Place every node computing `outputs` from `roots` and build the schedule; `host`
 * builds the programs of the CPU segments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schedule } from "./placement.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { cast } from "../../ops/cast.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { buildHostProgram } from "../../compile/schedule.ts";
 * const x = fvector("x");
 * const s = schedule([x], [cast(exp(x), "float64")], buildHostProgram);
 * assert(s.placement.map((p) => p.device).join() === "webgpu,cpu");
 * ```
 */
export function schedule(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  host: ProgramBuilder,
): Schedule {
  const slots = new Map<Variable, number>();
  const constants = new Map<number, Constant>();
  const slotOf = (v: Variable): number => {
    let s = slots.get(v);
    if (s === undefined) {
      s = slots.size;
      slots.set(v, s);
      if (v instanceof Constant) constants.set(s, v);
    }
    return s;
  };
  roots.forEach(slotOf);
  const rootSet = new Set(roots);
  outputs = splitUnlowerable(outputs, rootSet);
  const nodes = toposort(outputs, rootSet);
  const decisions = new Map(nodes.map((n) => [n, decide(n, host)]));

  // Fold transposing dimshuffles into readers that take strided inputs.
  const readers = new Map<Variable, { node: Apply; pos: number }[]>();
  for (const n of nodes) {
    n.inputs.forEach((v, pos) =>
      readers.get(v)?.push({ node: n, pos }) ?? readers.set(v, [{ node: n, pos }])
    );
  }
  const outSet = new Set(outputs);
  const folded = new Set<Apply>();
  for (const n of nodes) {
    if (n.op.name !== "dimshuffle" || !wgslType(n.inputs[0].dtype) || outSet.has(n.outputs[0])) continue;
    const rs = readers.get(n.outputs[0]) ?? [];
    const ok = rs.length > 0 && rs.every(({ node, pos }) => {
      const d = decisions.get(node)!;
      return d.kind === "gpu" && d.strided.has(pos);
    });
    if (ok) folded.add(n);
  }

  const placement: Placement[] = [];
  const units: Unit[] = [];
  let run: Apply[] = [];
  const flushCpu = () => {
    if (run.length) {
      units.push({ kind: "cpu", nodes: run, program: undefined!, ins: [], outs: [], dying: [] });
    }
    run = [];
  };
  for (const node of nodes) {
    const d = decisions.get(node)!;
    const label = labelOf(node);
    const ins = node.inputs.map(slotOf), outs = node.outputs.map(slotOf);
    if (folded.has(node)) {
      placement.push({
        node,
        label,
        device: "webgpu",
        note: "folded into its readers' indexing (no kernel)",
      });
      flushCpu();
      units.push({
        kind: "view",
        node,
        ins,
        outs,
        pattern: (node.params as DimShuffleParams).pattern,
        dying: [],
      });
    } else if (d.kind === "scan") {
      placement.push({
        node,
        label,
        device: "webgpu",
        note: `body of ${d.inner.placement.length} nodes recorded at every step (no readback between steps)`,
      });
      flushCpu();
      units.push({ kind: "scan", node, ins, outs, inner: d.inner, dying: [] });
    } else if (d.kind === "cpu") {
      placement.push({ node, label, device: "cpu", reason: d.reason });
      run.push(node);
    } else if (d.kind === "shape") {
      placement.push({
        node,
        label,
        device: "webgpu",
        note: "read from the shapes on the host (no kernel, no transfer)",
      });
      flushCpu();
      units.push({ kind: "shape", node, ins, outs, dying: [] });
    } else {
      placement.push({ node, label, device: "webgpu" });
      flushCpu();
      units.push({
        kind: "gpu",
        node,
        ins,
        outs,
        devIns: d.devIns,
        hostIns: d.hostIns,
        strided: d.strided,
        info: infoOf(node),
        plan: d.plan,
        dying: [],
      });
    }
  }
  flushCpu();
  const outSlots = outputs.map(slotOf);

  // CPU segments: inputs from outside the segment; outputs that a later unit (or the caller) reads.
  const lastReader = new Map<Variable, number>();
  units.forEach((u, k) => {
    for (const n of u.kind === "cpu" ? u.nodes : [u.node]) for (const i of n.inputs) lastReader.set(i, k);
  });
  for (const o of outputs) lastReader.set(o, Infinity);
  units.forEach((u, k) => {
    if (u.kind !== "cpu") return;
    const produced = new Set(u.nodes.flatMap((n) => n.outputs));
    const ext = [...new Set(u.nodes.flatMap((n) => n.inputs))]
      .filter((v) => !produced.has(v) && !(v instanceof Constant));
    const outs = [...produced].filter((v) => (lastReader.get(v) ?? -1) > k);
    u.program = host(ext, outs);
    u.ins = ext.map(slotOf);
    u.outs = outs.map(slotOf);
  });

  // Values no later unit reads are let go after their last reader (outputs are kept).
  const keep = new Set(outSlots);
  const last = new Map<number, number>();
  units.forEach((u, i) => u.ins.forEach((x) => last.set(x, i)));
  for (const [x, i] of last) if (!keep.has(x)) units[i].dying.push(x);
  for (const u of units) u.dying = [...new Set(u.dying)];
  return { units, placement, slots, constants, outSlots, nSlots: slots.size };
}
