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
import { reshapeOp } from "../../ops/shape.ts";
import { shapeIOp, shapeOp } from "../../ops/shape_i.ts";
import { logSoftmaxOp, logsumexpOp, softmaxGradOp, softmaxOp } from "../../ops/softmax.ts";
import { softmaxWgsl } from "../../ops/softmax_wgsl.ts";
import { incSubtensorOp, subtensorOp } from "../../ops/subtensor.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import { prodOthersWgsl, tensordotWgsl } from "../../ops/tensordot_wgsl.ts";
import { mrgRandomOp } from "../../random/mrg_op.ts";
import { mrgWgsl } from "../../random/mrg_wgsl.ts";
import { numpyRandomOp } from "../../random/numpy_op.ts";
import { LoweringTable } from "../lowering_table.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
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
  .decline(numpyRandomOp, "NumPy-backed random ops run on the CPU (Mersenne Twister and NumPy's algorithms)");

// Issue 16, linear algebra and fft (h-linalg).
webgpuTable.decline(
  [matrixInverseOp, detOp, solveOp, solveTriangularOp, choleskyOp, eighOp, eigOp, qrOp, svdOp, expmOp],
  "host only: pivoting and convergence loops are sequential; the factorisation runs in a host segment",
);
webgpuTable.decline([rfftOp, irfftOp], "host only: the FFT runs in a host segment (no WGSL FFT yet)");
