/**
 * Test helpers for elementwise ops: edge-case points and a checker that compiles an
 * expression with `T.function` and compares it, element by element, against a plain
 * JS reference. Used by ops/*_test.ts; not part of the library.
 * @module
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { STORAGE } from "../core/dtype.ts";

/** Float edge cases: signed zeros, tiny and huge values, ties, infinities, NaN. */
export const EDGE: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  -1.5,
  2.5,
  -2.5,
  1e-300,
  -1e-300,
  5e-324,
  1e-8,
  -1e-8,
  0.1,
  -0.1,
  3,
  -3,
  10,
  -10,
  20,
  -20,
  100,
  -100,
  709,
  710,
  -745,
  1000,
  -1000,
  1e300,
  -1e300,
  Math.PI,
  -Math.PI / 2,
  Infinity,
  -Infinity,
  NaN,
];

/** Integer edge cases that fit int32. */
export const INT_EDGE: readonly number[] = [
  0,
  1,
  -1,
  2,
  -2,
  3,
  5,
  -7,
  100,
  -128,
  127,
  255,
  32767,
  -32768,
  2147483647,
  -2147483648,
];

/** `n` reproducible values uniform in [-scale, scale]. */
export function randomPoints(n: number, scale: number, seed = 1): number[] {
  const rng = T.seededRandom(seed);
  return Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
}

/** The values of `points` that the dtype can hold (integers in range for ints). */
export function fitting(points: readonly number[], dtype: T.DType): number[] {
  if (dtype === "float64" || dtype === "float32") return [...points];
  const arr = new STORAGE[dtype](1);
  return points.filter((p) => {
    if (!Number.isInteger(p)) return false;
    if (dtype === "bool") return p === 0 || p === 1;
    if (dtype === "int64") return Math.abs(p) <= Number.MAX_SAFE_INTEGER;
    arr[0] = p;
    return arr[0] === p;
  });
}

/** Options of `checkElemwise`. */
export interface CheckOptions {
  rtol?: number;
  atol?: number;
  /** Also require the sign of zero results to match. */
  signedZero?: boolean;
  /** Expected output dtype. */
  outDtype?: T.DType;
}

/**
 * Compile `fn` on vector inputs of `dtypes`, run it on `columns` (one array of points
 * per input, of equal length) and compare with `ref` applied to the stored input
 * values, its results stored in the output dtype (which rounds and wraps like the
 * output array). NaN must match NaN. Returns the output.
 *
 * This checks the op's JS rule (`config.wasm` off) with the given tolerances, then
 * the default path, where the WebAssembly SIMD engine may take the group, allowing
 * it 16 ulps more: its vector functions are within 3 ulps of the exact values
 * (backends/wasm/vmath_test.ts), and a reference may itself be an approximation
 * (erf's JS rule is within about 1e-15, 9 ulps).
 */
export function checkElemwise(
  fn: (...xs: T.Variable[]) => T.Variable,
  ref: (...xs: number[]) => number,
  dtypes: T.DType[],
  columns: number[][],
  options: CheckOptions = {},
): T.NDArray {
  const wasm = T.config.wasm;
  let out: T.NDArray;
  try {
    T.config.wasm = false;
    out = checkPath(fn, ref, dtypes, columns, options, 0);
  } finally {
    T.config.wasm = wasm;
  }
  if (wasm) checkPath(fn, ref, dtypes, columns, options, 16);
  return out;
}

/** One unit in the last place of `e` in a float dtype (0 for other dtypes). */
function ulpOf(e: number, dtype: T.DType): number {
  if (dtype !== "float32" && dtype !== "float64" || !Number.isFinite(e)) return 0;
  const [mant, min] = dtype === "float32" ? [23, 2 ** -149] : [52, 2 ** -1074];
  return Math.max(2 ** (Math.floor(Math.log2(Math.abs(e) || min)) - mant), min);
}

function checkPath(
  fn: (...xs: T.Variable[]) => T.Variable,
  ref: (...xs: number[]) => number,
  dtypes: T.DType[],
  columns: number[][],
  options: CheckOptions,
  ulps: number,
): T.NDArray {
  const xs = dtypes.map((d, i) => new T.TensorType(d, [null]).make(`x${i}`));
  const f = T.function(xs, fn(...xs));
  const values = columns.map((c, i) => T.asarray(c, { dtype: dtypes[i] }));
  const out = f(...values) as T.NDArray;
  if (options.outDtype) assert.equal(out.dtype, options.outDtype, `output dtype for ${dtypes}`);
  const n = values[0].size;
  assert.deepEqual(out.shape, [n]);
  const expected = new STORAGE[out.dtype](n);
  for (let i = 0; i < n; i++) expected[i] = ref(...values.map((v) => v.data[i]));
  const rtol = options.rtol ?? 0, atol = options.atol ?? 0;
  for (let i = 0; i < n; i++) {
    const a = out.data[i], e = expected[i];
    const where = () =>
      `at (${values.map((v) => v.data[i]).join(", ")}) [${dtypes}]: got ${a}, expected ${e}`;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), where());
      continue;
    }
    if (a === e) {
      if (options.signedZero && e === 0) assert.ok(Object.is(a, e), `sign of zero ${where()}`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e) + ulps * ulpOf(e, out.dtype), where());
  }
  return out;
}

/** The gradient-check tolerances for float32, as the brief recommends. */
export const F32_GRAD = { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype: "float32" } as const;
