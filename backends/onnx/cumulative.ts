/**
 * ONNX rules of the cumulative ops: cumsum is ONNX CumSum; cumprod and the linear
 * recurrences its derivatives are made of are Loops along the axis (opset 17 has no
 * CumProd), the axis moved first and back.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { Apply } from "../../core/graph.ts";
import type { CumParams } from "../../ops/cumulative.ts";
import type { LinearRecurrenceParams } from "../../ops/linear_recurrence.ts";
import { FAR, oneOutput, type OnnxGraph, type Val, workDtype } from "./rule.ts";
import { flat, lengthOf, shapeOf } from "./helpers.ts";

/** The permutation moving `axis` first, and its inverse. */
function axisFirst(ndim: number, axis: number): [number[], number[]] {
  const perm = [axis, ...[...Array(ndim).keys()].filter((a) => a !== axis)];
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [perm, inverse];
}

/** Run `f` on `x` with `axis` moved first (no transpose when it already is). */
function alongFirst(g: OnnxGraph, x: Val, ndim: number, axis: number, f: (xf: Val) => Val): Val {
  if (axis === 0) return f(x);
  const [perm, inverse] = axisFirst(ndim, axis);
  const r = f(g.op1("Transpose", [x], x.dtype, { perm }));
  return g.op1("Transpose", [r], r.dtype, { perm: inverse });
}

/**
 * A Loop over the rows of `xs` (axis 0, all of one length), carrying `init`: `step`
 * gives the next carried values and the row to collect; rows are visited last first
 * with `reverse`, and the collected rows are returned in the rows' own order.
 */
function loopRows(
  g: OnnxGraph,
  xs: Val[],
  init: Val[],
  reverse: boolean,
  step: (b: OnnxGraph, rows: Val[], carry: Val[]) => { next: Val[]; out: Val },
  outDtype: DType,
): Val {
  const n = lengthOf(g, xs[0], 0);
  const last = g.op1("Sub", [n, g.scalar(1, "int64")], "int64");
  const body = g.subgraph(
    [
      { dtype: "int64", ndim: 0 },
      { dtype: "bool", ndim: 0 },
      ...init.map((v) => ({ dtype: v.dtype, ndim: -1 })),
    ],
    (b, [i, cond, ...carry]) => {
      const at = reverse ? b.op1("Sub", [last, i], "int64") : i;
      const rows = xs.map((x) => b.op1("Gather", [x, at], x.dtype, { axis: 0 }));
      const { next, out } = step(b, rows, carry);
      return [cond, ...next.map((v, k) => b.cast(v, init[k].dtype)), b.cast(out, outDtype)];
    },
  );
  const outs = g.op("Loop", [n, "", ...init], [...init.map((v) => v.dtype), outDtype], { body });
  const stacked = outs[init.length];
  return reverse
    ? g.op1("Slice", [stacked, g.ints([-1]), g.ints([-FAR]), g.ints([0]), g.ints([-1])], outDtype)
    : stacked;
}

/** Ones (or zeros) shaped like a row of `xf` (its axis 0 dropped). */
function rowOf(g: OnnxGraph, xf: Val, value: number): Val {
  const rowShape = g.op1("Slice", [shapeOf(g, xf), g.ints([1]), g.ints([FAR])], "int64");
  return g.op1("Expand", [g.scalar(value, xf.dtype), rowShape], xf.dtype);
}

/** The inclusive (or exclusive) cumulative product along axis 0. */
function cumprodFirst(g: OnnxGraph, xf: Val, exclusive: boolean): Val {
  return loopRows(g, [xf], [rowOf(g, xf, 1)], false, (b, [row], [p]) => {
    const next = b.op1("Mul", [p, row], xf.dtype);
    return { next: [next], out: exclusive ? p : next };
  }, xf.dtype);
}

/** The input and axis a cumulative op works on: flattened when its axis is null. */
function cumInput(g: OnnxGraph, node: Apply, x: Val): { x: Val; ndim: number; axis: number } {
  const { axis } = node.params as CumParams;
  return axis === null ? { x: flat(g, x), ndim: 1, axis: 0 } : { x, ndim: node.inputs[0].ndim, axis };
}

export const cumsumRule = oneOutput((g, node, [x0], out) => {
  const { x, axis } = cumInput(g, node, g.cast(x0, workDtype(out)));
  return g.op1("CumSum", [x, g.scalar(axis, "int64")], x.dtype);
});

export const cumprodRule = oneOutput((g, node, [x0], out) => {
  const { x, ndim, axis } = cumInput(g, node, g.cast(x0, workDtype(out)));
  return alongFirst(g, x, ndim, axis, (xf) => cumprodFirst(g, xf, false));
});

/** linear_recurrence: `r_i = a_i r_(i-1) + b_i` from 0 along the axis (from the end when reversed), a Loop. */
export const linearRecurrenceRule = oneOutput((g, node, [a0, b0], out) => {
  const { axis, reverse } = node.params as LinearRecurrenceParams;
  const a = g.cast(a0, out), b = g.cast(b0, out);
  const [perm, inverse] = axisFirst(node.inputs[0].ndim, axis);
  const first = (v: Val) => (axis === 0 ? v : g.op1("Transpose", [v], out, { perm }));
  const af = first(a), bf = first(b);
  const r = loopRows(g, [af, bf], [rowOf(g, af, 0)], reverse, (body, [ai, bi], [prev]) => {
    const ri = body.op1("Add", [body.op1("Mul", [ai, prev], out), bi], out);
    return { next: [ri], out: ri };
  }, out);
  return axis === 0 ? r : g.op1("Transpose", [r], out, { perm: inverse });
});
