/**
 * Rounding and sign: floor, ceil, round (half to even, NumPy's `round`/`rint`), sign,
 * abs. As in NumPy 2 (and JAX), floor, ceil and round of an integer or bool tensor
 * return it unchanged in its own dtype; Theano would give floats instead. floor, ceil,
 * round and sign are piecewise constant: their gradient is zero, as in Theano.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise, wrapInt } from "./elemwise.ts";
import { mul } from "./arith.ts";
import { cast } from "./cast.ts";
import { checkOptions, oneOf } from "../core/options.ts";
import { HypatiaTypeError } from "../core/errors.ts";

/** WGSL for a rounding op: the builtin on f32, identity on integers (i32/u32). */
const roundingWgsl = (fn: string) => ([a]: string[], input: string) =>
  input === "float32" ? `${fn}(${a})` : input === "float64" || input === "int64" ? undefined : a;
const isIntegral = (d: string) => d !== "float32" && d !== "float64";

/** Round half to even, exactly (Math.round rounds halves up). */
function rintJs(x: number): number {
  const r = Math.round(x);
  // r - x is exact here; an odd r at a tie goes down to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Largest integer <= x (the op). */
export const floorOp = defineElemwise({
  name: "floor",
  arity: 1,
  accepts: "any",
  js: ([a], input) => (isIntegral(input) ? a : `Math.floor(${a})`),
  wgsl: roundingWgsl("floor"),
  notDifferentiable: "floor is piecewise constant: its gradient is zero",
});

/** Smallest integer >= x (the op). */
export const ceilOp = defineElemwise({
  name: "ceil",
  arity: 1,
  accepts: "any",
  js: ([a], input) => (isIntegral(input) ? a : `Math.ceil(${a})`),
  wgsl: roundingWgsl("ceil"),
  notDifferentiable: "ceil is piecewise constant: its gradient is zero",
});

/** Nearest integer, halves to even (the op). WGSL's `round` rounds halves to even too. */
export const roundOp = defineElemwise({
  name: "round",
  arity: 1,
  accepts: "any",
  helpers: { rint: rintJs },
  js: ([a], input) => (isIntegral(input) ? a : `H.rint(${a})`),
  wgsl: roundingWgsl("round"),
  notDifferentiable: "round is piecewise constant: its gradient is zero",
});

/**
 * Nearest integer, halves away from zero (the op; Theano's `round_half_away_from_zero`).
 * x - trunc(x) is exact, so 0.49999999999999994 rounds to 0 (floor(x + 0.5) gives 1).
 */
export const roundHalfAwayOp = defineElemwise({
  name: "round_half_away_from_zero",
  arity: 1,
  accepts: "any",
  js: ([a], input) =>
    isIntegral(input)
      ? a
      : `(Math.trunc(${a}) + (Math.abs(${a} - Math.trunc(${a})) >= 0.5 ? Math.sign(${a}) : 0))`,
  wgsl: ([a], input) =>
    input === "float32"
      ? `(trunc(${a}) + select(0.0, sign(${a}), abs(${a} - trunc(${a})) >= 0.5))`
      : input === "float64" || input === "int64"
      ? undefined
      : a,
  notDifferentiable: "rounding is piecewise constant: its gradient is zero",
});

/** -1, 0 or 1 by the sign of x; NaN stays NaN and sign(-0) is 0 (the op). */
export const signOp = defineElemwise({
  name: "sign",
  arity: 1,
  js: ([a]) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a} === 0 ? 0 : ${a})`,
  wgsl: ([a], input) =>
    input === "float32" || input === "int32" || input === "int16" || input === "int8"
      ? `sign(${a})`
      : input === "uint8"
      ? `min(${a}, 1u)`
      : undefined,
  notDifferentiable: "sign is piecewise constant: its gradient is zero (also at 0)",
});

/** |x| (the op); integers wrap like NumPy's (abs of int32's minimum is itself). */
export const absOp = defineElemwise({
  name: "abs",
  arity: 1,
  accepts: "any",
  js: ([a], input, out) => input === "bool" || input === "uint8" ? a : wrapInt(`Math.abs(${a})`, out),
  // abs(-128) is 128 in i32: int8 and int16 wrap back, as the CPU rule does.
  wgsl: ([a], input) =>
    input === "bool" || input === "uint8"
      ? a
      : input === "int8"
      ? `((abs(${a}) << 24u) >> 24u)`
      : input === "int16"
      ? `((abs(${a}) << 16u) >> 16u)`
      : input === "float32" || input === "int32"
      ? `abs(${a})`
      : undefined,
  format: ([a]) => `|${a}|`,
  grad: ([x], _z, gz) => [mul(gz, sign(x))],
});

/**
 * Floor elementwise: the largest integer not above x. Integer and bool inputs are
 * returned unchanged, in their own dtype (NumPy 2's rule).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, floor, ivector } from "../mod.ts";
 * assert(floor(dvector("x")).dtype === "float64");
 * assert(floor(ivector("i")).dtype === "int32");
 * ```
 */
export function floor(x: TensorLike): Variable {
  return applyElemwise(floorOp, [x]);
}

/**
 * Ceiling elementwise: the smallest integer not below x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ceil, fvector } from "../mod.ts";
 * assert(ceil(fvector("x")).dtype === "float32");
 * ```
 */
export function ceil(x: TensorLike): Variable {
  return applyElemwise(ceilOp, [x]);
}

/**
 * Round to the nearest integer, halves to even (NumPy's `round` with no decimals,
 * Theano's `round` default, `round_half_to_even`): round(0.5) is 0, round(1.5) and
 * round(2.5) are 2. Theano's `mode` ("half_to_even" or "half_away_from_zero") may be
 * given as the second argument or as `{ mode }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], [T.round(x), T.round(x, "half_away_from_zero")]);
 * const [even, away] = f([0.5, 2.5, -1.5]) as T.NDArray[];
 * assert.deepEqual([even.toArray(), away.toArray()], [[0, 2, -2], [1, 3, -2]]);
 * ```
 */
export function round(
  x: TensorLike,
  mode?: RoundMode | IroundOptions | Variable,
  ...rest: Variable[]
): Variable {
  const m = roundMode("round", mode, rest.length);
  return applyElemwise(m === "half_away_from_zero" ? roundHalfAwayOp : roundOp, [x]);
}

/** How `round` and `iround` take halves. */
export type RoundMode = "half_to_even" | "half_away_from_zero";

/** The mode of a `round`/`iround` call, given as a string or `{ mode }`; anything else is refused. */
function roundMode(where: string, mode: unknown, extra: number): RoundMode {
  // A tensor here is an extra argument (a function mapped over two sequences, say): refused.
  if (
    extra || (typeof mode === "object" && mode !== null && Object.getPrototypeOf(mode) !== Object.prototype)
  ) {
    throw new HypatiaTypeError(
      `${where}: takes x and a mode ("half_to_even" or "half_away_from_zero"); got ${2 + extra} arguments`,
    );
  }
  const m = typeof mode === "object" && mode !== null
    ? checkOptions(where, mode as IroundOptions, { mode: oneOf("half_to_even", "half_away_from_zero") }).mode
    : mode;
  if (m !== undefined && m !== "half_to_even" && m !== "half_away_from_zero") {
    throw new HypatiaTypeError(
      `${where}: mode must be "half_to_even" or "half_away_from_zero", got ${JSON.stringify(m)}`,
    );
  }
  return m ?? "half_to_even";
}

/**
 * Sign elementwise: -1, 0 or 1 in the input's dtype; NaN gives NaN. Bool inputs are
 * rejected, as NumPy does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ivector, sign } from "../mod.ts";
 * assert(sign(ivector("i")).dtype === "int32");
 * ```
 */
export function sign(x: TensorLike): Variable {
  return applyElemwise(signOp, [x]);
}

/**
 * Absolute value elementwise, in the input's dtype (abs of an int32 is an int32).
 * Its gradient is sign(x), so 0 at 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { abs, ivector } from "../mod.ts";
 * assert(abs(ivector("i")).dtype === "int32");
 * ```
 */
export function abs(x: TensorLike): Variable {
  return applyElemwise(absOp, [x]);
}

/** Options of `iround`. */
export interface IroundOptions {
  /** How halves go: "half_to_even" (the default, as `round`) or "half_away_from_zero". */
  mode?: "half_to_even" | "half_away_from_zero";
}

/**
 * Round to the nearest integer and cast to int64 (Theano's `iround`). Halves go to even,
 * as `round` does (Theano's default too), unless the mode is "half_away_from_zero" (as
 * the second argument or `{ mode }`).
 * NaN and ±inf become 0, as every cast of them to an integer dtype does here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const even = T.function([x], T.iround(x)), away = T.function([x], T.iround(x, { mode: "half_away_from_zero" }));
 * assert.equal(even([2.5]).dtype, "int64");
 * assert.deepEqual(Array.from(even([2.5, -1.5, 0.7]).data), [2, -2, 1]);
 * assert.deepEqual(Array.from(away([2.5, -1.5, 0.7]).data), [3, -2, 1]);
 * ```
 */
export function iround(
  x: TensorLike,
  mode?: RoundMode | IroundOptions | Variable,
  ...rest: Variable[]
): Variable {
  return cast(round(x, roundMode("iround", mode, rest.length)), "int64");
}
