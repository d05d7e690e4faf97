/**
 * Diagonals: `diagonal` (NumPy's, any two axes, any offset), `allocDiag` (a vector put on
 * a diagonal of a square zero matrix), `diag` (NumPy's: vector → matrix, matrix → vector),
 * `trace` and `identityLike`. A diagonal of an `n1 × n2` block is a strided slice of the
 * block flattened (start `offset` or `-offset·n2`, step `n2 + 1`), so these are built
 * from dimshuffle, reshape, slice and setSubtensor: they differentiate through them and
 * run wherever those run.
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { atUserCall, type TensorLike, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { type DtypeArg, dtypeArgument } from "../core/options.ts";
import { eye, zeros } from "./alloc.ts";
import { add, mul, sub } from "./arith.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { maximum, minimum } from "./minmax.ts";
import { sum } from "./reduce.ts";
import { reshape } from "./reshape.ts";
import { shapeI } from "./shape.ts";
import { setSubtensor, slice } from "./subtensor.ts";

type Len = number | Variable;
const lengthOf = (x: Variable, d: number): Len => x.type.shape[d] ?? shapeI(x, d);
const num = (a: Len): a is number => typeof a === "number";
const plus = (a: Len, b: Len): Len => (num(a) && num(b) ? a + b : add(a, b));
const minus = (a: Len, b: Len): Len => (num(a) && num(b) ? a - b : sub(a, b));
const times = (a: Len, b: Len): Len => (num(a) && num(b) ? a * b : mul(a, b));
const least = (a: Len, b: Len): Len => (num(a) && num(b) ? Math.min(a, b) : minimum(a, b));
const atLeast0 = (a: Len): Len => (num(a) ? Math.max(a, 0) : maximum(a, 0));

function checkOffset(op: string, offset: number): void {
  if (!Number.isInteger(offset)) {
    throw new HypatiaTypeError(`${op}: the offset must be an integer, got ${offset}`);
  }
}

/** `[start, stop, step]` of diagonal `offset` in a flattened `n1 × n2` block, and its length. */
function diagonalSlice(n1: Len, n2: Len, offset: number): [Len, Len, Len] {
  const length = atLeast0(offset >= 0 ? least(n1, minus(n2, offset)) : least(plus(n1, offset), n2));
  const start = offset >= 0 ? offset : times(-offset, n2), step = plus(n2, 1);
  return [start, plus(start, times(length, step)), step];
}

/**
 * The diagonal `offset` (0 the main one, > 0 above, < 0 below) of the planes of `axis1`
 * and `axis2` (NumPy's `diagonal`): those axes are removed and the diagonal becomes the
 * last axis. The gradient puts the output gradient back on the diagonal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const f = T.function([m], [T.diagonal(m), m.diagonal(1), T.diagonal(m, -1)]);
 * const [d0, d1, dm1] = f([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual([d0.toArray(), d1.toArray(), dm1.toArray()], [[1, 5], [2, 6], [4]]);
 * ```
 */
export function diagonal(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): Variable {
  return atUserCall(() => {
    const v = asTensor(x);
    checkOffset("diagonal", offset);
    if (v.ndim < 2) {
      throw new HypatiaTypeError(
        `diagonal: needs at least 2 dimensions, got ${v.describe()}; use allocDiag or diag`,
      );
    }
    const [a1, a2] = [axis1, axis2].map((a) => {
      if (!Number.isInteger(a) || a < -v.ndim || a >= v.ndim) {
        throw new HypatiaTypeError(`diagonal: axis ${a} is out of range for ${v.describe()}`);
      }
      return a < 0 ? a + v.ndim : a;
    });
    if (a1 === a2) {
      throw new HypatiaTypeError(`diagonal: axis1 and axis2 cannot be the same (${axis1}, ${axis2})`);
    }
    const others = [...v.type.shape.keys()].filter((d) => d !== a1 && d !== a2);
    const n1 = lengthOf(v, a1), n2 = lengthOf(v, a2);
    const planes = dimshuffle(v, ...others, a1, a2);
    const flat = reshape(planes, [...others.map((d) => lengthOf(v, d)), times(n1, n2)]);
    return slice(flat, ...others.map(() => null), diagonalSlice(n1, n2, offset));
  });
}

/**
 * A square matrix, zero but for the vector `v` on its diagonal `offset` (Theano's
 * `AllocDiag`); its side is `len(v) + |offset|`. The gradient reads that diagonal back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const v = T.dvector("v");
 * const f = T.function([v], [T.allocDiag(v), T.allocDiag(v, -1)]);
 * const [a, b] = f([1, 2]);
 * assert.deepEqual(a.toArray(), [[1, 0], [0, 2]]);
 * assert.deepEqual(b.toArray(), [[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
 * ```
 */
export function allocDiag(v: TensorLike, offset = 0): Variable {
  return atUserCall(() => {
    const d = asTensor(v);
    checkOffset("allocDiag", offset);
    if (d.ndim !== 1) throw new HypatiaTypeError(`allocDiag: takes a vector, got ${d.describe()}`);
    const n = plus(lengthOf(d, 0), Math.abs(offset));
    const flat = zeros([times(n, n)], d.dtype);
    return reshape(setSubtensor(slice(flat, diagonalSlice(n, n, offset)), d), [n, n]);
  });
}

/**
 * NumPy's `diag`: a vector gives the square matrix with it on diagonal `k`, a matrix gives
 * its diagonal `k`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const v = T.dvector("v"), m = T.dmatrix("m");
 * assert.equal(T.diag(v).ndim, 2);
 * assert.deepEqual(T.function([m], T.diag(m, 1))([[1, 2], [3, 4]]).toArray(), [2]);
 * ```
 */
export function diag(v: TensorLike, k = 0): Variable {
  const x = asTensor(v);
  if (x.ndim === 1) return allocDiag(x, k);
  if (x.ndim === 2) return diagonal(x, k);
  throw new HypatiaTypeError(`diag: input must be 1-d or 2-d, got ${x.describe()}`);
}

/**
 * The sum of diagonal `offset` of the planes of `axis1` and `axis2` (NumPy's `trace`;
 * Theano's `trace` of a matrix), in the dtype `sum` gives, or `dtype`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * assert.equal(T.function([m], m.trace())([[1, 2], [3, 4]]).item(), 5);
 * ```
 */
export function trace(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1, dtype?: DtypeArg): Variable {
  return atUserCall(() => {
    const s = sum(diagonal(x, offset, axis1, axis2), -1);
    const d = dtypeArgument("trace", dtype);
    return d === undefined || d === s.dtype ? s : s.astype(d);
  });
}

/**
 * The identity matrix of `x`'s shape and dtype (Theano's `identity_like`): ones on the main
 * diagonal of an `x.shape[0] × x.shape[1]` matrix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.fmatrix("m");
 * const i = T.identityLike(m);
 * assert.equal(i.dtype, "float32");
 * assert.deepEqual(T.function([m], i)([[5, 5, 5], [5, 5, 5]]).toArray(), [[1, 0, 0], [0, 1, 0]]);
 * ```
 */
export function identityLike(x: TensorLike): Variable {
  const v = asTensor(x);
  if (v.ndim !== 2) throw new HypatiaTypeError(`identityLike: takes a matrix, got ${v.describe()}`);
  return eye(lengthOf(v, 0), lengthOf(v, 1), 0, v.dtype);
}

/**
 * The main diagonal of a matrix (Theano's `extract_diag`; `diagonal(x)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * assert.deepEqual(T.function([m], T.extractDiag(m))([[1, 2], [3, 4]]).toArray(), [1, 4]);
 * ```
 */
export function extractDiag(x: TensorLike): Variable {
  return diagonal(x);
}
