// ptp, maxAndArgmax, copy, zerosLike (method), mgrid/ogrid, stacklists, choose, nonzero and
// batchedTensordot against NumPy-made values (ops/testdata/array_ops_gen.py).
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./testdata/array_ops_ref.ts";

type Ref = { shape: number[]; data: number[] };
const nd = (r: Ref, dtype: T.DType = "float64") => T.asarray(r.data, { dtype, shape: r.shape });
const same = (got: T.NDArray, want: Ref, what = "") => {
  assert.deepEqual(got.shape, want.shape, what);
  assert.deepEqual(Array.from(got.data), want.data, what);
};
const close = (got: T.NDArray, want: Ref, what = "") => {
  assert.deepEqual(got.shape, want.shape, what);
  T.testing.assertAllClose(got, nd(want), { rtol: 1e-12, atol: 1e-12, message: what });
};

Deno.test("ptp() and maxAndArgmax() as NumPy, NaN included", () => {
  const a = T.dtensor3("a"), v = T.dvector("v");
  const [mx, at] = T.maxAndArgmax(a, 2);
  const [vm, va] = T.maxAndArgmax(v);
  const f = T.function([a, v], [T.ptp(a), a.ptp(1), T.ptp(v), mx, at, vm, va]);
  const r = f(nd(REF.A), nd(REF.E));
  close(r[0], REF.ptp_all.out);
  close(r[1], REF.ptp_axis1.out);
  same(r[2], REF.ptp_E.out); // NaN
  // np.max(A, 2), np.argmax(A, 2); np.max(E) is NaN at np.argmax(E) == 1
  const A = nd(REF.A);
  for (let i = 0; i < 12; i++) {
    const row = Array.from(A.data).slice(5 * i, 5 * i + 5);
    assert.equal(r[3].data[i], Math.max(...row));
    assert.equal(r[4].data[i], row.indexOf(Math.max(...row)));
  }
  assert.ok(Number.isNaN(r[5].item()));
  assert.equal(r[6].item(), 1);
  assert.deepEqual(T.function([a], T.ptp(a, { axis: [0, 2], keepdims: true }))(A).shape, [1, 4, 1]);
});

Deno.test("ptp and maxAndArgmax gradients (verifyGrad, distinct extremes)", () => {
  T.verifyGrad((x) => T.ptp(x, 1), [[[0.5, -1, 2], [1, 2.5, 3]]]);
  T.verifyGrad((x) => T.maxAndArgmax(x, 0)[0].sqr(), [[[0.5, -1, 2], [1, 2.5, 3]]]);
  const x = T.dvector("x");
  assert.deepEqual(T.function([x], T.grad(T.ptp(x), x))([3, -1, 2]).toArray(), [1, -1, 0]);
});

Deno.test("copy(), x.copy(), x.zerosLike(): new nodes, same values, gradient through copy", () => {
  const m = T.fmatrix("m");
  const f = T.function([m], [T.copy(m), m.copy().mul(2), m.zerosLike(), m.zerosLike("int8")]);
  const [c, c2, z, z8] = f([[1, 2]]);
  assert.deepEqual([c.toArray(), c2.toArray(), z.toArray(), z8.dtype], [
    [[1, 2]],
    [[2, 4]],
    [[0, 0]],
    "int8",
  ]);
  assert.equal(c.dtype, "float32");
  assert.equal(T.tensorCopy(m).owner?.op.name, "copy");
  T.verifyGrad((x) => T.copy(x).sqr(), [[0.5, -1, 2]]);
  const b = T.tensor("bool", [false]);
  assert.deepEqual(T.function([b], T.copy(b))([true, false]).toArray(), [true, false]);
});

Deno.test("mgrid() and ogrid() as NumPy's, stacklists() as Theano's", () => {
  const [g0, g1] = T.mgrid([0, 3], [1, 7, 2]);
  const [o0, o1] = T.ogrid([0, 3], [1, 7, 2]);
  const [fl] = T.mgrid([0, 1, 0.25]);
  const n = T.lscalar("n");
  const [s0] = T.mgrid([n]);
  const r = T.function([n], [g0, g1, o0, o1, fl, s0])(4);
  const G = nd(REF.mgrid.out), size = G.size / 2;
  same(r[0], { shape: [3, 3], data: Array.from(G.data).slice(0, size) });
  same(r[1], { shape: [3, 3], data: Array.from(G.data).slice(size) });
  same(r[2], REF.ogrid0.out);
  same(r[3], REF.ogrid1.out);
  close(r[4], REF.mgrid_float.out);
  assert.deepEqual(r[5].toArray(), [0, 1, 2, 3]);
  assert.equal(r[0].dtype, "int64");
  assert.deepEqual(T.function([], T.mgrid([3, 0], [2])[0])().shape, [0, 2]); // np.mgrid[3:0, 0:2].shape[1:]
  assert.throws(() => T.mgrid(), /at least one range/);
  assert.throws(() => T.ogrid([0, 1, 2, 3] as unknown as T.GridRange), /range 0 must be/);

  const [a, b, c, d] = T.dscalars("a", "b", "c", "d");
  const s = T.stacklists([[a, b], [c, d]]);
  assert.deepEqual(s.staticShape, [2, 2]);
  assert.deepEqual(T.function([a, b, c, d], s)(1, 2, 3, 4).toArray(), [[1, 2], [3, 4]]);
  const [u, v] = T.dvectors("u", "v");
  assert.deepEqual(T.function([u, v], T.stacklists([[u, v], [v, u]]))([1, 2], [3, 4]).shape, [2, 2, 2]);
  T.verifyGrad((p, q) => T.stacklists([[p, q], [q, p.sqr()]]), [0.5, -1.5]);
  assert.throws(() => T.stacklists([]), /empty list/);
});

Deno.test("choose() as NumPy: raise, wrap, clip, broadcasting, gradient", () => {
  const i = T.lmatrix("i"), c0 = T.dmatrix("c0"), c1 = T.dmatrix("c1"), c2 = T.dvector("c2");
  const f = (mode: "raise" | "wrap" | "clip") =>
    T.function([i, c0, c1, c2], T.choose(i, [c0, c1, c2], { mode }));
  const vals = [nd(REF.choose_idx.c0), nd(REF.choose_idx.c1), nd(REF.choose_idx.c2)];
  close(f("raise")(nd(REF.choose_idx.idx, "int64"), ...vals), REF.choose_idx.out);
  close(f("wrap")(nd(REF.choose_wrap.idx, "int64"), ...vals), REF.choose_wrap.out);
  close(f("clip")(nd(REF.choose_clip.idx, "int64"), ...vals), REF.choose_clip.out);
  assert.throws(
    () => f("raise")(nd(REF.choose_wrap.idx, "int64"), ...vals),
    (e: Error) => e instanceof T.InputError && /index 3 .*not in \[0, 3\) for 3 choices/.test(e.message),
  );
  assert.throws(() => T.choose(T.dvector("x"), [c0]), /integers/);
  assert.throws(() => T.choose(i, []), /non-empty/);
  assert.throws(() => T.choose(i, [c0], { mode: "nearest" as "clip" }), /mode/);
  const idx = T.constant([[0, 2, 1], [1, 0, 2]]);
  T.verifyGrad((p, q) => T.choose(idx, [p, q, 10]).sqr(), [[[0.5, -1, 2], [1, 2, 3]], [[1.5, -2, 0.5], [
    3,
    -1,
    4,
  ]]]);
  assert.deepEqual(T.function([i, c0], i.choose([c0]))([[0, 0]], [[5, 6]]).toArray(), [[5, 6]]);
});

Deno.test("nonzero(), flatnonzero(), nonzeroValues() as NumPy, NaN counted as nonzero", () => {
  const z = T.dmatrix("z");
  const [r, c] = T.nonzero(z);
  const matrix: T.Variable = T.nonzero(z, { returnMatrix: true }); // the overloads give each form its type
  assert.deepEqual(matrix.staticShape, [2, null]);
  const f = T.function([z], [r, c, z.nonzero({ returnMatrix: true }), T.flatnonzero(z), z.nonzeroValues()]);
  const out = f(nd(REF.Z.z));
  const ref = nd(REF.nonzero_Z.out), k = ref.shape[1];
  assert.deepEqual(Array.from(out[0].data), Array.from(ref.data).slice(0, k));
  assert.deepEqual(Array.from(out[1].data), Array.from(ref.data).slice(k));
  same(out[2], REF.nonzero_Z.out);
  assert.deepEqual(out[3].toArray(), [1, 3, 5]); // np.flatnonzero(Z)
  same(out[4], REF.nonzero_values_Z.out);
  assert.equal(out[0].dtype, "int64");
  const e = f(T.asarray([], { dtype: "float64", shape: [0, 2] }));
  assert.deepEqual(e.map((x) => x.shape), [[0], [0], [2, 0], [0], [0]]);
  assert.throws(() => T.nonzero(T.dscalar("s")), /scalar/);
  assert.throws(
    () => T.nonzero(z, { return_matrix: true } as T.NonzeroOptions),
    /did you mean "returnMatrix"/,
  );
  // The mask keeps the zeros at zero while verifyGrad moves the elements.
  const mask = T.constant([[1, 0, 1], [0, 1, 1]]);
  T.verifyGrad((x) => T.nonzeroValues(x.mul(mask)).sqr(), [[[0.5, 1, 2], [1, 2.5, 3]]]);
});

Deno.test("batchedTensordot() as NumPy's einsum, with an int and with axis lists", () => {
  const x = T.dtensor4("x"), y = T.dtensor4("y");
  const f = T.function([x, y], T.batchedTensordot(x, y, [[2, 3], [2, 1]]));
  close(f(nd(REF.btd_x.x), nd(REF.btd_y.y)), REF.btd_axes.out);
  const g = T.function([x, y], T.batchedTensordot(x, y, 2));
  close(g(nd(REF.btd_x.x), nd(REF.btd_y2.y)), REF.btd_int2.out);
  // x's last two axes (4, 5) against y's first two (5, 4): the same total, but not aligned.
  assert.throws(
    () => g(nd(REF.btd_x.x), nd(REF.btd_y.y)),
    (e: Error) =>
      e instanceof T.ShapeError &&
      /axis 2 of "x".* has length 4 but axis 1 of "y".* has length 5/.test(e.message),
  );
  const s = new T.TensorType("float64", [2, 3, 4]).make("s"),
    t = new T.TensorType("float64", [2, 5, 4]).make("t");
  assert.throws(() => T.batchedTensordot(s, t, [[2], [1]]), /length 4.*length 5/);
  assert.throws(() => T.batchedTensordot(s, t, [[0], [1]]), /batch axis/);
  assert.throws(() => T.batchedTensordot(T.dvector("v"), t), /batch axis and at least one more/);
  T.verifyGrad((p, q) => T.batchedTensordot(p, q, [[1], [2]]), [
    [[[0.5, -1], [2, 1]], [[0.1, 0.2], [0.3, -0.4]]],
    [[[1, 2], [3, 4]], [[-1, 0.5], [2, 0]]],
  ]);
});

Deno.test("the composites' nodes all name the user's line (captured once at their entry)", () => {
  const x = T.dmatrix("x"), v = T.dvector("v"), s = T.lscalar("s"), c = T.lvector("c");
  const line = (outs: T.Variable[]) => {
    const seen = new Set<T.Apply>(), stack = outs.map((o) => o.owner).filter((n): n is T.Apply => !!n);
    const traces = new Set<string | undefined>();
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      traces.add(n.trace?.match(/array_misc_test\.[jt]s:\d+/)?.[0]);
      for (const i of n.inputs) {
        if (i.owner && !(i === x || i === v || i === s || i === c)) stack.push(i.owner);
      }
    }
    return [...traces];
  };
  const cases: [string, T.Variable[]][] = [
    ["stacklists", [T.stacklists([[[s, s], [s, s]], [[s, s], [s, s]]])]],
    ["trace", [x.trace(1)]],
    ["tile", [T.tile(x, [s, 2, 1])]],
    ["repeat", [T.repeat(x, c, 1)]],
    ["roll", [T.roll(x, s)]],
    ["choose", [T.choose(c, [v, 2], { mode: "wrap" })]],
    ["mgrid", T.mgrid([s], [2, s])],
  ];
  for (const [what, outs] of cases) {
    const at = line(outs);
    assert.equal(at.length, 1, `${what}: nodes name ${at.join(", ")}`);
    assert.ok(at[0] !== undefined, `${what}: a node without the user's line`);
  }
});
