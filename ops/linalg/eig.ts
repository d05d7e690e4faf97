/**
 * eig: eigenvalues and eigenvectors of a general (non-symmetric) real matrix. There are
 * no complex dtypes, so, as rfft does, complex values are returned as real tensors with
 * a trailing axis of 2 (real, imaginary): the eigenvalues as (n, 2), the eigenvectors
 * (columns, as NumPy's) as (n, n, 2). Real eigenvalues have zero imaginary parts.
 * @module
 */
import { asTensor } from "../../core/constant.ts";
import { InputError } from "../../core/errors.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../../core/graph.ts";
import { eigenvalues, eigenvector } from "./eig_kernel.ts";
import { eachMatrix, leadingType, linalgDtype, matrixOf, matrixType, squareOrder, stackOf } from "./util.ts";

/** The eig op: (n, n) → eigenvalues (n, 2) and eigenvectors (n, n, 2). */
export const eigOp: Op<null> = defineOp<null>({
  name: "eig",
  inferType([a]) {
    const [r, c] = matrixType("eig", a, true),
      n = r ?? c,
      dtype = linalgDtype("eig", a),
      lead = leadingType(a);
    return [new TensorType(dtype, [...lead, n, 2]), new TensorType(dtype, [...lead, n, n, 2])];
  },
  perform([a], _p, node) {
    const n = squareOrder(node, a), st = stackOf(a);
    const w = new Float64Array(st.count * n * 2), v = new Float64Array(st.count * n * n * 2);
    eachMatrix(st, [w, v], (m, i) => {
      const r = eigOne(Float64Array.from(m), n);
      if (!r) {
        const which = st.count > 1 || st.lead.length ? ` (matrix ${i} of the stack)` : "";
        throw new InputError(
          `${node.where()}: the QR iteration did not converge (LinAlgError) for shape (${
            a.shape.join(", ")
          })${which}`,
        );
      }
      return [r.w, r.v];
    });
    return [matrixOf(node, 0, [...st.lead, n, 2], w), matrixOf(node, 1, [...st.lead, n, n, 2], v)];
  },
  notDifferentiable:
    "eig's eigenvectors are complex and defined up to a complex factor; differentiate eigh for symmetric matrices",
  format: ([a]) => `eig(${a})`,
});

/**
 * Eigenvalues (n, 2) and eigenvectors (n, n, 2) of one matrix, as (re, im) pairs; NaN
 * throughout for non-finite input; null when the QR iteration does not converge.
 */
function eigOne(data: Float64Array, n: number): { w: Float64Array; v: Float64Array } | null {
  const w = new Float64Array(n * 2), v = new Float64Array(n * n * 2);
  if (data.some((x) => !Number.isFinite(x))) return { w: w.fill(NaN), v: v.fill(NaN) };
  const ev = eigenvalues(data, n);
  if (!ev) return null;
  let norm = 0;
  for (const x of data) norm = Math.max(norm, Math.abs(x));
  const tol = 1e-9 * Math.max(norm, 1);
  const found: { lr: number; li: number; re: Float64Array; im: Float64Array }[] = [];
  for (let k = 0; k < n; k++) {
    const lr = ev.re[k], li = ev.im[k];
    let vec;
    const pair = k > 0 && li < 0 && ev.im[k - 1] === -li && ev.re[k - 1] === lr;
    if (pair) { // the conjugate of the previous eigenvalue's vector
      const prev = found[k - 1];
      vec = { re: prev.re, im: prev.im.map((x) => -x) };
    } else {
      // Vectors of an equal eigenvalue found before are projected out, for independent ones
      // when the matrix is diagonalisable; a defective matrix has no other: keep the plain one.
      const same = found.filter((f) => Math.hypot(f.lr - lr, f.li - li) <= tol);
      vec = eigenvector(data, n, lr, li, same, k);
      if (same.length && residual(data, n, lr, li, vec) > tol) vec = eigenvector(data, n, lr, li, [], k);
    }
    found.push({ lr, li, ...vec });
    w[2 * k] = lr, w[2 * k + 1] = li;
    for (let i = 0; i < n; i++) v[(i * n + k) * 2] = vec.re[i], v[(i * n + k) * 2 + 1] = vec.im[i];
  }
  return { w, v };
}

/** max |(A x - λ x)_i| for a complex λ and x. */
function residual(
  a: Float64Array,
  n: number,
  lr: number,
  li: number,
  x: { re: Float64Array; im: Float64Array },
) {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let ar = -(lr * x.re[i] - li * x.im[i]), ai = -(lr * x.im[i] + li * x.re[i]);
    for (let j = 0; j < n; j++) ar += a[i * n + j] * x.re[j], ai += a[i * n + j] * x.im[j];
    worst = Math.max(worst, Math.hypot(ar, ai));
  }
  return worst;
}

/**
 * Eigenvalues and right eigenvectors of a general real square matrix (NumPy's and
 * Theano's `eig`), by Hessenberg reduction, Francis double-shift QR and inverse
 * iteration. There are no complex dtypes, so both come back with a trailing axis of 2
 * holding real and imaginary parts (as `rfft`): `w` of shape (n, 2), `v` of shape
 * (n, n, 2) whose column k goes with `w[k]`; each vector has unit 2-norm and its largest
 * component real, as LAPACK's. A complex pair comes with the positive imaginary part
 * first. For a symmetric matrix use `eigh` (faster, and differentiable); eig has no
 * gradient. A QR iteration that does not converge raises InputError (NumPy's
 * LinAlgError); NaN or ±inf input gives NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const [w] = T.eig(a);
 * const rotation = T.function([a], w)([[0, -1], [1, 0]]).toArray(); // eigenvalues ±i
 * assert.deepEqual(rotation.map(([re, im]: number[]) => [Math.abs(re) < 1e-15 ? 0 : re, im]), [[0, 1], [0, -1]]);
 * ```
 */
export function eig(a: TensorLike): [Variable, Variable] {
  const [w, v] = eigOp.make([asTensor(a)], null).outputs;
  return [w, v];
}
