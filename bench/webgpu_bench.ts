/**
 * The first WebGPU path against the CPU backend, side by side in one run: the fused
 * logistic 1 / (1 + exp(-x)) over 1,000,000 float32 elements (a whole call: upload,
 * one dispatch, one submit, readback), and the same on 16 elements, which is the fixed
 * cost of a call (Deno resolves mapAsync on a polling tick of about 10 ms).
 *
 *   deno bench --unstable-webgpu bench/webgpu_bench.ts
 *
 * Without a GPU the adapter is Mesa's llvmpipe, a software rasteriser sharing the CPU:
 * a correctness target, not a speed one.
 */
import * as T from "../mod.ts";
import { probeAdapter } from "../backends/webgpu/device.ts";
import { hypatiaLogistic, randomArray } from "./common.ts";

const found = await probeAdapter();
if (!found) throw new Error("bench/webgpu_bench.ts needs a WebGPU adapter (a GPU, or Mesa's llvmpipe)");
const adapter = `${found.summary.description}${found.summary.software ? ", software" : ""}`;

const x = T.fvector("x");
const gpu = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))), { device: "webgpu" });

for (const n of [1_000_000, 16]) {
  const xv = randomArray("float32", [n]);
  const cpu = hypatiaLogistic("float32");
  await gpu(xv); // acquire the device and compile the pipeline outside the timings
  const group = `logistic ${n} float32`;
  Deno.bench({ name: `CPU backend, ${n}`, group, baseline: true, fn: () => void cpu(xv) });
  Deno.bench({ name: `WebGPU (${adapter}), ${n}, whole call`, group, fn: async () => void await gpu(xv) });
}
