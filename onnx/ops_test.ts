/**
 * Every op with an ONNX rule, exported and run in ONNX Runtime against Hypatia's own
 * result (whose meaning the ops' tests check against NumPy): elementwise ops in several
 * dtypes, products, reductions, the softmax family, layout, indexing, constructors, a
 * scan with two taps. The last test checks that the functions here reached every op the
 * ONNX table has a rule for (fused steps and scan bodies included), and ONNX's checker
 * validates every model.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import type { Apply, Op } from "../core/graph.ts";
import { DTYPES } from "../core/dtype.ts";
import { toposort } from "../core/walk.ts";
import { castOp } from "../ops/cast.ts";
import type { FusedParams } from "../ops/fused.ts";
import type { ScanParams } from "../ops/scan/params.ts";
import { onnxTable } from "../backends/onnx/table.ts";
import { checkModels, compareWithOrt, exported, hasOnnxChecker } from "./test_util.ts";
import { toOnnx } from "./mod.ts";

const seen = new Set<Op>();

/** Record the ops of `outputs`' graph: fused steps and scan bodies too. */
function record(outputs: readonly T.Variable[]): void {
  for (const node of toposort(outputs) as Apply[]) {
    seen.add(node.op);
    if (node.op.name === "fused") { for (const s of (node.params as FusedParams).steps) seen.add(s.op); }
    if (node.op.name === "scan") record((node.params as ScanParams).innerOutputs);
  }
}

/** Compile, export, run in ONNX Runtime and compare every output with Hypatia's. */
async function check(
  what: string,
  inputs: T.Variable[],
  outputs: T.Variable[],
  args: T.NDArray[],
  tol = { rtol: 1e-12, atol: 1e-13 },
  mode: T.Mode = "FAST_RUN",
): Promise<void> {
  const f = T.function(inputs, outputs, { mode }) as T.CompiledFunction;
  record(f.maker.outputs);
  await compareWithOrt(f, args, { ...tol, what });
}

const rand = T.seededRandom(20);
const values = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, () => lo + (hi - lo) * rand());
const arr = (dtype: T.DType, shape: number[], v: number[]) => T.asarray(v, { dtype, shape });

Deno.test("onnx ops: float64 unary functions", async () => {
  const x = T.dvector("x");
  const v = arr("float64", [9], [...values(7, -3, 3), 1e-9, -2.5]);
  const fns: [string, (x: T.Variable) => T.Variable][] = [
    ["exp", T.exp],
    ["expm1", T.expm1],
    ["sin", T.sin],
    ["cos", T.cos],
    ["tan", T.tan],
    ["tanh", T.tanh],
    ["erf", T.erf],
    ["sigmoid", T.sigmoid],
    ["softplus", T.softplus],
    ["abs", T.abs],
    ["sign", T.sign],
    ["floor", T.floor],
    ["ceil", T.ceil],
    ["round", T.round],
    ["neg", T.neg],
    ["sqr", T.sqr],
  ];
  for (const [name, fn] of fns) await check(name, [x], [fn(x)], [v], { rtol: 1e-14, atol: 1e-15 });
  const pos = arr("float64", [6], [...values(4, 0.01, 5), 1e-10, 3e-7]);
  for (const [name, fn] of [["log", T.log], ["sqrt", T.sqrt], ["log2", T.log2]] as const) {
    await check(name, [x], [fn(x)], [pos], { rtol: 1e-14, atol: 1e-15 });
  }
  const small = arr("float64", [5], [1e-10, -3e-8, 0.3, -0.45, 4]);
  await check("log1p", [x], [T.log1p(x)], [small], { rtol: 1e-14, atol: 0 });
  await check("expm1 near 0", [x], [T.expm1(x)], [small], { rtol: 1e-14, atol: 0 });
});

Deno.test("onnx ops: arithmetic, comparisons and logic, in floats and integers", async () => {
  const a = T.dvector("a"), b = T.dvector("b");
  const av = arr("float64", [8], [...values(6, -5, 5), 7, -7]);
  const bv = arr("float64", [8], [...values(6, -3, 3), 2, 2]);
  await check(
    "float arithmetic",
    [a, b],
    [
      T.add(a, b),
      T.sub(a, b),
      T.mul(a, b),
      T.div(a, b),
      T.intDiv(a, b),
      T.mod(a, b),
      T.maximum(a, b),
      T.minimum(a, b),
      T.clip(a, -1, b),
    ],
    [av, bv],
    { rtol: 1e-14, atol: 1e-14 },
  );
  await check("pow", [a, b], [T.pow(T.abs(a), b)], [av, bv], { rtol: 1e-13, atol: 0 });
  await check("comparisons", [a, b], [
    T.eq(a, b),
    T.neq(a, b),
    T.lt(a, b),
    T.le(a, b),
    T.gt(a, b),
    T.ge(a, b),
  ], [
    av,
    T.asarray([av.data[0], ...Array.from(bv.data).slice(1)], { dtype: "float64" }),
  ]);

  const i = T.ivector("i"), j = T.ivector("j");
  const iv = arr("int32", [8], [7, -7, 7, -7, 0, 5, 100, -3]);
  const jv = arr("int32", [8], [2, 2, -2, -2, 3, 0, 7, 0]);
  await check("int32 arithmetic (division by zero gives 0)", [i, j], [
    T.add(i, j),
    T.sub(i, j),
    T.mul(i, j),
    T.intDiv(i, j),
    T.mod(i, j),
    T.neg(i),
    T.abs(i),
    T.sign(i),
    T.not(i),
    T.pow(i, 2),
    T.div(i, 4),
    T.exp(T.mul(i, 0.1)),
  ], [iv, jv]);

  const u = T.tensor("u", { dtype: "uint8", shape: [null] }),
    s = T.tensor("s", { dtype: "int8", shape: [null] });
  const uv = arr("uint8", [4], [0, 1, 200, 255]), sv = arr("int8", [4], [-128, 1, 100, 127]);
  await check("narrow integers wrap", [u, s], [T.add(u, u), T.not(u), T.mul(s, 2), T.neg(s), T.sub(s, s)], [
    uv,
    sv,
  ]);

  const p = T.tensor("p", { dtype: "bool", shape: [null] }),
    q = T.tensor("q", { dtype: "bool", shape: [null] });
  const pv = arr("bool", [4], [0, 0, 1, 1]), qv = arr("bool", [4], [0, 1, 0, 1]);
  await check("logic", [p, q], [T.and(p, q), T.or(p, q), T.xor(p, q), T.not(p), T.eq(p, q), T.lt(p, q)], [
    pv,
    qv,
  ]);
  await check("switch and fill", [p, a, b], [T.switch(p, a, b), T.fill(a, 2.5), T.switch(a, 1, 0)], [
    pv,
    arr("float64", [4], [0, 1, -2, 3]),
    arr("float64", [4], [4, 5, 6, 7]),
  ]);
});

Deno.test("onnx ops: casts to every dtype", async () => {
  const x = T.dvector("x");
  const v = arr("float64", [6], [0, 1.7, -2.2, 3, 100.5, -0.4]);
  await check("casts", [x], DTYPES.map((d) => T.cast(x, d)), [v]);
  const i = T.lvector("i");
  await check("int64 casts", [i], DTYPES.map((d) => T.cast(i, d)), [arr("int64", [4], [0, 1, -3, 300])]);
});

Deno.test("onnx ops: products", async () => {
  const A = T.dmatrix("A"), B = T.dmatrix("B"), v = T.dvector("v"), w = T.dvector("w");
  const av = arr("float64", [3, 4], values(12, -1, 1)), bv = arr("float64", [4, 2], values(8, -1, 1));
  const vv = arr("float64", [4], values(4, -1, 1)), wv = arr("float64", [4], values(4, -1, 1));
  await check("dot", [A, B, v, w], [T.dot(A, B), T.dot(A, v), T.dot(v, w), T.dot(v, B), T.outer(v, w)], [
    av,
    bv,
    vv,
    wv,
  ]);
  const X = T.dtensor3("X"), Y = T.dtensor3("Y");
  const xv = arr("float64", [2, 3, 4], values(24, -1, 1)), yv = arr("float64", [2, 4, 5], values(40, -1, 1));
  await check("batched_dot and tensordot", [X, Y, A], [
    T.batchedDot(X, Y),
    T.tensordot(X, Y, [[2], [1]]),
    T.tensordot(X, A, [[1, 2], [0, 1]]),
  ], [xv, yv, av]);
  const I = T.imatrix("I");
  await check("int32 dot", [I], [T.dot(I, T.transpose(I))], [arr("int32", [2, 3], [1, -2, 3, 4, 5, -6])]);
});

Deno.test("onnx ops: reductions", async () => {
  const X = T.dtensor3("X");
  const xv = arr("float64", [2, 3, 4], values(24, -2, 2));
  await check(
    "reductions",
    [X],
    [
      T.sum(X),
      T.sum(X, 1),
      T.mean(X, [0, 2]),
      T.prod(X, 2),
      T.max(X, 1, { keepdims: true }),
      T.min(X, [0, 1]),
      T.logsumexp(X, 2),
      T.argmax(X, 1),
      T.argmin(X, [1, 2]),
      T.argmax(X, [0, 2], { keepdims: true }),
    ],
    [xv],
    { rtol: 1e-13, atol: 1e-14 },
  );
  const p = T.tensor("p", { dtype: "bool", shape: [null, null] });
  await check("any and all", [p], [T.any(p, 1), T.all(p, 1), T.any(p), T.all(p, 0)], [
    arr("bool", [3, 2], [0, 0, 0, 1, 1, 1]),
  ]);
  const i = T.imatrix("i");
  await check("integer sum widens", [i], [T.sum(i, 0), T.prod(i, 1), T.mean(i)], [
    arr("int32", [2, 2], [1, 2, 3, 4]),
  ]);
  // Gradients bring reduced_count (mean over unknown lengths) and prod_others (prod, exact with zeros).
  const x = T.dmatrix("x");
  const [gm] = T.grad(T.sum(T.mean(x, 1)), [x]);
  const [gp] = T.grad(T.sum(T.prod(x, 1)), [x]);
  await check("mean and prod gradients", [x], [gm, gp], [
    arr("float64", [3, 3], [1, 2, 3, 0, 5, 6, 0, 0, 2]),
  ]);
});

Deno.test("onnx ops: softmax family, with gradients", async () => {
  const x = T.dmatrix("x"), y = T.dmatrix("y");
  const xv = arr("float64", [3, 4], values(12, -3, 3)), yv = arr("float64", [3, 4], values(12, -1, 1));
  const [gs] = T.grad(T.sum(T.mul(T.softmax(x), y)), [x]);
  await check(
    "softmax",
    [x, y],
    [
      T.softmax(x),
      T.logSoftmax(x),
      T.softmax(x, 0),
      T.softmax(x, null),
      T.logSoftmax(x, [0, 1]),
      gs,
    ],
    [xv, yv],
    { rtol: 1e-13, atol: 1e-15 },
  );
});

Deno.test("onnx ops: layout, shapes and constructors", async () => {
  const X = T.dtensor3("X"), n = T.lscalar("n");
  const xv = arr("float64", [2, 3, 4], values(24, -1, 1));
  await check("layout", [X, n], [
    T.dimshuffle(X, 2, 0, 1),
    T.dimshuffle(T.sum(X, 1, { keepdims: true }), 0, 2, "x"),
    T.reshape(X, [6, 4]),
    T.reshape(X, [n, -1]),
    T.reshape(X, [X.shape.get(0), 12]),
    T.cast(X.shape, "int64"),
    T.concatenate([X, T.mul(X, 2)], 1),
    T.alloc(T.sum(X), 2, n),
    T.arange(n),
    T.arange(1, 7, 2),
    T.arange(0.5, n, 0.25),
    T.eye(3, n, 1),
  ], [xv, T.asarray(4, { dtype: "int64" })]);
});

Deno.test("onnx ops: indexing, set and increment", async () => {
  const X = T.dmatrix("X"), k = T.lscalar("k");
  const xv = arr("float64", [5, 4], values(20, -1, 1));
  await check("subtensor", [X, k], [
    X.get(1),
    X.get(-1, 2),
    X.get(k),
    T.slice(X, [1, 4]),
    T.slice(X, [null, null, -1], [1, null, 2]),
    T.slice(X, [k, null], [null, -1]),
    T.slice(X, [null, null, -2]),
    T.slice(X, 2, [null, k]),
  ], [xv, T.asarray(2, { dtype: "int64" })]);
  const y = T.dvector("y");
  await check("set and inc", [X, y, k], [
    T.setSubtensor(T.slice(X, [1, 3]), y),
    T.incSubtensor(X.get(k), y),
    T.incSubtensor(T.slice(X, [null, null, 2], 1), 10),
  ], [xv, arr("float64", [4], [1, 2, 3, 4]), T.asarray(-1, { dtype: "int64" })]);
});

Deno.test("onnx ops: a scan with two taps and a reversed sequence", async () => {
  const xs = T.dvector("xs"), init = T.dvector("init");
  const [fib] = T.scan({
    fn: (x: T.Variable, a: T.Variable, b: T.Variable) => T.add(T.add(a, b), x),
    sequences: xs,
    outputsInfo: { initial: init, taps: [-2, -1] },
    goBackwards: true,
  });
  const [g] = T.grad(T.sum(fib), [xs]);
  await check("fibonacci-like scan and its gradient", [xs, init], [fib, g], [
    arr("float64", [6], [1, 2, 3, 4, 5, 6]),
    arr("float64", [2], [0.5, 1]),
  ]);
});

Deno.test("onnx ops: cumulative sums and products, and the product's gradient (exact at zeros)", async () => {
  const X = T.dmatrix("X");
  const xv = arr("float64", [3, 4], [1, 2, 0, 3, -1, 0.5, 2, 0, 1.5, -2, 1, 0.25]);
  const [g0] = T.grad(T.sum(T.mul(T.cumprod(X, 0), T.arange(4))), [X]);
  const [g1] = T.grad(T.sum(T.cumprod(X, 1)), [X]);
  const [gn] = T.grad(T.sum(T.cumprod(X)), [X]);
  await check("cumulative", [X], [T.cumsum(X, 0), T.cumsum(X), T.cumprod(X, 1), T.cumprod(X), g0, g1, gn], [
    xv,
  ]);
  const i = T.ivector("i");
  await check("integer cumsum widens", [i], [T.cumsum(i), T.cumprod(i)], [arr("int32", [4], [1, -2, 3, 4])]);
});

Deno.test("onnx ops: bincount, bartlett, fillDiagonal, squeeze", async () => {
  const x = T.lvector("x"), w = T.dvector("w"), m = T.lscalar("m");
  const xv = arr("int64", [6], [0, 3, 3, 1, 0, 3]), wv = arr("float64", [6], [0.5, 1, 2, 3, 4, 5]);
  await check("bincount and bartlett", [x, w, m], [
    T.bincount(x),
    T.bincount(x, { weights: w, minlength: 7 }),
    T.bartlett(m),
    T.bartlett(1),
    T.bartlett(6),
  ], [xv, wv, T.asarray(5, { dtype: "int64" })]);
  const A = T.dmatrix("A"), C = T.dtensor3("C"), v = T.dscalar("v");
  const B = T.dtensor3("B"); // axis 1 of length 1 only at run time: a squeeze node checks it
  await check("fillDiagonal and squeeze", [A, C, v, B], [
    T.fillDiagonal(A, v),
    T.fillDiagonalOffset(A, v, 1),
    T.fillDiagonalOffset(A, v, -2),
    T.fillDiagonal(C, v),
    T.squeeze(B, 1),
  ], [
    arr("float64", [3, 4], values(12, -1, 1)),
    arr("float64", [2, 2, 2], values(8, -1, 1)),
    T.asarray(9, { dtype: "float64" }),
    arr("float64", [2, 1, 3], values(6, -1, 1)),
  ]);
});

Deno.test("onnx ops: searchsorted, unique, unravel and ravel indices, permuteRowElements", async () => {
  const a = T.dvector("a"), v = T.dmatrix("v"), a2 = T.dvector("a2"), s = T.lvector("s");
  const av = arr("float64", [5], [1, 2, 2, 4, 7]);
  const vv = arr("float64", [2, 3], [0, 2, 3, 7, 8, 1.5]);
  await check("searchsorted", [a, v, a2, s], [
    T.searchsorted(a, v),
    T.searchsorted(a, v, { side: "right" }),
    T.searchsorted(a2, v, { sorter: s }),
  ], [av, vv, arr("float64", [5], [7, 1, 4, 2, 2]), arr("int64", [5], [1, 3, 4, 2, 0])]);
  const u = T.dmatrix("u");
  const [values, index, inverse, counts] = T.unique(u, {
    returnIndex: true,
    returnInverse: true,
    returnCounts: true,
  });
  await check("unique", [u], [values, index, inverse, counts, T.unique(u) as T.Variable], [
    arr("float64", [2, 4], [3, 1, 2, 3, 1, 0, 3, 2]),
  ]);
  const i = T.lvector("i");
  const iv = arr("int64", [4], [0, 5, 11, 7]);
  await check("unravel and ravel", [i], [
    ...T.unravelIndex(i, [3, 4]),
    ...T.unravelIndex(i, [2, 3, 2], "F"),
    T.ravelMultiIndex([i, T.sub(i, 2)], [12, 5], { mode: ["raise", "wrap"] }),
    T.ravelMultiIndex([i, i], [4, 6], { mode: "clip", order: "F" }),
  ], [iv]);
  const X = T.dmatrix("X"), y = T.lmatrix("y");
  await check("permuteRowElements", [X, y], [
    T.permuteRowElements(X, y),
    T.permuteRowElements(X, y, true),
    T.permuteRowElements(X, y.get(0)),
  ], [arr("float64", [2, 3], [1, 2, 3, 4, 5, 6]), arr("int64", [2, 3], [2, 0, 1, 1, 2, 0])]);
});

Deno.test("onnx ops: advanced indexing: integer arrays and masks, get, set and increment", async () => {
  const X = T.dtensor3("X"),
    i = T.lvector("i"),
    j = T.lmatrix("j"),
    m = T.tensor("m", { dtype: "bool", shape: [null] });
  const xv = arr("float64", [4, 3, 5], values(60, -1, 1));
  const iv = arr("int64", [3], [2, 0, 2]);
  const mv = arr("bool", [4], [1, 0, 1, 1]);
  const y = T.dvector("y");
  await check("advanced get", [X, i, j, m], [
    X.get(i),
    T.slice(X, null, null, j),
    T.slice(X, null, i, i),
    T.slice(X, i, null, i),
    X.get(m),
    T.slice(X, m, 1),
  ], [xv, iv, arr("int64", [2, 2], [4, -1, 0, 2]), mv]);
  await check("advanced set and increment (duplicates add up)", [X, i, m, y], [
    T.incSubtensor(X.get(i), 1),
    T.setSubtensor(X.get(m), 2),
    T.incSubtensor(T.slice(X, null, null, i), y.get(0)),
    T.setSubtensor(T.slice(X, i, null, i), y.get(1)),
  ], [xv, iv, mv, arr("float64", [2], [10, 20])]);
});

Deno.test("onnx ops: gradient markers (kept by FAST_COMPILE) and Print export as their input", async () => {
  const x = T.dvector("x");
  const outs = [
    T.zeroGrad(x),
    T.considerConstant(x),
    T.disconnectedGrad(x),
    T.undefinedGrad(x),
    T.gradClip(x, -1, 1),
    T.gradScale(x, 2),
    T.Print("", { attrs: [] })(x),
  ];
  await check("markers", [x], outs, [arr("float64", [3], [1, -2, 3])], undefined, "FAST_COMPILE");
});

Deno.test("onnx ops: issue 16's elementary functions in float64 and float32", async () => {
  const x = T.dvector("x"), y = T.dvector("y");
  const xv = arr("float64", [8], [0.3, -0.7, 1e-9, 0.999, -0.5, 0.25, -1e-12, 0.6]);
  const yv = arr("float64", [8], [1.5, -2, 0.5, -0.001, 0, -0, 3, -4]);
  const tight = { rtol: 5e-15, atol: 1e-300 };
  await check(
    "in (-1, 1)",
    [x],
    [
      T.arcsin(x),
      T.arccos(x),
      T.arctan(x),
      T.arctanh(x),
      T.sinh(x),
      T.cosh(x),
      T.arcsinh(x),
      T.cbrt(x),
      T.exp2(x),
      T.log1mexp(T.sub(T.abs(x), 2)),
      T.log1mexp(T.neg(T.abs(x))),
    ],
    [xv],
    tight,
  );
  const big = arr("float64", [6], [1, 1.0000001, 2.5, 40, 1e10, 1e300]);
  await check("large arguments", [x], [
    T.arccosh(x),
    T.arcsinh(x),
    T.arctan(x),
    T.log10(x),
    T.reciprocal(x),
    T.cbrt(x),
  ], [
    big,
  ], tight);
  await check("two arguments", [x, y], [T.arctan2(x, y), T.arctan2(y, x), T.hypot(x, y), T.logaddexp(x, y)], [
    xv,
    yv,
  ], tight);
  const special = arr("float64", [5], [NaN, Infinity, -Infinity, 2.5, -3.5]);
  await check("predicates and rounding", [x], [
    T.isnan(x),
    T.isinf(x),
    T.iround(x, { mode: "half_away_from_zero" }),
    T.copy(x),
  ], [special]);
  const f = T.fvector("f");
  await check("float32 kernels", [f], [T.sinh(f), T.arcsin(T.mul(f, 0.5)), T.arctan2(f, T.add(f, 1))], [
    arr("float32", [4], [0.5, -0.25, 0.75, 0.1]),
  ], { rtol: 1e-6, atol: 1e-7 });
  const i = T.ivector("i");
  await check("integer arguments", [i], [T.isnan(i), T.exp2(i), T.reciprocal(i)], [
    arr("int32", [3], [1, 2, -4]),
  ]);
});

Deno.test("onnx ops: sort, argsort, take and its gradient, nonzero, repeat, choose, checks", async () => {
  const X = T.dmatrix("X"), i = T.lvector("i");
  const xv = arr("float64", [3, 4], [3, 1, 2, 1, -1, 5, 0, 2, 7, 7, -2, 4]);
  const [gt] = T.grad(T.sum(T.mul(T.take(X, i, 1), T.arange(3))), [X]);
  const [gs] = T.grad(T.sum(T.mul(T.sort(X), T.arange(4))), [X]); // a permute_along
  await check("sort and take", [X, i], [
    T.sort(X),
    T.sort(X, 0),
    T.argsort(X),
    T.argsort(X, 0),
    T.take(X, i, 1),
    T.take(X, i, { axis: 0, mode: "wrap" }),
    T.take(X, i, { axis: 1, mode: "clip" }),
    gt,
    gs,
  ], [xv, arr("int64", [3], [3, -1, 1])]);
  const [rows, cols] = T.nonzero(X);
  const c = T.lvector("c");
  await check("nonzero and repeat", [X, c], [rows, cols, T.repeat(X, c, 0), T.repeat(X, 2, 1)], [
    arr("float64", [3, 2], [0, 1, NaN, 0, 2, 0]),
    arr("int64", [3], [2, 0, 3]),
  ]);
  const a = T.lvector("a"), labels = T.lvector("labels"), P = T.dmatrix("P");
  await check("choose, labels, broadcast checks", [a, P, labels], [
    T.choose(a, [T.constant([1, 2, 3]), T.constant([10, 20, 30])]),
    T.categoricalCrossentropy(P, labels),
    T.addbroadcast(T.slice(P, [0, 1]), 0),
  ], [
    arr("int64", [3], [1, 0, 1]),
    arr("float64", [2, 3], [0.2, 0.3, 0.5, 0.6, 0.3, 0.1]),
    arr("int64", [2], [2, 0]),
  ]);
  const A3 = T.dtensor3("A3"), B3 = T.dtensor3("B3");
  await check("batchedTensordot", [A3, B3], [T.batchedTensordot(A3, B3, [[2], [1]])], [
    arr("float64", [2, 3, 4], values(24, -1, 1)),
    arr("float64", [2, 4, 2], values(16, -1, 1)),
  ]);
});

Deno.test("onnx ops: erfc, erfcx, erfinv, erfcinv, in float64 (Hypatia's method) and float32", async () => {
  const x = T.dvector("x");
  const xv = arr("float64", [12], [-30, -6.5, -1.5, -0.3, 0, 0.7, 1, 2.5, 5.99, 6, 12, 28]);
  await check("erfc", [x], [T.erfc(x), T.erfcx(x)], [xv], { rtol: 1e-15, atol: 0 });
  const yv = arr("float64", [10], [-1, -0.9999, -0.6, -0.2, 0, 1e-8, 0.45, 0.8, 1, 1.5]);
  const zv = arr("float64", [10], [0, 1e-300, 1e-10, 0.3, 0.5, 0.9, 1.2, 1.7, 2, 2.5]);
  await check("erfinv and erfcinv", [x], [T.erfinv(x)], [yv], { rtol: 1e-14, atol: 1e-300 });
  await check("erfcinv", [x], [T.erfcinv(x)], [zv], { rtol: 1e-14, atol: 1e-300 });
  const f = T.fvector("f");
  // Within an ulp: a fused float32 group rounds once at its end, ONNX Runtime after each step.
  await check("float32 erfc", [f], [T.erfc(f), T.erfcx(f), T.erfinv(T.mul(f, 0.1))], [
    arr("float32", [4], [-1, 0.5, 3, 9]),
  ], {
    rtol: 2.4e-7,
    atol: 0,
  });
});

Deno.test("onnx ops: gamma, gammaln, psi, trigamma (Hypatia's float64 method), float32 through float64", async () => {
  const x = T.dvector("x");
  const xv = arr("float64", [14], [0.3, 1, 2.5, 5, 7, 23, 23.5, 30.2, 150.3, 200, -0.5, -2.7, -3, 1e-8]);
  await check("gamma family", [x], [T.gamma(x), T.gammaln(x), T.psi(x)], [xv], { rtol: 1e-13, atol: 1e-13 });
  const [tg] = T.grad(T.sum(T.psi(x)), [x]); // psi's gradient is trigamma
  await check("trigamma", [x], [tg], [arr("float64", [6], [0.3, 1, 4.5, 12, -0.5, -2.7])], {
    rtol: 1e-13,
    atol: 1e-13,
  });
  const edges = arr("float64", [6], [0, -0, -4, Infinity, -Infinity, NaN]);
  await check("poles and infinities", [x], [T.gamma(x), T.gammaln(x), T.psi(x)], [edges]);
  const f = T.fvector("f");
  await check("float32", [f], [T.gamma(f), T.gammaln(f), T.psi(f)], [arr("float32", [3], [0.7, 3.5, 9])], {
    rtol: 2.4e-7,
    atol: 0,
  });
});

Deno.test("onnx ops: chi2sf: the series and the continued fraction, each element stepping until it converges", async () => {
  const x = T.dvector("x"), k = T.dvector("k");
  const xv = arr("float64", [9], [0.5, 3, 10, 40, 200, 1e-3, 0, -1, Infinity]);
  const kv = arr("float64", [9], [1, 4, 3, 50, 180, 2, 3, 2, 5]);
  await check("chi2sf", [x, k], [T.chi2sf(x, k)], [xv, kv], { rtol: 1e-12, atol: 1e-300 });
  const edges = arr("float64", [4], [NaN, 1, 1, 2]);
  await check("chi2sf edges", [x, k], [T.chi2sf(x, k)], [edges, arr("float64", [4], [2, NaN, -1, Infinity])]);
});

Deno.test("onnx ops: solve, matrixInverse, triangular solves, cholesky, expm, det, qr (and gradients)", async () => {
  const A = T.dmatrix("A"), b = T.dvector("b"), B = T.dmatrix("B");
  const av = arr("float64", [4, 4], [4, 1, 2, 0.5, 1, 5, 0.3, 1, 2, 0.3, 6, 0.2, 0.5, 1, 0.2, 3]);
  const perm = arr("float64", [3, 3], [0, 2, 1, 1, 1, 0, 3, 0, 1]); // needs pivoting: a zero on the diagonal
  const bv = arr("float64", [4], [1, -2, 0.5, 3]), bm = arr("float64", [4, 2], [1, 0, -2, 1, 0.5, 2, 3, -1]);
  const tight = { rtol: 1e-11, atol: 1e-12 };
  await check(
    "solve and inverse",
    [A, b, B],
    [
      T.solve(A, b),
      T.solve(A, B),
      T.matrixInverse(A),
      T.solveLowerTriangular(A, b),
      T.solveUpperTriangular(A, B),
      T.cholesky(A),
    ],
    [av, bv, bm],
    tight,
  );
  await check("pivoting", [A], [T.matrixInverse(A)], [perm], tight);
  const [ga] = T.grad(T.sum(T.solve(A, b)), [A]);
  const [gi] = T.grad(T.sum(T.sqr(T.matrixInverse(A))), [A]);
  await check("gradients", [A, b], [ga, gi], [av, bv], tight);
  const small = arr("float64", [2, 2], [0.1, 0.2, -0.3, 0.05]);
  const [ge] = T.grad(T.sum(T.expm(A)), [A]);
  await check(
    "expm (with squarings for the larger norm) and its gradient",
    [A],
    [T.expm(A), ge],
    [av],
    tight,
  );
  await check("expm without squarings", [A], [T.expm(A)], [small], tight);
  await check("float64 det (elimination), with a row swap", [A], [T.det(A)], [perm], tight);
  await check("float64 det", [A], [T.det(A)], [av], tight);
  const [q, r] = T.qr(A) as [T.Variable, T.Variable];
  const [qc, rc] = T.qr(A, { mode: "complete" }) as [T.Variable, T.Variable];
  const tall = arr("float64", [4, 3], [1, 2, 0, -1, 0.5, 3, 2, 0, 1, 0, 1, -2]);
  const wide = arr("float64", [2, 4], [1, 2, 0, -1, 0.5, 3, 2, 0]);
  const reducedCol = arr("float64", [3, 2], [2, 1, 0, 3, 0, 4]); // column 0 already reduced
  for (const [name, v] of [["tall", tall], ["wide", wide], ["reduced column", reducedCol]] as const) {
    await check(`qr ${name}`, [A], [q, r, qc, rc], [v], tight);
  }
});

Deno.test("onnx ops: rfft and irfft (every normalisation, odd and even lengths, the gradients' weights), det", async () => {
  const x = T.dmatrix("x"), y = T.dtensor3("y");
  const xv = arr("float64", [2, 5], values(10, -1, 1)), x6 = arr("float64", [2, 6], values(12, -1, 1));
  const spec = arr("float64", [2, 4, 2], values(16, -1, 1));
  const outs = (norm: "backward" | "ortho" | "forward") => [
    T.rfft(x, { norm }),
    T.irfft(y, { norm }),
    T.irfft(y, { norm, isOdd: true }),
  ];
  for (const norm of ["backward", "ortho", "forward"] as const) {
    await check(`fft ${norm}`, [x, y], outs(norm), [xv, spec], { rtol: 1e-12, atol: 1e-14 });
    await check(`fft ${norm}, even`, [x, y], outs(norm), [x6, spec], { rtol: 1e-12, atol: 1e-14 });
  }
  const [gr] = T.grad(T.sum(T.mul(T.rfft(x), T.rfft(x))), [x]);
  const [gi] = T.grad(T.sum(T.sqr(T.irfft(y))), [y]);
  await check("fft gradients", [x, y], [gr, gi], [xv, spec], { rtol: 1e-12, atol: 1e-13 });
  const a = T.fmatrix("a");
  await check("det", [a], [T.det(a)], [arr("float32", [3, 3], [2, 1, 0, 1, 3, 1, 0, 1, 4])], {
    rtol: 1e-6,
    atol: 0,
  });
});

Deno.test("onnx ops: a fused step and the decompositions are refused, naming the node", () => {
  const [i, j] = [T.ivector("i"), T.ivector("j")];
  const f = T.function([i, j], T.add(T.and(i, j), 1)); // the fused group is named, with the step's reason
  assert.throws(
    () => toOnnx(f),
    (e: Error) => /fused \(built at .*ops_test/.test(e.message) && /And of int32/.test(e.message),
  );
});

Deno.test("onnx ops: the functions above reach every op the ONNX table has a rule for", async () => {
  const ops = new Set<Op>(DTYPES.map((d) => castOp(d)));
  const root = new URL("..", import.meta.url);
  for (const dir of ["ops", "ops/scan", "random"]) {
    for await (const e of Deno.readDir(new URL(dir, root))) {
      if (!e.name.endsWith(".ts") || /_test\.ts$|test_util|_wgsl/.test(e.name)) continue;
      const mod = await import(new URL(`${dir}/${e.name}`, root).href);
      for (const v of Object.values(mod)) {
        if (v && typeof v === "object" && "make" in v && "inferType" in v) ops.add(v as Op);
      }
    }
  }
  const untested = [...ops].filter((op) => onnxTable.get(op) && !seen.has(op)).map((op) => op.name);
  assert.deepEqual(untested, []);
});

Deno.test({
  name: "onnx ops: ONNX's checker accepts every model exported here",
  ignore: !hasOnnxChecker() && !Deno.env.get("CI"),
  fn() {
    assert.ok(exported.length > 20);
    checkModels(exported);
  },
});
