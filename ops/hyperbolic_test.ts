import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { arccoshOp, arcsinhOp, arctanhOp, coshOp, sinhOp } from "./hyperbolic.ts";

const TOL = { f64: { rtol: 4e-16 }, f32: { rtol: 1.2e-7 } };
const FNS = [
  ["sinh", T.sinh],
  ["cosh", T.cosh],
  ["arcsinh", T.arcsinh],
  ["arccosh", T.arccosh],
  ["arctanh", T.arctanh],
] as const;

for (const [name, fn] of FNS) {
  Deno.test(`${name}() matches NumPy in float64 and float32 (overflow, domain edges, NaN, ±inf)`, () => {
    checkTable(name, fn, TOL);
  });
}

Deno.test("arccosh(1) is 0, arctanh(±1) is ±inf, and out-of-domain values are NaN", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.arccosh(x), T.arctanh(x)]);
  const [c, t] = f([1, -1, 0.5, 2]) as T.NDArray[];
  assert.deepEqual(Array.from(c.data), [0, NaN, NaN, Math.acosh(2)]);
  assert.deepEqual(Array.from(t.data), [Infinity, -Infinity, Math.atanh(0.5), NaN]);
});

Deno.test("hyperbolic functions give floatX for integers and keep float32", () => {
  for (const [, fn] of FNS) {
    assert.equal(fn(T.ivector("i")).dtype, "float64");
    assert.equal(fn(T.fvector("x")).dtype, "float32");
  }
});

Deno.test("hyperbolic gradients check numerically in float64 and float32", () => {
  const pts = [[0.3, -0.7, 0.05, 0.9, -0.45]];
  for (const fn of [T.sinh, T.cosh, T.arcsinh, T.arctanh]) {
    T.verifyGrad(fn, pts);
    T.verifyGrad(fn, pts, F32_GRAD);
  }
  T.verifyGrad(T.arccosh, [[1.3, 2.5, 10, 1.05]]);
  T.verifyGrad(T.arccosh, [[1.3, 2.5, 10]], F32_GRAD);
});

Deno.test("hyperbolic ops lower to WGSL helpers for float32 only", () => {
  for (const op of [sinhOp, coshOp, arcsinhOp, arccoshOp, arctanhOp]) {
    const expr = op.scalar!.wgsl!(["a"], "float32", "float32")!;
    const helper = /^(H_\w+)\(/.exec(expr)![1];
    assert.match(op.scalar!.wgslHelpers!, new RegExp(`fn ${helper}\\(`));
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
  }
});
