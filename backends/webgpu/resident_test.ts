/**
 * Shared variables resident on the device, outputs left there (`onDevice`, DeviceArray),
 * calls that do not wait, failure atomicity, and releasing buffers (`dispose`, `using`,
 * 10,000-call loops that allocate nothing). Counts, not timings: `ctx.stats` counts
 * readbacks and submits, the pool counts the buffers that exist.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { acquireDevice } from "./device.ts";
import { DeviceArray, deviceArrayStats } from "./device_array.ts";
import { requireAdapter } from "./test_util.ts";
import { quietly } from "./kernel_test_util.ts";

await requireAdapter();

const f32 = (v: number[]) => T.asarray(v, { dtype: "float32" });

Deno.test("shared variables of a WebGPU function stay on the device; read() fetches, getValue() says how", async () => {
  const w = T.shared(f32([1, 2, 3]), { name: "w" });
  const step = T.function([], [], { updates: [[w, T.mul(w, 2)]], device: "webgpu" });
  // Before any call the host value is current.
  assert.deepEqual(w.getValue().toArray(), [1, 2, 3]);
  await step();
  assert.ok(w.storage.resident, "w lives on the device after a call");
  assert.throws(
    () => w.getValue(),
    (e: unknown) =>
      e instanceof T.InputError &&
      /lives on the GPU .*read it with await w\.read\(\)/.test((e as Error).message),
  );
  await step();
  assert.deepEqual((await w.read()).toArray(), [4, 8, 12]);
  // After a read the host copy is current: getValue() works and keeps the device copy.
  assert.deepEqual(w.getValue().toArray(), [4, 8, 12]);
  assert.ok(w.storage.resident);
  const v = await w.read();
  v.data[0] = -1; // read() gives a fresh array: changing it changes nothing
  assert.deepEqual((await w.read()).toArray(), [4, 8, 12]);
});

Deno.test("setValue() replaces the device copy, and its buffer goes back to the pool", async () => {
  const w = T.shared(f32([1, 2]), { name: "w" });
  const step = T.function([], [], { updates: [[w, T.add(w, 1)]], device: "webgpu" });
  await step();
  const ctx = await acquireDevice();
  const free = ctx.pool.free;
  w.setValue(f32([10, 20]));
  assert.equal(w.storage.resident, undefined);
  assert.equal(ctx.pool.free, free + 1, "the device copy's buffer is free again");
  await step();
  assert.deepEqual((await w.read()).toArray(), [11, 21]);
});

Deno.test("a 1,000-step update-only loop reads nothing back and matches the CPU exactly", async () => {
  const mk = () => ({
    count: T.shared(T.asarray([0, 0], { dtype: "int32" }), { name: "count" }),
    acc: T.shared(f32([0.5, -3]), { name: "acc" }),
  });
  const build = (s: ReturnType<typeof mk>, device: "cpu" | "webgpu") =>
    T.function([], [], {
      updates: [[s.count, T.add(s.count, 1)], [s.acc, T.add(T.mul(s.acc, 0.5), 1)]],
      device,
    });
  const g = mk(), c = mk();
  const gpu = build(g, "webgpu"), cpu = build(c, "cpu");
  await gpu(); // the device and pipelines are ready before counting
  cpu();
  const ctx = await acquireDevice();
  const before = { ...ctx.stats };
  for (let i = 1; i < 1000; i++) {
    await gpu();
    cpu();
  }
  assert.equal(ctx.stats.readbacks, before.readbacks, "no readback in the loop");
  assert.equal(ctx.stats.submits - before.submits, 999, "one submit per call");
  assert.equal(ctx.stats.uploads, before.uploads, "nothing uploaded: the values are resident");
  assert.deepEqual((await g.count.read()).toArray(), [1000, 1000]);
  // acc -> acc / 2 + 1 is exact in float32 at every step here (dyadic values): equal results.
  assert.deepEqual((await g.acc.read()).toArray(), c.acc.getValue().toArray());
  assert.equal(ctx.stats.readbacks, before.readbacks + 2);
});

Deno.test("onDevice() leaves outputs on the device without waiting; they feed the next call", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.mul(T.exp(x), 2), { device: "webgpu" });
  const g = T.function([x], T.sqrt(T.add(x, 100)), { device: "webgpu" });
  const h = T.function([x], [T.neg(x), T.mul(x, x)], { device: "webgpu" });
  await f([0]);
  const ctx = await acquireDevice();
  const before = ctx.stats.readbacks;
  const y = await f.onDevice([0, 1, 2]);
  assert.ok(y instanceof DeviceArray && y.onDevice);
  assert.deepEqual([y.dtype, ...y.shape], ["float32", 3]);
  const [a, b] = await h.onDevice(y);
  const z = await g.onDevice(a);
  const total = T.function([x], T.sum(T.dot(x, x)), { device: "webgpu" });
  const t = await total.onDevice(b); // a dot product and a reduction, still on the device
  assert.equal(ctx.stats.readbacks, before, "nothing was read back yet");
  const want = [0, 1, 2].map((v) => Math.fround(2 * Math.fround(Math.exp(v))));
  const got = await y.read();
  got.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 4e-7 * want[i], `${v} vs ${want[i]}`));
  const zv = await z.read();
  want.forEach((v, i) => {
    const ref = Math.sqrt(100 - v);
    assert.ok(Math.abs(zv.data[i] - ref) < 1e-6 * ref, `${zv.data[i]} vs ${ref}`);
  });
  assert.deepEqual((await b.read()).toArray(), Array.from(got.data, (v) => Math.fround(v * v)));
  const sq = Array.from(got.data, (v) => v ** 4).reduce((p, q) => p + q, 0);
  assert.ok(Math.abs((await t.read()).item() - sq) <= 1e-5 * sq);
  t.dispose();
  // A DeviceArray is read by value, not converted: a wrong dtype is an InputError.
  const i = T.ivector("i");
  const k = T.function([i], T.add(i, 1), { device: "webgpu" });
  await assert.rejects(
    () => k(y),
    (e: unknown) => e instanceof T.InputError && /not converted/.test(String(e)),
  );
  for (const d of [y, a, b, z]) d.dispose();
  await assert.rejects(() => g(y), T.InputError);
  await assert.rejects(() => y.read(), T.InputError);
});

Deno.test("a shared variable updated by one WebGPU function is read by another without a transfer", async () => {
  const w = T.shared(f32([1, 2, 3, 4]), { name: "w" });
  const x = T.fvector("x");
  const train = T.function([x], [], { updates: [[w, T.add(w, x)]], device: "webgpu" });
  const score = T.function([x], T.sum(T.mul(w, x)), { device: "webgpu" });
  await train([1, 1, 1, 1]);
  const ctx = await acquireDevice();
  const uploads = ctx.stats.uploads;
  const s = await score([1, 0, 0, 1]);
  assert.equal(s.item(), 2 + 5);
  assert.equal(ctx.stats.uploads, uploads + 1, "only the argument x was uploaded");
  // A CPU function reading it cannot wait: it says so; an auto function reads it back.
  const cpu = T.function([x], T.sum(T.mul(w, x)));
  assert.throws(() => cpu([1, 0, 0, 1]), /read it with await w\.read\(\)/);
});

Deno.test("a WebGPU call that fails changes no shared variable, device copies included", async () => {
  const a = T.shared(f32([1, 2]), { name: "a" });
  const b = T.shared(f32([10, 20]), { name: "b" });
  const x = T.fvector("x");
  const f = T.function([x], T.sum(a), {
    updates: [[a, T.add(a, 1)], [b, T.add(b, x)]],
    device: "webgpu",
  });
  await f([1, 1]);
  // x of the wrong length: the second update's kernel fails after the first was recorded.
  await assert.rejects(() => f([1, 2, 3]), T.ShapeError);
  assert.deepEqual((await a.read()).toArray(), [2, 3]);
  assert.deepEqual((await b.read()).toArray(), [11, 21]);
  // A failure in a CPU segment (an index out of range, read on the host) after GPU kernels.
  const i = T.iscalar("i");
  const g = T.function([i], [], {
    updates: [[a, T.mul(a, 3)], [b, T.add(b, T.cast(T.get(T.cast(a, "float64"), i), "float32"))]],
    device: "webgpu",
  });
  await assert.rejects(() => quietly(() => g(5)), T.ShapeError);
  assert.deepEqual((await a.read()).toArray(), [2, 3]);
  await quietly(() => g(1));
  assert.deepEqual((await a.read()).toArray(), [6, 9]);
  assert.deepEqual((await b.read()).toArray(), [14, 24]);
});

Deno.test("f.dispose() and `using` release a function's device buffers; a disposed function rejects calls", async () => {
  const ctx = await acquireDevice();
  const x = T.fvector("x");
  const big = T.constant(new Float32Array(1024).fill(0.5));
  const free0 = ctx.pool.free;
  {
    using f = T.function([x], T.mul(T.add(x, big), 2), { device: "webgpu" });
    assert.equal((await f(new Float32Array(1024)))?.data[5], 1);
  }
  assert.ok(ctx.pool.free > free0, "the constant's and uniforms' buffers went back to the pool");
  const g = T.function([x], T.add(x, big), { device: "webgpu" });
  await g(new Float32Array(1024));
  g.dispose();
  await assert.rejects(() => g(new Float32Array(1024)), /was disposed/);
  g.dispose(); // twice is harmless
});

Deno.test("10,000 calls create no buffers and leave nothing behind (updates, device outputs, readbacks)", async () => {
  const ctx = await acquireDevice();
  const w = T.shared(f32([1, 2, 3, 4]), { name: "w" });
  const x = T.fvector("x");
  const upd = T.function([x], [], { updates: [[w, T.add(T.mul(w, 0.5), x)]], device: "webgpu" });
  const out = T.function([x], T.mul(w, x), { device: "webgpu" });
  const xv = f32([1, 1, 1, 1]);
  for (let i = 0; i < 3; i++) { // warm up: buffers of every size the loop needs exist now
    await upd(xv);
    (await out.onDevice(xv)).dispose();
    await out(xv);
  }
  const created = ctx.pool.created, live = ctx.pool.live, arrays = deviceArrayStats.live;
  for (let i = 0; i < 10_000; i++) {
    await upd(xv);
    if (i % 10 === 0) {
      using d = await out.onDevice(xv);
      assert.equal(d.shape[0], 4);
    }
    if (i % 100 === 0) await out(xv);
  }
  assert.equal(ctx.pool.created, created, "no GPU buffer was created in the loop");
  assert.equal(ctx.pool.live, live);
  assert.equal(deviceArrayStats.live, arrays, "every DeviceArray was disposed");
  assert.deepEqual((await w.read()).toArray(), [2, 2, 2, 2]); // the fixed point of w / 2 + 1
});

Deno.test("device auto on the CPU: onDevice gives host-backed DeviceArrays; resident values are read back", async () => {
  const w = T.shared(f32([1, 2]), { name: "w" });
  const bump = T.function([], [], { updates: [[w, T.add(w, 1)]], device: "webgpu" });
  await bump();
  const x = T.fvector("x");
  const f = quietly(() => T.function([x], T.mul(w, x), { device: "auto", updates: [[w, T.mul(w, 2)]] }));
  const d = await quietly(() => f.onDevice([1, 10]));
  if (f.device === "cpu") assert.equal(d.onDevice, false);
  assert.deepEqual((await d.read()).toArray(), [2, 30]);
  assert.deepEqual((await w.read()).toArray(), [4, 6]);
  assert.deepEqual((await f(d)).toArray(), [8, 180]);
  d.dispose();
});

Deno.test("a lost device: resident values are gone with a clear DeviceError, and setValue() recovers", async () => {
  const w = T.shared(f32([1, 2]), { name: "w" });
  const step = T.function([], w, { updates: [[w, T.add(w, 1)]], device: "webgpu" });
  await step();
  const ctx = await acquireDevice();
  ctx.device.destroy();
  await ctx.device.lost;
  await assert.rejects(
    () => w.read(),
    (e: unknown) => e instanceof T.DeviceError && /was lost/.test(String(e)),
  );
  await assert.rejects(
    () => step(),
    (e: unknown) => e instanceof T.DeviceError && /setValue/.test(String(e)),
  );
  w.setValue(f32([5, 6]));
  assert.deepEqual((await step()).toArray(), [5, 6]);
  assert.deepEqual((await w.read()).toArray(), [6, 7]);
});

Deno.test("copy({ swap }) and copy({ deleteUpdates }) of a WebGPU function keep each variable on the device", async () => {
  const a = T.shared(f32([1, 2]), { name: "a" }), b = T.shared(f32([10, 20]), { name: "b" });
  const f = T.function([], a, { updates: [[a, T.add(a, 1)]], device: "webgpu" });
  const g = f.copy({ swap: [[a, b]] });
  assert.deepEqual([(await f()).toArray(), (await g()).toArray()], [[1, 2], [10, 20]]);
  assert.deepEqual([(await a.read()).toArray(), (await b.read()).toArray()], [[2, 3], [11, 21]]);
  const h = f.copy({ deleteUpdates: true });
  assert.deepEqual((await h()).toArray(), [2, 3]);
  assert.deepEqual((await a.read()).toArray(), [2, 3]);
});
