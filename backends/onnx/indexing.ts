/**
 * ONNX rules of the indexing ops of issue 16: advanced indexing (GatherND / ScatterND on
 * the indexed axes moved first, with NumPy's placement of the broadcast index shape),
 * take and its gradient, permutations along an axis, nonzero, repeat_index, and flat
 * indices (unravel / ravel). Run-time range checks Hypatia makes ("raise" modes) are not
 * made by the model unless ONNX Runtime makes them itself (Gather does).
 * @module
 */
import type { Apply } from "../../core/graph.ts";
import type { AdvancedIncSubtensorParams, AdvancedSubtensorParams } from "../../ops/advanced_subtensor.ts";
import type { PermuteRowParams } from "../../ops/permute_row_elements.ts";
import type { RavelParams, UnravelParams } from "../../ops/ravel_index.ts";
import type { AxisParams } from "../../ops/sort.ts";
import type { TakeMode, TakeParams } from "../../ops/take.ts";
import { FAR, type NodeRule, oneOutput, type OnnxGraph, type Val, workDtype } from "./rule.ts";
import { i64, lengthOf, shapeOf } from "./helpers.ts";

// ---- flat indices ----

/** The strides of `dims` in C or Fortran order. */
function strides(dims: readonly number[], order: "C" | "F"): number[] {
  const st = dims.map(() => 1);
  if (order === "C") { for (let d = dims.length - 2; d >= 0; d--) st[d] = st[d + 1] * dims[d + 1]; }
  else for (let d = 1; d < dims.length; d++) st[d] = st[d - 1] * dims[d - 1];
  return st;
}

/** unravelIndex: `(i // stride) % length` per dimension (indices out of range are not checked). */
export const unravelIndexRule: NodeRule = {
  kind: "node",
  lower(g, node, [i]) {
    const { dims, order } = node.params as UnravelParams;
    const iv = i64(g, i);
    return strides(dims, order).map((s, d) =>
      g.op1("Mod", [g.op1("Div", [iv, g.scalar(s, "int64")], "int64"), g.scalar(dims[d], "int64")], "int64", {
        fmod: 0,
      })
    );
  },
};

/** ravelMultiIndex: the coordinates wrapped or clipped by their modes ("raise" is not checked), times the strides. */
export const ravelMultiIndexRule = oneOutput((g, node, coords) => {
  const { dims, modes, order } = node.params as RavelParams;
  const st = strides(dims, order);
  const terms = coords.map((c, d) => {
    let v = i64(g, c);
    const n = g.scalar(dims[d], "int64");
    if (modes[d] === "wrap") v = g.op1("Mod", [v, n], "int64", { fmod: 0 });
    if (modes[d] === "clip") {
      v = g.op1("Clip", [v, g.scalar(0, "int64"), g.scalar(dims[d] - 1, "int64")], "int64");
    }
    return g.op1("Mul", [v, g.scalar(st[d], "int64")], "int64");
  });
  // ONNX's Sum takes floats only.
  return terms.reduce((acc, t) => g.op1("Add", [acc, t], "int64"));
});

// ---- permutations and advanced indexing ----

/** The broadcast shape of values (their zeros added). */
function broadcastShape(g: OnnxGraph, vs: Val[]): Val {
  const zeros = vs.map((v) => g.op1("ConstantOfShape", [shapeOf(g, v)], "float32"));
  return shapeOf(g, zeros.length === 1 ? zeros[0] : g.op1("Sum", zeros, "float32"));
}

/** permuteRowElements: GatherElements along the last axis, or ScatterElements for the inverse. */
export const permuteRowElementsRule = oneOutput((g, node, [x, y]) => {
  const { inverse } = node.params as PermuteRowParams;
  const shape = broadcastShape(g, [x, y]);
  const xs = g.op1("Expand", [x, shape], x.dtype), ys = g.op1("Expand", [i64(g, y), shape], "int64");
  return inverse
    ? g.op1("ScatterElements", [xs, ys, xs], x.dtype, { axis: -1 })
    : g.op1("GatherElements", [xs, ys], x.dtype, { axis: -1 });
});

/** An advanced index made ready for GatherND/ScatterND on x with its indexed axes moved first. */
interface AdvancedPlan {
  /** x transposed: indexed axes first (in order), then the whole axes. */
  xt: Val;
  /** The permutation that made xt. */
  perm: number[];
  /** The index tuples, shape (B..., k). */
  indices: Val;
  /** The permutation from GatherND's (B..., rest...) to NumPy's order, or null when they agree. */
  place: number[] | null;
}

function advancedPlan(
  g: OnnxGraph,
  node: Apply,
  x: Val,
  entries: readonly string[],
  idx: Val[],
): AdvancedPlan {
  const nd = node.inputs[0].ndim;
  const arrays: Val[] = [], indexed: number[] = [];
  let axis = 0, k = 0, nB = 0;
  for (const e of entries) {
    if (e === "all") {
      axis++;
      continue;
    }
    const v = idx[k], vNdim = node.inputs[1 + (node.op.name === "advanced_inc_subtensor" ? 1 : 0) + k].ndim;
    k++;
    if (e === "int") {
      arrays.push(i64(g, v));
      indexed.push(axis++);
      nB = Math.max(nB, vNdim);
    } else {
      // A mask of m axes is m index arrays: the coordinates of its true elements.
      const nz = g.op1("NonZero", [v], "int64");
      for (let j = 0; j < vNdim; j++) {
        arrays.push(g.op1("Gather", [nz, g.scalar(j, "int64")], "int64", { axis: 0 }));
        indexed.push(axis++);
      }
      nB = Math.max(nB, 1);
    }
  }
  const whole = [...Array(nd).keys()].filter((a) => !indexed.includes(a));
  const perm = [...indexed, ...whole];
  const xt = perm.every((p, i) => p === i) ? x : g.op1("Transpose", [x], x.dtype, { perm });
  const shape = broadcastShape(g, arrays);
  const columns = arrays.map((a) =>
    g.op1("Unsqueeze", [g.op1("Expand", [a, shape], "int64"), g.ints([-1])], "int64")
  );
  const indices = columns.length === 1 ? columns[0] : g.op1("Concat", columns, "int64", { axis: -1 });
  // NumPy: adjacent indexed axes put B in their place, else first (where GatherND puts it).
  const adjacent = indexed.every((a, i) => i === 0 || a === indexed[i - 1] + 1);
  const p = indexed[0];
  const total = nB + whole.length;
  const place = adjacent && p > 0
    ? [...Array(p).keys()].map((i) => nB + i).concat(
      [...Array(nB).keys()],
      [...Array(total - nB - p).keys()].map((i) => nB + p + i),
    )
    : null;
  return { xt, perm, indices, place };
}

export const advancedSubtensorRule = oneOutput((g, node, [x, ...idx]) => {
  const { entries } = node.params as AdvancedSubtensorParams;
  const plan = advancedPlan(g, node, x, entries, idx);
  const r = g.op1("GatherND", [plan.xt, plan.indices], x.dtype);
  return plan.place ? g.op1("Transpose", [r], x.dtype, { perm: plan.place }) : r;
});

/** Set or add y at the advanced index: ScatterND (adding once per duplicate, or the last write). */
export const advancedIncSubtensorRule = oneOutput((g, node, [x, y, ...idx]) => {
  const { entries, set } = node.params as AdvancedIncSubtensorParams;
  const t = workDtype(x.dtype);
  const plan = advancedPlan(g, node, g.cast(x, t), entries, idx);
  const region = g.op1("GatherND", [plan.xt, plan.indices], t);
  // y broadcast to the region in NumPy's order, then put in GatherND's order.
  const numpyShape = plan.place
    ? shapeOf(g, g.op1("Transpose", [region], t, { perm: plan.place }))
    : shapeOf(g, region);
  let values = g.op1("Expand", [g.cast(y, t), numpyShape], t);
  if (plan.place) {
    const back = plan.place.map((_, i) => plan.place!.indexOf(i));
    values = g.op1("Transpose", [values], t, { perm: back });
  }
  const scattered = g.op1("ScatterND", [plan.xt, plan.indices, values], t, {
    reduction: set ? "none" : "add",
  });
  const inverse = plan.perm.map((_, i) => plan.perm.indexOf(i));
  return inverse.every((p, i) => p === i) ? scattered : g.op1("Transpose", [scattered], t, { perm: inverse });
});

/** permute_along: the elements of each line of x at the positions perm gives. */
export const permuteAlongRule = oneOutput((g, node, [x, perm]) => {
  const { axis } = node.params as AxisParams;
  return g.op1("GatherElements", [x, i64(g, perm)], x.dtype, { axis });
});

/** Indices as take's mode reads them along an axis of length `n` ("raise": negative from the end). */
function takeIndices(g: OnnxGraph, idx: Val, n: Val, mode: TakeMode): Val {
  const i = i64(g, idx);
  if (mode === "wrap") return g.op1("Mod", [i, n], "int64", { fmod: 0 });
  if (mode === "clip") {
    return g.op1("Min", [
      g.op1("Max", [i, g.scalar(0, "int64")], "int64"),
      g.op1("Sub", [n, g.scalar(1, "int64")], "int64"),
    ], "int64");
  }
  return i;
}

/** take: Gather along the axis (out-of-range "raise" indices are ONNX Runtime's error). */
export const takeRule = oneOutput((g, node, [a, idx]) => {
  const { axis, mode } = node.params as TakeParams;
  return g.op1("Gather", [a, takeIndices(g, idx, lengthOf(g, a, axis), mode)], a.dtype, { axis });
});

/**
 * take's gradient: the output gradient added into zeros at the positions read
 * (ScatterND with addition, so positions read twice add up), the index axes moved first.
 */
export const takeGradRule = oneOutput((g, node, [gz, idx, nv], out) => {
  const { axis, mode } = node.params as TakeParams;
  const k = node.inputs[1].ndim, nd = node.inputs[0].ndim;
  const n = i64(g, nv);
  const t = workDtype(out);
  let i = takeIndices(g, idx, n, mode);
  if (mode === "raise") {
    const neg = g.op1("Less", [i, g.scalar(0, "int64")], "bool");
    i = g.op1("Where", [neg, g.op1("Add", [i, n], "int64"), i], "int64");
  }
  // gz's axes: before (axis), the index axes (k), after. Index axes first for ScatterND.
  const before = [...Array(axis).keys()], idxAxes = [...Array(k).keys()].map((j) => axis + j);
  const after = [...Array(nd - axis - k).keys()].map((j) => axis + k + j);
  const perm = [...idxAxes, ...before, ...after];
  const updates = g.op1("Transpose", [g.cast(gz, t)], t, { perm });
  const gzShape = shapeOf(g, gz);
  const slice = (from: number, to: number) =>
    g.op1("Slice", [gzShape, g.ints([from]), g.ints([to])], "int64");
  const zerosShape = g.op1(
    "Concat",
    [
      g.op1("Unsqueeze", [n, g.ints([0])], "int64"),
      slice(0, axis),
      slice(axis + k, FAR),
    ],
    "int64",
    { axis: 0 },
  );
  const zeros = g.op1("Expand", [g.scalar(0, t), zerosShape], t);
  const scattered = g.op1("ScatterND", [zeros, g.op1("Unsqueeze", [i, g.ints([-1])], "int64"), updates], t, {
    reduction: "add",
  });
  // (n, before, after) back to (before, n, after).
  const back = [...before.map((b) => b + 1), 0, ...after.map((_, j) => axis + 1 + j)];
  return g.op1("Transpose", [scattered], t, { perm: back });
});

/** nonzero: ONNX NonZero of the elements as bools (NaN is nonzero): one row per axis. */
export const nonzeroRule = oneOutput((g, _node, [a]) => g.op1("NonZero", [g.cast(a, "bool")], "int64"));

/**
 * repeat_index: position p repeated counts[p] times (one count for all): for each output
 * slot j, how many of the counts' running sums are at most j.
 */
export const repeatIndexRule = oneOutput((g, _node, [counts, nv]) => {
  const n = g.op1("Unsqueeze", [i64(g, nv), g.ints([0])], "int64");
  const each = g.op1("Expand", [i64(g, counts), n], "int64");
  const ends = g.op1("CumSum", [each, g.scalar(0, "int64")], "int64");
  const total = g.op1("ReduceSum", [each], "int64", { keepdims: 0 });
  const slots = g.op1("Range", [g.scalar(0, "int64"), total, g.scalar(1, "int64")], "int64");
  const passed = g.op1("LessOrEqual", [ends, g.op1("Unsqueeze", [slots, g.ints([1])], "int64")], "bool");
  return g.op1("ReduceSum", [g.cast(passed, "int64"), g.ints([1])], "int64", { keepdims: 0 });
});
