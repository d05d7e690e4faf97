/**
 * The BLAS engine's kernels against the ops' reference `perform`, on every path: GEMM,
 * both GEMVs, transposed and copied tensordot operands, batches, empty dimensions,
 * inputs and outputs in the wasm engine's memory, and the fallbacks. Where no BLAS
 * opened (no library, no --allow-ffi, HYPATIA_BLAS=none) the same tests check that
 * every kernel is the next engine's, and the report says why.
 */
import assert from "node:assert/strict";
import { seededRandom } from "../../compile/verify_grad.ts";
import { config } from "../../core/config.ts";
import type { DType } from "../../core/dtype.ts";
import { type Apply, type Op, TensorType } from "../../core/graph.ts";
import { NDArray } from "../../core/ndarray.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { BufferPool } from "../cpu/pool.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import * as T from "../../mod.ts";
import { engineArray, engineCanKeep, engineOffset } from "../wasm/engine_array.ts";
import { arena } from "../wasm/memory.ts";
import type { BufferSource, Kernel } from "../kernel.ts";
import { blasStatus } from "./library.ts";
import {
  blasBatchedDotKernel,
  blasDotKernel,
  blasOuterKernel,
  blasStats,
  blasTensordotKernel,
  SMALL_PRODUCT,
} from "./kernels.ts";

const rng = seededRandom(17);
const on = blasStatus().blas !== undefined;
const FLOATS = ["float32", "float64"] as const;

/** Small integers: every product and sum here is exact in float32 and float64 alike. */
function ints(dtype: DType, shape: number[]): NDArray {
  const x = new NDArray(dtype, shape);
  for (let i = 0; i < x.size; i++) x.data[i] = Math.floor(rng() * 7) - 3;
  return x;
}

/** A node of `op` over inputs of `shapes`' ranks. */
function nodeOf<P>(op: Op<P>, dtype: DType, ranks: number[], params: P): Apply {
  const vars = ranks.map((r) => new TensorType(dtype, new Array(r).fill(null)).make());
  return op.make(vars, params);
}

/** The reference rule as a kernel, counting its calls. */
function referenceOf(node: Apply): Kernel & { calls: number } {
  const k = Object.assign((vals: NDArray[]) => {
    k.calls++;
    return node.op.perform!(vals, node.params, node);
  }, { calls: 0 });
  return k;
}

function same(got: NDArray, want: NDArray, what: string) {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(Array.from(got.data), Array.from(want.data), `${what}: values`);
}

/**
 * Run the BLAS kernel of `node` on `vals` against the reference; when BLAS is open and
 * the product is not tiny, the reference must not have been called by the kernel.
 */
function check(
  make: (node: Apply, fallback: Kernel) => Kernel,
  node: Apply,
  vals: NDArray[],
  work: number,
  what: string,
  pool?: BufferSource,
) {
  const ref = referenceOf(node);
  const kernel = make(node, ref);
  assert.equal(kernel === ref, !on, `${what}: the kernel is BLAS's exactly when a BLAS opened`);
  const [got] = kernel(vals, pool);
  const usedReference = ref.calls;
  same(got, ref(vals)[0], what);
  assert.equal(usedReference, !on || work < SMALL_PRODUCT ? 1 : 0, `${what}: which engine ran`);
}

Deno.test("blas dot: GEMM, both GEMVs and the vector dot, in float32 and float64, against perform", () => {
  for (const dtype of FLOATS) {
    const cases: [number[], number[]][] = [
      [[70, 90], [90, 50]], // GEMM
      [[1, 300], [300, 40]], // a one-row matrix
      [[300, 40], [40, 1]], // a one-column matrix
      [[300, 50], [50]], // matrix·vector: GEMV
      [[90], [90, 200]], // vector·matrix: transposed GEMV
      [[20000], [20000]], // vector·vector
      [[3, 4], [4, 5]], // tiny: the next engine
    ];
    for (const [sa, sb] of cases) {
      const node = nodeOf(dotOp, dtype, [sa.length, sb.length], null);
      const work = sa.reduce((p, d) => p * d, 1) * (sb.length === 2 ? sb[1] : 1);
      check(blasDotKernel, node, [ints(dtype, sa), ints(dtype, sb)], work, `${dtype} ${sa}·${sb}`);
    }
  }
});

Deno.test("blas bound dot and outer: the same bits as their kernels, into the arrays bound, call after call", () => {
  for (const dtype of FLOATS) {
    const cases: [typeof dotOp | typeof outerOp, number[], number[]][] = [
      [dotOp, [64, 64], [64]], // a scan step's GEMV
      [dotOp, [70], [70, 30]], // the transposed GEMV of a backward step
      [dotOp, [20, 30], [30, 40]], // GEMM
      [outerOp, [64], [64]], // GER
      [dotOp, [3, 4], [4]], // tiny: handed on
      [outerOp, [3], [4]],
    ];
    for (const [op, sa, sb] of cases) {
      const node = nodeOf(op as Op<null>, dtype, [sa.length, sb.length], null);
      const a = ints(dtype, sa), b = ints(dtype, sb);
      const want = node.op.perform!([a, b], null, node)[0];
      const out = new NDArray(dtype, want.shape);
      out.data.fill(Number.NaN); // a bound output holds the last call's values: never read
      const ref = referenceOf(node);
      const kernel = (op === dotOp ? blasDotKernel : blasOuterKernel)(node, ref);
      const bound = kernel.bindTo?.([a, b], [out], undefined);
      const work = a.size * (op === outerOp ? b.size : b.ndim === 2 ? b.shape[1] : 1);
      const what = `${dtype} ${op.name} ${sa}·${sb}`;
      if (!on) {
        assert.equal(kernel, ref, `${what}: no BLAS, the next engine's kernel (it binds nothing)`);
        continue;
      }
      if (work < SMALL_PRODUCT) {
        assert.equal(bound, undefined, `${what}: handed to the next engine, as its kernel does`);
        continue;
      }
      assert.equal(typeof bound, "function", what);
      for (let call = 0; call < 2; call++) {
        (bound as () => void)();
        same(out, kernel([a, b])[0], `${what}, call ${call}`);
        same(out, want, `${what}, call ${call} against perform`);
        a.data[0] += 1; // the next call reads the arrays' new values
        want.data.set(node.op.perform!([a, b], null, node)[0].data);
      }
    }
  }
});

Deno.test("blas dot: inputs whose data start inside a larger buffer (leading-axis slices) are read from there", () => {
  for (const dtype of FLOATS) {
    const big = ints(dtype, [70, 60]), other = ints(dtype, [80, 40]), v = ints(dtype, [90]);
    const rows = new NDArray(dtype, [50, 60], big.data.subarray(600, 3600)); // rows 10..59
    const b = new NDArray(dtype, [60, 40], other.data.subarray(800, 3200)); // rows 20..79
    const tail = new NDArray(dtype, [60], v.data.subarray(30)); // elements 30..89
    check(blasDotKernel, nodeOf(dotOp, dtype, [2, 2], null), [rows, b], 50 * 60 * 40, `${dtype} sliced A, B`);
    check(blasDotKernel, nodeOf(dotOp, dtype, [2, 1], null), [rows, tail], 50 * 60, `${dtype} sliced GEMV`);
  }
});

Deno.test("blas dot: empty dimensions give empty or zero results", () => {
  for (const dtype of FLOATS) {
    const node = nodeOf(dotOp, dtype, [2, 2], null);
    const ref = referenceOf(node), kernel = blasDotKernel(node, ref);
    // k = 0 over a large output: zeros (into a pooled buffer holding old values).
    const dirty: BufferSource = { take: (d, n) => new NDArray(d, [n]).data.fill(7), give: () => {} };
    const [z] = kernel([ints(dtype, [100, 0]), ints(dtype, [0, 100])], dirty);
    same(z, ref([ints(dtype, [100, 0]), ints(dtype, [0, 100])])[0], `${dtype} k = 0`);
    assert(z.data.every((v) => v === 0));
    const [e] = kernel([ints(dtype, [0, 5000]), ints(dtype, [5000, 3])]);
    assert.deepEqual(e.shape, [0, 3]);
  }
});

Deno.test("blas dot: GEMV into a pooled buffer holding NaN writes the product, not NaN", () => {
  const node = nodeOf(dotOp, "float64", [2, 1], null);
  const nan: BufferSource = { take: (d, n) => new NDArray(d, [n]).data.fill(NaN), give: () => {} };
  const a = ints("float64", [200, 100]), x = ints("float64", [100]);
  const [y] = blasDotKernel(node, referenceOf(node))([a, x], nan);
  same(y, referenceOf(node)([a, x])[0], "gemv into NaN");
});

Deno.test("blas dot: inputs and outputs in the wasm engine's memory (possibly shared) are read in place", () => {
  for (const dtype of FLOATS) {
    const a = engineArray(dtype, [64, 80]), b = engineArray(dtype, [80, 48]);
    a.data.set(ints(dtype, [64, 80]).data);
    b.data.set(ints(dtype, [80, 48]).data);
    // A pool lending engine memory, as the host program does for intermediates.
    const pool: BufferSource = { take: (d, n) => engineArray(d as "float64", [n]).data, give: () => {} };
    check(
      blasDotKernel,
      nodeOf(dotOp, dtype, [2, 2], null),
      [a, b],
      64 * 80 * 48,
      `${dtype} engine memory`,
      pool,
    );
    const v = engineArray(dtype, [80]);
    v.data.set(ints(dtype, [80]).data);
    check(
      blasDotKernel,
      nodeOf(dotOp, dtype, [2, 1], null),
      [a, v],
      64 * 80,
      `${dtype} engine-memory GEMV`,
      pool,
    );
  }
});

Deno.test("blas dot: views of the wasm engine's memory are that memory (shared when threads are on)", () => {
  const a = engineArray("float64", [64, 80]);
  if (!engineCanKeep()) return assert.equal(engineOffset(a.data as Float64Array, 8), -1); // plain arrays: tested above
  assert(engineOffset(a.data as Float64Array, 8) >= 0, "the input lives in the engine's memory");
  assert.equal(a.data.buffer, arena().memory.buffer);
});

Deno.test("blas dot: in a compiled function, an intermediate the wasm engine wrote feeds BLAS in place", () => {
  const x = T.dmatrix("x"), w = T.dvector("w");
  const out = T.dot(T.exp(T.mul(x, 0.01)), w);
  const build = (blas: boolean, wasm: boolean) => {
    const saved = [config.blas, config.wasm];
    [config.blas, config.wasm] = [blas, wasm];
    try {
      return T.function([x, w], out);
    } finally {
      [config.blas, config.wasm] = saved;
    }
  };
  const fast = build(true, true), js = build(false, false);
  const xv = ints("float64", [300, 200]), wv = ints("float64", [200]);
  const before = blasStats.products;
  for (let i = 0; i < 3; i++) {
    const got = fast(xv, wv) as T.NDArray, want = js(xv, wv) as T.NDArray;
    got.data.forEach((v, j) => assert(Math.abs(v - want.data[j]) <= 1e-12 * (1 + Math.abs(want.data[j]))));
  }
  assert.equal(blasStats.products - before, on ? 3 : 0);
});

Deno.test("blas batched_dot: every rank combination, batches and an empty batch, against perform", () => {
  for (const dtype of FLOATS) {
    const cases: [number[], number[]][] = [
      [[5, 30, 40], [5, 40, 20]],
      [[4, 60, 50], [4, 50]],
      [[4, 50], [4, 50, 60]],
      [[3, 9000], [3, 9000]],
      [[0, 30, 40], [0, 40, 20]],
      [[6, 3, 4], [6, 4, 2]], // tiny products: the next engine
    ];
    for (const [sa, sb] of cases) {
      const node = nodeOf(batchedDotOp, dtype, [sa.length, sb.length], null);
      const n = sa.length === 3 ? sa[1] : 1, m = sb.length === 3 ? sb[2] : 1;
      const work = n * m * sb[1];
      check(blasBatchedDotKernel, node, [ints(dtype, sa), ints(dtype, sb)], work, `${dtype} ${sa}·${sb}`);
    }
  }
});

Deno.test("blas tensordot: transposed operands by flag, other layouts copied, against perform", () => {
  for (const dtype of FLOATS) {
    // Operands, axes, and how many of the operands must be copied (the others go by flag).
    const cases: [number[], number[], number[], number[], number][] = [
      [[60, 70], [60, 50], [0], [0], 0], // aᵀ·b: A transposed
      [[60, 70], [50, 70], [1], [1], 0], // a·bᵀ: B transposed
      [[70, 60], [50, 70], [0], [1], 0], // aᵀ·bᵀ
      [[8, 9, 30], [30, 40], [2], [0], 0], // free axes grouped: plain GEMM
      [[30, 8, 9], [30, 40], [0], [0], 0], // transposed, two free axes as its rows
      [[8, 30, 9], [30, 40], [1], [0], 1], // the contracted axis inside: a copy
      [[6, 7, 40], [7, 6, 50], [0, 1], [1, 0], 1], // axes out of order: B copied
      [[4000], [4000], [0], [0], 0], // a full contraction of vectors
      [[200, 40], [40], [1], [0], 0], // matrix·vector
      [[40, 200], [40], [0], [0], 0], // transposed matrix·vector
    ];
    for (const [sa, sb, axesA, axesB, copies] of cases) {
      const before = blasStats.copies;
      const node = nodeOf(tensordotOp, dtype, [sa.length, sb.length], { axesA, axesB });
      const k = axesA.reduce((p, d) => p * sa[d], 1);
      const work = sa.reduce((p, d) => p * d, 1) * sb.reduce((p, d) => p * d, 1) / k;
      check(blasTensordotKernel, node, [ints(dtype, sa), ints(dtype, sb)], work, `${dtype} ${sa}·${sb}`);
      assert.equal(blasStats.copies - before, on ? copies : 0, `${dtype} ${sa}·${sb}: operands copied`);
    }
  }
});

Deno.test("blas kernels: mixed and integer dtypes, and config.blas off, run the next engine", () => {
  const mixed = dotOp.make([
    new TensorType("float32", [null, null]).make(),
    new TensorType("float64", [null, null]).make(),
  ], null);
  const ref = referenceOf(mixed);
  assert.equal(blasDotKernel(mixed, ref), ref);
  const ints32 = nodeOf(dotOp, "int32", [2, 2], null), r2 = referenceOf(ints32);
  assert.equal(blasDotKernel(ints32, r2), r2);
  const saved = config.blas;
  try {
    config.blas = false;
    const f = nodeOf(dotOp, "float64", [2, 2], null), r3 = referenceOf(f);
    assert.equal(blasDotKernel(f, r3), r3);
  } finally {
    config.blas = saved;
  }
});

Deno.test("blas kernels: a shape mismatch is the reference's ShapeError", () => {
  const node = nodeOf(dotOp, "float64", [2, 2], null);
  assert.throws(
    () => blasDotKernel(node, referenceOf(node))([ints("float64", [50, 60]), ints("float64", [61, 50])]),
    /dot/,
  );
});

Deno.test("blas kernels: one dot kernel called on products of changing shapes gives each its own shape", () => {
  for (const ranks of [[2, 1], [1, 2], [2, 2]]) {
    const node = nodeOf(dotOp, "float64", ranks, null);
    const kernel = blasDotKernel(node, referenceOf(node));
    for (const [n, k, m] of [[40, 50, 60], [40, 50, 60], [61, 50, 40], [40, 70, 40]]) {
      const a = ints("float64", ranks[0] === 2 ? [n, k] : [k]),
        b = ints("float64", ranks[1] === 2 ? [k, m] : [k]);
      same(kernel([a, b])[0], node.op.perform!([a, b], null, node)[0], `ranks ${ranks}, ${n}x${k}x${m}`);
    }
  }
});

Deno.test("blas kernels: outer on GER gives the reference's bits (signed zeros, NaN, infinities) into a stale pooled buffer", () => {
  const pool = new BufferPool();
  for (const dtype of FLOATS) {
    for (const [n, m] of [[64, 64], [17, 40], [130, 5]]) {
      const a = ints(dtype, [n]), b = ints(dtype, [m]);
      for (let i = 0; i < m; i++) b.data[i] += 0.37 * i; // inexact products in float32
      a.data[0] = -0, a.data[1] = 0, a.data[2] = NaN, a.data[3] = Infinity;
      b.data[0] = -0, b.data[1] = 0;
      const node = nodeOf(outerOp, dtype, [1, 1], null);
      const ref = referenceOf(node);
      const stale = pool.take(dtype, n * m);
      stale.fill(5);
      pool.give(stale);
      const [got] = blasOuterKernel(node, ref)([a, b], pool);
      const [want] = node.op.perform!([a, b], null, node);
      assert.deepEqual(got.shape, want.shape);
      for (let i = 0; i < want.size; i++) {
        assert.ok(
          Object.is(got.data[i], want.data[i]),
          `${dtype} ${n}x${m} at ${i}: ${got.data[i]} vs ${want.data[i]}`,
        );
      }
      if (on) {
        assert.equal(ref.calls, 0, "GER ran it");
        assert.equal(got.data, stale, "into the pool's buffer");
      }
    }
  }
  const tiny = nodeOf(outerOp, "float64", [1, 1], null), ref = referenceOf(tiny);
  blasOuterKernel(tiny, ref)([ints("float64", [3]), ints("float64", [4])]);
  assert.equal(ref.calls, 1, "a tiny product runs the reference");
  const mixed = outerOp.make([
    new TensorType("float32", [null]).make(),
    new TensorType("float64", [null]).make(),
  ], null);
  const r2 = referenceOf(mixed);
  assert.equal(blasOuterKernel(mixed, r2), r2, "mixed dtypes are not BLAS's");
});
