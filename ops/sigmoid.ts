/**
 * The logistic family: sigmoid and softplus, computed stably for every input. These
 * two live apart from erf (special.ts) so that exp_log.ts can build them in its
 * stabilising rewrites (`log(1 + exp(x)) -> softplus(x)`, `log(sigmoid(x)) ->
 * -softplus(-x)`, `log(1 - sigmoid(x)) -> -softplus(x)`, which are rooted at `log` and
 * `log1p` and so live there) without an import cycle: this file imports only
 * elemwise.ts and arith.ts, while erf's gradient needs exp from exp_log.ts.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul, sub } from "./arith.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/**
 * 1 / (1 + e^-x) as one inline expression (no helper call, no data-dependent branch, so
 * a fused loop runs as fast as a hand-written one). In doubles it cannot overflow into
 * NaN: e^-x = Infinity gives 0. Below -708, where 1 + e^x == 1, it returns e^x, which
 * keeps the subnormal tail that 1 / (1 + e^-x) would flush to 0.
 */
const sigmoidExpr = (a: string) => `(${a} < -708 ? Math.exp(${a}) : 1 / (1 + Math.exp(-${a})))`;

/** log(1 + e^x) = log1p(e^-|x|) + max(x, 0): no overflow, no loss for x << 0. */
function softplusJs(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
}

/** The logistic function 1 / (1 + e^-x) (the op). */
export const sigmoidOp = defineElemwise({
  name: "sigmoid",
  arity: 1,
  out: "float",
  js: ([a]) => sigmoidExpr(a),
  wgsl: ([a], i) => f32(i, `H_sigmoid_f32(${a})`),
  wgslHelpers: `fn H_sigmoid_f32(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(1.0 / (1.0 + e), e / (1.0 + e), x < 0.0);
}`,
  grad: (_x, z, gz) => [mul(gz, mul(z, sub(1, z)))],
});

/** log(1 + e^x), computed without overflow (the op). Its derivative is sigmoid. */
export const softplusOp = defineElemwise({
  name: "softplus",
  arity: 1,
  out: "float",
  helpers: { softplus: softplusJs },
  js: ([a]) => `H.softplus(${a})`,
  wgsl: ([a], i) => f32(i, `H_softplus_f32(${a})`),
  // log1p(e) for e = e^-|x| in (0, 1] as 2 atanh(s), s = e / (2 + e) <= 1/3, by its series
  // (truncation error < 3e-9 relative). No rounding trick such as Goldberg's log1p, which
  // shader compilers may reassociate away ((1 + e) - 1 -> e).
  wgslHelpers: `fn H_softplus_f32(x: f32) -> f32 {
  let e = exp(-abs(x));
  let s = e / (2.0 + e);
  let s2 = s * s;
  let p = 1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0));
  let l = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * p)))));
  return l + max(x, 0.0);
}`,
  grad: ([x], _z, gz) => [mul(gz, sigmoid(x))],
});

/**
 * The logistic sigmoid 1 / (1 + e^-x) elementwise, accurate and overflow-free for
 * any x (exactly 0 and 1 at ∓infinity). Integers give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, ivector, sigmoid } from "../mod.ts";
 * assert(sigmoid(dvector("x")).dtype === "float64");
 * assert(sigmoid(ivector("i")).dtype === "float64");
 * ```
 */
export function sigmoid(x: TensorLike): Variable {
  return applyElemwise(sigmoidOp, [x]);
}

/**
 * softplus(x) = log(1 + e^x) elementwise, without overflow for large x (softplus(1000)
 * is 1000) and accurate for very negative x. The compiler also rewrites
 * `log(1 + exp(x))` into it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fvector, softplus } from "../mod.ts";
 * assert(softplus(fvector("x")).dtype === "float32");
 * ```
 */
export function softplus(x: TensorLike): Variable {
  return applyElemwise(softplusOp, [x]);
}
