/**
 * CPU kernels for the dot, batched_dot, tensordot and outer nodes, built on matmul.ts. They
 * take float32/float64 inputs and outputs and decline other dtypes (the op's
 * reference `perform` runs those), and raise the same ShapeErrors as the reference.
 * @module
 */
import { type DType, STORAGE } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { permuteCopy } from "../../ops/dimshuffle.ts";
import { checkInner } from "../../ops/dot_kernel.ts";
import { tensordotLayout, type TensordotParams } from "../../ops/tensordot.ts";
import { gemm, gemmBatched, rowMajor } from "./matmul.ts";
import { type BufferSource, type FloatArray, matrixView } from "../kernel.ts";

// The strided matrix view of a permuted tensor is shared with the other engines.
export { matrixView };

/** A kernel computing a node's outputs from its inputs' values (optionally into `pool`'s buffers). */
type Kernel = (inputs: NDArray[], pool?: BufferSource) => NDArray[];

const isFloat = (d: DType) => d === "float32" || d === "float64";

/** Whether the fast kernels take this node: float inputs and output. */
function floatNode(node: Apply): boolean {
  return isFloat(node.outputs[0].dtype) && node.inputs.every((v) => isFloat(v.dtype));
}

/** Run `fill` on a float64 buffer for an output, then store it with the output's dtype. */
function withOutput(dtype: DType, shape: number[], fill: (acc: Float64Array) => void): NDArray {
  const out = new NDArray(dtype, shape);
  if (dtype === "float64") {
    fill(out.data as Float64Array);
  } else {
    const acc = new Float64Array(out.size);
    fill(acc);
    out.data.set(acc);
  }
  return out;
}

/** The dot node (vectors and matrices). *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dotKernel } from "./matmul_kernels.ts";
 * import { dotOp } from "../../ops/dot.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const m = new TensorType("float32", [null, null]);
 * const kernel = dotKernel(dotOp.make([m.make("a"), m.make("b")], null))!;
 * const [c] = kernel([asarray([[1, 2]], { dtype: "float32" }), asarray([[3], [4]], { dtype: "float32" })]);
 * assert(c.item(0, 0) === 11);
 * ```
 */
export function dotKernel(node: Apply): Kernel | undefined {
  if (!floatNode(node)) return undefined;
  const dtype = node.outputs[0].dtype;
  return ([a, b]) => {
    checkInner("dot", node, a.shape, [a.ndim - 1], b.shape, [0]);
    const n = a.ndim === 2 ? a.shape[0] : 1, k = b.shape[0], m = b.ndim === 2 ? b.shape[1] : 1;
    const shape = [...(a.ndim === 2 ? [n] : []), ...(b.ndim === 2 ? [m] : [])];
    const ad = a.data as FloatArray, bd = b.data as FloatArray;
    return [withOutput(dtype, shape, (acc) => gemm(n, m, k, rowMajor(ad, k), rowMajor(bd, m), acc))];
  };
}

/** The batched_dot node: one product per batch entry. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchedDotKernel } from "./matmul_kernels.ts";
 * import { batchedDotOp } from "../../ops/batched_dot.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const i = new TensorType("int32", [null, null]);
 * assert(batchedDotKernel(batchedDotOp.make([i.make(), i.make()], null)) === undefined); // ints: reference
 * ```
 */
export function batchedDotKernel(node: Apply): Kernel | undefined {
  if (!floatNode(node)) return undefined;
  const dtype = node.outputs[0].dtype;
  return ([a, b]) => {
    checkInner("batched_dot", node, a.shape, [0, a.ndim - 1], b.shape, [0, 1]);
    const batch = a.shape[0], k = b.shape[1];
    const n = a.ndim === 3 ? a.shape[1] : 1, m = b.ndim === 3 ? b.shape[2] : 1;
    const shape = [batch, ...(a.ndim === 3 ? [n] : []), ...(b.ndim === 3 ? [m] : [])];
    const ad = a.data as FloatArray, bd = b.data as FloatArray;
    return [withOutput(dtype, shape, (acc) => gemmBatched(batch, n, m, k, ad, n * k, bd, k * m, acc))];
  };
}

/** The tensordot node: one matrix product over (possibly strided) views. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensordotKernel } from "./matmul_kernels.ts";
 * import { tensordotOp } from "../../ops/tensordot.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { TensorType } from "../../core/graph.ts";
 * const t = new TensorType("float64", [null, null]);
 * const k = tensordotKernel(tensordotOp.make([t.make(), t.make()], { axesA: [0], axesB: [0] }))!;
 * const [c] = k([asarray([[1, 2]]).astype("float64"), asarray([[3, 4]]).astype("float64")]);
 * assert(c.toArray().toString() === "3,4,6,8");
 * ```
 */
export function tensordotKernel(node: Apply): Kernel | undefined {
  if (!floatNode(node)) return undefined;
  const dtype = node.outputs[0].dtype, params = node.params as TensordotParams;
  return ([a, b]) => {
    checkInner("tensordot", node, a.shape, params.axesA, b.shape, params.axesB);
    const { permA, permB, m, k, n, outShape } = tensordotLayout(a.shape, b.shape, params);
    const nFreeA = a.ndim - params.axesA.length;
    const va = matrixView(a, permA, nFreeA) ?? rowMajor(permuteCopy(a, permA).data as FloatArray, k);
    const vb = matrixView(b, permB, params.axesB.length) ??
      rowMajor(permuteCopy(b, permB).data as FloatArray, n);
    return [withOutput(dtype, outShape, (acc) => gemm(m, n, k, va, vb, acc))];
  };
}

/**
 * The outer node on floats: the reference rule's products (`a[i] * b[j]`, rounded once
 * to the output's dtype), into a buffer of the running program's pool instead of a
 * fresh zeroed array (a scan body's BPTT step makes one each step).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outerKernel } from "./matmul_kernels.ts";
 * import { outerOp } from "../../ops/dot.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * import { dvector } from "../../ops/constructors.ts";
 * const kernel = outerKernel(outerOp.make([dvector("a"), dvector("b")], null))!;
 * const [c] = kernel([asarray([1, 2], { dtype: "float64" }), asarray([3, 4, 5], { dtype: "float64" })]);
 * assert.deepEqual([...c.data], [3, 4, 5, 6, 8, 10]);
 * ```
 */
export function outerKernel(node: Apply): Kernel | undefined {
  if (!floatNode(node)) return undefined;
  const dtype = node.outputs[0].dtype;
  return ([a, b], pool) => {
    const n = a.size, m = b.size, x = a.data, y = b.data;
    const z = pool ? pool.take(dtype, n * m) : new STORAGE[dtype](n * m);
    for (let i = 0; i < n; i++) {
      const xi = x[i], row = i * m;
      for (let j = 0; j < m; j++) z[row + j] = xi * y[j];
    }
    return [new NDArray(dtype, [n, m], z)];
  };
}
