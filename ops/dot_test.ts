import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { dotOp, outerOp } from "./dot.ts";
import type { Op } from "../core/graph.ts";
import { batchedDotOp } from "./batched_dot.ts";
import { type TensordotAxes, tensordotOp } from "./tensordot.ts";
import { seededRandom } from "../compile/verify_grad.ts";

type M = number[][];
const rng = seededRandom(7);
const randMat = (n: number, m: number): M =>
  Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round((rng() * 4 - 2) * 100) / 100));
const randVec = (n: number): number[] => randMat(1, n)[0];
// Independent reference: nested JS arrays.
const refMM = (a: M, b: M): M => a.map((r) => b[0].map((_, j) => r.reduce((s, x, p) => s + x * b[p][j], 0)));
const col = (v: number[]): M => v.map((x) => [x]);
const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" as const };

function close(actual: T.NDArray, expected: T.NestedArray, tol = 1e-12) {
  T.testing.assertAllClose(actual, expected, { rtol: tol, atol: tol });
}

Deno.test("dot() matrix·matrix, matrix·vector, vector·matrix, vector·vector match a JS reference", () => {
  for (const [n, k, m] of [[3, 4, 5], [1, 1, 1], [7, 3, 2], [2, 17, 1]]) {
    const A = randMat(n, k), B = randMat(k, m), v = randVec(k), w = randVec(n);
    const [a, b, x, y] = [T.dmatrix("a"), T.dmatrix("b"), T.dvector("x"), T.dvector("y")];
    const f = T.function([a, b, x, y], [T.dot(a, b), T.dot(a, x), T.dot(y, a), T.dot(x, x)]);
    const [mm, mv, vm, vv] = f(A, B, v, w);
    close(mm, refMM(A, B));
    assert.deepEqual(mv.shape, [n]);
    close(mv, refMM(A, col(v)).map((r) => r[0]));
    assert.deepEqual(vm.shape, [k]);
    close(vm, refMM([w], A)[0]);
    assert.deepEqual(vv.shape, []);
    close(vv, refMM([v], col(v))[0][0]);
  }
});

Deno.test("dot() in float32 keeps float32 and agrees with a float64 reference", () => {
  const A = randMat(17, 65), B = randMat(65, 3);
  const [a, b] = T.fmatrices("a", "b");
  const z = T.dot(a, b);
  assert.equal(z.dtype, "float32");
  const f32 = (x: M) => T.asarray(x, { dtype: "float32" });
  const r = T.function([a, b], z)(f32(A), f32(B));
  assert.equal(r.dtype, "float32");
  close(r, refMM(A, B), 1e-4);
});

Deno.test("dot() promotes dtypes as NumPy and wraps integers as NumPy", () => {
  const mk = (d: T.DType, nd: number) => new T.TensorType(d, Array(nd).fill(false)).make();
  assert.equal(T.dot(mk("int32", 1), mk("float32", 1)).dtype, "float64");
  assert.equal(T.dot(mk("int8", 1), mk("uint8", 2)).dtype, "int16");
  assert.equal(T.dot(mk("float32", 2), mk("float64", 2)).dtype, "float64");
  // np.dot(i8, i8) with i8 = np.array([[100, 50], [-100, 127]], dtype=np.int8)
  const i8 = T.bmatrix("i8");
  const fi8 = T.function([i8], T.dot(i8, i8));
  const r8 = fi8([[100, 50], [-100, 127]]);
  assert.equal(r8.dtype, "int8");
  assert.deepEqual(r8.toArray(), [[-120, 86], [84, 121]]);
  // np.dot(u8, u8) with u8 = np.array([200, 100, 3], dtype=np.uint8) -> 89
  const u8 = mk("uint8", 1);
  assert.equal(T.function([u8], T.dot(u8, u8))([200, 100, 3]).item(), 89);
  // np.dot(i32, i32) with i32 = np.array([[2**30, 3], [5, 2**30]], dtype=np.int32)
  const i32 = T.imatrix("i32");
  assert.deepEqual(
    T.function([i32], T.dot(i32, i32))([[2 ** 30, 3], [5, 2 ** 30]]).toArray(),
    [[15, -2147483648], [-2147483648, 15]],
  );
  // np.dot of bool matrices is bool: [[T, F], [F, F]] . [[F, T], [T, F]]
  const [p, q] = [mk("bool", 2), mk("bool", 2)];
  const rb = T.function([p, q], T.dot(p, q))([[true, false], [false, false]], [[false, true], [true, false]]);
  assert.equal(rb.dtype, "bool");
  assert.deepEqual(rb.toArray(), [[false, true], [false, false]]);
  // int64 stays exact below 2^53
  const l = T.lmatrix("l");
  assert.deepEqual(T.function([l], T.dot(l, l))([[2 ** 20, 1], [0, 2 ** 20]]).toArray(), [
    [2 ** 40, 2 ** 21],
    [0, 2 ** 40],
  ]);
});

Deno.test("dot() with a scalar is an elementwise product", () => {
  const x = T.dmatrix("x"), s = T.dscalar("s");
  const z = T.dot(x, s);
  assert.notEqual(z.owner?.op.name, "dot");
  close(T.function([x, s], z)([[1, 2], [3, 4]], 3), [[3, 6], [9, 12]]);
  close(T.function([x], T.dot(2, x))([[1, 2]]), [[2, 4]]);
});

Deno.test("dot() of higher ranks follows numpy.dot", () => {
  // a = np.arange(24).reshape(2,3,4) - 5; b = np.arange(20).reshape(4,5) % 7 - 3
  const A = [...Array(24).keys()].map((i) => i - 5), B = [...Array(20).keys()].map((i) => (i % 7) - 3);
  const a = T.dtensor3("a"), b = T.dmatrix("b"), v = T.dvector("v"), c = T.dtensor3("c");
  const val = (flat: number[], shape: number[]) => T.asarray(new Float64Array(flat), { shape });
  const av = val(A, [2, 3, 4]);
  // np.dot(a, b)
  close(T.function([a, b], T.dot(a, b))(av, val(B, [4, 5])), [
    [[11, -3, 11, -3, 4], [-1, 1, 3, 5, 0], [-13, 5, -5, 13, -4]],
    [[-25, 9, -13, 21, -8], [-37, 13, -21, 29, -12], [-49, 17, -29, 37, -16]],
  ]);
  // np.dot(a, np.arange(4) - 1.5)
  close(T.function([a, v], T.dot(a, v))(av, [-1.5, -0.5, 0.5, 1.5]), [[5, 5, 5], [5, 5, 5]]);
  // c = np.arange(24).reshape(3,4,2) % 5 - 2; np.dot(np.arange(4) - 2.0, c)
  const cv = val([...Array(24).keys()].map((i) => (i % 5) - 2), [3, 4, 2]);
  close(T.function([v, c], T.dot(v, c))([-2, -1, 0, 1], cv), [[3, 1], [2, -5], [1, -1]]);
  // np.dot(a, c) has shape (2, 3, 3, 2); np.dot(a, c)[1, 2] below
  const r = T.function([a, c], T.dot(a, c))(av, cv);
  assert.deepEqual(r.shape, [2, 3, 3, 2]);
  assert.deepEqual((r.toArray() as number[][][][])[1][2], [[-14, -33], [19, -5], [-33, 33]]);
});

Deno.test("dot() infers static shapes and rejects mismatched static inner lengths", () => {
  const a = new T.TensorType("float64", [3, 4]).make("a");
  const b = new T.TensorType("float64", [4, null]).make("b");
  assert.deepEqual(T.dot(a, b).staticShape, [3, null]);
  assert.deepEqual(T.dot(T.dvector("v"), b).staticShape, [null]);
  const bad = new T.TensorType("float64", [5, 2]).make("bad");
  assert.throws(() => T.dot(a, bad), (e: Error) => {
    assert.ok(e instanceof T.HypatiaTypeError);
    assert.match(e.message, /dot/);
    assert.match(e.message, /"a"/);
    assert.match(e.message, /"bad"/);
    assert.match(e.message, /4.*5/);
    return true;
  });
  assert.throws(() => dotOp.apply1([T.dtensor3("t"), b], null), T.HypatiaTypeError);
});

Deno.test("dot() at run time: mismatched inner lengths are a ShapeError naming shapes and variables", () => {
  const [a, b] = [T.dmatrix("left"), T.dmatrix("right")];
  const f = T.function([a, b], T.dot(a, b));
  assert.throws(() => f([[1, 2, 3]], [[1], [2]]), (e: Error) => {
    assert.ok(e instanceof T.ShapeError);
    assert.match(e.message, /dot/);
    assert.match(e.message, /\(1, 3\)/);
    assert.match(e.message, /\(2, 1\)/);
    assert.match(e.message, /"left"/);
    assert.match(e.message, /"right"/);
    return true;
  });
  const [p, q] = T.dvectors("p", "q");
  assert.throws(() => T.function([p, q], T.dot(p, q))([1, 2], [1, 2, 3]), T.ShapeError);
  assert.throws(() => T.function([a, p], T.dot(a, p))([[1]], [1, 2]), T.ShapeError);
  assert.throws(() => T.function([p, b], T.dot(p, b))([1], [[1], [2]]), T.ShapeError);
});

Deno.test("dot() of empty inner axes gives zeros", () => {
  const [a, b] = T.dmatrices("a", "b");
  const r = T.function([a, b], T.dot(a, b))(
    T.asarray(new Float64Array(0), { shape: [2, 0] }),
    T.asarray(new Float64Array(0), { shape: [0, 3] }),
  );
  assert.deepEqual(r.toArray(), [[0, 0, 0], [0, 0, 0]]);
});

Deno.test("dot() gradients pass verifyGrad in float64 and float32 for every rank pair", () => {
  const cases: [number[][] | number[], number[][] | number[]][] = [
    [randMat(3, 4), randMat(4, 2)],
    [randMat(3, 4), randVec(4)],
    [randVec(3), randMat(3, 5)],
    [randVec(4), randVec(4)],
    [randMat(1, 3), randMat(3, 1)],
  ];
  for (const [x, y] of cases) {
    T.verifyGrad((a, b) => T.dot(a, b), [x, y]);
    T.verifyGrad((a, b) => T.dot(a, b), [x, y], F32);
  }
  T.verifyGrad((a, b) => T.dot(a, b), [[[randVec(2), randVec(2)], [randVec(2), randVec(2)]], randMat(2, 3)]);
});

Deno.test("dot() has a forward-mode rule agreeing with finite differences", () => {
  const [a, b, ta, tb] = T.dmatrices("a", "b", "ta", "tb");
  const z = T.dot(a, b);
  const [jz] = dotOp.jvp!(z.owner!, [ta, tb]);
  const A = randMat(2, 3), B = randMat(3, 2), TA = randMat(2, 3), TB = randMat(3, 2);
  const step = (M: M, D: M, h: number) => M.map((r, i) => r.map((x, j) => x + h * D[i][j]));
  const expected = refMM(step(A, TA, 1), step(B, TB, 1)).map((r, i) =>
    r.map((x, j) => (x - refMM(step(A, TA, -1), step(B, TB, -1))[i][j]) / 2)
  );
  close(T.function([a, b, ta, tb], jz!)(A, B, TA, TB), expected, 1e-9);
  const [only] = dotOp.jvp!(z.owner!, [null, tb]);
  close(T.function([a, tb], only!)(A, TB), refMM(A, TB));
});

Deno.test("outer(), batchedDot(), tensordot() forward-mode rules agree with central differences", () => {
  const t3 = (a: number, b: number, c: number) => [...Array(a)].map(() => randMat(b, c));
  const cases: [Op<never>, unknown, unknown, unknown][] = [
    [outerOp as Op<never>, null, randVec(3), randVec(4)],
    [batchedDotOp as Op<never>, null, t3(2, 3, 4), t3(2, 4, 2)],
    [tensordotOp as Op<never>, { axesA: [0, 2], axesB: [1, 0] }, t3(2, 3, 2), t3(2, 2, 3)],
  ];
  for (const [op, params, A, B] of cases) {
    const [av, bv] = [T.asarray(A as M), T.asarray(B as M)];
    const mk = (v: T.NDArray, n: string) => new T.TensorType("float64", v.shape.map(() => null)).make(n);
    const [a, b, ta, tb] = [mk(av, "a"), mk(bv, "b"), mk(av, "ta"), mk(bv, "tb")];
    const z = op.apply1([a, b], params as never);
    const [jz] = op.jvp!(z.owner!, [ta, tb]);
    const [tav, tbv] = [T.asarray(A as M).copy(), T.asarray(B as M).copy()];
    tav.data.forEach((_, i) => (tav.data[i] = rng() - 0.5));
    tbv.data.forEach((_, i) => (tbv.data[i] = rng() - 0.5));
    const f = T.function([a, b], z);
    const shift = (x: T.NDArray, t: T.NDArray, h: number) =>
      T.asarray(x.data.map((v, i) => v + h * t.data[i]), { shape: [...x.shape] });
    const up = f(shift(av, tav, 1e-3), shift(bv, tbv, 1e-3)),
      down = f(shift(av, tav, -1e-3), shift(bv, tbv, -1e-3));
    const expected = T.asarray(up.data.map((u, i) => (u - down.data[i]) / 2e-3), { shape: [...up.shape] });
    T.testing.assertAllClose(T.function([a, b, ta, tb], jz!)(av, bv, tav, tbv), expected, {
      rtol: 1e-8,
      atol: 1e-8,
    });
  }
});

Deno.test("batchedDot() and tensordot() on integers wrap as NumPy does", () => {
  // 2^16 * 2^16 wraps to 0 in int32, as np.einsum / np.tensordot on int32 arrays
  const [p, q] = [T.itensor3("p"), T.itensor3("q")];
  const r = T.function([p, q], T.batchedDot(p, q))([[[65536, 3]], [[1, 2]]], [[[65536], [5]], [[7], [11]]]);
  assert.equal(r.dtype, "int32");
  assert.deepEqual(r.toArray(), [[[15]], [[29]]]);
  const [m, n] = [T.bmatrix("m"), T.bmatrix("n")];
  const t = T.function([m, n], T.tensordot(m, n, [[0], [0]]))([[100, 1], [100, 2]], [[2, 1], [1, 1]]);
  assert.equal(t.dtype, "int8");
  // [[100*2 + 100*1, 100 + 100], [2 + 2, 1 + 2]] = [[300, 200], [4, 3]] wrapped to int8
  assert.deepEqual(t.toArray(), [[44, -56], [4, 3]]);
});

Deno.test("dot() prints as dot(a, b) in pp", () => {
  const [a, b] = T.dmatrices("a", "b");
  assert.equal(T.pp(T.dot(a, b)), "dot(a, b)");
  assert.equal(T.pp(T.outer(T.dvector("u"), T.dvector("w"))), "outer(u, w)");
  assert.equal(T.pp(T.batchedDot(T.dtensor3("p"), T.dtensor3("q"))), "batchedDot(p, q)");
  assert.equal(T.pp(T.tensordot(a, b, 1)), "tensordot(a, b, axes=[[1], [0]])");
});

Deno.test("outer() gives a[i] * b[j], its gradients, and flattens non-vectors", () => {
  const [u, w] = T.dvectors("u", "w");
  close(T.function([u, w], T.outer(u, w))([1, 2, 3], [4, 5]), [[4, 5], [8, 10], [12, 15]]);
  const i = T.ivector("i");
  const r = T.function([i], T.outer(i, i))([65536, 3]);
  assert.equal(r.dtype, "int32");
  assert.deepEqual(r.toArray(), [[0, 196608], [196608, 9]]); // 2^32 wraps to 0, as np.outer on int32
  T.verifyGrad((a, b) => T.outer(a, b), [randVec(3), randVec(4)]);
  T.verifyGrad((a, b) => T.outer(a, b), [randVec(3), randVec(4)], F32);
  const m = T.dmatrix("m");
  close(T.function([m, u], T.outer(m, u))([[1, 2], [3, 4]], [1, -1]), [[1, -1], [2, -2], [3, -3], [4, -4]]);
  assert.throws(() => outerOp.apply1([m, u], null), T.HypatiaTypeError);
  assert.equal(T.outer(T.fvector(), T.fvector()).dtype, "float32");
});

Deno.test("batchedDot() of 4×2×3 by 4×3×2 gives 4×2×2 products, one per batch entry", () => {
  const A = [...Array(4)].map(() => randMat(2, 3)), B = [...Array(4)].map(() => randMat(3, 2));
  const [a, b] = T.dtensor3s("a", "b");
  const r = T.function([a, b], T.batchedDot(a, b))(A, B);
  assert.deepEqual(r.shape, [4, 2, 2]);
  close(r, A.map((x, i) => refMM(x, B[i])));
});

Deno.test("batchedDot() of mixed ranks: (B,n)·(B,n), (B,n,k)·(B,k), (B,k)·(B,k,m)", () => {
  const V = randMat(3, 4), W = randMat(3, 4), A = [...Array(3)].map(() => randMat(2, 4));
  const C = [...Array(3)].map(() => randMat(4, 5));
  const [v, w] = T.dmatrices("v", "w"), [a, c] = T.dtensor3s("a", "c");
  const f = T.function([v, w, a, c], [T.batchedDot(v, w), T.batchedDot(a, v), T.batchedDot(v, c)]);
  const [vw, av, vc] = f(V, W, A, C);
  close(vw, V.map((x, i) => refMM([x], col(W[i]))[0][0]));
  close(av, A.map((x, i) => refMM(x, col(V[i])).map((r) => r[0])));
  close(vc, V.map((x, i) => refMM([x], C[i])[0]));
  assert.deepEqual([vw.shape, av.shape, vc.shape], [[3], [3, 2], [3, 5]]);
});

Deno.test("batchedDot() gradients pass verifyGrad in float64 and float32", () => {
  const t = (b: number, n: number, m: number) => [...Array(b)].map(() => randMat(n, m));
  const cases: [unknown, unknown][] = [
    [t(2, 3, 4), t(2, 4, 2)],
    [randMat(3, 4), randMat(3, 4)],
    [t(2, 3, 4), randMat(2, 4)],
    [randMat(2, 3), t(2, 3, 5)],
  ];
  for (const [x, y] of cases) {
    T.verifyGrad((a, b) => T.batchedDot(a, b), [x as M, y as M]);
    T.verifyGrad((a, b) => T.batchedDot(a, b), [x as M, y as M], F32);
  }
});

Deno.test("batchedDot() rejects bad ranks and mismatched batch or inner lengths", () => {
  assert.throws(() => T.batchedDot(T.dvector("v"), T.dmatrix("m")), T.HypatiaTypeError);
  assert.throws(() => T.batchedDot(T.dtensor4("q"), T.dtensor3("t")), T.HypatiaTypeError);
  const a = new T.TensorType("float64", [2, 3, 4]).make("a");
  assert.throws(
    () => T.batchedDot(a, new T.TensorType("float64", [3, 4, 1]).make("b")),
    /batched_dot.*"a".*"b"/,
  );
  assert.throws(() => T.batchedDot(a, new T.TensorType("float64", [2, 5, 1]).make("b")), T.HypatiaTypeError);
  assert.deepEqual(T.batchedDot(a, T.dtensor3()).staticShape, [2, 3, null]);
  const [x, y] = T.dtensor3s("x", "y");
  const f = T.function([x, y], T.batchedDot(x, y));
  assert.throws(
    () => f([[[1]], [[2]]], [[[1]]]),
    (e: Error) => e instanceof T.ShapeError && /"x".*"y"/.test(e.message),
  );
  assert.throws(() => f([[[1, 2]]], [[[1]]]), T.ShapeError);
});

Deno.test("tensordot() follows numpy.tensordot for counts, axis lists and negative axes", () => {
  // x = np.arange(24).reshape(2,3,4) % 5 - 2.0; y = np.arange(30).reshape(3,2,5) % 4 - 1.0
  const val = (f: (i: number) => number, shape: number[]) =>
    T.asarray(Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => f(i)), { shape });
  const xv = val((i) => (i % 5) - 2, [2, 3, 4]), yv = val((i) => (i % 4) - 1, [3, 2, 5]);
  const [x, y] = T.dtensor3s("x", "y"), m = T.dmatrix("m");
  // np.tensordot(x, y, [[0, 1], [1, 0]])
  close(T.function([x, y], T.tensordot(x, y, [[0, 1], [1, 0]]))(xv, yv), [
    [1, 3, -7, -1, 1],
    [-3, -4, 3, 2, -3],
    [3, -1, 3, -5, 3],
    [4, -3, -2, 3, 4],
  ]);
  // np.tensordot(x, np.arange(8).reshape(4,2) * 1.0, [[-1], [0]])
  close(T.function([x, m], T.tensordot(x, m, [[-1], [0]]))(xv, val((i) => i, [4, 2])), [
    [[4, 2], [-8, -9], [-10, -10]],
    [[-2, -1], [16, 18], [4, 2]],
  ]);
  // np.tensordot(np.arange(6).reshape(2,3) * 1.0, np.arange(12).reshape(2,3,2) * 1.0, 2) -> [110, 125]
  close(T.function([m, y], T.tensordot(m, y))(val((i) => i, [2, 3]), val((i) => i, [2, 3, 2])), [110, 125]);
  // axes=0 is the outer product; the same axis given as numbers works
  const [u, w] = T.dvectors("u", "w");
  close(T.function([u, w], T.tensordot(u, w, 0))([1, 2], [3, 4, 5]), [[3, 4, 5], [6, 8, 10]]);
  close(T.function([u, w], T.tensordot(u, w, [0, 0]))([1, 2], [3, 4]), 11);
});

Deno.test("tensordot() gradients pass verifyGrad in float64 and float32", () => {
  const t3 = (a: number, b: number, c: number) => [...Array(a)].map(() => randMat(b, c));
  const cases: [unknown, unknown, TensordotAxes][] = [
    [t3(2, 3, 2), t3(2, 2, 3), [[0, 2], [1, 0]]],
    [t3(2, 3, 4), randMat(4, 2), 1],
    [randMat(3, 2), t3(3, 2, 2), 2],
    [randVec(3), randMat(2, 2), 0],
    [t3(2, 3, 2), t3(3, 2, 2), [[1, 0], [0, 2]]],
  ];
  for (const [x, y, axes] of cases) {
    T.verifyGrad((a, b) => T.tensordot(a, b, axes), [x as M, y as M]);
    T.verifyGrad((a, b) => T.tensordot(a, b, axes), [x as M, y as M], F32);
  }
});

Deno.test("tensordot() rejects bad axes and mismatched lengths", () => {
  const a = new T.TensorType("float64", [2, 3]).make("a"), b = new T.TensorType("float64", [3, 4]).make("b");
  assert.deepEqual(T.tensordot(a, b, 1).staticShape, [2, 4]);
  assert.throws(() => T.tensordot(a, b, 3), T.HypatiaTypeError);
  assert.throws(() => T.tensordot(a, b, [[0], [0]]), /tensordot.*"a".*"b"/);
  assert.throws(() => T.tensordot(a, b, [[1, 0], [0]]), T.HypatiaTypeError);
  assert.throws(() => T.tensordot(a, b, [[2], [0]]), T.HypatiaTypeError);
  assert.throws(() => T.tensordot(a, b, [[1, 1], [0, 0]]), T.HypatiaTypeError);
  const [x, y] = T.dmatrices("x", "y");
  const f = T.function([x, y], T.tensordot(x, y, [[1], [0]]));
  assert.throws(
    () => f([[1, 2]], [[1, 2]]),
    (e: Error) => e instanceof T.ShapeError && /tensordot/.test(e.message),
  );
});
