/**
 * The LAPACK factorisation kernels against the ops' reference `perform`, in float64 and
 * float32, on single matrices and stacks, and their hand-overs to the next engine: a
 * singular or non-positive-definite matrix, a zero on a triangular diagonal, NaN input
 * and empty matrices run the reference, so its errors come word for word. eigh's and
 * svd's vectors are compared up to each column's sign (the reference leaves signs free);
 * qr's factors are compared as they are (both follow LAPACK's Householder signs). Where
 * no BLAS opened (no library or LAPACK, no --allow-ffi) every kernel is the reference.
 */
import assert from "node:assert/strict";
import { seededRandom } from "../../compile/verify_grad.ts";
import { config } from "../../core/config.ts";
import type { DType } from "../../core/dtype.ts";
import { type Apply, type Op, TensorType } from "../../core/graph.ts";
import { NDArray } from "../../core/ndarray.ts";
import * as T from "../../mod.ts";
import { eighOp, qrOp, svdOp } from "../../ops/linalg/decomp.ts";
import { choleskyOp, detOp, matrixInverseOp, solveOp, solveTriangularOp } from "../../ops/linalg/nlinalg.ts";
import type { Kernel } from "../kernel.ts";
import {
  lapackCholeskyKernel,
  lapackDetKernel,
  lapackEighKernel,
  lapackInverseKernel,
  lapackQrKernel,
  lapackSolveKernel,
  lapackStats,
  lapackSvdKernel,
  lapackTriangularKernel,
  SMALL_ORDER,
} from "./factor_kernels.ts";
import { blasStatus } from "./library.ts";

const on = blasStatus().blas?.lapack !== undefined;
const rng = seededRandom(29);
const FLOATS = ["float64", "float32"] as const;
/** Relative tolerance per dtype: LAPACK's float32 routines work in float32, the reference in float64. */
const TOL: Record<string, number> = { float64: 1e-9, float32: 2e-3 };

type Factory = (node: Apply, fallback: Kernel) => Kernel;

function random(dtype: DType, shape: number[], f = () => rng() * 2 - 1): NDArray {
  const x = new NDArray(dtype, shape);
  for (let i = 0; i < x.size; i++) x.data[i] = f();
  return x;
}

/** A stack of well-conditioned matrices: I·n/2 plus noise. */
function wellConditioned(dtype: DType, shape: number[]): NDArray {
  const x = random(dtype, shape), n = shape[shape.length - 1];
  for (let i = 0; i < x.size; i++) if (((i % (n * n)) % (n + 1)) === 0) x.data[i] += n / 2;
  return x;
}

/** Symmetric positive definite matrices (only the lower triangle is meaningful: the upper holds noise). */
function spd(dtype: DType, shape: number[]): NDArray {
  const x = wellConditioned(dtype, shape), n = shape[shape.length - 1], out = new NDArray(dtype, shape);
  for (let s = 0; s < x.size; s += n * n) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        out.data[s + i * n + j] = x.data[s + i * n + j] + x.data[s + j * n + i] + n;
      }
      for (let j = i + 1; j < n; j++) out.data[s + i * n + j] = 1e3 * rng(); // never read
    }
    for (let i = 0; i < n; i++) out.data[s + i * n + i] += 2 * n * n;
  }
  return out;
}

/** Symmetric matrices with spread eigenvalues (lower triangle; the upper holds noise, never read). */
function symmetric(dtype: DType, shape: number[]): NDArray {
  const x = random(dtype, shape), n = shape[shape.length - 1];
  for (let s = 0; s < x.size; s += n * n) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) x.data[s + i * n + j] = 1e3 * rng();
  }
  return x;
}

function nodeOf<P>(op: Op<P>, dtype: DType, ranks: number[], params: P): Apply {
  return op.make(ranks.map((r) => new TensorType(dtype, new Array(r).fill(null)).make()), params);
}

/** The reference rule as a kernel, counting its calls. */
function referenceOf(node: Apply): Kernel & { calls: number } {
  const k = Object.assign((vals: NDArray[]) => {
    k.calls++;
    return node.op.perform!(vals, node.params, node);
  }, { calls: 0 });
  return k;
}

function close(got: NDArray, want: NDArray, tol: number, what: string) {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  let scale = 1;
  for (let i = 0; i < want.size; i++) scale = Math.max(scale, Math.abs(want.data[i] as number));
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i] as number, w = want.data[i] as number;
    assert.ok(Math.abs(g - w) <= tol * scale, `${what}[${i}]: ${g}, expected ${w}`);
  }
}

/** `x` (..., r, c) with each column's sign chosen so that its largest entry is positive. */
function signFixed(x: NDArray, byRows = false): NDArray {
  const [r, c] = x.shape.slice(-2), out = new NDArray("float64", x.shape);
  const get = (s: number, i: number, j: number) => x.data[s + (byRows ? j * c + i : i * c + j)] as number;
  const [len, count] = byRows ? [c, r] : [r, c];
  for (let s = 0; s < x.size; s += r * c) {
    for (let j = 0; j < count; j++) {
      let big = 0;
      for (let i = 0; i < len; i++) if (Math.abs(get(s, i, j)) > Math.abs(big)) big = get(s, i, j);
      for (let i = 0; i < len; i++) {
        const at = s + (byRows ? j * c + i : i * c + j);
        out.data[at] = (big < 0 ? -1 : 1) * get(s, i, j);
      }
    }
  }
  return out;
}

/** The leading r×c block of each matrix of the stack `x`. */
function leading(x: NDArray, r: number, c: number): NDArray {
  const [R, C] = x.shape.slice(-2), count = x.size / (R * C);
  const out = new NDArray(x.dtype, [...x.shape.slice(0, -2), r, c]);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) out.data[(s * r + i) * c + j] = x.data[s * R * C + i * C + j];
    }
  }
  return out;
}

/**
 * Run the LAPACK kernel of `node` and the reference on `vals`; returns both results.
 * With LAPACK open the kernel must not have called the reference.
 */
function both(make: Factory, node: Apply, vals: NDArray[], what: string): [NDArray[], NDArray[]] {
  const ref = referenceOf(node), kernel = make(node, ref);
  assert.equal(kernel === ref, !on, `${what}: the kernel is LAPACK's exactly when the library has LAPACK`);
  const got = kernel(vals);
  assert.equal(ref.calls, on ? 0 : 1, `${what}: LAPACK ran it`);
  return [got, node.op.perform!(vals, node.params, node)];
}

Deno.test("lapack inverse, det and solve: matrices, stacks and blocked sizes against perform", () => {
  for (const dtype of FLOATS) {
    const tol = TOL[dtype];
    for (const shape of [[16, 16], [3, 17, 17], [2, 2, 16, 16], [90, 90]]) {
      const a = wellConditioned(dtype, shape), what = `${dtype} (${shape})`;
      const [inv, invRef] = both(lapackInverseKernel, nodeOf(matrixInverseOp, dtype, [shape.length], null), [
        a,
      ], what);
      close(inv[0], invRef[0], tol, `inv ${what}`);
      const [det, detRef] = both(lapackDetKernel, nodeOf(detOp, dtype, [shape.length], null), [a], what);
      // A determinant's scale grows as (n/2)ⁿ: compare relative to each value.
      for (let i = 0; i < detRef[0].size; i++) {
        const g = det[0].data[i] as number, w = detRef[0].data[i] as number;
        const ok = Number.isFinite(w) ? Math.abs(g - w) <= tol * Math.abs(w) : g === w; // float32 overflows at n = 90
        assert.ok(ok, `det ${what}[${i}]: ${g}, expected ${w}`);
      }
      const n = shape[shape.length - 1], lead = shape.slice(0, -2);
      for (const bShape of [[...lead, n], [...lead, n, 1], [...lead, n, 3]]) {
        const b = random(dtype, bShape), node = nodeOf(solveOp, dtype, [shape.length, bShape.length], null);
        const [x, xRef] = both(lapackSolveKernel, node, [a, b], `${what} b (${bShape})`);
        close(x[0], xRef[0], tol, `solve ${what} b (${bShape})`);
      }
    }
  }
});

Deno.test("lapack solve_triangular: lower, upper, unit diagonal, vectors, matrices and stacks; the other triangle is not read", () => {
  for (const dtype of FLOATS) {
    for (const [lower, unitDiagonal] of [[true, false], [false, false], [true, true], [false, true]]) {
      for (const [aShape, bShape] of [[[16, 16], [16]], [[20, 20], [20, 4]], [[2, 40, 40], [2, 40, 3]]]) {
        const a = wellConditioned(dtype, aShape), b = random(dtype, bShape);
        const node = nodeOf(solveTriangularOp, dtype, [aShape.length, bShape.length], {
          lower,
          unitDiagonal,
        });
        const what = `${dtype} lower=${lower} unit=${unitDiagonal} (${aShape}) b (${bShape})`;
        const [x, xRef] = both(lapackTriangularKernel, node, [a, b], what);
        close(x[0], xRef[0], unitDiagonal ? 10 * TOL[dtype] : TOL[dtype], what);
      }
    }
  }
});

Deno.test("lapack cholesky: the lower factor from the lower triangle, matrices and stacks", () => {
  for (const dtype of FLOATS) {
    for (const shape of [[16, 16], [3, 19, 19], [100, 100]]) {
      const a = spd(dtype, shape), what = `${dtype} (${shape})`;
      const [l, lRef] = both(
        lapackCholeskyKernel,
        nodeOf(choleskyOp, dtype, [shape.length], null),
        [a],
        what,
      );
      close(l[0], lRef[0], TOL[dtype], `cholesky ${what}`);
    }
  }
});

Deno.test("lapack eigh: ascending eigenvalues and eigenvectors up to sign, from the lower triangle", () => {
  for (const dtype of FLOATS) {
    for (const shape of [[16, 16], [2, 3, 17, 17], [80, 80]]) {
      const a = symmetric(dtype, shape), what = `${dtype} (${shape})`;
      const [[w, v], [wRef, vRef]] = both(
        lapackEighKernel,
        nodeOf(eighOp, dtype, [shape.length], null),
        [a],
        what,
      );
      close(w, wRef, TOL[dtype], `eigh w ${what}`);
      close(signFixed(v), signFixed(vRef), dtype === "float32" ? 2e-2 : 1e-7, `eigh v ${what}`);
    }
  }
});

Deno.test("lapack svd: full and thin, tall, wide and stacked; singular vectors up to sign", () => {
  for (const dtype of FLOATS) {
    for (const fullMatrices of [true, false]) {
      for (const shape of [[30, 16], [16, 30], [20, 20], [3, 24, 17], [60, 50]]) {
        const a = random(dtype, shape), what = `${dtype} full=${fullMatrices} (${shape})`;
        const node = nodeOf(svdOp, dtype, [shape.length], { fullMatrices });
        const [[u, s, vt], [uRef, sRef, vtRef]] = both(lapackSvdKernel, node, [a], what);
        close(s, sRef, TOL[dtype], `s ${what}`);
        assert.deepEqual(u.shape, uRef.shape, `U's shape ${what}`);
        assert.deepEqual(vt.shape, vtRef.shape, `Vt's shape ${what}`);
        // The first k columns of U and rows of Vt match up to sign (each pair flips together);
        // the completing ones of full matrices are any orthonormal basis: check U Uᵀ = I, Vt Vtᵀ = I.
        const k = Math.min(...shape.slice(-2));
        const first = (x: NDArray, rows: boolean) =>
          leading(x, rows ? k : x.shape.at(-2)!, rows ? x.shape.at(-1)! : k);
        const f32 = dtype === "float32";
        close(signFixed(first(u, false)), signFixed(first(uRef, false)), f32 ? 2e-2 : 1e-7, `U ${what}`);
        close(
          signFixed(first(vt, true), true),
          signFixed(first(vtRef, true), true),
          f32 ? 2e-2 : 1e-7,
          `Vt ${what}`,
        );
        const eyeCheck = (x: NDArray, name: string) => {
          const [r, c] = x.shape.slice(-2);
          for (let st = 0; st < x.size; st += r * c) {
            for (let i = 0; i < r; i++) {
              for (let j = 0; j < r; j++) {
                let d = 0;
                for (let t = 0; t < c; t++) {
                  d += (x.data[st + i * c + t] as number) * (x.data[st + j * c + t] as number);
                }
                assert.ok(
                  Math.abs(d - (i === j ? 1 : 0)) < (f32 ? 1e-4 : 1e-12),
                  `${name} ${what}: row dot ${d}`,
                );
              }
            }
          }
        };
        if (fullMatrices) eyeCheck(u, "U"), eyeCheck(vt, "Vt");
      }
    }
  }
});

Deno.test("lapack qr: reduced and complete, tall, wide and stacked, with the reference's (NumPy's) signs", () => {
  for (const dtype of FLOATS) {
    for (const complete of [false, true]) {
      for (const shape of [[30, 16], [16, 30], [20, 20], [2, 24, 17], [70, 40]]) {
        const a = random(dtype, shape), what = `${dtype} complete=${complete} (${shape})`;
        const node = nodeOf(qrOp, dtype, [shape.length], { complete });
        const [[q, r], [qRef, rRef]] = both(lapackQrKernel, node, [a], what);
        close(q, qRef, TOL[dtype], `Q ${what}`);
        close(r, rRef, TOL[dtype], `R ${what}`);
      }
    }
  }
});

/** The message `kernel` throws on `vals`. */
function messageOf(kernel: Kernel, vals: NDArray[], what = ""): string {
  try {
    kernel(vals);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`${what}: no error`);
}

Deno.test("lapack: singular, non-positive-definite and zero-diagonal input raise the reference's errors word for word", () => {
  for (const dtype of FLOATS) {
    const a = wellConditioned(dtype, [2, 16, 16]);
    // Column 3 of matrix 1 is zero: a zero pivot in any LU with partial pivoting, blocked or not
    // (equal rows are exactly singular to the unblocked reference, not to OpenBLAS's recursive LU).
    for (let i = 0; i < 16; i++) a.data[256 + i * 16 + 3] = 0;
    const b = random(dtype, [2, 16]);
    const spdStack = spd(dtype, [2, 16, 16]);
    spdStack.data[256 + 17] = -50; // matrix 1's second leading minor is negative
    const tri = wellConditioned(dtype, [16, 16]);
    tri.data[2 * 16 + 2] = 0;
    const cases: [string, Factory, Apply, NDArray[]][] = [
      ["inverse", lapackInverseKernel, nodeOf(matrixInverseOp, dtype, [3], null), [a]],
      ["solve", lapackSolveKernel, nodeOf(solveOp, dtype, [3, 2], null), [a, b]],
      ["cholesky", lapackCholeskyKernel, nodeOf(choleskyOp, dtype, [3], null), [spdStack]],
      [
        "triangular",
        lapackTriangularKernel,
        nodeOf(solveTriangularOp, dtype, [2, 1], { lower: true, unitDiagonal: false }),
        [tri, random(dtype, [16])],
      ],
    ];
    for (const [name, make, node, vals] of cases) {
      const ref = referenceOf(node), before = lapackStats.handedOn;
      const want = messageOf(ref, vals, `${dtype} ${name}`);
      assert.equal(messageOf(make(node, ref), vals, `${dtype} ${name} (LAPACK)`), want, `${dtype} ${name}`);
      assert.equal(lapackStats.handedOn - before, on ? 1 : 0, `${dtype} ${name}: handed to the next engine`);
      assert.match(want, /singular|positive definite/);
    }
    // The determinant of the singular stack entry is 0, from LAPACK's own factors.
    const [det] = both(lapackDetKernel, nodeOf(detOp, dtype, [3], null), [a], `${dtype} singular det`)[0];
    assert.equal(det.data[1], 0);
  }
});

Deno.test("lapack: NaN and ±inf input, empty matrices and shape errors go to the reference", () => {
  const node = nodeOf(eighOp, "float64", [2], null), ref = referenceOf(node);
  const kernel = lapackEighKernel(node, ref);
  const nan = spd("float64", [16, 16]);
  nan.data[5 * 16 + 1] = NaN; // in the lower triangle, which eigh reads
  const [w] = kernel([nan]);
  assert.ok(Array.from(w.data).every(Number.isNaN), "the reference's NaN eigenvalues");
  assert.equal(ref.calls, 1);
  const inv = nodeOf(matrixInverseOp, "float64", [2], null), invRef = referenceOf(inv);
  const invKernel = lapackInverseKernel(inv, invRef);
  assert.deepEqual(invKernel([new NDArray("float64", [0, 0])])[0].shape, [0, 0]);
  const notSquare = random("float64", [3, 4]);
  assert.equal(messageOf(invKernel, [notSquare]), messageOf(invRef, [notSquare]));
  assert.equal(invRef.calls, 3); // the empty case, the non-square one and the reference's own run
});

Deno.test("lapack: matrices under SMALL_ORDER go to the next engine, which is faster there", () => {
  for (
    const [make, node, vals] of [
      [lapackInverseKernel, nodeOf(matrixInverseOp, "float64", [3], null), [
        wellConditioned("float64", [9, 15, 15]),
      ]],
      [lapackSvdKernel, nodeOf(svdOp, "float64", [2], { fullMatrices: false }), [
        random("float64", [80, 15]),
      ]],
      [lapackQrKernel, nodeOf(qrOp, "float64", [2], { complete: false }), [random("float64", [1, 1])]],
    ] as [Factory, Apply, NDArray[]][]
  ) {
    const ref = referenceOf(node), before = lapackStats.handedOn;
    make(node, ref)(vals);
    assert.equal(ref.calls, 1);
    assert.equal(lapackStats.handedOn - before, on ? 1 : 0);
  }
  assert.equal(SMALL_ORDER, 16);
});

Deno.test("lapack: integer and mixed dtypes, and config.blas off, keep the next engine's kernel", () => {
  const ref = (node: Apply) => referenceOf(node);
  const ints = nodeOf(matrixInverseOp, "int32", [2], null);
  const r1 = ref(ints);
  assert.equal(lapackInverseKernel(ints, r1), r1, "int32 input (float64 output)");
  const mixed = solveOp.make([T.dmatrix(), T.fvector()], null);
  const r2 = ref(mixed);
  assert.equal(lapackSolveKernel(mixed, r2), r2, "float64 a, float32 b");
  const saved = config.blas;
  try {
    config.blas = false;
    const node = nodeOf(choleskyOp, "float64", [2], null), r3 = ref(node);
    assert.equal(lapackCholeskyKernel(node, r3), r3, "config.blas off");
  } finally {
    config.blas = saved;
  }
});

Deno.test("lapack: a compiled function runs its factorisations on LAPACK when the engine is on", () => {
  const a = T.dmatrix("a"), b = T.dvector("b");
  const f = T.function([a, b], [T.solve(a, b), T.det(a)]);
  const before = lapackStats.matrices;
  const twos = Array.from({ length: 16 }, (_, i) => Array.from({ length: 16 }, (_, j) => (i === j ? 2 : 0)));
  const [x, d] = f(twos, new Array(16).fill(1));
  assert.deepEqual(Array.from(x.data), new Array(16).fill(0.5));
  assert.equal(d.item(), 2 ** 16);
  assert.equal(lapackStats.matrices - before, on && T.engineReport().cpu.includes("blas") ? 2 : 0);
});

Deno.test("lapack: gradients through the LAPACK kernels (verifyGrad, float64, 16×16 and 20×16)", () => {
  const sq = (x: NDArray) => T.asarray(x.data as Float64Array).reshape(x.shape);
  const a = sq(wellConditioned("float64", [16, 16])), w = sq(random("float64", [20, 16]));
  const s0 = random("float64", [16, 16]),
    s = new NDArray("float64", [16, 16]),
    p = new NDArray("float64", [16, 16]);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      s.data[i * 16 + j] = (s0.data[i * 16 + j] as number) + (s0.data[j * 16 + i] as number) +
        (i === j ? i : 0);
      p.data[i * 16 + j] = s.data[i * 16 + j] + (i === j ? 40 : 0);
    }
  }
  const b = T.asarray(random("float64", [16]).data as Float64Array);
  const before = lapackStats.matrices;
  T.verifyGrad((x) => T.matrixInverse(x), [a]);
  T.verifyGrad((x) => T.det(x), [a]);
  T.verifyGrad((x, y) => T.solve(x, y), [a, b]);
  T.verifyGrad((x, y) => T.solveLowerTriangular(x, y), [a, b]);
  T.verifyGrad((x) => T.cholesky(x), [p]);
  T.verifyGrad(T.eigvalsh, [s]);
  T.verifyGrad((x) => {
    const [e, v] = T.eigh(x);
    return T.add(T.dot(T.mul(v, T.dimshuffle(e, "x", 0)), T.transpose(v)), T.sqr(v));
  }, [s]);
  T.verifyGrad((x) => {
    const [q, r] = T.qr(x) as T.Variable[];
    return T.add(T.sum(q, 1), T.sum(r));
  }, [w]);
  T.verifyGrad((x) => {
    const [u, sv, vt] = T.svd(x, { fullMatrices: false }) as T.Variable[];
    return T.add(
      T.dot(T.mul(u, T.dimshuffle(T.sqr(sv), "x", 0)), vt),
      T.sum(T.sqr(u)),
      T.sum(T.mul(vt, vt), 0),
    );
  }, [w]);
  const ran = lapackStats.matrices - before;
  assert.ok(on && T.engineReport().cpu.includes("blas") ? ran > 0 : ran === 0, `LAPACK ran ${ran} matrices`);
});
