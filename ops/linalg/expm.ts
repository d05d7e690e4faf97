/**
 * expm, the matrix exponential, by Padé 13 scaling and squaring (Higham 2005, as SciPy's
 * `expm`). Its gradient is the adjoint Fréchet derivative, read off the exponential of a
 * block matrix (Najfeld & Havel 1995), so it is itself differentiable.
 * @module
 */
import { asTensor } from "../../core/constant.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../../core/graph.ts";
import { zerosLike } from "../alloc.ts";
import { concatenate } from "../join.ts";
import { shapeI } from "../shape.ts";
import { slice } from "../subtensor.ts";
import { luFactor, luSolve, type Matmul, matmul } from "./lu_kernel.ts";
import {
  eachMatrix,
  leadingType,
  linalgDtype,
  matrixOf,
  matrixType,
  mT,
  type ProductRule,
  squareOrder,
  stackOf,
} from "./util.ts";

// Padé 13 coefficients (Higham 2005, "The scaling and squaring method for the matrix exponential revisited").
export const PADE13: readonly number[] = [
  64764752532480000,
  32382376266240000,
  7771770303897600,
  1187353796428800,
  129060195264000,
  10559470521600,
  670442572800,
  33522128640,
  1323241920,
  40840800,
  960960,
  16380,
  182,
  1,
];
export const THETA13 = 5.371920351148152;

/** exp(A) by Padé 13 scaling and squaring (Higham 2005; the 1-norm picks the scaling). */
export function padeExpm(a: ArrayLike<number>, n: number, product: Matmul = matmul): Float64Array {
  let norm1 = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    norm1 = Math.max(norm1, s);
  }
  if (!Number.isFinite(norm1)) return new Float64Array(n * n).fill(NaN);
  const sPow = norm1 > THETA13 ? Math.max(0, Math.ceil(Math.log2(norm1 / THETA13))) : 0;
  const scale = 2 ** -sPow;
  const A = Float64Array.from(a, (x) => x * scale);
  const mm = (x: Float64Array, y: Float64Array) => product(x, y, n, n, n);
  const A2 = mm(A, A), A4 = mm(A2, A2), A6 = mm(A4, A2);
  const b = PADE13, I = (i: number, j: number) => (i === j ? 1 : 0);
  const t1 = new Float64Array(n * n), t2 = new Float64Array(n * n);
  const v1 = new Float64Array(n * n), v2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      t1[k] = b[13] * A6[k] + b[11] * A4[k] + b[9] * A2[k];
      t2[k] = b[7] * A6[k] + b[5] * A4[k] + b[3] * A2[k] + b[1] * I(i, j);
      v1[k] = b[12] * A6[k] + b[10] * A4[k] + b[8] * A2[k];
      v2[k] = b[6] * A6[k] + b[4] * A4[k] + b[2] * A2[k] + b[0] * I(i, j);
    }
  }
  const inner = mm(A6, t1);
  for (let k = 0; k < n * n; k++) inner[k] += t2[k];
  const U = mm(A, inner), V = mm(A6, v1);
  for (let k = 0; k < n * n; k++) V[k] += v2[k];
  const P = new Float64Array(n * n), Q = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) P[k] = V[k] + U[k], Q[k] = V[k] - U[k];
  let R = luSolve(luFactor(Q, n, product), n, P, n, product);
  for (let i = 0; i < sPow; i++) R = mm(R, R);
  return R;
}

/** exp(A) by Padé 13 scaling and squaring, its products by `product`. */
export const expmRule: ProductRule = ([a], node, product) => {
  const n = squareOrder(node, a), st = stackOf(a), out = new Float64Array(a.size);
  eachMatrix(st, [out], (m) => [padeExpm(m, n, product)]);
  return [matrixOf(node, 0, a.shape, out)];
};

/** The expm op on a square matrix. */
export const expmOp: Op<null> = defineOp<null>({
  name: "expm",
  inferType([a]) {
    const [n, m] = matrixType("expm", a, true);
    return [new TensorType(linalgDtype("expm", a), [...leadingType(a), n ?? m, n ?? m])];
  },
  perform: (xs, _p, node) => expmRule(xs, node, matmul),
  // The adjoint of the Fréchet derivative at A applied to G is the upper-right block of
  // expm([[Aᵀ, G], [0, Aᵀ]]).
  vjp: (node, [g]) => {
    const at = mT(node.inputs[0]), nd = at.ndim, n = shapeI(at, nd - 1), lead = Array(nd - 2).fill(null);
    const row = (l: Variable, r: Variable) => concatenate([l, r], nd - 1);
    const big = concatenate([row(at, g), row(zerosLike(at), at)], nd - 2);
    return [slice(expmOp.apply1([big], null), ...lead, [0, n], [n, null])];
  },
  format: ([a]) => `expm(${a})`,
});

/**
 * The matrix exponential of a square matrix (SciPy's and Theano's `expm`), by Padé 13
 * scaling and squaring.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const e = T.function([a], T.expm(a))([[0, 1], [0, 0]]);
 * assert.deepEqual(e.toArray(), [[1, 1], [0, 1]]);
 * ```
 */
export function expm(a: TensorLike): Variable {
  return expmOp.apply1([asTensor(a)], null);
}
