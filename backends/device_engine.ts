/**
 * What a device engine (one that runs nodes away from the host, as WebGPU does) tells
 * the scheduler, and the partition of the graph it gets back. The scheduler
 * (compile/partition.ts) asks the engine where each node runs, gathers the nodes it
 * leaves to the host into host segments built by the host engines, and works out the
 * slots, the values crossing between the two and when each value dies. The engine only
 * decides per node and runs the result; it never builds host programs itself. These
 * types live below the engines so that the engines and compile/ share them.
 * @module
 */
import { type Apply, Constant, type Variable } from "../core/graph.ts";
import type { CpuProgram } from "./kernel.ts";

/** Where one node of the optimised graph runs, and why when it is not the device engine. */
export interface Placement {
  /** The node of the optimised graph. */
  node: Apply;
  /** The node as pp prints it, with its output dtype. */
  label: string;
  /** Where it runs: the device engine's name (`"webgpu"`), or `"cpu"` for the host engines. */
  device: "webgpu" | "cpu";
  /** Why the node is not on the device. */
  reason?: string;
  /** How a device node runs when it needs no kernel (a folded view, a shape read on the host). */
  note?: string;
}

/** An engine's own unit for one node (a kernel, a view, ...), told apart by `kind`. */
export interface UnitKind {
  readonly kind: string;
}

/** What a device engine chose for one node: a unit of its own, or the host engines (with why). */
export type NodeChoice<U extends UnitKind> = { unit: U; note?: string } | { host: string };

/** A node the device engine runs: the engine's unit, with the node's slots. */
export type DeviceStep<U extends UnitKind> = U & {
  readonly node: Apply;
  readonly ins: number[];
  readonly outs: number[];
  /** Slots whose values no later step reads (let go after this one). */
  dying: number[];
};

/** A run of consecutive nodes left to the host engines, as one host program. */
export interface HostSegment {
  readonly kind: "host";
  readonly nodes: Apply[];
  /** Computes the segment's `outs` from its `ins` (in that order). */
  program: CpuProgram;
  ins: number[];
  outs: number[];
  dying: number[];
}

/** The graph split between a device engine and the host engines, in run order. */
export interface Partition<U extends UnitKind> {
  readonly steps: (DeviceStep<U> | HostSegment)[];
  readonly placement: Placement[];
  /** Slot of each variable; constants' values in `constants`. */
  readonly slots: Map<Variable, number>;
  readonly constants: Map<number, Constant>;
  readonly outSlots: number[];
  readonly nSlots: number;
}

/** Partitions the graph computing `outputs` from `roots` (a scan body, for instance). */
export type Partitioner<U extends UnitKind> = (
  roots: readonly Variable[],
  outputs: readonly Variable[],
) => Partition<U>;

/** A device engine as the scheduler sees it. */
export interface DeviceEngine<U extends UnitKind> {
  /** Its name in placement reports. */
  readonly device: Placement["device"];
  /** Rewrites the outputs before placement (e.g. splits fused nodes it can only run step by step). */
  prepare?(outputs: readonly Variable[], stopAt: ReadonlySet<Variable>): Variable[];
  /**
   * Its choice for each of `nodes` (in schedule order; `outputs` are the graph's);
   * `place` partitions a subgraph the same way (a scan body run on the device).
   */
  choose(nodes: readonly Apply[], outputs: readonly Variable[], place: Partitioner<U>): NodeChoice<U>[];
}

/**
 * The node as pp prints it, with its output dtypes (for placement reports).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelOf } from "./device_engine.ts";
 * import { exp } from "../ops/exp_log.ts";
 * import { fvector } from "../ops/constructors.ts";
 * assert.equal(labelOf(exp(fvector("x")).owner!), "exp(x) :: float32");
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
