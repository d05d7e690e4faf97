/**
 * A gradient that exists but is not implemented (Theano's `grad_not_implemented`): an op
 * whose value is a placeholder of its input's type and which refuses to run. A vjp returns
 * it for such an input; when nobody asks for that gradient, its node is never part of a
 * compiled graph, and when somebody does, the compiled function refuses to run with the
 * reason, rather than return a zero that would be a wrong answer.
 * @module
 */
import { GradError } from "../core/errors.ts";
import { defineOp, type Op, TensorType, type Variable } from "../core/graph.ts";

/** Params: what has no gradient, and why. */
export interface GradUndefinedParams {
  reason: string;
}

/** The placeholder op (see the module comment). */
export const gradUndefinedOp: Op<GradUndefinedParams> = defineOp<GradUndefinedParams>({
  name: "grad_undefined",
  notFoldable: "running it is the error it stands for",
  inferType: ([x]) => [new TensorType(x.dtype, x.type.shape)],
  perform: (_inputs, params) => {
    throw new GradError(params.reason);
  },
  notDifferentiable: "it stands for a gradient that is not implemented",
  format: ([x], params) => `grad_undefined(${x}, ${JSON.stringify(params.reason)})`,
});

/**
 * A placeholder for the gradient with respect to `x` that refuses to run, saying `reason`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { gradUndefined } from "./grad_undefined.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], gradUndefined(x, "f: no gradient with respect to x"));
 * assert.throws(() => f([1]), /f: no gradient with respect to x/);
 * ```
 */
export function gradUndefined(x: Variable, reason: string): Variable {
  return gradUndefinedOp.apply1([x], { reason });
}
