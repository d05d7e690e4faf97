/**
 * What the linear algebra ops share: type checks for matrix inputs, the float output
 * dtype, and the small graph pieces their gradients are built from (transpose, tril,
 * the diagonal, diag of a vector), made of existing ops so gradients can be
 * differentiated again.
 * @module
 */
import { floatX } from "../../core/config.ts";
import { type DType, isFloat } from "../../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../../core/errors.ts";
import type { Apply, Dim, Variable } from "../../core/graph.ts";
import { NDArray } from "../../core/ndarray.ts";
import { add, mul, sub } from "../arith.ts";
import { arange, eye } from "../alloc.ts";
import type { Matmul } from "./kernels.ts";
import { cast } from "../cast.ts";
import { ge, gt } from "../compare.ts";
import { dimshuffle } from "../dimshuffle.ts";
import { sum } from "../reduce.ts";
import { shapeI } from "../shape.ts";

/** The output dtype of a factorisation: the input's float dtype, floatX for ints. */
export function linalgDtype(name: string, x: Variable): DType {
  if (x.dtype === "bool") throw new HypatiaTypeError(`${name}: does not take bool input ${x.describe()}`);
  return isFloat(x.dtype) ? x.dtype : floatX();
}

/** Check at build time that `x` is a matrix (and square when asked); returns its static shape. */
export function matrixType(name: string, x: Variable, square: boolean, what = "input"): [Dim, Dim] {
  if (x.ndim !== 2) {
    throw new HypatiaTypeError(`${name}: ${what} must be a matrix (2-d), got ${x.describe()}`);
  }
  const [n, m] = x.type.shape;
  if (square && n !== null && m !== null && n !== m) {
    throw new ShapeError(`${name}: ${what} must be a square matrix, got static shape (${n}, ${m})`);
  }
  linalgDtype(name, x);
  return [n, m];
}

/** Output i of `node` as an NDArray of its dtype holding `data` (float64, rounded to float32 when the output is). */
export function matrixOf(node: Apply, i: number, shape: readonly number[], data: Float64Array): NDArray {
  const dtype = node.outputs[i].dtype;
  return new NDArray(dtype, shape, dtype === "float64" ? data : Float32Array.from(data));
}

/**
 * The reference rule of an op whose work is mostly matrix products, taking the product
 * as an argument: the op's `perform` passes kernels.ts's `matmul`, the JS engine's table
 * its blocked GEMM (backends/cpu/table.ts).
 */
export type ProductRule = (inputs: NDArray[], node: Apply, mm: Matmul) => NDArray[];

/** Check at run time that the value is a square matrix; returns its order. */
export function squareOrder(node: Apply, x: NDArray, what = "input"): number {
  if (x.shape[0] !== x.shape[1]) {
    throw new ShapeError(
      `${node.where()}: ${what} must be a square matrix, got shape (${x.shape.join(", ")})`,
    );
  }
  return x.shape[0];
}

/** The transpose of a matrix. */
export const mT = (x: Variable): Variable => dimshuffle(x, 1, 0);

/** The lower triangle of a square matrix (k = 0 keeps the diagonal, k = -1 drops it). */
export function tril(x: Variable, k: 0 | -1 = 0): Variable {
  const r = arange(shapeI(x, 0));
  const rows = dimshuffle(r, 0, "x"), cols = dimshuffle(r, "x", 0);
  return mul(x, cast(k === 0 ? ge(rows, cols) : gt(rows, cols), x.dtype));
}

/** The identity with the size and dtype of square `x`. */
export const eyeLike = (x: Variable): Variable => eye(shapeI(x, 0), undefined, 0, x.dtype);

/** The diagonal of a square matrix, as a vector. */
export const diagonalOf = (x: Variable): Variable => sum(mul(x, eyeLike(x)), 0);

/** The square matrix with `v` on its diagonal. */
export const diagMatrix = (v: Variable): Variable =>
  mul(eye(shapeI(v, 0), undefined, 0, v.dtype), dimshuffle(v, "x", 0));

/**
 * The gradient with respect to A of a function that reads only A's lower triangle, from
 * S, the gradient it would have were A's symmetric: `tril(S + Sᵀ) - diag(S)` (Theano's
 * CholeskyGrad convention).
 */
export const lowerGrad = (s: Variable): Variable => sub(tril(add(s, mT(s))), mul(s, eyeLike(s)));
