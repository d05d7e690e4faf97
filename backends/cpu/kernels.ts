/**
 * Faster CPU kernels than an op's reference `perform`, chosen by op name. The op
 * file's `perform` stays the reference that these kernels are tested against.
 * @module
 */
import { NDArray } from "../../core/ndarray.ts";
import { STORAGE } from "../../core/dtype.ts";
import type { Apply } from "../../core/variable.ts";
import { groupKernelOf, reducedShape, type ReduceParams } from "../../ops/reduce.ts";
import { isTrailing } from "../../ops/reduce_layout.ts";
import { batchedDotKernel, dotKernel, tensordotKernel } from "./matmul_kernels.ts";
import type { buildCpuProgram } from "./program.ts";
import { scanKernel } from "./scan_runner.ts";
import { type Kernel, wasmBatchedDotKernel, wasmDotKernel } from "../wasm/kernels.ts";
import { wasmReduceKernel } from "../wasm/reduce.ts";

/**
 * A kernel computing a node's outputs from its inputs' values; it may take its output
 * buffers from the running program's `pool` (they go back there when they die). The
 * engine's kernels (backends/wasm/kernels.ts) have the same type.
 */
export type CpuKernel = Kernel;

/** Builds CPU programs: given by program.ts (which imports this file) to kernels that run a body graph. */
export type ProgramBuilder = typeof buildCpuProgram;

/** Kernel factories by op name; a factory may decline a node by returning undefined. */
const FACTORIES: Record<string, (node: Apply, build?: ProgramBuilder) => CpuKernel | undefined> = {
  // WebAssembly SIMD where available and config.wasm is on; the JS kernel otherwise.
  dot: (node) => wasmDotKernel(node, dotKernel(node)),
  batched_dot: (node) => wasmBatchedDotKernel(node, batchedDotKernel(node)),
  tensordot: tensordotKernel,
  // SIMD sum/max/min over trailing axes of float arrays; the group kernel (sum, max and min
  // all have one) or perform otherwise.
  sum: (node) => wasmReduceKernel(node, "sum", reductionKernel(node)!),
  max: (node) => wasmReduceKernel(node, "max", reductionKernel(node)!),
  min: (node) => wasmReduceKernel(node, "min", reductionKernel(node)!),
  scan: scanKernel,
};

/** The op's reference `perform` as a kernel. */
const performOf = (node: Apply): CpuKernel => (vals) => node.op.perform!(vals, node.params, node);

/** The fast kernel for a node, if any (`build` compiles inner graphs, e.g. a scan body). */
export function cpuKernelFor(node: Apply, build?: ProgramBuilder): CpuKernel | undefined {
  const factory = FACTORIES[node.op.name];
  return factory ? factory(node, build) : reductionKernel(node);
}

/**
 * A reduction with a group kernel (ops/reduce.ts) over trailing axes, the common case,
 * runs that kernel straight into a pooled buffer: no copy, no fresh zeroed output.
 * Other axes, and empty groups (whose errors and identities `perform` knows), run
 * `perform`. Undefined for ops without a group kernel.
 */
function reductionKernel(node: Apply): CpuKernel | undefined {
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
