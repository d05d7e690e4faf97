import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./testdata/array_ops_ref.ts";

type Ref = { shape: number[]; data: number[] };
const nd = (r: Ref, dtype: T.DType = "float64") => T.asarray(r.data, { dtype, shape: r.shape });
const same = (got: T.NDArray, want: Ref) => {
  assert.deepEqual(got.shape, want.shape);
  assert.deepEqual(Array.from(got.data), want.data); // deepEqual tells -0 from 0 and matches NaN
};

Deno.test("sort() and argsort() along each axis and flattened, as NumPy's stable sort", () => {
  const a = T.dtensor3("a");
  const outs = [0, 1, 2].flatMap((ax) => [T.sort(a, ax), T.argsort(a, ax)]);
  const f = T.function([a], [...outs, T.sort(a, null), a.argsort(null), T.sort(a)]);
  const r = f(nd(REF.A));
  [0, 1, 2].forEach((ax) => {
    same(r[2 * ax], REF[`sort_A${ax}` as "sort_A0"].out);
    same(r[2 * ax + 1], REF[`argsort_A${ax}` as "argsort_A0"].out);
  });
  same(r[6], REF.sort_Anull.out);
  same(r[7], REF.argsort_Anull.out);
  same(r[8], REF.sort_A2.out);
  assert.equal(r[7].dtype, "int64");
});

Deno.test("sort() edges: NaN last, ±inf, -0 and 0 kept in order, ties stable, empty, integers", () => {
  const v = T.dvector("v");
  const f = T.function([v], [
    T.sort(v),
    T.argsort(v, { kind: "quicksort" }),
    v.sort({ axis: 0, kind: "stable" }),
  ]);
  const [s, i, s2] = f(nd(REF.E));
  same(s, REF.sort_E.out);
  same(i, REF.argsort_E.out);
  same(s2, REF.sort_E.out);
  const [e0, e1] = f([]);
  assert.deepEqual([e0.shape, e1.shape], [[0], [0]]);
  const k = T.ivector("k");
  const g = T.function([k], [T.sort(k), T.argsort(k)]);
  const [ks, ki] = g([5, -2, 5, 0]);
  assert.deepEqual([ks.dtype, Array.from(ks.data)], ["int32", [-2, 0, 5, 5]]);
  assert.deepEqual(Array.from(ki.data), [1, 3, 0, 2]);
  // Zeros keep their order and sign: np.sort([0., -0., 1., -0., nan, -1.], kind="stable")
  // is [-1, 0, -0, -0, 1, nan]; np.argsort(..., kind="stable") is [5, 0, 1, 3, 2, 4].
  const [zs, zi] = f([0, -0, 1, -0, NaN, -1]);
  assert.deepEqual(Array.from(zs.data), [-1, 0, -0, -0, 1, NaN]);
  assert.deepEqual(Array.from(zi.data), [5, 0, 1, 3, 2, 4]);
  const w = T.fvector("w"), m = T.fmatrix("m");
  const ws = T.function([w], T.sort(w))([0, -0, 1, -0, NaN, -1]);
  assert.deepEqual([ws.dtype, Array.from(ws.data)], ["float32", [-1, 0, -0, -0, 1, NaN]]);
  // Along the first axis (strided lines), as np.sort(M, axis=0, kind="stable").
  const ms = T.function([m], T.sort(m, 0))([[-0, 3], [0, NaN], [-0, -3]]);
  assert.deepEqual(Array.from(ms.data), [-0, -3, 0, 3, -0, NaN]);
  // A scalar sorts only flattened, as NumPy's sort(0-d) needs axis=None.
  assert.deepEqual(T.function([], T.sort(3, null))().toArray(), [3]);
});

Deno.test("sort() bad input names the axis and the variable", () => {
  const m = T.dmatrix("m");
  assert.throws(
    () => T.sort(m, 2),
    (e: Error) => e instanceof T.HypatiaTypeError && /axis 2 .*"m"/.test(e.message),
  );
  assert.throws(() => T.argsort(T.dscalar("s")), /axis: null/);
  assert.throws(() => T.sort(m, { kind: "bogo" as "stable" }), /kind/);
  assert.throws(() => T.sort(m, { order: "x" } as T.SortOptions), /unknown option "order"/);
});

Deno.test("sort() gradient goes back to where each element came from (verifyGrad); argsort has none", () => {
  T.verifyGrad((x) => T.sort(x), [[0.3, -1.2, 2.5, 0.7]]);
  T.verifyGrad((x) => T.sort(x, 0).mul(T.constant([[1], [2], [3]])), [[[0.3, -1.2], [2.5, 0.7], [
    -0.4,
    1.1,
  ]]]);
  T.verifyGrad((x) => T.sort(x, null).exp(), [[[0.3, -1.2, 2.2], [2.5, 0.7, -0.1]]]);
  // The second derivative goes through permute_along's gradient.
  T.verifyGrad((x) => T.grad(T.sort(x).mul(T.constant([1, 2, 3])).sqr().sum(), x), [[0.3, -1.2, 2.5]]);
  const x = T.dvector("x");
  const g = T.grad(T.sort(x).mul(T.constant([1, 2, 3])).sum(), x);
  // The smallest element gets weight 1, the largest 3.
  assert.deepEqual(T.function([x], g)([5, -1, 2]).toArray(), [3, 1, 2]);
  assert.equal(T.grad(T.argsort(x).sum().astype("float64").add(x.sum()), x).ndim, 1);
  const t = T.dvector("t");
  // The forward derivative permutes the tangent as sort permutes x.
  assert.deepEqual(T.function([x, t], T.Rop(T.sort(x), x, t))([5, -1, 2], [10, 20, 30]).toArray(), [
    20,
    30,
    10,
  ]);
});

Deno.test("sort() with a negative axis, and its gradient in float32", () => {
  const a = T.dtensor3("a");
  const r = T.function([a], [T.sort(a, -2), T.argsort(a, -3)])(nd(REF.A));
  same(r[0], REF.sort_A1.out);
  same(r[1], REF.argsort_A0.out);
  T.verifyGrad((x) => T.sort(x, -1), [[[0.3, -1.2, 2.5], [0.7, 1.5, -0.5]]], { dtype: "float32" });
});

Deno.test("argsort's merge sort equals a stable comparator sort on long lines with ties, NaN and zeros", () => {
  const rnd = T.seededRandom(7);
  const pool = [NaN, -0, 0, -1, 1, 2.5, -Infinity, Infinity];
  for (const n of [1, 15, 16, 17, 100, 1000, 4097]) {
    const v = Array.from(
      { length: n },
      () => rnd() < 0.5 ? pool[Math.floor(rnd() * pool.length)] : rnd() * 4 - 2,
    );
    const key = (a: number) => (a !== a ? Infinity : a);
    // NaN last (after inf), ties in their original order: Array.prototype.sort is stable.
    const want = [...v.keys()].sort((p, q) =>
      (v[p] !== v[p]) !== (v[q] !== v[q]) ? (v[p] !== v[p] ? 1 : -1) : key(v[p]) - key(v[q]) || 0
    );
    const x = T.dvector("x");
    assert.deepEqual(Array.from(T.function([x], T.argsort(x))(v).data), want, `n = ${n}`);
  }
});
