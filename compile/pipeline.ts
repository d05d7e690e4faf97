/**
 * The rewrite pipeline, in an explicit order (no hidden optimiser database):
 * merge + constant folding + canonicalisation, then stabilisation, then
 * specialisation, then elementwise fusion.
 * @module
 */
import { type NodeHook, rewriteGraph } from "../core/rewrite.ts";
import { Constant, TensorType, type Variable } from "../core/graph.ts";
import { buildHostProgram } from "./schedule.ts";
import { mapScanBodies } from "../ops/scan/scan.ts";
import { fuseElementwise } from "./fusion.ts";
import { fillSink, squeezeConstants } from "../ops/fill.ts";

/** Rewrite modes: FAST_RUN runs the whole pipeline, FAST_COMPILE none of it. */
export type Mode = "FAST_RUN" | "FAST_COMPILE";

const FOLD_LIMIT = 1 << 16; // do not fold nodes whose result would be huge

/** Evaluate a node whose inputs are all constants. */
export const constantFolding: NodeHook = (node) => {
  if (!node.inputs.every((i) => i instanceof Constant)) return null;
  if (node.op.notFoldable) return null;
  let values;
  try {
    values = buildHostProgram([], node.outputs).run([]);
  } catch {
    return null; // leave errors to run time, where they name the user's inputs
  }
  if (values.some((v) => v.size > FOLD_LIMIT)) return null;
  // Arithmetic on bare JS numbers gives a bare number, as in NumPy: it stays weak.
  const weak = node.inputs.every((i) => (i as Constant).weak);
  return values.map((v, k) => {
    const t = node.outputs[k].type;
    return new Constant(new TensorType(t.dtype, v.shape), v, undefined, weak);
  });
};

/** Run the pipeline over outputs (and update expressions), returning the new graph. */
export function optimize(outputs: readonly Variable[], mode: Mode): Variable[] {
  if (mode === "FAST_COMPILE") return [...outputs];
  // One pass canonicalises and stabilises: each node is rewritten to a fixpoint after its
  // inputs are, so stabilising patterns always see canonical inputs.
  let g = rewriteGraph(outputs, {
    stages: new Set(["canonicalize", "stabilize"]),
    hooks: [constantFolding, fillSink, squeezeConstants],
    merge: true,
  });
  g = rewriteGraph(g, { stages: new Set(["specialize"]), hooks: [constantFolding], merge: true });
  // Loop bodies (scan) are graphs of their own: optimise each once, here.
  return mapScanBodies(fuseElementwise(g), (inner) => optimize(inner, mode));
}
