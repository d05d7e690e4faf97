/**
 * The tutorial's training step (bench/wasm_workloads.ts, in its three forms) of this
 * checkout and of another one (`--other DIR`, for example a `git worktree` of an older
 * commit), in one process, alternating rounds. On a machine whose speed changes from
 * process to process (a shared VM), this is the fair way to compare two revisions.
 * Prints steps/s: best, p25 and median per form and revision.
 *
 *   git worktree add ../base <commit>
 *   deno run --allow-read --allow-env bench/compare_revisions.ts --other ../base [--steps 200] [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const { values: opts } = parseArgs({
  options: {
    other: { type: "string" },
    steps: { type: "string", default: "200" },
    rounds: { type: "string", default: "30" },
  },
});
if (!opts.other) throw new Error("compare_revisions: give the other checkout with --other DIR");
const steps = Number(opts.steps), rounds = Number(opts.rounds);

type Forms = Record<string, (steps: number) => void>;
async function formsOf(root: string): Promise<Forms> {
  const url = new URL("bench/wasm_workloads.ts", pathToFileURL(resolve(root) + "/"));
  const m = await import(url.href);
  return m.logisticRegressionForms();
}
const revisions: [string, Forms][] = [
  ["this", await formsOf(".")],
  [opts.other, await formsOf(opts.other)],
];
const times = new Map<string, number[]>();
for (let r = 0; r < rounds + 2; r++) {
  for (const form of Object.keys(revisions[0][1])) {
    for (const [name, forms] of revisions) {
      const t0 = performance.now();
      forms[form](steps);
      const ms = performance.now() - t0;
      const key = `${form.padEnd(12)} ${name}`;
      if (r >= 2) times.set(key, [...(times.get(key) ?? []), ms]);
    }
  }
}
const rate = (ms: number) => Math.round((steps / ms) * 1000);
for (const [key, ts] of times) {
  ts.sort((a, b) => a - b);
  const at = (q: number) => rate(ts[Math.floor(q * (ts.length - 1))]);
  console.log(`${key}: best ${at(0)}, p25 ${at(0.25)}, median ${at(0.5)} steps/s`);
}
