/**
 * take's element gather: the JS rule (ops/take.ts: every index checked in one pass, then
 * `dst[k] = src[pos[k]]`) against the wasm engine's kernel (backends/wasm/gather.ts: check
 * and copy in one loop), for a source in a plain array (copied into the arena each call)
 * and in an engine array (read in place); a plain source larger than the output goes to
 * the JS rule (that column then times the JS rule through the kernel). Indices are int64. Best and median of 40 calls,
 * ms, one process, the node's kernels called directly (no function-call overhead).
 *
 *   deno run --allow-read --allow-env bench/take_gather.ts
 */
import * as T from "../mod.ts";
import { takeOp, type TakeParams } from "../ops/take.ts";
import { gatherStats, wasmTakeKernel } from "../backends/wasm/gather.ts";

function time(f: () => void): [number, number] {
  const ts: number[] = [];
  for (let r = 0; r < 40; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((p, q) => p - q);
  return [ts[0], ts[20]];
}

const fmt = ([b, m]: [number, number]) => `${b.toFixed(3)} / ${m.toFixed(3)}`;
const node = takeOp.make(
  [new T.TensorType("float32", [null]).make("a"), new T.TensorType("int64", [null]).make("i")],
  { axis: 0, mode: "raise" },
);
const js = (vals: T.NDArray[]) => takeOp.perform!(vals, node.params as TakeParams, node);
const wasm = wasmTakeKernel(node, js);
console.log(
  "| elements of a (float32) | indices (int64) | JS rule | wasm, plain source | wasm, engine-array source |",
);
console.log("| ---: | ---: | ---: | ---: | ---: |");
for (const [n, m] of [[1e6, 1e5], [1e6, 1e6], [1e4, 1e6], [1e4, 1e4]]) {
  const a = new T.NDArray("float32", [n], Float32Array.from({ length: n }, (_, i) => i));
  const e = T.engineArray("float32", [n]);
  e.data.set(a.data);
  const idx = new T.NDArray(
    "int64",
    [m],
    Float64Array.from({ length: m }, (_, i) => (i * 7919) % n - (i % 3 ? 0 : n)),
  );
  const ref = js([a, idx])[0].data;
  const runs = gatherStats.runs;
  for (const src of [a, e]) {
    const got = wasm([src, idx])[0].data;
    if (!got.every((v, i) => v === ref[i])) throw new Error("the wasm gather differs from the reference");
  }
  // A plain source larger than the output is left to the JS rule (its copy in costs more).
  if (gatherStats.runs !== runs + (n > m ? 1 : 2)) throw new Error("the wasm kernel did not run");
  console.log(
    `| ${n} | ${m} | ${fmt(time(() => js([a, idx])))} | ${fmt(time(() => wasm([a, idx])))} | ${
      fmt(time(() => wasm([e, idx])))
    } |`,
  );
}
