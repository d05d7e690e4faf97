/**
 * The WebGPU engine's lowering table: the kernel template of each op it runs (the
 * templates are written beside the ops, in ops/*_wgsl.ts, so that an op's WGSL stays
 * next to its meaning), the ops it handles without a kernel, and why it does not run
 * the others. Elementwise ops need no entry: the engine's code generator (codegen.ts)
 * stitches their scalar WGSL expressions into one kernel per fused group.
 * @module
 */
import { allocOp } from "../../ops/alloc.ts";
import { arangeOp, eyeOp } from "../../ops/arange.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { dimshuffleOp } from "../../ops/dimshuffle.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { matmulWgsl } from "../../ops/dot_wgsl.ts";
import { fusedOp } from "../../ops/fused.ts";
import { arangeWgsl, eyeWgsl, incSubtensorWgsl } from "../../ops/index_wgsl.ts";
import { concatenateOp } from "../../ops/join.ts";
import {
  allocWgsl,
  concatenateWgsl,
  dimshuffleWgsl,
  reshapeWgsl,
  subtensorWgsl,
} from "../../ops/layout_wgsl.ts";
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
import { reduceWgsl } from "../../ops/reduce_wgsl.ts";
import { scanOp } from "../../ops/scan/scan.ts";
import { reshapeOp } from "../../ops/reshape.ts";
import { shapeIOp, shapeOp } from "../../ops/shape.ts";
import { logSoftmaxOp, logsumexpOp, softmaxGradOp, softmaxOp } from "../../ops/softmax.ts";
import { softmaxWgsl } from "../../ops/softmax_wgsl.ts";
import { incSubtensorOp, subtensorOp } from "../../ops/subtensor.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import { prodOthersWgsl, tensordotWgsl } from "../../ops/tensordot_wgsl.ts";
import { mrgRandomOp } from "../../random/mrg_op.ts";
import { mrgWgsl } from "../../random/mrg_wgsl.ts";
import { numpyRandomOp } from "../../random/numpy_op.ts";
import { advancedIncSubtensorOp, advancedSubtensorOp } from "../../ops/advanced_subtensor.ts";
import { bartlettOp } from "../../ops/bartlett.ts";
import { bincountOp } from "../../ops/bincount.ts";
import { cumprodOp, cumsumOp } from "../../ops/cumulative.ts";
import { linearRecurrenceOp } from "../../ops/linear_recurrence.ts";
import { cumulativeWgsl } from "../../ops/cumulative_wgsl.ts";
import { fillDiagonalWgsl, squeezeWgsl } from "../../ops/extra_ops_wgsl.ts";
import { fillDiagonalOp } from "../../ops/fill_diagonal.ts";
import { ravelMultiIndexOp, unravelIndexOp } from "../../ops/ravel_index.ts";
import { searchsortedOp, uniqueOp } from "../../ops/sorted.ts";
import { squeezeOp } from "../../ops/squeeze.ts";
import { gradUndefinedOp } from "../../ops/grad_undefined.ts";
import { checkLabelsOp } from "../../ops/check_labels.ts";
import { LoweringTable } from "../lowering_table.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import {
  considerConstantOp,
  disconnectedGradOp,
  gradClipOp,
  gradScaleOp,
  undefinedGradOp,
  zeroGradOp,
} from "../../ops/grad_helpers.ts";
import { permuteRowElementsOp } from "../../ops/permute_row_elements.ts";
import { printOp } from "../../ops/print.ts";
// Issue 16, shape and array ops (h-array).
import { rebroadcastOp } from "../../ops/broadcast.ts";
import { takeGradOp, takeOp } from "../../ops/take.ts";
import { argsortOp, permuteAlongOp, sortOp } from "../../ops/sort.ts";
import { repeatIndexOp } from "../../ops/tile_repeat.ts";
import { chooseCheckOp } from "../../ops/choose.ts";
import { nonzeroOp } from "../../ops/nonzero.ts";
import { checkAlignedWgsl, rebroadcastWgsl, takeWgsl } from "../../ops/array_wgsl.ts";
import { checkAlignedOp } from "../../ops/batched_tensordot.ts";
// Issue 16, linear algebra and fft (h-linalg).
import { choleskyOp, detOp, matrixInverseOp, solveOp, solveTriangularOp } from "../../ops/linalg/nlinalg.ts";
import { eighOp, qrOp, svdOp } from "../../ops/linalg/decomp.ts";
import { eigOp } from "../../ops/linalg/eig.ts";
import { expmOp } from "../../ops/linalg/expm.ts";
import { irfftOp, rfftOp } from "../../ops/fft.ts";

/** How the WebGPU engine runs one (non-elementwise) op. */
export interface WebgpuRule {
  /** The op's kernel template: the passes of each call (kernel_template.ts). */
  template?: WgslKernelTemplate;
  /**
   * The op reads only its inputs' shapes: computed on the host from the shapes the
   * program tracks, with no kernel and no transfer.
   */
  host?: true;
  /** The fused op: one generated kernel of its steps' WGSL expressions (codegen.ts). */
  group?: true;
  /** The scan op: its body recorded at every step (scan_gpu.ts) when every body node runs here. */
  scan?: true;
}

/** A template as a rule; `P` ties the template to its op's params. */
function kernel<P>(template: WgslKernelTemplate<P>): WebgpuRule {
  return { template: template as WgslKernelTemplate };
}

/**
 * The engine's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webgpuTable } from "./table.ts";
 * import { dotOp } from "../../ops/dot.ts";
 * import { numpyRandomOp } from "../../random/numpy_op.ts";
 * assert(webgpuTable.get(dotOp)?.template !== undefined);
 * assert(webgpuTable.get(numpyRandomOp) === undefined && /NumPy/.test(webgpuTable.reason(numpyRandomOp)!));
 * ```
 */
export const webgpuTable: LoweringTable<WebgpuRule> = new LoweringTable<WebgpuRule>("webgpu")
  .register(fusedOp, { group: true })
  .register(scanOp, { scan: true })
  .register([shapeOp, shapeIOp, reducedCountOp], { host: true })
  .register(dotOp, kernel(matmulWgsl("dot")))
  .register(outerOp, kernel(matmulWgsl("outer")))
  .register(batchedDotOp, kernel(matmulWgsl("batched")))
  .register(tensordotOp, kernel(tensordotWgsl))
  .register(prodOthersOp, kernel(prodOthersWgsl))
  .register(sumOp, kernel(reduceWgsl("sum")))
  .register(maxOp, kernel(reduceWgsl("max")))
  .register(minOp, kernel(reduceWgsl("min")))
  .register(argmaxOp, kernel(reduceWgsl("argmax")))
  .register(argminOp, kernel(reduceWgsl("argmin")))
  .register(anyOp, kernel(reduceWgsl("any")))
  .register(allOp, kernel(reduceWgsl("all")))
  .register(meanOp, kernel(reduceWgsl("mean")))
  .register(prodOp, kernel(reduceWgsl("prod")))
  .register(logsumexpOp, kernel(reduceWgsl("logsumexp")))
  .register(softmaxOp, kernel(softmaxWgsl("softmax")))
  .register(logSoftmaxOp, kernel(softmaxWgsl("log_softmax")))
  .register(softmaxGradOp, kernel(softmaxWgsl("softmax_grad")))
  .register(reshapeOp, kernel(reshapeWgsl))
  .register(dimshuffleOp, kernel(dimshuffleWgsl))
  .register(allocOp, kernel(allocWgsl))
  .register(concatenateOp, kernel(concatenateWgsl))
  .register(subtensorOp, kernel(subtensorWgsl))
  .register(incSubtensorOp, kernel(incSubtensorWgsl))
  .register(arangeOp, kernel(arangeWgsl))
  .register(eyeOp, kernel(eyeWgsl))
  .register(mrgRandomOp, kernel(mrgWgsl))
  .decline(numpyRandomOp, "NumPy-backed random ops run on the CPU (Mersenne Twister and NumPy's algorithms)")
  // Issue 16, advanced indexing (h-index).
  .decline(
    [advancedSubtensorOp, advancedIncSubtensorOp],
    "the positions come from index values and masks (data-dependent shapes, out-of-range errors): planned on the host",
  )
  // Issue 16, extra_ops (h-index).
  .register(cumsumOp, kernel(cumulativeWgsl("+")))
  .register(cumprodOp, kernel(cumulativeWgsl("*")))
  .decline(linearRecurrenceOp, "the recurrence behind cumprod's derivatives has no WGSL kernel yet")
  .decline(
    [bincountOp, uniqueOp, unravelIndexOp, ravelMultiIndexOp, searchsortedOp],
    "data-dependent lengths or errors found while reading the values (negative bins, indices out of range): host",
  )
  .register(fillDiagonalOp, kernel(fillDiagonalWgsl))
  .register(squeezeOp, kernel(squeezeWgsl))
  .decline(bartlettOp, "its values are float64, which WGSL has no type for")
  // Gradient helpers (issue 16, group "helpers").
  .decline(
    [zeroGradOp, considerConstantOp, disconnectedGradOp, undefinedGradOp, gradClipOp, gradScaleOp],
    "identities removed by the optimiser after differentiation; unoptimised (FAST_COMPILE) the host passes the value on",
  )
  .decline(
    permuteRowElementsOp,
    "permutations are int64 (WGSL has no 64-bit integers) and come from the NumPy streams, which run on the CPU",
  )
  .decline(
    printOp,
    "printing needs the value on the host: the node runs there, reading the value back (one transfer each way), which is what a user printing a value asks for",
  )
  // Issue 16.
  .decline(
    gradUndefinedOp,
    "it refuses to run on every engine: it stands for a gradient that is not implemented",
  )
  .decline(
    checkLabelsOp,
    "it may throw a user's error, which a GPU kernel cannot: the labels are checked on the host",
  )
  // Issue 16, shape and array ops (h-array).
  .register(rebroadcastOp, kernel(rebroadcastWgsl))
  .decline(
    [sortOp, argsortOp, permuteAlongOp],
    "a GPU sort needs a bitonic or radix network, not written: sorts and int64 positions run on the host",
  )
  .decline(
    chooseCheckOp,
    'an index out of range is reported from the host ("wrap" and "clip" modes run here)',
  )
  .decline(
    nonzeroOp,
    "its length is the number of nonzero elements, known only after counting: computed on the host",
  )
  .decline(
    repeatIndexOp,
    "its length is the counts' sum, known only after reading them: computed on the host",
  )
  .decline(takeGradOp, "a scatter-add where indices repeat needs float atomic adds, which WGSL lacks")
  .register(takeOp, kernel(takeWgsl))
  .register(checkAlignedOp, kernel(checkAlignedWgsl));

// Issue 16, linear algebra and fft (h-linalg).
webgpuTable.decline(
  [matrixInverseOp, detOp, solveOp, solveTriangularOp, choleskyOp, eighOp, eigOp, qrOp, svdOp, expmOp],
  "host only: pivoting and convergence loops are sequential; the factorisation runs in a host segment",
);
webgpuTable.decline([rfftOp, irfftOp], "host only: the FFT runs in a host segment (no WGSL FFT yet)");
