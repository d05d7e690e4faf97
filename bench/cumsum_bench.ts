/**
 * cumsum on the SIMD engine against the JS rule (the op's reference loop), in one
 * process, alternating rounds: float64 and float32, along the last axis of a vector of
 * 2^20 elements (one line, the running sum in a register), along the last axis of a
 * 1024 × 1024 matrix, and along its first axis (rows added as vectors). Inputs are
 * plain arrays passed each call (staged through the arena), as a script passes them.
 *
 *   deno run --allow-read --allow-env bench/cumsum_bench.ts [--rounds 30]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { cumulativeOptions } from "../backends/wasm/cumulative.ts";

cumulativeOptions.float64 = true; // measure the float64 kernel too (off by default)

const { values } = parseArgs({ options: { rounds: { type: "string", default: "30" } } });
const rounds = Number(values.rounds);

function timeOf(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const stats = (ts: number[]) => {
  const s = [...ts].sort((a, b) => a - b), q = (p: number) => s[Math.floor(p * (s.length - 1))];
  return `${q(0).toFixed(2)} / ${q(0.25).toFixed(2)} / ${q(0.5).toFixed(2)}`;
};

for (const dtype of ["float64", "float32"] as const) {
  for (
    const [label, shape, axis] of [
      ["vector 2^20, axis 0", [1 << 20], 0],
      ["1024 × 1024, axis 1", [1024, 1024], 1],
      ["1024 × 1024, axis 0", [1024, 1024], 0],
    ] as const
  ) {
    const x = new T.TensorType(dtype, shape.map(() => null)).make("x");
    const v = new T.NDArray(dtype, [...shape]);
    for (let i = 0; i < v.size; i++) v.data[i] = Math.sin(i);
    const fns: Record<string, () => unknown> = {};
    for (const wasm of [true, false]) {
      T.config.wasm = wasm;
      const f = T.function([x], T.cumsum(x, axis));
      fns[wasm ? "wasm" : "js"] = () => f(v);
    }
    T.config.wasm = true;
    const times: Record<string, number[]> = { wasm: [], js: [] };
    for (let r = 0; r < rounds; r++) for (const k of ["wasm", "js"]) times[k].push(timeOf(fns[k]));
    console.log(`| ${dtype} ${label} | ${stats(times.wasm)} | ${stats(times.js)} |`);
  }
}
