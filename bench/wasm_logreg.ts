/**
 * The tutorial logistic-regression training step (400×784 float64) in its three
 * forms: the data passed as an input each call (the tutorial), the data in a shared
 * variable (as Theano users do for GPUs), and the data in an engine-resident array
 * (`engineArray`, no copy per call). Steps/s, best and median of rounds.
 *
 *   deno run --allow-env bench/wasm_logreg.ts [--steps 1000] [--rounds 7] [--js]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { logisticRegressionForms } from "./wasm_workloads.ts";

const { values: opts } = parseArgs({
  options: {
    steps: { type: "string", default: "1000" },
    rounds: { type: "string", default: "7" },
    js: { type: "boolean", default: false },
  },
});
const steps = Number(opts.steps), rounds = Number(opts.rounds);

const forms = logisticRegressionForms();
if (opts.js) {
  T.config.wasm = false;
  Object.assign(forms, { jsInput: logisticRegressionForms().input });
  T.config.wasm = true;
}
const times: Record<string, number[]> = {};
for (let r = 0; r < rounds + 1; r++) {
  for (const [name, run] of Object.entries(forms)) {
    const t0 = performance.now();
    run(steps);
    const ms = performance.now() - t0;
    if (r > 0) (times[name] ??= []).push(ms);
  }
}
for (const [name, ts] of Object.entries(times)) {
  ts.sort((a, b) => a - b);
  const rate = (ms: number) => Math.round((steps / ms) * 1000);
  console.log(`${name.padEnd(10)} ${rate(ts[0])} steps/s (median ${rate(ts[ts.length >> 1])})`);
}
