import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { softmaxGradOp } from "./softmax.ts";

/** Every subset of [0, n) (as sorted lists). */
function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((k) => mask & (1 << k)));
  return out;
}

function randomArray(shape: number[], seed: number, scale = 4): T.NDArray {
  const rng = T.seededRandom(seed);
  const a = new T.NDArray("float64", shape);
  for (let i = 0; i < a.size; i++) a.data[i] = (rng() * 2 - 1) * scale;
  return a;
}

/**
 * Reference by plain loops: for each group of elements sharing their coordinates off
 * `axes`, map the group's values (in C order) with f; returns the flat C-order result.
 */
function refGroups(x: T.NDArray, axes: number[], f: (vals: number[]) => number[]): number[] {
  const shape = x.shape, out = new Array<number>(x.size);
  const groups = new Map<string, number[]>();
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < x.size; i++) {
    const key = idx.filter((_, d) => !axes.includes(d)).join(",");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  for (const members of groups.values()) {
    const ys = f(members.map((i) => x.data[i]));
    members.forEach((i, k) => (out[i] = ys[k]));
  }
  return out;
}

// Naive formulas: fine for the moderate inputs they are used with.
const naiveSoftmax = (v: number[]) => {
  const e = v.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
  return e.map((a) => a / s);
};
const naiveLogsumexp = (v: number[]) => Math.log(v.map(Math.exp).reduce((a, b) => a + b, 0));

Deno.test("softmax() and logSoftmax() match JS loops over each axis of a 3-d input", () => {
  const x = T.dtensor3("x");
  const v = randomArray([2, 3, 4], 1);
  for (const axis of [0, 1, 2, -1, -3, [0, 2], null] as (number | number[] | null)[]) {
    const f = T.function([x], [T.softmax(x, axis), T.logSoftmax(x, axis)]);
    const [s, ls] = f(v) as T.NDArray[];
    const axes = axis === null ? [0, 1, 2] : (Array.isArray(axis) ? axis : [axis]).map((a) => (a + 3) % 3);
    const expected = T.asarray(refGroups(v, axes, naiveSoftmax)).reshape([2, 3, 4]);
    T.testing.assertAllClose(s, expected, { message: `softmax axis ${axis}` });
    T.testing.assertAllClose(ls, T.asarray([...expected.data].map(Math.log)).reshape([2, 3, 4]), {
      message: `logSoftmax axis ${axis}`,
    });
  }
});

Deno.test("softmax() defaults to the last axis; NumPy reference values", () => {
  const data = [[0.5, -1.25, 2.0, 0.0], [1.5, 3.0, -0.75, 2.25], [-2.0, 0.25, 1.0, -0.5]];
  const x = T.dmatrix("x");
  const [s, ls0] = T.function([x], [T.softmax(x), T.logSoftmax(x, 0)])(data) as T.NDArray[];
  // python3 -c "import numpy as np; x = np.array(<data>); e = np.exp(x - x.max(1, keepdims=True));
  //   print((e / e.sum(1, keepdims=True)).tolist())"
  T.testing.assertAllClose(s, [
    [0.15969355003210822, 0.027750577932680404, 0.7156968377823844, 0.09685903425282705],
    [0.1298012119754196, 0.5817286730268724, 0.013680947089399405, 0.2747891679083086],
    [0.028526632117097408, 0.27065314982800115, 0.5729727226821512, 0.12784749537275025],
  ], { rtol: 1e-12 });
  // e0 = np.exp(x - x.max(0, keepdims=True)); print(np.log(e0 / e0.sum(0, keepdims=True)).tolist())
  T.testing.assertAllClose(ls0, [
    [-1.3350975955161672, -4.325285652451986, -0.35893749410533404, -2.4064284429842573],
    [-0.3350975955161672, -0.075285652451986, -3.108937494105334, -0.15642844298425723],
    [-3.8350975955161672, -2.825285652451986, -1.3589374941053343, -2.9064284429842573],
  ], { rtol: 1e-12 });
});

Deno.test("logsumexp() matches a JS loop for every axis set of a 3-d input, keepdims or not", () => {
  const x = T.dtensor3("x");
  const v = randomArray([2, 3, 4], 2);
  for (const axes of subsets(3)) {
    for (const keepdims of [false, true]) {
      const out = T.function([x], T.logsumexp(x, axes, { keepdims }))(v) as T.NDArray;
      const shape = [2, 3, 4].flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
      assert.deepEqual([...out.shape], shape);
      // Each group's logsumexp, read at one member of the group (all members agree).
      const full = refGroups(v, axes, (vals) => vals.map(() => naiveLogsumexp(vals)));
      const picked: number[] = [];
      const seen = new Set<string>();
      const idx = [0, 0, 0];
      for (let i = 0; i < v.size; i++) {
        const key = idx.filter((_, d) => !axes.includes(d)).join(",");
        if (!seen.has(key)) seen.add(key), picked.push(full[i]);
        for (let d = 2; d >= 0; d--) {
          if (++idx[d] < [2, 3, 4][d]) break;
          idx[d] = 0;
        }
      }
      T.testing.assertAllClose(out, T.asarray(picked).reshape(shape), {
        message: `axes [${axes}] ${keepdims}`,
      });
    }
  }
  // python3 -c "import numpy as np; x = np.array(<data>); print(np.log(np.exp(x).sum(1)).tolist())"
  const data = [[0.5, -1.25, 2.0, 0.0], [1.5, 3.0, -0.75, 2.25], [-2.0, 0.25, 1.0, -0.5]];
  const m = T.dmatrix("m");
  const [all, rows] = T.function([m], [T.logsumexp(m), T.logsumexp(m, 1)])(data) as T.NDArray[];
  T.testing.assertAllClose(all, 3.903905824819587, { rtol: 1e-12 });
  T.testing.assertAllClose(rows, [2.3344986126036624, 3.541751137502892, 1.556917167794674], { rtol: 1e-12 });
});

Deno.test("softmax() logSoftmax() logsumexp() are stable for large inputs", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.softmax(x), T.logSoftmax(x), T.logsumexp(x)]);
  const [s, ls, lse] = f([1000, 0, -1000]) as T.NDArray[];
  T.testing.assertAllClose(s, [1, 0, 0]);
  T.testing.assertAllClose(ls, [0, -1000, -2000]);
  T.testing.assertAllClose(lse, 1000);
  const [s2, , lse2] = f([1000, 1000]) as T.NDArray[];
  T.testing.assertAllClose(s2, [0.5, 0.5]);
  T.testing.assertAllClose(lse2, 1000 + Math.LN2);
});

Deno.test("logsumexp() of infinities and of nothing: -inf, +inf, NaN as the math says", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.logsumexp(x), T.softmax(x)]);
  assert.equal((f([-Infinity, -Infinity]) as T.NDArray[])[0].item(), -Infinity);
  assert.equal((f([Infinity, 0]) as T.NDArray[])[0].item(), Infinity);
  assert.ok(Number.isNaN((f([NaN, 0]) as T.NDArray[])[0].item()));
  assert.equal((f([]) as T.NDArray[])[0].item(), -Infinity);
  // A -inf logit gets probability 0.
  T.testing.assertAllClose((f([-Infinity, 0]) as T.NDArray[])[1], [0, 1]);
});

Deno.test("softmax() logSoftmax() logsumexp() dtypes: floats keep theirs, ints give floatX, bool is refused", () => {
  for (const fn of [T.softmax, T.logSoftmax, (v: T.Variable) => T.logsumexp(v, 1)]) {
    assert.equal(fn(T.fmatrix("f")).dtype, "float32");
    assert.equal(fn(T.imatrix("i")).dtype, "float64");
    assert.throws(() => fn(new T.TensorType("bool", [null, null]).make("b")), T.HypatiaTypeError);
  }
  const i = T.ivector("i");
  const out = T.function([i], T.softmax(i))(T.asarray([0, 0], { dtype: "int32" })) as T.NDArray;
  assert.equal(out.dtype, "float64");
  T.testing.assertAllClose(out, [0.5, 0.5]);
  const f = T.fvector("f");
  const out32 = T.function([f], T.logSoftmax(f))(T.asarray([1, 2, 3], { dtype: "float32" })) as T.NDArray;
  assert.equal(out32.dtype, "float32");
  T.testing.assertAllClose(out32, T.asarray(naiveSoftmax([1, 2, 3]).map(Math.log), { dtype: "float32" }));
});

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2 };

Deno.test("softmax() logSoftmax() gradients: verifyGrad in float64 and float32 over each axis", () => {
  const v = randomArray([2, 3, 4], 3, 2);
  for (const axis of [0, 1, 2, [0, 2]] as T.Axis[]) {
    for (const fn of [T.softmax, T.logSoftmax]) {
      T.verifyGrad((x) => fn(x, axis), [v]);
      T.verifyGrad((x) => fn(x, axis), [v.astype("float32")], F32);
    }
  }
  // Second derivatives.
  T.verifyGrad((x) => T.grad(T.sum(T.mul(T.softmax(x), T.constant([1, 2, 3]))), x), [[0.1, -0.4, 0.3]]);
  T.verifyGrad((x) => T.grad(T.sum(T.mul(T.logSoftmax(x), T.constant([1, 2, 3]))), x), [[0.1, -0.4, 0.3]]);
});

Deno.test("softmax_grad op: values and its own gradient in both inputs", () => {
  const g = randomArray([3, 4], 5, 1), s = randomArray([3, 4], 6, 1);
  for (const axes of [[0], [1], [0, 1]]) {
    const [gv, sv] = [T.dmatrix("g"), T.dmatrix("s")];
    const out = T.function([gv, sv], softmaxGradOp.apply1([gv, sv], { axes }))(g, s) as T.NDArray;
    const expected = refGroups(T.asarray([...g.data.keys()]).reshape([3, 4]), axes, (idx) => {
      const dot = idx.reduce((a, i) => a + g.data[i] * s.data[i], 0);
      return idx.map((i) => s.data[i] * (g.data[i] - dot));
    });
    T.testing.assertAllClose(out, T.asarray(expected).reshape([3, 4]), { message: `axes ${axes}` });
    T.verifyGrad((a, b) => softmaxGradOp.apply1([a, b], { axes }), [g, s]);
    T.verifyGrad(
      (a, b) => softmaxGradOp.apply1([a, b], { axes }),
      [g.astype("float32"), s.astype("float32")],
      F32,
    );
  }
});

Deno.test("logsumexp() gradient: verifyGrad in float64 and float32 for several axis sets", () => {
  const v = randomArray([2, 3, 4], 4, 2);
  for (const axis of [null, 0, 1, 2, [0, 2], [1, 2]] as T.Axis[]) {
    T.verifyGrad((x) => T.logsumexp(x, axis), [v]);
    T.verifyGrad((x) => T.logsumexp(x, axis, { keepdims: true }), [v]);
    T.verifyGrad((x) => T.logsumexp(x, axis), [v.astype("float32")], F32);
  }
});

Deno.test("log(softmax(x)) is rewritten to logSoftmax(x): finite at [1000, 0, -1000]", () => {
  const x = T.dvector("x");
  const f = T.function([x], T.log(T.softmax(x)));
  const g = T.function([x], T.logSoftmax(x));
  const v = [1000, 0, -1000];
  const out = f(v) as T.NDArray;
  assert.ok([...out.data].every(Number.isFinite), `not finite: ${out}`);
  T.testing.assertAllClose(out, g(v) as T.NDArray);
  assert.match(T.pp(f), /log_softmax/);
  // Without the rewrite the naive graph underflows: the rewrite is what makes it finite.
  const naive = T.function([x], T.log(T.softmax(x)), { mode: "FAST_COMPILE" })(v) as T.NDArray;
  assert.equal(naive.data[2], -Infinity);
});

Deno.test("log(softmax(x, 0)) keeps the axis through the rewrite, and its gradient is finite and right", () => {
  const x = T.dmatrix("x");
  const y = T.log(T.softmax(x, 0));
  const v = [[1000, 0], [0, 1], [-1000, 2]];
  const [out, g] = T.function([x], [y, T.grad(T.sum(y), x)])(v) as T.NDArray[];
  const direct = T.logSoftmax(x, 0);
  const [out2, g2] = T.function([x], [direct, T.grad(T.sum(direct), x)])(v) as T.NDArray[];
  T.testing.assertAllClose(out, out2);
  // The softmax_grad(g / s, s) -> g - s * sum(g) rewrite keeps the gradient finite.
  assert.ok([...g.data].every(Number.isFinite), `gradient not finite: ${g}`);
  T.testing.assertAllClose(g, g2);
  // d/dx sum(log softmax(x, 0)) = 1 - 3 softmax(x, 0): in column 0, softmax is [1, 0, 0].
  T.testing.assertAllClose(g.toArray() as number[][], [[-2, g.item(0, 1)], [1, g.item(1, 1)], [
    1,
    g.item(2, 1),
  ]]);
});

Deno.test("softmax() logSoftmax() logsumexp() reject an axis out of range, naming the op", () => {
  const x = T.dmatrix("x");
  assert.throws(
    () => T.softmax(x, 2),
    (e: Error) => e instanceof T.HypatiaTypeError && /softmax/.test(e.message),
  );
  assert.throws(
    () => T.logSoftmax(x, -3),
    (e: Error) => e instanceof T.HypatiaTypeError && /logSoftmax/.test(e.message),
  );
  assert.throws(
    () => T.logsumexp(x, [0, 5]),
    (e: Error) => e instanceof T.HypatiaTypeError && /logsumexp/.test(e.message),
  );
  assert.throws(() => T.softmax(T.dscalar("s")), T.HypatiaTypeError);
});
