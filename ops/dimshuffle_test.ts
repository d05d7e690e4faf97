import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("dimshuffle() permutes, inserts 'x' and drops broadcastable axes", () => {
  const x = T.dtensor3("x");
  const v = [[[1, 2, 3], [4, 5, 6]]]; // (1, 2, 3)
  const f = T.function([x], [x.dimshuffle(2, 0, 1), x.transpose(), x.T]);
  const [a, b, c] = f(v);
  assert.deepEqual(a.shape, [3, 1, 2]);
  assert.deepEqual(a.toArray(), [[[1, 4]], [[2, 5]], [[3, 6]]]);
  assert.deepEqual(b.toArray(), [[[1], [4]], [[2], [5]], [[3], [6]]]);
  assert.deepEqual(c.toArray(), b.toArray());
  const r = T.drow("r");
  const g = T.function([r], [r.dimshuffle(1), r.dimshuffle("x", 0, 1)]);
  const [d, e] = g([[7, 8]]);
  assert.deepEqual(d.toArray(), [7, 8]);
  assert.deepEqual(e.shape, [1, 1, 2]);
});

Deno.test("dimshuffle() errors name the variable and the axis", () => {
  const m = T.dmatrix("m");
  assert.throws(
    () => m.dimshuffle(1),
    (e: Error) => e instanceof T.HypatiaTypeError && /"m"/.test(e.message),
  );
  assert.throws(
    () => m.dimshuffle(0, 2),
    (e: Error) => e instanceof T.HypatiaTypeError && /axis 2/.test(e.message),
  );
  assert.throws(() => m.dimshuffle(0, 0), T.HypatiaTypeError);
  assert.throws(() => T.transpose(m, 0), T.HypatiaTypeError);
});

Deno.test("dimshuffle() gradients, and dimshuffle of dimshuffle folds", () => {
  T.verifyGrad((x) => T.mul(x.dimshuffle(1, 0), [[1, 2], [3, 4], [5, 6]]), [[[1, 2, 3], [4, 5, 6]]]);
  T.verifyGrad((x) => T.transpose(x, 2, 0, 1), [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]], {
    dtype: "float32",
    eps: 1e-2,
    rtol: 5e-2,
    atol: 5e-2,
  });
  const m = T.dmatrix("m");
  assert.equal(T.pp(T.function([m], m.T.T)), "m");
});
