/**
 * verifyGrad: compare `grad` against central finite differences, like Theano's
 * `verify_grad`. Lives in compile/ because it compiles functions.
 * @module
 */
import { GradError } from "../core/errors.ts";
import { checkOptions, func, num, oneOf } from "../core/options.ts";
import { type ArrayLike, asarray, NDArray } from "../core/ndarray.ts";
import { TensorType, type Variable } from "../core/graph.ts";
import { constant } from "../core/constant.ts";
import { grad } from "../autodiff/grad.ts";
import { mul } from "../ops/arith.ts";
import { sum } from "../ops/reduce.ts";
import { compileFunction } from "./function.ts";

/** Options of verifyGrad. */
export interface VerifyGradOptions {
  /** Finite-difference step; default 1e-6 (float64) or 1e-2 (float32). */
  eps?: number;
  /** Relative tolerance; default 1e-4 (float64) or 1e-2 (float32). */
  rtol?: number;
  /** Absolute tolerance; default 1e-4 (float64) or 1e-2 (float32). */
  atol?: number;
  /** Random source in [0, 1) for the projection direction; default a fixed seed. */
  rng?: () => number;
  /** dtype of the points given as plain arrays; default float64. */
  dtype?: "float64" | "float32";
}

/**
 * A small deterministic generator (mulberry32) of numbers in [0, 1), for reproducible
 * data and checks: the same seed gives the same sequence on every runtime.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "../mod.ts";
 * const a = seededRandom(1), b = seededRandom(1);
 * const x = a();
 * assert(x >= 0 && x < 1 && x === b());
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Check the gradient of `fn` at `points` numerically. The output of `fn` is projected
 * on a random direction to make a scalar cost, its symbolic gradient compiled and
 * compared against central differences. Throws a GradError naming the input, the
 * element and both values when they disagree.
 *
 * @example
 * ```ts
 * import { exp, verifyGrad } from "../mod.ts";
 * verifyGrad((x) => exp(x), [[0.1, -0.5, 2]]);
 * ```
 */
export function verifyGrad(
  fn: (...xs: Variable[]) => Variable,
  points: ArrayLike[],
  options: VerifyGradOptions = {},
): void {
  checkOptions("verifyGrad", options, {
    eps: num,
    rtol: num,
    atol: num,
    rng: func,
    dtype: oneOf("float64", "float32"),
  });
  const values = points.map((p) =>
    p instanceof NDArray ? p.copy() : asarray(p, { dtype: options.dtype ?? "float64" })
  );
  const f32 = values.some((v) => v.dtype === "float32");
  const eps = options.eps ?? (f32 ? 1e-2 : 1e-6);
  const rtol = options.rtol ?? (f32 ? 1e-2 : 1e-4);
  const atol = options.atol ?? (f32 ? 1e-2 : 1e-4);
  const rng = options.rng ?? seededRandom(42);
  const inputs = values.map((v, i) =>
    new TensorType(v.dtype, v.shape.map((d) => (d === 1 ? 1 : null))).make(`x${i}`)
  );
  const out = fn(...inputs);
  const direction = new NDArray(out.dtype, evalShape(inputs, out, values));
  for (let i = 0; i < direction.size; i++) direction.data[i] = rng() * 2 - 1;
  const cost = out.ndim === 0 ? mul(out, constant(direction)) : sum(mul(out, constant(direction)));
  const grads = grad(cost, inputs);
  const fCost = compileFunction(inputs, cost, { onUnusedInput: "ignore" });
  const fGrad = compileFunction(inputs, grads, { onUnusedInput: "ignore" });
  const analytic = fGrad(...values);
  values.forEach((v, k) => {
    for (let i = 0; i < v.size; i++) {
      const orig = v.data[i];
      v.data[i] = orig + eps;
      const up = fCost(...values).item();
      v.data[i] = orig - eps;
      const down = fCost(...values).item();
      v.data[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[k].data[i];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new GradError(
          `verifyGrad: gradient of input ${k} (shape (${
            v.shape.join(", ")
          })) at element ${i} (value ${orig}): ` +
            `symbolic ${a}, finite differences ${numeric} (eps ${eps}, rtol ${rtol}, atol ${atol})`,
        );
      }
    }
  });
}

function evalShape(inputs: Variable[], out: Variable, values: NDArray[]): number[] {
  return (compileFunction(inputs, out, { onUnusedInput: "ignore" })(...values)).shape as number[];
}
