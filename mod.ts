/**
 * Hypatia: symbolic tensors for scientific scripts, in the tradition of Theano.
 * Declare variables, build expressions, differentiate them, compile them.
 *
 * ```ts
 * import * as T from "./mod.ts";
 * const x = T.dmatrix("x");
 * const s = T.div(1, T.add(1, T.exp(T.neg(x))));
 * const f = T.function([x], s);
 * console.log(f([[0, 1], [-1, -2]]).toString());
 * ```
 * @module
 */
export { config } from "./core/config.ts";
export type { Config, DeviceName } from "./core/config.ts";
export type { DType, TypedArray } from "./core/dtype.ts";
export {
  DeviceError,
  GradError,
  HypatiaError,
  HypatiaTypeError,
  InputError,
  ShapeError,
} from "./core/errors.ts";
export { asarray, NDArray } from "./core/ndarray.ts";
export type { ArrayLike, NestedArray } from "./core/ndarray.ts";
export {
  Apply,
  type Axis,
  type AxisOptions,
  Constant,
  type Dim,
  type JVP,
  type Op,
  type OpSpec,
  type Rewrite,
  type ScalarRule,
  type SliceArg,
  type TensorLike,
  type TensorMethods,
  TensorType,
  Variable,
  type VJP,
} from "./core/graph.ts";
export { constant } from "./core/constant.ts";
export { shared, SharedVariable } from "./core/shared.ts";
export type { SharedOptions, SharedStorage } from "./core/shared.ts";
export { debugprint, graphMimeBundle, pp } from "./core/printing.ts";
export { arrayHtml, arrayMimeBundle } from "./core/display_array.ts";
export type { MimeBundle } from "./core/display_array.ts";
export type { Printable } from "./core/format.ts";
export type { HasGraph } from "./core/printing.ts";
export * from "./ops/mod.ts";
export { grad } from "./autodiff/grad.ts";
export type { GradOptions } from "./autodiff/grad.ts";
export { scan } from "./autodiff/scan.ts";
export type { OutputInfo, ScanOptions, ScanReturn, ScanUpdates, SequenceInfo } from "./autodiff/scan.ts";
export { Lop, Rop } from "./autodiff/rop.ts";
export type { LopOptions, RopOptions } from "./autodiff/rop.ts";
export { hessian, jacobian } from "./autodiff/jacobian.ts";
export type { JacobianOptions } from "./autodiff/jacobian.ts";
export { compileFunction as compile, compileFunction as function } from "./compile/function.ts";
export type {
  AnyCompiledFunction,
  AsyncCompiledFunction,
  AsyncFunctionOptions,
  CompiledFunction,
  CopyOptions,
  CpuFunctionOptions,
  FunctionMaker,
  FunctionOptions,
} from "./compile/function.ts";
export type { Pairs } from "./compile/updates.ts";
export type { Mode } from "./compile/pipeline.ts";
export type { Placement } from "./backends/webgpu/program.ts";
export { DeviceArray } from "./backends/webgpu/device_array.ts";
export { engineArray } from "./backends/wasm/engine_array.ts";
export { In } from "./compile/in.ts";
export * as testing from "./testing.ts";
export { seededRandom, verifyGrad } from "./compile/verify_grad.ts";
export type { VerifyGradOptions } from "./compile/verify_grad.ts";
export * from "./random/mod.ts";
// Issue 16, group "helpers".
export { subgraphGrad } from "./autodiff/subgraph_grad.ts";
export type {
  SubgraphGradDetails,
  SubgraphGradOptions,
  SubgraphGradResult,
} from "./autodiff/subgraph_grad.ts";
export { foldl, foldr, map, reduce, scanCheckpoints } from "./autodiff/scan_helpers.ts";
export type {
  MapOptions,
  ReduceLoopOptions,
  ScanCheckpointsOptions,
  ScanNonSequences,
  ScanOutputsInfo,
  ScanSequences,
  ScanStepFn,
} from "./autodiff/scan_helpers.ts";
export { Out } from "./compile/out.ts";
export type { OutOptions } from "./compile/out.ts";
// Issue 17: the native BLAS engine.
export { engineReport } from "./compile/schedule.ts";
export type { EngineName, EngineReport } from "./compile/schedule.ts";
