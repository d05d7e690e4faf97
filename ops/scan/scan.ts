/**
 * The Scan op: a loop whose body is a graph (held in the node's params) run once per
 * step. Sequences are read along axis 0, recurrent states feed each step's results to
 * the next, per-step results are collected. The user-facing `scan()` (Theano's
 * `theano.scan`) is in autodiff/scan.ts, because building a loop body may call `grad`.
 *
 * The CPU backend runs a Scan node with its scan runner (backends/cpu/scan_runner.ts),
 * which compiles the body once per compiled function and reuses it at every step. The
 * gradient is another Scan running backwards over the steps (ops/scan/grad.ts).
 * @module
 */
import { isInt } from "../../core/dtype.ts";
import { HypatiaTypeError } from "../../core/errors.ts";
import { defineOp, type Dim, type Op, TensorType, type Variable } from "../../core/graph.ts";
import { toposort } from "../../core/walk.ts";
import type { ScanParams } from "./params.ts";
import { scanVjp } from "./grad.ts";
import { batchIndependentScan } from "./batch.ts";

export { collectWidth, lagsOf, ScanParams } from "./params.ts";
export type { CollectSpec, InnerGrad, ScanParamsInit, SeqSpec, StateSpec } from "./params.ts";

/** Whether a value of type `outer` may stand where `inner` is declared (runtime checks the rest). */
function compatible(outer: readonly Dim[], inner: readonly Dim[]): boolean {
  return outer.length === inner.length &&
    outer.every((d, i) => d === null || inner[i] === null || d === inner[i]);
}

function check(p: ScanParams, ok: boolean, what: () => string) {
  if (!ok) throw new HypatiaTypeError(`scan${p.name ? ` "${p.name}"` : ""}: ${what()}`);
}

/** Output types of a Scan node. */
function scanOutputTypes(inputs: readonly Variable[], p: ScanParams): TensorType[] {
  check(p, inputs.length === p.nInputs, () => `expected ${p.nInputs} inputs, got ${inputs.length}`);
  const inner = p.innerInputs, outs = p.innerOutputs;
  if (p.hasN) {
    const n = inputs[0];
    check(
      p,
      n.ndim === 0 && isInt(n.dtype),
      () => `the number of steps must be an integer scalar, got ${n.describe()}`,
    );
  }
  p.seqs.forEach((s, j) => {
    const v = inputs[p.seqStart + j];
    s.offsets.forEach((_, k) => {
      const slot = inner[p.seqSlot(j, k)];
      check(
        p,
        v.dtype === slot.dtype && compatible(v.type.shape.slice(1), slot.type.shape) &&
          v.ndim === slot.ndim + 1,
        () =>
          `sequence ${j} ${v.describe()} does not match the body's slice ${slot.type} (one more leading axis)`,
      );
    });
  });
  const types: TensorType[] = [];
  p.states.forEach((s, j) => {
    const init = inputs[p.initStart + j];
    const slot = inner[p.stateSlot(j, 0)];
    const out = outs[j];
    const shape = s.stacked ? init.type.shape.slice(1) : init.type.shape;
    check(
      p,
      init.dtype === slot.dtype && init.ndim === slot.ndim + (s.stacked ? 1 : 0) &&
        compatible(shape, slot.type.shape),
      () =>
        `initial value ${j} ${init.describe()} does not match the state ${slot.type}${
          s.stacked ? " (stacked)" : ""
        }`,
    );
    check(
      p,
      out.dtype === slot.dtype && out.ndim === slot.ndim && compatible(out.type.shape, slot.type.shape),
      () => `the body's output for state ${j} has type ${out.type}, but the state has type ${slot.type}`,
    );
    types.push(new TensorType(slot.dtype, s.keep === "all" ? [null, ...slot.type.shape] : slot.type.shape));
  });
  p.collects.forEach((c, m) => {
    const out = outs[p.collectSlot(m)];
    if (c.like === null) {
      types.push(new TensorType(out.dtype, [null, ...out.type.shape]));
    } else {
      const like = inputs[p.seqStart + c.like];
      c.offsets.forEach((_, k) => {
        const o = outs[p.collectSlot(m, k)];
        check(
          p,
          o.dtype === like.dtype && o.ndim === like.ndim - 1,
          () => `collected output ${m} has type ${o.type}, which does not fit rows of ${like.type}`,
        );
      });
      types.push(like.type);
    }
  });
  p.innerInputs.slice(p.nonSeqSlot(0)).forEach((slot, q) => {
    const v = inputs[p.nonSeqStart + q];
    check(
      p,
      v.dtype === slot.dtype && compatible(v.type.shape, slot.type.shape),
      () => `non-sequence ${q} ${v.describe()} does not match the body's ${slot.type}`,
    );
  });
  return types;
}

/** The Scan op. Params: a ScanParams (specs and the inner graph). */
export const scanOp: Op<ScanParams> = defineOp<ScanParams>({
  name: "scan",
  inferType: scanOutputTypes,
  vjp: scanVjp,
  rewrites: [batchIndependentScan],
  notFoldable: "a loop over constants would run at compile time",
  format: (args, p) => `scan{${p.name || "loop"}}(${args.join(", ")})`,
});

/**
 * Apply `transform` to the body of every Scan node in the graphs of `outputs`
 * (used by the compiler to optimise bodies once). Inner inputs stay the same
 * variables; returns the new outputs (the same ones when no body changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapScanBodies } from "./scan.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { mul } from "../arith.ts";
 * import { dvector } from "../constructors.ts";
 * const [ys] = scan({ fn: (xt) => mul(xt, 2), sequences: dvector("x") });
 * assert(mapScanBodies([ys], (inner) => [...inner])[0] === ys);
 * const [doubled] = mapScanBodies([ys], (inner) => inner.map((v) => mul(v, 2)));
 * assert(doubled !== ys && doubled.owner!.op.name === "scan");
 * ```
 */
export function mapScanBodies(
  outputs: readonly Variable[],
  transform: (innerOutputs: readonly Variable[]) => Variable[],
): Variable[] {
  const memo = new Map<Variable, Variable>();
  let changed = false;
  for (const node of toposort(outputs)) {
    const inputs = node.inputs.map((i) => memo.get(i) ?? i);
    let params = node.params;
    if (node.op === scanOp) {
      const p = node.params as ScanParams;
      const inner = transform(p.innerOutputs);
      if (inner.some((v, i) => v !== p.innerOutputs[i])) params = p.with({ innerOutputs: inner });
    }
    if (params === node.params && inputs.every((v, k) => v === node.inputs[k])) continue;
    changed = true;
    const rebuilt = node.op.make(inputs, params, node.trace);
    node.outputs.forEach((o, k) => memo.set(o, rebuilt.outputs[k]));
  }
  return changed ? outputs.map((o) => memo.get(o) ?? o) : [...outputs];
}
