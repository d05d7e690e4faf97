import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";

const POINTS = [...EDGE, ...randomPoints(200, 10), ...randomPoints(50, 1e-6, 3)];
const UNARY: [string, (x: T.Variable) => T.Variable, (x: number) => number][] = [
  ["exp", T.exp, Math.exp],
  ["expm1", T.expm1, Math.expm1],
  ["log", T.log, Math.log],
  ["log1p", T.log1p, Math.log1p],
  ["log2", T.log2, Math.log2],
  ["sqrt", T.sqrt, Math.sqrt],
];

for (const [name, fn, ref] of UNARY) {
  Deno.test(`${name}() matches Math in float64 and float32; integers give float64`, () => {
    checkElemwise(fn, ref, ["float64"], [POINTS], { outDtype: "float64", signedZero: true });
    checkElemwise(fn, (x) => ref(Math.fround(x)), ["float32"], [POINTS], { outDtype: "float32" });
    checkElemwise(fn, ref, ["int32"], [fitting(INT_EDGE, "int32")], { outDtype: "float64" });
  });
}

Deno.test("exp, log, log1p, expm1, log2, sqrt gradients in float64 and float32", () => {
  const pos = [[0.3, 1.2, 2.5], [1.1, 0.7, 0.4]];
  for (const [, fn] of UNARY) {
    T.verifyGrad(fn, [pos]);
    T.verifyGrad(fn, [pos], F32_GRAD);
  }
});

Deno.test("pow() matches ** including negative bases with integer exponents; gradients", () => {
  const a = [2, -2, 0.5, -1.5, 0, 3], b = [3, 3, -2, 2, 2, 0.5];
  checkElemwise(T.pow, (x, y) => x ** y, ["float64", "float64"], [a, b]);
  checkElemwise(T.pow, (x, y) => x ** y, ["int32", "int32"], [[2, -3, 5], [3, 3, 2]], { outDtype: "int32" });
  T.verifyGrad(T.pow, [[[0.5, 1.5], [2, 0.7]], [[2, -1], [0.5, 3]]]);
  T.verifyGrad(T.pow, [[[0.5, 1.5], [2, 0.7]], [[2, -1], [0.5, 3]]], F32_GRAD);
});

Deno.test("exp(log(x)), log(exp(x)) and log(1 + x) rewrite; log1p stays accurate near 0", () => {
  const x = T.dvector("x");
  assert.equal(T.pp(T.function([x], T.exp(T.log(x)))), "x");
  assert.equal(T.pp(T.function([x], T.log(T.exp(x)))), "x");
  const f = T.function([x], T.log(T.add(1, x)));
  assert.match(T.pp(f), /log1p/);
  assert.equal(f([1e-20]).item(0), 1e-20);
});

Deno.test("cast() converts like NumPy's astype, floats to ints toward zero", () => {
  checkElemwise((x) => T.cast(x, "int32"), Math.trunc, ["float64"], [[1.7, -1.7, 0.5, -0.5, 1e3]], {
    outDtype: "int32",
  });
  checkElemwise((x) => T.cast(x, "bool"), (v) => (v !== 0 ? 1 : 0), ["float64"], [[0, -0, 2, NaN]], {
    outDtype: "bool",
  });
  checkElemwise((x) => T.cast(x, "float32"), Math.fround, ["float64"], [[0.1, 1e40, -3]], {
    outDtype: "float32",
  });
  T.verifyGrad((x) => T.mul(T.cast(x, "float32"), 3), [[0.5, -1]], {
    dtype: "float64",
    eps: 1e-3,
    rtol: 1e-3,
  });
  const i = T.ivector("i");
  assert.equal(T.cast(i, "int32"), i);
  assert.throws(() => T.cast(i, "complex" as T.DType), T.HypatiaTypeError);
});

Deno.test("fill() broadcasts a value to a model's shape and is removed from gradients", () => {
  const m = T.dmatrix("m");
  const f = T.function([m], T.fill(m, 3.5));
  assert.deepEqual(f([[1, 2], [3, 4]]).toArray(), [[3.5, 3.5], [3.5, 3.5]]);
  const x = T.dvector("x");
  const g = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
  assert.doesNotMatch(T.pp(g), /fill/);
  assert.deepEqual(g([1, 2]).toArray(), [2, 4]);
});
