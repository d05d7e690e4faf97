/**
 * Test helpers for users and for Hypatia's own tests (`T.testing` in mod.ts).
 *
 * @example
 * ```ts
 * import * as T from "./mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.exp(x));
 * T.testing.assertAllClose(f([0, 1]), [1, Math.E]);
 * ```
 * @module
 */
import { type ArrayLike, asarray } from "./core/ndarray.ts";
import { HypatiaError } from "./core/errors.ts";
import { checkOptions, num, str } from "./core/options.ts";

/**
 * Assert that two arrays have the same shape and close values: |a - e| <= atol + rtol·|e|,
 * NaN equal to NaN. Defaults suit float64; float32 results get looser ones.
 *
 * @example
 * ```ts
 * import * as T from "./mod.ts";
 * T.testing.assertAllClose([1, 2.0000001], [1, 2]);
 * ```
 */
export function assertAllClose(
  actual: ArrayLike,
  expected: ArrayLike,
  options: { rtol?: number; atol?: number; message?: string } = {},
): void {
  checkOptions("assertAllClose", options, { rtol: num, atol: num, message: str });
  const a = asarray(actual), e = asarray(expected);
  const loose = a.dtype === "float32" || e.dtype === "float32";
  const rtol = options.rtol ?? (loose ? 1e-5 : 1e-7);
  const atol = options.atol ?? (loose ? 1e-6 : 1e-9);
  const prefix = options.message ? `${options.message}: ` : "";
  if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
    throw new HypatiaError(
      `${prefix}shapes differ: (${a.shape.join(", ")}) vs expected (${e.shape.join(", ")})`,
    );
  }
  let worst = -1, worstErr = 0;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i], y = e.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    const err = Math.abs(x - y);
    if (!(err <= atol + rtol * Math.abs(y)) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    throw new HypatiaError(
      `${prefix}arrays are not close (rtol=${rtol}, atol=${atol}): at flat index ${worst} got ${
        a.data[worst]
      }, expected ${e.data[worst]} (abs error ${worstErr})\nactual:\n${a}\nexpected:\n${e}`,
    );
  }
}
