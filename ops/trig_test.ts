import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";
import { cosOp, sinOp, tanhOp, tanOp } from "./trig.ts";

const POINTS = [...EDGE, ...randomPoints(200, 10), ...randomPoints(50, 1e6, 2)];
const UNARY: [string, (x: T.Variable) => T.Variable, (x: number) => number][] = [
  ["sin", T.sin, Math.sin],
  ["cos", T.cos, Math.cos],
  ["tan", T.tan, Math.tan],
  ["tanh", T.tanh, Math.tanh],
];

for (const [name, fn, ref] of UNARY) {
  Deno.test(`${name}() matches Math.${name} in float64 and float32, edge cases included`, () => {
    checkElemwise(fn, ref, ["float64"], [POINTS], { outDtype: "float64", signedZero: true });
    checkElemwise(fn, ref, ["float32"], [POINTS], { outDtype: "float32", signedZero: true });
  });

  Deno.test(`${name}() of integers gives float64 (floatX), of float32 stays float32`, () => {
    for (const d of ["int32", "int16", "int8", "uint8", "int64"] as const) {
      checkElemwise(fn, ref, [d], [fitting(INT_EDGE, d)], { outDtype: "float64" });
    }
    assert.equal(fn(T.fvector("x")).dtype, "float32");
  });

  Deno.test(`${name}() rejects bool input with a HypatiaTypeError naming the op`, () => {
    const b = new T.TensorType("bool", [null]).make("b");
    assert.throws(() => fn(b), (e: Error) => e instanceof T.HypatiaTypeError && e.message.includes(name));
  });
}

Deno.test("sin() and cos() satisfy sin² + cos² = 1 and sin(2x) = 2 sin x cos x", () => {
  const x = T.dvector("x");
  const f = T.function([x], [
    T.add(T.sqr(T.sin(x)), T.sqr(T.cos(x))),
    T.sub(T.sin(T.mul(2, x)), T.mul(2, T.sin(x), T.cos(x))),
  ]);
  const pts = randomPoints(100, 50, 3);
  const [one, zero] = f(pts) as T.NDArray[];
  T.testing.assertAllClose(one, pts.map(() => 1), { rtol: 1e-14 });
  T.testing.assertAllClose(zero, pts.map(() => 0), { atol: 1e-13 });
});

Deno.test("tan() equals sin/cos and tanh() equals (e^2x - 1)/(e^2x + 1) away from overflow", () => {
  const x = T.dvector("x");
  const f = T.function([x], [
    T.sub(T.tan(x), T.div(T.sin(x), T.cos(x))),
    T.tanh(x),
    T.div(T.sub(T.exp(T.mul(2, x)), 1), T.add(T.exp(T.mul(2, x)), 1)),
  ]);
  const pts = randomPoints(100, 1.4, 4);
  const [d, th, ref] = f(pts) as T.NDArray[];
  T.testing.assertAllClose(d, pts.map(() => 0), { atol: 1e-13 });
  T.testing.assertAllClose(th, ref, { rtol: 1e-13, atol: 1e-15 });
});

Deno.test("tanh() is exactly ±1 for large |x| and never NaN (float64 and float32)", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const x = new T.TensorType(dtype, [null]).make("x");
    const out = T.function([x], T.tanh(x))(T.asarray([1e4, -1e4, 88.8, -88.8, 1e30, -Infinity], { dtype }));
    assert.deepEqual(Array.from(out.data as Float64Array), [1, -1, 1, -1, 1, -1]);
  }
});

Deno.test("sin() cos() tan() tanh() gradients check numerically in float64 and float32", () => {
  const pts = [[0.3, -1.2, 0.9, 2.1, -0.05]];
  for (const [, fn] of UNARY) {
    T.verifyGrad(fn, pts);
    T.verifyGrad(fn, pts, F32_GRAD);
  }
});

Deno.test("tanh() gradient is 1 - tanh² and sin() gradient is cos, evaluated", () => {
  const x = T.dvector("x");
  const pts = randomPoints(20, 3, 5);
  const [gt, gs] = T.function([x], [T.grad(T.sum(T.tanh(x)), x), T.grad(T.sum(T.sin(x)), x)])(
    pts,
  ) as T.NDArray[];
  T.testing.assertAllClose(gt, pts.map((p) => 1 - Math.tanh(p) ** 2), { rtol: 1e-14 });
  T.testing.assertAllClose(gs, pts.map(Math.cos), { rtol: 1e-14, atol: 1e-15 });
});

Deno.test("x.sin() x.cos() x.tan() x.tanh() methods equal the functions", () => {
  const x = T.dvector("x");
  const f = T.function([x], [x.sin(), x.cos(), x.tan(), x.tanh()]);
  const g = T.function([x], [T.sin(x), T.cos(x), T.tan(x), T.tanh(x)]);
  const pts = randomPoints(10, 2, 6);
  const a = f(pts) as T.NDArray[], b = g(pts) as T.NDArray[];
  a.forEach((v, i) => assert.deepEqual(Array.from(v.data), Array.from(b[i].data)));
});

Deno.test("sin() cos() tan() tanh() lower to WGSL for float32 only, tanh through a stable helper", () => {
  for (const op of [sinOp, cosOp, tanOp, tanhOp]) {
    assert.equal(typeof op.scalar!.wgsl!(["a"], "float32", "float32"), "string");
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
  }
  assert.match(tanhOp.scalar!.wgsl!(["a"], "float32", "float32")!, /H_tanh_f32/);
  assert.match(tanhOp.scalar!.wgslHelpers!, /fn H_tanh_f32/);
});

Deno.test("tan() pp prints tan(x) and fused graphs keep the names", () => {
  const x = T.dvector("x");
  assert.equal(T.pp(T.tan(x)), "tan(x)");
  assert.match(T.pp(T.function([x], T.tanh(T.sin(x)))), /tanh\(sin\(x\)\)/);
});
