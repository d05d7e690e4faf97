/**
 * Reading shapes: `shape(x)` (an int64 vector, `x.shape`) and `shape_i(x, i)` (one
 * length, an int64 scalar), with the rewrites that turn lengths known from static types
 * into constants, and `staticInt`, which every structural op uses to fold known lengths
 * at build time.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { Constant, defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { cast } from "./cast.ts";

/** A rank-0 int64 constant. */
export function int64Const(v: number): Constant {
  return constant(v, { dtype: "int64" });
}

/** The `shape` op: the lengths of `x` as an int64 vector. */
export const shapeOp: Op<null> = defineOp<null>({
  name: "shape",
  inferType: ([x]) => [new TensorType("int64", [x.ndim])],
  perform([x]) {
    const out = new NDArray("int64", [x.ndim]);
    out.data.set(x.shape);
    return [out];
  },
  notDifferentiable: "a shape is an integer",
  constantFoldable: true,
  format: ([x]) => `${x}.shape`,
  rewrites: [{
    name: "shape_constant",
    stage: "canonicalize",
    apply(node) {
      const s = node.inputs[0].type.shape;
      if (s.some((d) => d === null)) return null;
      return [constant(new NDArray("int64", [s.length], Float64Array.from(s as number[])))];
    },
  }],
});

/** Params of shape_i: which axis. */
export interface ShapeIParams {
  i: number;
}

/** The `shape_i` op: the length of axis `i` of `x`, an int64 scalar. */
export const shapeIOp: Op<ShapeIParams> = defineOp<ShapeIParams>({
  name: "shape_i",
  inferType([x], { i }) {
    if (!Number.isInteger(i) || i < 0 || i >= x.ndim) {
      throw new HypatiaTypeError(
        `shape_i: axis ${i} is out of range for ${x.describe()} with ${x.ndim} dimensions`,
      );
    }
    return [new TensorType("int64", [])];
  },
  perform([x], { i }) {
    const out = new NDArray("int64", []);
    out.data[0] = x.shape[i];
    return [out];
  },
  notDifferentiable: "a length is an integer",
  constantFoldable: true,
  format: ([x], { i }) => `${x}.shape[${i}]`,
  rewrites: [{
    name: "shape_i_constant",
    stage: "canonicalize",
    apply(node) {
      const d = node.inputs[0].type.shape[(node.params as ShapeIParams).i];
      return d === null ? null : [int64Const(d)];
    },
  }, {
    // The length of an output, from the input that decides it, so that shapes in
    // gradients stop depending on the values computed on the way.
    name: "shape_i_lift",
    stage: "canonicalize",
    apply(node) {
      const { i } = node.params as ShapeIParams;
      const x = node.inputs[0], owner = x.owner;
      if (!owner) return null;
      if (owner.op.scalar) {
        const from = owner.inputs.find((v) => v.ndim === x.ndim && v.type.shape[i] !== 1);
        return from ? [shapeI(from, i)] : null;
      }
      switch (owner.op.name) {
        case "dimshuffle": {
          const p = (owner.params as { pattern: (number | "x")[] }).pattern[i];
          return p === "x" ? [int64Const(1)] : [shapeI(owner.inputs[0], p)];
        }
        case "reshape":
        case "alloc": {
          // Entries that are "$" read the next scalar input; only a length that is
          // itself a shape (never -1) may stand in for the output's length.
          const entries = (owner.params as { shape: (number | "$")[] }).shape;
          if (entries[i] !== "$") return null;
          const k = entries.slice(0, i).filter((e) => e === "$").length;
          const dim = owner.inputs[1 + k]; // input 0 is the reshaped tensor or the value
          if (owner.op.name === "reshape" && dim.owner?.op.name !== "shape_i") return null;
          return [cast(dim, "int64")];
        }
        case "inc_subtensor":
          return [shapeI(owner.inputs[0], i)];
        default:
          return null;
      }
    },
  }],
});

/**
 * The length of axis `i` of `x` as an int64 scalar (a constant when the type knows it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapeI } from "./shape.ts";
 * import { dmatrix } from "./constructors.ts";
 * assert(shapeI(dmatrix("m"), 1).dtype === "int64");
 * ```
 */
export function shapeI(x: TensorLike, i: number): Variable {
  const v = asTensor(x);
  if (i < 0) i += v.ndim;
  return shapeIOp.apply1([v], { i });
}

/**
 * The value of an integer scalar known at build time: a constant, or the length of an
 * axis whose static length is known. Undefined otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapeI, staticInt } from "./shape.ts";
 * import { TensorType } from "../core/graph.ts";
 * const x = new TensorType("float64", [3, null]).make("x");
 * assert(staticInt(shapeI(x, 0)) === 3 && staticInt(shapeI(x, 1)) === undefined);
 * ```
 */
export function staticInt(v: Variable): number | undefined {
  if (v instanceof Constant && v.ndim === 0 && isInt(v.dtype)) return v.value.data[0];
  const o = v.owner;
  if (o?.op.name === "shape_i") return o.inputs[0].type.shape[(o.params as ShapeIParams).i] ?? undefined;
  return undefined;
}

/**
 * Check that `v` can serve as an integer scalar argument (an index, a bound, a length)
 * of `op`; `what` names the argument in the message.
 */
export function checkIntScalar(op: string, v: Variable, what: string): void {
  if (v.ndim !== 0 || !isInt(v.dtype)) {
    throw new HypatiaTypeError(
      `${op}: ${what} must be an integer scalar, got ${v.describe()}` +
        (v.ndim !== 0 ? " (only basic indexing with scalars and ranges is supported)" : ""),
    );
  }
}

/**
 * The symbolic shape of `x`: an int64 vector whose length is `x.ndim` (also `x.shape`).
 * `shapeOf(x).get(0)` (or `x.shape.get(0)`) is the first length as an int64 scalar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, shapeOf } from "../mod.ts";
 * const s = shapeOf(dmatrix("m"));
 * assert(s.dtype === "int64" && s.staticShape[0] === 2);
 * ```
 */
export function shapeOf(x: TensorLike): Variable {
  return shapeOp.apply1([asTensor(x)], null);
}
