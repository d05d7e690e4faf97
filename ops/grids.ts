/**
 * Grids and nested stacks: `mgrid` / `ogrid` (Theano's and NumPy's index grids, one
 * tensor per range) and `stacklists` (Theano's: nested lists of tensors stacked into one
 * tensor of the same nesting).
 * @module
 */
import { upcastAll } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { atUserCall, type TensorLike, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { alloc, arange, type ArangeBound } from "./alloc.ts";
import { cast } from "./cast.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { stack } from "./join.ts";
import { shapeI } from "./shape.ts";

/** One range of a grid: `[stop]`, `[start, stop]` or `[start, stop, step]`, as a slice `start:stop:step`. */
export type GridRange = readonly [ArangeBound, ArangeBound?, ArangeBound?];

/** The aranges of the ranges, in one dtype (NumPy's grids share one). */
function aranges(op: string, ranges: readonly GridRange[]): Variable[] {
  if (ranges.length === 0) throw new HypatiaTypeError(`${op}: needs at least one range`);
  const vs = ranges.map((r, i) => {
    if (!Array.isArray(r) || r.length < 1 || r.length > 3) {
      throw new HypatiaTypeError(
        `${op}: range ${i} must be [stop], [start, stop] or [start, stop, step], got ${JSON.stringify(r)}`,
      );
    }
    return r.length === 1 ? arange(r[0]) : arange(r[0], r[1], r[2]);
  });
  const dtype = upcastAll(vs.map((v) => v.dtype));
  return vs.map((v) => (v.dtype === dtype ? v : cast(v, dtype)));
}

/**
 * A dense grid (NumPy's and Theano's `mgrid[0:5, 0:3]`, written
 * `mgrid([0, 5], [0, 3])`): one tensor per range, each of the full grid's shape, holding
 * its range's values along its own axis. Ranges are `[start, stop, step]` slices of
 * numbers or symbolic scalars (a step of NumPy's complex "number of points" form has no
 * JS equivalent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [rows, cols] = T.mgrid([0, 2], [1, 4]);
 * const [r, c] = T.function([], [rows, cols])();
 * assert.deepEqual(r.toArray(), [[0, 0, 0], [1, 1, 1]]);
 * assert.deepEqual(c.toArray(), [[1, 2, 3], [1, 2, 3]]);
 * ```
 */
export function mgrid(...ranges: GridRange[]): Variable[] {
  return atUserCall(() => {
    const vs = aranges("mgrid", ranges), n = vs.length;
    const lengths = vs.map((v) => v.type.shape[0] ?? shapeI(v, 0));
    return vs.map((v, d) =>
      alloc(dimshuffle(v, ...vs.map((_, k) => (k === d ? 0 : "x" as const))), ...lengths.slice(0, n))
    );
  });
}

/**
 * An open grid (NumPy's and Theano's `ogrid`): one tensor per range, of length 1 on every
 * axis but its own, so that they broadcast against each other into the dense grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [rows, cols] = T.ogrid([0, 2], [1, 4]);
 * assert.deepEqual([rows.broadcastable, cols.broadcastable], [[false, true], [true, false]]);
 * assert.deepEqual(T.function([], rows.add(cols))().toArray(), [[1, 2, 3], [2, 3, 4]]);
 * ```
 */
export function ogrid(...ranges: GridRange[]): Variable[] {
  return atUserCall(() => {
    const vs = aranges("ogrid", ranges);
    return vs.map((v, d) => dimshuffle(v, ...vs.map((_, k) => (k === d ? 0 : "x" as const))));
  });
}

/** Nested lists of tensors (or numbers). */
export type NestedTensors = TensorLike | readonly NestedTensors[];

/**
 * Nested lists of tensors stacked into one tensor, the nesting becoming its leading axes
 * (Theano's `stacklists`): `stacklists([[a, b], [c, d]])` of scalars is a 2 × 2 matrix.
 * The gradient reaches each tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b, c, d] = T.dscalars("a", "b", "c", "d");
 * const m = T.stacklists([[a, b], [c, d]]);
 * assert.deepEqual(T.function([a, b, c, d], m)(1, 2, 3, 4).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function stacklists(arg: NestedTensors): Variable {
  return atUserCall(() => stackNested(arg));
}

function stackNested(arg: NestedTensors): Variable {
  if (!Array.isArray(arg)) return asTensor(arg as TensorLike);
  if (arg.length === 0) throw new HypatiaTypeError("stacklists: an empty list has nothing to stack");
  return stack(arg.map((a) => stackNested(a as NestedTensors)));
}
