/**
 * Order and logic reductions: max, min, argmax, argmin, any, all. NaN propagates in
 * max/min and argmax/argmin point at the first NaN, as in NumPy; reducing over zero
 * elements is a ShapeError for max/min/argmax/argmin (they have no identity).
 * @module
 */
import type { DType } from "../core/dtype.ts";
import type { Apply, Axis, Op, TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { mul } from "./arith.ts";
import { cast } from "./cast.ts";
import { eq } from "./compare.ts";
import {
  defineReduction,
  type ReduceOptions,
  type ReduceParams,
  reduceParams,
  restoreAxes,
} from "./reduce.ts";
import type { GroupKernel } from "./reduce_layout.ts";

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

function reduce(op: Op<ReduceParams>, x: TensorLike, axis: Axis, options: ReduceOptions): Variable {
  const v = asTensor(x);
  return op.apply1([v], reduceParams(op.name, v, axis, options.keepdims));
}

/**
 * Largest element over `axis` (all axes when omitted or null; negative axes and lists
 * work as in NumPy). NaN propagates. The gradient goes to every position equal to the
 * maximum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { max } from "./reduce_minmax.ts";
 * import { dmatrix } from "./constructors.ts";
 * const m = dmatrix("m");
 * assert(max(m).ndim === 0 && max(m, -1).ndim === 1 && max(m, 0, { keepdims: true }).ndim === 2);
 * ```
 */
export function max(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return reduce(maxOp, x, axis, options);
}

/**
 * Smallest element over `axis` (all axes when omitted). NaN propagates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { min } from "./reduce_minmax.ts";
 * import { imatrix } from "./constructors.ts";
 * assert(min(imatrix("m"), 1).dtype === "int32");
 * ```
 */
export function min(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
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
 * import { argmax } from "./reduce_minmax.ts";
 * import { dmatrix } from "./constructors.ts";
 * assert(argmax(dmatrix("m"), 1).dtype === "int64");
 * ```
 */
export function argmax(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return reduce(argmaxOp, x, axis, options);
}

/**
 * Index (int64) of the smallest element over `axis`; the first one on ties.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmin } from "./reduce_minmax.ts";
 * import { dvector } from "./constructors.ts";
 * assert(argmin(dvector("v")).ndim === 0);
 * ```
 */
export function argmin(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return reduce(argminOp, x, axis, options);
}

/**
 * Whether any element over `axis` is non-zero (bool; false over zero elements).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { any } from "./reduce_minmax.ts";
 * import { dmatrix } from "./constructors.ts";
 * assert(any(dmatrix("m"), 0).dtype === "bool");
 * ```
 */
export function any(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return reduce(anyOp, x, axis, options);
}

/**
 * Whether every element over `axis` is non-zero (bool; true over zero elements).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { all } from "./reduce_minmax.ts";
 * import { bmatrix } from "./constructors.ts";
 * assert(all(bmatrix("m")).dtype === "bool");
 * ```
 */
export function all(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Variable {
  return reduce(allOp, x, axis, options);
}
