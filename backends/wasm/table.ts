/**
 * The WebAssembly SIMD engine's lowering table: every op the engine runs, with its rule
 * and cost hint, and why it does not run the others. This is the one place the engine
 * is told about ops (the "adding an op" walk-through in docs/ARCHITECTURE.md starts here).
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
import {
  expm1Op,
  expOp,
  log1mexpOp,
  log1pOp,
  log2Op,
  logaddexpOp,
  logOp,
  sqrtOp,
} from "../../ops/exp_log.ts";
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
import { advancedIncSubtensorOp, advancedSubtensorOp } from "../../ops/advanced_subtensor.ts";
import { bartlettOp } from "../../ops/bartlett.ts";
import { bincountOp } from "../../ops/bincount.ts";
import { cumprodOp, cumsumOp } from "../../ops/cumulative.ts";
import { linearRecurrenceOp } from "../../ops/linear_recurrence.ts";
import { fillDiagonalOp } from "../../ops/fill_diagonal.ts";
import { ravelMultiIndexOp, unravelIndexOp } from "../../ops/ravel_index.ts";
import { searchsortedOp, uniqueOp } from "../../ops/sorted.ts";
import { squeezeOp } from "../../ops/squeeze.ts";
// Issue 16, elementwise group.
import { arccoshOp, arcsinhOp, arctanhOp, coshOp, sinhOp } from "../../ops/hyperbolic.ts";
import { arccosOp, arcsinOp, arctan2Op, arctanOp } from "../../ops/inverse_trig.ts";
import { cbrtOp, exp2Op, hypotOp, log10Op, reciprocalOp } from "../../ops/elementary.ts";
import { isinfOp, isnanOp } from "../../ops/predicates.ts";
import { erfcinvOp, erfcOp, erfcxOp, erfinvOp } from "../../ops/erf_family.ts";
import { gammalnOp, gammaOp, psiOp, trigammaOp } from "../../ops/gamma.ts";
import { chi2sfOp } from "../../ops/chi2sf.ts";
import { gradUndefinedOp } from "../../ops/grad_undefined.ts";
import { checkLabelsOp } from "../../ops/check_labels.ts";
import { roundHalfAwayOp } from "../../ops/rounding.ts";
import { LoweringTable } from "../lowering_table.ts";
import { wasmCumulativeKernel } from "./cumulative.ts";
import { bin, un, type WasmRule } from "./lower.ts";
import { wasmBatchedDotKernel, wasmDotKernel } from "./kernels.ts";
import { wasmReduceKernel } from "./reduce.ts";
import { vexp, vexp2, vexpm1, vsigmoid, vtanh } from "./vmath.ts";
import { vacosh, vasinh, vatanh, vcosh, vsinh } from "./vhyperbolic.ts";
import { vlog, vlog10, vlog1mexp, vlog1p, vlog2, vlogaddexp, vsoftplus } from "./vlog.ts";
import { verf, verfc, verfcinv, verfcx, verfinv } from "./verf.ts";
import { vacos, vasin, vatan, vatan2 } from "./vatan.ts";
import { vcbrt, vhypot } from "./vroots.ts";
import { vgammaln, vpsi, vtrigamma } from "./vgamma.ts";
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
import { copyOp } from "../../ops/copy.ts";
import { wasmTakeKernel } from "./gather.ts";
import { checkAlignedOp } from "../../ops/batched_tensordot.ts";
import { wasmMrgKernel } from "./mrg.ts";
// Issue 16, linear algebra and fft (h-linalg).
import {
  choleskyOp,
  detOp,
  detRule,
  inverseRule,
  matrixInverseOp,
  solveOp,
  solveRule,
  solveTriangularOp,
} from "../../ops/linalg/nlinalg.ts";
import { eighOp, qrOp, svdOp, svdRule } from "../../ops/linalg/decomp.ts";
import { eigOp } from "../../ops/linalg/eig.ts";
import { expmOp, expmRule } from "../../ops/linalg/expm.ts";
import { withSimdGemm } from "./linalg.ts";
import { irfftOp, rfftOp } from "../../ops/fft.ts";

/**
 * The engine's table. Elementwise ops have a `vector` rule (one step of a group kernel,
 * elemwise.ts) and, when worth the copies into the arena, the `costly` hint; other ops a
 * `kernel` that wraps the next engine's kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmTable } from "./table.ts";
 * import { expOp } from "../../ops/exp_log.ts";
 * import { addOp } from "../../ops/arith.ts";
 * import { eqOp } from "../../ops/compare.ts";
 * assert(wasmTable.get(expOp)?.costly && !wasmTable.get(addOp)?.costly);
 * assert(wasmTable.get(eqOp) === undefined && wasmTable.reason(eqOp)!.includes("bool"));
 * ```
 */
export const wasmTable: LoweringTable<WasmRule> = new LoweringTable<WasmRule>("wasm")
  // Cheap arithmetic: lowered, so groups with a costly op can use it, but not costly.
  .register(addOp, { vector: bin("add") })
  .register(subOp, { vector: bin("sub") })
  .register(mulOp, { vector: bin("mul") })
  .register(divOp, { vector: bin("div") })
  .register(maximumOp, { vector: bin("max") })
  .register(minimumOp, { vector: bin("min") })
  .register(negOp, { vector: un("neg") })
  .register(absOp, { vector: un("abs") })
  .register(sqrtOp, { vector: un("sqrt") })
  .register(floorOp, { vector: un("floor") })
  .register(ceilOp, { vector: un("ceil") })
  .register(roundOp, { vector: un("nearest") })
  .register(sqrOp, { vector: (w, [a]) => w.get(a).get(a).f("mul") })
  .register(clipOp, { vector: (w, [x, lo, hi]) => w.get(x).get(lo).f("max").get(hi).f("min") })
  .register(signOp, {
    // (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : a): +0 for ±0, NaN kept.
    vector: (w, [a]) => {
      w.get(a).k(0).f("gt").k(1).op("v128.and").get(a).k(0).f("lt").k(-1).op("v128.and", "v128.or");
      const r = w.let();
      w.select(() => w.get(a), () => w.get(r), () => w.get(a).get(a).f("ne"));
    },
  })
  .register(fillOp, { vector: (w, [, v]) => w.get(v) })
  // Costly functions: a group with one of these is worth the trip through the arena.
  .register(expOp, { vector: (w, [a]) => vexp(w, a), costly: true })
  .register(expm1Op, { vector: (w, [a]) => vexpm1(w, a), costly: true })
  .register(logOp, { vector: (w, [a]) => vlog(w, a), costly: true })
  .register(log1pOp, { vector: (w, [a]) => vlog1p(w, a), costly: true })
  .register(log2Op, { vector: (w, [a]) => vlog2(w, a), costly: true })
  .register(tanhOp, { vector: (w, [a]) => vtanh(w, a), costly: true })
  .register(sigmoidOp, { vector: (w, [a]) => vsigmoid(w, a), costly: true })
  .register(softplusOp, { vector: (w, [a]) => vsoftplus(w, a), costly: true })
  .register(erfOp, { vector: (w, [a]) => verf(w, a), costly: true })
  // A fused node is a group: it runs here when every step has a vector rule (elemwise.ts).
  .register(fusedOp, { group: true })
  // Matrix products and the float reductions over trailing axes.
  .register(dotOp, { kernel: (node, js) => wasmDotKernel(node, js) })
  .register(batchedDotOp, { kernel: (node, js) => wasmBatchedDotKernel(node, js) })
  .register(sumOp, { kernel: (node, js) => wasmReduceKernel(node, "sum", js) })
  .register(maxOp, { kernel: (node, js) => wasmReduceKernel(node, "max", js) })
  .register(minOp, { kernel: (node, js) => wasmReduceKernel(node, "min", js) })
  .decline(
    [eqOp, neqOp, ltOp, leOp, gtOp, geOp, andOp, orOp, xorOp, invertOp, switchOp],
    "bool or integer lanes: a group kernel computes in one float dtype",
  )
  .decline(DTYPES.map(castOp), "a cast changes the lane type; a group kernel computes in one float dtype")
  .decline([intDivOp, modOp], "no vector lowering yet: a group with it runs the JS loop")
  .decline(
    powOp,
    "no vector rule yet: within an ulp of Math.pow, exp(y·log x) needs log x to about 2^-70 (a double-double log), which vlog.ts does not give; the JS loop runs it",
  )
  .decline(
    [sinOp, cosOp, tanOp],
    "no vector rule yet: vtrig.ts's sine and cosine reduce by π/2 in three parts, exact for |x| < 2^20·π/2 only; all arguments need a Payne–Hanek reduction (and NaN/±∞ handling); the JS loop runs them",
  )
  .decline([outerOp, tensordotOp], "no engine kernel yet: the JS cache-blocked GEMM runs it")
  .decline(
    [argmaxOp, argminOp, anyOp, allOp, meanOp, prodOp, prodOthersOp, logsumexpOp],
    "no SIMD reduction yet: the JS group kernel or the reference runs it",
  )
  .decline([softmaxOp, logSoftmaxOp, softmaxGradOp], "no SIMD kernel yet: the reference runs it")
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
    "layout, indexing and shape ops move data or read shapes: no arithmetic for SIMD to speed up",
  )
  .decline(scanOp, "the scan runner runs its body as a program of its own, whose nodes use this engine")
  .decline(
    numpyRandomOp,
    "NumPy's generators run their reference rule (Mersenne Twister, NumPy's algorithms)",
  )
  // Issue 17 (SIMD MRG31k3p): the MRG op with four substreams per vector, bit-identical to the reference.
  .register(mrgRandomOp, { kernel: (node, js) => wasmMrgKernel(node, js) })
  // Issue 16, advanced indexing (h-index).
  .decline(
    [advancedSubtensorOp, advancedIncSubtensorOp],
    "a gather/scatter by index moves whole rows with TypedArray.set (memcpy) or single elements: no arithmetic for SIMD",
  )
  // Issue 16, extra_ops (h-index).
  .register(cumsumOp, { kernel: (node, js) => wasmCumulativeKernel(node, "add", js) })
  .register(cumprodOp, { kernel: (node, js) => wasmCumulativeKernel(node, "mul", js) })
  .decline(
    linearRecurrenceOp,
    "a sequential recurrence per line, with a multiply-add a step: the JS loop runs it",
  )
  .decline(
    [
      fillDiagonalOp,
      squeezeOp,
      bincountOp,
      searchsortedOp,
      uniqueOp,
      unravelIndexOp,
      ravelMultiIndexOp,
      bartlettOp,
    ],
    "copies, counting, binary search, sorting and index arithmetic: no vector arithmetic for SIMD to speed up",
  )
  // Gradient helpers (issue 16, group "helpers").
  .decline(
    [zeroGradOp, considerConstantOp, disconnectedGradOp, undefinedGradOp, gradClipOp, gradScaleOp],
    "identities removed by the optimiser after differentiation; unoptimised (FAST_COMPILE) they pass the value on",
  )
  .decline(permuteRowElementsOp, "a row gather by an index permutation: no arithmetic for SIMD to speed up")
  .decline(printOp, "printing happens on the host: its reference rule prints and passes the value on")
  // Issue 16, elementwise group.
  .register(reciprocalOp, { vector: (w, [a]) => w.k(1).get(a).f("div") })
  .register(exp2Op, { vector: (w, [a]) => vexp2(w, a), costly: true })
  .register(sinhOp, { vector: (w, [a]) => vsinh(w, a), costly: true })
  .register(coshOp, { vector: (w, [a]) => vcosh(w, a), costly: true })
  .decline([isnanOp, isinfOp], "bool lanes: a group kernel computes in one float dtype")
  .register(logaddexpOp, { vector: (w, [a, b]) => vlogaddexp(w, a, b), costly: true })
  .register(log1mexpOp, { vector: (w, [a]) => vlog1mexp(w, a), costly: true })
  .decline(
    [gammaOp, chi2sfOp],
    "no vector rule yet (gammaln, psi and trigamma have one, vgamma.ts): gamma's Lanczos power t^(x - 1/2) wants a pow as accurate as V8's (a vector exp(e·log t) loses up to e·log t ulps), with exact products above 24 and integer factorials; chi2sf's incomplete-gamma series and continued fraction would each be every branch computed per lane; the JS loop runs them",
  )
  .decline(
    gradUndefinedOp,
    "it refuses to run on every engine: it stands for a gradient that is not implemented",
  )
  .decline(checkLabelsOp, "a check of integer labels: no arithmetic for SIMD to speed up")
  // Issue 16, shape and array ops (h-array).
  .decline(checkAlignedOp, "a length check on a relabelled view: it moves no data")
  .decline(rebroadcastOp, "a relabelled view: it moves no data")
  .decline([sortOp, argsortOp, permuteAlongOp], "comparison sorts and permutations: no arithmetic for SIMD")
  .register(copyOp, { vector: (w, [a]) => w.get(a) })
  .decline([chooseCheckOp, nonzeroOp], "integer checks and positions: no arithmetic for SIMD")
  .decline(repeatIndexOp, "integer positions counted out from the repeat counts: no arithmetic for SIMD")
  .decline(takeGradOp, "a scatter-add with repeated positions: the JS loop runs it")
  .register(takeOp, { kernel: (node, js) => wasmTakeKernel(node, js) });

// Issue 16, linear algebra and fft (h-linalg); the product-bound rules on the SIMD GEMM (h-lapack).
wasmTable
  .register(matrixInverseOp, { kernel: withSimdGemm(inverseRule) })
  .register(detOp, { kernel: withSimdGemm(detRule) })
  .register(solveOp, { kernel: withSimdGemm(solveRule) })
  .register(expmOp, { kernel: withSimdGemm(expmRule) })
  .register(svdOp, { kernel: withSimdGemm(svdRule) })
  .decline(
    [solveTriangularOp, choleskyOp, eighOp, eigOp, qrOp],
    "their JS reference has no matrix product to hand the SIMD GEMM (substitution, Cholesky, tridiagonal QL, Hessenberg QR and Householder loops); no SIMD kernel yet",
  );
wasmTable.decline([rfftOp, irfftOp], "the JS radix-2/Bluestein FFT runs it; no SIMD kernel yet")
  // Issue 16 item 4, vector rules for the remaining elementwise functions (h-vec).
  .register(log10Op, { vector: (w, [a]) => vlog10(w, a), costly: true })
  .register(hypotOp, { vector: (w, [a, b]) => vhypot(w, a, b), costly: true })
  .register(arcsinhOp, { vector: (w, [a]) => vasinh(w, a), costly: true })
  .register(arccoshOp, { vector: (w, [a]) => vacosh(w, a), costly: true })
  .register(arctanhOp, { vector: (w, [a]) => vatanh(w, a), costly: true })
  .register(arctanOp, { vector: (w, [a]) => vatan(w, a), costly: true })
  .register(arctan2Op, { vector: (w, [y, x]) => vatan2(w, y, x), costly: true })
  .register(arcsinOp, { vector: (w, [a]) => vasin(w, a), costly: true })
  .register(arccosOp, { vector: (w, [a]) => vacos(w, a), costly: true })
  .register(cbrtOp, { vector: (w, [a]) => vcbrt(w, a), costly: true })
  .register(erfcOp, { vector: (w, [a]) => verfc(w, a), costly: true })
  .register(erfcxOp, { vector: (w, [a]) => verfcx(w, a), costly: true })
  .register(erfinvOp, { vector: (w, [a]) => verfinv(w, a), costly: true })
  .register(erfcinvOp, { vector: (w, [a]) => verfcinv(w, a), costly: true })
  .register(gammalnOp, { vector: (w, [a]) => vgammaln(w, a), costly: true })
  .register(psiOp, { vector: (w, [a]) => vpsi(w, a), costly: true })
  .register(trigammaOp, { vector: (w, [a]) => vtrigamma(w, a), costly: true })
  .register(roundHalfAwayOp, {
    // trunc(a) + (|a - trunc(a)| >= 0.5 ? sign(a) : +0), the JS rule's sum (so -0.3 gives +0, as there).
    vector: (w, [a]) => {
      w.get(a).f("trunc");
      const r = w.let();
      w.get(r);
      w.get(a).k(0).f("gt").k(1).op("v128.and").get(a).k(0).f("lt").k(-1).op("v128.and", "v128.or");
      w.get(a).get(r).f("sub", "abs").k(0.5).f("ge").op("v128.and");
      w.f("add");
    },
  });
