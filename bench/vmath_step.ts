/**
 * The engine's float64 vector functions over 100,000 elements of a shared variable
 * (each summed, so one number leaves the call), ns per element, best of rounds, on one
 * thread. With `--other DIR` (another checkout, for example a `git worktree` of an
 * older commit) both run in one process, alternating, as bench/compare_revisions.ts
 * does for the training step.
 *
 *   deno run --allow-read --allow-env bench/vmath_step.ts [--other ../base] [--rounds 25]
 * @module
 */
import { parseArgs } from "node:util";
import { importRevisions, timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "25" } },
});
const n = 100_000, CALLS = 5;
const data = Float64Array.from({ length: n }, (_, i) => 10 * Math.sin(i * 0.37));
const names = ["exp", "expm1", "log1p", "sigmoid", "softplus", "tanh"] as const;
// Each function of each revision, keyed "function revision", timed in alternating rounds.
const contenders: Record<string, () => void> = {};
const revisions = await importRevisions<typeof import("../mod.ts")>("mod.ts", opts.other);
for (const [rev, T] of Object.entries(revisions)) {
  T.config.threads = 1;
  const x = T.shared(T.asarray(data.slice()), { name: "x" });
  const of = {
    exp: T.exp(x),
    expm1: T.expm1(x),
    log1p: T.log1p(T.abs(x)),
    sigmoid: T.sigmoid(x),
    softplus: T.softplus(x),
    tanh: T.tanh(x),
  };
  for (const name of names) {
    const f = T.function([], T.sum(of[name]));
    contenders[`${name} ${rev}`] = () => {
      for (let i = 0; i < CALLS; i++) f();
    };
  }
}
const t = timeAll(contenders, { rounds: Number(opts.rounds), warmup: 1 });
const ns = (ms: number) => ((ms * 1e6) / CALLS / n).toFixed(2);
for (const name of names) {
  const cells = Object.keys(revisions).map((rev) => `${rev} ${ns(t[`${name} ${rev}`].best)}`);
  console.log(`${name.padEnd(9)} ${cells.join(", ")} ns/element`);
}
