/**
 * Train the tutorial's logistic regression, export it to ONNX, and run it back through
 * ONNX Runtime (onnxruntime-web's WebAssembly build, which needs no download): the
 * exported predictor gives Hypatia's probabilities and predictions, and the exported
 * training step (shared variables as inputs, updates as outputs) takes the step Hypatia
 * takes.
 *
 * Run: `deno run --allow-read --allow-env scripts/export_onnx.ts [--steps 200] [--out model.onnx]`
 * (`--out` also needs `--allow-write`), or `bun scripts/export_onnx.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as T from "../mod.ts";
import { toOnnx } from "../onnx/mod.ts";
import { usage } from "./lib/usage.ts";

const HELP = `${usage("scripts/export_onnx.ts", "[options]", ["--allow-read", "--allow-env"])}

  --steps N     training steps before the export (default 200)
  --examples N  training examples (default 400; 784 features each)
  --seed S      seed of the data and the initial weights (default 1)
  --out FILE    also write the trained predictor's model to FILE
  -h, --help    this text`;

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "200" },
    examples: { type: "string", default: "400" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) console.log(HELP);
else await main(Number(values.steps), Number(values.examples), Number(values.seed), values.out);

async function main(steps: number, n: number, seed: number, out?: string) {
  // The runtime is loaded only when the script runs (not for --help).
  // deno-lint-ignore no-import-prefix
  const ort = await import("npm:onnxruntime-web@1.31.1");
  ort.env.wasm.numThreads = 1;
  const feats = 784, rand = T.seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const data = T.asarray(Float64Array.from({ length: n * feats }, normal), { shape: [n, feats] });
  const labels = T.asarray(Float64Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)));

  const x = T.dmatrix("x"), y = T.dvector("y");
  const w = T.shared(Float64Array.from({ length: feats }, normal), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float64" });
  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
  const prediction = T.gt(p1, 0.5);
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const train = T.function([x, y], cost, {
    updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
  });
  const predict = T.function([x], [p1, prediction]);

  let c = NaN;
  for (let i = 0; i < steps; i++) c = train(data, labels).item();
  console.log(`trained ${steps} steps in Hypatia: cost ${c.toFixed(6)}`);

  // The predictor: the trained weights are initializers of the model.
  const model = toOnnx(predict, { name: "logistic_regression" });
  console.log(`exported the predictor: ${model.length} bytes of ONNX (opset 17)`);
  if (out) {
    writeFileSync(out, model);
    console.log(`written to ${out}`);
  }
  const tensor = (a: T.NDArray) => new ort.Tensor("float64", a.data as Float64Array, [...a.shape]);
  const session = await ort.InferenceSession.create(model);
  const res = await session.run({ x: tensor(data) });
  await session.release();
  const [p, pred] = predict(data);
  const pOrt = res.output_0.data as Float64Array, predOrt = res.output_1.data as Uint8Array;
  let maxDiff = 0, same = 0, right = 0;
  for (let i = 0; i < n; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(pOrt[i] - p.data[i]));
    if (Number(predOrt[i]) === pred.data[i]) same++;
    if (Number(predOrt[i]) === labels.data[i]) right++;
  }
  console.log(`ONNX Runtime: largest probability difference ${maxDiff.toExponential(2)}`);
  console.log(
    `ONNX Runtime: ${same} of ${n} predictions as Hypatia's; accuracy ${(100 * right / n).toFixed(1)}%`,
  );

  // One training step in ONNX Runtime: shared variables are inputs, updates are outputs.
  const step = toOnnx(train, { sharedAsInputs: true });
  const stepSession = await ort.InferenceSession.create(step);
  const next = await stepSession.run({
    x: tensor(data),
    y: tensor(labels),
    w: tensor(w.getValue()),
    b: tensor(b.getValue()),
  });
  await stepSession.release();
  const costOrt = (next.output_0.data as Float64Array)[0];
  const costHyp = train(data, labels).item();
  const wOrt = next.w_update.data as Float64Array, wHyp = w.getValue().data;
  let wDiff = 0;
  for (let i = 0; i < feats; i++) wDiff = Math.max(wDiff, Math.abs(wOrt[i] - wHyp[i]));
  console.log(
    `one more training step: cost ${costOrt.toFixed(6)} in ONNX Runtime, ${costHyp.toFixed(6)} in Hypatia; ` +
      `largest weight difference ${wDiff.toExponential(2)}`,
  );
}
