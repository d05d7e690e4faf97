/**
 * Variable constructors in Theano's naming: `scalar vector row col matrix tensor3
 * tensor4` with the prefixes d (float64), f (float32), i (int32), l (int64), b (int8,
 * as Theano's b) and none (config.floatX), and their plurals. The ranks 5 to 7 and the
 * int16 `w` family are in constructors_wide.ts.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isDType } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";
import { checkOptions, describeValue, dtypeKind, isPlainObject, list, str } from "../core/options.ts";
import { TensorType, type Variable } from "../core/graph.ts";
import { type Maker, maker, type Plural, plural } from "./constructor_makers.ts";

export type { DtypeArg, Maker, Plural } from "./constructor_makers.ts";

const D = () => "float64" as const, F = () => "float32" as const, I = () => "int32" as const;
const L = () => "int64" as const, B = () => "int8" as const;

/**
 * A float scalar of dtype `config.floatX`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, fvectors, scalar } from "../mod.ts";
 * assert(scalar("x").ndim === 0);
 * assert(dmatrix("m").broadcastable.join() === "false,false");
 * assert(fvectors("a", "b").length === 2);
 * ```
 */
export const scalar: Maker = maker("scalar", floatX);
/** A floatX vector. */
export const vector: Maker = maker("vector", floatX);
/** A floatX row (1 × n, broadcastable along the first axis). */
export const row: Maker = maker("row", floatX);
/** A floatX column (n × 1). */
export const col: Maker = maker("col", floatX);
/** A floatX matrix. */
export const matrix: Maker = maker("matrix", floatX);
/** A floatX 3-d tensor. */
export const tensor3: Maker = maker("tensor3", floatX);
/** A floatX 4-d tensor. */
export const tensor4: Maker = maker("tensor4", floatX);
/** Several floatX scalars. */
export const scalars: Plural = plural("scalar", floatX);
/** Several floatX vectors. */
export const vectors: Plural = plural("vector", floatX);
/** Several floatX rows. */
export const rows: Plural = plural("row", floatX);
/** Several floatX columns. */
export const cols: Plural = plural("col", floatX);
/** Several floatX matrices. */
export const matrices: Plural = plural("matrix", floatX);
/** Several floatX 3-d tensors. */
export const tensor3s: Plural = plural("tensor3", floatX);
/** Several floatX 4-d tensors. */
export const tensor4s: Plural = plural("tensor4", floatX);

/**
 * A float64 scalar. The d-prefixed family (`dscalar dvector drow dcol dmatrix dtensor3
 * dtensor4` and plurals) makes float64 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, dscalar, dvectors } from "../mod.ts";
 * const [a, b] = dvectors("a", "b");
 * assert(dscalar("s").ndim === 0 && dmatrix("m").ndim === 2);
 * assert(a.dtype === "float64" && b.name === "b");
 * ```
 */
export const dscalar: Maker = maker("scalar", D, "d");
/** A float64 vector. */
export const dvector: Maker = maker("vector", D, "d");
/** A float64 row. */
export const drow: Maker = maker("row", D, "d");
/** A float64 column. */
export const dcol: Maker = maker("col", D, "d");
/** A float64 matrix. */
export const dmatrix: Maker = maker("matrix", D, "d");
/** A float64 3-d tensor. */
export const dtensor3: Maker = maker("tensor3", D, "d");
/** A float64 4-d tensor. */
export const dtensor4: Maker = maker("tensor4", D, "d");
/** Several float64 scalars. */
export const dscalars: Plural = plural("scalar", D, "d");
/** Several float64 vectors. */
export const dvectors: Plural = plural("vector", D, "d");
/** Several float64 rows. */
export const drows: Plural = plural("row", D, "d");
/** Several float64 columns. */
export const dcols: Plural = plural("col", D, "d");
/** Several float64 matrices. */
export const dmatrices: Plural = plural("matrix", D, "d");
/** Several float64 3-d tensors. */
export const dtensor3s: Plural = plural("tensor3", D, "d");
/** Several float64 4-d tensors. */
export const dtensor4s: Plural = plural("tensor4", D, "d");

/**
 * A float32 scalar. The f-prefixed family (`fscalar fvector frow fcol fmatrix ftensor3
 * ftensor4` and plurals) makes float32 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmatrix, fscalar, fvectors } from "../mod.ts";
 * const [a, b] = fvectors("a", "b");
 * assert(fscalar("s").ndim === 0 && fmatrix("m").ndim === 2);
 * assert(a.dtype === "float32" && b.name === "b");
 * ```
 */
export const fscalar: Maker = maker("scalar", F, "f");
/** A float32 vector. */
export const fvector: Maker = maker("vector", F, "f");
/** A float32 row. */
export const frow: Maker = maker("row", F, "f");
/** A float32 column. */
export const fcol: Maker = maker("col", F, "f");
/** A float32 matrix. */
export const fmatrix: Maker = maker("matrix", F, "f");
/** A float32 3-d tensor. */
export const ftensor3: Maker = maker("tensor3", F, "f");
/** A float32 4-d tensor. */
export const ftensor4: Maker = maker("tensor4", F, "f");
/** Several float32 scalars. */
export const fscalars: Plural = plural("scalar", F, "f");
/** Several float32 vectors. */
export const fvectors: Plural = plural("vector", F, "f");
/** Several float32 rows. */
export const frows: Plural = plural("row", F, "f");
/** Several float32 columns. */
export const fcols: Plural = plural("col", F, "f");
/** Several float32 matrices. */
export const fmatrices: Plural = plural("matrix", F, "f");
/** Several float32 3-d tensors. */
export const ftensor3s: Plural = plural("tensor3", F, "f");
/** Several float32 4-d tensors. */
export const ftensor4s: Plural = plural("tensor4", F, "f");

/**
 * An int32 scalar. The i-prefixed family (`iscalar ivector irow icol imatrix itensor3
 * itensor4` and plurals) makes int32 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imatrix, iscalar, ivectors } from "../mod.ts";
 * const [a, b] = ivectors("a", "b");
 * assert(iscalar("s").ndim === 0 && imatrix("m").ndim === 2);
 * assert(a.dtype === "int32" && b.name === "b");
 * ```
 */
export const iscalar: Maker = maker("scalar", I, "i");
/** An int32 vector. */
export const ivector: Maker = maker("vector", I, "i");
/** An int32 row. */
export const irow: Maker = maker("row", I, "i");
/** An int32 column. */
export const icol: Maker = maker("col", I, "i");
/** An int32 matrix. */
export const imatrix: Maker = maker("matrix", I, "i");
/** An int32 3-d tensor. */
export const itensor3: Maker = maker("tensor3", I, "i");
/** An int32 4-d tensor. */
export const itensor4: Maker = maker("tensor4", I, "i");
/** Several int32 scalars. */
export const iscalars: Plural = plural("scalar", I, "i");
/** Several int32 vectors. */
export const ivectors: Plural = plural("vector", I, "i");
/** Several int32 rows. */
export const irows: Plural = plural("row", I, "i");
/** Several int32 columns. */
export const icols: Plural = plural("col", I, "i");
/** Several int32 matrices. */
export const imatrices: Plural = plural("matrix", I, "i");
/** Several int32 3-d tensors. */
export const itensor3s: Plural = plural("tensor3", I, "i");
/** Several int32 4-d tensors. */
export const itensor4s: Plural = plural("tensor4", I, "i");

/**
 * An int64 scalar. The l-prefixed family (`lscalar lvector lrow lcol lmatrix ltensor3
 * ltensor4` and plurals) makes int64 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lmatrix, lscalar, lvectors } from "../mod.ts";
 * const [a, b] = lvectors("a", "b");
 * assert(lscalar("s").ndim === 0 && lmatrix("m").ndim === 2);
 * assert(a.dtype === "int64" && b.name === "b");
 * ```
 */
export const lscalar: Maker = maker("scalar", L, "l");
/** An int64 vector. */
export const lvector: Maker = maker("vector", L, "l");
/** An int64 row. */
export const lrow: Maker = maker("row", L, "l");
/** An int64 column. */
export const lcol: Maker = maker("col", L, "l");
/** An int64 matrix. */
export const lmatrix: Maker = maker("matrix", L, "l");
/** An int64 3-d tensor. */
export const ltensor3: Maker = maker("tensor3", L, "l");
/** An int64 4-d tensor. */
export const ltensor4: Maker = maker("tensor4", L, "l");
/** Several int64 scalars. */
export const lscalars: Plural = plural("scalar", L, "l");
/** Several int64 vectors. */
export const lvectors: Plural = plural("vector", L, "l");
/** Several int64 rows. */
export const lrows: Plural = plural("row", L, "l");
/** Several int64 columns. */
export const lcols: Plural = plural("col", L, "l");
/** Several int64 matrices. */
export const lmatrices: Plural = plural("matrix", L, "l");
/** Several int64 3-d tensors. */
export const ltensor3s: Plural = plural("tensor3", L, "l");
/** Several int64 4-d tensors. */
export const ltensor4s: Plural = plural("tensor4", L, "l");

/**
 * An int8 scalar (Theano's b prefix is int8). The b-prefixed family (`bscalar bvector brow bcol bmatrix btensor3
 * btensor4` and plurals) makes int8 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bmatrix, bscalar, bvectors } from "../mod.ts";
 * const [a, b] = bvectors("a", "b");
 * assert(bscalar("s").ndim === 0 && bmatrix("m").ndim === 2);
 * assert(a.dtype === "int8" && b.name === "b");
 * ```
 */
export const bscalar: Maker = maker("scalar", B, "b");
/** An int8 vector. */
export const bvector: Maker = maker("vector", B, "b");
/** An int8 row. */
export const brow: Maker = maker("row", B, "b");
/** An int8 column. */
export const bcol: Maker = maker("col", B, "b");
/** An int8 matrix. */
export const bmatrix: Maker = maker("matrix", B, "b");
/** An int8 3-d tensor. */
export const btensor3: Maker = maker("tensor3", B, "b");
/** An int8 4-d tensor. */
export const btensor4: Maker = maker("tensor4", B, "b");
/** Several int8 scalars. */
export const bscalars: Plural = plural("scalar", B, "b");
/** Several int8 vectors. */
export const bvectors: Plural = plural("vector", B, "b");
/** Several int8 rows. */
export const brows: Plural = plural("row", B, "b");
/** Several int8 columns. */
export const bcols: Plural = plural("col", B, "b");
/** Several int8 matrices. */
export const bmatrices: Plural = plural("matrix", B, "b");
/** Several int8 3-d tensors. */
export const btensor3s: Plural = plural("tensor3", B, "b");
/** Several int8 4-d tensors. */
export const btensor4s: Plural = plural("tensor4", B, "b");

/** Options of `tensor`: Theano's keywords (`dtype`, `broadcastable`, `name`) and PyTensor's `shape`. */
export interface TensorOptions {
  /** The dtype (default floatX). */
  dtype?: DType;
  /** Theano's flags, true for a dimension of length 1. */
  broadcastable?: readonly boolean[];
  /** Static lengths, null where unknown (instead of `broadcastable`). */
  shape?: readonly (number | null)[];
  /** The variable's name. */
  name?: string;
}

const TENSOR_OPTIONS = {
  dtype: dtypeKind,
  broadcastable: list,
  shape: list,
  name: str,
};

/**
 * A variable of any dtype and rank, in Theano's form `tensor(dtype, broadcastable, name)`,
 * with keywords as `tensor({ dtype, broadcastable, name })`, or in PyTensor's form
 * `tensor(name, { dtype, shape })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert(T.tensor("float32", [false, true]).broadcastable[1] === true);
 * const z = T.tensor({ dtype: "int32", broadcastable: [false, false, false], name: "z" });
 * assert(z.ndim === 3 && z.dtype === "int32" && z.name === "z");
 * const x = T.tensor("x", { dtype: "float64", shape: [null, 3] });
 * assert(x.type.shape[1] === 3);
 * ```
 */
export function tensor(
  dtype: DType,
  broadcastable: readonly (boolean | number | null)[],
  name?: string,
): Variable;
/**
 * A variable from Theano's keywords: `tensor({ dtype, broadcastable, name })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.equal(T.tensor({ dtype: "int32", broadcastable: [false, true] }).type.shape[1], 1);
 * ```
 */
export function tensor(options: TensorOptions): Variable;
/**
 * A variable in PyTensor's form: `tensor(name, { dtype, shape })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.tensor("x", { shape: [null, 3] }).type.shape, [null, 3]);
 * ```
 */
export function tensor(name: string, options: TensorOptions): Variable;
export function tensor(
  first: DType | string | TensorOptions,
  second?: readonly (boolean | number | null)[] | TensorOptions,
  name?: string,
): Variable {
  if (typeof first === "string" && isDType(first) && Array.isArray(second)) {
    return new TensorType(first, second).make(name);
  }
  const [given, options] = typeof first === "string" && isPlainObject(second)
    ? [first, second as TensorOptions]
    : [undefined, first as TensorOptions];
  if (!isPlainObject(options as unknown)) {
    throw new InputError(
      `tensor: expected (dtype, broadcastable, name), ({ dtype, broadcastable, name }) or (name, { dtype, shape }), got (${
        [first, second].filter((a) => a !== undefined).map(describeValue).join(", ")
      })`,
    );
  }
  checkOptions("tensor", options, TENSOR_OPTIONS);
  if (options.broadcastable && options.shape) {
    throw new InputError("tensor: give broadcastable or shape, not both");
  }
  const dims = options.shape ?? options.broadcastable;
  if (!dims) throw new InputError("tensor: give the rank, as broadcastable flags or a shape");
  if (given !== undefined && options.name !== undefined) {
    throw new InputError("tensor: the name is given twice");
  }
  return new TensorType(options.dtype ?? floatX(), dims).make(given ?? options.name);
}
