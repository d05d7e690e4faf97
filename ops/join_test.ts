import assert from "node:assert/strict";
import * as T from "../mod.ts";

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" } as const;

Deno.test("concatenate() joins along an axis as NumPy does", () => {
  const [a, b] = T.dmatrices("a", "b");
  const f = T.function([a, b], [
    T.concatenate([a, b]),
    T.concatenate([a, b, a], 1),
    T.concatenate([b, a], -1),
  ]);
  const av = [[1, 2], [3, 4]], bv = [[5, 6], [7, 8]];
  const [r0, r1, r2] = f(av, bv);
  // np.concatenate([A, B]).tolist(); np.concatenate([A, B, A], 1).tolist(); np.concatenate([B, A], -1).tolist()
  assert.deepEqual(r0.toArray(), [[1, 2], [3, 4], [5, 6], [7, 8]]);
  assert.deepEqual(r1.toArray(), [[1, 2, 5, 6, 1, 2], [3, 4, 7, 8, 3, 4]]);
  assert.deepEqual(r2.toArray(), [[5, 6, 1, 2], [7, 8, 3, 4]]);
  // Different lengths along the joined axis, and an empty piece.
  const g = T.function([a, b], T.concatenate([a, b], 0));
  assert.deepEqual(g([[1, 2, 3]], [[4, 5, 6], [7, 8, 9]]).toArray(), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(g(T.asarray([], { dtype: "float64", shape: [0, 2] }), [[1, 2]]).toArray(), [[1, 2]]);
});

Deno.test("concatenate() of 3-d tensors along the middle axis", () => {
  const [a, b] = T.dtensor3s("a", "b");
  // A = np.arange(12.).reshape(2, 3, 2); B = -np.arange(4.).reshape(2, 1, 2)
  // np.concatenate([A, B], 1).ravel().tolist()
  const A = T.asarray(Array.from({ length: 12 }, (_, i) => i), { dtype: "float64", shape: [2, 3, 2] });
  const B = T.asarray([0, -1, -2, -3], { dtype: "float64", shape: [2, 1, 2] });
  const out = T.function([a, b], T.concatenate([a, b], 1))(A, B);
  assert.deepEqual(out.shape, [2, 4, 2]);
  assert.deepEqual(Array.from(out.data), [0, 1, 2, 3, 4, 5, 0, -1, 6, 7, 8, 9, 10, 11, -2, -3]);
});

Deno.test("concatenate() static shapes and dtype promotion", () => {
  const a = new T.TensorType("float32", [2, 3]).make("a");
  const b = new T.TensorType("float32", [null, 3]).make("b");
  const i = new T.TensorType("int32", [4, 3]).make("i");
  assert.deepEqual(T.concatenate([a, a]).staticShape, [4, 3]);
  assert.deepEqual(T.concatenate([a, b]).staticShape, [null, 3]);
  assert.deepEqual(T.concatenate([a, a], 1).staticShape, [2, 6]);
  assert.equal(T.concatenate([a, i]).dtype, "float64"); // np.concatenate of float32 and int32 -> float64
  assert.equal(T.concatenate([a, T.constant([[1, 2, 3]], { dtype: "int8" })]).dtype, "float32");
  assert.equal(T.concatenate([a]), a);
});

Deno.test("concatenate() errors name the tensors and their shapes", () => {
  const [a, b] = T.dmatrices("a", "b");
  const k = new T.TensorType("float64", [2, 3]).make("k");
  const k2 = new T.TensorType("float64", [2, 4]).make("k2");
  assert.throws(
    () => T.concatenate([a, T.dvector("v")]),
    (e: Error) => e instanceof T.HypatiaTypeError && /"v"/.test(e.message),
  );
  assert.throws(
    () => T.concatenate([k, k2]),
    (e: Error) => e instanceof T.HypatiaTypeError && /axis 1 differ/.test(e.message),
  );
  assert.throws(() => T.concatenate([a, b], 2), T.HypatiaTypeError);
  assert.throws(() => T.concatenate([T.dscalar("s"), T.dscalar("t")]), /scalars cannot be concatenated/);
  assert.throws(() => T.concatenate([]), T.HypatiaTypeError);
  const f = T.function([a, b], T.concatenate([a, b]));
  assert.throws(
    () => f([[1, 2]], [[1, 2, 3]]),
    (e: Error) => e instanceof T.ShapeError && /a \(1, 2\)/.test(e.message) && /b \(1, 3\)/.test(e.message),
  );
});

Deno.test("stack() adds an axis as NumPy's stack does", () => {
  const [u, v] = T.dvectors("u", "v");
  const f = T.function([u, v], [T.stack([u, v]), T.stack([u, v], 1), T.stack([u, v, u], -1)]);
  const [s0, s1, s2] = f([1, 2, 3], [4, 5, 6]);
  // np.stack([U, V]).tolist(); np.stack([U, V], 1).tolist(); np.stack([U, V, U], -1).tolist()
  assert.deepEqual(s0.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(s1.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(s2.toArray(), [[1, 4, 1], [2, 5, 2], [3, 6, 3]]);
  const [x, y] = T.dscalars("x", "y");
  const g = T.function([x, y], T.stack([x, y, 7]));
  assert.deepEqual(Array.from(g(1.5, 2.5).data), [1.5, 2.5, 7]);
  assert.deepEqual(T.stack([x, y]).staticShape, [2]);
  assert.equal(T.stack([1, 2]).dtype, "int64"); // np.stack([1, 2]).dtype
  assert.equal(T.stack([1, 2.5]).dtype, T.config.floatX);
  assert.equal(T.stack([T.fscalar("f"), 2]).dtype, "float32");
  const m = T.dmatrix("m");
  assert.deepEqual(T.stack([m, m], 1).broadcastable, [false, false, false]);
  assert.deepEqual(T.stack([m, m, m], 2).ndim, 3);
});

Deno.test("stack() errors: ranks that differ, axis out of range", () => {
  const u = T.dvector("u");
  assert.throws(() => T.stack([u, T.dmatrix("m")]), T.HypatiaTypeError);
  assert.throws(() => T.stack([u, u], 2), T.HypatiaTypeError);
  assert.throws(() => T.stack([u, u], -3), T.HypatiaTypeError);
  assert.throws(() => T.stack([]), T.HypatiaTypeError);
});

Deno.test("concatenate()/stack() gradients (verifyGrad, float64 and float32)", () => {
  const m = [[0.5, -1.2, 2.0], [1.5, 0.7, -0.4]];
  const n = [[0.3, 0.1, -2.0]];
  for (const opts of [{}, F32]) {
    T.verifyGrad((a, b) => T.concatenate([a, b, a]).exp(), [m, n], opts);
    T.verifyGrad((a, b) => T.concatenate([a.T, b.T], 1).sqr(), [m, n], opts);
    T.verifyGrad((a, b) => T.stack([a, b.get(0).mul(2)], 1), [[1, 2, 3], n], opts);
    T.verifyGrad((a) => T.stack([a.sum(), a.get(0), a.get(-1)]).sqr(), [[0.2, 0.4, -1]], opts);
  }
});

Deno.test("concatenate() gradient uses static lengths when known", () => {
  const a = new T.TensorType("float64", [2, 3]).make("a");
  const b = T.dmatrix("b");
  const [ga, gb] = T.grad(T.concatenate([a, b]).sum(), [a, b]);
  assert.match(T.pp(ga), /\[:2\]/);
  assert.match(T.pp(gb), /\[2:\(2 \+ b\.shape\[0\]\)\]/);
  const f = T.function([a, b], [ga, gb]);
  const [x, y] = f([[1, 2, 3], [4, 5, 6]], [[1, 1, 1]]);
  assert.deepEqual([x.shape, y.shape], [[2, 3], [1, 3]]);
  assert.deepEqual(Array.from(y.data), [1, 1, 1]);
});
