/**
 * MRG31k3p float32 uniforms on WebGPU are bit-identical to the CPU's (random/mrg_wgsl.ts),
 * and the states they leave behind are identical too: call after call, for fewer
 * elements than substreams, several elements per substream, given and symbolic sizes.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import type { RandomParams } from "../../random/random_op.ts";
import { mrgWgsl } from "../../random/mrg_wgsl.ts";
import { acquireDevice } from "./device.ts";
import { quietly } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";
import { mrgStats } from "../wasm/mrg.ts";

await requireAdapter();

mrgWgsl satisfies WgslKernelTemplate<RandomParams>;

/** The same stream drawn on the GPU and on the CPU, compiled by `build`. */
function pair(seed: number, draw: (s: T.MRGRandomStreams) => T.Variable, inputs: T.Variable[] = []) {
  const g = new T.MRGRandomStreams(seed), c = new T.MRGRandomStreams(seed);
  const gv = draw(g), cv = draw(c);
  return {
    gpu: quietly(() => T.function(inputs, gv, { device: "webgpu" })),
    cpu: T.function(inputs, cv),
    gState: g.stateUpdates.map(([s]) => s),
    cState: c.stateUpdates.map(([s]) => s),
  };
}

const bits = (a: T.NDArray) => Array.from(new Uint32Array(new Float32Array(a.data).buffer));

Deno.test("MRG uniform float32 on WebGPU is bit-identical to the CPU, call after call, states included", async () => {
  const cases: [string, (s: T.MRGRandomStreams) => T.Variable][] = [
    ["5 elements", (s) => s.uniform([5], { dtype: "float32" })],
    [
      "40,000 elements over 15,360 substreams",
      (s) => s.uniform([200, 200], { dtype: "float32", nstreams: 15360 }),
    ],
    ["21 elements over 4 substreams", (s) => s.uniform([7, 3], { dtype: "float32", nstreams: 4 })],
    ["2 elements over 9 substreams", (s) => s.uniform([2], { dtype: "float32", nstreams: 9 })],
  ];
  // The CPU side of the 40,000-element case runs the wasm engine's SIMD fill: WGSL and SIMD agree.
  const simdRuns = mrgStats.runs;
  for (const [what, draw] of cases) {
    const p = pair(12345, draw);
    assert.ok(p.gpu.placement.some((q) => q.node.op.name === "mrg_random" && q.device === "webgpu"), what);
    for (let call = 0; call < 3; call++) {
      const [g, c] = [await p.gpu(), p.cpu()];
      assert.equal(g.dtype, "float32");
      assert.deepEqual(g.shape, c.shape, what);
      assert.deepEqual(bits(g), bits(c), `${what}, call ${call}`);
    }
    for (let k = 0; k < p.gState.length; k++) {
      assert.deepEqual(
        (await p.gState[k].read()).toArray(),
        p.cState[k].getValue().toArray(),
        `${what}: state`,
      );
    }
  }
  assert(mrgStats.runs > simdRuns || !T.config.wasm, "the CPU side drew with the SIMD kernel");
});

Deno.test("MRG uniform on WebGPU: symbolic sizes, an update-only loop without readbacks, other draws on the CPU", async () => {
  const x = T.fmatrix("x");
  const p = pair(7, (s) => s.uniform(x.shape, { dtype: "float32" }), [x]);
  const xv = new T.NDArray("float32", [30, 11]);
  assert.deepEqual(bits(await p.gpu(xv)), bits(p.cpu(xv)));
  // Dropout-style use: the draws stay on the device, the state advances there.
  const srng = new T.MRGRandomStreams(3), cpuRng = new T.MRGRandomStreams(3);
  const w = T.shared(new Float32Array(1000).fill(1), { name: "w" });
  const wc = T.shared(new Float32Array(1000).fill(1), { name: "w" });
  const step = T.function([], [], {
    updates: [[w, T.add(w, srng.uniform([1000], { dtype: "float32" }))]],
    device: "webgpu",
  });
  const stepC = T.function([], [], {
    updates: [[wc, T.add(wc, cpuRng.uniform([1000], { dtype: "float32" }))]],
  });
  await step();
  stepC();
  const ctx = await acquireDevice();
  const before = ctx.stats.readbacks;
  for (let i = 0; i < 50; i++) {
    await step();
    stepC();
  }
  assert.equal(ctx.stats.readbacks, before, "no readback: the state and the draws stay on the GPU");
  assert.deepEqual(bits(await w.read()), bits(wc.getValue()));
  const n = quietly(() =>
    T.function([], new T.MRGRandomStreams(1).normal([4], { dtype: "float32" }), { device: "webgpu" })
  );
  assert.match(
    n.placement.find((q) => q.node.op.name === "mrg_random")!.reason!,
    /normal draws run on the CPU/,
  );
  const u64 = quietly(() => T.function([], new T.MRGRandomStreams(1).uniform([4]), { device: "webgpu" }));
  assert.match(u64.placement.find((q) => q.node.op.name === "mrg_random")!.reason!, /float64/);
});

Deno.test("MRG binomial n=1 (floatX float32) on WebGPU equals the CPU's draws exactly; n > 1 and normal stay on the CPU", async () => {
  const saved = T.config.floatX;
  T.config.floatX = "float32";
  try {
    for (const dtype of ["int64", "int32", "float32"] as T.DType[]) {
      const p = pair(777, (s) => s.binomial([9, 5], { p: 0.3, dtype, nstreams: 7 }));
      assert.ok(p.gpu.placement.some((q) => q.node.op.name === "mrg_random" && q.device === "webgpu"), dtype);
      for (let call = 0; call < 2; call++) {
        const [g, c] = [await p.gpu(), p.cpu()];
        assert.equal(g.dtype, dtype);
        assert.deepEqual(Array.from(g.data), Array.from(c.data), `${dtype}, call ${call}`);
        assert.ok(c.data.some((v: number) => v === 1) && c.data.some((v: number) => v === 0));
      }
      assert.deepEqual((await p.gState[0].read()).toArray(), p.cState[0].getValue().toArray());
    }
    for (
      const draw of [
        (s: T.MRGRandomStreams) => s.binomial([4], { n: 3 }),
        (s: T.MRGRandomStreams) => s.normal([4]),
      ]
    ) {
      const p = pair(5, draw);
      const q = p.gpu.placement.find((x) => x.node.op.name === "mrg_random")!;
      assert.equal(q.device, "cpu");
      assert.deepEqual(Array.from((await p.gpu()).data), Array.from(p.cpu().data));
    }
  } finally {
    T.config.floatX = saved;
  }
});

Deno.test("every random distribution under device webgpu equals the CPU's draws (same seeds), call after call", async () => {
  const mrg: [string, (s: T.MRGRandomStreams) => T.Variable][] = [
    ["uniform [-2, 3) float32", (s) => s.uniform([6], { low: -2, high: 3, dtype: "float32" })],
    ["uniform float64", (s) => s.uniform([5])],
    ["normal float32", (s) => s.normal([7], { dtype: "float32" })],
    ["truncatedNormal", (s) => s.truncatedNormal([8], { dtype: "float32" })],
    ["binomial n=4", (s) => s.binomial([5], { n: 4, p: 0.4 })],
    ["multinomial", (s) => s.multinomial({ pvals: [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]], n: 5 })],
    ["choice", (s) => s.choice(2, { p: [[0.1, 0.2, 0.3, 0.4]] })],
  ];
  for (const [what, draw] of mrg) {
    const p = pair(99, draw);
    for (let call = 0; call < 2; call++) {
      const [g, c] = [await p.gpu(), p.cpu()];
      assert.equal(g.dtype, c.dtype, what);
      assert.deepEqual(Array.from(g.data), Array.from(c.data), `${what}, call ${call}`);
    }
  }
  const numpy: [string, (s: T.RandomStreams) => T.Variable][] = [
    ["uniform", (s) => s.uniform([4])],
    ["normal", (s) => s.normal([4])],
    ["binomial", (s) => s.binomial([4], { n: 5, p: 0.3 })],
    ["integers", (s) => s.integers([4], { low: 0, high: 10 })],
    ["choice", (s) => s.choice([3], { a: [10, 20, 30, 40], replace: false })],
    ["permutation", (s) => s.permutation(undefined, { n: 6 })],
  ];
  for (const [what, draw] of numpy) {
    const g = new T.RandomStreams(5), c = new T.RandomStreams(5);
    const fg = quietly(() => T.function([], draw(g), { device: "webgpu" })), fc = T.function([], draw(c));
    for (let call = 0; call < 2; call++) {
      assert.deepEqual(
        Array.from((await fg()).data),
        Array.from(fc().data),
        `RandomStreams ${what}, call ${call}`,
      );
    }
  }
});
