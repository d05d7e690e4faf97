/**
 * Faster CPU kernels than an op's reference `perform`, chosen by op name. The op
 * file's `perform` stays the reference that these kernels are tested against.
 * @module
 */
import type { Apply } from "../../core/variable.ts";
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
  // SIMD sum/max/min over trailing axes of float arrays; the op's perform otherwise.
  sum: (node) => wasmReduceKernel(node, "sum", performOf(node)),
  max: (node) => wasmReduceKernel(node, "max", performOf(node)),
  min: (node) => wasmReduceKernel(node, "min", performOf(node)),
  scan: scanKernel,
};

/** The op's reference `perform` as a kernel. */
const performOf = (node: Apply): CpuKernel => (vals) => node.op.perform!(vals, node.params, node);

/** The fast kernel for a node, if any (`build` compiles inner graphs, e.g. a scan body). */
export function cpuKernelFor(node: Apply, build?: ProgramBuilder): CpuKernel | undefined {
  return FACTORIES[node.op.name]?.(node, build);
}
