/**
 * `batchedTensordot` (Theano's `batched_tensordot`): a tensordot of each pair of slices
 * along the first (batch) axis, built as a transpose and reshape of each input into
 * `(batch, rows, summed)` and `(batch, summed, columns)`, a `batchedDot`, and a reshape to
 * the free axes. Differentiable through those ops.
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { atUserCall, defineOp, type Op, type TensorLike, type Variable } from "../core/graph.ts";
import { checkInner } from "./dot_kernel.ts";
import { asTensor } from "../core/constant.ts";
import { mul } from "./arith.ts";
import { batchedDot } from "./batched_dot.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { reshape } from "./reshape.ts";
import { shapeI } from "./shape.ts";

/** Params of check_aligned: the axes of its two inputs that must have equal lengths, and the op checked. */
export interface AlignedParams {
  axesA: number[];
  axesB: number[];
  op: string;
}

/**
 * check_aligned: its first input unchanged, after checking that `axesA` of it and `axesB`
 * of the second have equal lengths (the reshapes before the product compare only totals).
 */
export const checkAlignedOp: Op<AlignedParams> = defineOp<AlignedParams>({
  name: "check_aligned",
  inferType([a]) {
    return [a.type];
  },
  perform([a, b], { axesA, axesB, op }, node) {
    checkInner(op, node, a.shape, axesA, b.shape, axesB);
    return [new NDArray(a.dtype, a.shape, a.data)];
  },
  vjp: (_node, [gz]) => [gz, null],
  format: ([a, b], { axesA, axesB }) => `check_aligned(${a}, ${b}, [${axesA}], [${axesB}])`,
});

type Len = number | Variable;
const lengthOf = (x: Variable, d: number): Len => x.type.shape[d] ?? shapeI(x, d);
const product = (ls: Len[]): Len =>
  ls.reduce<Len>((p, q) => (typeof p === "number" && typeof q === "number" ? p * q : mul(p, q)), 1);

/** Summed axes of `x` and `y`: Theano's `axes` (an int, or two lists counted with the batch axis). */
function summedAxes(
  x: Variable,
  y: Variable,
  axes: number | readonly [number | number[], number | number[]],
) {
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes >= Math.min(x.ndim, y.ndim)) {
      throw new HypatiaTypeError(
        `batchedTensordot: cannot sum ${axes} axes of ${x.describe()} and ${y.describe()} (besides the batch axis)`,
      );
    }
    return [
      [...Array(axes).keys()].map((k) => x.ndim - axes + k),
      [...Array(axes).keys()].map((k) => 1 + k),
    ];
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    throw new HypatiaTypeError(
      `batchedTensordot: axes must be an integer or two lists of axes, got ${JSON.stringify(axes)}`,
    );
  }
  const norm = (v: Variable, a: number | number[]) =>
    (Array.isArray(a) ? a : [a]).map((d) => {
      if (!Number.isInteger(d) || d < -v.ndim || d >= v.ndim || d === 0 || d === -v.ndim) {
        throw new HypatiaTypeError(
          `batchedTensordot: axis ${d} of ${v.describe()} is out of range or the batch axis 0`,
        );
      }
      return d < 0 ? d + v.ndim : d;
    });
  const [ax, ay] = [norm(x, axes[0]), norm(y, axes[1])];
  if (ax.length !== ay.length) {
    throw new HypatiaTypeError(
      `batchedTensordot: ${ax.length} axes of ${x.describe()} against ${ay.length} of ${y.describe()}`,
    );
  }
  ax.forEach((a, k) => {
    const n = x.type.shape[a], m = y.type.shape[ay[k]];
    if (n !== null && m !== null && n !== m) {
      throw new HypatiaTypeError(
        `batchedTensordot: axis ${a} of ${x.describe()} (length ${n}) against axis ${
          ay[k]
        } of ${y.describe()} (length ${m})`,
      );
    }
  });
  return [ax, ay];
}

/**
 * For each index `b` of the first axis, `tensordot(x[b], y[b], axes)` (Theano's
 * `batched_tensordot`): `axes` is the number of trailing axes of `x` summed against the
 * leading (non-batch) axes of `y`, or two lists of axes counted with the batch axis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dtensor3("x"), y = T.dtensor3("y");
 * const z = T.batchedTensordot(x, y, [[2], [1]]); // the batched matrix product
 * const r = T.function([x, y], z)([[[1, 2]], [[3, 4]]], [[[1], [1]], [[2], [0]]]);
 * assert.deepEqual(r.toArray(), [[[3]], [[6]]]);
 * ```
 */
export function batchedTensordot(
  x: TensorLike,
  y: TensorLike,
  axes: number | readonly [number | number[], number | number[]] = 2,
): Variable {
  return atUserCall(() => {
    const a = asTensor(x), b = asTensor(y);
    if (a.ndim < 2 || b.ndim < 2) {
      throw new HypatiaTypeError(
        `batchedTensordot: needs a batch axis and at least one more, got ${a.describe()} and ${b.describe()}`,
      );
    }
    const [sa, sb] = summedAxes(a, b, axes);
    const checked = checkAlignedOp.apply1([a, b], {
      axesA: [0, ...sa],
      axesB: [0, ...sb],
      op: "batchedTensordot",
    });
    const fa = [...Array(a.ndim).keys()].filter((d) => d !== 0 && !sa.includes(d));
    const fb = [...Array(b.ndim).keys()].filter((d) => d !== 0 && !sb.includes(d));
    const batch = lengthOf(a, 0);
    const rows = fa.map((d) => lengthOf(a, d)), cols = fb.map((d) => lengthOf(b, d));
    const k = product(sa.map((d) => lengthOf(a, d)));
    const a3 = reshape(dimshuffle(checked, 0, ...fa, ...sa), [batch, product(rows), k]);
    const b3 = reshape(dimshuffle(b, 0, ...sb, ...fb), [lengthOf(b, 0), k, product(cols)]);
    return reshape(batchedDot(a3, b3), [batch, ...rows, ...cols]);
  });
}
