/**
 * Reverse-mode differentiation: `grad(cost, wrt)`. Walks the graph from the cost back
 * to `wrt`, asking each op's `vjp` for its inputs' gradients. Gradients are graphs, so
 * they can be differentiated again and are simplified by the compiler's rewrites.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import { floatX } from "../core/config.ts";
import { GradError } from "../core/errors.ts";
import { constant } from "../core/constant.ts";
import { anyValue, bool, checkOptions, describeValue, list, oneOf } from "../core/options.ts";
import { markUses, toposort } from "../core/walk.ts";
import { rewriteGraph } from "../core/rewrite.ts";
import { type Apply, atUserCall, Constant, type Variable, withOrigin } from "../core/graph.ts";
import { add } from "../ops/arith.ts";
import { cast } from "../ops/cast.ts";
import { fill } from "../ops/fill.ts";
import { disconnectedGradOp } from "../ops/grad_helpers.ts";
import { sum } from "../ops/reduce.ts";

/** Options of `grad`, as in Theano. */
export interface GradOptions {
  /** Variables treated as constants: no gradient flows through them (one that is also a wrt gets its own). */
  considerConstant?: Variable[];
  /** What to do when a `wrt` variable does not influence the cost. Default "raise". */
  disconnectedInputs?: "raise" | "warn" | "ignore";
  /**
   * Gradients already known for some variables (pairs or a Map). A variable listed here
   * has exactly the gradient given, as in Theano: what flows back to it from the cost is
   * not added (the cost's own entry replaces the default gradient of 1).
   */
  knownGrads?: Map<Variable, Variable> | [Variable, Variable][];
  /**
   * Differentiate the cost after the stabilising rewrites (default true), so that e.g.
   * the gradient of `log(1 / (1 + exp(-z)))` is `sigmoid(-z)`, finite for every z.
   */
  stabilize?: boolean;
}

/** What each option of `grad` must be (Lop and the Jacobians reuse entries). */
export const GRAD_OPTIONS = {
  considerConstant: list,
  disconnectedInputs: oneOf("raise", "warn", "ignore"),
  knownGrads: anyValue, // pairs or a Map, checked below
  stabilize: bool,
};

/**
 * Theano's third positional argument is `consider_constant`: `grad(cost, w, [b])` is
 * `grad(cost, w, { considerConstant: [b] })`.
 */
function gradOptions(options: GradOptions | Variable[] | undefined): GradOptions {
  if (Array.isArray(options)) return { considerConstant: options };
  return checkOptions("grad", options, GRAD_OPTIONS) ?? {};
}

/** The cost with the stabilising rewrites applied (no other change). */
function stabilize(cost: Variable): Variable {
  return rewriteGraph([cost], { stages: new Set(["stabilize"]), merge: false })[0];
}

/** Sum a gradient over the axes its input was broadcast along, and match its dtype. */
export function fitGradient(g: Variable, input: Variable): Variable {
  let r = g;
  if (r.ndim > input.ndim) r = sum(r, [...Array(r.ndim - input.ndim).keys()]);
  const summed: number[] = [];
  for (let d = 0; d < input.ndim; d++) {
    if (input.type.shape[d] === 1 && r.type.shape[d] !== 1) summed.push(d);
  }
  if (summed.length) r = sum(r, summed, { keepdims: true });
  // A gradient that is broadcastable where the input is not must be expanded.
  if (r.ndim < input.ndim || r.type.shape.some((d, i) => d === 1 && input.type.shape[i] !== 1)) {
    r = fill(input, r);
  }
  if (r.dtype !== input.dtype && isFloat(input.dtype)) r = cast(r, input.dtype);
  return r;
}

function keep(a: Variable | undefined, b: Variable): Variable {
  return a ? add(a, b) : b;
}

/**
 * Gradient of a scalar `cost` with respect to one variable or a list (then a list in
 * the same order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dscalar, grad, pow } from "../mod.ts";
 * const x = dscalar("x");
 * const gy = grad(pow(x, 2), x);
 * assert(gy.ndim === 0 && gy.dtype === "float64");
 * ```
 */
export function grad(cost: Variable | null, wrt: Variable, options?: GradOptions | Variable[]): Variable;
/**
 * Gradients of `cost` with respect to each variable of `wrt`, in the same order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dscalars, grad, mul } from "../mod.ts";
 * const [x, y] = dscalars("x", "y");
 * const [gx, gy] = grad(mul(x, y), [x, y]); // y and x
 * assert(gx.ndim === 0 && gy.ndim === 0);
 * ```
 */
export function grad(cost: Variable | null, wrt: Variable[], options?: GradOptions | Variable[]): Variable[];
export function grad(
  cost: Variable | null,
  wrt: Variable | Variable[],
  optionsOrConstants?: GradOptions | Variable[],
): Variable | Variable[] {
  return gradOf(cost, wrt, optionsOrConstants, false);
}

/**
 * The gradients of `wrt` from output gradients `known` alone, each variable receiving the
 * sum of its known gradient and what flows back to it from the others (the rule a
 * backward step needs: a scan body's state next value that also feeds a collected
 * output gets both signals). Theano's scan gets the same by differentiating copies of
 * the outputs; the public `knownGrads` keeps Theano's replacing rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { gradFromOutputs } from "./grad.ts";
 * const x = T.dscalar("x"), h = T.mul(x, 3), y = T.mul(h, 2);
 * const [gx] = gradFromOutputs([[h, T.constant(1)], [y, T.constant(1)]], [x]);
 * assert.equal(T.function([x], gx!)(1).item(), 9); // (1 + 2) · 3
 * ```
 */
export function gradFromOutputs(known: [Variable, Variable][], wrt: Variable[]): Variable[] {
  return gradOf(null, wrt, { knownGrads: known, disconnectedInputs: "ignore" }, true) as Variable[];
}

function gradOf(
  cost: Variable | null,
  wrt: Variable | Variable[],
  optionsOrConstants: GradOptions | Variable[] | undefined,
  sumKnown: boolean,
): Variable | Variable[] {
  return atUserCall(() => {
    const options = gradOptions(optionsOrConstants);
    const list = Array.isArray(wrt) ? wrt : [wrt];
    if (
      options.knownGrads !== undefined && !(options.knownGrads instanceof Map) &&
      !Array.isArray(options.knownGrads)
    ) {
      throw new GradError(
        `grad: knownGrads must be [variable, gradient] pairs or a Map, got ${
          describeValue(options.knownGrads)
        }`,
      );
    }
    const known = new Map(options.knownGrads ?? []);
    if (cost !== null) {
      if (cost.ndim !== 0) {
        throw new GradError(
          `grad: the cost must be a scalar, but ${cost.describe()} has ${cost.ndim} dimensions; sum it or use jacobian`,
        );
      }
      if (!isFloat(cost.dtype)) {
        throw new GradError(
          `grad: the cost ${cost.describe()} is ${cost.dtype}; an integer cost has no gradient`,
        );
      }
    } else if (known.size === 0) {
      throw new GradError("grad: give a cost or knownGrads");
    }
    for (const w of list) {
      if (!w || typeof w !== "object" || !("type" in w)) {
        throw new GradError(`grad: wrt must be variables, got ${describeValue(w)}`);
      }
    }
    for (const c of options.considerConstant ?? []) {
      if (!c || typeof c !== "object" || !("type" in c)) {
        throw new GradError(`grad: considerConstant must list variables, got ${describeValue(c)}`);
      }
    }
    const constants = new Set(options.considerConstant ?? []);
    // Differentiate the numerically stabilised cost (log(sigmoid) -> -softplus(-x) …), so the
    // gradient is stable too — unless the caller refers to intermediate variables.
    const refersInside = [...constants, ...known.keys()].some((v) => v.owner);
    if (cost && !refersInside && options.stabilize !== false) cost = stabilize(cost);
    const roots = [...(cost ? [cost] : []), ...known.keys()];
    const nodes = toposort(roots, constants);

    // Only variables that depend on a wrt variable need gradients.
    const wrtSet = new Set(list);
    const relevant = new Set<Variable>(list);
    for (const node of nodes) {
      if (node.inputs.some((i) => relevant.has(i))) { for (const o of node.outputs) relevant.add(o); }
    }

    const grads = new Map<Variable, Variable>();
    if (cost) {
      grads.set(cost, fill(cost, constant(1.0, { dtype: isFloat(cost.dtype) ? cost.dtype : floatX() })));
    }
    for (const [v, g] of known) grads.set(v, sumKnown ? keep(grads.get(v), g) : g);

    // Variables the cost depends on through an op with a zero gradient (floor, argmax,
    // comparisons…): connected, so they get zeros rather than a "disconnected" error.
    const zeroConnected = new Set<Variable>();
    for (let k = nodes.length - 1; k >= 0; k--) {
      const node = nodes[k];
      // disconnectedGrad: nothing flows back through it, not even zeros.
      if (node.op === disconnectedGradOp) continue;
      const hasGrad = node.outputs.some((o) => grads.has(o));
      if (!hasGrad && !node.outputs.some((o) => zeroConnected.has(o))) continue;
      // A constant stops the walk, but one that is also a wrt still gets its own gradient
      // (Theano's rule, which subgraphGrad's end variables rely on).
      const receives = (i: Variable) => relevant.has(i) && (!constants.has(i) || wrtSet.has(i));
      if (!node.inputs.some(receives)) continue;
      const inGrads = hasGrad
        ? vjpOf(node, node.outputs.map((o) => grads.get(o) ?? fill(o, constant(0, { dtype: o.dtype }))))
        : node.inputs.map(() => null);
      withOrigin(node.origin, () =>
        node.inputs.forEach((input, i) => {
          const g = inGrads[i];
          if (!receives(input)) return;
          if (!g) {
            zeroConnected.add(input);
            return;
          }
          if (!isFloat(input.dtype) && !wrtSet.has(input)) return; // integers carry no gradient
          if (!sumKnown && known.has(input)) return; // its gradient is the one given (Theano's rule)
          grads.set(input, keep(grads.get(input), fitGradient(g, input)));
        }));
    }

    const out = list.map((w) => {
      const g = grads.get(w);
      // An integer variable only moves the cost in steps: its gradient is zero (as Theano
      // says), in floatX, wherever the cost depends on it.
      if (g && !isFloat(w.dtype)) return fill(w, constant(0, { dtype: floatX() }));
      if (g) return g.dtype === w.dtype ? g : cast(g, w.dtype);
      const policy = zeroConnected.has(w) ? "ignore" : options.disconnectedInputs ?? "raise";
      const msg = `grad: the cost does not depend on ${w.describe()}` +
        (w instanceof Constant ? " (it is a constant)" : "") +
        `; pass disconnectedInputs: "ignore" to get zeros`;
      if (policy === "raise") throw new GradError(msg);
      if (policy === "warn") console.warn(`warning: ${msg}`);
      return fill(w, constant(0, { dtype: isFloat(w.dtype) ? w.dtype : floatX() }));
    });
    out.forEach((g, k) => markUses(g, [list[k]]));
    return Array.isArray(wrt) ? out : out[0];
  });
}

function vjpOf(node: Apply, outGrads: Variable[]): (Variable | null)[] {
  // The gradient's nodes point at the user's line of the node they differentiate.
  if (node.op.vjp) return withOrigin(node.origin, () => node.op.vjp!(node, outGrads));
  if (node.op.notDifferentiable) return node.inputs.map(() => null);
  throw new GradError(`grad: ${node.where()} has no gradient rule`);
}
