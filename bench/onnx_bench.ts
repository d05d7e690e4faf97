/**
 * The ONNX export (issue 20): how long `toOnnx` takes, and the exported models in ONNX
 * Runtime (onnxruntime-web's WebAssembly build, one thread) against the same functions in
 * Hypatia on the CPU: the tutorial's logistic regression (400 × 784) predictor and training
 * step, in float64 and float32, and an RNN's loss and BPTT gradient through scan (a Loop).
 * Rounds alternate between the contenders; ms, best / median of `--rounds` rounds.
 *
 *   deno run --allow-read --allow-env bench/onnx_bench.ts [--rounds 15]
 */
import { parseArgs } from "node:util";
// deno-lint-ignore no-import-prefix
import * as ort from "npm:onnxruntime-web@1.31.1";
import * as T from "../mod.ts";
import { toOnnx } from "../onnx/mod.ts";
import { markdownTable, randomArray, summarize } from "./common.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "15" } } });
const rounds = Number(values.rounds);
ort.env.wasm.numThreads = 1;

const tensor = (a: T.NDArray) =>
  new ort.Tensor(a.dtype as "float64" | "float32", a.data as Float64Array, [...a.shape]);

interface Case {
  name: string;
  f: T.CompiledFunction;
  args: T.NDArray[];
  options?: { sharedAsInputs: boolean };
  /** Extra feeds (the shared variables, when they are inputs). */
  shared?: T.SharedVariable[];
}

function logistic(dtype: "float32" | "float64"): Case[] {
  const x = T.matrix("x", dtype), y = T.vector("y", dtype);
  const w = T.shared(randomArray(dtype, [784]), "w"), b = T.shared(T.asarray(0, { dtype }), "b");
  const p1 = T.sigmoid(T.add(T.dot(x, w), b));
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.sqr(w))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const data = randomArray(dtype, [400, 784]);
  const labels = T.asarray(Array.from({ length: 400 }, (_, i) => i % 2), { dtype });
  return [
    { name: `logistic predictor, ${dtype}`, f: T.function([x], T.gt(p1, 0.5)), args: [data] },
    {
      name: `logistic training step, ${dtype}`,
      // No updates: each round computes the step from the same values on both sides.
      f: T.function([x, y], [cost, T.sub(w, T.mul(0.1, gw)), T.sub(b, T.mul(0.1, gb))]),
      args: [data, labels],
    },
  ];
}

function rnn(): Case {
  const xs = T.dmatrix("xs"), h0 = T.dvector("h0");
  const W = T.shared(randomArray("float64", [32, 32]), "W"),
    U = T.shared(randomArray("float64", [8, 32]), "U");
  const [hs] = T.scan({
    fn: (x: T.Variable, h: T.Variable) => T.tanh(T.add(T.dot(h, T.mul(W, 0.1)), T.dot(x, U))),
    sequences: xs,
    outputsInfo: h0,
  });
  const cost = T.sum(T.sqr(hs));
  const [gW, gU] = T.grad(cost, [W, U]);
  return {
    name: "RNN loss and BPTT, 100 steps of 32 units, float64",
    f: T.function([xs, h0], [cost, gW, gU]),
    args: [randomArray("float64", [100, 8]), randomArray("float64", [32])],
  };
}

const cases = [...logistic("float64"), ...logistic("float32"), rnn()];
const rows: string[][] = [];
for (const c of cases) {
  const t0 = performance.now();
  const model = toOnnx(c.f);
  const exportMs = performance.now() - t0;
  const session = await ort.InferenceSession.create(model);
  const feeds = Object.fromEntries(session.inputNames.map((n, k) => [n, tensor(c.args[k])]));
  const hyp: number[] = [], onnx: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    let s = performance.now();
    c.f(...c.args);
    const th = performance.now() - s;
    s = performance.now();
    await session.run(feeds);
    const to = performance.now() - s;
    if (r >= 2) hyp.push(th), onnx.push(to);
  }
  await session.release();
  const h = summarize(hyp), o = summarize(onnx);
  rows.push([
    c.name,
    exportMs.toFixed(1),
    `${(model.length / 1024).toFixed(1)}`,
    `${h.best.toFixed(2)} / ${h.median.toFixed(2)}`,
    `${o.best.toFixed(2)} / ${o.median.toFixed(2)}`,
  ]);
}
console.log(markdownTable(
  [
    "function",
    "toOnnx ms",
    "model KiB",
    "Hypatia CPU ms (best / median)",
    "ONNX Runtime web ms (best / median)",
  ],
  rows,
));
