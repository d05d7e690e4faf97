/**
 * Graph walks: topological order, inputs, cloning with replacements. All iterative,
 * so a 100,000-node chain does not overflow the stack.
 * @module
 */
import { Apply, Constant, type Variable } from "./graph.ts";

/**
 * Apply nodes needed to compute `outputs`, each after the nodes it depends on.
 * Stops at any variable in `stopAt` (a Set, or a Map whose keys are the stops).
 */
export function toposort(outputs: readonly Variable[], stopAt?: { has(v: Variable): boolean }): Apply[] {
  const order: Apply[] = [];
  const state = new Map<Apply, 1 | 2>(); // 1 = visiting, 2 = done
  const stack: [Apply, number][] = [];
  const push = (v: Variable) => {
    if (v.owner && !state.has(v.owner) && !stopAt?.has(v)) {
      state.set(v.owner, 1);
      stack.push([v.owner, 0]);
    }
  };
  for (const out of outputs) {
    push(out);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        push(node.inputs[i]);
      } else {
        stack.pop();
        state.set(node, 2);
        order.push(node);
      }
    }
  }
  return order;
}

/** The variables without owner (inputs, constants, shared) that `outputs` depend on. */
export function graphInputs(outputs: readonly Variable[], stopAt?: ReadonlySet<Variable>): Variable[] {
  const seen = new Set<Variable>();
  const result: Variable[] = [];
  const add = (v: Variable) => {
    if (!seen.has(v) && (!v.owner || stopAt?.has(v))) {
      seen.add(v);
      result.push(v);
    }
  };
  for (const o of outputs) add(o);
  for (const node of toposort(outputs, stopAt)) for (const i of node.inputs) add(i);
  return result;
}

/** Whether `v` depends on any variable in `targets`. */
export function dependsOn(v: Variable, targets: ReadonlySet<Variable>): boolean {
  if (targets.has(v)) return true;
  for (const node of toposort([v], targets)) {
    for (const i of node.inputs) if (targets.has(i)) return true;
  }
  return false;
}

/**
 * Rebuild the graph of `outputs` with some variables replaced. Nodes none of whose
 * inputs changed are kept as they are; rebuilt nodes keep their original trace.
 */
export function cloneReplace(
  outputs: readonly Variable[],
  replace: ReadonlyMap<Variable, Variable>,
): Variable[] {
  const memo = new Map<Variable, Variable>(replace);
  for (const node of toposort(outputs, new Set(replace.keys()))) {
    const inputs = node.inputs.map((i) => memo.get(i) ?? i);
    if (inputs.every((v, k) => v === node.inputs[k])) continue;
    const rebuilt = node.op.make(inputs, node.params, node.origin);
    node.outputs.forEach((o, k) => memo.set(o, rebuilt.outputs[k]));
  }
  return outputs.map((o) => memo.get(o) ?? o);
}

/** Constants among a graph's inputs. */
export function isConstant(v: Variable): v is Constant {
  return v instanceof Constant;
}

export { Apply };

/**
 * Variables a derivative counts as used: `grad(cost, w)`, `Rop(f, W, V)` and the like
 * mark their results with `wrt`, so a function computing the derivative may list `w`
 * among its inputs even when the simplified derivative no longer reads it (the
 * R-operator of `dot(x, W)` is `dot(x, V)`), as Theano allows.
 */
const implicitlyUsed = new WeakMap<Variable, readonly Variable[]>();

/** Record that `result` counts the variables of `used` as used. */
export function markUses<V extends Variable | Variable[]>(result: V, used: readonly Variable[]): V {
  for (const r of Array.isArray(result) ? result : [result]) {
    implicitlyUsed.set(r, [...(implicitlyUsed.get(r) ?? []), ...used]);
  }
  return result;
}

/**
 * The variables the graphs of `outputs` count as used without reading them: those
 * marked on any variable they contain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { implicitUses } from "./walk.ts";
 * const [W, V] = T.dmatrices("W", "V"), x = T.dvector("x");
 * const jv = T.Rop(T.dot(x, W), W, V); // dot(x, V): W is not read
 * assert(implicitUses([T.sum(jv)]).has(W));
 * ```
 */
export function implicitUses(outputs: readonly Variable[]): Set<Variable> {
  const used = new Set<Variable>();
  const visit = (v: Variable) => implicitlyUsed.get(v)?.forEach((u) => used.add(u));
  for (const o of outputs) visit(o);
  for (const node of toposort(outputs)) node.inputs.forEach(visit);
  return used;
}
