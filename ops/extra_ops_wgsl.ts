/**
 * WGSL lowering of two layout ops of the extra_ops group: `squeeze` (the input's buffer
 * relabelled, its lengths checked when the function runs, as the CPU does) and
 * `fill_diagonal` (a copy, then one thread per diagonal element writing the value,
 * which stays on the device as a one-element input).
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import { diagonalPositions, type FillDiagonalParams } from "./fill_diagonal.ts";
import type { SqueezeParams } from "./squeeze.ts";
import { copyPass, grid, type KernelRun, lane, WG } from "./wgsl_util.ts";

/**
 * The squeeze template: a relabelled buffer, no pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { squeezeWgsl } from "./extra_ops_wgsl.ts";
 * const plan = squeezeWgsl.plan({ params: { axes: [0] }, shapes: [[1, 3]], where: "x" });
 * assert(plan.outputs[0].join() === "3" && plan.views[0] === 0 && plan.passes.length === 0);
 * ```
 */
export const squeezeWgsl = {
  plan(run: { params: SqueezeParams; shapes: readonly (readonly number[])[]; where: string }) {
    const x = run.shapes[0], { axes } = run.params;
    for (const a of axes) {
      if (x[a] !== 1) {
        throw new ShapeError(
          `squeeze: cannot squeeze out axis ${a} of ${run.where}: its length is ${x[a]}, not 1 (shape (${
            x.join(", ")
          }))`,
        );
      }
    }
    return { outputs: [x.filter((_, d) => !axes.includes(d))], views: [0], passes: [] };
  },
};

/**
 * The fill_diagonal template (params `{ offset }`): the input copied, then the value
 * written at each diagonal position (the CPU's positions, `start + k · step`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillDiagonalWgsl } from "./extra_ops_wgsl.ts";
 * const run = { params: { offset: 1 }, inputs: [{ dtype: "float32" as const, shape: [null, null] }],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[3, 4], []], scalars: [], where: "a" };
 * const plan = fillDiagonalWgsl.plan(run);
 * assert.deepEqual(plan.passes[1].uniforms, [3, 1, 5]); // (0, 1), (1, 2), (2, 3)
 * ```
 */
export const fillDiagonalWgsl = {
  plan(run: KernelRun<FillDiagonalParams>) {
    const shape = run.shapes[0], t = lane(run.inputs[0].dtype)!, n = shape.reduce((a, b) => a * b, 1);
    const at = diagonalPositions(shape, run.params.offset, run.where);
    const count = at.length, start = at[0] ?? 0, step = count > 1 ? at[1] - at[0] : 1;
    const wgsl = [
      `struct U { count: u32, start: u32, step: u32 }`,
      `@group(0) @binding(0) var<storage, read> v: array<${t}>;`,
      `@group(0) @binding(1) var<storage, read_write> y: array<${t}>;`,
      `@group(0) @binding(2) var<uniform> u: U;`,
      `@compute @workgroup_size(${WG})`,
      `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
      `  let k = gid.x + gid.y * nwg.x * ${WG}u;`,
      `  if (k >= u.count) { return; }`,
      `  y[u.start + k * u.step] = v[0];`,
      `}`,
    ].join("\n");
    const passes = [];
    if (n > 0) passes.push({ ...copyPass(t, [n], [1], 0), label: "fill_diagonal (copy)" });
    if (count > 0) {
      passes.push({
        wgsl,
        bind: ["in1" as const, "out0" as const],
        uniforms: [count, start, step],
        workgroups: grid(Math.ceil(count / WG)),
        label: "fill_diagonal (diagonal)",
      });
    }
    return { outputs: [shape], passes };
  },
};
