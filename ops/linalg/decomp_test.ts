import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { REF } from "./testdata/linalg_ref.ts";
import { close, run, signFixedColumns, transposeOf } from "./test_util.ts";

const { S, W, Wt } = REF;

Deno.test("eigh and eigvalsh: NumPy's eigenvalues, eigenvectors up to sign; only the lower triangle is read", () => {
  const [w, v] = run((a) => T.eigh(a), S) as [number[], number[][]];
  close(w, REF.eigh_S_w, 1e-12, "w");
  close(signFixedColumns(v), signFixedColumns(REF.eigh_S_v), 1e-10, "v");
  const upperGarbage = S.map((row, i) => row.map((x, j) => (j > i ? -7 : x)));
  close(run(T.eigvalsh, upperGarbage)[0], REF.eigh_S_w, 1e-12, "eigvalsh");
  assert.deepEqual(run(T.eigvalsh, T.asarray([], { shape: [0, 0] }))[0], []);
});

Deno.test("qr: NumPy's factors (reduced, complete, r) for tall and wide matrices", () => {
  const [q, r] = run((a) => T.qr(a) as T.Variable[], W);
  close(q, REF.qr_W_q, 1e-12, "Q");
  close(r, REF.qr_W_r, 1e-12, "R");
  const [qc, rc] = run((a) => T.qr(a, { mode: "complete" }) as T.Variable[], W);
  close(qc, REF.qrc_W_q, 1e-12, "complete Q");
  close(rc, REF.qrc_W_r, 1e-12, "complete R");
  const [qw, rw] = run((a) => T.qr(a) as T.Variable[], Wt);
  close(qw, REF.qr_Wt_q, 1e-12, "wide Q");
  close(rw, REF.qr_Wt_r, 1e-12, "wide R");
  close(run((a) => T.qr(a, { mode: "r" }) as T.Variable, W)[0], REF.qr_W_r, 1e-12, "mode r");
  assert.throws(() => T.qr(T.dmatrix("a"), { mode: "raw" } as never), /option "mode" must be one of/);
  // Empty matrices, as NumPy: python3 -c "import numpy as np; print(np.linalg.qr(np.zeros((0, 3))), np.linalg.qr(np.zeros((3, 0))),
  //   np.linalg.svd(np.zeros((0, 3))))"
  const x = T.dmatrix("x"), empty = (r: number, c: number) => T.asarray([], { shape: [r, c] });
  const shapesOf = (outs: T.Variable[], v: T.NDArray) =>
    (T.function([x], outs)(v) as T.NDArray[]).map((o) => o.shape);
  assert.deepEqual(shapesOf(T.qr(x) as T.Variable[], empty(0, 3)), [[0, 0], [0, 3]]);
  assert.deepEqual(shapesOf(T.qr(x) as T.Variable[], empty(3, 0)), [[3, 0], [0, 0]]);
  assert.deepEqual(shapesOf(T.svd(x) as T.Variable[], empty(0, 3)), [[0, 0], [0], [3, 3]]);
  assert.deepEqual(T.function([x], (T.svd(x) as T.Variable[])[2])(empty(0, 3)).toArray(), [[1, 0, 0], [
    0,
    1,
    0,
  ], [0, 0, 1]]);
});

Deno.test("svd: NumPy's singular values and vectors (up to sign), thin and full, tall and wide", () => {
  for (const [name, m] of [["W", W], ["Wt", Wt]] as const) {
    const [u, s, vt] = run((a) => T.svd(a, { fullMatrices: false }) as T.Variable[], m) as number[][][];
    close(s, REF[`svd_${name}_s`], 1e-12, `${name} s`);
    const ref = { u: REF[`svd_${name}_u`], vt: REF[`svd_${name}_vt`] };
    close(signFixedColumns(u), signFixedColumns(ref.u), 1e-10, `${name} u`);
    close(signFixedColumns(transposeOf(vt)), signFixedColumns(transposeOf(ref.vt)), 1e-10, `${name} vt`);
    // Full matrices: the extra columns complete an orthonormal basis.
    const [uf, , vtf] = run((a) => T.svd(a) as T.Variable[], m) as number[][][];
    for (const q of [uf, vtf]) {
      const qtq = transposeOf(q).map((ci) =>
        transposeOf(q).map((cj) => ci.reduce((acc, x, k) => acc + x * cj[k], 0))
      );
      close(qtq, qtq.map((row, i) => row.map((_, j) => (i === j ? 1 : 0))), 1e-12, `${name} full basis`);
    }
  }
  close(run((a) => T.svd(a, { computeUv: false }) as T.Variable, [[0, 0], [0, 0]])[0], [0, 0]);
  assert.throws(() => T.svd(T.dvector("v")), /svd: input must be a matrix/);
  assert.throws(
    () => T.svd(T.dmatrix("a"), { full_matrices: false } as never),
    /unknown option "full_matrices"/,
  );
});

Deno.test("gradients of eigh, qr and svd (verifyGrad, float64; sign-invariant expressions of the vectors)", () => {
  T.verifyGrad(T.eigvalsh, [S]);
  T.verifyGrad((a) => {
    const [w, v] = T.eigh(a);
    return T.add(T.dot(T.mul(v, T.dimshuffle(w, "x", 0)), T.transpose(v)), T.sqr(v));
  }, [S]);
  T.verifyGrad((a) => {
    const [q, r] = T.qr(a) as T.Variable[];
    return T.add(T.sum(q, 1), T.sum(r));
  }, [W]);
  T.verifyGrad((a) => T.qr(a, { mode: "r" }) as T.Variable, [S]);
  for (const m of [W, Wt]) {
    T.verifyGrad((a) => T.svd(a, { computeUv: false }) as T.Variable, [m]);
    T.verifyGrad((a) => {
      const [u, s, vt] = T.svd(a, { fullMatrices: false }) as T.Variable[];
      return T.add(
        T.dot(T.mul(u, T.dimshuffle(T.sqr(s), "x", 0)), vt),
        T.sum(T.sqr(u)),
        T.sum(T.mul(vt, vt), 0),
      );
    }, [m]);
  }
});

/** The product of nested matrices. */
const mm = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
const identity = (n: number) =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

Deno.test("eigh and svd on larger and degenerate matrices: factors reconstruct the input and are orthonormal", () => {
  const rnd = T.seededRandom(7), n = 24;
  const x = Array.from({ length: n }, () => Array.from({ length: n }, () => rnd() - 0.5));
  const sym = x.map((row, i) => row.map((v, j) => v + x[j][i]));
  for (const a of [sym, identity(5), [[2, 1, 0], [1, 2, 0], [0, 0, 3]]]) { // the last two repeat eigenvalues
    const [w, v] = run((m) => T.eigh(m), a) as [number[], number[][]];
    close(
      mm(mm(v, w.map((wi, i) => w.map((_, j) => (i === j ? wi : 0)))), transposeOf(v)),
      a,
      1e-12,
      "V diag(w) Vᵀ",
    );
    close(mm(transposeOf(v), v), identity(a.length), 1e-12, "VᵀV");
    assert.ok(w.every((wi, i) => i === 0 || w[i - 1] <= wi), "ascending");
  }
  // A rank-2 5×4 matrix: two zero singular values, U still orthonormal.
  const r = [[1, 2, 3, 4], [2, 4, 6, 8], [1, 0, 1, 0], [0, 0, 0, 0], [3, 4, 7, 8]];
  const [u, s, vt] = run((m) => T.svd(m, { fullMatrices: false }) as T.Variable[], r) as [
    number[][],
    number[],
    number[][],
  ];
  close(s.slice(2), [0, 0], 1e-12, "zero singular values");
  close(mm(transposeOf(u), u), identity(4), 1e-12, "UᵀU");
  close(mm(u.map((row) => row.map((x, j) => x * s[j])), vt), r, 1e-12, "U diag(s) Vt");
  const [, sn] = run((m) => T.svd(m) as T.Variable[], [[NaN, 1], [1, 1]]) as [number[][], number[]];
  assert.ok(sn.every(Number.isNaN), "NaN in, NaN singular values out");
});

Deno.test("eigh and eigvalsh: UPLO \"U\" reads the upper triangle (NumPy's values); Theano's generalized b is refused", () => {
  const a = T.dmatrix("a"), A = [[2, 100], [1, 3]];
  // np.linalg.eigvalsh(A, "U") and np.linalg.eigvalsh(A)
  const upper = [-97.50124999375098, 102.50124999375098], lower = [1.381966011250105, 3.618033988749895];
  for (const w of [T.eigh(a, "U")[0], T.eigh(a, { UPLO: "U" })[0], T.eigvalsh(a, "U")]) {
    T.testing.assertAllClose(T.function([a], w)(A), upper, { rtol: 1e-9 });
  }
  T.testing.assertAllClose(T.function([a], T.eigvalsh(a))(A), lower, { rtol: 1e-9 });
  T.verifyGrad((m: T.Variable) => T.sum(T.mul(T.eigvalsh(m, "U"), T.constant([1, 3]))), [[[2, 0.5], [7, 3]]]);
  const b = T.dmatrix("b");
  assert.throws(() => T.eigvalsh(a, b), /generalized eigvalsh\(a, b\)\) is not supported/);
  assert.throws(() => T.eigh(a, "X" as never), /UPLO must be "L" or "U", got "X"/);
  assert.throws(() => T.eigh(a, { uplo: "U" } as never), /unknown option "uplo"/);
  assert.throws(() => T.eigh(a, "U", 1 as never), /got 3 arguments/);
});
