/**
 * A large parameter update, `W ← W - 0.01·G` over 784×500 float64 shared variables,
 * µs per call: best, p25 and median of rounds. With `--other DIR` (another checkout,
 * for example a `git worktree` of an older commit) both run in one process,
 * alternating rounds, as bench/compare_revisions.ts does for the training step.
 *
 *   deno run --allow-read --allow-env bench/update_step.ts [--other ../base] [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import { importRevisions, timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "30" } },
});
const CALLS = 20;
const values = (seed: number) => Float64Array.from({ length: 784 * 500 }, (_, i) => Math.sin(i + seed));
const contenders: Record<string, () => void> = {};
for (
  const [name, T] of Object.entries(await importRevisions<typeof import("../mod.ts")>("mod.ts", opts.other))
) {
  const W = T.shared(T.asarray(values(0)).reshape([784, 500]), { name: "W" });
  const G = T.shared(T.asarray(values(1)).reshape([784, 500]), { name: "G" });
  const step = T.function([], [], { updates: [[W, T.sub(W, T.mul(0.01, G))]] });
  contenders[name] = () => {
    for (let i = 0; i < CALLS; i++) step();
  };
}
const t = timeAll(contenders, { rounds: Number(opts.rounds), warmup: 1 });
const us = (ms: number) => ((ms / CALLS) * 1000).toFixed(0);
for (const [name, { best, p25, median }] of Object.entries(t)) {
  console.log(`${name}: best ${us(best)}, p25 ${us(p25)}, median ${us(median)} µs per update`);
}
