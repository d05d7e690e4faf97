/**
 * The orthogonal decompositions: eigh (and eigvalsh), qr and svd, each one op with
 * several outputs so that the functions returning part of them (eigvalsh, svd without
 * U and V, qr's "r" mode) share the gradient rule, which needs the whole factorisation.
 * Gradients are the standard ones (Giles 2008; Walter & Lehmann 2018 for QR; Townsend
 * 2016 for the SVD), defined where the factors are smooth: distinct eigenvalues and
 * singular values, full-rank tall (m ≥ n) QR.
 * @module
 */
import { asTensor } from "../../core/constant.ts";
import { HypatiaTypeError } from "../../core/errors.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../../core/graph.ts";
import { bool, checkOptions, oneOf } from "../../core/options.ts";
import { add, mul, sub } from "../arith.ts";
import { div } from "../div.ts";
import { shapeI } from "../shape.ts";
import { slice } from "../subtensor.ts";
import * as K from "./lu_kernel.ts";
import * as O from "./orthogonal_kernel.ts";
import { solveTriangularOp } from "./nlinalg.ts";
import {
  asColumn,
  asRow,
  diagMatrix,
  eachMatrix,
  eyeLike,
  leadingType,
  linalgDtype,
  lowerGrad,
  matrixOf,
  matrixType,
  mm,
  mT,
  type ProductRule,
  squareOrder,
  stackOf,
  tril,
} from "./util.ts";

/** F with F[i, j] = 1 / (e[j] - e[i]) off the diagonal and 0 on it. */
function gapMatrix(e: Variable): Variable {
  const d = sub(asRow(e), asColumn(e));
  const i = eyeLike(d);
  return div(sub(1, i), add(d, i));
}

/** eigh: eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix. */
export const eighOp: Op<null> = defineOp<null>({
  name: "eigh",
  inferType([a]) {
    const [n, m] = matrixType("eigh", a, true);
    const d = n ?? m, dtype = linalgDtype("eigh", a), lead = leadingType(a);
    return [new TensorType(dtype, [...lead, d]), new TensorType(dtype, [...lead, d, d])];
  },
  perform([a], _p, node) {
    const n = squareOrder(node, a),
      st = stackOf(a),
      w = new Float64Array(st.count * n),
      v = new Float64Array(a.size);
    eachMatrix(st, [w, v], (m) => {
      const r = O.symEig(m, n);
      return [r.w, r.v];
    });
    return [matrixOf(node, 0, [...st.lead, n], w), matrixOf(node, 1, a.shape, v)];
  },
  // A = V diag(w) Vᵀ: S = V (diag(gw) + F ∘ (Vᵀ gV)) Vᵀ, F[i, j] = 1 / (w[j] - w[i]);
  // A's lower triangle is read, so it gets lowerGrad(S).
  vjp: (node, [gw, gv]) => {
    const [w, v] = node.outputs;
    const inner = add(diagMatrix(gw), mul(gapMatrix(w), mm(mT(v), gv)));
    return [lowerGrad(mm(mm(v, inner), mT(v)))];
  },
  format: ([a]) => `eigh(${a})`,
});

/** Params of the QR op: reduced (Q m×k, R k×n) or complete (Q m×m, R m×n). */
export interface QrParams {
  complete: boolean;
}

/** qr: A = Q R by Householder reflections (NumPy's signs). */
export const qrOp: Op<QrParams> = defineOp<QrParams>({
  name: "qr",
  inferType([a], { complete }) {
    const [m, n] = matrixType("qr", a, false);
    const k = complete ? m : (m !== null && n !== null ? Math.min(m, n) : null);
    const dtype = linalgDtype("qr", a), lead = leadingType(a);
    return [new TensorType(dtype, [...lead, m, k]), new TensorType(dtype, [...lead, k, n])];
  },
  perform([a], { complete }, node) {
    const st = stackOf(a), { r: m, c: n } = st, k = complete ? m : Math.min(m, n);
    const q = new Float64Array(st.count * m * k), r = new Float64Array(st.count * k * n);
    eachMatrix(st, [q, r], (x) => {
      const f = O.qr(x, m, n, complete);
      return [f.q, f.r];
    });
    return [matrixOf(node, 0, [...st.lead, m, k], q), matrixOf(node, 1, [...st.lead, k, n], r)];
  },
  // For m ≥ n and full rank: M = R gRᵀ - gQᵀ Q, gA = (gQ + Q copyltu(M)) R⁻ᵀ, where
  // copyltu copies the lower triangle to the upper.
  vjp: (node, [gq, gr]) => {
    const [q, r] = node.outputs;
    const m = sub(mm(r, mT(gr)), mm(mT(gq), q));
    const copyltu = add(tril(m), mT(tril(m, -1)));
    const b = add(gq, mm(q, copyltu));
    // X R⁻ᵀ = (R⁻¹ Xᵀ)ᵀ
    return [mT(solveTriangularOp.apply1([r, mT(b)], { lower: false, unitDiagonal: false }))];
  },
  format: ([a], { complete }) => `qr(${a}, mode=${complete ? "complete" : "reduced"})`,
});

/** Params of the SVD op: U m×m and Vt n×n (full) or U m×k and Vt k×n (thin). */
export interface SvdParams {
  fullMatrices: boolean;
}

/** The SVD by preconditioned one-sided Jacobi, its products by `product`; full or thin by the node's params. */
export const svdRule: ProductRule = ([a], node, product) => {
  const { fullMatrices } = node.params as SvdParams;
  const st = stackOf(a), { r: m, c: n, lead } = st, k = Math.min(m, n);
  const [uc, vr] = fullMatrices ? [m, n] : [k, k];
  const us = new Float64Array(st.count * m * uc), ss = new Float64Array(st.count * k);
  const vts = new Float64Array(st.count * vr * n);
  eachMatrix(st, [us, ss, vts], (x) => {
    const { u, s, vt } = O.svd(x, m, n, product);
    if (!fullMatrices) return [u, s, vt];
    return [O.completeBasis(u, m, k), s, K.transposed(O.completeBasis(K.transposed(vt, k, n), n, k), n, n)];
  });
  return [
    matrixOf(node, 0, [...lead, m, uc], us),
    matrixOf(node, 1, [...lead, k], ss),
    matrixOf(node, 2, [...lead, vr, n], vts),
  ];
};

/** svd: A = U diag(s) Vt, s descending, by one-sided Jacobi. */
export const svdOp: Op<SvdParams> = defineOp<SvdParams>({
  name: "svd",
  inferType([a], { fullMatrices }) {
    const [m, n] = matrixType("svd", a, false);
    const k = m !== null && n !== null ? Math.min(m, n) : null;
    const dtype = linalgDtype("svd", a), lead = leadingType(a);
    return [
      new TensorType(dtype, [...lead, m, fullMatrices ? m : k]),
      new TensorType(dtype, [...lead, k]),
      new TensorType(dtype, [...lead, fullMatrices ? n : k, n]),
    ];
  },
  perform: (xs, _p, node) => svdRule(xs, node, K.matmul),
  // Townsend (2016), thin factors, distinct non-zero singular values; with full
  // matrices the completing columns carry no gradient (they are not unique).
  vjp: (node, [gu, gs, gvt]) => {
    let [u, s, vt] = node.outputs;
    if ((node.params as SvdParams).fullMatrices) {
      const k = shapeI(s, s.ndim - 1), lead = Array(s.ndim - 1).fill(null);
      [u, gu, vt, gvt] = [
        slice(u, ...lead, null, [0, k]),
        slice(gu, ...lead, null, [0, k]),
        slice(vt, ...lead, [0, k]),
        slice(gvt, ...lead, [0, k]),
      ];
    }
    const v = mT(vt), gv = mT(gvt), s2 = mul(s, s);
    const f = gapMatrix(s2), sRow = asRow(s), sCol = asColumn(s);
    const ut = mm(mT(u), gu), vtgv = mm(vt, gv);
    // (F ∘ (UᵀgU - gUᵀU)) S + diag(gs) + S (F ∘ (VᵀgV - gVᵀV))
    const core = add(
      mul(mul(f, sub(ut, mT(ut))), sRow),
      diagMatrix(gs),
      mul(sCol, mul(f, sub(vtgv, mT(vtgv)))),
    );
    const inv = div(1, s);
    // (I - U Uᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I - V Vᵀ)
    const uPart = mul(sub(gu, mm(u, ut)), asRow(inv));
    const vPart = mul(asColumn(inv), sub(gvt, mm(mm(gvt, v), vt)));
    return [add(mm(mm(u, core), vt), mm(uPart, vt), mm(u, vPart))];
  },
  format: ([a], { fullMatrices }) => `svd(${a}, full_matrices=${fullMatrices})`,
});

/**
 * Eigenvalues (ascending) and eigenvectors (the columns of the second output) of a real
 * symmetric matrix or of each of a stack, as NumPy's `eigh`: only the lower triangle is
 * read, or the upper one with `UPLO` "U" (given as NumPy's second argument or as
 * `{ UPLO }`). Computed by Householder tridiagonalisation and the implicit QL
 * algorithm (EISPACK's tred2/tql2). The gradient assumes distinct eigenvalues (it
 * is not defined at repeated ones; the eigenvectors' signs are not unique either, so
 * differentiate sign-invariant expressions of them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const [w] = T.eigh(a);
 * assert.deepEqual(T.function([a], w)([[2, 0], [0, 1]]).toArray(), [1, 2]);
 * ```
 */
export function eigh(
  a: TensorLike,
  UPLO: "L" | "U" | { UPLO?: "L" | "U" } = "L",
  ...rest: never[]
): [Variable, Variable] {
  const uplo = typeof UPLO === "object" && UPLO !== null
    ? checkOptions("eigh", UPLO, { UPLO: oneOf("L", "U") }).UPLO ?? "L"
    : UPLO;
  if (uplo !== "L" && uplo !== "U") {
    throw new HypatiaTypeError(`eigh: UPLO must be "L" or "U", got ${JSON.stringify(uplo)}`);
  }
  if (rest.length) {
    throw new HypatiaTypeError(`eigh: takes a matrix and UPLO; got ${2 + rest.length} arguments`);
  }
  const x = asTensor(a);
  // The upper triangle of a is the lower one of its transpose.
  const [w, v] = eighOp.make([uplo === "U" ? mT(x) : x], null).outputs;
  return [w, v];
}

/**
 * The eigenvalues (ascending) of a real symmetric matrix (lower triangle read, or the
 * upper one with `UPLO` "U"), as NumPy's `eigvalsh`; its gradient is `V diag(g) Vᵀ` on
 * the triangle read. Theano's generalized form `eigvalsh(a, b)` (a matrix `b`) is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * assert.deepEqual(T.function([a], T.eigvalsh(a))([[3, 0], [0, -1]]).toArray(), [-1, 3]);
 * ```
 */
export function eigvalsh(
  a: TensorLike,
  UPLO: "L" | "U" | { UPLO?: "L" | "U" } | TensorLike = "L",
  ...rest: unknown[]
): Variable {
  if (typeof UPLO !== "string" && (UPLO === null || Object.getPrototypeOf(UPLO) !== Object.prototype)) {
    throw new HypatiaTypeError(
      "eigvalsh: a second matrix (Theano's generalized eigvalsh(a, b)) is not supported; the second argument is UPLO",
    );
  }
  return eigh(a, UPLO as "L" | "U" | { UPLO?: "L" | "U" }, ...(rest as never[]))[0];
}

/** Options of `qr`. */
export interface QrOptions {
  /** "reduced" (default: Q m×k, R k×n, k = min(m, n)), "complete" (Q m×m, R m×n) or "r" (R of the reduced mode only). */
  mode?: "reduced" | "complete" | "r";
}

/**
 * The QR factorisation `a = Q R` of a matrix by Householder reflections, with NumPy's
 * modes and signs: `[Q, R]`, or `R` alone for mode "r". The gradient is defined for
 * full-rank matrices with at least as many rows as columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const [q, r] = T.qr(a) as T.Variable[];
 * const f = T.function([a], [q, r]);
 * const [qv, rv] = f([[3, 0], [4, 5]]);
 * assert.deepEqual(rv.toArray(), [[-5, -4], [0, 3]]);
 * assert.equal(qv.item(1, 0), -0.8);
 * ```
 */
export function qr(a: TensorLike, options: QrOptions = {}): [Variable, Variable] | Variable {
  checkOptions("qr", options, { mode: oneOf("reduced", "complete", "r") });
  const mode = options.mode ?? "reduced";
  const [q, r] = qrOp.make([asTensor(a)], { complete: mode === "complete" }).outputs;
  return mode === "r" ? r : [q, r];
}

/** Options of `svd`. */
export interface SvdOptions {
  /** U m×m and Vt n×n (default true, as NumPy and Theano), else U m×k and Vt k×n. */
  fullMatrices?: boolean;
  /** Return `[U, s, Vt]` (default true), else `s` alone. */
  computeUv?: boolean;
}

/**
 * The singular value decomposition `a = U diag(s) Vt`, s descending, by one-sided Jacobi
 * (NumPy's `svd`, Theano's `svd(full_matrices, compute_uv)`). Singular vectors are unique
 * only up to sign: differentiate sign-invariant expressions of them. The gradient needs
 * distinct non-zero singular values; with full matrices, the columns that complete U
 * and V to a basis carry none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const s = T.svd(a, { computeUv: false }) as T.Variable;
 * assert.deepEqual(T.function([a], s)([[0, 2], [3, 0], [0, 0]]).toArray(), [3, 2]);
 * ```
 */
export function svd(a: TensorLike, options: SvdOptions = {}): [Variable, Variable, Variable] | Variable {
  checkOptions("svd", options, { fullMatrices: bool, computeUv: bool });
  const computeUv = options.computeUv ?? true;
  const x = asTensor(a);
  const [u, s, vt] = svdOp.make([x], { fullMatrices: computeUv && (options.fullMatrices ?? true) }).outputs;
  return computeUv ? [u, s, vt] : s;
}
