/**
 * ONNX rules of the non-elementwise ops: products, reductions, the softmax family,
 * layout, indexing and constructors (opset 17: ReduceSum, Squeeze, Unsqueeze take their
 * axes as an input, the other reductions as an attribute).
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { AllocParams } from "../../ops/alloc.ts";
import type { ArangeParams, EyeParams } from "../../ops/arange.ts";
import type { DimShuffleParams } from "../../ops/dimshuffle.ts";
import type { ConcatenateParams } from "../../ops/join.ts";
import type { CountParams, ReduceParams } from "../../ops/reduce.ts";
import type { ReshapeParams } from "../../ops/reshape.ts";
import type { ShapeIParams } from "../../ops/shape.ts";
import type { SoftmaxParams } from "../../ops/softmax.ts";
import type { IncSubtensorParams, IndexEntry, SubtensorParams } from "../../ops/subtensor.ts";
import type { TensordotParams } from "../../ops/tensordot.ts";
import { FAR, type NodeRule, oneOutput, type OnnxGraph, type Val, workDtype } from "./rule.ts";

// ---- products ----

/** Einsum over letters: the matrix products of every rank, in the output's (widened) dtype. */
function einsum(g: OnnxGraph, equation: string, ins: Val[], out: DType): Val {
  const t = workDtype(out);
  return g.op1("Einsum", ins.map((v) => g.cast(v, t)), t, { equation });
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** dot of vectors and matrices: MatMul (NumPy's matmul is dot for ranks 1 and 2). */
export const dotRule = oneOutput((g, _n, [a, b], out) => {
  const t = workDtype(out);
  return g.op1("MatMul", [g.cast(a, t), g.cast(b, t)], t);
});

/** outer: a column times a row. */
export const outerRule = oneOutput((g, _n, ins, out) => einsum(g, "i,j->ij", ins, out));

/** batched_dot: per batch row, the last axis of a against axis 1 of b. */
export const batchedDotRule = oneOutput((g, node, ins, out) => {
  const [a3, b3] = [node.inputs[0].ndim === 3, node.inputs[1].ndim === 3];
  const equation = `z${a3 ? "i" : ""}k,zk${b3 ? "j" : ""}->z${a3 ? "i" : ""}${b3 ? "j" : ""}`;
  return einsum(g, equation, ins, out);
});

/** tensordot: the paired axes share letters and are summed. */
export const tensordotRule = oneOutput((g, node, ins, out) => {
  const { axesA, axesB } = node.params as TensordotParams;
  const [ra, rb] = [node.inputs[0].ndim, node.inputs[1].ndim];
  const la = LETTERS.slice(0, ra).split("");
  const lb = LETTERS.slice(ra, ra + rb).split("");
  axesB.forEach((ax, k) => (lb[ax] = la[axesA[k]]));
  const keepA = la.filter((_, i) => !axesA.includes(i));
  const keepB = lb.filter((_, i) => !axesB.includes(i));
  return einsum(g, `${la.join("")},${lb.join("")}->${[...keepA, ...keepB].join("")}`, ins, out);
});

// ---- reductions ----

/** ReduceSum (axes as an input); reducing no axes is the identity. */
function reduceSum(g: OnnxGraph, x: Val, axes: readonly number[], keepdims: boolean): Val {
  if (axes.length === 0) return x;
  return g.op1("ReduceSum", [x, g.ints(axes)], x.dtype, { keepdims: keepdims ? 1 : 0 });
}

/** A reduction whose axes are an attribute in opset 17. */
function reduceAttr(g: OnnxGraph, opType: string, x: Val, axes: readonly number[], keepdims: boolean): Val {
  if (axes.length === 0) return x;
  return g.op1(opType, [x], x.dtype, { axes: [...axes], keepdims: keepdims ? 1 : 0 });
}

/** A reduction computed in the output's dtype (sum of int32 is int64, mean of ints a float). */
const reduction = (opType: string): NodeRule =>
  oneOutput((g, node, [x], out) => {
    const { axes, keepdims } = node.params as ReduceParams;
    const t = workDtype(out);
    const xs = g.cast(x, t);
    return opType === "ReduceSum"
      ? reduceSum(g, xs, axes, keepdims)
      : reduceAttr(g, opType, xs, axes, keepdims);
  });

export const sumRule = reduction("ReduceSum");
export const meanRule = reduction("ReduceMean");
export const prodRule = reduction("ReduceProd");
export const maxRule = reduction("ReduceMax");
export const minRule = reduction("ReduceMin");
export const logsumexpRule = reduction("ReduceLogSumExp");

/** any: a count of true elements above zero (an empty group is false). */
function anyOf(g: OnnxGraph, x: Val, p: ReduceParams): Val {
  const n = reduceSum(g, g.cast(g.cast(x, "bool"), "int32"), p.axes, p.keepdims);
  return g.op1("Greater", [n, g.scalar(0, "int32")], "bool");
}

export const anyRule = oneOutput((g, node, [x]) => anyOf(g, x, node.params as ReduceParams));
/** all: not any false (an empty group is true). */
export const allRule = oneOutput((g, node, [x]) =>
  g.op1("Not", [anyOf(g, g.op1("Not", [g.cast(x, "bool")], "bool"), node.params as ReduceParams)], "bool")
);

/** Put `axes` last, then merge them into one: the argmax of several axes indexes them flattened. */
function mergedLast(g: OnnxGraph, x: Val, ndim: number, axes: readonly number[]): Val {
  const kept = [...Array(ndim).keys()].filter((a) => !axes.includes(a));
  const moved = g.op1("Transpose", [x], x.dtype, { perm: [...kept, ...axes] });
  const shape = g.op1("Shape", [moved], "int64");
  const lead = g.op1("Slice", [shape, g.ints([0]), g.ints([kept.length])], "int64");
  return g.op1("Reshape", [moved, g.op1("Concat", [lead, g.ints([-1])], "int64", { axis: 0 })], x.dtype);
}

const argReduction = (opType: string): NodeRule =>
  oneOutput((g, node, [x]) => {
    const { axes, keepdims } = node.params as ReduceParams;
    const nd = node.inputs[0].ndim;
    const xs = g.cast(x, workDtype(x.dtype) === "bool" ? "int32" : workDtype(x.dtype));
    if (nd === 0) return g.scalar(0, "int64");
    if (axes.length === 1) return g.op1(opType, [xs], "int64", { axis: axes[0], keepdims: keepdims ? 1 : 0 });
    const flat = g.op1(opType, [mergedLast(g, xs, nd, axes)], "int64", { axis: -1, keepdims: 0 });
    return keepdims ? g.op1("Unsqueeze", [flat, g.ints(axes)], "int64") : flat;
  });

export const argmaxRule = argReduction("ArgMax");
export const argminRule = argReduction("ArgMin");

/** The count of elements a reduction folds: the product of those axes' run-time lengths. */
export const reducedCountRule = oneOutput((g, node, [x]) => {
  const { axes } = node.params as CountParams;
  const lengths = g.op1("Gather", [g.op1("Shape", [x], "int64"), g.ints(axes)], "int64", { axis: 0 });
  return g.op1("ReduceProd", [lengths], "int64", { keepdims: 0 });
});

/**
 * prod_others, exact with zeros: with no zero in the group, the product over x; with
 * one, the product of the others at the zero and 0 elsewhere; with more, 0.
 */
export const prodOthersRule = oneOutput((g, node, [x]) => {
  const { axes } = node.params as { axes: number[] };
  const t = workDtype(x.dtype), xs = g.cast(x, t);
  const zero = g.op1("Equal", [xs, g.scalar(0, t)], "bool");
  const nonzero = g.op1("Where", [zero, g.scalar(1, t), xs], t);
  const p = reduceAttr(g, "ReduceProd", nonzero, axes, true);
  const zeros = reduceSum(g, g.cast(zero, "int32"), axes, true);
  const none = g.op1("Equal", [zeros, g.scalar(0, "int32")], "bool");
  const single = g.op1("Equal", [zeros, g.scalar(1, "int32")], "bool");
  const zeroT = g.scalar(0, t);
  const atZero = g.op1("Where", [g.op1("And", [single, zero], "bool"), p, zeroT], t);
  return g.op1("Where", [none, g.op1("Div", [p, nonzero], t), atZero], t);
});

// ---- softmax family ----

/** exp(x - max) over the axes, with the max kept (0 where a group is all -inf, as Hypatia shifts). */
function shifted(g: OnnxGraph, x: Val, axes: readonly number[]): Val {
  const m = reduceAttr(g, "ReduceMax", x, axes, true);
  const finite = g.op1("IsInf", [m], "bool", { detect_positive: 0 });
  const shift = g.op1("Where", [finite, g.scalar(0, x.dtype), m], x.dtype);
  return g.op1("Sub", [x, shift], x.dtype);
}

export const softmaxRule = oneOutput((g, node, [x], out) => {
  const { axes } = node.params as SoftmaxParams;
  const xs = g.cast(x, out);
  if (axes.length === 1) return g.op1("Softmax", [xs], out, { axis: axes[0] });
  const e = g.op1("Exp", [shifted(g, xs, axes)], out);
  return g.op1("Div", [e, reduceSum(g, e, axes, true)], out);
});

export const logSoftmaxRule = oneOutput((g, node, [x], out) => {
  const { axes } = node.params as SoftmaxParams;
  const xs = g.cast(x, out);
  if (axes.length === 1) return g.op1("LogSoftmax", [xs], out, { axis: axes[0] });
  const s = shifted(g, xs, axes);
  const lse = g.op1("Log", [reduceSum(g, g.op1("Exp", [s], out), axes, true)], out);
  return g.op1("Sub", [s, lse], out);
});

/** softmax_grad(g, s) = s (g - sum(g s)). */
export const softmaxGradRule = oneOutput((g, node, [dy, s], out) => {
  const { axes } = node.params as SoftmaxParams;
  const dot = reduceSum(g, g.op1("Mul", [dy, s], out), axes, true);
  return g.op1("Mul", [s, g.op1("Sub", [dy, dot], out)], out);
});

// ---- layout ----

/** dimshuffle: drop the unlisted length-1 axes, permute, insert the "x" axes. */
export const dimshuffleRule = oneOutput((g, node, [x]) => {
  const { pattern } = node.params as DimShuffleParams;
  const nd = node.inputs[0].ndim;
  const kept = pattern.filter((p): p is number => p !== "x");
  const dropped = [...Array(nd).keys()].filter((a) => !kept.includes(a));
  let v = dropped.length ? g.op1("Squeeze", [x, g.ints(dropped)], x.dtype) : x;
  const order = [...kept].sort((a, b) => a - b);
  const perm = kept.map((a) => order.indexOf(a));
  if (perm.some((p, i) => p !== i)) v = g.op1("Transpose", [v], x.dtype, { perm });
  const inserted = pattern.flatMap((p, i) => (p === "x" ? [i] : []));
  return inserted.length ? g.op1("Unsqueeze", [v, g.ints(inserted)], x.dtype) : v;
});

/** A shape vector from numbers and "$" entries (the next symbolic scalars). */
function shapeVector(g: OnnxGraph, entries: readonly (number | "$")[], sym: Val[]): Val {
  if (entries.every((e) => e !== "$")) return g.ints(entries as number[]);
  let k = 0;
  const parts = entries.map((e) =>
    e === "$" ? g.op1("Unsqueeze", [g.cast(sym[k++], "int64"), g.ints([0])], "int64") : g.ints([e])
  );
  return g.op1("Concat", parts, "int64", { axis: 0 });
}

/** reshape: literal zeros are lengths (allowzero), unless a -1 asks ONNX to infer one. */
export const reshapeRule = oneOutput((g, node, [x, ...sym]) => {
  const { shape } = node.params as ReshapeParams;
  const infer = shape.includes(-1);
  if (infer && shape.includes(0)) g.refuse("a reshape with both a 0 and a -1 length has no ONNX Reshape");
  return g.op1("Reshape", [x, shapeVector(g, shape, sym)], x.dtype, { allowzero: infer ? 0 : 1 });
});

export const shapeRule = oneOutput((g, _n, [x]) => g.op1("Shape", [x], "int64"));

export const shapeIRule = oneOutput((g, node, [x]) => {
  const { i } = node.params as ShapeIParams;
  return g.op1("Gather", [g.op1("Shape", [x], "int64"), g.scalar(i, "int64")], "int64", { axis: 0 });
});

export const concatenateRule = oneOutput((g, node, ins, out) => {
  const { axis } = node.params as ConcatenateParams;
  const t = workDtype(out);
  return g.op1("Concat", ins.map((v) => g.cast(v, t)), t, { axis });
});

// ---- constructors ----

/** alloc: the value broadcast to the shape. */
export const allocRule = oneOutput((g, node, [v, ...sym]) => {
  const { shape } = node.params as AllocParams;
  return g.op1("Expand", [v, shapeVector(g, shape, sym)], v.dtype);
});

/** A scalar entry: a literal or the next symbolic input, in `dtype`. */
function entry(g: OnnxGraph, e: number | "$", next: () => Val, dtype: DType): Val {
  return e === "$" ? g.cast(next(), dtype) : g.scalar(e, dtype);
}

/** arange: ONNX Range (start + i * step), in int32 for the narrow integers. */
export const arangeRule = oneOutput((g, node, sym) => {
  const p = node.params as ArangeParams;
  const t = p.dtype === "bool" ? "int32" : workDtype(p.dtype);
  let k = 0;
  const next = () => sym[k++];
  const [start, stop, step] = [p.start, p.stop, p.step].map((e) => entry(g, e, next, t));
  return g.op1("Range", [start, stop, step], t);
});

/** eye: EyeLike of an (n, m) zero matrix. */
export const eyeRule = oneOutput((g, node, sym) => {
  const p = node.params as EyeParams;
  let k = 0;
  const next = () => sym[k++];
  const dims = [p.n, p.m].map((e) => g.op1("Unsqueeze", [entry(g, e, next, "int64"), g.ints([0])], "int64"));
  const zeros = g.op1("ConstantOfShape", [g.op1("Concat", dims, "int64", { axis: 0 })], "float32");
  return g.op1("EyeLike", [zeros], "float32", { k: p.k });
});

// ---- indexing ----

/**
 * x[idx] for basic indexing: one Slice over the sliced axes, then a Gather (and the
 * axis gone) per integer index, last axis first so the earlier axes keep their numbers.
 */
function basicIndex(g: OnnxGraph, x: Val, idx: readonly IndexEntry[], sym: readonly Val[]): Val {
  let k = 0;
  const next = () => sym[k++];
  const one64 = (b: number | "$" | null, dflt: Val) =>
    b === null ? dflt : g.op1("Unsqueeze", [entry(g, b, next, "int64"), g.ints([0])], "int64");
  const axes: number[] = [], starts: Val[] = [], ends: Val[] = [], steps: Val[] = [];
  const gathers: [number, Val][] = [];
  idx.forEach((e, axis) => {
    if (typeof e !== "object") {
      gathers.push([axis, entry(g, e, next, "int64")]);
      return;
    }
    if (e.start === null && e.stop === null && (e.step === null || e.step === 1)) return;
    // Bounds are read in the order start, stop, step, as the symbolic inputs come.
    const startSym = e.start === "$" ? one64("$", g.ints([0])) : undefined;
    const stopSym = e.stop === "$" ? one64("$", g.ints([0])) : undefined;
    const step = e.step === null ? g.ints([1]) : one64(e.step, g.ints([1]));
    // A missing bound depends on the step's sign: from the far end when it is negative.
    const negative = g.op1("Less", [step, g.ints([0])], "bool");
    const pick = (ifNeg: number, ifPos: number) =>
      g.op1("Where", [negative, g.ints([ifNeg]), g.ints([ifPos])], "int64");
    axes.push(axis);
    starts.push(startSym ?? (e.start === null ? pick(FAR, 0) : g.ints([e.start as number])));
    ends.push(stopSym ?? (e.stop === null ? pick(-FAR, FAR) : g.ints([e.stop as number])));
    steps.push(step);
  });
  let v = x;
  if (axes.length) {
    const cat = (vs: Val[]) => (vs.length === 1 ? vs[0] : g.op1("Concat", vs, "int64", { axis: 0 }));
    v = g.op1("Slice", [v, cat(starts), cat(ends), g.ints(axes), cat(steps)], x.dtype);
  }
  for (const [axis, i] of gathers.reverse()) v = g.op1("Gather", [v, i], x.dtype, { axis });
  return v;
}

export const subtensorRule = oneOutput((g, node, [x, ...sym]) => {
  const { idx } = node.params as SubtensorParams;
  return basicIndex(g, x, idx, sym);
});

/**
 * set/inc_subtensor: the region's flat positions (the same indexing applied to a range
 * of positions) receive y by ScatterND on the flattened x, replacing or adding.
 */
export const incSubtensorRule = oneOutput((g, node, [x, y, ...sym]) => {
  const { idx, set } = node.params as IncSubtensorParams;
  const t = workDtype(x.dtype);
  const shape = g.op1("Shape", [x], "int64");
  const size = g.op1("ReduceProd", [shape], "int64", { keepdims: 1 });
  const positions = g.op1("Reshape", [
    g.op1("Range", [g.scalar(0, "int64"), g.op1("Squeeze", [size], "int64"), g.scalar(1, "int64")], "int64"),
    shape,
  ], "int64");
  const region = basicIndex(g, positions, idx, sym);
  const where = g.op1("Reshape", [region, g.ints([-1, 1])], "int64");
  const values = g.op1("Expand", [g.cast(y, t), g.op1("Shape", [region], "int64")], t);
  const flat = g.op1("Reshape", [g.cast(x, t), g.ints([-1])], t);
  const scattered = g.op1("ScatterND", [flat, where, g.op1("Reshape", [values, g.ints([-1])], t)], t, {
    reduction: set ? "none" : "add",
  });
  return g.op1("Reshape", [scattered, shape], t);
});
