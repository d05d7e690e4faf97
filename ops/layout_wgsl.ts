/**
 * The WGSL lowering of the layout ops: reshape (the same buffer relabelled), dimshuffle (a strided gather, or nothing when the
 * order is kept: the buffer is relabelled), alloc (the value broadcast by zero strides),
 * concatenate (one strided scatter per input) and basic indexing (subtensor: the
 * selected region gathered through its base and strides, negative steps included: u32
 * arithmetic wraps, so a negative stride is its two's complement). Lengths and indices
 * are host scalars read when the function runs.
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import type { NDArray } from "../core/ndarray.ts";
import { type ReshapeParams, resolveShape } from "./reshape.ts";
import { type IndexEntry, regionOf } from "./subtensor_kernel.ts";
import { resolveRuntime } from "./subtensor_index.ts";
import { copyPass, cStrides, type KernelRun, lane, shaped } from "./wgsl_util.ts";

/** Positions 1.. of a node's inputs (its symbolic lengths or indices). */
const tail = (info: { inputs: readonly unknown[] }) => info.inputs.slice(1).map((_, i) => i + 1);

/**
 * The dimshuffle template (params `{ pattern }`): a relabelled buffer when the kept axes
 * stay in order, else a gather with permuted strides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dimshuffleWgsl } from "./layout_wgsl.ts";
 * const run = { params: { pattern: [1, 0] as (number | "x")[] }, inputs: [{ dtype: "float32" as const, shape: [null, null] }],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[2, 3]], scalars: [], where: "" };
 * assert(dimshuffleWgsl.plan(run).outputs[0].join() === "3,2");
 * ```
 */
export const dimshuffleWgsl = {
  plan(run: KernelRun<{ pattern: (number | "x")[] }>) {
    const { pattern } = run.params, x = run.shapes[0];
    const shape = pattern.map((p) => (p === "x" ? 1 : x[p]));
    const used = pattern.filter((p): p is number => p !== "x");
    if (used.every((p, i) => i === 0 || p > used[i - 1])) return { outputs: [shape], views: [0], passes: [] };
    const st = cStrides(x);
    const pass = copyPass(lane(run.inputs[0].dtype)!, shape, pattern.map((p) => (p === "x" ? 0 : st[p])), 0);
    return { outputs: [shape], passes: [{ ...pass, label: "dimshuffle" }] };
  },
};

/**
 * The alloc template (params `{ shape }`, "$" = a host scalar input): the value copied
 * with zero strides along broadcast axes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocWgsl } from "./layout_wgsl.ts";
 * const run = { params: { shape: [2, "$"] as (number | "$")[] }, inputs: [{ dtype: "float32" as const, shape: [] }, { dtype: "int64" as const, shape: [] }],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[], []], scalars: [undefined, 3], where: "" };
 * assert(allocWgsl.plan(run).outputs[0].join() === "2,3");
 * ```
 */
export const allocWgsl = {
  hostInputs: tail,
  plan(run: KernelRun<{ shape: (number | "$")[] }>) {
    let k = 1;
    const dims = run.params.shape.map((e) => (e === "$" ? run.scalars[k++]! : e));
    const v = run.shapes[0], vType = run.inputs[0].shape, lead = dims.length - v.length, vs = cStrides(v);
    if (dims.some((d) => d < 0)) {
      throw new ShapeError(`alloc: negative length in (${dims.join(", ")}) in ${run.where}`);
    }
    const strides = dims.map((n, d) => {
      const i = d - lead;
      if (i < 0) return 0;
      if (v[i] === n) return vs[i];
      if (v[i] === 1 && vType[i] === 1) return 0;
      throw new ShapeError(
        `alloc: the value of shape (${v.join(", ")}) does not broadcast to (${
          dims.join(", ")
        }) in ${run.where}`,
      );
    });
    const pass = copyPass(lane(run.inputs[0].dtype)!, dims, strides, 0);
    return { outputs: [dims], passes: [{ ...pass, label: "alloc" }] };
  },
};

/**
 * The concatenate template (params `{ axis }`): one scatter pass per input into its
 * block of the output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatenateWgsl } from "./layout_wgsl.ts";
 * const f = { dtype: "float32" as const, shape: [null] };
 * const run = { params: { axis: 0 }, inputs: [f, f], outputs: [{ dtype: "float32" as const }],
 *   shapes: [[2], [3]], scalars: [], where: "" };
 * const plan = concatenateWgsl.plan(run);
 * assert(plan.outputs[0][0] === 5 && plan.passes.length === 2);
 * ```
 */
export const concatenateWgsl = {
  plan(run: KernelRun<{ axis: number }>) {
    const { axis } = run.params, shapes = run.shapes, ref = shapes[0];
    if (shapes.some((s) => s.some((n, d) => d !== axis && n !== ref[d]))) {
      throw new ShapeError(
        `concatenate: along axis ${axis}, the other lengths must match: ${
          shapes.map((s) => `(${s.join(", ")})`).join(", ")
        } in ${run.where}`,
      );
    }
    const out = ref.map((n, d) => (d === axis ? shapes.reduce((a, s) => a + s[axis], 0) : n));
    const st = cStrides(out), t = lane(run.outputs[0].dtype)!;
    let offset = 0;
    const passes = shapes.map((s, i) => {
      const p = copyPass(t, s, st, offset * st[axis], { input: i, scatter: true });
      offset += s[axis];
      return { ...p, label: "concatenate" };
    });
    return { outputs: [out], passes };
  },
};

/**
 * The subtensor template (params `{ idx }`, "$" entries are host scalars): the region
 * of basic indexing gathered into a new buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subtensorWgsl } from "./layout_wgsl.ts";
 * const run = { params: { idx: [{ start: 1, stop: null, step: -1 }] }, inputs: [{ dtype: "int32" as const, shape: [null] }],
 *   outputs: [{ dtype: "int32" as const }], shapes: [[5]], scalars: [], where: "x" };
 * const p = subtensorWgsl.plan(run);
 * assert(p.outputs[0].join() === "2" && p.passes[0].uniforms.slice(0, 2).join() === "2,1");
 * ```
 */
export const subtensorWgsl = {
  hostInputs: tail,
  plan(run: KernelRun<{ idx: IndexEntry[] }>) {
    const sym = run.shapes.slice(1).map((s, i) => shaped(s, run.scalars[i + 1]));
    const entries = resolveRuntime("subtensor", shaped(run.shapes[0]), run.params.idx, sym, run.where);
    const r = regionOf(run.shapes[0], entries);
    const pass = copyPass(lane(run.inputs[0].dtype)!, r.shape, r.strides, r.base);
    return { outputs: [r.shape], passes: [{ ...pass, label: "subtensor" }] };
  },
};

/**
 * The reshape template: the output is the input's buffer relabelled with the new
 * lengths (no pass); symbolic lengths are host scalars.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reshapeWgsl } from "./layout_wgsl.ts";
 * const plan = reshapeWgsl.plan({ params: { shape: [-1, 2] }, shapes: [[3, 2]], scalars: [] });
 * assert(plan.outputs[0].join() === "3,2" && plan.views[0] === 0 && plan.passes.length === 0);
 * ```
 */
export const reshapeWgsl = {
  hostInputs: tail,
  plan(run: {
    params: ReshapeParams;
    shapes: readonly (readonly number[])[];
    scalars: readonly (number | undefined)[];
  }) {
    let k = 1;
    const dims = run.params.shape.map((e) => (e === "$" ? run.scalars[k++]! : e));
    const x = run.shapes[0], size = x.reduce((a, b) => a * b, 1);
    return {
      outputs: [resolveShape({ shape: x, size } as NDArray, dims, "the input")],
      views: [0],
      passes: [],
    };
  },
};
