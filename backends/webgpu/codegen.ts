/**
 * WGSL code generation for elementwise nodes: one compute kernel per (fused) node.
 * Pure: it turns the node's steps and static types into WGSL text and needs no GPU,
 * so the text is snapshot-tested. Every identifier in the source is generated here;
 * nothing from user strings (variable names) enters it.
 *
 * Storage: float32 is `f32`; int32, int16 and int8 are `i32` lanes; uint8 and bool are
 * `u32` lanes (bool as 0/1). Every step's value is converted to its dtype's WGSL type
 * and narrow integers are wrapped (int8/int16 by shifts, uint8 by a mask), so results
 * match the CPU's typed-array stores. One-element constants are inlined as literals;
 * non-finite floats are built by bitcast because WGSL has no NaN/Inf literals.
 * @module
 */
import { type DType, STORAGE } from "../../core/dtype.ts";
import { type Apply, Constant, type Dim, type ScalarRule } from "../../core/graph.ts";
import { wgslType } from "../../ops/elemwise.ts";
import type { FusedStep } from "../../ops/fused.ts";
import { wrapStore } from "../../ops/wgsl_util.ts";
import { stepsOf } from "../../ops/fused.ts";

/** Threads per workgroup of every elementwise kernel. */
export const WORKGROUP_SIZE = 256;

/** One input of an elementwise group, as the code generator sees it. */
export interface KernelInput {
  dtype: DType;
  /** Static shape of the input's type. */
  shape: readonly Dim[];
  /** Value of a one-element constant, inlined as a literal instead of bound. */
  constant?: number;
}

/** What a kernel computes: the steps of a fused node (or of a single elementwise op). */
export interface KernelSpec {
  steps: readonly FusedStep[];
  /** Index of the step whose value is the output. */
  output: number;
  inputs: readonly KernelInput[];
  /** Static shape of the output's type. */
  outShape: readonly Dim[];
  outDtype: DType;
}

/** A uniform field: the element count, an output length, or a stride of an input. */
export type UniformField =
  | { kind: "n" }
  | { kind: "dim"; dim: number }
  | { kind: "stride"; input: number; dim: number };

/** Generated kernel and how to bind it. */
export interface WgslKernel {
  source: string;
  /** Group inputs bound as storage buffers, in binding order; then the output, then the uniform. */
  buffers: number[];
  uniforms: UniformField[];
}

/** How an input is read: every element, one element, or through broadcast strides. */
type Access = "full" | "scalar" | "strided";

function accessOf(shape: readonly Dim[], outShape: readonly Dim[]): { access: Access; bcast: boolean[] } {
  const nd = outShape.length, pad = nd - shape.length;
  const bcast: boolean[] = [];
  for (let d = 0; d < nd; d++) {
    const s = d < pad ? 1 : shape[d - pad];
    bcast.push(s === 1 && outShape[d] !== 1);
  }
  const access: Access = bcast.every((b) => !b)
    ? "full"
    : bcast.every((b, d) => b || outShape[d] === 1)
    ? "scalar"
    : "strided";
  return { access, bcast };
}

/**
 * The kernel spec of an elementwise node (plain or fused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelSpecOf } from "./codegen.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * const spec = kernelSpecOf(exp(fvector("x")).owner!);
 * assert(spec.steps.length === 1 && spec.outDtype === "float32");
 * ```
 */
export function kernelSpecOf(node: Apply): KernelSpec {
  const { steps, output } = stepsOf(node);
  return {
    steps,
    output,
    inputs: node.inputs.map((v) => ({
      dtype: v.dtype,
      shape: v.type.shape,
      constant: v instanceof Constant && v.value.size === 1 ? v.value.data[0] : undefined,
    })),
    outShape: node.outputs[0].type.shape,
    outDtype: node.outputs[0].dtype,
  };
}

/**
 * A WGSL f32 literal with exactly the float32 value of `v` (bitcast where no literal exists).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { f32Literal } from "./codegen.ts";
 * assert(f32Literal(0.5) === "0.5f");
 * assert(f32Literal(NaN) === "bitcast<f32>(0x7fc00000u)");
 * ```
 */
export function f32Literal(v: number): string {
  const x = Math.fround(v);
  if (!Number.isFinite(x) || Object.is(x, -0) || (x !== 0 && Math.abs(x) < 2 ** -126)) {
    const bits = new Uint32Array(new Float32Array([x]).buffer)[0];
    return `bitcast<f32>(0x${bits.toString(16).padStart(8, "0")}u)`;
  }
  let s = String(x);
  if (!/[.e]/.test(s)) s += ".0";
  return x < 0 ? `(${s}f)` : `${s}f`;
}

/**
 * A literal of `dtype`'s WGSL type holding `v` converted as the dtype's typed array would.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./codegen.ts";
 * assert(literal(300, "int8") === "44i" && literal(1, "bool") === "1u");
 * ```
 */
export function literal(v: number, dtype: DType): string | undefined {
  const t = wgslType(dtype);
  if (!t) return undefined;
  if (t === "f32") return f32Literal(v);
  const cell = new STORAGE[dtype](1);
  cell[0] = dtype === "bool" ? (v ? 1 : 0) : Number.isFinite(v) ? Math.trunc(v) : 0;
  const x = cell[0];
  if (t === "u32") return `${x >>> 0}u`;
  if (x === -2147483648) return `bitcast<i32>(0x80000000u)`;
  return x < 0 ? `(${x}i)` : `${x}i`;
}

/** Add an op's helper definitions, one copy per function name (ops may share helpers). */
function addHelpers(into: Map<string, string>, text: string): void {
  for (const chunk of text.split(/^(?=fn\s)/m)) {
    const body = chunk.trim();
    if (!body) continue;
    const key = body.match(/^fn\s+(\w+)/)?.[1] ?? body;
    if (!into.has(key)) into.set(key, body);
  }
}

/**
 * Generate the WGSL kernel for an elementwise group, or say why it has no lowering
 * (a dtype WGSL lacks, or an op with no `wgsl` rule for these dtypes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lowerElementwise } from "./codegen.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * const k = lowerElementwise({
 *   steps: [{ op: expOp, args: [0], input: "float32", out: "float32" }],
 *   output: 0,
 *   inputs: [{ dtype: "float32", shape: [null] }],
 *   outShape: [null],
 *   outDtype: "float32",
 * });
 * assert("source" in k && k.source.includes("let t0: f32 = f32(exp(a0));"));
 * ```
 */
export function lowerElementwise(spec: KernelSpec): WgslKernel | { reason: string } {
  const { steps, inputs, outShape } = spec;
  const nIn = inputs.length, nd = outShape.length;
  const outT = wgslType(spec.outDtype);
  if (!outT) return { reason: `its output is ${spec.outDtype}, which WGSL has no type for` };
  const dtypeOf = (ref: number) => (ref < nIn ? inputs[ref].dtype : steps[ref - nIn].out);
  const accesses = inputs.map((i) => accessOf(i.shape, outShape));
  const buffers: number[] = [];
  for (let i = 0; i < nIn; i++) {
    if (inputs[i].constant !== undefined) continue;
    if (!wgslType(inputs[i].dtype)) {
      return { reason: `input ${i} is ${inputs[i].dtype}, which WGSL has no type for` };
    }
    buffers.push(i);
  }

  // The steps' expressions.
  const body: string[] = [];
  const helpers = new Map<string, string>();
  for (let j = 0; j < steps.length; j++) {
    const s = steps[j];
    const rule = s.op.scalar as ScalarRule;
    const inT = wgslType(s.input), stepT = wgslType(s.out);
    if (!inT || !stepT) {
      return { reason: `${s.op.name} computes in ${s.input} -> ${s.out}, which WGSL lacks` };
    }
    const args: string[] = [];
    for (const ref of s.args) {
      const c = ref < nIn ? inputs[ref].constant : undefined;
      if (c !== undefined) {
        // Raw-input rules see an argument in its own dtype; others in the step's input dtype.
        const lit = rule.rawInputs
          ? literal(c, inputs[ref].dtype) ?? literal(c, s.input)
          : literal(c, s.input);
        if (!lit) return { reason: `constant ${c} has no WGSL literal of ${s.input}` };
        args.push(lit);
        continue;
      }
      const name = ref < nIn ? `a${ref}` : `t${ref - nIn}`;
      const argT = wgslType(dtypeOf(ref))!;
      args.push(rule.rawInputs || argT === inT ? name : `${inT}(${name})`);
    }
    const expr = rule.wgsl?.(args, s.input, s.out);
    if (expr === undefined) {
      return {
        reason: `${s.op.name} has no WGSL rule for ${s.input}${rule.wgsl ? "" : " (no wgsl at all)"}`,
      };
    }
    if (rule.wgslHelpers) addHelpers(helpers, rule.wgslHelpers);
    body.push(`  let t${j}: ${stepT} = ${wrapStore(`${stepT}(${expr})`, s.out)};`);
  }

  // Uniforms: the element count, then the output lengths and strides strided inputs need.
  const uniforms: UniformField[] = [{ kind: "n" }];
  const strided = accesses.some((a, i) => a.access === "strided" && inputs[i].constant === undefined);
  if (strided) {
    // Lengths of dimensions 1.. (dimension 0's coordinate is what remains of o).
    for (let d = 1; d < nd; d++) uniforms.push({ kind: "dim", dim: d });
    accesses.forEach((a, i) => {
      if (a.access !== "strided" || inputs[i].constant !== undefined) return;
      for (let d = 0; d < nd; d++) {
        if (!a.bcast[d] && outShape[d] !== 1) uniforms.push({ kind: "stride", input: i, dim: d });
      }
    });
  }
  const fieldName = (f: UniformField) =>
    f.kind === "n" ? "n" : f.kind === "dim" ? `d${f.dim}` : `s${f.input}_${f.dim}`;

  const lines: string[] = [`// Hypatia: generated elementwise kernel.`];
  for (const h of helpers.values()) lines.push(h);
  lines.push(``, `struct Info {`, ...uniforms.map((f) => `  ${fieldName(f)}: u32,`), `}`, ``);
  buffers.forEach((i, b) => {
    lines.push(`@group(0) @binding(${b}) var<storage, read> x${i}: array<${wgslType(inputs[i].dtype)}>;`);
  });
  lines.push(`@group(0) @binding(${buffers.length}) var<storage, read_write> y: array<${outT}>;`);
  lines.push(`@group(0) @binding(${buffers.length + 1}) var<uniform> info: Info;`, ``);
  lines.push(
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
    `  let o = gid.x + gid.y * nwg.x * ${WORKGROUP_SIZE}u;`,
    `  if (o >= info.n) {`,
    `    return;`,
    `  }`,
  );
  if (strided) {
    // Coordinates of element o in the output, last dimension fastest.
    lines.push(`  var r = o;`);
    for (let d = nd - 1; d > 0; d--) {
      lines.push(`  let i${d} = r % info.d${d};`, `  r = r / info.d${d};`);
    }
    lines.push(`  let i0 = r;`);
  }
  for (const i of buffers) {
    const a = accesses[i];
    let index = "o";
    if (a.access === "scalar") index = "0u";
    else if (a.access === "strided") {
      const terms = uniforms.filter((f) => f.kind === "stride" && f.input === i)
        .map((f) => `i${(f as { dim: number }).dim} * info.${fieldName(f)}`);
      index = terms.length ? terms.join(" + ") : "0u";
    }
    lines.push(`  let a${i} = x${i}[${index}];`);
  }
  lines.push(...body, `  y[o] = t${spec.output};`, `}`, ``);
  return { source: lines.join("\n"), buffers, uniforms };
}

/**
 * The uniform block's words for an output shape: element count, lengths, and the
 * contiguous strides of each strided input (0 along its broadcast dimensions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lowerElementwise, type KernelSpec, uniformWords } from "./codegen.ts";
 * import { addOp } from "../../ops/arith.ts";
 * const spec: KernelSpec = {
 *   steps: [{ op: addOp, args: [0, 1], input: "float32", out: "float32" }],
 *   output: 0,
 *   inputs: [{ dtype: "float32", shape: [null, null] }, { dtype: "float32", shape: [1, null] }],
 *   outShape: [null, null],
 *   outDtype: "float32",
 * };
 * const k = lowerElementwise(spec);
 * if ("source" in k) assert(uniformWords(k, spec, [2, 3]).join() === "6,3,1,0");
 * ```
 */
export function uniformWords(kernel: WgslKernel, spec: KernelSpec, shape: readonly number[]): Uint32Array {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  const words = new Uint32Array(Math.max(4, Math.ceil(kernel.uniforms.length / 4) * 4));
  const strideCache = new Map<number, number[]>();
  const stridesOf = (i: number) => {
    let st = strideCache.get(i);
    if (!st) {
      const { bcast } = accessOf(spec.inputs[i].shape, spec.outShape);
      st = new Array(nd).fill(0);
      let acc = 1;
      for (let d = nd - 1; d >= 0; d--) {
        if (bcast[d]) continue;
        st[d] = acc;
        acc *= shape[d];
      }
      strideCache.set(i, st);
    }
    return st;
  };
  kernel.uniforms.forEach((f, k) => {
    words[k] = f.kind === "n" ? n : f.kind === "dim" ? shape[f.dim] : stridesOf(f.input)[f.dim];
  });
  return words;
}

/**
 * Workgroup counts covering `n` elements: x up to `maxPerDim`, the rest in y.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dispatchSize } from "./codegen.ts";
 * assert(dispatchSize(1000).join() === "4,1");
 * ```
 */
export function dispatchSize(n: number, maxPerDim = 65535): [number, number] {
  const groups = Math.ceil(n / WORKGROUP_SIZE);
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
