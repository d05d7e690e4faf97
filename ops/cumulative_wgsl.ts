/**
 * WGSL kernel of the cumulative sum and product (float32): a per-row scan, one thread
 * per line along the axis (each of the `outer × inner` lines walks its `n` elements in
 * order, as the CPU loop does, so float32 sums round the same way step by step). The
 * flattened form (axis null) is one line, so one thread: correct, not fast; a
 * work-efficient parallel scan is left for when a long 1-d cumsum on the GPU matters.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { grid, type KernelRun, WG } from "./wgsl_util.ts";

/** Outer count, axis length and inner count of `shape` around `axis` (null: flattened). */
function around(shape: readonly number[], axis: number | null): [number, number, number] {
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (axis === null) return [1, prod(shape), 1];
  return [prod(shape.slice(0, axis)), shape[axis], prod(shape.slice(axis + 1))];
}

/**
 * The template of `cumsum` (`"+"`) or `cumprod` (`"*"`), params `{ axis }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cumulativeWgsl } from "./cumulative_wgsl.ts";
 * const run = { params: { axis: 1 }, inputs: [{ dtype: "float32" as const, shape: [null, null] }],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[2, 3]], scalars: [], where: "" };
 * const plan = cumulativeWgsl("+").plan(run);
 * assert.deepEqual(plan.passes[0].uniforms, [2, 3, 1]);
 * ```
 */
export function cumulativeWgsl(step: "+" | "*") {
  return {
    unsupported(info: { inputs: readonly { dtype: DType }[]; outputs: readonly { dtype: DType }[] }) {
      return info.inputs[0].dtype === "float32" && info.outputs[0].dtype === "float32"
        ? undefined
        : `cum${
          step === "+" ? "sum" : "prod"
        } has a WGSL kernel for float32 only (integers accumulate in int64)`;
    },
    plan(run: KernelRun<{ axis: number | null }>) {
      const shape = run.shapes[0], [outer, n, inner] = around(shape, run.params.axis);
      const lines = outer * inner;
      const wgsl = [
        `struct U { lines: u32, n: u32, inner: u32 }`,
        `@group(0) @binding(0) var<storage, read> x: array<f32>;`,
        `@group(0) @binding(1) var<storage, read_write> y: array<f32>;`,
        `@group(0) @binding(2) var<uniform> u: U;`,
        `@compute @workgroup_size(${WG})`,
        `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
        `  let g = gid.x + gid.y * nwg.x * ${WG}u;`,
        `  if (g >= u.lines) { return; }`,
        `  var at = (g / u.inner) * u.n * u.inner + g % u.inner;`,
        `  var acc = x[at];`,
        `  y[at] = acc;`,
        `  for (var i = 1u; i < u.n; i++) {`,
        `    at += u.inner;`,
        `    acc = acc ${step} x[at];`,
        `    y[at] = acc;`,
        `  }`,
        `}`,
      ].join("\n");
      const out = run.params.axis === null ? [n] : shape;
      return {
        outputs: [out],
        passes: n === 0 || lines === 0 ? [] : [{
          wgsl,
          bind: ["in0" as const, "out0" as const],
          uniforms: [lines, n, inner],
          workgroups: grid(Math.ceil(lines / WG)),
          label: step === "+" ? "cumsum" : "cumprod",
        }],
      };
    },
  };
}
