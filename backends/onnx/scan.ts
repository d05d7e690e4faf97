/**
 * scan as ONNX Loop. The loop carries each state (its last value, or its last L values
 * for taps reaching L steps back) and each output collected like a sequence (the
 * gradient's sums, updated by ScatterND with addition); values kept at every step are the
 * loop's scan outputs. Sequences are read inside the body by Gather at the row the CPU
 * runner reads (ops/scan/params.ts `rowMap`), non-sequences from the enclosing graph.
 * @module
 */
import type { Variable } from "../../core/graph.ts";
import { lagsOf, type ScanParams, type SeqSpec } from "../../ops/scan/params.ts";
import { FAR, type NodeRule, type OnnxGraph, type Val } from "./rule.ts";
import { lengthOf } from "./helpers.ts";

const add = (g: OnnxGraph, a: Val, b: Val) => g.op1("Add", [a, b], "int64");
const sub = (g: OnnxGraph, a: Val, b: Val) => g.op1("Sub", [a, b], "int64");

/** The first row `a` and direction `b` of a sequence of length `len` read over `n` steps (rowMap). */
function rowMap(g: OnnxGraph, spec: SeqSpec, len: Val, n: Val): [Val, number] {
  const w = g.scalar(spec.window, "int64");
  const base = spec.anchorEnd ? sub(g, sub(g, len, n), w) : g.scalar(0, "int64");
  return spec.reverse ? [sub(g, add(g, add(g, base, n), w), g.scalar(1, "int64")), -1] : [base, 1];
}

/** Row `a + b (t + o)`. */
function rowAt(g: OnnxGraph, a: Val, b: number, t: Val, o: number): Val {
  const i = add(g, t, g.scalar(o, "int64"));
  return b === 1 ? add(g, a, i) : sub(g, a, i);
}

/** `v`'s rows (of `have`) followed by zero rows up to `want`. */
function padRows(g: OnnxGraph, v: Val, want: Val, have: Val): Val {
  const rowShape = g.op1("Slice", [g.op1("Shape", [v], "int64"), g.ints([1]), g.ints([FAR])], "int64");
  const missing = g.op1("Unsqueeze", [sub(g, want, have), g.ints([0])], "int64");
  const shape = g.op1("Concat", [missing, rowShape], "int64", { axis: 0 });
  const zeros = g.op1("Expand", [g.scalar(0, v.dtype), shape], v.dtype);
  return g.op1("Concat", [v, zeros], v.dtype, { axis: 0 });
}

export const scanRule: NodeRule = {
  kind: "node",
  lower(g, node, ins) {
    const p = node.params as ScanParams;
    const seqs = ins.slice(p.seqStart, p.initStart);
    const inits = ins.slice(p.initStart, p.nonSeqStart);
    const nonSeqs = ins.slice(p.nonSeqStart);
    const lens = seqs.map((s) => lengthOf(g, s, 0));
    let n: Val;
    if (p.hasN) n = g.cast(ins[0], "int64");
    else {
      const avail = lens.map((len, j) => sub(g, len, g.scalar(p.seqs[j].window, "int64")));
      n = avail.length === 1 ? avail[0] : g.op1("Min", avail, "int64");
    }
    const maps = seqs.map((_, j) => rowMap(g, p.seqs[j], lens[j], n));
    // A truncated scan (a truncated gradient's) runs at most `truncate` steps; its outputs
    // keep the shapes of n steps, zeros past the steps run (as the CPU runner's).
    const steps = p.truncate === null ? n : g.op1("Min", [n, g.scalar(p.truncate, "int64")], "int64");

    // Carried values: states (the value, or a history of L rows), then like-collected sums.
    const lags = p.states.map(lagsOf);
    const histories = p.states.map((s, k) =>
      s.stacked ? g.op1("Slice", [inits[k], g.ints([-lags[k]]), g.ints([FAR])], inits[k].dtype) : inits[k]
    );
    const likes = p.collects.flatMap((c, m) => (c.like === null ? [] : [m]));
    const zeros = likes.map((m) => {
      const like = seqs[(p.collects[m] as { like: number }).like];
      const t = node.outputs[p.states.length + m].dtype;
      return g.op1("Expand", [g.scalar(0, t), g.op1("Shape", [like], "int64")], t);
    });
    const carried = [...histories, ...zeros];
    const inner = (v: Variable) => ({ dtype: v.dtype, ndim: v.ndim });
    const carriedTypes = [
      ...p.states.map((s, k) => {
        const t = inner(p.innerInputs[p.stateSlot(k, 0)]);
        return s.stacked ? { dtype: t.dtype, ndim: t.ndim + 1 } : t;
      }),
      ...likes.map((m) => ({
        dtype: zeros[likes.indexOf(m)].dtype,
        ndim: node.outputs[p.states.length + m].ndim,
      })),
    ];
    const keptStates = p.states.flatMap((s, k) => (s.keep === "all" ? [k] : []));
    const plainCollects = p.collects.flatMap((c, m) => (c.like === null ? [m] : []));

    const body = g.subgraph(
      [{ dtype: "int64", ndim: 0 }, { dtype: "bool", ndim: 0 }, ...carriedTypes],
      (b, [t, cond, ...carry]) => {
        const bound = new Map<Variable, Val>();
        p.seqs.forEach((spec, j) => {
          const [a, dir] = maps[j];
          spec.offsets.forEach((o, k) => {
            const row = rowAt(b, a, dir, t, o);
            bound.set(
              p.innerInputs[p.seqSlot(j, k)],
              b.op1("Gather", [seqs[j], row], seqs[j].dtype, { axis: 0 }),
            );
          });
        });
        p.states.forEach((s, k) => {
          s.taps.forEach((tap, i) => {
            const v = s.stacked || lags[k] > 1
              ? b.op1("Gather", [carry[k], b.scalar(lags[k] + tap, "int64")], carry[k].dtype, { axis: 0 })
              : carry[k];
            bound.set(p.innerInputs[p.stateSlot(k, i)], v);
          });
        });
        nonSeqs.forEach((v, q) => bound.set(p.innerInputs[p.nonSeqSlot(q)], v));
        const outs = b.lowerGraph(p.innerOutputs, bound);

        const next = p.states.map((s, k) => {
          const v = b.cast(outs[k], carry[k].dtype);
          if (!s.stacked) return v;
          const rest = b.op1("Slice", [carry[k], b.ints([1]), b.ints([FAR])], v.dtype);
          return b.op1("Concat", [rest, b.op1("Unsqueeze", [v, b.ints([0])], v.dtype)], v.dtype, { axis: 0 });
        });
        const sums = likes.map((m, i) => {
          const c = p.collects[m] as { like: number } & SeqSpec;
          const [a, dir] = rowMap(b, c, lens[c.like], n);
          let acc = carry[p.states.length + i];
          c.offsets.forEach((o, k) => {
            const row = b.op1("Reshape", [rowAt(b, a, dir, t, o), b.ints([1, 1])], "int64");
            const v = b.op1(
              "Unsqueeze",
              [b.cast(outs[p.collectSlot(m, k)], acc.dtype), b.ints([0])],
              acc.dtype,
            );
            acc = b.op1("ScatterND", [acc, row, v], acc.dtype, { reduction: "add" });
          });
          return acc;
        });
        const perStep = [
          ...keptStates.map((k) => b.cast(outs[k], node.outputs[k].dtype)),
          ...plainCollects.map((m) =>
            b.cast(outs[p.collectSlot(m)], node.outputs[p.states.length + m].dtype)
          ),
        ];
        return [cond, ...next, ...sums, ...perStep];
      },
    );
    const loopOuts = g.op(
      "Loop",
      [steps, "", ...carried],
      [
        ...carried.map((v) => v.dtype),
        ...keptStates.map((k) => node.outputs[k].dtype),
        ...plainCollects.map((m) => node.outputs[p.states.length + m].dtype),
      ],
      { body },
    );
    const finals = loopOuts.slice(0, carried.length);
    const stacked = loopOuts.slice(carried.length).map((
      v,
    ) => (p.truncate === null ? v : padRows(g, v, n, steps)));
    return node.outputs.map((_, i) => {
      if (i < p.states.length) {
        const s = p.states[i];
        if (s.keep === "all") return stacked[keptStates.indexOf(i)];
        const last = s.stacked
          ? g.op1("Gather", [finals[i], g.scalar(-1, "int64")], finals[i].dtype, { axis: 0 })
          : finals[i];
        if (!s.truncZero || p.truncate === null) return last;
        const cut = g.op1("Less", [steps, n], "bool");
        return g.op1("Where", [cut, g.scalar(0, last.dtype), last], last.dtype);
      }
      const m = i - p.states.length;
      return p.collects[m].like === null
        ? stacked[keptStates.length + plainCollects.indexOf(m)]
        : finals[p.states.length + likes.indexOf(m)];
    });
  },
};
