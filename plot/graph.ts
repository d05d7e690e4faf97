/**
 * Pictures of graphs, as Theano's `pydotprint` drew them: the graph as Graphviz DOT,
 * laid out and drawn to SVG by Graphviz itself (its WebAssembly build from npm,
 * `@viz-js/viz`), and to PNG through the chart renderer's resvg path.
 *
 * Operations are boxes, inputs ellipses (shared variables shaded, constants with their
 * value when small), outputs blue ellipses; each edge carries the dtype and shape of the
 * value it moves. A fused elementwise node of a compiled function can be expanded into its
 * steps, and the graph before optimisation can be drawn beside the compiled one.
 * @module
 */
import * as T from "../mod.ts";
import { anyValue, checkOptions as checkKeys } from "../core/options.ts";

/** What can be drawn: a variable, several (a graph's outputs), or a compiled function. */
export type GraphSource = T.Variable | T.Variable[] | T.HasGraph;

/** Options of {@link graphPicture} and {@link graphDot}. */
export interface GraphPictureOptions {
  /** "svg" (default), "png", or "dot" (the Graphviz text). */
  format?: "svg" | "png" | "dot";
  /** Draw each fused elementwise node as a box of its steps (default false: one box). */
  expandFused?: boolean;
  /**
   * Another graph drawn to the left, under the title "before" (the compiled one is
   * "after"): typically the outputs given to `T.function`, to see what optimisation did.
   */
  before?: GraphSource;
  /** PNG only: pixels per CSS pixel (default 2). */
  scale?: number;
}

const OPTION_KEYS = ["format", "expandFused", "before", "scale"];

/** A string as a DOT double-quoted string. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** `float64 (?, 3)`: the dtype and static shape of a value. */
function typeText(v: T.Variable): string {
  const dims = v.type.shape.map((d) => (d === null ? "?" : String(d)));
  return `${v.type.dtype} (${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

function leafLabel(v: T.Variable): string {
  if (v instanceof T.Constant) {
    const value = v.value.size <= 4 ? v.value.toString().replace(/\n\s*/g, " ") : `constant`;
    return `${v.name ?? value}\n${typeText(v)}`;
  }
  return `${v.name ?? "input"}\n${typeText(v)}`;
}

function outputsOf(x: GraphSource): T.Variable[] {
  if (Array.isArray(x)) return x;
  if (x instanceof T.Variable) return [x];
  if (x && typeof (x as T.HasGraph).maker === "object") {
    const { outputs, nOutputs } = (x as T.HasGraph).maker;
    return outputs.slice(0, nOutputs);
  }
  throw new T.InputError(
    `graphPicture: cannot draw ${String(x)}: give a variable, a list, or a compiled function`,
  );
}

/** The DOT statements of one graph, its ids prefixed by `prefix` (so two graphs can share a picture). */
function graphStatements(outputs: T.Variable[], prefix: string, expandFused: boolean): string[] {
  const lines: string[] = [];
  const ids = new Map<object, string>();
  const id = (o: object) => {
    let s = ids.get(o);
    if (!s) ids.set(o, s = `${prefix}${ids.size}`);
    return s;
  };
  // Iterative walk (deep graphs must not overflow the stack): every node once, inputs first.
  const seen = new Set<T.Apply>();
  const order: T.Apply[] = [];
  const leaves = new Set<T.Variable>();
  const stack: [T.Variable, boolean][] = outputs.map((o) => [o, false]);
  while (stack.length > 0) {
    const [v, done] = stack.pop()!;
    const node = v.owner;
    if (!node) {
      leaves.add(v);
      continue;
    }
    if (done) {
      if (!seen.has(node)) {
        seen.add(node);
        order.push(node);
      }
      continue;
    }
    if (seen.has(node)) continue;
    stack.push([v, true]);
    for (const input of node.inputs) stack.push([input, false]);
  }
  for (const v of leaves) {
    const style = v instanceof T.SharedVariable
      ? `style=filled, fillcolor="#e8eef7"`
      : v instanceof T.Constant
      ? `style=dashed`
      : `style=solid`;
    lines.push(`${id(v)} [shape=ellipse, ${style}, label=${quote(leafLabel(v))}];`);
  }
  /** The DOT id an edge for value `v` starts from. */
  const from = (v: T.Variable) => (v.owner ? id(v.owner) : id(v));
  const edge = (v: T.Variable, to: string, k: number, n: number) => {
    const parts = [v.owner && v.owner.outputs.length > 1 ? `out ${v.index}` : "", n > 1 ? `in ${k}` : ""];
    const label = [typeText(v), parts.filter(Boolean).join(" → ")].filter(Boolean).join("\n");
    lines.push(`${from(v)} -> ${to} [label=${quote(label)}];`);
  };
  for (const node of order) {
    const params = node.op.name === "fused"
      ? (node.params as { steps: FusedStep[]; output: number })
      : undefined;
    if (params && expandFused) {
      // A cluster of the fused node's steps; references 0..nIn-1 are the node's inputs.
      const nIn = node.inputs.length;
      const stepId = (i: number) => `${id(node)}_${i}`;
      lines.push(`subgraph cluster_${id(node)} {`, `label="fused"; style=rounded; color="#888888";`);
      params.steps.forEach((s, i) =>
        lines.push(`${stepId(i)} [shape=box, style=rounded, label=${quote(`${s.op.name}\n${s.out}`)}];`)
      );
      lines.push(`}`);
      params.steps.forEach((s, i) =>
        s.args.forEach((ref, k) => {
          if (ref < nIn) edge(node.inputs[ref], stepId(i), k, s.args.length);
          else lines.push(`${stepId(ref - nIn)} -> ${stepId(i)};`);
        })
      );
      // The node's id names its output step, so that readers' edges start there.
      ids.set(node, stepId(params.output));
      continue;
    }
    const label = params ? `fused\n${params.steps.length} steps` : node.op.name;
    lines.push(`${id(node)} [shape=box, label=${quote(label)}];`);
    node.inputs.forEach((v, k) => edge(v, id(node), k, node.inputs.length));
  }
  outputs.forEach((v, k) => {
    const out = `${prefix}out${k}`;
    const name = v.name ?? (outputs.length > 1 ? `output ${k}` : "output");
    lines.push(
      `${out} [shape=ellipse, style=filled, fillcolor="#cfe2ff", label=${quote(`${name}\n${typeText(v)}`)}];`,
    );
    lines.push(`${from(v)} -> ${out};`);
  });
  return lines;
}

/** The part of a fused node's params this file reads (ops/fused.ts). */
interface FusedStep {
  op: { name: string };
  args: number[];
  out: string;
}

/** Refuses keys of `options` other than `keys` (core/options.ts), and a format other than svg, png or dot. */
function checkOptions(name: string, options: GraphPictureOptions, keys: string[]): void {
  checkKeys(name, options, Object.fromEntries(keys.map((k) => [k, anyValue])));
  const format = options.format ?? "svg";
  if (!["svg", "png", "dot"].includes(format)) {
    throw new T.InputError(`${name}: format must be "svg", "png" or "dot", not ${JSON.stringify(format)}`);
  }
}

/** The options that shape the drawing itself (those of {@link graphDot} and {@link graphView}). */
const DRAWING_KEYS = ["expandFused", "before"];

/**
 * The graph as Graphviz DOT text.
 *
 * @example
 * ```ts
 * import * as T from "../mod.ts";
 * import { graphDot } from "./graph.ts";
 * const x = T.dvector("x");
 * const dot = graphDot(T.exp(x));
 * if (!dot.includes('label="exp"')) throw new Error(dot);
 * ```
 */
export function graphDot(
  x: GraphSource,
  options: Omit<GraphPictureOptions, "format" | "scale"> = {},
): string {
  checkOptions("graphDot", options, DRAWING_KEYS);
  const expand = options.expandFused ?? false;
  const body = options.before === undefined ? graphStatements(outputsOf(x), "n", expand) : [
    `subgraph cluster_before {`,
    `label="before"; fontname="sans-serif";`,
    ...graphStatements(outputsOf(options.before), "b", expand),
    `}`,
    `subgraph cluster_after {`,
    `label="after"; fontname="sans-serif";`,
    ...graphStatements(outputsOf(x), "a", expand),
    `}`,
  ];
  return [
    "digraph G {",
    `graph [rankdir=TB, fontname="sans-serif"];`,
    `node [fontname="sans-serif", fontsize=11];`,
    `edge [fontname="sans-serif", fontsize=9, color="#555555"];`,
    ...body,
    "}",
    "",
  ].join("\n");
}

let viz: Promise<{ renderString(dot: string, options: { format: string }): string }> | undefined;

/** Graphviz, loaded once (a few MB of WebAssembly) when a picture is first drawn. */
function graphviz() {
  viz ??= (async () => {
    try {
      // deno-lint-ignore no-import-prefix
      return await (await import("npm:@viz-js/viz@3.31.0")).instance();
    } catch (e) {
      viz = undefined;
      throw new Error(
        `graphPicture: could not load Graphviz (npm install @viz-js/viz): ${(e as Error).message}`,
      );
    }
  })();
  return viz;
}

/**
 * A picture of the graph (Theano's `pydotprint`): SVG text (default), PNG bytes, or the
 * DOT text. A compiled function shows its optimised graph; `before` draws another graph
 * beside it, `expandFused` the steps inside fused nodes.
 *
 * @example
 * ```ts
 * import * as T from "../mod.ts";
 * import { graphPicture } from "./graph.ts";
 * const x = T.dvector("x");
 * const cost = T.sum(T.mul(x, x));
 * const f = T.function([x], T.grad(cost, x));
 * const svg = await graphPicture(f, { before: T.grad(cost, x) });
 * if (!svg.startsWith("<?xml") && !svg.startsWith("<svg")) throw new Error(svg.slice(0, 80));
 * ```
 */
export function graphPicture(
  x: GraphSource,
  options?: GraphPictureOptions & { format?: "svg" | "dot" },
): Promise<string>;
/** The picture as PNG bytes. */
export function graphPicture(
  x: GraphSource,
  options: GraphPictureOptions & { format: "png" },
): Promise<Uint8Array>;
export async function graphPicture(
  x: GraphSource,
  options: GraphPictureOptions = {},
): Promise<string | Uint8Array> {
  checkOptions("graphPicture", options, OPTION_KEYS);
  const { format = "svg", scale, ...rest } = options;
  const dot = graphDot(x, rest);
  if (format === "dot") return dot;
  const svg = (await graphviz()).renderString(dot, { format: "svg" });
  if (format === "svg") return svg;
  const { svgToPng } = await import("./mod.ts"); // plot/mod.ts re-exports this file: no static cycle
  return await svgToPng(svg, scale === undefined ? {} : { scale });
}

/** What {@link graphView} returns: shown by a notebook as the graph's picture. */
export interface GraphView {
  /** The graph's `pp` text. */
  toString(): string;
  /** Deno's Jupyter kernel calls this to show the value. */
  [key: symbol]: () => Promise<T.MimeBundle>;
}

/**
 * The graph as a value a notebook cell shows as its picture, with the `pp` text beside it
 * for plain displays. A compiled function needs this to be drawn in a cell: Deno's kernel
 * shows a function value by its text.
 *
 * @example
 * ```ts
 * import * as T from "../mod.ts";
 * import { graphView } from "./graph.ts";
 * const x = T.dvector("x");
 * const view = graphView(T.function([x], T.exp(x)));
 * if (String(view) !== "exp(x)") throw new Error(String(view));
 * ```
 */
export function graphView(
  x: GraphSource,
  options: Omit<GraphPictureOptions, "format" | "scale"> = {},
): GraphView {
  checkOptions("graphView", options, DRAWING_KEYS);
  const text = T.pp(x);
  return {
    toString: () => text,
    [Symbol.for("Jupyter.display")]: async () => ({
      "image/svg+xml": await graphPicture(x, options),
      "text/plain": text,
    }),
  };
}

// With this entry loaded, a variable in a Jupyter notebook shows its picture above its text
// (or its text alone when Graphviz cannot be loaded).
Object.defineProperty(T.Variable.prototype, Symbol.for("Jupyter.display"), {
  async value(this: T.Variable): Promise<T.MimeBundle> {
    const bundle = T.graphMimeBundle(this);
    let svg: string;
    try {
      svg = await graphPicture(this);
    } catch {
      return bundle; // no Graphviz (an optional peer of this entry): the text alone
    }
    return { ...bundle, "image/svg+xml": svg, "text/html": `<div>${svg}</div>${bundle["text/html"]}` };
  },
  writable: true,
  configurable: true,
});
