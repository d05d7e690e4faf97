/**
 * The logistic-regression tutorial on `device: "auto"` in float32: the weights live on
 * the GPU (when there is one) and the loop reads back only the costs it prints. Prints
 * which device ran, the cost falling, the steps per second and the accuracy.
 *
 * `device: "auto"` uses WebGPU only on a hardware adapter; a software adapter (Mesa's
 * llvmpipe) or a runtime without WebGPU (Bun) runs on the CPU backend. `--device webgpu`
 * uses any adapter.
 *
 * Run: `deno run --unstable-webgpu scripts/train_on_gpu.ts [--steps 1000] [--device auto]`
 * or `bun scripts/train_on_gpu.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { probeAdapter } from "../backends/webgpu/device.ts";
import { usage } from "./lib/usage.ts";

const HELP = `${usage("scripts/train_on_gpu.ts", "[options]", ["--unstable-webgpu"])}

Logistic regression (400 examples, 784 features, float32) trained on device "auto".

  --steps N      training steps (default 1000)
  --every N      print the cost every N steps (default steps / 10); the other steps only
                 update the weights on the device and read nothing back
  --device D     auto (default: WebGPU on a hardware GPU, else the CPU), webgpu or cpu
  --seed S       seed of the data and the initial weights (default 1)
  -h, --help     this text`;

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "1000" },
    every: { type: "string" },
    device: { type: "string", default: "auto" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) console.log(HELP);
else {
  const device = values.device;
  if (device !== "auto" && device !== "webgpu" && device !== "cpu") {
    console.error(`--device must be auto, webgpu or cpu, got "${device}"`);
  } else {
    const steps = Number(values.steps);
    await main(
      steps,
      Number(values.seed),
      device,
      values.every ? Number(values.every) : Math.max(1, steps / 10),
    );
  }
}

/** Standard normal draws from a seeded uniform source (Box–Muller). */
function normals(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand())), t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

async function main(steps: number, seed: number, device: "auto" | "webgpu" | "cpu", every: number) {
  T.config.floatX = "float32";
  const N = 400, feats = 784;
  const rand = T.seededRandom(seed);
  const data = T.asarray(normals(N * feats, rand), { shape: [N, feats] });
  const labels = T.asarray(Float32Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)));

  const x = T.matrix("x"), y = T.vector("y");
  const w = T.shared(normals(feats, rand), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float32" });
  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b)))); // P(y = 1)
  const prediction = T.gt(p1, 0.5);
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const updates: [T.SharedVariable, T.Variable][] = [[w, T.sub(w, T.mul(0.1, gw))], [
    b,
    T.sub(b, T.mul(0.1, gb)),
  ]];

  const t0 = performance.now();
  const options = { updates, device: device === "cpu" ? "auto" as const : device };
  const train = T.function([x, y], cost, device === "cpu" ? { updates } : options);
  const step = T.function([x, y], [], device === "cpu" ? { updates } : options);
  const predict = T.function([x], prediction, device === "cpu" ? {} : { device: options.device });
  console.log(`compiled in ${(performance.now() - t0).toFixed(1)} ms`);

  // The first call picks the device (and compiles the GPU kernels): keep it out of the rate.
  const first = await train(data, labels);
  const ran = "device" in train ? train.device : "cpu";
  const found = await probeAdapter();
  console.log(
    `device: ${ran}` +
      (ran === "webgpu"
        ? ` (${found?.summary.description ?? "adapter"}${
          found?.summary.software ? ", a software adapter" : ""
        })`
        : found
        ? ` (WebGPU adapter ${found.summary.description} not used${
          found.summary.software ? ": a software adapter is slower than the CPU backend" : ""
        })`
        : " (no WebGPU in this runtime)"),
  );
  console.log(`step ${String(1).padStart(6)}  cost ${first.item().toFixed(6)}`);

  const t1 = performance.now();
  for (let i = 2; i <= steps; i++) {
    if (i % every === 0 || i === steps) {
      const c = await train(data, labels); // reads the cost back: waits for the device
      console.log(`step ${String(i).padStart(6)}  cost ${c.item().toFixed(6)}`);
    } else await step(data, labels); // updates only: nothing is read back
  }
  const final = await w.read(); // wait for the last updates, so the time includes them
  const seconds = (performance.now() - t1) / 1000;
  const predicted = (await predict(data)).data;
  let right = 0;
  for (let i = 0; i < N; i++) if (predicted[i] === labels.data[i]) right++;
  console.log(
    `${steps - 1} steps in ${seconds.toFixed(2)} s (${((steps - 1) / seconds).toFixed(0)} steps/s on ${ran})`,
  );
  console.log(`|w| = ${Math.hypot(...final.data).toFixed(4)}`);
  console.log(`accuracy on the training set: ${(100 * right / N).toFixed(1)}%`);
}
