import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";
import { clipOp, maximumOp, minimumOp } from "./minmax.ts";

/** Every pair of edge cases, as two columns. */
function pairs(points: readonly number[]): [number[], number[]] {
  const a: number[] = [], b: number[] = [];
  for (const p of points) for (const q of points) a.push(p), b.push(q);
  return [a, b];
}

const nanMax = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a >= b ? a : b);
const nanMin = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a <= b ? a : b);
const clipRef = (x: number, lo: number, hi: number) => nanMin(nanMax(x, lo), hi);

Deno.test("maximum() and minimum() match NumPy's NaN-propagating rule over all edge-case pairs", () => {
  const cols = pairs([...EDGE, ...randomPoints(10, 100, 31)]);
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.maximum, nanMax, [dtype, dtype], cols, { outDtype: dtype });
    checkElemwise(T.minimum, nanMin, [dtype, dtype], cols, { outDtype: dtype });
  }
});

Deno.test("maximum() and minimum() on integers keep the (promoted) integer dtype", () => {
  for (const d of ["int64", "int32", "int16", "int8", "uint8"] as const) {
    const cols = pairs(fitting(INT_EDGE, d));
    checkElemwise(T.maximum, Math.max, [d, d], cols, { outDtype: d });
    checkElemwise(T.minimum, Math.min, [d, d], cols, { outDtype: d });
  }
  // int8 with uint8 promotes to int16, as in NumPy.
  const cols: [number[], number[]] = [[-128, 127, -1, 0], [255, 0, 200, 0]];
  checkElemwise(T.maximum, Math.max, ["int8", "uint8"], cols, { outDtype: "int16" });
  checkElemwise(T.minimum, Math.min, ["int8", "uint8"], cols, { outDtype: "int16" });
  checkElemwise(T.maximum, Math.max, ["bool", "bool"], [[0, 0, 1, 1], [0, 1, 0, 1]], { outDtype: "bool" });
  assert.equal(T.maximum(T.ivector("i"), 0.5).dtype, "float64");
  assert.equal(T.maximum(T.fvector("f"), 0).dtype, "float32");
});

Deno.test("maximum() broadcasts a row against a matrix and a number against anything", () => {
  const m = T.dmatrix("m"), r = T.drow("r");
  const f = T.function([m, r], [T.maximum(m, r), T.minimum(m, 0)]);
  const [mx, mn] = f([[1, -2, 3], [-4, 5, -6]], [[0, 0, 4]]) as T.NDArray[];
  assert.deepEqual(mx.shape, [2, 3]);
  assert.deepEqual(Array.from(mx.data), [1, 0, 4, 0, 5, 4]);
  assert.deepEqual(Array.from(mn.data), [0, -2, 0, -4, 0, -6]);
});

Deno.test("clip() matches min(max(x, lo), hi) elementwise, lo > hi gives hi as in NumPy", () => {
  const xs = [...EDGE, ...randomPoints(40, 5, 32)];
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise((x) => T.clip(x, -1, 2.5), (v) => clipRef(v, -1, 2.5), [dtype], [xs], { outDtype: dtype });
    // lo and hi as tensors (including lo > hi, NaN bounds and infinite bounds).
    const n = xs.length;
    const lo = xs.map((_, i) => [-1, 0, 3, -Infinity, NaN][i % 5]);
    const hi = xs.map((_, i) => [1, 2, -3, Infinity, 0, 5, NaN][i % 7]);
    assert.equal(lo.length, n);
    checkElemwise(T.clip, clipRef, [dtype, dtype, dtype], [xs, lo, hi], { outDtype: dtype });
  }
  for (const d of ["int32", "int16", "uint8", "int64"] as const) {
    const xs = fitting(INT_EDGE, d);
    checkElemwise((x) => T.clip(x, 2, 100), (v) => Math.min(Math.max(v, 2), 100), [d], [xs], { outDtype: d });
  }
  assert.equal(T.clip(T.ivector("i"), 0, 1.5).dtype, "float64");
});

Deno.test("maximum() minimum() clip() gradients check numerically in float64 and float32 (no ties)", () => {
  const a = [0.3, -1.2, 0.9, 2.1, -0.5], b = [1.0, -2.0, 0.1, 2.6, 0.4];
  for (const fn of [T.maximum, T.minimum]) {
    T.verifyGrad(fn, [a, b]);
    T.verifyGrad(fn, [a, b], F32_GRAD);
  }
  // x inside, below and above [lo, hi], and one case with lo > hi.
  const x = [0.3, -1.2, 0.9, 2.1, -0.5], lo = [-1, -1, 1, 0, 0.2], hi = [1, 1, 2, 1.5, -0.3];
  T.verifyGrad(T.clip, [x, lo, hi]);
  T.verifyGrad(T.clip, [x, lo, hi], F32_GRAD);
  T.verifyGrad((v) => T.clip(v, -1, 1), [[0.3, -1.5, 2, 0.99]]);
});

Deno.test("maximum()/minimum() gradients: the chosen input gets it, a tie gives it to the first input", () => {
  const a = T.dvector("a"), b = T.dvector("b");
  const av = [1, 2, 3, 5], bv = [2, 2, 1, 5];
  for (const [fn, first] of [[T.maximum, [0, 1, 1, 1]], [T.minimum, [1, 1, 0, 1]]] as const) {
    const [ga, gb] = T.function([a, b], T.grad(T.sum(fn(a, b)), [a, b]))(av, bv) as T.NDArray[];
    assert.deepEqual(Array.from(ga.data), first);
    assert.deepEqual(Array.from(gb.data), first.map((v) => 1 - v));
  }
});

Deno.test("clip() gradient goes to x where lo <= x <= hi, to lo below, to hi above", () => {
  const x = T.dvector("x"), lo = T.dvector("lo"), hi = T.dvector("hi");
  const g = T.grad(T.sum(T.clip(x, lo, hi)), [x, lo, hi]);
  const xv = [-2, 0, 1, 3, 0.5, 0], lov = [-1, 0, -1, -1, 2, 1], hiv = [1, 1, 1, 1, 1, -1];
  const [gx, glo, ghi] = T.function([x, lo, hi], g)(xv, lov, hiv) as T.NDArray[];
  // Last two: lo > hi, so the result (and the gradient) is hi's.
  assert.deepEqual(Array.from(gx.data), [0, 1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(glo.data), [1, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(ghi.data), [0, 0, 0, 1, 1, 1]);
});

Deno.test("x.maximum() x.minimum() x.clip() methods equal the functions", () => {
  const x = T.dvector("x"), y = T.dvector("y");
  const xv = randomPoints(10, 3, 33), yv = randomPoints(10, 3, 34);
  const a = T.function([x, y], [x.maximum(y), x.minimum(y), x.clip(-1, 1)])(xv, yv) as T.NDArray[];
  const b = T.function([x, y], [T.maximum(x, y), T.minimum(x, y), T.clip(x, -1, 1)])(xv, yv) as T.NDArray[];
  a.forEach((v, i) => assert.deepEqual(Array.from(v.data), Array.from(b[i].data)));
});

Deno.test("maximum() and clip() reject shapes that do not broadcast with a HypatiaTypeError", () => {
  const a = new T.TensorType("float64", [3]).make("a"), b = new T.TensorType("float64", [4]).make("b");
  assert.throws(
    () => T.maximum(a, b),
    (e: Error) => e instanceof T.HypatiaTypeError && /maximum/.test(e.message),
  );
  assert.throws(
    () => T.clip(a, b, 1),
    (e: Error) => e instanceof T.HypatiaTypeError && /clip/.test(e.message),
  );
});

Deno.test("maximum() minimum() clip() lower to WGSL for f32/i32/u32, not for float64/int64", () => {
  assert.equal(maximumOp.scalar!.wgsl!(["a", "b"], "float32", "float32"), "max(a, b)");
  assert.equal(minimumOp.scalar!.wgsl!(["a", "b"], "int32", "int32"), "min(a, b)");
  assert.equal(clipOp.scalar!.wgsl!(["x", "l", "h"], "uint8", "uint8"), "min(max(x, l), h)");
  for (const op of [maximumOp, minimumOp]) {
    assert.equal(op.scalar!.wgsl!(["a", "b"], "float64", "float64"), undefined);
  }
  assert.equal(clipOp.scalar!.wgsl!(["x", "l", "h"], "int64", "int64"), undefined);
});
