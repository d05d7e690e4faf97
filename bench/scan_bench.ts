/**
 * Per-step overhead of scan with a tiny body, h = tanh(W·h + x_t) with h of 64, against
 * (a) the same optimised body program run step by step from a JS loop and (b) a
 * hand-written JS loop doing the same arithmetic.
 *
 *   deno bench -A bench/scan_bench.ts                      (the three as deno benches)
 *   deno run -A bench/scan_bench.ts [--steps 2000] [--repeats 30] [--size 64]
 *                                                          (microseconds per step, one run)
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { buildHostProgram } from "../compile/schedule.ts";
import type { ScanParams } from "../ops/scan/params.ts";
import { rnnScan } from "./common.ts";

const { values } = parseArgs({
  args: import.meta.main ? Deno.args : [],
  options: {
    steps: { type: "string", default: "2000" },
    repeats: { type: "string", default: "30" },
    size: { type: "string", default: "64" },
  },
});
const steps = Number(values.steps), repeats = Number(values.repeats), n = Number(values.size);

const wave = (k: number, s: number) => Array.from({ length: k }, (_, i) => Math.sin(i * 1.7 + s) * 0.1);
const Wv = T.asarray(Array.from({ length: n }, (_, i) => wave(n, i)));
const xv = T.asarray(Array.from({ length: steps }, (_, t) => wave(n, 100 + t)));
const hv = T.asarray(wave(n, 7));

/** Best time per step (microseconds) of each function, over `repeats` interleaved rounds. */
function bestPerStep(fns: (() => void)[]): number[] {
  const b = fns.map(() => Infinity);
  for (let r = 0; r < repeats; r++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      fn();
      b[k] = Math.min(b[k], performance.now() - t0);
    });
  }
  return b.map((ms) => (ms * 1000) / steps);
}

const { x, h0, W, h } = rnnScan(T, "float64");
const f = T.function([x, h0, W], h);
const runScan = () => {
  f(xv, hv, Wv);
};

// (a) the same optimised body, compiled once, run step by step from JS.
const p = f.maker.outputs[0].owner!.params as ScanParams;
const body = buildHostProgram(p.innerInputs, p.innerOutputs);
const rows = Array.from(
  { length: steps },
  (_, t) => new T.NDArray("float64", [n], xv.data.subarray(t * n, (t + 1) * n)),
);
const runBody = () => {
  let hh = hv;
  for (let t = 0; t < steps; t++) hh = body.run([rows[t], hh, Wv])[0];
};

// (b) plain JS: the arithmetic alone.
const Wd = Wv.data as Float64Array, xd = xv.data as Float64Array;
const runJs = () => {
  let hh = Float64Array.from(hv.data as Float64Array), next = new Float64Array(n);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Wd[i * n + j] * hh[j];
      next[i] = Math.tanh(s + xd[t * n + i]);
    }
    [hh, next] = [next, hh];
  }
};

Deno.bench(
  `scan: ${steps} steps of h = tanh(W·h + x_t), h of ${n}`,
  { group: "scan", baseline: true },
  runScan,
);
Deno.bench(`the body's program run ${steps} times from a JS loop`, { group: "scan" }, runBody);
Deno.bench(`hand-written JS loop, ${steps} steps`, { group: "scan" }, runJs);

if (import.meta.main) {
  const [tScan, tBody, tJs] = bestPerStep([runScan, runBody, runJs]);
  const fmt = (v: number) => v.toFixed(2).padStart(6);
  console.log(`scan, h of ${n}, ${steps} steps (best of ${repeats}), microseconds per step:`);
  console.log(`  scan                          ${fmt(tScan)}`);
  console.log(
    `  body program run from JS      ${fmt(tBody)}   overhead of the scan runner: ${fmt(tScan - tBody)}`,
  );
  console.log(
    `  hand-written JS loop          ${fmt(tJs)}   scan minus the arithmetic:   ${fmt(tScan - tJs)}`,
  );
}
