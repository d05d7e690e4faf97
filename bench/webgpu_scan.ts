/**
 * scan on WebGPU against the CPU backend (issue 5): `h_t = tanh(W·h_{t-1} + x_t)` with
 * 64 units in float32, the whole sequence in one call (upload, every step recorded into
 * one encoder, one read back), in steps per second. Also the gradient (BPTT: a forward
 * and a backward scan) of `sum(h_T²)`.
 *
 *   deno run -A --unstable-webgpu bench/webgpu_scan.ts [--steps 1000] [--rounds 3]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { acquireDevice, probeAdapter } from "../backends/webgpu/device.ts";
import { rnnScan } from "./common.ts";

const { values } = parseArgs({
  options: { steps: { type: "string", default: "1000" }, rounds: { type: "string", default: "3" } },
});
const STEPS = Number(values.steps), ROUNDS = Number(values.rounds), H = 64;

const found = await probeAdapter();
if (!found) throw new Error("bench/webgpu_scan.ts needs a WebGPU adapter (a GPU, or Mesa's llvmpipe)");

T.config.floatX = "float32";
const { x, h0, W: w, h: hs } = rnnScan(T, "float32");
const last = T.get(hs, -1);
const grads = T.grad(T.sum(T.sqr(last)), [w]);
const f32 = (shape: number[], seed: number, scale: number) => {
  const out = new T.NDArray("float32", shape), rnd = T.seededRandom(seed);
  for (let i = 0; i < out.size; i++) out.data[i] = (rnd() * 2 - 1) * scale;
  return out;
};
const args = [f32([STEPS, H], 1, 1), f32([H], 2, 1), f32([H, H], 3, 0.1)];

/** Best and median wall time (ms) of `fn` over ROUNDS rounds after a warm-up. */
async function time(fn: () => unknown): Promise<[number, number]> {
  await fn();
  const ts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return [ts[0], ts[Math.floor(ts.length / 2)]];
}

const warn = console.warn;
console.warn = () => {};
const fwd = { cpu: T.function([x, h0, w], last), gpu: T.function([x, h0, w], last, { device: "webgpu" }) };
const bptt = { cpu: T.function([x, h0, w], grads), gpu: T.function([x, h0, w], grads, { device: "webgpu" }) };
console.warn = warn;
for (const f of [fwd.gpu, bptt.gpu]) {
  const off = f.placement.filter((p) => p.device === "cpu");
  if (off.length) throw new Error(`nodes on the CPU: ${off.map((p) => p.label).join("; ")}`);
}

const rate = ([best, med]: [number, number]) =>
  `${Math.round(STEPS / best * 1000).toLocaleString("en")} (${
    Math.round(STEPS / med * 1000).toLocaleString("en")
  })`;
console.log(`adapter: ${found.summary.description}${found.summary.software ? " (software)" : ""}`);
console.log(
  `| 64-unit tanh RNN, float32, ${STEPS} steps per call | CPU backend, steps/s | WebGPU, steps/s |`,
);
console.log(`| --- | --- | --- |`);
for (
  const [what, f] of [["forward scan, last state read back", fwd], [
    "gradient (forward + backward scan)",
    bptt,
  ]] as const
) {
  const c = await time(() => f.cpu(...args));
  const g = await time(() => f.gpu(...args));
  console.log(`| ${what} | ${rate(c)} | ${rate(g)} |`);
}
const ctx = await acquireDevice(), before = ctx.stats.dispatches;
await fwd.gpu(...args);
console.log(
  `GPU dispatches per forward step: ${
    ((ctx.stats.dispatches - before) / STEPS).toFixed(1)
  } (plus buffer copies)`,
);
