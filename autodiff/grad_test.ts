import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("grad() of a list returns a list in the same order", () => {
  const [x, y] = T.dscalars("x", "y");
  const [gx, gy] = T.grad(T.mul(T.pow(x, 2), y), [x, y]);
  const f = T.function([x, y], [gx, gy]);
  assert.deepEqual(f(3, 5).map((v) => v.item()), [30, 9]);
});

Deno.test("grad() rejects a non-scalar or integer cost", () => {
  const v = T.dvector("v");
  assert.throws(
    () => T.grad(T.exp(v), v),
    (e: Error) => e instanceof T.GradError && /must be a scalar/.test(e.message),
  );
  const i = T.iscalar("i");
  assert.throws(
    () => T.grad(T.mul(i, 2), i),
    (e: Error) => e instanceof T.GradError && /int/.test(e.message),
  );
});

Deno.test("grad() disconnectedInputs raise, warn and ignore", () => {
  const [x, y] = T.dscalars("x", "y");
  assert.throws(() => T.grad(T.exp(x), y), (e: Error) => e instanceof T.GradError && /"y"/.test(e.message));
  const gy = T.grad(T.exp(x), y, { disconnectedInputs: "ignore" });
  assert.equal(T.function([x, y], gy, { onUnusedInput: "ignore" })(1, 2).item(), 0);
});

Deno.test("grad() through a piecewise-constant op is zero, not disconnected (as Theano)", () => {
  const x = T.dvector("x");
  const g = T.grad(T.sum(T.floor(T.exp(x))), x);
  assert.deepEqual(T.function([x], g)([0.5, 2]).toArray(), [0, 0]);
  const h = T.grad(T.sum(T.mul(x, T.cast(T.gt(x, 0), "float64"))), x);
  assert.deepEqual(T.function([x], h)([-1, 2]).toArray(), [0, 1]);
});

Deno.test("grad() considerConstant stops the gradient", () => {
  const x = T.dscalar("x");
  const y = T.mul(x, x);
  const g = T.grad(T.mul(y, x), x, { considerConstant: [y] });
  assert.equal(T.function([x], g)(3).item(), 9);
});

Deno.test("grad() knownGrads starts from given gradients", () => {
  const x = T.dvector("x");
  const h = T.exp(x);
  const gh = T.dvector("gh");
  const g = T.grad(null, x, { knownGrads: [[h, gh]] });
  const out = T.function([x, gh], g)([0, 1], [1, 2]);
  T.testing.assertAllClose(out, [1, 2 * Math.E]);
});

Deno.test("grad() with a cost and knownGrads: a known gradient replaces what flows back to it (Theano's rule)", () => {
  const x = T.dvector("x");
  const c = T.sum(T.sqr(x));
  // The cost's own gradient given as 2: d(2c)/dx = 4x, not (1 + 2)·2x.
  const f = T.function([x], T.grad(c, x, { knownGrads: [[c, T.constant(2.0)]] }));
  assert.deepEqual(f([1, 2]).toArray(), [4, 8]);
  // h = 2x with its gradient known to be ones: dx = 2, whatever sum(h²) sends back to h.
  const h = T.mul(x, 2);
  const g = T.function([x], T.grad(T.sum(T.sqr(h)), x, { knownGrads: [[h, T.onesLike(h)]] }));
  assert.deepEqual(g([1, 2]).toArray(), [2, 2]);
});

Deno.test("grad() of shared variables feeds updates (gradient descent)", () => {
  const w = T.shared([1, -2], { name: "w", dtype: "float64" });
  const b = T.shared(0.5, { name: "b", dtype: "float64" });
  const x = T.dvector("x");
  const cost = T.sqr(T.add(T.dot(x, w), b));
  const [dw, db] = T.grad(cost, [w, b]);
  const step = T.function([x], cost, {
    updates: [[w, T.sub(w, T.mul(0.1, dw))], [b, T.sub(b, T.mul(0.1, db))]],
  });
  // cost = (x·w + b)^2, d/dw = 2 (x·w + b) x: from z = -0.5 the step moves w by +0.1 each.
  assert.equal(step([1, 1]).item(), 0.25);
  T.testing.assertAllClose(w.getValue(), [1.1, -1.9]);
  T.testing.assertAllClose(b.getValue(), 0.6);
  T.testing.assertAllClose(step([1, 1]), 0.04);
});

Deno.test("grad() can be differentiated again (second derivatives)", () => {
  const x = T.dscalar("x");
  const y = T.mul(T.sin(x), T.pow(x, 3));
  const g2 = T.grad(T.grad(y, x), x);
  const v = 0.7;
  const want = -Math.sin(v) * v ** 3 + 6 * Math.cos(v) * v ** 2 + 6 * v * Math.sin(v);
  assert.ok(Math.abs(T.function([x], g2)(v).item() - want) < 1e-12);
});

Deno.test("grad() keeps a float32 parameter's gradient float32", () => {
  const w = T.fvector("w");
  const g = T.grad(T.sum(T.mul(T.exp(w), T.dscalar("s"))), w);
  assert.equal(g.dtype, "float32");
});
