/**
 * Theano's gradient helpers (theano.gradient): ops that are the identity in the forward
 * pass and change only what flows back through them. Each is removed by the optimiser's
 * canonicalisation, so a compiled function never runs them; `grad` and `Rop` see them
 * because they walk the graph as built (grad stabilises the cost first, which keeps
 * them: their removal is a canonicalising rewrite).
 *
 * Forward mode follows Theano's R_op of each op: zeroGrad gives a zero tangent,
 * disconnectedGrad none (disconnected), considerConstant, gradClip and gradScale pass
 * the tangent through unchanged (they are ViewOps there), and undefinedGrad refuses.
 * @module
 */
import { GradError, HypatiaTypeError, InputError } from "../core/errors.ts";
import { asTensor, constant } from "../core/constant.ts";
import { Constant, defineOp, type JVP, type Op, type TensorLike, Variable, type VJP } from "../core/graph.ts";
import { describeValue } from "../core/options.ts";
import { mul } from "./arith.ts";
import { fill } from "./fill.ts";
import { clip } from "./minmax.ts";

/** Params of gradClip: the bounds the gradient is clipped to. */
export interface GradClipParams {
  lower: number;
  upper: number;
}

/** Params of gradScale: the factor the gradient is multiplied by; null: the node's second input. */
export interface GradScaleParams {
  multiplier: number | null;
}

/** An identity op whose node the canonicaliser replaces by its input. */
function gradientMarker<P>(
  name: string,
  vjp: VJP,
  jvp: JVP,
  format?: (params: P) => string,
): Op<P> {
  return defineOp<P>({
    name,
    inferType: ([x]) => [x.type],
    // The value passes through as it is (a view, as Theano's ViewOp).
    perform: ([x]) => [x],
    vjp,
    jvp,
    rewrites: [{ name: `remove_${name}`, stage: "canonicalize", apply: (node) => [node.inputs[0]] }],
    format: (args, params) => `${name}${format ? `{${format(params)}}` : ""}(${args.join(", ")})`,
  });
}

const zeros = (v: Variable) => fill(v, constant(0, { dtype: v.dtype }));
const through: JVP = (_node, [t]) => [t];

/** zeroGrad's op: the gradient through it is zero (the input stays connected). */
export const zeroGradOp: Op<null> = gradientMarker("zero_grad", (node) => [zeros(node.inputs[0])], (node) => [
  zeros(node.outputs[0]),
]);

/** considerConstant's op: as zeroGrad backwards, the identity forwards (Theano's ConsiderConstant). */
export const considerConstantOp: Op<null> = gradientMarker(
  "consider_constant",
  (node) => [zeros(node.inputs[0])],
  through,
);

/**
 * disconnectedGrad's op. Its vjp is never asked: `grad` stops at the node, so an input
 * reached only through it is disconnected (grad's `disconnectedInputs` decides).
 */
export const disconnectedGradOp: Op<null> = gradientMarker(
  "disconnected_grad",
  (node) => {
    throw new GradError(`grad: ${node.where()} is disconnected; grad must not ask for its gradient`);
  },
  () => [null],
);

/** undefinedGrad's op: asking for the gradient (or the tangent) through it is an error. */
export const undefinedGradOp: Op<null> = gradientMarker(
  "undefined_grad",
  (node) => {
    throw new GradError(
      `grad: the gradient through ${node.where()} is undefined: undefinedGrad marks it so; ` +
        `the cost reaches a wrt variable only through it`,
    );
  },
  (node) => {
    throw new GradError(
      `Rop: the derivative through ${node.where()} is undefined: undefinedGrad marks it so`,
    );
  },
);

/** gradClip's op: the gradient is clipped to [lower, upper]. */
export const gradClipOp: Op<GradClipParams> = gradientMarker<GradClipParams>(
  "grad_clip",
  (node, [g]) => {
    const { lower, upper } = node.params as GradClipParams;
    return [clip(g, lower, upper)];
  },
  through,
  (p) => `${p.lower}, ${p.upper}`,
);

/**
 * gradScale's op: the gradient is multiplied by a number (params) or by a symbolic
 * scalar, its second input (a schedule); no gradient flows to that input.
 */
export const gradScaleOp: Op<GradScaleParams> = gradientMarker<GradScaleParams>(
  "grad_scale",
  (node, [g]) => {
    const m = (node.params as GradScaleParams).multiplier;
    return m === null ? [mul(g, node.inputs[1]), null] : [mul(g, m)];
  },
  through,
  (p) => (p.multiplier === null ? "" : `${p.multiplier}`),
);

function number(what: string, name: string, v: unknown): number {
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new InputError(`${what}: ${name} must be a number, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * `x` unchanged, but its gradient is zero: the cost's dependence through it is cut
 * while the variables behind it stay connected (Theano's `zero_grad`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * const g = T.grad(T.mul(T.zeroGrad(T.sqr(x)), x), x); // d/dx of c·x with c = x² held fixed
 * assert.equal(T.function([x], g)(3).item(), 9);
 * ```
 */
export function zeroGrad(x: TensorLike): Variable {
  return zeroGradOp.apply1([asTensor(x)], null);
}

/**
 * `x` unchanged, treated as a constant by `grad` (zero gradient), as Theano's
 * `consider_constant`; the function form of grad's `considerConstant` option, for
 * expressions built before the cost. Theano deprecated it for zeroGrad and
 * disconnectedGrad; its forward-mode derivative is the identity, as there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * const g = T.grad(T.add(T.considerConstant(T.exp(x)), x), x);
 * assert.equal(T.function([x], g)(0).item(), 1);
 * ```
 */
export function considerConstant(x: TensorLike): Variable {
  return considerConstantOp.apply1([asTensor(x)], null);
}

/**
 * `x` unchanged, but no gradient flows back through it: a variable reached only through
 * it is disconnected from the cost, so `grad` raises, warns or gives zeros as its
 * `disconnectedInputs` option says (Theano's `disconnected_grad`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [x, w] = T.dscalars("x", "w");
 * const cost = T.mul(T.disconnectedGrad(T.sqr(x)), w);
 * assert.throws(() => T.grad(cost, x), T.GradError);
 * const g = T.grad(cost, x, { disconnectedInputs: "ignore" });
 * assert.equal(T.function([x], g)(3).item(), 0);
 * ```
 */
export function disconnectedGrad(x: TensorLike): Variable {
  return disconnectedGradOp.apply1([asTensor(x)], null);
}

/**
 * `x` unchanged, with a gradient marked undefined: `grad` raises a GradError naming the
 * node when the gradient of a `wrt` variable would pass through it (Theano's
 * `undefined_grad`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [x, y] = T.dscalars("x", "y");
 * const cost = T.add(T.undefinedGrad(T.sqr(x)), y);
 * assert.equal(T.function([x, y], T.grad(cost, y), { onUnusedInput: "ignore" })(3, 2).item(), 1);
 * assert.throws(() => T.grad(cost, x), /undefined/);
 * ```
 */
export function undefinedGrad(x: TensorLike): Variable {
  return undefinedGradOp.apply1([asTensor(x)], null);
}

/**
 * `x` unchanged, with the gradient flowing back through it clipped elementwise to
 * `[lower, upper]` (Theano's `grad_clip`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * const g = T.grad(T.mul(T.gradClip(x, -1, 1), 5), x); // 5 clipped to 1
 * assert.equal(T.function([x], g)(2).item(), 1);
 * ```
 */
export function gradClip(x: TensorLike, lower: number, upper: number): Variable {
  const lo = number("gradClip", "the lower bound", lower), hi = number("gradClip", "the upper bound", upper);
  if (!(lo <= hi)) throw new InputError(`gradClip: the lower bound ${lo} is above the upper bound ${hi}`);
  return gradClipOp.apply1([asTensor(x)], { lower: lo, upper: hi });
}

/**
 * `x` unchanged, with the gradient flowing back through it multiplied by `multiplier`
 * (Theano's `grad_scale`; -1 gives a gradient-reversal layer): a number, or a symbolic
 * numeric scalar such as a schedule's shared variable (no gradient flows to it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * const g = T.grad(T.sqr(T.gradScale(x, 0.5)), x); // 2x halved
 * assert.equal(T.function([x], g)(3).item(), 3);
 * ```
 */
export function gradScale(x: TensorLike, multiplier: number | Variable): Variable {
  if (multiplier instanceof Variable && !(multiplier instanceof Constant)) {
    if (multiplier.ndim !== 0 || multiplier.dtype === "bool") {
      throw new HypatiaTypeError(
        `gradScale: a symbolic multiplier must be a numeric scalar, got ${multiplier.describe()}`,
      );
    }
    return gradScaleOp.apply1([asTensor(x), multiplier], { multiplier: null });
  }
  const value = multiplier instanceof Constant && multiplier.ndim === 0
    ? Number(multiplier.value.data[0])
    : multiplier;
  const m = number("gradScale", "the multiplier", value);
  return gradScaleOp.apply1([asTensor(x)], { multiplier: m });
}
