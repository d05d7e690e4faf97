import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { seededRandom } from "../compile/verify_grad.ts";

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" } as const;
// A = np.arange(60.).reshape(3, 4, 5)
const A = T.asarray(Array.from({ length: 60 }, (_, i) => i), { dtype: "float64", shape: [3, 4, 5] });
const flat = (a: T.NDArray) => Array.from(a.data);
const nums = (s: string) => (s === "" ? [] : s.split(" ").map(Number));

// [slice() arguments, NumPy's result shape, NumPy's result], made with (python3, numpy 2.4):
// A = np.arange(60.).reshape(3, 4, 5); r = eval("A" + index); list(r.shape), " ".join(str(int(v)) for v in r.ravel())
const SLICES: [T.SliceArg[], number[], string][] = [
  // A[1]
  [[1], [4, 5], "20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39"],
  // A[-1]
  [[-1], [4, 5], "40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59"],
  // A[1, 2]
  [[1, 2], [5], "30 31 32 33 34"],
  // A[1, -1, 3]
  [[1, -1, 3], [], "38"],
  // A[:, 1]
  [[null, 1], [3, 5], "5 6 7 8 9 25 26 27 28 29 45 46 47 48 49"],
  // A[1:3]
  [
    [[1, 3]],
    [2, 4, 5],
    "20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59",
  ],
  // A[::-1]
  [
    [[null, null, -1]],
    [3, 4, 5],
    "40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19",
  ],
  // A[:, ::-2, 1:4]
  [[null, [null, null, -2], [1, 4]], [3, 2, 3], "16 17 18 6 7 8 36 37 38 26 27 28 56 57 58 46 47 48"],
  // A[-2:, 1:10:2, -1]
  [[[-2], [1, 10, 2], -1], [2, 2], "29 39 49 59"],
  // A[5:]
  [[[5]], [0, 4, 5], ""],
  // A[:, -10:2]
  [
    [null, [-10, 2]],
    [3, 2, 5],
    "0 1 2 3 4 5 6 7 8 9 20 21 22 23 24 25 26 27 28 29 40 41 42 43 44 45 46 47 48 49",
  ],
  // A[::2, ::-1, ::3]
  [
    [[null, null, 2], [null, null, -1], [null, null, 3]],
    [2, 4, 2],
    "15 18 10 13 5 8 0 3 55 58 50 53 45 48 40 43",
  ],
  // A[1, ::-1]
  [[1, [null, null, -1]], [4, 5], "35 36 37 38 39 30 31 32 33 34 25 26 27 28 29 20 21 22 23 24"],
  // A[:, :, -1:-6:-2]
  [
    [null, null, [-1, -6, -2]],
    [3, 4, 3],
    "4 2 0 9 7 5 14 12 10 19 17 15 24 22 20 29 27 25 34 32 30 39 37 35 44 42 40 49 47 45 54 52 50 59 57 55",
  ],
  // A[0, 3:0:-1, 4:-100:-2]
  [[0, [3, 0, -1], [4, -100, -2]], [3, 3], "19 17 15 14 12 10 9 7 5"],
  // A[-3, :, 1]
  [[-3, null, 1], [4], "1 6 11 16"],
  // A[:, 2:2]
  [[null, [2, 2]], [3, 0, 5], ""],
  // A[1:-1, -1:]
  [[[1, -1], [-1]], [1, 1, 5], "35 36 37 38 39"],
];

Deno.test("slice() matches NumPy's basic indexing on a 3-d array", () => {
  const x = T.dtensor3("x");
  for (const [args, shape, want] of SLICES) {
    const y = x.slice(...args);
    const got = T.function([x], y)(A);
    assert.deepEqual(got.shape, shape, JSON.stringify(args));
    assert.deepEqual(flat(got), nums(want), JSON.stringify(args));
  }
});

Deno.test("slice() of a tensor of known shape knows the result's shape", () => {
  const x = new T.TensorType("float64", [3, 4, 5]).make("x");
  for (const [args, shape] of SLICES) {
    assert.deepEqual(x.slice(...args).staticShape, shape, JSON.stringify(args));
  }
});

Deno.test("slice() of a constant folds to a constant with NumPy's values", () => {
  const c = T.constant(A);
  for (const [args, , want] of SLICES.slice(0, 6)) {
    const f = T.function([], c.slice(...args));
    assert.ok(f.maker.outputs[0] instanceof T.Constant, JSON.stringify(args));
    assert.deepEqual(flat(f()), nums(want));
  }
});

Deno.test("get() indexes leading axes, with negative and symbolic indices", () => {
  const x = T.dtensor3("x");
  const [i, j] = T.iscalars("i", "j");
  const f = T.function([x, i, j], [x.get(i), x.get(i, j), x.get(1, j, -1)]);
  for (const [a, b] of [[0, 0], [2, 3], [-1, -4], [-3, 1]]) {
    const [r1, r2, r3] = f(A, a, b);
    const ia = a < 0 ? a + 3 : a, jb = b < 0 ? b + 4 : b;
    assert.deepEqual(r1.shape, [4, 5]);
    assert.deepEqual(flat(r1), Array.from({ length: 20 }, (_, k) => ia * 20 + k));
    assert.deepEqual(flat(r2), Array.from({ length: 5 }, (_, k) => ia * 20 + jb * 5 + k));
    assert.deepEqual(r3.shape, []);
    assert.equal(r3.item(), 20 + jb * 5 + 4);
  }
  assert.equal(x.get(0).ndim, 2);
  assert.equal(x.get(0, 1, 2).ndim, 0);
});

Deno.test("get() and slice() with out-of-range symbolic indices raise a ShapeError naming the variable", () => {
  const x = T.dmatrix("x");
  const i = T.iscalar("i");
  const f = T.function([x, i], x.get(i));
  assert.throws(
    () => f([[1, 2], [3, 4]], 2),
    (e: Error) => e instanceof T.ShapeError && /index 2/.test(e.message) && /"x"/.test(e.message),
  );
  assert.throws(() => f([[1, 2], [3, 4]], -3), T.ShapeError);
  const g = T.function([x, i], x.get(0, i));
  assert.throws(() => g([[1, 2], [3, 4]], 5), /axis 1 with length 2/);
  // A constant index is checked when the function runs, since the length is unknown.
  const h = T.function([x], x.get(7));
  assert.throws(() => h([[1, 2]]), T.ShapeError);
  // A symbolic step of 0 is caught at run time.
  const s = T.function([x, i], x.slice([null, null, i]));
  assert.throws(
    () => s([[1, 2]], 0),
    (e: Error) => e instanceof T.ShapeError && /step cannot be zero/.test(e.message),
  );
});

Deno.test("get() and slice() reject bad indices while the graph is built", () => {
  const x = T.dmatrix("x");
  const known = new T.TensorType("float64", [3, 2]).make("k");
  assert.throws(
    () => x.get(0, 0, 0),
    (e: Error) => e instanceof T.HypatiaTypeError && /too many indices/.test(e.message),
  );
  assert.throws(() => x.slice(null, null, 1), T.HypatiaTypeError);
  assert.throws(() => x.get(1.5), (e: Error) => e instanceof T.HypatiaTypeError && /integer/.test(e.message));
  assert.throws(
    () => x.get(T.dscalar("f")),
    (e: Error) => e instanceof T.HypatiaTypeError && /"f"/.test(e.message),
  );
  assert.throws(() => x.get(T.dvector("v")), T.HypatiaTypeError); // an int vector is an advanced index (advanced_subtensor_test.ts)
  assert.throws(() => x.slice([0, 2, 0]), /step cannot be zero/);
  assert.throws(() => x.slice([0.5, 2]), T.HypatiaTypeError);
  assert.throws(
    () => known.get(3),
    (e: Error) => e instanceof T.HypatiaTypeError && /out of bounds/.test(e.message),
  );
  assert.throws(() => known.get(-4), T.HypatiaTypeError);
  assert.throws(() => T.scalar("s").get(0), T.HypatiaTypeError);
  assert.throws(() => T.get(x, null as never), T.HypatiaTypeError);
});

Deno.test("slice() of a whole tensor is removed by the optimiser; x[1] and x[1, :] are one node", () => {
  const x = T.dmatrix("x");
  assert.equal(T.pp(T.function([x], x.slice(null, [null, null, 1]))), "x");
  const a = x.slice(1), b = x.slice(1, null);
  assert.deepEqual(a.owner!.params, b.owner!.params);
});

Deno.test("pp() prints indexing as Python does", () => {
  const x = T.dtensor3("x");
  const i = T.iscalar("i");
  assert.equal(T.pp(x.slice([1, 3])), "x[1:3]");
  assert.equal(T.pp(x.slice([null, null, -1])), "x[::-1]");
  assert.equal(T.pp(x.slice(1, null, [i, null, 2])), "x[1, :, i::2]");
  assert.equal(T.pp(x.get(i, -1)), "x[i, -1]");
  assert.equal(T.pp(x.shape), "x.shape");
  assert.equal(T.pp(x.shape.get(0)), "x.shape[0]");
  assert.equal(T.pp(T.setSubtensor(x.slice([1, 3]), 0)), "setSubtensor(x[1:3], 0.0)");
  assert.equal(T.pp(T.incSubtensor(x.get(0), T.dmatrix("v"))), "incSubtensor(x[0], v)");
});

// B = A.copy(); <assignment>; " ".join(str(int(v)) for v in B.ravel())   (python3, numpy 2.4)
// B[1:3, ::2] = 7
const SET1 = nums(
  "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 7 7 7 7 7 25 26 27 28 29 7 7 7 7 7 35 36 37 38 39 7 7 7 7 7 45 46 47 48 49 7 7 7 7 7 55 56 57 58 59",
);
// B[0, 1:3] += np.arange(5.)
const INC1 = nums(
  "0 1 2 3 4 5 7 9 11 13 10 12 14 16 18 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59",
);
// B[::-1, 0] += np.arange(15.).reshape(3, 5)
const INC2 = nums(
  "10 12 14 16 18 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 25 27 29 31 33 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 42 44 46 48 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59",
);
// B[:, -1, ::-2] = np.array([[100., 200., 300.]])
const SET2 = nums(
  "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 300 16 200 18 100 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 300 36 200 38 100 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 300 56 200 58 100",
);
// B[-1, -1, -1] = -5
const SET3 = nums(
  "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 -5",
);

Deno.test("setSubtensor() and incSubtensor() match NumPy's assignments and leave the input unchanged", () => {
  const x = T.dtensor3("x");
  const r = T.drow("r");
  const before = flat(A);
  const f = T.function([x, r], [
    T.setSubtensor(x.slice([1, 3], [null, null, 2]), 7),
    T.incSubtensor(x.slice(0, [1, 3]), T.arange(5).astype("float64")),
    T.incSubtensor(x.slice([null, null, -1], 0), T.arange(15).reshape([3, 5]).astype("float64")),
    T.setSubtensor(x.slice(null, -1, [null, null, -2]), r),
    T.setSubtensor(x.get(-1, -1, -1), -5),
  ]);
  const [s1, i1, i2, s2, s3] = f(A, [[100, 200, 300]]);
  assert.deepEqual(flat(s1), SET1);
  assert.deepEqual(flat(i1), INC1);
  assert.deepEqual(flat(i2), INC2);
  assert.deepEqual(flat(s2), SET2);
  assert.deepEqual(flat(s3), SET3);
  assert.deepEqual(flat(A), before);
});

Deno.test("setSubtensor() and incSubtensor() with a symbolic index and integer tensors", () => {
  const x = T.ivector("x");
  const i = T.iscalar("i");
  const f = T.function([x, i], [T.setSubtensor(x.get(i), 9), T.incSubtensor(x.slice([i]), 1)]);
  const [a, b] = f([1, 2, 3], -2);
  assert.deepEqual(Array.from(a.data), [1, 9, 3]);
  assert.deepEqual(Array.from(b.data), [1, 3, 4]);
  assert.equal(a.dtype, "int32");
});

Deno.test("setSubtensor() and incSubtensor() reject bad arguments", () => {
  const x = T.dmatrix("x");
  const f = T.fmatrix("f");
  assert.throws(
    () => T.setSubtensor(x, 1),
    (e: Error) => e instanceof T.HypatiaTypeError && /get\(\) or slice\(\)/.test(e.message),
  );
  assert.throws(() => T.setSubtensor(x.exp(), 1), T.HypatiaTypeError);
  assert.throws(() => T.setSubtensor(f.get(0), T.dvector("d")), /losing precision/);
  assert.throws(() => T.incSubtensor(x.get(0), T.dmatrix("m")), /more dimensions/);
  assert.throws(() => T.incSubtensor(T.bvector("b").astype("bool").get(0), true), T.HypatiaTypeError);
  const known = new T.TensorType("float64", [4, 3]).make("k");
  assert.throws(() => T.setSubtensor(known.slice([0, 2]), T.constant([1, 2])), /does not fit/);
  // Lengths that only differ at run time: a ShapeError naming the value.
  const v = T.dvector("v");
  const g = T.function([x, v], T.setSubtensor(x.slice([0, 1]), v));
  assert.throws(
    () => g([[1, 2, 3]], [1, 2]),
    (e: Error) => e instanceof T.ShapeError && /"v"/.test(e.message),
  );
  // A length-1 value broadcasts only when its type says so.
  assert.throws(() => g([[1, 2, 3]], [1]), T.ShapeError);
  // An int value is cast into a float tensor.
  const iv = T.ivector("iv");
  const h = T.function([x, iv], T.setSubtensor(x.get(0), iv));
  assert.deepEqual(h([[0.5, 0.5], [1, 1]], [3, 4]).toArray(), [[3, 4], [1, 1]]);
});

Deno.test("get()/slice() gradients (verifyGrad, float64 and float32)", () => {
  const m = [[0.5, -1.2, 2.0, 0.3], [1.5, 0.7, -0.4, 2.2], [-0.9, 0.1, 1.1, -2.5]];
  for (const opts of [{}, F32]) {
    T.verifyGrad((a) => a.get(1), [m], opts);
    T.verifyGrad((a) => a.get(-1, 2).mul(a.get(0, 0)), [m], opts);
    T.verifyGrad((a) => a.slice([null, null, -1], [1, -1]), [m], opts);
    T.verifyGrad((a) => a.slice([-2], [null, null, 2]).exp(), [m], opts);
    T.verifyGrad((a) => a.slice([5]).sum().add(a.slice(null, [0, 1]).sum()), [m], opts);
  }
});

Deno.test("setSubtensor()/incSubtensor() gradients (verifyGrad, float64 and float32)", () => {
  const m = [[0.5, -1.2, 2.0, 0.3], [1.5, 0.7, -0.4, 2.2], [-0.9, 0.1, 1.1, -2.5]];
  for (const opts of [{}, F32]) {
    T.verifyGrad(
      (a, v) => T.setSubtensor(a.slice([0, 2], [null, null, -2]), v).mul(a),
      [m, [[1, 2], [3, 4]]],
      opts,
    );
    T.verifyGrad((a, v) => T.incSubtensor(a.slice(null, 1), v).sqr(), [m, [0.2, -0.3, 0.4]], opts);
    // A broadcast value: its gradient is summed over the region's rows.
    T.verifyGrad((a, v) => T.incSubtensor(a.slice([1]), v).sqr(), [m, [[1, 2, 3, 4]]], opts);
    T.verifyGrad((a, v) => T.setSubtensor(a.get(2, 3), v).sqr(), [m, 0.7], opts);
  }
});

Deno.test("y.get(i) with a symbolic i gives the rows of the Jacobian", () => {
  const x = T.dvector("x");
  const i = T.iscalar("i");
  const y = x.sqr().mul(T.arange(3).astype("float64").add(1)); // y_k = (k + 1) x_k^2
  const row = T.function([x, i], T.grad(y.get(i), x));
  const xv = [0.5, -2, 3];
  for (let k = 0; k < 3; k++) {
    const want = xv.map((v, j) => (j === k ? 2 * (k + 1) * v : 0));
    assert.deepEqual(Array.from(row(xv, k).data, (v) => v + 0), want); // + 0 turns -0 into 0
  }
  assert.deepEqual(Array.from(row(xv, -1).data, (v) => v + 0), [0, 0, 18]);
});

Deno.test("slice() on random shapes agrees with a reference loop over positions", () => {
  const rng = seededRandom(7);
  const x = T.dmatrix("x");
  const [a, b, c] = T.iscalars("a", "b", "c");
  const f = T.function([x, a, b, c], x.slice(null, [a, b, c]));
  for (let t = 0; t < 50; t++) {
    const rows = 1 + Math.floor(rng() * 3), cols = Math.floor(rng() * 6);
    const v = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, k) => r * 10 + k));
    const start = Math.floor(rng() * 14) - 7, stop = Math.floor(rng() * 14) - 7;
    const step = [-3, -2, -1, 1, 2, 3][Math.floor(rng() * 6)];
    // Reference: Python's range semantics by brute force over every position.
    const norm = (q: number) => (q < 0 ? q + cols : q);
    const picked: number[] = [];
    if (step > 0) {
      for (let k = Math.max(0, norm(start)); k < Math.min(cols, norm(stop)); k += step) picked.push(k);
    } else {for (let k = Math.min(cols - 1, norm(start)); k > Math.max(-1, norm(stop)); k += step) {
        picked.push(k);
      }}
    const got = f(v, start, stop, step);
    assert.deepEqual(
      got.toArray(),
      v.map((r) => picked.map((k) => r[k])),
      `[:, ${start}:${stop}:${step}] of ${cols}`,
    );
  }
});

Deno.test("set/inc/fillDiagonal: a JS number must be a value of an integer tensor's dtype, never wrapped (NumPy 2 raises)", () => {
  const b = T.bvector("b"), bm = T.bmatrix("bm"), i = T.lvector("i");
  const bad: [() => unknown, RegExp][] = [
    [() => T.setSubtensor(b.get(0), 1000), /setSubtensor: 1000 is out of the range of int8/],
    [() => T.incSubtensor(b.get(0), 200), /incSubtensor: 200 is out of the range of int8/],
    [() => T.setSubtensor(T.get(b, i), -129), /setSubtensor: -129 is out of the range of int8/],
    [() => T.setSubtensor(b.get(0), 0.5), /setSubtensor: 0.5 is not a whole number/],
    [() => T.fillDiagonal(bm, 200), /fillDiagonal: 200 is out of the range of int8/],
  ];
  for (const [build, message] of bad) assert.throws(build, message);
  // Values of the dtype are stored; a float tensor takes any number (rounded to float32).
  const f = T.function([b, i], [T.setSubtensor(b.get(0), -128), T.incSubtensor(T.get(b, i), 100)]);
  const [set, inc] = f([1, 2], [1]) as T.NDArray[];
  assert.deepEqual([[...set.data], [...inc.data], set.dtype], [[-128, 2], [1, 102], "int8"]);
  const v = T.fvector("v");
  const g = T.function([v], T.setSubtensor(v.get(0), 0.1));
  assert.equal(g([0, 0]).data[0], Math.fround(0.1));
});
