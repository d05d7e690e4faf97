import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("addbroadcast / unbroadcast / patternbroadcast change the static pattern only", () => {
  const x = T.dmatrix("x");
  const a = T.addbroadcast(x, 0, -1);
  assert.deepEqual(a.broadcastable, [true, true]);
  assert.deepEqual(T.unbroadcast(a, 1).broadcastable, [true, false]);
  assert.deepEqual(T.patternbroadcast(x, [false, true]).broadcastable, [false, true]);
  // Nothing to change: the same variable.
  assert.equal(T.addbroadcast(T.drow("r"), 0).owner, null);
  assert.equal(T.patternbroadcast(x, [false, false]), x);
  // Values pass through, and broadcast with the new pattern.
  const v = T.dvector("v");
  const f = T.function([x, v], T.addbroadcast(x, 0).add(v.dimshuffle("x", 0)));
  assert.deepEqual(f([[1, 2, 3]], [10, 20, 30]).toArray(), [[11, 22, 33]]);
  const g = T.function([x], T.unbroadcast(T.addbroadcast(x, 1), 1).mul(3));
  assert.deepEqual(g([[1], [2]]).toArray(), [[3], [6]]);
});

Deno.test("addbroadcast checks the length when the function runs, and statically when known", () => {
  const x = T.dmatrix("x");
  const f = T.function([x], T.addbroadcast(x, 1).sum());
  assert.throws(
    () => f([[1, 2]]),
    (e: Error) => e instanceof T.ShapeError && /axis 1 of "x".*has length 2/.test(e.message),
  );
  const k = new T.TensorType("float64", [3, null]).make("k");
  assert.throws(
    () => T.addbroadcast(k, 0),
    (e: Error) => e instanceof T.HypatiaTypeError && /axis 0 of "k".*length 3/.test(e.message),
  );
  assert.throws(() => T.addbroadcast(x, 2), (e: Error) => /axis 2 is out of range/.test(e.message));
  assert.throws(() => T.patternbroadcast(x, [true]), (e: Error) => /needs 2 flags/.test(e.message));
});

Deno.test("rebroadcast gradients keep the input's pattern (verifyGrad)", () => {
  T.verifyGrad((a) => T.addbroadcast(T.unbroadcast(a, 0), 0).mul(T.constant([[1], [2]])), [[[0.5, -1, 2]]]);
  T.verifyGrad((a) => T.unbroadcast(a, 0).sqr(), [[[0.5, -1, 2]]]);
  const x = T.dmatrix("x");
  const gx = T.grad(T.addbroadcast(x, 0).sum(), x);
  assert.deepEqual(gx.broadcastable, [false, false]);
});

Deno.test("shapePadleft / shapePadright / shapePadaxis add broadcastable axes", () => {
  const m = T.dmatrix("m");
  assert.deepEqual(T.shapePadleft(m).broadcastable, [true, false, false]);
  assert.deepEqual(T.shapePadright(m, 2).broadcastable, [false, false, true, true]);
  assert.deepEqual(T.shapePadaxis(m, 0).broadcastable, [true, false, false]);
  assert.deepEqual(T.shapePadaxis(m, 2).broadcastable, [false, false, true]);
  assert.deepEqual(T.shapePadaxis(m, -3).broadcastable, [true, false, false]);
  const f = T.function([m], [T.shapePadleft(m), T.shapePadaxis(m, 1)]);
  const [a, b] = f([[1, 2], [3, 4]]);
  // np.expand_dims(A, 0).shape, np.expand_dims(A, 1).shape
  assert.deepEqual(a.shape, [1, 2, 2]);
  assert.deepEqual(b.shape, [2, 1, 2]);
  assert.deepEqual(Array.from(b.data), [1, 2, 3, 4]);
  assert.throws(() => T.shapePadaxis(m, 3), (e: Error) => /axis 3 is out of range/.test(e.message));
  assert.throws(() => T.shapePadleft(m, -1), (e: Error) => /integer >= 0/.test(e.message));
});
