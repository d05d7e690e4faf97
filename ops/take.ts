/**
 * take (NumPy's `take`, Theano's `take`): elements of `a` gathered along one axis at
 * integer indices, and its gradient, the scatter-add of the output gradient back into
 * the positions read (`takeGrad`: indices read twice add up). Out-of-range indices follow
 * `mode` as NumPy: "raise" (the default: negative indices count from the end, others are
 * an error naming the index and the axis length), "wrap" (modulo the length) and "clip"
 * (to the first or last element).
 * @module
 */

import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import { isInt, type TypedArray } from "../core/dtype.ts";
import { checkOptions, isPlainObject, oneOf } from "../core/options.ts";
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
import { flatten } from "./reshape.ts";
import { checkIntScalar, shapeI, staticInt } from "./shape.ts";

/** How take treats indices outside `[-n, n)`. */
export type TakeMode = "raise" | "wrap" | "clip";

/** Params of take and takeGrad: the axis (>= 0) and the mode. */
export interface TakeParams {
  axis: number;
  mode: TakeMode;
}

/** Options of `take`: NumPy's keywords. */
export interface TakeOptions {
  /** The axis taken along; null (the default) takes from the flattened array. */
  axis?: number | null;
  /** Out-of-range indices: "raise" (default), "wrap" or "clip". */
  mode?: TakeMode;
}

/**
 * The positions `idx` select along an axis of length `n` under `mode`; `where` names the
 * node for the error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takePositions } from "./take.ts";
 * assert.deepEqual(Array.from(takePositions([0, -1, 2], 3, "raise", "")), [0, 2, 2]);
 * assert.deepEqual(Array.from(takePositions([5, -4], 3, "wrap", "")), [2, 2]);
 * assert.deepEqual(Array.from(takePositions([5, -4], 3, "clip", "")), [2, 0]);
 * assert.throws(() => takePositions([3], 3, "raise", ""), /index 3 is out of bounds for axis 0 with size 3/);
 * ```
 */
export function takePositions(
  idx: ArrayLike<number>,
  n: number,
  mode: TakeMode,
  where: string,
  axis = 0,
): Int32Array {
  const m = idx.length, pos = new Int32Array(m);
  if (n === 0 && m > 0) {
    if (mode === "raise") {
      throw new InputError(`take: index ${idx[0]} is out of bounds for axis ${axis} with size 0${where}`);
    }
    throw new InputError(`take: cannot do a non-empty take from an empty axis (axis ${axis})${where}`);
  }
  for (let j = 0; j < m; j++) {
    let i = idx[j];
    if (i < 0 || i >= n) {
      if (mode === "raise") {
        if (i < -n || i >= n) {
          throw new InputError(`take: index ${i} is out of bounds for axis ${axis} with size ${n}${where}`);
        }
        i += n;
      } else if (mode === "wrap") i = ((i % n) + n) % n;
      else i = i < 0 ? 0 : n - 1;
    }
    pos[j] = i;
  }
  return pos;
}

/** Lengths before, along and after `axis` of `shape`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** " (in take (built at …), indices "i")" for errors. */
function whereOf(node: { where(): string; inputs: readonly Variable[] }): string {
  return ` (indices ${node.inputs[1].describe()}, in ${node.where()})`;
}

function checkIndices(op: string, idx: Variable): void {
  if (!isInt(idx.dtype)) {
    throw new HypatiaTypeError(
      `${op}: indices must be integers, got ${idx.describe()}` +
        (idx.dtype === "bool" ? " (a bool mask selects with nonzero: take(a, nonzero(mask)[0]))" : ""),
    );
  }
}

/** The take op: inputs (a, indices); output `a.shape[:axis] + indices.shape + a.shape[axis+1:]`. */
export const takeOp: Op<TakeParams> = defineOp<TakeParams>({
  name: "take",
  inferType([a, idx], { axis }) {
    checkIndices("take", idx);
    if (!Number.isInteger(axis) || axis < 0 || axis >= a.ndim) {
      throw new HypatiaTypeError(`take: axis ${axis} is out of range for ${a.describe()}`);
    }
    const s = a.type.shape;
    return [new TensorType(a.dtype, [...s.slice(0, axis), ...idx.type.shape, ...s.slice(axis + 1)])];
  },
  perform([a, idx], { axis, mode }, node) {
    const [outer, n, inner] = around(a.shape, axis);
    const pos = takePositions(idx.data, n, mode, whereOf(node), axis);
    const out = new NDArray(a.dtype, [...a.shape.slice(0, axis), ...idx.shape, ...a.shape.slice(axis + 1)]);
    gather(a.data, pos, outer, n, inner, out.data);
    return [out];
  },
  vjp(node, [gz]) {
    const [a, idx] = node.inputs, { axis } = node.params as TakeParams;
    return [takeGradOp.apply1([gz, idx, axisLength(a, axis)], node.params as TakeParams), null];
  },
  jvp: (node, [t]) => [t ? takeOp.apply1([t, node.inputs[1]], node.params as TakeParams) : null],
  format: ([a, idx], { axis, mode }) =>
    `take(${a}, ${idx}, axis=${axis}${mode === "raise" ? "" : `, ${mode}`})`,
  rewrites: [{
    // Constant indices all inside [-n, n) cannot raise: "wrap" gives the same values and
    // needs no check, and int64 ones are stored as int32: so an engine that cannot report
    // an error or has no int64 lane (WGSL) runs it.
    name: "take_constant_indices",
    stage: "specialize",
    apply(node) {
      const [a, idx] = node.inputs, p = node.params as TakeParams, n = a.type.shape[p.axis];
      if (!(idx instanceof Constant)) return null;
      const d = idx.value.data, narrow = idx.dtype === "int64" && d.every((i) => Math.abs(i) < 2 ** 31);
      const checked = p.mode === "raise" && n !== null && (n > 0 || d.length === 0) &&
        d.every((i) => i >= -n && i < n);
      if (!narrow && !checked) return null;
      const i32 = narrow ? constant(idx.value.astype("int32")) : idx;
      return [takeOp.apply1([a, i32], { axis: p.axis, mode: checked ? "wrap" : p.mode })];
    },
  }],
});

/**
 * `out[o, j, i] = src[o, pos[j], i]` for `outer × m × inner` elements: whole rows copied
 * when `inner > 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gather } from "./take.ts";
 * const out = new Float64Array(4);
 * gather(Float64Array.from([1, 2, 3, 4, 5, 6]), Int32Array.from([2, 0]), 1, 3, 2, out); // rows of 2
 * assert.deepEqual(Array.from(out), [5, 6, 1, 2]);
 * ```
 */
export function gather(
  src: TypedArray,
  pos: Int32Array,
  outer: number,
  n: number,
  inner: number,
  dst: TypedArray,
): void {
  const m = pos.length;
  if (inner === 1) {
    for (let o = 0, k = 0; o < outer; o++) {
      const base = o * n;
      for (let j = 0; j < m; j++) dst[k++] = src[base + pos[j]];
    }
    return;
  }
  for (let o = 0, k = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < m; j++, k += inner) {
      const s = base + pos[j] * inner;
      dst.set(src.subarray(s, s + inner), k);
    }
  }
}

/** The length of `a` along `axis` as a graph value (a constant when known). */
function axisLength(a: Variable, axis: number): Variable {
  const n = a.type.shape[axis];
  return n !== null ? constant(n, { dtype: "int64" }) : shapeI(a, axis);
}

/**
 * take's gradient: inputs (gz, indices, n); the output has gz's shape with the indices'
 * axes replaced by one axis of length n, holding the sum of gz's slices taken from each
 * position (NumPy's `np.add.at`).
 */
export const takeGradOp: Op<TakeParams> = defineOp<TakeParams>({
  name: "take_grad",
  inferType([gz, idx, n], { axis }) {
    checkIndices("take_grad", idx);
    checkIntScalar("take_grad", n, "the axis length");
    const s = gz.type.shape, k = idx.ndim;
    if (gz.ndim < axis + k) {
      throw new HypatiaTypeError(
        `take_grad: ${gz.describe()} is too short for ${k}-d indices at axis ${axis}`,
      );
    }
    const len: Dim = staticInt(n) ?? null;
    return [new TensorType(gz.dtype, [...s.slice(0, axis), len, ...s.slice(axis + k)])];
  },
  perform([gz, idx, nv], { axis, mode }, node) {
    const n = nv.data[0], k = idx.ndim;
    const shape = [...gz.shape.slice(0, axis), n, ...gz.shape.slice(axis + k)];
    const pos = takePositions(idx.data, n, mode, whereOf(node), axis);
    const outer = sizeOf(gz.shape.slice(0, axis)), inner = sizeOf(gz.shape.slice(axis + k)), m = pos.length;
    const out = new NDArray(gz.dtype, shape), dst = out.data, src = gz.data;
    for (let o = 0, s = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let j = 0; j < m; j++) {
        const d = base + pos[j] * inner;
        for (let i = 0; i < inner; i++) dst[d + i] += src[s++];
      }
    }
    return [out];
  },
  vjp(node, [g]) {
    return [takeOp.apply1([g, node.inputs[1]], node.params as TakeParams), null, null];
  },
  format: ([gz, idx, n], { axis }) => `take_grad(${gz}, ${idx}, ${n}, axis=${axis})`,
});

const TAKE_OPTIONS = {
  axis: { test: (v: unknown) => v === null || Number.isInteger(v), expected: "an integer axis or null" },
  mode: oneOf("raise", "wrap", "clip"),
};

/**
 * Elements of `a` at integer `indices` along `axis` (NumPy's `take`): the result has
 * `a.shape[:axis] + indices.shape + a.shape[axis+1:]`. Without an axis (or `axis: null`)
 * `a` is flattened first. Negative indices count from the end; `mode` ("raise", "wrap",
 * "clip") says what out-of-range indices do, and "raise" names the index and the axis
 * length. The gradient adds the output gradient back at the positions read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x"), i = T.lvector("i");
 * const f = T.function([x, i], [T.take(x, i, 1), x.take(i)]);
 * const [cols, flat] = f([[1, 2, 3], [4, 5, 6]], [2, -3]);
 * assert.deepEqual(cols.toArray(), [[3, 1], [6, 4]]);
 * assert.deepEqual(flat.toArray(), [3, 4]);
 * assert.throws(() => f([[1, 2, 3]], [3]), /index 3 is out of bounds for axis 1 with size 3/);
 * assert.deepEqual(T.function([x], T.take(x, [5], { axis: 1, mode: "clip" }))([[1, 2, 3]]).toArray(), [[3]]);
 * ```
 */
export function take(a: TensorLike, indices: TensorLike, axis?: number | null | TakeOptions): Variable {
  const options: TakeOptions = isPlainObject(axis)
    ? checkOptions("take", axis as TakeOptions, TAKE_OPTIONS)
    : { axis: axis as number | null | undefined };
  let v = asTensor(a);
  const idx = asTensor(indices);
  checkIndices("take", idx);
  const mode = options.mode ?? "raise";
  let ax = options.axis ?? null;
  if (ax === null) {
    v = v.ndim === 1 ? v : flatten(v);
    ax = 0;
  }
  if (!Number.isInteger(ax) || ax < -v.ndim || ax >= v.ndim) {
    throw new HypatiaTypeError(`take: axis ${ax} is out of range for ${v.describe()}`);
  }
  return takeOp.apply1([v, idx], { axis: ax < 0 ? ax + v.ndim : ax, mode });
}
