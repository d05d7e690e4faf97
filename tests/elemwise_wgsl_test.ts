/**
 * The WGSL scalar rules of the elementwise families (trig, special, rounding, minmax,
 * compare, switch) run in a minimal compute shader on whatever WebGPU adapter this
 * machine has (a software fallback adapter will do) and are compared with the CPU
 * rules. This checks the WGSL text itself — that it compiles and computes the right
 * thing, including driver quirks (a shader compiler folds (1 + e) - 1 into e, which
 * broke a log1p rounding trick) — independently of the WebGPU backend. Runs only
 * where `navigator.gpu` gives an adapter (`deno task test` passes --unstable-webgpu).
 * @module
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import type { Op } from "../core/graph.ts";
import { wgslType } from "../ops/elemwise.ts";
import { cosOp, sinOp, tanhOp, tanOp } from "../ops/trig.ts";
import { erfOp, sigmoidOp, softplusOp } from "../ops/special.ts";
import { absOp, ceilOp, floorOp, roundOp, signOp } from "../ops/rounding.ts";
import { clipOp, maximumOp, minimumOp } from "../ops/minmax.ts";
import { andOp, eqOp, geOp, gtOp, invertOp, leOp, ltOp, neqOp, orOp, xorOp } from "../ops/compare.ts";
import { switchOp } from "../ops/switch.ts";
import { intDivOp } from "../ops/arith.ts";
import { FLOOR_DIV } from "../ops/testdata/numpy_semantics_ref.ts";

const adapter = await (async () => {
  try {
    return (await navigator.gpu?.requestAdapter()) ?? null;
  } catch {
    return null;
  }
})();

function typed(d: T.DType, vals: number[]) {
  const t = wgslType(d);
  return t === "f32" ? new Float32Array(vals) : t === "i32" ? new Int32Array(vals) : new Uint32Array(vals);
}

/** Run `op`'s WGSL rule over columns of values: one invocation per element. */
async function runWgsl(device: GPUDevice, op: Op, dtypes: T.DType[], out: T.DType, cols: number[][]) {
  const rule = op.scalar!;
  const input = rule.rawInputs ? out : dtypes[0]; // the checks below give every input one dtype
  const expr = rule.wgsl!(cols.map((_, i) => `a${i}`), input, out);
  assert.ok(expr !== undefined, `${op.name} has no WGSL for ${input}`);
  const outT = wgslType(out)!, n = cols[0].length;
  const code = [
    ...cols.map((_, i) =>
      `@group(0) @binding(${i}) var<storage, read> in${i}: array<${
        wgslType(rule.rawInputs ? dtypes[i] : input)
      }>;`
    ),
    `@group(0) @binding(${cols.length}) var<storage, read_write> res: array<${outT}>;`,
    rule.wgslHelpers ?? "",
    `@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {`,
    `  let i = gid.x;`,
    `  if (i >= ${n}u) { return; }`,
    ...cols.map((_, k) => `  let a${k} = in${k}[i];`),
    `  res[i] = ${expr};`,
    `}`,
  ].join("\n");
  const module = device.createShaderModule({ code });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === "error");
  assert.equal(errors.length, 0, `${op.name}: ${errors.map((e) => e.message).join("; ")}\n${code}`);
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const size = Math.max(16, n * 4);
  const ins = cols.map((c, i) => {
    const b = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, typed(rule.rawInputs ? dtypes[i] : input, c));
    return b;
  });
  const res = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...ins, res].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }),
  );
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  enc.copyBufferToBuffer(res, 0, read, 0, size);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const bytes = read.getMappedRange().slice(0);
  read.unmap();
  for (const b of [...ins, res, read]) b.destroy();
  const view = outT === "f32"
    ? new Float32Array(bytes)
    : outT === "i32"
    ? new Int32Array(bytes)
    : new Uint32Array(bytes);
  return Array.from(view).slice(0, n);
}

const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** Compare the WGSL rule with the compiled CPU function; `rtol` 0 means exact (up to subnormals). */
async function check(device: GPUDevice, op: Op, dtypes: T.DType[], cols: number[][], rtol = 0) {
  const xs = dtypes.map((d, i) => new T.TensorType(d, [null]).make(`x${i}`));
  const y = op.apply1(xs, null);
  const cpu = T.function(xs, y)(...cols.map((c, i) => T.asarray(c, { dtype: dtypes[i] }))) as T.NDArray;
  const gpu = await runWgsl(device, op, dtypes, y.dtype, cols);
  for (let i = 0; i < gpu.length; i++) {
    const a = gpu[i], e = cpu.data[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    assert.ok(
      Math.abs(a - e) <= rtol * Math.abs(e) + F32_MIN_NORMAL, // GPUs may flush subnormals to 0
      `${op.name}[${dtypes}] at (${cols.map((c) => c[i])}): WGSL ${a}, CPU ${e}`,
    );
  }
}

const rng = T.seededRandom(61);
const F = [
  0,
  -0,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  1e-9,
  -1e-5,
  0.01,
  0.124,
  0.126,
  -0.3,
  1,
  -1,
  1.99,
  2.01,
  3.99,
  4.01,
  10,
  -10,
  20,
  -20,
  88,
  -88,
  1e4,
  -1e4,
  ...Array.from({ length: 100 }, () => (rng() * 2 - 1) * 12),
];
const I = [0, 1, -1, 2, -2, 5, -7, 100, -128, 127, 2147483647, -2147483648];
const I16 = [0, -1, 32767, -32768, 300];
const I8 = [0, 1, -1, 127, -128, 5], U8 = [0, 1, 2, 200, 255, 7], B = [0, 1, 1, 0];
const pairs = (ps: number[]) => [ps.flatMap((p) => ps.map(() => p)), ps.flatMap(() => ps)];

Deno.test({
  name: "WGSL rules of trig/special/rounding/minmax/compare/switch match the CPU rules on a WebGPU adapter",
  ignore: adapter === null,
  async fn() {
    const device = await adapter!.requestDevice();
    try {
      for (const op of [sinOp, cosOp, tanhOp, sigmoidOp, softplusOp, erfOp]) {
        await check(device, op, ["float32"], [F], 2e-6);
      }
      await check(device, tanOp, ["float32"], [F.filter((x) => Math.abs(x) < 1.4)], 2e-6);
      for (const op of [floorOp, ceilOp, roundOp, signOp, absOp]) {
        await check(device, op, ["float32"], [F]);
        for (const [d, v] of [["int32", I], ["int16", I16], ["int8", I8], ["uint8", U8]] as const) {
          await check(device, op, [d], [v]);
        }
        if (op !== signOp) await check(device, op, ["bool"], [B]);
      }
      for (const op of [maximumOp, minimumOp]) {
        for (const [d, v] of [["float32", F.slice(0, 20)], ["int32", I], ["uint8", U8]] as const) {
          await check(device, op, [d, d], pairs(v));
        }
      }
      await check(device, clipOp, ["float32", "float32", "float32"], [F, F.map(() => -1), F.map(() => 2)]);
      for (const op of [eqOp, neqOp, ltOp, leOp, gtOp, geOp]) {
        for (const [d, v] of [["float32", F.slice(0, 20)], ["int32", I], ["bool", B]] as const) {
          await check(device, op, [d, d], pairs(v));
        }
      }
      for (const op of [andOp, orOp, xorOp]) {
        for (const [d, v] of [["int32", I], ["int8", I8], ["uint8", U8], ["bool", B]] as const) {
          await check(device, op, [d, d], pairs(v));
        }
      }
      for (const [d, v] of [["int32", I], ["int8", I8], ["uint8", U8], ["bool", B]] as const) {
        await check(device, invertOp, [d], [v]);
      }
      const c = F.slice(0, 40).map((_, i) => [0, 1, -0, NaN, 2.5, -1][i % 6]);
      await check(device, switchOp, ["float32", "float32", "float32"], [c, F.slice(0, 40), F.slice(40, 80)]);
      await check(device, switchOp, ["bool", "int16", "float32"], [
        c.map((v) => (v ? 1 : 0)),
        c.map((_, i) => i - 20),
        F.slice(0, 40),
      ]);
      await check(device, switchOp, ["int32", "bool", "bool"], [
        c.map((v) => (v ? 3 : 0)),
        c.map((_, i) => i % 2),
        c.map((_, i) => (i >> 1) % 2),
      ]);
    } finally {
      device.destroy();
    }
  },
});

Deno.test({
  name: "WGSL floor division of float32 matches NumPy's on finite values (1 // 0.1 is 9)",
  ignore: adapter === null,
  async fn() {
    const device = await adapter!.requestDevice();
    try {
      const f32 = (v: number) => Math.fround(v);
      const keep = FLOOR_DIV.a.map((a, i) => {
        const [x, y, want] = [f32(a), f32(FLOOR_DIV.b[i]), FLOOR_DIV.float32[i]];
        // GPUs need not keep IEEE infinities and NaN, nor subnormals: compare where the inputs and
        // NumPy's answer are finite normal numbers (the CPU test covers the rest).
        const normal = (v: number) => v === 0 || (Number.isFinite(v) && Math.abs(v) >= F32_MIN_NORMAL);
        return normal(x) && normal(y) && y !== 0 && normal(want);
      });
      const pick = <V>(vs: V[]) => vs.filter((_, i) => keep[i]);
      const got = await runWgsl(device, intDivOp, ["float32", "float32"], "float32", [
        pick(FLOOR_DIV.a).map(Math.fround),
        pick(FLOOR_DIV.b).map(Math.fround),
      ]);
      assert.ok(got.length > 100);
      assert.deepEqual(got.map((v) => v + 0), pick(FLOOR_DIV.float32).map((v) => v + 0)); // +0: ±0 alike
      assert.equal(got[pick(FLOOR_DIV.a).findIndex((a, i) => a === 1 && pick(FLOOR_DIV.b)[i] === 0.1)], 9);
    } finally {
      device.destroy();
    }
  },
});
