/**
 * The BLAS engine's kernels (its table's rules, table.ts): dot, batched_dot and
 * tensordot as GEMM or GEMV calls on the operands' own memory. Each factory wraps the
 * next engine's kernel of the same node and returns it unchanged when the engine is
 * off (no library, FFI not permitted, `config.blas` false) or for dtypes BLAS does not
 * take (BLAS needs both operands and the result in one float dtype; mixed and integer
 * products run the next engine). At run time, tiny products (where a foreign call costs
 * more than the arithmetic) also run the next engine.
 *
 * A strided operand (a transpose inside a tensordot) is passed with BLAS's transpose
 * flag and its own leading dimension, not copied; only a layout no flag expresses is
 * copied first. Inputs may be ordinary typed arrays or views of the wasm engine's
 * memory (intermediates it lends the host program): both are passed by address.
 * Accumulation is in the dtype, as every BLAS does: float32 products sum in float32.
 * @module
 */
import { config } from "../../core/config.ts";
import { type DType, STORAGE } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { permuteCopy } from "../../ops/dimshuffle.ts";
import { checkInner } from "../../ops/dot_kernel.ts";
import { tensordotLayout, type TensordotParams } from "../../ops/tensordot.ts";
import { type BufferSource, type FloatArray, type Kernel, type MatrixView, matrixView } from "../kernel.ts";
import { type Blas, blasStatus, type Gemm, type Gemv, type Ger } from "./library.ts";

/**
 * Below this many multiply-adds the next engine runs the product (the wasm engine's own
 * threshold sends it on to the JS loops). Measured against the wasm kernels on the
 * development machine (loaded): BLAS's GEMM took 0.1–0.6 of their time from 8³ up, its
 * GEMVs 0.3–0.7 from about 20², and lost below 12² (bench/RESULTS.md, issue 17 "BLAS
 * engine").
 */
export const SMALL_PRODUCT = 512;

/** How many products the engine ran, and how many operands it copied first (tests read them). */
export const blasStats: { products: number; copies: number } = { products: 0, copies: 0 };

/** The GEMM, GEMV and (when the library has it) GER of one dtype. */
interface Routines {
  gemm: Gemm;
  gemv: Gemv;
  ger: Ger | undefined;
}

/** The routines for a node whose operands and result share a float dtype, when the engine is on. */
function routinesFor(node: Apply, blas: Blas | undefined = blasStatus().blas): Routines | undefined {
  if (!config.blas || !blas) return undefined;
  const dtype = node.outputs[0].dtype;
  if (!node.inputs.every((v) => v.dtype === dtype)) return undefined;
  if (dtype === "float64") return { gemm: blas.dgemm, gemv: blas.dgemv, ger: blas.dger };
  if (dtype === "float32") return { gemm: blas.sgemm, gemv: blas.sgemv, ger: blas.sger };
  return undefined;
}

/** `data` from element `offset` (the address BLAS is given). */
const from = (data: FloatArray, offset: number): FloatArray => (offset ? data.subarray(offset) : data);

/**
 * A view as BLAS takes it: row-major storage (`t` false, leading dimension `ld`) or the
 * row-major storage of its transpose (`t` true); undefined when neither describes it.
 * Strides along a dimension of length 1 never matter and are normalised away.
 */
function operand(v: MatrixView, rows: number, cols: number): { t: boolean; ld: number } | undefined {
  const rs = rows === 1 ? Math.max(cols, 1) : v.rowStride, cs = cols === 1 ? 1 : v.colStride;
  if (cs === 1 && rs >= Math.max(cols, 1)) return { t: false, ld: rs };
  if (rs === 1 && cs >= Math.max(rows, 1)) return { t: true, ld: cs };
  return undefined;
}

/**
 * C (m × n, C-contiguous from `cOff`) = A·B for an m × k view A and a k × n view B;
 * false (nothing written) when a view has a layout BLAS cannot take.
 */
function product(
  r: Routines,
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: FloatArray,
  cOff: number,
): boolean {
  if (m === 0 || n === 0) return true;
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return true;
  }
  const oa = operand(a, m, k), ob = operand(b, k, n);
  if (!oa || !ob) return false;
  const A = from(a.data, a.offset), B = from(b.data, b.offset), C = from(c, cOff);
  blasStats.products++;
  // GEMV when one side is a vector stored contiguously (a column of B, a row of A).
  const bVector = n === 1 && (k === 1 || b.rowStride === 1),
    aVector = m === 1 && (k === 1 || a.colStride === 1);
  // A GEMV's y is zeroed first: with beta = 0 some BLAS scale y (NaN · 0 is NaN), and
  // pooled buffers hold old values.
  if (bVector || aVector) C.fill(0, 0, bVector ? m : n);
  if (bVector) {
    // y = A·x: A is row-major m × k, or the transpose of a row-major k × m.
    if (oa.t) r.gemv(true, k, m, A, oa.ld, B, C);
    else r.gemv(false, m, k, A, oa.ld, B, C);
  } else if (aVector) {
    // y = Bᵀ·x: B is row-major k × n, or the transpose of a row-major n × k.
    if (ob.t) r.gemv(false, n, k, B, ob.ld, A, C);
    else r.gemv(true, k, n, B, ob.ld, A, C);
  } else r.gemm(oa.t, ob.t, m, n, k, A, oa.ld, B, ob.ld, C, n);
  return true;
}

/** Whether `shape` is the dot output shape ([n] when `rows`, then [m] when `cols`). */
function sameDims(shape: readonly number[], rows: boolean, n: number, cols: boolean, m: number): boolean {
  if (shape.length !== (rows ? 1 : 0) + (cols ? 1 : 0)) return false;
  return (!rows || shape[0] === n) && (!cols || shape[shape.length - 1] === m);
}

const rowMajor = (x: NDArray, cols: number, offset = 0): MatrixView => ({
  data: x.data as FloatArray,
  offset,
  rowStride: cols,
  colStride: 1,
});

/** A permuted copy as a row-major operand, counted. */
function copied(x: NDArray, cols: number): MatrixView {
  blasStats.copies++;
  return rowMajor(x, cols);
}

/** An output buffer of `n` elements: the pool's when there is one. */
const output = (dtype: DType, n: number, pool?: BufferSource) =>
  (pool ? pool.take(dtype, n) : new STORAGE[dtype](n)) as FloatArray;

/**
 * The dot node (vector·vector, matrix·vector, vector·matrix, matrix·matrix) on BLAS;
 * `fallback` (the next engine's kernel) runs when the engine does not apply. Its
 * `bindTo(ins, outs)` gives the same product bound to fixed arrays (a scan body's fixed
 * run, `CpuProgram.fix`), undefined where it would hand the product on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasDotKernel } from "./kernels.ts";
 * import { dotOp } from "../../ops/dot.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const m = new TensorType("float64", [null, null]);
 * const node = dotOp.make([m.make("a"), m.make("b")], null);
 * const reference = (v: NDArray[]) => node.op.perform!(v, null, node);
 * const kernel = blasDotKernel(node, reference); // `reference` itself when no BLAS is open
 * const ones = new NDArray("float64", [40, 40], new Float64Array(1600).fill(1));
 * assert.equal(kernel([ones, ones])[0].item(39, 39), 40);
 * ```
 */
export function blasDotKernel(node: Apply, fallback: Kernel): Kernel {
  const r = routinesFor(node);
  if (!r) return fallback;
  const dtype = node.outputs[0].dtype;
  // The last output shape, frozen: a loop of same-shape products (a scan step's GEMV)
  // makes no shape array per call.
  let shape: readonly number[] = Object.freeze([]);
  const kernel: Kernel = (vals, pool) => {
    const [a, b] = vals;
    checkInner("dot", node, a.shape, [a.ndim - 1], b.shape, [0]);
    const n = a.ndim === 2 ? a.shape[0] : 1, k = b.shape[0], m = b.ndim === 2 ? b.shape[1] : 1;
    if (n * m * k < SMALL_PRODUCT) return fallback(vals, pool);
    const data = output(dtype, n * m, pool);
    if (a.ndim === 2 && b.ndim === 1) {
      // Matrix·vector (a scan step's product): the GEMV `product` would choose for these
      // row-major operands, without building their views.
      blasStats.products++;
      data.fill(0, 0, n); // see `product`: y is zeroed first
      r.gemv(false, n, k, a.data as FloatArray, k, b.data as FloatArray, data);
    } else product(r, n, m, k, rowMajor(a, k), rowMajor(b, m), data, 0);
    if (!sameDims(shape, a.ndim === 2, n, b.ndim === 2, m)) {
      shape = Object.freeze([...(a.ndim === 2 ? [n] : []), ...(b.ndim === 2 ? [m] : [])]);
    }
    return [new NDArray(dtype, shape, data)];
  };
  // Bound to fixed arrays (a scan body's fixed run): the same GEMV or GEMM on the same
  // memory every call; tiny products are handed on, as above.
  kernel.bindTo = (ins, outs) => {
    const [a, b] = ins, y = outs[0].data as FloatArray;
    const n = a.ndim === 2 ? a.shape[0] : 1, k = b.shape[0], m = b.ndim === 2 ? b.shape[1] : 1;
    if (n * m * k < SMALL_PRODUCT) return undefined;
    const A = a.data as FloatArray, B = b.data as FloatArray;
    if (a.ndim === 2 && b.ndim === 1) {
      return () => {
        blasStats.products++;
        y.fill(0, 0, n);
        r.gemv(false, n, k, A, k, B, y);
      };
    }
    const va = rowMajor(a, k), vb = rowMajor(b, m);
    return () => void product(r, n, m, k, va, vb, y, 0);
  };
  return kernel;
}

/**
 * The outer node on BLAS: GER (A += x·yᵀ) into a buffer filled with -0, which gives
 * each element as the reference rounds it: -0 + p is p for every product p, signed
 * zeros and NaN included, whether the library multiplies and adds or fuses the two
 * (alpha = 1 scales nothing). Products under `SMALL_PRODUCT` elements, and libraries
 * without GER, run `fallback`. `bindTo(ins, outs)` binds the same GER to fixed arrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasOuterKernel } from "./kernels.ts";
 * import { outerOp } from "../../ops/dot.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const v = new TensorType("float64", [null]);
 * const node = outerOp.make([v.make("a"), v.make("b")], null);
 * const kernel = blasOuterKernel(node, (vals) => node.op.perform!(vals, null, node));
 * const a = new NDArray("float64", [40], new Float64Array(40).fill(2));
 * assert.equal(kernel([a, a])[0].item(39, 39), 4);
 * ```
 */
export function blasOuterKernel(node: Apply, fallback: Kernel): Kernel {
  const ger = routinesFor(node)?.ger;
  if (!ger) return fallback;
  const dtype = node.outputs[0].dtype;
  let shape: readonly number[] = Object.freeze([0, 0]);
  const kernel: Kernel = (vals, pool) => {
    const [a, b] = vals;
    const n = a.size, m = b.size;
    if (n * m < SMALL_PRODUCT) return fallback(vals, pool);
    const data = output(dtype, n * m, pool);
    data.fill(-0);
    blasStats.products++;
    ger(n, m, a.data as FloatArray, b.data as FloatArray, data);
    if (shape[0] !== n || shape[1] !== m) shape = Object.freeze([n, m]);
    return [new NDArray(dtype, shape, data)];
  };
  // Bound to fixed arrays: the same GER into the bound output, filled with -0 first.
  kernel.bindTo = (ins, outs) => {
    const [a, b] = ins, out = outs[0].data as FloatArray, n = a.size, m = b.size;
    if (n * m < SMALL_PRODUCT) return undefined;
    const x = a.data as FloatArray, y = b.data as FloatArray;
    return () => {
      out.fill(-0);
      blasStats.products++;
      ger(n, m, x, y, out);
    };
  };
  return kernel;
}

/**
 * The batched_dot node on BLAS: one GEMM (or GEMV) per batch entry, in place in the
 * output; `fallback` runs when the engine does not apply or the products are tiny.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasBatchedDotKernel } from "./kernels.ts";
 * import { batchedDotOp } from "../../ops/batched_dot.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const i = new TensorType("int32", [null, null]);
 * const node = batchedDotOp.make([i.make(), i.make()], null);
 * const reference = (v: import("../../core/ndarray.ts").NDArray[]) => node.op.perform!(v, null, node);
 * assert.equal(blasBatchedDotKernel(node, reference), reference); // integers: not BLAS's
 * ```
 */
export function blasBatchedDotKernel(node: Apply, fallback: Kernel): Kernel {
  const r = routinesFor(node);
  if (!r) return fallback;
  const dtype = node.outputs[0].dtype;
  return (vals, pool) => {
    const [a, b] = vals;
    checkInner("batched_dot", node, a.shape, [0, a.ndim - 1], b.shape, [0, 1]);
    const batch = a.shape[0], k = b.shape[1];
    const n = a.ndim === 3 ? a.shape[1] : 1, m = b.ndim === 3 ? b.shape[2] : 1;
    if (n * m * k < SMALL_PRODUCT) return fallback(vals, pool);
    const data = output(dtype, batch * n * m, pool);
    for (let t = 0; t < batch; t++) {
      product(r, n, m, k, rowMajor(a, k, t * n * k), rowMajor(b, m, t * k * m), data, t * n * m);
    }
    return [new NDArray(dtype, [batch, ...(a.ndim === 3 ? [n] : []), ...(b.ndim === 3 ? [m] : [])], data)];
  };
}

/**
 * The tensordot node on BLAS: one product over strided views of the operands (a
 * transposed operand is passed with the transpose flag), copying an operand only when
 * its contracted axes are not one run of consecutive axes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasTensordotKernel } from "./kernels.ts";
 * import { tensordotOp } from "../../ops/tensordot.ts";
 * import { asarray, NDArray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const t = new TensorType("float64", [null, null]);
 * const node = tensordotOp.make([t.make(), t.make()], { axesA: [0], axesB: [0] });
 * const reference = (v: NDArray[]) => node.op.perform!(v, node.params, node);
 * const a = asarray(Array.from({ length: 3000 }, (_, i) => i % 7)).astype("float64").reshape([100, 30]);
 * const [c] = blasTensordotKernel(node, reference)([a, a]); // aᵀ·a
 * assert.deepEqual(c.toArray(), reference([a, a])[0].toArray());
 * ```
 */
export function blasTensordotKernel(node: Apply, fallback: Kernel): Kernel {
  const r = routinesFor(node);
  if (!r) return fallback;
  const dtype = node.outputs[0].dtype, params = node.params as TensordotParams;
  return (vals, pool) => {
    const [a, b] = vals;
    checkInner("tensordot", node, a.shape, params.axesA, b.shape, params.axesB);
    const { permA, permB, m, k, n, outShape } = tensordotLayout(a.shape, b.shape, params);
    if (m * n * k < SMALL_PRODUCT) return fallback(vals, pool);
    const nFreeA = a.ndim - params.axesA.length;
    const va = matrixView(a, permA, nFreeA) ?? copied(permuteCopy(a, permA), k);
    const vb = matrixView(b, permB, params.axesB.length) ?? copied(permuteCopy(b, permB), n);
    const data = output(dtype, m * n, pool);
    if (!product(r, m, n, k, va, vb, data, 0)) {
      pool?.give(data);
      return fallback(vals, pool);
    }
    return [new NDArray(dtype, outShape, data)];
  };
}
