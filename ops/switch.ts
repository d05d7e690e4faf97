/**
 * switch(cond, a, b) / where: elementwise choice, Theano's `switch` and NumPy's
 * `where`. The condition may have any dtype (nonzero, NaN included, is true) and is
 * not promoted with the branches: the output dtype is the promotion of `a` and `b`
 * alone (weak numbers adopt the other branch's dtype), and all three broadcast.
 *
 * The op is defined with defineOp rather than defineElemwise because its dtype rule
 * leaves the condition out. Its scalar rule uses `rawInputs`, so each argument keeps
 * its own dtype in the generated code (the code generators pass the output dtype as
 * `input`).
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { Constant, defineOp, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { broadcastShapes, type ElemwiseParams, promote, wgslType } from "./elemwise.ts";

/** True when `v` is a constant whose elements are all true (1) or all false (0), else undefined. */
function constantTruth(v: Variable): boolean | undefined {
  if (!(v instanceof Constant) || v.value.size === 0) return undefined;
  const d = v.value.data;
  const first = d[0] !== 0;
  for (let i = 1; i < d.length; i++) if ((d[i] !== 0) !== first) return undefined;
  return first;
}

/** The elementwise choice (the op): inputs are (cond, a, b). */
export const switchOp = defineOp<ElemwiseParams>({
  name: "switch",
  scalar: {
    arity: 3,
    rawInputs: true,
    // `!== 0` rather than truthiness, so that NaN counts as true, as in NumPy.
    js: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
    // WGSL's bool(e) is false only for zero; branches convert to the output type.
    wgsl: ([c, a, b], _input, out) => {
      const t = wgslType(out);
      return t ? `select(${t}(${b}), ${t}(${a}), bool(${c}))` : undefined;
    },
  },
  inferType(inputs) {
    if (inputs.length !== 3) {
      throw new HypatiaTypeError(`switch takes 3 inputs (cond, a, b), got ${inputs.length}`);
    }
    const [, a, b] = inputs;
    return [new TensorType(promote([a, b]), broadcastShapes("switch", inputs))];
  },
  vjp(node, [gz]) {
    const [cond] = node.inputs;
    return [null, switch_(cond, gz, 0), switch_(cond, 0, gz)];
  },
  format: (args) => `switch(${args.join(", ")})`,
  rewrites: [{
    name: "switch_constant_cond",
    stage: "canonicalize",
    apply(node) {
      const [cond, a, b] = node.inputs;
      const truth = constantTruth(cond);
      if (truth === undefined) return null;
      const pick = truth ? a : b;
      return pick.type.equals(node.outputs[0].type) ? [pick] : null;
    },
  }, {
    name: "switch_same_branches",
    stage: "canonicalize",
    apply(node) {
      const [, a, b] = node.inputs;
      return a === b && a.type.equals(node.outputs[0].type) ? [a] : null;
    },
  }],
});

/**
 * Elementwise choice: `a` where `cond` is nonzero, `b` elsewhere (Theano's `switch`,
 * NumPy's `where`; exported as both `switch` and `where`). `cond` may have any dtype
 * and does not take part in the output dtype, which is that of `a` and `b` promoted
 * together. The gradient flows to `a` where `cond` holds and to `b` elsewhere; `cond`
 * gets none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const relu = T.switch(T.gt(x, 0), x, 0);
 * assert(relu.dtype === "float64");
 * assert(T.switch(x, T.fvector("y"), 1).dtype === "float32");
 * ```
 */
export function switch_(cond: TensorLike, a: TensorLike, b: TensorLike): Variable {
  return switchOp.apply1([asTensor(cond), asTensor(a), asTensor(b)], null);
}
