import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { shapeIOp } from "./shape.ts";
import { reshapeOp } from "./reshape.ts";

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" } as const;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const arr = (shape: number[]) =>
  T.asarray(range(shape.reduce((a, b) => a * b, 1)), { dtype: "float64", shape });

Deno.test("shapeOf() / x.shape: the lengths as an int64 vector, x.shape.get(k) as scalars", () => {
  const x = T.dtensor3("x");
  assert.equal(x.shape.dtype, "int64");
  assert.deepEqual(x.shape.staticShape, [3]);
  const f = T.function([x], [x.shape, T.shapeOf(x), x.shape.get(0), x.shape.get(-1)]);
  const [s, s2, s0, sl] = f(arr([2, 3, 4]));
  assert.deepEqual(Array.from(s.data), [2, 3, 4]);
  assert.equal(s.dtype, "int64");
  assert.deepEqual(Array.from(s2.data), [2, 3, 4]);
  assert.deepEqual([s0.shape, s0.item(), sl.item()], [[], 2, 4]);
  const c = T.dscalar("c");
  assert.deepEqual(T.function([c], c.shape)(1.5).shape, [0]);
  assert.throws(() => x.shape.get(3), T.HypatiaTypeError);
});

Deno.test("x.shape of a type with known lengths becomes a constant in the compiled graph", () => {
  const y = new T.TensorType("float64", [2, 3]).make("y");
  const part = new T.TensorType("float64", [null, 3]).make("p");
  assert.equal(T.pp(T.function([y], y.shape)), "TensorConstant{[2 3]}");
  assert.equal(T.pp(T.function([y], y.shape.get(1))), "3");
  assert.equal(T.pp(T.function([part], part.shape.get(1))), "3");
  assert.equal(T.pp(T.function([part], part.shape.get(0))), "p.shape[0]");
  // get(shape(x), k) built by hand (not through x.shape.get) also becomes shape_i.
  assert.equal(T.pp(T.function([part], T.slice(T.shapeOf(part), 0))), "p.shape[0]");
});

Deno.test("shape_i() looks through elementwise ops, dimshuffle, reshape and alloc", () => {
  const x = T.dmatrix("x");
  const n = T.iscalar("n");
  const row = T.drow("r");
  const cases: [T.Variable, string][] = [
    [x.exp().add(row).shape.get(0), "x.shape[0]"],
    [row.add(x).shape.get(1), "r.shape[1]"],
    [x.T.shape.get(0), "x.shape[1]"],
    [x.dimshuffle(0, "x", 1).shape.get(1), "1"],
    [x.flatten(2).shape.get(0), "x.shape[0]"],
    [T.zeros([n, 3]).shape.get(0), "cast(n, int64)"],
  ];
  for (const [v, want] of cases) {
    const f = T.function([x, row, n], v, { onUnusedInput: "ignore" });
    assert.equal(T.pp(f), want);
  }
  const f = T.function([x, row], x.exp().add(row).shape.get(0));
  assert.equal(f([[1, 2], [3, 4], [5, 6]], [[1, 1]]).item(), 3);
});

// np.arange(24.).reshape(s) for each s gives these shapes (python3, numpy 2.4):
// [2, 3, 4] -> (2, 3, 4); [-1, 4] -> (6, 4); [4, -1, 2] -> (4, 3, 2); [24] -> (24,); [1, -1] -> (1, 24)
Deno.test("reshape() keeps C order and infers -1 as NumPy does", () => {
  const v = T.dvector("v");
  const cases: [number[], number[]][] = [
    [[2, 3, 4], [2, 3, 4]],
    [[-1, 4], [6, 4]],
    [[4, -1, 2], [4, 3, 2]],
    [[24], [24]],
    [[1, -1], [1, 24]],
  ];
  for (const [s, want] of cases) {
    const out = T.function([v], v.reshape(s))(range(24));
    assert.deepEqual(out.shape, want);
    assert.deepEqual(Array.from(out.data), range(24));
  }
  // np.arange(6.).reshape(2, 3)[1, 0] == 3.0
  assert.equal(T.function([v], T.reshape(v, [2, 3]).get(1, 0))(range(6)).item(), 3);
});

Deno.test("reshape() with symbolic lengths, a shape vector and another tensor's shape", () => {
  const x = T.dmatrix("x");
  const y = T.dtensor3("y");
  const [a, b] = T.iscalars("a", "b");
  const sv = T.lvector("sv");
  const f = T.function([x, a, b], x.reshape([a, b, -1]));
  assert.deepEqual(f(arr([4, 6]), 2, 3).shape, [2, 3, 4]);
  const f2 = T.function([x, a, b], x.reshape([a, b]));
  assert.deepEqual(f2(arr([4, 6]), -1, 3).shape, [8, 3]); // a -1 given at run time
  assert.throws(() => f(arr([4, 6]), -1, 3), /only one length can be -1/); // as NumPy
  const g = T.function([x, y], x.reshape(y.shape));
  assert.deepEqual(g(arr([4, 6]), arr([2, 3, 4])).shape, [2, 3, 4]);
  const fixed = new T.TensorType("int64", [2]).make("fixed");
  const h = T.function([x, fixed], x.reshape(fixed));
  assert.deepEqual(h(arr([4, 6]), [3, 8]).shape, [3, 8]);
  assert.throws(
    () => x.reshape(sv),
    (e: Error) => e instanceof T.HypatiaTypeError && /must be known/.test(e.message),
  );
  assert.deepEqual(T.function([x, a], x.reshape(a))(arr([2, 3]), 6).shape, [6]);
});

Deno.test("reshape() infers static lengths where it can", () => {
  const known = new T.TensorType("float64", [2, 6]).make("k");
  const part = new T.TensorType("float64", [null, 3, 4]).make("p");
  assert.deepEqual(known.reshape([3, -1]).staticShape, [3, 4]);
  assert.deepEqual(known.reshape([-1]).staticShape, [12]);
  assert.deepEqual(part.reshape([part.shape.get(0), -1]).staticShape, [null, 12]);
  assert.deepEqual(part.reshape([-1, 4]).staticShape, [null, 4]);
  assert.deepEqual(part.reshape([part.shape.get(0), part.shape.get(0)]).staticShape, [null, null]);
  assert.deepEqual(T.dmatrix("m").reshape([T.iscalar("i"), 5]).staticShape, [null, 5]);
});

Deno.test("reshape() errors: sizes that differ, bad lengths, non-integer shapes", () => {
  const x = T.dmatrix("x");
  const known = new T.TensorType("float64", [2, 6]).make("k");
  const f = T.function([x], x.reshape([5, -1]));
  assert.throws(
    () => f(arr([2, 3])),
    (e: Error) =>
      e instanceof T.ShapeError && /"x"/.test(e.message) && /\(2, 3\)/.test(e.message) &&
      /reshape/.test(e.message),
  );
  const g = T.function([x], x.reshape([4, 2]));
  assert.throws(() => g(arr([2, 3])), T.ShapeError);
  const i = T.iscalar("i");
  const h = T.function([x, i], x.reshape([i, -1]));
  assert.throws(() => h(arr([2, 3]), -1), /only one length can be -1/);
  assert.throws(() => h(arr([2, 3]), -3), T.ShapeError);
  assert.throws(
    () => known.reshape([5, 2]),
    (e: Error) => e instanceof T.HypatiaTypeError && /"k"/.test(e.message),
  );
  assert.throws(() => known.reshape([5, -1]), T.HypatiaTypeError);
  assert.throws(() => x.reshape([-1, -1]), /only one length can be -1/);
  assert.throws(() => x.reshape([-2, 3]), T.HypatiaTypeError);
  assert.throws(() => x.reshape([2.5, 2]), T.HypatiaTypeError);
  assert.throws(() => x.reshape([T.dscalar("d"), 2]), T.HypatiaTypeError);
  assert.throws(() => x.reshape(T.dvector("fv")), T.HypatiaTypeError);
});

Deno.test("reshape() is a view of the same buffer (a pure relabelling)", () => {
  const x = T.dmatrix("x");
  const node = reshapeOp.make([x], { shape: [-1] });
  const value = arr([2, 3]);
  const [out] = reshapeOp.perform!([value], { shape: [-1] }, node);
  assert.equal(out.data, value.data);
  // A compiled function never hands out the caller's buffer.
  const res = T.function([x], x.reshape([-1]))(value);
  assert.notEqual(res.data, value.data);
  assert.deepEqual(Array.from(res.data), range(6));
});

Deno.test("reshape() rewrites: to the same shape is identity, reshape of reshape is one reshape", () => {
  const x = T.dmatrix("x");
  const known = new T.TensorType("float64", [2, 6]).make("k");
  assert.equal(T.pp(T.function([x], x.reshape(x.shape))), "x");
  assert.equal(T.pp(T.function([known], known.reshape([2, 6]))), "k");
  assert.equal(T.pp(T.function([x], x.reshape([-1]).reshape([3, -1]))), "reshape(x, [3, -1])");
  const f = T.function([x], x.reshape([-1]).reshape([3, -1]));
  assert.deepEqual(f(arr([2, 6])).shape, [3, 4]);
});

Deno.test("flatten() keeps the first ndim-1 axes, like Theano", () => {
  const x = T.dtensor3("x");
  const f = T.function([x], [x.flatten(), x.flatten(2), x.flatten(3), T.flatten(x, 1)]);
  const [a, b, c, d] = f(arr([2, 3, 4]));
  assert.deepEqual([a.shape, b.shape, c.shape, d.shape], [[24], [2, 12], [2, 3, 4], [24]]);
  assert.deepEqual(Array.from(b.data), range(24));
  const part = new T.TensorType("float64", [null, 3, 4]).make("p");
  assert.deepEqual(part.flatten(2).staticShape, [null, 12]);
  assert.deepEqual(part.flatten().staticShape, [null]);
  assert.deepEqual(new T.TensorType("float64", [2, 3, 4]).make("k").flatten().staticShape, [24]);
  const s = T.dscalar("s");
  assert.deepEqual(T.function([s], s.flatten())(2.5).toArray(), [2.5]);
  assert.throws(() => x.flatten(0), T.HypatiaTypeError);
  assert.throws(() => x.flatten(4), T.HypatiaTypeError);
});

Deno.test("reshape()/flatten() gradients (verifyGrad, float64 and float32)", () => {
  const m = [[0.5, -1.2, 2.0], [1.5, 0.7, -0.4]];
  for (const opts of [{}, F32]) {
    T.verifyGrad((a) => a.reshape([3, 2]).exp(), [m], opts);
    T.verifyGrad((a) => a.reshape([-1]).mul(a.flatten()), [m], opts);
    T.verifyGrad((a) => a.flatten().sqr(), [[[[1, 2], [3, 4]], [[5, 6], [7, -8]]]], opts);
    T.verifyGrad((a) => a.flatten(2).dot(T.constant([[1, 0], [0, 1], [2, -1], [0.5, 0.5]])), [[[[1, 2], [
      3,
      4,
    ]], [[5, 6], [7, -8]]]], opts);
  }
});

Deno.test("shape ops are not differentiable and say so", () => {
  assert.ok(shapeIOp.notDifferentiable);
  const x = T.dvector("x");
  const g = T.grad(x.sum().mul(x.shape.get(0).astype("float64")), x);
  const f = T.function([x], g);
  assert.deepEqual(Array.from(f([1, 2, 3]).data), [3, 3, 3]);
});
