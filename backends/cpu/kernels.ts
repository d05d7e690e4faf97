/**
 * Faster CPU kernels than an op's reference `perform`, chosen by op name. The op
 * file's `perform` stays the reference that these kernels are tested against.
 * @module
 */
import type { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/variable.ts";
import { batchedDotKernel, dotKernel, tensordotKernel } from "./matmul_kernels.ts";

/** A kernel computing a node's outputs from its inputs' values. */
export type CpuKernel = (inputs: NDArray[]) => NDArray[];

/** Kernel factories by op name; a factory may decline a node by returning undefined. */
const FACTORIES: Record<string, (node: Apply) => CpuKernel | undefined> = {
  dot: dotKernel,
  batched_dot: batchedDotKernel,
  tensordot: tensordotKernel,
};

/** The fast kernel for a node, if any. */
export function cpuKernelFor(node: Apply): CpuKernel | undefined {
  return FACTORIES[node.op.name]?.(node);
}
