/**
 * `jacobian` and `hessian`, built on `scan` exactly like Theano's: one step per
 * element of the (vector) expression, each taking the gradient of that element.
 * @module
 */
import { GradError } from "../core/errors.ts";
import { checkOptions } from "../core/options.ts";
import { atUserCall, type Variable } from "../core/graph.ts";
import { markUses } from "../core/walk.ts";
import { arange } from "../ops/alloc.ts";
import { shapeOf } from "../ops/shape.ts";
import { get } from "../ops/subtensor.ts";
import { grad, GRAD_OPTIONS, type GradOptions } from "./grad.ts";
import { scan } from "./scan.ts";

/** Options of `jacobian` and `hessian`, as for `grad`. */
export type JacobianOptions = Pick<GradOptions, "considerConstant" | "disconnectedInputs">;

const JACOBIAN_OPTIONS = {
  considerConstant: GRAD_OPTIONS.considerConstant,
  disconnectedInputs: GRAD_OPTIONS.disconnectedInputs,
};

const listOf = (v: Variable | Variable[]): Variable[] => (Array.isArray(v) ? v : [v]);

/**
 * The Jacobian of a vector `expression` with respect to `wrt` (one variable or a list,
 * then a list): row `i` is the gradient of `expression[i]`, so the result has shape
 * `(len(expression), ...wrt.shape)`. A scalar expression gives its gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.jacobian(T.pow(x, 2), x));
 * assert(f([4, 4]).toString() === "[[8. 0.]\n [0. 8.]]");
 * ```
 */
export function jacobian(expression: Variable, wrt: Variable, options?: JacobianOptions): Variable;
/**
 * The Jacobians of `expression` with respect to each variable of `wrt`, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvectors, jacobian, mul } from "../mod.ts";
 * const [x, y] = dvectors("x", "y");
 * const [jx, jy] = jacobian(mul(x, y), [x, y]); // diag(y) and diag(x)
 * assert(jx.ndim === 2 && jy.ndim === 2);
 * ```
 */
export function jacobian(expression: Variable, wrt: Variable[], options?: JacobianOptions): Variable[];
export function jacobian(
  expression: Variable,
  wrt: Variable | Variable[],
  options: JacobianOptions = {},
): Variable | Variable[] {
  return atUserCall(() => {
    checkOptions("jacobian", options, JACOBIAN_OPTIONS);
    const ws = listOf(wrt);
    if (expression.ndim === 0) {
      const g = grad(expression, ws, options);
      return Array.isArray(wrt) ? g : g[0];
    }
    if (expression.ndim !== 1) {
      throw new GradError(
        `jacobian: the expression must be a vector, but ${expression.describe()} has ${expression.ndim} dimensions; flatten it first`,
      );
    }
    const [rows] = scan({
      fn: (i: Variable, y: Variable, ...xs: Variable[]) => xs.map((x) => grad(get(y, i), x, options)),
      sequences: arange(get(shapeOf(expression), 0)),
      nonSequences: [expression, ...ws],
      name: "jacobian",
    });
    ws.forEach((w, k) => markUses(rows[k], [w]));
    return Array.isArray(wrt) ? rows : rows[0];
  });
}

/**
 * The Hessian of a scalar `cost` with respect to each vector in `wrt` (one variable or
 * a list, then a list of matrices): the Jacobian of the gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.hessian(T.sum(T.pow(x, 2)), x));
 * assert(f([4, 4]).toString() === "[[2. 0.]\n [0. 2.]]");
 * ```
 */
export function hessian(cost: Variable, wrt: Variable, options?: JacobianOptions): Variable;
/**
 * The Hessians of `cost` with respect to each vector of `wrt`, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dot, dvectors, hessian } from "../mod.ts";
 * const [x, y] = dvectors("x", "y");
 * const [hx, hy] = hessian(dot(x, y), [x, y]); // zero matrices: the cost is linear in each
 * assert(hx.ndim === 2 && hy.ndim === 2);
 * ```
 */
export function hessian(cost: Variable, wrt: Variable[], options?: JacobianOptions): Variable[];
export function hessian(
  cost: Variable,
  wrt: Variable | Variable[],
  options: JacobianOptions = {},
): Variable | Variable[] {
  return atUserCall(() => {
    checkOptions("hessian", options, JACOBIAN_OPTIONS);
    const out = listOf(wrt).map((x) => {
      if (x.ndim !== 1) {
        throw new GradError(`hessian: wrt must be vectors, but ${x.describe()} has ${x.ndim} dimensions`);
      }
      const gx = grad(cost, x, options);
      const [h] = scan({
        fn: (i: Variable, gy: Variable, x: Variable) =>
          grad(get(gy, i), x, { considerConstant: options.considerConstant, disconnectedInputs: "ignore" }),
        sequences: arange(get(shapeOf(gx), 0)),
        nonSequences: [gx, x],
        name: "hessian",
      });
      return markUses(h, [x]);
    });
    return Array.isArray(wrt) ? out : out[0];
  });
}
