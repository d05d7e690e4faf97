/**
 * The soak run (issue 19), kept out of the default test run: `deno task soak`.
 *
 * 1. A compiled training step (logistic regression, 100 × 10, float64) called `--cpu-calls`
 *    times on the CPU (default 1e6), the heap read after a forced collection at 11 points.
 * 2. The same step in float32 on `device: "webgpu"` (`--gpu-calls`, default 1e5), each call
 *    awaited and reading nothing back (as a training loop's steps between two prints), then
 *    at 11 points a read of the weights (which waits for the device), the heap and the GPU
 *    buffers that exist (the pool's `live` count, and the DeviceArrays alive).
 * 3. `--cycles` (default 1,000) save/load cycles of a model (weights, bias and MRG random
 *    state) through a file, each checked: what is loaded is exactly what was saved.
 * 4. `--concurrent` (default 1,000) WebGPU calls started together on one shared variable,
 *    in `--rounds` rounds (default 10): each must see the updates of the calls made before
 *    it, in call order, so none interleaves.
 *
 * Each part fails (exit 1, with the reason) when its numbers are not flat: after the first
 * tenth of the calls, the heap may range over at most `--heap-mib` MiB (default 4) and
 * the GPU buffer counts may not change at all. `--json` prints the figures as one object.
 *
 * Run: `deno run --v8-flags=--expose-gc --unstable-webgpu --allow-read --allow-write=/tmp
 * --allow-env tests/soak.ts [--cpu-calls N] [--gpu-calls N] [--cycles N] [--concurrent N]`
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { loadModel, saveModel } from "../io/mod.ts";
import { acquireDevice, probeAdapter } from "../backends/webgpu/device.ts";
import { deviceArrayStats } from "../backends/webgpu/device_array.ts";

const HELP = `usage: deno task soak [options]

  --cpu-calls N    CPU training calls (default 1000000)
  --gpu-calls N    WebGPU training calls (default 100000; 0 skips WebGPU)
  --cycles N       save/load cycles (default 1000)
  --concurrent N   WebGPU calls started together per round (default 1000)
  --rounds N       rounds of concurrent calls (default 10)
  --heap-mib M     allowed heap range after warm-up, MiB (default 4)
  --json           print the figures as one JSON object
  -h, --help       this text`;

interface Sample {
  calls: number;
  heapMiB: number;
  gpuBuffers?: number;
  deviceArrays?: number;
}

interface Part {
  calls: number;
  seconds: number;
  perCallUs: number;
  samples: Sample[];
  heapRangeMiB: number;
  gpuBuffersAfterWarmup?: number[];
}

const failures: string[] = [];

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed / 2 ** 20;
}

function model(dtype: "float64" | "float32") {
  const N = 100, feats = 10;
  const rand = T.seededRandom(7);
  const data = T.asarray(Float64Array.from({ length: N * feats }, () => rand() * 2 - 1), {
    shape: [N, feats],
    dtype,
  });
  const labels = T.asarray(Float64Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)), { dtype });
  const [x, y] = dtype === "float32" ? [T.fmatrix("x"), T.fvector("y")] : [T.dmatrix("x"), T.dvector("y")];
  const w = T.shared(T.asarray(new Float64Array(feats), { dtype }), { name: "w" });
  const b = T.shared(T.asarray(0, { dtype }), { name: "b" });
  const p1 = T.sigmoid(T.add(T.dot(x, w), b));
  const cost = T.mean(T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1)))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const updates: [T.SharedVariable, T.Variable][] = [[w, T.sub(w, T.mul(0.1, gw))], [
    b,
    T.sub(b, T.mul(0.1, gb)),
  ]];
  return { data, labels, x, y, w, b, cost, updates };
}

/** Calls `step` `calls` times, sampling at 0 and every tenth; checks the heap (and GPU counts) stay flat. */
async function soak(
  name: string,
  calls: number,
  step: () => unknown,
  heapBound: number,
  gpu?: { sync: () => Promise<unknown>; counts: () => { gpuBuffers: number; deviceArrays: number } },
): Promise<Part> {
  const every = Math.max(1, Math.floor(calls / 10));
  const samples: Sample[] = [{ calls: 0, heapMiB: heapMiB(), ...gpu?.counts() }];
  const t0 = performance.now();
  for (let i = 1; i <= calls; i++) {
    const r = step();
    if (r instanceof Promise) await r;
    if (i % every === 0 || i === calls) {
      await gpu?.sync(); // the device has run every call so far
      samples.push({ calls: i, heapMiB: heapMiB(), ...gpu?.counts() });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = samples.filter((s) => s.calls >= every);
  const range = Math.max(...after.map((s) => s.heapMiB)) - Math.min(...after.map((s) => s.heapMiB));
  if (range > heapBound) failures.push(`${name}: the heap ranged over ${range.toFixed(2)} MiB after warm-up`);
  const part: Part = { calls, seconds, perCallUs: (seconds * 1e6) / calls, samples, heapRangeMiB: range };
  if (gpu) {
    part.gpuBuffersAfterWarmup = [...new Set(after.map((s) => s.gpuBuffers!))];
    const arrays = new Set(after.map((s) => s.deviceArrays));
    if (part.gpuBuffersAfterWarmup.length > 1 || arrays.size > 1) {
      failures.push(
        `${name}: GPU buffers after warm-up ${after.map((s) => s.gpuBuffers).join(", ")}; ` +
          `DeviceArrays ${after.map((s) => s.deviceArrays).join(", ")}`,
      );
    }
  }
  return part;
}

async function saveLoadCycles(
  cycles: number,
): Promise<{ cycles: number; seconds: number; heapRangeMiB: number }> {
  const m = model("float64");
  const srng = new T.MRGRandomStreams(11);
  const noise = srng.normal([10]);
  const train = T.function([m.x, m.y], [m.cost, T.sum(noise)], { updates: m.updates });
  const spec = { shared: { w: m.w, b: m.b }, randomStreams: [srng] };
  const dir = await Deno.makeTempDir({ prefix: "hypatia_soak_" });
  const heap: number[] = [];
  const t0 = performance.now();
  try {
    for (let k = 1; k <= cycles; k++) {
      train(m.data, m.labels);
      const saved = [Array.from(m.w.getValue().data), m.b.getValue().item(), JSON.stringify(srng.toJSON())];
      await saveModel(`${dir}/model.npz`, spec, { compress: k % 2 === 0 });
      m.w.setValue(new Float64Array(10).fill(k));
      m.b.setValue(-k);
      srng.seed(k);
      await loadModel(`${dir}/model.npz`, spec);
      const loaded = [Array.from(m.w.getValue().data), m.b.getValue().item(), JSON.stringify(srng.toJSON())];
      if (JSON.stringify(loaded) !== JSON.stringify(saved)) {
        failures.push(`save/load cycle ${k}: the loaded model differs from the saved one`);
        break;
      }
      if (k % Math.max(1, Math.floor(cycles / 10)) === 0) heap.push(heapMiB());
    }
    if ((await Array.fromAsync(Deno.readDir(dir))).length !== 1) {
      failures.push("save/load: files left beside the model");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return {
    cycles,
    seconds: (performance.now() - t0) / 1000,
    heapRangeMiB: heap.length ? Math.max(...heap) - Math.min(...heap) : 0,
  };
}

async function concurrentCalls(n: number, rounds: number) {
  const w = T.shared(T.asarray([0], { dtype: "float32" }), { name: "w" });
  const inc = T.fscalar("inc");
  const step = T.function([inc], T.sum(w), { updates: [[w, T.add(w, inc)]], device: "webgpu" });
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const seen = (await Promise.all(Array.from({ length: n }, () => step(1)))).map((a) => a.item());
    const expected = Array.from({ length: n }, (_, k) => r * n + k);
    if (seen.join() !== expected.join()) {
      failures.push(
        `concurrent round ${r}: calls saw ${seen.slice(0, 8).join(", ")}…, not ${r * n}, ${r * n + 1}, …`,
      );
      break;
    }
  }
  const final = (await w.read()).item();
  if (final !== n * rounds) {
    failures.push(`concurrent: w ended at ${final}, not ${n * rounds} (updates lost)`);
  }
  return { calls: n, rounds, final, seconds: (performance.now() - t0) / 1000 };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      "cpu-calls": { type: "string", default: "1000000" },
      "gpu-calls": { type: "string", default: "100000" },
      cycles: { type: "string", default: "1000" },
      concurrent: { type: "string", default: "1000" },
      rounds: { type: "string", default: "10" },
      "heap-mib": { type: "string", default: "4" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    Deno.exit(0);
  }
  const count = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`--${k}: expected a non-negative integer, got ${values[k]}`);
      Deno.exit(2);
    }
    return n;
  };
  const n = {
    cpu: count("cpu-calls"),
    gpu: count("gpu-calls"),
    cycles: count("cycles"),
    concurrent: count("concurrent"),
    rounds: count("rounds"),
  };
  const heapBound = Number(values["heap-mib"]);
  if (!(heapBound >= 0)) {
    console.error(`--heap-mib: expected a non-negative number, got ${values["heap-mib"]}`);
    Deno.exit(2);
  }
  const report: Record<string, unknown> = {
    forcedGc: typeof (globalThis as { gc?: unknown }).gc === "function",
  };
  if (!report.forcedGc) failures.push("no forced GC: run with --v8-flags=--expose-gc");
  const say = (s: string) => values.json || console.log(s);

  const cpu = model("float64");
  const trainCpu = T.function([cpu.x, cpu.y], cpu.cost, { updates: cpu.updates });
  report.cpu = await soak("cpu", n.cpu, () => trainCpu(cpu.data, cpu.labels), heapBound);
  say(`cpu: ${JSON.stringify(report.cpu)}`);

  const adapter = n.gpu > 0 ? await probeAdapter() : null;
  if (n.gpu > 0 && !adapter) {
    failures.push("webgpu: no adapter (run with --unstable-webgpu, install Mesa)");
  }
  if (adapter) {
    report.adapter = adapter.summary.description;
    const g = model("float32");
    // the steps of a training loop between two prints: updates on the device, nothing read back
    const stepGpu = T.function([g.x, g.y], [], { updates: g.updates, device: "webgpu" });
    await stepGpu(g.data, g.labels);
    const ctx = await acquireDevice();
    const gpu = {
      sync: () => g.w.read(),
      counts: () => ({ gpuBuffers: ctx.pool.live, deviceArrays: deviceArrayStats.live }),
    };
    report.webgpu = await soak("webgpu", n.gpu, () => stepGpu(g.data, g.labels), heapBound, gpu);
    say(`webgpu: ${JSON.stringify(report.webgpu)}`);
    report.concurrent = await concurrentCalls(n.concurrent, n.rounds);
    say(`concurrent: ${JSON.stringify(report.concurrent)}`);
  }
  report.saveLoad = await saveLoadCycles(n.cycles);
  say(`save/load: ${JSON.stringify(report.saveLoad)}`);
  report.failures = failures;
  if (values.json) console.log(JSON.stringify(report));
  for (const f of failures) console.error(`soak: FAILED: ${f}`);
  if (!failures.length) say("soak: every part stayed flat and correct");
  Deno.exit(failures.length ? 1 : 0);
}
