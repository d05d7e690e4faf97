/**
 * concatenate (Theano's `join`) and stack (concatenate of inputs given a new axis).
 * @module
 */
import { type DType, isFloat } from "../core/dtype.ts";
import { floatX } from "../core/config.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import {
  Constant,
  defineOp,
  type Dim,
  type Op,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { add } from "./arith.ts";
import { cast } from "./cast.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { promote } from "./elemwise.ts";
import { shapeI } from "./shape.ts";
import { slice } from "./subtensor.ts";

/** Params of concatenate: the axis joined along (normalised to >= 0). */
export interface ConcatenateParams {
  axis: number;
}

/** The concatenate op. */
export const concatenateOp: Op<ConcatenateParams> = defineOp<ConcatenateParams>({
  name: "concatenate",
  inferType(xs, { axis }) {
    if (xs.length === 0) throw new HypatiaTypeError("concatenate: needs at least one tensor");
    const nd = xs[0].ndim;
    const list = () => xs.map((x) => x.describe()).join(", ");
    if (nd === 0) {
      throw new HypatiaTypeError(`concatenate: scalars cannot be concatenated (${list()}); use stack`);
    }
    if (xs.some((x) => x.ndim !== nd)) {
      throw new HypatiaTypeError(
        `concatenate: all tensors must have the same number of dimensions (${list()})`,
      );
    }
    if (xs.some((x) => x.dtype !== xs[0].dtype)) {
      throw new HypatiaTypeError(`concatenate: all tensors must have the same dtype (${list()})`);
    }
    if (!Number.isInteger(axis) || axis < 0 || axis >= nd) {
      throw new HypatiaTypeError(`concatenate: axis ${axis} is out of range for ${nd}-d tensors`);
    }
    const shape: Dim[] = [];
    for (let d = 0; d < nd; d++) {
      const ds = xs.map((x) => x.type.shape[d]);
      if (d === axis) {
        shape.push(ds.every((q) => q !== null) ? (ds as number[]).reduce((a, b) => a + b, 0) : null);
        continue;
      }
      const known = ds.filter((q): q is number => q !== null);
      if (known.some((q) => q !== known[0])) {
        throw new HypatiaTypeError(
          `concatenate: lengths of axis ${d} differ (${list()}), joining along axis ${axis}`,
        );
      }
      shape.push(known.length ? known[0] : null);
    }
    return [new TensorType(xs[0].dtype, shape)];
  },
  perform(xs, { axis }, node) {
    const ref = xs[0].shape;
    xs.forEach((x) => {
      if (x.shape.some((n, d) => d !== axis && n !== ref[d])) {
        throw new ShapeError(
          `concatenate: along axis ${axis}, the other lengths must match: ${
            xs.map((v, i) => `${node.inputs[i].name ?? `input ${i}`} (${v.shape.join(", ")})`).join(", ")
          }`,
        );
      }
    });
    const total = xs.reduce((s, x) => s + x.shape[axis], 0);
    const shape = ref.map((n, d) => (d === axis ? total : n));
    const out = new NDArray(xs[0].dtype, shape), dst = out.data;
    const outer = sizeOf(ref.slice(0, axis)), tail = sizeOf(ref.slice(axis + 1));
    const outBlock = total * tail;
    let offset = 0;
    for (const x of xs) {
      const blk = x.shape[axis] * tail, src = x.data;
      for (let o = 0; o < outer; o++) dst.set(src.subarray(o * blk, (o + 1) * blk), o * outBlock + offset);
      offset += blk;
    }
    return [out];
  },
  vjp(node, [gz]) {
    const { axis } = node.params as ConcatenateParams;
    let off: number | Variable = 0;
    const lead = new Array<null>(axis).fill(null);
    return node.inputs.map((x) => {
      const n: number | Variable = x.type.shape[axis] ?? shapeI(x, axis);
      const stop: number | Variable = typeof off === "number" && typeof n === "number"
        ? off + n
        : off === 0
        ? n
        : add(off, n);
      const g = slice(gz, ...lead, [off, stop]);
      off = stop;
      return g;
    });
  },
  format: (xs, { axis }) => `concatenate([${xs.join(", ")}], axis=${axis})`,
  rewrites: [{
    name: "concatenate_single",
    stage: "canonicalize",
    apply: (node) => (node.inputs.length === 1 ? [node.inputs[0]] : null),
  }],
});

/** Inputs converted to one dtype: NumPy's promotion, weak scalars adapting. */
function common(op: string, xs: TensorLike[]): Variable[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new HypatiaTypeError(`${op}: needs a non-empty list of tensors`);
  }
  const vs = xs.map((x) => asTensor(x));
  const allWeak = vs.every((v) => v instanceof Constant && v.weak);
  const dtype: DType = allWeak
    ? (vs.some((v) => isFloat(v.dtype)) ? floatX() : vs.every((v) => v.dtype === "bool") ? "bool" : "int64")
    : promote(vs);
  return vs.map((v) => {
    if (v.dtype === dtype) return v;
    return v instanceof Constant && v.weak ? constant(v.value.data[0], { dtype }) : cast(v, dtype);
  });
}

/**
 * Join tensors along an existing axis (NumPy's `concatenate`, Theano's `join`). Every
 * length but the joined one must match; dtypes are promoted as NumPy does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatenate, TensorType } from "../mod.ts";
 * const a = new TensorType("float64", [2, 3]).make("a"), b = new TensorType("float64", [4, 3]).make("b");
 * assert(concatenate([a, b]).staticShape.join() === "6,3");
 * ```
 */
export function concatenate(xs: TensorLike[], axis = 0): Variable {
  const vs = common("concatenate", xs);
  const nd = vs[0].ndim;
  if (nd === 0) {
    throw new HypatiaTypeError(
      `concatenate: scalars cannot be concatenated (${vs.map((v) => v.describe()).join(", ")}); use stack`,
    );
  }
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) {
    throw new HypatiaTypeError(`concatenate: axis ${axis} is out of range for ${vs[0].describe()}`);
  }
  const node = concatenateOp.make(vs, { axis: axis < 0 ? axis + nd : axis }); // checks the inputs
  return vs.length === 1 ? vs[0] : node.outputs[0];
}

/**
 * Stack tensors of the same shape along a new axis (NumPy's `stack`): `stack([a, b])`
 * of two vectors is a 2-row matrix, and scalars stack into a vector. When every input
 * is a bare JS number the result is int64 (or floatX if one is not an integer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dscalar, dvector, stack } from "../mod.ts";
 * assert(stack([dscalar("a"), dscalar("b"), 1]).staticShape.join() === "3");
 * assert(stack([dvector("u"), dvector("v")], 1).staticShape[1] === 2);
 * ```
 */
export function stack(xs: TensorLike[], axis = 0): Variable {
  const vs = common("stack", xs);
  const nd = vs[0].ndim;
  if (vs.some((v) => v.ndim !== nd)) {
    throw new HypatiaTypeError(
      `stack: all tensors must have the same number of dimensions (${
        vs.map((v) => v.describe()).join(", ")
      })`,
    );
  }
  if (!Number.isInteger(axis) || axis < -(nd + 1) || axis > nd) {
    throw new HypatiaTypeError(
      `stack: axis ${axis} is out of range for ${nd}-d tensors (the result has ${nd + 1})`,
    );
  }
  const a = axis < 0 ? axis + nd + 1 : axis;
  const pattern: (number | "x")[] = [...Array(nd).keys()];
  pattern.splice(a, 0, "x");
  return concatenateOp.apply1(vs.map((v) => dimshuffle(v, ...pattern)), { axis: a });
}
