import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";
import { absOp, ceilOp, floorOp, roundOp, signOp } from "./rounding.ts";

const POINTS = [...EDGE, ...randomPoints(300, 10, 21), ...randomPoints(50, 1e17, 22)];
const INTS = ["int64", "int32", "int16", "int8", "uint8"] as const;
const vec = (dtype: T.DType, name = "x") => new T.TensorType(dtype, [null]).make(name);

// NumPy's round (half to even), including signed zeros and the largest non-integers:
// python3 -c "import numpy as np; print(list(zip(PTS, np.round(np.array(PTS)).tolist())))"
const ROUND_F64: [number, number][] = [
  [0.5, 0.0],
  [-0.5, -0.0],
  [1.5, 2.0],
  [-1.5, -2.0],
  [2.5, 2.0],
  [-2.5, -2.0],
  [3.5, 4.0],
  [0.49999999999999994, 0.0],
  [-0.49999999999999994, -0.0],
  [4503599627370495.5, 4503599627370496.0],
  [-4503599627370495.5, -4503599627370496.0],
  [4503599627370497.0, 4503599627370497.0],
  [2.4999999999999996, 2.0],
  [1e300, 1e300],
  [5e-324, 0.0],
  [-5e-324, -0.0],
  [0.0, 0.0],
  [-0.0, -0.0],
  [7.5000001, 8.0],
];
// python3 -c "import numpy as np; f = np.array(PTS, dtype=np.float32); print(f.tolist(), np.round(f).tolist())"
const ROUND_F32: [number[], number[]] = [
  [0.5, 2.5, -2.5, 8388607.5, -8388607.5, 1.4999998807907104, 16777215.0],
  [0.0, 2.0, -2.0, 8388608.0, -8388608.0, 1.0, 16777215.0],
];

/** Round half to even, written independently of the op (via floor and the fraction). */
function rintRef(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v), d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
}

Deno.test("floor() and ceil() match Math.floor/Math.ceil in float64 and float32, signed zeros included", () => {
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.floor, Math.floor, [dtype], [POINTS], { outDtype: dtype, signedZero: true });
    checkElemwise(T.ceil, Math.ceil, [dtype], [POINTS], { outDtype: dtype, signedZero: true });
  }
});

Deno.test("round() rounds halves to even like NumPy, signed zeros and huge values included", () => {
  const x = T.dvector("x");
  const out = T.function([x], T.round(x))(ROUND_F64.map(([p]) => p)) as T.NDArray;
  ROUND_F64.forEach(([p, want], i) =>
    assert.ok(Object.is(out.data[i], want), `round(${p}) = ${out.data[i]}`)
  );
  const xf = vec("float32");
  const outf = T.function([xf], T.round(xf))(T.asarray(ROUND_F32[0], { dtype: "float32" })) as T.NDArray;
  assert.equal(outf.dtype, "float32");
  assert.deepEqual(Array.from(outf.data), ROUND_F32[1]);
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.round, rintRef, [dtype], [POINTS], { outDtype: dtype, signedZero: true });
  }
});

Deno.test("floor() ceil() round() of integers and bools return them unchanged in their dtype", () => {
  for (const fn of [T.floor, T.ceil, T.round]) {
    for (const d of INTS) checkElemwise(fn, (v) => v, [d], [fitting(INT_EDGE, d)], { outDtype: d });
    checkElemwise(fn, (v) => v, ["bool"], [[0, 1, 1, 0]], { outDtype: "bool" });
  }
});

Deno.test("sign() gives -1, 0, 1 in the input dtype; NaN stays NaN; sign(-0) is 0", () => {
  const ref = (v: number) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : v < 0 ? -1 : 0);
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.sign, ref, [dtype], [POINTS], { outDtype: dtype, signedZero: true });
  }
  for (const d of INTS) checkElemwise(T.sign, ref, [d], [fitting(INT_EDGE, d)], { outDtype: d });
  assert.throws(() => T.sign(vec("bool")), T.HypatiaTypeError);
});

Deno.test("abs() matches Math.abs in floats and keeps integer dtypes, wrapping like NumPy", () => {
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.abs, Math.abs, [dtype], [POINTS], { outDtype: dtype, signedZero: true });
  }
  for (const d of INTS) checkElemwise(T.abs, Math.abs, [d], [fitting(INT_EDGE, d)], { outDtype: d });
  // NumPy: np.abs(np.int32(-2**31)) == -2**31, np.abs(np.int8(-128)) == -128.
  const i = T.ivector("i"), b = new T.TensorType("int8", [null]).make("b");
  assert.deepEqual(Array.from((T.function([i], T.abs(i))([-2147483648, -5]) as T.NDArray).data), [
    -2147483648,
    5,
  ]);
  assert.deepEqual(
    Array.from((T.function([b], T.abs(b))(T.asarray([-128, -1], { dtype: "int8" })) as T.NDArray).data),
    [
      -128,
      1,
    ],
  );
  checkElemwise(T.abs, (v) => v, ["bool"], [[0, 1]], { outDtype: "bool" });
});

Deno.test("abs() gradient is sign(x) (checked numerically in float64 and float32, and 0 at 0)", () => {
  const pts = [[0.3, -1.2, 0.9, -2.1, 4]];
  T.verifyGrad(T.abs, pts);
  T.verifyGrad(T.abs, pts, F32_GRAD);
  const x = T.dvector("x");
  const g = T.function([x], T.grad(T.sum(T.abs(x)), x))([-3, 0, 2, -0]) as T.NDArray;
  assert.deepEqual(Array.from(g.data), [-1, 0, 1, 0]);
});

Deno.test("floor() ceil() round() sign() have zero gradient, as in Theano", () => {
  const x = T.dvector("x");
  for (const fn of [T.floor, T.ceil, T.round, T.sign]) {
    // Only through fn: the cost is connected to x, with a zero gradient.
    const gz = T.grad(T.sum(fn(x)), x);
    assert.deepEqual(Array.from((T.function([x], gz)([1.3, -2.7]) as T.NDArray).data), [0, 0]);
    // Mixed with a differentiable path, fn adds nothing.
    const g = T.grad(T.sum(T.add(T.mul(fn(x), x), x)), x);
    const pts = [1.3, -2.7, 0.5];
    assert.deepEqual(
      Array.from((T.function([x], g)(pts) as T.NDArray).data),
      pts.map((p) => 1 + fnRef(fn)(p)),
    );
    assert.ok(floorOp.notDifferentiable && ceilOp.notDifferentiable && roundOp.notDifferentiable);
  }
});

function fnRef(fn: (x: T.Variable) => T.Variable): (v: number) => number {
  return fn === T.floor ? Math.floor : fn === T.ceil ? Math.ceil : fn === T.round ? rintRef : Math.sign;
}

Deno.test("x.floor() x.ceil() x.round() x.sign() x.abs() methods equal the functions", () => {
  const x = T.dvector("x");
  const pts = [...randomPoints(20, 5, 23), 0.5, 1.5, -2.5];
  const a = T.function([x], [x.floor(), x.ceil(), x.round(), x.sign(), x.abs()])(pts) as T.NDArray[];
  const b = T.function([x], [T.floor(x), T.ceil(x), T.round(x), T.sign(x), T.abs(x)])(pts) as T.NDArray[];
  a.forEach((v, i) => assert.deepEqual(Array.from(v.data), Array.from(b[i].data)));
});

Deno.test("rounding ops lower to WGSL builtins (round is half-to-even there too), none for float64", () => {
  assert.equal(floorOp.scalar!.wgsl!(["a"], "float32", "float32"), "floor(a)");
  assert.equal(ceilOp.scalar!.wgsl!(["a"], "float32", "float32"), "ceil(a)");
  assert.equal(roundOp.scalar!.wgsl!(["a"], "float32", "float32"), "round(a)");
  assert.equal(roundOp.scalar!.wgsl!(["a"], "int32", "int32"), "a");
  assert.equal(signOp.scalar!.wgsl!(["a"], "int32", "int32"), "sign(a)");
  assert.equal(absOp.scalar!.wgsl!(["a"], "int32", "int32"), "abs(a)");
  for (const op of [floorOp, ceilOp, roundOp, signOp, absOp]) {
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
  }
});

Deno.test("abs() prints as |x| in pp", () => {
  assert.equal(T.pp(T.abs(T.dvector("x"))), "|x|");
});

Deno.test("iround() casts to int64, halves to even by default and away from zero on request", () => {
  // np.rint(x).astype(np.int64) and Theano's round_half_away_from_zero, written out.
  const x = T.dvector("x");
  const pts = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.7, 3, 1e15 + 0.5, NaN, Infinity];
  const even = T.function([x], T.iround(x))(pts);
  const away = T.function([x], T.iround(x, { mode: "half_away_from_zero" }))(pts);
  assert.equal(even.dtype, "int64");
  assert.deepEqual(Array.from(even.data), [0, 2, 2, 0, -2, -2, 0, -1, 3, 1e15, 0, 0]);
  assert.deepEqual(Array.from(away.data), [1, 2, 3, -1, -2, -3, 0, -1, 3, 1e15 + 1, 0, 0]);
  const f = T.fvector("f");
  const f32 = T.function([f], T.iround(f, { mode: "half_away_from_zero" }))([2.5, -0.5, 0.49999997]);
  assert.deepEqual(Array.from(f32.data), [3, -1, 0]);
  const i = T.ivector("i");
  assert.deepEqual(Array.from(T.function([i], T.iround(i))([7, -3]).data), [7, -3]);
});

Deno.test("iround() refuses an unknown mode or option, naming it", () => {
  const x = T.dvector("x");
  assert.throws(() => T.iround(x, { mode: "half_up" } as never), /iround.*mode/);
  assert.throws(() => T.iround(x, { mod: "half_to_even" } as never), /did you mean "mode"/);
});

Deno.test("round and iround take Theano's mode, as the second argument or { mode }; anything else is refused", () => {
  const x = T.dvector("x"), pts = [0.5, 1.5, 2.5, -0.5, -2.5, 0.7];
  const even = [0, 2, 2, -0, -2, 1], away = [1, 2, 3, -1, -3, 1];
  const f = T.function([x], [
    T.round(x),
    T.round(x, "half_to_even"),
    T.round(x, "half_away_from_zero"),
    T.round(x, { mode: "half_away_from_zero" }),
    T.iround(x, "half_away_from_zero"),
  ]);
  const [a, b, c, d, e] = f(pts) as T.NDArray[];
  assert.deepEqual([a.toArray(), b.toArray(), c.toArray(), d.toArray()], [even, even, away, away]);
  assert.deepEqual([Array.from(e.data), e.dtype], [away.map((v) => v + 0), "int64"]);
  assert.throws(
    () => T.round(x, "up" as never),
    /round: mode must be "half_to_even" or "half_away_from_zero", got "up"/,
  );
  assert.throws(() => T.round(x, { mod: "half_to_even" } as never), /unknown option "mod"/);
  assert.throws(() => T.round(x, T.dvector("y")), /round: takes x and a mode/);
  assert.throws(() => T.iround(x, "half_to_even", x), /iround: takes x and a mode .* got 3 arguments/);
});
