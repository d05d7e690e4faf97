/**
 * The WGSL lowering of softmax, logSoftmax and softmax_grad: one workgroup of 256
 * threads per group (the elements softmax normalises over, found through the group
 * layout of reduce_wgsl.ts), with trees in workgroup memory for the group's maximum and
 * sum, then every element written. As on the CPU the maximum (NaN if any element is NaN;
 * 0 when every element is -inf) is subtracted before exponentiating. float32 only: the
 * results agree with the CPU's (float64, rounded once) within a few float32 ulps of exp
 * and log, about 1e-6 relative.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import type { Dim } from "../core/graph.ts";
import { groupLayout, groupSizes, layoutWgsl, layoutWords, treeWgsl } from "./reduce_wgsl.ts";
import { grid, ISNAN_WGSL, WG } from "./wgsl_util.ts";

type Kind = "softmax" | "log_softmax" | "softmax_grad";

const maxPick = (a: string, b: string) =>
  `select(${a}, ${b}, isnan_(${b}) || (!isnan_(${a}) && ${b} > ${a}))`;

function source(kind: Kind, layout: ReturnType<typeof groupLayout>, kept: number, red: number): string {
  const lay = layoutWgsl(layout, kept, red);
  const inputs = kind === "softmax_grad"
    ? `@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> s: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> u: U;`
    : `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: U;`;
  const body = kind === "softmax_grad"
    ? `  var d = 0.0;
  for (var j = lid; j < u.m; j += ${WG}u) { let i = at(o, j); d += g[i] * s[i]; }
  sh[lid] = d;
${treeWgsl("sh[lid] = sh[lid] + sh[lid + w];")}
  let dot = sh[0];
  for (var j = lid; j < u.m; j += ${WG}u) { let i = at(o, j); y[i] = s[i] * (g[i] - dot); }`
    : `  var a = bitcast<f32>(0xff800000u);
  for (var j = lid; j < u.m; j += ${WG}u) { let v = x[at(o, j)]; a = ${maxPick("a", "v")}; }
  sh[lid] = a;
${treeWgsl(`sh[lid] = ${maxPick("sh[lid]", "sh[lid + w]")};`)}
  let mx = sh[0];
  let shift = select(mx, 0.0, mx == bitcast<f32>(0xff800000u));
  workgroupBarrier();
  var t = 0.0;
  for (var j = lid; j < u.m; j += ${WG}u) { t += exp(x[at(o, j)] - shift); }
  sh[lid] = t;
${treeWgsl("sh[lid] = sh[lid] + sh[lid + w];")}
  let total = sh[0];
  ${
      kind === "softmax"
        ? `for (var j = lid; j < u.m; j += ${WG}u) { let i = at(o, j); y[i] = exp(x[i] - shift) / total; }`
        : `let lt = log(total);
  for (var j = lid; j < u.m; j += ${WG}u) { let i = at(o, j); y[i] = (x[i] - shift) - lt; }`
    }`;
  return `// Hypatia: ${kind} (${layout}).
${ISNAN_WGSL}
struct U { outSize: u32, m: u32, p0: u32, p1: u32,${lay.fields.map((f) => ` ${f}: u32,`).join("")} }
${inputs}
var<workgroup> sh: array<f32, ${WG}>;
${lay.at}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wg.x + wg.y * nwg.x;
  if (o >= u.outSize) { return; }
${body}
}
`;
}

/**
 * The kernel template of softmax, log_softmax or softmax_grad (params `{ axes }`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmaxWgsl } from "./softmax_wgsl.ts";
 * const t = softmaxWgsl("softmax");
 * const f = { dtype: "float32" as const, shape: [null, null] };
 * const plan = t.plan({ params: { axes: [1] }, inputs: [f], outputs: [f], shapes: [[4, 10]],
 *   limits: { maxComputeWorkgroupsPerDimension: 65535 } });
 * assert(plan.passes[0].workgroups[0] === 4);
 * ```
 */
export function softmaxWgsl(kind: Kind) {
  return {
    unsupported(info: { outputs: readonly { dtype: DType }[] }) {
      const out = info.outputs[0].dtype;
      return out === "float32" ? undefined : `${kind} of ${out} has no WGSL kernel (float32 does)`;
    },
    plan(run: {
      params: { axes: number[] };
      inputs: readonly { dtype: DType; shape: readonly Dim[] }[];
      outputs?: readonly { dtype: DType; shape: readonly Dim[] }[];
      shapes: readonly (readonly number[])[];
      limits: { maxComputeWorkgroupsPerDimension: number };
      where?: string;
    }) {
      const { axes } = run.params, shape = run.shapes[kind === "softmax_grad" ? 1 : 0];
      if (kind === "softmax_grad" && run.shapes[0].some((d, i) => d !== shape[i])) {
        throw new ShapeError(
          `${run.where}: gradient shape (${run.shapes[0].join(", ")}) differs from output shape (${
            shape.join(", ")
          })`,
        );
      }
      const layout = groupLayout(axes, shape.length);
      const { outSize, m } = groupSizes(shape, axes);
      return {
        outputs: [shape],
        passes: [{
          wgsl: source(kind, layout, shape.length - axes.length, axes.length),
          bind: kind === "softmax_grad" ? ["in0", "in1", "out0"] as const : ["in0", "out0"] as const,
          uniforms: [outSize, m, 0, 0, ...(layout === "general" ? layoutWords(shape, axes) : [])],
          workgroups: grid(m === 0 ? 0 : outSize, run.limits.maxComputeWorkgroupsPerDimension),
          label: kind,
        }],
      };
    },
  };
}
