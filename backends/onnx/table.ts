/**
 * The ONNX engine's lowering table: for every op, the rule that writes it as ONNX
 * (opset 17) nodes, or why it cannot be. The onnx/ entry (`toOnnx`) walks a compiled
 * function's optimised graph through it; the rules themselves never touch protobuf.
 * @module
 */
import { DTYPES } from "../../core/dtype.ts";
import type { Apply, Op } from "../../core/graph.ts";
import { allocOp } from "../../ops/alloc.ts";
import { arangeOp, eyeOp } from "../../ops/arange.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { castOp } from "../../ops/cast.ts";
import { dimshuffleOp } from "../../ops/dimshuffle.ts";
import { dotOp, outerOp } from "../../ops/dot.ts";
import { fusedOp, type FusedParams, stepsOf } from "../../ops/fused.ts";
import { concatenateOp } from "../../ops/join.ts";
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
import { scanOp } from "../../ops/scan/scan.ts";
import { reshapeOp } from "../../ops/reshape.ts";
import { shapeIOp, shapeOp } from "../../ops/shape.ts";
import { logSoftmaxOp, logsumexpOp, softmaxGradOp, softmaxOp } from "../../ops/softmax.ts";
import { incSubtensorOp, subtensorOp } from "../../ops/subtensor.ts";
import { tensordotOp } from "../../ops/tensordot.ts";
import { mrgRandomOp } from "../../random/mrg_op.ts";
import { numpyRandomOp } from "../../random/numpy_op.ts";
import { LoweringTable } from "../lowering_table.ts";
import { castRule, ELEMWISE_RULES, lowerSteps } from "./elemwise.ts";
import * as N from "./nodes.ts";
import type { ElemwiseRule, NodeRule, OnnxGraph, OnnxRule, Val } from "./rule.ts";
import { scanRule } from "./scan.ts";
import * as X from "./extra.ts";
import * as C from "./cumulative.ts";
import * as I from "./indexing.ts";
import { advancedIncSubtensorOp, advancedSubtensorOp } from "../../ops/advanced_subtensor.ts";
import { bartlettOp } from "../../ops/bartlett.ts";
import { bincountOp } from "../../ops/bincount.ts";
import { cumprodOp, cumsumOp } from "../../ops/cumulative.ts";
import { linearRecurrenceOp } from "../../ops/linear_recurrence.ts";
import { fillDiagonalOp } from "../../ops/fill_diagonal.ts";
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
import { ravelMultiIndexOp, unravelIndexOp } from "../../ops/ravel_index.ts";
import { searchsortedOp, uniqueOp } from "../../ops/sorted.ts";
import { squeezeOp } from "../../ops/squeeze.ts";
import { ELEMENTARY_RULES } from "./elementary.ts";
import { ERFC_RULES } from "./erfc.ts";
import { CHI2SF_RULE, GAMMA_RULES } from "./gamma.ts";
import * as FFT from "./fft.ts";
import * as LA from "./linalg.ts";
import { irfftOp, rfftOp } from "../../ops/fft.ts";
import { eighOp, qrOp, svdOp } from "../../ops/linalg/decomp.ts";
import { eigOp } from "../../ops/linalg/eig.ts";
import { expmOp } from "../../ops/linalg/expm.ts";
import { choleskyOp, detOp, matrixInverseOp, solveOp, solveTriangularOp } from "../../ops/linalg/nlinalg.ts";
import { checkAlignedOp } from "../../ops/batched_tensordot.ts";
import { rebroadcastOp } from "../../ops/broadcast.ts";
import { checkLabelsOp } from "../../ops/check_labels.ts";
import { chooseCheckOp } from "../../ops/choose.ts";
import { chi2sfOp } from "../../ops/chi2sf.ts";
import { gradUndefinedOp } from "../../ops/grad_undefined.ts";
import { nonzeroOp } from "../../ops/nonzero.ts";
import { argsortOp, permuteAlongOp, sortOp } from "../../ops/sort.ts";
import { takeGradOp, takeOp } from "../../ops/take.ts";
import { repeatIndexOp } from "../../ops/tile_repeat.ts";

/** The rule of an elementwise op, or why there is none. */
function elemwiseRule(op: Op): ElemwiseRule | string {
  const r = onnxTable.get(op);
  if (r?.kind === "elemwise") return r;
  return onnxTable.reason(op) ?? "the ONNX table has no rule for it";
}

/** A fused group is written as the ops it fuses, step by step. */
const fusedRule: NodeRule = {
  kind: "node",
  lower(g, node, ins) {
    const { steps, output } = node.params as FusedParams;
    return [lowerSteps(g, steps, output, ins, elemwiseRule)];
  },
};

const RANDOM = "random draws have no ONNX counterpart that reproduces Hypatia's streams (ONNX's " +
  "RandomNormal/RandomUniform draw from the runtime's own generator, so the exported model would compute " +
  "something else); compile the function with the random values as inputs instead";

/**
 * The ONNX table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onnxTable } from "./table.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * import { mrgRandomOp } from "../../random/mrg_op.ts";
 * assert.equal(onnxTable.get(expOp)?.kind, "elemwise");
 * assert.match(onnxTable.reason(mrgRandomOp)!, /random/);
 * ```
 */
export const onnxTable: LoweringTable<OnnxRule> = new LoweringTable<OnnxRule>("onnx");
for (const [op, rule] of ELEMWISE_RULES) onnxTable.register(op, rule);
for (const d of DTYPES) onnxTable.register(castOp(d), castRule);
onnxTable
  .register(fusedOp, fusedRule)
  .register(dotOp, N.dotRule)
  .register(outerOp, N.outerRule)
  .register(batchedDotOp, N.batchedDotRule)
  .register(tensordotOp, N.tensordotRule)
  .register(sumOp, N.sumRule)
  .register(meanOp, N.meanRule)
  .register(prodOp, N.prodRule)
  .register(maxOp, N.maxRule)
  .register(minOp, N.minRule)
  .register(logsumexpOp, N.logsumexpRule)
  .register(anyOp, N.anyRule)
  .register(allOp, N.allRule)
  .register(argmaxOp, N.argmaxRule)
  .register(argminOp, N.argminRule)
  .register(reducedCountOp, N.reducedCountRule)
  .register(prodOthersOp, N.prodOthersRule)
  .register(softmaxOp, N.softmaxRule)
  .register(logSoftmaxOp, N.logSoftmaxRule)
  .register(softmaxGradOp, N.softmaxGradRule)
  .register(dimshuffleOp, N.dimshuffleRule)
  .register(reshapeOp, N.reshapeRule)
  .register(shapeOp, N.shapeRule)
  .register(shapeIOp, N.shapeIRule)
  .register(concatenateOp, N.concatenateRule)
  .register(allocOp, N.allocRule)
  .register(arangeOp, N.arangeRule)
  .register(eyeOp, N.eyeRule)
  .register(subtensorOp, N.subtensorRule)
  .register(incSubtensorOp, N.incSubtensorRule)
  .register(scanOp, scanRule)
  .decline([mrgRandomOp, numpyRandomOp], RANDOM);

// Issue 16's ops (extra_ops, advanced indexing, gradient helpers, Print).
onnxTable
  .register(squeezeOp, X.squeezeRule)
  .register(cumsumOp, C.cumsumRule)
  .register(cumprodOp, C.cumprodRule)
  .register(linearRecurrenceOp, C.linearRecurrenceRule)
  .register(bincountOp, X.bincountRule)
  .register(bartlettOp, X.bartlettRule)
  .register(fillDiagonalOp, X.fillDiagonalRule)
  .register(searchsortedOp, X.searchsortedRule)
  .register(uniqueOp, X.uniqueRule)
  .register(unravelIndexOp, I.unravelIndexRule)
  .register(ravelMultiIndexOp, I.ravelMultiIndexRule)
  .register(permuteRowElementsOp, I.permuteRowElementsRule)
  .register(advancedSubtensorOp, I.advancedSubtensorRule)
  .register(advancedIncSubtensorOp, I.advancedIncSubtensorRule)
  // Gradient markers are removed by canonicalisation; kept (FAST_COMPILE) they are their input.
  .register(
    [considerConstantOp, disconnectedGradOp, gradClipOp, gradScaleOp, undefinedGradOp, zeroGradOp],
    X.identityRule,
  )
  // The model cannot print: Print exports as its input.
  .register(printOp, X.identityRule);

// Issue 16's elementwise functions and array ops (merged later).
for (const [op, rule] of [...ELEMENTARY_RULES, ...ERFC_RULES, ...GAMMA_RULES]) onnxTable.register(op, rule);
onnxTable
  .register([sortOp], X.sortRule)
  .register(argsortOp, X.argsortRule)
  .register(permuteAlongOp, I.permuteAlongRule)
  .register(takeOp, I.takeRule)
  .register(takeGradOp, I.takeGradRule)
  .register(nonzeroOp, I.nonzeroRule)
  .register(repeatIndexOp, I.repeatIndexRule)
  // Run-time checks of their first input, which they pass on: the model passes it on unchecked.
  .register([rebroadcastOp, checkAlignedOp, checkLabelsOp, chooseCheckOp], X.identityRule)
  .register(chi2sfOp, CHI2SF_RULE)
  .decline(gradUndefinedOp, "a gradient that is not implemented: the function itself refuses to run");

// Issue 16's linear algebra and real FFTs.
onnxTable
  .register(rfftOp, FFT.rfftRule)
  .register(irfftOp, FFT.irfftRule)
  .register(detOp, FFT.detRule)
  .register(solveOp, LA.solveRule)
  .register(matrixInverseOp, LA.matrixInverseRule)
  .register(solveTriangularOp, LA.solveTriangularRule)
  .register(choleskyOp, LA.choleskyRule)
  .register(expmOp, LA.expmRule)
  .register(qrOp, LA.qrRule)
  .decline(
    [svdOp, eighOp, eigOp],
    "ONNX (opset 17) has no operator for SVD or eigen decompositions, and no graph of ONNX operators " +
      "for them is written (the eigen and singular value iterations run until they converge)",
  );

/**
 * The ONNX values of `node`'s outputs from its inputs' values: its rule, or its scalar
 * step for an elementwise op; an op without a rule is refused with the table's reason.
 */
export function lowerNode(g: OnnxGraph, node: Apply, inputs: Val[]): Val[] {
  const rule = onnxTable.get(node.op);
  if (!rule) g.refuse(onnxTable.reason(node.op) ?? "the ONNX table has no rule for it");
  if (rule.kind === "node") return rule.lower(g, node, inputs);
  const { steps, output } = stepsOf(node);
  return [lowerSteps(g, steps, output, inputs, elemwiseRule)];
}
