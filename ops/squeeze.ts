/**
 * `squeeze` (NumPy's and Theano's): drop axes of length 1. Axes whose type says length 1
 * are dropped by a dimshuffle; an axis named by the caller whose length is known only
 * when the function runs goes through the `squeeze` op, which checks it then.
 * @module
 */
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { shapeOf } from "./shape.ts";
import { reshape } from "./reshape.ts";

/** Params of squeeze: the axes dropped (each checked to have length 1 when the function runs). */
export interface SqueezeParams {
  axes: number[];
}

/** The squeeze op: x without the given axes, which must have length 1. */
export const squeezeOp: Op<SqueezeParams> = defineOp<SqueezeParams>({
  name: "squeeze",
  inferType([x], { axes }) {
    for (const a of axes) {
      if (!Number.isInteger(a) || a < 0 || a >= x.ndim) {
        throw new HypatiaTypeError(`squeeze: axis ${a} is out of range for ${x.describe()}`);
      }
    }
    return [new TensorType(x.dtype, x.type.shape.filter((_, d) => !axes.includes(d)))];
  },
  perform([x], { axes }, node) {
    for (const a of axes) {
      if (x.shape[a] !== 1) {
        throw new ShapeError(
          `squeeze: cannot squeeze out axis ${a} of ${node.inputs[0].describe()}: its length is ${
            x.shape[a]
          }, not 1 (shape (${x.shape.join(", ")}))`,
        );
      }
    }
    return [new NDArray(x.dtype, x.shape.filter((_, d) => !axes.includes(d)), x.data.slice())];
  },
  vjp: (node, [gz]) => [reshape(gz, shapeOf(node.inputs[0]))],
  jvp: (node, [t]) => [t ? squeezeOp.apply1([t], node.params as SqueezeParams) : null],
  format: ([x], { axes }) => `squeeze(${x}, axis=(${axes.join(", ")}))`,
});

/**
 * `x` without its axes of length 1: all those its type says have length 1, or the
 * `axis` given (a number or a list; negative counts from the end). Naming an axis
 * whose length is not 1 is an error: at once when the type knows the length, else
 * when the function runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = new T.TensorType("float64", [1, 3, 1]).make("x");
 * assert.deepEqual(T.squeeze(x).staticShape, [3]);
 * assert.deepEqual(T.squeeze(x, -1).staticShape, [1, 3]);
 * const m = T.dmatrix("m");
 * const f = T.function([m], T.squeeze(m, 0)); // m's first length is checked when f runs
 * assert.deepEqual(f([[1, 2]]).shape, [2]);
 * assert.throws(() => f([[1], [2]]), /its length is 2, not 1/);
 * ```
 */
export function squeeze(x: TensorLike, axis?: number | number[] | null): Variable {
  const v = asTensor(x), nd = v.ndim;
  const given = axis === undefined || axis === null ? null : Array.isArray(axis) ? axis : [axis];
  const axes = given
    ? given.map((a) => {
      if (!Number.isInteger(a) || a < -nd || a >= nd) {
        throw new HypatiaTypeError(
          `squeeze: axis ${a} is out of range for ${v.describe()} (${nd} dimensions)`,
        );
      }
      return a < 0 ? a + nd : a;
    })
    : v.type.shape.flatMap((n, d) => (n === 1 ? [d] : []));
  if (new Set(axes).size !== axes.length) {
    throw new HypatiaTypeError(`squeeze: an axis is repeated in ${axis}`);
  }
  for (const a of axes) {
    const n = v.type.shape[a];
    if (n !== null && n !== 1) {
      throw new HypatiaTypeError(
        `squeeze: cannot squeeze out axis ${a} of ${v.describe()}: its length is ${n}, not 1`,
      );
    }
  }
  if (axes.every((a) => v.type.shape[a] === 1)) {
    return dimshuffle(v, ...v.type.shape.flatMap((_, d) => (axes.includes(d) ? [] : [d])));
  }
  return squeezeOp.apply1([v], { axes: [...axes].sort((a, b) => a - b) });
}
