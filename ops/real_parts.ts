/**
 * Theano's complex-number accessors on real tensors (Hypatia has no complex dtypes):
 * `real(x)` is x itself, `imag(x)` zeros of x's dtype and shape, and `angle(x)` NumPy's
 * `angle` of a real number, arctan2(0, x): 0 for x >= +0, π for x < 0 and for -0, NaN
 * for NaN. They are graphs of existing ops, so they need no rules of their own.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { zerosLike } from "./alloc.ts";
import { arctan2 } from "./inverse_trig.ts";

function realTensor(where: string, x: TensorLike): Variable {
  const v = asTensor(x);
  if (v.dtype === "bool") {
    throw new HypatiaTypeError(`${where}: input ${v.describe()} is bool; cast it first`);
  }
  return v;
}

/**
 * The real part of a real tensor: the tensor itself, in its own dtype.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.ivector("x");
 * assert.equal(T.real(x), x);
 * ```
 */
export function real(x: TensorLike): Variable {
  return realTensor("real", x);
}

/**
 * The imaginary part of a real tensor: zeros of its dtype and shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.imag(x))([3, -1]).data), [0, 0]);
 * ```
 */
export function imag(x: TensorLike): Variable {
  return zerosLike(realTensor("imag", x));
}

/**
 * The argument of a real number as a complex one (NumPy's `angle`): 0 for x >= +0, π for
 * x < 0 and -0, NaN for NaN. Integers give floatX. Its gradient is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.angle(x))([2, -3, 0]).data), [0, Math.PI, 0]);
 * ```
 */
export function angle(x: TensorLike): Variable {
  return arctan2(0, realTensor("angle", x));
}
