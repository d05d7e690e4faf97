/**
 * The remaining elementary functions of Theano's list: log10, exp2, cbrt, hypot and the
 * reciprocal (Theano's `inv`). Integers give floatX, as in Theano (NumPy's `reciprocal` of
 * an integer is an integer division; Theano's `inv` upgrades to float, and so do we). The
 * JS rules are `Math`'s; the WGSL rules are f32 only.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { mul, neg, sqr } from "./arith.ts";
import { div } from "./div.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/** Base-10 logarithm (the op); exact at powers of ten. d/dx = 1 / (x ln 10). */
export const log10Op = defineElemwise({
  name: "log10",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.log10(${a})`,
  wgsl: ([a], i) => f32(i, `(log2(${a}) * 0.30102999566398120)`),
  grad: ([x], _z, gz) => [div(gz, mul(x, Math.LN10))],
});

/** 2^x (the op). d/dx = 2^x ln 2. */
export const exp2Op = defineElemwise({
  name: "exp2",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.pow(2, ${a})`,
  wgsl: ([a], i) => f32(i, `exp2(${a})`),
  grad: (_x, z, gz) => [mul(gz, mul(z, Math.LN2))],
});

/** Real cube root (the op), negative for negative x. d/dx = 1 / (3 cbrt(x)²). */
export const cbrtOp = defineElemwise({
  name: "cbrt",
  arity: 1,
  out: "float",
  js: ([a]) => `Math.cbrt(${a})`,
  wgsl: ([a], i) => f32(i, `H_cbrt_f32(${a})`),
  // pow(|x|, 1/3) and one Newton step (so perfect cubes come out exact); 0, inf and NaN kept.
  wgslHelpers: `fn H_cbrt_f32(x: f32) -> f32 {
  let ax = abs(x);
  if (!(ax > 0.0) || ax > 3.4028234e38) { return x; }
  var r = pow(ax, 1.0 / 3.0);
  r = r - (r * r * r - ax) / (3.0 * r * r);
  return select(r, -r, x < 0.0);
}`,
  grad: (_x, z, gz) => [div(gz, mul(3, sqr(z)))],
});

/**
 * √(a² + b²) without overflow or underflow (the op); inf when either is infinite, even
 * with a NaN (C's and NumPy's rule). d/da = a / hypot, d/db = b / hypot.
 */
export const hypotOp = defineElemwise({
  name: "hypot",
  arity: 2,
  out: "float",
  js: ([a, b]) => `Math.hypot(${a}, ${b})`,
  wgsl: ([a, b], i) => f32(i, `H_hypot_f32(${a}, ${b})`),
  wgslHelpers: `fn H_hypot_f32(a: f32, b: f32) -> f32 {
  let m = max(abs(a), abs(b));
  if (m > 3.4028234e38) { return m; }
  if (m == 0.0) { return 0.0; }
  let r = min(abs(a), abs(b)) / m;
  return m * sqrt(1.0 + r * r);
}`,
  grad: ([a, b], z, gz) => [mul(gz, div(a, z)), mul(gz, div(b, z))],
});

/** 1 / x (the op); integers give floatX, as Theano's `inv`. d/dx = -1/x². */
export const reciprocalOp = defineElemwise({
  name: "reciprocal",
  arity: 1,
  out: "float",
  js: ([a]) => `(1 / ${a})`,
  wgsl: ([a], i) => f32(i, `(1.0 / ${a})`),
  grad: (_x, z, gz) => [neg(mul(gz, sqr(z)))],
});

/**
 * Base-10 logarithm elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.log10(x))([1000, 0]).data), [3, -Infinity]);
 * ```
 */
export function log10(x: TensorLike): Variable {
  return applyElemwise(log10Op, [x]);
}

/**
 * 2^x elementwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.exp2(x))([10, -1]).data), [1024, 0.5]);
 * ```
 */
export function exp2(x: TensorLike): Variable {
  return applyElemwise(exp2Op, [x]);
}

/**
 * Real cube root elementwise (negative for negative x).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(Array.from(T.function([x], T.cbrt(x))([27, -8]).data), [3, -2]);
 * ```
 */
export function cbrt(x: TensorLike): Variable {
  return applyElemwise(cbrtOp, [x]);
}

/**
 * √(a² + b²) elementwise, without overflow (`hypot(1e300, 1e300)` is finite).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = [T.dvector("a"), T.dvector("b")];
 * assert.deepEqual(Array.from(T.function([a, b], T.hypot(a, b))([3, 1e300], [4, 0]).data), [5, 1e300]);
 * ```
 */
export function hypot(a: TensorLike, b: TensorLike): Variable {
  return applyElemwise(hypotOp, [a, b]);
}

/**
 * 1 / x elementwise; integers give floatX (Theano's `inv`; also exported as `inv`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const i = T.ivector("i");
 * const f = T.function([i], T.reciprocal(i));
 * assert.deepEqual(Array.from(f([2, 0]).data), [0.5, Infinity]);
 * assert.equal(T.inv, T.reciprocal);
 * ```
 */
export function reciprocal(x: TensorLike): Variable {
  return applyElemwise(reciprocalOp, [x]);
}
