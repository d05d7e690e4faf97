/**
 * `choose` (NumPy's and Theano's): each element taken from the choice its index names,
 * `out[i] = choices[a[i]][i]` with broadcasting. Built as nested `switch`es, so it
 * broadcasts and differentiates as they do (each choice gets the gradient where it was
 * chosen). Indices follow `mode`: "raise" (an index outside `[0, n)` is an error, checked
 * by `choose_check`), "wrap" (modulo n) or "clip" (to `[0, n - 1]`).
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { checkOptions, oneOf } from "../core/options.ts";
import { atUserCall, defineOp, type Op, type TensorLike, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { mod } from "./arith.ts";
import { eq } from "./compare.ts";
import { clip } from "./minmax.ts";
import { switch_ } from "./switch.ts";

/** Params of choose_check: the number of choices. */
export interface ChooseCheckParams {
  n: number;
}

/** choose_check: its input unchanged, after checking that every index is in `[0, n)`. */
export const chooseCheckOp: Op<ChooseCheckParams> = defineOp<ChooseCheckParams>({
  name: "choose_check",
  inferType([a]) {
    return [a.type];
  },
  perform([a], { n }, node) {
    const d = a.data;
    for (let i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] < n)) {
        throw new InputError(
          `choose: index ${d[i]} (element ${i} of ${
            node.inputs[0].describe()
          }) is not in [0, ${n}) for ${n} choices; ` +
            `use mode "wrap" or "clip" in ${node.where()}`,
        );
      }
    }
    return [new NDArray(a.dtype, a.shape, a.data)];
  },
  notDifferentiable: "integer indices",
  format: ([a], { n }) => `choose_check(${a}, ${n})`,
});

/** Options of `choose`. */
export interface ChooseOptions {
  /** Indices outside `[0, n)`: "raise" (default), "wrap" or "clip". */
  mode?: "raise" | "wrap" | "clip";
}

/**
 * Each element from the choice its index names (NumPy's `choose`): `a` holds integers in
 * `[0, n)`, `choices` n tensors broadcasting with `a`. `mode` handles other indices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const a = T.lvector("a"), x = T.dvector("x"), y = T.dvector("y");
 * const f = T.function([a, x, y], [T.choose(a, [x, y]), a.choose([x, 10])]);
 * const [r, s] = f([0, 1, 1], [1, 2, 3], [-1, -2, -3]);
 * assert.deepEqual([r.toArray(), s.toArray()], [[1, -2, -3], [1, 10, 10]]);
 * ```
 */
export function choose(a: TensorLike, choices: readonly TensorLike[], options: ChooseOptions = {}): Variable {
  return atUserCall(() => {
    checkOptions("choose", options, { mode: oneOf("raise", "wrap", "clip") });
    const idx = asTensor(a);
    if (!isInt(idx.dtype)) {
      throw new HypatiaTypeError(`choose: the indices must be integers, got ${idx.describe()}`);
    }
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new HypatiaTypeError("choose: needs a non-empty list of choices");
    }
    const cs = choices.map((c) => asTensor(c)), n = cs.length, mode = options.mode ?? "raise";
    const i = mode === "wrap"
      ? mod(idx, n)
      : mode === "clip"
      ? clip(idx, 0, n - 1)
      : chooseCheckOp.apply1([idx], { n });
    let out: Variable = cs[n - 1];
    for (let k = n - 2; k >= 0; k--) out = switch_(eq(i, k), cs[k], out);
    // A single choice still broadcasts against the indices, as NumPy's does.
    return n === 1 ? switch_(eq(i, 0), cs[0], cs[0]) : out;
  });
}
