/**
 * The WGSL lowering of the reductions (sum, mean, prod, max, min, argmax, argmin, any,
 * all, logsumexp) and the group layout that softmax's kernels share.
 *
 * A reduction over `axes` sees the input as `outSize` groups of `m` elements. Element j
 * of group o is read at `at(o, j)`: `o·m + j` when the reduced axes are trailing,
 * `j·outSize + o` when they are leading, and through the lengths and strides of the
 * kept and reduced axes otherwise. One workgroup of 256 threads reduces a group: each
 * thread folds a strided part, then a tree in workgroup memory combines the 256
 * partial results. A few large groups (a full sum) are first split into chunks, each
 * reduced by its own workgroup into a scratch buffer, which a second pass reduces.
 *
 * float32 sums and products accumulate in f32 (the CPU in float64): they agree to about
 * sqrt(m)·2^-24 relative to the sum of magnitudes. NaN propagates through max/min (tested
 * by bits: shader compilers may assume x == x); argmax/argmin give the first extreme
 * (the first NaN), as NumPy. argmax's int64 result is stored in i32 lanes (an index below
 * 2^31; `int64AsI32`).
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import { f32Bits, grid, ISNAN_WGSL, lane, WG } from "./wgsl_util.ts";

/** How element j of group o is found: see the module note. */
export type GroupLayout = "trailing" | "leading" | "general";

/**
 * The static layout of groups over sorted `axes` of an `ndim`-d input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupLayout } from "./reduce_wgsl.ts";
 * assert(groupLayout([1], 2) === "trailing" && groupLayout([0], 2) === "leading");
 * assert(groupLayout([1], 3) === "general");
 * ```
 */
export function groupLayout(axes: readonly number[], ndim: number): GroupLayout {
  if (axes.every((a, k) => a === ndim - axes.length + k)) return "trailing";
  if (axes.every((a, k) => a === k)) return "leading";
  return "general";
}

/**
 * WGSL for the group layout: uniform fields (after `outSize, m`) and `fn at(o, j)`.
 * `kept`/`red` are the numbers of kept and reduced axes (general layout only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutWgsl } from "./reduce_wgsl.ts";
 * assert(layoutWgsl("trailing", 1, 1).at.includes("o * u.m + j"));
 * ```
 */
export function layoutWgsl(kind: GroupLayout, kept: number, red: number): { fields: string[]; at: string } {
  if (kind === "trailing") return { fields: [], at: `fn at(o: u32, j: u32) -> u32 { return o * u.m + j; }` };
  if (kind === "leading") {
    return { fields: [], at: `fn at(o: u32, j: u32) -> u32 { return j * u.outSize + o; }` };
  }
  const fields = [
    ...Array.from({ length: kept }, (_, k) => [`kl${k}`, `ks${k}`]).flat(),
    ...Array.from({ length: red }, (_, k) => [`rl${k}`, `rs${k}`]).flat(),
  ];
  const lines = [`fn at(o: u32, j: u32) -> u32 {`, `  var r = o;`, `  var q = j;`, `  var off = 0u;`];
  for (let k = kept - 1; k >= 0; k--) lines.push(`  off += (r % u.kl${k}) * u.ks${k}; r = r / u.kl${k};`);
  for (let k = red - 1; k >= 0; k--) lines.push(`  off += (q % u.rl${k}) * u.rs${k}; q = q / u.rl${k};`);
  lines.push(`  return off;`, `}`);
  return { fields, at: lines.join("\n") };
}

/**
 * The uniform words of the general layout for an input of `shape` grouped over `axes`
 * (lengths and C strides of the kept axes, then of the reduced ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutWords } from "./reduce_wgsl.ts";
 * assert(layoutWords([2, 3, 4], [1]).join() === "2,12,4,1,3,4");
 * ```
 */
export function layoutWords(shape: readonly number[], axes: readonly number[]): number[] {
  const strides: number[] = [];
  for (let d = shape.length - 1, s = 1; d >= 0; s *= shape[d], d--) strides[d] = s;
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  return [...kept.flatMap((d) => [shape[d], strides[d]]), ...axes.flatMap((d) => [shape[d], strides[d]])];
}

/** The group counts of an input of `shape` over `axes`. */
export function groupSizes(
  shape: readonly number[],
  axes: readonly number[],
): { outSize: number; m: number } {
  let outSize = 1, m = 1;
  shape.forEach((n, d) => (axes.includes(d) ? (m *= n) : (outSize *= n)));
  return { outSize, m };
}

/** The tree combining 256 partial results in workgroup memory (`comb` updates sh[lid] from lid + w). */
export function treeWgsl(comb: string): string {
  return `  workgroupBarrier();
  for (var w = ${WG / 2}u; w > 0u; w >>= 1u) {
    if (lid < w) { ${comb} }
    workgroupBarrier();
  }`;
}

type RedName = "sum" | "mean" | "prod" | "max" | "min" | "argmax" | "argmin" | "any" | "all" | "logsumexp";
const NONE = "0xffffffffu";

/** Identity, fold of one value, and combination of two partials, per reduction and lane type. */
function rules(name: RedName, t: string) {
  const inf = (neg: boolean) =>
    t === "f32"
      ? `bitcast<f32>(${neg ? "0xff800000u" : "0x7f800000u"})`
      : t === "i32"
      ? (neg ? "bitcast<i32>(0x80000000u)" : "2147483647i")
      : (neg ? "0u" : "0xffffffffu");
  const nan = (a: string) => (t === "f32" ? `isnan_(${a})` : "false");
  switch (name) {
    case "sum":
    case "mean":
      return { acc: "f32", ident: "0.0", fold: "a = a + v;", comb: "sh[lid] = sh[lid] + sh[lid + w];" };
    case "prod":
      return { acc: "f32", ident: "1.0", fold: "a = a * v;", comb: "sh[lid] = sh[lid] * sh[lid + w];" };
    case "max":
    case "min": {
      const cmp = name === "max" ? ">" : "<";
      const pick = (a: string, b: string) =>
        `select(${a}, ${b}, ${nan(b)} || (!${nan(a)} && ${b} ${cmp} ${a}))`;
      return {
        acc: t,
        ident: inf(name === "max"),
        fold: `a = ${pick("a", "v")};`,
        comb: `sh[lid] = ${pick("sh[lid]", "sh[lid + w]")};`,
      };
    }
    case "argmax":
    case "argmin": {
      const cmp = name === "argmax" ? ">" : "<";
      return {
        acc: t,
        ident: inf(name === "argmax"),
        fold: `if (ai == ${NONE} || (!${nan("a")} && (${nan("v")} || v ${cmp} a))) { a = v; ai = j; }`,
        comb: `let pb = sh[lid + w]; let pbi = si[lid + w]; let pa = sh[lid]; let pai = si[lid];
      let take = pbi != ${NONE} && (pai == ${NONE} || (${nan("pb")} && (!${nan("pa")} || pbi < pai)) ||
        (!${nan("pa")} && !${nan("pb")} && (pb ${cmp} pa || (pb == pa && pbi < pai))));
      if (take) { sh[lid] = pb; si[lid] = pbi; }`,
      };
    }
    case "any":
      return { acc: "u32", ident: "0u", fold: "a = a | v;", comb: "sh[lid] = sh[lid] | sh[lid + w];" };
    case "all":
      return { acc: "u32", ident: "1u", fold: "a = a & v;", comb: "sh[lid] = sh[lid] & sh[lid + w];" };
    default:
      throw new Error(`reduce_wgsl: no rule for ${name}`);
  }
}

/** How a loaded input value becomes an accumulator value (`raw` = already folded partials). */
function load(name: RedName, t: string, acc: string, raw: boolean): string {
  if ((name === "any" || name === "all") && !raw) {
    return t === "f32"
      ? `select(0u, 1u, (bitcast<u32>(x[i]) & 0x7fffffffu) != 0u)`
      : `select(0u, 1u, x[i] != ${t}(0))`;
  }
  return acc === t ? "x[i]" : `${acc}(x[i])`;
}

interface ReduceKernel {
  name: RedName;
  t: string; // input lane type
  out: string; // output lane type
  layout: GroupLayout;
  kept: number;
  red: number;
  raw: boolean; // the input holds partial results of a first pass
  final: boolean; // apply mean's division and the output conversion
}

function reduceSource(k: ReduceKernel): string {
  const r = rules(k.name, k.t);
  const arg = k.name === "argmax" || k.name === "argmin";
  const lay = layoutWgsl(k.layout, k.kept, k.red);
  const result = !k.final
    ? (arg ? "si[0]" : "sh[0]")
    : arg
    ? "i32(si[0])"
    : k.name === "mean"
    ? `select(sh[0] / u.count, bitcast<f32>(0x7fc00000u), u.m == 0u)`
    : k.out === r.acc
    ? "sh[0]"
    : `${k.out}(sh[0])`;
  return `// Hypatia: ${k.name} reduction (${k.layout}${k.raw ? ", second pass" : ""}).
${ISNAN_WGSL}
struct U { outSize: u32, m: u32, chunk: u32, chunks: u32, count: f32, p0: u32, p1: u32, p2: u32,${
    lay.fields.map((f) => ` ${f}: u32,`).join("")
  } }
@group(0) @binding(0) var<storage, read> x: array<${k.t}>;
@group(0) @binding(1) var<storage, read_write> y: array<${k.final ? k.out : arg ? "u32" : r.acc}>;
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> sh: array<${r.acc}, ${WG}>;
${arg ? `var<workgroup> si: array<u32, ${WG}>;` : ""}
${lay.at}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let wid = wg.x + wg.y * nwg.x;
  if (wid >= u.outSize * u.chunks) { return; }
  let o = wid / u.chunks;
  let j0 = (wid % u.chunks) * u.chunk;
  let j1 = min(u.m, j0 + u.chunk);
  var a: ${r.acc} = ${r.ident};
  ${arg ? `var ai = ${NONE};` : ""}
  for (var j = j0 + lid; j < j1; j += ${WG}u) {
    let i = at(o, j);
    let v = ${load(k.name, k.t, r.acc, k.raw)};
    ${r.fold}
  }
  sh[lid] = a;
  ${arg ? "si[lid] = ai;" : ""}
${treeWgsl(r.comb)}
  if (lid == 0u) { y[wid] = ${result}; }
}
`;
}

/** The two-phase logsumexp kernel: the group's maximum, then the sum of exp(x - max). */
function logsumexpSource(layout: GroupLayout, kept: number, red: number): string {
  const lay = layoutWgsl(layout, kept, red);
  const maxPick = (a: string, b: string) =>
    `select(${a}, ${b}, isnan_(${b}) || (!isnan_(${a}) && ${b} > ${a}))`;
  return `// Hypatia: logsumexp (${layout}).
${ISNAN_WGSL}
struct U { outSize: u32, m: u32, chunk: u32, chunks: u32, count: f32, p0: u32, p1: u32, p2: u32,${
    lay.fields.map((f) => ` ${f}: u32,`).join("")
  } }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> sh: array<f32, ${WG}>;
${lay.at}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wg.x + wg.y * nwg.x;
  if (o >= u.outSize) { return; }
  var a = bitcast<f32>(0xff800000u);
  for (var j = lid; j < u.m; j += ${WG}u) { let v = x[at(o, j)]; a = ${maxPick("a", "v")}; }
  sh[lid] = a;
${treeWgsl(`sh[lid] = ${maxPick("sh[lid]", "sh[lid + w]")};`)}
  let mx = sh[0];
  workgroupBarrier();
  let finite = !isnan_(mx) && abs(mx) != bitcast<f32>(0x7f800000u);
  var s = 0.0;
  if (finite) { for (var j = lid; j < u.m; j += ${WG}u) { s += exp(x[at(o, j)] - mx); } }
  sh[lid] = s;
${treeWgsl("sh[lid] = sh[lid] + sh[lid + w];")}
  if (lid == 0u) { y[o] = select(mx, mx + log(sh[0]), finite); }
}
`;
}

interface Info {
  params: { axes: number[]; keepdims: boolean };
  inputs: readonly { dtype: DType }[];
  outputs: readonly { dtype: DType }[];
  shapes: readonly (readonly number[])[];
  limits: { maxComputeWorkgroupsPerDimension: number };
  where: string;
}

const CHUNKABLE = new Set<RedName>(["sum", "mean", "prod", "max", "min", "any", "all"]);
const NON_EMPTY = new Set<RedName>(["max", "min", "argmax", "argmin"]);

/**
 * The kernel template of reduction `name` (params `{ axes, keepdims }`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reduceWgsl } from "./reduce_wgsl.ts";
 * const t = reduceWgsl("sum");
 * const plan = t.plan({
 *   params: { axes: [0, 1], keepdims: false }, inputs: [{ dtype: "float32" }], outputs: [{ dtype: "float32" }],
 *   shapes: [[3, 4]], limits: { maxComputeWorkgroupsPerDimension: 65535 }, where: "sum",
 * });
 * assert(plan.outputs[0].length === 0 && plan.passes.length === 1);
 * ```
 */
export function reduceWgsl(name: string) {
  const n = name as RedName;
  return {
    int64AsI32: n === "argmax" || n === "argmin",
    unsupported(info: { inputs: readonly { dtype: DType }[]; outputs: readonly { dtype: DType }[] }) {
      if (!["sum", "mean", "prod", "max", "min", "argmax", "argmin", "any", "all", "logsumexp"].includes(n)) {
        return `no WGSL kernel for the reduction ${name}`;
      }
      const out = info.outputs[0].dtype;
      if ((n === "sum" || n === "mean" || n === "prod" || n === "logsumexp") && out !== "float32") {
        return `${name} to ${out} has no WGSL kernel (float32 does)`;
      }
      return undefined;
    },
    plan(run: Info) {
      const { axes, keepdims } = run.params, shape = run.shapes[0];
      const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
      const { outSize, m } = groupSizes(shape, axes);
      if (NON_EMPTY.has(n) && m === 0 && outSize > 0) {
        throw new ShapeError(
          `${name}: cannot reduce over zero elements (axes [${axes.join(", ")}] of an input of shape (${
            shape.join(", ")
          })): the operation has no identity (in ${run.where})`,
        );
      }
      const layout = groupLayout(axes, shape.length), kept = shape.length - axes.length;
      const lw = layout === "general" ? layoutWords(shape, axes) : [];
      const max = run.limits.maxComputeWorkgroupsPerDimension;
      const t = lane(run.inputs[0].dtype)!, out = lane(run.outputs[0].dtype) ?? "i32";
      const words = (o: number, mm: number, chunk: number, chunks: number, more: number[]) => [
        o,
        mm,
        chunk,
        chunks,
        f32Bits(m),
        0,
        0,
        0,
        ...more,
      ];
      if (n === "logsumexp") {
        return {
          outputs: [outShape],
          passes: [{
            wgsl: logsumexpSource(layout, kept, axes.length),
            bind: ["in0", "out0"] as const,
            uniforms: words(outSize, m, m, 1, lw),
            workgroups: grid(outSize, max),
            label: name,
          }],
        };
      }
      const chunks = CHUNKABLE.has(n) && outSize <= 64 && m >= 8192 ? Math.min(1024, Math.ceil(m / 4096)) : 1;
      const chunk = Math.max(1, Math.ceil(m / chunks));
      const base = { name: n, t, out, layout, kept, red: axes.length, raw: false, final: chunks === 1 };
      const first = {
        wgsl: reduceSource(base),
        bind: ["in0", chunks === 1 ? "out0" : "tmp0"] as const,
        uniforms: words(outSize, m, chunk, chunks, lw),
        workgroups: grid(outSize * chunks, max),
        label: name,
      };
      if (chunks === 1) return { outputs: [outShape], passes: [first] };
      const acc = rules(n, t).acc;
      const second = {
        wgsl: reduceSource({ ...base, t: acc, layout: "trailing", kept: 1, red: 1, raw: true, final: true }),
        bind: ["tmp0", "out0"] as const,
        uniforms: words(outSize, chunks, chunks, 1, []),
        workgroups: grid(outSize, max),
        label: `${name} (second pass)`,
      };
      return { outputs: [outShape], scratch: [outSize * chunks], passes: [first, second] };
    },
  };
}
