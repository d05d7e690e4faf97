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
import { importRevisions, timeAll } from "./common.ts";
import type * as Workloads from "./wasm_workloads.ts";

const { values: opts } = parseArgs({
  options: {
    other: { type: "string" },
    steps: { type: "string", default: "200" },
    rounds: { type: "string", default: "30" },
  },
});
if (!opts.other) throw new Error("compare_revisions: give the other checkout with --other DIR");
const steps = Number(opts.steps);

// Each form of each revision, keyed "form revision", timed in alternating rounds.
const contenders: Record<string, () => void> = {};
const revisions = await importRevisions<typeof Workloads>("bench/wasm_workloads.ts", opts.other);
for (const [name, m] of Object.entries(revisions)) {
  for (const [form, run] of Object.entries(m.logisticRegressionForms())) {
    contenders[`${form.padEnd(12)} ${name}`] = () => run(steps);
  }
}
const keys = Object.keys(contenders).sort(); // each form's revisions side by side
const rate = (ms: number) => Math.round((steps / ms) * 1000);
const t = timeAll(Object.fromEntries(keys.map((k) => [k, contenders[k]])), {
  rounds: Number(opts.rounds),
  warmup: 2,
});
for (const k of keys) {
  console.log(`${k}: best ${rate(t[k].best)}, p25 ${rate(t[k].p25)}, median ${rate(t[k].median)} steps/s`);
}
