/**
 * fill(model, value): `value` broadcast to the shape of `model` (Theano's `second`).
 * The gradient seed of `grad` is `fill(cost, 1.0)`; canonicalisation removes it.
 * @module
 */
import type { Apply, TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, wrapInt } from "./elemwise.ts";

/** The fill op: output is the second input, broadcast against the first. */
export const fillOp = defineElemwise({
  name: "fill",
  arity: 2,
  accepts: "any",
  rawInputs: true,
  out: (_p, [, value]) => value,
  js: ([, v], _i, out) => (out === "float64" || out === "float32" || out === "int64" ? v : wrapInt(v, out)),
  wgsl: ([, v]) => v,
  grad: (_x, _z, gz) => [null, gz],
  rewrites: [{
    name: "fill_to_value",
    stage: "canonicalize",
    // When the value alone already has the output's type, the model adds nothing.
    apply: (node) => {
      const [, value] = node.inputs;
      return value.type.equals(node.outputs[0].type) ? [value] : null;
    },
  }],
});

/**
 * `value` broadcast to the shape of `model`, with `value`'s dtype.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fill } from "./fill.ts";
 * import { dmatrix } from "./constructors.ts";
 * const ones = fill(dmatrix("m"), 1.0);
 * assert(ones.ndim === 2);
 * ```
 */
export function fill(model: TensorLike, value: TensorLike): Variable {
  return applyElemwise(fillOp, [model, value]);
}

/**
 * Canonicalisation hook for every elementwise node: an input `fill(model, value)` can
 * be replaced by `value` when the node's result keeps its type (another input already
 * gives the shape). Removes the `fill` terms `grad` leaves (Theano's fill sinking).
 */
export function fillSink(node: Apply): Variable[] | null {
  if (!node.op.scalar || node.op === fillOp) return null;
  let changed = false;
  const inputs = node.inputs.map((v) => {
    if (v.owner?.op !== fillOp) return v;
    changed = true;
    return v.owner.inputs[1];
  });
  if (!changed) return null;
  const out = node.op.make(inputs, node.params, node.origin).outputs[0];
  return out.type.equals(node.outputs[0].type) ? [out] : null;
}
