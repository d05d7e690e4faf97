/**
 * Arithmetic: add, sub, mul, intDiv, mod, neg, sqr (true division is in div.ts, pow in pow.ts). Forward rules, gradients,
 * WGSL and the rewrites rooted at each op, together.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { isInt } from "../core/dtype.ts";
import type { TensorLike, Variable } from "../core/graph.ts";
import { constant } from "../core/constant.ts";
import { applyElemwise, defineElemwise, isConstantValue, ownerName, wrapInt } from "./elemwise.ts";

const intOut = (p: DType): DType => (p === "bool" ? "int8" : p);
const sameType = (a: Variable, b: Variable) => a.type.equals(b.type);

/** Elementwise `a + b` (the op). */
export const addOp = defineElemwise({
  name: "add",
  arity: 2,
  out: intOut,
  js: ([a, b], _i, out) => wrapInt(`${a} + ${b}`, out),
  wgsl: ([a, b]) => `(${a} + ${b})`,
  infix: ["+", 3],
  grad: (_x, _z, gz) => [gz, gz],
  rewrites: [{
    name: "add_zero",
    stage: "canonicalize",
    apply: (node) => {
      const [a, b] = node.inputs, z = node.outputs[0];
      if (isConstantValue(b, 0) && sameType(a, z)) return [a];
      if (isConstantValue(a, 0) && sameType(b, z)) return [b];
      return null;
    },
  }],
});

/** Elementwise `a - b` (the op). */
export const subOp = defineElemwise({
  name: "sub",
  arity: 2,
  out: intOut,
  js: ([a, b], _i, out) => wrapInt(`${a} - ${b}`, out),
  wgsl: ([a, b]) => `(${a} - ${b})`,
  infix: ["-", 3],
  grad: (_x, _z, gz) => [gz, neg(gz)],
  rewrites: [{
    name: "sub_zero",
    stage: "canonicalize",
    apply: (node) => {
      const [a, b] = node.inputs;
      return isConstantValue(b, 0) && sameType(a, node.outputs[0]) ? [a] : null;
    },
  }],
});

/** Elementwise `a * b` (the op). */
export const mulOp = defineElemwise({
  name: "mul",
  arity: 2,
  out: intOut,
  js: ([a, b], _i, out) => (out === "int32" ? `Math.imul(${a}, ${b})` : wrapInt(`${a} * ${b}`, out)),
  wgsl: ([a, b]) => `(${a} * ${b})`,
  infix: ["*", 2],
  grad: ([a, b], _z, gz) => [mul(gz, b), mul(gz, a)],
  rewrites: [{
    name: "mul_one",
    stage: "canonicalize",
    apply: (node) => {
      const [a, b] = node.inputs, z = node.outputs[0];
      if (isConstantValue(b, 1) && sameType(a, z)) return [a];
      if (isConstantValue(a, 1) && sameType(b, z)) return [b];
      return null;
    },
  }],
});

/** WGSL lanes of int32, int16 and int8 (all i32). */
const i32Lanes = (input: string) => input === "int32" || input === "int16" || input === "int8";

/**
 * WGSL for floor division and Python's modulo, shared by intDiv and mod (the code
 * generator includes one copy). float32 goes through an exact remainder (long division
 * by b scaled by powers of two: every subtraction is exact), because `a - b * trunc(a / b)`
 * in f32 can be off by a whole b when a / b rounds across an integer. The i32 remainder
 * is `a - b * (a / b)`: Mesa's llvmpipe (through wgpu) computes i32 `%` as unsigned.
 */
const DIVMOD_WGSL = `fn H_fmod_f32(a: f32, b: f32) -> f32 {
  let bb = abs(b);
  var r = abs(a);
  if (!(bb > 0.0) || !(r <= 3.4028235e38) || !(bb <= 3.4028235e38)) {
    return select(bitcast<f32>(0x7fc00000u), a, bb > 3.4028235e38 && r <= 3.4028235e38);
  }
  if (r < bb) { return a; }
  var d = ldexp(bb, frexp(r).exp - frexp(bb).exp);
  if (d > r) { d = d * 0.5; }
  loop {
    if (r >= d) { r = r - d; }
    if (d <= bb) { break; }
    d = d * 0.5;
  }
  return select(r, -r, a < 0.0);
}
fn H_mod_f32(a: f32, b: f32) -> f32 {
  let r = H_fmod_f32(a, b);
  return select(r, r + b, r != 0.0 && ((r < 0.0) != (b < 0.0)));
}
fn H_floordiv_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0 || b != b) { return a / b; }
  if (!(abs(a) <= 3.4028235e38)) { return bitcast<f32>(0x7fc00000u); }
  let m = H_fmod_f32(a, b);
  let q = round((a - m) / b);
  return select(q, q - 1.0, m != 0.0 && ((m < 0.0) != (b < 0.0)));
}
fn H_floordiv_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if ((a - b * q != 0) && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn H_mod_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a - b * (a / b);
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}`;

/**
 * Float floor division as NumPy computes it: from the exact remainder (JS `%` is C's
 * fmod), so `1 // 0.1` is 9 (the quotient 10.000000000000002 rounds to 10, but
 * 0.1 × 10 > 1), `-1 // inf` is -1, `inf // 1` is NaN, and `a // 0` is `a / 0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floorDivide } from "./arith.ts";
 * assert(floorDivide(1, 0.1) === 9 && floorDivide(-1, Infinity) === -1 && Number.isNaN(floorDivide(Infinity, 1)));
 * assert(floorDivide(7, -2) === -4 && floorDivide(1, 0) === Infinity && Object.is(floorDivide(-0.5, 2), -1));
 * ```
 */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let d = (a - m) / b;
  if (m !== 0 && (m < 0) !== (b < 0)) d -= 1;
  if (d === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  const f = Math.floor(d);
  return d - f > 0.5 ? f + 1 : f;
}

/** Floor division `a // b`; integer division by zero gives 0, as NumPy does. */
export const intDivOp = defineElemwise({
  name: "int_div",
  arity: 2,
  out: intOut,
  helpers: { floordiv: floorDivide },
  js: ([a, b], input, out) =>
    isInt(input) || input === "bool"
      ? wrapInt(`(${b} === 0 ? 0 : Math.floor(${a} / ${b}))`, out)
      : `H.floordiv(${a}, ${b})`,
  wgsl: ([a, b], input) =>
    input === "float32"
      ? `H_floordiv_f32(${a}, ${b})`
      : i32Lanes(input)
      ? `H_floordiv_i32(${a}, ${b})`
      : undefined,
  wgslHelpers: DIVMOD_WGSL,
  infix: ["//", 2],
  notDifferentiable: "floor division is piecewise constant: its gradient is zero",
});

/** `a % b` with the sign of the divisor, as Python and NumPy compute it. */
export const modOp = defineElemwise({
  name: "mod",
  arity: 2,
  out: intOut,
  helpers: {
    pymod: (a: number, b: number) => {
      if (b === 0) return NaN; // floats, as NumPy (the integer rule gives 0 before calling this)
      const r = a % b;
      return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
    },
  },
  js: ([a, b], input, out) =>
    isInt(input) ? wrapInt(`(${b} === 0 ? 0 : H.pymod(${a}, ${b}))`, out) : `H.pymod(${a}, ${b})`,
  wgsl: ([a, b], input) =>
    input === "float32" ? `H_mod_f32(${a}, ${b})` : i32Lanes(input) ? `H_mod_i32(${a}, ${b})` : undefined,
  wgslHelpers: DIVMOD_WGSL,
  infix: ["%", 2],
  grad: ([a, b], _z, gz) => [gz, neg(mul(gz, intDiv(a, b)))],
});

/** `-a`. */
export const negOp = defineElemwise({
  name: "neg",
  arity: 1,
  out: intOut,
  js: ([a], _i, out) => wrapInt(`-${a}`, out),
  // uint8 lives in a u32 lane, where unary minus does not exist; 0u - a wraps the same way.
  wgsl: ([a], input) => input === "bool" ? undefined : input === "uint8" ? `(0u - ${a})` : `(-${a})`,
  infix: ["-", 0],
  grad: (_x, _z, gz) => [neg(gz)],
  rewrites: [{
    name: "neg_neg",
    stage: "canonicalize",
    apply: (node) => {
      const a = node.inputs[0];
      return ownerName(a) === "neg" && sameType(a.owner!.inputs[0], node.outputs[0])
        ? [a.owner!.inputs[0]]
        : null;
    },
  }],
});

/** `a * a`. */
export const sqrOp = defineElemwise({
  name: "sqr",
  arity: 1,
  out: intOut,
  js: ([a], _i, out) => (out === "int32" ? `Math.imul(${a}, ${a})` : wrapInt(`${a} * ${a}`, out)),
  wgsl: ([a]) => `(${a} * ${a})`,
  grad: ([a], _z, gz) => [mul(mul(gz, 2), a)],
});

/**
 * Elementwise sum, broadcasting by static type; several arguments add left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { add, dvector } from "../mod.ts";
 * const x = dvector("x");
 * assert(add(x, 1, 2).ndim === 1);
 * ```
 */
export function add(a: TensorLike, b: TensorLike, ...more: TensorLike[]): Variable {
  let r = applyElemwise(addOp, [a, b]);
  for (const m of more) r = applyElemwise(addOp, [r, m]);
  return r;
}

/**
 * Elementwise difference.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dscalar, sub } from "../mod.ts";
 * assert(sub(dscalar("a"), 1).dtype === "float64");
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(subOp, [a, b]);
}

/**
 * Elementwise product; several arguments multiply left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fvector, mul } from "../mod.ts";
 * assert(mul(fvector("x"), 2).dtype === "float32");
 * ```
 */
export function mul(a: TensorLike, b: TensorLike, ...more: TensorLike[]): Variable {
  let r = applyElemwise(mulOp, [a, b]);
  for (const m of more) r = applyElemwise(mulOp, [r, m]);
  return r;
}

/**
 * Floor division, `a // b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intDiv, ivector } from "../mod.ts";
 * assert(intDiv(ivector("i"), 2).dtype === "int32");
 * ```
 */
export function intDiv(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(intDivOp, [a, b]);
}

/**
 * Remainder with the sign of the divisor (Python's `%`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, mod } from "../mod.ts";
 * assert(mod(ivector("i"), 3).dtype === "int32");
 * ```
 */
export function mod(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(modOp, [a, b]);
}

/**
 * Negation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, neg } from "../mod.ts";
 * assert(neg(dvector("x")).ndim === 1);
 * ```
 */
export function neg(a: TensorLike): Variable {
  return applyElemwise(negOp, [a]);
}

/**
 * Square.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, sqr } from "../mod.ts";
 * assert(sqr(dvector("x")).ndim === 1);
 * ```
 */
export function sqr(a: TensorLike): Variable {
  return applyElemwise(sqrOp, [a]);
}

/** A scalar constant of a given dtype, for building gradients. */
export function scalarConst(value: number, dtype: DType): Variable {
  return constant(value, { dtype });
}
