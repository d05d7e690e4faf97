/**
 * switch(cond, a, b) / where: elementwise choice.
 * @module
 */
import type { TensorLike, Variable } from "../core/variable.ts";

/** TODO(scaffold): switch_. */
export function switch_(cond: TensorLike, a: TensorLike, b: TensorLike): Variable {
  throw new Error("TODO(scaffold): switch_ is not written yet");
}
