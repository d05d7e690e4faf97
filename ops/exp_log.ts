/**
 * Exponentials, logarithms and square root, with their gradients, WGSL and the
 * rewrites rooted at them (`log(exp(x)) -> x`, `exp(log(x)) -> x`, `log(1 + x) -> log1p(x)`,
 * `log(softmax(x)) -> logSoftmax(x)`, and the softplus ones: `log(1 + exp(x))` ->
 * `softplus(x)` (via `log1p(exp(x))`), `log(sigmoid(x)) -> -softplus(-x)`,
 * `log(1 - sigmoid(x)) -> -softplus(x)`; sigmoid.ts builds those and imports no exp_log).
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, isConstantValue, ownerName } from "./elemwise.ts";
import { add, mul, neg, sub } from "./arith.ts";
import { div } from "./div.ts";
import { ge } from "./compare.ts";
import { switch_ } from "./switch.ts";
import { constant } from "../core/constant.ts";
import { logSoftmaxOp, type SoftmaxParams } from "./softmax.ts";
import { sigmoid, softplus } from "./sigmoid.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/** Unwrap `f(x)` when `v` is the output of the op named `name`. */
function inputOf(v: Variable, name: string): Variable | undefined {
  return ownerName(v) === name ? v.owner!.inputs[0] : undefined;
}

/** e^x (the op). */
export const expOp = defineElemwise({
  name: "exp",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.exp(${a})`,
  wgsl: ([a], i) => f32(i, `exp(${a})`),
  grad: (_x, z, gz) => [mul(gz, z)],
  rewrites: [{
    // exp(log(x)) is x where log is defined; a negative x (or NaN) stays NaN, as the
    // unrewritten graph gives (NumPy's value), not x itself.
    name: "exp_log",
    stage: "canonicalize",
    apply: (node) => {
      const inner = inputOf(node.inputs[0], "log");
      if (!inner || !inner.type.equals(node.outputs[0].type)) return null;
      return [switch_(ge(inner, 0), inner, constant(Number.NaN, { dtype: inner.dtype }))];
    },
  }],
});

/** The f32 expm1 of WGSL (see expm1Op), shared with log1mexp. */
export const EXPM1_WGSL = `fn H_expm1_f32(x: f32) -> f32 {
  if (abs(x) < 1.0) {
    return x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0
      + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0 + x * (1.0 / 3628800.0
      + x * (1.0 / 39916800.0 + x * (1.0 / 479001600.0))))))))))));
  }
  return exp(x) - 1.0;
}`;

/** e^x - 1, accurate near 0 (the op). */
export const expm1Op = defineElemwise({
  name: "expm1",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.expm1(${a})`,
  // exp(x) - 1 loses digits for |x| < 1 (by up to hundreds of ulps at 0.003): use the
  // Taylor polynomial to x^12 there (truncation < 2e-10 relative); exp(x) - 1 outside.
  wgsl: ([a], i) => f32(i, `H_expm1_f32(${a})`),
  wgslHelpers: EXPM1_WGSL,
  grad: ([x], _z, gz) => [mul(gz, exp(x))],
});

/** Natural logarithm (the op). */
export const logOp = defineElemwise({
  name: "log",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.log(${a})`,
  wgsl: ([a], i) => f32(i, `log(${a})`),
  grad: ([x], _z, gz) => [div(gz, x)],
  rewrites: [{
    name: "log_exp",
    stage: "canonicalize",
    apply: (node) => {
      const inner = inputOf(node.inputs[0], "exp");
      return inner && inner.type.equals(node.outputs[0].type) ? [inner] : null;
    },
  }, {
    // log(1 - e^x) loses everything for x near 0 and is log(0) below -37; log1mexp does not.
    name: "log_one_minus_exp_to_log1mexp",
    stage: "stabilize",
    apply: (node) => {
      const s = node.inputs[0];
      if (ownerName(s) !== "sub" || !isConstantValue(s.owner!.inputs[0], 1)) return null;
      const x = inputOf(s.owner!.inputs[1], "exp");
      return x ? sameTypeOr(log1mexp(x), node) : null;
    },
  }, {
    // log(-expm1(x)) = log(1 - e^x), still log(0) below -37.
    name: "log_neg_expm1_to_log1mexp",
    stage: "stabilize",
    apply: (node) => {
      const s = inputOf(node.inputs[0], "neg");
      const x = s && inputOf(s, "expm1");
      return x ? sameTypeOr(log1mexp(x), node) : null;
    },
  }, {
    // log(e^a + e^b) overflows for a or b above ~709 (float64); logaddexp does not.
    name: "log_exp_plus_exp_to_logaddexp",
    stage: "stabilize",
    apply: (node) => {
      const s = node.inputs[0];
      if (ownerName(s) !== "add" || s.owner!.inputs.length !== 2) return null;
      const [a, b] = s.owner!.inputs.map((v) => inputOf(v, "exp"));
      return a && b ? sameTypeOr(logaddexp(a, b), node) : null;
    },
  }, {
    name: "log_one_plus_to_log1p",
    stage: "stabilize",
    apply: (node) => {
      const s = node.inputs[0];
      if (ownerName(s) !== "add") return null;
      const [a, b] = s.owner!.inputs;
      const other = isConstantValue(a, 1) ? b : isConstantValue(b, 1) ? a : undefined;
      if (!other) return null;
      const r = log1p(other);
      return r.type.equals(node.outputs[0].type) ? [r] : null;
    },
  }, {
    // log(softmax(x)) underflows to -inf where softmax does; logSoftmax does not.
    name: "log_softmax",
    stage: "stabilize",
    apply: (node) => {
      const s = node.inputs[0];
      if (ownerName(s) !== "softmax") return null;
      const r = logSoftmaxOp.apply1([s.owner!.inputs[0]], s.owner!.params as SoftmaxParams);
      return r.type.equals(node.outputs[0].type) ? [r] : null;
    },
  }, {
    // log(sigmoid(x)) underflows to -inf for x << 0; -softplus(-x) does not.
    name: "log_sigmoid_to_softplus",
    stage: "stabilize",
    apply: (node) => {
      const x = inputOf(node.inputs[0], "sigmoid");
      return x ? sameTypeOr(neg(softplus(neg(x))), node) : null;
    },
  }, {
    // log(1 - sigmoid(x)) = log(sigmoid(-x)) = -softplus(x).
    name: "log_one_minus_sigmoid_to_softplus",
    stage: "stabilize",
    apply: (node) => {
      const s = node.inputs[0];
      if (ownerName(s) !== "sub" || !isConstantValue(s.owner!.inputs[0], 1)) return null;
      const x = inputOf(s.owner!.inputs[1], "sigmoid");
      return x ? sameTypeOr(neg(softplus(x)), node) : null;
    },
  }],
});

/** `[r]` when `r` has the type of the node's output, else null (leave the node). */
function sameTypeOr(r: Variable, node: { outputs: readonly Variable[] }): Variable[] | null {
  return r.type.equals(node.outputs[0].type) ? [r] : null;
}

/**
 * WGSL's log may be off by 2^-21 absolute near 1 (llvmpipe: thousands of ulps of
 * log1p(1e-4)), so no log(1 + x) there: log1p(x) = 2 atanh(s), s = x / (2 + x), whose
 * series in s^2 <= 1/9 converges fast for x in [-0.5, 1]; log(1 + x) outside. Shared
 * with the ops built on log1p (hyperbolic.ts); the code generator includes it once.
 */
export const LOG1P_WGSL = `fn H_log1p_f32(x: f32) -> f32 {
  if (x < -0.5 || x > 1.0) { return log(1.0 + x); }
  let s = x / (2.0 + x);
  let s2 = s * s;
  return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0
    + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0))))))));
}`;

/** log(1 + x), accurate near 0 (the op). */
export const log1pOp = defineElemwise({
  name: "log1p",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.log1p(${a})`,
  wgsl: ([a], i) => f32(i, `H_log1p_f32(${a})`),
  wgslHelpers: LOG1P_WGSL,
  grad: ([x], _z, gz) => [div(gz, add1(x))],
  rewrites: [{
    // log1p(exp(x)) overflows for x > ~709 (float64); softplus(x) does not.
    name: "log1p_exp_to_softplus",
    stage: "stabilize",
    apply: (node) => {
      const x = inputOf(node.inputs[0], "exp");
      return x ? sameTypeOr(softplus(x), node) : null;
    },
  }, {
    // log1p(-e^x) = log(1 - e^x): log1mexp keeps the digits for x near 0.
    name: "log1p_neg_exp_to_log1mexp",
    stage: "stabilize",
    apply: (node) => {
      const s = inputOf(node.inputs[0], "neg");
      const x = s && inputOf(s, "exp");
      return x ? sameTypeOr(log1mexp(x), node) : null;
    },
  }, {
    // log1p(-sigmoid(x)) = log(1 - sigmoid(x)) = -softplus(x).
    name: "log1p_neg_sigmoid_to_softplus",
    stage: "stabilize",
    apply: (node) => {
      const s = inputOf(node.inputs[0], "neg");
      const x = s && inputOf(s, "sigmoid");
      return x ? sameTypeOr(neg(softplus(x)), node) : null;
    },
  }],
});

/** Base-2 logarithm (the op). */
export const log2Op = defineElemwise({
  name: "log2",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.log2(${a})`,
  wgsl: ([a], i) => f32(i, `log2(${a})`),
  grad: ([x], _z, gz) => [div(gz, mul(x, Math.LN2))],
});

/** Square root (the op). */
export const sqrtOp = defineElemwise({
  name: "sqrt",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.sqrt(${a})`,
  wgsl: ([a], i) => f32(i, `sqrt(${a})`),
  grad: (_x, z, gz) => [div(gz, mul(z, 2))],
});

/** log(e^a + e^b) in float64 without overflow: max + log1p(e^-|a - b|); equal values (±inf too) give a + ln 2. */
export function logaddexpJs(a: number, b: number): number {
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * log(1 - e^x) for x <= 0 (Mächler's rule: log(-expm1(x)) above -ln 2, where e^x is near 1,
 * log1p(-e^x) below, where it is small); -inf at 0, NaN above.
 */
export function log1mexpJs(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(e^a + e^b) (the op). d/da = e^(a - z) = sigmoid(a - b). */
export const logaddexpOp = defineElemwise({
  name: "logaddexp",
  arity: 2,
  out: "float",
  helpers: { logaddexp: logaddexpJs },
  js: ([a, b]) => `H.logaddexp(${a}, ${b})`,
  wgsl: ([a, b], i) => f32(i, `H_logaddexp_f32(${a}, ${b})`),
  wgslHelpers: `${LOG1P_WGSL}
fn H_logaddexp_f32(a: f32, b: f32) -> f32 {
  if (a == b) { return a + 0.6931471805599453; }
  return max(a, b) + H_log1p_f32(exp(-abs(a - b)));
}`,
  grad: ([a, b], _z, gz) => [mul(gz, sigmoid(sub(a, b))), mul(gz, sigmoid(sub(b, a)))],
});

/** log(1 - e^x) (the op); NaN above 0. d/dx = -e^x / (1 - e^x) = -1 / expm1(-x). */
export const log1mexpOp = defineElemwise({
  name: "log1mexp",
  arity: 1,
  out: "float",
  helpers: { log1mexp: log1mexpJs },
  js: ([a]) => `H.log1mexp(${a})`,
  wgsl: ([a], i) => f32(i, `H_log1mexp_f32(${a})`),
  wgslHelpers: `${LOG1P_WGSL}
${EXPM1_WGSL}
fn H_log1mexp_f32(x: f32) -> f32 {
  if (x > 0.0) { return bitcast<f32>(0x7fc00000u); } // WGSL leaves log of a negative undefined
  if (x > -0.6931471805599453) { return log(-H_expm1_f32(x)); }
  return H_log1p_f32(-exp(x));
}`,
  grad: ([x], _z, gz) => [neg(div(gz, expm1(neg(x))))],
});

function add1(x: Variable): Variable {
  return add(x, 1);
}

/**
 * e^x elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, exp } from "../mod.ts";
 * assert(exp(dvector("x")).dtype === "float64");
 * ```
 */
export function exp(x: TensorLike): Variable {
  return applyElemwise(expOp, [x]);
}

/**
 * e^x - 1 elementwise, accurate for small x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, expm1 } from "../mod.ts";
 * assert(expm1(dvector("x")).ndim === 1);
 * ```
 */
export function expm1(x: TensorLike): Variable {
  return applyElemwise(expm1Op, [x]);
}

/**
 * Natural logarithm elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, log } from "../mod.ts";
 * assert(log(ivector("i")).dtype === "float64");
 * ```
 */
export function log(x: TensorLike): Variable {
  return applyElemwise(logOp, [x]);
}

/**
 * log(1 + x) elementwise, accurate for small x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fvector, log1p } from "../mod.ts";
 * assert(log1p(fvector("x")).dtype === "float32");
 * ```
 */
export function log1p(x: TensorLike): Variable {
  return applyElemwise(log1pOp, [x]);
}

/**
 * Base-2 logarithm elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, log2 } from "../mod.ts";
 * assert(log2(dvector("x")).ndim === 1);
 * ```
 */
export function log2(x: TensorLike): Variable {
  return applyElemwise(log2Op, [x]);
}

/**
 * Square root elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, sqrt } from "../mod.ts";
 * assert(sqrt(dvector("x")).ndim === 1);
 * ```
 */
export function sqrt(x: TensorLike): Variable {
  return applyElemwise(sqrtOp, [x]);
}

/**
 * log(e^a + e^b) elementwise, without overflow or underflow (NumPy's `logaddexp`):
 * `logaddexp(1000, 1000)` is 1000 + ln 2. The compiler also rewrites `log(exp(a) + exp(b))`
 * into it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = [T.dvector("a"), T.dvector("b")];
 * const f = T.function([a, b], T.logaddexp(a, b));
 * assert.deepEqual(Array.from(f([1000, -Infinity], [1000, 0]).data), [1000 + Math.LN2, 0]);
 * ```
 */
export function logaddexp(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(logaddexpOp, [a, b]);
}

/**
 * log(1 - e^x) elementwise, accurate for every x <= 0 (-inf at 0, NaN above). The compiler
 * also rewrites `log(1 - exp(x))`, `log1p(-exp(x))` and `log(-expm1(x))` into it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.function([x], T.log1mexp(x))([-1e-20, -50, 0]).data;
 * assert(Math.abs(y[0] - Math.log(1e-20)) < 1e-13 && y[1] === -Math.exp(-50) && y[2] === -Infinity);
 * ```
 */
export function log1mexp(x: TensorLike): Variable {
  return applyElemwise(log1mexpOp, [x]);
}
