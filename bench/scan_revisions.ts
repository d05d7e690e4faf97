/**
 * The RNN through scan (bench/common.ts `rnnScan`: h = 64, 1,000 steps, float64), its
 * forward and its BPTT gradient (of sum(h) with respect to W), with this checkout's
 * library and another one's (`--other DIR`, for example made by
 * `git archive <commit> | tar -x -C DIR`), in one process, alternating rounds. It first
 * checks that both revisions give the same bits, then prints ms per call.
 *
 *   deno run --allow-read --allow-env --allow-ffi bench/scan_revisions.ts --other DIR [--rounds 40]
 * @module
 */
import { parseArgs } from "node:util";
import type * as T from "../mod.ts";
import { importRevisions, markdownTable, randomArray, rnnScan, timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: { other: { type: "string" }, rounds: { type: "string", default: "40" } },
});
if (!opts.other) throw new Error("scan_revisions: give the other checkout with --other DIR");

const n = 64, steps = 1000;
const libs = await importRevisions<typeof T>("mod.ts", opts.other);
const contenders: Record<string, () => unknown> = {};
const results: Record<string, T.NDArray[]> = {};
for (const [name, lib] of Object.entries(libs)) {
  // Inputs as arrays of the revision's own NDArray class.
  const own = (a: T.NDArray) => new lib.NDArray(a.dtype, a.shape, a.data.slice());
  const Wv = own(randomArray("float64", [n, n])), xv = own(randomArray("float64", [steps, n]));
  const hv = own(randomArray("float64", [n]));
  for (let i = 0; i < Wv.size; i++) Wv.data[i] /= 4 * Math.sqrt(n);
  const { x, h0, W, h } = rnnScan(lib, "float64");
  const f = lib.function([x, h0, W], h), g = lib.function([x, h0, W], lib.grad(lib.sum(h), W));
  contenders[`forward ${name}`] = () => f(xv, hv, Wv);
  contenders[`BPTT ${name}`] = () => g(xv, hv, Wv);
  results[name] = [f(xv, hv, Wv) as T.NDArray, g(xv, hv, Wv) as T.NDArray];
}
const [a, b] = Object.values(results);
const same = a.every((r, i) =>
  r.data.length === b[i].data.length && r.data.every((v, j) => Object.is(v, b[i].data[j]))
);
console.log(`forward and BPTT bit-identical across the revisions: ${same}`);
const keys = Object.keys(contenders).sort();
const t = timeAll(Object.fromEntries(keys.map((k) => [k, contenders[k]])), { rounds: Number(opts.rounds) });
console.log(markdownTable(
  ["workload, revision", "best ms", "p25 ms", "median ms"],
  keys.map((k) => [k, t[k].best.toFixed(3), t[k].p25.toFixed(3), t[k].median.toFixed(3)]),
));
