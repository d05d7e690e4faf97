/**
 * Helpers of the linear algebra tests: compile-and-run, and closeness checks that name
 * the element that differs.
 * @module
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";

/** Compile `build` over float64 inputs shaped like `values`, run it on them, return the outputs as nested arrays. */
export function run(build: (...xs: T.Variable[]) => T.Variable | T.Variable[], ...values: T.ArrayLike[]) {
  const arrays = values.map((v) => T.asarray(v, { dtype: "float64" }));
  const inputs = arrays.map((a, i) => new T.TensorType("float64", a.shape.map(() => null)).make(`x${i}`));
  const out = build(...inputs);
  const f = T.function(inputs, Array.isArray(out) ? out : [out]);
  return (f(...arrays) as T.NDArray[]).map((r) => r.toArray());
}

/** Assert that nested arrays agree to `tol` (relative to max(1, |expected|)), NaN matching NaN. */
export function close(actual: unknown, expected: unknown, tol = 1e-10, where = "value"): void {
  const a = [actual].flat(Infinity) as number[], e = [expected].flat(Infinity) as number[];
  assert.equal(a.length, e.length, `${where}: ${a.length} elements, expected ${e.length}`);
  a.forEach((x, i) => {
    const y = e[i];
    if (Number.isNaN(y)) return assert.ok(Number.isNaN(x), `${where}[${i}]: ${x}, expected NaN`);
    assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)), `${where}[${i}]: ${x}, expected ${y}`);
  });
}

/** Columns of `m` (a nested matrix) with the sign that makes each column's largest entry positive. */
export function signFixedColumns(m: number[][]): number[][] {
  const cols = m[0].length;
  const sign = Array.from({ length: cols }, (_, j) => {
    let big = 0;
    for (const row of m) if (Math.abs(row[j]) > Math.abs(big)) big = row[j];
    return big < 0 ? -1 : 1;
  });
  return m.map((row) => row.map((x, j) => x * sign[j]));
}

/** The transpose of a nested matrix. */
export const transposeOf = (m: number[][]): number[][] => m[0].map((_, j) => m.map((row) => row[j]));
