import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { EDGE } from "../tests/elemwise_ref.ts";
import { isinfOp, isnanOp } from "./predicates.ts";

// NumPy's isclose/allclose semantics, written out in JS as the reference:
// np.isclose(a, b, rtol, atol, equal_nan) (NumPy 2.4, numpy/_core/numeric.py).
function iscloseRef(a: number, b: number, rtol = 1e-5, atol = 1e-8, equalNan = false): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return equalNan && Number.isNaN(a) && Number.isNaN(b) ? 1 : 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? 1 : 0;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b) ? 1 : 0;
}

Deno.test("isnan() and isinf() give bool, true only for NaN / ±inf; integers are never", () => {
  const x = T.dvector("x"), f = T.function([x], [T.isnan(x), T.isinf(x)]);
  const [n, i] = f(EDGE as number[]) as T.NDArray[];
  assert.equal(n.dtype, "bool");
  assert.deepEqual(Array.from(n.data), EDGE.map((v) => (Number.isNaN(v) ? 1 : 0)));
  assert.deepEqual(Array.from(i.data), EDGE.map((v) => (v === Infinity || v === -Infinity ? 1 : 0)));
  const k = T.ivector("k");
  const [kn, ki] = T.function([k], [T.isnan(k), T.isinf(k)])([0, 2147483647]) as T.NDArray[];
  assert.deepEqual([...kn.data, ...ki.data], [0, 0, 0, 0]);
  const s = T.fvector("s");
  assert.deepEqual(Array.from(T.function([s], T.isnan(s))([NaN, 3.4e38]).data), [1, 0]);
});

Deno.test("isclose() follows NumPy on every pair of edge values, with and without equalNan", () => {
  const pts = [0, -0, 1, 1 + 1e-6, 1 + 1e-4, -1, 1e-9, 1e300, Infinity, -Infinity, NaN];
  const as: number[] = [], bs: number[] = [];
  for (const a of pts) for (const b of pts) as.push(a), bs.push(b);
  const a = T.dvector("a"), b = T.dvector("b");
  for (const equalNan of [false, true]) {
    const out = T.function([a, b], T.isclose(a, b, { equalNan }))(as, bs);
    assert.equal(out.dtype, "bool");
    assert.deepEqual(Array.from(out.data), as.map((x, i) => iscloseRef(x, bs[i], 1e-5, 1e-8, equalNan)));
  }
  const loose = T.function([a, b], T.isclose(a, b, { rtol: 0.1, atol: 0 }))(as, bs);
  assert.deepEqual(Array.from(loose.data), as.map((x, i) => iscloseRef(x, bs[i], 0.1, 0)));
});

Deno.test("isclose() is asymmetric in b, as NumPy's (rtol scales |b|)", () => {
  const a = T.dscalar("a"), b = T.dscalar("b");
  const f = T.function([a, b], T.isclose(a, b, { rtol: 0.5, atol: 0 }));
  assert.equal(f(1, 2).data[0], 1); // |1 - 2| <= 0.5·2
  assert.equal(f(2, 1).data[0], 0); // |2 - 1| > 0.5·1
});

Deno.test("allclose() is all(isclose()) as a bool scalar, broadcasting", () => {
  const a = T.dmatrix("a"), b = T.dvector("b");
  const f = T.function([a, b], T.allclose(a, b));
  const r = f([[1, 2], [1, 2 + 1e-9]], [1, 2]);
  assert.equal(r.dtype, "bool");
  assert.deepEqual(r.shape, []);
  assert.equal(r.data[0], 1);
  assert.equal(f([[1, 2], [1, 2.1]], [1, 2]).data[0], 0);
  assert.equal(f([[NaN, 2]], [NaN, 2]).data[0], 0);
  assert.equal(T.function([a, b], T.allclose(a, b, { equalNan: true }))([[NaN, 2]], [NaN, 2]).data[0], 1);
});

Deno.test("isclose() and allclose() refuse unknown options and negative tolerances, naming them", () => {
  const a = T.dvector("a");
  assert.throws(
    () => T.isclose(a, a, { equal_nan: true } as never),
    /isclose.*"equal_nan".*did you mean "equalNan"/,
  );
  assert.throws(
    () => T.allclose(a, a, { rtol: -1 }),
    (e: Error) => e instanceof T.InputError && /allclose: rtol/.test(e.message),
  );
  assert.throws(() => T.isclose(a, a, { atol: "1" } as never), /atol/);
});

Deno.test("isnan and isinf have no gradient (zero) and lower to WGSL (f32 by bits, integers false)", () => {
  const x = T.dvector("x");
  const g = T.function([x], T.grad(T.sum(T.switch(T.isnan(x), 0, x)), x))([1, NaN]);
  assert.deepEqual(Array.from(g.data), [1, 0]);
  assert.match(isnanOp.scalar!.wgsl!(["a"], "float32", "bool")!, /isnan_/);
  assert.equal(isinfOp.scalar!.wgsl!(["a"], "int32", "bool"), "0u");
  assert.equal(isinfOp.scalar!.wgsl!(["a"], "float64", "bool"), undefined);
});

Deno.test("isclose() of integers compares in floats (no wrapped differences), as NumPy", () => {
  // np.isclose(np.int32([1, 2147483647, -2147483648]), np.int32([1, -1, 2147483647])) = [True, False, False]
  const a = T.ivector("a"), b = T.ivector("b");
  const f = T.function([a, b], T.isclose(a, b));
  assert.deepEqual(Array.from(f([1, 2147483647, -2147483648], [1, -1, 2147483647]).data), [1, 0, 0]);
  const x = T.fvector("x");
  assert.deepEqual(Array.from(T.function([x, a], T.isclose(x, a))([1.0000001, 3], [1, 4]).data), [1, 0]);
  // np.isclose([True, False], [True, True]) = [True, False]: bools compare as 0 and 1.
  const p = new T.TensorType("bool", [null]).make("p"), q = new T.TensorType("bool", [null]).make("q");
  assert.deepEqual(Array.from(T.function([p, q], T.isclose(p, q))([1, 0], [1, 1]).data), [1, 0]);
});
