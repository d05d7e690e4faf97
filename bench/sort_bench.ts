/**
 * sort and argsort of one line of 1,000,000 doubles (uniform in [0, 1), a tenth zeros of
 * either sign, a few NaN): the previous rule (positions sorted by Array.prototype.sort and
 * a comparator) against the ones now in ops/sort.ts (the typed array's numeric sort with
 * the zeros put back in order, for sort; a stable merge sort of Int32Array positions, for
 * argsort). One process, alternating; ms, best / median of 7 rounds.
 *
 *   deno run --allow-read --allow-env bench/sort_bench.ts
 */
import * as T from "../mod.ts";
import { stableOrder } from "../ops/sort.ts";

const n = 1_000_000, rnd = T.seededRandom(3);
const v = Float64Array.from({ length: n }, () => {
  const u = rnd();
  return u < 0.05 ? 0 : u < 0.1 ? -0 : u < 0.1001 ? NaN : rnd();
});
const compare = (a: number, b: number) =>
  a < b ? -1 : a > b ? 1 : a === b ? 0 : a !== a ? (b !== b ? 0 : 1) : -1;
const comparatorOrder = () => Array.from({ length: n }, (_, i) => i).sort((p, q) => compare(v[p], v[q]));
const x = T.dvector("x");
const sortF = T.function([x], T.sort(x)), argsortF = T.function([x], T.argsort(x));

const rounds: Record<string, number[]> = { "comparator (old)": [], "sort (new)": [], "argsort (new)": [] };
let check: number[] = [];
for (let r = 0; r < 7; r++) {
  let t0 = performance.now();
  check = comparatorOrder();
  rounds["comparator (old)"].push(performance.now() - t0);
  t0 = performance.now();
  const s = sortF(v);
  rounds["sort (new)"].push(performance.now() - t0);
  t0 = performance.now();
  const a = argsortF(v);
  rounds["argsort (new)"].push(performance.now() - t0);
  if (!check.every((p, i) => p === a.data[i] && Object.is(s.data[i], v[p]))) throw new Error("orders differ");
}
const idx = new Int32Array(n);
stableOrder(v, idx, new Int32Array(n));
if (!check.every((p, i) => p === idx[i])) throw new Error("stableOrder differs");
for (const [name, ts] of Object.entries(rounds)) {
  ts.sort((p, q) => p - q);
  console.log(`${name}: ${ts[0].toFixed(0)} / ${ts[3].toFixed(0)} ms`);
}
