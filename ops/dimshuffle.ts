/**
 * DimShuffle: permute axes, drop broadcastable axes and insert new ones ("x").
 * Also `transpose`. On the CPU it copies into C order (values are always contiguous).
 * @module
 */
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray, stridesOf } from "../core/ndarray.ts";
import { defineOp, type Dim, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";

/** Params: the new order; "x" inserts a length-1 axis. */
export interface DimShuffleParams {
  pattern: (number | "x")[];
}

/** Copy `x` with axes permuted: out axis k is input axis perm[k]. */
export function permuteCopy(x: NDArray, perm: number[]): NDArray {
  const shape = perm.map((p) => x.shape[p]);
  const out = new NDArray(x.dtype, shape);
  const inStrides = stridesOf(x.shape);
  const st = perm.map((p) => inStrides[p]);
  const nd = shape.length, src = x.data, dst = out.data;
  if (nd === 0 || out.size === 0) {
    if (out.size) dst[0] = src[0];
    return out;
  }
  // Odometer over the output in C order; the innermost axis runs as a tight loop.
  const idx = new Array(nd).fill(0);
  const last = nd - 1, n = shape[last], s = st[last];
  let base = 0, o = 0;
  const total = out.size;
  while (o < total) {
    for (let i = 0, p = base; i < n; i++, p += s) dst[o++] = src[p];
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      base += st[d];
      if (idx[d] < shape[d]) break;
      base -= st[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}

/** The dimshuffle op. */
export const dimshuffleOp: Op<DimShuffleParams> = defineOp<DimShuffleParams>({
  name: "dimshuffle",
  inferType([x], { pattern }) {
    const used = pattern.filter((p): p is number => p !== "x");
    for (const p of used) {
      if (!Number.isInteger(p) || p < 0 || p >= x.ndim) {
        throw new HypatiaTypeError(
          `dimshuffle: axis ${p} is out of range for ${x.describe()} with ${x.ndim} dimensions`,
        );
      }
    }
    if (new Set(used).size !== used.length) {
      throw new HypatiaTypeError(`dimshuffle: pattern (${pattern.join(", ")}) repeats an axis`);
    }
    for (let d = 0; d < x.ndim; d++) {
      if (!used.includes(d) && x.type.shape[d] !== 1) {
        throw new HypatiaTypeError(
          `dimshuffle: pattern (${
            pattern.join(", ")
          }) drops axis ${d} of ${x.describe()}, which is not broadcastable (length 1)`,
        );
      }
    }
    const shape: Dim[] = pattern.map((p) => (p === "x" ? 1 : x.type.shape[p]));
    return [new TensorType(x.dtype, shape)];
  },
  perform([x], { pattern }) {
    const used = pattern.filter((p): p is number => p !== "x");
    const shape = pattern.map((p) => (p === "x" ? 1 : x.shape[p]));
    const isIdentityOrder = used.every((p, i) => i === 0 || p > used[i - 1]);
    if (isIdentityOrder) return [new NDArray(x.dtype, shape, x.data)]; // a view: same order
    return [permuteCopy(x, used).reshape(shape)];
  },
  vjp(node, [gz]) {
    const { pattern } = node.params as DimShuffleParams;
    const x = node.inputs[0];
    // Undo: drop inserted "x" axes (broadcastable), then put axes back in input order,
    // inserting the dropped broadcastable input axes as "x".
    const kept = pattern.map((p, k) => [p, k] as const).filter(([p]) => p !== "x") as [number, number][];
    const back: (number | "x")[] = [];
    for (let d = 0; d < x.ndim; d++) {
      const hit = kept.find(([p]) => p === d);
      back.push(hit ? hit[1] : "x");
    }
    // gz may have broadcast along "x" axes of the output only when the grad engine sums them.
    return [dimshuffle(gz, ...back)];
  },
  jvp: (node, [t]) => [t ? dimshuffleOp.apply1([t], node.params as DimShuffleParams) : null],
  format: ([x], { pattern }) => `${x}.dimshuffle(${pattern.map((p) => (p === "x" ? "'x'" : p)).join(", ")})`,
  rewrites: [{
    name: "dimshuffle_identity",
    stage: "canonicalize",
    apply(node) {
      const { pattern } = node.params as DimShuffleParams;
      const x = node.inputs[0];
      return pattern.length === x.ndim && pattern.every((p, i) => p === i) ? [x] : null;
    },
  }, {
    name: "dimshuffle_dimshuffle",
    stage: "canonicalize",
    apply(node) {
      const inner = node.inputs[0].owner;
      if (inner?.op.name !== "dimshuffle") return null;
      const p1 = (inner.params as DimShuffleParams).pattern;
      const p2 = (node.params as DimShuffleParams).pattern;
      return [dimshuffle(inner.inputs[0], ...p2.map((p) => (p === "x" ? "x" : p1[p])))];
    },
  }],
});

/**
 * Reorder axes, drop broadcastable ones and insert new ones with "x" (Theano's
 * `dimshuffle`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dimshuffle, dvector } from "../mod.ts";
 * const r = dimshuffle(dvector("v"), "x", 0);
 * assert(r.broadcastable.join() === "true,false");
 * ```
 */
export function dimshuffle(x: TensorLike, ...pattern: (number | "x")[]): Variable {
  const v = asTensor(x);
  return dimshuffleOp.apply1([v], { pattern });
}

/**
 * Permute axes; with no axes given, reverse them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor, transpose } from "../mod.ts";
 * const t = transpose(tensor("float64", [false, true]));
 * assert(t.broadcastable.join() === "true,false");
 * ```
 */
export function transpose(x: TensorLike, ...axes: number[]): Variable {
  const v = asTensor(x);
  const perm = axes.length ? axes.map((a) => (a < 0 ? a + v.ndim : a)) : [...Array(v.ndim).keys()].reverse();
  if (perm.length !== v.ndim) {
    throw new HypatiaTypeError(`transpose: ${v.describe()} has ${v.ndim} axes but ${perm.length} were given`);
  }
  return dimshuffle(v, ...perm);
}
