/**
 * RandomStreams.poisson and shuffleRowElements against NumPy 2.4's legacy RandomState
 * (random/testdata/numpy_poisson_shuffle.py made the JSON beside it).
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import np from "./testdata/numpy_poisson_shuffle.json" with { type: "json" };

Deno.test("RandomStreams.poisson matches NumPy's legacy poisson, both algorithms", () => {
  const srng = new T.RandomStreams(77);
  const small = srng.poisson([8], { lam: 3.5 }); // variable 0
  const large = srng.poisson([6], { lam: 25 }); // variable 1
  const lam = T.dmatrix("lam");
  const mixed = srng.poisson([2, 3], { lam }); // variable 2
  const huge = srng.poisson([3], { lam: 1e12 }); // variable 3
  const f = T.function([lam], [small, large, mixed, huge]);
  const [a, b, c, d] = f(np.lam_array.lam);
  assert.equal(a.dtype, "int64");
  assert.deepEqual(a.toArray(), np.small[0]);
  assert.deepEqual(b.toArray(), np.large);
  assert.deepEqual(c.toArray(), np.lam_array.draws);
  assert.deepEqual(d.toArray(), np.huge);
  // The state moved on: the second call gives NumPy's second draw.
  assert.deepEqual(f(np.lam_array.lam)[0].toArray(), np.small[1]);
  // An empty size draws nothing and leaves the state where it was (as NumPy's poisson(size=0)).
  const none = new T.RandomStreams(77).poisson([0, 3], { lam: 2 });
  const before = none.rng.getValue().toArray();
  assert.deepEqual(T.function([], none, { updates: [none.update] })().shape, [0, 3]);
  assert.deepEqual(none.rng.getValue().toArray(), before);
  // dtype and the default lam (1): no size gives lam's shape.
  const k = new T.RandomStreams(1).poisson(undefined, {
    lam: T.constant([2, 3, 4], { dtype: "float64" }),
    dtype: "int32",
  });
  assert.equal(k.dtype, "int32");
  assert.deepEqual(T.function([], k)().shape, [3]);
});

Deno.test("RandomStreams.poisson: bad lam is an error and the state is untouched", () => {
  assert.throws(
    () => new T.RandomStreams(1).poisson([2], { lam: -1 }),
    (e: Error) => e instanceof T.InputError && /lam must be >= 0, got -1/.test(e.message),
  );
  assert.throws(
    () => new T.RandomStreams(1).poisson([2], { lam: NaN }),
    (e: Error) => e instanceof T.InputError && /lam must be >= 0, got NaN/.test(e.message),
  );
  const srng = new T.RandomStreams(77);
  const lam = T.dvector("lam");
  const k = srng.poisson([3], { lam });
  const f = T.function([lam], k);
  const before = k.rng.getValue().toArray();
  assert.throws(
    () => f([1, -0.5, 2]),
    (e: Error) => e instanceof T.InputError && /lam must be >= 0 and not NaN/.test(e.message),
  );
  assert.throws(() => f([1, NaN, 2]), (e: Error) => e instanceof T.InputError && /not NaN/.test(e.message));
  assert.throws(
    () => f([1, 1e19, 2]),
    (e: Error) => e instanceof T.InputError && /too large/.test(e.message),
  );
  assert.deepEqual(k.rng.getValue().toArray(), before);
  assert.deepEqual(f([3.5, 3.5, 3.5]).toArray(), np.small[0].slice(0, 3)); // as if nothing had failed
  assert.throws(
    () => srng.poisson([2], { lambda: 1 } as never),
    (e: Error) => e instanceof T.InputError && /unknown option "lambda"/.test(e.message),
  );
});

Deno.test("RandomStreams.shuffleRowElements: NumPy's permutations applied to each row", () => {
  // Variables 0-3 of RandomStreams(77) are other draws (as in the script), the 5th the shuffle.
  const srng = new T.RandomStreams(77);
  for (let i = 0; i < 4; i++) srng.uniform([1]);
  const x = T.dmatrix("x");
  const s = srng.shuffleRowElements(x);
  const f = T.function([x], [s, s.permutation]);
  const [rows, perm] = f(np.shuffle.x);
  assert.deepEqual(perm.toArray(), np.shuffle.perm);
  assert.deepEqual(rows.toArray(), np.shuffle.shuffled);
  // A vector is one row; its length known only at run time.
  const v = T.dvector("v");
  const sv = srng.shuffleRowElements(v);
  assert.deepEqual(sv.permutation.staticShape, [null]);
  const [shuffled, p] = T.function([v], [sv, sv.permutation])(np.shuffle_vector.x);
  assert.deepEqual(p.toArray(), np.shuffle_vector.perm);
  assert.deepEqual(shuffled.toArray(), np.shuffle_vector.shuffled);
  // Its gradient puts each element's gradient back in its place.
  const g = T.grad(T.sum(T.mul(s, T.constant([[1, 2, 3, 4, 5]], { dtype: "float64" }))), x);
  const gx = T.function([x], [g, s.permutation])(np.shuffle.x);
  const pv = gx[1].toArray() as number[][];
  const expected = pv.map((row) => {
    const r = new Array(5);
    row.forEach((j, i) => (r[j] = i + 1));
    return r;
  });
  assert.deepEqual(gx[0].toArray(), expected);
  // Empty rows and no rows: nothing to shuffle, the shapes kept.
  const em = T.dmatrix("e");
  const fe = T.function([em], srng.shuffleRowElements(em));
  assert.deepEqual(fe(T.asarray([[], []], { dtype: "float64" })).shape, [2, 0]);
  assert.deepEqual(fe(T.asarray([], { dtype: "float64" }).reshape([0, 4])).shape, [0, 4]);
  assert.throws(
    () => srng.shuffleRowElements(T.dscalar("c")),
    (e: Error) => e instanceof T.HypatiaTypeError && /no rows/.test(e.message),
  );
});
