/**
 * ONNX rules of issue 16's other ops: bincount, bartlett, fillDiagonal, squeeze,
 * searchsorted, unique, sort and argsort (TopK over the whole axis), and the ops that
 * only mark gradients, check their input or print (their input unchanged: ONNX has
 * nothing to print with).
 * @module
 */
import type { Apply } from "../../core/graph.ts";
import type { BincountParams } from "../../ops/bincount.ts";
import type { FillDiagonalParams } from "../../ops/fill_diagonal.ts";
import type { SearchsortedParams, UniqueParams } from "../../ops/sorted.ts";
import type { SqueezeParams } from "../../ops/squeeze.ts";
import type { AxisParams } from "../../ops/sort.ts";
import { type NodeRule, oneOutput, type OnnxGraph, type Val, workDtype } from "./rule.ts";
import { flat, i64, lengthOf, shapeOf } from "./helpers.ts";

/** Identity: ops that only mark gradients (removed by canonicalisation) and Print. */
export const identityRule: NodeRule = { kind: "node", lower: (_g, _n, [x]) => [x] };

export const squeezeRule = oneOutput((g, node, [x]) => {
  const { axes } = node.params as SqueezeParams;
  return axes.length ? g.op1("Squeeze", [x, g.ints(axes)], x.dtype) : x;
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
