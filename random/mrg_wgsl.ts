/**
 * MRG31k3p uniforms in WGSL: the WebGPU lowering of `mrg_random` for the float32
 * uniform on [0, 1), bit-identical to the CPU (random/mrg_core.ts `fillUniform32`).
 *
 * One thread per substream k keeps the six state words in registers and draws the
 * elements k, k + ns, k + 2·ns, ... (element i comes from substream i % ns, as Theano's
 * `mrg_uniform`), then writes its new state; substreams with no element keep theirs.
 * The step uses the CPU's u32 expressions (every intermediate value is below 2^32).
 * `fround(z)` is done with integer operations (z has up to 31 bits: it is rounded to 24
 * significant bits, ties to even) because WGSL leaves the rounding of a u32 → f32
 * conversion to the implementation; the product by float32(4.6566126e-10) is then one
 * correctly rounded f32 multiplication, as the CPU's exact double product stored once.
 *
 * Binomial draws with n = 1, float32 uniforms and a number p are the trials `u < p` on
 * the same uniforms (a comparison of two float32 values: bit-identical too); int64
 * results hold 0 or 1, stored in i32 lanes (`int64AsI32`). Normal draws need log, cos
 * and sin, which WGSL does not compute bit-identically to JS Math, so they stay on the
 * CPU with their uniforms (drawing only the uniforms on the GPU would cost a readback
 * and save nothing).
 * Other distributions, float64, and uniforms with other bounds run on the CPU: an affine
 * `u·(high - low) + low` could be contracted into a fused multiply-add by a shader
 * compiler, which would change the last bit. The state is not validated on the GPU (the
 * CPU checks it when it is set).
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import { f32Bits, grid, lane } from "../ops/wgsl_util.ts";
import { M1, NORM32 } from "./mrg_core.ts";
import { type RandomParams, resolveSize } from "./random_op.ts";

/** The kernel: uniforms into f32 lanes, or Bernoulli trials `u < p` (p's f32 bits in `u.p0`) into `t` lanes. */
const source = (binomial: boolean, t: string) =>
  `// Hypatia: MRG31k3p float32 uniforms, one thread per substream.
struct U { n: u32, ns: u32, p0: u32, p1: u32 }
@group(0) @binding(0) var<storage, read> st: array<i32>;
@group(0) @binding(1) var<storage, read_write> nst: array<i32>;
@group(0) @binding(2) var<storage, read_write> y: array<${t}>;
@group(0) @binding(3) var<uniform> u: U;

const M1: u32 = 2147483647u;
const M2: u32 = 2147462579u;

/** float32(z) for z < 2^32, rounded to nearest, ties to even, by integer operations. */
fn round24(z: u32) -> f32 {
  let len = 32u - countLeadingZeros(z);
  if (len <= 24u) { return f32(z); }
  let sh = len - 24u;
  var q = z >> sh;
  let rem = z & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  if (rem > half || (rem == half && (q & 1u) == 1u)) { q = q + 1u; }
  return ldexp(f32(q), i32(sh));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = gid.x + gid.y * nwg.x * 64u;
  if (k >= u.ns) { return; }
  let o = 6u * k;
  var x11 = bitcast<u32>(st[o]);
  var x12 = bitcast<u32>(st[o + 1u]);
  var x13 = bitcast<u32>(st[o + 2u]);
  var x21 = bitcast<u32>(st[o + 3u]);
  var x22 = bitcast<u32>(st[o + 4u]);
  var x23 = bitcast<u32>(st[o + 5u]);
  for (var i = k; i < u.n; i += u.ns) {
    var s = (((x12 & 511u) << 22u) | (x12 >> 9u)) + (((x13 & 16777215u) << 7u) | (x13 >> 24u));
    s = (s & M1) + (s >> 31u) + x13;
    var y1 = (s & M1) + (s >> 31u);
    if (y1 == M1) { y1 = 0u; }
    s = ((x21 & 65535u) << 15u) + ((x23 & 65535u) << 15u);
    s = (s & M1) + 21069u * ((s >> 31u) + (x21 >> 16u) + (x23 >> 16u));
    s = (s & M1) + 21069u * (s >> 31u) + x23;
    var y2 = (s & M1) + 21069u * (s >> 31u);
    if (y2 >= M2) { y2 = y2 - M2; }
    x13 = x12; x12 = x11; x11 = y1;
    x23 = x22; x22 = x21; x21 = y2;
    let z = select(y1 + M1 - y2, y1 - y2, y1 > y2);
    let v = round24(z) * bitcast<f32>(${f32Bits(NORM32)}u);
    y[i] = ${binomial ? `select(${t}(0), ${t}(1), v < bitcast<f32>(u.p0))` : "v"};
  }
  nst[o] = bitcast<i32>(x11);
  nst[o + 1u] = bitcast<i32>(x12);
  nst[o + 2u] = bitcast<i32>(x13);
  nst[o + 3u] = bitcast<i32>(x21);
  nst[o + 4u] = bitcast<i32>(x22);
  nst[o + 5u] = bitcast<i32>(x23);
}
`;

/**
 * The kernel template of `mrg_random` (float32 uniforms on [0, 1) only; see the module note).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mrgWgsl } from "./mrg_wgsl.ts";
 * import type { RandomParams } from "./random_op.ts";
 * const p: RandomParams = { dist: "normal", dtype: "float32", nStates: 1, size: [2], sizeVector: false,
 *   nSizeInputs: 0, args: {}, argInputs: [], outShape: [2] };
 * assert.match(mrgWgsl.unsupported({ params: p })!, /normal/);
 * ```
 */
export const mrgWgsl = {
  int64AsI32: true,
  unsupported({ params: p }: { params: RandomParams }): string | undefined {
    if (p.dist === "binomial") {
      if (p.args.n !== 1 || p.args.f32 !== true || typeof p.args.p !== "number" || p.argInputs.length) {
        return "MRG binomial draws run on the CPU unless n = 1, floatX = float32 and p is a number";
      }
      if (p.dtype === "float64") return "MRG float64 binomial draws run on the CPU (WGSL has no float64)";
      return undefined;
    }
    if (p.dist !== "uniform") {
      return `MRG ${p.dist} draws run on the CPU (WGSL's log, cos and sin are not bit-identical to JS Math)`;
    }
    if (p.dtype !== "float32") return `MRG ${p.dtype} uniforms run on the CPU (WGSL has no float64)`;
    if (p.argInputs.length || p.args.low !== 0 || p.args.high !== 1) {
      return "MRG uniforms with bounds other than [0, 1) run on the CPU (a fused multiply-add on the GPU " +
        "could change the last bit)";
    }
    return undefined;
  },
  hostInputs: ({ params: p }: { params: RandomParams }) =>
    Array.from({ length: p.nSizeInputs }, (_, i) => i + 1),
  plan(run: {
    params: RandomParams;
    shapes: readonly (readonly number[])[];
    hostData: readonly (ArrayLike<number> | undefined)[];
    limits: { maxComputeWorkgroupsPerDimension: number };
    where: string;
  }) {
    const p = run.params, state = run.shapes[0];
    const what = `uniform (${run.where})`;
    if (state.length !== 2 || state[1] !== 6 || state[0] < 1) {
      throw new ShapeError(`${what}: an MRG state must be a (nstreams, 6) array, got (${state.join(", ")})`);
    }
    const sizeVals = run.hostData.slice(1, 1 + p.nSizeInputs).map((d) => ({ data: d! }));
    const size = resolveSize(p.size, p.sizeVector, sizeVals as never, what);
    const n = size.reduce((a, b) => a * b, 1), ns = state[0];
    if (n > M1) throw new ShapeError(`${what}: MRG31k3p draws at most 2^31 - 1 numbers per call, asked ${n}`);
    const binomial = p.dist === "binomial";
    const t = binomial ? (p.dtype === "float32" ? "f32" : lane(p.dtype) ?? "i32") : "f32";
    const pBits = binomial ? f32Bits(Math.fround(p.args.p as number)) : 0;
    return {
      outputs: [state, size],
      passes: [{
        wgsl: source(binomial, t),
        bind: ["in0", "out0", "out1"] as const,
        uniforms: [n, ns, pBits, 0],
        workgroups: grid(Math.ceil(ns / 64), run.limits.maxComputeWorkgroupsPerDimension),
        label: binomial ? "MRG31k3p binomial" : "MRG31k3p uniform",
      }],
    };
  },
};
