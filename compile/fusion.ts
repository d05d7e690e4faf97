/**
 * Elementwise fusion: chains of elementwise nodes whose intermediate results have a
 * single reader become one fused node, run as one loop (CPU) or one kernel (WGSL).
 * @module
 */
import type { ScalarRule } from "../core/op.ts";
import { cloneReplace, toposort } from "../core/walk.ts";
import { Constant, type Variable } from "../core/variable.ts";
import { promote } from "../ops/elemwise.ts";
import { fusedKey, fusedOp, type FusedStep } from "../ops/fused.ts";
import type { Apply } from "../core/variable.ts";

/** A fused expression under construction. */
interface Group {
  inputs: Variable[];
  steps: FusedStep[];
}

/** Fuse elementwise chains in the graphs of `outputs`. */
export function fuseElementwise(outputs: readonly Variable[]): Variable[] {
  const nodes = toposort(outputs);
  const readers = new Map<Variable, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of outputs) readers.set(o, (readers.get(o) ?? 0) + 2); // outputs stay visible

  const groups = new Map<Apply, Group>();
  const absorbed = new Set<Apply>();
  for (const node of nodes) {
    if (!node.op.scalar) continue;
    const group: Group = { inputs: [], steps: [] };
    const refOf = new Map<Variable, number>();
    // Inline single-reader elementwise producers; everything else becomes a group input.
    const args = node.inputs.map((inp) => {
      const producer = inp.owner;
      if (producer && groups.has(producer) && readers.get(inp) === 1 && inp.owner!.outputs.length === 1) {
        absorbed.add(producer);
        return inline(group, groups.get(producer)!, refOf);
      }
      return inputRef(group, inp, refOf);
    });
    const rule = node.op.scalar as ScalarRule;
    const out = node.outputs[0].dtype;
    group.steps.push({ op: node.op, args, input: rule.rawInputs ? out : promote(node.inputs), out });
    groups.set(node, group);
  }
  const replace = new Map<Variable, Variable>();
  for (const [node, g] of groups) {
    if (absorbed.has(node) || g.steps.length === 1) continue;
    // Input refs were numbered as they came, steps after them: renumber steps by nIn.
    const nIn = g.inputs.length;
    const steps = g.steps.map((s) => ({ ...s, args: s.args.map((a) => (a < 0 ? nIn + (-a - 1) : a)) }));
    const output = steps.length - 1;
    const fused = fusedOp.make(g.inputs, { steps, output, key: fusedKey(steps, output) }, node.trace);
    replace.set(node.outputs[0], fused.outputs[0]);
  }
  return replace.size ? cloneReplace(outputs, replace) : [...outputs];
}

/** Steps are referenced as -(index + 1) until inputs are all known. */
function inputRef(group: Group, v: Variable, refOf: Map<Variable, number>): number {
  let r = refOf.get(v);
  if (r === undefined) {
    // Small constants repeat freely; variables are deduplicated.
    r = group.inputs.length;
    group.inputs.push(v);
    if (!(v instanceof Constant)) refOf.set(v, r);
  }
  return r;
}

function inline(into: Group, from: Group, refOf: Map<Variable, number>): number {
  const offset = into.steps.length;
  const map = (a: number) => (a < 0 ? -(-a - 1 + offset) - 1 : inputRef(into, from.inputs[a], refOf));
  for (const s of from.steps) into.steps.push({ ...s, args: s.args.map(map) });
  return -(into.steps.length - 1) - 1;
}
