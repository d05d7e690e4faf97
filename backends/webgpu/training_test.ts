/**
 * The logistic-regression tutorial (scripts/logistic_regression.ts) in float32 on
 * WebGPU: every node of the training step runs on the GPU, the parameters stay there,
 * a step without outputs reads nothing back, and training agrees with the CPU backend.
 *
 * Tolerance: after 30 steps the weights agree within 1e-4 absolute (each step's
 * gradient is a float32 matrix-vector product of 400 terms; the CPU sums in float64).
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { acquireDevice } from "./device.ts";
import { quietly, randomF32 } from "./kernel_test_util.ts";
import { requireAdapter, rng } from "./test_util.ts";

await requireAdapter();

const N = 400, FEATS = 784;

/** The tutorial's model in floatX = float32: inputs, outputs and updates. */
function model(w0: T.NDArray) {
  return float32(() => {
    const x = T.matrix("x"), y = T.vector("y");
    const w = T.shared(w0, { name: "w" });
    const b = T.shared(0, { name: "b", dtype: "float32" });
    const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
    const prediction = T.gt(p1, 0.5);
    const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
    const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
    const [gw, gb] = T.grad(cost, [w, b]);
    const updates: [T.SharedVariable, T.Variable][] = [[w, T.sub(w, T.mul(0.1, gw))], [
      b,
      T.sub(b, T.mul(0.1, gb)),
    ]];
    return { x, y, w, b, outs: [prediction, cost], updates };
  });
}

/** Run `f` with config.floatX = "float32". */
function float32<R>(f: () => R): R {
  const saved = T.config.floatX;
  T.config.floatX = "float32";
  try {
    return f();
  } finally {
    T.config.floatX = saved;
  }
}

const data = randomF32([N, FEATS], 1, 1.5);
const r = rng(2);
const labels = T.asarray(Float32Array.from({ length: N }, () => (r() < 0.5 ? 0 : 1)));
const w0 = randomF32([FEATS], 3, 0.05);

function onGpu(w0: T.NDArray) {
  const m = model(w0);
  const train = float32(() =>
    quietly(() => T.function([m.x, m.y], m.outs, { updates: m.updates, device: "webgpu" }))
  );
  const step = float32(() =>
    quietly(() => T.function([m.x, m.y], [], { updates: m.updates, device: "webgpu" }))
  );
  return { ...m, train, step };
}

function onCpu(w0: T.NDArray) {
  const m = model(w0);
  return {
    ...m,
    train: float32(() => T.function([m.x, m.y], m.outs, { updates: m.updates })),
    step: float32(() => T.function([m.x, m.y], [], { updates: m.updates })),
  };
}

Deno.test("logistic regression in float32: the whole training step runs on the GPU", () => {
  const { train, step } = onGpu(w0);
  for (const f of [train, step]) {
    const off = f.placement.filter((p) => p.device === "cpu");
    assert.deepEqual(off.map((p) => `${p.label}: ${p.reason}`), [], "every node on the GPU");
    assert.ok(f.placement.some((p) => p.node.op.name === "dot"));
  }
  // In float64 the same model stays on the CPU node by node, and says why.
  const x = T.dmatrix("x"), w = T.shared(new Float64Array(3), { name: "w64" });
  const g = quietly(() => T.function([x], T.dot(x, w), { device: "webgpu" }));
  assert.match(g.placement[0].reason ?? "", /float64/);
});

Deno.test("logistic regression in float32: GPU training agrees with the CPU; update-only steps read nothing back", async () => {
  const gpu = onGpu(w0), cpu = onCpu(w0);
  for (let i = 0; i < 10; i++) {
    const [gp, gc] = await gpu.train(data, labels);
    const [cp, cc] = cpu.train(data, labels);
    assert.ok(
      Math.abs(gc.item() - cc.item()) <= 1e-5 * (1 + Math.abs(cc.item())),
      `cost ${gc.item()} vs ${cc.item()}`,
    );
    const differ = gp.data.filter((v, k) => v !== cp.data[k]).length;
    assert.ok(
      differ <= 2,
      `step ${i}: ${differ} predictions differ (probabilities at 0.5 may round either way)`,
    );
  }
  const ctx = await acquireDevice();
  const before = ctx.stats.readbacks;
  for (let i = 0; i < 20; i++) {
    await gpu.step(data, labels);
    cpu.step(data, labels);
  }
  assert.equal(ctx.stats.readbacks, before, "update-only steps read nothing back");
  const [wg, wc] = [await gpu.w.read(), cpu.w.getValue()];
  let worst = 0;
  for (let k = 0; k < FEATS; k++) worst = Math.max(worst, Math.abs(wg.data[k] - wc.data[k]));
  assert.ok(worst <= 1e-4, `weights differ by up to ${worst}`);
  assert.ok(Math.abs((await gpu.b.read()).item() - cpu.b.getValue().item()) <= 1e-4);
});
