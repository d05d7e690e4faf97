/**
 * `ptp` (the range, max − min) and `maxAndArgmax` (Theano's `max_and_argmax`), built from
 * the reductions, whose gradients they share: ptp's gradient is max's minus min's, and
 * maxAndArgmax's maximum has max's gradient (its argmax, an integer, has none).
 * @module
 */
import { atUserCall, type Axis, type AxisOptions, type TensorLike, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { sub } from "./arith.ts";
import { argmax, max, min, type ReduceOptions } from "./reduce.ts";

/**
 * The range of `x` along `axis` (all axes by default): `max − min` (NumPy's and Theano's
 * `ptp`, "peak to peak"). NaN if a NaN is in the range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const f = T.function([m], [T.ptp(m), m.ptp(1), T.ptp(m, { axis: 0, keepdims: true })]);
 * const [all, rows, cols] = f([[1, 5], [-2, 0]]);
 * assert.deepEqual([all.item(), rows.toArray(), cols.toArray()], [7, [4, 2], [[3, 5]]]);
 * ```
 */
export function ptp(x: TensorLike, axis?: Axis | AxisOptions, options: ReduceOptions = {}): Variable {
  return atUserCall(() => {
    const v = asTensor(x);
    return sub(max(v, axis, options), min(v, axis, options));
  });
}

/**
 * The maximum of `x` along `axis` and its position, as `[max, argmax]` (Theano's
 * `max_and_argmax`); all axes by default (the position is then in the flattened array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const [mx, at] = T.maxAndArgmax(m, 1);
 * const [a, b] = T.function([m], [mx, at])([[1, 5], [7, 0]]);
 * assert.deepEqual([a.toArray(), b.toArray()], [[5, 7], [1, 0]]);
 * ```
 */
export function maxAndArgmax(
  x: TensorLike,
  axis?: Axis | AxisOptions,
  options: ReduceOptions = {},
): [Variable, Variable] {
  return atUserCall(() => {
    const v = asTensor(x);
    return [max(v, axis, options), argmax(v, axis, options)];
  });
}
