/**
 * Power, `a ** b`: forward rule, gradient, WGSL and rewrites. Separate from arith.ts
 * because its gradient needs `log`, whose own gradient needs arith.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { asTensor } from "../core/constant.ts";
import { Constant, type TensorLike, type Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, isConstantValue, wrapInt } from "./elemwise.ts";
import { mul, sqr, sub } from "./arith.ts";
import { eq } from "./compare.ts";
import { log } from "./exp_log.ts";
import { switch_ } from "./switch.ts";

const negativePower = (a: number, b: number) =>
  new InputError(
    `pow: integers to negative integer powers are not allowed (${a} ** ${b}), as in NumPy; cast the base to a float dtype`,
  );

/**
 * Integer powers wrapped as NumPy wraps them: square-and-multiply on the low 32 bits
 * (Math.imul), exact for int32 and everything narrower (the caller wraps to the dtype).
 */
function ipow32(a: number, b: number): number {
  if (b < 0) throw negativePower(a, b);
  let r = 1, x = a | 0;
  for (let n = b; n > 0; n = Math.floor(n / 2)) {
    if (n % 2) r = Math.imul(r, x);
    x = Math.imul(x, x);
  }
  return r;
}

/** int64 powers: exact below 2^53 in doubles, else wrapped to 64 bits with BigInt (then stored as a double). */
function ipow64(a: number, b: number): number {
  if (b < 0) throw negativePower(a, b);
  // A product of integers is exact while its magnitude stays within 2^53 (and exceeds it,
  // rounded or not, once it leaves).
  let r = 1, x = a, exact = true;
  for (let n = b; n > 0 && exact; n = Math.floor(n / 2)) {
    if (n % 2) r *= x;
    if (n > 1) x *= x;
    exact = Math.abs(r) <= 2 ** 53 && Math.abs(x) <= 2 ** 53;
  }
  if (exact) return r;
  let big = 1n, bx = BigInt(a);
  for (let n = b; n > 0; n = Math.floor(n / 2)) {
    if (n % 2) big = BigInt.asIntN(64, big * bx);
    bx = BigInt.asIntN(64, bx * bx);
  }
  return Number(big);
}

/** Float powers as C's pow (and NumPy): 1 ** y and (-1) ** ±inf are 1, where JS's `**` gives NaN. */
function fpow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return a ** b;
}

const sameType = (a: Variable, b: Variable) => a.type.equals(b.type);

/** `a ** b`. */
export const powOp = defineElemwise({
  name: "pow",
  arity: 2,
  out: (p) => (p === "bool" ? "int8" : p),
  helpers: { ipow32, ipow64, fpow },
  js: ([a, b], _i, out) =>
    out === "int64"
      ? `H.ipow64(${a}, ${b})`
      : isInt(out)
      ? wrapInt(`H.ipow32(${a}, ${b})`, out)
      : `H.fpow(${a}, ${b})`,
  wgsl: ([a, b], input) => input === "float32" ? `H_pow_f32(${a}, ${b})` : undefined,
  // WGSL's pow is undefined for a negative base; NumPy gives real results for integer exponents.
  // WGSL's pow is exp2(y * log2(x)), undefined at x = 0: give JS's signed 0 or infinity there.
  wgslHelpers: `fn H_pow_f32(x: f32, y: f32) -> f32 {
  if (x == 1.0 || y == 0.0 || (x == -1.0 && abs(y) > 3.4028235e38)) { return 1.0; }
  if (x == 0.0 && y == y) {
    if (y == 0.0) { return 1.0; }
    let mag = select(0.0, bitcast<f32>(0x7f800000u), y < 0.0);
    let odd = y == floor(y) && fract(y * 0.5) != 0.0;
    return select(mag, -mag, odd && bitcast<u32>(x) != 0u);
  }
  if (x >= 0.0) { return pow(x, y); }
  if (y != floor(y)) { return bitcast<f32>(0x7fc00000u); }
  let r = pow(-x, y);
  return select(r, -r, fract(y * 0.5) != 0.0);
}`,
  infix: ["**", 1],
  // d(a ** b)/da = b * a ** (b - 1), which is 0 where b is 0 (not 0 * inf at a = 0).
  grad: (
    [a, b],
    z,
    gz,
  ) => [mul(mul(gz, b), zeroWhereExponentIsZero(b, pow(a, sub(b, 1)))), mul(mul(gz, log(a)), z)],
  rewrites: [{
    name: "pow_one",
    stage: "canonicalize",
    apply: (node) => {
      const [a, b] = node.inputs;
      return isConstantValue(b, 1) && sameType(a, node.outputs[0]) ? [a] : null;
    },
  }, {
    name: "pow_two_to_sqr",
    stage: "specialize",
    apply: (node) => {
      const [a, b] = node.inputs;
      return isConstantValue(b, 2) && sameType(a, node.outputs[0]) ? [sqr(a)] : null;
    },
  }],
});

/** `p`, or 0 where the exponent `b` is 0 (a constant nonzero exponent needs no test). */
function zeroWhereExponentIsZero(b: Variable, p: Variable): Variable {
  if (b instanceof Constant && b.value.data.every((v) => v !== 0)) return p;
  return switch_(eq(b, 0), 0, p);
}

/**
 * Elementwise power. As in NumPy, an integer to a negative integer power is an error
 * (at build time for a constant exponent, else when the function runs), and integer
 * powers wrap around like the dtype's other arithmetic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, pow } from "../mod.ts";
 * assert(pow(dvector("x"), 2).dtype === "float64");
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Variable {
  const base = asTensor(a), exponent = asTensor(b);
  const z = applyElemwise(powOp, [base, exponent]);
  if (isInt(z.dtype) && exponent instanceof Constant && exponent.value.data.some((v) => v < 0)) {
    throw new HypatiaTypeError(
      `pow: integers to negative integer powers are not allowed (exponent ${
        exponent.value.data.find((v) => v < 0)
      }` +
        ` with ${base.describe()}), as in NumPy; cast the base to a float dtype`,
    );
  }
  return z;
}
