/**
 * The rewrite engine. One pass rebuilds the graph in topological order: each node is
 * rebuilt on its already-rewritten inputs, merged with an equal node seen before
 * (same op, params and inputs: common-subexpression elimination), then offered to the
 * rewrites rooted at its op and to the pass-wide hooks (constant folding) until none
 * applies. A replacement's own new nodes are rewritten the same way.
 * @module
 */
import { type Apply, Constant, paramsKey, type Rewrite, type Variable, withOrigin } from "./graph.ts";
import { toposort } from "./walk.ts";

/** A rewrite that may fire on any node (constant folding, for instance). */
export type NodeHook = (node: Apply) => readonly Variable[] | null;

/** What one rewrite pass runs. */
export interface PassOptions {
  /** Which op-rooted rewrites run (by stage). */
  stages: ReadonlySet<Rewrite["stage"]>;
  /** Extra rewrites tried on every node after the op's own. */
  hooks?: NodeHook[];
  /** Merge equal nodes and equal small constants. */
  merge?: boolean;
  /** Names of rewrites to skip. */
  exclude?: ReadonlySet<string>;
}

const MAX_REWRITES_PER_NODE = 64;

/** A key for small constants, so equal constants merge. */
function constantKey(c: Constant): string | undefined {
  if (c.value.size > 64) return undefined;
  return `${c.type}|${c.weak}|${Array.from(c.value.data).join(",")}`;
}

/**
 * Rewrite the graphs of `outputs`; returns the new outputs in the same order.
 * Inputs (variables without owner) are kept as they are.
 */
export function rewriteGraph(outputs: readonly Variable[], options: PassOptions): Variable[] {
  const memo = new Map<Variable, Variable>();
  const seenNodes = new Map<string, Apply>();
  const seenConsts = new Map<string, Constant>();
  let budget = 0;
  // The budget grows with the graph; its size is only counted once 1,000 rewrites ran.
  let maxRewrites = 1000;
  let sized = false;

  const canon = (v: Variable): Variable => {
    const m = memo.get(v);
    if (m) return m;
    if (v instanceof Constant && options.merge) {
      const k = constantKey(v);
      if (k !== undefined) {
        const prev = seenConsts.get(k);
        if (prev) return prev;
        seenConsts.set(k, v);
      }
    }
    return v;
  };

  const visit = (root: Variable): Variable => {
    for (const node of toposort([root], memo)) processNode(node);
    return canon(root);
  };

  const processNode = (node: Apply) => {
    if (node.outputs.every((o) => memo.has(o))) return;
    const inputs = node.inputs.map(canon);
    const current = inputs.every((v, i) => v === node.inputs[i])
      ? node
      : node.op.make(inputs, node.params, node.origin);
    if (current !== node && current.outputs.some((o, k) => o.dtype !== node.outputs[k].dtype)) {
      throw new Error(
        `internal: rebuilding ${node.where()} on rewritten inputs changed its dtype; a rewrite changed an input's dtype`,
      );
    }
    for (let round = 0; round < MAX_REWRITES_PER_NODE; round++) {
      if (options.merge) {
        const key = `${opKey(current)}|${paramsKey(current.params)}|${
          current.inputs.map((i) => i.id).join(",")
        }`;
        const prev = seenNodes.get(key);
        if (prev && prev !== current) {
          // The equal node may have been rewritten since: take what it became.
          const target = prev.outputs.map((o) => memo.get(o) ?? o);
          current.outputs.forEach((o, k) => memo.set(o, target[k]));
          node.outputs.forEach((o, k) => memo.set(o, target[k]));
          return;
        }
        seenNodes.set(key, current);
      }
      const replacement = tryRewrites(current, options);
      if (!replacement) break;
      // Rewrite the replacement's new nodes too, then continue with whatever computes it.
      if (++budget > maxRewrites && !sized) {
        sized = true;
        maxRewrites += 20 * toposort(outputs).length;
      }
      if (budget > maxRewrites) {
        throw new Error(
          `rewriteGraph: more than ${maxRewrites} rewrites; a rewrite is probably undoing another`,
        );
      }
      const done = replacement.map((r) => visit(r));
      node.outputs.forEach((o, k) => memo.set(o, done[k]));
      if (current !== node) current.outputs.forEach((o, k) => memo.set(o, done[k]));
      return;
    }
    node.outputs.forEach((o, k) => memo.set(o, current.outputs[k]));
    for (const o of current.outputs) memo.set(o, o); // already canonical: never revisit
  };

  return outputs.map((o) => visit(o));
}

const opIds = new WeakMap<object, number>();
let nextId = 1;
function opKey(node: Apply): number {
  let id = opIds.get(node.op);
  if (id === undefined) opIds.set(node.op, id = nextId++);
  return id;
}

function tryRewrites(node: Apply, options: PassOptions): readonly Variable[] | null {
  for (const rw of node.op.rewrites ?? []) {
    if (!options.stages.has(rw.stage) || options.exclude?.has(rw.name)) continue;
    const r = withOrigin(node.origin, () => rw.apply(node));
    if (r && accepted(node, r)) return r;
  }
  for (const hook of options.hooks ?? []) {
    const r = withOrigin(node.origin, () => hook(node));
    if (r && accepted(node, r)) return r;
  }
  return null;
}

/** A replacement must keep each output's dtype, rank and known lengths. */
function accepted(node: Apply, r: readonly Variable[]): boolean {
  return r.length === node.outputs.length &&
    r.every((v, i) => v !== node.outputs[i] && node.outputs[i].type.accepts(v.type));
}
