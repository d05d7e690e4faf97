/**
 * Batching a scan whose steps are independent (no recurrent state, as in `jacobian`
 * and `hessian`): the body is rewritten once over whole sequences, with a leading
 * batch axis on every value that depends on the step, instead of being run once per
 * step (JAX's vmap, applied as a rewrite). Values that do not depend on the step are
 * computed once, outside. A node without a batching rule leaves the scan as it is.
 *
 * Rules: elementwise ops, dimshuffle, axis reductions, dot and outer, basic indexing
 * with step-independent indices, and indexing or incrementing at a per-step integer
 * index (through a one-hot mask, `switch(arange(n) == i, ...)`).
 * @module
 */
import type { Apply, Rewrite, Variable } from "../../core/graph.ts";
import { constant } from "../../core/constant.ts";
import { toposort } from "../../core/walk.ts";
import { add, mul } from "../arith.ts";
import { alloc, arange } from "../alloc.ts";
import { cast } from "../cast.ts";
import { eq } from "../compare.ts";
import { get } from "../indexing.ts";
import type { AdvancedSubtensorParams } from "../advanced_subtensor.ts";
import { batchedDot, dot } from "../dot.ts";
import { dimshuffle } from "../dimshuffle.ts";
import { minimum } from "../minmax.ts";
import { type ReduceParams, sum } from "../reduce.ts";
import type { ScanParams } from "./params.ts";
import { shapeI } from "../shape.ts";
import { slice } from "../subtensor.ts";
import type { IncSubtensorParams, IndexEntry, SubtensorParams } from "../subtensor.ts";
import { switch_ } from "../switch.ts";

const REDUCTIONS = new Set(["sum", "prod", "max", "min", "mean", "argmax", "argmin", "any", "all"]);
const ALL: IndexEntry = { start: null, stop: null, step: null };
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** `b` (batched, per-step rank r) with `k` length-1 axes inserted after the batch axis. */
function padAfterBatch(b: Variable, k: number): Variable {
  return k <= 0 ? b : dimshuffle(b, 0, ...Array(k).fill("x"), ...range(1, b.ndim));
}

/**
 * One-hot mask (B, len, 1, ...) of a batched integer index, with NumPy's negative
 * indices. The index is first read through `arange(len)[index]`, which gives it in
 * [0, len) and raises the indexing error the loop would have raised for one out of
 * range (a mask alone would pick nothing and give zeros).
 */
function maskOf(index: Variable, len: Variable, trailing: number): Variable {
  const i = get(arange(len), index);
  const m = eq(dimshuffle(arange(len), "x", 0), dimshuffle(i, 0, "x"));
  return trailing ? dimshuffle(m, 0, 1, ...Array(trailing).fill("x")) : m;
}

/**
 * The batched outputs of `node`, given its inputs (`batched[i]` says whether input i
 * has the leading batch axis); null when there is no rule.
 */
function batchNode(node: Apply, ins: Variable[], batched: boolean[]): Variable[] | null {
  const op = node.op, out = node.outputs;
  if (op.scalar) {
    const r = out[0].ndim;
    const args = ins.map((v, i) => (batched[i] ? padAfterBatch(v, r - node.inputs[i].ndim) : v));
    return [op.make(args, node.params).outputs[0]];
  }
  switch (op.name) {
    case "dimshuffle": {
      const { pattern } = node.params as { pattern: (number | "x")[] };
      return [dimshuffle(ins[0], 0, ...pattern.map((p) => (p === "x" ? "x" : p + 1)))];
    }
    case "dot": {
      const [a, b] = ins, [ra, rb] = node.inputs.map((v) => v.ndim);
      if (batched[0] && batched[1]) {
        if (ra === 1 && rb === 1) return [sum(mul(a, b), 1)];
        if (ra === 2 && rb === 2) return [batchedDot(a, b)];
        return null;
      }
      if (batched[0]) return [dot(a, b)]; // (B, k)·(k[, m]) and (B, n, k)·(k[, m]) follow NumPy's dot
      if (rb !== 1) return null;
      return [ra === 1 ? dot(b, a) : dot(b, dimshuffle(a, 1, 0))]; // rows of b times a (or aᵀ)
    }
    case "outer": {
      const [a, b] = ins;
      const a2 = batched[0] ? dimshuffle(a, 0, 1, "x") : dimshuffle(a, 0, "x");
      const b2 = batched[1] ? dimshuffle(b, 0, "x", 1) : b;
      return [mul(a2, b2)];
    }
    case "subtensor": {
      const { idx } = node.params as SubtensorParams;
      const [x, ...sym] = ins;
      if (!batched.slice(1).some(Boolean)) return [op.make([x, ...sym], { idx: [ALL, ...idx] }).outputs[0]];
      if (idx.length !== 1 || idx[0] !== "$") return null;
      const len = shapeI(x, batched[0] ? 1 : 0);
      const picked = sum(switch_(maskOf(sym[0], len, node.inputs[0].ndim - 1), x, 0), 1);
      return [picked.dtype === out[0].dtype ? picked : cast(picked, out[0].dtype)];
    }
    case "inc_subtensor": {
      const { idx, set } = node.params as IncSubtensorParams;
      let [x, v, ...sym] = ins;
      const xb = batched[0], vb = batched[1];
      if (!batched.slice(2).some(Boolean)) {
        if (!xb) x = alloc(x, batchLength(ins, batched), ...range(0, x.ndim).map((d) => shapeI(x, d)));
        const region = node.inputs[0].ndim - idx.filter((e) => typeof e !== "object").length;
        if (vb) v = padAfterBatch(v, region - node.inputs[1].ndim);
        return [op.make([x, v, ...sym], { idx: [ALL, ...idx], set }).outputs[0]];
      }
      if (idx.length !== 1 || idx[0] !== "$") return null;
      const rest = node.inputs[0].ndim - 1;
      const mask = maskOf(sym[0], shapeI(x, xb ? 1 : 0), rest);
      const v2 = vb ? padAfterBatch(v, 1 + rest - node.inputs[1].ndim) : v;
      const r = set ? switch_(mask, v2, x) : add(x, switch_(mask, v2, constant(0, { dtype: x.dtype })));
      return [r.dtype === out[0].dtype ? r : cast(r, out[0].dtype)];
    }
  }
  if (op.name === "advanced_subtensor") {
    // x[i] with one index array on the leading axis, x the same every step: the batched
    // index array (B, ...) indexes it once (maskOf's checked index, batched again).
    const { entries } = node.params as AdvancedSubtensorParams;
    if (batched[0] || entries.length !== 1 || entries[0] !== "int") return null;
    return [op.make(ins, node.params).outputs[0]];
  }
  if (REDUCTIONS.has(op.name)) {
    const p = node.params as ReduceParams;
    return [op.make(ins, { ...p, axes: p.axes.map((a) => a + 1) }).outputs[0]];
  }
  return null;
}

/** The batch length: the leading length of the first batched input. */
function batchLength(ins: Variable[], batched: boolean[]): Variable {
  return shapeI(ins[batched.indexOf(true)], 0);
}

/** Whether a Scan node's steps are independent and its sequences read plainly. */
function independent(p: ScanParams): boolean {
  return !p.hasN && p.states.length === 0 && p.truncate === null && p.seqs.length > 0 &&
    p.collects.every((c) => c.like === null) &&
    p.seqs.every((s) =>
      !s.reverse && !s.anchorEnd && s.window === 0 && s.offsets.length === 1 && s.offsets[0] === 0
    );
}

/**
 * Rewrite a Scan node with independent steps into one batched computation; null when
 * the steps depend on each other or an op of the body has no batching rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchScan } from "./batch.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { add, mul } from "../arith.ts";
 * import { dscalar, dvector } from "../constructors.ts";
 * const [ys] = scan({ fn: (xt, w) => mul(xt, w), sequences: dvector("x"), nonSequences: dscalar("w") });
 * assert(batchScan(ys.owner!)![0].owner!.op.name === "mul");
 * const [cum] = scan({ fn: (xt, acc) => add(acc, xt), sequences: dvector("x"), outputsInfo: dscalar("z") });
 * assert(batchScan(cum.owner!) === null);
 * ```
 */
export function batchScan(node: Apply): Variable[] | null {
  const p = node.params as ScanParams;
  if (!independent(p)) return null;
  const seqs = node.inputs.slice(p.seqStart, p.initStart);
  const n = seqs.length === 1
    ? shapeI(seqs[0], 0)
    : seqs.map((s) => shapeI(s, 0)).reduce((a, b) => minimum(a, b));
  const value = new Map<Variable, Variable>();
  const isBatched = new Set<Variable>();
  p.innerInputs.forEach((slot, j) => {
    if (j < p.seqs.length) {
      value.set(slot, seqs.length === 1 ? seqs[0] : slice(seqs[j], [0, n]));
      isBatched.add(slot);
    } else value.set(slot, node.inputs[p.nonSeqStart + j - p.nonSeqSlot(0)]);
  });
  for (const inner of toposort(p.innerOutputs, new Set(p.innerInputs))) {
    const ins = inner.inputs.map((v) => value.get(v) ?? v);
    const batched = inner.inputs.map((v) => isBatched.has(v));
    let outs: readonly Variable[] | null;
    if (!batched.some(Boolean)) {
      outs = ins.every((v, k) => v === inner.inputs[k])
        ? inner.outputs
        : inner.op.make(ins, inner.params).outputs;
    } else {
      try {
        outs = batchNode(inner, ins, batched);
      } catch {
        outs = null; // a rule that does not type-check here: keep the loop
      }
      if (
        !outs ||
        outs.some((o, k) => o.ndim !== inner.outputs[k].ndim + 1 || o.dtype !== inner.outputs[k].dtype)
      ) {
        return null;
      }
      for (const o of inner.outputs) isBatched.add(o);
    }
    inner.outputs.forEach((o, k) => value.set(o, outs![k]));
  }
  const results = p.innerOutputs.map((o) => {
    const v = value.get(o) ?? o;
    if (isBatched.has(o)) return v;
    return alloc(v, n, ...range(0, v.ndim).map((d) => shapeI(v, d)));
  });
  // Keep the scan's output types (the batched graph may know more, never less).
  return results.every((r, k) => node.outputs[k].type.accepts(r.type)) ? results : null;
}

/** The rewrite, rooted at scan (registered in ops/scan/scan.ts). */
export const batchIndependentScan: Rewrite = {
  name: "scan_batch_independent_steps",
  stage: "canonicalize",
  apply: batchScan,
};
