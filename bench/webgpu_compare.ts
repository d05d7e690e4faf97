/**
 * The WebGPU backend against the CPU backend, side by side in one run (issue 5): matrix
 * products, the 1,000,000-element logistic, the logistic-regression training step, the
 * cost of a dispatch and of a call, and a 1,000-step update-only loop. Prints Markdown
 * tables for bench/RESULTS.md.
 *
 *   deno run -A --unstable-webgpu bench/webgpu_compare.ts [--rounds 5]
 *
 * Each figure is the best of `rounds` rounds, the median in brackets. "whole call" =
 * upload the inputs, run, read the outputs back (one wait for the GPU); "on device" =
 * inputs already on the device (DeviceArrays) and outputs left there, K calls in a row
 * followed by one read (the time per call includes its share of that one wait).
 * @module
 */
import { parseArgs } from "node:util";
import { quietly } from "../backends/webgpu/kernel_test_util.ts";
import * as T from "../mod.ts";
import { probeAdapter } from "../backends/webgpu/device.ts";
import { randomArray } from "./common.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const ROUNDS = Number(values.rounds);

const found = await probeAdapter();
if (!found) throw new Error("bench/webgpu_compare.ts needs a WebGPU adapter (a GPU, or Mesa's llvmpipe)");
const adapter = `${found.summary.description}${found.summary.software ? ", software" : ""}`;

/** Best and median of `ROUNDS` timings (ms) of `fn` (which may be async), after one warm-up. */
async function time(fn: () => unknown | Promise<unknown>, reps = 1): Promise<[number, number]> {
  await fn();
  const ts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    ts.push((performance.now() - t) / reps);
  }
  ts.sort((a, b) => a - b);
  return [ts[0], ts[Math.floor(ts.length / 2)]];
}
const fmt = ([best, med]: [number, number], digits = 2) => `${best.toFixed(digits)} (${med.toFixed(digits)})`;

console.log(`adapter: ${adapter}; Deno ${Deno.version.deno}; ${ROUNDS} rounds\n`);

// --- Matrix products.
console.log(
  "| n × n, float32 | CPU backend, ms | GFLOP/s | WebGPU whole call, ms | WebGPU on device, ms | GFLOP/s (on device) |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const n of [256, 512, 1024]) {
  const [a, b] = T.fmatrices("a", "b");
  const cpu = T.function([a, b], T.dot(a, b));
  const gpu = T.function([a, b], T.dot(a, b), { device: "webgpu" });
  const av = randomArray("float32", [n, n]), bv = randomArray("float32", [n, n]);
  const tc = await time(() => cpu(av, bv));
  const tg = await time(() => gpu(av, bv));
  const up = T.function([a], T.mul(a, 1), { device: "webgpu" });
  const [ad, bd] = [await up.onDevice(av), await up.onDevice(bv)];
  const K = n >= 1024 ? 2 : 5;
  const td = await time(async () => {
    let last;
    for (let i = 0; i < K; i++) {
      last?.dispose();
      last = await gpu.onDevice(ad, bd);
    }
    await last!.read();
    last!.dispose();
  });
  const per: [number, number] = [td[0] / K, td[1] / K];
  const gf = (ms: number) => (2 * n ** 3 / (ms * 1e6)).toFixed(2);
  console.log(`| ${n} | ${fmt(tc)} | ${gf(tc[0])} | ${fmt(tg)} | ${fmt(per)} | ${gf(per[0])} |`);
  ad.dispose();
  bd.dispose();
}

// --- Logistic over 1e6 elements.
{
  const x = T.fvector("x");
  const e = T.div(1, T.add(1, T.exp(T.neg(x))));
  const cpu = T.function([x], e), gpu = T.function([x], e, { device: "webgpu" });
  const xv = randomArray("float32", [1_000_000]);
  const up = T.function([x], T.mul(x, 1), { device: "webgpu" });
  const xd = await up.onDevice(xv);
  const K = 10;
  const td = await time(async () => {
    let last;
    for (let i = 0; i < K; i++) {
      last?.dispose();
      last = await gpu.onDevice(xd);
    }
    await last!.read();
    last!.dispose();
  });
  console.log(
    `\n| 1 / (1 + exp(-x)), 1e6 float32 | CPU backend | WebGPU whole call | WebGPU on device (per call) |`,
  );
  console.log("| --- | --- | --- | --- |");
  console.log(
    `| ms | ${fmt(await time(() => cpu(xv)))} | ${fmt(await time(() => gpu(xv)))} | ${
      fmt([td[0] / K, td[1] / K])
    } |`,
  );
}

// --- 10,000,000 MRG31k3p float32 uniforms (15,360 substreams).
{
  const n = 10_000_000;
  const cpu = T.function([], new T.MRGRandomStreams(1).uniform([n], { dtype: "float32" }));
  const gpu = T.function([], new T.MRGRandomStreams(1).uniform([n], { dtype: "float32" }), {
    device: "webgpu",
  });
  const onDevice = await time(async () => {
    const d = await gpu.onDevice();
    await d.read();
    d.dispose();
  });
  console.log(
    `\n| 10,000,000 MRG31k3p float32 uniforms | CPU backend | WebGPU whole call | WebGPU on device, then read |`,
  );
  console.log("| --- | --- | --- | --- |");
  console.log(
    `| ms | ${fmt(await time(() => cpu()))} | ${fmt(await time(() => gpu()))} | ${fmt(onDevice)} |`,
  );
}

// --- The logistic-regression training step (400 × 784, float32).
{
  T.config.floatX = "float32";
  const build = () => {
    const x = T.matrix("x"), y = T.vector("y");
    const w = T.shared(randomArray("float32", [784]), { name: "w" });
    const b = T.shared(0, { name: "b", dtype: "float32" });
    const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
    const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
    const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
    const [gw, gb] = T.grad(cost, [w, b]);
    const updates: [T.SharedVariable, T.Variable][] = [[w, T.sub(w, T.mul(0.1, gw))], [
      b,
      T.sub(b, T.mul(0.1, gb)),
    ]];
    return { x, y, w, cost, updates };
  };
  const data = randomArray("float32", [400, 784]);
  const labels = T.asarray(Float32Array.from({ length: 400 }, (_, i) => i % 2));
  const c = build(), g = build();
  const cpuTrain = T.function([c.x, c.y], c.cost, { updates: c.updates });
  const cpuStep = T.function([c.x, c.y], [], { updates: c.updates });
  const gpuTrain = quietly(() => T.function([g.x, g.y], g.cost, { updates: g.updates, device: "webgpu" }));
  const gpuStep = quietly(() => T.function([g.x, g.y], [], { updates: g.updates, device: "webgpu" }));
  const up = T.function([g.x], T.mul(g.x, 1), { device: "webgpu" });
  const dd = await up.onDevice(data);
  const K = 20;
  const stepsOnDevice = await time(async () => {
    for (let i = 0; i < K; i++) await gpuStep(dd, labels);
    await g.w.read();
  });
  console.log(`\n| training step, 400 × 784 float32 | CPU backend | WebGPU |`);
  console.log("| --- | --- | --- |");
  console.log(
    `| with the cost read back, ms | ${fmt(await time(() => cpuTrain(data, labels)))} | ${
      fmt(await time(() => gpuTrain(data, labels)))
    } |`,
  );
  console.log(
    `| update only (data on the device for WebGPU), ms per step | ${
      fmt(await time(() => cpuStep(data, labels)))
    } | ${fmt([stepsOnDevice[0] / K, stepsOnDevice[1] / K])} |`,
  );
  T.config.floatX = "float64";
}

// --- Per-dispatch and per-call overhead, and the 1,000-step update-only loop.
{
  const x = T.fvector("x");
  let e: T.Variable = x;
  for (let i = 0; i < 16; i++) e = T.exp(T.mul(e, 0.5)); // 32 nodes, unfused: 32 dispatches
  const chain = T.function([x], e, { device: "webgpu", mode: "FAST_COMPILE" });
  const one = T.function([x], T.exp(x), { device: "webgpu" });
  const xv = randomArray("float32", [16]);
  const xd = await one.onDevice(xv);
  const K = 200;
  const loop = (f: typeof one) => async () => {
    let last;
    for (let i = 0; i < K; i++) {
      last?.dispose();
      last = await f.onDevice(xd);
    }
    await last!.read();
    last!.dispose();
  };
  const t1 = await time(loop(one)), t32 = await time(loop(chain));
  const perDispatch = (t32[0] - t1[0]) / K / 31 * 1000;
  const s = T.shared(randomArray("float32", [784]), { name: "s" });
  const upd = T.function([], [], { updates: [[s, T.add(T.mul(s, 0.5), 1)]], device: "webgpu" });
  const cpuS = T.shared(randomArray("float32", [784]), { name: "s" });
  const cpuUpd = T.function([], [], { updates: [[cpuS, T.add(T.mul(cpuS, 0.5), 1)]] });
  const loop1000 = await time(async () => {
    for (let i = 0; i < 1000; i++) await upd();
    await s.read();
  });
  const submitOnly = await time(async () => {
    for (let i = 0; i < 1000; i++) await upd();
  });
  const cpu1000 = await time(() => {
    for (let i = 0; i < 1000; i++) cpuUpd();
  });
  console.log(`\n| overhead | CPU backend | WebGPU |`);
  console.log("| --- | --- | --- |");
  console.log(
    `| a call that reads its output back (16 elements), ms | ${
      fmt(await time(() => T.function([x], T.exp(x))(xv), 1), 3)
    } | ${fmt(await time(() => one(xv)), 3)} |`,
  );
  console.log(
    `| a call left on the device, 1 dispatch, µs | — | ${(t1[0] / K * 1000).toFixed(0)} (${
      (t1[1] / K * 1000).toFixed(0)
    }) |`,
  );
  console.log(`| each further dispatch in one call, µs | — | ${perDispatch.toFixed(1)} |`);
  console.log(
    `| 1,000 update-only steps (784 floats), then one read, ms | ${fmt(cpu1000, 1)} | ${fmt(loop1000, 1)} |`,
  );
  console.log(`| the same 1,000 steps without the read (submits only), ms | — | ${fmt(submitOnly, 1)} |`);
}
