import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { tensordotOp, type TensordotParams } from "../../ops/tensordot.ts";
import { buildHostProgram, hostEngines } from "../../compile/schedule.ts";
import { gemm, gemv } from "./matmul.ts";
import type { MatrixView } from "../kernel.ts";
import { batchedDotKernel, dotKernel, matrixView, outerKernel, tensordotKernel } from "./matmul_kernels.ts";
import { BufferPool } from "./pool.ts";

/** The host engines' kernel for a node (wasm in front of JS), as a compiled function gets it. */
const cpuKernelFor = (node: Apply) => hostEngines.kernel(node, buildHostProgram);

const rng = seededRandom(11);
const SIZES = [1, 3, 17, 65, 130];

function random(dtype: T.DType, shape: number[]): NDArray {
  const x = new NDArray(dtype, shape);
  const ints = dtype !== "float32" && dtype !== "float64";
  for (let i = 0; i < x.size; i++) x.data[i] = ints ? Math.floor(rng() * 7) - 3 : rng() * 2 - 1;
  return x;
}

function typeOf(x: NDArray, name: string) {
  return new T.TensorType(x.dtype, x.shape.map(() => null)).make(name);
}

/** The pure-JS kernels under test (the kernel table may put a WebAssembly one in front). */
const JS_KERNELS: Record<string, (node: Apply) => ((v: NDArray[]) => NDArray[]) | undefined> = {
  dot: dotKernel,
  batched_dot: batchedDotKernel,
  tensordot: tensordotKernel,
};

/** The JS kernel's result and the reference perform's, for one node. */
function both(node: Apply, values: NDArray[]): [NDArray, NDArray] {
  const fast = JS_KERNELS[node.op.name](node);
  assert.ok(fast, `${node.op.name} has a JS kernel for ${node.outputs[0].dtype}`);
  return [fast(values)[0], node.op.perform!(values, node.params as never, node)[0]];
}

function assertSame(actual: NDArray, expected: NDArray, what: string) {
  assert.equal(actual.dtype, expected.dtype, what);
  assert.deepEqual(actual.shape, expected.shape, what);
  const tol = actual.dtype === "float32" ? 1e-5 : 1e-12;
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i], e = expected.data[i];
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      assert.fail(`${what}: element ${i} is ${a}, reference ${e}`);
    }
  }
}

Deno.test("dot kernel matches the reference perform for odd sizes in float64 and float32", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const n of SIZES) {
      for (const k of SIZES) {
        for (const m of [1, 3, 17, 130]) {
          const a = random(dtype, [n, k]), b = random(dtype, [k, m]);
          const node = dotOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
          const [fast, ref] = both(node, [a, b]);
          assertSame(fast, ref, `${dtype} (${n}, ${k})·(${k}, ${m})`);
        }
      }
    }
  }
});

Deno.test("dot kernel handles vectors, blocks past every cache-block edge and mixed float dtypes", () => {
  const cases: [T.DType, number[], T.DType, number[]][] = [
    ["float64", [65], "float64", [65, 17]],
    ["float32", [130, 65], "float32", [65]],
    ["float64", [17], "float64", [17]],
    ["float64", [17, 300], "float64", [300, 19]], // depth past one packed panel
    ["float32", [8, 8], "float32", [8, 1030]], // columns past one packed block of B
    ["float64", [200, 9], "float64", [9, 7]], // rows past one packed block of A
    ["float32", [33, 40], "float64", [40, 35]],
  ];
  for (const [da, sa, db, sb] of cases) {
    const a = random(da, sa), b = random(db, sb);
    const node = dotOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
    const [fast, ref] = both(node, [a, b]);
    assertSame(fast, ref, `(${sa})·(${sb})`);
  }
});

Deno.test("dot kernel declines integer dtypes, which run the reference loops", () => {
  for (const dtype of ["int32", "int8", "int64", "bool"] as const) {
    const a = random(dtype, [3, 4]), b = random(dtype, [4, 2]);
    const node = dotOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
    assert.equal(dotKernel(node), undefined);
    assert.equal(cpuKernelFor(node), undefined, "the kernel table runs the reference for ints");
  }
  const [a, b] = T.imatrices("a", "b");
  const r = T.function([a, b], T.dot(a, b))([[1, 2], [3, 4]], [[5, 6], [7, 8]]);
  assert.deepEqual(r.toArray(), [[19, 22], [43, 50]]);
});

Deno.test("dot kernel raises the reference's ShapeError on mismatched inner lengths", () => {
  const a = random("float64", [2, 3]), b = random("float64", [4, 2]);
  const node = dotOp.make([typeOf(a, "left"), typeOf(b, "right")], null);
  for (const kernel of [dotKernel(node)!, cpuKernelFor(node)!]) {
    assert.throws(
      () => kernel([a, b]),
      (e: Error) => e instanceof T.ShapeError && /"left".*"right"/.test(e.message),
    );
  }
});

Deno.test("batched_dot kernel matches the reference perform for every rank pair", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const [bt, n, k, m] of [[4, 2, 3, 2], [3, 17, 65, 3], [2, 65, 33, 40], [5, 1, 7, 1]]) {
      const shapes: [number[], number[]][] = [
        [[bt, n, k], [bt, k, m]],
        [[bt, k], [bt, k]],
        [[bt, n, k], [bt, k]],
        [[bt, k], [bt, k, m]],
      ];
      for (const [sa, sb] of shapes) {
        const a = random(dtype, sa), b = random(dtype, sb);
        const node = batchedDotOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
        const [fast, ref] = both(node, [a, b]);
        assertSame(fast, ref, `${dtype} batched (${sa})·(${sb})`);
      }
    }
  }
});

Deno.test("tensordot kernel matches the reference, with and without copying operands", () => {
  const cases: [number[], number[], TensordotParams][] = [
    [[3, 4, 5], [4, 5, 6], { axesA: [1, 2], axesB: [0, 1] }], // plain views
    [[17, 3], [17, 20], { axesA: [0], axesB: [0] }], // aᵀ·b as a strided view
    [[5, 6, 7], [7, 6, 2], { axesA: [1, 2], axesB: [1, 0] }], // needs a copy of b
    [[4, 3, 5], [3, 6], { axesA: [1], axesB: [0] }], // needs a copy of a
    [[6], [5], { axesA: [], axesB: [] }], // outer product
    [[65, 2, 3], [3, 2, 17], { axesA: [2, 1], axesB: [0, 1] }],
  ];
  for (const dtype of ["float64", "float32"] as const) {
    for (const [sa, sb, params] of cases) {
      const a = random(dtype, sa), b = random(dtype, sb);
      const node = tensordotOp.make([typeOf(a, "a"), typeOf(b, "b")], params);
      const [fast, ref] = both(node, [a, b]);
      assertSame(fast, ref, `${dtype} tensordot (${sa}) (${sb}) ${JSON.stringify(params)}`);
    }
  }
  assert.ok(matrixView(random("float64", [17, 3]), [1, 0], 1));
  assert.equal(matrixView(random("float64", [5, 6, 7]), [0, 2, 1], 1), undefined);
});

Deno.test("gemm and gemv read transposed and offset operands through strides", () => {
  const naive = (m: number, n: number, k: number, a: MatrixView, b: MatrixView) => {
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a.data[a.offset + i * a.rowStride + p * a.colStride] *
            b.data[b.offset + p * b.rowStride + j * b.colStride];
        }
        c[i * n + j] = s;
      }
    }
    return c;
  };
  for (const [m, n, k] of [[65, 17, 130], [3, 130, 65], [130, 1, 17], [1, 65, 3]]) {
    const ad = random("float64", [m * k + 5]).data as Float64Array;
    const bd = random("float32", [k * n + 2]).data as Float32Array;
    // A stored transposed (k × m) from offset 5, B row-major from offset 2.
    const a: MatrixView = { data: ad, offset: 5, rowStride: 1, colStride: m };
    const b: MatrixView = { data: bd, offset: 2, rowStride: n, colStride: 1 };
    const c = new Float64Array(m * n + 3).fill(NaN);
    gemm(m, n, k, a, b, c, 3);
    const expected = naive(m, n, k, a, b);
    for (let i = 0; i < m * n; i++) {
      assert.ok(Math.abs(c[3 + i] - expected[i]) < 1e-12, `(${m},${n},${k}) ${i}`);
    }
    assert.ok(Number.isNaN(c[0]), "gemm writes nothing before its offset");
    const y = new Float64Array(m);
    gemv(m, k, a, { data: bd, offset: 2, stride: n }, y);
    const ey = naive(m, 1, k, a, { data: bd, offset: 2, rowStride: n, colStride: 1 });
    for (let i = 0; i < m; i++) assert.ok(Math.abs(y[i] - ey[i]) < 1e-12);
  }
});

Deno.test("dot through a compiled function (kernel table) matches float64 loops", () => {
  const [a, b] = T.fmatrices("a", "b");
  const f = T.function([a, b], T.dot(a, b.T));
  const av = random("float32", [65, 17]), bv = random("float32", [130, 17]);
  const r = f(av, bv);
  assert.deepEqual(r.shape, [65, 130]);
  for (let i = 0; i < 65; i += 16) {
    for (let j = 0; j < 130; j += 13) {
      let s = 0;
      for (let p = 0; p < 17; p++) s += av.data[i * 17 + p] * bv.data[j * 17 + p];
      assert.ok(Math.abs(r.data[i * 130 + j] - s) < 1e-5);
    }
  }
});

Deno.test("dot kernel propagates NaN and Infinity as the reference does (no skipped zeros)", () => {
  for (const [sa, sb] of [[[5, 40], [40]], [[40], [40, 5]], [[40, 40], [40, 40]], [[3, 2], [2, 3]]]) {
    const a = random("float64", sa), b = random("float64", sb);
    const k = sb[0], cols = sb.length === 2 ? sb[1] : 1;
    a.data[1] = 0; // a(0, 1) = 0 ...
    b.data[1 * cols] = NaN; // ... against b(1, 0) = NaN: 0 · NaN is NaN
    b.data[(k - 1) * cols + cols - 1] = Infinity;
    const node = dotOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
    const [fast, ref] = both(node, [a, b]);
    assert.ok(Number.isNaN(ref.data[0]), "the case has a NaN to propagate");
    for (let i = 0; i < ref.size; i++) {
      const [f, r] = [fast.data[i], ref.data[i]];
      assert.ok(Number.isNaN(r) ? Number.isNaN(f) : f === r || Math.abs(f - r) <= 1e-12 * (1 + Math.abs(r)));
    }
  }
});

Deno.test("outer kernel: the reference rule's values bit for bit, into a pooled buffer holding stale values", () => {
  const pool = new BufferPool();
  for (const [da, db] of [["float64", "float64"], ["float32", "float32"], ["float32", "float64"]] as const) {
    for (const [n, m] of [[1, 1], [3, 17], [64, 64], [65, 2]]) {
      const a = random(da, [n]), b = random(db, [m]);
      a.data[0] = NaN;
      const node = outerOp.make([typeOf(a, "a"), typeOf(b, "b")], null);
      const kernel = outerKernel(node)!;
      const [ref] = outerOp.perform!([a, b], null, node);
      const stale = pool.take(ref.dtype, n * m);
      stale.fill(7);
      pool.give(stale);
      const [fast] = kernel([a, b], pool);
      assert.equal(fast.data, stale, "the pool's buffer is used");
      assert.equal(fast.dtype, ref.dtype);
      assert.deepEqual(fast.shape, [n, m]);
      assert.deepEqual([...fast.data], [...ref.data]);
      assert.deepEqual([...kernel([a, b])[0].data], [...ref.data]); // no pool: a fresh array
    }
  }
  const ints = outerOp.make([T.ivector("a"), T.ivector("b")], null);
  assert.equal(outerKernel(ints), undefined, "integer outer products stay with the reference rule");
});
