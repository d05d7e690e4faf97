/**
 * Ops on sorted values: `searchsorted` (where values would be inserted into a sorted
 * vector) and `unique` (the sorted distinct elements, with NumPy's optional first
 * indices, inverse and counts). Both order NaN after every number, and `unique` counts
 * all NaNs as one value, as NumPy 2 does. Their results are integers or selections:
 * they have no gradient (Theano's do not either).
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { bool, checkOptions, oneOf } from "../core/options.ts";

/** NumPy's sort order: numbers ascending, NaN last. */
const less = (a: number, b: number) => a < b || (b !== b && a === a);

/** Params of searchsorted: which side of equal elements to insert on. */
export interface SearchsortedParams {
  side: "left" | "right";
}

/** The searchsorted op: inputs the sorted vector, the values, and optionally a sorter. */
export const searchsortedOp: Op<SearchsortedParams> = defineOp<SearchsortedParams>({
  name: "searchsorted",
  inferType([a, v, sorter], { side }) {
    if (a.ndim !== 1) throw new HypatiaTypeError(`searchsorted: ${a.describe()} must be a vector`);
    if (side !== "left" && side !== "right") {
      throw new HypatiaTypeError(`searchsorted: side must be "left" or "right", got ${JSON.stringify(side)}`);
    }
    if (sorter && (sorter.ndim !== 1 || !isInt(sorter.dtype))) {
      throw new HypatiaTypeError(`searchsorted: the sorter ${sorter.describe()} must be an integer vector`);
    }
    return [new TensorType("int64", v.type.shape)];
  },
  perform([a, v, sorter], { side }, node) {
    const n = a.size;
    let at = (i: number) => a.data[i];
    if (sorter) {
      if (sorter.size !== n) {
        throw new ShapeError(
          `searchsorted: the sorter (length ${sorter.size}) must have the length of ${
            node.inputs[0].describe()
          } (${n})`,
        );
      }
      for (let i = 0; i < n; i++) {
        const s = sorter.data[i];
        if (s < 0 || s >= n) {
          throw new InputError(
            `searchsorted: sorter index ${s} at position ${i} is out of bounds for length ${n}`,
          );
        }
      }
      at = (i) => a.data[sorter.data[i]];
    }
    const out = new NDArray("int64", v.shape);
    for (let k = 0; k < v.size; k++) {
      const x = v.data[k];
      let lo = 0, hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1, m = at(mid);
        // left: the first position whose element is not below x; right: the first above x.
        if (side === "left" ? less(m, x) : !less(x, m)) lo = mid + 1;
        else hi = mid;
      }
      out.data[k] = lo;
    }
    return [out];
  },
  notDifferentiable: "its result is integer positions",
  format: ([a, v, s], { side }) => `searchsorted(${a}, ${v}, side=${side}${s ? `, sorter=${s}` : ""})`,
});

/** Options of searchsorted. */
export interface SearchsortedOptions {
  /** "left" (default): the first suitable position; "right": the last. */
  side?: "left" | "right";
  /** Integer indices that sort `a` (as from argsort), when `a` is not sorted itself. */
  sorter?: TensorLike;
}

/**
 * Where each of `v` would be inserted into the sorted vector `a` to keep it sorted
 * (NumPy's and Theano's `searchsorted`): with `side: "left"` the first such position,
 * with `"right"` the last. NaN sorts after every number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const a = T.dvector("a"), v = T.dvector("v");
 * const f = T.function([a, v], [T.searchsorted(a, v), T.searchsorted(a, v, { side: "right" })]);
 * const [l, r] = f([1, 2, 2, 3], [2, 0, 5]);
 * assert.deepEqual([...l.data], [1, 0, 4]);
 * assert.deepEqual([...r.data], [3, 0, 4]);
 * ```
 */
export function searchsorted(a: TensorLike, v: TensorLike, options: SearchsortedOptions = {}): Variable {
  checkOptions("searchsorted", options, {
    side: oneOf("left", "right"),
    sorter: { test: () => true, expected: "a tensor" },
  });
  const inputs = [asTensor(a), asTensor(v)];
  if (options.sorter !== undefined) inputs.push(asTensor(options.sorter));
  return searchsortedOp.apply1(inputs, { side: options.side ?? "left" });
}

/** Params of unique: which results besides the values. */
export interface UniqueParams {
  returnIndex: boolean;
  returnInverse: boolean;
  returnCounts: boolean;
}

/** The unique op: the sorted distinct values, then the requested index, inverse and counts. */
export const uniqueOp: Op<UniqueParams> = defineOp<UniqueParams>({
  name: "unique",
  inferType([x], p) {
    const out = [new TensorType(x.dtype, [null])];
    if (p.returnIndex) out.push(new TensorType("int64", [null]));
    if (p.returnInverse) out.push(new TensorType("int64", x.type.shape));
    if (p.returnCounts) out.push(new TensorType("int64", [null]));
    return out;
  },
  perform([x], p) {
    const d = x.data, n = x.size;
    // A stable sort of positions, so the first of equal elements is the first occurrence.
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
      less(d[i], d[j]) ? -1 : less(d[j], d[i]) ? 1 : i - j
    );
    const same = (a: number, b: number) => a === b || (a !== a && b !== b);
    const starts: number[] = [];
    order.forEach((i, k) => {
      if (k === 0 || !same(d[order[k - 1]], d[i])) starts.push(k);
    });
    const m = starts.length;
    const values = new NDArray(x.dtype, [m]);
    starts.forEach((k, u) => (values.data[u] = d[order[k]]));
    const out = [values];
    if (p.returnIndex) {
      const index = new NDArray("int64", [m]);
      starts.forEach((k, u) => (index.data[u] = order[k]));
      out.push(index);
    }
    if (p.returnInverse) {
      const inverse = new NDArray("int64", x.shape);
      let u = -1;
      order.forEach((i, k) => {
        if (starts[u + 1] === k) u++;
        inverse.data[i] = u;
      });
      out.push(inverse);
    }
    if (p.returnCounts) {
      const counts = new NDArray("int64", [m]);
      starts.forEach((k, u) => (counts.data[u] = (starts[u + 1] ?? n) - k));
      out.push(counts);
    }
    return out;
  },
  notDifferentiable: "it selects and counts values",
  format: ([x]) => `unique(${x})`,
});

/** Options of unique (NumPy's keywords). */
export interface UniqueOptions {
  /** Also return the index of each value's first occurrence in the flattened input. */
  returnIndex?: boolean;
  /** Also return, for each element, the index of its value (in the input's shape, as NumPy 2). */
  returnInverse?: boolean;
  /** Also return how many times each value occurs. */
  returnCounts?: boolean;
}

/**
 * The sorted distinct elements of `x`, flattened (NumPy's and Theano's `unique`; NaNs
 * count as one value, last). With any of the options, an array: the values, then the
 * first indices, the inverse and the counts that were asked for, in that order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.lvector("x");
 * const [u, inv, counts] = T.unique(x, { returnInverse: true, returnCounts: true });
 * const f = T.function([x], [u, inv, counts]);
 * const [a, b, c] = f([3, 1, 3, 2]);
 * assert.deepEqual([...a.data], [1, 2, 3]);
 * assert.deepEqual([...b.data], [2, 0, 2, 1]);
 * assert.deepEqual([...c.data], [1, 1, 2]);
 * ```
 */
export function unique(x: TensorLike, options?: Record<string, never>): Variable;
/** With any of the options true: the values, then what was asked for, in the options' order. */
export function unique(
  x: TensorLike,
  options: UniqueOptions & ({ returnIndex: true } | { returnInverse: true } | { returnCounts: true }),
): Variable[];
/** With options known only at run time: one Variable, or an array when any option is true. */
export function unique(x: TensorLike, options: UniqueOptions): Variable | Variable[];
export function unique(x: TensorLike, options: UniqueOptions = {}): Variable | Variable[] {
  checkOptions("unique", options, { returnIndex: bool, returnInverse: bool, returnCounts: bool });
  const p: UniqueParams = {
    returnIndex: options.returnIndex ?? false,
    returnInverse: options.returnInverse ?? false,
    returnCounts: options.returnCounts ?? false,
  };
  const outs = uniqueOp.make([asTensor(x)], p).outputs;
  return outs.length === 1 ? outs[0] : [...outs];
}
