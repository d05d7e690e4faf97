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
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "30" } },
});
const roots: Record<string, string> = { this: new URL("..", import.meta.url).href };
if (opts.other) roots[opts.other] = pathToFileURL(resolve(opts.other) + "/").href;

const steps: Record<string, () => void> = {};
for (const [name, root] of Object.entries(roots)) {
  const T = await import(new URL("mod.ts", root).href);
  const values = (seed: number) => Float64Array.from({ length: 784 * 500 }, (_, i) => Math.sin(i + seed));
  const W = T.shared(T.asarray(values(0)).reshape([784, 500]), { name: "W" });
  const G = T.shared(T.asarray(values(1)).reshape([784, 500]), { name: "G" });
  steps[name] = T.function([], [], { updates: [[W, T.sub(W, T.mul(0.01, G))]] });
}
const times: Record<string, number[]> = {};
for (let r = 0; r <= Number(opts.rounds); r++) {
  for (const [name, step] of Object.entries(steps)) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) step();
    if (r > 0) (times[name] ??= []).push(((performance.now() - t0) / 20) * 1000);
  }
}
for (const [name, ts] of Object.entries(times)) {
  ts.sort((p, q) => p - q);
  const at = (q: number) => ts[Math.floor(q * (ts.length - 1))].toFixed(0);
  console.log(`${name}: best ${at(0)}, p25 ${at(0.25)}, median ${at(0.5)} µs per update`);
}
