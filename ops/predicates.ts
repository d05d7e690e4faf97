/**
 * Floating-point predicates: isnan and isinf (ops giving bool; always false for integer
 * and bool inputs, as NumPy's), and isclose / allclose, which are graphs of them with
 * NumPy's and Theano's meaning: |a - b| <= atol + rtol·|b| for finite values, equal
 * infinities are close, NaN is close to nothing unless `equalNan`. Integer and bool operands
 * are compared as floats (floatX), as NumPy does, so integer differences cannot wrap.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { bool, checkOptions, num } from "../core/options.ts";
import { InputError } from "../core/errors.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, sub } from "./arith.ts";
import { and, eq, le, not, or } from "./compare.ts";
import { abs } from "./rounding.ts";
import { all } from "./reduce.ts";
import { ISNAN_WGSL } from "./wgsl_util.ts";
import { cast } from "./cast.ts";
import { isFloat } from "../core/dtype.ts";
import { floatX } from "../core/config.ts";

/** Whether x is NaN (the op); false for integers and bool. */
export const isnanOp = defineElemwise({
  name: "isnan",
  arity: 1,
  out: "bool",
  accepts: "any",
  js: ([a]) => `(${a} !== ${a} ? 1 : 0)`,
  // By the bits: shader compilers may assume x == x. Integer lanes are never NaN.
  wgsl: ([a], i) => i === "float32" ? `select(0u, 1u, isnan_(${a}))` : i === "float64" ? undefined : "0u",
  wgslHelpers: ISNAN_WGSL,
  notDifferentiable: "isnan is a predicate: its gradient is zero",
});

/** Whether x is +inf or -inf (the op); false for integers and bool. */
export const isinfOp = defineElemwise({
  name: "isinf",
  arity: 1,
  out: "bool",
  accepts: "any",
  js: ([a]) => `(${a} === Infinity || ${a} === -Infinity ? 1 : 0)`,
  wgsl: ([a], i) =>
    i === "float32"
      ? `select(0u, 1u, (bitcast<u32>(${a}) & 0x7fffffffu) == 0x7f800000u)`
      : i === "float64"
      ? undefined
      : "0u",
  notDifferentiable: "isinf is a predicate: its gradient is zero",
});

/**
 * Whether each element is NaN (bool); integers are never NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.isnan(x))([NaN, 1, Infinity]).data), [1, 0, 0]);
 * ```
 */
export function isnan(x: TensorLike): Variable {
  return applyElemwise(isnanOp, [x]);
}

/**
 * Whether each element is +inf or -inf (bool); integers are never infinite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.isinf(x))([NaN, -Infinity, 1e308]).data), [0, 1, 0]);
 * ```
 */
export function isinf(x: TensorLike): Variable {
  return applyElemwise(isinfOp, [x]);
}

/** Options of `isclose` and `allclose` (NumPy's and Theano's defaults). */
export interface IsCloseOptions {
  /** Relative tolerance, times |b| (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equalNan?: boolean;
}

const CLOSE_SPEC = { rtol: num, atol: num, equalNan: bool };

function closeOptions(where: string, options: IsCloseOptions | undefined): Required<IsCloseOptions> {
  const o = checkOptions(where, options ?? {}, CLOSE_SPEC);
  const rtol = o.rtol ?? 1e-5, atol = o.atol ?? 1e-8;
  for (const [k, v] of [["rtol", rtol], ["atol", atol]] as const) {
    if (!(v >= 0)) throw new InputError(`${where}: ${k} must be >= 0, got ${v}`);
  }
  return { rtol, atol, equalNan: o.equalNan ?? false };
}

const toFloat = (v: Variable) => (isFloat(v.dtype) ? v : cast(v, floatX()));

/**
 * Whether `a` and `b` are close elementwise (bool, broadcast): |a - b| <= atol + rtol·|b|
 * for finite values (asymmetric in b, as NumPy's), equal infinities are close, and NaN is
 * close to NaN only with `equalNan`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = [T.dvector("a"), T.dvector("b")];
 * const f = T.function([a, b], T.isclose(a, b, { equalNan: true }));
 * assert.deepEqual(Array.from(f([1, Infinity, NaN, 1], [1 + 1e-9, Infinity, NaN, 1.1]).data), [1, 1, 1, 0]);
 * ```
 */
export function isclose(a: TensorLike, b: TensorLike, options?: IsCloseOptions): Variable {
  const { rtol, atol, equalNan } = closeOptions("isclose", options);
  // In floats, as NumPy does (it casts b to result_type(b, 1.0)): integer differences would wrap.
  const x = toFloat(asTensor(a)), y = toFloat(asTensor(b));
  // |a - b| <= inf would hold for a finite a and an infinite b: only finite pairs use the tolerance.
  const finite = not(or(or(isinf(x), isinf(y)), or(isnan(x), isnan(y))));
  const within = le(abs(sub(x, y)), add(atol, mul(rtol, abs(y))));
  const close = or(eq(x, y), and(finite, within));
  return equalNan ? or(close, and(isnan(x), isnan(y))) : close;
}

/**
 * Whether every element pair is close (a bool scalar): `all(isclose(a, b, options))`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = [T.dvector("a"), T.dvector("b")];
 * const f = T.function([a, b], T.allclose(a, b, { rtol: 0.1 }));
 * assert.equal(f([1, 2], [1.05, 2.1]).data[0], 1);
 * ```
 */
export function allclose(a: TensorLike, b: TensorLike, options?: IsCloseOptions): Variable {
  closeOptions("allclose", options);
  return all(isclose(a, b, options));
}
