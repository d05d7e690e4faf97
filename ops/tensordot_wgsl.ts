/**
 * WGSL kernels of tensordot (one thread per output element, summing over the paired
 * axes in the CPU's order, each operand read through its own strides: no transposed
 * copies) and of prod_others, the gradient helper of prod (one thread per reduction
 * group: prefix products, then suffix products, exact with zeros like the CPU's).
 * float32 only; the CPU accumulates in float64, so results agree within a tolerance.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import { cStrides, grid, type KernelRun, WG } from "./wgsl_util.ts";

/** WGSL adding to `acc` the offsets of linear index `idx` over dims `lens[d]` with strides `st[d]`. */
function decompose(idx: string, lens: string[], strides: string[][], accs: string[]): string[] {
  const out = [`  { var q = ${idx};`];
  for (let d = lens.length - 1; d >= 0; d--) {
    out.push(`    { let c = q % u.${lens[d]}; q = q / u.${lens[d]};`);
    accs.forEach((a, k) => out.push(`      ${a} += c * u.${strides[k][d]};`));
    out.push(`    }`);
  }
  out.push(`  }`);
  return out;
}

const only32 =
  (name: string) => (info: { inputs: readonly { dtype: DType }[]; outputs: readonly { dtype: DType }[] }) =>
    [...info.inputs, ...info.outputs].every((v) => v.dtype === "float32")
      ? undefined
      : `${name} has a WGSL kernel for float32 only`;

/**
 * The tensordot template (params `{ axesA, axesB }`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensordotWgsl } from "./tensordot_wgsl.ts";
 * const f = { dtype: "float32" as const, shape: [null, null] };
 * const run = { params: { axesA: [1], axesB: [0] }, inputs: [f, f], outputs: [{ dtype: "float32" as const }],
 *   shapes: [[2, 3], [3, 4]], scalars: [], where: "" };
 * assert(tensordotWgsl.plan(run).outputs[0].join() === "2,4");
 * ```
 */
export const tensordotWgsl = {
  unsupported: only32("tensordot"),
  plan(run: KernelRun<{ axesA: number[]; axesB: number[] }>) {
    const { axesA, axesB } = run.params, [sa, sb] = run.shapes;
    axesA.forEach((a, i) => {
      if (sa[a] !== sb[axesB[i]]) {
        throw new ShapeError(
          `tensordot: axis ${a} of a (length ${sa[a]}) does not match axis ${axesB[i]} of b (length ${
            sb[axesB[i]]
          }); shapes (${sa.join(", ")}) and (${sb.join(", ")}) in ${run.where}`,
        );
      }
    });
    const freeA = [...sa.keys()].filter((d) => !axesA.includes(d));
    const freeB = [...sb.keys()].filter((d) => !axesB.includes(d));
    const stA = cStrides(sa), stB = cStrides(sb);
    const prod = (s: readonly number[], ax: number[]) => ax.reduce((p, d) => p * s[d], 1);
    const m = prod(sa, freeA), k = prod(sa, axesA), n = prod(sb, freeB);
    const outShape = [...freeA.map((d) => sa[d]), ...freeB.map((d) => sb[d])];
    const names = (p: string, len: number) => [...Array(len).keys()].map((d) => `${p}${d}`);
    const fa = names("fa", freeA.length), fas = names("fas", freeA.length);
    const fb = names("fb", freeB.length), fbs = names("fbs", freeB.length);
    const ka = names("k", axesA.length), kas = names("kas", axesA.length), kbs = names("kbs", axesA.length);
    const fields = ["total", "n", "k", ...fa, ...fas, ...fb, ...fbs, ...ka, ...kas, ...kbs];
    const lines = [
      `struct U { ${fields.map((f) => `${f}: u32,`).join(" ")} }`,
      `@group(0) @binding(0) var<storage, read> a: array<f32>;`,
      `@group(0) @binding(1) var<storage, read> b: array<f32>;`,
      `@group(0) @binding(2) var<storage, read_write> y: array<f32>;`,
      `@group(0) @binding(3) var<uniform> u: U;`,
      `@compute @workgroup_size(${WG})`,
      `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
      `  let o = gid.x + gid.y * nwg.x * ${WG}u;`,
      `  if (o >= u.total) { return; }`,
      `  var ab = 0u;`,
      `  var bb = 0u;`,
      ...decompose("o / u.n", fa, [fas], ["ab"]),
      ...decompose("o % u.n", fb, [fbs], ["bb"]),
      `  var acc = 0.0;`,
      `  for (var p = 0u; p < u.k; p++) {`,
      `    var ai = ab;`,
      `    var bi = bb;`,
      ...decompose("p", ka, [kas, kbs], ["ai", "bi"]),
      `    acc += a[ai] * b[bi];`,
      `  }`,
      `  y[o] = acc;`,
      `}`,
    ];
    return {
      outputs: [outShape],
      passes: [{
        wgsl: lines.join("\n"),
        bind: ["in0" as const, "in1" as const, "out0" as const],
        uniforms: [
          m * n,
          n,
          k,
          ...freeA.map((d) => sa[d]),
          ...freeA.map((d) => stA[d]),
          ...freeB.map((d) => sb[d]),
          ...freeB.map((d) => stB[d]),
          ...axesA.map((d) => sa[d]),
          ...axesA.map((d) => stA[d]),
          ...axesB.map((d) => stB[d]),
        ],
        workgroups: grid(Math.ceil((m * n) / WG)),
        label: "tensordot",
      }],
    };
  },
};

/**
 * The prod_others template (params `{ axes }`): for each element, the product of the
 * other elements of its group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prodOthersWgsl } from "./tensordot_wgsl.ts";
 * const run = { params: { axes: [1] }, inputs: [{ dtype: "float32" as const, shape: [null, null] }],
 *   outputs: [{ dtype: "float32" as const }], shapes: [[2, 3]], scalars: [], where: "" };
 * assert(prodOthersWgsl.plan(run).passes.length === 1);
 * ```
 */
export const prodOthersWgsl = {
  unsupported: only32("prod_others"),
  plan(run: KernelRun<{ axes: number[] }>) {
    const shape = run.shapes[0], { axes } = run.params, st = cStrides(shape);
    const kept = [...shape.keys()].filter((d) => !axes.includes(d));
    const groups = kept.reduce((p, d) => p * shape[d], 1), m = axes.reduce((p, d) => p * shape[d], 1);
    const kl = kept.map((_, i) => `kl${i}`), ks = kept.map((_, i) => `ks${i}`);
    const rl = axes.map((_, i) => `rl${i}`), rs = axes.map((_, i) => `rs${i}`);
    const fields = ["groups", "m", ...kl, ...ks, ...rl, ...rs];
    const at = (j: string) => [`    var at = base;`, ...decompose(j, rl, [rs], ["at"])];
    const lines = [
      `struct U { ${fields.map((f) => `${f}: u32,`).join(" ")} }`,
      `@group(0) @binding(0) var<storage, read> x: array<f32>;`,
      `@group(0) @binding(1) var<storage, read_write> y: array<f32>;`,
      `@group(0) @binding(2) var<uniform> u: U;`,
      `@compute @workgroup_size(${WG})`,
      `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
      `  let g = gid.x + gid.y * nwg.x * ${WG}u;`,
      `  if (g >= u.groups) { return; }`,
      `  var base = 0u;`,
      ...decompose("g", kl, [ks], ["base"]),
      `  var pre = 1.0;`,
      `  for (var j = 0u; j < u.m; j++) {`,
      ...at("j"),
      `    y[at] = pre;`,
      `    pre *= x[at];`,
      `  }`,
      `  var suf = 1.0;`,
      `  for (var j = u.m; j > 0u; j--) {`,
      ...at("j - 1u"),
      `    y[at] *= suf;`,
      `    suf *= x[at];`,
      `  }`,
      `}`,
    ];
    return {
      outputs: [shape],
      passes: [{
        wgsl: lines.join("\n"),
        bind: ["in0" as const, "out0" as const],
        uniforms: [
          groups,
          m,
          ...kept.map((d) => shape[d]),
          ...kept.map((d) => st[d]),
          ...axes.map((d) => shape[d]),
          ...axes.map((d) => st[d]),
        ],
        workgroups: grid(Math.ceil(groups / WG)),
        label: "prod_others",
      }],
    };
  },
};
