/**
 * True division, with its gradient, WGSL and rewrites, including the stabilising
 * `1 / (1 + exp(-x)) -> sigmoid(x)`, so a logistic written out by hand gets sigmoid's
 * overflow-free evaluation and the `log(sigmoid)` rewrites. Apart from arith.ts
 * because it builds sigmoid, whose own file imports arith.ts.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, isConstantValue, ownerName } from "./elemwise.ts";
import { add, mul, neg } from "./arith.ts";
import { sigmoid } from "./sigmoid.ts";

const sameType = (a: Variable, b: Variable) => a.type.equals(b.type);

/** `x` when `v` computes `-x` (as `neg(x)`, `-a - b` or `-1 * x`), else undefined. */
function negated(v: Variable): Variable | undefined {
  const node = v.owner;
  if (!node) return undefined;
  const [a, b] = node.inputs;
  if (node.op.name === "neg") return a;
  if (node.op.name === "sub" && ownerName(a) === "neg") return add(a.owner!.inputs[0], b);
  if (node.op.name === "mul") return isConstantValue(a, -1) ? b : isConstantValue(b, -1) ? a : undefined;
  return undefined;
}

/** `x` when `v` is `exp(-x)`, else undefined. */
function expOfNegated(v: Variable): Variable | undefined {
  return ownerName(v) === "exp" ? negated(v.owner!.inputs[0]) : undefined;
}

/** True division: ints give floats, as in Python 3 and NumPy. */
export const divOp = defineElemwise({
  name: "true_div",
  arity: 2,
  out: "float",
  js: ([a, b]) => `${a} / ${b}`,
  wgsl: ([a, b], input) => input === "float32" ? `(${a} / ${b})` : undefined,
  infix: ["/", 2],
  grad: ([a, b], _z, gz) => [div(gz, b), neg(div(mul(gz, a), mul(b, b)))],
  rewrites: [{
    name: "one_over_one_plus_exp_to_sigmoid",
    stage: "stabilize",
    apply: (node) => {
      const [num, den] = node.inputs;
      if (!isConstantValue(num, 1) || ownerName(den) !== "add") return null;
      const [p, q] = den.owner!.inputs;
      const e = isConstantValue(p, 1) ? q : isConstantValue(q, 1) ? p : undefined;
      const x = e && expOfNegated(e);
      if (!x) return null;
      const s = sigmoid(x);
      return sameType(s, node.outputs[0]) ? [s] : null;
    },
  }, {
    name: "div_one",
    stage: "canonicalize",
    apply: (node) => {
      const [a, b] = node.inputs;
      return isConstantValue(b, 1) && sameType(a, node.outputs[0]) ? [a] : null;
    },
  }],
});

/**
 * True division (integers give floats).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { div, ivector } from "../mod.ts";
 * assert(div(ivector("i"), 2).dtype === "float64");
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(divOp, [a, b]);
}
