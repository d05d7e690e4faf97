/**
 * Test helper: checks an elementwise function against the NumPy/SciPy table of
 * elem16_ref.ts, in float64 on every point and in float32 on the points float32 holds.
 * @module
 */
import type * as T from "../../mod.ts";
import { checkElemwise } from "../../tests/elemwise_ref.ts";
import { BINARY, UNARY } from "./elem16_ref.ts";

/** Tolerances per dtype (relative and absolute). */
export interface Tolerances {
  f64: { rtol: number; atol?: number };
  f32: { rtol: number; atol?: number };
}

const key = (xs: number[]) => xs.map((x) => (Object.is(x, -0) ? "-0" : String(x))).join(",");
const held32 = (x: number) => Number.isNaN(x) || Math.fround(x) === x;

/** Compare `fn` with the table entry `name` (unary or binary). */
export function checkTable(name: string, fn: (...xs: T.Variable[]) => T.Variable, tol: Tolerances): void {
  const u = UNARY[name], b = BINARY[name];
  const cols = u ? [u.x] : [b.a, b.b];
  const ys = u ? u.y : b.y;
  const table = new Map(ys.map((y, i) => [key(cols.map((c) => c[i])), y]));
  const ref = (...xs: number[]) => {
    const y = table.get(key(xs));
    if (y === undefined) throw new Error(`${name}: no reference value at ${xs}`);
    return y;
  };
  const dt = (d: T.DType) => cols.map(() => d);
  checkElemwise(fn, ref, dt("float64"), cols, { ...tol.f64, outDtype: "float64" });
  const keep = cols[0].map((_, i) => cols.every((c) => held32(c[i])));
  const cols32 = cols.map((c) => c.filter((_, i) => keep[i]));
  checkElemwise(fn, ref, dt("float32"), cols32, { ...tol.f32, outDtype: "float32" });
}
