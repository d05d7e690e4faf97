/**
 * Partitioning: the generic step that splits an optimised graph between a device
 * engine and the host engines. The device engine says, node by node, what it runs
 * (backends/device_engine.ts `DeviceEngine.choose`); everything else goes to the host
 * engines in segments of consecutive nodes, each one host program. This step assigns
 * the slots, decides which values cross between a segment and the device steps, lets
 * each value go after its last reader, and hands the engine a partitioner of its own
 * for subgraphs (a scan body), so bodies are placed the same way, recursively.
 * @module
 */
import { Constant, type Variable } from "../core/graph.ts";
import { toposort } from "../core/walk.ts";
import {
  type DeviceEngine,
  type DeviceStep,
  type HostSegment,
  labelOf,
  type Partition,
  type Placement,
  type UnitKind,
} from "../backends/device_engine.ts";
import type { ProgramBuilder } from "../backends/kernel.ts";

/**
 * Split the graph computing `outputs` from `roots` between `engine` and the host
 * engines, whose programs `host` builds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partition } from "./partition.ts";
 * import { buildHostProgram } from "./schedule.ts";
 * import type { DeviceEngine } from "../backends/device_engine.ts";
 * import { exp, log } from "../ops/exp_log.ts";
 * import { dvector } from "../ops/constructors.ts";
 * // A toy device engine that runs exp only.
 * const expOnly: DeviceEngine<{ kind: "exp" }> = {
 *   device: "webgpu",
 *   choose: (nodes) =>
 *     nodes.map((n) => n.op.name === "exp" ? { unit: { kind: "exp" } } : { host: "only exp runs there" }),
 * };
 * const x = dvector("x");
 * const p = partition([x], [exp(log(x))], expOnly, buildHostProgram);
 * assert.deepEqual(p.steps.map((s) => s.kind), ["host", "exp"]);
 * assert.deepEqual(p.placement.map((q) => q.device), ["cpu", "webgpu"]);
 * ```
 */
export function partition<U extends UnitKind>(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  engine: DeviceEngine<U>,
  host: ProgramBuilder,
): Partition<U> {
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
  outputs = engine.prepare?.(outputs, rootSet) ?? outputs;
  const nodes = toposort(outputs, rootSet);
  const choices = engine.choose(nodes, outputs, (r, o) => partition(r, o, engine, host));

  const placement: Placement[] = [];
  const steps: (DeviceStep<U> | HostSegment)[] = [];
  let run: HostSegment["nodes"] = [];
  const flushHost = () => {
    if (run.length) {
      steps.push({ kind: "host", nodes: run, program: undefined!, ins: [], outs: [], dying: [] });
    }
    run = [];
  };
  nodes.forEach((node, k) => {
    const choice = choices[k], label = labelOf(node);
    if ("host" in choice) {
      placement.push({ node, label, device: "cpu", reason: choice.host });
      run.push(node);
      return;
    }
    placement.push({ node, label, device: engine.device, ...(choice.note ? { note: choice.note } : {}) });
    flushHost();
    const ins = node.inputs.map(slotOf), outs = node.outputs.map(slotOf);
    steps.push({ ...choice.unit, node, ins, outs, dying: [] });
  });
  flushHost();
  const outSlots = outputs.map(slotOf);

  // Host segments: inputs from outside the segment; outputs that a later step (or the caller) reads.
  const lastReader = new Map<Variable, number>();
  steps.forEach((s, k) => {
    for (const n of s.kind === "host" ? (s as HostSegment).nodes : [(s as DeviceStep<U>).node]) {
      for (const i of n.inputs) lastReader.set(i, k);
    }
  });
  for (const o of outputs) lastReader.set(o, Infinity);
  steps.forEach((s, k) => {
    if (s.kind !== "host") return;
    const seg = s as HostSegment;
    const produced = new Set(seg.nodes.flatMap((n) => n.outputs));
    const ext = [...new Set(seg.nodes.flatMap((n) => n.inputs))]
      .filter((v) => !produced.has(v) && !(v instanceof Constant));
    const outs = [...produced].filter((v) => (lastReader.get(v) ?? -1) > k);
    seg.program = host(ext, outs);
    seg.ins = ext.map(slotOf);
    seg.outs = outs.map(slotOf);
  });

  // Values no later step reads are let go after their last reader (outputs are kept).
  const keep = new Set(outSlots);
  const last = new Map<number, number>();
  steps.forEach((s, i) => s.ins.forEach((x) => last.set(x, i)));
  for (const [x, i] of last) if (!keep.has(x)) steps[i].dying.push(x);
  for (const s of steps) s.dying = [...new Set(s.dying)];
  return { steps, placement, slots, constants, outSlots, nSlots: slots.size };
}
