import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { gammaJs, gammalnJs, psiJs, trigammaJs } from "./gamma.ts";

const F32 = { rtol: 2.4e-7 };

Deno.test("gamma() matches SciPy (poles, overflow past 171.6, reflection, NaN, ±inf)", () => {
  checkTable("gamma", T.gamma, { f64: { rtol: 1e-14 }, f32: F32 });
});

Deno.test("gammaln() matches SciPy; near its zeros at 1 and 2 within 1e-15 absolute", () => {
  checkTable("gammaln", T.gammaln, { f64: { rtol: 1e-14, atol: 1e-15 }, f32: { ...F32, atol: 1e-7 } });
});

Deno.test("psi() matches SciPy; near its root 1.4616 within 1e-15 absolute", () => {
  checkTable("psi", T.psi, { f64: { rtol: 1e-14, atol: 1e-15 }, f32: { ...F32, atol: 1e-7 } });
});

Deno.test("chi2sf() matches SciPy's chi2.sf(x, k) over a grid of x and k (edges included)", () => {
  checkTable("chi2sf", T.chi2sf, { f64: { rtol: 1e-12, atol: 1e-300 }, f32: { rtol: 1e-6 } });
});

Deno.test("gamma() is exact at the integers 1..23; gammaln(1) = gammaln(2) = 0; psi is gammaln's slope", () => {
  let f = 1;
  for (let n = 1; n <= 23; n++) {
    assert.equal(gammaJs(n), f);
    f *= n;
  }
  assert.equal(gammalnJs(1), 0);
  assert.ok(Math.abs(gammalnJs(2)) < 1e-15);
  for (const x of [0.3, 2.7, 15.5, -2.4]) {
    const h = 1e-5, slope = (gammalnJs(x + h) - gammalnJs(x - h)) / (2 * h);
    assert.ok(Math.abs(slope - psiJs(x)) < 1e-8, `psi(${x})`);
    const curve = (psiJs(x + h) - psiJs(x - h)) / (2 * h);
    assert.ok(Math.abs(curve / trigammaJs(x) - 1) < 1e-8, `trigamma(${x})`);
  }
});

Deno.test("gamma gammaln psi chi2sf gradients check numerically (float64, and float32 for gamma/gammaln)", () => {
  T.verifyGrad(T.gamma, [[0.3, 2.7, 5.5, -1.5]]);
  T.verifyGrad(T.gammaln, [[0.3, 2.7, 15.5, -1.5]]);
  T.verifyGrad(T.psi, [[0.3, 2.7, 15.5, -1.5]]);
  T.verifyGrad(T.gammaln, [[0.3, 2.7, 5.5]], F32_GRAD);
  const k = T.constant([1, 3, 4.5, 10]);
  T.verifyGrad((x: T.Variable) => T.chi2sf(x, k), [[0.5, 2.7, 4, 12]]);
});

Deno.test("chi2sf() has no gradient in k: a function that needs it refuses to run, saying so", () => {
  const x = T.dvector("x"), k = T.dvector("k");
  const gx = T.function([x, k], T.grad(T.sum(T.chi2sf(x, k)), x))([1, 2], [2, 2]);
  T.testing.assertAllClose(gx, [-Math.exp(-0.5) / 2, -Math.exp(-1) / 2], { rtol: 1e-14 });
  const gk = T.function([x, k], T.grad(T.sum(T.chi2sf(x, k)), k), { onUnusedInput: "ignore" });
  assert.throws(
    () => gk([1], [2]),
    (e: Error) => e instanceof T.GradError && /chi2sf.*respect to k/.test(e.message),
  );
});

Deno.test("gamma family: integers give floatX, float32 stays", () => {
  for (const fn of [T.gamma, T.gammaln, T.psi]) {
    assert.equal(fn(T.ivector("i")).dtype, "float64");
    assert.equal(fn(T.fvector("x")).dtype, "float32");
  }
  assert.equal(T.chi2sf(T.fvector("x"), 3).dtype, "float32");
});
