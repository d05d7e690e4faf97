/**
 * The index argument of basic indexing: parsing what the user wrote (numbers, null,
 * `[start, stop, step]`, symbolic integer scalars), the static shape of the selected
 * region with the checks that can be made while the graph is built, and the
 * resolution against a value's shape when the function runs.
 * @module
 */
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import type { NDArray } from "../core/ndarray.ts";
import type { Dim, SliceArg, Variable } from "../core/graph.ts";
import { checkIntScalar, staticInt } from "./shape.ts";
import {
  type Bound,
  type IndexEntry,
  type Resolved,
  resolveIndex,
  resolveSlice,
} from "./subtensor_kernel.ts";

const isSym = (b: Bound | IndexEntry) => b === "$";
export function symCount(idx: readonly IndexEntry[]): number {
  let n = 0;
  for (const e of idx) {
    n += typeof e === "object" ? [e.start, e.stop, e.step].filter(isSym).length : e === "$" ? 1 : 0;
  }
  return n;
}

/** Static shape of the region `x[idx]`, checking the index against x's type. */
export function regionType(
  op: string,
  x: Variable,
  idx: readonly IndexEntry[],
  sym: readonly Variable[],
): Dim[] {
  if (idx.length > x.ndim) {
    throw new HypatiaTypeError(
      `${op}: too many indices for ${x.describe()}: it has ${x.ndim} dimensions but ${idx.length} were indexed`,
    );
  }
  if (sym.length !== symCount(idx)) {
    throw new HypatiaTypeError(`${op}: expected ${symCount(idx)} symbolic index inputs, got ${sym.length}`);
  }
  sym.forEach((s) => checkIntScalar(op, s, "an index or bound"));
  const out: Dim[] = [];
  x.type.shape.forEach((n, d) => {
    const e = idx[d];
    if (e === undefined) return out.push(n);
    if (e === "$") return;
    if (typeof e === "number") {
      if (n !== null && resolveIndex(e, n) === undefined) {
        throw new HypatiaTypeError(`${op}: index ${e} is out of bounds for axis ${d} of ${x.describe()}`);
      }
      return;
    }
    if (e.step === 0) {
      throw new HypatiaTypeError(`${op}: slice step cannot be zero (axis ${d} of ${x.describe()})`);
    }
    if (e.start === null && e.stop === null && (e.step === null || e.step === 1)) return out.push(n);
    if (n === null || isSym(e.start) || isSym(e.stop) || isSym(e.step)) return out.push(null);
    out.push(resolveSlice(n, e.start as number | null, e.stop as number | null, e.step as number | null).len);
  });
  return out;
}

/** Resolve an index against a value's shape at run time (ShapeError when out of range). */
export function resolveRuntime(
  op: string,
  x: NDArray,
  idx: readonly IndexEntry[],
  sym: readonly NDArray[],
  name: string,
): Resolved[] {
  let k = 0;
  const val = (b: Bound) => (b === "$" ? sym[k++].data[0] : b);
  return idx.map((e, d) => {
    const n = x.shape[d];
    if (typeof e !== "object") {
      const i = val(e) as number, r = resolveIndex(i, n);
      if (r === undefined) {
        throw new ShapeError(
          `${op}: index ${i} is out of bounds for axis ${d} with length ${n} (${name} has shape (${
            x.shape.join(", ")
          }))`,
        );
      }
      return r;
    }
    const start = val(e.start), stop = val(e.stop), step = val(e.step);
    if (step === 0) throw new ShapeError(`${op}: slice step cannot be zero (axis ${d} of ${name})`);
    return resolveSlice(n, start, stop, step);
  });
}

/** Move constant symbolic entries into the params (so the static shape is known). */
export function inlineConstants(
  idx: readonly IndexEntry[],
  sym: readonly Variable[],
): [IndexEntry[], Variable[]] | null {
  if (!sym.some((s) => staticInt(s) !== undefined)) return null;
  let k = 0;
  const rest: Variable[] = [];
  const b = (x: Bound): Bound => {
    if (x !== "$") return x;
    const s = sym[k++], v = staticInt(s);
    if (v === undefined) rest.push(s);
    return v ?? "$";
  };
  const out = idx.map((e): IndexEntry =>
    typeof e === "object" ? { start: b(e.start), stop: b(e.stop), step: b(e.step) } : b(e) as number | "$"
  );
  return [out, rest];
}

/** Turn user index arguments into params entries and symbolic inputs. */
export function parseIndex(
  op: string,
  args: readonly SliceArg[],
): { idx: IndexEntry[]; sym: Variable[] } {
  const sym: Variable[] = [];
  const bound = (b: unknown, what: string): Bound => {
    if (b === null || b === undefined) return null;
    if (typeof b === "number") {
      if (!Number.isInteger(b)) throw new HypatiaTypeError(`${op}: ${what} must be an integer, got ${b}`);
      return b;
    }
    if (typeof b === "object" && "type" in (b as object)) {
      const v = b as Variable;
      checkIntScalar(op, v, what);
      const s = staticInt(v);
      if (s !== undefined) return s;
      sym.push(v);
      return "$";
    }
    throw new HypatiaTypeError(
      `${op}: ${what} must be an integer, a symbolic integer scalar or null, got ${String(b)}`,
    );
  };
  const idx = args.map((a, d): IndexEntry => {
    if (a === null) return { start: null, stop: null, step: null };
    if (Array.isArray(a)) {
      if (a.length > 3) {
        throw new HypatiaTypeError(`${op}: a range is [start, stop, step], got ${a.length} entries`);
      }
      const start = bound(a[0], `start of axis ${d}`), stop = bound(a[1], `stop of axis ${d}`);
      let step = bound(a[2], `step of axis ${d}`);
      if (step === 1) step = null;
      return { start: start === 0 && step === null ? null : start, stop, step };
    }
    const i = bound(a, `index of axis ${d}`);
    if (i === null) throw new HypatiaTypeError(`${op}: index of axis ${d} is missing`);
    return i;
  });
  // x[1] and x[1, :] are the same node.
  while (idx.length) {
    const e = idx[idx.length - 1];
    if (typeof e !== "object" || e.start !== null || e.stop !== null || e.step !== null) break;
    idx.pop();
  }
  return { idx, sym };
}
