/**
 * Snapshots of the generated WGSL (reviewed by hand; no GPU needed), literals, the
 * reasons a group has no lowering, and the uniform words and dispatch sizes.
 */
import assert from "node:assert/strict";
import {
  dispatchSize,
  f32Literal,
  type KernelSpec,
  literal,
  lowerElementwise,
  uniformWords,
  type WgslKernel,
} from "./codegen.ts";
import { addOp, negOp } from "../../ops/arith.ts";
import { divOp } from "../../ops/div.ts";
import { expOp, logOp } from "../../ops/exp_log.ts";
import { castOp } from "../../ops/cast.ts";
import { ltOp } from "../../ops/compare.ts";
import { fillOp } from "../../ops/fill.ts";

function lower(spec: KernelSpec): WgslKernel {
  const k = lowerElementwise(spec);
  if ("reason" in k) throw new Error(`no lowering: ${k.reason}`);
  return k;
}

/** The logistic 1 / (1 + exp(-x)) as fusion builds it: one input, two inlined constants. */
const SIGMOID: KernelSpec = {
  steps: [
    { op: negOp, args: [0], input: "float32", out: "float32" },
    { op: expOp, args: [3], input: "float32", out: "float32" },
    { op: addOp, args: [1, 4], input: "float32", out: "float32" },
    { op: divOp, args: [2, 5], input: "float32", out: "float32" },
  ],
  output: 3,
  inputs: [
    { dtype: "float32", shape: [null, null] },
    { dtype: "float64", shape: [], constant: 1 },
    { dtype: "float64", shape: [], constant: 1 },
  ],
  outShape: [null, null],
  outDtype: "float32",
};

Deno.test("lowerElementwise() writes the fused logistic as one kernel with inlined constants", () => {
  const k = lower(SIGMOID);
  assert.equal(k.source, SIGMOID_WGSL);
  assert.deepEqual(k.buffers, [0]);
  assert.deepEqual(k.uniforms, [{ kind: "n" }]);
});

/** int8 (x + r) < cast(b, int8), broadcasting a (?,1,?) tensor, a vector and a (1,?,1) bool. */
const BROADCAST: KernelSpec = {
  steps: [
    { op: addOp, args: [0, 1], input: "int8", out: "int8" },
    { op: castOp("int8"), args: [2], input: "int8", out: "int8" },
    { op: ltOp, args: [3, 4], input: "int8", out: "bool" },
  ],
  output: 2,
  inputs: [
    { dtype: "int8", shape: [null, 1, null] },
    { dtype: "int8", shape: [null] },
    { dtype: "bool", shape: [1, null, 1] },
  ],
  outShape: [null, null, null],
  outDtype: "bool",
};

Deno.test("lowerElementwise() indexes broadcast inputs through strides and wraps int8 lanes", () => {
  const k = lower(BROADCAST);
  assert.equal(k.source, BROADCAST_WGSL);
  assert.deepEqual(k.buffers, [0, 1, 2]);
});

Deno.test("uniformWords() gives the count, the lengths and each strided input's contiguous strides", () => {
  const k = lower(BROADCAST);
  // Output (2, 3, 4): input 0 is (2, 1, 4) -> strides (4, 0, 1); input 1 is (4,); input 2 is (1, 3, 1).
  assert.deepEqual([...uniformWords(k, BROADCAST, [2, 3, 4])], [24, 3, 4, 4, 1, 1, 1, 0]);
  assert.deepEqual([...uniformWords(lower(SIGMOID), SIGMOID, [5, 7])], [35, 0, 0, 0]);
});

Deno.test("dispatchSize() covers n elements, spilling into y past the per-dimension limit", () => {
  assert.deepEqual(dispatchSize(1), [1, 1]);
  assert.deepEqual(dispatchSize(256), [1, 1]);
  assert.deepEqual(dispatchSize(257), [2, 1]);
  const [x, y] = dispatchSize(65535 * 256 * 3 + 1);
  assert.ok(x <= 65535 && x * y * 256 >= 65535 * 256 * 3 + 1, `${x} x ${y}`);
  assert.deepEqual(dispatchSize(1000, 2), [2, 2]);
});

Deno.test("f32Literal() and literal() are exact, with bitcasts where WGSL has no literal", () => {
  assert.equal(f32Literal(1), "1.0f");
  assert.equal(f32Literal(-2.5), "(-2.5f)");
  assert.equal(f32Literal(0.1), "0.10000000149011612f"); // the float32 nearest 0.1, exactly
  assert.equal(f32Literal(1e-7), "1.0000000116860974e-7f");
  assert.equal(f32Literal(NaN), "bitcast<f32>(0x7fc00000u)");
  assert.equal(f32Literal(Infinity), "bitcast<f32>(0x7f800000u)");
  assert.equal(f32Literal(-Infinity), "bitcast<f32>(0xff800000u)");
  assert.equal(f32Literal(-0), "bitcast<f32>(0x80000000u)");
  assert.equal(f32Literal(1e39), "bitcast<f32>(0x7f800000u)"); // overflows float32
  assert.equal(f32Literal(1e-40), "bitcast<f32>(0x000116c2u)"); // subnormal
  assert.equal(literal(3.9, "int32"), "3i");
  assert.equal(literal(-3.9, "int8"), "(-3i)");
  assert.equal(literal(300, "int8"), "44i"); // wraps as an Int8Array store
  assert.equal(literal(-2147483648, "int32"), "bitcast<i32>(0x80000000u)");
  assert.equal(literal(2, "bool"), "1u");
  assert.equal(literal(255, "uint8"), "255u");
  assert.equal(literal(1, "float64"), undefined);
});

Deno.test("lowerElementwise() says why a group has no lowering", () => {
  const f64 = lowerElementwise({
    steps: [{ op: logOp, args: [0], input: "float64", out: "float64" }],
    output: 0,
    inputs: [{ dtype: "float64", shape: [null] }],
    outShape: [null],
    outDtype: "float64",
  });
  assert.ok("reason" in f64 && /float64/.test(f64.reason), JSON.stringify(f64));
  const i64 = lowerElementwise({
    steps: [{ op: castOp("float32"), args: [0], input: "float32", out: "float32" }],
    output: 0,
    inputs: [{ dtype: "int64", shape: [null] }],
    outShape: [null],
    outDtype: "float32",
  });
  assert.ok("reason" in i64 && /input 0 is int64/.test(i64.reason), JSON.stringify(i64));
  // exp has a WGSL rule for float32 only.
  const intExp = lowerElementwise({
    steps: [{ op: expOp, args: [0], input: "int32", out: "float32" }],
    output: 0,
    inputs: [{ dtype: "int32", shape: [null] }],
    outShape: [null],
    outDtype: "float32",
  });
  assert.ok(
    "reason" in intExp && /exp has no WGSL rule for int32/.test(intExp.reason),
    JSON.stringify(intExp),
  );
});

Deno.test("lowerElementwise() passes raw-input constants in their own dtype (fill)", () => {
  const k = lower({
    steps: [{ op: fillOp, args: [0, 1], input: "int32", out: "int32" }],
    output: 0,
    inputs: [{ dtype: "float32", shape: [null] }, { dtype: "int32", shape: [], constant: -7 }],
    outShape: [null],
    outDtype: "int32",
  });
  assert.match(k.source, /let t0: i32 = i32\(\(-7i\)\);/);
});

const SIGMOID_WGSL = [
  "// Hypatia: generated elementwise kernel.",
  "",
  "struct Info {",
  "  n: u32,",
  "}",
  "",
  "@group(0) @binding(0) var<storage, read> x0: array<f32>;",
  "@group(0) @binding(1) var<storage, read_write> y: array<f32>;",
  "@group(0) @binding(2) var<uniform> info: Info;",
  "",
  "@compute @workgroup_size(256)",
  "fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {",
  "  let o = gid.x + gid.y * nwg.x * 256u;",
  "  if (o >= info.n) {",
  "    return;",
  "  }",
  "  let a0 = x0[o];",
  "  let t0: f32 = f32((-a0));",
  "  let t1: f32 = f32(exp(t0));",
  "  let t2: f32 = f32((1.0f + t1));",
  "  let t3: f32 = f32((1.0f / t2));",
  "  y[o] = t3;",
  "}",
  "",
].join("\n");

const BROADCAST_WGSL = [
  "// Hypatia: generated elementwise kernel.",
  "",
  "struct Info {",
  "  n: u32,",
  "  d1: u32,",
  "  d2: u32,",
  "  s0_0: u32,",
  "  s0_2: u32,",
  "  s1_2: u32,",
  "  s2_1: u32,",
  "}",
  "",
  "@group(0) @binding(0) var<storage, read> x0: array<i32>;",
  "@group(0) @binding(1) var<storage, read> x1: array<i32>;",
  "@group(0) @binding(2) var<storage, read> x2: array<u32>;",
  "@group(0) @binding(3) var<storage, read_write> y: array<u32>;",
  "@group(0) @binding(4) var<uniform> info: Info;",
  "",
  "@compute @workgroup_size(256)",
  "fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {",
  "  let o = gid.x + gid.y * nwg.x * 256u;",
  "  if (o >= info.n) {",
  "    return;",
  "  }",
  "  var r = o;",
  "  let i2 = r % info.d2;",
  "  r = r / info.d2;",
  "  let i1 = r % info.d1;",
  "  r = r / info.d1;",
  "  let i0 = r;",
  "  let a0 = x0[i0 * info.s0_0 + i2 * info.s0_2];",
  "  let a1 = x1[i2 * info.s1_2];",
  "  let a2 = x2[i1 * info.s2_1];",
  "  let t0: i32 = ((i32((a0 + a1)) << 24u) >> 24u);",
  "  let t1: i32 = ((i32(i32(a2)) << 24u) >> 24u);",
  "  let t2: u32 = select(0u, 1u, u32(select(0u, 1u, t0 < t1)) != 0u);",
  "  y[o] = t2;",
  "}",
  "",
].join("\n");
