/**
 * `fillDiagonal` and `fillDiagonalOffset` (Theano's `fill_diagonal`,
 * `fill_diagonal_offset`; NumPy's `fill_diagonal` without wrap): a copy of the array
 * with its main diagonal, or the diagonal `offset` above (below when negative) it, set
 * to a scalar. Gradients as Theano: the array's is the output gradient with that
 * diagonal zeroed, the value's the sum of the output gradient over the diagonal.
 * @module
 */
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { defineOp, type Op, type TensorLike, type Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { mul } from "./arith.ts";
import { storable } from "./subtensor.ts";
import { fill } from "./fill.ts";
import { sum } from "./reduce.ts";

/** Params: the diagonal's offset (only 0 for more than two dimensions). */
export interface FillDiagonalParams {
  offset: number;
}

/** The flat positions of the diagonal of an array of `shape` (C order); a ShapeError when an n-d array is not a cube. */
export function diagonalPositions(shape: readonly number[], offset: number, name: string): number[] {
  if (shape.length > 2 && shape.some((n) => n !== shape[0])) {
    throw new ShapeError(
      `fillDiagonal: all dimensions of ${name} must have the same length, got shape (${shape.join(", ")})`,
    );
  }
  if (shape.length > 2) {
    // Step 1 + n + n² + ... between diagonal elements, as NumPy.
    let step = 0;
    for (let d = 0, p = 1; d < shape.length; d++, p *= shape[0]) step += p;
    return Array.from({ length: shape[0] }, (_, i) => i * step);
  }
  const [n, m] = shape;
  const rows = offset >= 0 ? Math.max(0, Math.min(n, m - offset)) : Math.max(0, Math.min(n + offset, m));
  const r0 = offset >= 0 ? 0 : -offset, c0 = offset >= 0 ? offset : 0;
  return Array.from({ length: rows }, (_, i) => (r0 + i) * m + c0 + i);
}

/** The fill_diagonal op: inputs the array and a scalar of its dtype. */
export const fillDiagonalOp: Op<FillDiagonalParams> = defineOp<FillDiagonalParams>({
  name: "fill_diagonal",
  inferType([a, v], { offset }) {
    if (a.ndim < 2) {
      throw new HypatiaTypeError(`fillDiagonal: ${a.describe()} must have at least 2 dimensions`);
    }
    if (offset !== 0 && a.ndim !== 2) {
      throw new HypatiaTypeError(`fillDiagonalOffset: ${a.describe()} must be a matrix`);
    }
    if (v.ndim !== 0 || v.dtype !== a.dtype) {
      throw new HypatiaTypeError(`fillDiagonal: the value ${v.describe()} must be a scalar of ${a.dtype}`);
    }
    return [a.type];
  },
  perform([a, v], { offset }, node) {
    const out = a.copy();
    for (const p of diagonalPositions(a.shape, offset, node.inputs[0].describe())) out.data[p] = v.data[0];
    return [out];
  },
  vjp(node, [gz]) {
    const { offset } = node.params as FillDiagonalParams;
    const zero = constant(0, { dtype: gz.dtype }), one = constant(1, { dtype: gz.dtype });
    const onDiagonal = fillDiagonalOp.apply1([fill(gz, zero), one], { offset });
    return [fillDiagonalOp.apply1([gz, zero], { offset }), sum(mul(gz, onDiagonal))];
  },
  format: ([a, v], { offset }) => `fillDiagonal(${a}, ${v}${offset ? `, offset=${offset}` : ""})`,
});

function make(what: string, a: TensorLike, val: TensorLike, offset: number): Variable {
  const x = asTensor(a);
  if (!Number.isInteger(offset)) {
    throw new HypatiaTypeError(`${what}: offset must be an integer, got ${offset}`);
  }
  const v = asTensor(val);
  if (v.ndim !== 0) throw new HypatiaTypeError(`${what}: the value must be a scalar, got ${v.describe()}`);
  return fillDiagonalOp.apply1([x, storable(what, x, v)], { offset });
}

/**
 * A copy of `a` (at least 2-d; every dimension the same length beyond 2) with its main
 * diagonal set to the scalar `val` (Theano's `fill_diagonal`). A tall matrix's
 * diagonal stops at the last column (NumPy's `wrap=False`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const a = T.dmatrix("a");
 * const f = T.function([a], T.fillDiagonal(a, 5));
 * assert.deepEqual([...f([[1, 2], [3, 4], [6, 7]]).data], [5, 2, 3, 5, 6, 7]);
 * ```
 */
export function fillDiagonal(a: TensorLike, val: TensorLike): Variable {
  return make("fillDiagonal", a, val, 0);
}

/**
 * A copy of the matrix `a` with the diagonal `offset` above the main one (below when
 * negative) set to the scalar `val` (Theano's `fill_diagonal_offset`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const a = T.dmatrix("a");
 * const f = T.function([a], T.fillDiagonalOffset(a, 0, -1));
 * assert.deepEqual([...f([[1, 2], [3, 4]]).data], [1, 2, 0, 4]);
 * ```
 */
export function fillDiagonalOffset(a: TensorLike, val: TensorLike, offset: number): Variable {
  return make("fillDiagonalOffset", a, val, offset);
}
