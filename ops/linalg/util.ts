/**
 * What the linear algebra ops share: type checks for matrix and stack inputs, the float
 * output dtype, running a rule over each matrix of a stack, and the small graph pieces
 * their gradients are built from (transpose, product, tril, diag of vectors), made of
 * existing ops so gradients can be differentiated again.
 * @module
 */
import { floatX } from "../../core/config.ts";
import { type DType, isFloat } from "../../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../../core/errors.ts";
import type { Apply, Dim, Variable } from "../../core/graph.ts";
import { NDArray } from "../../core/ndarray.ts";
import { add, mul, sub } from "../arith.ts";
import { arange, eye } from "../alloc.ts";
import type { Matmul } from "./lu_kernel.ts";
import { cast } from "../cast.ts";
import { ge, gt } from "../compare.ts";
import { dimshuffle } from "../dimshuffle.ts";
import { shapeI } from "../shape.ts";
import { batchedDot } from "../batched_dot.ts";
import { dot } from "../dot.ts";
import { reshape } from "../reshape.ts";

/** The output dtype of a factorisation: the input's float dtype, floatX for ints. */
export function linalgDtype(name: string, x: Variable): DType {
  if (x.dtype === "bool") throw new HypatiaTypeError(`${name}: does not take bool input ${x.describe()}`);
  return isFloat(x.dtype) ? x.dtype : floatX();
}

/**
 * Check at build time that `x` is a matrix or a stack of them (..., m, n), square when
 * asked; returns the static lengths of its last two axes.
 */
export function matrixType(name: string, x: Variable, square: boolean, what = "input"): [Dim, Dim] {
  if (x.ndim < 2) {
    throw new HypatiaTypeError(
      `${name}: ${what} must be a matrix, or a stack of matrices (..., m, n), got ${x.describe()}`,
    );
  }
  const [n, m] = x.type.shape.slice(-2);
  if (square && n !== null && m !== null && n !== m) {
    throw new ShapeError(
      `${name}: ${what} must be a square matrix (or a stack of them), got static shape (${
        x.type.shape.join(", ")
      })`,
    );
  }
  linalgDtype(name, x);
  return [n, m];
}

/** The leading (batch) static lengths of a stack of matrices. */
export const leadingType = (x: Variable): Dim[] => x.type.shape.slice(0, -2);

/** Output i of `node` as an NDArray of its dtype holding `data` (float64, rounded to float32 when the output is). */
export function matrixOf(node: Apply, i: number, shape: readonly number[], data: Float64Array): NDArray {
  const dtype = node.outputs[i].dtype;
  return new NDArray(dtype, shape, dtype === "float64" ? data : Float32Array.from(data));
}

/**
 * The reference rule of an op whose work is mostly matrix products, taking the product
 * as an argument: the op's `perform` passes lu_kernel.ts's `matmul`, the JS engine's table
 * its blocked GEMM (backends/cpu/table.ts).
 */
export type ProductRule = (inputs: NDArray[], node: Apply, mm: Matmul) => NDArray[];

/** A stack of matrices (..., r, c) as its leading shape, count and the matrices' data. */
export interface Stack {
  lead: number[];
  count: number;
  r: number;
  c: number;
  /** The data of matrix i (row-major r×c; a view, not a copy). */
  at(i: number): ArrayLike<number>;
}

/** `x` (..., r, c) as a stack of matrices; a 1-d `x` with `vector` as (..., r) vectors (c = 1). */
export function stackOf(x: NDArray, vector = false): Stack {
  const k = vector ? 1 : 2,
    lead = x.shape.slice(0, x.ndim - k),
    [r, c] = vector ? [x.shape[x.ndim - 1], 1] : x.shape.slice(-2);
  const size = r * c, data = x.data;
  return {
    lead,
    count: lead.reduce((a, b) => a * b, 1),
    r,
    c,
    at: (i) => data.subarray(i * size, i * size + size),
  };
}

/** Run `fn` on each matrix of the stack, writing each result into `out` at stride `size`. */
export function eachMatrix(
  s: Stack,
  out: Float64Array[],
  fn: (m: ArrayLike<number>, i: number) => ArrayLike<number>[],
): void {
  for (let i = 0; i < s.count; i++) {
    fn(s.at(i), i).forEach((res, k) => out[k].set(res, i * res.length));
  }
}

/** Check at run time that the value is a stack of square matrices; returns their order. */
export function squareOrder(node: Apply, x: NDArray, what = "input"): number {
  const [n, m] = x.shape.slice(-2);
  if (n !== m) {
    throw new ShapeError(
      `${node.where()}: ${what} must be a square matrix (or a stack of them), got shape (${
        x.shape.join(", ")
      })`,
    );
  }
  return n;
}

/** The pattern of dimshuffle that keeps `x`'s leading axes and then places `tail`. */
const keepLead = (x: Variable, ...tail: (number | "x")[]) => [...Array(x.ndim - 2).keys(), ...tail];

/** The transpose of each matrix of a stack (the last two axes swapped). */
export const mT = (x: Variable): Variable => dimshuffle(x, ...keepLead(x, x.ndim - 1, x.ndim - 2));

/** `v` (..., n) as a column (..., n, 1) or a row (..., 1, n). */
export const asColumn = (v: Variable): Variable => dimshuffle(v, ...[...Array(v.ndim).keys()], "x");
export const asRow = (v: Variable): Variable =>
  dimshuffle(v, ...[...Array(v.ndim - 1).keys()], "x", v.ndim - 1);

/**
 * The product of two matrices or of two stacks of matrices with the same leading
 * shape: `dot` for matrices, `batchedDot` over the flattened leading axes otherwise.
 */
export function mm(a: Variable, b: Variable): Variable {
  if (a.ndim === 2 && b.ndim === 2) return dot(a, b);
  const flat = (x: Variable) => reshape(x, [-1, shapeI(x, x.ndim - 2), shapeI(x, x.ndim - 1)]);
  const lead = [...Array(a.ndim - 2).keys()].map((d) => shapeI(a, d));
  return reshape(batchedDot(flat(a), flat(b)), [...lead, shapeI(a, a.ndim - 2), shapeI(b, b.ndim - 1)]);
}

/** The lower triangle of each square matrix (k = 0 keeps the diagonal, k = -1 drops it). */
export function tril(x: Variable, k: 0 | -1 = 0): Variable {
  const r = arange(shapeI(x, x.ndim - 1));
  const rows = dimshuffle(r, 0, "x"), cols = dimshuffle(r, "x", 0);
  return mul(x, cast(k === 0 ? ge(rows, cols) : gt(rows, cols), x.dtype));
}

/** The identity with the order and dtype of the square matrices of `x` (broadcasts over a stack). */
export const eyeLike = (x: Variable): Variable => eye(shapeI(x, x.ndim - 1), undefined, 0, x.dtype);

/** The square matrices with the vectors `v` (..., n) on their diagonals. */
export const diagMatrix = (v: Variable): Variable =>
  mul(eye(shapeI(v, v.ndim - 1), undefined, 0, v.dtype), asRow(v));

/**
 * The gradient with respect to A of a function that reads only A's lower triangle, from
 * S, the gradient it would have were A's symmetric: `tril(S + Sᵀ) - diag(S)` (Theano's
 * CholeskyGrad convention).
 */
export const lowerGrad = (s: Variable): Variable => sub(tril(add(s, mT(s))), mul(s, eyeLike(s)));
