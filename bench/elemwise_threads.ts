/**
 * Where splitting an elementwise group across threads pays: the compiled logistic
 * 1 / (1 + exp(-x)) (one fused group on the wasm engine) and a sum, float32 and float64,
 * at sizes around `elementwiseOptions.parallelLength`, on one thread and on
 * `config.threads` = 2, interleaved round by round. Also times the parts that stay on
 * the main thread whatever the split: the first write of a fresh output array (its page
 * faults) and a copy of the same size.
 *
 *   deno run --allow-read --allow-env bench/elemwise_threads.ts [rounds]
 *   bun bench/elemwise_threads.ts [rounds]
 * @module
 */
import process from "node:process";
import * as T from "../mod.ts";
import { elementwiseOptions } from "../backends/wasm/elemwise.ts";
import { startThreads } from "../backends/wasm/matmul.ts";
import { shutdownThreads } from "../backends/wasm/threads.ts";
import { hypatiaLogistic, randomArray } from "./common.ts";

const rounds = Number(process.argv.at(-1)) > 0 ? Number(process.argv.at(-1)) : 25;
const SIZES = [1 << 15, 1 << 17, 1 << 18, 1 << 20, 1 << 22];

function median(ts: number[]): number {
  const s = [...ts].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const time = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

async function main() {
  elementwiseOptions.parallelLength = 1; // every size may split; threads = 1 keeps it on one
  const ready = await startThreads();
  const rt = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Deno ${Deno.version.deno}`;
  console.log(`${rt}; worker threads ready: ${ready - 1}; ${rounds} rounds, median ms (best)`);
  console.log(
    "| dtype | n | logistic, 1 thread | logistic, 2 threads | sum, 1 thread | sum, 2 threads | fresh output, first write | copy |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const dtype of ["float32", "float64"] as const) {
    const f = hypatiaLogistic(dtype);
    const v = new T.TensorType(dtype, [null]).make("v");
    const s = T.function([v], T.sum(v));
    for (const n of SIZES) {
      const x = randomArray(dtype, [n]);
      const res: Record<string, number[]> = { l1: [], l2: [], s1: [], s2: [], fresh: [], copy: [] };
      const src = x.data as Float32Array | Float64Array;
      for (let r = 0; r < rounds + 3; r++) {
        const keep = r >= 3;
        for (const th of r % 2 ? [2, 1] : [1, 2]) {
          T.config.threads = th;
          const a = time(() => f(x)), b = time(() => s(x));
          if (keep) res[`l${th}`].push(a), res[`s${th}`].push(b);
        }
        const fresh = time(() => (dtype === "float32" ? new Float32Array(n) : new Float64Array(n)).set(src));
        const dst = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
        dst.set(src);
        const copy = time(() => dst.set(src));
        if (keep) res.fresh.push(fresh), res.copy.push(copy);
      }
      const cell = (k: string) => `${median(res[k]).toFixed(3)} (${Math.min(...res[k]).toFixed(3)})`;
      console.log(
        `| ${dtype} | ${n} | ${cell("l1")} | ${cell("l2")} | ${cell("s1")} | ${cell("s2")} | ${
          cell("fresh")
        } | ${cell("copy")} |`,
      );
    }
  }
  shutdownThreads();
}

declare const Bun: { version: string } | undefined;
await main();
