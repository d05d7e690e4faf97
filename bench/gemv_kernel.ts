/**
 * The engine's two float64 GEMV kernels on the training step's 400×784 matrix, called
 * directly on arena memory (no graph, no copies): µs per call and ns per multiply-add,
 * best and median of rounds. Run it also with V8's test-only flag that drops wasm
 * bounds checks, to see what they cost (docs/ARCHITECTURE.md):
 *
 *   deno run --allow-env bench/gemv_kernel.ts [--rows 400] [--cols 784]
 *   deno run --allow-env --v8-flags=--no-wasm-bounds-checks bench/gemv_kernel.ts
 * @module
 */
import { parseArgs } from "node:util";
import { matmulEngine } from "../backends/wasm/matmul.ts";
import { timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: { rows: { type: "string", default: "400" }, cols: { type: "string", default: "784" } },
});
const M = Number(opts.rows), K = Number(opts.cols);
const e = matmulEngine("f64");
if (!e) throw new Error("gemv_kernel: this runtime has no WebAssembly SIMD");
const a = e.arena;
const X = a.persist(M * K * 8), w = a.persist(K * 8), g = a.persist(M * 8);
const y = a.persist(M * 8), gw = a.persist(K * 8);
a.f64(X, M * K).forEach((_, i, v) => (v[i] = Math.sin(i)));
a.f64(w, K).fill(0.5);
a.f64(g, M).fill(0.25);
const calls = Math.max(10, Math.round(2e8 / (M * K)));
const t = timeAll({
  "X·w (gemvRows)": () => {
    for (let i = 0; i < calls; i++) e.fns.gemvRows(M, K, X, K * 8, w, y);
  },
  "gᵀX (gemvCols)": () => {
    for (let i = 0; i < calls; i++) e.fns.gemvCols(K, M, X, K * 8, g, gw);
  },
}, { rounds: 15, warmup: 1 });
const show = (ms: number) =>
  `${((ms / calls) * 1000).toFixed(1)} µs (${((ms / calls) * 1e6 / (M * K)).toFixed(3)} ns/madd)`;
for (const [name, { best, median }] of Object.entries(t)) {
  console.log(`${name}: best ${show(best)}, median ${show(median)}`);
}
