/**
 * The WGSL lowering of the matrix products (dot, batchedDot, outer): every case is a
 * batch of products C[b] = A[b] (n×k) · B[b] (k×m), with A and B read through strides, so
 * a vector is a matrix with a zero stride and a transposed input (a dimshuffle the
 * backend folds) is a matrix with swapped strides: transposes cost nothing.
 *
 * - Tiled kernel (n > 1 and m > 1): 16×16 threads, each computing a 4×4 block of C (a
 *   64×64 tile per workgroup), A and B staged through workgroup memory in 16-deep
 *   slices stored as vec4 so that the inner loop is two vec4 loads and 16 multiply-adds.
 * - Row kernel (a vector on either side): one workgroup of 64 threads per output
 *   element, each summing a strided part of the k products, then a tree in workgroup
 *   memory; or, when the other operand is contiguous along the output index (a vector
 *   times a row-major matrix), the column kernel: one thread per output element, so that
 *   neighbouring threads read neighbouring elements.
 *
 * float32 accumulates in f32 (the CPU sums in float64, so results agree to about
 * k·2^-24 relative); integers in wrapping i32, stored as NumPy's typed arrays would.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import type { Dim } from "../core/graph.ts";
import { grid, lane, wrapStore } from "./wgsl_util.ts";

type Mode = "dot" | "batched" | "outer";

interface RunInfo {
  inputs: readonly { dtype: DType; shape: readonly Dim[] }[];
  outputs: readonly { dtype: DType; shape: readonly Dim[] }[];
  shapes: readonly (readonly number[])[];
  layouts: readonly ({ strides: readonly number[]; offset: number } | undefined)[];
  limits: { maxComputeWorkgroupsPerDimension: number };
  where: string;
}

/** A product's geometry: batch, n, k, m and each operand's (offset, batch, row, depth / depth, col) strides. */
interface Geometry {
  batch: number;
  n: number;
  k: number;
  m: number;
  a: [number, number, number, number];
  b: [number, number, number, number];
  outShape: number[];
}

function geometry(mode: Mode, run: RunInfo): Geometry {
  const [sa, sb] = run.shapes;
  const [la, lb] = run.layouts as { strides: readonly number[]; offset: number }[];
  const bad = (what: string) =>
    new ShapeError(
      `${run.where}: ${what} (shapes (${sa.join(", ")}) and (${sb.join(", ")}))`,
    );
  if (mode === "outer") {
    return {
      batch: 1,
      n: sa[0],
      k: 1,
      m: sb[0],
      a: [la.offset, 0, la.strides[0], 0],
      b: [lb.offset, 0, 0, lb.strides[0]],
      outShape: [sa[0], sb[0]],
    };
  }
  const off = mode === "batched" ? 1 : 0; // the batch axis comes first
  const ra = sa.length - off, rb = sb.length - off;
  const k = sa[sa.length - 1];
  if (sb[off] !== k) throw bad(`the inner lengths differ: ${k} and ${sb[off]}`);
  if (mode === "batched" && sa[0] !== sb[0]) throw bad(`the batch lengths differ: ${sa[0]} and ${sb[0]}`);
  const st = (l: typeof la, d: number) => l.strides[d];
  const n = ra === 2 ? sa[off] : 1, m = rb === 2 ? sb[off + 1] : 1;
  const a: Geometry["a"] = [
    la.offset,
    off ? st(la, 0) : 0,
    ra === 2 ? st(la, off) : 0,
    st(la, sa.length - 1),
  ];
  const b: Geometry["b"] = [lb.offset, off ? st(lb, 0) : 0, st(lb, off), rb === 2 ? st(lb, off + 1) : 0];
  const outShape = [...(off ? [sa[0]] : []), ...(ra === 2 ? [n] : []), ...(rb === 2 ? [m] : [])];
  return { batch: off ? sa[0] : 1, n, k, m, a, b, outShape };
}

const UNIFORMS = `struct U {
  n: u32, m: u32, k: u32, batchBase: u32,
  aOff: u32, aB: u32, aI: u32, aP: u32,
  bOff: u32, bB: u32, bP: u32, bJ: u32,
  total: u32, pad0: u32, pad1: u32, pad2: u32,
}`;

function header(ta: string, tb: string, tc: string): string {
  return `${UNIFORMS}
@group(0) @binding(0) var<storage, read> A: array<${ta}>;
@group(0) @binding(1) var<storage, read> B: array<${tb}>;
@group(0) @binding(2) var<storage, read_write> C: array<${tc}>;
@group(0) @binding(3) var<uniform> u: U;`;
}

/** The tiled kernel (64×64 tile, 4×4 per thread); `aAlongK`/`bAlongK`: which way neighbours load. */
function tiledSource(
  ta: string,
  tb: string,
  tc: string,
  acc: string,
  out: DType,
  aAlongK: boolean,
  bAlongK: boolean,
) {
  // Thread t loads one depth p of 4 rows (or columns) of the tile; neighbours step along
  // the operand's contiguous axis so their loads are adjacent in memory.
  const loadA = aAlongK ? `let p = t % 16u; let i4 = t / 16u;` : `let p = t / 16u; let i4 = t % 16u;`;
  const loadB = bAlongK ? `let p = t % 16u; let j4 = t / 16u;` : `let p = t / 16u; let j4 = t % 16u;`;
  return `// Hypatia: tiled matrix product (64x64 tile, 4x4 outputs per thread).
${header(ta, tb, tc)}
var<workgroup> As: array<vec4<${acc}>, 256>;
var<workgroup> Bs: array<vec4<${acc}>, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let batch = wg.z + u.batchBase;
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let t = l.y * 16u + l.x;
  let aBase = u.aOff + batch * u.aB;
  let bBase = u.bOff + batch * u.bB;
  var acc0 = vec4<${acc}>(); var acc1 = vec4<${acc}>(); var acc2 = vec4<${acc}>(); var acc3 = vec4<${acc}>();
  for (var p0 = 0u; p0 < u.k; p0 += 16u) {
    {
      ${loadA}
      var v = vec4<${acc}>();
      if (p0 + p < u.k) {
        for (var r = 0u; r < 4u; r++) {
          let i = row0 + i4 * 4u + r;
          if (i < u.n) { v[r] = ${acc}(A[aBase + i * u.aI + (p0 + p) * u.aP]); }
        }
      }
      As[p * 16u + i4] = v;
    }
    {
      ${loadB}
      var v = vec4<${acc}>();
      if (p0 + p < u.k) {
        for (var c = 0u; c < 4u; c++) {
          let j = col0 + j4 * 4u + c;
          if (j < u.m) { v[c] = ${acc}(B[bBase + (p0 + p) * u.bP + j * u.bJ]); }
        }
      }
      Bs[p * 16u + j4] = v;
    }
    workgroupBarrier();
    for (var p = 0u; p < 16u; p++) {
      let a = As[p * 16u + l.y];
      let b = Bs[p * 16u + l.x];
      acc0 += a.x * b; acc1 += a.y * b; acc2 += a.z * b; acc3 += a.w * b;
    }
    workgroupBarrier();
  }
  let cBase = batch * u.n * u.m;
  var accs = array<vec4<${acc}>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + l.y * 4u + r;
    if (i >= u.n) { break; }
    for (var c = 0u; c < 4u; c++) {
      let j = col0 + l.x * 4u + c;
      if (j < u.m) { C[cBase + i * u.m + j] = ${store("accs[r][c]", acc, tc, out)}; }
    }
  }
}
`;
}

/** WGSL: where output element `o`'s row of A and column of B start (row and column kernels). */
const OPERANDS_OF_OUTPUT = `  let j = o % u.m;
  let i = (o / u.m) % u.n;
  let batch = o / (u.m * u.n);
  let aRow = u.aOff + batch * u.aB + i * u.aI;
  let bCol = u.bOff + batch * u.bB + j * u.bJ;`;

/** The row kernel: one workgroup of 64 threads per output element. */
function rowSource(ta: string, tb: string, tc: string, acc: string, out: DType) {
  return `// Hypatia: matrix product, one workgroup per output element (a vector operand).
${header(ta, tb, tc)}
var<workgroup> sh: array<${acc}, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wg.x + wg.y * nwg.x;
  if (o >= u.total) { return; }
${OPERANDS_OF_OUTPUT}
  var s = ${acc}(0);
  for (var p = lid; p < u.k; p += 64u) {
    s += ${acc}(A[aRow + p * u.aP]) * ${acc}(B[bCol + p * u.bP]);
  }
  sh[lid] = s;
  workgroupBarrier();
  for (var w = 32u; w > 0u; w >>= 1u) {
    if (lid < w) { sh[lid] += sh[lid + w]; }
    workgroupBarrier();
  }
  if (lid == 0u) { C[o] = ${store("sh[0]", acc, tc, out)}; }
}
`;
}

/** The column kernel: one thread per output element, for operands contiguous along the outputs. */
function colSource(ta: string, tb: string, tc: string, acc: string, out: DType) {
  return `// Hypatia: matrix product, one thread per output element (neighbours read neighbours).
${header(ta, tb, tc)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * 64u;
  if (o >= u.total) { return; }
${OPERANDS_OF_OUTPUT}
  var s = ${acc}(0);
  for (var p = 0u; p < u.k; p++) {
    s += ${acc}(A[aRow + p * u.aP]) * ${acc}(B[bCol + p * u.bP]);
  }
  C[o] = ${store("s", acc, tc, out)};
}
`;
}

function store(v: string, acc: string, tc: string, out: DType): string {
  return wrapStore(acc === tc ? v : `${tc}(${v})`, out);
}

/**
 * The kernel template of a matrix-product op (`mode`: "dot", "batched", or "outer").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulWgsl } from "./dot_wgsl.ts";
 * const t = matmulWgsl("dot");
 * const info = { params: null, inputs: [{ dtype: "float64" as const, shape: [null] }], outputs: [] };
 * assert(/float64/.test(t.unsupported(info)!));
 * ```
 */
export function matmulWgsl(mode: Mode) {
  return {
    stridedInputs: [0, 1] as const,
    unsupported(info: { inputs: readonly { dtype: DType }[]; outputs: readonly { dtype: DType }[] }) {
      const out = info.outputs[0]?.dtype ?? info.inputs[0].dtype;
      if (out !== "float32" && out !== "int32" && out !== "int16" && out !== "int8" && out !== "uint8") {
        return `${
          mode === "batched" ? "batchedDot" : mode
        } of ${out} has no WGSL kernel (float32 and 32-bit-or-narrower ints do)`;
      }
      return undefined;
    },
    plan(run: RunInfo) {
      const g = geometry(mode, run);
      const out = run.outputs[0].dtype;
      const acc = out === "float32" ? "f32" : "i32";
      const ta = lane(run.inputs[0].dtype)!, tb = lane(run.inputs[1].dtype)!, tc = lane(out)!;
      const total = g.batch * g.n * g.m;
      const words = (batchBase: number) => [
        g.n,
        g.m,
        g.k,
        batchBase,
        ...g.a,
        ...g.b,
        total,
        0,
        0,
        0,
      ];
      const max = run.limits.maxComputeWorkgroupsPerDimension;
      // A vector operand: the output index walks the other operand along one axis. When that
      // axis is contiguous, one thread per output reads neighbouring elements (the column
      // kernel); otherwise a workgroup per output reads a contiguous run of k (the row kernel).
      const alongOut = g.m > 1 ? g.b[3] === 1 : g.a[2] === 1;
      if ((g.n === 1 || g.m === 1) && alongOut && total >= 256) {
        return {
          outputs: [g.outShape],
          passes: [{
            wgsl: colSource(ta, tb, tc, acc, out),
            bind: ["in0", "in1", "out0"] as const,
            uniforms: words(0),
            workgroups: grid(Math.ceil(total / 64), max),
            label: `${mode} (column kernel)`,
          }],
        };
      }
      if (g.n === 1 || g.m === 1) {
        return {
          outputs: [g.outShape],
          passes: [{
            wgsl: rowSource(ta, tb, tc, acc, out),
            bind: ["in0", "in1", "out0"] as const,
            uniforms: words(0),
            workgroups: grid(total, max),
            label: `${mode} (row kernel)`,
          }],
        };
      }
      const wgsl = tiledSource(ta, tb, tc, acc, out, g.a[3] === 1, g.b[2] === 1 && g.b[3] !== 1);
      const passes = [];
      for (let b0 = 0; b0 < g.batch; b0 += max) {
        passes.push({
          wgsl,
          bind: ["in0", "in1", "out0"] as const,
          uniforms: words(b0),
          workgroups: [Math.ceil(g.m / 64), Math.ceil(g.n / 64), Math.min(max, g.batch - b0)] as const,
          label: `${mode} (tiled)`,
        });
      }
      return { outputs: [g.outShape], passes };
    },
  };
}
