/**
 * Helpers shared by the engine's matrix-product tests: random lane arrays and the
 * matrix views the kernels take.
 * @module
 */
import type { Lane } from "./asm.ts";
import type { FloatArray, MatrixView } from "../kernel.ts";

/**
 * A function making arrays of `n` values uniform in [-1, 1) of a lane type from `rng`.
 *
 * @example
 * ```ts
 * import { randomLane } from "./test_util.ts";
 * import assert from "node:assert/strict";
 * const rand = randomLane(() => 0.75);
 * assert.deepEqual([...rand("f32", 2)], [0.5, 0.5]);
 * ```
 */
export function randomLane(rng: () => number): (lane: Lane, n: number) => FloatArray {
  return (lane, n) => {
    const x = lane === "f32" ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng() * 2 - 1;
    return x;
  };
}

/**
 * A row-major (rows × cols) view of `data` from element `offset`.
 *
 * @example
 * ```ts
 * import { dense } from "./test_util.ts";
 * import assert from "node:assert/strict";
 * assert.equal(dense(new Float64Array(6), 3).rowStride, 3);
 * ```
 */
export const dense = (data: FloatArray, cols: number, offset = 0): MatrixView => ({
  data,
  offset,
  rowStride: cols,
  colStride: 1,
});

/**
 * The transpose of a dense (cols × rows) matrix, as a (rows × cols) view.
 *
 * @example
 * ```ts
 * import { transposed } from "./test_util.ts";
 * import assert from "node:assert/strict";
 * assert.equal(transposed(new Float64Array(6), 2).colStride, 2);
 * ```
 */
export const transposed = (data: FloatArray, rows: number): MatrixView => ({
  data,
  offset: 0,
  rowStride: 1,
  colStride: rows,
});
