/**
 * The public indexing functions: basic indexing (ops/subtensor.ts) and, when an index
 * is an array or a mask, advanced indexing (ops/advanced_subtensor.ts), with NumPy's
 * rules for mixing them. Ranges other than `:` are taken first as a basic slice (which
 * keeps their axes); then integer scalars become 0-d index arrays, so their placement
 * follows NumPy's rule too. `setSubtensor`/`incSubtensor` take either kind of view.
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray, type NestedArray } from "../core/ndarray.ts";
import { type SliceArg, type TensorLike, Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { advancedIncSubtensorOp, advancedSubtensorOp, type AdvEntry } from "./advanced_subtensor.ts";
import {
  get as basicGet,
  incSubtensor as basicInc,
  setSubtensor as basicSet,
  slice as basicSlice,
  storable,
  subtensorOp,
} from "./subtensor.ts";

/** An index array: a symbolic integer or bool array, an NDArray, or (in `get`) a JS list, nested or not. */
export type IndexArray = Variable | NDArray | NestedArray[];

/** One argument of `slice`: basic entries, or an index array / mask. */
export type IndexArg = SliceArg | NDArray;

/** Advanced views made of a basic slice then an advanced index: the basic view they read. */
const throughSlice = new WeakMap<Variable, Variable>();

const isAdvanced = (a: unknown) =>
  a instanceof NDArray || (a instanceof Variable && (a.ndim > 0 || a.dtype === "bool"));

function indexVariable(what: string, a: unknown, axis: number): Variable {
  if (a instanceof Variable) return a;
  if (typeof a === "number") {
    if (!Number.isInteger(a)) {
      throw new HypatiaTypeError(`${what}: index of entry ${axis} must be an integer, got ${a}`);
    }
    return constant(a, { dtype: "int64" });
  }
  if (a instanceof NDArray) return constant(a);
  if (Array.isArray(a)) {
    // A (nested) list: bools are a mask, integers an index array; [] selects nothing, as in NumPy.
    const flat = (a as unknown[]).flat(Infinity);
    if (flat.length && flat.every((q) => typeof q === "boolean")) {
      return constant(a as NestedArray, { dtype: "bool" });
    }
    if (flat.every((q) => Number.isInteger(q))) return constant(a as NestedArray, { dtype: "int64" });
    throw new HypatiaTypeError(
      `${what}: the index list of entry ${axis} must hold integers or booleans only`,
    );
  }
  throw new HypatiaTypeError(`${what}: entry ${axis} is not an index: ${String(a)}`);
}

/** x indexed by `args`, where at least one is an index array or a mask. */
function advanced(what: string, x: Variable, args: readonly unknown[]): Variable {
  const isRange = (a: unknown) => a === null || (Array.isArray(a) && what === "slice");
  // Step 1: the ranges, as a basic slice keeping every axis.
  const ranged = args.some((a) => isRange(a) && a !== null);
  let base = x;
  if (ranged) {
    const basic = args.map((a) => (isRange(a) ? a : null)) as SliceArg[];
    base = basicSlice(x, ...basic);
  }
  // Step 2: the arrays, masks and integers; a mask of k dimensions covers k axes.
  const entries: AdvEntry[] = [], idx: Variable[] = [];
  args.forEach((a, p) => {
    if (isRange(a)) return entries.push("all");
    const v = indexVariable(what, a, p);
    entries.push(v.dtype === "bool" ? "bool" : "int");
    idx.push(v);
  });
  while (entries.at(-1) === "all") entries.pop();
  const view = advancedSubtensorOp.apply1([base, ...idx], { entries });
  if (ranged) throughSlice.set(view, base);
  return view;
}

/**
 * Indexing of the leading axes by integers (`get(x, 1)` is NumPy's `x[1]`, `get(x, i,
 * -1)` is `x[i, -1]`) or by index arrays and masks (Theano's advanced indexing:
 * `get(x, idx)` is `x[idx]` for an integer vector or matrix `idx`, given as a symbolic
 * integer array, an NDArray or a JS list; `get(x, mask)` is `x[mask]` for a bool
 * array; `get(x, i, j)` with two arrays pairs their elements). Negative indices count
 * from the end; out-of-range ones are a ShapeError naming the index, the axis and its
 * length. For ranges and whole axes use `slice`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x"), idx = T.lvector("idx");
 * const f = T.function([x, idx], [T.get(x, idx), T.get(x, idx, idx), T.get(x, x.gt(2))]);
 * const [rows, diag, big] = f([[1, 2], [3, 4]], [1, 1, -2]);
 * assert.deepEqual(rows.shape, [3, 2]);
 * assert.deepEqual([...diag.data], [4, 4, 1]);
 * assert.deepEqual([...big.data], [3, 4]);
 * ```
 */
export function get(x: TensorLike, ...index: (number | IndexArray)[]): Variable {
  const v = asTensor(x);
  if (!index.some((a) => isAdvanced(a) || Array.isArray(a))) {
    return basicGet(v, ...(index as (number | Variable)[]));
  }
  for (const [d, a] of index.entries()) {
    if (a === null) {
      throw new HypatiaTypeError(`get: entry ${d} is null; use slice() for whole axes and ranges`);
    }
  }
  return advanced("get", v, index);
}

/**
 * NumPy's indexing with ranges: one argument per leading axis, a number (or symbolic
 * integer) picks one position, `null` keeps the whole axis, `[start, stop, step]` is
 * `start:stop:step`, and a symbolic integer array, bool mask or NDArray is an advanced
 * index: `slice(x, null, idx)` is `x[:, idx]`, `slice(x, [1, 3], mask)` is
 * `x[1:3, mask]`. Index arrays separated by a whole axis put their dimensions first,
 * as NumPy does. A JS list here is a range, so a constant index list is written
 * `T.constant([0, 2])` (or given to `get`, where lists are indices).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dtensor3("x"), idx = T.lvector("idx");
 * assert.equal(T.slice(x, null, idx).ndim, 3);        // x[:, idx]
 * const f = T.function([x, idx], T.slice(x, 0, null, idx)); // x[0, :, idx]: the index dimension first
 * assert.deepEqual(f(new T.NDArray("float64", [2, 3, 4]), [1, 2]).shape, [2, 3]);
 * ```
 */
export function slice(x: TensorLike, ...args: IndexArg[]): Variable {
  const v = asTensor(x);
  if (!args.some(isAdvanced)) return basicSlice(v, ...(args as SliceArg[]));
  return advanced("slice", v, args);
}

function incOrSet(what: "setSubtensor" | "incSubtensor", view: Variable, value: TensorLike): Variable {
  if (view?.owner?.op !== advancedSubtensorOp) {
    return what === "setSubtensor" ? basicSet(view, value) : basicInc(view, value);
  }
  const [x, ...idx] = view.owner.inputs;
  const { entries } = view.owner.params as { entries: AdvEntry[] };
  const inner = advancedIncSubtensorOp.apply1([x, storable(what, x, value), ...idx], {
    entries,
    set: what === "setSubtensor",
  });
  // x[1:3, idx] = v is the slice x[1:3] replaced by a copy with its [:, idx] region changed.
  const sliced = throughSlice.get(view);
  return sliced && sliced.owner?.op === subtensorOp ? basicSet(sliced, inner) : inner;
}

/**
 * A copy of the tensor that `view` indexes, with that region replaced by `value`
 * (broadcast to the region): Theano's `set_subtensor(x[1:3], v)`. `view` may use index
 * arrays and masks (Theano's AdvancedIncSubtensor): where an index repeats, the last
 * value written stays, as NumPy's assignment. The input is never changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.setSubtensor(T.get(x, [0, 2]), 9));
 * assert.deepEqual([...f([1, 2, 3]).data], [9, 2, 9]);
 * ```
 */
export function setSubtensor(view: Variable, value: TensorLike): Variable {
  return incOrSet("setSubtensor", view, value);
}

/**
 * A copy of the tensor that `view` indexes, with `value` added to that region
 * (Theano's `inc_subtensor(x[1:3], v)`). With index arrays a repeated index adds once
 * per occurrence (NumPy's `np.add.at`). The input is never changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.incSubtensor(T.get(x, [0, 0, 2]), 1));
 * assert.deepEqual([...f([1, 2, 3]).data], [3, 2, 4]);
 * ```
 */
export function incSubtensor(view: Variable, value: TensorLike): Variable {
  return incOrSet("incSubtensor", view, value);
}
