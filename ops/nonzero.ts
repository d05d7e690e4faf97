/**
 * `nonzero`, `flatnonzero` and `nonzeroValues` (Theano's and NumPy's): the positions of
 * the nonzero elements (NaN is nonzero), and those elements. The positions are int64 and
 * have no gradient; `nonzeroValues` is a `take`, whose gradient goes back to the elements.
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray, stridesOf } from "../core/ndarray.ts";
import { bool, checkOptions, isPlainObject } from "../core/options.ts";
import { atUserCall, defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { flatten } from "./reshape.ts";
import { get } from "./subtensor.ts";
import { take } from "./take.ts";

/** The nonzero op: an int64 matrix with one row of positions per axis of its input. */
export const nonzeroOp: Op<null> = defineOp<null>({
  name: "nonzero",
  inferType([a]) {
    if (a.ndim === 0) {
      throw new HypatiaTypeError(
        `nonzero: ${a.describe()} is a scalar; nonzero of a 0-d value is not defined (NumPy 2)`,
      );
    }
    return [new TensorType("int64", [a.ndim, null])];
  },
  perform([a]) {
    const d = a.data, st = stridesOf(a.shape);
    let count = 0;
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) count++;
    const out = new NDArray("int64", [a.ndim, count]), o = out.data;
    for (let i = 0, k = 0; i < d.length; i++) {
      if (d[i] === 0) continue;
      let r = i;
      for (let ax = 0; ax < a.ndim; ax++) {
        o[ax * count + k] = Math.floor(r / st[ax]);
        r %= st[ax];
      }
      k++;
    }
    return [out];
  },
  notDifferentiable: "integer positions",
  format: ([a]) => `nonzero(${a})`,
});

/** Options of `nonzero`. */
export interface NonzeroOptions {
  /** Return one int64 matrix (a row per axis) instead of a list of vectors (Theano's `return_matrix`). */
  returnMatrix?: boolean;
}

/**
 * The positions of the nonzero elements of `a` (NaN counts as nonzero), one int64 vector
 * per axis as NumPy's `nonzero`, or with `{ returnMatrix: true }` one matrix with a row
 * per axis (Theano's `return_matrix`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const [rows, cols] = T.nonzero(m);
 * const f = T.function([m], [rows, cols, m.nonzero({ returnMatrix: true })]);
 * const [r, c, both] = f([[0, 3], [4, 0]]);
 * assert.deepEqual([r.toArray(), c.toArray(), both.toArray()], [[0, 1], [1, 0], [[0, 1], [1, 0]]]);
 * ```
 */
export function nonzero(a: TensorLike, options: { returnMatrix: true }): Variable;
/** The positions as one int64 vector per axis. */
export function nonzero(a: TensorLike, options?: { returnMatrix?: false }): Variable[];
/** Either form, as `options.returnMatrix` says. */
export function nonzero(a: TensorLike, options?: NonzeroOptions): Variable | Variable[];
export function nonzero(a: TensorLike, options: NonzeroOptions = {}): Variable[] | Variable {
  if (!isPlainObject(options)) {
    throw new HypatiaTypeError("nonzero: options must be an object ({ returnMatrix })");
  }
  checkOptions("nonzero", options, { returnMatrix: bool });
  const v = asTensor(a);
  const m = nonzeroOp.apply1([v], null);
  return options.returnMatrix ? m : [...v.type.shape.keys()].map((d) => get(m, d));
}

/**
 * The positions of the nonzero elements of `a` flattened (NumPy's `flatnonzero`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * assert.deepEqual(T.function([m], T.flatnonzero(m))([[0, 3], [4, 0]]).toArray(), [1, 2]);
 * ```
 */
export function flatnonzero(a: TensorLike): Variable {
  const v = asTensor(a);
  return get(nonzeroOp.apply1([v.ndim === 1 ? v : flatten(v)], null), 0);
}

/**
 * The nonzero elements of `a`, flattened in C order (Theano's `nonzero_values`,
 * `a.flatten()[flatnonzero(a)]`). The gradient goes back to those elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * assert.deepEqual(T.function([m], T.nonzeroValues(m))([[0, 3], [4, 0]]).toArray(), [3, 4]);
 * ```
 */
export function nonzeroValues(a: TensorLike): Variable {
  return atUserCall(() => {
    const v = asTensor(a), flat = v.ndim === 1 ? v : flatten(v);
    return take(flat, flatnonzero(flat), 0);
  });
}
