/**
 * `function(..., { device: "webgpu" | "auto" })` end to end on the local adapter (Mesa's
 * llvmpipe in CI): fused kernels, broadcasting, CPU placement with transfers, updates,
 * the errors, and the device plumbing (pool reuse, compile failures, device loss).
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { acquireDevice, pipelineFor, setGpuForTesting } from "./device.ts";
import type { Gpu } from "./gpu_types.ts";
import { lowerElementwise } from "./codegen.ts";
import { requireAdapter, testValues, ulpDistance } from "./test_util.ts";

await requireAdapter();

/** Run `f` with console.warn captured; returns its result and the warnings. */
async function capturingWarnings<R>(f: () => R | Promise<R>): Promise<{ result: R; warnings: string[] }> {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (...a: unknown[]) => warnings.push(a.join(" "));
  try {
    return { result: await f(), warnings };
  } finally {
    console.warn = warn;
  }
}

/** Equal dtype and shape, and float32 values within `ulps` or `atol` (other dtypes exactly). */
function assertAgree(gpu: T.NDArray, cpu: T.NDArray, ulps = 0, what = "", atol = 0) {
  assert.equal(gpu.dtype, cpu.dtype, `${what} dtype`);
  assert.deepEqual(gpu.shape, cpu.shape, `${what} shape`);
  for (let i = 0; i < cpu.size; i++) {
    const g = gpu.data[i], c = cpu.data[i];
    const d = cpu.dtype === "float32" ? ulpDistance(g, c) : g === c ? 0 : Infinity;
    assert.ok(
      d <= ulps || Math.abs(g - c) <= atol,
      `${what} [${i}]: GPU ${g}, CPU ${c} (${d} ulps, allowed ${ulps} or ${atol} absolute)`,
    );
  }
}

/** The placement as [label, device, reason] triples, for messages. */
function show(placement: readonly T.Placement[]): string {
  return JSON.stringify(placement.map((p) => [p.label, p.device, p.reason]));
}

Deno.test("function(device webgpu) runs the fused logistic as one GPU kernel, matching Math.exp", async () => {
  const x = T.fmatrix("x");
  const f = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))), { device: "webgpu" });
  assert.equal(f.device, "webgpu");
  assert.ok(
    f.placement.length >= 1 && f.placement.every((p) => p.device === "webgpu"),
    show(f.placement),
  );
  const r: T.NDArray = await f([[1, 2], [3, 4]]);
  assert.equal(r.dtype, "float32");
  assert.deepEqual(r.shape, [2, 2]);
  [1, 2, 3, 4].forEach((v, i) => {
    const ref = Math.fround(1 / (1 + Math.exp(-v)));
    assert.ok(ulpDistance(r.data[i], ref) <= 4, `logistic(${v}): ${r.data[i]} vs ${ref}`);
  });
});

Deno.test("function(device webgpu) fuses a longer float32 chain and agrees with the CPU within 8 ulps", async () => {
  const [x, y] = T.fvectors("x", "y");
  const e = T.sqrt(T.add(T.mul(T.exp(T.mul(x, -0.5)), T.sqr(y)), 1.5));
  const cpu = T.function([x, y], e);
  const gpu = T.function([x, y], e, { device: "webgpu" });
  assert.equal(gpu.placement.length, 1, "the chain is one fused node");
  assert.match(gpu.placement[0].label, /^Composite\{/);
  const xv = testValues("float32", 1000, 1), yv = testValues("float32", 1000, 2);
  assertAgree(await gpu(xv, yv), cpu(xv, yv), 8, "chain");
});

Deno.test("function(device webgpu) broadcasts by static type like the CPU", async () => {
  const cases: [string, T.Variable[], T.NDArray[], (vs: T.Variable[]) => T.Variable][] = [
    ["matrix + row", [T.fmatrix("m"), T.frow("r")], [
      testValues("float32", 12, 1).reshape([3, 4]),
      testValues("float32", 4, 2).reshape([1, 4]),
    ], ([m, r]) => T.add(m, r)],
    ["col * row", [T.fcol("c"), T.frow("r")], [
      testValues("float32", 3, 3).reshape([3, 1]),
      testValues("float32", 5, 4).reshape([1, 5]),
    ], ([c, r]) => T.mul(c, r)],
    ["scalar - matrix", [T.fscalar("s"), T.fmatrix("m")], [
      T.asarray(2.5, { dtype: "float32" }),
      testValues("float32", 6, 5).reshape([2, 3]),
    ], ([s, m]) => T.sub(s, m)],
    [
      "tensor3 (?,1,?) + vector, int32",
      [new T.TensorType("int32", [null, 1, null]).make("t"), T.ivector("v")],
      [testValues("int32", 8, 6).reshape([2, 1, 4]), testValues("int32", 4, 7)],
      ([t, v]) => T.add(T.mul(t, 3), v),
    ],
    [
      "constant column * matrix",
      [T.fmatrix("m")],
      [testValues("float32", 8, 8).reshape([2, 4])],
      ([m]) => T.mul(T.constant([[2], [-3]], { dtype: "float32" }), m),
    ],
    [
      "int8 + uint8 -> int16 (converted lanes)",
      [new T.TensorType("int8", [null]).make("a"), new T.TensorType("uint8", [null]).make("b")],
      [testValues("int8", 16, 9), testValues("uint8", 16, 10)],
      ([a, b]) => T.add(a, b),
    ],
    [
      "0-d inputs",
      [T.fscalar("a"), T.fscalar("b")],
      [T.asarray(1.25, { dtype: "float32" }), T.asarray(-4, { dtype: "float32" })],
      ([a, b]) => T.mul(a, b),
    ],
  ];
  for (const [what, vars, values, build] of cases) {
    const e = build(vars);
    const cpu = T.function(vars, e);
    const gpu = T.function(vars, e, { device: "webgpu" });
    assert.ok(gpu.placement.every((p) => p.device === "webgpu"), `${what}: ${show(gpu.placement)}`);
    assertAgree(await gpu(...values), cpu(...values), 0, what);
  }
});

Deno.test("function(device webgpu) rejects shapes that do not broadcast with a ShapeError", async () => {
  const [a, b] = T.fmatrices("a", "b");
  const f = T.function([a, b], T.add(a, b), { device: "webgpu" });
  await assert.rejects(
    () => f(T.asarray([[1, 2, 3]], { dtype: "float32" }), T.asarray([[1, 2], [3, 4]], { dtype: "float32" })),
    (e: unknown) => e instanceof T.ShapeError && /do not match/.test((e as Error).message),
  );
});

Deno.test("function(device webgpu) places float64 nodes on the CPU, says so once, and transfers", async () => {
  const [x, y] = T.fvectors("x", "y");
  const mid = T.cast(T.log(T.cast(T.exp(x), "float64")), "float32"); // float64 in the middle
  const e = T.mul(T.add(mid, 1), y);
  const cpu = T.function([x, y], e);
  const { result: gpu, warnings } = await capturingWarnings(() =>
    T.function([x, y], e, { device: "webgpu" })
  );
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /run on the CPU/);
  assert.match(warnings[0], /float64/);
  const onCpu = gpu.placement.filter((p) => p.device === "cpu");
  const onGpu = gpu.placement.filter((p) => p.device === "webgpu");
  assert.ok(
    onCpu.length >= 1 && onGpu.length >= 1,
    show(gpu.placement),
  );
  assert.ok(
    onCpu.every((p) =>
      p.node.outputs.some((o) => o.dtype === "float64") || p.node.inputs.some((i) => i.dtype === "float64")
    ),
  );
  assert.ok(onGpu.every((p) => p.node.outputs.every((o) => o.dtype === "float32")));
  const xv = testValues("float32", 64, 3), yv = testValues("float32", 64, 4);
  // exp rounded to float32 on the GPU, then log in float64 on the CPU: the middle is x up
  // to the rounding of exp (relative 2^-24 of exp, so absolute ~6e-8 in its log), times y.
  const atol = 4 * 2 ** -24 * Math.max(...Array.from(yv.data, Math.abs));
  assertAgree(await gpu(xv, yv), cpu(xv, yv), 8, "mixed", atol);
  const again = await capturingWarnings(() => gpu(xv, yv));
  assert.equal(again.warnings.length, 0, "the placement is reported at compile time only");
});

Deno.test("function(device webgpu) runs an op without a WebGPU kernel on the CPU between GPU kernels", async () => {
  const x = T.fmatrix("x");
  // A sum of int32 values is int64 (NumPy's rule), which WGSL has no type for: the CPU sums.
  const ints = T.cast(T.mul(x, 4), "int32"); // GPU
  const s = T.cast(T.sum(ints, 1, { keepdims: true }), "float32"); // CPU
  const e = T.mul(T.exp(x), s); // GPU
  const cpu = T.function([x], e);
  const { result: gpu } = await capturingWarnings(() => T.function([x], e, { device: "webgpu" }));
  assert.ok(
    gpu.placement.some((p) => p.device === "cpu" && /sum/.test(p.label)),
    show(gpu.placement),
  );
  assert.ok(gpu.placement.some((p) => p.device === "webgpu"), show(gpu.placement));
  const xv = testValues("float32", 24, 5).reshape([4, 6]);
  assertAgree(await gpu(xv), cpu(xv), 16, "int64 sum sandwich");
});

Deno.test("function(device webgpu) alternates GPU and CPU segments, reusing values across them", async () => {
  const x = T.fmatrix("x");
  const e = T.exp(T.mul(x, 0.25)); // GPU
  const d = T.sqrt(T.cast(e, "float64")); // CPU (float64)
  const back = T.cast(d, "float32"); // CPU
  const g = T.add(back, e); // GPU, reads a GPU value and a CPU value
  const s = T.sum(g, 0); // CPU
  const outs = [T.mul(g, s), d, T.sub(e, 1), s]; // outputs from both devices, e read by 3 segments
  const cpu = T.function([x], outs);
  const { result: gpu } = await capturingWarnings(() => T.function([x], outs, { device: "webgpu" }));
  const devices = gpu.placement.map((p) => p.device);
  assert.ok(devices.includes("webgpu") && devices.includes("cpu"), show(gpu.placement));
  const xv = testValues("float32", 30, 15).reshape([5, 6]);
  const [g1, g2, g3, g4] = await gpu(xv);
  const [c1, c2, c3, c4] = cpu(xv);
  assertAgree(g1, c1, 64, "g * sum(g)");
  assertAgree(g2, c2, 0, "float64 sqrt", 1e-6);
  assertAgree(g3, c3, 8, "e - 1", 1e-6);
  assertAgree(g4, c4, 64, "sum");
});

Deno.test("function(device webgpu) returns several outputs of several dtypes, inputs as copies", async () => {
  const [a, b] = T.ivectors("a", "b");
  const outs = [T.add(a, b), T.lt(a, b), a, T.cast(T.neg(b), "float32"), T.add(a, b)];
  const cpu = T.function([a, b], outs);
  const gpu = T.function([a, b], outs, { device: "webgpu" });
  const av = testValues("int32", 40, 11), bv = testValues("int32", 40, 12);
  const g: T.NDArray[] = await gpu(av, bv);
  const c = cpu(av, bv);
  assert.equal(g.length, 5);
  g.forEach((v, k) => assertAgree(v, c[k], 0, `output ${k}`));
  assert.equal(g[1].dtype, "bool");
  assert.notEqual(g[2].data, av.data, "an input returned as an output is a copy");
});

Deno.test("function(device webgpu) applies updates of shared variables after the outputs", async () => {
  const state = T.shared(T.asarray([0, 10], { dtype: "float32" }), { name: "state" });
  const inc = T.fvector("inc");
  const acc = T.function([inc], state, { updates: [[state, T.add(state, inc)]], device: "webgpu" });
  assert.deepEqual((await acc([1, 1])).toArray(), [0, 10]);
  assert.deepEqual((await state.read()).toArray(), [1, 11]);
  assert.deepEqual((await acc([300, -1])).toArray(), [1, 11]);
  assert.deepEqual((await state.read()).toArray(), [301, 10]);
  // A failing call changes nothing.
  await assert.rejects(() => acc([1, 2, 3]), T.HypatiaError);
  assert.deepEqual((await state.read()).toArray(), [301, 10]);
});

Deno.test("function(device webgpu) rejects bad arguments instead of throwing synchronously", async () => {
  const x = T.ivector("x");
  const f = T.function([x], T.add(x, 1), { device: "webgpu" });
  let p: Promise<unknown> | undefined;
  assert.doesNotThrow(() => (p = f([1.5])));
  await assert.rejects(() => p!, T.InputError);
  await assert.rejects(() => f(), T.InputError);
});

Deno.test("function(device webgpu) handles empty arrays and 2-D dispatches past 65535 workgroups", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.mul(T.add(x, 1), 2), { device: "webgpu" });
  const empty = await f(new Float32Array(0));
  assert.deepEqual(empty.shape, [0]);
  const n = 65535 * 256 + 4097; // more elements than one dispatch dimension covers
  const xv = new Float32Array(n);
  for (let i = 0; i < n; i++) xv[i] = (i % 1000) - 500;
  const r = await f(xv);
  assert.equal(r.size, n);
  for (const i of [0, 1, 65535 * 256 - 1, 65535 * 256, 65535 * 256 + 1, n - 1]) {
    assert.equal(r.data[i], (xv[i] + 1) * 2, `element ${i}`);
  }
});

Deno.test("function(device webgpu) reuses pooled buffers across calls", async () => {
  const x = T.fmatrix("x");
  const f = T.function([x], T.exp(T.neg(x)), { device: "webgpu" });
  const xv = testValues("float32", 64, 13).reshape([8, 8]);
  await f(xv);
  const ctx = await acquireDevice();
  const before = ctx.pool.created;
  for (let i = 0; i < 20; i++) await f(xv);
  assert.equal(ctx.pool.created, before, "no new GPU buffers in steady state");
});

Deno.test("function(device webgpu) without FAST_RUN runs one kernel per node in one call", async () => {
  const x = T.fvector("x");
  const e = T.log1p(T.exp(T.mul(x, 0.5)));
  const cpu = T.function([x], e, { mode: "FAST_COMPILE" });
  const gpu = T.function([x], e, { mode: "FAST_COMPILE", device: "webgpu" });
  assert.equal(gpu.placement.filter((p) => p.device === "webgpu").length, 3);
  const xv = testValues("float32", 100, 14);
  assertAgree(await gpu(xv), cpu(xv), 8, "unfused");
});

Deno.test("codegen snapshots compile on the device", async () => {
  const ctx = await acquireDevice();
  const x = T.fmatrix("x"), r = T.irow("r");
  const e = T.lt(T.div(1, T.add(1, T.exp(T.neg(x)))), T.cast(r, "float32"));
  const f = T.function([x, r], e, { device: "webgpu" });
  for (const p of f.placement) {
    const k = lowerElementwise((await import("./codegen.ts")).kernelSpecOf(p.node));
    assert.ok("source" in k);
    await pipelineFor(ctx, k.source); // throws a DeviceError with the source if it does not compile
  }
});

Deno.test("pipelineFor() turns a WGSL compile failure into a DeviceError carrying the source", async () => {
  const ctx = await acquireDevice();
  const bad = "@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }";
  await assert.rejects(
    () => pipelineFor(ctx, bad),
    (e: unknown) => e instanceof T.DeviceError && (e as Error).message.includes(bad),
  );
});

Deno.test("device webgpu: a lost device is replaced by the next call", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.add(x, 1), { device: "webgpu" });
  assert.deepEqual((await f([1, 2])).toArray(), [2, 3]);
  const ctx = await acquireDevice();
  ctx.device.destroy();
  await ctx.device.lost;
  assert.ok(ctx.lost, "the context knows it was lost");
  assert.deepEqual((await f([5])).toArray(), [6]);
  assert.notEqual(await acquireDevice(), ctx);
});

Deno.test("device webgpu: no navigator.gpu is a DeviceError at compile time (as under Bun)", () => {
  setGpuForTesting(null);
  try {
    const x = T.fvector("x");
    assert.throws(
      () => T.function([x], T.exp(x), { device: "webgpu" }),
      (e: unknown) => e instanceof T.DeviceError && /navigator\.gpu is missing/.test((e as Error).message),
    );
  } finally {
    setGpuForTesting(undefined);
  }
});

Deno.test("device webgpu: no adapter is a DeviceError when the function is called", async () => {
  setGpuForTesting({ requestAdapter: () => Promise.resolve(null) });
  try {
    const x = T.fvector("x");
    const f = T.function([x], T.exp(x), { device: "webgpu" });
    await assert.rejects(
      () => f([1]),
      (e: unknown) => e instanceof T.DeviceError && /found no adapter/.test((e as Error).message),
    );
  } finally {
    setGpuForTesting(undefined);
  }
});

Deno.test("device auto: falls back to the CPU with no WebGPU or a software adapter, and says so once", async () => {
  for (const gpu of [null, { requestAdapter: () => Promise.resolve(null) }, undefined]) {
    // undefined: the real adapter, which in CI is llvmpipe (a fallback adapter).
    setGpuForTesting(gpu);
    try {
      const x = T.fvector("x");
      const f = T.function([x], T.exp(x), { device: "auto" });
      const g = T.function([x], T.neg(x), { device: "auto" });
      assert.equal(f.device, "auto", "undecided before the first call");
      const { result, warnings } = await capturingWarnings(async () => [await f([0, 1]), await g([2])]);
      const real = gpu === undefined ? (await acquireDevice()).adapter : undefined;
      if (real && !real.software) {
        assert.equal(f.device, "webgpu"); // a hardware adapter: auto uses it
      } else {
        assert.equal(f.device, "cpu");
        assert.ok(f.placement.every((p) => p.device === "cpu"));
      }
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /device "auto": running on/);
      assert.deepEqual(result[0].toArray(), [1, Math.fround(Math.E)]);
      assert.deepEqual(result[1].toArray(), [-2]);
    } finally {
      setGpuForTesting(undefined);
    }
  }
});

Deno.test("device auto: prefers WebGPU when the adapter is not a fallback adapter", async () => {
  const real = (globalThis as unknown as { navigator: { gpu: Gpu } }).navigator.gpu;
  setGpuForTesting({
    requestAdapter: async (options) => {
      const a = await real.requestAdapter(options);
      if (!a) return null;
      return {
        info: { description: "pretend hardware GPU", isFallbackAdapter: false },
        limits: a.limits,
        requestDevice: (d) => a.requestDevice(d),
      };
    },
  });
  try {
    const x = T.fmatrix("x");
    const f = T.function([x], T.mul(T.exp(x), 2), { device: "auto" });
    const { result, warnings } = await capturingWarnings(() => f([[0, 1]]));
    assert.equal(f.device, "webgpu");
    assert.ok(f.placement.every((p) => p.device === "webgpu"));
    assert.match(warnings.join("\n"), /running on WebGPU \(pretend hardware GPU\)/);
    assert.ok(ulpDistance(result.data[1], Math.fround(2 * Math.E)) <= 4);
  } finally {
    setGpuForTesting(undefined);
  }
});

Deno.test("function(device) rejects an unknown device name", () => {
  const x = T.fvector("x");
  assert.throws(
    () => T.function([x], x, { device: "tpu" as never }),
    (e: unknown) => e instanceof T.DeviceError && /unknown device "tpu"/.test((e as Error).message),
  );
});
