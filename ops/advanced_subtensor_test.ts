import assert from "node:assert/strict";
import * as T from "../mod.ts";
import ref from "./testdata/advanced_indexing_ref.json" with { type: "json" };

type Arg = null | number | { int: number[] | number[][] } | { bool: boolean[] } | {
  range: (number | null)[];
};

const x3 = T.asarray(ref.x, { dtype: "float64" }).reshape([2, 3, 4]);

/** The test's arguments for slice(): symbolic index inputs (with their values) for arrays. */
function build(args: Arg[]): { idx: T.Variable[]; vals: T.NDArray[]; sliceArgs: T.IndexArg[] } {
  const idx: T.Variable[] = [], vals: T.NDArray[] = [];
  const sliceArgs = args.map((a): T.IndexArg => {
    if (a === null || typeof a === "number") return a;
    if ("range" in a) return a.range as [number | null, number | null, number | null];
    let val: T.NDArray;
    if ("int" in a) val = T.asarray(a.int as number[], { dtype: "int64" });
    else val = T.asarray(a.bool);
    const s = new T.TensorType(val.dtype, val.shape.map(() => null)).make(`i${idx.length}`);
    idx.push(s);
    vals.push(val);
    return s;
  });
  return { idx, vals, sliceArgs };
}

Deno.test("advanced indexing reads as NumPy: arrays, masks, mixed with whole axes, ranges and integers", () => {
  const x = T.dtensor3("x");
  for (const c of ref.cases) {
    const { idx, vals, sliceArgs } = build(c.args as Arg[]);
    const f = T.function([x, ...idx], T.slice(x, ...sliceArgs));
    const r = f(x3, ...vals) as T.NDArray;
    assert.deepEqual(r.shape, c.shape, c.name);
    assert.deepEqual([...r.data], c.data, c.name);
    // The same with constant indices (NDArrays), whose static shapes are then known.
    const g = T.function(
      [x],
      T.slice(x, ...sliceArgs.map((a) => (a instanceof T.Variable ? vals[idx.indexOf(a)] : a))),
    );
    const q = g(x3) as T.NDArray;
    assert.deepEqual([...q.data], c.data, `${c.name} (constant indices)`);
  }
});

Deno.test("get() takes JS lists, symbolic arrays and masks; the static shape is known where it can be", () => {
  const x = new T.TensorType("float64", [5, 3]).make("x");
  assert.deepEqual(T.get(x, [0, 4, 4]).staticShape, [3, 3]);
  assert.deepEqual(x.get(T.lmatrix("m")).staticShape, [null, null, 3]);
  assert.deepEqual(T.get(x, [true, false, true, false, false]).staticShape, [2, 3]);
  assert.deepEqual(T.get(x, [[0, 1], [4, 4]]).staticShape, [2, 2, 3]);
  assert.deepEqual(T.get(x, []).staticShape, [0, 3]);
  assert.throws(() => T.get(x, [0, 1.5]), /must hold integers or booleans only/);
  const f = T.function([x], x.get([-1, 0]));
  const v = T.asarray([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 13, 14]]);
  assert.deepEqual([...(f(v) as T.NDArray).data], [12, 13, 14, 0, 1, 2]);
});

Deno.test("incSubtensor accumulates repeated indices (np.add.at); setSubtensor keeps the last", () => {
  const y = T.dmatrix("y"), y0 = T.asarray(ref.y).reshape([4, 3]);
  for (const u of ref.updates) {
    const idx = u.idx.map((i) => T.asarray(i, { dtype: "int64" }));
    const v = T.asarray(u.v as number[]).reshape(u.vshape);
    const view = T.get(y, ...idx);
    const f = T.function([y], [T.incSubtensor(view, v), T.setSubtensor(view, v)]);
    const [inc, set] = f(y0) as T.NDArray[];
    assert.deepEqual([...inc.data], u.inc, `inc ${u.name}`);
    assert.deepEqual([...set.data], u.set, `set ${u.name}`);
  }
});

Deno.test("masks in setSubtensor and incSubtensor, as NumPy's x[x > 2] = 0 and x[m] += v", () => {
  const x = T.dmatrix("x"), v = T.dvector("v");
  const f = T.function([x, v], [
    T.setSubtensor(T.get(x, x.gt(2)), 0),
    T.incSubtensor(T.slice(x, null, T.constant([true, false, true])), v.dimshuffle(0, "x")),
  ]);
  const [s, i] = f([[1, 3, 5], [4, 2, 0]], [10, 20]) as T.NDArray[];
  assert.deepEqual([...s.data], [1, 0, 0, 0, 2, 0]);
  assert.deepEqual([...i.data], [11, 3, 15, 24, 2, 20]);
  T.verifyGrad((a) => T.setSubtensor(T.get(a, a.gt(1)), 0).mul(a), [[[0.5, 2], [1.5, -1]]]);
});

Deno.test("setSubtensor through a range and an array writes into the original tensor", () => {
  const x = T.dmatrix("x");
  const f = T.function([x], [
    T.setSubtensor(T.slice(x, [1, 3], T.constant([0, 2])), -1),
    T.incSubtensor(T.slice(x, null, T.constant([1, 1])), 10),
  ]);
  const [s, i] = f([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) as T.NDArray[];
  assert.deepEqual([...s.data], [1, 2, 3, -1, 5, -1, -1, 8, -1]);
  assert.deepEqual([...i.data], [1, 22, 3, 4, 25, 6, 7, 28, 9]);
});

Deno.test("advanced indexing: gradients of get, incSubtensor and setSubtensor (verifyGrad)", () => {
  const idx = T.constant([2, 0, 2, 1]);
  T.verifyGrad((a) => T.get(a, idx).sqr(), [[[1, 2], [3, -4], [0.5, 6]]]);
  T.verifyGrad((a) => T.slice(a, null, idx).mul(a.sum()), [[[1, 2, 3], [3, -4, 0.2]]]);
  T.verifyGrad((a) => T.get(a, a.gt(0.7)).exp(), [[0.3, 1.1, 0.9, -2]]);
  T.verifyGrad((a, v) => T.incSubtensor(T.get(a, idx), v).sqr(), [[1, 2, 3], [0.5, -1, 2, 3]]);
  T.verifyGrad((a, v) => T.setSubtensor(T.get(a, T.constant([2, 0])), v).mul(a), [[1, 2, 3], [0.5, -1]]);
  T.verifyGrad((a, v) => T.incSubtensor(T.slice(a, [0, 2], T.constant([1, 1])), v).sqr(), [[[1, 2], [3, 4], [
    5,
    6,
  ]], [1.5]]);
});

Deno.test("advanced indexing: the tangent of get is the tangent read at the index (Rop)", () => {
  const x = T.dvector("x"), t = T.dvector("t"), idx = T.lvector("idx");
  const f = T.function([x, t, idx], [
    T.Rop(T.get(x, idx), x, t),
    T.Rop(T.incSubtensor(T.get(x, idx), x.sum()), x, t),
  ]);
  const [r, s] = f([1, 2, 3], [10, 20, 30], [2, 2, 0]) as T.NDArray[];
  assert.deepEqual([...r.data], [30, 30, 10]);
  assert.deepEqual([...s.data], [10 + 60, 20, 30 + 120]); // t + (sum t) at each occurrence
});

Deno.test("advanced indexing refuses bad indices clearly", () => {
  const x = T.dmatrix("x"), idx = T.lvector("idx");
  const f = T.function([x, idx], T.get(x, idx));
  assert.throws(
    () => f([[1, 2], [3, 4]], [0, 2]),
    (e: Error) =>
      e instanceof T.ShapeError && /index 2 is out of bounds for axis 0 with size 2/.test(e.message),
  );
  assert.throws(() => f([[1, 2], [3, 4]], [-3]), /index -3 is out of bounds for axis 0 with size 2/);
  assert.throws(() => T.get(x, T.dvector("d")), /must be an integer array/);
  assert.throws(() => T.get(x, idx, idx, idx), /too many indices/);
  const g = T.function([x, idx], T.get(x, idx, T.constant([0, 1, 0])));
  assert.throws(() => g([[1, 2], [3, 4]], [0, 1]), /could not be broadcast together with shapes \(2\) \(3\)/);
  const m = T.function([x], T.get(x, x.gt(0).get(0)));
  assert.throws(
    () => m([[1, 2, 3], [3, 4, 5]]),
    /boolean index did not match .* axis 0: the axis has length 2 but the mask 3/,
  );
  assert.throws(() => T.get(x, null as unknown as number, idx), /use slice\(\)/);
  assert.throws(() => T.slice(x, T.constant(true)), /must be a bool array \(1-d or more\)/);
  assert.throws(() => T.incSubtensor(T.get(T.bvector("b").gt(0), idx), true), /cannot increment bool/);
});
