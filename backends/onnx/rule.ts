/**
 * The ONNX engine's rule types. A rule lowers one Hypatia node into ONNX nodes through
 * an `OnnxGraph`, a builder that knows nothing of protobuf: the onnx/ entry implements it
 * and encodes what the rules built, so this folder, like every engine's, stays free of
 * dependencies. Values are named ONNX tensors with their Hypatia dtype.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import type { Apply, Variable } from "../../core/graph.ts";
import type { NDArray } from "../../core/ndarray.ts";

/** A value of the ONNX graph being built: its name and dtype. */
export interface Val {
  readonly name: string;
  readonly dtype: DType;
}

/** An attribute value: an int, a float, a string, a list of ints, or a subgraph. */
export type Attr = number | { float: number } | string | number[] | OnnxSubgraph;

/** A subgraph (a Loop's or If's body): built by `OnnxGraph.subgraph`. */
export interface OnnxSubgraph {
  readonly kind: "subgraph";
  /** Opaque to rules: what the entry needs to encode it. */
  readonly body: unknown;
}

/** The builder a rule writes into. */
export interface OnnxGraph {
  /** The node being lowered (for messages). */
  readonly node: Apply;
  /** Add an ONNX node of `opType` with outputs of `dtypes`; returns its outputs. */
  op(
    opType: string,
    inputs: readonly (Val | "")[],
    dtypes: readonly DType[],
    attrs?: Record<string, Attr>,
  ): Val[];
  /** `op` with one output. */
  op1(opType: string, inputs: readonly (Val | "")[], dtype: DType, attrs?: Record<string, Attr>): Val;
  /** A constant tensor. */
  constant(value: NDArray): Val;
  /** A 1-d int64 constant (axes, shapes, starts...). */
  ints(values: readonly number[]): Val;
  /** A 0-d constant of `dtype`. */
  scalar(value: number, dtype: DType): Val;
  /** `v` converted to `dtype` (v itself when it already has it). */
  cast(v: Val, dtype: DType): Val;
  /**
   * A subgraph with inputs of the given types (rank only, lengths unknown; a negative
   * ndim leaves the rank unknown too), built by
   * `build` from its inputs; it returns the subgraph's outputs. Values of the enclosing
   * graph may be read inside (ONNX's outer scope).
   */
  subgraph(
    inputs: readonly { dtype: DType; ndim: number }[],
    build: (g: OnnxGraph, ins: Val[]) => Val[],
  ): OnnxSubgraph;
  /**
   * Lower a Hypatia graph (a scan's body) into this graph: the values of `outputs`, given
   * the values of the variables in `bound` (constants are added as needed).
   */
  lowerGraph(outputs: readonly Variable[], bound: ReadonlyMap<Variable, Val>): Val[];
  /** Refuse the node: an error naming it, the user's line that built it, and `why`. */
  refuse(why: string): never;
}

/**
 * An elementwise op's rule: the result from arguments already converted to the step's
 * input dtype (`work`, widened where ONNX Runtime has no narrow-integer kernel; the
 * arguments keep their own dtypes for ops with raw inputs), in `out`'s dtype or any dtype
 * the caller then casts to `out`.
 */
export interface ElemwiseRule {
  readonly kind: "elemwise";
  /** Compute in the output dtype (float functions of integers: exp of an int is a float). */
  readonly inOutput?: boolean;
  lower(g: OnnxGraph, args: Val[], work: DType, out: DType): Val;
}

/** Any other op's rule: the node's outputs from its inputs. */
export interface NodeRule {
  readonly kind: "node";
  lower(g: OnnxGraph, node: Apply, inputs: Val[]): Val[];
}

/** The ONNX table's rule type. */
export type OnnxRule = ElemwiseRule | NodeRule;

/** Integer dtypes ONNX Runtime's arithmetic kernels lack, computed in int32 and wrapped back. */
export function workDtype(d: DType): DType {
  return d === "int8" || d === "int16" || d === "uint8" ? "int32" : d;
}

/** A rule of one output, converted to the node's output dtype. */
export function oneOutput(lower: (g: OnnxGraph, node: Apply, inputs: Val[], out: DType) => Val): NodeRule {
  return {
    kind: "node",
    lower: (
      g,
      node,
      inputs,
    ) => [g.cast(lower(g, node, inputs, node.outputs[0].dtype), node.outputs[0].dtype)],
  };
}

/** An index past either end of any axis (Slice clamps it): ONNX's "to the end". */
export const FAR = Number.MAX_SAFE_INTEGER;
