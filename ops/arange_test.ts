import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { arangeLength } from "./arange.ts";

// np.arange(*args) -> dtype, values (python3, numpy 2.4): print(args, a.dtype, a.tolist())
const CASES: [number[], string, number[]][] = [
  [[5], "int64", [0, 1, 2, 3, 4]],
  [[2, 9, 3], "int64", [2, 5, 8]],
  [[10, 0, -3], "int64", [10, 7, 4, 1]],
  [[1.5, 0, -0.5], "float64", [1.5, 1.0, 0.5]],
  [[0, 1, 0.1], "float64", [
    0.0,
    0.1,
    0.2,
    0.30000000000000004,
    0.4,
    0.5,
    0.6000000000000001,
    0.7000000000000001,
    0.8,
    0.9,
  ]],
  [[-3.2, 4.1, 0.7], "float64", [
    -3.2,
    -2.5,
    -1.7999999999999998,
    -1.0999999999999996,
    -0.39999999999999947,
    0.3000000000000007,
    1.0000000000000009,
    1.700000000000001,
    2.4000000000000012,
    3.1000000000000014,
    3.8000000000000016,
  ]],
  [[0, -5], "int64", []],
  [[3, 3], "int64", []],
];

Deno.test("arange() gives NumPy's values, lengths and dtypes", () => {
  for (const [args, dtype, want] of CASES) {
    const [a, b, c] = args;
    const v = T.arange(a, b, c);
    assert.equal(v.dtype, dtype, JSON.stringify(args));
    assert.deepEqual(v.staticShape, [want.length]);
    const out = T.function([], v, { mode: "FAST_COMPILE" })();
    assert.deepEqual(Array.from(out.data), want, JSON.stringify(args));
  }
});

// np.arange(*args, dtype=np.float32) (python3, numpy 2.4): [float(v) for v in a]
const F32: [number[], number[]][] = [
  [[0, 1, 0.1], [
    0.0,
    0.10000000149011612,
    0.20000000298023224,
    0.30000001192092896,
    0.4000000059604645,
    0.5,
    0.6000000238418579,
    0.699999988079071,
    0.800000011920929,
    0.9000000357627869,
  ]],
  [[0.5, 2.3, 0.3], [0.5, 0.800000011920929, 1.100000023841858, 1.4000000953674316, 1.7000000476837158, 2.0]],
  [[-1, 1, 0.2], [
    -1.0,
    -0.800000011920929,
    -0.6000000238418579,
    -0.40000003576278687,
    -0.20000004768371582,
    -5.960464477539063e-08,
    0.19999992847442627,
    0.39999985694885254,
    0.5999999046325684,
    0.7999999523162842,
  ]],
];

Deno.test("arange() in float32 computes in float32, as NumPy does", () => {
  for (const [[a, b, c], want] of F32) {
    const out = T.function([], T.arange(a, b, c, "float32"), { mode: "FAST_COMPILE" })();
    assert.equal(out.dtype, "float32");
    assert.deepEqual(Array.from(out.data), want);
  }
});

Deno.test("arange() with an integer dtype and float bounds truncates as NumPy does", () => {
  // np.arange(0.5, 3, dtype=np.int64).tolist() == [0, 1, 2]; np.arange(-2.5, 3, 1.5, dtype=np.int64).tolist() == [-2, -1, 0, 1]
  assert.deepEqual(Array.from(T.function([], T.arange(0.5, 3, 1, "int64"))().data), [0, 1, 2]);
  assert.deepEqual(Array.from(T.function([], T.arange(-2.5, 3, 1.5, "int64"))().data), [-2, -1, 0, 1]);
});

Deno.test("arange() with symbolic bounds: T.arange(x.shape.get(0)) and float scalars", () => {
  const x = T.dmatrix("x");
  const r = T.arange(x.shape.get(0));
  assert.equal(r.dtype, "int64");
  assert.deepEqual(Array.from(T.function([x], r)([[1], [2], [3], [4]]).data), [0, 1, 2, 3]);
  const [a, b] = T.fscalars("a", "b");
  const s = T.arange(a, b, 0.5);
  assert.equal(s.dtype, "float32");
  assert.deepEqual(Array.from(T.function([a, b], s)(1, 3).data), [1, 1.5, 2, 2.5]);
  const n = T.iscalar("n");
  assert.equal(T.arange(n).dtype, "int64");
  assert.equal(T.arange(0, n, 0.5).dtype, T.config.floatX);
  const known = new T.TensorType("float64", [7]).make("k");
  assert.deepEqual(T.arange(known.shape.get(0)).staticShape, [7]);
  const f = T.function([n], T.arange(n, 0, -2));
  assert.deepEqual(Array.from(f(7).data), [7, 5, 3, 1]);
  assert.deepEqual(f(-1).shape, [0]);
});

Deno.test("arange() errors: a zero step, non-scalar bounds, unknown dtypes", () => {
  assert.throws(() => T.arange(0, 5, 0), T.InputError);
  assert.throws(() => T.arange(T.dvector("v")), T.HypatiaTypeError);
  assert.throws(() => T.arange(T.bscalar("b").astype("bool")), T.HypatiaTypeError);
  assert.throws(() => T.arange(3, undefined, undefined, "float16" as never), T.HypatiaTypeError);
  const s = T.iscalar("s");
  const f = T.function([s], T.arange(0, 4, s));
  assert.throws(() => f(0), (e: Error) => e instanceof T.ShapeError && /step cannot be zero/.test(e.message));
  assert.equal(arangeLength(0, 10, 3), 4);
});

Deno.test("arange() and eye() are not differentiable", () => {
  const s = T.dscalar("s");
  const g = T.grad(T.arange(0, s, 1, "float64").sum().add(s), s);
  assert.equal(T.function([s], g)(4.5).item(), 1);
});

// np.eye(3, 4, 1).tolist(); np.eye(4, 3, -2).tolist(); np.eye(2, 2, 5).tolist()   (python3, numpy 2.4)
Deno.test("eye() matches NumPy, with numbers and symbolic lengths", () => {
  const e1 = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const e2 = [[0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0]];
  const e3 = [[0, 0], [0, 0]];
  assert.deepEqual(T.function([], T.eye(3, 4, 1))().toArray(), e1);
  assert.deepEqual(T.function([], T.eye(4, 3, -2))().toArray(), e2);
  assert.deepEqual(T.function([], T.eye(2, 2, 5))().toArray(), e3);
  const [n, m] = T.iscalars("n", "m");
  const f = T.function([n, m], T.eye(n, m, 1, "int32"));
  const out = f(3, 4);
  assert.equal(out.dtype, "int32");
  assert.deepEqual(out.toArray(), e1);
  assert.deepEqual(T.eye(n).staticShape, [null, null]);
  assert.deepEqual(T.eye(3).staticShape, [3, 3]);
  assert.equal(T.eye(2).dtype, T.config.floatX);
  assert.throws(() => T.eye(2.5), T.InputError);
  assert.throws(() => T.eye(T.dscalar("d")), T.HypatiaTypeError);
  assert.throws(() => f(-1, 2), T.ShapeError);
});
