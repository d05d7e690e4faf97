/**
 * The WebAssembly SIMD engine against the pure-JS path, a hand-written JS loop,
 * tfjs-backend-wasm (XNNPACK) and, with --numpy, NumPy/OpenBLAS run in a python3
 * subprocess, in one run:
 *
 *   deno run --allow-read --allow-env --allow-run=python3 bench/compare_wasm.ts [--quick] [--numpy] [--threads N]
 *   bun bench/compare_wasm.ts [--quick] [--threads N]
 *
 * Workloads: the logistic 1/(1+exp(-x)) over 1,000,000 values, square matrix products,
 * and the tutorial logistic-regression training step (400×784, float64). Contenders
 * run interleaved after warm-up; tables give the best time (the machine is shared, so
 * the best is the least disturbed) and the median. Every side allocates its output.
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as T from "../mod.ts";
import { startThreads } from "../backends/wasm/matmul.ts";
import { shutdownThreads } from "../backends/wasm/threads.ts";
import {
  handLogistic32,
  handLogistic64,
  hypatiaDot,
  hypatiaLogistic,
  markdownTable as table,
  randomArray,
  timeAll,
  withEngine,
} from "./common.ts";
import { logisticRegressionForms } from "./wasm_workloads.ts";

const { values: opts } = parseArgs({
  // Deno or Bun (`bun bench/compare_wasm.ts`; --numpy needs Deno).
  args: typeof Deno !== "undefined"
    ? Deno.args
    : (globalThis as { process?: { argv: string[] } }).process!.argv.slice(2),
  options: {
    quick: { type: "boolean" },
    numpy: { type: "boolean" },
    threads: { type: "string", default: "2" },
  },
});
const threads = Number(opts.threads);
const quick = !!opts.quick;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const cell = (t: { best: number; median: number }) => `${fmt(t.best)} (${fmt(t.median)})`;

// tfjs-backend-wasm loads its .wasm from the npm package's dist folder.
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
await tf.setBackend("wasm");
await tf.ready();

// (1) the logistic over 1,000,000 values.
const N = 1_000_000;
const logisticRows: string[][] = [];
for (const dtype of ["float32", "float64"] as const) {
  const xv = randomArray(dtype, [N]);
  const wasm = hypatiaLogistic(dtype), js = hypatiaLogistic(dtype, false);
  const hand = dtype === "float32"
    ? () => handLogistic32(xv.data as Float32Array)
    : () => handLogistic64(xv.data as Float64Array);
  const ref = hand(), got = wasm(xv).data;
  for (let i = 0; i < N; i++) {
    if (Math.abs(got[i] - ref[i]) > 1e-6) throw new Error(`logistic ${dtype} at ${i}`);
  }
  // The same function on a shared variable: the engine keeps its value in its memory
  // between calls, as tfjs keeps a tensor (no copy in per call).
  const xs = T.shared(xv, { name: "x" });
  const wasmShared = T.function([], T.div(1, T.add(1, T.exp(T.neg(xs)))));
  const contenders: Record<string, () => unknown> = {
    wasm: () => wasm(xv),
    wasmShared: () => wasmShared(),
    js: () => js(xv),
    hand,
  };
  const xt = dtype === "float32" ? tf.tensor1d(xv.data as Float32Array, "float32") : undefined;
  if (xt) {
    contenders.tfSigmoid = () => {
      const y = tf.sigmoid(xt);
      y.dataSync();
      y.dispose();
    };
    contenders.tf4 = () => {
      const y = tf.tidy(() => tf.div(1, tf.add(1, tf.exp(tf.neg(xt)))));
      y.dataSync();
      y.dispose();
    };
  }
  const t = timeAll(contenders, { rounds: quick ? 5 : 30 });
  xt?.dispose();
  logisticRows.push([
    `logistic 1e6 ${dtype}`,
    cell(t.wasm),
    cell(t.wasmShared),
    cell(t.js),
    cell(t.hand),
    t.tfSigmoid ? cell(t.tfSigmoid) : "n/a (no float64)",
    t.tf4 ? cell(t.tf4) : "n/a",
    t.tfSigmoid ? `${(t.tfSigmoid.best / t.wasm.best).toFixed(2)}×` : "n/a",
    t.tfSigmoid ? `${(t.tfSigmoid.best / t.wasmShared.best).toFixed(2)}×` : "n/a",
  ]);
}

// (2) square matrix products (the worker pool started first, so no round waits for it).
T.config.threads = threads;
const usable = await startThreads();
T.config.threads = 1;
const dotRows: string[][] = [];
for (const n of quick ? [256] : [256, 512, 1024]) {
  const gf = (ms: number) => ((2 * n ** 3) / ms / 1e6).toFixed(1);
  for (const dtype of ["float32", "float64"] as const) {
    const a = randomArray(dtype, [n, n]), b = randomArray(dtype, [n, n]);
    const wasm = hypatiaDot(dtype), js = hypatiaDot(dtype, false);
    const parallel = (f: () => unknown) => () => {
      T.config.threads = threads;
      f();
      T.config.threads = 1;
    };
    const contenders: Record<string, () => unknown> = {
      wasm: () => wasm(a, b),
      wasmT: parallel(() => wasm(a, b)),
    };
    if (n <= 512 || !quick) contenders.js = () => js(a, b);
    let at: tf.Tensor | undefined, bt: tf.Tensor | undefined;
    if (dtype === "float32") {
      at = tf.tensor2d(a.data as Float32Array, [n, n]);
      bt = tf.tensor2d(b.data as Float32Array, [n, n]);
      const [x, y] = [at, bt];
      contenders.tfjs = () => {
        const c = tf.matMul(x, y);
        c.dataSync();
        c.dispose();
      };
    }
    const t = timeAll(contenders, { rounds: n >= 1024 ? 5 : 9, warmup: 2 });
    at?.dispose();
    bt?.dispose();
    dotRows.push([
      `dot ${n}×${n} ${dtype}`,
      `${fmt(t.wasm.best)} ms, ${gf(t.wasm.best)}`,
      `${fmt(t.wasmT.best)} ms, ${gf(t.wasmT.best)}`,
      t.js ? `${fmt(t.js.best)} ms, ${gf(t.js.best)}` : "skipped",
      t.tfjs ? `${fmt(t.tfjs.best)} ms, ${gf(t.tfjs.best)}` : "n/a (no float64)",
    ]);
  }
}

// (3) the logistic-regression training step.
const lrRows: string[][] = [];
{
  const steps = quick ? 200 : 1000;
  // The data as an input each call (the tutorial) and in a shared variable (kept in the engine's memory).
  const forms = logisticRegressionForms(), js = withEngine(false, logisticRegressionForms);
  const t = timeAll({
    wasm: () => forms.input(steps),
    wasmShared: () => forms.shared(steps),
    wasmT: () => {
      T.config.threads = threads;
      forms.shared(steps);
      T.config.threads = 1;
    },
    js: () => js.input(steps),
    jsShared: () => js.shared(steps),
  }, { rounds: quick ? 3 : 7, warmup: 1 });
  const rate = (t: { best: number; median: number }) =>
    `${((steps / t.best) * 1000).toFixed(0)} (${((steps / t.median) * 1000).toFixed(0)})`;
  lrRows.push(["400×784 float64 step, data as input", rate(t.wasm), "", rate(t.js)]);
  lrRows.push(["400×784 float64 step, data shared", rate(t.wasmShared), rate(t.wasmT), rate(t.jsShared)]);
}
shutdownThreads();

// (4) NumPy, when asked (python3 at measurement time only).
let numpyRows: string[][] = [];
if (opts.numpy) numpyRows = await numpy();

async function numpy(): Promise<string[][]> {
  const script = `
import json, os, time, numpy as np
def best(f, r):
    t = []
    for _ in range(r):
        t0 = time.perf_counter(); f(); t.append(time.perf_counter() - t0)
    return min(t) * 1e3
rng = np.random.default_rng(1)
out = {"version": np.__version__, "coretype": os.environ.get("OPENBLAS_CORETYPE", "")}
for dt in ("float32", "float64"):
    x = rng.uniform(-4, 4, 1_000_000).astype(dt)
    out["logistic_" + dt] = best(lambda: 1 / (1 + np.exp(-x)), 30)
    a = rng.uniform(-4, 4, (1024, 1024)).astype(dt); b = rng.uniform(-4, 4, (1024, 1024)).astype(dt)
    out["dot_" + dt] = best(lambda: a @ b, 7)
# The training step as a NumPy user writes it (what Theano's BLAS path runs: two
# GEMVs and elementwise loops), 400×784 float64, stable cross-entropy.
x = rng.uniform(0, 1, (400, 784)); y = (rng.uniform(0, 1, 400) < 0.5).astype(np.float64)
state = {"w": rng.uniform(0, 1, 784), "b": 0.0}
def step():
    w, b = state["w"], state["b"]
    z = x @ w + b
    p = 1 / (1 + np.exp(-z))
    cost = (y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)).mean() + 0.01 * (w * w).sum()
    g = (p - y) / len(y)
    state["w"] = w - 0.1 * (x.T @ g + 0.02 * w)
    state["b"] = b - 0.1 * g.sum()
    return p > 0.5, cost
def steps():
    for _ in range(1000): step()
out["lr_steps_per_s"] = 1e6 / best(steps, 7)
print(json.dumps(out))`;
  const rows: string[][] = [];
  for (const threads of ["1", "2"]) {
    const env = { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
    const res = await new Deno.Command("python3", { args: ["-c", script], env, stdout: "piped" }).output();
    const r = JSON.parse(new TextDecoder().decode(res.stdout));
    const g = (ms: number) => ((2 * 1024 ** 3) / ms / 1e6).toFixed(1);
    rows.push([
      `NumPy ${r.version}, OpenBLAS ${threads} thread(s)${
        r.coretype ? `, OPENBLAS_CORETYPE=${r.coretype}` : ""
      }`,
      fmt(r.logistic_float32),
      fmt(r.logistic_float64),
      `${fmt(r.dot_float32)} ms, ${g(r.dot_float32)}`,
      `${fmt(r.dot_float64)} ms, ${g(r.dot_float64)}`,
      Math.round(r.lr_steps_per_s).toString(),
    ]);
  }
  return rows;
}

console.log(
  `\nHypatia WebAssembly engine, ${navigator.userAgent}, tfjs-backend-wasm ${tf.version_core} ` +
    `(${getThreadsCount()} thread(s)), ${navigator.hardwareConcurrency} cores\n`,
);
console.log("Logistic 1/(1+exp(-x)) over 1,000,000 elements, ms: best (median)\n");
console.log(table(
  [
    "workload",
    "Hypatia wasm",
    "wasm, shared x",
    "Hypatia JS",
    "hand loop",
    "tfjs-wasm sigmoid",
    "tfjs-wasm 4 ops",
    "tf.sigmoid / wasm",
    "tf.sigmoid / shared",
  ],
  logisticRows,
));
console.log("\nSquare matrix product, best: ms, GFLOP/s (2n³ / time)\n");
console.log(table(
  ["workload", "Hypatia wasm, 1 thread", `Hypatia wasm, ${usable} threads`, "Hypatia JS", "tfjs-wasm"],
  dotRows,
));
console.log("\nLogistic regression (scripts/logistic_regression.ts's graph), steps/s: best (median)\n");
console.log(table(["workload", "Hypatia wasm", `Hypatia wasm, ${usable} threads`, "Hypatia JS"], lrRows));
if (numpyRows.length) {
  console.log(
    "\nNumPy on the same machine: logistic ms; 1024×1024 matmul ms, GFLOP/s; the training step by hand, steps/s\n",
  );
  console.log(
    table(
      ["NumPy", "logistic f32", "logistic f64", "dot 1024 f32", "dot 1024 f64", "training step"],
      numpyRows,
    ),
  );
}
