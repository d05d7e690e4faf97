/**
 * `permuteRowElements(x, y, inverse)`: Theano's `permute_row_elements`, the elements of
 * each row (last axis) of `x` reordered by the permutation in the matching row of `y`:
 * `out[..., i] = x[..., y[..., i]]`, or with `inverse` `out[..., y[..., i]] = x[..., i]`.
 * The leading axes of `x` and `y` broadcast, as Theano's. RandomStreams'
 * `shuffleRowElements` is built on it.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { asTensor } from "../core/constant.ts";
import { defineOp, type Dim, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";

/** Params of permuteRowElements: whether the permutation is applied inverted. */
export interface PermuteRowParams {
  inverse: boolean;
}

/** The broadcast of two lists of leading lengths, aligned on the right (null: known at run time). */
function broadcastLeading(a: readonly Dim[], b: readonly Dim[], what: () => string): Dim[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    // Missing leading axes count as length 1; null is a length known at run time.
    const ia = a.length - n + i, ib = b.length - n + i;
    const da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da === 1) return db;
    if (db === 1) return da;
    if (da !== null && db !== null && da !== db) throw new HypatiaTypeError(what());
    return da ?? db;
  });
}

/** For each output row, the row of an input with leading lengths `lead` broadcast to `out`. */
function rowIndex(lead: readonly number[], out: readonly number[]): Int32Array {
  const nd = out.length, k = lead.length;
  const rows = out.reduce((p, d) => p * d, 1);
  const strides = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let i = k - 1; i >= 0; i--) {
    strides[nd - k + i] = lead[i] === 1 ? 0 : acc;
    acc *= lead[i];
  }
  const idx = new Int32Array(rows), at = new Array<number>(nd).fill(0);
  let src = 0;
  for (let r = 0; r < rows; r++) {
    idx[r] = src;
    for (let d = nd - 1; d >= 0; d--) {
      at[d]++;
      src += strides[d];
      if (at[d] < out[d]) break;
      src -= strides[d] * at[d];
      at[d] = 0;
    }
  }
  return idx;
}

/** The permuteRowElements op: inputs `[x, y]`. */
export const permuteRowElementsOp: Op<PermuteRowParams> = defineOp<PermuteRowParams>({
  name: "permute_row_elements",
  inferType([x, y]) {
    if (x.ndim < 1 || y.ndim < 1) {
      throw new HypatiaTypeError(
        `permuteRowElements: x ${x.describe()} and y ${y.describe()} need at least one axis (the rows' elements)`,
      );
    }
    if (!isInt(y.dtype)) {
      throw new HypatiaTypeError(
        `permuteRowElements: the permutation y ${y.describe()} must be of an integer dtype`,
      );
    }
    const nx = x.type.shape[x.ndim - 1], ny = y.type.shape[y.ndim - 1];
    if (nx !== null && ny !== null && nx !== ny) {
      throw new HypatiaTypeError(
        `permuteRowElements: rows of x ${x.describe()} have ${nx} elements but the permutations of y ${y.describe()} have ${ny}`,
      );
    }
    const lead = broadcastLeading(
      x.type.shape.slice(0, -1),
      y.type.shape.slice(0, -1),
      () =>
        `permuteRowElements: the leading axes of x ${x.describe()} and y ${y.describe()} do not broadcast`,
    );
    return [new TensorType(x.dtype, [...lead, nx ?? ny])];
  },
  perform([x, y], { inverse }, node) {
    const n = x.shape[x.ndim - 1];
    if (y.shape[y.ndim - 1] !== n) {
      throw new ShapeError(
        `permuteRowElements (${node.where()}): rows of x have ${n} elements but the permutations of y have ${
          y.shape[y.ndim - 1]
        }`,
      );
    }
    const xl = x.shape.slice(0, -1), yl = y.shape.slice(0, -1);
    const nd = Math.max(xl.length, yl.length);
    const lead = Array.from({ length: nd }, (_, i) => {
      const a = xl[xl.length - nd + i] ?? 1, b = yl[yl.length - nd + i] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        throw new ShapeError(
          `permuteRowElements (${node.where()}): the leading axes of x (${xl}) and y (${yl}) do not broadcast`,
        );
      }
      return a === 1 ? b : a;
    });
    const out = new NDArray(x.dtype, [...lead, n]);
    const xr = rowIndex(xl, lead), yr = rowIndex(yl, lead);
    const src = x.data, perm = y.data, dst = out.data, seen = new Uint8Array(n);
    for (let r = 0; r < xr.length; r++) {
      const xo = xr[r] * n, yo = yr[r] * n, o = r * n;
      seen.fill(0);
      for (let i = 0; i < n; i++) {
        const j = Number(perm[yo + i]);
        if (!(j >= 0 && j < n) || seen[j]) {
          throw new InputError(
            `permuteRowElements (${node.where()}): row ${yr[r]} of y is not a permutation of 0..${n - 1}: ` +
              `entry ${i} is ${j}${seen[j] ? ", which repeats" : ""}`,
          );
        }
        seen[j] = 1;
        if (inverse) dst[o + j] = src[xo + i];
        else dst[o + i] = src[xo + j];
      }
    }
    return [out];
  },
  // The gradient applies the inverse permutation; the grad engine sums over broadcast rows.
  vjp: (node, [g]) => [
    permuteRowElementsOp.apply1([g, node.inputs[1]], {
      inverse: !(node.params as PermuteRowParams).inverse,
    }),
    null,
  ],
  // Linear in x: the tangent is permuted the same way (cheaper than the double-Lop trick).
  jvp: (
    node,
    [t],
  ) => [t ? permuteRowElementsOp.apply1([t, node.inputs[1]], node.params as PermuteRowParams) : null],
  format: (args, p) => `permute_row_elements${p.inverse ? "{inverse}" : ""}(${args.join(", ")})`,
});

/**
 * Reorder the elements of each row (last axis) of `x` by the permutations in `y`'s rows
 * (`out[..., i] = x[..., y[..., i]]`; with `inverse`, `out[..., y[..., i]] = x[..., i]`).
 * Leading axes broadcast; each row of `y` must be a permutation of `0..n-1` (checked
 * when the function runs). Theano's `permute_row_elements`; its gradient with respect
 * to `x` is the inverse permutation of the output's gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x"), p = T.lvector("p");
 * const f = T.function([x, p], T.permuteRowElements(x, p)); // one permutation for every row
 * assert.deepEqual(f([[1, 2, 3], [4, 5, 6]], [2, 0, 1]).toArray(), [[3, 1, 2], [6, 4, 5]]);
 * ```
 */
export function permuteRowElements(x: TensorLike, y: TensorLike, inverse = false): Variable {
  if (typeof inverse !== "boolean") {
    throw new InputError(`permuteRowElements: inverse must be true or false, got ${String(inverse)}`);
  }
  return permuteRowElementsOp.apply1([asTensor(x), asTensor(y, "int64")], { inverse });
}
