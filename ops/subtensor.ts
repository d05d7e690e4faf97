/**
 * Basic indexing (NumPy's integers, `start:stop:step` ranges and None, on the leading
 * axes), and `setSubtensor`/`incSubtensor`, which return a new tensor with a region
 * replaced or incremented (Theano's `set_subtensor(x[1:3], v)`).
 *
 * Indices and bounds may be numbers or symbolic integer scalars. In params an entry is
 * a number, null (None) or "$", which reads the next scalar input after the tensor(s).
 * Results are always copies: a view into a buffer the CPU program recycles would not
 * be safe (the program counts readers per typed array, not per memory block).
 * @module
 */
import { isFloat, upcast } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray, stridesOf } from "../core/ndarray.ts";
import {
  Constant,
  defineOp,
  type Op,
  type SliceArg,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { cast } from "./cast.ts";
import { fill } from "./fill.ts";
import { shapeI } from "./shape.ts";
import { gather, type IndexEntry, indexString, regionOf, scatter } from "./subtensor_kernel.ts";
import { inlineConstants, parseIndex, regionType, resolveRuntime } from "./subtensor_index.ts";

export type { Bound, IndexEntry, SliceEntry } from "./subtensor_kernel.ts";
export { parseIndex, regionType, resolveRuntime } from "./subtensor_index.ts";

/** Params of subtensor: one entry per indexed leading axis. */
export interface SubtensorParams {
  idx: IndexEntry[];
}

/** Params of inc_subtensor: the region, and whether it is set (else incremented). */
export interface IncSubtensorParams {
  idx: IndexEntry[];
  set: boolean;
}

function tryMake(op: Op, inputs: Variable[], params: unknown): Variable[] | null {
  try {
    return [op.apply1(inputs, params)];
  } catch {
    return null; // an index proved out of range: leave the error to run time
  }
}

/** The subtensor op: `x[idx]`, always a copy. */
export const subtensorOp: Op<SubtensorParams> = defineOp<SubtensorParams>({
  name: "subtensor",
  inferType([x, ...sym], { idx }) {
    return [new TensorType(x.dtype, regionType("subtensor", x, idx, sym))];
  },
  perform([x, ...sym], { idx }, node) {
    const r = regionOf(x.shape, resolveRuntime("subtensor", x, idx, sym, node.inputs[0].describe()));
    const out = new NDArray(x.dtype, r.shape);
    gather(x.data, r, out.data);
    return [out];
  },
  vjp(node, [gz]) {
    const [x, ...sym] = node.inputs;
    const zeros = fill(x, constant(0, { dtype: gz.dtype }));
    const { idx } = node.params as SubtensorParams;
    return [incSubtensorOp.apply1([zeros, gz, ...sym], { idx, set: false }), ...sym.map(() => null)];
  },
  jvp(node, [t]) {
    return [t ? subtensorOp.apply1([t, ...node.inputs.slice(1)], node.params as SubtensorParams) : null];
  },
  format: ([x, ...sym], { idx }) => `${x}[${indexString(idx, sym)}]`,
  rewrites: [{
    name: "subtensor_inline_constants",
    stage: "canonicalize",
    apply(node) {
      const [x, ...sym] = node.inputs;
      const r = inlineConstants((node.params as SubtensorParams).idx, sym);
      return r && tryMake(subtensorOp, [x, ...r[1]], { idx: r[0] });
    },
  }, {
    name: "subtensor_identity",
    stage: "canonicalize",
    apply(node) {
      const x = node.inputs[0];
      const full = (node.params as SubtensorParams).idx.every((e, d) =>
        typeof e === "object" && (e.start === null || e.start === 0) && (e.step === null || e.step === 1) &&
        (e.stop === null ||
          (typeof e.stop === "number" && x.type.shape[d] !== null && e.stop >= x.type.shape[d]!))
      );
      return full ? [x] : null;
    },
  }, {
    name: "subtensor_shape_i",
    stage: "canonicalize",
    apply(node) {
      const [x] = node.inputs, { idx } = node.params as SubtensorParams;
      if (x.owner?.op.name !== "shape" || idx.length !== 1 || typeof idx[0] !== "number") return null;
      const base = x.owner.inputs[0];
      return [shapeI(base, idx[0] < 0 ? idx[0] + base.ndim : idx[0])];
    },
  }],
});

/**
 * Check the value `v` given to setSubtensor/incSubtensor (basic or advanced) against the
 * region of `x` it writes (static lengths, null where unknown): dtype, rank and the lengths
 * it would broadcast to. `label` names the region in messages.
 */
export function checkIncValue(
  what: string,
  set: boolean,
  x: Variable,
  v: Variable,
  region: readonly (number | null)[],
  label: string,
): void {
  if (!set && x.dtype === "bool") {
    throw new HypatiaTypeError(`incSubtensor: cannot increment bool ${x.describe()}`);
  }
  if (v.dtype !== x.dtype) {
    throw new HypatiaTypeError(`${what}: the value ${v.describe()} must have the dtype of ${x.describe()}`);
  }
  if (v.ndim > region.length) {
    throw new HypatiaTypeError(
      `${what}: the value ${v.describe()} has more dimensions than the region ${label} (${region.length})`,
    );
  }
  v.type.shape.forEach((d, i) => {
    const r = region[region.length - v.ndim + i];
    if (d !== null && d !== 1 && r !== null && d !== r) {
      throw new HypatiaTypeError(
        `${what}: the value ${v.describe()} does not fit the region of shape (${
          region.map((q) => q ?? "?").join(", ")
        }) of ${x.describe()}`,
      );
    }
  });
}

/** The inc_subtensor op: a copy of x with the region x[idx] set to or incremented by a value. */
export const incSubtensorOp: Op<IncSubtensorParams> = defineOp<IncSubtensorParams>({
  name: "inc_subtensor",
  inferType([x, v, ...sym], { idx, set }) {
    const what = set ? "setSubtensor" : "incSubtensor";
    const region = regionType(what, x, idx, sym);
    checkIncValue(what, set, x, v, region, `${x}[${indexString(idx, sym.map(String))}]`);
    return [x.type];
  },
  perform([x, v, ...sym], { idx, set }, node) {
    const what = set ? "setSubtensor" : "incSubtensor";
    const r = regionOf(x.shape, resolveRuntime(what, x, idx, sym, node.inputs[0].describe()));
    const vType = node.inputs[1].type, vs = stridesOf(v.shape), lead = r.shape.length - v.ndim;
    const strides = r.shape.map((n, d) => {
      const i = d - lead;
      if (i < 0) return 0;
      if (v.shape[i] === n) return vs[i];
      if (v.shape[i] === 1 && vType.shape[i] === 1) return 0;
      throw new ShapeError(
        `${what}: the value ${node.inputs[1].describe()} of shape (${
          v.shape.join(", ")
        }) does not fit the region ${node.inputs[0]}[${
          indexString(idx, node.inputs.slice(2).map(String))
        }] of shape (${r.shape.join(", ")})`,
      );
    });
    const out = x.copy();
    scatter(out.data, r, v.data, strides, !set);
    return [out];
  },
  vjp(node, [gz]) {
    const [, , ...sym] = node.inputs;
    const { idx, set } = node.params as IncSubtensorParams;
    const gx = set
      ? incSubtensorOp.apply1([gz, constant(0, { dtype: gz.dtype }), ...sym], { idx, set: true })
      : gz;
    return [gx, subtensorOp.apply1([gz, ...sym], { idx }), ...sym.map(() => null)];
  },
  format: ([x, v, ...sym], { idx, set }) =>
    `${set ? "setSubtensor" : "incSubtensor"}(${x}[${indexString(idx, sym)}], ${v})`,
  rewrites: [{
    name: "inc_subtensor_inline_constants",
    stage: "canonicalize",
    apply(node) {
      const [x, v, ...sym] = node.inputs, p = node.params as IncSubtensorParams;
      const r = inlineConstants(p.idx, sym);
      return r && tryMake(incSubtensorOp, [x, v, ...r[1]], { idx: r[0], set: p.set });
    },
  }, {
    name: "inc_subtensor_zero",
    stage: "canonicalize",
    apply(node) {
      const [x, v] = node.inputs;
      if ((node.params as IncSubtensorParams).set || !(v instanceof Constant)) return null;
      return v.value.data.every((q) => q === 0) ? [x] : null;
    },
  }],
});
/**
 * Integer indexing of the leading axes: `get(x, 1)` is NumPy's `x[1]`, `get(x, i, -1)`
 * is `x[i, -1]`. Negative indices count from the end; indices may be symbolic integer
 * scalars (`get(y, i)` with `i = iscalar()`). Out-of-range indices raise a ShapeError
 * when the function runs (a HypatiaTypeError at once when the length is known).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, get, iscalar } from "../mod.ts";
 * const m = dmatrix("m");
 * assert(get(m, 0).ndim === 1 && get(m, iscalar("i"), -1).ndim === 0);
 * ```
 */
export function get(x: TensorLike, ...index: (number | Variable)[]): Variable {
  const v = asTensor(x);
  for (const i of index) {
    if (i === null || Array.isArray(i)) {
      throw new HypatiaTypeError("get: takes integer indices only; use slice() for ranges and null");
    }
  }
  const { idx, sym } = parseIndex("get", index);
  if (v.owner?.op.name === "shape" && idx.length === 1 && typeof idx[0] === "number") {
    regionType("get", v, idx, sym); // range check
    const base = v.owner.inputs[0];
    return shapeI(base, idx[0] < 0 ? idx[0] + base.ndim : idx[0]);
  }
  return subtensorOp.apply1([v, ...sym], { idx });
}

/**
 * NumPy's basic indexing: one argument per leading axis, a number (or symbolic
 * integer) picks one position and drops the axis, `null` keeps the whole axis, and
 * `[start, stop, step]` is `start:stop:step` (entries may be null, negative or
 * symbolic; out-of-range bounds are clamped and negative steps walk backwards, as
 * in NumPy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slice, TensorType } from "../mod.ts";
 * const x = new TensorType("float64", [5, 4]).make("x");
 * const y = slice(x, [1, 3], [null, null, -2]);   // x[1:3, ::-2]
 * assert(y.staticShape.join() === "2,2");
 * ```
 */
export function slice(x: TensorLike, ...args: SliceArg[]): Variable {
  const v = asTensor(x);
  const { idx, sym } = parseIndex("slice", args);
  return subtensorOp.apply1([v, ...sym], { idx });
}

function incOrSet(what: "setSubtensor" | "incSubtensor", view: Variable, value: TensorLike): Variable {
  if (!view || view.owner?.op !== subtensorOp) {
    throw new HypatiaTypeError(
      `${what}: the first argument must be the result of get() or slice() (e.g. ${what}(x.slice([1, 3]), v)), got ${
        view?.describe?.() ?? String(view)
      }`,
    );
  }
  const [x, ...sym] = view.owner.inputs;
  const { idx } = view.owner.params as SubtensorParams;
  return incSubtensorOp.apply1([x, storable(what, x, value), ...sym], { idx, set: what === "setSubtensor" });
}

/**
 * `value` as a tensor of x's dtype, cast when no precision is lost. A JS number (a weak
 * scalar) takes x's dtype, rounded for a float dtype; for an integer or bool dtype it
 * must be a value of that dtype, as NumPy 2 requires (`int8_array[0] = 1000` raises):
 * it is never wrapped or truncated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { storable } from "./subtensor.ts";
 * const b = T.bvector("b");
 * assert.equal(storable("setSubtensor", b, 100).dtype, "int8");
 * assert.throws(() => storable("setSubtensor", b, 1000), /1000 is out of the range of int8/);
 * assert.throws(() => storable("setSubtensor", b, 0.5), /0.5 is not a whole number/);
 * ```
 */
export function storable(what: string, x: Variable, value: TensorLike): Variable {
  const v = asTensor(value);
  if (v.dtype === x.dtype) return v;
  const weak = v instanceof Constant && v.weak;
  if (!weak && upcast(v.dtype, x.dtype) !== x.dtype) {
    throw new HypatiaTypeError(
      `${what}: cannot store ${v.describe()} in ${x.describe()} without losing precision; cast it first`,
    );
  }
  if (!weak || v.ndim !== 0) return cast(v, x.dtype);
  const n = Number((v as Constant).value.data[0]), stored = constant(n, { dtype: x.dtype });
  if (!isFloat(x.dtype) && Number(stored.value.data[0]) !== n) {
    throw new HypatiaTypeError(
      `${what}: ${n} ${
        Number.isInteger(n) ? `is out of the range of ${x.dtype}` : "is not a whole number"
      }, so it cannot be stored in ${x.describe()} without losing information; store a value of ${x.dtype}, or cast the tensor to a wider dtype first`,
    );
  }
  return stored;
}

/**
 * A copy of the tensor that `view` indexes, with that region replaced by `value`
 * (broadcast to the region): Theano's `set_subtensor(x[1:3], v)`. The input is never
 * changed. `value` is cast to the tensor's dtype when no precision is lost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, setSubtensor, slice } from "../mod.ts";
 * const x = dvector("x");
 * const y = setSubtensor(slice(x, [1, 3]), 0);   // x with x[1:3] = 0
 * assert(y.type.equals(x.type));
 * ```
 */
export function setSubtensor(view: Variable, value: TensorLike): Variable {
  return incOrSet("setSubtensor", view, value);
}

/**
 * A copy of the tensor that `view` indexes, with `value` added to that region
 * (Theano's `inc_subtensor(x[1:3], v)`). The input is never changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, dvector, get, incSubtensor } from "../mod.ts";
 * const y = incSubtensor(get(dmatrix("m"), 0), dvector("row"));
 * assert(y.ndim === 2);
 * ```
 */
export function incSubtensor(view: Variable, value: TensorLike): Variable {
  return incOrSet("incSubtensor", view, value);
}
