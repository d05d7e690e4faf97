/**
 * What the host program runs (program.ts) and what its kernels are: the types shared by
 * the program, the JS engine's table and the scan runner, kept here so none of them
 * imports another for a type.
 * @module
 */
import type { TypedArray } from "../../core/dtype.ts";
import type { NDArray } from "../../core/ndarray.ts";
import type { Apply, Variable } from "../../core/graph.ts";
import type { Kernel } from "../kernel.ts";

/**
 * A kernel computing a node's outputs from its inputs' values; it may take its output
 * buffers from the running program's `pool` (they go back there when they die). The
 * wasm engine's kernels have the same type.
 */
export type CpuKernel = Kernel;

/** A compiled node of a host program: reads slots, writes slots. */
export interface HostStep {
  readonly node: Apply;
  readonly ins: readonly number[];
  readonly outs: readonly number[];
}

/** A runnable schedule for a set of outputs given values for its root variables. */
export interface CpuProgram {
  /** Slots of the root variables, in the order `run` takes their values. */
  readonly roots: readonly Variable[];
  readonly steps: readonly HostStep[];
  /** Compute the outputs (positions `wanted`, default all) from the roots' values. */
  run(rootValues: readonly NDArray[], wanted?: readonly number[]): NDArray[];
  /** Take a buffer nothing else holds (a replaced update value) into the pool, for later results. */
  recycle(buf: TypedArray): void;
}

/** Builds host programs: handed to kernels that run an inner graph (a scan body). */
export type ProgramBuilder = (roots: readonly Variable[], outputs: readonly Variable[]) => CpuProgram;
