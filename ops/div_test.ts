import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("div() is true division: integers give floats", () => {
  const [i, j] = T.ivectors("i", "j");
  const f = T.function([i, j], T.div(i, j));
  assert.equal(f.maker.outputs[0].dtype, "float64");
  assert.deepEqual((f([1, -7, 0], [2, 2, 0]).toArray() as number[]).slice(0, 2), [0.5, -3.5]);
  assert.ok(Number.isNaN(f([1, -7, 0], [2, 2, 0]).item(2)));
});

Deno.test("div() gradients in float64 and float32", () => {
  T.verifyGrad((a, b) => T.div(a, b), [[[1, -2], [3, 4]], [[0.5, 1.5], [-2, 3]]]);
  T.verifyGrad((a, b) => T.div(a, b), [[1, -2, 3], [[0.5], [1.5]]], {
    dtype: "float32",
    eps: 1e-2,
    rtol: 5e-2,
    atol: 5e-2,
  });
});

Deno.test("div() rewrites a hand-written logistic into sigmoid, so its logs never overflow", () => {
  const x = T.dvector("x");
  const p = T.div(1, T.add(1, T.exp(T.neg(x))));
  const f = T.function([x], [p, T.log(p), T.log(T.sub(1, p))]);
  assert.match(T.pp(f), /^sigmoid\(x\)$/m);
  const [pv, lp, l1p] = f([-1000, 0, 1000]);
  assert.deepEqual(pv.toArray(), [0, 0.5, 1]);
  T.testing.assertAllClose(lp, [-1000, Math.log(0.5), 0]);
  T.testing.assertAllClose(l1p, [0, Math.log(0.5), -1000]);
  // Without the rewrites the same graph overflows, as a check that the test means something.
  const raw = T.function([x], T.log(p), { mode: "FAST_COMPILE" });
  assert.equal(raw([-1000]).item(0), -Infinity);
});
