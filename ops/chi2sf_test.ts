import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { chi2sfJs } from "./chi2sf.ts";

Deno.test("chi2sf() matches SciPy's chi2.sf(x, k) over a grid of x and k (edges included)", () => {
  checkTable("chi2sf", T.chi2sf, { f64: { rtol: 1e-12, atol: 1e-300 }, f32: { rtol: 1e-6 } });
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

Deno.test("chi2sf() keeps its digits for tiny k (Q near 0 with P near 1) and for huge k (y near a ~ 1e9)", () => {
  // mpmath 1.3: float(mp.gammainc(k/2, x/2, mp.inf, regularized=True)) at mp.dps = 40; SciPy agrees.
  const REF: [number, number, number, number][] = [
    [1e-10, 1e-10, 1.157089121615072e-9, 1e-14],
    [0.3, 0.5, 0.33317180231535665, 4e-15],
    [1.2, 1.9, 0.5238913316506894, 4e-15],
    [2.9, 1.5, 0.1560712611419888, 4e-15], // Q = 1 - P with P = 0.84: 5 times P's error
    [1e6, 1e6, 0.4998119368033945, 1e-14],
    [1.01e6, 1e6, 9.068528823262108e-13, 1e-13],
    [1e10, 1e10, 0.4999981193680548, 1e-11],
  ];
  for (const [x, k, q, rtol] of REF) {
    assert.ok(Math.abs(chi2sfJs(x, k) / q - 1) < rtol, `chi2sf(${x}, ${k}) = ${chi2sfJs(x, k)}, not ${q}`);
  }
});

Deno.test("chi2sf() gradient in x checks numerically; float32 stays float32", () => {
  const k = T.constant([1, 3, 4.5, 10]);
  T.verifyGrad((x: T.Variable) => T.chi2sf(x, k), [[0.5, 2.7, 4, 12]]);
  assert.equal(T.chi2sf(T.fvector("x"), 3).dtype, "float32");
  assert.equal(T.chi2sf(T.ivector("x"), 3).dtype, "float64");
});
