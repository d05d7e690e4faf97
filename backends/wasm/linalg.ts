/**
 * The wasm engine's rules for the linear algebra ops whose reference rules spend most of
 * their time in matrix products (matrixInverse, det, solve: the LU's trailing updates and
 * blocked substitutions; expm: the Padé products; svd: the preconditioning product): the
 * same rules as the JS engine runs, given the SIMD GEMM (matmul.ts) as their product.
 * The rules compute in float64 whatever the node's dtype, so the product is the f64 one.
 * @module
 */
import { config } from "../../core/config.ts";
import type { Apply } from "../../core/graph.ts";
import { type Matmul, matmul } from "../../ops/linalg/lu_kernel.ts";
import type { ProductRule } from "../../ops/linalg/util.ts";
import type { Kernel, MatrixView } from "../kernel.ts";
import { SMALL_PRODUCT } from "./kernels.ts";
import { type MatmulEngine, matmulEngine, wasmGemm } from "./matmul.ts";

const view = (data: Float64Array, cols: number): MatrixView => ({
  data,
  offset: 0,
  rowStride: cols,
  colStride: 1,
});

/** The SIMD product as a Matmul; tiny products, and any the arena cannot hold, run the reference loop. */
function simdProduct(e: MatmulEngine): Matmul {
  return (a, b, n, k, m) => {
    if (n * k * m < SMALL_PRODUCT) return matmul(a, b, n, k, m);
    const c = new Float64Array(n * m);
    return wasmGemm(e, n, m, k, view(a, k), view(b, m), c) ? c : matmul(a, b, n, k, m);
  };
}

/**
 * The wasm rule of a product-bound linear algebra op: `rule` with the SIMD GEMM, or
 * `fallback` (the JS engine's kernel) where the engine is off or has no SIMD.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withSimdGemm } from "./linalg.ts";
 * import { inverseRule, matrixInverseOp } from "../../ops/linalg/nlinalg.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * import * as T from "../../mod.ts";
 * const node = matrixInverseOp.make([T.dmatrix()], null);
 * const kernel = withSimdGemm(inverseRule)(node, (v) => node.op.perform!(v, null, node));
 * const [inv] = kernel([new NDArray("float64", [2, 2], new Float64Array([2, 0, 0, 4]))]);
 * assert.deepEqual(inv.toArray(), [[0.5, 0], [0, 0.25]]);
 * ```
 */
export function withSimdGemm(rule: ProductRule): (node: Apply, fallback: Kernel) => Kernel {
  return (node, fallback) => {
    const e = config.wasm ? matmulEngine("f64") : undefined;
    if (!e) return fallback;
    const product = simdProduct(e);
    return (vals) => rule(vals, node, product);
  };
}
