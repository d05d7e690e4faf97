import assert from "node:assert/strict";
import * as T from "../mod.ts";

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" } as const;

Deno.test("alloc() broadcasts a value to numbers and symbolic lengths", () => {
  const v = T.dvector("v");
  const n = T.iscalar("n");
  const f = T.function([v, n], [T.alloc(v, n, 3), T.alloc(2.5, 2, n), T.alloc(v, 1, 3)]);
  const [a, b, c] = f([1, 2, 3], 2);
  // np.broadcast_to([1., 2., 3.], (2, 3)).tolist(); np.full((2, 2), 2.5).tolist()
  assert.deepEqual(a.toArray(), [[1, 2, 3], [1, 2, 3]]);
  assert.deepEqual(b.toArray(), [[2.5, 2.5], [2.5, 2.5]]);
  assert.deepEqual(c.shape, [1, 3]);
  assert.deepEqual(T.alloc(v, n, 3).staticShape, [null, 3]);
  assert.deepEqual(T.alloc(T.drow("r"), 4, n).staticShape, [4, null]);
  assert.equal(T.alloc(0, 3).dtype, "int64"); // like np.full(3, 0)
  assert.equal(T.alloc(0.5, 3).dtype, T.config.floatX);
});

Deno.test("alloc() with a broadcastable value of unknown target lengths, and a shape vector", () => {
  const r = T.drow("r");
  const x = T.dmatrix("x");
  const f = T.function([r, x], T.alloc(r, x.shape));
  assert.deepEqual(f([[1, 2]], [[0, 0], [0, 0], [0, 0]]).toArray(), [[1, 2], [1, 2], [1, 2]]);
  // np.broadcast_to(np.array([[7.]]), (2, 1, 3))
  const s = T.dscalar("s");
  assert.deepEqual(T.function([s], T.alloc(s.dimshuffle("x", "x"), 2, 1, 3))(7).toArray(), [[[7, 7, 7]], [[
    7,
    7,
    7,
  ]]]);
});

Deno.test("alloc() errors: too few lengths, lengths that do not fit the value, negative lengths", () => {
  const v = T.dvector("v");
  const m = T.dmatrix("m");
  const n = T.iscalar("n");
  assert.throws(
    () => T.alloc(m, 3),
    (e: Error) => e instanceof T.HypatiaTypeError && /more dimensions/.test(e.message),
  );
  assert.throws(() => T.alloc(T.constant([1, 2, 3]), 2, 4), /does not broadcast/);
  assert.throws(() => T.alloc(v, 2.5), T.HypatiaTypeError);
  assert.throws(() => T.alloc(v, T.dscalar("d")), T.HypatiaTypeError);
  const f = T.function([v, n], T.alloc(v, 2, n));
  assert.throws(() => f([1, 2, 3], 4), (e: Error) => e instanceof T.ShapeError && /"v"/.test(e.message));
  // A length-1 value broadcasts only when its type says length 1.
  assert.throws(() => f([1], 4), T.ShapeError);
  assert.throws(() => f([1, 2], -2), /negative/);
});

Deno.test("zeros()/ones() from lists and shape vectors; zerosLike()/onesLike() keep the dtype", () => {
  const x = T.fmatrix("x");
  const n = T.iscalar("n");
  const f = T.function([x, n], [
    T.zeros(x.shape),
    T.ones([n, 2], "int32"),
    T.zerosLike(x),
    T.onesLike(x, "int8"),
  ]);
  const [a, b, c, d] = f([[1, 2, 3], [4, 5, 6]], 3);
  assert.deepEqual([a.shape, a.dtype, Array.from(a.data)], [[2, 3], T.config.floatX, [0, 0, 0, 0, 0, 0]]);
  assert.deepEqual([b.shape, b.dtype, Array.from(b.data)], [[3, 2], "int32", [1, 1, 1, 1, 1, 1]]);
  assert.deepEqual([c.shape, c.dtype, Array.from(c.data)], [[2, 3], "float32", [0, 0, 0, 0, 0, 0]]);
  assert.deepEqual([d.shape, d.dtype, Array.from(d.data)], [[2, 3], "int8", [1, 1, 1, 1, 1, 1]]);
  assert.deepEqual(T.zeros([2, 3]).staticShape, [2, 3]);
  assert.equal(T.ones([4], "float32").dtype, "float32");
  assert.deepEqual(T.zeros([]).staticShape, []);
  assert.throws(() => T.zeros([2, 3], "complex64" as never), T.HypatiaTypeError);
  assert.throws(() => T.zeros(T.dvector("fv")), T.HypatiaTypeError);
});

Deno.test("alloc() of a constant folds, and alloc to the value's own shape is removed", () => {
  const f = T.function([], T.zeros([2, 2]));
  assert.ok(f.maker.outputs[0] instanceof T.Constant);
  const k = new T.TensorType("float64", [2, 3]).make("k");
  assert.equal(T.pp(T.function([k], T.alloc(k, 2, 3))), "k");
  assert.equal(T.pp(T.alloc(T.dvector("v"), 2, 3)), "alloc(v, 2, 3)");
});

Deno.test("alloc() gradient sums over the broadcast axes (verifyGrad, float64 and float32)", () => {
  for (const opts of [{}, F32]) {
    T.verifyGrad((a) => T.alloc(a, 4, 3).mul(T.constant([[1], [2], [3], [4]])), [[0.5, -1, 2]], opts);
    T.verifyGrad((a) => T.alloc(a, 2, 3).sqr(), [[[0.5, -1, 2]]], opts);
    T.verifyGrad((a) => T.alloc(a.sum(), 3, 2).exp(), [[0.1, 0.2]], opts);
  }
});
