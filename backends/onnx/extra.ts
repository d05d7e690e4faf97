/**
 * ONNX rules of issue 16's ops: cumulative sums and products (products and the linear
 * recurrences of their derivatives as Loops along the axis: opset 17 has CumSum but no CumProd), bincount,
 * bartlett, fillDiagonal, squeeze, searchsorted, unique, unravel/ravel indices,
 * permuteRowElements, advanced indexing (GatherND / ScatterND on the indexed axes moved
 * first, with NumPy's placement of the broadcast index shape), and the ops that only
 * mark gradients or print (their input unchanged: ONNX has nothing to print with).
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { Apply } from "../../core/graph.ts";
import type { AdvancedIncSubtensorParams, AdvancedSubtensorParams } from "../../ops/advanced_subtensor.ts";
import type { BincountParams } from "../../ops/bincount.ts";
import type { CumParams } from "../../ops/cumulative.ts";
import type { LinearRecurrenceParams } from "../../ops/linear_recurrence.ts";
import type { FillDiagonalParams } from "../../ops/fill_diagonal.ts";
import type { PermuteRowParams } from "../../ops/permute_row_elements.ts";
import type { RavelParams, UnravelParams } from "../../ops/ravel_index.ts";
import type { SearchsortedParams, UniqueParams } from "../../ops/sorted.ts";
import type { SqueezeParams } from "../../ops/squeeze.ts";
import type { AxisParams } from "../../ops/sort.ts";
import type { TakeMode, TakeParams } from "../../ops/take.ts";
import { FAR, type NodeRule, oneOutput, type OnnxGraph, type Val, workDtype } from "./rule.ts";

const i64 = (g: OnnxGraph, v: Val) => g.cast(v, "int64");
const shapeOf = (g: OnnxGraph, v: Val) => g.op1("Shape", [v], "int64");
/** Length of axis `axis` of `v`, an int64 scalar. */
const lengthOf = (g: OnnxGraph, v: Val, axis: number) =>
  g.op1("Gather", [shapeOf(g, v), g.scalar(axis, "int64")], "int64", { axis: 0 });
const flat = (g: OnnxGraph, v: Val) => g.op1("Reshape", [v, g.ints([-1])], v.dtype);

/** Identity: ops that only mark gradients (removed by canonicalisation) and Print. */
export const identityRule: NodeRule = { kind: "node", lower: (_g, _n, [x]) => [x] };

export const squeezeRule = oneOutput((g, node, [x]) => {
  const { axes } = node.params as SqueezeParams;
  return axes.length ? g.op1("Squeeze", [x, g.ints(axes)], x.dtype) : x;
});

// ---- cumulative ops ----

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

// ---- counting, windows, diagonals ----

/** bincount: ScatterElements adding each weight (or 1) into max(x) + 1 (at least minlength) bins. */
export const bincountRule = oneOutput((g, node, [x, w], out) => {
  const { minlength } = node.params as BincountParams;
  const xi = i64(g, x);
  const top = g.op1(
    "Add",
    [g.op1("ReduceMax", [xi], "int64", { keepdims: 0 }), g.scalar(1, "int64")],
    "int64",
  );
  // An empty x has no max (ReduceMax gives the lowest int64): the bins are then minlength.
  const empty = g.op1("Equal", [lengthOf(g, xi, 0), g.scalar(0, "int64")], "bool");
  const n = g.op1("Max", [
    g.op1("Where", [empty, g.scalar(0, "int64"), top], "int64"),
    g.scalar(minlength, "int64"),
  ], "int64");
  const bins = g.op1("Expand", [g.scalar(0, out), g.op1("Unsqueeze", [n, g.ints([0])], "int64")], out);
  const updates = w ? g.cast(w, out) : g.op1("Expand", [g.scalar(1, out), shapeOf(g, xi)], out);
  return g.op1("ScatterElements", [bins, xi, updates], out, { axis: 0, reduction: "add" });
});

/** bartlett(M): NumPy's formula on n = 1 - M, 3 - M, ..., M - 1; [1] when M is 1, empty below. */
export const bartlettRule = oneOutput((g, _node, [m]) => {
  const M = g.op1("Max", [g.cast(m, "float64"), g.scalar(0, "float64")], "float64");
  const M1 = g.op1("Sub", [M, g.scalar(1, "float64")], "float64");
  const n = g.op1("Range", [g.op1("Neg", [M1], "float64"), M, g.scalar(2, "float64")], "float64");
  const ratio = g.op1("Div", [n, M1], "float64");
  const rising = g.op1("LessOrEqual", [n, g.scalar(0, "float64")], "bool");
  const one = g.scalar(1, "float64");
  const w = g.op1("Where", [
    rising,
    g.op1("Add", [one, ratio], "float64"),
    g.op1("Sub", [one, ratio], "float64"),
  ], "float64");
  // M = 1 divides 0 by 0: its window is [1].
  return g.op1("Where", [g.op1("Equal", [M, one], "bool"), one, w], "float64");
});

/**
 * fillDiagonal: the value where a mask of the diagonal is set. A matrix's mask is EyeLike
 * with the offset; a cube's (all lengths n) is every flat position divisible by 1 + n + n² + ....
 */
export const fillDiagonalRule = oneOutput((g, node, [a, v]) => {
  const { offset } = node.params as FillDiagonalParams;
  const nd = node.inputs[0].ndim;
  let mask: Val;
  if (nd === 2) {
    const eye = g.op1("EyeLike", [g.op1("ConstantOfShape", [shapeOf(g, a)], "float32")], "float32", {
      k: offset,
    });
    mask = g.cast(eye, "bool");
  } else {
    const n = lengthOf(g, a, 0);
    let step = g.scalar(1, "int64");
    for (let d = 1; d < nd; d++) {
      step = g.op1("Add", [g.scalar(1, "int64"), g.op1("Mul", [n, step], "int64")], "int64");
    }
    const size = g.op1("ReduceProd", [shapeOf(g, a)], "int64", { keepdims: 0 });
    const positions = g.op1("Range", [g.scalar(0, "int64"), size, g.scalar(1, "int64")], "int64");
    const on = g.op1(
      "Equal",
      [g.op1("Mod", [positions, step], "int64", { fmod: 0 }), g.scalar(0, "int64")],
      "bool",
    );
    mask = g.op1("Reshape", [on, shapeOf(g, a)], "bool");
  }
  return g.op1("Where", [mask, g.cast(v, a.dtype), a], a.dtype);
});

// ---- sorted arrays ----

/** searchsorted: how many of a are below v (left) or not above it (right), a sorted. */
export const searchsortedRule = oneOutput((g, node, [a, v, sorter]) => {
  const { side } = node.params as SearchsortedParams;
  const t = workDtype(a.dtype === "bool" ? "int32" : a.dtype);
  const sorted = sorter ? g.op1("Gather", [a, i64(g, sorter)], a.dtype, { axis: 0 }) : a;
  const nd = node.inputs[1].ndim;
  const av = g.op1("Reshape", [g.cast(sorted, t), g.ints([...Array(nd).fill(1), -1])], t);
  const vv = g.op1("Unsqueeze", [g.cast(v, t), g.ints([nd])], t);
  const hit = g.op1(side === "left" ? "Less" : "LessOrEqual", [av, vv], "bool");
  return g.op1("ReduceSum", [g.cast(hit, "int64"), g.ints([nd])], "int64", { keepdims: 0 });
});

/** unique: ONNX Unique (sorted) of the flattened input; the inverse takes the input's shape. */
export const uniqueRule: NodeRule = {
  kind: "node",
  lower(g, node, [x]) {
    const p = node.params as UniqueParams;
    const t = x.dtype === "float64" || x.dtype === "float32" || x.dtype === "int64" || x.dtype === "int8"
      ? x.dtype
      : "int64";
    const [values, index, inverse, counts] = g.op("Unique", [flat(g, g.cast(x, t))], [
      t,
      "int64",
      "int64",
      "int64",
    ], {
      sorted: 1,
    });
    const outs = [g.cast(values, x.dtype)];
    if (p.returnIndex) outs.push(index);
    if (p.returnInverse) outs.push(g.op1("Reshape", [inverse, shapeOf(g, x)], "int64"));
    if (p.returnCounts) outs.push(counts);
    return outs;
  },
};

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

// ---- sorting, taking, nonzero, repeats ----

/** sort or argsort along an axis: TopK of the whole axis, smallest first (ties keep their order). */
function sorted(g: OnnxGraph, node: Apply, x: Val): [Val, Val] {
  const { axis } = node.params as AxisParams;
  const t = workDtype(x.dtype === "bool" ? "int32" : x.dtype);
  const k = g.op1("Unsqueeze", [lengthOf(g, x, axis), g.ints([0])], "int64");
  const [values, indices] = g.op("TopK", [g.cast(x, t), k], [t, "int64"], { axis, largest: 0, sorted: 1 });
  return [g.cast(values, x.dtype), indices];
}

export const sortRule = oneOutput((g, node, [x]) => sorted(g, node, x)[0]);
export const argsortRule = oneOutput((g, node, [x]) => sorted(g, node, x)[1]);

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
