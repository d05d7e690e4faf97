/**
 * The WebAssembly engine's matrix-product kernels (its table's `kernel` rules,
 * table.ts): each factory wraps the next engine's kernel of the same node (the JS one)
 * and returns it unchanged when the engine is off (`config.wasm`), when the runtime
 * has no WebAssembly SIMD, or for dtypes the engine does not take. At run time, tiny
 * products (where a call costs more than the arithmetic) and products too large for
 * the arena also run the JS kernel.
 * @module
 */
import { config } from "../../core/config.ts";
import { type DType, STORAGE } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { checkInner } from "../../ops/dot_kernel.ts";
import type { Lane } from "./asm.ts";
import type { FloatArray, Kernel, MatrixView } from "../kernel.ts";
import { matmulEngine, wasmGemmBatched } from "./matmul.ts";

/** Below this many multiply-adds the JS loops win (measured: the crossover is near 7³). */
export const SMALL_PRODUCT = 256;

const LANE: Partial<Record<DType, Lane>> = { float32: "f32", float64: "f64" };
const isFloat = (d: DType) => d === "float32" || d === "float64";

/** The engine for a node whose inputs and output are float, when the engine is on. */
function engineFor(node: Apply) {
  if (!config.wasm) return undefined;
  const out = node.outputs[0].dtype;
  if (!isFloat(out) || !node.inputs.every((v) => isFloat(v.dtype))) return undefined;
  return matmulEngine(LANE[out]!);
}

const rowMajor = (x: NDArray, cols: number): MatrixView => ({
  data: x.data as FloatArray,
  offset: 0,
  rowStride: cols,
  colStride: 1,
});

/** The reference `perform` as a kernel, when there is no JS fast kernel. */
const performOf = (node: Apply): Kernel => (vals) => node.op.perform!(vals, node.params, node);

/**
 * The dot node (vector·vector, matrix·vector, vector·matrix, matrix·matrix) on the
 * SIMD engine; `fallback` (the JS kernel) runs when the engine does not apply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmDotKernel } from "./kernels.ts";
 * import { dotOp } from "../../ops/dot.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const m = new TensorType("float64", [null, null]);
 * const kernel = wasmDotKernel(dotOp.make([m.make("a"), m.make("b")], null))!;
 * const ones = new NDArray("float64", [20, 20], new Float64Array(400).fill(1));
 * const [c] = kernel([ones, ones]);
 * assert(c.item(19, 19) === 20);
 * ```
 */
export function wasmDotKernel(node: Apply, fallback?: Kernel): Kernel | undefined {
  const e = engineFor(node);
  if (!e) return fallback;
  const js = fallback ?? performOf(node), dtype = node.outputs[0].dtype;
  return (vals, pool) => {
    const [a, b] = vals;
    checkInner("dot", node, a.shape, [a.ndim - 1], b.shape, [0]);
    const n = a.ndim === 2 ? a.shape[0] : 1, k = b.shape[0], m = b.ndim === 2 ? b.shape[1] : 1;
    if (n * m * k < SMALL_PRODUCT) return js(vals, pool);
    const data = (pool ? pool.take(dtype, n * m) : new STORAGE[dtype](n * m)) as FloatArray;
    if (!wasmGemmBatched(e, 1, n, m, k, rowMajor(a, k), 0, rowMajor(b, m), 0, data)) {
      pool?.give(data);
      return js(vals, pool);
    }
    return [new NDArray(dtype, [...(a.ndim === 2 ? [n] : []), ...(b.ndim === 2 ? [m] : [])], data)];
  };
}

/**
 * The batched_dot node on the SIMD engine; `fallback` runs when it does not apply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmBatchedDotKernel } from "./kernels.ts";
 * import { batchedDotOp } from "../../ops/batched_dot.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const i = new TensorType("int32", [null, null]);
 * assert(wasmBatchedDotKernel(batchedDotOp.make([i.make(), i.make()], null)) === undefined); // ints: no engine
 * ```
 */
export function wasmBatchedDotKernel(node: Apply, fallback?: Kernel): Kernel | undefined {
  const e = engineFor(node);
  if (!e) return fallback;
  const js = fallback ?? performOf(node), dtype = node.outputs[0].dtype;
  return (vals) => {
    const [a, b] = vals;
    checkInner("batched_dot", node, a.shape, [0, a.ndim - 1], b.shape, [0, 1]);
    const batch = a.shape[0], k = b.shape[1];
    const n = a.ndim === 3 ? a.shape[1] : 1, m = b.ndim === 3 ? b.shape[2] : 1;
    if (batch * n * m * k < SMALL_PRODUCT) return js(vals);
    const out = new NDArray(dtype, [batch, ...(a.ndim === 3 ? [n] : []), ...(b.ndim === 3 ? [m] : [])]);
    const ok = wasmGemmBatched(
      e,
      batch,
      n,
      m,
      k,
      rowMajor(a, k),
      n * k,
      rowMajor(b, m),
      k * m,
      out.data as FloatArray,
    );
    return ok ? [out] : js(vals);
  };
}
