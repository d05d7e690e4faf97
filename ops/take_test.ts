import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./testdata/array_ops_ref.ts";

type Ref = { shape: number[]; data: number[] };
const nd = (r: Ref, dtype: T.DType = "float64") => T.asarray(r.data, { dtype, shape: r.shape });
const same = (got: T.NDArray, want: Ref) => {
  assert.deepEqual(got.shape, want.shape);
  assert.deepEqual(Array.from(got.data), want.data);
};

Deno.test("take() along every axis, flattened, wrap and clip, as NumPy", () => {
  const a = T.dtensor3("a"), i = T.lmatrix("i"), v = T.lvector("v");
  for (const [name, axis] of [["take_axis0", 0], ["take_axis1", 1], ["take_axis2", 2], ["take_axism1", -1]]) {
    const r = REF[name as "take_axis0"];
    same(T.function([a, i], T.take(a, i, axis as number))(nd(REF.A), nd(r.idx, "int64")), r.out);
  }
  same(T.function([a, v], T.take(a, v))(nd(REF.A), nd(REF.take_flat.idx, "int64")), REF.take_flat.out);
  same(
    T.function([a, v], a.take(v, { axis: 1, mode: "wrap" }))(nd(REF.A), nd(REF.take_wrap.idx, "int64")),
    REF.take_wrap.out,
  );
  same(
    T.function([a, v], T.take(a, v, { axis: 1, mode: "clip" }))(nd(REF.A), nd(REF.take_clip.idx, "int64")),
    REF.take_clip.out,
  );
  // int32 and uint8 indices, a scalar index (the axis disappears), and empty indices.
  const m = T.dmatrix("m"), k = T.ivector("k"), s = T.iscalar("s"), u = T.tensor("uint8", [false]);
  const f = T.function([m, k, s, u], [T.take(m, k, 1), T.take(m, s, 0), T.take(m, u, 0)]);
  const [r0, r1, r2] = f([[1, 2], [3, 4]], [1, 1, 0], -1, T.asarray([], { dtype: "uint8" }));
  assert.deepEqual(r0.toArray(), [[2, 2, 1], [4, 4, 3]]);
  assert.deepEqual(r1.toArray(), [3, 4]);
  assert.deepEqual(r2.shape, [0, 2]);
  assert.deepEqual(T.take(T.dmatrix("m"), T.ivector("k"), 1).broadcastable, [false, false]);
});

Deno.test("take() bad input: out-of-range index names the index and the axis length", () => {
  const a = T.dmatrix("a"), i = T.lvector("i");
  const f = T.function([a, i], T.take(a, i, 0));
  assert.throws(
    () => f([[1], [2]], [0, -3]),
    (e: Error) =>
      e instanceof T.InputError && /index -3 is out of bounds for axis 0 with size 2/.test(e.message),
  );
  assert.throws(
    () => f(T.asarray([], { dtype: "float64", shape: [0, 1] }), [0]),
    /out of bounds for axis 0 with size 0/,
  );
  const g = T.function([a, i], T.take(a, i, { axis: 0, mode: "wrap" }));
  assert.throws(
    () => g(T.asarray([], { dtype: "float64", shape: [0, 1] }), [0]),
    /non-empty take from an empty axis/,
  );
  assert.throws(
    () => T.take(a, T.dvector("x")),
    (e: Error) => e instanceof T.HypatiaTypeError && /integers/.test(e.message),
  );
  assert.throws(() => T.take(a, T.tensor("bool", [false])), /nonzero/);
  assert.throws(() => T.take(a, i, 2), /axis 2 is out of range/);
  assert.throws(() => T.take(a, i, { axis: 0, mode: "nearest" as "clip" }), /mode/);
  assert.throws(() => T.take(a, i, { axes: 0 } as T.TakeOptions), /did you mean "axis"/);
});

Deno.test("take() gradient adds back at the positions read, repeated ones twice (verifyGrad)", () => {
  const idx = T.constant([2, 0, 2, -1]);
  T.verifyGrad((x) => T.take(x, idx), [[0.5, -1, 2]]);
  T.verifyGrad((x) => T.take(x, idx, 1).sqr(), [[[0.5, -1, 2], [1, 2, 3]]]);
  T.verifyGrad((x) => T.take(x, T.constant([[1, 0], [0, 0]]), 0).exp(), [[[0.5, -1], [2, 0.25]]]);
  T.verifyGrad((x) => T.take(x, T.constant([5, -4]), { axis: 0, mode: "wrap" }).sqr(), [[0.5, -1, 2]]);
  const x = T.dvector("x"), i = T.lvector("i");
  const g = T.grad(T.take(x, i).sum(), x);
  // np.add.at(z := np.zeros(3), [2, 0, 2, -1], 1); z
  assert.deepEqual(T.function([x, i], g)([1, 2, 3], [2, 0, 2, -1]).toArray(), [1, 0, 3]);
  // The second derivative goes through take_grad's gradient (a take).
  T.verifyGrad((y) => T.grad(T.take(y, idx).sqr().sum(), y), [[0.5, -1, 2]]);
});

Deno.test("take() with constant in-range indices needs no check (wrap mode after specialisation)", () => {
  const a = new T.TensorType("float64", [3]).make("a");
  const f = T.function([a], T.take(a, [0, -1]));
  assert.match(T.pp(f), /take\(a, .*wrap\)/);
  assert.deepEqual(f([1, 2, 3]).toArray(), [1, 3]);
  const g = T.function([a], T.take(a, [0, 5]));
  assert.doesNotMatch(T.pp(g), /wrap/);
  assert.throws(() => g([1, 2, 3]), /index 5 is out of bounds/);
  // An axis of unknown length keeps the check.
  const v = T.dvector("v");
  assert.doesNotMatch(T.pp(T.function([v], T.take(v, [0]))), /wrap/);
});

Deno.test("take() forward derivative (Rop) and float32 gradient", () => {
  const x = T.dvector("x"), t = T.dvector("t");
  const f = T.function([x, t], T.Rop(T.take(x, T.constant([2, 0, -1])), x, t));
  assert.deepEqual(f([1, 2, 3], [10, 20, 30]).toArray(), [30, 10, 30]);
  T.verifyGrad((y) => T.take(y, T.constant([[1, 1], [0, 2]]), 1).sqr(), [[[0.5, -1, 2], [1, 2, 3]]], {
    dtype: "float32",
  });
});
