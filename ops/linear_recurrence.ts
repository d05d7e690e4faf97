/**
 * The first-order linear recurrence along an axis, `r_i = a_i · r_{i-1} + b_i` from
 * `r_{-1} = 0` (or, reversed, `r_i = a_i · r_{i+1} + b_i` from the end). It is what the
 * cumulative product's derivatives are made of, exactly and without division (so
 * zeros in the input are no trouble, where Theano's `cumsum(g·y)[::-1]/x` gives NaN):
 * with `P` the exclusive cumulative product (the output shifted by one, 1 first),
 * the gradient is `P · S`, `S` the reversed recurrence of the output gradient with
 * `a_j = x_{j+1}`, and the tangent the forward recurrence with `a = x`, `b = P · t`.
 * The recurrence's own derivatives are recurrences again, so derivatives of any order
 * exist.
 * @module
 */
import { isFloat, upcast } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type SliceArg, TensorType, type Variable } from "../core/graph.ts";
import { constant } from "../core/constant.ts";
import { add, mul } from "./arith.ts";
import { fill } from "./fill.ts";
import { concatenate } from "./join.ts";
import { slice } from "./subtensor.ts";

/** Params of the recurrence: the axis, and whether it runs from the end. */
export interface LinearRecurrenceParams {
  axis: number;
  reverse: boolean;
}

/** x[range] along `axis`. */
function along(x: Variable, axis: number, range: [number | null, number | null]): Variable {
  const args: SliceArg[] = Array.from({ length: axis + 1 }, () => null);
  args[axis] = range;
  return slice(x, ...args);
}

/** x moved one step forward along `axis` (`value` first, the last element dropped). */
export function shiftForward(x: Variable, axis: number, value: number): Variable {
  const first = fill(along(x, axis, [0, 1]), constant(value, { dtype: x.dtype }));
  return concatenate([first, along(x, axis, [null, -1])], axis);
}

/** x moved one step back along `axis` (the first element dropped, `value` last). */
export function shiftBack(x: Variable, axis: number, value: number): Variable {
  const last = fill(along(x, axis, [-1, null]), constant(value, { dtype: x.dtype }));
  return concatenate([along(x, axis, [1, null]), last], axis);
}

/** The linear_recurrence op: inputs a and b, of one shape. */
export const linearRecurrenceOp: Op<LinearRecurrenceParams> = defineOp<LinearRecurrenceParams>({
  name: "linear_recurrence",
  inferType([a, b], { axis }) {
    if (!isFloat(a.dtype) || !isFloat(b.dtype)) {
      throw new HypatiaTypeError(`linear_recurrence: ${a.describe()} and ${b.describe()} must be floats`);
    }
    if (a.ndim !== b.ndim || !Number.isInteger(axis) || axis < 0 || axis >= a.ndim) {
      throw new HypatiaTypeError(
        `linear_recurrence: ${a.describe()} and ${b.describe()} need the same rank, with axis ${axis} in it`,
      );
    }
    return [new TensorType(upcast(a.dtype, b.dtype), a.type.shape.map((d, i) => d ?? b.type.shape[i]))];
  },
  perform([a, b], { axis, reverse }, node) {
    if (a.shape.join() !== b.shape.join()) {
      throw new ShapeError(
        `linear_recurrence: the shapes (${a.shape.join(", ")}) and (${b.shape.join(", ")}) differ`,
      );
    }
    const out = new NDArray(node.outputs[0].dtype, a.shape), o = out.data;
    const n = a.shape[axis], inner = a.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const outer = n * inner === 0 ? 0 : a.size / (n * inner);
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let r = 0;
        for (let k = 0; k < n; k++) {
          const at = (p * n + (reverse ? n - 1 - k : k)) * inner + q;
          r = a.data[at] * r + b.data[at];
          o[at] = r;
        }
      }
    }
    return [out];
  },
  vjp(node, [gr]) {
    const [a] = node.inputs, [r] = node.outputs, { axis, reverse } = node.params as LinearRecurrenceParams;
    // The adjoint runs the other way, each step weighted by the next step's a.
    const next = reverse ? shiftForward(a, axis, 0) : shiftBack(a, axis, 0);
    const lambda = linearRecurrenceOp.apply1([next, gr], { axis, reverse: !reverse });
    const before = reverse ? shiftBack(r, axis, 0) : shiftForward(r, axis, 0);
    return [mul(lambda, before), lambda];
  },
  jvp(node, [ta, tb]) {
    const [a] = node.inputs, [r] = node.outputs, p = node.params as LinearRecurrenceParams;
    const before = p.reverse ? shiftBack(r, p.axis, 0) : shiftForward(r, p.axis, 0);
    const drive = ta ? (tb ? add(tb, mul(ta, before)) : mul(ta, before)) : tb;
    return [drive ? linearRecurrenceOp.apply1([a, fill(r, drive)], p) : null];
  },
  format: ([a, b], { axis, reverse }) =>
    `linearRecurrence(${a}, ${b}, axis=${axis}${reverse ? ", reverse" : ""})`,
});
