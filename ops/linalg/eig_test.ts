import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { REF } from "./testdata/linalg_ref.ts";
import { eigOp } from "./eig.ts";
import { close, run } from "./test_util.ts";

type EigCase = { a: number[][]; w: number[][]; v: number[][][] };
const cases = REF.eig as unknown as Record<string, EigCase>;
const byValue = (p: number[], q: number[]) => p[0] - q[0] || p[1] - q[1];

/** Column k of a (n, n, 2) eigenvector array as (re, im) pairs. */
const column = (v: number[][][], k: number) => v.map((row) => row[k]);

Deno.test("eig: NumPy's eigenvalues (real and complex pairs), eigenvectors that satisfy A v = λ v", () => {
  for (const [name, c] of Object.entries(cases)) {
    const [w, v] = run((a) => T.eig(a), c.a) as [number[][], number[][][]];
    close([...w].sort(byValue), [...c.w].sort(byValue), 1e-10, `${name} eigenvalues`);
    const n = c.a.length;
    for (let k = 0; k < n; k++) {
      const [lr, li] = w[k], x = column(v, k);
      close(x.reduce((s, [re, im]) => s + re * re + im * im, 0), 1, 1e-12, `${name} |v${k}|`);
      for (let i = 0; i < n; i++) { // (A x)_i = λ x_i in complex arithmetic
        const ar = c.a[i].reduce((s, aij, j) => s + aij * x[j][0], 0);
        const ai = c.a[i].reduce((s, aij, j) => s + aij * x[j][1], 0);
        close([ar, ai], [lr * x[i][0] - li * x[i][1], lr * x[i][1] + li * x[i][0]], 1e-9, `${name} A v${k}`);
      }
      // Distinct eigenvalues: the same vector as NumPy's up to a unit complex factor.
      const j = c.w.findIndex((q) => Math.hypot(q[0] - lr, q[1] - li) < 1e-8);
      if (c.w.filter((q) => Math.hypot(q[0] - lr, q[1] - li) < 1e-8).length === 1) {
        const y = column(c.v, j);
        let dr = 0, di = 0;
        for (let i = 0; i < n; i++) {
          dr += y[i][0] * x[i][0] + y[i][1] * x[i][1], di += y[i][0] * x[i][1] - y[i][1] * x[i][0];
        }
        close(Math.hypot(dr, di), 1, 1e-9, `${name} v${k} against NumPy's`);
      }
    }
  }
});

Deno.test("eig: a repeated eigenvalue of a diagonalisable matrix gets independent eigenvectors", () => {
  const [, v] = run((a) => T.eig(a), cases.diag.a) as [number[][], number[][][]];
  const m = v.map((row) => row.map(([re]) => re));
  const det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  assert.ok(Math.abs(Math.abs(det) - 1) < 1e-9, `det(V) = ${det}`);
});

Deno.test("eig: types, bad input, no gradient", () => {
  const a = T.fmatrix("a");
  const [w, v] = T.eig(a);
  assert.equal(w.dtype, "float32");
  assert.equal(v.ndim, 3);
  assert.throws(
    () => run((x) => T.eig(x), [[1, 2, 3], [4, 5, 6]]),
    /square matrix \(or a stack of them\), got shape \(2, 3\)/,
  );
  const [wn] = run((x) => T.eig(x), [[NaN, 1], [0, 1]]) as [number[][]];
  assert.ok(wn.flat().every(Number.isNaN));
  const d = T.dmatrix("d");
  // Not differentiable: the gradient is zero (Theano's rule for such ops), and the op says why.
  assert.deepEqual(T.function([d], T.grad(T.sum(T.eig(d)[0]), d))([[1, 2], [3, 4]]).toArray(), [[0, 0], [
    0,
    0,
  ]]);
  assert.match(eigOp.notDifferentiable!, /differentiate eigh/);
});

Deno.test("eig on a 30×30 random matrix: A v = λ v for every pair, the eigenvalues sum to the trace", () => {
  const rnd = T.seededRandom(11), n = 30;
  const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rnd() - 0.5));
  const [w, v] = run((x) => T.eig(x), a) as [number[][], number[][][]];
  close(w.reduce((s, [re]) => s + re, 0), a.reduce((s, row, i) => s + row[i], 0), 1e-10, "trace");
  close(w.reduce((s, [, im]) => s + im, 0), 0, 1e-10, "imaginary parts cancel in pairs");
  for (let k = 0; k < n; k++) {
    const [lr, li] = w[k], x = column(v, k);
    for (let i = 0; i < n; i++) {
      const ar = a[i].reduce((s, aij, j) => s + aij * x[j][0], 0),
        ai = a[i].reduce((s, aij, j) => s + aij * x[j][1], 0);
      close([ar, ai], [lr * x[i][0] - li * x[i][1], lr * x[i][1] + li * x[i][0]], 1e-9, `A v${k}`);
    }
  }
});
