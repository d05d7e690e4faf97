import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { ACT, BCE, BN, CCE } from "./testdata/nnet_ref.ts";

const ACTIVATIONS: [keyof typeof ACT, (x: T.Variable) => T.Variable][] = [
  ["relu", (x) => T.relu(x)],
  ["relu01", (x) => T.relu(x, 0.1)],
  ["elu", (x) => T.elu(x)],
  ["selu", T.selu],
  ["softsign", T.softsign],
  ["hard_sigmoid", T.hardSigmoid],
  ["ultra_fast_sigmoid", T.ultraFastSigmoid],
];

for (const [name, fn] of ACTIVATIONS) {
  Deno.test(`${name} matches Theano's definition (NumPy values), ±inf and NaN included`, () => {
    const x = T.dvector("x");
    const got = T.function([x], fn(x))(ACT.x);
    T.testing.assertAllClose(got, ACT[name], { rtol: 1e-15, atol: 0 });
    got.data.forEach((v, i) =>
      assert.equal(Number.isNaN(v), Number.isNaN(ACT[name][i]), `${name}(${ACT.x[i]})`)
    );
  });
}

Deno.test("activations keep float32 and give floatX for integers", () => {
  for (const [, fn] of ACTIVATIONS) assert.equal(fn(T.fvector("x")).dtype, "float32");
  assert.equal(T.elu(T.ivector("i")).dtype, "float64");
});

Deno.test("activation gradients check numerically away from their kinks (float64 and float32)", () => {
  const pts = [[0.3, -1.2, 2.2, -0.05, 7, -7]]; // hardSigmoid's kinks are at ±2.5
  for (const [, fn] of ACTIVATIONS) T.verifyGrad(fn, pts);
  for (const fn of [T.elu, T.selu, T.softsign]) T.verifyGrad(fn, pts, F32_GRAD);
  T.verifyGrad((x: T.Variable) => T.relu(x, T.constant(0.3)), pts);
});

Deno.test("T.nnet holds Theano's names: relu, sigmoid, softplus, softmax, logsoftmax, crossentropies", () => {
  assert.equal(T.nnet.relu, T.relu);
  assert.equal(T.nnet.sigmoid, T.sigmoid);
  assert.equal(T.nnet.softmax, T.softmax);
  assert.equal(T.nnet.logsoftmax, T.logSoftmax);
  assert.equal(T.nnet.categoricalCrossentropy, T.categoricalCrossentropy);
  assert.equal(T.nnet.batchNormalizationTrain, T.batchNormalizationTrain);
});

Deno.test("binaryCrossentropy matches NumPy; of a sigmoid it becomes softplus terms, finite at ±1000", () => {
  const [q, t] = [T.dvector("q"), T.dvector("t")];
  T.testing.assertAllClose(T.function([q, t], T.binaryCrossentropy(q, t))(BCE.q, BCE.t), BCE.loss, {
    rtol: 1e-14,
  });
  const z = T.dvector("z");
  const f = T.function([z, t], T.binaryCrossentropy(T.sigmoid(z), t));
  assert.match(T.pp(f), /softplus/);
  assert.doesNotMatch(T.pp(f), /sigmoid|log/);
  const zs = [1000, -1000, 40, -40, 0.5], ts = [0, 1, 0.3, 1, 0.2];
  const want = zs.map((v, i) => ts[i] * softplusRef(-v) + (1 - ts[i]) * softplusRef(v));
  T.testing.assertAllClose(f(zs, ts), want, { rtol: 1e-15 });
  // Its gradient, built after the stabilising rewrites, is sigmoid(z) - t and finite there too.
  const g = T.function([z, t], T.grad(T.sum(T.binaryCrossentropy(T.sigmoid(z), t)), z))(zs, ts);
  T.testing.assertAllClose(g, zs.map((v, i) => 1 / (1 + Math.exp(-v)) - ts[i]), {
    rtol: 1e-14,
    atol: 1e-300,
  });
  // Unoptimised, the naive form overflows to inf at z = ±1000: the rewrite is what keeps it finite.
  const naive = T.function([z, t], T.binaryCrossentropy(T.sigmoid(z), t), { mode: "FAST_COMPILE" })(zs, ts);
  assert.equal(naive.data[0], Infinity);
});

function softplusRef(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
}

Deno.test("sigmoidBinaryCrossentropy equals binaryCrossentropy(sigmoid(z)) and its gradient is sigmoid(z) - t, at 0 too", () => {
  const [z, t] = [T.dvector("z"), T.dvector("t")];
  const zs = [0, 3, -2, 1000, -1000], ts = [1, 0, 0.4, 0, 1];
  const [a, b] = T.function([z, t], [
    T.sigmoidBinaryCrossentropy(z, t),
    T.binaryCrossentropy(T.sigmoid(z), t),
  ])(
    zs,
    ts,
  ) as T.NDArray[];
  T.testing.assertAllClose(a, b, { rtol: 1e-15 });
  const g = T.function([z, t], T.grad(T.sum(T.sigmoidBinaryCrossentropy(z, t)), z))(zs, ts);
  T.testing.assertAllClose(g, zs.map((v, i) => 1 / (1 + Math.exp(-v)) - ts[i]), {
    rtol: 1e-15,
    atol: 1e-300,
  });
  T.verifyGrad((u: T.Variable, w: T.Variable) => T.sigmoidBinaryCrossentropy(u, w), [[0.3, -1.2, 2], [
    0.2,
    0.9,
    0.5,
  ]]);
  T.verifyGrad((u: T.Variable, w: T.Variable) => T.binaryCrossentropy(u, w), [[0.3, 0.7, 0.5], [
    0.2,
    0.9,
    0.5,
  ]]);
});

Deno.test("categoricalCrossentropy: one-hot and integer-label forms match NumPy, labels checked", () => {
  const p = T.dmatrix("p"), y = T.lvector("y"), t = T.dmatrix("t");
  const P = T.asarray(CCE.p).reshape([5, 4]);
  const oneHot = CCE.labels.flatMap((l) => [0, 1, 2, 3].map((c) => (c === l ? 1 : 0)));
  const byLabel = T.function([p, y], T.categoricalCrossentropy(p, y));
  T.testing.assertAllClose(byLabel(P, CCE.labels), CCE.loss, { rtol: 1e-14 });
  const byMatrix = T.function([p, t], T.categoricalCrossentropy(p, t))(P, T.asarray(oneHot).reshape([5, 4]));
  T.testing.assertAllClose(byMatrix, CCE.onehotLoss, { rtol: 1e-14 });
  assert.throws(
    () => byLabel(P, [0, 1, 2, 3, 4]),
    (e: Error) => e instanceof T.InputError && /label 4 at position 4/.test(e.message),
  );
  assert.throws(() => byLabel(P, [0, 1, -1, 3, 0]), /label -1 at position 2/);
  assert.throws(() => T.categoricalCrossentropy(p, T.dvector("f")), /class labels must be integers/);
  assert.throws(() => T.categoricalCrossentropy(p, T.lscalar("s")), T.HypatiaTypeError);
});

Deno.test("categoricalCrossentropy of a softmax takes logSoftmax: finite for confident wrong rows, gradient softmax - onehot", () => {
  const x = T.dmatrix("x"), y = T.lvector("y");
  const cost = T.categoricalCrossentropy(T.softmax(x), y);
  const f = T.function([x, y], cost);
  assert.match(T.pp(f), /log_softmax|logSoftmax/);
  assert.deepEqual(Array.from(f([[2000, 0], [0, 0]], [1, 0]).data), [2000, Math.LN2]);
  const Z = T.asarray(CCE.z).reshape([5, 4]);
  const g = T.function([x, y], T.grad(T.sum(cost), x))(Z, CCE.labels);
  const want = CCE.p.map((v, i) => v - (CCE.labels[Math.floor(i / 4)] === i % 4 ? 1 : 0));
  T.testing.assertAllClose(g, T.asarray(want).reshape([5, 4]), { rtol: 1e-12, atol: 1e-15 });
  T.verifyGrad(
    (u: T.Variable) => T.categoricalCrossentropy(T.softmax(u), T.constant(CCE.labels, { dtype: "int64" })),
    [Z],
  );
});

Deno.test("batchNormalizationTrain (spatial, running averages) and batchNormalizationTest match NumPy", () => {
  const stat = (name: string) => new T.TensorType("float64", [1, null, 1, 1]).make(name);
  const x = T.tensor4("x"), g = stat("g"), b = stat("b"), rm = stat("rm"), rv = stat("rv");
  const shape = (s: number[]) => (v: number[]) => T.asarray(v).reshape(s);
  const s4 = shape([4, 3, 2, 2]), s1 = shape([1, 3, 1, 1]);
  const outs = T.batchNormalizationTrain(x, g, b, { axes: "spatial", runningMean: rm, runningVar: rv });
  const got = T.function([x, g, b, rm, rv], outs)(
    s4(BN.x),
    s1(BN.gamma),
    s1(BN.beta),
    s1(BN.runningMean),
    s1(BN.runningVar),
  ) as T.NDArray[];
  const want = [BN.out, BN.mean, BN.invstd, BN.newRunningMean, BN.newRunningVar];
  got.forEach((v, i) => T.testing.assertAllClose(v.data, want[i], { rtol: 1e-13 }));
  assert.deepEqual(got[1].shape, [1, 3, 1, 1]);
  const test = T.batchNormalizationTest(x, g, b, rm, rv, { axes: "spatial" });
  const t = T.function([x, g, b, rm, rv], test)(
    s4(BN.x),
    s1(BN.gamma),
    s1(BN.beta),
    s1(BN.runningMean),
    s1(BN.runningVar),
  );
  T.testing.assertAllClose(t.data, BN.testOut, { rtol: 1e-13 });
});

Deno.test("batchNormalizationTrain gradients check numerically; options are checked", () => {
  const gm = T.constant([[1.5, 0.5, 2]]), bt = T.constant([[0.1, -0.2, 0.3]]);
  T.verifyGrad((u: T.Variable) => T.batchNormalizationTrain(u, gm, bt)[0], [[[1, 2, 3], [4, -1, 0.5], [
    2,
    2,
    -3,
  ]]]);
  T.verifyGrad(
    (u: T.Variable, g: T.Variable) =>
      T.batchNormalizationTrain(T.constant([[1, 2], [3, 5], [0, 1]]), g, u)[0],
    [[[0.1, 0.2]], [[1.5, 0.7]]],
  );
  const x = T.dmatrix("x");
  assert.throws(() => T.batchNormalizationTrain(x, 1, 0, { eps: 1 } as never), /did you mean "epsilon"/);
  assert.throws(() => T.batchNormalizationTrain(x, 1, 0, { axes: [0, 2] }), /axis 2 is out of range/);
  assert.throws(
    () => T.batchNormalizationTrain(x, 1, 0, { runningMean: T.drow("m") }),
    /runningMean and runningVar together/,
  );
  assert.throws(() => T.batchNormalizationTest(x, 1, 0, 0, 1, { epsilon: -1 }), /epsilon must be >= 0/);
});

Deno.test("hSoftmax: the full form sums to 1 over classes·outputs; the target form picks each row's target", () => {
  const rng = T.seededRandom(3);
  const r = (n: number) => Array.from({ length: n }, () => rng() * 2 - 1);
  const sizes = { nClasses: 3, nOutputsPerClass: 2, nOutputs: 6 };
  const X = T.asarray(r(8)).reshape([2, 4]);
  const W1 = T.constant(T.asarray(r(12)).reshape([4, 3])), b1 = T.constant(r(3));
  const W2 = T.constant(T.asarray(r(24)).reshape([3, 4, 2])),
    b2 = T.constant(T.asarray(r(6)).reshape([3, 2]));
  const x = T.dmatrix("x"), y = T.lvector("y");
  const full = T.function([x], T.hSoftmax(x, sizes, W1, b1, W2, b2))(X);
  assert.deepEqual(full.shape, [2, 6]);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(Array.from(full.data.slice(6 * i, 6 * i + 6)).reduce((a, b) => a + b) - 1) < 1e-15);
  }
  // Reference: softmax(x W1 + b1)[c] · softmax(x W2[c] + b2[c])[j], written out.
  const xs = Array.from(X.data), w1 = Array.from(W1.value.data), w2 = Array.from(W2.value.data);
  const sm = (v: number[]) => {
    const m = Math.max(...v), e = v.map((a) => Math.exp(a - m)), s = e.reduce((a, b) => a + b);
    return e.map((a) => a / s);
  };
  for (let i = 0; i < 2; i++) {
    const pc = sm(
      [0, 1, 2].map((c) =>
        b1.value.data[c] + [0, 1, 2, 3].reduce((s, k) => s + xs[4 * i + k] * w1[3 * k + c], 0)
      ),
    );
    for (let c = 0; c < 3; c++) {
      const pw = sm(
        [0, 1].map((j) =>
          b2.value.data[2 * c + j] +
          [0, 1, 2, 3].reduce((s, k) => s + xs[4 * i + k] * w2[8 * c + 2 * k + j], 0)
        ),
      );
      for (let j = 0; j < 2; j++) assert.ok(Math.abs(full.data[6 * i + 2 * c + j] - pc[c] * pw[j]) < 1e-15);
    }
  }
  const picked = T.function([x, y], T.hSoftmax(x, sizes, W1, b1, W2, b2, y))(X, [5, 2]);
  assert.deepEqual(Array.from(picked.data), [full.data[5], full.data[6 + 2]]);
  const cut = T.function([x], T.hSoftmax(x, { ...sizes, nOutputs: 5 }, W1, b1, W2, b2))(X);
  assert.deepEqual(cut.shape, [2, 5]);
  assert.throws(
    () => T.function([x, y], T.hSoftmax(x, { ...sizes, nOutputs: 5 }, W1, b1, W2, b2, y))(X, [5, 0]),
    /label 5/,
  );
  assert.throws(() => T.hSoftmax(x, { ...sizes, nOutputs: 7 }, W1, b1, W2, b2), /exceeds/);
  T.verifyGrad(
    (u: T.Variable) =>
      T.sum(T.log(T.hSoftmax(u, sizes, W1, b1, W2, b2, T.constant([1, 4], { dtype: "int64" })))),
    [X],
  );
});

Deno.test("nnet edges: an empty batch, negative axes for batch normalisation", () => {
  const p = T.dmatrix("p"), y = T.lvector("y");
  const empty = T.asarray([], { dtype: "float64" }).reshape([0, 4]);
  assert.deepEqual(
    T.function([p, y], T.categoricalCrossentropy(p, y))(empty, T.asarray([], { dtype: "int64" })).shape,
    [0],
  );
  const x = T.dmatrix("x");
  const [a] = T.batchNormalizationTrain(x, 1, 0, { axes: [-2] });
  const [b] = T.batchNormalizationTrain(x, 1, 0, { axes: [0] });
  const f = T.function([x], [a, b]);
  const [ra, rb] = f([[1, 2], [3, 7]]) as T.NDArray[];
  assert.deepEqual(Array.from(ra.data), Array.from(rb.data));
  assert.throws(() => T.batchNormalizationTrain(x, 1, 0, { axes: [0, -2] }), /repeat an axis/);
});

Deno.test("activations of integers give floatX and do not wrap at the integer dtype's ends", () => {
  const i = T.ivector("i");
  const ends = [2147483647, -2147483648, 0, 3];
  const [ss, uf, hs, r] = T.function([i], [
    T.softsign(i),
    T.ultraFastSigmoid(i),
    T.hardSigmoid(i),
    T.relu(i),
  ])(
    ends,
  ) as T.NDArray[];
  T.testing.assertAllClose(ss, ends.map((v) => v / (1 + Math.abs(v))), { rtol: 1e-15 });
  assert.deepEqual(Array.from(uf.data), [
    0.5 * (0.99505475368673 + 1),
    0.5 * (1 - 0.99505475368673),
    0.5,
    uf.data[3],
  ]);
  assert.deepEqual(Array.from(hs.data), [1, 0, 0.5, 1]);
  assert.equal(r.dtype, "int32");
  assert.deepEqual(Array.from(r.data), [2147483647, 0, 0, 3]);
  assert.equal(ss.dtype, "float64");
});

Deno.test("relu's gradient at 0 is its else branch's, as documented: 0, or alpha", () => {
  const x = T.dvector("x");
  for (const [alpha, want] of [[0, 0], [0.1, 0.1]]) {
    const g = T.function([x], T.grad(T.sum(T.relu(x, alpha)), x))([0, 2, -2]);
    assert.deepEqual(g.toArray(), [want, 1, alpha]);
  }
});

Deno.test("batch norm: Theano's short parameters (one axis per axis kept) sit on the kept axes, statistics come back short", () => {
  const x = T.dtensor4("x"), [N, C, H, W] = [2, 3, 2, 4];
  const xs = T.asarray(Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 5))), {
    shape: [N, C, H, W],
  });
  const gamma = [1, 2, 3], beta = [0, 0, 10];
  const [out, mu, invstd] = T.batchNormalizationTrain(x, T.constant(gamma), T.constant(beta), {
    axes: "spatial",
    epsilon: 1e-5,
  });
  const [o, m, s] = T.function([x], [out, mu, invstd])(xs) as T.NDArray[];
  assert.deepEqual([o.shape, m.shape, s.shape], [[N, C, H, W], [C], [C]]);
  // Per channel c: the mean and variance over (n, h, w), as NumPy's x.mean(axis=(0, 2, 3)).
  const at = (n: number, c: number, h: number, w: number) => xs.data[((n * C + c) * H + h) * W + w] as number;
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) vals.push(at(n, c, h, w));
    }
    const mean = vals.reduce((a, b) => a + b) / vals.length;
    const varc = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
    assert.ok(Math.abs((m.data[c] as number) - mean) < 1e-12, `mean ${c}`);
    const want = (at(1, c, 1, 3) - mean) * gamma[c] / Math.sqrt(varc + 1e-5) + beta[c];
    assert.ok(Math.abs((o.data[((1 * C + c) * H + 1) * W + 3] as number) - want) < 1e-9, `out ${c}`);
  }
  // Inference with short statistics: each channel's own.
  const y = T.batchNormalizationTest(
    x,
    T.constant(gamma),
    T.constant(beta),
    T.constant([1, 2, 3]),
    T.constant([4, 4, 4]),
    {
      axes: "spatial",
      epsilon: 0,
    },
  );
  const ones = T.asarray(new Array(C * W).fill(1), { shape: [1, C, 1, W] });
  const yt = T.function([x], y)(ones);
  assert.deepEqual(Array.from(yt.data), [0, 0, 0, 0, -1, -1, -1, -1, 7, 7, 7, 7]);
});
