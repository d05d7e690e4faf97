/**
 * The gradient of a Scan node (back-propagation through time) is another Scan node
 * that runs over the same steps backwards. At backward step `t'` (forward step
 * `t = n - 1 - t'`) it reads the forward sequences' rows of step `t`, the states'
 * values at `t + tap` (from the forward history with the initial rows in front) and
 * the gradients of step `t`'s outputs; it recomputes the body and back-propagates
 * through it with the grad engine (`ScanParams.differentiate`, supplied by autodiff).
 *
 * Its states carry, for each forward state with `L` lags, the partial gradients of the
 * `L` most recent values, and the running sums of the non-sequences' gradients. The
 * sequences' gradients are collected "like" the sequences (added at the rows read).
 * With `truncateGradient = k` the backward loop stops after `k` steps.
 * @module
 */
import { isFloat } from "../../core/dtype.ts";
import { GradError } from "../../core/errors.ts";
import { constant } from "../../core/constant.ts";
import type { Apply, Variable } from "../../core/graph.ts";
import { add } from "../arith.ts";
import { cast } from "../cast.ts";
import { dimshuffle } from "../dimshuffle.ts";
import { fill } from "../fill.ts";
import { concatenate, stack } from "../join.ts";
import { sum } from "../reduce.ts";
import {
  type CollectSpec,
  lagsOf,
  reversedSpec,
  ScanParams,
  type SeqSpec,
  type StateSpec,
} from "./params.ts";

const zerosOf = (model: Variable) => fill(model, constant(0, { dtype: model.dtype }));
const plus = (a: Variable | null, b: Variable | null) => (a && b ? add(a, b) : a ?? b);
const asDtype = (v: Variable, dtype: Variable["dtype"]) => (v.dtype === dtype ? v : cast(v, dtype));
const LAST: SeqSpec = { offsets: [0], reverse: true, anchorEnd: true, window: 0 };

/**
 * The vjp of a Scan node: a backward Scan node, and the gradients read from it (one per
 * outer input; null for the number of steps and for inputs without gradient).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanVjp } from "./grad.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { add } from "../arith.ts";
 * import { onesLike } from "../alloc.ts";
 * import { dscalar, dvector } from "../constructors.ts";
 * const [cum] = scan({ fn: (xt, acc) => add(acc, xt), sequences: dvector("x"), outputsInfo: dscalar("z") });
 * const [gx, gz] = scanVjp(cum.owner!, [onesLike(cum)]);
 * assert(gx!.owner!.op.name === "scan" && gz!.ndim === 0);
 * ```
 */
export function scanVjp(node: Apply, outGrads: Variable[]): (Variable | null)[] {
  const p = node.params as ScanParams;
  if (!p.differentiate) {
    throw new GradError(`scan "${p.name}": this Scan node was built without a gradient rule`);
  }
  const ins = node.inputs, inner = p.innerInputs;
  // The backward pass needs every state's history: recompute it if only the last value was kept.
  const fwd = p.states.some((s) => s.keep === "last")
    ? node.op.make(ins, p.with({ states: p.states.map((s) => ({ ...s, keep: "all", truncZero: false })) }))
    : node;

  const seqs: SeqSpec[] = [], seqInputs: Variable[] = [], seqSlots: Variable[] = [];
  const addSeq = (spec: SeqSpec, input: Variable, slots: Variable[]) => {
    seqs.push(spec);
    seqInputs.push(input);
    seqSlots.push(...slots);
  };
  // 1. The forward sequences, read backwards (their slots are the forward body's).
  p.seqs.forEach((s, j) =>
    addSeq(reversedSpec(s), ins[p.seqStart + j], s.offsets.map((_, k) => inner[p.seqSlot(j, k)]))
  );
  // 2. Each state's history, initial rows first: step t reads h[t + tap] at row t + L + tap.
  p.states.forEach((s, k) => {
    const init = ins[p.initStart + k];
    const rows = s.stacked ? init : dimshuffle(init, "x", ...init.type.shape.map((_, d) => d));
    addSeq(
      { offsets: s.taps.map((tap) => -tap), reverse: true, anchorEnd: true, window: lagsOf(s) },
      concatenate([rows, fwd.outputs[k]], 0),
      s.taps.map((_, ti) => inner[p.stateSlot(k, ti)]),
    );
  });

  // 3. Output gradients of each step, and the carries of the states' gradients.
  const known = new Map<Variable, Variable>();
  const learn = (v: Variable, g: Variable) => known.set(v, plus(known.get(v) ?? null, g)!);
  const states: StateSpec[] = [], stateInits: Variable[] = [], stateSlots: Variable[] = [];
  const carries: { k: number; slots: Variable[] }[] = [];
  p.states.forEach((s, k) => {
    const slot = inner[p.stateSlot(k, 0)];
    if (!isFloat(slot.dtype)) return;
    const L = lagsOf(s), init = ins[p.initStart + k];
    const row = s.stacked ? sum(init, 0) : init;
    const slots = Array.from({ length: L }, (_, r) => slot.type.make(`carry${k}_${r}`));
    slots.forEach((c, r) => {
      states.push({ taps: [-1], stacked: false, keep: "last", truncZero: true });
      const last = r === 0 && s.keep === "last";
      stateInits.push(last ? asDtype(outGrads[k], slot.dtype) : zerosOf(row));
      stateSlots.push(c);
    });
    carries.push({ k, slots });
    let g: Variable = slots[0];
    if (s.keep === "all") {
      const gRow = slot.type.make(`g_out${k}`);
      addSeq(LAST, asDtype(outGrads[k], slot.dtype), [gRow]);
      g = add(gRow, g);
    }
    learn(p.innerOutputs[k], g);
  });
  p.collects.forEach((c, m) => {
    const gz = outGrads[p.states.length + m];
    const outs = p.innerOutputs.slice(p.collectSlot(m), p.collectSlot(m + 1));
    if (!isFloat(outs[0].dtype)) return;
    const rows = outs.map((o, k) => o.type.make(`g_y${m}_${k}`));
    addSeq(c.like === null ? LAST : reversedSpec(c), asDtype(gz, outs[0].dtype), rows);
    outs.forEach((o, k) => learn(o, rows[k]));
  });

  // 4. Back-propagate through the body.
  const wrt = inner.filter((v) => isFloat(v.dtype));
  const d = new Map<Variable, Variable | null>();
  const gs = known.size ? p.differentiate([...known], wrt) : wrt.map(() => null);
  wrt.forEach((v, i) => d.set(v, gs[i]));
  const dOf = (v: Variable) => d.get(v) ?? null;

  const outputs: Variable[] = [];
  for (const { k, slots } of carries) {
    const s = p.states[k];
    const tapGrad = (lag: number) => {
      const ti = s.taps.indexOf(-lag);
      return ti < 0 ? null : dOf(inner[p.stateSlot(k, ti)]);
    };
    slots.forEach((c, r) => {
      const next = plus(r + 1 < slots.length ? slots[r + 1] : null, tapGrad(r + 1));
      outputs.push(next ?? zerosOf(c));
    });
  }
  const accs: { q: number; at: number }[] = [];
  const nonSeqSlots = inner.slice(p.nonSeqSlot(0));
  nonSeqSlots.forEach((slot, q) => {
    const g = dOf(slot);
    if (!g) return;
    const acc = slot.type.make(`acc${q}`);
    accs.push({ q, at: states.length });
    states.push({ taps: [-1], stacked: false, keep: "last" });
    stateInits.push(zerosOf(ins[p.nonSeqStart + q]));
    stateSlots.push(acc);
    outputs.push(add(acc, g));
  });
  const collects: CollectSpec[] = [];
  const seqGrad: (number | null)[] = p.seqs.map(() => null);
  p.seqs.forEach((s, j) => {
    const spec = reversedSpec(s);
    const kept = s.offsets.map((_, k) => k).filter((k) => dOf(inner[p.seqSlot(j, k)]));
    if (!kept.length) return;
    seqGrad[j] = states.length + collects.length;
    collects.push({ like: j, ...spec, offsets: kept.map((k) => spec.offsets[k]) });
    for (const k of kept) outputs.push(dOf(inner[p.seqSlot(j, k)])!);
  });

  const back = node.op.make(
    [...(p.hasN ? [ins[0]] : []), ...seqInputs, ...stateInits, ...ins.slice(p.nonSeqStart)],
    new ScanParams({
      name: `grad_${p.name || "loop"}`,
      hasN: p.hasN,
      seqs,
      states,
      collects,
      nNonSeqs: p.nNonSeqs,
      innerInputs: [...seqSlots, ...stateSlots, ...nonSeqSlots],
      innerOutputs: outputs,
      truncate: p.truncateGradient,
      truncateGradient: null,
      differentiate: p.differentiate,
    }),
    node.trace,
  );

  // 5. Gradients of the outer inputs.
  const result: (Variable | null)[] = ins.map(() => null);
  p.seqs.forEach((_, j) => {
    const at = seqGrad[j];
    if (at !== null) result[p.seqStart + j] = back.outputs[at];
  });
  let at = 0;
  for (const { k, slots } of carries) {
    const finals = slots.map((_, r) => back.outputs[at + r]);
    at += slots.length;
    // Carry r holds the gradient of h[-1 - r], which is initial row L - 1 - r.
    result[p.initStart + k] = p.states[k].stacked ? stack(finals.reverse(), 0) : finals[0];
  }
  for (const { q, at } of accs) result[p.nonSeqStart + q] = back.outputs[at];
  return result;
}
