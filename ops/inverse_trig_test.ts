import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { arccosOp, arcsinOp, arctan2Op, arctanOp } from "./inverse_trig.ts";

const TOL = { f64: { rtol: 4e-16 }, f32: { rtol: 1.2e-7 } };

for (const [name, fn] of [["arcsin", T.arcsin], ["arccos", T.arccos], ["arctan", T.arctan]] as const) {
  Deno.test(`${name}() matches NumPy in float64 and float32 (domain edges, ±1, NaN, ±inf)`, () => {
    checkTable(name, fn, TOL);
  });
}

Deno.test("arctan2() matches NumPy on every pair of edge values (signed zeros, infinities, NaN)", () => {
  checkTable("arctan2", T.arctan2, TOL);
});

Deno.test("arcsin() arccos() arctan() give floatX for integers and reject bool", () => {
  for (const fn of [T.arcsin, T.arccos, T.arctan]) {
    assert.equal(fn(T.ivector("i")).dtype, "float64");
    assert.equal(fn(T.fvector("x")).dtype, "float32");
    assert.throws(() => fn(new T.TensorType("bool", [null]).make("b")), T.HypatiaTypeError);
  }
  assert.equal(T.arctan2(T.fvector("y"), 1).dtype, "float32");
  assert.equal(T.arctan2(T.ivector("y"), T.ivector("x")).dtype, "float64");
});

Deno.test("arcsin() arccos() arctan() arctan2() gradients check numerically (float64 and float32)", () => {
  const inside = [[0.3, -0.7, 0.05, 0.9, -0.45]];
  for (const fn of [T.arcsin, T.arccos, T.arctan]) {
    T.verifyGrad(fn, inside);
    T.verifyGrad(fn, inside, F32_GRAD);
  }
  T.verifyGrad(T.arctan2, [[0.3, -1.2, 2], [1.5, -0.4, -3]]);
});

Deno.test("arctan2() broadcasts and its gradient sums over the broadcast axis", () => {
  const y = T.dmatrix("y"), x = T.dvector("x");
  T.verifyGrad((a: T.Variable, b: T.Variable) => T.arctan2(a, b), [[[1, 2], [-3, 0.5]], [0.7, -1.1]]);
  assert.deepEqual(T.arctan2(y, x).ndim, 2);
});

Deno.test("inverse trig ops lower to WGSL for float32 only", () => {
  for (const op of [arcsinOp, arccosOp, arctanOp]) {
    assert.equal(typeof op.scalar!.wgsl!(["a"], "float32", "float32"), "string");
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
  }
  assert.equal(arctan2Op.scalar!.wgsl!(["y", "x"], "float32", "float32"), "H_atan2_f32(y, x)");
  // WGSL's own asin/acos/atan are not used: llvmpipe's are off by thousands of ulps.
  for (const op of [arcsinOp, arccosOp, arctanOp, arctan2Op]) {
    assert.match(op.scalar!.wgslHelpers!, /fn H_atan_f32\(/);
  }
});
