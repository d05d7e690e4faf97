import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./testdata/array_ops_ref.ts";

type Ref = { shape: number[]; data: number[] };
const nd = (r: Ref, dtype: T.DType = "float64") => T.asarray(r.data, { dtype, shape: r.shape });
const close = (got: T.NDArray, want: Ref, what: string) => {
  assert.deepEqual(got.shape, want.shape, what);
  T.testing.assertAllClose(got, nd(want), { rtol: 1e-12, atol: 1e-12, message: what });
};
const OFFSETS = [0, 1, -1, 3, -3, 5];
const key = (o: number) => String(o).replace("-", "m");

Deno.test("diagonal(), diag(), trace() as NumPy for every offset and axis pair", () => {
  const a = T.dtensor3("a"), m = T.dmatrix("m"), v = T.dvector("v");
  // The same graphs with static lengths, which compute the slices at build time.
  const as = new T.TensorType("float64", [3, 4, 5]).make("as");
  for (const o of OFFSETS) {
    const f = T.function([a, m, v, as], [
      T.diagonal(a, o, 1, 2),
      T.diagonal(a, o, 0, 2),
      a.diagonal(o, 2, 0),
      T.diag(m, o),
      T.diag(v, o),
      T.trace(m, o),
      T.diagonal(as, o, -2, -1),
    ]);
    const A = nd(REF.A);
    const M = T.asarray(Array.from(A.data).slice(0, 20), { dtype: "float64", shape: [4, 5] });
    const V = T.asarray(Array.from(A.data).slice(0, 5), { dtype: "float64" });
    const r = f(A, M, V, A);
    const k = key(o) as "0";
    const ref = (name: string) => REF[`${name}_${k}` as "diag_M_0"].out;
    close(r[0], ref("diagonal_A"), `diagonal(A, ${o}, 1, 2)`);
    close(r[1], ref("diagonal_A02"), `diagonal(A, ${o}, 0, 2)`);
    close(r[2], ref("diagonal_A20"), `diagonal(A, ${o}, 2, 0)`);
    close(r[3], ref("diag_M"), `diag(M, ${o})`);
    close(r[4], ref("diag_v"), `diag(v, ${o})`);
    close(r[5], ref("trace_M"), `trace(M, ${o})`);
    close(r[6], ref("diagonal_A"), `diagonal(static A, ${o}, -2, -1)`);
  }
  const s = new T.TensorType("float64", [3, 4, 5]).make("s");
  assert.deepEqual(T.diagonal(s, 1, 1, 2).staticShape, [3, 4]);
  assert.deepEqual(T.allocDiag(new T.TensorType("float64", [3]).make("w"), -2).staticShape, [5, 5]);
});

Deno.test("allocDiag(), identityLike(), trace's dtype, and empty inputs", () => {
  const v = T.lvector("v"), m = T.dmatrix("m");
  const f = T.function([v, m], [
    T.allocDiag(v, 1),
    T.identityLike(m),
    T.trace(m, 0, 0, 1, "float32"),
    m.trace(),
  ]);
  const [a, i, t, t2] = f([7, 8], [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual([a.dtype, a.toArray()], ["int64", [[0, 7, 0], [0, 0, 8], [0, 0, 0]]]);
  assert.deepEqual([i.dtype, i.toArray()], ["float64", [[1, 0], [0, 1], [0, 0]]]);
  assert.deepEqual([t.dtype, t.item(), t2.item()], ["float32", 5, 5]);
  const [ea, ei, et] = f([], T.asarray([], { dtype: "float64", shape: [0, 3] }));
  assert.deepEqual([ea.shape, ei.shape, et.item()], [[1, 1], [0, 3], 0]);
});

Deno.test("diagonal family bad input names what is wrong", () => {
  const v = T.dvector("v"), m = T.dmatrix("m");
  assert.throws(
    () => T.diagonal(v),
    (e: Error) => e instanceof T.HypatiaTypeError && /at least 2 dimensions.*"v"/.test(e.message),
  );
  assert.throws(() => T.diagonal(m, 0, 0, 0), /cannot be the same/);
  assert.throws(() => T.diagonal(m, 0, 0, 2), /axis 2 is out of range/);
  assert.throws(() => T.diagonal(m, 0.5), /offset must be an integer/);
  assert.throws(() => T.allocDiag(m), /takes a vector/);
  assert.throws(() => T.diag(T.dtensor3("t")), /1-d or 2-d/);
  assert.throws(() => T.identityLike(v), /takes a matrix/);
  assert.throws(() => T.extractDiag(v), /at least 2 dimensions/);
  assert.throws(() => T.trace(m, 0, 0, 1, "float" as T.DType), /dtype/);
});

Deno.test("diagonal, allocDiag and trace gradients (verifyGrad)", () => {
  const M = [[0.5, -1, 2], [1, 2, 3], [0.25, -0.5, 4]];
  T.verifyGrad((x) => T.diagonal(x).sqr(), [M]);
  T.verifyGrad((x) => T.diagonal(x, -1).exp(), [M]);
  T.verifyGrad((x) => T.diagonal(x, 1, 2, 0).sqr(), [[M, M]]);
  T.verifyGrad((x) => T.allocDiag(x, 2).mul(T.constant([[1, 2, 3, 4, 5]])), [[0.5, -1, 2]]);
  T.verifyGrad((x) => T.trace(x.sqr()), [M]);
  const m = T.dmatrix("m");
  // d trace(m) / dm = I
  assert.deepEqual(T.function([m], T.grad(T.trace(m), m))([[1, 2], [3, 4]]).toArray(), [[1, 0], [0, 1]]);
});
