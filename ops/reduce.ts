/**
 * The reductions: sum, mean, prod, max, min, argmax, argmin, any, all, logsumexp's
 * common parts, var and std, with `keepdims`. They share their shape rules, params and
 * CPU loops: `defineReduction` makes an op from a fold or a group kernel. The CPU loops
 * lay each output cell's elements side by side (group-major: the input's own data when
 * the reduced axes are trailing, one gather pass otherwise) so each reduction is a plain
 * double loop with its arithmetic inlined. NaN propagates in max/min and argmax/argmin
 * point at the first NaN, as in NumPy; reducing over zero elements is a ShapeError for
 * max/min/argmax/argmin (they have no identity). var and std, graphs of these ops
 * rather than ops, are in statistics.ts (std's sqrt would make a cycle through
 * exp_log.ts, whose rewrites build softmax, whose gradient reduces).
 * @module
 */
import { NDArray, sizeOf, stridesOf } from "../core/ndarray.ts";
import { type DType, isFloat, type TypedArray } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, isPlainObject } from "../core/options.ts";
import {
  type Apply,
  type Axis,
  type AxisOptions,
  defineOp,
  type Op,
  type OpSpec,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { floatX } from "../core/config.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { fill } from "./fill.ts";
import { mul, sub } from "./arith.ts";
import { cast } from "./cast.ts";
import { eq } from "./compare.ts";
import { div } from "./div.ts";

// ---- Axes and the fold loop ----

/** Normalise an axis argument against `ndim`; null/undefined means all axes. */
export function normalizeAxes(
  axis: number | number[] | null | undefined,
  ndim: number,
  opName: string,
): number[] {
  if (axis === null || axis === undefined) return [...Array(ndim).keys()];
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(`${opName}: axis ${a} is out of range for a ${ndim}-d tensor`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(list).size !== list.length) {
    throw new RangeError(`${opName}: repeated axis in (${list.join(", ")})`);
  }
  return list.sort((a, b) => a - b);
}

/**
 * For an input of `shape` reduced over `axes`: the output length and, for each input
 * axis, the stride of the output index (0 on reduced axes).
 */
export function reductionLayout(shape: readonly number[], axes: readonly number[]) {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const outStrides = stridesOf(outShape);
  const strideOnInput: number[] = [];
  let k = 0;
  for (let d = 0; d < shape.length; d++) strideOnInput.push(axes.includes(d) ? 0 : outStrides[k++]);
  return { outShape, outSize: sizeOf(outShape), strideOnInput };
}

/**
 * Fold `x` over `axes` into `acc` (already initialised, one cell per output element):
 * `acc[o] = step(acc[o], x[i], r)` where r is the element's position along the
 * reduced axes (flattened), used by argmax/argmin.
 */
export function foldAxes(
  x: NDArray,
  axes: readonly number[],
  acc: Float64Array,
  step: (a: number, v: number, r: number) => number,
): void {
  const shape = x.shape, nd = shape.length, data = x.data;
  const { strideOnInput } = reductionLayout(shape, axes);
  // Position along the reduced axes, for arg-reductions.
  const redShape = axes.map((a) => shape[a]);
  const redStrides = stridesOf(redShape);
  const rStride: number[] = [];
  for (let d = 0; d < nd; d++) {
    const j = axes.indexOf(d);
    rStride.push(j < 0 ? 0 : redStrides[j]);
  }
  if (nd === 0) {
    acc[0] = step(acc[0], data[0], 0);
    return;
  }
  const idx = new Array(nd).fill(0);
  const last = nd - 1, n = shape[last], so = strideOnInput[last], sr = rStride[last];
  let o = 0, r = 0, i = 0;
  const total = data.length;
  while (i < total) {
    for (let j = 0, oo = o, rr = r; j < n; j++, oo += so, rr += sr) acc[oo] = step(acc[oo], data[i++], rr);
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      o += strideOnInput[d];
      r += rStride[d];
      if (idx[d] < shape[d]) break;
      o -= strideOnInput[d] * shape[d];
      r -= rStride[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

// ---- Group-major layout and group kernels ----

/** An input seen as `outSize` groups of `m` consecutive elements. */
export interface Groups {
  /** Group o is `data[o * m .. (o + 1) * m)`, in C order along the reduced axes. */
  data: TypedArray;
  /** Number of output cells. */
  outSize: number;
  /** Elements per group (the product of the reduced lengths). */
  m: number;
  /**
   * For a gathered layout, the input's shape and, per input axis, how far a step along
   * it moves in the group-major layout; null when `data` is the input's own data.
   */
  walk: { shape: readonly number[]; step: number[] } | null;
}

/** A kernel folding each group of `src` into `out[o]`. */
export type GroupKernel = (src: TypedArray, outSize: number, m: number, out: TypedArray) => void;

/** Whether `axes` (sorted) are the last `axes.length` axes of an `ndim`-d tensor. */
export function isTrailing(axes: readonly number[], ndim: number): boolean {
  return axes.every((a, k) => a === ndim - axes.length + k);
}

/**
 * The group-major layout of `x` for a reduction over the sorted `axes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupsOf } from "./reduce.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const g = groupsOf(asarray([[1, 2, 3], [4, 5, 6]]), [0]);
 * assert(g.outSize === 3 && g.m === 2 && g.data.join() === "1,4,2,5,3,6");
 * ```
 */
export function groupsOf(x: NDArray, axes: readonly number[]): Groups {
  const shape = x.shape, nd = shape.length;
  const m = sizeOf(axes.map((a) => shape[a]));
  const outSize = sizeOf(shape.filter((_, d) => !axes.includes(d)));
  if (isTrailing(axes, nd) || x.size === 0) return { data: x.data, outSize, m, walk: null };
  const keptStrides = stridesOf(shape.filter((_, d) => !axes.includes(d)));
  const redStrides = stridesOf(axes.map((a) => shape[a]));
  // Group-major step of each input axis: m * (output stride), or the reduced stride.
  const step: number[] = [];
  for (let d = 0, k = 0; d < nd; d++) {
    const j = axes.indexOf(d);
    step.push(j < 0 ? m * keptStrides[k++] : redStrides[j]);
  }
  const walk = { shape, step };
  const data = new Float64Array(x.size);
  permute(walk, x.data, data, true);
  return { data, outSize, m, walk };
}

/**
 * Write group-major values `g` (one per input element) back in the input's C order
 * into `out`: the last step of shape-preserving group ops such as softmax.
 */
export function scatterGroups(g: Float64Array, groups: Groups, out: TypedArray): void {
  if (groups.walk === null) out.set(g);
  else permute(groups.walk, out, g, false);
}

/**
 * Visit the input in C order, one row (last axis) at a time, copying between C order
 * (`a`) and group-major order (`b`) in the direction asked.
 */
function permute(walk: NonNullable<Groups["walk"]>, a: TypedArray, b: TypedArray, toGroups: boolean): void {
  const { shape, step } = walk, nd = shape.length, total = a.length;
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1, n = shape[last], sl = step[last];
  let dest = 0;
  for (let i = 0; i < total; i += n) {
    if (toGroups) toStrided(a, i, b, dest, n, sl);
    else fromStrided(b, dest, sl, a, i, n);
    for (let d = last - 1; d >= 0; d--) {
      dest += step[d];
      if (++idx[d] < shape[d]) break;
      dest -= step[d] * shape[d];
      idx[d] = 0;
    }
  }
}

// The inner loops live in small functions of their own so V8 optimises them once, not
// by on-stack replacement in every call.
function toStrided(src: TypedArray, i: number, dst: TypedArray, o: number, n: number, step: number): void {
  for (const e = i + n; i < e; i++, o += step) dst[o] = src[i];
}

function fromStrided(src: TypedArray, o: number, step: number, dst: TypedArray, i: number, n: number): void {
  for (const e = i + n; i < e; i++, o += step) dst[i] = src[o];
}

/** Sum of each group (the fast path of `sum`). */
export const sumKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 0;
    for (let j = b, e = b + m; j < e; j++) a += src[j];
    out[o] = a;
  }
};

// ---- Shape rules, defineReduction, sum ----

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

const REDUCE_OPTIONS = { keepdims: bool };
const AXIS_OPTIONS = { axis: anyValue, keepdims: bool };

/**
 * Make params from a user's axis argument (an axis, a list, null, or NumPy's keywords as
 * `{ axis, keepdims }`) and options, with a clear error naming the op.
 */
export function reduceParams(
  name: string,
  x: Variable,
  axis: Axis | AxisOptions,
  options: ReduceOptions = {},
): ReduceParams {
  let keepdims = checkOptions(name, options, REDUCE_OPTIONS)?.keepdims;
  if (isPlainObject(axis)) {
    const both = checkOptions(name, axis as AxisOptions, AXIS_OPTIONS);
    if (keepdims !== undefined && both.keepdims !== undefined) {
      throw new InputError(`${name}: keepdims is given twice, in the axis object and in the options`);
    }
    keepdims ??= both.keepdims;
    axis = both.axis;
  }
  try {
    return { axes: normalizeAxes(axis as Axis, x.ndim, name), keepdims: keepdims ?? false };
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
 * above) or an initial value and a step over float64 cells (a generic fold).
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
 * import { dmatrix, sum } from "../mod.ts";
 * const m = dmatrix("m");
 * assert(sum(m).ndim === 0 && sum(m, 0).ndim === 1 && sum(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function sum(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  const v = asTensor(x);
  return sumOp.apply1([v], reduceParams("sum", v, axis, options));
}

// ---- Order and logic: max, min, argmax, argmin, any, all ----

const maxKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = src[b];
    for (let j = b + 1, e = b + m; j < e && a === a; j++) {
      const v = src[j];
      if (v > a || v !== v) a = v;
    }
    out[o] = a;
  }
};

const minKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = src[b];
    for (let j = b + 1, e = b + m; j < e && a === a; j++) {
      const v = src[j];
      if (v < a || v !== v) a = v;
    }
    out[o] = a;
  }
};

const argmaxKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = src[b], k = 0;
    for (let j = 1; j < m && a === a; j++) {
      const v = src[b + j];
      if (v > a || v !== v) a = v, k = j;
    }
    out[o] = k;
  }
};

const argminKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = src[b], k = 0;
    for (let j = 1; j < m && a === a; j++) {
      const v = src[b + j];
      if (v < a || v !== v) a = v, k = j;
    }
    out[o] = k;
  }
};

const anyKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let r = 0;
    for (let j = b, e = b + m; j < e; j++) {
      if (src[j] !== 0) {
        r = 1;
        break;
      }
    }
    out[o] = r;
  }
};

const allKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let r = 1;
    for (let j = b, e = b + m; j < e; j++) {
      if (src[j] === 0) {
        r = 0;
        break;
      }
    }
    out[o] = r;
  }
};

/**
 * Theano's gradient of max/min: the output gradient goes to every position that equals
 * the extreme value (all of them when there are ties).
 */
function extremeVjp(node: Apply, [gz]: Variable[]): (Variable | null)[] {
  const x = node.inputs[0], z = node.outputs[0];
  const p = node.params as ReduceParams;
  const mask = cast(eq(x, restoreAxes(z, p, x.ndim)), gz.dtype);
  return [mul(restoreAxes(gz, p, x.ndim), mask)];
}

const same = (x: DType): DType => x;

/** The max op (keeps the dtype). */
export const maxOp = defineReduction({
  name: "max",
  dtype: same,
  kernel: maxKernel,
  nonEmpty: true,
  vjp: extremeVjp,
});

/** The min op (keeps the dtype). */
export const minOp = defineReduction({
  name: "min",
  dtype: same,
  kernel: minKernel,
  nonEmpty: true,
  vjp: extremeVjp,
});

const indexNote = "an index is piecewise constant: its gradient is zero";

/** The argmax op: int64 positions, flattened over the reduced axes in C order. */
export const argmaxOp = defineReduction({
  name: "argmax",
  dtype: () => "int64",
  kernel: argmaxKernel,
  nonEmpty: true,
  notDifferentiable: indexNote,
});

/** The argmin op: int64 positions, flattened over the reduced axes in C order. */
export const argminOp = defineReduction({
  name: "argmin",
  dtype: () => "int64",
  kernel: argminKernel,
  nonEmpty: true,
  notDifferentiable: indexNote,
});

const logicNote = "a truth value is piecewise constant: its gradient is zero";

/** The any op: bool, true where some element is non-zero (NaN counts as true). */
export const anyOp = defineReduction({
  name: "any",
  dtype: () => "bool",
  kernel: anyKernel,
  notDifferentiable: logicNote,
});

/** The all op: bool, true where every element is non-zero. */
export const allOp = defineReduction({
  name: "all",
  dtype: () => "bool",
  kernel: allKernel,
  notDifferentiable: logicNote,
});

function reduce(
  op: Op<ReduceParams>,
  x: TensorLike,
  axis: Axis | AxisOptions,
  options: ReduceOptions,
): Variable {
  const v = asTensor(x);
  return op.apply1([v], reduceParams(op.name, v, axis, options));
}

/**
 * Largest element over `axis` (all axes when omitted or null; negative axes and lists
 * work as in NumPy). NaN propagates. The gradient goes to every position equal to the
 * maximum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, max } from "../mod.ts";
 * const m = dmatrix("m");
 * assert(max(m).ndim === 0 && max(m, -1).ndim === 1 && max(m, 0, { keepdims: true }).ndim === 2);
 * ```
 */
export function max(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(maxOp, x, axis, options);
}

/**
 * Smallest element over `axis` (all axes when omitted). NaN propagates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imatrix, min } from "../mod.ts";
 * assert(min(imatrix("m"), 1).dtype === "int32");
 * ```
 */
export function min(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(minOp, x, axis, options);
}

/**
 * Index (int64) of the largest element over `axis`; the first one on ties, the first
 * NaN if any. With all axes (the default) or several, the index is into the reduced
 * axes flattened in C order, as NumPy's `argmax` of a flattened array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmax, dmatrix } from "../mod.ts";
 * assert(argmax(dmatrix("m"), 1).dtype === "int64");
 * ```
 */
export function argmax(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(argmaxOp, x, axis, options);
}

/**
 * Index (int64) of the smallest element over `axis`; the first one on ties.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmin, dvector } from "../mod.ts";
 * assert(argmin(dvector("v")).ndim === 0);
 * ```
 */
export function argmin(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(argminOp, x, axis, options);
}

/**
 * Whether any element over `axis` is non-zero (bool; false over zero elements).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { any, dmatrix } from "../mod.ts";
 * assert(any(dmatrix("m"), 0).dtype === "bool");
 * ```
 */
export function any(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(anyOp, x, axis, options);
}

/**
 * Whether every element over `axis` is non-zero (bool; true over zero elements).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { all, bmatrix } from "../mod.ts";
 * assert(all(bmatrix("m")).dtype === "bool");
 * ```
 */
export function all(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return reduce(allOp, x, axis, options);
}

// ---- Statistics: mean, prod (var and std, graphs of them, are in statistics.ts) ----

/** The float dtype statistics of `x` are computed in: ints and bool become floatX. */
export function statDtype(x: DType): DType {
  return isFloat(x) ? x : floatX();
}

/** Params of the count op: the axes counted and the dtype of the result. */
export interface CountParams {
  axes: number[];
  dtype: DType;
}

/**
 * The number of elements a reduction over `axes` folds together (a 0-d float), read
 * from the input's run-time shape; its value never matters, only its shape.
 */
export const reducedCountOp = defineOp<CountParams>({
  name: "reduced_count",
  inferType: (_xs, p) => [new TensorType(p.dtype, [])],
  perform([x], p) {
    const out = new NDArray(p.dtype, []);
    out.data[0] = p.axes.reduce((n, a) => n * x.shape[a], 1);
    return [out];
  },
  vjp: () => [null],
  notDifferentiable: "a count of elements depends only on the input's shape",
  constantFoldable: true,
  format: ([x], p) => `count(${x}, axis=[${p.axes.join(", ")}])`,
});

/** The count of elements a reduction of `x` over `axes` folds, as a 0-d `dtype` tensor. */
export function reducedCount(x: Variable, axes: number[], dtype: DType): Variable {
  const lengths = axes.map((a) => x.type.shape[a]);
  if (lengths.every((d) => d !== null)) {
    return constant(lengths.reduce((n, d) => n * (d as number), 1), { dtype });
  }
  return reducedCountOp.apply1([x], { axes, dtype });
}

const meanKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 0;
    for (let j = b, e = b + m; j < e; j++) a += src[j];
    out[o] = a / m;
  }
};

const prodKernel: GroupKernel = (src, outSize, m, out) => {
  for (let o = 0, b = 0; o < outSize; o++, b += m) {
    let a = 1;
    for (let j = b, e = b + m; j < e; j++) a *= src[j];
    out[o] = a;
  }
};

/** The mean op: floats keep their dtype, ints and bool give floatX; NaN over zero elements. */
export const meanOp = defineReduction({
  name: "mean",
  dtype: statDtype,
  kernel: meanKernel,
  vjp: (node, [gz]) => {
    const x = node.inputs[0], p = node.params as ReduceParams;
    return [div(fill(x, restoreAxes(gz, p, x.ndim)), reducedCount(x, p.axes, gz.dtype))];
  },
});

/**
 * For each element, the product of the other elements of its reduction group (exact
 * with zeros: prefix times suffix products, no division). The gradient of prod.
 */
export const prodOthersOp = defineOp<{ axes: number[] }>({
  name: "prod_others",
  inferType: ([x]) => [new TensorType(statDtype(x.dtype), x.type.shape)],
  perform([x], { axes }, node) {
    const g = groupsOf(x, axes), m = g.m, src = g.data;
    const res = new Float64Array(x.size);
    for (let b = 0; b < res.length; b += m) {
      let pre = 1;
      for (let j = 0; j < m; j++) res[b + j] = pre, pre *= src[b + j];
      let suf = 1;
      for (let j = m - 1; j >= 0; j--) res[b + j] *= suf, suf *= src[b + j];
    }
    const out = new NDArray(node.outputs[0].dtype, x.shape);
    scatterGroups(res, g, out.data);
    return [out];
  },
  // d prodOthers_i / d x_j = prod_{k != i, j} x_k = prodOthers_i / x_j (i != j), so the
  // vector-Jacobian product is (sum_i g_i p_i - g_j p_j) / x_j: exact where x_j != 0;
  // at an exact zero this second derivative of prod is not finite (documented limit).
  vjp: (node, [g]) => {
    const x = node.inputs[0], gp = mul(g, node.outputs[0]);
    const { axes } = node.params as { axes: number[] };
    return [div(sub(sum(gp, axes, { keepdims: true }), gp), x)];
  },
  format: ([x], { axes }) => `prod_others(${x}, axis=[${axes.join(", ")}])`,
});

/** The prod op: small ints widen to int64 (products of int64 are exact up to 2^53). */
export const prodOp = defineReduction({
  name: "prod",
  dtype: sumDtype,
  kernel: prodKernel,
  vjp: (node, [gz]) => {
    const x = node.inputs[0], p = node.params as ReduceParams;
    return [mul(restoreAxes(gz, p, x.ndim), prodOthersOp.apply1([x], { axes: p.axes }))];
  },
});

/**
 * Arithmetic mean over `axis` (all axes when omitted or null; negative axes and lists
 * work as in NumPy). Ints and bool give floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imatrix, mean } from "../mod.ts";
 * const m = imatrix("m");
 * assert(mean(m).dtype === "float64" && mean(m, 1, { keepdims: true }).ndim === 2);
 * ```
 */
export function mean(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  const v = asTensor(x);
  return meanOp.apply1([v], reduceParams("mean", v, axis, options));
}

/**
 * Product over `axis` (all axes when omitted); small ints give int64, as in NumPy. Its
 * gradient is exact when the input holds zeros.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, prod } from "../mod.ts";
 * assert(prod(ivector("v")).dtype === "int64");
 * ```
 */
export function prod(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  const v = asTensor(x);
  return prodOp.apply1([v], reduceParams("prod", v, axis, options));
}
