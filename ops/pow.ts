/**
 * Power, `a ** b`: forward rule, gradient, WGSL and rewrites. Separate from arith.ts
 * because its gradient needs `log`, whose own gradient needs arith.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, isConstantValue, wrapInt } from "./elemwise.ts";
import { mul, sqr, sub } from "./arith.ts";
import { log } from "./exp_log.ts";

const sameType = (a: Variable, b: Variable) => a.type.equals(b.type);

/** `a ** b`. */
export const powOp = defineElemwise({
  name: "pow",
  arity: 2,
  out: (p) => (p === "bool" ? "int8" : p),
  js: ([a, b], _i, out) => wrapInt(`${a} ** ${b}`, out),
  wgsl: ([a, b], input) => input === "float32" ? `H_pow_f32(${a}, ${b})` : undefined,
  // WGSL's pow is undefined for a negative base; NumPy gives real results for integer exponents.
  // WGSL's pow is exp2(y * log2(x)), undefined at x = 0: give JS's signed 0 or infinity there.
  wgslHelpers: `fn H_pow_f32(x: f32, y: f32) -> f32 {
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
  grad: ([a, b], z, gz) => [mul(mul(gz, b), pow(a, sub(b, 1))), mul(mul(gz, log(a)), z)],
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

/**
 * Elementwise power.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pow } from "./pow.ts";
 * import { dvector } from "./constructors.ts";
 * assert(pow(dvector("x"), 2).dtype === "float64");
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(powOp, [a, b]);
}
