/**
 * Broadcastability changes (Theano's Rebroadcast: `addbroadcast`, `unbroadcast`,
 * `patternbroadcast`) and padding with broadcastable axes (`shapePadleft`,
 * `shapePadright`, `shapePadaxis`, dimshuffles). Rebroadcast changes only the static type:
 * the value passes through, and an axis declared broadcastable is checked to have length 1
 * when the function runs.
 * @module
 */
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { dimshuffle } from "./dimshuffle.ts";

/** Params of rebroadcast: `[axis, broadcastable]` pairs, axes >= 0 in increasing order. */
export interface RebroadcastParams {
  axes: [number, boolean][];
}

/** The rebroadcast op: the input with some axes' broadcastability changed. */
export const rebroadcastOp: Op<RebroadcastParams> = defineOp<RebroadcastParams>({
  name: "rebroadcast",
  inferType([x], { axes }) {
    const shape = [...x.type.shape];
    for (const [a, b] of axes) {
      if (b && shape[a] !== null && shape[a] !== 1) {
        throw new HypatiaTypeError(
          `addbroadcast: axis ${a} of ${x.describe()} has length ${shape[a]}, so it cannot be broadcastable`,
        );
      }
      shape[a] = b ? 1 : null;
    }
    return [new TensorType(x.dtype, shape)];
  },
  perform([x], { axes }, node) {
    for (const [a, b] of axes) {
      if (b && x.shape[a] !== 1) {
        throw new ShapeError(
          `addbroadcast: axis ${a} of ${
            node.inputs[0].describe()
          } was declared broadcastable but has length ${x.shape[a]} (shape (${
            x.shape.join(", ")
          })) in ${node.where()}`,
        );
      }
    }
    return [new NDArray(x.dtype, x.shape, x.data)];
  },
  vjp(node, [gz]) {
    return [patternbroadcast(gz, node.inputs[0].broadcastable)];
  },
  jvp: (node, [t]) => [t ? patternbroadcast(t, node.outputs[0].broadcastable) : null],
  format: ([x], { axes }) => `rebroadcast(${x}, ${axes.map(([a, b]) => `${a}:${b ? 1 : "?"}`).join(", ")})`,
  rewrites: [{
    name: "rebroadcast_rebroadcast",
    stage: "canonicalize",
    apply(node) {
      const inner = node.inputs[0].owner;
      if (inner?.op !== rebroadcastOp) return null;
      return [patternbroadcast(inner.inputs[0], node.outputs[0].broadcastable)];
    },
  }],
});

/** Axes given to a broadcast function, normalised to >= 0 (negative count from the end). */
function axesOf(what: string, x: Variable, axes: number[]): number[] {
  return axes.map((a) => {
    if (!Number.isInteger(a) || a < -x.ndim || a >= x.ndim) {
      throw new HypatiaTypeError(`${what}: axis ${a} is out of range for ${x.describe()} (${x.ndim} axes)`);
    }
    return a < 0 ? a + x.ndim : a;
  });
}

/** The rebroadcast of `x` to `wanted` flags, or `x` when nothing changes. */
function rebroadcast(x: Variable, wanted: Map<number, boolean>): Variable {
  const axes = [...wanted].filter(([a, b]) => x.broadcastable[a] !== b).sort((p, q) => p[0] - q[0]);
  return axes.length ? rebroadcastOp.apply1([x], { axes }) : x;
}

/**
 * Make the given axes broadcastable (their length must be 1 when the function runs; a
 * known other length is refused at once). Theano's `addbroadcast`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const r = T.addbroadcast(x, 0);
 * assert.deepEqual(r.broadcastable, [true, false]);
 * const f = T.function([x], r.mul(2));
 * assert.deepEqual(f([[1, 2]]).toArray(), [[2, 4]]);
 * assert.throws(() => f([[1, 2], [3, 4]]), T.ShapeError); // axis 0 has length 2
 * ```
 */
export function addbroadcast(x: TensorLike, ...axes: number[]): Variable {
  const v = asTensor(x);
  return rebroadcast(v, new Map(axesOf("addbroadcast", v, axes).map((a) => [a, true])));
}

/**
 * Make the given axes not broadcastable (their static length 1 is forgotten). Theano's
 * `unbroadcast`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.unbroadcast(T.drow("r"), 0).broadcastable, [false, false]);
 * ```
 */
export function unbroadcast(x: TensorLike, ...axes: number[]): Variable {
  const v = asTensor(x);
  return rebroadcast(v, new Map(axesOf("unbroadcast", v, axes).map((a) => [a, false])));
}

/**
 * Give `x` the broadcastable flags `broadcastable` (one per axis). Theano's
 * `patternbroadcast`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.patternbroadcast(T.dmatrix("m"), [false, true]).broadcastable, [false, true]);
 * ```
 */
export function patternbroadcast(x: TensorLike, broadcastable: readonly boolean[]): Variable {
  const v = asTensor(x);
  if (!Array.isArray(broadcastable) || broadcastable.length !== v.ndim) {
    throw new HypatiaTypeError(
      `patternbroadcast: needs ${v.ndim} flags for ${v.describe()}, got ${JSON.stringify(broadcastable)}`,
    );
  }
  return rebroadcast(v, new Map(broadcastable.map((b, a) => [a, !!b])));
}

function ones(what: string, n: number): "x"[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new HypatiaTypeError(`${what}: the number of axes to add must be an integer >= 0, got ${n}`);
  }
  return new Array<"x">(n).fill("x");
}

/**
 * `x` with `nOnes` broadcastable axes added in front (Theano's `shape_padleft`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.shapePadleft(T.dvector("v"), 2).broadcastable, [true, true, false]);
 * ```
 */
export function shapePadleft(x: TensorLike, nOnes = 1): Variable {
  const v = asTensor(x);
  return dimshuffle(v, ...ones("shapePadleft", nOnes), ...v.type.shape.keys());
}

/**
 * `x` with `nOnes` broadcastable axes added at the end (Theano's `shape_padright`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.shapePadright(T.dvector("v")).broadcastable, [false, true]);
 * ```
 */
export function shapePadright(x: TensorLike, nOnes = 1): Variable {
  const v = asTensor(x);
  return dimshuffle(v, ...v.type.shape.keys(), ...ones("shapePadright", nOnes));
}

/**
 * `x` with a broadcastable axis inserted at `axis` (NumPy's `expand_dims`; negative axes
 * count from the end of the result). Theano's `shape_padaxis`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * assert.deepEqual(T.shapePadaxis(T.dmatrix("m"), 1).broadcastable, [false, true, false]);
 * assert.deepEqual(T.shapePadaxis(T.dmatrix("m"), -1).broadcastable, [false, false, true]);
 * ```
 */
export function shapePadaxis(x: TensorLike, axis: number): Variable {
  const v = asTensor(x), nd = v.ndim + 1;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) {
    throw new HypatiaTypeError(
      `shapePadaxis: axis ${axis} is out of range for ${v.describe()} (the result has ${nd} axes)`,
    );
  }
  const pattern: (number | "x")[] = [...v.type.shape.keys()];
  pattern.splice(axis < 0 ? axis + nd : axis, 0, "x");
  return dimshuffle(v, ...pattern);
}
