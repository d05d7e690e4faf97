/**
 * The fused elementwise op: a small expression DAG of elementwise steps, made by the
 * fusion rewrite (compile/fusion.ts) and run as one loop by each backend's code
 * generator. Users never build it by hand, and it is never differentiated (fusion
 * runs after autodiff).
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { type Apply, defineOp, type Op, type ScalarRule, TensorType } from "../core/graph.ts";
import { broadcastShapes, promote } from "./elemwise.ts";

/**
 * One step of a fused loop. `args` refer to the group's inputs (0..nIn-1) or to
 * earlier steps (nIn + step index).
 */
export interface FusedStep {
  op: Op;
  args: number[];
  /** dtype the arguments are converted to before the rule applies. */
  input: DType;
  /** dtype of the step's result. */
  out: DType;
}

/** Params of a fused node. `key` identifies the expression (for merging and caches). */
export interface FusedParams {
  steps: FusedStep[];
  /** The step whose value is the node's output. */
  output: number;
  key: string;
}

/** The fused elementwise op. */
export const fusedOp = defineOp<FusedParams>({
  name: "fused",
  inferType(inputs, params) {
    const last = params.steps[params.output];
    return [new TensorType(last.out, broadcastShapes("fused", inputs))];
  },
  notDifferentiable: "fusion runs after differentiation; differentiate the unfused graph",
  notFoldable: "fusion runs after constant folding; its constant groups were folded before",
  format: (args, params) => {
    const nIn = args.length;
    const exprs: string[] = [];
    const show = (ref: number) => (ref < nIn ? args[ref] : exprs[ref - nIn]);
    for (const s of params.steps) {
      exprs.push(s.op.format!(s.args.map(show), null as never, undefined as never));
    }
    return `Composite{${exprs[params.output]}}`;
  },
});

/** Stable identity numbers for ops, for cache keys (two ops may share a name). */
const opIds = new WeakMap<Op, number>();
let nextOpId = 1;
/** A number identifying `op` for this process. */
export function opId(op: Op): number {
  let id = opIds.get(op);
  if (id === undefined) opIds.set(op, id = nextOpId++);
  return id;
}

/** Key of a fused expression, independent of its input variables. */
export function fusedKey(steps: readonly FusedStep[], output: number): string {
  return steps.map((s) => `${opId(s.op)}:${s.args.join(",")}:${s.input}:${s.out}`).join(";") + `>${output}`;
}

/**
 * The fused-step view of an elementwise node: a fused node's own steps, or one step for
 * a plain elementwise node (what every engine's elementwise code generator compiles).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepsOf } from "./fused.ts";
 * import { exp } from "./exp_log.ts";
 * import { fvector } from "./constructors.ts";
 * const { steps, output } = stepsOf(exp(fvector("x")).owner!);
 * assert(steps.length === 1 && steps[0].op.name === "exp" && steps[0].input === "float32" && output === 0);
 * ```
 */
export function stepsOf(node: Apply): { steps: FusedStep[]; output: number } {
  if (node.op === fusedOp) {
    const p = node.params as FusedParams;
    return { steps: p.steps, output: p.output };
  }
  const rule = node.op.scalar as ScalarRule;
  const out = node.outputs[0].dtype;
  const input = rule.rawInputs ? out : promote(node.inputs);
  return { steps: [{ op: node.op, args: node.inputs.map((_, i) => i), input, out }], output: 0 };
}
