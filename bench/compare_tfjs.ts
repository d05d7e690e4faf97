/**
 * Side-by-side comparison with TensorFlow.js (tfjs-core + tfjs-backend-cpu) in one
 * process: the elementwise logistic, square matrix products, and compile time.
 *
 *   deno run --allow-read --allow-env --allow-run bench/compare_tfjs.ts [--quick]
 *
 * Contenders run in interleaved rounds after warm-up; the tables give the best time
 * (the machine is shared, so the best is the least disturbed) and the median. Every
 * side allocates its output on each call, and results are cross-checked.
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as T from "../mod.ts";
import {
  buildElementwiseGraph,
  countNodes,
  handLogistic32,
  handLogistic64,
  hypatiaDot,
  hypatiaLogistic,
  randomArray,
  timeAll,
} from "./common.ts";

const { values: opts } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
const quick = !!opts.quick;

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const ratio = (x: number) => `${x.toFixed(2)}×`;

const compileRow = await measureCompile(quick ? 2 : 7, quick ? 3 : 15);

await tf.setBackend("cpu");
await tf.ready();

// (1) logistic over 1,000,000 elements: Hypatia with the WebAssembly engine (the
// default where the runtime has SIMD) and with every kernel in JS (config.wasm = false).
const N = 1_000_000;
const logisticRows: string[][] = [];
for (const dtype of ["float32", "float64"] as const) {
  const xv = randomArray(dtype, [N]);
  const f = hypatiaLogistic(dtype), fJs = hypatiaLogistic(dtype, false);
  const hand = dtype === "float32"
    ? () => handLogistic32(xv.data as Float32Array)
    : () => handLogistic64(xv.data as Float64Array);
  const ref = hand();
  for (const g of [f, fJs]) {
    const got = g(xv).data;
    for (let i = 0; i < N; i++) {
      if (Math.abs(got[i] - ref[i]) > 1e-6) throw new Error(`logistic ${dtype} differs at ${i}`);
    }
  }
  const contenders: Record<string, () => unknown> = { wasm: () => f(xv), js: () => fJs(xv), hand };
  let xt: tf.Tensor | undefined;
  if (dtype === "float32") {
    xt = tf.tensor1d(xv.data as Float32Array, "float32");
    const x = xt;
    contenders.tfjs = () => {
      const y = tf.tidy(() => tf.div(1, tf.add(1, tf.exp(tf.neg(x)))));
      y.dataSync();
      y.dispose();
    };
    contenders.tfjsSigmoid = () => {
      const y = tf.sigmoid(x);
      y.dataSync();
      y.dispose();
    };
  }
  const t = timeAll(contenders, { rounds: quick ? 5 : 25 });
  xt?.dispose();
  const cell = (k: string) => `${fmt(t[k].best)} (${fmt(t[k].median)})`;
  logisticRows.push([
    `logistic 1e6 ${dtype}`,
    cell("wasm"),
    cell("js"),
    cell("hand"),
    `${ratio(t.wasm.best / t.hand.best)}, ${ratio(t.js.best / t.hand.best)}`,
    t.tfjs ? cell("tfjs") : "n/a (no float64)",
    t.tfjsSigmoid ? fmt(t.tfjsSigmoid.best) : "n/a",
    t.tfjs ? `${ratio(t.tfjs.best / t.wasm.best)}, ${ratio(t.tfjs.best / t.js.best)}` : "n/a",
    t.tfjsSigmoid
      ? `${ratio(t.tfjsSigmoid.best / t.wasm.best)}, ${ratio(t.tfjsSigmoid.best / t.js.best)}`
      : "n/a",
  ]);
}

// (2) square matrix products, engine and JS kernels.
const dotRows: string[][] = [];
for (const n of quick ? [256] : [256, 512, 1024]) {
  const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
  const rounds = n >= 1024 ? 3 : n >= 512 ? 5 : 9;
  const a32 = randomArray("float32", [n, n]), b32 = randomArray("float32", [n, n]);
  const a64 = randomArray("float64", [n, n]), b64 = randomArray("float64", [n, n]);
  const f32 = hypatiaDot("float32"), f64 = hypatiaDot("float64");
  const j32 = hypatiaDot("float32", false), j64 = hypatiaDot("float64", false);
  const at = tf.tensor2d(a32.data as Float32Array, [n, n]),
    bt = tf.tensor2d(b32.data as Float32Array, [n, n]);
  {
    const c = tf.matMul(at, bt), cd = c.dataSync(), od = f32(a32, b32).data, jd = j32(a32, b32).data;
    for (let i = 0; i < n * n; i += 97) {
      const tol = 1e-3 * (1 + Math.abs(od[i]));
      if (Math.abs(cd[i] - od[i]) > tol || Math.abs(jd[i] - od[i]) > tol) {
        throw new Error(`dot ${n} differs at ${i}`);
      }
    }
    c.dispose();
  }
  const t = timeAll({
    f32: () => f32(a32, b32),
    j32: () => j32(a32, b32),
    tfjs: () => {
      const c = tf.matMul(at, bt);
      c.dataSync();
      c.dispose();
    },
    f64: () => f64(a64, b64),
    j64: () => j64(a64, b64),
  }, { rounds, warmup: 1 });
  at.dispose();
  bt.dispose();
  const g = (k: string) => gflops(t[k].best).toFixed(2);
  dotRows.push([
    `dot ${n}×${n} float32`,
    g("f32"),
    g("j32"),
    g("tfjs"),
    `${ratio(t.tfjs.best / t.f32.best)}, ${ratio(t.tfjs.best / t.j32.best)}`,
  ]);
  dotRows.push([`dot ${n}×${n} float64`, g("f64"), g("j64"), "n/a (no float64)", "n/a"]);
}

/**
 * Compile time of a 1,000-node elementwise graph (build + T.function): cold, in `cold`
 * fresh processes (bench/compile_cold.ts), and warm, `warm` times in this process.
 */
async function measureCompile(cold: number, warm: number): Promise<string[]> {
  const colds: { build: number; compile: number; firstCall: number }[] = [];
  const script = new URL("./compile_cold.ts", import.meta.url).pathname;
  for (let r = 0; r < cold; r++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", script],
    })
      .output();
    if (!out.success) throw new Error(`compile_cold.ts failed: ${new TextDecoder().decode(out.stderr)}`);
    colds.push(JSON.parse(new TextDecoder().decode(out.stdout)));
  }
  const totals: number[] = [];
  let nodes = 0, builds = 0, compiles = 0;
  for (let r = 0; r < warm; r++) {
    const t0 = performance.now();
    const { x, y } = buildElementwiseGraph(1000);
    const t1 = performance.now();
    T.function([x], y);
    const t2 = performance.now();
    nodes = countNodes([y]);
    if (r > 0 && (totals.length === 0 || t2 - t0 < Math.min(...totals))) {
      [builds, compiles] = [t1 - t0, t2 - t1];
    }
    if (r > 0) totals.push(t2 - t0); // the first in-process run is JIT-cold: not "warm"
  }
  const sorted = [...totals].sort((a, b) => a - b);
  const coldBest = colds.reduce((b, c) => (c.build + c.compile < b.build + b.compile ? c : b));
  const coldSorted = colds.map((c) => c.build + c.compile).sort((a, b) => a - b);
  return [
    `${nodes}-node elementwise graph`,
    `${fmt(coldBest.build + coldBest.compile)} (${fmt(coldBest.build)} + ${fmt(coldBest.compile)}); median ${
      fmt(coldSorted[Math.floor(coldSorted.length / 2)])
    }`,
    `${fmt(sorted[0])} (${fmt(builds)} + ${fmt(compiles)}); median ${
      fmt(sorted[Math.floor(sorted.length / 2)])
    }`,
    fmt(coldBest.firstCall),
  ];
}

function table(head: string[], body: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  return [line(head), `| ${w.map((n) => "-".repeat(n)).join(" | ")} |`, ...body.map(line)].join("\n");
}

console.log(`\nHypatia vs TensorFlow.js ${tf.version_core} (cpu backend), ${navigator.userAgent}\n`);
console.log("Logistic 1/(1+exp(-x)) over 1,000,000 elements, ms: best (median)\n");
console.log(table([
  "workload",
  "Hypatia, wasm engine",
  "Hypatia, JS kernels",
  "hand loop",
  "÷ hand (wasm, JS)",
  "tfjs, 4 ops",
  "tfjs.sigmoid",
  "tfjs 4 ops ÷ Hypatia (wasm, JS)",
  "tfjs.sigmoid ÷ Hypatia (wasm, JS)",
], logisticRows));
console.log("\nSquare matrix product, GFLOP/s = 2n³ / best time\n");
console.log(table([
  "workload",
  "Hypatia, wasm engine",
  "Hypatia, JS kernels",
  "tfjs",
  "Hypatia ÷ tfjs (wasm, JS)",
], dotRows));
console.log("\nCompile time, ms: best build + T.function (build + compile), and the median\n");
console.log(table([
  "graph",
  `cold: a fresh process (${quick ? 2 : 7} runs)`,
  `warm: in one process (${quick ? 2 : 14} runs)`,
  "first call (cold)",
], [compileRow]));
