/**
 * The kernel-template contract between non-elementwise ops and the WebGPU backend.
 *
 * An op that can run on the GPU has an object of this shape in the engine's table
 * (table.ts). ops/ must not import backends/, so the op's WGSL file (ops/*_wgsl.ts)
 * writes a plain object (its WGSL text, generated from the node's static types, and a
 * small description of the work); this module names the shape, and the table's
 * registration checks each template against it.
 *
 * A template answers three questions:
 * 1. at compile time, can this node run in WGSL (`unsupported` gives the reason it cannot:
 *    a dtype WGSL lacks, say), and which inputs are host scalars (indices, lengths:
 *    `hostInputs`), read on the host instead of bound as buffers;
 * 2. at each call, given the inputs' shapes and the host scalars' values, what are the
 *    outputs' shapes and which passes compute them (`plan`): WGSL source, bindings,
 *    uniform words and workgroup counts; an output may instead be a relabelled input
 *    (`views`: reshape needs no kernel);
 * 3. which device inputs may be strided views (`stridedInputs`): the backend then folds a
 *    transposing dimshuffle into the reader's indexing instead of copying.
 *
 * Storage lanes: float32 is f32, int32/int16/int8 are i32 and uint8/bool are u32 (4 bytes
 * each; ops/elemwise.ts `wgslType`). Pipelines are cached by source, so a plan should put
 * run-time lengths in uniforms and keep the source a function of static facts.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { Dim } from "../../core/graph.ts";

/** A node as a template sees it at compile time. */
export interface KernelNodeInfo<P = unknown> {
  params: P;
  /** Static types of the inputs. */
  inputs: readonly { dtype: DType; shape: readonly Dim[] }[];
  /** Static types of the outputs. */
  outputs: readonly { dtype: DType; shape: readonly Dim[] }[];
}

/** A device input's layout at run time: element strides and offset (C order unless a folded view). */
export interface InputLayout {
  strides: readonly number[];
  offset: number;
}

/** What a template sees at each call. */
export interface KernelRunInfo<P = unknown> extends KernelNodeInfo<P> {
  /** Run-time shapes of every input (host scalars too). */
  shapes: readonly (readonly number[])[];
  /** Values of the host-scalar inputs by position (undefined for device inputs). */
  scalars: readonly (number | undefined)[];
  /** Every element of the host inputs (a size vector, say), by position. */
  hostData: readonly (ArrayLike<number> | undefined)[];
  /** Layouts of the device inputs by position (strided only for `stridedInputs`). */
  layouts: readonly (InputLayout | undefined)[];
  /** The device's limits a plan must respect. */
  limits: {
    maxComputeWorkgroupsPerDimension: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
  };
  /** Where the node was made, for error messages. */
  where: string;
}

/**
 * A buffer a pass binds: input k (`"in0"`), output k (`"out0"`) or scratch buffer k
 * (`"tmp0"`), in binding order; the uniform block, if any, comes after them.
 */
export type BindRef = `in${number}` | `out${number}` | `tmp${number}`;

/** One compute dispatch. */
export interface KernelPass {
  /** WGSL with entry point `main`; bindings in `bind` order, then `var<uniform>` if `uniforms`. */
  wgsl: string;
  bind: readonly BindRef[];
  /** u32 words of the uniform block (floats bitcast); padded to 16 bytes by the backend. */
  uniforms?: readonly number[];
  /** Workgroup counts (each at most the device's maxComputeWorkgroupsPerDimension). */
  workgroups: readonly [number, number?, number?];
  /** Names the pass in compile errors, e.g. "sum (workgroup tree)". */
  label?: string;
}

/** The work of one node for one call. */
export interface KernelPlan {
  /** Shape of each output (dtypes are the static ones). */
  outputs: readonly (readonly number[])[];
  /** Output k is input `views[k]`'s buffer relabelled with the new shape (C order), no pass. */
  views?: readonly (number | undefined)[];
  /** Scratch buffers (4-byte lanes each), bound as tmp0, tmp1, ... */
  scratch?: readonly number[];
  passes: readonly KernelPass[];
}

/** How the WebGPU engine runs a non-elementwise op (its table's `template` rule). */
export interface WgslKernelTemplate<P = unknown> {
  /** Why this node cannot run in WGSL, or undefined when it can. */
  unsupported?(info: KernelNodeInfo<P>): string | undefined;
  /** Inputs read on the host as integer scalars (not bound). */
  hostInputs?(info: KernelNodeInfo<P>): readonly number[];
  /**
   * int64 outputs hold indices below 2^31 (argmax): they are stored in i32 lanes and read
   * back as int64. Kernels that read int64 values do not exist, so they stay on the device
   * only until a CPU node or the caller reads them.
   */
  readonly int64AsI32?: boolean;
  /** Device inputs whose layout may be a strided view (see `KernelRunInfo.layouts`). */
  readonly stridedInputs?: readonly number[];
  /** The passes of one call; throws a ShapeError for shapes that do not fit. */
  plan(run: KernelRunInfo<P>): KernelPlan;
}

/**
 * Check a plan's shape before it is run (a malformed plan is a bug in the op's template).
 * Returns a message, or undefined when the plan is well formed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPlan } from "./kernel_template.ts";
 * const bad = { outputs: [[2]], passes: [{ wgsl: "", bind: ["in3" as const], workgroups: [1] as [number] }] };
 * assert(checkPlan(bad, 1, 1)!.includes("in3"));
 * ```
 */
export function checkPlan(plan: KernelPlan, nInputs: number, nOutputs: number): string | undefined {
  if (plan.outputs.length !== nOutputs) return `plan has ${plan.outputs.length} outputs, node ${nOutputs}`;
  for (const s of plan.outputs) {
    if (!s.every((d) => Number.isInteger(d) && d >= 0)) return `output shape (${s.join(", ")}) is invalid`;
  }
  const nTmp = plan.scratch?.length ?? 0;
  for (const p of plan.passes) {
    for (const r of p.bind) {
      const m = /^(in|out|tmp)(\d+)$/.exec(r);
      const k = m ? Number(m[2]) : -1;
      const limit = m?.[1] === "in" ? nInputs : m?.[1] === "out" ? nOutputs : nTmp;
      if (!m || k >= limit) return `pass ${p.label ?? ""} binds ${r}, which does not exist`;
    }
    if (!p.workgroups.every((w) => w === undefined || (Number.isInteger(w) && w >= 0))) {
      return `pass ${p.label ?? ""} has workgroup counts (${p.workgroups.join(", ")})`;
    }
  }
  return undefined;
}
