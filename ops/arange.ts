/**
 * The arange and eye ops (their user functions are in alloc.ts). Bounds and lengths
 * are numbers in the params or "$", read from the next scalar input.
 * @module
 */
import { type DType, isFloat } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, TensorType, type Variable } from "../core/graph.ts";
import { checkIntScalar } from "./shape.ts";

/** Params of arange. */
export interface ArangeParams {
  start: number | "$";
  stop: number | "$";
  step: number | "$";
  dtype: DType;
}

/** NumPy's length of `arange(start, stop, step)`. */
export function arangeLength(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

/**
 * Fill `out` as NumPy does: the first two values are `start` and `start + step`
 * converted to the dtype, the rest `first + i * delta` computed in the dtype.
 */
export function fillArange(out: NDArray, start: number, step: number): void {
  const d = out.data, n = d.length, dt = out.dtype;
  const conv = (v: number) => (dt === "float32" ? Math.fround(v) : isFloat(dt) ? v : Math.trunc(v));
  if (n === 0) return;
  const first = conv(start);
  d[0] = first;
  if (n === 1) return;
  d[1] = conv(start + step);
  const delta = dt === "float32" ? Math.fround(d[1] - first) : d[1] - first;
  if (dt === "float32") { for (let i = 2; i < n; i++) d[i] = Math.fround(first + Math.fround(i * delta)); }
  else for (let i = 2; i < n; i++) d[i] = first + i * delta;
}

function scalarOf(sym: readonly (Variable | NDArray)[]) {
  let k = 0;
  return <T>(e: number | "$", read: (v: Variable | NDArray) => T): number | T =>
    e === "$" ? read(sym[k++]) : e;
}

/** The arange op. */
export const arangeOp: Op<ArangeParams> = defineOp<ArangeParams>({
  name: "arange",
  inferType(sym, p) {
    const need = [p.start, p.stop, p.step].filter((e) => e === "$").length;
    if (need !== sym.length) {
      throw new HypatiaTypeError(`arange: expected ${need} symbolic bounds, got ${sym.length}`);
    }
    for (const s of sym) {
      if (s.ndim !== 0 || s.dtype === "bool") {
        throw new HypatiaTypeError(`arange: a bound must be a numeric scalar, got ${s.describe()}`);
      }
    }
    const known = typeof p.start === "number" && typeof p.stop === "number" && typeof p.step === "number";
    if (p.step === 0) throw new HypatiaTypeError("arange: step cannot be zero");
    return [
      new TensorType(p.dtype, [
        known ? arangeLength(p.start as number, p.stop as number, p.step as number) : null,
      ]),
    ];
  },
  perform(sym, p) {
    const at = scalarOf(sym);
    const read = (v: Variable | NDArray) => (v as NDArray).data[0];
    const start = at(p.start, read) as number,
      stop = at(p.stop, read) as number,
      step = at(p.step, read) as number;
    if (step === 0) throw new ShapeError("arange: step cannot be zero");
    const n = arangeLength(start, stop, step);
    if (!Number.isFinite(n)) throw new ShapeError(`arange: cannot make arange(${start}, ${stop}, ${step})`);
    const out = new NDArray(p.dtype, [n]);
    fillArange(out, start, step);
    return [out];
  },
  notDifferentiable: "arange's values are piecewise constant in its bounds",
  format(sym, p) {
    let k = 0;
    const s = (e: number | "$") => (e === "$" ? sym[k++] : e);
    return `arange(${s(p.start)}, ${s(p.stop)}, ${s(p.step)}, ${p.dtype})`;
  },
});

/** Params of eye. */
export interface EyeParams {
  n: number | "$";
  m: number | "$";
  k: number;
  dtype: DType;
}

/** The eye op. */
export const eyeOp: Op<EyeParams> = defineOp<EyeParams>({
  name: "eye",
  inferType(sym, p) {
    const need = [p.n, p.m].filter((e) => e === "$").length;
    if (need !== sym.length) {
      throw new HypatiaTypeError(`eye: expected ${need} symbolic lengths, got ${sym.length}`);
    }
    sym.forEach((s) => checkIntScalar("eye", s, "a length"));
    return [new TensorType(p.dtype, [p.n === "$" ? null : p.n, p.m === "$" ? null : p.m])];
  },
  perform(sym, p) {
    const at = scalarOf(sym);
    const read = (v: Variable | NDArray) => (v as NDArray).data[0];
    const n = at(p.n, read) as number, m = at(p.m, read) as number;
    if (n < 0 || m < 0) throw new ShapeError(`eye: negative dimensions (${n}, ${m})`);
    const out = new NDArray(p.dtype, [n, m]);
    for (let i = Math.max(0, -p.k); i < n && i + p.k < m; i++) out.data[i * m + i + p.k] = 1;
    return [out];
  },
  notDifferentiable: "eye has no float inputs",
  format(sym, p) {
    let k = 0;
    const s = (e: number | "$") => (e === "$" ? sym[k++] : e);
    return `eye(${s(p.n)}, ${s(p.m)}, k=${p.k}, ${p.dtype})`;
  },
});
