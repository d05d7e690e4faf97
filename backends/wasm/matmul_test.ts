import assert from "node:assert/strict";
import { seededRandom } from "../../compile/verify_grad.ts";
import { referenceMatmul } from "../../ops/dot_kernel.ts";
import { gemm as jsGemm } from "../cpu/matmul.ts";
import type { Lane } from "./asm.ts";
import { hasRelaxedSimd, hasSimd } from "./features.ts";
import {
  type FloatArray,
  matmulEngine,
  type MatrixView,
  streamStats,
  wasmGemm,
  wasmGemmBatched,
} from "./matmul.ts";
import type { GemmShape } from "./matmul_gen.ts";
import { arena } from "./memory.ts";
import { dense, randomLane, transposed } from "./test_util.ts";

const rng = seededRandom(7);
const SIZES = [1, 3, 17, 65, 130];
const Typed = (lane: Lane) => (lane === "f32" ? Float32Array : Float64Array);
const EPS: Record<Lane, number> = { f32: 2 ** -24, f64: 2 ** -53 };

const rand = randomLane(rng);

/** Element (i, j) of a view. */
const at = (v: MatrixView, i: number, j: number) => v.data[v.offset + i * v.rowStride + j * v.colStride];

/**
 * Check C against the float64 reference loop (ops/dot_kernel.ts) on dense copies of
 * the views, with the error bound of a length-k sum in the lane type:
 * |c - ref| <= 2 k eps sum_p |a_ip b_pj| (+ one rounding of the result).
 */
function check(
  lane: Lane,
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: FloatArray,
  what: string,
) {
  const A = new Float64Array(m * k), B = new Float64Array(k * n), ref = new Float64Array(m * n);
  const absA = new Float64Array(m * k), absB = new Float64Array(k * n), bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) A[i * k + p] = at(a, i, p);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) B[p * n + j] = at(b, p, j);
  A.forEach((x, i) => (absA[i] = Math.abs(x)));
  B.forEach((x, i) => (absB[i] = Math.abs(x)));
  referenceMatmul(A, B, ref, 1, m, k, n, 0, 0, "float");
  referenceMatmul(absA, absB, bound, 1, m, k, n, 0, 0, "float");
  for (let i = 0; i < m * n; i++) {
    const tol = 2 * (k + 1) * EPS[lane] * bound[i] + EPS[lane] * Math.abs(ref[i]);
    if (!(Math.abs(c[i] - ref[i]) <= tol)) {
      assert.fail(`${what}: element ${i} is ${c[i]}, reference ${ref[i]} (tolerance ${tol})`);
    }
  }
}

Deno.test("wasmGemm matches the reference loop for odd sizes in float32 and float64", () => {
  assert.ok(hasSimd());
  for (const lane of ["f32", "f64"] as const) {
    const e = matmulEngine(lane)!;
    for (const m of SIZES) {
      for (const n of SIZES) {
        for (const k of SIZES) {
          const a = dense(rand(lane, m * k), k), b = dense(rand(lane, k * n), n);
          const c = new (Typed(lane))(m * n).fill(NaN);
          assert.ok(wasmGemm(e, m, n, k, a, b, c));
          check(lane, m, n, k, a, b, c, `${lane} (${m}×${k})·(${k}×${n})`);
        }
      }
    }
  }
});

Deno.test("wasmGemm agrees with the pure-JS blocked kernel (the fallback path)", () => {
  for (const lane of ["f32", "f64"] as const) {
    const e = matmulEngine(lane)!;
    for (const [m, n, k] of [[65, 130, 17], [130, 3, 65], [1, 130, 65], [130, 1, 65], [200, 201, 300]]) {
      const a = dense(rand(lane, m * k), k), b = dense(rand(lane, k * n), n);
      const c = new (Typed(lane))(m * n), js = new Float64Array(m * n);
      wasmGemm(e, m, n, k, a, b, c);
      jsGemm(m, n, k, a, b, js);
      const tol = lane === "f32" ? 1e-4 : 1e-12;
      for (let i = 0; i < m * n; i++) {
        assert.ok(Math.abs(c[i] - js[i]) <= tol, `${lane} ${m}×${n}×${k} at ${i}`);
      }
    }
  }
});

Deno.test("wasmGemm reads transposed and offset operands and strided vectors (every GEMV form)", () => {
  for (const lane of ["f32", "f64"] as const) {
    const e = matmulEngine(lane)!;
    for (const [m, n, k] of [[17, 65, 33], [65, 1, 17], [1, 65, 17], [1, 1, 130], [130, 130, 3]]) {
      const views: [string, MatrixView, MatrixView][] = [
        ["Aᵀ·B", transposed(rand(lane, k * m), m), dense(rand(lane, k * n), n)],
        ["A·Bᵀ", dense(rand(lane, m * k), k), transposed(rand(lane, n * k), k)],
        ["Aᵀ·Bᵀ", transposed(rand(lane, k * m), m), transposed(rand(lane, n * k), k)],
        ["offset A·B", dense(rand(lane, m * k + 5), k, 5), dense(rand(lane, k * n + 3), n, 3)],
        // Every third element: strided vectors for the GEMV forms.
        ["strided", { data: rand(lane, 3 * m * k), offset: 1, rowStride: 3 * k, colStride: 3 }, {
          data: rand(lane, 3 * k * n),
          offset: 2,
          rowStride: 3 * n,
          colStride: 3,
        }],
      ];
      for (const [what, a, b] of views) {
        const c = new (Typed(lane))(m * n);
        assert.ok(wasmGemm(e, m, n, k, a, b, c));
        check(lane, m, n, k, a, b, c, `${lane} ${what} (${m}×${k})·(${k}×${n})`);
      }
    }
  }
});

Deno.test("wasmGemm crosses every cache-block edge with small blockings and other register blocks", () => {
  const shapes: Partial<GemmShape>[] = [
    { kc: 8, mc: 12, nc: 16 },
    { kc: 5, mc: 6, nc: 8, unroll: 4 },
    { mr: 4, nv: 3, kc: 7, mc: 8, nc: 24 },
    { mr: 3, nv: 1, relaxed: false, unroll: 1 },
  ];
  for (const lane of ["f32", "f64"] as const) {
    for (const shape of shapes) {
      const e = matmulEngine(lane, shape)!;
      for (const [m, n, k] of [[37, 41, 29], [13, 50, 9], [6, 8, 5], [1, 33, 40]]) {
        const a = dense(rand(lane, m * k), k), b = transposed(rand(lane, n * k), k);
        const c = new (Typed(lane))(m * n);
        assert.ok(wasmGemm(e, m, n, k, a, b, c));
        check(lane, m, n, k, a, b, c, `${lane} ${JSON.stringify(shape)} (${m}×${k})·(${k}×${n})`);
      }
    }
  }
});

Deno.test("wasmGemmBatched: one product per batch entry, a step of 0 repeats a matrix", () => {
  for (const lane of ["f32", "f64"] as const) {
    const e = matmulEngine(lane)!;
    for (
      const [batch, m, n, k, aStep, bStep] of [[4, 3, 5, 7, 21, 35], [3, 17, 1, 9, 153, 0], [
        5,
        1,
        6,
        4,
        4,
        24,
      ], [2, 9, 9, 9, 0, 81]]
    ) {
      const a = rand(lane, Math.max(1, (batch - 1) * aStep + m * k)),
        b = rand(lane, (batch - 1) * bStep + k * n);
      const c = new (Typed(lane))(batch * m * n);
      assert.ok(wasmGemmBatched(e, batch, m, n, k, dense(a, k), aStep, dense(b, n), bStep, c));
      for (let t = 0; t < batch; t++) {
        check(
          lane,
          m,
          n,
          k,
          dense(a, k, t * aStep),
          dense(b, n, t * bStep),
          c.subarray(t * m * n),
          `${lane} batch ${t}`,
        );
      }
    }
  }
});

Deno.test("wasmGemm: empty products, an output offset, NaN and infinity propagate, the arena is returned", () => {
  const e = matmulEngine("f64")!;
  const top = arena().top;
  const c = new Float64Array(7).fill(5);
  assert.ok(wasmGemm(e, 2, 3, 0, dense(new Float64Array(0), 0), dense(new Float64Array(0), 3), c, 1));
  assert.deepEqual([...c], [5, 0, 0, 0, 0, 0, 0]);
  assert.ok(wasmGemm(e, 0, 3, 4, dense(new Float64Array(0), 4), dense(new Float64Array(12), 3), c));
  const a = new Float64Array([1, NaN, 2, 3, Infinity, 1, 0, 0, 1, 2, 3, 4]);
  const b = new Float64Array(12).fill(1);
  const out = new Float64Array(4 * 3 + 2);
  assert.ok(wasmGemm(e, 4, 3, 3, dense(a, 3), dense(b, 3), out, 2));
  assert.ok(Number.isNaN(out[2]) && Number.isNaN(out[4]));
  assert.equal(out[5], Infinity);
  assert.deepEqual([...out.subarray(8)], [1, 1, 1, 9, 9, 9]);
  assert.equal(arena().top, top, "every call releases what it took");
});

Deno.test("wasmGemm converts float32 operands into a float64 product", () => {
  const e = matmulEngine("f64")!;
  const a = new Float32Array([0.1, 0.2, 0.3, 0.4]), b = new Float32Array([1, 2, 3, 4]);
  const c = new Float64Array(4);
  wasmGemm(e, 2, 2, 2, dense(a, 2), dense(b, 2), c);
  const f = (x: number) => Math.fround(x);
  assert.deepEqual([...c], [
    f(0.1) + 3 * f(0.2),
    2 * f(0.1) + 4 * f(0.2),
    f(0.3) + 3 * f(0.4),
    2 * f(0.3) + 4 * f(0.4),
  ]);
});

Deno.test("wasmGemm streams a large GEMV matrix in blocks (every layout, padded rows) with the same results", () => {
  for (const lane of ["f32", "f64"] as const) {
    const e = matmulEngine(lane)!;
    const [m, k] = [700, 410]; // over 1 MB in float64 and float32: streamed
    const cases: [string, number, number, MatrixView, MatrixView][] = [
      ["A·x", m, 1, dense(rand(lane, m * k), k), dense(rand(lane, k), 1)],
      ["Aᵀ·x", m, 1, transposed(rand(lane, k * m), m), dense(rand(lane, k), 1)],
      ["x·B", 1, m, dense(rand(lane, k), k), dense(rand(lane, k * m), m)],
      ["x·Bᵀ", 1, m, dense(rand(lane, k), k), transposed(rand(lane, m * k), k)],
      // Rows padded to 421 elements: copied row by row.
      ["padded A·x", m, 1, { data: rand(lane, m * 421), offset: 3, rowStride: 421, colStride: 1 }, {
        data: rand(lane, 2 * k),
        offset: 1,
        rowStride: 2,
        colStride: 1,
      }],
    ];
    for (const [what, mm, nn, a, b] of cases) {
      const c = new (Typed(lane))(mm * nn + 2), calls = streamStats.calls;
      assert.ok(wasmGemm(e, mm, nn, k, a, b, c, 2));
      assert.equal(streamStats.calls, calls + 1, `${what} was streamed`);
      check(lane, mm, nn, k, a, b, c.subarray(2), `${lane} streamed ${what}`);
    }
  }
});

Deno.test("wasmGemm GEMVs agree with the JS kernel on every remainder of their blocks (rows, vectors, lanes)", () => {
  for (const lane of ["f32", "f64"] as const) {
    for (const relaxed of [true, false]) {
      const e = matmulEngine(lane, { relaxed: relaxed && hasRelaxedSimd() })!;
      for (const m of [1, 2, 3, 4, 5, 7, 13, 25]) {
        for (const k of [1, 2, 3, 5, 6, 7, 8, 12, 13, 17, 31, 33, 47]) {
          const a = dense(rand(lane, m * k), k);
          // A·x (rows of A contiguous) and x·A (columns of the product's matrix contiguous).
          const x = dense(rand(lane, k), 1), c = new (Typed(lane))(m);
          assert.ok(wasmGemm(e, m, 1, k, a, x, c));
          check(lane, m, 1, k, a, x, c, `${lane} relaxed=${relaxed} A·x ${m}×${k}`);
          const v = dense(rand(lane, m), m), d = new (Typed(lane))(k);
          assert.ok(wasmGemm(e, 1, k, m, v, a, d));
          check(lane, 1, k, m, v, a, d, `${lane} relaxed=${relaxed} v·A ${m}×${k}`);
        }
      }
    }
  }
});
