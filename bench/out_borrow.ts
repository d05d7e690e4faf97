/**
 * `Out(v, { borrow: true })` against a plain output on 1e6-element elementwise functions:
 * ms per call (best, p25, median of interleaved rounds of 10 calls). The borrowed output's
 * buffer is reused by the next call instead of a fresh typed array (8 MB for float64).
 *
 *   deno run --allow-read --allow-env bench/out_borrow.ts [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { markdownTable, randomArray, timeAll } from "./common.ts";

const { values: opts } = parseArgs({ options: { rounds: { type: "string", default: "30" } } });
const N = 1_000_000, CALLS = 10;
const cases: [string, "float32" | "float64", (x: T.Variable) => T.Variable][] = [
  ["float64 `2x + 1` (JS loop)", "float64", (x) => T.add(T.mul(x, 2), 1)],
  ["float32 `2x + 1` (JS loop)", "float32", (x) => T.add(T.mul(x, 2), 1)],
  ["float64 `exp(x)` (wasm)", "float64", (x) => T.exp(x)],
];
const rows: string[][] = [];
for (const [label, dtype, expr] of cases) {
  const x = dtype === "float64" ? T.dvector("x") : T.fvector("x");
  const data = randomArray(dtype, [N]);
  const plain = T.function([x], expr(x));
  const borrowed = T.function([x], new T.Out(expr(x), { borrow: true }));
  T.testing.assertAllClose(borrowed(data), plain(data), { rtol: 0, atol: 0 });
  const t = timeAll({
    plain: () => {
      for (let i = 0; i < CALLS; i++) plain(data);
    },
    borrow: () => {
      for (let i = 0; i < CALLS; i++) borrowed(data);
    },
  }, { rounds: Number(opts.rounds), warmup: 2 });
  const ms = (v: number) => (v / CALLS).toFixed(3);
  const cell = (k: string) => `${ms(t[k].best)} / ${ms(t[k].p25)} / ${ms(t[k].median)}`;
  rows.push([
    label,
    cell("plain"),
    cell("borrow"),
    `${(100 * (1 - t.borrow.median / t.plain.median)).toFixed(0)}%`,
  ]);
}
console.log(markdownTable(["1e6 elements, ms per call", "plain output", "Out borrow", "median saved"], rows));
