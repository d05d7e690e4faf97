/**
 * WGSL templates of the shape and array ops of issue 16 (ops/broadcast.ts, ops/array.ts,
 * ops/take.ts): rebroadcast (the buffer relabelled after checking lengths), and the
 * gathers of take, diagonal, tile and repeat. Registered in backends/webgpu/table.ts.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { InputError, ShapeError } from "../core/errors.ts";
import type { RebroadcastParams } from "./broadcast.ts";
import type { TakeParams } from "./take.ts";
import type { AlignedParams } from "./batched_tensordot.ts";
import { grid, type KernelRun, lane, WG } from "./wgsl_util.ts";

/**
 * The rebroadcast template: no pass, the input's buffer is the output; an axis declared
 * broadcastable must have length 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rebroadcastWgsl } from "./array_wgsl.ts";
 * const run = { params: { axes: [[0, true]] as [number, boolean][] }, inputs: [], outputs: [], shapes: [[1, 3]],
 *   scalars: [], where: "x" };
 * assert.equal(rebroadcastWgsl.plan(run).views[0], 0);
 * assert.throws(() => rebroadcastWgsl.plan({ ...run, shapes: [[2, 3]] }), /length 2/);
 * ```
 */
export const rebroadcastWgsl = {
  plan(run: KernelRun<RebroadcastParams>) {
    const x = run.shapes[0];
    for (const [a, b] of run.params.axes) {
      if (b && x[a] !== 1) {
        throw new ShapeError(
          `addbroadcast: axis ${a} was declared broadcastable but has length ${x[a]} (shape (${
            x.join(", ")
          })) in ${run.where}`,
        );
      }
    }
    return { outputs: [x], views: [0], passes: [] };
  },
};

/**
 * The take template (params `{ axis, mode }`; inputs a, indices), for "wrap" and "clip":
 * each output element reads `a` at its index mapped into the axis. "raise" stays on the
 * host, which can report an index out of range (a constant index list that is in range
 * becomes "wrap" when the graph is specialised); int64 indices have no WGSL lane.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takeWgsl } from "./array_wgsl.ts";
 * const a = { dtype: "float32" as const, shape: [null, null] }, i = { dtype: "int32" as const, shape: [null] };
 * const info = { params: { axis: 1, mode: "clip" as const }, inputs: [a, i], outputs: [a] };
 * assert.equal(takeWgsl.unsupported(info), undefined);
 * assert.match(takeWgsl.unsupported({ ...info, params: { axis: 1, mode: "raise" as const } })!, /raise/);
 * const plan = takeWgsl.plan({ ...info, shapes: [[2, 3], [4]], scalars: [], where: "" });
 * assert.deepEqual(plan.outputs[0], [2, 4]);
 * ```
 */
export const takeWgsl = {
  unsupported(info: { params: TakeParams; inputs: readonly { dtype: DType }[] }) {
    const [a, idx] = info.inputs;
    if (info.params.mode === "raise") {
      return `take in "raise" mode reports out-of-range indices from the host; "wrap" and "clip" run in WGSL`;
    }
    if (!lane(a.dtype)) return `take of ${a.dtype} has no WGSL lane`;
    if (!lane(idx.dtype)) return `take with ${idx.dtype} indices has no WGSL lane (int32 indices do)`;
    return undefined;
  },
  plan(run: KernelRun<TakeParams>) {
    const { axis, mode } = run.params, a = run.shapes[0], ix = run.shapes[1];
    const n = a[axis], m = ix.reduce((p, q) => p * q, 1);
    const inner = a.slice(axis + 1).reduce((p, q) => p * q, 1);
    const shape = [...a.slice(0, axis), ...ix, ...a.slice(axis + 1)];
    const total = shape.reduce((p, q) => p * q, 1);
    if (n === 0 && m > 0) {
      throw new InputError(
        `take: cannot do a non-empty take from an empty axis (axis ${axis}) in ${run.where}`,
      );
    }
    const t = lane(run.inputs[0].dtype)!, it = lane(run.inputs[1].dtype)!;
    // Unsigned arithmetic only: llvmpipe's shader compiler was seen computing an i32 `-1 % 7`
    // as 3 (the u32 remainder), so a negative index is mapped through its distance below 0.
    const p = mode === "wrap"
      ? "select(u.n - 1u - u32(-(q + 1)) % u.n, u32(q) % u.n, q >= 0)"
      : "select(select(u32(q), u.n - 1u, u32(q) >= u.n), 0u, q < 0)";
    const wgsl = [
      `struct U { total: u32, n: u32, m: u32, inner: u32, }`,
      `@group(0) @binding(0) var<storage, read> x: array<${t}>;`,
      `@group(0) @binding(1) var<storage, read> ix: array<${it}>;`,
      `@group(0) @binding(2) var<storage, read_write> y: array<${t}>;`,
      `@group(0) @binding(3) var<uniform> u: U;`,
      `@compute @workgroup_size(${WG})`,
      `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
      `  let o = gid.x + gid.y * nwg.x * ${WG}u;`,
      `  if (o >= u.total) { return; }`,
      `  let i = o % u.inner;`,
      `  let r = o / u.inner;`,
      `  let j = r % u.m;`,
      `  let oo = r / u.m;`,
      `  let q = i32(ix[j]);`,
      `  let p = ${p};`,
      `  y[o] = x[(oo * u.n + p) * u.inner + i];`,
      `}`,
    ].join("\n");
    return {
      outputs: [shape],
      passes: total === 0 ? [] : [{
        wgsl,
        bind: ["in0" as const, "in1" as const, "out0" as const],
        uniforms: [total, n, Math.max(m, 1), Math.max(inner, 1)],
        workgroups: grid(Math.ceil(total / WG)),
        label: `take (${mode})`,
      }],
    };
  },
};

/**
 * The check_aligned template: no pass, the first input's buffer is the output, after
 * comparing the lengths of the paired axes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkAlignedWgsl } from "./array_wgsl.ts";
 * const run = { params: { axesA: [0, 2], axesB: [0, 1], op: "batchedTensordot" }, inputs: [], outputs: [],
 *   shapes: [[2, 3, 4], [2, 4, 5]], scalars: [], where: "x" };
 * assert.equal(checkAlignedWgsl.plan(run).views[0], 0);
 * assert.throws(() => checkAlignedWgsl.plan({ ...run, shapes: [[2, 3, 4], [2, 5, 4]] }), /not aligned/);
 * ```
 */
export const checkAlignedWgsl = {
  plan(run: KernelRun<AlignedParams>) {
    const [a, b] = run.shapes, { axesA, axesB, op } = run.params;
    axesA.forEach((d, i) => {
      if (a[d] !== b[axesB[i]]) {
        throw new ShapeError(
          `${op}: shapes (${a.join(", ")}) and (${b.join(", ")}) are not aligned: axis ${d} has length ${
            a[d]
          } against axis ${axesB[i]} of length ${b[axesB[i]]} in ${run.where}`,
        );
      }
    });
    return { outputs: [a], views: [0], passes: [] };
  },
};
