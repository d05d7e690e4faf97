/**
 * The h-vec vector rules (issue 16 item 4) over 1,000,000 elements: each function compiled with
 * the WebAssembly engine on and off (the JS loop of its scalar rule, `Math`'s function), timed in
 * interleaved rounds; prints a Markdown table of best (median) ms.
 *
 *   deno run --allow-read --allow-env bench/vec16_bench.ts [rounds] [function name]
 */
import * as T from "../mod.ts";
import { markdownTable, timeAll, withEngine } from "./common.ts";
import { seededRandom } from "../compile/verify_grad.ts";

const N = 1_000_000, rounds = Number(Deno.args[0] ?? 7);
const rng = seededRandom(7);
/** Values uniform in [lo, hi). */
const uniform = (lo: number, hi: number) => Array.from({ length: N }, () => lo + (hi - lo) * rng());

const only = Deno.args[1]; // a function name to time alone
const CASES: [string, (...v: T.Variable[]) => T.Variable, [number, number][]][] = [
  ["log10(a)", T.log10, [[0, 100]]],
  ["hypot(a, b)", T.hypot, [[-10, 10], [-10, 10]]],
  ["arcsinh(a)", T.arcsinh, [[-10, 10]]],
  ["arccosh(a)", T.arccosh, [[1, 20]]],
  ["arctanh(a)", T.arctanh, [[-1, 1]]],
  ["arctan(a)", T.arctan, [[-5, 5]]],
  ["arctan2(a, b)", T.arctan2, [[-10, 10], [-10, 10]]],
  ["arcsin(a)", T.arcsin, [[-1, 1]]],
  ["arccos(a)", T.arccos, [[-1, 1]]],
  ["cbrt(a)", T.cbrt, [[-30, 30]]],
  ["erfc(a)", T.erfc, [[-3, 8]]],
  ["erfcx(a)", T.erfcx, [[-3, 30]]],
  ["erfinv(a)", T.erfinv, [[-1, 1]]],
  ["erfcinv(a)", T.erfcinv, [[0, 2]]],
  ["gammaln(a)", T.gammaln, [[-10, 30]]],
  ["psi(a)", T.psi, [[-10, 30]]],
  // trigamma has no public function: psi's gradient is trigamma(a) (times the ones of the seed).
  ["trigamma(a)", (a) => T.grad(T.sum(T.psi(a)), a) as T.Variable, [[-10, 30]]],
];

const rows: string[][] = [];
for (const [what, f, ranges] of CASES.filter(([w]) => !only || w.startsWith(only))) {
  const row = [`\`${what}\``];
  for (const dtype of ["float32", "float64"] as const) {
    const vars = ranges.map((_, i) => new T.TensorType(dtype, [null]).make(`x${i}`));
    const vals = ranges.map(([lo, hi]) => T.asarray(uniform(lo, hi), { dtype }));
    const on = withEngine(true, () => T.function(vars, f(...vars)));
    const off = withEngine(false, () => T.function(vars, f(...vars)));
    const t = timeAll({ wasm: () => on(...vals), js: () => off(...vals) }, { rounds, warmup: 2 });
    const fmt = (k: "wasm" | "js") => `${t[k].best.toFixed(1)} (${t[k].median.toFixed(1)})`;
    row.push(fmt("wasm"), fmt("js"), `${(t.js.best / t.wasm.best).toFixed(1)}×`);
  }
  rows.push(row);
}
console.log(
  markdownTable([
    "function",
    "float32 wasm",
    "float32 JS",
    "speed-up",
    "float64 wasm",
    "float64 JS",
    "speed-up",
  ], rows),
);
