/**
 * Variable constructors in Theano's naming: `scalar vector row col matrix tensor3
 * tensor4` with the prefixes d (float64), f (float32), i (int32), l (int64), b (int8,
 * as Theano's b) and none (config.floatX), and their plurals.
 * @module
 */
import { floatX } from "../core/config.ts";
import type { DType } from "../core/dtype.ts";
import { TensorType, type Variable } from "../core/graph.ts";

const SHAPES = {
  scalar: [],
  vector: [false],
  row: [true, false],
  col: [false, true],
  matrix: [false, false],
  tensor3: [false, false, false],
  tensor4: [false, false, false, false],
} as const;

type Kind = keyof typeof SHAPES;

/** Makes one variable: `dmatrix("x")`. */
export type Maker = (name?: string) => Variable;
/** Makes one variable per name: `dmatrices("a", "b")`. */
export type Plural = (...names: string[]) => Variable[];

function maker(kind: Kind, dtype: () => DType): (name?: string) => Variable {
  return (name?: string) => new TensorType(dtype(), SHAPES[kind]).make(name);
}

function plural(kind: Kind, dtype: () => DType): (...names: string[]) => Variable[] {
  return (...names: string[]) => names.map((n) => new TensorType(dtype(), SHAPES[kind]).make(n));
}

const D = () => "float64" as const, F = () => "float32" as const, I = () => "int32" as const;
const L = () => "int64" as const, B = () => "int8" as const;

/**
 * A float scalar of dtype `config.floatX`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scalar, dmatrix, fvectors } from "./constructors.ts";
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
 * import { dscalar, dmatrix, dvectors } from "./constructors.ts";
 * const [a, b] = dvectors("a", "b");
 * assert(dscalar("s").ndim === 0 && dmatrix("m").ndim === 2);
 * assert(a.dtype === "float64" && b.name === "b");
 * ```
 */
export const dscalar: Maker = maker("scalar", D);
/** A float64 vector. */
export const dvector: Maker = maker("vector", D);
/** A float64 row. */
export const drow: Maker = maker("row", D);
/** A float64 column. */
export const dcol: Maker = maker("col", D);
/** A float64 matrix. */
export const dmatrix: Maker = maker("matrix", D);
/** A float64 3-d tensor. */
export const dtensor3: Maker = maker("tensor3", D);
/** A float64 4-d tensor. */
export const dtensor4: Maker = maker("tensor4", D);
/** Several float64 scalars. */
export const dscalars: Plural = plural("scalar", D);
/** Several float64 vectors. */
export const dvectors: Plural = plural("vector", D);
/** Several float64 rows. */
export const drows: Plural = plural("row", D);
/** Several float64 columns. */
export const dcols: Plural = plural("col", D);
/** Several float64 matrices. */
export const dmatrices: Plural = plural("matrix", D);
/** Several float64 3-d tensors. */
export const dtensor3s: Plural = plural("tensor3", D);
/** Several float64 4-d tensors. */
export const dtensor4s: Plural = plural("tensor4", D);

/**
 * A float32 scalar. The f-prefixed family (`fscalar fvector frow fcol fmatrix ftensor3
 * ftensor4` and plurals) makes float32 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fscalar, fmatrix, fvectors } from "./constructors.ts";
 * const [a, b] = fvectors("a", "b");
 * assert(fscalar("s").ndim === 0 && fmatrix("m").ndim === 2);
 * assert(a.dtype === "float32" && b.name === "b");
 * ```
 */
export const fscalar: Maker = maker("scalar", F);
/** A float32 vector. */
export const fvector: Maker = maker("vector", F);
/** A float32 row. */
export const frow: Maker = maker("row", F);
/** A float32 column. */
export const fcol: Maker = maker("col", F);
/** A float32 matrix. */
export const fmatrix: Maker = maker("matrix", F);
/** A float32 3-d tensor. */
export const ftensor3: Maker = maker("tensor3", F);
/** A float32 4-d tensor. */
export const ftensor4: Maker = maker("tensor4", F);
/** Several float32 scalars. */
export const fscalars: Plural = plural("scalar", F);
/** Several float32 vectors. */
export const fvectors: Plural = plural("vector", F);
/** Several float32 rows. */
export const frows: Plural = plural("row", F);
/** Several float32 columns. */
export const fcols: Plural = plural("col", F);
/** Several float32 matrices. */
export const fmatrices: Plural = plural("matrix", F);
/** Several float32 3-d tensors. */
export const ftensor3s: Plural = plural("tensor3", F);
/** Several float32 4-d tensors. */
export const ftensor4s: Plural = plural("tensor4", F);

/**
 * An int32 scalar. The i-prefixed family (`iscalar ivector irow icol imatrix itensor3
 * itensor4` and plurals) makes int32 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iscalar, imatrix, ivectors } from "./constructors.ts";
 * const [a, b] = ivectors("a", "b");
 * assert(iscalar("s").ndim === 0 && imatrix("m").ndim === 2);
 * assert(a.dtype === "int32" && b.name === "b");
 * ```
 */
export const iscalar: Maker = maker("scalar", I);
/** An int32 vector. */
export const ivector: Maker = maker("vector", I);
/** An int32 row. */
export const irow: Maker = maker("row", I);
/** An int32 column. */
export const icol: Maker = maker("col", I);
/** An int32 matrix. */
export const imatrix: Maker = maker("matrix", I);
/** An int32 3-d tensor. */
export const itensor3: Maker = maker("tensor3", I);
/** An int32 4-d tensor. */
export const itensor4: Maker = maker("tensor4", I);
/** Several int32 scalars. */
export const iscalars: Plural = plural("scalar", I);
/** Several int32 vectors. */
export const ivectors: Plural = plural("vector", I);
/** Several int32 rows. */
export const irows: Plural = plural("row", I);
/** Several int32 columns. */
export const icols: Plural = plural("col", I);
/** Several int32 matrices. */
export const imatrices: Plural = plural("matrix", I);
/** Several int32 3-d tensors. */
export const itensor3s: Plural = plural("tensor3", I);
/** Several int32 4-d tensors. */
export const itensor4s: Plural = plural("tensor4", I);

/**
 * An int64 scalar. The l-prefixed family (`lscalar lvector lrow lcol lmatrix ltensor3
 * ltensor4` and plurals) makes int64 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lscalar, lmatrix, lvectors } from "./constructors.ts";
 * const [a, b] = lvectors("a", "b");
 * assert(lscalar("s").ndim === 0 && lmatrix("m").ndim === 2);
 * assert(a.dtype === "int64" && b.name === "b");
 * ```
 */
export const lscalar: Maker = maker("scalar", L);
/** An int64 vector. */
export const lvector: Maker = maker("vector", L);
/** An int64 row. */
export const lrow: Maker = maker("row", L);
/** An int64 column. */
export const lcol: Maker = maker("col", L);
/** An int64 matrix. */
export const lmatrix: Maker = maker("matrix", L);
/** An int64 3-d tensor. */
export const ltensor3: Maker = maker("tensor3", L);
/** An int64 4-d tensor. */
export const ltensor4: Maker = maker("tensor4", L);
/** Several int64 scalars. */
export const lscalars: Plural = plural("scalar", L);
/** Several int64 vectors. */
export const lvectors: Plural = plural("vector", L);
/** Several int64 rows. */
export const lrows: Plural = plural("row", L);
/** Several int64 columns. */
export const lcols: Plural = plural("col", L);
/** Several int64 matrices. */
export const lmatrices: Plural = plural("matrix", L);
/** Several int64 3-d tensors. */
export const ltensor3s: Plural = plural("tensor3", L);
/** Several int64 4-d tensors. */
export const ltensor4s: Plural = plural("tensor4", L);

/**
 * An int8 scalar (Theano's b prefix is int8). The b-prefixed family (`bscalar bvector brow bcol bmatrix btensor3
 * btensor4` and plurals) makes int8 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bscalar, bmatrix, bvectors } from "./constructors.ts";
 * const [a, b] = bvectors("a", "b");
 * assert(bscalar("s").ndim === 0 && bmatrix("m").ndim === 2);
 * assert(a.dtype === "int8" && b.name === "b");
 * ```
 */
export const bscalar: Maker = maker("scalar", B);
/** An int8 vector. */
export const bvector: Maker = maker("vector", B);
/** An int8 row. */
export const brow: Maker = maker("row", B);
/** An int8 column. */
export const bcol: Maker = maker("col", B);
/** An int8 matrix. */
export const bmatrix: Maker = maker("matrix", B);
/** An int8 3-d tensor. */
export const btensor3: Maker = maker("tensor3", B);
/** An int8 4-d tensor. */
export const btensor4: Maker = maker("tensor4", B);
/** Several int8 scalars. */
export const bscalars: Plural = plural("scalar", B);
/** Several int8 vectors. */
export const bvectors: Plural = plural("vector", B);
/** Several int8 rows. */
export const brows: Plural = plural("row", B);
/** Several int8 columns. */
export const bcols: Plural = plural("col", B);
/** Several int8 matrices. */
export const bmatrices: Plural = plural("matrix", B);
/** Several int8 3-d tensors. */
export const btensor3s: Plural = plural("tensor3", B);
/** Several int8 4-d tensors. */
export const btensor4s: Plural = plural("tensor4", B);

/**
 * A variable of any dtype and rank: `tensor("float64", [false, false, true], "x")`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "./constructors.ts";
 * assert(tensor("float32", [false, true]).broadcastable[1] === true);
 * ```
 */
export function tensor(
  dtype: DType,
  broadcastable: readonly (boolean | number | null)[],
  name?: string,
): Variable {
  return new TensorType(dtype, broadcastable).make(name);
}
