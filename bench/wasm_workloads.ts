/**
 * Workloads shared by bench/wasm_bench.ts and bench/compare_wasm.ts.
 * @module
 */
import * as T from "../mod.ts";
import { randomArray } from "./common.ts";
import { engineArray } from "../backends/wasm/engine_array.ts";

/**
 * The tutorial's logistic-regression training step (scripts/logistic_regression.ts's
 * graph: 400 examples of 784 float64 features, shared weights updated by gradient
 * descent) in three forms sharing one graph shape:
 * `input` (the data matrix passed each call), `shared` (the data in a shared
 * variable) and `engineArray` (the data in an array in the engine's memory, passed as
 * an input). Each returns a function running `steps` steps.
 */
export function logisticRegressionForms(): Record<string, (steps: number) => void> {
  const N = 400, feats = 784, rand = T.seededRandom(1);
  const data = randomArray("float64", [N, feats]);
  const labels = T.asarray(Float64Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)));
  const build = (x: T.Variable, y: T.Variable, inputs: T.Variable[]) => {
    const w = T.shared(randomArray("float64", [feats]), { name: "w" });
    const b = T.shared(0, { name: "b", dtype: "float64" });
    const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
    const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
    const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
    const [gw, gb] = T.grad(cost, [w, b]);
    return T.function(inputs, [T.gt(p1, 0.5), cost], {
      updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
    });
  };
  const x = T.dmatrix("x"), y = T.dvector("y");
  const input = build(x, y, [x, y]);
  const xs = T.shared(data, { name: "x" }), ys = T.shared(labels, { name: "y" });
  const sharedFn = build(xs, ys, []);
  const forms: Record<string, (steps: number) => void> = {
    input: (steps) => {
      for (let i = 0; i < steps; i++) input(data, labels);
    },
    shared: (steps) => {
      for (let i = 0; i < steps; i++) sharedFn();
    },
  };
  // The data in an engine array: passed as an input, read in place.
  const resident = engineArray("float64", [N, feats]);
  resident.data.set(data.data);
  forms.engineArray = (steps) => {
    for (let i = 0; i < steps; i++) input(resident, labels);
  };
  return forms;
}

/** The tutorial's form of the step (the data passed each call): runs `steps` steps. */
export function logisticRegression(): (steps: number) => void {
  return logisticRegressionForms().input;
}
