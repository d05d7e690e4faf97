/**
 * Small helpers for the WGSL kernel templates of non-elementwise ops (ops/*_wgsl.ts,
 * registered in backends/webgpu/table.ts; the contract is described in
 * backends/webgpu/kernel_template.ts; ops/ does not import backends/, so the template
 * objects are plain data and functions).
 * Storage lanes: float32 is f32, int32/int16/int8 are i32, uint8/bool are u32.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import type { NDArray } from "../core/ndarray.ts";
import type { Dim } from "../core/graph.ts";
import { stridesOf } from "../core/ndarray.ts";
import { wgslType } from "./elemwise.ts";

/** Threads of the one-dimensional kernels. */
export const WG = 256;

/** The WGSL lane type of a dtype, or undefined (float64, int64). */
export const lane = wgslType;

/**
 * The u32 bits of a float32 (uniform words are u32).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { f32Bits } from "./wgsl_util.ts";
 * assert(f32Bits(1) === 0x3f800000);
 * ```
 */
export function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}

/**
 * Workgroup counts for `groups` workgroups: x up to `max`, the rest in y. Kernels
 * recover the linear id as `wg.x + wg.y * nwg.x` (see `LINEAR_WG`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grid } from "./wgsl_util.ts";
 * assert(grid(10).join() === "10,1" && grid(70000, 65535).join() === "35000,2");
 * ```
 */
export function grid(groups: number, max = 65535): [number, number] {
  if (groups <= max) return [groups, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/** The entry point's builtins and the linear workgroup id `wid` (a statement block). */
export const LINEAR_WG = `@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>`;

/** WGSL: is an f32 a NaN (by its bits: shader compilers may assume x == x). */
export const ISNAN_WGSL = `fn isnan_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}`;

/**
 * A value stored in `dtype`'s lane as the typed-array store does: narrow integers wrap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapStore } from "./wgsl_util.ts";
 * assert(wrapStore("v", "int8") === "((v << 24u) >> 24u)" && wrapStore("v", "float32") === "v");
 * ```
 */
export function wrapStore(expr: string, dtype: DType): string {
  switch (dtype) {
    case "int16":
      return `((${expr} << 16u) >> 16u)`;
    case "int8":
      return `((${expr} << 24u) >> 24u)`;
    case "uint8":
      return `(${expr} & 255u)`;
    case "bool":
      return `select(0u, 1u, ${expr} != 0u)`;
    default:
      return expr;
  }
}

/**
 * C-order strides of a shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cStrides } from "./wgsl_util.ts";
 * assert(cStrides([2, 3]).join() === "3,1");
 * ```
 */
export function cStrides(shape: readonly number[]): number[] {
  return stridesOf(shape);
}

/**
 * A strided-copy pass over `shape` (C order, element o): a gather
 * `out[o] = in[base + sum_d coord_d(o) * strides_d]`, or with `scatter` the reverse,
 * `out[base + sum_d coord_d(o) * strides_d] = in[o]`. Lane type `t` for both. Used by
 * dimshuffle, subtensor, alloc and concatenate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyPass } from "./wgsl_util.ts";
 * const p = copyPass("f32", [2, 3], [1, 2], 0);
 * assert(p.bind.join() === "in0,out0" && p.uniforms.slice(0, 2).join() === "6,0");
 * ```
 */
export function copyPass(
  t: "f32" | "i32" | "u32",
  shape: readonly number[],
  strides: readonly number[],
  base: number,
  options: { input?: number; scatter?: boolean } = {},
): { wgsl: string; bind: (`in${number}` | "out0")[]; uniforms: number[]; workgroups: [number, number] } {
  const nd = shape.length, n = shape.reduce((a, b) => a * b, 1);
  const fields = ["n", "base", ...shape.map((_, d) => `l${d}`), ...shape.map((_, d) => `s${d}`)];
  const lines = [
    `struct U { ${fields.map((f) => `${f}: u32,`).join(" ")} }`,
    `@group(0) @binding(0) var<storage, read> x: array<${t}>;`,
    `@group(0) @binding(1) var<storage, read_write> y: array<${t}>;`,
    `@group(0) @binding(2) var<uniform> u: U;`,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
    `  let o = gid.x + gid.y * nwg.x * ${WG}u;`,
    `  if (o >= u.n) { return; }`,
    `  var r = o;`,
    `  var at = u.base;`,
  ];
  for (let d = nd - 1; d >= 0; d--) {
    lines.push(`  { let c = r % u.l${d}; r = r / u.l${d}; at += c * u.s${d}; }`);
  }
  lines.push(options.scatter ? `  y[at] = x[o];` : `  y[o] = x[at];`, `}`);
  return {
    wgsl: lines.join("\n"),
    bind: [`in${options.input ?? 0}`, "out0"],
    uniforms: [n, base, ...shape, ...strides],
    workgroups: grid(Math.ceil(n / WG)),
  };
}

/** What a kernel template's `plan` receives about one run of its node. */
export interface KernelRun<P> {
  params: P;
  inputs: readonly { dtype: DType; shape: readonly Dim[] }[];
  outputs: readonly { dtype: DType }[];
  shapes: readonly (readonly number[])[];
  /** Values of small integer inputs (symbolic lengths and indices), read on the host. */
  scalars: readonly (number | undefined)[];
  where: string;
}

/**
 * A stand-in NDArray for code that reads only `shape`, `size` and `data[0]` of small host
 * values (the index resolution shared with the CPU kernels).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shaped } from "./wgsl_util.ts";
 * const a = shaped([2, 3], 7);
 * assert(a.size === 6 && a.data[0] === 7);
 * ```
 */
export function shaped(shape: readonly number[], value?: number): NDArray {
  return {
    shape,
    size: shape.reduce((a, b) => a * b, 1),
    data: [value],
    ndim: shape.length,
  } as unknown as NDArray;
}
