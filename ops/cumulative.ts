/**
 * Cumulative sums and products along an axis (NumPy's `cumsum`/`cumprod`, Theano's
 * `CumOp`), and `diff`, built from slices. With `axis` null the input is read
 * flattened in C order and the result is a vector.
 *
 * Gradients: the cumulative sum's is the reversed cumulative sum of the output
 * gradient. The cumulative product's is computed without dividing by the input
 * (Theano divides, which gives NaN where an element is 0): with `P_j` the product of
 * the elements before j and `S_j = g_j + x_{j+1} S_{j+1}` summed from the end, the
 * gradient is `P_j S_j`, exact with zeros; `S` is a linear recurrence
 * (ops/linear_recurrence.ts), whose own derivatives are recurrences again.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import {
  defineOp,
  type Op,
  type SliceArg,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { mul, sub } from "./arith.ts";
import { linearRecurrenceOp, shiftBack, shiftForward } from "./linear_recurrence.ts";
import { neq } from "./compare.ts";
import { shapeOf } from "./shape.ts";
import { flatten, reshape } from "./reshape.ts";
import { slice } from "./subtensor.ts";

/** Params of the cumulative ops: the axis (null: the flattened input). */
export interface CumParams {
  axis: number | null;
}

/** NumPy's result dtype of an accumulation: bool and integers become int64, floats stay. */
function cumDtype(x: Variable) {
  return isFloat(x.dtype) ? x.dtype : "int64";
}

/** Outer count, axis length and inner count of `shape` around `axis` (null: flattened). */
function around(shape: readonly number[], axis: number | null): [number, number, number] {
  if (axis === null) return [1, shape.reduce((a, b) => a * b, 1), 1];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return [outer, shape[axis], inner];
}

/** A cumulative op of one operation (sum or product), NumPy's dtype rule and the strided loop. */
function cumulativeOp(name: string, step: (acc: number, v: number) => number, spec: {
  vjp: Op<CumParams>["vjp"];
  jvp?: Op<CumParams>["jvp"];
}): Op<CumParams> {
  return defineOp<CumParams>({
    name,
    inferType([x], { axis }) {
      if (axis === null) {
        const n = x.type.shape.every((d) => d !== null)
          ? (x.type.shape as number[]).reduce((a, b) => a * b, 1)
          : null;
        return [new TensorType(cumDtype(x), [n])];
      }
      if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) {
        throw new HypatiaTypeError(`${name}: axis ${axis} is out of range for ${x.describe()}`);
      }
      return [new TensorType(cumDtype(x), x.type.shape)];
    },
    perform([x], { axis }, node) {
      const out = new NDArray(node.outputs[0].dtype, axis === null ? [x.size] : x.shape);
      const [outer, n, inner] = around(x.shape, axis);
      const a = x.data, o = out.data;
      for (let p = 0; p < outer; p++) {
        const base = p * n * inner;
        for (let q = 0; q < inner; q++) o[base + q] = a[base + q];
        for (let i = 1; i < n; i++) {
          const at = base + i * inner;
          for (let q = 0; q < inner; q++) o[at + q] = step(o[at - inner + q], a[at + q]);
        }
      }
      return [out];
    },
    ...spec,
    format: ([x], { axis }) => `${name}(${x}, axis=${axis})`,
  });
}

/** The cumulative sum: its gradient is the reversed cumulative sum, its tangent the tangent's. */
export const cumsumOp: Op<CumParams> = cumulativeOp("cumsum", (a, v) => a + v, {
  vjp(node, [gz]) {
    const [x] = node.inputs, { axis } = node.params as CumParams;
    const g = reverse(cumsumOp.apply1([reverse(gz, axis ?? 0)], { axis: axis ?? 0 }), axis ?? 0);
    return [axis === null ? reshape(g, shapeOf(x)) : g];
  },
  jvp: (node, [t]) => [t ? cumsumOp.apply1([t], node.params as CumParams) : null],
});

/**
 * The cumulative product. Its gradient and tangent are linear recurrences
 * (ops/linear_recurrence.ts): exact where elements are 0, and differentiable again.
 */
export const cumprodOp: Op<CumParams> = cumulativeOp("cumprod", (a, v) => a * v, {
  vjp(node, [gz]) {
    const [x] = node.inputs, [y] = node.outputs, { axis } = node.params as CumParams;
    const ax = axis ?? 0, xs = axis === null ? flatten(x) : x;
    // P_j = y_{j-1} (1 first); S_j = g_j + x_{j+1} S_{j+1}.
    const before = shiftForward(y, ax, 1);
    const s = linearRecurrenceOp.apply1([shiftBack(xs, ax, 0), gz], { axis: ax, reverse: true });
    const g = mul(before, s);
    return [axis === null ? reshape(g, shapeOf(x)) : g];
  },
  jvp(node, [t]) {
    if (!t) return [null];
    const [y] = node.outputs, { axis } = node.params as CumParams, ax = axis ?? 0;
    const xs = axis === null ? flatten(node.inputs[0]) : node.inputs[0];
    const ts = axis === null ? flatten(t) : t;
    // dy_i = x_i dy_{i-1} + y_{i-1} t_i.
    return [linearRecurrenceOp.apply1([xs, mul(shiftForward(y, ax, 1), ts)], { axis: ax, reverse: false })];
  },
});

/** x reversed along `axis` (a slice with step -1). */
function reverse(x: Variable, axis: number): Variable {
  const args: SliceArg[] = Array.from({ length: axis + 1 }, () => null);
  args[axis] = [null, null, -1];
  return slice(x, ...args);
}

function cumulative(what: string, op: Op<CumParams>, x: TensorLike, axis: number | null): Variable {
  const v = asTensor(x);
  if (axis !== null && (!Number.isInteger(axis) || axis < -v.ndim || axis >= v.ndim)) {
    throw new HypatiaTypeError(
      `${what}: axis ${axis} is out of range for ${v.describe()} (${v.ndim} dimensions)`,
    );
  }
  if (v.ndim === 0 && axis !== null) axis = null;
  return op.apply1([v], { axis: axis === null ? null : axis < 0 ? axis + v.ndim : axis });
}

/**
 * Cumulative sum along `axis` (NumPy's and Theano's `cumsum`); with `axis` null (the
 * default) over the flattened input. Bool and integer inputs sum in int64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const f = T.function([x], T.cumsum(x, 1));
 * assert.deepEqual([...f([[1, 2, 3], [4, 5, 6]]).data], [1, 3, 6, 4, 9, 15]);
 * ```
 */
export function cumsum(x: TensorLike, axis: number | null = null): Variable {
  return cumulative("cumsum", cumsumOp, x, axis);
}

/**
 * Cumulative product along `axis` (NumPy's and Theano's `cumprod`); with `axis` null
 * (the default) over the flattened input. Its gradient is exact where elements are 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], [T.cumprod(x), T.grad(T.cumprod(x).sum(), x)]);
 * const [y, g] = f([2, 0, 3]);
 * assert.deepEqual([...y.data], [2, 0, 0]);
 * assert.deepEqual([...g.data], [1, 8, 0]); // d(x₀ + x₀x₁ + x₀x₁x₂)/dx₁ = x₀ + x₀x₂, no 0/0
 * ```
 */
export function cumprod(x: TensorLike, axis: number | null = null): Variable {
  return cumulative("cumprod", cumprodOp, x, axis);
}

/**
 * The n-th discrete difference along `axis` (default the last): `x[1:] - x[:-1]`
 * applied n times, as NumPy's and Theano's `diff`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.diff(x, 2));
 * assert.deepEqual([...f([1, 2, 4, 7, 0]).data], [1, 1, -10]);
 * ```
 */
export function diff(x: TensorLike, n = 1, axis = -1): Variable {
  let v = asTensor(x);
  if (!Number.isInteger(n) || n < 0) {
    throw new HypatiaTypeError(`diff: order n must be a non-negative integer, got ${n}`);
  }
  if (v.ndim === 0) throw new HypatiaTypeError(`diff: needs at least one dimension, got ${v.describe()}`);
  if (!Number.isInteger(axis) || axis < -v.ndim || axis >= v.ndim) {
    throw new HypatiaTypeError(
      `diff: axis ${axis} is out of range for ${v.describe()} (${v.ndim} dimensions)`,
    );
  }
  const a = axis < 0 ? axis + v.ndim : axis;
  const along = (range: [number | null, number | null]) => {
    const args: SliceArg[] = Array.from({ length: a + 1 }, () => null);
    args[a] = range;
    return args;
  };
  for (let k = 0; k < n; k++) {
    // NumPy's diff of bools is `!=` (subtraction of bools is refused).
    const hi = slice(v, ...along([1, null])), lo = slice(v, ...along([null, -1]));
    v = v.dtype === "bool" ? neq(hi, lo) : sub(hi, lo);
  }
  return v;
}
