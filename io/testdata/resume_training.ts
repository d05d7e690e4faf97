/**
 * A small noisy logistic regression (Theano's tutorial model on 60 examples of 8
 * features, with MRG Gaussian weight noise and NumPy-kind input dropout, so the random
 * state matters) used by io/model_test.ts to check that a model saved after N steps and
 * loaded into a fresh process continues with exactly the numbers of an uninterrupted run.
 *
 * Run: `deno run --allow-read --allow-write io/testdata/resume_training.ts save 5 /tmp/m.npz`
 * then `... resume 7 /tmp/m.npz`; each prints a JSON line `{ costs, w, b }`.
 * @module
 */
import * as T from "../../mod.ts";
import { loadModel, saveModel } from "../mod.ts";

/** Builds the model; `step()` trains once and returns the cost. */
export function build(): {
  step: () => number;
  spec: Parameters<typeof saveModel>[1];
  result: (costs: number[]) => { costs: number[]; w: number[]; b: number };
} {
  const N = 60, feats = 8;
  const rand = T.seededRandom(3);
  const data = T.asarray(Float64Array.from({ length: N * feats }, () => 2 * rand() - 1), {
    shape: [N, feats],
  });
  const labels = T.asarray(Float64Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)));
  const x = T.dmatrix("x"), y = T.dvector("y");
  const w = T.shared(Float64Array.from({ length: feats }, () => rand() - 0.5), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float64" });
  const mrg = new T.MRGRandomStreams(1234);
  const np = new T.RandomStreams(99);
  const noisyW = T.add(w, T.mul(0.01, mrg.normal([feats])));
  const keep = np.binomial([N, feats], { p: 0.9 });
  const xin = T.mul(x, keep);
  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(xin, noisyW)), b))));
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);
  const train = T.function([x, y], cost, {
    updates: [[w, T.sub(w, T.mul(0.5, gw))], [b, T.sub(b, T.mul(0.5, gb))]],
  });
  return {
    step: () => (train(data, labels) as T.NDArray).item(),
    spec: { functions: [train], randomStreams: [mrg, np] },
    result: (costs) => ({ costs, w: Array.from(w.getValue().data), b: b.getValue().item() }),
  };
}

if (import.meta.main) {
  const [mode, steps, file] = Deno.args;
  const m = build();
  if (mode === "resume") await loadModel(file, m.spec);
  const costs = Array.from({ length: Number(steps) }, () => m.step());
  if (mode === "save") await saveModel(file, m.spec);
  console.log(JSON.stringify(m.result(costs)));
}
