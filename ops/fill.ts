/**
 * fill(model, value): `value` broadcast to the shape of `model` (Theano's `second`).
 * The gradient seed of `grad` is `fill(cost, 1.0)`; canonicalisation removes it.
 * @module
 */
import { type Apply, Constant, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
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
 * import { dmatrix, fill } from "../mod.ts";
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
 * gives the shape). Otherwise the fill moves above the node, `f(fill(m, v), c)` becoming
 * `fill(m, f(v, c))`, so that a node further up whose other inputs give the shape drops
 * it (Theano's fill sinking). Removes the `fill` terms `grad` leaves in vector graphs too:
 * the gradient of `sum(x ** 3)` becomes `3 * sqr(x)`.
 */
export function fillSink(node: Apply): Variable[] | null {
  if (!node.op.scalar || node.op === fillOp) return null;
  const models: Variable[] = [];
  const inputs = node.inputs.map((v) => {
    if (v.owner?.op !== fillOp) return v;
    models.push(v.owner.inputs[0]);
    return v.owner.inputs[1];
  });
  if (!models.length) return null;
  const want = node.outputs[0].type;
  const out = node.op.make(inputs, node.params, node.origin).outputs[0];
  if (out.type.equals(want)) return [out];
  if (out.dtype !== want.dtype) return null;
  let lifted = out;
  for (const m of models) if (!lifted.type.equals(want)) lifted = fill(m, lifted);
  return lifted.type.equals(want) ? [lifted] : null;
}

/**
 * Canonicalisation hook for every elementwise node: a constant input of one element
 * held in length-1 dimensions (`[3.]`, what fill sinking and folding leave) becomes a
 * 0-d constant when the node's result keeps its type, so it prints as `3.0` and the
 * generated loop reads a number instead of an array.
 */
export function squeezeConstants(node: Apply): Variable[] | null {
  if (!node.op.scalar) return null;
  let changed = false;
  const inputs = node.inputs.map((v) => {
    if (!(v instanceof Constant) || v.ndim === 0 || v.value.size !== 1) return v;
    changed = true;
    return new Constant(new TensorType(v.dtype, []), v.value.reshape([]), v.name, v.weak);
  });
  if (!changed) return null;
  const out = node.op.make(inputs, node.params, node.origin).outputs[0];
  return out.type.equals(node.outputs[0].type) ? [out] : null;
}
