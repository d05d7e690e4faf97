/**
 * scan under device "webgpu": bodies made of GPU kernels run on the GPU with every step
 * recorded into the call's encoder (no readback between steps), and agree with the CPU
 * backend. Tolerances: sums and the cumulative sum exactly (float32 adds in the same
 * order on both); tanh RNNs within 2e-5 absolute per step (float32 dot of 8 terms, tanh
 * within a few ulps), gradients within 1e-4 relative to the largest magnitude.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { agreeOnGpu, quietly, randomF32, rnn } from "./kernel_test_util.ts";
import { gpuScanStats } from "./scan_gpu.ts";
import { acquireDevice } from "./device.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

/** The scan node of a compiled function runs on the GPU. */
function scanOnGpu(f: { placement: readonly T.Placement[] }): boolean {
  const s = f.placement.filter((p) => p.node.op.name === "scan");
  return s.length > 0 && s.every((p) => p.device === "webgpu");
}

Deno.test("scan() on webgpu: cumulative sum runs on the GPU and equals the CPU exactly", async () => {
  const x = T.fvector("x"), z = T.fscalar("z");
  const [cum] = T.scan({
    fn: (xt: T.Variable, acc: T.Variable) => T.add(acc, xt),
    sequences: x,
    outputsInfo: z,
  });
  const f = quietly(() => T.function([x, z], cum, { device: "webgpu" }));
  assert.ok(scanOnGpu(f), JSON.stringify(f.placement.map((p) => [p.label, p.device, p.reason])));
  const xs = randomF32([37], 1, 3);
  const ctx = await acquireDevice();
  const before = { ...ctx.stats }, steps = gpuScanStats.steps;
  const got: T.NDArray = await f(xs, T.asarray(0.5, { dtype: "float32" }));
  assert.equal(gpuScanStats.steps - steps, 37);
  assert.equal(ctx.stats.readbacks - before.readbacks, 1, "one readback for the whole call");
  let acc = Math.fround(0.5);
  for (let i = 0; i < 37; i++) {
    acc = Math.fround(acc + xs.data[i]);
    assert.equal(got.data[i], acc, `step ${i}`);
  }
});

Deno.test("scan() on webgpu: a float32 tanh RNN agrees with the CPU", async () => {
  const m = rnn();
  const vals = [randomF32([12, 8], 2), randomF32([8], 3), randomF32([8, 8], 4, 0.5)];
  await agreeOnGpu([m.x, m.h0, m.w], m.hs, vals, () => 2e-5, { what: "rnn" });
});

Deno.test("scan() on webgpu: goBackwards agrees with the CPU", async () => {
  const m = rnn({ goBackwards: true });
  const vals = [randomF32([9, 8], 5), randomF32([8], 6), randomF32([8, 8], 7, 0.5)];
  await agreeOnGpu([m.x, m.h0, m.w], m.hs, vals, () => 2e-5, { what: "goBackwards" });
});

Deno.test("scan() on webgpu: taps [-1, -2] and a sequence with taps [0, 1]", async () => {
  // Fibonacci-like: y_t = y_{t-1} + 0.5 y_{t-2} + x_t + x_{t+1}, all float32.
  const x = T.fvector("x"), y0 = T.fvector("y0");
  const [ys] = T.scan({
    fn: (xt: T.Variable, xn: T.Variable, y1: T.Variable, y2: T.Variable) =>
      T.add(T.add(y1, T.mul(y2, 0.5)), T.add(xt, xn)),
    sequences: { input: x, taps: [0, 1] },
    outputsInfo: { initial: y0, taps: [-1, -2] },
  });
  const vals = [randomF32([15], 8), randomF32([2], 9)];
  const g = await agreeOnGpu([x, y0], ys as T.Variable, vals, () => 1e-6, { what: "taps" });
  assert.deepEqual(g[0].shape, [14]);
});

Deno.test("scan() on webgpu: nSteps, the last value only, and zero steps", async () => {
  const a = T.fvector("a"), n = T.iscalar("n");
  const [out] = T.scan({
    fn: (acc: T.Variable) => T.mul(T.add(acc, 1), 0.5),
    outputsInfo: a,
    nSteps: n,
  });
  const last = T.get(out as T.Variable, -1);
  const f = quietly(() => T.function([a, n], [out as T.Variable, last], { device: "webgpu" }));
  const cpu = T.function([a, n], [out as T.Variable, last]);
  for (const steps of [5, 1]) {
    const args = [randomF32([3], 10), T.asarray(steps, { dtype: "int32" })];
    const [g, gl]: T.NDArray[] = await f(...args);
    const [c, cl] = cpu(...args);
    assert.deepEqual(Array.from(g.data), Array.from(c.data));
    assert.deepEqual(Array.from(gl.data), Array.from(cl.data));
  }
  const g0: T.NDArray = await quietly(() => T.function([a, n], out as T.Variable, { device: "webgpu" }))(
    randomF32([3], 11),
    T.asarray(0, { dtype: "int32" }),
  );
  assert.deepEqual(g0.shape, [0, 3]);
});

Deno.test("scan() on webgpu: the gradient of an RNN (BPTT scan) agrees with the CPU", async () => {
  const m = rnn();
  const cost = T.sum(T.mul(m.hs, m.hs));
  const gs = T.grad(cost, [m.w, m.h0, m.x]);
  const vals = [randomF32([10, 8], 12), randomF32([8], 13), randomF32([8, 8], 14, 0.5)];
  const cpu = T.function([m.x, m.h0, m.w], gs);
  const gpu = quietly(() => T.function([m.x, m.h0, m.w], gs, { device: "webgpu" }));
  const scans = gpu.placement.filter((p) => p.node.op.name === "scan");
  assert.ok(scans.length >= 2, "a forward and a backward scan");
  assert.ok(scanOnGpu(gpu), JSON.stringify(scans.map((p) => [p.label, p.device, p.reason])));
  const g: T.NDArray[] = await gpu(...vals), c = cpu(...vals);
  c.forEach((cv, k) => {
    const big = Math.max(...Array.from(cv.data, Math.abs));
    for (let i = 0; i < cv.size; i++) {
      assert.ok(
        Math.abs(g[k].data[i] - cv.data[i]) <= 1e-4 * big,
        `grad ${k} [${i}]: ${g[k].data[i]} vs ${cv.data[i]}`,
      );
    }
  });
});

Deno.test("scan() on webgpu: a body with a CPU-only op keeps the whole scan on the CPU and says so", async () => {
  const x = T.dvector("x"), z = T.dscalar("z"); // float64: no WGSL type
  const [cum] = T.scan({
    fn: (xt: T.Variable, acc: T.Variable) => T.add(acc, xt),
    sequences: x,
    outputsInfo: z,
  });
  const f = quietly(() => T.function([x, z], cum, { device: "webgpu" }));
  const p = f.placement.find((q) => q.node.op.name === "scan")!;
  assert.equal(p.device, "cpu");
  assert.match(p.reason!, /float64/);
  const got: T.NDArray = await f([1, 2, 3], 0);
  assert.deepEqual(Array.from(got.data), [1, 3, 6]);
});

Deno.test("scan() on webgpu: a sequence too short is a ShapeError naming the scan", async () => {
  const x = T.fvector("x");
  const [ys] = T.scan({
    fn: (a: T.Variable, b: T.Variable) => T.add(a, b),
    sequences: { input: x, taps: [0, 2] },
    outputsInfo: null,
  });
  const f = quietly(() => T.function([x], ys as T.Variable, { device: "webgpu" }));
  await assert.rejects(() => f(randomF32([1], 1)), T.ShapeError);
});

Deno.test("scan() on webgpu: an RNN training loop with a resident shared W reads nothing back between steps", async () => {
  const w0 = randomF32([8, 8], 20, 0.4), xs = randomF32([6, 8], 21), h0v = randomF32([8], 22);
  const build = (device?: "webgpu") => {
    const w = T.shared(w0.copy(), { name: "w" });
    const { x, h0, hs } = rnn({ w });
    const cost = T.sum(T.sqr(T.get(hs, -1)));
    const [gw] = T.grad(cost, [w]);
    const step = quietly(() => T.function([x, h0], [], { updates: [[w, T.sub(w, T.mul(0.1, gw))]], device }));
    return { w, step };
  };
  const gpu = build("webgpu"), cpu = build();
  assert.ok(scanOnGpu(gpu.step as unknown as { placement: readonly T.Placement[] }));
  const ctx = await acquireDevice();
  await gpu.step(xs, h0v);
  cpu.step(xs, h0v);
  const before = ctx.stats.readbacks;
  for (let i = 0; i < 5; i++) {
    await gpu.step(xs, h0v);
    cpu.step(xs, h0v);
  }
  assert.equal(ctx.stats.readbacks, before, "update-only steps with a scan read nothing back");
  const g = await gpu.w.read(), c = cpu.w.getValue();
  for (let i = 0; i < c.size; i++) assert.ok(Math.abs(g.data[i] - c.data[i]) <= 1e-5, `w[${i}]`);
});

Deno.test("scan() on webgpu: a body returning its input unchanged, and a scan inside a scan", async () => {
  const x = T.fmatrix("x"), z = T.fvector("z");
  const [outs] = T.scan({
    fn: (xt: T.Variable, acc: T.Variable) => [T.add(acc, xt), xt],
    sequences: x,
    outputsInfo: [z, null],
  });
  const [acc, copy] = outs as T.Variable[];
  // Inner scan: a cumulative sum of each row, its last value added to the state.
  const [nested] = T.scan({
    fn: (row: T.Variable, s: T.Variable) => {
      const [c] = T.scan({
        fn: (e: T.Variable, a: T.Variable) => T.add(a, e),
        sequences: row,
        outputsInfo: s,
      });
      return T.get(c as T.Variable, -1);
    },
    sequences: x,
    outputsInfo: T.get(z, 0),
  });
  const vals = [randomF32([5, 3], 30), randomF32([3], 31)];
  const g = await agreeOnGpu([x, z], [acc, copy, nested as T.Variable], vals, () => 1e-6, {
    what: "passthrough",
  });
  assert.deepEqual(Array.from(g[1].data), Array.from(vals[0].data), "the collected slices are the sequence");
});

Deno.test("scan() on webgpu: a truncated BPTT gradient (truncateGradient 3) agrees with the CPU", async () => {
  const { x, h0, w, hs } = rnn({ truncateGradient: 3 });
  const gs = T.grad(T.sum(T.sqr(hs)), [w, h0, x]);
  const vals = [randomF32([8, 6], 40), randomF32([6], 41), randomF32([6, 6], 42, 0.5)];
  await agreeOnGpu([x, h0, w], gs, vals, (_i, c) => 1e-5 * (1 + Math.abs(c)), { what: "truncated" });
});

Deno.test("scan() on webgpu: MRG uniforms drawn inside the body equal the CPU's, and the state advances alike", async () => {
  const build = (device?: "webgpu") => {
    const srng = new T.MRGRandomStreams(4), x = T.fmatrix("x");
    const [ys, upd] = T.scan({
      fn: (xt: T.Variable) => T.mul(xt, srng.uniform([3], { dtype: "float32" })),
      sequences: x,
    });
    return quietly(() => T.function([x], ys as T.Variable, { updates: upd, device }));
  };
  const g = build("webgpu"), c = build();
  assert.ok(scanOnGpu(g as unknown as { placement: readonly T.Placement[] }));
  const xv = randomF32([4, 3], 50);
  for (let call = 0; call < 3; call++) {
    const [a, b]: T.NDArray[] = [await g(xv), await c(xv)]; // c's device is a parameter: typed sync or async
    assert.deepEqual(Array.from(a.data), Array.from(b.data), `call ${call}`);
  }
});

Deno.test("scan() on webgpu: 300 calls create no buffers after the first, and dispose gives them back", async () => {
  const m = rnn();
  const f = quietly(() => T.function([m.x, m.h0, m.w], m.hs, { device: "webgpu" }));
  const vals = [randomF32([5, 8], 60), randomF32([8], 61), randomF32([8, 8], 62, 0.5)];
  const ctx = await acquireDevice();
  await f(...vals);
  await f(...vals);
  const created = ctx.pool.created;
  for (let i = 0; i < 300; i++) await f(...vals);
  assert.equal(ctx.pool.created, created, "every buffer came from the pool");
  const free = ctx.pool.free;
  f.dispose();
  assert.ok(ctx.pool.free > free, "the uniforms of the body's kernels went back to the pool");
});
