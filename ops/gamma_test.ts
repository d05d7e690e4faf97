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

Deno.test("gamma gammaln psi gradients check numerically (float64, and float32 for gamma/gammaln)", () => {
  T.verifyGrad(T.gamma, [[0.3, 2.7, 5.5, -1.5]]);
  T.verifyGrad(T.gammaln, [[0.3, 2.7, 15.5, -1.5]]);
  T.verifyGrad(T.psi, [[0.3, 2.7, 15.5, -1.5]]);
  T.verifyGrad(T.gammaln, [[0.3, 2.7, 5.5]], F32_GRAD);
});

Deno.test("gamma family: integers give floatX, float32 stays", () => {
  for (const fn of [T.gamma, T.gammaln, T.psi]) {
    assert.equal(fn(T.ivector("i")).dtype, "float64");
    assert.equal(fn(T.fvector("x")).dtype, "float32");
  }
});

Deno.test("gammaln() is within 4 ulps next to its zeros at 1 and 2 (mpmath values)", () => {
  // mpmath 1.3: float(mp.loggamma(mp.mpf(x))) at mp.dps = 40, x the double shown.
  const REF: [number, number][] = [
    [1 + 1e-10, -5.772157125783244e-11],
    [1 - 1e-10, 5.7721571274281786e-11],
    [1.0001, -5.771334222047127e-5],
    [0.9999, 5.7729791561193866e-5],
    [2 + 1e-12, 4.2282192087238456e-13],
    [2 - 1e-9, -4.227843697573328e-10],
    [2.0000001, 4.227843666532498e-8],
    [1.5, -0.12078223763524522],
    [0.6, 0.39823385806923495],
    [1.3, -0.10817480950786047],
    [1.7, -0.09580769740706588],
    [2.4, 0.21685932244884157],
  ];
  for (const [x, y] of REF) {
    assert.ok(Math.abs(gammalnJs(x) / y - 1) < 8e-16, `gammaln(${x}) = ${gammalnJs(x)}, not ${y}`);
  }
});

Deno.test("psi() is relatively accurate next to its positive root 1.4616 (mpmath values)", () => {
  // mpmath 1.3: float(mp.digamma(mp.mpf(x))) at mp.dps = 50, x the double shown.
  const REF: [number, number][] = [
    [1.4616321449683622, -9.241265521729427e-17],
    [1.461632144968362, -3.072790566546293e-16],
    [1.46, -0.0015805619870834522],
    [1.47, 0.008066489011364869],
    [1.2, -0.2890398965921884],
    [1.3, -0.16919088886679962],
    [1.7, 0.2085478748734939],
    [1.75, 0.24747245354686118],
  ];
  for (const [x, y] of REF) {
    assert.ok(Math.abs(psiJs(x) / y - 1) < 8e-16, `psi(${x}) = ${psiJs(x)}, not ${y}`);
  }
});
