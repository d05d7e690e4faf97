/**
 * `sum` over 1,000,000 elements: the engine's SIMD sum with the data passed as an
 * input (streamed through its memory) and in a shared variable (read in place),
 * against the JS kernel (`config.wasm = false`); and `max` as an input, both ways.
 * Interleaved rounds; best ms.
 *
 *   deno run --allow-env bench/wasm_sum.ts [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { randomArray, withEngine } from "./common.ts";

const { values: opts } = parseArgs({
  args: typeof Deno !== "undefined"
    ? Deno.args
    : (globalThis as { process?: { argv: string[] } }).process!.argv.slice(2),
  options: { rounds: { type: "string", default: "30" } },
});
for (const dtype of ["float32", "float64"] as const) {
  const x = randomArray(dtype, [1_000_000]);
  const v = new T.TensorType(dtype, [null]).make("v");
  const wasm = T.function([v], T.sum(v)), js = withEngine(false, () => T.function([v], T.sum(v)));
  const resident = T.function([], T.sum(T.shared(x, { name: "x" })));
  const mx = T.function([v], T.max(v)), mxJs = withEngine(false, () => T.function([v], T.max(v)));
  const runs: Record<string, () => unknown> = {
    wasm: () => wasm(x),
    shared: () => resident(),
    js: () => js(x),
    maxWasm: () => mx(x),
    maxJs: () => mxJs(x),
  };
  const best: Record<string, number> = {};
  for (let r = 0; r < Number(opts.rounds); r++) {
    for (const [k, f] of Object.entries(runs)) {
      const t0 = performance.now();
      f();
      best[k] = Math.min(best[k] ?? Infinity, performance.now() - t0);
    }
  }
  console.log(
    `sum 1e6 ${dtype}: ${Object.entries(best).map(([k, ms]) => `${k} ${ms.toFixed(3)} ms`).join(", ")}`,
  );
}
