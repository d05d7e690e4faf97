/**
 * The rest of Theano's constructors: 5- to 7-d tensors (`tensor5 tensor6 tensor7`) with
 * every dtype prefix, and the int16 `w` family (`wscalar wvector wrow wcol wmatrix
 * wtensor3` … `wtensor7`), with their plurals. Made by the same makers as constructors.ts (constructor_makers.ts).
 * @module
 */
import { floatX } from "../core/config.ts";
import { type Maker, maker, type Plural, plural } from "./constructor_makers.ts";

const D = () => "float64" as const, F = () => "float32" as const, I = () => "int32" as const;
const L = () => "int64" as const, B = () => "int8" as const, W = () => "int16" as const;
/**
 * A floatX 5-d tensor. `tensor5 tensor6 tensor7` exist with every dtype prefix
 * (`dtensor5`, `ftensor6`, `itensor7`, `ltensor5`, `btensor5`, `wtensor5`) and as plurals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert(T.tensor5("x").ndim === 5 && T.dtensor7("y").ndim === 7);
 * assert(T.ftensor6("z").dtype === "float32" && T.itensor5s("a", "b").length === 2);
 * ```
 */
export const tensor5: Maker = maker("tensor5", floatX);
/** Several floatX 5-d tensors. */
export const tensor5s: Plural = plural("tensor5", floatX);
/** A floatX 6-d tensor. */
export const tensor6: Maker = maker("tensor6", floatX);
/** Several floatX 6-d tensors. */
export const tensor6s: Plural = plural("tensor6", floatX);
/** A floatX 7-d tensor. */
export const tensor7: Maker = maker("tensor7", floatX);
/** Several floatX 7-d tensors. */
export const tensor7s: Plural = plural("tensor7", floatX);
/** A float64 5-d tensor. */
export const dtensor5: Maker = maker("tensor5", D, "d");
/** Several float64 5-d tensors. */
export const dtensor5s: Plural = plural("tensor5", D, "d");
/** A float64 6-d tensor. */
export const dtensor6: Maker = maker("tensor6", D, "d");
/** Several float64 6-d tensors. */
export const dtensor6s: Plural = plural("tensor6", D, "d");
/** A float64 7-d tensor. */
export const dtensor7: Maker = maker("tensor7", D, "d");
/** Several float64 7-d tensors. */
export const dtensor7s: Plural = plural("tensor7", D, "d");
/** A float32 5-d tensor. */
export const ftensor5: Maker = maker("tensor5", F, "f");
/** Several float32 5-d tensors. */
export const ftensor5s: Plural = plural("tensor5", F, "f");
/** A float32 6-d tensor. */
export const ftensor6: Maker = maker("tensor6", F, "f");
/** Several float32 6-d tensors. */
export const ftensor6s: Plural = plural("tensor6", F, "f");
/** A float32 7-d tensor. */
export const ftensor7: Maker = maker("tensor7", F, "f");
/** Several float32 7-d tensors. */
export const ftensor7s: Plural = plural("tensor7", F, "f");
/** An int32 5-d tensor. */
export const itensor5: Maker = maker("tensor5", I, "i");
/** Several int32 5-d tensors. */
export const itensor5s: Plural = plural("tensor5", I, "i");
/** An int32 6-d tensor. */
export const itensor6: Maker = maker("tensor6", I, "i");
/** Several int32 6-d tensors. */
export const itensor6s: Plural = plural("tensor6", I, "i");
/** An int32 7-d tensor. */
export const itensor7: Maker = maker("tensor7", I, "i");
/** Several int32 7-d tensors. */
export const itensor7s: Plural = plural("tensor7", I, "i");
/** An int64 5-d tensor. */
export const ltensor5: Maker = maker("tensor5", L, "l");
/** Several int64 5-d tensors. */
export const ltensor5s: Plural = plural("tensor5", L, "l");
/** An int64 6-d tensor. */
export const ltensor6: Maker = maker("tensor6", L, "l");
/** Several int64 6-d tensors. */
export const ltensor6s: Plural = plural("tensor6", L, "l");
/** An int64 7-d tensor. */
export const ltensor7: Maker = maker("tensor7", L, "l");
/** Several int64 7-d tensors. */
export const ltensor7s: Plural = plural("tensor7", L, "l");
/** An int8 5-d tensor. */
export const btensor5: Maker = maker("tensor5", B, "b");
/** Several int8 5-d tensors. */
export const btensor5s: Plural = plural("tensor5", B, "b");
/** An int8 6-d tensor. */
export const btensor6: Maker = maker("tensor6", B, "b");
/** Several int8 6-d tensors. */
export const btensor6s: Plural = plural("tensor6", B, "b");
/** An int8 7-d tensor. */
export const btensor7: Maker = maker("tensor7", B, "b");
/** Several int8 7-d tensors. */
export const btensor7s: Plural = plural("tensor7", B, "b");
/**
 * An int16 scalar (Theano's w prefix). The w family (`wscalar wvector wrow wcol wmatrix
 * wtensor3` … `wtensor7` and plurals) makes int16 variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = T.wvectors("a", "b");
 * assert(T.wscalar("s").dtype === "int16" && T.wmatrix("m").ndim === 2);
 * assert(a.dtype === "int16" && b.name === "b" && T.wrow("r").broadcastable[0]);
 * ```
 */
export const wscalar: Maker = maker("scalar", W, "w");
/** Several int16 scalars. */
export const wscalars: Plural = plural("scalar", W, "w");
/** An int16 vector. */
export const wvector: Maker = maker("vector", W, "w");
/** Several int16 vectors. */
export const wvectors: Plural = plural("vector", W, "w");
/** An int16 row (1 × n). */
export const wrow: Maker = maker("row", W, "w");
/** Several int16 rows. */
export const wrows: Plural = plural("row", W, "w");
/** An int16 column (n × 1). */
export const wcol: Maker = maker("col", W, "w");
/** Several int16 columns. */
export const wcols: Plural = plural("col", W, "w");
/** An int16 matrix. */
export const wmatrix: Maker = maker("matrix", W, "w");
/** Several int16 matrices. */
export const wmatrices: Plural = plural("matrix", W, "w");
/** An int16 3-d tensor. */
export const wtensor3: Maker = maker("tensor3", W, "w");
/** Several int16 3-d tensors. */
export const wtensor3s: Plural = plural("tensor3", W, "w");
/** An int16 4-d tensor. */
export const wtensor4: Maker = maker("tensor4", W, "w");
/** Several int16 4-d tensors. */
export const wtensor4s: Plural = plural("tensor4", W, "w");
/** An int16 5-d tensor. */
export const wtensor5: Maker = maker("tensor5", W, "w");
/** Several int16 5-d tensors. */
export const wtensor5s: Plural = plural("tensor5", W, "w");
/** An int16 6-d tensor. */
export const wtensor6: Maker = maker("tensor6", W, "w");
/** Several int16 6-d tensors. */
export const wtensor6s: Plural = plural("tensor6", W, "w");
/** An int16 7-d tensor. */
export const wtensor7: Maker = maker("tensor7", W, "w");
/** Several int16 7-d tensors. */
export const wtensor7s: Plural = plural("tensor7", W, "w");
