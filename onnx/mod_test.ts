/**
 * toOnnx against ONNX Runtime (onnxruntime-web's wasm build): the README's tour functions,
 * the logistic regression (prediction, cost, gradient, ten training steps), an RNN and its
 * gradient through scan, softmax and matmul in float32; the refusals; every model exported
 * here is validated by ONNX's checker at the end.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { toOnnx } from "./mod.ts";
import { decodeModel } from "./encode.ts";
import { ONNX_PROTO } from "./onnx_proto.ts";
import {
  assertClose,
  checkModels,
  compareWithOrt,
  exported,
  hasOnnxChecker,
  inputNames,
  runOnnx,
} from "./test_util.ts";

const f64 = (v: number[] | number[][], shape?: number[]) => T.asarray(v.flat(), { dtype: "float64", shape });
const f32 = (v: number[], shape: number[]) => T.asarray(v, { dtype: "float32", shape });

Deno.test("onnx: the vendored onnx.proto and the string the entry parses are the same text", async () => {
  const file = await Deno.readTextFile(new URL("./vendor/onnx.proto", import.meta.url));
  assert.equal(ONNX_PROTO, file);
});

Deno.test("onnx: the README tour's functions run in ONNX Runtime with Hypatia's results", async () => {
  const x = T.dmatrix("x");
  const logistic = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
  await compareWithOrt(logistic, [f64([[0, 1], [-1, -2]], [2, 2])], { what: "logistic" });

  const [a, b] = T.dvectors("a", "b");
  const diff = T.sub(a, b);
  const three = T.function([a, b], [diff, T.abs(diff), T.sqr(diff)]);
  await compareWithOrt(three, [f64([1, 1]), f64([0, 2])], { what: "diff" });

  const gx = T.function([x], T.grad(T.sum(T.sigmoid(x)), x));
  await compareWithOrt(gx, [f64([[0, 1]], [1, 2])], { what: "grad of sigmoid" });

  const v = T.dvector("v");
  const hess = T.function([v], T.hessian(T.sum(T.pow(v, 3)), v));
  await compareWithOrt(hess, [f64([1, 2])], { what: "hessian" });

  const k = T.iscalar("k"), A = T.dvector("A");
  const [powers] = T.scan({
    fn: (prior: T.Variable, A: T.Variable) => T.mul(prior, A),
    outputsInfo: T.onesLike(A),
    nonSequences: A,
    nSteps: k,
  });
  const power = T.function([A, k], powers.get(-1));
  await compareWithOrt(power, [f64([0, 1, 2, 3]), T.asarray([2], { dtype: "int32", shape: [] })], {
    what: "scan power",
  });
});

Deno.test("onnx: In defaults are initializers a caller may leave out", async () => {
  const x = T.dmatrix("x");
  const [y, w] = T.dscalars("y", "w");
  const h = T.function(
    [x, new T.In(y, { value: 1 }), new T.In(w, { value: 2, name: "wByName" })],
    T.add(T.sum(x), T.mul(y, w)),
  );
  const model = toOnnx(h);
  exported.push(model);
  assert.deepEqual(inputNames(model), ["x", "y", "wByName"]);
  const graph = decodeModel(model).graph as { initializer: { name: string }[] };
  const initializers = graph.initializer.map((i) => i.name);
  assert.ok(initializers.includes("y") && initializers.includes("wByName") && !initializers.includes("x"));
  // onnxruntime-web takes only the inputs without a value (onnxruntime-node also takes the others).
  const out = await runOnnx(model, { x: f64([[1]], [1, 1]) });
  assert.equal(out.output_0.item(), 3);
});

/** The tutorial's logistic regression on `n` examples of `feats` features. */
function logistic(n: number, feats: number, seed: number) {
  const rand = T.seededRandom(seed);
  const data = T.asarray(Float64Array.from({ length: n * feats }, () => rand() * 2 - 1), {
    shape: [n, feats],
  });
  const labels = T.asarray(Float64Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)));
  const x = T.dmatrix("x"), y = T.dvector("y");
  const w = T.shared(Float64Array.from({ length: feats }, () => rand() - 0.5), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float64" });
  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
  const prediction = T.gt(p1, 0.5);
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);
  return { data, labels, x, y, w, b, prediction, cost, gw, gb };
}

Deno.test("onnx: logistic regression: prediction, cost and gradient match Hypatia's", async () => {
  const m = logistic(40, 7, 3);
  const f = T.function([m.x, m.y], [m.prediction, m.cost, m.gw, m.gb]);
  await compareWithOrt(f, [m.data, m.labels], { rtol: 1e-12, atol: 1e-14, what: "logistic" });
});

Deno.test("onnx: ten training steps in ONNX Runtime end where ten Hypatia steps end", async () => {
  const m = logistic(40, 7, 5);
  const train = T.function([m.x, m.y], [m.prediction, m.cost], {
    updates: [[m.w, T.sub(m.w, T.mul(0.1, m.gw))], [m.b, T.sub(m.b, T.mul(0.1, m.gb))]],
  });
  const model = toOnnx(train, { sharedAsInputs: true });
  exported.push(model);
  assert.deepEqual(inputNames(model), ["x", "y", "w", "b"]);
  let w = m.w.getValue(), b = m.b.getValue();
  for (let i = 0; i < 10; i++) {
    const out = await runOnnx(model, { x: m.data, y: m.labels, w, b });
    w = out.w_update;
    b = out.b_update;
    const [, cost] = train(m.data, m.labels);
    assertClose(out.output_1, cost, 1e-12, 1e-14, `cost at step ${i + 1}`);
  }
  assertClose(w, m.w.getValue(), 1e-12, 1e-14, "w after 10 steps");
  assertClose(b, m.b.getValue(), 1e-12, 1e-14, "b after 10 steps");

  // Without sharedAsInputs the current values are initializers: the model predicts as trained.
  const predict = T.function([m.x], m.prediction);
  await compareWithOrt(predict, [m.data], { what: "trained prediction" });
});

Deno.test("onnx: softmax of a matrix product in float32", async () => {
  const x = T.matrix("x", "float32"), w = T.matrix("w", "float32");
  const f = T.function([x, w], [T.softmax(T.dot(x, w)), T.logSoftmax(T.dot(x, w)), T.dot(x, w)]);
  const rand = T.seededRandom(7);
  const xv = f32(Array.from({ length: 5 * 4 }, () => rand() * 4 - 2), [5, 4]);
  const wv = f32(Array.from({ length: 4 * 3 }, () => rand() * 4 - 2), [4, 3]);
  await compareWithOrt(f, [xv, wv], { rtol: 1e-5, atol: 1e-6, what: "float32 softmax" });
});

Deno.test("onnx: an RNN through scan, and its gradient (backpropagation through time)", async () => {
  const xs = T.dmatrix("xs"), h0 = T.dvector("h0");
  const W = T.shared(f64([[0.5, -0.3, 0.1], [0.2, 0.4, -0.6], [-0.1, 0.3, 0.2]], [3, 3]), "W");
  const U = T.shared(f64([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4]], [2, 3]), "U");
  const [hs] = T.scan({
    fn: (x: T.Variable, h: T.Variable) => T.tanh(T.add(T.dot(h, W), T.dot(x, U))),
    sequences: xs,
    outputsInfo: h0,
  });
  const cost = T.sum(T.sqr(hs));
  const [gW, gU, gh0] = T.grad(cost, [W, U, h0]);
  const f = T.function([xs, h0], [hs, cost, gW, gU, gh0]);
  const rand = T.seededRandom(11);
  const xv = f64(Array.from({ length: 6 * 2 }, () => rand() * 2 - 1), [6, 2]);
  await compareWithOrt(f, [xv, f64([0.1, -0.2, 0.3])], { rtol: 1e-10, atol: 1e-12, what: "rnn" });
});

Deno.test("onnx: a truncated gradient through scan (truncateGradient) exports and matches", async () => {
  const xs = T.dvector("xs"), h0 = T.dscalar("h0");
  const [hs] = T.scan({
    fn: (x: T.Variable, h: T.Variable) => T.tanh(T.add(T.mul(h, 0.9), x)),
    sequences: xs,
    outputsInfo: h0,
    truncateGradient: 2,
  });
  const [g, gx] = T.grad(T.sum(hs), [h0, xs]);
  const f = T.function([xs, h0], [hs, g, gx]);
  await compareWithOrt(f, [f64([0.1, -0.4, 0.3, 0.8, -0.2]), T.asarray(0.5, { dtype: "float64" })], {
    rtol: 1e-12,
    atol: 1e-14,
    what: "truncated BPTT",
  });
});

Deno.test("onnx: scan helpers export too: map, foldl, and checkpointed scan (a scan inside a scan) with its gradient", async () => {
  const x = T.dvector("x"), h0 = T.dscalar("h0");
  const [hs] = T.scanCheckpoints({
    fn: (xt: T.Variable, h: T.Variable) => T.tanh(T.add(h, xt)),
    sequences: x,
    outputsInfo: h0,
    saveEveryN: 4,
  });
  const hT = T.get(hs, -1);
  const g = T.grad(hT, h0);
  const [squares] = T.map((v: T.Variable) => T.sqr(v), x);
  const [total] = T.foldl((v: T.Variable, acc: T.Variable) => T.add(acc, v), x, h0);
  const f = T.function([x, h0], [hs, hT, g, squares, total]);
  await compareWithOrt(f, [f64([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), T.asarray(0.3, { dtype: "float64" })], {
    rtol: 1e-12,
    atol: 1e-14,
    what: "scan helpers",
  });
});

Deno.test("onnx: shapes the type leaves unknown are symbolic dimensions; known ones are lengths", () => {
  const x = T.tensor("x", { dtype: "float32", shape: [null, 3] });
  const model = toOnnx(T.function([x], T.exp(x)));
  const graph = decodeModel(model).graph as {
    input: { type: { tensor_type: { elem_type: number; shape: { dim: Record<string, unknown>[] } } } }[];
  };
  const t = graph.input[0].type.tensor_type;
  assert.equal(t.elem_type, 1);
  assert.deepEqual(t.shape.dim, [{ dim_param: "x_dim0" }, { dim_value: 3 }]);
  assert.equal((decodeModel(model).opset_import as { version: number }[])[0].version, 17);
});

Deno.test("onnx: unnamed inputs and taken names get names of their own; outputs and updates are named", () => {
  const x = T.dvector(), y = T.dvector("x");
  const s = T.shared(T.asarray([1, 2], { dtype: "float64" }), "x"),
    t = T.shared(T.asarray([3, 4], { dtype: "float64" }));
  const f = T.function([x, y], [T.add(x, s), T.mul(y, t)], { updates: [[s, T.add(s, 1)], [t, T.mul(t, 2)]] });
  const graph = decodeModel(toOnnx(f, { sharedAsInputs: true })).graph as {
    input: { name: string }[];
    output: { name: string }[];
  };
  const ins = graph.input.map((i) => i.name), outs = graph.output.map((o) => o.name);
  assert.equal(ins.length, 4);
  assert.equal(new Set(ins).size, 4);
  assert.deepEqual(ins.slice(0, 2), ["input0", "x"]);
  assert.match(ins[2], /^x_\d+$/); // the shared "x": its name was taken by the input
  assert.equal(ins[3], "shared1");
  assert.deepEqual(outs, ["output_0", "output_1", `${ins[2]}_update`, "shared1_update"]);
});

Deno.test("onnx: a function drawing random numbers is refused, naming the node and the line", () => {
  const srng = new T.MRGRandomStreams(1);
  const x = T.dvector("x");
  const f = T.function([x], T.add(x, srng.uniform([3]))); // the line named below
  assert.throws(
    () => toOnnx(f),
    (e: Error) =>
      e instanceof T.InputError && /mrg_random/.test(e.message) && /mod_test\.[jt]s:\d+/.test(e.message) &&
      /random/.test(e.message) && /nothing was written/.test(e.message),
  );
});

Deno.test("onnx: an op or dtype with no ONNX rule is refused, naming the node and the line", () => {
  const a = T.ivector("a"), b = T.ivector("b");
  const f = T.function([a, b], T.and(a, b)); // bitwise and of int32: opset 18
  assert.throws(
    () => toOnnx(f),
    (e: Error) =>
      e instanceof T.InputError && /and/.test(e.message) && /opset 18/.test(e.message) &&
      /mod_test\.[jt]s:\d+/.test(e.message),
  );
});

Deno.test("onnx: options are checked and only compiled functions are taken", () => {
  const x = T.dvector("x");
  const f = T.function([x], T.exp(x));
  assert.throws(() => toOnnx(f, { sharedAsInput: true } as never), /sharedAsInputs/);
  assert.throws(() => toOnnx((() => 1) as never), /compiled function/);
  const named = decodeModel(toOnnx(f, { name: "expo" })).graph as { name: string };
  assert.equal(named.name, "expo");
});

Deno.test({
  name: "onnx: ONNX's checker accepts every model exported by these tests",
  ignore: !hasOnnxChecker() && !Deno.env.get("CI"),
  fn() {
    assert.ok(exported.length >= 10);
    checkModels(exported);
  },
});
