import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { REF } from "./testdata/linalg_ref.ts";
import { close, run } from "./test_util.ts";

const { A, b, B, S, L, U } = REF;
const lower = (l: T.Variable, v: T.Variable) => T.solveLowerTriangular(l, v);
const upper = (u: T.Variable, v: T.Variable) => T.solveUpperTriangular(u, v);

Deno.test("matrixInverse, det, solve: NumPy's values", () => {
  close(run(T.matrixInverse, A)[0], REF.inv_A, 1e-12, "inv");
  close(run(T.det, A)[0], REF.det_A, 1e-12, "det");
  close(run(T.det, S)[0], REF.det_S, 1e-12, "det(S)");
  close(run(T.solve, A, b)[0], REF.solve_A_b, 1e-12, "solve vector");
  close(run(T.solve, A, B)[0], REF.solve_A_B, 1e-12, "solve matrix");
});

Deno.test("cholesky and the triangular solves: NumPy's and SciPy's values; only the named triangle is read", () => {
  close(run(T.cholesky, S)[0], REF.chol_S, 1e-12, "cholesky");
  const sUpperGarbage = S.map((row, i) => row.map((x, j) => (j > i ? 1e3 : x)));
  close(run(T.cholesky, sUpperGarbage)[0], REF.chol_S, 1e-12, "cholesky reads the lower triangle");
  close(run(lower, L, B)[0], REF.lower_L_B, 1e-12, "lower");
  close(run(upper, U, b)[0], REF.upper_U_b, 1e-12, "upper");
  const unit = (l: T.Variable, v: T.Variable) => T.solveLowerTriangular(l, v, { unitDiagonal: true });
  close(run(unit, L, b)[0], REF.unit_L_b, 1e-12, "unit diagonal");
});

Deno.test("linalg edges: 0×0 matrices, NaN propagates, float32 keeps its dtype", () => {
  assert.deepEqual(run(T.matrixInverse, T.asarray([], { shape: [0, 0] }))[0], []);
  assert.equal(run(T.det, T.asarray([], { shape: [0, 0] }))[0], 1);
  const inv = run(T.matrixInverse, [[NaN, 1], [1, 2]])[0] as number[][];
  assert.ok(inv.flat().every(Number.isNaN));
  // ±inf as NumPy gives them: /usr/bin/python3 -c "import numpy as np; inf = np.inf;
  //   print(np.linalg.inv([[inf, 0], [0, 1]]), np.linalg.det([[inf, 1], [1, 1]]), np.linalg.cholesky([[inf, 0], [0, 1]]))"
  assert.deepEqual(run(T.matrixInverse, [[Infinity, 0], [0, 1]])[0], [[0, 0], [0, 1]]);
  assert.equal(run(T.det, [[Infinity, 1], [1, 1]])[0], Infinity);
  assert.deepEqual(run(T.cholesky, [[Infinity, 0], [0, 1]])[0], [[Infinity, 0], [0, 1]]);
  const a = T.fmatrix("a");
  const y = T.matrixInverse(a);
  assert.equal(y.dtype, "float32");
  close(T.function([a], y)([[2, 0], [0, 4]]).toArray(), [[0.5, 0], [0, 0.25]]);
  assert.equal(T.det(T.imatrix("i")).dtype, "float64");
});

Deno.test("bad input: the shape, the singular pivot, the leading minor are named", () => {
  assert.throws(
    () => T.det(T.dvector("v")),
    /det: input must be a matrix, or a stack of matrices \(\.\.\., m, n\), got "v"/,
  );
  assert.throws(
    () => T.matrixInverse(new T.TensorType("float64", [2, 3]).make("m")),
    /square matrix \(or a stack of them\), got static shape \(2, 3\)/,
  );
  assert.throws(
    () => run(T.det, [[1, 2, 3], [4, 5, 6]]),
    /square matrix \(or a stack of them\), got shape \(2, 3\)/,
  );
  assert.throws(
    () => run(T.matrixInverse, [[1, 2], [2, 4]]),
    /singular \(LinAlgError: zero pivot at row 1\)/,
  );
  assert.throws(() => run(T.solve, [[1, 2], [2, 4]], [1, 1]), /singular/);
  assert.throws(() => run(T.solve, A, [1, 2]), /b has shape \(2\): b needs 4 rows/);
  assert.throws(
    () => run(T.cholesky, [[1, 2], [2, 1]]),
    /not positive definite \(LinAlgError: the leading minor of order 2 is not positive\)/,
  );
  assert.throws(() => run(lower, [[1, 0], [1, 0]], [1, 1]), /singular/);
  assert.throws(
    () => T.solveLowerTriangular(T.dmatrix("a"), T.dvector("b"), { unitDiag: true } as never),
    /unknown option "unitDiag"; did you mean "unitDiagonal"\?/,
  );
  assert.throws(
    () => T.solve(T.dmatrix("a"), T.tensor3("b")),
    /b must have the rank of a \(matrices of right-hand sides\) or one less \(vectors\)/,
  );
});

Deno.test("gradients of inverse, det, solve, the triangular solves and cholesky (verifyGrad, float64)", () => {
  T.verifyGrad(T.matrixInverse, [A]);
  T.verifyGrad(T.det, [A]);
  T.verifyGrad(T.solve, [A, b]);
  T.verifyGrad(T.solve, [A, B]);
  T.verifyGrad(lower, [L, B]);
  T.verifyGrad(upper, [U, b]);
  T.verifyGrad((l, v) => T.solveLowerTriangular(l, v, { unitDiagonal: true }), [L, b]);
  T.verifyGrad(T.cholesky, [S]);
});

Deno.test("solve(matrixInverse(a), b) is rewritten to dot(a, b)", () => {
  const [a, v] = [T.dmatrix("a"), T.dvector("v")];
  const f = T.function([a, v], T.solve(T.matrixInverse(a), v));
  const text = T.pp(f.maker.outputs[0]);
  assert.ok(!/solve|matrix_inverse/.test(text), text);
  close(f(A, b).toArray(), A.map((row) => row.reduce((s, x, j) => s + x * b[j], 0)), 1e-12);
});
