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
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "25" } },
});
const roots: Record<string, string> = { this: new URL("..", import.meta.url).href };
if (opts.other) roots[opts.other] = pathToFileURL(resolve(opts.other) + "/").href;

const n = 100_000;
const data = Float64Array.from({ length: n }, (_, i) => 10 * Math.sin(i * 0.37));
const fns: Record<string, Record<string, () => unknown>> = {};
for (const [rev, root] of Object.entries(roots)) {
  const T = await import(new URL("mod.ts", root).href);
  T.config.threads = 1;
  const x = T.shared(T.asarray(data.slice()), { name: "x" });
  fns[rev] = {
    exp: T.function([], T.sum(T.exp(x))),
    expm1: T.function([], T.sum(T.expm1(x))),
    log1p: T.function([], T.sum(T.log1p(T.abs(x)))),
    sigmoid: T.function([], T.sum(T.sigmoid(x))),
    softplus: T.function([], T.sum(T.softplus(x))),
    tanh: T.function([], T.sum(T.tanh(x))),
  };
}
const best: Record<string, number> = {};
for (let r = 0; r < Number(opts.rounds); r++) {
  for (const name of Object.keys(fns.this)) {
    for (const rev of Object.keys(fns)) {
      const f = fns[rev][name], t0 = performance.now();
      for (let i = 0; i < 5; i++) f();
      const key = `${name} ${rev}`, t = (performance.now() - t0) / 5;
      best[key] = Math.min(best[key] ?? Infinity, t);
    }
  }
}
for (const name of Object.keys(fns.this)) {
  const cells = Object.keys(fns).map((rev) => `${rev} ${((best[`${name} ${rev}`] * 1e6) / n).toFixed(2)}`);
  console.log(`${name.padEnd(9)} ${cells.join(", ")} ns/element`);
}
