/**
 * pp (infix pretty-printing, like Theano's `pp`) and debugprint (the node tree with
 * ids). Both take a variable, a list, or a compiled function (its optimised graph).
 * @module
 */
import { toposort } from "./walk.ts";
import { Constant, Variable } from "./graph.ts";
import { formatArray } from "./format.ts";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./display_array.ts";

/** Anything with an optimised graph, such as a compiled function. */
export interface HasGraph {
  /** The compiled graph: optimised outputs (then update expressions) and how many are outputs. */
  readonly maker: { readonly outputs: readonly Variable[]; readonly nOutputs: number };
}

function constantString(c: Constant): string {
  if (c.name) return c.name;
  if (c.ndim === 0) {
    const v = c.value.data[0];
    if (c.dtype === "bool") return v ? "True" : "False";
    if (c.dtype === "float64" || c.dtype === "float32") {
      return Number.isInteger(v) ? v.toFixed(1) : String(v);
    }
    return String(v);
  }
  if (c.value.size <= 16) return `TensorConstant{${formatArray(c.value).replace(/\n\s*/g, " ")}}`;
  return `TensorConstant{${c.type}}`;
}

function leafString(v: Variable): string {
  if (v instanceof Constant) return constantString(v);
  return v.name ?? `<${v.type}>`;
}

function outputsOf(x: Variable | Variable[] | HasGraph): Variable[] {
  if (Array.isArray(x)) return x;
  if ("maker" in x) return [...x.maker.outputs];
  return [x];
}

/**
 * Infix string of a graph: `pp(grad(x ** 2, x))` shows the raw gradient,
 * `pp(f)` the optimised graph of a compiled function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pp, TensorType } from "../mod.ts";
 * const x = new TensorType("float64", []).make("x");
 * assert(pp(x) === "x");
 * ```
 */
export function pp(x: Variable | Variable[] | HasGraph): string {
  const outs = outputsOf(x);
  const str = new Map<Variable, string>();
  const get = (v: Variable) => str.get(v) ?? leafString(v);
  for (const node of toposort(outs)) {
    const args = node.inputs.map(get);
    const text = node.op.format
      ? node.op.format(args, node.params as never, node)
      : `${node.op.name}(${args.join(", ")})`;
    node.outputs.forEach((o, k) => {
      const t = node.outputs.length > 1 ? `${text}[${k}]` : text;
      str.set(o, o.name && o !== outs.find((q) => q === o) ? o.name : t);
    });
  }
  return outs.map(get).join("\n");
}

/**
 * The graph as an indented tree with ids, one node per line; a node already shown
 * is referred to by its id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { debugprint, TensorType } from "../mod.ts";
 * const x = new TensorType("float64", []).make("x");
 * assert(debugprint(x).startsWith("x [id A]"));
 * ```
 */
export function debugprint(x: Variable | Variable[] | HasGraph): string {
  const ids = new Map<object, string>();
  const idOf = (o: object) => {
    let id = ids.get(o);
    if (!id) {
      let n = ids.size;
      id = "";
      do {
        id = String.fromCharCode(65 + (n % 26)) + id;
        n = Math.floor(n / 26) - 1;
      } while (n >= 0);
      ids.set(o, id);
    }
    return id;
  };
  const lines: string[] = [];
  const shown = new Set<object>();
  // Iterative depth-first walk, so deep graphs do not overflow the stack.
  const stack: [Variable, string][] = outputsOf(x).map((v) => [v, ""] as [Variable, string]).reverse();
  while (stack.length) {
    const [v, prefix] = stack.pop()!;
    const node = v.owner;
    const key: object = node ?? v;
    const label = node
      ? `${node.op.name}${node.outputs.length > 1 ? `.${v.index}` : ""} [id ${idOf(key)}] ${v.type.dtype}${
        v.name ? ` '${v.name}'` : ""
      }`
      : `${leafString(v)} [id ${idOf(key)}] ${v.type.dtype}`;
    lines.push(prefix + label);
    if (node && !shown.has(node)) {
      shown.add(node);
      const child = prefix.replace(/\|$/, " ") + " |";
      for (let i = node.inputs.length - 1; i >= 0; i--) stack.push([node.inputs[i], child]);
    }
  }
  return lines.map((l) => l.replace(/^ \|/, " |")).join("\n");
}

/**
 * How a variable or a compiled function shows in a Jupyter notebook: its `pp` text
 * (optimised, for a function) and, in HTML, that text with its type and the `debugprint`
 * tree folded below. (The graph as a picture is `graphPicture` in the plot entry, which
 * needs Graphviz from npm; the core has no dependency.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const bundle = T.graphMimeBundle(T.exp(x));
 * assert.equal(bundle["text/plain"], "exp(x)");
 * assert.match(bundle["text/html"], /<pre>exp\(x\)<\/pre>/);
 * ```
 */
export function graphMimeBundle(x: Variable | HasGraph): MimeBundle {
  const text = pp(x);
  const about = "maker" in x
    ? `compiled function, ${x.maker.nOutputs} output${x.maker.nOutputs === 1 ? "" : "s"} (optimised graph)`
    : x.describe();
  return {
    "text/plain": text,
    "text/html": `<div><small>${escapeHtml(about)}</small><pre>${escapeHtml(text)}</pre>` +
      `<details><summary>debugprint</summary><pre>${escapeHtml(debugprint(x))}</pre></details></div>`,
  };
}

// Variables are declared in core/graph.ts, which cannot import this file (it imports
// that one), so their Jupyter display method is installed here, as ops/methods.ts installs
// the tensor methods.
Object.defineProperty(Variable.prototype, JUPYTER_DISPLAY, {
  value(this: Variable): MimeBundle {
    return graphMimeBundle(this);
  },
  writable: true,
  configurable: true,
});
