/**
 * Issue 15's A/B check (lowering tables and the scheduler must not change speed): the
 * logistic function, a matrix product, the tutorial's training step and a scan, each
 * compiled by this checkout and by another one (`--other DIR`, a `git worktree` of the
 * previous revision), timed in one process in alternating rounds. Prints ms per call:
 * best, p25 and median per workload and revision.
 *
 *   git worktree add ../base <commit>
 *   deno run --allow-read --allow-env bench/compare_schedule.ts --other ../base [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import { importRevisions, rnnScan, timeAll } from "./common.ts";
import type * as Lib from "../mod.ts";
import type * as Workloads from "./wasm_workloads.ts";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "30" } },
});
if (!opts.other) throw new Error("compare_schedule: give the other checkout with --other DIR");

/** The four workloads, compiled by one revision's library; each runs a fixed amount of work. */
function workloads(T: typeof Lib, w: typeof Workloads): Record<string, () => void> {
  const rnd = T.seededRandom(7);
  const fill = (a: Lib.NDArray) => {
    for (let i = 0; i < a.size; i++) a.data[i] = rnd() * 4 - 2;
    return a;
  };
  // 1 / (1 + exp(-x)) over 100,000 float64 elements.
  const x = T.dvector("x");
  const logistic = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
  const xv = fill(new T.NDArray("float64", [100_000]));
  // A 256×256 float64 matrix product.
  const [a, b] = T.dmatrices("a", "b");
  const dot = T.function([a, b], T.dot(a, b));
  const av = fill(new T.NDArray("float64", [256, 256])), bv = fill(new T.NDArray("float64", [256, 256]));
  // An RNN's forward pass: h_t = tanh(W h_{t-1} + x_t), 200 steps of 64 units.
  const { x: seq, h0, W, h: hs } = rnnScan(T, "float64");
  const rnn = T.function([seq, h0, W], hs);
  const seqv = fill(new T.NDArray("float64", [200, 64])), h0v = fill(new T.NDArray("float64", [64]));
  const Wv = fill(new T.NDArray("float64", [64, 64]));
  for (let i = 0; i < Wv.size; i++) Wv.data[i] *= 0.1;
  // The tutorial's logistic-regression step (400×784 float64), 20 steps a round.
  const train = w.logisticRegression();
  return {
    "logistic 1e5": () => logistic(xv),
    "dot 256²": () => dot(av, bv),
    "train ×20": () => train(20),
    "scan rnn 200": () => rnn(seqv, h0v, Wv),
  };
}

const libs = await importRevisions<typeof Lib>("mod.ts", opts.other);
const works = await importRevisions<typeof Workloads>("bench/wasm_workloads.ts", opts.other);
const contenders: Record<string, () => void> = {};
for (const name of Object.keys(libs)) {
  for (const [work, run] of Object.entries(workloads(libs[name], works[name]))) {
    contenders[`${work.padEnd(13)} ${name}`] = run;
  }
}
const keys = Object.keys(contenders).sort(); // each workload's revisions side by side
const t = timeAll(Object.fromEntries(keys.map((k) => [k, contenders[k]])), {
  rounds: Number(opts.rounds),
  warmup: 3,
});
const ms = (v: number) => v.toFixed(3);
for (const k of keys) {
  console.log(`${k}: best ${ms(t[k].best)}, p25 ${ms(t[k].p25)}, median ${ms(t[k].median)} ms`);
}
