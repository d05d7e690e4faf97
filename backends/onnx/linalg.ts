/**
 * ONNX rules of the dense solvers and expm (opset 17 has no operator for them): Gauss–Jordan
 * elimination with partial pivoting for solve and matrixInverse, substitution for
 * solveTriangular (the triangle read through Trilu), and Cholesky by columns, each a Loop
 * over the n rows or columns; expm by Padé 13 scaling and squaring as Hypatia's (SciPy's)
 * kernel, its squarings a Loop of as many steps as the norm asks. Hypatia factors by LU; the results agree to rounding for
 * well-conditioned matrices. Hypatia's errors for singular or non-positive-definite
 * matrices are not raised: the model gives infinities or NaN there.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { TriangularParams } from "../../ops/linalg/nlinalg.ts";
import type { QrParams } from "../../ops/linalg/decomp.ts";
import { PADE13, THETA13 } from "../../ops/linalg/expm.ts";
import { lengthOf } from "./helpers.ts";
import { FAR, type NodeRule, oneOutput, type OnnxGraph, type Val } from "./rule.ts";

/** Positions 0..n-1 of an axis of length n (an int64 vector). */
const positions = (g: OnnxGraph, n: Val) =>
  g.op1("Range", [g.scalar(0, "int64"), n, g.scalar(1, "int64")], "int64");

/** A Loop of n steps over `carried` (the step index first); its final carried values. */
function loop(
  g: OnnxGraph,
  n: Val,
  carried: Val[],
  step: (b: OnnxGraph, k: Val, carry: Val[]) => Val[],
): Val[] {
  const body = g.subgraph(
    [
      { dtype: "int64", ndim: 0 },
      { dtype: "bool", ndim: 0 },
      ...carried.map((v) => ({ dtype: v.dtype, ndim: -1 })),
    ],
    (b, [k, cond, ...carry]) => [cond, ...step(b, k, carry).map((v, i) => b.cast(v, carried[i].dtype))],
  );
  return g.op("Loop", [n, "", ...carried], carried.map((v) => v.dtype), { body });
}

/** Row k of m. */
const rowOf = (g: OnnxGraph, m: Val, k: Val) => g.op1("Gather", [m, k], m.dtype, { axis: 0 });
/** Column k of m. */
const columnOf = (g: OnnxGraph, m: Val, k: Val) => g.op1("Gather", [m, k], m.dtype, { axis: 1 });

/**
 * Gauss–Jordan on [a | b]: at step k the row with the largest |entry| in column k (among
 * rows k..n-1) is swapped in, scaled to a pivot of 1, and column k cleared elsewhere.
 */
function gaussJordan(g: OnnxGraph, a: Val, b: Val, t: DType): Val {
  const n = lengthOf(g, a, 0);
  const m = g.op1("Concat", [a, b], t, { axis: 1 });
  const rows = positions(g, n);
  const [done] = loop(g, n, [m], (s, k, [mk]) => {
    const column = columnOf(s, mk, k);
    const below = s.op1("Slice", [
      s.op1("Abs", [column], t),
      s.op1("Unsqueeze", [k, s.ints([0])], "int64"),
      s.ints([FAR]),
    ], t);
    const p = s.op1("Add", [k, s.op1("ArgMax", [below], "int64", { axis: 0, keepdims: 0 })], "int64");
    const isK = s.op1("Equal", [rows, k], "bool"), isP = s.op1("Equal", [rows, p], "bool");
    const order = s.op1("Where", [isK, p, s.op1("Where", [isP, k, rows], "int64")], "int64");
    const swapped = s.op1("Gather", [mk, order], t, { axis: 0 });
    const pivotRow = s.op1("Div", [
      rowOf(s, swapped, k),
      s.op1("Gather", [rowOf(s, swapped, k), k], t, { axis: 0 }),
    ], t);
    const factors = s.op1("Unsqueeze", [columnOf(s, swapped, k), s.ints([1])], t);
    const cleared = s.op1("Sub", [
      swapped,
      s.op1("Mul", [factors, s.op1("Unsqueeze", [pivotRow, s.ints([0])], t)], t),
    ], t);
    return [s.op1("Where", [s.op1("Unsqueeze", [isK, s.ints([1])], "bool"), pivotRow, cleared], t)];
  });
  return g.op1("Slice", [done, g.op1("Unsqueeze", [n, g.ints([0])], "int64"), g.ints([FAR]), g.ints([1])], t);
}

/** b as a matrix (a vector becomes a column), and how to give the result b's rank back. */
function asColumns(g: OnnxGraph, b: Val, ndim: number): [Val, (x: Val) => Val] {
  if (ndim === 2) return [b, (x) => x];
  return [g.op1("Unsqueeze", [b, g.ints([1])], b.dtype), (x) => g.op1("Squeeze", [x, g.ints([1])], x.dtype)];
}

export const solveRule = oneOutput((g, node, [a, b], out) => {
  const [bm, back] = asColumns(g, g.cast(b, out), node.inputs[1].ndim);
  return back(gaussJordan(g, g.cast(a, out), bm, out));
});

export const matrixInverseRule = oneOutput((g, _node, [a], out) => {
  const at = g.cast(a, out);
  const eye = g.op1("EyeLike", [at], out);
  return gaussJordan(g, at, eye, out);
});

/** x with T x = b by substitution, row by row (from the last row for an upper triangle). */
export const solveTriangularRule = oneOutput((g, node, [a, b], out) => {
  const { lower, unitDiagonal } = node.params as TriangularParams;
  const [bm, back] = asColumns(g, g.cast(b, out), node.inputs[1].ndim);
  // The triangle only (its diagonal left out when it is taken as ones).
  const k = unitDiagonal ? (lower ? -1 : 1) : 0;
  const tri = g.op1("Trilu", [g.cast(a, out), g.scalar(k, "int64")], out, { upper: lower ? 0 : 1 });
  const n = lengthOf(g, tri, 0);
  const rows = positions(g, n);
  const zeros = g.op1("Mul", [bm, g.scalar(0, out)], out);
  const [x] = loop(g, n, [zeros], (s, step, [xs]) => {
    const i = lower ? step : s.op1("Sub", [s.op1("Sub", [n, s.scalar(1, "int64")], "int64"), step], "int64");
    const row = rowOf(s, tri, i);
    // Rows not yet solved are zero in xs, so the whole row's product is the sum over the solved ones.
    const known = s.op1("MatMul", [s.op1("Unsqueeze", [row, s.ints([0])], out), xs], out);
    const rest = s.op1("Sub", [s.op1("Unsqueeze", [rowOf(s, bm, i), s.ints([0])], out), known], out);
    const xi = unitDiagonal ? rest : s.op1("Div", [rest, s.op1("Gather", [row, i], out, { axis: 0 })], out);
    const isI = s.op1("Unsqueeze", [s.op1("Equal", [rows, i], "bool"), s.ints([1])], "bool");
    return [s.op1("Where", [isI, xi, xs], out)];
  });
  return back(x);
});

/** Cholesky by columns: column j of L from a's column j less L L[j]ᵀ, below the diagonal, over sqrt of its pivot. */
export const choleskyRule = oneOutput((g, _node, [a0], out) => {
  const a = g.cast(a0, out);
  const n = lengthOf(g, a, 0);
  const rows = positions(g, n);
  const zeros = g.op1("Mul", [a, g.scalar(0, out)], out);
  const [l] = loop(g, n, [zeros], (s, j, [lj]) => {
    // Columns j.. of L are still zero, so L L[j]ᵀ sums over the columns before j.
    const r = s.op1("Sub", [columnOf(s, a, j), s.op1("MatMul", [lj, rowOf(s, lj, j)], out)], out);
    const d = s.op1("Sqrt", [s.op1("Gather", [r, j], out, { axis: 0 })], out);
    const below = s.op1("GreaterOrEqual", [rows, j], "bool");
    const column = s.op1("Where", [below, s.op1("Div", [r, d], out), s.scalar(0, out)], out);
    const isJ = s.op1("Unsqueeze", [s.op1("Equal", [rows, j], "bool"), s.ints([0])], "bool");
    return [s.op1("Where", [isJ, s.op1("Unsqueeze", [column, s.ints([1])], out), lj], out)];
  });
  return l;
});

/** expm: Padé 13 scaling and squaring (ops/linalg/kernels.ts `expm`), the solve by Gauss–Jordan. */
export const expmRule = oneOutput((g, _node, [a0], out) => {
  const a = g.cast(a0, out);
  const c = (v: number) => g.scalar(v, out);
  const mm = (x: Val, y: Val) => g.op1("MatMul", [x, y], out);
  const add = (x: Val, y: Val) => g.op1("Add", [x, y], out);
  const times = (k: number, x: Val) => g.op1("Mul", [c(k), x], out);
  // s = ceil(log2(|A|_1 / θ13)) squarings (0 when the norm is below θ13), A scaled by 2^-s.
  const norm1 = g.op1(
    "ReduceMax",
    [g.op1("ReduceSum", [g.op1("Abs", [a], out), g.ints([0])], out, { keepdims: 0 })],
    out,
    {
      keepdims: 0,
    },
  );
  const ratio = g.op1("Div", [norm1, c(THETA13)], out);
  const log2 = g.op1("Ceil", [g.op1("Div", [g.op1("Log", [ratio], out), c(Math.LN2)], out)], out);
  const sPow = g.op1("Where", [
    g.op1("Greater", [norm1, c(THETA13)], "bool"),
    g.op1("Max", [log2, c(0)], out),
    c(0),
  ], out);
  const A = g.op1("Mul", [a, g.op1("Pow", [c(2), g.op1("Neg", [sPow], out)], out)], out);
  const I = g.op1("EyeLike", [A], out);
  const b = PADE13;
  const A2 = mm(A, A), A4 = mm(A2, A2), A6 = mm(A4, A2);
  const t1 = add(add(times(b[13], A6), times(b[11], A4)), times(b[9], A2));
  const t2 = add(add(add(times(b[7], A6), times(b[5], A4)), times(b[3], A2)), times(b[1], I));
  const v1 = add(add(times(b[12], A6), times(b[10], A4)), times(b[8], A2));
  const v2 = add(add(add(times(b[6], A6), times(b[4], A4)), times(b[2], A2)), times(b[0], I));
  const U = mm(A, add(mm(A6, t1), t2)), V = add(mm(A6, v1), v2);
  const R = gaussJordan(g, g.op1("Sub", [V, U], out), add(V, U), out);
  // A non-finite norm gives NaN (the squarings would not end).
  const finite = g.op1("Not", [
    g.op1("Or", [g.op1("IsNaN", [norm1], "bool"), g.op1("IsInf", [norm1], "bool")], "bool"),
  ], "bool");
  const steps = g.op1("Where", [finite, g.cast(sPow, "int64"), g.scalar(0, "int64")], "int64");
  const [squared] = loop(g, steps, [R], (s, _k, [r]) => [s.op1("MatMul", [r, r], out)]);
  return g.op1("Where", [finite, squared, g.op1("Mul", [squared, c(NaN)], out)], out);
});

/**
 * det in float64 (ORT's Det has a float32 kernel only): elimination with partial pivoting,
 * the product of the pivots, its sign flipped per row swap.
 */
export function det64(g: OnnxGraph, a: Val): Val {
  const t = a.dtype;
  const n = lengthOf(g, a, 0);
  const rows = positions(g, n);
  const [, d] = loop(g, n, [a, g.scalar(1, t)], (s, k, [mk, dk]) => {
    const column = columnOf(s, mk, k);
    const below = s.op1("Slice", [
      s.op1("Abs", [column], t),
      s.op1("Unsqueeze", [k, s.ints([0])], "int64"),
      s.ints([FAR]),
    ], t);
    const p = s.op1("Add", [k, s.op1("ArgMax", [below], "int64", { axis: 0, keepdims: 0 })], "int64");
    const isK = s.op1("Equal", [rows, k], "bool"), isP = s.op1("Equal", [rows, p], "bool");
    const order = s.op1("Where", [isK, p, s.op1("Where", [isP, k, rows], "int64")], "int64");
    const swapped = s.op1("Gather", [mk, order], t, { axis: 0 });
    const pivotRow = rowOf(s, swapped, k);
    const pivot = s.op1("Gather", [pivotRow, k], t, { axis: 0 });
    const sign = s.op1("Where", [s.op1("Equal", [p, k], "bool"), s.scalar(1, t), s.scalar(-1, t)], t);
    // Rows below k lose their column-k part; rows above are finished and stay.
    const factors = s.op1("Div", [columnOf(s, swapped, k), pivot], t);
    const lower = s.op1("Greater", [rows, k], "bool");
    const f = s.op1("Unsqueeze", [s.op1("Where", [lower, factors, s.scalar(0, t)], t), s.ints([1])], t);
    const next = s.op1(
      "Sub",
      [swapped, s.op1("Mul", [f, s.op1("Unsqueeze", [pivotRow, s.ints([0])], t)], t)],
      t,
    );
    return [next, s.op1("Mul", [dk, s.op1("Mul", [sign, pivot], t)], t)];
  });
  return d;
}

/**
 * qr by Householder reflections as Hypatia's kernel (NumPy's signs: beta = -sign(alpha) |x|,
 * an already reduced column left as it is): a Loop over the min(m, n) columns reflects R and
 * accumulates Q = H_0 H_1 ... from the right (Hypatia applies them from the left, last first:
 * the same product, rounded in another order).
 */
export const qrRule: NodeRule = {
  kind: "node",
  lower(g, node, [a0]) {
    const { complete } = node.params as QrParams;
    const t = node.outputs[0].dtype;
    const a = g.cast(a0, t);
    const m = lengthOf(g, a, 0), n = lengthOf(g, a, 1);
    const k = g.op1("Min", [m, n], "int64");
    const rows = positions(g, m);
    const q0 = g.op1("EyeLike", [g.op1("ConstantOfShape", [g.op1(
      "Concat",
      [
        g.op1("Unsqueeze", [m, g.ints([0])], "int64"),
        g.op1("Unsqueeze", [m, g.ints([0])], "int64"),
      ],
      "int64",
      { axis: 0 },
    )], "float32")], "float32");
    const [r, q] = loop(g, k, [a, g.cast(q0, t)], (s, j, [rj, qj]) => {
      const c = (v: number) => s.scalar(v, t);
      const column = columnOf(s, rj, j);
      const isJ = s.op1("Equal", [rows, j], "bool"), below = s.op1("Greater", [rows, j], "bool");
      const x = s.op1("Where", [below, column, c(0)], t);
      const norm2 = s.op1("ReduceSum", [s.op1("Mul", [x, x], t)], t, { keepdims: 0 });
      const alpha = s.op1("Gather", [column, j], t, { axis: 0 });
      const sign = s.op1(
        "Where",
        [s.op1("Equal", [alpha, c(0)], "bool"), c(1), s.op1("Sign", [alpha], t)],
        t,
      );
      const norm = s.op1("Sqrt", [s.op1("Add", [s.op1("Mul", [alpha, alpha], t), norm2], t)], t);
      const beta = s.op1("Neg", [s.op1("Mul", [sign, norm], t)], t);
      const reduced = s.op1("Equal", [norm2, c(0)], "bool");
      const tau = s.op1("Where", [reduced, c(0), s.op1("Div", [s.op1("Sub", [beta, alpha], t), beta], t)], t);
      const scale = s.op1("Div", [c(1), s.op1("Sub", [alpha, beta], t)], t);
      const v = s.op1("Where", [
        isJ,
        c(1),
        s.op1("Where", [below, s.op1("Mul", [column, scale], t), c(0)], t),
      ], t);
      const vCol = s.op1("Unsqueeze", [v, s.ints([1])], t), vRow = s.op1("Unsqueeze", [v, s.ints([0])], t);
      // R <- R - tau v (vᵀ R); Q <- Q - tau (Q v) vᵀ.
      const w = s.op1("MatMul", [vRow, rj], t);
      let r2 = s.op1("Sub", [rj, s.op1("Mul", [tau, s.op1("MatMul", [vCol, w], t)], t)], t);
      const q2 = s.op1("Sub", [
        qj,
        s.op1("Mul", [tau, s.op1("MatMul", [s.op1("MatMul", [qj, vCol], t), vRow], t)], t),
      ], t);
      // Column j: beta on the diagonal, zeros below (unless the column was already reduced).
      const cols = positions(s, lengthOf(s, rj, 1));
      const inColumn = s.op1("Unsqueeze", [s.op1("Equal", [cols, j], "bool"), s.ints([0])], "bool");
      const newColumn = s.op1("Unsqueeze", [
        s.op1("Where", [isJ, beta, s.op1("Where", [below, c(0), column], t)], t),
        s.ints([1]),
      ], t);
      const fixed = s.op1("Where", [inColumn, newColumn, r2], t);
      r2 = s.op1("Where", [reduced, rj, fixed], t);
      return [r2, s.op1("Where", [reduced, qj, q2], t)];
    });
    const kk = g.op1("Unsqueeze", [k, g.ints([0])], "int64");
    const qOut = complete ? q : g.op1("Slice", [q, g.ints([0]), kk, g.ints([1])], t);
    const rOut = complete ? r : g.op1("Slice", [r, g.ints([0]), kk, g.ints([0])], t);
    return [qOut, rOut];
  },
};
