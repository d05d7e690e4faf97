/**
 * Conversions between flat indices and coordinates in an array of given dimensions
 * (NumPy's and Theano's `unravel_index` and `ravel_multi_index`), in C or Fortran
 * order. The dimensions are numbers, kept in the params. Integer results: no gradient.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import { defineOp, type Dim, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { checkOptions, either, list, oneOf } from "../core/options.ts";

/** Params of unravel_index: the dimensions and the order. */
export interface UnravelParams {
  dims: number[];
  order: "C" | "F";
}

/** How the strides of `dims` run: C (last fastest) or F (first fastest). */
function stridesFor(dims: readonly number[], order: "C" | "F"): number[] {
  const st = new Array<number>(dims.length);
  let p = 1;
  const axes = dims.map((_, d) => d);
  for (const d of order === "C" ? axes.reverse() : axes) {
    st[d] = p;
    p *= dims[d];
  }
  return st;
}

function checkDims(what: string, dims: unknown): number[] {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new HypatiaTypeError(
      `${what}: dims must be a list of non-negative integers, got ${JSON.stringify(dims)}`,
    );
  }
  return dims;
}

/** The unravel_index op: one int64 output per dimension, each of the indices' shape. */
export const unravelIndexOp: Op<UnravelParams> = defineOp<UnravelParams>({
  name: "unravel_index",
  inferType([i], { dims }) {
    if (!isInt(i.dtype)) throw new HypatiaTypeError(`unravelIndex: ${i.describe()} must hold integers`);
    if (dims.length === 0) throw new HypatiaTypeError("unravelIndex: dims must not be empty");
    return dims.map(() => new TensorType("int64", i.type.shape));
  },
  perform([i], { dims, order }, node) {
    const size = sizeOf(dims), st = stridesFor(dims, order);
    const outs = dims.map(() => new NDArray("int64", i.shape));
    for (let k = 0; k < i.size; k++) {
      const v = i.data[k];
      if (v < 0 || v >= size) {
        throw new InputError(
          `unravelIndex: index ${v} (at position ${k} of ${
            node.inputs[0].describe()
          }) is out of bounds for an array of size ${size}`,
        );
      }
      dims.forEach((n, d) => (outs[d].data[k] = Math.floor(v / st[d]) % n));
    }
    return outs;
  },
  notDifferentiable: "its results are integer coordinates",
  format: ([i], { dims, order }) => `unravelIndex(${i}, (${dims.join(", ")}), order=${order})`,
});

/**
 * The coordinates in an array of dimensions `dims` of each flat index in `indices`
 * (NumPy's and Theano's `unravel_index`): one int64 tensor per dimension, shaped like
 * `indices`. `order` "C" (default) or "F". An index outside the array is an InputError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const i = T.lvector("i");
 * const [r, c] = T.unravelIndex(i, [3, 4]);
 * const f = T.function([i], [r, c]);
 * const [rows, cols] = f([0, 5, 11]);
 * assert.deepEqual([...rows.data], [0, 1, 2]);
 * assert.deepEqual([...cols.data], [0, 1, 3]);
 * ```
 */
export function unravelIndex(indices: TensorLike, dims: number[], order: "C" | "F" = "C"): Variable[] {
  if (order !== "C" && order !== "F") {
    throw new HypatiaTypeError(`unravelIndex: order must be "C" or "F", got ${JSON.stringify(order)}`);
  }
  return [
    ...unravelIndexOp.make([asTensor(indices)], { dims: checkDims("unravelIndex", dims), order }).outputs,
  ];
}

/** What ravel_multi_index does with a coordinate outside its dimension. */
export type RavelMode = "raise" | "wrap" | "clip";

/** Params of ravel_multi_index: the dimensions, each one's mode and the order. */
export interface RavelParams {
  dims: number[];
  modes: RavelMode[];
  order: "C" | "F";
}

/** NumPy's broadcast of static shapes (length 1 stretches). */
function broadcastStatic(shapes: readonly (readonly Dim[])[]): Dim[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: nd }, (_, d) => {
    const ns = shapes.map((s) => s[s.length - nd + d]).filter((n) => n !== undefined && n !== 1);
    const known = ns.filter((n): n is number => n !== null);
    if (new Set(known).size > 1) {
      throw new HypatiaTypeError(`ravelMultiIndex: the coordinate arrays do not broadcast together`);
    }
    return known[0] ?? (ns.length ? null : 1);
  });
}

/** The ravel_multi_index op: inputs one integer array per dimension, broadcast together. */
export const ravelMultiIndexOp: Op<RavelParams> = defineOp<RavelParams>({
  name: "ravel_multi_index",
  inferType(coords, { dims }) {
    if (coords.length !== dims.length) {
      throw new HypatiaTypeError(
        `ravelMultiIndex: ${coords.length} coordinate arrays given for ${dims.length} dimensions`,
      );
    }
    for (const c of coords) {
      if (!isInt(c.dtype)) throw new HypatiaTypeError(`ravelMultiIndex: ${c.describe()} must hold integers`);
    }
    return [new TensorType("int64", broadcastStatic(coords.map((c) => c.type.shape)))];
  },
  perform(coords, { dims, modes, order }, node) {
    const nd = Math.max(...coords.map((c) => c.ndim));
    const shape = Array.from({ length: nd }, (_, d) => {
      const ns = coords.map((c) => c.shape[c.ndim - nd + d] ?? 1).filter((n) => n !== 1);
      if (new Set(ns).size > 1) {
        throw new ShapeError(
          `ravelMultiIndex: shape mismatch: the coordinate arrays could not be broadcast together with shapes ${
            coords.map((c) => `(${c.shape.join(",")})`).join(" ")
          }`,
        );
      }
      return ns[0] ?? 1;
    });
    const out = new NDArray("int64", shape), st = stridesFor(dims, order);
    const size = out.size;
    coords.forEach((c, d) => {
      const n = dims[d], mode = modes[d];
      // The coordinate array read in the output's order, length-1 axes stretched.
      const cs = c.shape, lead = nd - c.ndim;
      const outStrides = shape.map((_, q) => shape.slice(q + 1).reduce((a, b) => a * b, 1));
      const cStrides = cs.map((_, q) => cs.slice(q + 1).reduce((a, b) => a * b, 1));
      for (let k = 0; k < size; k++) {
        let src = 0;
        for (let q = lead; q < nd; q++) {
          if (cs[q - lead] !== 1) src += (Math.floor(k / outStrides[q]) % shape[q]) * cStrides[q - lead];
        }
        let v = c.data[src];
        if (v < 0 || v >= n) {
          if (mode === "raise") {
            throw new InputError(
              `ravelMultiIndex: invalid entry ${v} in the coordinates ${
                node.inputs[d].describe()
              } for a dimension of length ${n}`,
            );
          }
          v = mode === "wrap" ? ((v % n) + n) % n : v < 0 ? 0 : n - 1;
        }
        out.data[k] += v * st[d];
      }
    });
    return [out];
  },
  notDifferentiable: "its result is integer indices",
  format: (cs, { dims, order }) =>
    `ravelMultiIndex((${cs.join(", ")}), (${dims.join(", ")}), order=${order})`,
});

/** Options of ravelMultiIndex. */
export interface RavelOptions {
  /** "raise" (default), "wrap" or "clip" a coordinate outside its dimension; or one mode per dimension. */
  mode?: RavelMode | RavelMode[];
  /** "C" (default, last index fastest) or "F". */
  order?: "C" | "F";
}

/**
 * The flat index in an array of dimensions `dims` of each coordinate tuple, one integer
 * array per dimension, broadcast together (NumPy's and Theano's `ravel_multi_index`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const r = T.lvector("r"), c = T.lvector("c");
 * const f = T.function([r, c], T.ravelMultiIndex([r, c], [3, 4], { mode: "wrap" }));
 * assert.deepEqual([...f([0, 2, 1], [1, 3, 5]).data], [1, 11, 5]);
 * ```
 */
export function ravelMultiIndex(
  multiIndex: TensorLike[],
  dims: number[],
  options: RavelOptions = {},
): Variable {
  const mode = oneOf("raise", "wrap", "clip");
  checkOptions("ravelMultiIndex", options, { mode: either(mode, list), order: oneOf("C", "F") });
  checkDims("ravelMultiIndex", dims);
  const m = options.mode ?? "raise";
  const modes = Array.isArray(m) ? m : dims.map(() => m);
  if (modes.length !== dims.length || modes.some((q) => !mode.test(q))) {
    throw new HypatiaTypeError(
      `ravelMultiIndex: mode must be "raise", "wrap" or "clip", or one of those per dimension, got ${
        JSON.stringify(m)
      }`,
    );
  }
  return ravelMultiIndexOp.apply1(multiIndex.map((c) => asTensor(c)), {
    dims,
    modes,
    order: options.order ?? "C",
  });
}
