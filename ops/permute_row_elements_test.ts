import assert from "node:assert/strict";
import * as T from "../mod.ts";
import data from "./testdata/permute_row_elements.json" with { type: "json" };

// null in the data is NaN (JSON has none); 1e999 is Infinity.
const nan = (a: (number | null)[][][]) => a.map((m) => m.map((r) => r.map((v) => v ?? NaN)));

Deno.test("permuteRowElements: against NumPy's take_along_axis / put_along_axis, NaN and inf kept", () => {
  const x = T.dtensor3("x"), y = T.lmatrix("y");
  const f = T.function([x, y], [T.permuteRowElements(x, y), T.permuteRowElements(x, y, true)]);
  const [fwd, inv] = f(nan(data.x), data.y);
  T.testing.assertAllClose(fwd, nan(data.forward), { rtol: 0, atol: 0 });
  T.testing.assertAllClose(inv, nan(data.inverse), { rtol: 0, atol: 0 });
  // x's leading length 1 broadcast against y's rows.
  const x1 = T.dmatrix("x1"), y2 = T.lmatrix("y2");
  const g = T.function([x1, y2], T.permuteRowElements(x1, y2));
  assert.deepEqual(g(data.x1, data.y2).toArray(), data.forward1);
  // Empty rows, and no rows.
  assert.deepEqual(
    f(T.asarray([], { dtype: "float64" }).reshape([2, 3, 0]), T.asarray([[], [], []], { dtype: "int64" }))
      .map((a) => a.shape),
    [[2, 3, 0], [2, 3, 0]],
  );
  assert.deepEqual(
    g(T.asarray([[1, 2]], { dtype: "float64" }), T.asarray([], { dtype: "int64" }).reshape([0, 2])).shape,
    [0, 2],
  );
  // Integer x keeps its dtype.
  const xi = T.ivector("xi"), p = T.lvector("p");
  const h = T.function([xi, p], T.permuteRowElements(xi, p));
  assert.equal(h([7, 8, 9], [2, 0, 1]).dtype, "int32");
  assert.deepEqual(h([7, 8, 9], [2, 0, 1]).toArray(), [9, 7, 8]);
});

Deno.test("permuteRowElements: gradient is the inverse permutation, summed over broadcast rows", () => {
  const y = [[2, 0, 3, 1], [1, 3, 0, 2]];
  T.verifyGrad((x) => T.sin(T.permuteRowElements(x, T.constant(y, { dtype: "int64" }))), [[[
    0.1,
    0.5,
    -0.3,
    0.9,
  ], [0.2, -0.7, 0.4, 0.6]]]);
  T.verifyGrad((x) => T.sin(T.permuteRowElements(x, T.constant(y, { dtype: "int64" }), true)), [[[
    0.1,
    0.5,
    -0.3,
    0.9,
  ], [0.2, -0.7, 0.4, 0.6]]]);
  // x broadcast over y's two rows: the gradient sums the two rows' inverse permutations.
  T.verifyGrad((x) => T.sin(T.permuteRowElements(x, T.constant(y, { dtype: "int64" }))), [[[
    0.1,
    0.5,
    -0.3,
    0.9,
  ]]]);
  const x = T.dvector("x"), w = T.dvector("w");
  const gx = T.grad(T.sum(T.mul(T.permuteRowElements(x, T.constant([2, 0, 1], { dtype: "int64" })), w)), x);
  // out = [x2, x0, x1]: d/dx = [w1, w2, w0].
  assert.deepEqual(T.function([x, w], gx)([1, 2, 3], [10, 20, 30]).toArray(), [20, 30, 10]);
});

Deno.test("permuteRowElements: Rop permutes the tangent, Lop applies the inverse", () => {
  const x = T.dmatrix("x"), v = T.dmatrix("v"), y = T.constant([[2, 0, 1], [0, 2, 1]], { dtype: "int64" });
  const out = T.sin(T.permuteRowElements(x, y, true));
  const f = T.function([x, v], [T.Rop(out, x, v), T.Lop(out, x, v)]);
  const X = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], V = [[1, 2, 3], [4, 5, 6]];
  const [r, l] = f(X, V);
  // inverse: out[i, y[i, k]] = sin(x[i, k]), so Rop's row i puts cos(x[i, k])·v[i, k] at column y[i, k].
  const inv = (m: number[][]) =>
    m.map((row, i) => {
      const o = new Array(3);
      row.forEach((val, k) => (o[[[2, 0, 1], [0, 2, 1]][i][k]] = val));
      return o;
    });
  T.testing.assertAllClose(r, inv(X.map((row, i) => row.map((a, k) => Math.cos(a) * V[i][k]))));
  // Lop: row i, column k gets cos(x[i, k])·v[i, y[i, k]].
  const yv = [[2, 0, 1], [0, 2, 1]];
  T.testing.assertAllClose(l, X.map((row, i) => row.map((a, k) => Math.cos(a) * V[i][yv[i][k]])));
});

Deno.test("permuteRowElements: bad input", () => {
  const x = T.dmatrix("x"), y = T.lvector("y");
  const f = T.function([x, y], T.permuteRowElements(x, y));
  assert.throws(
    () => f([[1, 2, 3]], [0, 2, 2]),
    (e: Error) =>
      e instanceof T.InputError &&
      /row 0 of y is not a permutation of 0\.\.2: entry 2 is 2, which repeats/.test(e.message),
  );
  assert.throws(
    () => f([[1, 2, 3]], [0, 3, 1]),
    (e: Error) => e instanceof T.InputError && /entry 1 is 3/.test(e.message),
  );
  assert.throws(
    () => f([[1, 2, 3]], [0, 1]),
    (e: Error) => e instanceof T.ShapeError && /3 elements but the permutations of y have 2/.test(e.message),
  );
  assert.throws(
    () => T.permuteRowElements(x, T.dvector("p")),
    (e: Error) => e instanceof T.HypatiaTypeError && /integer dtype/.test(e.message),
  );
  assert.throws(
    () => T.permuteRowElements(T.dscalar("s"), y),
    (e: Error) => e instanceof T.HypatiaTypeError && /at least one axis/.test(e.message),
  );
  const a = new T.TensorType("float64", [2, 3]).make("a"), b = new T.TensorType("int64", [3, 3]).make("b");
  assert.throws(
    () => T.permuteRowElements(a, b),
    (e: Error) => e instanceof T.HypatiaTypeError && /do not broadcast/.test(e.message),
  );
});
