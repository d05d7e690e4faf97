/**
 * sort and argsort along an axis (NumPy's, Theano's `sort`/`argsort`): stable, NaN last,
 * -0 and +0 equal (kept in their order). The gradient of sort sends each output gradient
 * back to the element it came from: `permuteAlong(gz, argsort(argsort(x)))`, a gather by
 * the inverse permutation. argsort's integer output has no gradient.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import { checkOptions, isPlainObject, oneOf } from "../core/options.ts";
import {
  defineOp,
  type Op,
  type SortKind,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { flatten } from "./reshape.ts";

/** Params of sort, argsort and permuteAlong: the axis (>= 0). */
export interface AxisParams {
  axis: number;
}

/** Options of `sort` and `argsort`: NumPy's keywords. */
export interface SortOptions {
  /** The axis sorted along (default -1, the last); null sorts the flattened array. */
  axis?: number | null;
  /**
   * NumPy's algorithm names; every one gives the stable order here (equal elements keep
   * their order), which is what NumPy's "stable" and "mergesort" promise.
   */
  kind?: SortKind;
}

/** Whether `a` sorts strictly before `b` in NumPy's order: NaN after everything, -0 equal to +0. */
const before = (a: number, b: number) => a < b || (b !== b && a === a);

/** Runs this long are put in order by insertion before merging. */
const RUN = 16;

/**
 * The stable order of `v` (NumPy's `argsort(kind="stable")`) into `idx`: insertion sort of
 * short runs, then bottom-up merges through `tmp`. Several times faster than sorting
 * positions with `Array.prototype.sort` and a comparator, which calls a closure per
 * comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stableOrder } from "./sort.ts";
 * const idx = new Int32Array(5);
 * stableOrder(Float64Array.from([3, NaN, -0, 0, -1]), idx, new Int32Array(5));
 * assert.deepEqual(Array.from(idx), [4, 2, 3, 0, 1]);
 * ```
 */
export function stableOrder(v: ArrayLike<number>, idx: Int32Array, tmp: Int32Array): void {
  const n = idx.length;
  for (let k = 0; k < n; k++) idx[k] = k;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let k = lo + 1; k < hi; k++) {
      const key = idx[k], kv = v[key];
      let j = k;
      for (; j > lo && before(kv, v[idx[j - 1]]); j--) idx[j] = idx[j - 1];
      idx[j] = key;
    }
  }
  let src = idx, dst = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
      let a = lo, b = mid, k = lo;
      // Ties take the left run first: the merge is stable.
      while (a < mid && b < hi) dst[k++] = before(v[src[b]], v[src[a]]) ? src[b++] : src[a++];
      while (a < mid) dst[k++] = src[a++];
      while (b < hi) dst[k++] = src[b++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== idx) idx.set(src);
}

/** Each line along `axis` of `x`: calls `line(order, base, stride)` with its stable order. */
function eachLine(
  x: NDArray,
  axis: number,
  line: (order: Int32Array, base: number, stride: number) => void,
): void {
  const n = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1)), outer = sizeOf(x.shape.slice(0, axis));
  const d = x.data, values = new Float64Array(n), idx = new Int32Array(n), tmp = new Int32Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) values[k] = d[base + k * inner];
      stableOrder(values, idx, tmp);
      line(idx, base, inner);
    }
  }
}

function axisType(op: string, x: Variable, axis: number): void {
  if (x.ndim === 0) {
    throw new HypatiaTypeError(`${op}: cannot sort the scalar ${x.describe()}; use axis: null`);
  }
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) {
    throw new HypatiaTypeError(`${op}: axis ${axis} is out of range for ${x.describe()}`);
  }
}

/** The sort op: `x` sorted along `axis`. */
export const sortOp: Op<AxisParams> = defineOp<AxisParams>({
  name: "sort",
  inferType([x], { axis }) {
    axisType("sort", x, axis);
    return [x.type];
  },
  perform([x], { axis }) {
    // Each line through the typed array's numeric sort (NaN last), several times faster
    // than sorting positions with a comparator; it puts -0 before +0, so the zeros are
    // then written back in their original order, as NumPy's stable sort keeps them.
    const out = new NDArray(x.dtype, x.shape), s = x.data, d = out.data;
    const n = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1)), outer = sizeOf(x.shape.slice(0, axis));
    const line = new (s.constructor as new (n: number) => typeof s)(n), float = isFloat(x.dtype);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        for (let k = 0; k < n; k++) line[k] = s[base + k * inner];
        line.sort();
        if (float) {
          let z = 0;
          while (z < n && line[z] < 0) z++;
          for (let k = 0; k < n; k++) if (s[base + k * inner] === 0) line[z++] = s[base + k * inner];
        }
        for (let k = 0; k < n; k++) d[base + k * inner] = line[k];
      }
    }
    return [out];
  },
  vjp(node, [gz]) {
    const [x] = node.inputs, p = node.params as AxisParams;
    const inverse = argsortOp.apply1([argsortOp.apply1([x], p)], p);
    return [permuteAlongOp.apply1([gz, inverse], p)];
  },
  jvp: (node, [t]) => {
    const p = node.params as AxisParams;
    return [t ? permuteAlongOp.apply1([t, argsortOp.apply1([node.inputs[0]], p)], p) : null];
  },
  format: ([x], { axis }) => `sort(${x}, axis=${axis})`,
});

/** The argsort op: the int64 positions that sort `x` along `axis` (stable, NaN last). */
export const argsortOp: Op<AxisParams> = defineOp<AxisParams>({
  name: "argsort",
  inferType([x], { axis }) {
    axisType("argsort", x, axis);
    return [new TensorType("int64", x.type.shape)];
  },
  perform([x], { axis }) {
    const out = new NDArray("int64", x.shape), d = out.data;
    eachLine(x, axis, (order, base, stride) => {
      for (let k = 0; k < order.length; k++) d[base + k * stride] = order[k];
    });
    return [out];
  },
  notDifferentiable: "argsort gives integer positions, which move the cost only in steps",
  format: ([x], { axis }) => `argsort(${x}, axis=${axis})`,
});

/**
 * `x` gathered along `axis` by `perm`, a permutation of each line (`take_along_axis`
 * for permutations): sort's gradient. Its own gradient gathers by the inverse
 * permutation, `argsort(perm)`.
 */
export const permuteAlongOp: Op<AxisParams> = defineOp<AxisParams>({
  name: "permute_along",
  inferType([x, perm], { axis }) {
    if (perm.ndim !== x.ndim || perm.dtype !== "int64") {
      throw new HypatiaTypeError(
        `permute_along: ${perm.describe()} must be int64 positions shaped as ${x.describe()}`,
      );
    }
    axisType("permute_along", x, axis);
    return [x.type];
  },
  perform([x, perm], { axis }, node) {
    if (perm.shape.some((n, d) => n !== x.shape[d])) {
      throw new InputError(
        `permute_along: positions of shape (${perm.shape.join(", ")}) for a value of shape (${
          x.shape.join(", ")
        }) in ${node.where()}`,
      );
    }
    const n = x.shape[axis], inner = sizeOf(x.shape.slice(axis + 1));
    const out = new NDArray(x.dtype, x.shape), s = x.data, p = perm.data, d = out.data;
    for (let e = 0; e < d.length; e++) {
      const k = Math.floor(e / inner) % n, j = p[e];
      if (!(j >= 0 && j < n)) {
        throw new InputError(`permute_along: position ${j} outside [0, ${n}) in ${node.where()}`);
      }
      d[e] = s[e + (j - k) * inner];
    }
    return [out];
  },
  vjp(node, [g]) {
    const p = node.params as AxisParams;
    return [permuteAlongOp.apply1([g, argsortOp.apply1([node.inputs[1]], p)], p), null];
  },
  format: ([x, perm], { axis }) => `permute_along(${x}, ${perm}, axis=${axis})`,
});

const SORT_OPTIONS = {
  axis: { test: (v: unknown) => v === null || Number.isInteger(v), expected: "an integer axis or null" },
  kind: oneOf("quicksort", "mergesort", "heapsort", "stable"),
};

/** The input and its axis (>= 0) from sort's arguments; null flattens. */
function sortArgs(
  op: string,
  a: TensorLike,
  axis: number | null | SortOptions | undefined,
): [Variable, number] {
  const options: SortOptions = isPlainObject(axis)
    ? checkOptions(op, axis as SortOptions, SORT_OPTIONS)
    : { axis: axis as number | null | undefined };
  let v = asTensor(a);
  let ax = options.axis === undefined ? -1 : options.axis;
  if (ax === null) {
    v = v.ndim === 1 ? v : flatten(v);
    ax = 0;
  }
  if (!Number.isInteger(ax) || ax < -v.ndim || ax >= v.ndim) {
    throw new HypatiaTypeError(
      `${op}: axis ${ax} is out of range for ${v.describe()}${v.ndim === 0 ? "; use axis: null" : ""}`,
    );
  }
  return [v, ax < 0 ? ax + v.ndim : ax];
}

/**
 * `a` sorted along `axis` (default -1; `null` sorts the flattened array), as NumPy's
 * `sort`: stable, NaN last. Also `{ axis, kind }`; every kind gives the stable order.
 * The gradient sends each output gradient back to the element it came from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const f = T.function([x], [T.sort(x), x.sort(0), T.sort(x, null)]);
 * const [rows, cols, flat] = f([[3, NaN, 1], [0, 2, -1]]);
 * assert.deepEqual(rows.toArray(), [[1, 3, NaN], [-1, 0, 2]]);
 * assert.deepEqual(cols.toArray(), [[0, 2, -1], [3, NaN, 1]]);
 * assert.deepEqual(flat.toArray(), [-1, 0, 1, 2, 3, NaN]);
 * ```
 */
export function sort(a: TensorLike, axis?: number | null | SortOptions): Variable {
  const [v, ax] = sortArgs("sort", a, axis);
  return sortOp.apply1([v], { axis: ax });
}

/**
 * The int64 positions that sort `a` along `axis` (default -1; `null` flattens), as
 * NumPy's `argsort(kind="stable")`: equal elements keep their order, NaN last. Not
 * differentiable (integer output).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const v = T.dvector("v");
 * const f = T.function([v], [T.argsort(v), v.argsort({ kind: "stable" })]);
 * const [a, b] = f([3, NaN, 1, 3]);
 * assert.deepEqual(a.toArray(), [2, 0, 3, 1]);
 * assert.equal(b.dtype, "int64");
 * ```
 */
export function argsort(a: TensorLike, axis?: number | null | SortOptions): Variable {
  const [v, ax] = sortArgs("argsort", a, axis);
  return argsortOp.apply1([v], { axis: ax });
}
