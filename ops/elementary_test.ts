import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { wasmTable } from "../backends/wasm/table.ts";
import { cbrtOp, exp2Op, hypotOp, log10Op, reciprocalOp } from "./elementary.ts";

const TOL = { f64: { rtol: 4e-16 }, f32: { rtol: 1.2e-7 } };

for (
  const [name, fn] of [["log10", T.log10], ["exp2", T.exp2], ["cbrt", T.cbrt], [
    "reciprocal",
    T.reciprocal,
  ]] as const
) {
  Deno.test(`${name}() matches NumPy in float64 and float32 (edges, NaN, ±inf)`, () => {
    checkTable(name, fn, TOL);
  });
}

Deno.test("hypot() matches NumPy on every pair of edge values (inf beats NaN, no overflow)", () => {
  checkTable("hypot", T.hypot, TOL);
});

Deno.test("log10() is exact at powers of ten and exp2() at integers", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.log10(x), T.exp2(x)]);
  const pts = Array.from({ length: 40 }, (_, k) => k - 20);
  const [l, e] = f(pts.map((k) => 10 ** k)) as T.NDArray[];
  assert.deepEqual(Array.from(l.data), pts);
  assert.deepEqual(Array.from((f(pts) as T.NDArray[])[1].data), pts.map((k) => 2 ** k));
  assert.equal(e.size, 40);
});

Deno.test("inv is reciprocal; integers give floatX (Theano's inv), float32 stays", () => {
  assert.equal(T.inv, T.reciprocal);
  assert.equal(T.reciprocal(T.ivector("i")).dtype, "float64");
  assert.equal(T.reciprocal(T.fvector("x")).dtype, "float32");
  assert.equal(T.hypot(T.ivector("i"), 2).dtype, "float64");
});

Deno.test("log10 exp2 cbrt reciprocal hypot gradients check numerically", () => {
  const pos = [[0.3, 1.7, 0.05, 4.2]];
  for (const fn of [T.log10, T.exp2, T.cbrt, T.reciprocal]) {
    T.verifyGrad(fn, pos);
    T.verifyGrad(fn, pos, F32_GRAD);
  }
  T.verifyGrad(T.cbrt, [[-0.3, -2.5]]);
  T.verifyGrad(T.hypot, [[0.3, -1.2, 2], [1.5, -0.4, -3]]);
});

Deno.test("reciprocal has a wasm vector rule, and a costly group with it matches 1/e^x", () => {
  assert.ok(wasmTable.get(reciprocalOp)?.vector && !wasmTable.get(reciprocalOp)?.costly);
  const x = T.dvector("x");
  const pts = [3, -7, 0, -0, 1e-310, 800, -800, Infinity, -Infinity, NaN, 0.1];
  const got = T.function([x], T.reciprocal(T.exp(x)))(pts);
  T.testing.assertAllClose(got, pts.map((p) => 1 / Math.exp(p)), { rtol: 1e-15 });
});

Deno.test("elementary ops lower to WGSL for float32 only", () => {
  for (const op of [log10Op, exp2Op, cbrtOp, reciprocalOp]) {
    assert.equal(typeof op.scalar!.wgsl!(["a"], "float32", "float32"), "string");
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
  }
  assert.match(hypotOp.scalar!.wgslHelpers!, /fn H_hypot_f32\(/);
  assert.match(cbrtOp.scalar!.wgslHelpers!, /fn H_cbrt_f32\(/);
});

Deno.test("every issue-16 elementwise function maps an empty array to an empty array of its dtype", () => {
  const unary = [
    T.log10,
    T.exp2,
    T.cbrt,
    T.reciprocal,
    T.arcsin,
    T.arccos,
    T.arctan,
    T.sinh,
    T.cosh,
    T.arcsinh,
    T.arccosh,
    T.arctanh,
    T.erfc,
    T.erfcx,
    T.erfinv,
    T.erfcinv,
    T.gamma,
    T.gammaln,
    T.psi,
    T.log1mexp,
    T.isnan,
    T.isinf,
    T.angle,
    T.imag,
    T.iround,
    T.relu,
    T.elu,
    T.selu,
    T.softsign,
    T.hardSigmoid,
    T.ultraFastSigmoid,
  ];
  const binary = [T.hypot, T.arctan2, T.logaddexp, T.chi2sf, T.isclose, T.binaryCrossentropy];
  const x = T.fmatrix("x"), y = T.fmatrix("y");
  const empty = T.asarray([], { dtype: "float32" }).reshape([0, 3]);
  for (const fn of unary) {
    const v = fn(x), out = T.function([x], v)(empty);
    assert.deepEqual(out.shape, [0, 3], fn.name);
    assert.equal(out.dtype, v.dtype, fn.name);
  }
  for (const fn of binary) {
    assert.deepEqual(T.function([x, y], fn(x, y))(empty, empty).shape, [0, 3], fn.name);
  }
  assert.equal(T.function([x, y], T.allclose(x, y))(empty, empty).data[0], 1); // all() of nothing
});
