import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { INT32_POW, INT8_POW } from "./testdata/numpy_semantics_ref.ts";
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
  // C's pow (NumPy) where JS's ** differs: 1 ** anything and (-1) ** ±inf are 1.
  checkElemwise(T.pow, (x, y) => (x === 1 || (x === -1 && !Number.isFinite(y) && y === y) ? 1 : x ** y), [
    "float64",
    "float64",
  ], [[1, 1, -1, -1, 1, 2], [Infinity, NaN, Infinity, -Infinity, -Infinity, NaN]]);
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
  // NaN and ±inf have no integer: NumPy leaves them undefined (and warns); Hypatia stores 0, never NaN.
  for (const d of ["int64", "int32", "int16", "int8", "uint8"] as const) {
    checkElemwise((x) => T.cast(x, d), (v) => (Number.isFinite(v) ? Math.trunc(v) + 0 : 0), ["float64"], [
      [NaN, Infinity, -Infinity, -0.5, 2.9, -2.9],
    ], { outDtype: d, signedZero: true });
  }
  assert.deepEqual(Array.from(T.asarray([NaN, -Infinity, 2.5], { dtype: "int64" }).data), [0, 0, 2]);
  assert.deepEqual(Array.from(T.asarray([NaN, 1.5]).astype("int64").data), [0, 1]);
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

Deno.test("pow() of integers wraps exactly as NumPy's (int32, int8), and refuses negative exponents", () => {
  const run = (d: T.DType, ref: { a: number[]; b: number[]; out: number[] }) => {
    const [x, y] = [T.vector("x", d), T.vector("y", d)];
    const got = T.function([x, y], T.pow(x, y))(ref.a, ref.b);
    assert.equal(got.dtype, d);
    assert.deepEqual(Array.from(got.data), ref.out);
  };
  run("int32", INT32_POW);
  run("int8", INT8_POW);
  // int64 is exact below 2^53, and wraps to 64 bits (stored as a double) beyond.
  const [a, b] = T.lscalars("a", "b");
  const p64 = T.function([a, b], T.pow(a, b));
  assert.equal(p64(3, 33).item(), 3 ** 33);
  assert.equal(p64(3, 41).item(), Number(BigInt.asIntN(64, 3n ** 41n)));
  // A constant negative exponent is refused when the graph is built, a run-time one when it runs.
  assert.throws(
    () => T.pow(T.ivector("v"), -1),
    (e: Error) =>
      e instanceof T.HypatiaTypeError &&
      /integers to negative integer powers are not allowed/.test(e.message),
  );
  assert.throws(() => T.pow(2, -1), T.HypatiaTypeError);
  const [i, j] = T.ivectors("i", "j");
  const f = T.function([i, j], T.pow(i, j));
  assert.throws(
    () => f([2, 3], [1, -2]),
    (e: Error) => e instanceof T.InputError && /\(3 \*\* -2\)/.test(e.message),
  );
  const x = T.dscalar("x");
  assert.equal(T.function([x], T.pow(x, -1))(4).item(), 0.25); // floats take any exponent
});

Deno.test("the gradient of x ** 0 is 0 at x = 0, for a constant and a symbolic exponent", () => {
  const x = T.dscalar("x"), k = T.dscalar("k");
  assert.equal(T.function([x], T.grad(T.pow(x, 0), x))(0).item(), 0);
  const g = T.function([x, k], T.grad(T.pow(x, k), x));
  assert.equal(g(0, 0).item(), 0);
  assert.equal(g(2, 3).item(), 12);
  T.verifyGrad((a, b) => T.pow(a, b), [[0.5, 1.5, 2], [0, 2, -1]]);
});
