/**
 * What `config.traceback` costs while building a graph: a 1,000-node elementwise graph
 * (bench/common.ts's) built with the traceback on (each node keeps a captured stack, so
 * that a run-time error can name the user's line) and off; beside them, 1,000 bare
 * `new Error()` and 1,000 bare stack captures taken as the library takes them, so the
 * figures show where the time goes; and calls that build many nodes inside the library
 * (Rop, hessian), which take one capture at their entry. With `--other DIR` (a checkout of another revision,
 * e.g. `git worktree add ../base <commit>`) both revisions build in one process, in
 * alternating rounds.
 *
 *   deno bench --allow-read --allow-env bench/traceback_bench.ts
 *   deno run --allow-read --allow-env bench/traceback_bench.ts [--other DIR] [--rounds 40]
 *   bun bench/traceback_bench.ts [--other DIR] [--rounds 40]
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { captureStack } from "../core/errors.ts";
import { importRevisions, timeAll } from "./common.ts";
import type * as Common from "./common.ts";
import type * as Mod from "../mod.ts";

const NODES = 1000;

/** 1,000 graph builds' worth of bare captures, each as deep in the stack as a node's. */
function bare(capture: () => unknown): () => unknown {
  const nest = (depth: number): unknown => depth === 0 ? capture() : nest(depth - 1);
  return () => {
    let last;
    for (let i = 0; i < NODES; i++) last = nest(5);
    return last;
  };
}

/** The contenders: graph builds with the traceback on and off, per revision, and the bare costs. */
export async function contenders(other?: string): Promise<Record<string, () => unknown>> {
  const common = await importRevisions<typeof Common>("bench/common.ts", other);
  const mods = await importRevisions<typeof Mod>("mod.ts", other);
  const out: Record<string, () => unknown> = {};
  for (const rev of Object.keys(common)) {
    const build = (traceback: boolean) => () => {
      const config = mods[rev].config, saved = config.traceback;
      config.traceback = traceback;
      try {
        return common[rev].buildElementwiseGraph(NODES);
      } finally {
        config.traceback = saved;
      }
    };
    out[`graph, traceback on, ${rev}`] = build(true);
    out[`graph, traceback off, ${rev}`] = build(false);
    // Calls that build many nodes inside the library: a Rop and a Hessian (scan + grad).
    const T = mods[rev];
    out[`Rop + hessian x10, traceback on, ${rev}`] = () => {
      for (let i = 0; i < 10; i++) {
        const x = T.dvector("x"), W = T.dmatrix("W"), V = T.dmatrix("V");
        const h = T.tanh(T.dot(W, x));
        T.Rop(h, W, V);
        T.hessian(T.sum(h), x);
      }
    };
  }
  out["1,000 new Error()"] = bare(() => new Error());
  out["1,000 captureStack()"] = bare(captureStack);
  return out;
}

// `deno bench` times each contender alone; `deno run` (below) interleaves them.
if (typeof Deno !== "undefined") {
  for (const [name, fn] of Object.entries(await contenders())) {
    Deno.bench({
      name,
      group: "traceback",
      fn: () => void fn(),
    });
  }
}

if (import.meta.main) {
  const { values: opts } = parseArgs({
    args: process.argv.slice(2),
    options: { other: { type: "string" }, rounds: { type: "string", default: "40" } },
  });
  const rounds = Number(opts.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--rounds must be a positive integer, got ${opts.rounds}`);
  }
  const runtime = typeof navigator !== "undefined" ? navigator.userAgent : "unknown runtime";
  const t = timeAll(await contenders(opts.other), { rounds, warmup: 5 });
  console.log(
    `${runtime}, ms: best, p25, median of ${rounds} rounds (µs per node for the ${NODES}-node rows)`,
  );
  for (const [k, v] of Object.entries(t)) {
    const perNode = k.startsWith("graph") || k.startsWith("1,000");
    const ms = (x: number) => perNode ? `${x.toFixed(2)} (${((x * 1000) / NODES).toFixed(2)})` : x.toFixed(2);
    console.log(`  ${k.padEnd(48)} ${ms(v.best)}, ${ms(v.p25)}, ${ms(v.median)}`);
  }
}
