/**
 * Advanced indexing on the CPU (the reference perform: host-planned block offsets,
 * rows moved by TypedArray.set): an embedding lookup `W[idx]` (50,000 × 128 float32,
 * 4,096 rows), its gradient `incSubtensor(zeros[idx], g)` with repeated indices, and an
 * element gather `v[idx]` of 2^20 float64 by 2^20 indices. NumPy's times for the same
 * (`W[idx]`, `np.add.at`, `v[idx]`) come from the line in RESULTS.md.
 *
 *   deno run --allow-read --allow-env bench/advanced_indexing_bench.ts [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "30" } } });
const rounds = Number(values.rounds);
const rng = T.seededRandom(1);

function report(label: string, f: () => unknown): void {
  const ts: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  const q = (p: number) => ts[Math.floor(p * (ts.length - 1))].toFixed(2);
  console.log(`| ${label} | ${q(0)} / ${q(0.25)} / ${q(0.5)} |`);
}

const W = new T.NDArray("float32", [50000, 128]);
for (let i = 0; i < W.size; i++) W.data[i] = rng();
const rows = new T.NDArray("int64", [4096]);
for (let i = 0; i < rows.size; i++) rows.data[i] = Math.floor(rng() * 50000);
const G = new T.NDArray("float32", [4096, 128]);
for (let i = 0; i < G.size; i++) G.data[i] = rng();
const w = T.fmatrix("W"), idx = T.lvector("idx"), g = T.fmatrix("g");
const lookup = T.function([w, idx], T.get(w, idx));
const scatter = T.function([w, idx, g], T.incSubtensor(T.get(w, idx), g));
report("embedding lookup W[idx], 50,000 × 128 float32, 4,096 rows", () => lookup(W, rows));
report("its gradient: zeros(W)[idx] += g, np.add.at", () => scatter(W, rows, G));

const n = 1 << 20, V = new T.NDArray("float64", [n]), I = new T.NDArray("int64", [n]);
for (let i = 0; i < n; i++) {
  V.data[i] = rng();
  I.data[i] = Math.floor(rng() * n);
}
const v = T.dvector("v");
const gather = T.function([v, idx], T.get(v, idx));
report("element gather v[idx], 2^20 float64 by 2^20 indices", () => gather(V, I));
