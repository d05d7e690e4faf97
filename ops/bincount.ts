/**
 * `bincount` (NumPy's and Theano's): how many times each non-negative integer occurs
 * in a vector, or the sum of the weights at each. The counts are int64; weighted sums
 * are float64, as NumPy (which casts weights to double). The gradient with respect to
 * the weights is the output gradient read at each element's bin; the integers have none.
 * @module
 */
import { isFloat, isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { checkOptions, count } from "../core/options.ts";
import { advancedSubtensorOp } from "./advanced_subtensor.ts";

/** Params of bincount: the least length of the result. */
export interface BincountParams {
  minlength: number;
}

/** The bincount op: inputs the integer vector and optionally the weights. */
export const bincountOp: Op<BincountParams> = defineOp<BincountParams>({
  name: "bincount",
  inferType([x, w], { minlength }) {
    if (x.ndim !== 1 || !(isInt(x.dtype) || x.dtype === "bool")) {
      throw new HypatiaTypeError(`bincount: ${x.describe()} must be a vector of integers`);
    }
    if (w && (w.ndim !== 1 || w.dtype === "bool")) {
      throw new HypatiaTypeError(`bincount: the weights ${w.describe()} must be a numeric vector`);
    }
    if (!Number.isInteger(minlength) || minlength < 0) {
      throw new HypatiaTypeError(`bincount: minlength must be a non-negative integer, got ${minlength}`);
    }
    return [new TensorType(w ? "float64" : "int64", [null])];
  },
  perform([x, w], { minlength }, node) {
    const name = node.inputs[0].describe();
    if (w && w.size !== x.size) {
      throw new ShapeError(
        `bincount: the weights (length ${w.size}) and ${name} (length ${x.size}) must have the same length`,
      );
    }
    let n = minlength;
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      if (v < 0) {
        throw new InputError(`bincount: ${name} has the negative value ${v} at position ${i}; bins are >= 0`);
      }
      if (v + 1 > n) n = v + 1;
    }
    const out = new NDArray(node.outputs[0].dtype, [n]);
    for (let i = 0; i < x.size; i++) out.data[x.data[i]] += w ? w.data[i] : 1;
    return [out];
  },
  vjp(node, [gz]) {
    const [x, w] = node.inputs;
    if (!w || !isFloat(w.dtype)) return node.inputs.map(() => null);
    return [null, advancedSubtensorOp.apply1([gz, x], { entries: ["int"] })];
  },
  format: ([x, w], { minlength }) =>
    `bincount(${x}${w ? `, ${w}` : ""}${minlength ? `, minlength=${minlength}` : ""})`,
});

/** Options of bincount. */
export interface BincountOptions {
  /** The weight of each element (its bin then holds their sum, in float64). */
  weights?: TensorLike;
  /** The least length of the result (default 0). */
  minlength?: number;
}

/**
 * Counts of each non-negative integer in the vector `x` (NumPy's and Theano's
 * `bincount`): the result has length `max(x) + 1` or `minlength`, whichever is larger.
 * With `weights`, each bin holds the sum of the weights of its elements (float64).
 * A negative value is an InputError naming it and its position.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.lvector("x"), w = T.dvector("w");
 * const f = T.function([x, w], [T.bincount(x), T.bincount(x, { weights: w, minlength: 5 })]);
 * const [n, s] = f([0, 3, 3, 1], [0.5, 1, 2, 4]);
 * assert.deepEqual([...n.data], [1, 1, 0, 2]);
 * assert.deepEqual([...s.data], [0.5, 4, 0, 3, 0]);
 * ```
 */
export function bincount(x: TensorLike, options: BincountOptions = {}): Variable {
  checkOptions("bincount", options, {
    weights: { test: () => true, expected: "a tensor" },
    minlength: count,
  });
  const inputs = [asTensor(x)];
  if (options.weights !== undefined) inputs.push(asTensor(options.weights));
  return bincountOp.apply1(inputs, { minlength: options.minlength ?? 0 });
}
