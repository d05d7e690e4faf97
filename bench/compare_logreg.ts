/**
 * Issue 3's figures, in one process: the tutorial logistic-regression training step
 * (400 × 784, float32 and float64) in Hypatia against TensorFlow.js (tfjs-core +
 * tfjs-backend-cpu, `tf.variableGrads`, float32 only) and a hand-written loop; and
 * compile times (grad + optimise + code generation) of that step and of the gradient
 * of a 1,000-node graph.
 *
 *   deno run --allow-read --allow-env bench/compare_logreg.ts [--quick]
 * @module
 */
import { parseArgs } from "node:util";
// The union package: tfjs-core alone registers no gradients, so variableGrads needs it.
import * as tf from "@tensorflow/tfjs";
import * as T from "../mod.ts";
import { buildElementwiseGraph, timeAll } from "./common.ts";

const { values: opts } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
const rounds = opts.quick ? 5 : 30;
const N = 400, FEATS = 784;

function data(dtype: "float32" | "float64") {
  const rand = T.seededRandom(7);
  const x = new T.NDArray(dtype, [N, FEATS]);
  for (let i = 0; i < x.size; i++) x.data[i] = rand() * 2 - 1;
  const y = new T.NDArray(dtype, [N]);
  for (let i = 0; i < N; i++) y.data[i] = rand() < 0.5 ? 0 : 1;
  const w0 = new T.NDArray(dtype, [FEATS]);
  for (let i = 0; i < FEATS; i++) w0.data[i] = (rand() * 2 - 1) * 0.01;
  return { x, y, w0 };
}

/** The tutorial's model and its compiled training step. */
function hypatiaStep(dtype: "float32" | "float64", d = data(dtype)) {
  const { x: xv, y: yv, w0 } = d;
  const x = new T.TensorType(dtype, [null, null]).make("x"), y = new T.TensorType(dtype, [null]).make("y");
  const w = T.shared(w0, { name: "w" }), b = T.shared(0, { name: "b", dtype });
  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const train = T.function([x, y], [T.gt(p1, 0.5), xent], {
    updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
  });
  return () => train(xv, yv);
}

/** Time of building the tutorial's step from scratch: graph, grad, optimise, codegen. */
const logregData = data("float64");
function compileLogreg(): number {
  const t0 = performance.now();
  hypatiaStep("float64", logregData);
  return performance.now() - t0;
}

function compileGrad1000(): number {
  const t0 = performance.now();
  const { x, y } = buildElementwiseGraph(1000);
  const g = T.grad(T.sum(y), x);
  T.function([x], g);
  return performance.now() - t0;
}

/** The same step in tfjs: variables, variableGrads, and the same update. */
function tfjsStep() {
  const { x: xv, y: yv, w0 } = data("float32");
  const x = tf.tensor2d(xv.data as Float32Array, [N, FEATS]);
  const y = tf.tensor1d(yv.data as Float32Array);
  const w = tf.variable(tf.tensor1d(w0.data as Float32Array));
  const b = tf.variable(tf.scalar(0));
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const p1 = tf.sigmoid(tf.add(tf.squeeze(tf.matMul(x, tf.expandDims(w, 1)), [1]), b));
        const xent = tf.sub(tf.mul(tf.neg(y), tf.log(p1)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p1))));
        return tf.add(tf.mean(xent), tf.mul(0.01, tf.sum(tf.square(w)))) as tf.Scalar;
      }, [w, b]);
      w.assign(tf.sub(w, tf.mul(0.1, grads[w.name])));
      b.assign(tf.sub(b, tf.mul(0.1, grads[b.name])));
      return value.dataSync();
    });
}

/** A hand-written float64 step (gemv, logistic, gemv), the JS limit. */
function handStep() {
  const { x: xv, y: yv, w0 } = data("float64");
  const x = xv.data as Float64Array, y = yv.data as Float64Array, w = Float64Array.from(w0.data);
  let b = 0;
  const g = new Float64Array(N), gw = new Float64Array(FEATS);
  return () => {
    let gb = 0;
    for (let i = 0; i < N; i++) {
      let z = b;
      for (let j = 0, o = i * FEATS; j < FEATS; j++) z += x[o + j] * w[j];
      const p = 1 / (1 + Math.exp(-z));
      g[i] = (p - y[i]) / N;
      gb += g[i];
    }
    gw.fill(0);
    for (let i = 0; i < N; i++) {
      const gi = g[i];
      for (let j = 0, o = i * FEATS; j < FEATS; j++) gw[j] += gi * x[o + j];
    }
    for (let j = 0; j < FEATS; j++) w[j] -= 0.1 * (gw[j] + 0.02 * w[j]);
    b -= 0.1 * gb;
  };
}

await tf.setBackend("cpu");
await tf.ready();
const compileTimes = Array.from({ length: opts.quick ? 3 : 10 }, compileLogreg).sort((a, b) => a - b);
const grad1000 = Array.from({ length: opts.quick ? 3 : 10 }, compileGrad1000).sort((a, b) => a - b);
const t = timeAll({
  "hypatia float64": hypatiaStep("float64"),
  "hypatia float32": hypatiaStep("float32"),
  "tfjs-cpu float32": tfjsStep(),
  "hand-written float64": handStep(),
}, { rounds, warmup: 5 });

const sps = (ms: number) => (1000 / ms).toFixed(0);
console.log(
  `logistic-regression training step, ${N}×${FEATS} (best / median ms, steps per second from best)`,
);
for (const [k, v] of Object.entries(t)) {
  console.log(`  ${k.padEnd(22)} ${v.best.toFixed(3)} / ${v.median.toFixed(3)} ms   ${sps(v.best)} steps/s`);
}
const ratio = t["tfjs-cpu float32"].best / t["hypatia float32"].best;
console.log(`  hypatia float32 vs tfjs-cpu: ${ratio.toFixed(2)}× the steps per second (target ≥ 2×)`);
console.log(
  `compile the step (graph + grad + optimise + codegen): best ${compileTimes[0].toFixed(1)} ms, ` +
    `median ${compileTimes[compileTimes.length >> 1].toFixed(1)} ms (target < 20 ms)`,
);
console.log(
  `gradient of a 1,000-node graph, built and compiled: best ${grad1000[0].toFixed(1)} ms, ` +
    `median ${grad1000[grad1000.length >> 1].toFixed(1)} ms (target < 100 ms)`,
);
