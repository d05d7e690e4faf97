/**
 * The op contract: one object per op carrying every rule the rest of the library
 * needs (type inference, CPU kernel, gradient, WGSL lowering, rewrites), so nothing
 * has to fill a global registry.
 * @module
 */
import type { DType } from "./dtype.ts";
import type { NDArray } from "./ndarray.ts";
import type { TensorType } from "./type.ts";
import { Apply, type Variable } from "./variable.ts";

/**
 * Rules of an elementwise op, inlined by the CPU and WGSL code generators. The code
 * generators convert every argument to the node's promoted input dtype first (unless
 * `rawInputs`), so a rule sees one input dtype.
 */
export interface ScalarRule {
  /** Number of inputs. */
  arity: number;
  /**
   * JS expression computing one element from the argument expressions. The result is
   * stored into the output's typed array, which rounds floats; integer results must
   * wrap themselves (see `wrapInt`). Helpers are referenced as `H.name`.
   */
  js(args: string[], input: DType, out: DType): string;
  /**
   * WGSL expression for one element, or undefined when the op has no lowering for
   * these dtypes (it then runs on the CPU inside a WebGPU function).
   */
  wgsl?(args: string[], input: DType, out: DType): string | undefined;
  /** JS functions the expression calls as `H.name` (names unique across ops). */
  helpers?: Record<string, (...args: number[]) => number>;
  /** WGSL function definitions the expression calls (names unique across ops). */
  wgslHelpers?: string;
  /** Arguments keep their own dtypes (switch's condition, cast); `input` is then the output dtype. */
  rawInputs?: boolean;
  /** Infix form for pp, e.g. ["+", 3] for `(a + b)`. */
  infix?: [string, number];
}

/** A rewrite rooted at an op: returns replacement outputs, or null to leave the node. */
export interface Rewrite {
  /** Name shown in debug output and error messages. */
  name: string;
  /** Pipeline stage that runs it. */
  stage: "canonicalize" | "stabilize" | "specialize";
  /** Replacement outputs for `node`, or null to leave it as it is. */
  apply(node: Apply): readonly Variable[] | null;
}

/** The gradient rule: one gradient (or null when disconnected) per input. */
export type VJP = (node: Apply, outputGrads: Variable[]) => (Variable | null)[];

/** Forward rule: the tangent of each output from the inputs' tangents (null = zero). */
export type JVP = (node: Apply, tangents: (Variable | null)[]) => (Variable | null)[];

/** Everything an op says about itself. `P` is its params type (plain data). */
export interface OpSpec<P = unknown> {
  /** The op's name: used by pp, errors, rewrites that match it, and the op checks. */
  name: string;
  /** Output types from the inputs; throws HypatiaTypeError with a clear message. */
  inferType(inputs: readonly Variable[], params: P): TensorType[];
  /** Elementwise ops: the scalar rule fused loops are built from. */
  scalar?: ScalarRule;
  /** Other ops: compute outputs from input values. Must not mutate its inputs. */
  perform?(inputs: NDArray[], params: P, node: Apply): NDArray[];
  /** Reverse-mode rule, built from graph ops so gradients can be differentiated again. */
  vjp?: VJP;
  /** Forward-mode rule where it is cheaper than the double-Lop trick. */
  jvp?: JVP;
  /** Why the op has no gradient (its grad is then zero, as Theano does for e.g. argmax). */
  notDifferentiable?: string;
  /** Rewrites whose root is this op. */
  rewrites?: Rewrite[];
  /** How pp prints the node, from its inputs' strings. */
  format?(args: string[], params: P, node: Apply): string;
  /**
   * For ops with neither `scalar` nor `perform`: which backend code runs them and why
   * (the fused op runs through each backend's code generator).
   */
  backendRule?: string;
  /** Why the op has no WGSL lowering yet (checked by tools/check_ops.ts). */
  noWgsl?: string;
  /** A WebGPU kernel lowering for non-elementwise ops, read by backends/webgpu. */
  wgslKernel?: unknown;
  /** Whether outputs may be computed without reading inputs' values (e.g. Shape). */
  constantFoldable?: boolean;
}

/** An op: its spec plus a way to apply it. */
export interface Op<P = unknown> extends OpSpec<P> {
  /** Apply to inputs and return the node (`origin` keeps a rebuilt node's origin). */
  make(inputs: readonly Variable[], params: P, origin?: string | Error): Apply;
  /** Apply and return the single output (throws if the op has several). */
  apply1(inputs: readonly Variable[], params: P): Variable;
}

/**
 * Define an op from its spec.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineOp } from "./op.ts";
 * import { TensorType } from "./type.ts";
 * const ident = defineOp<null>({
 *   name: "ident",
 *   inferType: (xs) => [xs[0].type],
 *   perform: ([x]) => [x],
 *   vjp: (_node, [g]) => [g],
 * });
 * const x = new TensorType("float64", []).make("x");
 * assert(ident.apply1([x], null).type.equals(x.type));
 * ```
 */
export function defineOp<P>(spec: OpSpec<P>): Op<P> {
  const op: Op<P> = {
    ...spec,
    make(inputs, params, origin) {
      const types = spec.inferType(inputs, params);
      return new Apply(op as Op, params, inputs, types, origin);
    },
    apply1(inputs, params) {
      const node = op.make(inputs, params);
      if (node.outputs.length !== 1) throw new Error(`${spec.name} has ${node.outputs.length} outputs`);
      return node.outputs[0];
    },
  };
  return op;
}

/** A stable string for params, used to merge equal nodes and key caches. */
export function paramsKey(params: unknown): string {
  return params === undefined ? "" : JSON.stringify(params);
}
