/**
 * Reference loops shared by the matrix-product ops (dot, batchedDot, tensordot): plain,
 * obviously correct triple loops over C-contiguous values, and the shape checks that
 * name the op, both shapes and both variables. backends/cpu/matmul.ts holds the fast
 * kernels, which are tested against these.
 * @module
 */
import type { DType, TypedArray } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import type { Apply, Dim, Variable } from "../core/graph.ts";

/** Why the matrix products have no WGSL rule in their op files. */
export const MATMUL_NO_WGSL =
  "matrix products are not elementwise: the WebGPU backend lowers them with its own tiled kernel " +
  "(backends/webgpu), or runs them on the CPU";

/**
 * How products are summed for an output dtype, as NumPy does: floats and int64 in
 * doubles (int64 is stored as float64), 32-bit and smaller ints in wrapping 32-bit
 * arithmetic (the store then wraps to the output's width), bool as "any of the ands".
 */
export type AccumulateMode = "float" | "int" | "bool";

/** The accumulation mode of an output dtype. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accumulateMode } from "./dot_kernel.ts";
 * assert(accumulateMode("float32") === "float" && accumulateMode("int8") === "int");
 * ```
 */
export function accumulateMode(dtype: DType): AccumulateMode {
  if (dtype === "bool") return "bool";
  if (dtype === "int32" || dtype === "int16" || dtype === "int8" || dtype === "uint8") return "int";
  return "float";
}

/**
 * `c[b, i, j] = sum_p a[b, i, p] * bm[b, p, j]` for `batch` products of (n, k) by
 * (k, m), all C-contiguous; `aBatch`/`bBatch` are the batch strides (0 repeats a
 * single matrix). `c` must be zero-initialised only in "bool" mode: it is overwritten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceMatmul } from "./dot_kernel.ts";
 * const c = new Float64Array(1);
 * referenceMatmul(new Float64Array([1, 2]), new Float64Array([3, 4]), c, 1, 1, 2, 1, 0, 0, "float");
 * assert(c[0] === 11);
 * ```
 */
export function referenceMatmul(
  a: TypedArray,
  bm: TypedArray,
  c: TypedArray,
  batch: number,
  n: number,
  k: number,
  m: number,
  aBatch: number,
  bBatch: number,
  mode: AccumulateMode,
): void {
  for (let b = 0; b < batch; b++) {
    const ao = b * aBatch, bo = b * bBatch, co = b * n * m;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let acc = 0;
        if (mode === "float") {
          for (let p = 0; p < k; p++) acc += a[ao + i * k + p] * bm[bo + p * m + j];
        } else if (mode === "int") {
          for (let p = 0; p < k; p++) acc = (acc + Math.imul(a[ao + i * k + p], bm[bo + p * m + j])) | 0;
        } else {
          for (let p = 0; p < k && !acc; p++) acc = a[ao + i * k + p] && bm[bo + p * m + j] ? 1 : 0;
        }
        c[co + i * m + j] = acc;
      }
    }
  }
}

/** "(2, 3)" for a shape. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapeString } from "./dot_kernel.ts";
 * assert(shapeString([3]) === "(3,)" && shapeString([2, null]) === "(2, ?)");
 * ```
 */
export function shapeString(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? "?" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

/**
 * Static check that two summed lengths agree: both known and different is a
 * HypatiaTypeError naming the op, the axes and both variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkStaticInner } from "./dot_kernel.ts";
 * import { TensorType } from "../core/graph.ts";
 * const a = new TensorType("float64", [2, 3]).make("a"), b = new TensorType("float64", [4, 2]).make("b");
 * let threw = false;
 * try {
 *   checkStaticInner("dot", a, 1, b, 0);
 * } catch {
 *   threw = true;
 * }
 * assert(threw);
 * ```
 */
export function checkStaticInner(
  op: string,
  a: Variable,
  axisA: number,
  b: Variable,
  axisB: number,
): void {
  const la: Dim = a.type.shape[axisA], lb: Dim = b.type.shape[axisB];
  if (la !== null && lb !== null && la !== lb) {
    throw new HypatiaTypeError(
      `${op}: inner dimensions do not match: axis ${axisA} of ${a.describe()} has length ${la} ` +
        `but axis ${axisB} of ${b.describe()} has length ${lb}`,
    );
  }
}

/**
 * Run-time check of summed lengths: a ShapeError naming the op, both shapes and the
 * node's input variables.
 *
 * @example
 * ```ts
 * import { checkInner } from "./dot_kernel.ts";
 * checkInner("dot", undefined, [2, 3], [1], [3, 4], [0]); // aligned: no error
 * ```
 */
export function checkInner(
  op: string,
  node: Apply | undefined,
  shapeA: readonly number[],
  axesA: readonly number[],
  shapeB: readonly number[],
  axesB: readonly number[],
): void {
  for (let i = 0; i < axesA.length; i++) {
    if (shapeA[axesA[i]] !== shapeB[axesB[i]]) {
      const [va, vb] = node ? node.inputs.map((v) => v.describe()) : ["the first input", "the second input"];
      throw new ShapeError(
        `${op}: shapes ${shapeString(shapeA)} and ${shapeString(shapeB)} are not aligned: axis ${
          axesA[i]
        } of ${va} has length ${shapeA[axesA[i]]} but axis ${axesB[i]} of ${vb} has length ${
          shapeB[axesB[i]]
        }`,
      );
    }
  }
}
