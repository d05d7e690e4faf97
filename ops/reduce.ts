/**
 * Sum over axes, with `keepdims`. Other reductions follow the same shape rules and live
 * beside it (reduce_*.ts); `defineReduction` gives them the common parts.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import {
  type Apply,
  type Axis,
  defineOp,
  type Op,
  type OpSpec,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { fill } from "./fill.ts";
import { foldAxes, normalizeAxes, reductionLayout } from "./reduce_kernel.ts";
import { type GroupKernel, groupsOf, sumKernel } from "./reduce_layout.ts";

/** Options of the reductions (`sum`, `mean`, `max`, ...). */
export interface ReduceOptions {
  /** Keep each reduced axis as a dimension of length 1 (default false), as NumPy's `keepdims`. */
  keepdims?: boolean;
}

/** Params of every reduction: the sorted axes reduced, and whether they are kept as length 1. */
export interface ReduceParams {
  axes: number[];
  keepdims: boolean;
}

/** Output type of a reduction of `x` (dtype given). */
export function reducedType(x: Variable, { axes, keepdims }: ReduceParams, dtype: DType): TensorType {
  const shape = x.type.shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
  return new TensorType(dtype, shape);
}

/** Make params from a user axis argument, with a clear error naming the op. */
export function reduceParams(name: string, x: Variable, axis: Axis, keepdims = false): ReduceParams {
  try {
    return { axes: normalizeAxes(axis, x.ndim, name), keepdims };
  } catch (e) {
    throw new HypatiaTypeError(`${(e as Error).message} (${x.describe()})`);
  }
}

/** Shape of the result, from the input's shape. */
export function reducedShape(shape: readonly number[], { axes, keepdims }: ReduceParams): number[] {
  return shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
}

/**
 * Put a reduced result's axes back (as length 1) so it broadcasts against the input:
 * the usual first step of a reduction's gradient.
 */
export function restoreAxes(g: Variable, { axes, keepdims }: ReduceParams, ndim: number): Variable {
  if (keepdims) return g;
  const pattern: (number | "x")[] = [];
  let k = 0;
  for (let d = 0; d < ndim; d++) pattern.push(axes.includes(d) ? "x" : k++);
  return dimshuffle(g, ...pattern);
}

/**
 * Spec of a reduction: either a group `kernel` (fast: one inlined loop per group, see
 * reduce_layout.ts) or an initial value and a step over float64 cells (a generic fold).
 */
export interface FoldReduction {
  name: string;
  dtype: (x: DType) => DType;
  init?: number;
  step?: (acc: number, v: number, r: number) => number;
  /** Computes every output cell from its group; used instead of init/step when given. */
  kernel?: GroupKernel;
  /** The reduction has no identity: reducing over zero elements is a ShapeError (max, argmax). */
  nonEmpty?: boolean;
  /** Final transform of each cell, e.g. divide by the count for a mean. */
  finish?: (acc: number, count: number) => number;
  vjp?: OpSpec<ReduceParams>["vjp"];
  notDifferentiable?: string;
  accepts?: (x: DType) => boolean;
}

/** The group kernel of each reduction op defined with one (backends run it into buffers of their own). */
const groupKernels = new WeakMap<object, GroupKernel>();

/**
 * The group kernel of a reduction op (`kernel` of its spec): it folds each group of
 * `m` consecutive elements into one output cell, the result `perform` computes for a
 * reduction over trailing axes of a non-empty group; undefined for other ops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupKernelOf, sumOp } from "./reduce.ts";
 * const out = new Float64Array(2);
 * groupKernelOf(sumOp)!(new Float64Array([1, 2, 3, 4]), 2, 2, out);
 * assert.deepEqual([...out], [3, 7]);
 * ```
 */
export function groupKernelOf(op: Op<unknown>): GroupKernel | undefined {
  return groupKernels.get(op);
}

/** Define a reduction op from an init/step fold. */
export function defineReduction(spec: FoldReduction): Op<ReduceParams> {
  const op = reductionOp(spec);
  if (spec.kernel) groupKernels.set(op, spec.kernel);
  return op;
}

function reductionOp(spec: FoldReduction): Op<ReduceParams> {
  return defineOp<ReduceParams>({
    name: spec.name,
    inferType([x], params) {
      if (spec.accepts && !spec.accepts(x.dtype)) {
        throw new HypatiaTypeError(`${spec.name}: does not take ${x.dtype} input ${x.describe()}`);
      }
      return [reducedType(x, params, spec.dtype(x.dtype))];
    },
    perform([x], params, node: Apply) {
      const count = params.axes.reduce((n, a) => n * x.shape[a], 1);
      if (spec.nonEmpty && count === 0) {
        throw new ShapeError(
          `${spec.name}: cannot reduce over zero elements (axes [${
            params.axes.join(", ")
          }] of an input of shape (${
            x.shape.join(", ")
          })): the operation has no identity (in ${node.where()})`,
        );
      }
      const out = new NDArray(node.outputs[0].dtype, reducedShape(x.shape, params));
      if (spec.kernel) {
        const g = groupsOf(x, params.axes);
        spec.kernel(g.data, g.outSize, g.m, out.data);
        return [out];
      }
      const { outSize } = reductionLayout(x.shape, params.axes);
      const acc = new Float64Array(outSize).fill(spec.init ?? 0);
      foldAxes(x, params.axes, acc, spec.step!);
      const d = out.data;
      if (spec.finish) { for (let i = 0; i < outSize; i++) d[i] = spec.finish(acc[i], count); }
      else d.set(acc);
      return [out];
    },
    vjp: spec.vjp ?? (spec.notDifferentiable ? () => [null] : undefined),
    notDifferentiable: spec.notDifferentiable,
    format: ([x], { axes, keepdims }) =>
      `${spec.name}(${x}, axis=${axes.length === 1 ? axes[0] : `[${axes.join(", ")}]`}${
        keepdims ? ", keepdims" : ""
      })`,
  });
}

/** NumPy's accumulator dtype for sum/prod: small ints widen to int64. */
export function sumDtype(x: DType): DType {
  return x === "bool" || x === "int8" || x === "int16" || x === "int32" || x === "uint8" ? "int64" : x;
}

/** The sum op. */
export const sumOp = defineReduction({
  name: "sum",
  dtype: sumDtype,
  kernel: sumKernel,
  vjp: (node, [gz]) => {
    const x = node.inputs[0];
    return [fill(x, restoreAxes(gz, node.params as ReduceParams, x.ndim))];
  },
});

/**
 * Sum over `axis` (all axes when omitted), keeping reduced axes as length 1 with
 * `keepdims`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sum } from "./reduce.ts";
 * import { dmatrix } from "./constructors.ts";
 * const m = dmatrix("m");
 * assert(sum(m).ndim === 0 && sum(m, 0).ndim === 1 && sum(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function sum(x: TensorLike, axis?: Axis, options: { keepdims?: boolean } = {}): Variable {
  const v = asTensor(x);
  return sumOp.apply1([v], reduceParams("sum", v, axis, options.keepdims));
}
