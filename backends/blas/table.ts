/**
 * The native BLAS engine's lowering table: the matrix products it runs through the
 * system's BLAS (library.ts, kernels.ts), the factorisations it runs through the
 * library's LAPACK (factor_kernels.ts), and why it does not run the other ops. The
 * scheduler (compile/schedule.ts) puts the engine in front of wasm on the host; a node
 * it has no rule for, or does not take at run time, goes to wasm, then to JS.
 * @module
 */
import { DTYPES } from "../../core/dtype.ts";
import { addOp, intDivOp, modOp, mulOp, negOp, sqrOp, subOp } from "../../ops/arith.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { castOp } from "../../ops/cast.ts";
import { andOp, eqOp, geOp, gtOp, invertOp, leOp, ltOp, neqOp, orOp, xorOp } from "../../ops/compare.ts";
import { dimshuffleOp } from "../../ops/dimshuffle.ts";
import { divOp } from "../../ops/div.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { expm1Op, expOp, log1pOp, log2Op, logOp, sqrtOp } from "../../ops/exp_log.ts";
import { fillOp } from "../../ops/fill.ts";
import { fusedOp } from "../../ops/fused.ts";
import { concatenateOp } from "../../ops/join.ts";
import { clipOp, maximumOp, minimumOp } from "../../ops/minmax.ts";
import { powOp } from "../../ops/pow.ts";
import {
  allOp,
  anyOp,
  argmaxOp,
  argminOp,
  maxOp,
  meanOp,
  minOp,
  prodOp,
  prodOthersOp,
  reducedCountOp,
  sumOp,
} from "../../ops/reduce.ts";
import { absOp, ceilOp, floorOp, roundOp, signOp } from "../../ops/rounding.ts";
import { scanOp } from "../../ops/scan/scan.ts";
import { reshapeOp } from "../../ops/reshape.ts";
import { shapeIOp, shapeOp } from "../../ops/shape.ts";
import { sigmoidOp, softplusOp } from "../../ops/sigmoid.ts";
import { logSoftmaxOp, logsumexpOp, softmaxGradOp, softmaxOp } from "../../ops/softmax.ts";
import { erfOp } from "../../ops/special.ts";
import { incSubtensorOp, subtensorOp } from "../../ops/subtensor.ts";
import { switchOp } from "../../ops/switch.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import { cosOp, sinOp, tanhOp, tanOp } from "../../ops/trig.ts";
import { allocOp } from "../../ops/alloc.ts";
import { arangeOp, eyeOp } from "../../ops/arange.ts";
import { mrgRandomOp } from "../../random/mrg_op.ts";
import { numpyRandomOp } from "../../random/numpy_op.ts";
import type { Apply } from "../../core/graph.ts";
import { LoweringTable } from "../lowering_table.ts";
import type { Kernel } from "../kernel.ts";
import { blasBatchedDotKernel, blasDotKernel, blasOuterKernel, blasTensordotKernel } from "./kernels.ts";
// Issue 17 item 2, the factorisations on LAPACK (h-lapack).
import { choleskyOp, detOp, matrixInverseOp, solveOp, solveTriangularOp } from "../../ops/linalg/nlinalg.ts";
import { eighOp, qrOp, svdOp } from "../../ops/linalg/decomp.ts";
import {
  lapackCholeskyKernel,
  lapackDetKernel,
  lapackEighKernel,
  lapackInverseKernel,
  lapackQrKernel,
  lapackSolveKernel,
  lapackSvdKernel,
  lapackTriangularKernel,
} from "./factor_kernels.ts";

/** How the BLAS engine runs one op. */
export interface BlasRule {
  /**
   * The node's kernel, running `fallback` (the next engine's kernel) for the cases it
   * does not take at run time (tiny products), or `fallback` itself when the node does
   * not suit the engine (mixed or integer dtypes, no library, `config.blas` off).
   */
  kernel: (node: Apply, fallback: Kernel) => Kernel;
}

/**
 * The engine's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasTable } from "./table.ts";
 * import { dotOp } from "../../ops/dot.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * assert(blasTable.get(dotOp)?.kernel);
 * assert(blasTable.get(expOp) === undefined && blasTable.reason(expOp)!.includes("elementwise"));
 * ```
 */
export const blasTable: LoweringTable<BlasRule> = new LoweringTable<BlasRule>("blas")
  .register(dotOp, { kernel: blasDotKernel })
  .register(batchedDotOp, { kernel: blasBatchedDotKernel })
  .register(tensordotOp, { kernel: blasTensordotKernel })
  .decline(
    [
      addOp,
      subOp,
      mulOp,
      divOp,
      intDivOp,
      modOp,
      negOp,
      sqrOp,
      powOp,
      maximumOp,
      minimumOp,
      clipOp,
      absOp,
      signOp,
      floorOp,
      ceilOp,
      roundOp,
      sqrtOp,
      expOp,
      expm1Op,
      logOp,
      log1pOp,
      log2Op,
      sinOp,
      cosOp,
      tanOp,
      tanhOp,
      sigmoidOp,
      softplusOp,
      erfOp,
      fillOp,
      switchOp,
      eqOp,
      neqOp,
      ltOp,
      leOp,
      gtOp,
      geOp,
      andOp,
      orOp,
      xorOp,
      invertOp,
      fusedOp,
      ...DTYPES.map(castOp),
    ],
    "elementwise: BLAS has no such routine; the wasm engine's group kernels run it",
  )
  .decline(
    [sumOp, maxOp, minOp, meanOp, prodOp, prodOthersOp, argmaxOp, argminOp, anyOp, allOp, logsumexpOp],
    "reductions: BLAS's ASUM/NRM2 are not sums; the wasm or JS reduction kernels run them",
  )
  .decline([softmaxOp, logSoftmaxOp, softmaxGradOp], "no BLAS routine: the reference runs it")
  .decline(
    [
      allocOp,
      arangeOp,
      eyeOp,
      dimshuffleOp,
      reshapeOp,
      concatenateOp,
      subtensorOp,
      incSubtensorOp,
      shapeOp,
      shapeIOp,
      reducedCountOp,
    ],
    "layout, indexing and shape ops move data or read shapes: no arithmetic for BLAS",
  )
  .decline(scanOp, "the scan runner runs its body as a program of its own, whose products use this engine")
  .decline([mrgRandomOp, numpyRandomOp], "random draws run their reference rule (bit-exact with Theano's)")
  // Issue 17 item 2, the factorisations on LAPACK (h-lapack).
  .register(matrixInverseOp, { kernel: lapackInverseKernel })
  .register(detOp, { kernel: lapackDetKernel })
  .register(solveOp, { kernel: lapackSolveKernel })
  .register(solveTriangularOp, { kernel: lapackTriangularKernel })
  .register(choleskyOp, { kernel: lapackCholeskyKernel })
  .register(eighOp, { kernel: lapackEighKernel })
  .register(svdOp, { kernel: lapackSvdKernel })
  .register(qrOp, { kernel: lapackQrKernel })
  // Issue 17 item 5, less work per scan step (h-scan): outer on GER (a BPTT step's weight
  // gradient; the JS loop took 0.8 ns an element, GER about a tenth of that).
  .register(outerOp, { kernel: blasOuterKernel })
  // The engine's domain is closed: matrix products and the LAPACK factorisations above. Any
  // other op, present or future, goes to wasm or JS (eig and expm too: eig's complex pairs
  // and expm's Padé steps are not one LAPACK call; the JS engine runs expm on its GEMM).
  .declineRest(
    "not a matrix product or a LAPACK factorisation: BLAS/LAPACK do not apply; the wasm or JS engine runs it",
  );
