import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./testdata/array_ops_ref.ts";

type Ref = { shape: number[]; data: number[] };
const nd = (r: Ref, dtype: T.DType = "float64") => T.asarray(r.data, { dtype, shape: r.shape });
const same = (got: T.NDArray, want: Ref, what = "") => {
  assert.deepEqual(got.shape, want.shape, what);
  assert.deepEqual(Array.from(got.data), want.data, what);
};
const M = T.asarray([0, 1, 2, 3, 4, 5], { dtype: "float64", shape: [2, 3] }); // np.arange(6.).reshape(2, 3)

Deno.test("tile() as NumPy: shorter and longer reps, symbolic counts", () => {
  const m = T.dmatrix("m"), k = T.lscalar("k");
  const f = T.function([m, k], [T.tile(m, 2), T.tile(m, [2, 1, 3]), T.tile(m, [k, 2])]);
  const [a, b, c] = f(M, 3);
  same(a, REF.tile_2.out);
  same(b, REF.tile_2_1_3.out);
  same(c, REF.tile_3_2.out);
  assert.deepEqual(T.tile(new T.TensorType("float64", [2, 3]).make("s"), [2, 2]).staticShape, [4, 6]);
  assert.deepEqual(T.function([m], T.tile(m, [0, 1]))(M).shape, [0, 3]);
  assert.throws(
    () => T.tile(m, [-1]),
    (e: Error) => e instanceof T.InputError && /reps\[0\] must be an integer >= 0/.test(e.message),
  );
  assert.throws(() => T.tile(m, [T.dscalar("r")]), /integer scalar/);
  // Theano's ndim: the result has that many axes.
  assert.deepEqual(T.function([m], T.tile(m, [2], 4))(M).shape, [1, 1, 2, 6]);
  assert.throws(() => T.tile(m, [1, 1, 1], 2), /ndim 2 is less than the 3 dimensions/);
});

Deno.test("repeat() by one count and per element, flattened or along an axis, as NumPy", () => {
  const m = T.dmatrix("m"), c = T.lvector("c"), r = T.iscalar("r");
  const f = T.function([m, c, r], [
    T.repeat(m, 2),
    T.repeat(m, r, 1),
    m.repeat(c, 0),
    T.repeat(m, [0, 2, 1], 1),
    T.repeat(m, [1, 0, 2, 0, 1, 3]),
    T.repeat(m, [2], -1),
  ]);
  const out = f(M, [1, 3], 3);
  same(out[0], REF.repeat_scalar_flat.out);
  same(out[1], REF.repeat_scalar_axis1.out);
  same(out[2], REF.repeat_counts_axis0.out);
  same(out[3], REF.repeat_counts_axis1.out);
  same(out[4], REF.repeat_counts_flat.out);
  assert.deepEqual(out[5].toArray(), [[0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5]]); // np.repeat(M, [2], -1)
  assert.deepEqual(f(M, [0, 0], 0)[2].shape, [0, 3]);
});

Deno.test("repeat() bad input: mismatched or negative counts name what is wrong", () => {
  const m = T.dmatrix("m"), c = T.lvector("c");
  const f = T.function([m, c], T.repeat(m, c, 1));
  assert.throws(
    () => f(M, [1, 2]),
    (e: Error) => e instanceof T.InputError && /2 counts for axis 1 of "m".*length is 3/.test(e.message),
  );
  assert.throws(() => f(M, [1, -2, 1]), /counts must be >= 0, got -2 at position 1/);
  const s = new T.TensorType("float64", [2, 3]).make("s");
  assert.throws(() => T.repeat(s, [1, 2], 1), /2 counts for axis 1 of "s".*length is 3/);
  assert.throws(() => T.repeat(m, -1), /must be an integer >= 0/);
  assert.throws(() => T.repeat(m, [0.5, 1]), /integers/);
  assert.throws(() => T.repeat(m, 2, 2), /axis 2 is out of range/);
});

Deno.test("roll() as NumPy: flattened, along an axis, negative and symbolic shifts, several axes", () => {
  const m = T.dmatrix("m"), a = T.dtensor3("a"), s = T.lscalar("s");
  const f = T.function([m, a, s], [
    T.roll(m, 4),
    T.roll(m, -1),
    T.roll(m, 2, 1),
    T.roll(m, s, 0),
    T.roll(a, 7, 2),
    T.roll(m, s, 1),
    T.roll(m, [1, -1], [0, 1]),
  ]);
  const out = f(M, nd(REF.A), -3);
  same(out[0], REF.roll_flat_4.out);
  same(out[1], REF.roll_flat_m1.out);
  same(out[2], REF.roll_axis1_2.out);
  same(out[3], REF.roll_axis0_m3.out);
  same(out[4], REF.roll_A_axis2_7.out);
  assert.deepEqual(out[5].toArray(), [[0, 1, 2], [3, 4, 5]]); // np.roll(M, -3, axis=1)
  assert.deepEqual(out[6].toArray(), [[4, 5, 3], [1, 2, 0]]); // np.roll(M, (1, -1), (0, 1))
  // An empty axis rolls to itself, with a known or a symbolic shift.
  const v = T.dvector("v");
  const g = T.function([v, s], [T.roll(v, 3), T.roll(v, s)]);
  assert.deepEqual(g([], 2).map((r) => r.shape), [[0], [0]]);
  assert.throws(() => T.roll(m, 1, 2), /axis 2 is out of range/);
  assert.throws(() => T.roll(m, 0.5, 0), /integer/);
});

Deno.test("tile, repeat, roll gradients (verifyGrad) and ravel", () => {
  T.verifyGrad((x) => T.tile(x, [2, 3]), [[[0.5, -1], [2, 0.25]]]);
  T.verifyGrad((x) => T.tile(x, [2, 1, 2]).sqr(), [[[0.5, -1, 3]]]);
  T.verifyGrad((x) => T.repeat(x, 3, 1).exp(), [[[0.5, -1], [2, 0.25]]]);
  T.verifyGrad((x) => T.repeat(x, T.constant([2, 0, 3])).sqr(), [[0.5, -1, 2]]);
  T.verifyGrad((x) => T.repeat(x, T.constant([1, 2]), 0).sqr(), [[[0.5, -1], [2, 0.25]]]);
  T.verifyGrad((x) => T.roll(x, 1, 1).mul(T.constant([[1, 2, 3]])), [[[0.5, -1, 2], [1, 2, 3]]]);
  T.verifyGrad((x) => T.roll(x, -4).mul(T.constant([[1, 2, 3]])), [[[0.5, -1, 2], [1, 2, 3]]]);
  const m = T.dmatrix("m");
  assert.deepEqual(T.function([m], [T.ravel(m), m.ravel()])(M)[1].toArray(), [0, 1, 2, 3, 4, 5]);
});

Deno.test("roll() along a negative axis, tile gradient in float32", () => {
  const m = T.dmatrix("m");
  same(T.function([m], T.roll(m, 2, -1))(M), REF.roll_axis1_2.out);
  T.verifyGrad((x) => T.tile(x, [1, 2]).sqr(), [[[0.5, -1], [2, 0.25]]], { dtype: "float32" });
});
