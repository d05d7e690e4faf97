/**
 * tile, repeat, roll and ravel (NumPy's and Theano's), built from layout ops so that they
 * run wherever those run and differentiate through them: tile and repeat by one count are
 * an `alloc` of `x` with a broadcast axis beside each repeated one, then a `reshape`; roll
 * is two slices joined; repeat by per-element counts is a `take` at the positions a small
 * integer op (`repeat_index`) computes from the counts.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { atUserCall, defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { alloc } from "./alloc.ts";
import { mod, mul, sub } from "./arith.ts";
import { maximum } from "./minmax.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { concatenate } from "./join.ts";
import { flatten, reshape } from "./reshape.ts";
import { checkIntScalar, shapeI, staticInt } from "./shape.ts";
import { slice } from "./subtensor.ts";
import { take } from "./take.ts";

/** A length: a number when known statically, else the graph's int64 scalar. */
type Len = number | Variable;

const lengthOf = (x: Variable, d: number): Len => x.type.shape[d] ?? shapeI(x, d);
const times = (a: Len, b: Len): Len => typeof a === "number" && typeof b === "number" ? a * b : mul(a, b);

/** A count argument: a number >= 0, or an integer scalar (its constant value when known). */
function countArg(op: string, r: number | Variable, what: string): Len {
  if (typeof r === "number") {
    if (!Number.isInteger(r) || r < 0) {
      throw new InputError(`${op}: ${what} must be an integer >= 0, got ${r}`);
    }
    return r;
  }
  checkIntScalar(op, r, what);
  return staticInt(r) ?? r;
}

/**
 * `x` repeated `reps[i]` times along each axis (NumPy's `tile`): a shorter `reps` is
 * padded with 1s in front, a longer one gives `x` new leading axes. Counts may be symbolic
 * integer scalars. Theano's `ndim` asks for more leading axes still. The gradient sums the
 * copies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const f = T.function([m], [T.tile(m, [2]), T.tile(m, [2, 1, 2])]);
 * const [a, b] = f([[1, 2], [3, 4]]);
 * assert.deepEqual(a.toArray(), [[1, 2, 1, 2], [3, 4, 3, 4]]);
 * assert.deepEqual(b.shape, [2, 2, 4]);
 * ```
 */
export function tile(
  x: TensorLike,
  reps: number | Variable | readonly (number | Variable)[],
  ndim?: number,
): Variable {
  return atUserCall(() => {
    let v = asTensor(x);
    const list = Array.isArray(reps) ? reps : [reps as number | Variable];
    const r = list.map((k, i) => countArg("tile", k, `reps[${i}]`));
    let nd = Math.max(v.ndim, r.length);
    if (ndim !== undefined) {
      if (!Number.isInteger(ndim) || ndim < nd) {
        throw new HypatiaTypeError(
          `tile: ndim ${ndim} is less than the ${nd} dimensions of ${v.describe()} tiled by ${r.length} counts`,
        );
      }
      nd = ndim;
    }
    while (r.length < nd) r.unshift(1);
    if (v.ndim < nd) v = dimshuffle(v, ...new Array<"x">(nd - v.ndim).fill("x"), ...v.type.shape.keys());
    if (r.every((k) => k === 1)) return v;
    const s = [...v.type.shape.keys()].map((d) => lengthOf(v, d));
    // x (s0, s1, …) → (1, s0, 1, s1, …) → alloc (r0, s0, r1, s1, …) → (r0·s0, r1·s1, …)
    const spread = dimshuffle(v, ...[...s.keys()].flatMap((d) => ["x" as const, d]));
    const big = alloc(spread, ...s.flatMap((n, d) => [r[d], n]));
    return reshape(big, s.map((n, d) => times(r[d], n)));
  });
}

/** Params of repeat_index: the axis and its variable, for messages. */
export interface RepeatIndexParams {
  axis: number;
  what: string;
}

/**
 * repeat_index: inputs (counts, n); the int64 positions `[0]*c0 + [1]*c1 + …` along an
 * axis of length n. One count applies to every position (NumPy's broadcasting).
 */
export const repeatIndexOp: Op<RepeatIndexParams> = defineOp<RepeatIndexParams>({
  name: "repeat_index",
  inferType([counts, n]) {
    if (counts.ndim !== 1 || !isInt(counts.dtype)) {
      throw new HypatiaTypeError(
        `repeat: counts must be an integer vector or scalar, got ${counts.describe()}`,
      );
    }
    checkIntScalar("repeat", n, "the axis length");
    return [new TensorType("int64", [null])];
  },
  perform([counts, nv], { axis, what }, node) {
    const n = nv.data[0], c = counts.data, one = c.length === 1;
    if (!one && c.length !== n) {
      throw new InputError(
        `repeat: ${c.length} counts for axis ${axis} of ${what}, whose length is ${n} (give one count, or one per element) in ${node.where()}`,
      );
    }
    let total = 0;
    for (let i = 0; i < c.length; i++) {
      if (c[i] < 0) {
        throw new InputError(`repeat: counts must be >= 0, got ${c[i]} at position ${i} in ${node.where()}`);
      }
      total += c[i];
    }
    if (one) total = c[0] * n;
    const out = new NDArray("int64", [total]), d = out.data;
    for (let i = 0, k = 0; i < n; i++) {
      for (let r = one ? c[0] : c[i]; r > 0; r--) d[k++] = i;
    }
    return [out];
  },
  notDifferentiable: "integer positions",
  format: ([c, n]) => `repeat_index(${c}, ${n})`,
});

/**
 * Each element of `x` repeated along `axis` (NumPy's `repeat`; flattened when `axis` is
 * null or left out): `repeats` is one count (a number or an integer scalar) or one per
 * element (an integer vector or list; its length must be the axis length, checked when the
 * function runs). The gradient sums each element's copies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * const f = T.function([m], [T.repeat(m, 2), m.repeat([1, 2], 0), T.repeat(m, 2, 1)]);
 * const [a, b, c] = f([[1, 2], [3, 4]]);
 * assert.deepEqual(a.toArray(), [1, 1, 2, 2, 3, 3, 4, 4]);
 * assert.deepEqual(b.toArray(), [[1, 2], [3, 4], [3, 4]]);
 * assert.deepEqual(c.toArray(), [[1, 1, 2, 2], [3, 3, 4, 4]]);
 * ```
 */
export function repeat(x: TensorLike, repeats: TensorLike, axis: number | null = null): Variable {
  return atUserCall(() => {
    let v = asTensor(x);
    if (axis === null) {
      v = v.ndim === 1 ? v : flatten(v);
      axis = 0;
    }
    if (!Number.isInteger(axis) || axis < -v.ndim || axis >= v.ndim) {
      throw new HypatiaTypeError(`repeat: axis ${axis} is out of range for ${v.describe()}`);
    }
    const ax = axis < 0 ? axis + v.ndim : axis;
    const counts = typeof repeats === "number" ? repeats : asTensor(repeats);
    if (typeof counts === "number" || counts.ndim === 0) {
      const r = countArg("repeat", counts as number | Variable, "the count");
      const s = [...v.type.shape.keys()].map((d) => lengthOf(v, d));
      // x (…, n, …) → (…, n, 1, …) → alloc (…, n, r, …) → (…, n·r, …)
      const pattern: (number | "x")[] = [...s.keys()];
      pattern.splice(ax + 1, 0, "x");
      const lens: Len[] = [...s];
      lens.splice(ax + 1, 0, r);
      const big = alloc(dimshuffle(v, ...pattern), ...lens);
      const out = s.map((n, d) => (d === ax ? times(n, r) : n));
      return reshape(big, out);
    }
    if (counts.ndim !== 1 || !isInt(counts.dtype)) {
      throw new HypatiaTypeError(
        `repeat: counts must be integers, one or one per element, got ${counts.describe()}`,
      );
    }
    const n = lengthOf(v, ax);
    const known = counts.type.shape[0];
    if (typeof n === "number" && known !== null && known !== 1 && known !== n) {
      throw new InputError(`repeat: ${known} counts for axis ${ax} of ${v.describe()}, whose length is ${n}`);
    }
    const nv = typeof n === "number" ? constant(n, { dtype: "int64" }) : n;
    const positions = repeatIndexOp.apply1([counts, nv], { axis: ax, what: v.describe() });
    return take(v, positions, ax);
  });
}

/**
 * `x` shifted by `shift` places along `axis`, elements leaving one end coming back at the
 * other (NumPy's `roll`; flattened then reshaped back when `axis` is null). `shift` may
 * be negative or a symbolic integer scalar; lists of shifts and axes roll several axes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const v = T.dvector("v"), m = T.dmatrix("m");
 * assert.deepEqual(T.function([v], T.roll(v, 1))([1, 2, 3]).toArray(), [3, 1, 2]);
 * assert.deepEqual(T.function([m], T.roll(m, -1, 1))([[1, 2, 3], [4, 5, 6]]).toArray(), [[2, 3, 1], [5, 6, 4]]);
 * ```
 */
export function roll(
  x: TensorLike,
  shift: number | Variable | readonly (number | Variable)[],
  axis: number | readonly number[] | null = null,
): Variable {
  return atUserCall(() => {
    const v = asTensor(x);
    if (axis === null) {
      if (Array.isArray(shift)) throw new HypatiaTypeError("roll: several shifts need as many axes");
      if (v.ndim <= 1) return rollAxis(v, shift as number | Variable, 0);
      return reshape(
        rollAxis(flatten(v), shift as number | Variable, 0),
        [...v.type.shape.keys()].map((d) => lengthOf(v, d)),
      );
    }
    const shifts = Array.isArray(shift) ? shift : [shift as number | Variable];
    const axes = Array.isArray(axis) ? axis : [axis as number];
    if (shifts.length !== axes.length && shifts.length !== 1 && axes.length !== 1) {
      throw new HypatiaTypeError(`roll: ${shifts.length} shifts for ${axes.length} axes`);
    }
    let out = v;
    for (let k = 0; k < Math.max(shifts.length, axes.length); k++) {
      const a = axes[axes.length === 1 ? 0 : k];
      if (!Number.isInteger(a) || a < -v.ndim || a >= v.ndim) {
        throw new HypatiaTypeError(`roll: axis ${a} is out of range for ${v.describe()}`);
      }
      out = rollAxis(out, shifts[shifts.length === 1 ? 0 : k], a < 0 ? a + v.ndim : a);
    }
    return out;
  });
}

function rollAxis(x: Variable, shift: number | Variable, axis: number): Variable {
  if (x.ndim === 0) return x;
  const n = lengthOf(x, axis);
  let s: Len;
  if (typeof shift === "number") {
    if (!Number.isInteger(shift)) throw new InputError(`roll: the shift must be an integer, got ${shift}`);
    if (n === 0) return x;
    s = typeof n === "number" ? ((shift % n) + n) % n : mod(constant(shift, { dtype: "int64" }), n);
  } else {
    checkIntScalar("roll", shift, "the shift");
    // An empty axis rolls to itself: its shift is taken modulo 1 instead of 0.
    s = typeof n === "number" ? (n === 0 ? 0 : mod(shift, n)) : mod(shift, maximum(n, 1));
  }
  if (s === 0) return x;
  // The last s elements come first: x[n - s:] then x[:n - s].
  const k = typeof n === "number" && typeof s === "number" ? n - s : sub(n, s);
  const lead = new Array<null>(axis).fill(null);
  return concatenate([slice(x, ...lead, [k, null]), slice(x, ...lead, [0, k])], axis);
}

/**
 * `x` as a vector, in C order (NumPy's `ravel`; Theano's `flatten` with one dimension).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const m = T.dmatrix("m");
 * assert.deepEqual(T.function([m], m.ravel())([[1, 2], [3, 4]]).toArray(), [1, 2, 3, 4]);
 * ```
 */
export function ravel(x: TensorLike): Variable {
  return flatten(x, 1);
}
