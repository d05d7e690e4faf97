/**
 * The Bartlett (triangular) window, NumPy's and Theano's `bartlett(M)`: float64, of a
 * symbolic or constant integer length M (empty when M < 1, `[1]` when M is 1). It
 * depends on an integer only: no gradient.
 * @module
 */
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { checkIntScalar, staticInt } from "./shape.ts";

/** The bartlett op: input the length M (an integer scalar). */
export const bartlettOp: Op<null> = defineOp<null>({
  name: "bartlett",
  inferType([m]) {
    checkIntScalar("bartlett", m, "the window length M");
    const n = staticInt(m);
    return [new TensorType("float64", [n === undefined ? null : Math.max(n, 0)])];
  },
  perform([m]) {
    const M = m.data[0], out = new NDArray("float64", [Math.max(M, 0)]);
    if (M === 1) out.data[0] = 1;
    // NumPy's formula, so the values are the same bits: n = 1 - M, 3 - M, ..., M - 1.
    else {
      for (let i = 0; i < M; i++) {
        const n = 1 - M + 2 * i;
        out.data[i] = n <= 0 ? 1 + n / (M - 1) : 1 - n / (M - 1);
      }
    }
    return [out];
  },
  notDifferentiable: "it depends on an integer length only",
  format: ([m]) => `bartlett(${m})`,
});

/**
 * The Bartlett window of length `M` (NumPy's and Theano's `bartlett`), float64: a
 * triangle rising from 0 to 1 and back to 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const f = T.function([], T.bartlett(5));
 * assert.deepEqual([...f().data], [0, 0.5, 1, 0.5, 0]);
 * ```
 */
export function bartlett(M: number | Variable): Variable {
  const m = typeof M === "number" ? asTensor(M) : M;
  return bartlettOp.apply1([m], null);
}
