/**
 * WGSL kernels of setSubtensor/incSubtensor (a copy of `x`, then the value scattered
 * or added into the region through its strides, broadcasting by zero strides), arange
 * (the CPU's `first + i * delta` in the output's lanes) and eye (ones where
 * `column - row == k`). Lengths, bounds and indices are host scalars.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { isFloat } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import type { IndexEntry } from "./subtensor_kernel.ts";
import { regionOf } from "./subtensor_kernel.ts";
import { resolveRuntime } from "./subtensor_index.ts";
import {
  copyPass,
  cStrides,
  f32Bits,
  grid,
  type KernelRun,
  lane,
  shaped,
  WG,
  wrapStore,
} from "./wgsl_util.ts";

const HEAD = (fields: string[], bindings: string[]) => [
  `struct U { ${fields.map((f) => `${f}: u32,`).join(" ")} }`,
  ...bindings.map((b, i) => `@group(0) @binding(${i}) var<storage, ${b};`),
  `@group(0) @binding(${bindings.length}) var<uniform> u: U;`,
  `@compute @workgroup_size(${WG})`,
  `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
  `  let o = gid.x + gid.y * nwg.x * ${WG}u;`,
  `  if (o >= u.n) { return; }`,
];

/**
 * The setSubtensor/incSubtensor template (params `{ idx, set }`; inputs x, v, then host
 * scalar indices): pass 1 copies `x`, pass 2 writes (or adds) `v` into the region.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incSubtensorWgsl } from "./index_wgsl.ts";
 * const f = { dtype: "float32" as const, shape: [null] };
 * const run = { params: { idx: [{ start: 1, stop: 3, step: 1 }], set: false }, inputs: [f, f],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[5], [2]], scalars: [], where: "x" };
 * const p = incSubtensorWgsl.plan(run);
 * assert(p.outputs[0].join() === "5" && p.passes.length === 2);
 * ```
 */
export const incSubtensorWgsl = {
  hostInputs: (info: { inputs: readonly unknown[] }) => info.inputs.slice(2).map((_, i) => i + 2),
  plan(run: KernelRun<{ idx: IndexEntry[]; set: boolean }>) {
    const { idx, set } = run.params, what = set ? "setSubtensor" : "incSubtensor";
    const xs = run.shapes[0], vs = run.shapes[1], vType = run.inputs[1].shape;
    const sym = run.shapes.slice(2).map((s, i) => shaped(s, run.scalars[i + 2]));
    const r = regionOf(xs, resolveRuntime(what, shaped(xs), idx, sym, run.where));
    const vSt = cStrides(vs), lead = r.shape.length - vs.length;
    const vStrides = r.shape.map((n, d) => {
      const i = d - lead;
      if (i < 0) return 0;
      if (vs[i] === n) return vSt[i];
      if (vs[i] === 1 && vType[i] === 1) return 0;
      throw new ShapeError(
        `${what}: the value of shape (${vs.join(", ")}) does not fit the region of shape (${
          r.shape.join(", ")
        }) in ${run.where}`,
      );
    });
    const dtype = run.outputs[0].dtype, t = lane(dtype)!, nd = r.shape.length;
    const n = r.shape.reduce((a, b) => a * b, 1);
    const lens = r.shape.map((_, d) => `l${d}`),
      rs = lens.map((_, d) => `r${d}`),
      ws = lens.map((_, d) => `v${d}`);
    const lines = HEAD(["n", "base", ...lens, ...rs, ...ws], [
      `read> v: array<${t}>`,
      `read_write> y: array<${t}>`,
    ]);
    lines.push(`  var q = o;`, `  var at = u.base;`, `  var vi = 0u;`);
    for (let d = nd - 1; d >= 0; d--) {
      lines.push(`  { let c = q % u.l${d}; q = q / u.l${d}; at += c * u.r${d}; vi += c * u.v${d}; }`);
    }
    lines.push(`  y[at] = ${set ? "v[vi]" : wrapStore("y[at] + v[vi]", dtype)};`, `}`);
    return {
      outputs: [xs],
      passes: [
        { ...copyPass(t, xs, cStrides(xs), 0), label: `${what} (copy)` },
        {
          wgsl: lines.join("\n"),
          bind: ["in1" as const, "out0" as const],
          uniforms: [n, r.base, ...r.shape, ...r.strides, ...vStrides],
          workgroups: grid(Math.ceil(n / WG)),
          label: `${what} (region)`,
        },
      ],
    };
  },
};

/** The host scalars of a params object's "$" entries, in order. */
function bounds(run: KernelRun<unknown>, entries: readonly (number | "$")[]): number[] {
  let k = 0;
  return entries.map((e) => (e === "$" ? run.scalars[k++]! : e));
}

/**
 * The arange template (params `{ start, stop, step, dtype }`, "$" = host scalar): the
 * CPU's values (`fillArange`): `first`, `conv(start + step)`, then `first + i * delta`,
 * in float32 or int32.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arangeWgsl } from "./index_wgsl.ts";
 * const run = { params: { start: 0, stop: 5, step: 2, dtype: "int32" as const }, inputs: [],
 *   outputs: [{ dtype: "int32" as const }], shapes: [], scalars: [], where: "" };
 * assert(arangeWgsl.plan(run).outputs[0].join() === "3");
 * ```
 */
export const arangeWgsl = {
  hostInputs: (info: { inputs: readonly unknown[] }) => info.inputs.map((_, i) => i),
  unsupported(info: { outputs: readonly { dtype: DType }[] }) {
    const d = info.outputs[0].dtype;
    return d === "float32" || d === "int32"
      ? undefined
      : `arange of ${d} has no WGSL kernel (float32, int32 do)`;
  },
  plan(run: KernelRun<{ start: number | "$"; stop: number | "$"; step: number | "$"; dtype: DType }>) {
    const p = run.params, [start, stop, step] = bounds(run, [p.start, p.stop, p.step]);
    if (step === 0) throw new ShapeError(`arange: step cannot be zero (in ${run.where})`);
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (!Number.isFinite(n)) throw new ShapeError(`arange: cannot make arange(${start}, ${stop}, ${step})`);
    const f = run.outputs[0].dtype === "float32";
    const conv = (v: number) => (f ? Math.fround(v) : isFloat(p.dtype) ? v : Math.trunc(v));
    const first = conv(start), second = conv(start + step);
    const delta = f ? Math.fround(second - first) : second - first;
    const word = (x: number) => (f ? f32Bits(x) : x | 0);
    const t = f ? "f32" : "i32";
    const lines = HEAD(["n", "first", "second", "delta"], [`read_write> y: array<${t}>`]);
    lines.push(
      `  let first = bitcast<${t}>(u.first);`,
      `  if (o == 0u) { y[o] = first; return; }`,
      `  if (o == 1u) { y[o] = bitcast<${t}>(u.second); return; }`,
      `  let step = ${t}(o) * bitcast<${t}>(u.delta);`,
      `  y[o] = first + step;`,
      `}`,
    );
    return {
      outputs: [[n]],
      passes: [{
        wgsl: lines.join("\n"),
        bind: ["out0" as const],
        uniforms: [n, word(first), word(second), word(delta)],
        workgroups: grid(Math.ceil(n / WG)),
        label: "arange",
      }],
    };
  },
};

/**
 * The eye template (params `{ n, m, k, dtype }`, "$" = host scalar): ones on the k-th
 * diagonal, zeros elsewhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eyeWgsl } from "./index_wgsl.ts";
 * const run = { params: { n: 2, m: "$" as const, k: 0, dtype: "float32" as const }, inputs: [],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[]], scalars: [3], where: "" };
 * assert(eyeWgsl.plan(run).outputs[0].join() === "2,3");
 * ```
 */
export const eyeWgsl = {
  hostInputs: (info: { inputs: readonly unknown[] }) => info.inputs.map((_, i) => i),
  plan(run: KernelRun<{ n: number | "$"; m: number | "$"; k: number; dtype: DType }>) {
    const [n, m] = bounds(run, [run.params.n, run.params.m]);
    if (n < 0 || m < 0) throw new ShapeError(`eye: negative dimensions (${n}, ${m}) in ${run.where}`);
    const t = lane(run.outputs[0].dtype)!;
    const lines = HEAD(["n", "m", "k"], [`read_write> y: array<${t}>`]);
    lines.push(`  y[o] = select(${t}(0), ${t}(1), i32(o % u.m) - i32(o / u.m) == bitcast<i32>(u.k));`, `}`);
    return {
      outputs: [[n, m]],
      passes: [{
        wgsl: lines.join("\n"),
        bind: ["out0" as const],
        uniforms: [n * m, m, run.params.k | 0],
        workgroups: grid(Math.ceil((n * m) / WG)),
        label: "eye",
      }],
    };
  },
};
