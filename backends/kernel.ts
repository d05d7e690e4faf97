/**
 * What the engines share, below them all so that no engine imports another: the kernel
 * types, where kernels take output buffers from, the host program's interface (what the
 * WebGPU program runs its CPU segments with) and what it asks of the host engines (which
 * the scheduler, compile/schedule.ts, composes), matrix operands, and the run-time
 * broadcasting rule of elementwise nodes.
 * @module
 */
import type { DType, TypedArray } from "../core/dtype.ts";
import { ShapeError } from "../core/errors.ts";
import { type NDArray, stridesOf } from "../core/ndarray.ts";
import type { SharedStorage } from "../core/shared.ts";
import type { Apply, TensorType, Variable } from "../core/graph.ts";

/**
 * Where a kernel takes its output buffers from (the running program's pool, whose
 * buffers go back there when they die), and gives back one it took and did not use.
 */
export interface BufferSource {
  take(dtype: DType, n: number): TypedArray;
  give(buf: TypedArray): void;
}

/** A kernel computing a node's outputs from its inputs' values, optionally into buffers of `pool`. */
export type Kernel = ((inputs: NDArray[], pool?: BufferSource) => NDArray[]) & Bindable;

/** A compiled elementwise node: input values in, output value out, into a buffer of `pool`. */
export type Thunk = ((vals: NDArray[], pool: BufferSource) => NDArray[]) & Bindable;

/**
 * A node's kernel bound to fixed arrays (a fixed run's, `CpuProgram.fix`): each call reads
 * the inputs it was bound to and writes the outputs it was bound to, whose shapes the
 * program recorded; it allocates nothing and checks nothing that the shapes settled.
 */
export type BoundKernel = () => void;

/**
 * What a kernel says when asked to bind itself to fixed arrays (`Bindable.bindTo`): a
 * bound kernel; "generic" when it binds none for these shapes (the program then calls the
 * kernel itself and copies its results into the bound outputs); or undefined where the
 * kernel would hand these shapes to the one it falls back to (an elementwise node's JS
 * loop, bound, or else the generic way).
 */
export type Binding = BoundKernel | "generic" | undefined;

/**
 * A kernel that can bind itself to fixed arrays: the same computation on the same engine,
 * decided when the kernel was made (the settings then, not at binding). `loop` is the
 * JS loop of an elementwise node, bound, for a call the engine hands back to it.
 */
export interface Bindable {
  bindTo?(ins: readonly NDArray[], outs: readonly NDArray[], loop: BoundKernel | undefined): Binding;
}

/**
 * A run of a program over fixed arrays, for a loop whose values keep their shapes (a
 * scan body's steps): the caller writes each step's values into `roots` (those it said
 * vary), calls `run`, and reads `outputs`, which the next `run` overwrites.
 */
export interface FixedRun {
  readonly roots: readonly NDArray[];
  readonly outputs: readonly NDArray[];
  /** One run; throws `ShapeMiss` when a node's result no longer has its recorded shape. */
  run(): void;
}

/**
 * Thrown by `FixedRun.run` when a node's result has another shape than the run that
 * fixed the program recorded (an op whose shape depends on values): nothing the caller
 * holds was written, and it runs the program the usual way instead.
 */
export class ShapeMiss extends Error {
  override name = "ShapeMiss";
}

/** A compiled node of a host program: reads slots, writes slots. */
export interface HostStep {
  readonly node: Apply;
  readonly ins: readonly number[];
  readonly outs: readonly number[];
}

/** A runnable schedule of host nodes for a set of outputs, given values for its root variables. */
export interface CpuProgram {
  /** Slots of the root variables, in the order `run` takes their values. */
  readonly roots: readonly Variable[];
  readonly steps: readonly HostStep[];
  /** Compute the outputs (positions `wanted`, default all) from the roots' values. */
  run(rootValues: readonly NDArray[], wanted?: readonly number[]): NDArray[];
  /**
   * Run once like `run`, recording every value's shape, and bind the program to fixed
   * arrays of those shapes for later runs. `varying[i]` says whether root i changes
   * between runs (it gets an array of its own, which the caller fills); the other roots
   * are bound to the values given here (the varying ones start as copies of theirs). `plan` is undefined when a node cannot be bound.
   */
  fix?(rootValues: readonly NDArray[], varying: readonly boolean[]): { results: NDArray[]; plan?: FixedRun };
  /** Take a buffer nothing else holds (a replaced update value) into the pool, for later results. */
  recycle(buf: TypedArray): void;
  /**
   * Drop every buffer kept for later calls (the pool, engine memory blocks given back),
   * in this program and the programs it built (scan bodies); it stays runnable.
   */
  free(): void;
  /** How many buffers this program and those it built keep for later calls. */
  pooled(): number;
}

/** Builds host programs (CPU segments of a WebGPU program, a scan body, a folded constant). */
export type ProgramBuilder = (roots: readonly Variable[], outputs: readonly Variable[]) => CpuProgram;

/** What `HostEngines.beginRun` returns: call `end()` when the run is over (also after a throw). */
export interface RunScope {
  end(): void;
}

/**
 * Memory an engine lends the host program for intermediates that its kernels then read
 * and write in place (the wasm engine's arena).
 */
export interface EngineMemory {
  /** The shortest float buffer worth lending. */
  readonly minLength: number;
  /** A buffer in the engine's memory, or undefined when the engine is off or has no room now. */
  buffer(dtype: "float32" | "float64", n: number): Float32Array | Float64Array | undefined;
  /** Whether the engine can keep buffers at all (on, and its memory shareable). */
  canKeep(): boolean;
  /** Give a buffer from `buffer` back to the engine now (it is no longer used anywhere). */
  release?(buf: Float32Array | Float64Array): void;
}

/** The host engines (wasm, JS) as the host program sees them, composed by the scheduler. */
export interface HostEngines {
  /** The kernel of an elementwise or fused node: an engine's group kernel, or `loop` (the JS engine's). */
  elementwise(node: Apply, loop: Thunk, describe: () => string): Thunk;
  /** The fastest kernel for another node, or undefined when the op's reference `perform` runs it. */
  kernel(node: Apply, build: ProgramBuilder): Kernel | undefined;
  /** Open a run over the program's foreign buffers (inputs, shared values, constants). */
  beginRun(foreign: ReadonlySet<unknown>, shared: readonly SharedStorage[]): RunScope;
  /** Memory an engine lends for intermediates; plain arrays only when absent. */
  readonly memory?: EngineMemory;
}

/** A float typed array the kernels read. */
export type FloatArray = Float32Array | Float64Array;

/** A matrix operand: data, offset of element (0, 0), and the strides of rows and columns. */
export interface MatrixView {
  data: FloatArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

/**
 * `x` with its axes permuted by `perm` and grouped as (first `split`, rest) as a
 * strided matrix, when each group is a run of consecutive axes (no copy needed);
 * otherwise undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matrixView } from "./kernel.ts";
 * import { NDArray } from "../core/ndarray.ts";
 * const v = matrixView(new NDArray("float64", [3, 4]), [1, 0], 1)!; // the transpose, no copy
 * assert(v.rowStride === 1 && v.colStride === 4);
 * ```
 */
export function matrixView(x: NDArray, perm: number[], split: number): MatrixView | undefined {
  const strides = stridesOf(x.shape);
  const groupStride = (g: number[]): number | undefined => {
    for (let i = 1; i < g.length; i++) if (g[i] !== g[i - 1] + 1) return undefined;
    return g.length ? strides[g[g.length - 1]] : 0;
  };
  const rs = groupStride(perm.slice(0, split)), cs = groupStride(perm.slice(split));
  if (rs === undefined || cs === undefined) return undefined;
  return { data: x.data as FloatArray, offset: 0, rowStride: rs, colStride: cs };
}

/**
 * The output-shape rule of an elementwise node over inputs of `types`, made once per
 * node: `broadcastRuntime` for the values given, with a fast path for the common case
 * where every input is either of the output's rank with no dimension its type marks
 * broadcastable, or typed length 1 everywhere (0-d included) and holding one element.
 * Such inputs agree when the full-rank ones have one shape, which is then the output's
 * (shared, not copied); a mismatch gets the general check's error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapeRule } from "./kernel.ts";
 * import { asarray } from "../core/ndarray.ts";
 * import { TensorType } from "../core/graph.ts";
 * const v = new TensorType("float64", [null]), s = new TensorType("float64", []);
 * const rule = shapeRule([v, s], 1, () => "add");
 * assert.deepEqual(rule([asarray([1, 2, 3]), asarray(2)]), [3]);
 * assert.throws(() => shapeRule([v, v], 1, () => "add")([asarray([1, 2]), asarray([1, 2, 3])]), /add: input shapes/);
 * ```
 */
export function shapeRule(
  types: readonly TensorType[],
  nd: number,
  describe: () => string,
): (vals: readonly NDArray[]) => readonly number[] {
  const full = nd === 0 ? [] : types.flatMap((t, i) => (t.ndim === nd && !t.shape.includes(1) ? [i] : []));
  // Inputs whose type says length 1 everywhere (0-d included): one element each.
  const unit = types.flatMap((t, i) => (t.shape.every((d) => d === 1) ? [i] : []));
  const simple = full.length > 0 && full.length + unit.length === types.length;
  const general = (vals: readonly NDArray[]) =>
    broadcastRuntime(vals.map((v) => v.shape), types, nd, describe);
  if (!simple) return general;
  return (vals) => {
    for (let j = 0; j < unit.length; j++) if (vals[unit[j]].data.length !== 1) return general(vals);
    const shape = vals[full[0]].shape;
    for (let j = 1; j < full.length; j++) {
      const other = vals[full[j]].shape;
      if (other === shape) continue;
      for (let d = 0; d < nd; d++) if (other[d] !== shape[d]) return general(vals);
    }
    return shape;
  };
}

/**
 * The runtime output shape of an elementwise node, checking that every dimension an
 * input's type does not mark broadcastable has the output's length.
 */
export function broadcastRuntime(
  shapes: readonly (readonly number[])[],
  types: readonly TensorType[],
  nd: number,
  describe: () => string,
): number[] {
  const out: number[] = new Array(nd).fill(1);
  const fromInput: number[] = new Array(nd).fill(-1);
  for (let i = 0; i < shapes.length; i++) {
    const pad = nd - types[i].ndim;
    for (let d = pad; d < nd; d++) {
      if (types[i].shape[d - pad] === 1) continue; // broadcastable by type
      const len = shapes[i][d - pad];
      if (fromInput[d] < 0) {
        out[d] = len;
        fromInput[d] = i;
      } else if (len !== out[d]) {
        throw new ShapeError(
          `${describe()}: input shapes do not match: dimension ${d} has length ${out[d]} in input ${
            fromInput[d]
          } and ${len} in input ${i} (shapes ${shapes.map((s) => `(${s.join(", ")})`).join(", ")}; ` +
            `only dimensions whose type says length 1 broadcast)`,
        );
      }
    }
  }
  // An input whose type says length 1 must really have length 1.
  for (let i = 0; i < shapes.length; i++) {
    const pad = nd - types[i].ndim;
    for (let d = pad; d < nd; d++) {
      if (types[i].shape[d - pad] === 1 && shapes[i][d - pad] !== 1) {
        throw new ShapeError(
          `${describe()}: input ${i} has length ${shapes[i][d - pad]} in dimension ${d - pad}, but its type ${
            types[i]
          } says 1`,
        );
      }
    }
  }
  return out;
}
