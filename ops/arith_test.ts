import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { FLOOR_DIV } from "./testdata/numpy_semantics_ref.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";

const A = [...EDGE, ...randomPoints(100, 10)];
const B = [...EDGE.slice().reverse(), ...randomPoints(100, 10, 7)];
const pyMod = (a: number, b: number) => {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
};

const BINARY: [string, (a: T.Variable, b: T.Variable) => T.Variable, (a: number, b: number) => number][] = [
  ["add", T.add, (a, b) => a + b],
  ["sub", T.sub, (a, b) => a - b],
  ["mul", T.mul, (a, b) => a * b],
];

for (const [name, fn, ref] of BINARY) {
  Deno.test(`${name}() matches JS arithmetic in float64 and float32, and wraps integers like NumPy`, () => {
    checkElemwise(fn, ref, ["float64", "float64"], [A, B], { outDtype: "float64", signedZero: true });
    checkElemwise(fn, (a, b) => ref(Math.fround(a), Math.fround(b)), ["float32", "float32"], [A, B], {
      outDtype: "float32",
    });
    for (const d of ["int32", "int16", "int8", "uint8"] as const) {
      const ia = fitting(INT_EDGE, d), ib = fitting(INT_EDGE.slice().reverse(), d);
      // The reference is exact integer arithmetic stored in the dtype's typed array (which wraps).
      const wrapped = d === "int32" && name === "mul" ? (a: number, b: number) => Math.imul(a, b) : ref;
      checkElemwise(fn, wrapped, [d, d], [ia, ib], { outDtype: d });
    }
  });
}

Deno.test("intDiv() and mod() follow Python: floor division, remainder with the divisor's sign", () => {
  const ia = [7, -7, 7, -7, 0, 5, 3], ib = [2, 2, -2, -2, 3, 0, 0];
  checkElemwise(T.intDiv, (a, b) => (b === 0 ? 0 : Math.floor(a / b)), ["int32", "int32"], [ia, ib], {
    outDtype: "int32",
  });
  checkElemwise(T.mod, (a, b) => (b === 0 ? 0 : pyMod(a, b)), ["int32", "int32"], [ia, ib], {
    outDtype: "int32",
  });
  const fa = [7.5, -7.5, 7.5, -7.5, 1e-3], fb = [2, 2, -2, -2, 0.1];
  checkElemwise(T.intDiv, (a, b) => Math.floor(a / b), ["float64", "float64"], [fa, fb]);
  checkElemwise(T.mod, pyMod, ["float64", "float64"], [fa, fb]);
});

Deno.test("neg() and sqr() in every numeric dtype", () => {
  checkElemwise(T.neg, (a) => -a, ["float64"], [A], { signedZero: true });
  checkElemwise(T.sqr, (a) => a * a, ["float64"], [A]);
  for (const d of ["int32", "int16", "int8", "uint8", "int64"] as const) {
    checkElemwise(T.neg, (a) => -a, [d], [fitting(INT_EDGE, d)], { outDtype: d });
    checkElemwise(T.sqr, d === "int32" ? (a) => Math.imul(a, a) : (a) => a * a, [d], [fitting(INT_EDGE, d)], {
      outDtype: d,
    });
  }
});

Deno.test("arithmetic gradients check numerically in float64 and float32", () => {
  const a = [[0.3, -1.2, 2.5], [1.1, 0.7, -0.4]], b = [[1.5, 0.8, -2.2], [0.6, -1.3, 2.0]];
  for (const fn of [T.add, T.sub, T.mul, T.mod]) {
    T.verifyGrad(fn, [a, b]);
    T.verifyGrad(fn, [a, b], F32_GRAD);
  }
  for (const fn of [T.neg, T.sqr]) {
    T.verifyGrad(fn, [a]);
    T.verifyGrad(fn, [a], F32_GRAD);
  }
  // Broadcasting: the gradient of the row is summed over the broadcast axis.
  T.verifyGrad((m, r) => T.mul(m, r), [a, [[2, -1, 0.5]]]);
});

Deno.test("intDiv() has a zero gradient; arithmetic on bool asks for a cast", () => {
  const x = T.dvector("x");
  const g = T.grad(T.sum(T.intDiv(x, 2)), x);
  assert.deepEqual(T.function([x], g)([3, 5]).toArray(), [0, 0]);
  const b = new T.TensorType("bool", [null]).make("b");
  assert.throws(() => T.add(b, b), (e: Error) => e instanceof T.HypatiaTypeError && /"b"/.test(e.message));
  assert.equal(T.add(T.cast(b, "int8"), 1).dtype, "int8");
});

Deno.test("add() and mul() take several arguments; methods match", () => {
  const [x, y] = T.dvectors("x", "y");
  const f = T.function([x, y], [T.add(x, y, 1), T.mul(x, y, 2), x.add(y).mul(2).sub(1).rsub(10)]);
  const [s, p, m] = f([1, 2], [3, 4]);
  assert.deepEqual(s.toArray(), [5, 7]);
  assert.deepEqual(p.toArray(), [6, 16]);
  assert.deepEqual(m.toArray(), [3, -1]);
});

Deno.test("arithmetic rejects statically mismatched shapes at build time", () => {
  const a = new T.TensorType("float64", [3]).make("a"), b = new T.TensorType("float64", [4]).make("b");
  assert.throws(() => T.add(a, b), (e: Error) => e instanceof T.HypatiaTypeError && /"a"/.test(e.message));
});

Deno.test("intDiv() of floats is NumPy's floor_divide, infinities, NaN and signed zeros included", () => {
  // Every pair of edge values (0, -0, 0.1, 1e300, 5e-324, ±inf, NaN, ...) against NumPy 2.
  const key = (a: number, b: number) => `${Object.is(a, -0) ? "-0" : a},${Object.is(b, -0) ? "-0" : b}`;
  const numpy64 = new Map(FLOOR_DIV.a.map((a, i) => [key(a, FLOOR_DIV.b[i]), FLOOR_DIV.float64[i]]));
  checkElemwise(T.intDiv, (a, b) => numpy64.get(key(a, b))!, ["float64", "float64"], [
    FLOOR_DIV.a,
    FLOOR_DIV.b,
  ], {
    signedZero: true,
  });
  const numpy32 = new Map(
    FLOOR_DIV.a.map((a, i) => [key(Math.fround(a), Math.fround(FLOOR_DIV.b[i])), FLOOR_DIV.float32[i]]),
  );
  checkElemwise(T.intDiv, (a, b) => numpy32.get(key(a, b))!, ["float32", "float32"], [
    FLOOR_DIV.a.map(Math.fround),
    FLOOR_DIV.b.map(Math.fround),
  ]);
  const one = T.function([], T.intDiv(1, 0.1))();
  assert.equal(one.item(), 9);
});
