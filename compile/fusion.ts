/**
 * Elementwise fusion: chains of elementwise nodes whose intermediate results have a
 * single reader become one fused node, run as one loop (CPU) or one kernel (WGSL).
 * A cheap producer (a few arithmetic steps, like `-y` or `1 - y`) whose readers are
 * all elementwise is recomputed inside each of them instead of being stored: a pass
 * over memory and a node dispatch cost more than an add per element (the choice XLA
 * makes too). Which ops are cheap is a cost hint of the JS engine's table (every device
 * ends with that engine).
 *
 * Two linear passes: first decide which producers are absorbed into their readers
 * (keeping group sizes bounded), then build each group's steps.
 * @module
 */
import type { Apply, ScalarRule, Variable } from "../core/graph.ts";
import { toposort } from "../core/walk.ts";
import { promote } from "../ops/elemwise.ts";
import { fusedKey, fusedOp, type FusedStep } from "../ops/fused.ts";
import { jsTable } from "../backends/cpu/table.ts";

/** Largest fused loop: past this, generated functions get slow to compile. */
const MAX_STEPS = 128;

/** Largest group (in steps) recomputed in each reader. */
const MAX_DUPLICATED_STEPS = 3;

/** Fuse elementwise chains in the graphs of `outputs`. */
export function fuseElementwise(outputs: readonly Variable[]): Variable[] {
  const nodes = toposort(outputs);
  const readers = new Map<Variable, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of outputs) readers.set(o, (readers.get(o) ?? 0) + 2); // outputs stay visible

  // Readers that are not elementwise (a dot, a reduction, an output) need a value stored.
  const storedFor = new Set<Variable>(outputs);
  for (const n of nodes) if (!n.op.scalar) { for (const i of n.inputs) storedFor.add(i); }

  // Pass 1: which elementwise producers are absorbed into their reader: a producer
  // with one reader, or a cheap group every reader of which recomputes it.
  const size = new Map<Apply, number>();
  const cheap = new Set<Apply>();
  const absorbed = new Set<Apply>();
  for (const node of nodes) {
    if (!node.op.scalar) continue;
    let n = 1, allCheap = !!jsTable.get(node.op)?.cheap;
    for (const inp of node.inputs) {
      const p = inp.owner;
      if (!p || !size.has(p) || p.outputs.length !== 1) continue;
      const shared = readers.get(inp) !== 1;
      if (shared ? !cheap.has(p) || storedFor.has(inp) : absorbed.has(p)) continue;
      // (A shared cheap group goes into every reader, even one a few steps past the limit.)
      if (!shared && n + size.get(p)! > MAX_STEPS) continue;
      absorbed.add(p);
      n += size.get(p)!;
      allCheap &&= cheap.has(p);
    }
    size.set(node, n);
    if (allCheap && n <= MAX_DUPLICATED_STEPS) cheap.add(node);
  }

  // Pass 2, in dependency order: build one fused node per group root, and rebuild
  // every other node whose inputs were replaced, so that consecutive groups (a chain
  // longer than MAX_STEPS, or groups on both sides of a non-elementwise node) link up.
  const memo = new Map<Variable, Variable>();
  const mapped = (v: Variable) => memo.get(v) ?? v;
  for (const root of nodes) {
    if (absorbed.has(root)) continue;
    if (!size.has(root) || size.get(root) === 1) {
      const ins = root.inputs.map(mapped);
      if (ins.some((v, k) => v !== root.inputs[k])) {
        const rebuilt = root.op.make(ins, root.params, root.origin);
        root.outputs.forEach((o, k) => memo.set(o, rebuilt.outputs[k]));
      }
      continue;
    }
    const inputs: Variable[] = [];
    const inputRef = new Map<Variable, number>();
    const members = groupMembers(root, absorbed);
    const memberSet = new Set(members);
    const stepOf = new Map<Apply, number>();
    const steps: FusedStep[] = [];
    // References: inputs first (0..nIn-1), steps after; numbered once all inputs are known.
    const pending = members.map((m) => ({
      node: m,
      args: m.inputs.map((inp): Variable | Apply => {
        if (inp.owner && memberSet.has(inp.owner)) return inp.owner;
        if (!inputRef.has(inp)) {
          inputRef.set(inp, inputs.length);
          inputs.push(inp);
        }
        return inp;
      }),
    }));
    const nIn = inputs.length;
    for (const { node, args } of pending) {
      const rule = node.op.scalar as ScalarRule;
      const out = node.outputs[0].dtype;
      steps.push({
        op: node.op,
        args: args.map((a) => ("op" in a ? nIn + stepOf.get(a)! : inputRef.get(a)!)),
        input: rule.rawInputs ? out : promote(node.inputs),
        out,
      });
      stepOf.set(node, steps.length - 1);
    }
    const output = steps.length - 1;
    const fused = fusedOp.make(
      inputs.map(mapped),
      { steps, output, key: fusedKey(steps, output) },
      root.origin,
    );
    memo.set(root.outputs[0], fused.outputs[0]);
  }
  return outputs.map(mapped);
}

/** A group's nodes in dependency order (producers before readers), root last. */
function groupMembers(root: Apply, absorbed: ReadonlySet<Apply>): Apply[] {
  const order: Apply[] = [];
  const seen = new Set<Apply>();
  const stack: [Apply, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const p = node.inputs[i].owner;
      if (p && absorbed.has(p) && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}
