/**
 * rfft and irfft as ONNX DFT (opset 17) over the last axis, with Hypatia's layout (a
 * trailing axis of 2: real, imaginary), its scalings, the imaginary parts of the DC and
 * Nyquist bins set to 0, and the bin weights of the gradients. irfft rebuilds the full
 * Hermitian spectrum (the bins past m as the conjugates of the bins before) and keeps the
 * real part of the forward DFT of its conjugate. det is ONNX Det in float32, elimination in
 * float64 (ONNX Runtime's Det has a float32 kernel only).
 * @module
 */
import type { FftNorm, IrfftParams, RfftParams } from "../../ops/fft.ts";
import { asarray } from "../../core/ndarray.ts";
import { type NodeRule, oneOutput, type OnnxGraph, type Val } from "./rule.ts";
import { lengthOf } from "./helpers.ts";
import { det64 } from "./linalg.ts";

/** Per bin k < m of an n-point spectrum, as an (m, 1) column: whether k is the DC or the Nyquist bin. */
function edgeBins(g: OnnxGraph, m: Val, n: Val): Val {
  const k = g.op1("Range", [g.scalar(0, "int64"), m, g.scalar(1, "int64")], "int64");
  const dc = g.op1("Equal", [k, g.scalar(0, "int64")], "bool");
  const nyquist = g.op1("Equal", [g.op1("Mul", [k, g.scalar(2, "int64")], "int64"), n], "bool");
  return g.op1("Unsqueeze", [g.op1("Or", [dc, nyquist], "bool"), g.ints([1])], "bool");
}

/** (m, 2) factors: the bin weight (2 for a conjugate pair's bin, 1 at the edges) on both parts, or 1. */
function weights(g: OnnxGraph, edges: Val, t: "float32" | "float64"): Val {
  return g.op1("Where", [edges, g.scalar(1, t), g.scalar(2, t)], t);
}

/** (m, 2): 1 for every real part, 0 for the imaginary parts of the edge bins. */
function imaginaryMask(g: OnnxGraph, edges: Val, t: "float32" | "float64"): Val {
  const m = g.op1("Shape", [edges], "int64");
  const ones = g.op1("Expand", [g.scalar(1, t), m], t);
  const imag = g.op1("Where", [edges, g.scalar(0, t), g.scalar(1, t)], t);
  return g.op1("Concat", [ones, imag], t, { axis: 1 });
}

/** Hypatia's scale of a forward (or inverse) transform of length n, as a scalar of `t`. */
function scale(g: OnnxGraph, norm: FftNorm, n: Val, inverse: boolean, t: "float32" | "float64"): Val | null {
  const nf = g.cast(n, t);
  if (norm === "ortho") return g.op1("Div", [g.scalar(1, t), g.op1("Sqrt", [nf], t)], t);
  return (norm === "backward") === inverse ? g.op1("Div", [g.scalar(1, t), nf], t) : null;
}

const floatOf = (out: string) => (out === "float32" ? "float32" : "float64");

export const rfftRule = oneOutput((g, node, [x], out) => {
  const { norm, weighted } = node.params as RfftParams;
  const t = floatOf(out), nd = node.inputs[0].ndim;
  const n = lengthOf(g, x, nd - 1);
  const m = g.op1("Add", [g.op1("Div", [n, g.scalar(2, "int64")], "int64"), g.scalar(1, "int64")], "int64");
  // (1, ..., n, 1): a batch axis first and a real signal, as DFT takes them.
  const signal = g.op1("Unsqueeze", [g.cast(x, t), g.ints([0, nd + 1])], t);
  let y = g.op1("Squeeze", [g.op1("DFT", [signal], t, { axis: nd, onesided: 1 }), g.ints([0])], t);
  const edges = edgeBins(g, m, n);
  y = g.op1("Mul", [y, imaginaryMask(g, edges, t)], t);
  if (weighted) y = g.op1("Mul", [y, weights(g, edges, t)], t);
  const s = scale(g, norm, n, false, t);
  return s ? g.op1("Mul", [y, s], t) : y;
});

export const irfftRule = oneOutput((g, node, [y0, like], out) => {
  const { norm, odd, weighted } = node.params as IrfftParams;
  const t = floatOf(out), nd = node.inputs[0].ndim;
  const m = lengthOf(g, y0, nd - 2);
  const n = odd === "like" ? lengthOf(g, like, node.inputs[1].ndim - 1) : g.op1("Add", [
    g.op1("Mul", [g.op1("Sub", [m, g.scalar(1, "int64")], "int64"), g.scalar(2, "int64")], "int64"),
    g.scalar(odd ? 1 : 0, "int64"),
  ], "int64");
  const edges = edgeBins(g, m, n);
  let y = g.op1("Mul", [g.cast(y0, t), imaginaryMask(g, edges, t)], t);
  if (weighted) y = g.op1("Div", [y, weights(g, edges, t)], t);
  // Bins m..n-1 are the conjugates of bins n-m..1, in that order.
  const last = g.op1("Unsqueeze", [g.op1("Sub", [n, m], "int64"), g.ints([0])], "int64");
  const mirrored = g.op1("Slice", [y, last, g.ints([0]), g.ints([nd - 2]), g.ints([-1])], t);
  const flip = g.constant(asarray([1, -1], { dtype: t }));
  const full = g.op1("Concat", [y, g.op1("Mul", [mirrored, flip], t)], t, { axis: nd - 2 });
  // The real part of the inverse transform is that of the forward transform of the conjugate
  // (ONNX Runtime's inverse DFT loses precision in float64: 3e-8 relative was measured).
  const spectrum = g.op1("Unsqueeze", [g.op1("Mul", [full, flip], t), g.ints([0])], t);
  const forward = g.op1("DFT", [spectrum], t, { axis: nd - 1, onesided: 0 });
  const real = g.op1("Gather", [g.op1("Squeeze", [forward, g.ints([0])], t), g.scalar(0, "int64")], t, {
    axis: -1,
  });
  const s = scale(g, norm, n, true, t);
  return s ? g.op1("Mul", [real, s], t) : real;
});

/** det: ONNX Det in float32; float64 by elimination (ORT's Det has a float32 kernel only). */
export const detRule: NodeRule = {
  kind: "node",
  lower(g, node, [a]) {
    const t = node.outputs[0].dtype;
    return [t === "float32" ? g.op1("Det", [g.cast(a, t)], t) : det64(g, g.cast(a, t))];
  },
};
