import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { REF } from "./testdata/linalg_ref.ts";
import { close } from "./test_util.ts";

const S = REF.stack as unknown as Record<string, number[][][]>;

/** Compile `build` over float64 inputs of the values' ranks, run it, return the outputs as nested arrays. */
function run(build: (...xs: T.Variable[]) => T.Variable | T.Variable[], ...values: T.ArrayLike[]) {
  const arrays = values.map((v) => T.asarray(v, { dtype: "float64" }));
  const inputs = arrays.map((a, i) => new T.TensorType("float64", a.shape.map(() => null)).make(`x${i}`));
  const out = build(...inputs);
  return (T.function(inputs, Array.isArray(out) ? out : [out])(...arrays) as T.NDArray[]).map((r) =>
    r.toArray()
  );
}

Deno.test("stacks of matrices (..., n, n): NumPy's values for each op", () => {
  close(run(T.matrixInverse, S.a)[0], S.inv, 1e-12, "inv");
  close(run(T.det, S.a)[0], S.det, 1e-12, "det");
  close(run(T.solve, S.a, S.b)[0], S.solve, 1e-12, "solve, a stack of vectors");
  close(run(T.cholesky, S.s)[0], S.cholesky, 1e-12, "cholesky");
  close(run(T.eigvalsh, S.s)[0], S.eigvalsh, 1e-12, "eigvalsh");
  close(run((w) => T.svd(w, { computeUv: false }) as T.Variable, S.w)[0], S.svd_s, 1e-12, "svd s");
  close(run((w) => T.qr(w, { mode: "r" }) as T.Variable, S.w)[0], S.qr_r, 1e-12, "qr r");
  close(run(T.expm, S.a)[0], S.expm, 1e-12, "expm");
  close(run((w) => T.pinv(w), S.w)[0], S.pinv, 1e-12, "pinv");
  close(run((a) => T.matrixPower(a, 3), S.a)[0], S.mpow, 1e-12, "matrixPower");
  close(run((w) => T.norm(w, 2, [1, 2]), S.w)[0], S.norm2, 1e-12, "norm 2 over axes (1, 2)");
  close(run((w) => T.norm(w, "nuc", [2, 1]), S.w)[0], S.nuc21, 1e-12, "norm nuc over axes (2, 1)");
  const w3 = T.tensor3("w");
  const kept = T.function([w3], T.norm(w3, -2, [0, 2], { keepdims: true }))(T.asarray(S.w));
  assert.deepEqual(kept.shape, [1, 4, 1]);
  close(kept.toArray(), S.m2_02, 1e-12, "norm -2 over axes (0, 2), keepdims");
});

Deno.test("stacks: each matrix's factors are those of the matrix alone (eigh, svd, qr, eig, triangular solves)", () => {
  const stacked = (outs: T.Variable[], ins: T.Variable[], vals: T.ArrayLike[]) =>
    (T.function(ins, outs)(...vals.map((v) => T.asarray(v))) as T.NDArray[]).map((o) => o.toArray());
  const cases: [string, (...v: T.Variable[]) => T.Variable[], T.ArrayLike[]][] = [
    ["eigh", (v) => T.eigh(v), [S.s]],
    ["svd", (v) => T.svd(v) as T.Variable[], [S.w]],
    ["svd thin", (v) => T.svd(v, { fullMatrices: false }) as T.Variable[], [S.w]],
    ["qr complete", (v) => T.qr(v, { mode: "complete" }) as T.Variable[], [S.w]],
    ["eig", (v) => T.eig(v), [S.a]],
    ["lower, vectors", (a, b) => [T.solveLowerTriangular(a, b)], [S.a, S.b]],
    ["upper, matrices", (a, b) => [T.solveUpperTriangular(a, b)], [S.a, S.a]],
    ["solve, matrices", (a, b) => [T.solve(a, b)], [S.a, S.s]],
  ];
  for (const [name, build, vals] of cases) {
    const typeOf = (v: T.ArrayLike, drop: number) =>
      new T.TensorType("float64", T.asarray(v).shape.slice(drop).map(() => null));
    const ins = vals.map((v, k) => typeOf(v, 0).make(`s${k}`));
    const all = stacked(build(...ins), ins, vals);
    const ones = vals.map((v, k) => typeOf(v, 1).make(`m${k}`));
    const outsOne = build(...ones);
    for (let i = 0; i < 2; i++) {
      const one = stacked(outsOne, ones, vals.map((v) => (v as number[][])[i] as T.ArrayLike));
      one.forEach((o, k) => close((all[k] as unknown[])[i], o, 1e-13, `${name}: output ${k} of matrix ${i}`));
    }
  }
});

Deno.test("stacks: bad input names the shapes and the matrix of the stack", () => {
  assert.throws(
    () => run(T.matrixInverse, [[[1, 0], [0, 1]], [[1, 2], [2, 4]]]),
    /\(matrix 1 of the stack\) is singular/,
  );
  assert.throws(
    () => run(T.cholesky, [[[1, 0], [0, 1]], [[1, 2], [2, 1]]]),
    /\(matrix 1 of the stack\) is not positive definite/,
  );
  assert.throws(() => run(T.solve, S.a, [[1, 2, 3]]), /b needs 3 rows and the leading shape \(2\)/);
});

Deno.test("gradients over stacks (verifyGrad, float64)", () => {
  const lower = (l: T.Variable, v: T.Variable) => T.solveLowerTriangular(l, v);
  T.verifyGrad(T.matrixInverse, [S.a]);
  T.verifyGrad(T.det, [S.a]);
  T.verifyGrad(T.solve, [S.a, S.b]);
  T.verifyGrad(T.solve, [S.a, S.s]);
  T.verifyGrad(lower, [S.a, S.b]);
  T.verifyGrad(T.cholesky, [S.s]);
  T.verifyGrad(T.eigvalsh, [S.s]);
  T.verifyGrad((a) => {
    const [w, v] = T.eigh(a);
    return T.add(T.sqr(v), T.dimshuffle(w, 0, "x", 1));
  }, [S.s]);
  T.verifyGrad((w) => T.qr(w, { mode: "r" }) as T.Variable, [S.w]);
  T.verifyGrad((w) => T.svd(w, { computeUv: false }) as T.Variable, [S.w]);
  T.verifyGrad((w) => {
    const [u, s, vt] = T.svd(w, { fullMatrices: false }) as T.Variable[];
    return T.concatenate([T.flatten(T.sqr(u)), T.flatten(T.sqr(vt)), T.flatten(s)]);
  }, [S.w]);
  T.verifyGrad(T.expm, [S.a]);
  T.verifyGrad((w) => T.pinv(w), [S.w]);
  T.verifyGrad((a) => T.matrixPower(a, -2), [S.a]);
  T.verifyGrad((w) => T.norm(w, "nuc", [2, 1]), [S.w]);
});
