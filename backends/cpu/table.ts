/**
 * The JS engine's lowering table. The JS engine runs every op that has a reference rule:
 * an elementwise op's scalar JS rule inside a generated loop (elemwise_codegen.ts), any
 * other op's `perform`. Its table holds what is faster than those (blocked matrix
 * products, reductions straight into pooled buffers), the ops that have no reference
 * rule (fused, scan), and the cost hints fusion reads.
 * @module
 */
import { NDArray } from "../../core/ndarray.ts";
import { STORAGE } from "../../core/dtype.ts";
import type { Apply, Op } from "../../core/graph.ts";
import { addOp, mulOp, negOp, sqrOp, subOp } from "../../ops/arith.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { divOp } from "../../ops/div.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { fillOp } from "../../ops/fill.ts";
import { fusedOp } from "../../ops/fused.ts";
import { maximumOp, minimumOp } from "../../ops/minmax.ts";
import {
  allOp,
  anyOp,
  argmaxOp,
  argminOp,
  groupKernelOf,
  isTrailing,
  maxOp,
  meanOp,
  minOp,
  prodOp,
  reducedShape,
  type ReduceParams,
  sumOp,
} from "../../ops/reduce.ts";
import { absOp } from "../../ops/rounding.ts";
import { scanOp } from "../../ops/scan/scan.ts";
import { logsumexpOp } from "../../ops/softmax.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import { copyOp } from "../../ops/copy.ts";
import { LoweringTable } from "../lowering_table.ts";
import type { Kernel, ProgramBuilder } from "../kernel.ts";
import { batchedDotKernel, dotKernel, outerKernel, tensordotKernel } from "./matmul_kernels.ts";
import { scanKernel } from "./scan_runner.ts";
// Issue 16, linear algebra (h-linalg).
import {
  detOp,
  detRule,
  inverseRule,
  matrixInverseOp,
  solveOp,
  solveRule,
} from "../../ops/linalg/nlinalg.ts";
import { svdOp, svdRule } from "../../ops/linalg/decomp.ts";
import { expmOp, expmRule } from "../../ops/linalg/expm.ts";
import type { Matmul } from "../../ops/linalg/lu_kernel.ts";
import type { ProductRule } from "../../ops/linalg/util.ts";
import { gemm, rowMajor } from "./matmul.ts";

/** How the JS engine runs one op, beyond its reference rule. */
export interface JsRule {
  /**
   * A kernel faster than the op's reference rule, or the only one (scan); undefined for
   * nodes it does not take (integer products run the reference). `build` compiles inner
   * graphs (a scan body).
   */
  kernel?: (node: Apply, build: ProgramBuilder) => Kernel | undefined;
  /** The fused op: one generated loop of its steps' scalar JS rules. */
  loop?: true;
  /**
   * Cost hint for fusion: a few arithmetic steps per element, cheaper to recompute in
   * every reader than to store once (a pass over memory and a node dispatch cost more).
   */
  cheap?: true;
}

/**
 * The engine's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsTable } from "./table.ts";
 * import { addOp } from "../../ops/arith.ts";
 * import { dotOp, outerOp } from "../../ops/dot.ts";
 * assert(jsTable.get(addOp)?.cheap && jsTable.get(dotOp)?.kernel);
 * ```
 */
export const jsTable: LoweringTable<JsRule> = new LoweringTable<JsRule>("js")
  .register([addOp, subOp, mulOp, divOp, negOp, sqrOp, absOp, fillOp, maximumOp, minimumOp], { cheap: true })
  .register(fusedOp, { loop: true })
  .register(dotOp, { kernel: dotKernel })
  .register(batchedDotOp, { kernel: batchedDotKernel })
  .register(tensordotOp, { kernel: tensordotKernel })
  .register([sumOp, maxOp, minOp, argmaxOp, argminOp, anyOp, allOp, meanOp, prodOp, logsumexpOp], {
    kernel: reductionKernel,
  })
  .register(scanOp, { kernel: (node, build) => scanKernel(node, build) })
  // Issue 16, shape and array ops (h-array).
  .register(copyOp, { cheap: true })
  // Issue 17, less work per scan step (h-scan): outer into a pooled buffer.
  .register(outerOp, { kernel: outerKernel });

/**
 * Whether the JS engine can run `op`: through its reference rule or its table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsRuns } from "./table.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * import { scanOp } from "../../ops/scan/scan.ts";
 * assert(jsRuns(expOp) && jsRuns(scanOp));
 * ```
 */
export function jsRuns(op: Op): boolean {
  return !!(op.scalar || op.perform || jsTable.get(op)?.kernel || jsTable.get(op)?.loop);
}

/** The op's reference `perform` as a kernel. */
const performOf = (node: Apply): Kernel => (vals) => node.op.perform!(vals, node.params, node);

/**
 * A reduction with a group kernel (ops/reduce.ts) over trailing axes, the common case,
 * runs that kernel straight into a pooled buffer: no copy, no fresh zeroed output.
 * Other axes, and empty groups (whose errors and identities `perform` knows), run
 * `perform`.
 */
function reductionKernel(node: Apply): Kernel | undefined {
  const kernel = groupKernelOf(node.op);
  if (!kernel) return undefined;
  const params = node.params as ReduceParams, dtype = node.outputs[0].dtype, perform = performOf(node);
  // A reduction over every axis without keepdims (a total) always has shape ().
  const total = !params.keepdims && params.axes.length === node.inputs[0].ndim
    ? Object.freeze([])
    : undefined;
  return (vals, pool) => {
    const x = vals[0];
    let m = 1;
    for (const a of params.axes) m *= x.shape[a];
    if (m === 0 || !isTrailing(params.axes, x.ndim)) return perform(vals);
    const outSize = x.size / m;
    const out = pool ? pool.take(dtype, outSize) : new STORAGE[dtype](outSize);
    kernel(x.data, outSize, m, out);
    return [new NDArray(dtype, total ?? reducedShape(x.shape, params), out)];
  };
}

// Issue 16, linear algebra (h-linalg): the reference rules whose work is mostly matrix
// products (the LU's trailing updates, expm's Padé products, the SVD's preconditioning)
// run with the blocked GEMM as their product.
const gemmProduct: Matmul = (a, b, n, k, m) => {
  const c = new Float64Array(n * m);
  gemm(n, m, k, rowMajor(a, k), rowMajor(b, m), c);
  return c;
};
const withGemm = (rule: ProductRule): JsRule => ({
  kernel: (node) => (vals) => rule(vals, node, gemmProduct),
});
jsTable
  .register(matrixInverseOp, withGemm(inverseRule))
  .register(detOp, withGemm(detRule))
  .register(solveOp, withGemm(solveRule))
  .register(expmOp, withGemm(expmRule))
  .register(svdOp, withGemm(svdRule));
