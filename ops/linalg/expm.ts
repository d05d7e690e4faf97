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
import * as K from "./kernels.ts";
import { linalgDtype, matrixOf, matrixType, mT, type ProductRule, squareOrder } from "./util.ts";

/** exp(A) by Padé 13 scaling and squaring, its products by `mm`. */
export const expmRule: ProductRule = ([a], node, mm) => {
  const n = squareOrder(node, a);
  return [matrixOf(node, 0, [n, n], K.expm(a.data, n, mm))];
};

/** The expm op on a square matrix. */
export const expmOp: Op<null> = defineOp<null>({
  name: "expm",
  inferType([a]) {
    const [n, m] = matrixType("expm", a, true);
    return [new TensorType(linalgDtype("expm", a), [n ?? m, n ?? m])];
  },
  perform: (xs, _p, node) => expmRule(xs, node, K.matmul),
  // The adjoint of the Fréchet derivative at A applied to G is the upper-right block of
  // expm([[Aᵀ, G], [0, Aᵀ]]).
  vjp: (node, [g]) => {
    const at = mT(node.inputs[0]), n = shapeI(at, 0);
    const big = concatenate([concatenate([at, g], 1), concatenate([zerosLike(at), at], 1)], 0);
    return [slice(expmOp.apply1([big], null), [0, n], [n, null])];
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
