/**
 * The logistic 1/(1+exp(-x)) over 1,000,000 float32 values: the engine with the data
 * passed as an input each call and with the data in a shared variable (kept in the
 * engine's memory between calls, as tfjs keeps a tensor), against tfjs-backend-wasm's
 * `tf.sigmoid` on a resident tensor; every side allocates its output. Interleaved
 * rounds in one process; best and median ms.
 *
 *   deno run --allow-read --allow-env bench/wasm_logistic.ts [--rounds 60] [--chunk 65536]
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as T from "../mod.ts";
import { elementwiseOptions } from "../backends/wasm/elemwise.ts";
import { handLogistic32, randomArray, timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  args: typeof Deno !== "undefined"
    ? Deno.args
    : (globalThis as { process?: { argv: string[] } }).process!.argv.slice(2),
  options: { rounds: { type: "string", default: "60" }, chunk: { type: "string" } },
});
if (opts.chunk) elementwiseOptions.chunk = Number(opts.chunk);

setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
await tf.setBackend("wasm");
await tf.ready();

const N = 1_000_000;
const xv = randomArray("float32", [N]);
const x = T.fvector("x");
const input = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
const xs = T.shared(xv, { name: "x" });
const sharedFn = T.function([], T.div(1, T.add(1, T.exp(T.neg(xs)))));
const ref = handLogistic32(xv.data as Float32Array);
for (const got of [input(xv).data, (sharedFn() as T.NDArray).data, (sharedFn() as T.NDArray).data]) {
  for (let i = 0; i < N; i++) if (Math.abs(got[i] - ref[i]) > 1e-6) throw new Error(`logistic at ${i}`);
}
const xt = tf.tensor1d(xv.data as Float32Array, "float32");
const t = timeAll({
  input: () => input(xv),
  shared: () => sharedFn(),
  tfSigmoid: () => {
    const y = tf.sigmoid(xt);
    y.dataSync();
    y.dispose();
  },
}, { rounds: Number(opts.rounds) });
xt.dispose();
for (const [k, v] of Object.entries(t)) {
  console.log(
    `${k.padEnd(10)} ${v.best.toFixed(2)} ms (median ${v.median.toFixed(2)}); tf.sigmoid / this: ${
      (t.tfSigmoid.best / v.best).toFixed(2)
    }× best, ${(t.tfSigmoid.median / v.median).toFixed(2)}× median`,
  );
}
