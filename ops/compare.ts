/**
 * Comparisons (eq neq lt le gt ge, giving bool) and logic (and or xor not). Logic is
 * NumPy's `& | ^ ~`: logical on bool (the result is bool), bitwise on integers (the
 * result has the promoted integer dtype); floats are rejected. None of these has a
 * gradient (it is zero, as in Theano).
 * @module
 */
import type { DType } from "../core/dtype.ts";
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, wgslType } from "./elemwise.ts";

type Rel = "==" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * float32 operands are rounded to float32 first, so that `x == 0.1` compares with
 * float32(0.1) as NumPy does (a bare number, or a fused intermediate, is held in
 * double precision in the generated JS).
 */
function compareJs(rel: Rel) {
  const jsRel = rel === "==" ? "===" : rel === "!=" ? "!==" : rel;
  return ([a, b]: string[], input: DType) =>
    input === "float32"
      ? `(Math.fround(${a}) ${jsRel} Math.fround(${b}) ? 1 : 0)`
      : `(${a} ${jsRel} ${b} ? 1 : 0)`;
}

function comparison(name: string, rel: Rel) {
  return defineElemwise({
    name,
    arity: 2,
    out: "bool",
    accepts: "any",
    js: compareJs(rel),
    wgsl: ([a, b], input) => (wgslType(input) ? `select(0u, 1u, ${a} ${rel} ${b})` : undefined),
    infix: [rel, 5],
    notDifferentiable: `the comparison ${rel} is piecewise constant: its gradient is zero`,
  });
}

/** `a == b` (the op). */
export const eqOp = comparison("eq", "==");
/** `a != b` (the op). */
export const neqOp = comparison("neq", "!=");
/** `a < b` (the op). */
export const ltOp = comparison("lt", "<");
/** `a <= b` (the op). */
export const leOp = comparison("le", "<=");
/** `a > b` (the op). */
export const gtOp = comparison("gt", ">");
/** `a >= b` (the op). */
export const geOp = comparison("ge", ">=");

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;
const inInt32 = (x: number) => x >= INT32_MIN && x <= INT32_MAX;

/** Bitwise ops on int64 values (stored as doubles, exact below 2^53). */
const bit64 = {
  and64: (a: number, b: number) => inInt32(a) && inInt32(b) ? a & b : Number(BigInt(a) & BigInt(b)),
  or64: (a: number, b: number) => inInt32(a) && inInt32(b) ? a | b : Number(BigInt(a) | BigInt(b)),
  xor64: (a: number, b: number) => inInt32(a) && inInt32(b) ? a ^ b : Number(BigInt(a) ^ BigInt(b)),
};

function logic(name: string, sym: "&" | "|" | "^", helper: keyof typeof bit64) {
  return defineElemwise({
    name,
    arity: 2,
    accepts: "bool",
    helpers: { [helper]: bit64[helper] },
    // On sign-extended int8/int16/int32 (and 0/1 bools, 0..255 uint8) the result is in range.
    js: ([a, b], input) => (input === "int64" ? `H.${helper}(${a}, ${b})` : `(${a} ${sym} ${b})`),
    wgsl: ([a, b], input) => (wgslType(input) ? `(${a} ${sym} ${b})` : undefined),
    infix: [sym, 6],
    notDifferentiable: `${name} is a logical/bitwise op on bool or integers: it has no gradient`,
  });
}

/** `a & b`: logical and on bool, bitwise and on integers (the op). */
export const andOp = logic("and", "&", "and64");
/** `a | b`: logical or on bool, bitwise or on integers (the op). */
export const orOp = logic("or", "|", "or64");
/** `a ^ b`: logical xor on bool, bitwise xor on integers (the op). */
export const xorOp = logic("xor", "^", "xor64");

/** `~a`: logical not on bool, bitwise not on integers (the op, Theano's `invert`). */
export const invertOp = defineElemwise({
  name: "invert",
  arity: 1,
  accepts: "bool",
  // ~a == -a - 1 for signed integers, exact for int64 too; uint8 flips 8 bits.
  js: ([a], input) => input === "bool" ? `(1 - ${a})` : input === "uint8" ? `(255 - ${a})` : `(-${a} - 1)`,
  wgsl: ([a], input) =>
    input === "bool"
      ? `(1u - ${a})`
      : input === "uint8"
      ? `(255u - ${a})`
      : wgslType(input)
      ? `(~${a})`
      : undefined,
  infix: ["~", 0],
  notDifferentiable: "invert is a logical/bitwise op on bool or integers: it has no gradient",
});

/**
 * Elementwise `a == b`, giving bool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, eq } from "../mod.ts";
 * assert(eq(dvector("x"), 0).dtype === "bool");
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(eqOp, [a, b]);
}

/**
 * Elementwise `a != b`, giving bool (true where either is NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, neq } from "../mod.ts";
 * assert(neq(ivector("i"), 1).dtype === "bool");
 * ```
 */
export function neq(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(neqOp, [a, b]);
}

/**
 * Elementwise `a < b`, giving bool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, lt } from "../mod.ts";
 * assert(lt(dvector("x"), 0).dtype === "bool");
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(ltOp, [a, b]);
}

/**
 * Elementwise `a <= b`, giving bool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, le } from "../mod.ts";
 * assert(le(dvector("x"), 0).dtype === "bool");
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(leOp, [a, b]);
}

/**
 * Elementwise `a > b`, giving bool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fvector, gt } from "../mod.ts";
 * assert(gt(fvector("x"), 0).dtype === "bool");
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(gtOp, [a, b]);
}

/**
 * Elementwise `a >= b`, giving bool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, ge } from "../mod.ts";
 * assert(ge(dvector("x"), 0).dtype === "bool");
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(geOp, [a, b]);
}

/**
 * `a & b`: logical and of bools (bool result), bitwise and of integers. Floats are a
 * HypatiaTypeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { and, dvector, gt, ivector, lt } from "../mod.ts";
 * const x = dvector("x");
 * assert(and(gt(x, 0), lt(x, 1)).dtype === "bool");
 * assert(and(ivector("i"), 3).dtype === "int32");
 * ```
 */
export function and(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(andOp, [a, b]);
}

/**
 * `a | b`: logical or of bools, bitwise or of integers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, gt, lt, or } from "../mod.ts";
 * const x = dvector("x");
 * assert(or(lt(x, -1), gt(x, 1)).dtype === "bool");
 * ```
 */
export function or(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(orOp, [a, b]);
}

/**
 * `a ^ b`: logical xor of bools, bitwise xor of integers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, xor } from "../mod.ts";
 * assert(xor(ivector("i"), ivector("j")).dtype === "int32");
 * ```
 */
export function xor(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(xorOp, [a, b]);
}

/**
 * `~a`: logical not of a bool, bitwise not of an integer (`~5` is -6).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, gt, not } from "../mod.ts";
 * assert(not(gt(dvector("x"), 0)).dtype === "bool");
 * ```
 */
export function not(a: TensorLike): Variable {
  return applyElemwise(invertOp, [a]);
}
