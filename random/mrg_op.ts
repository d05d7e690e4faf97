/**
 * The MRG31k3p random op: draws uniforms from the substreams of its state input (flat
 * element i from substream i % nstreams, as Theano's `mrg_uniform`) and turns them into
 * each distribution the way Theano's graph does, rounding to float32 after every
 * operation where the dtype is float32.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import { drawUniform, M1 } from "./mrg_core.ts";
import { badMrgState } from "./mrg_core.ts";
import { at, defineRandomOp, expandArg, type RandomRun, type RunContext } from "./random_op.ts";
import { checkProbabilities } from "./numpy_dist.ts";

const f = Math.fround;
const id = (x: number) => x;
/** Theano's truncation constant: std of the standard normal truncated to [-2, 2]. */
export const TRUNC_STD = 0.87962566103423978;

/** Check a state matrix (ns × 6, int32) before using it. */
function checkedState(s: NDArray, what: string): { st: Int32Array; ns: number } {
  if (s.dtype !== "int32" || s.ndim !== 2 || s.shape[1] !== 6 || s.shape[0] < 1) {
    throw new InputError(
      `${what}: an MRG state must be an int32 (nstreams, 6) array, got ${s.dtype} (${s.shape})`,
    );
  }
  const st = s.data as Int32Array;
  for (let k = 0; k < s.shape[0]; k++) {
    const bad = badMrgState(st, 6 * k);
    if (bad) throw new InputError(`${what}: substream ${k} of the MRG state is invalid: ${bad}`);
  }
  return { st, ns: s.shape[0] };
}

function total(n: number, what: string): number {
  if (n > M1) throw new InputError(`${what}: MRG31k3p draws at most 2^31 - 1 numbers per call, asked ${n}`);
  return n;
}

/** A numeric argument expanded to the output's elements (float32-rounded when asked). */
function arg(ctx: RunContext, name: string, shape: number[], f32: boolean): number | Float64Array {
  const a = ctx.args[name] as number | NDArray;
  const v = typeof a === "number" ? a : expandArg(a, shape, name, ctx.what);
  if (!f32) return v;
  return typeof v === "number" ? f(v) : v.map(f);
}

/**
 * How uniforms are drawn and turned into normals: the scalar loops here, or an engine's
 * (backends/wasm/mrg.ts), which must give the same numbers (Box–Muller within its
 * measured ulps) and leave the states as these do.
 */
export interface MrgDraws {
  /** n uniforms from substreams `st` (ns × 6, advanced in place), as `drawUniform`. */
  uniform(st: Int32Array, n: number, ns: number, f32: boolean): Float64Array | Float32Array;
  /** Box–Muller in place over the uniforms (even length), as `boxMuller`. */
  boxMuller(u: Float64Array | Float32Array, f32: boolean): Float64Array | Float32Array;
}

function uniform(ctx: RunContext, d: MrgDraws) {
  const { st, ns } = checkedState(ctx.states[0], ctx.what);
  const f32 = ctx.params.dtype === "float32", n = total(sizeOf(ctx.size), ctx.what);
  const u = d.uniform(st, n, ns, f32);
  const low = arg(ctx, "low", ctx.size, f32), high = arg(ctx, "high", ctx.size, f32);
  if (!(low === 0 && high === 1)) {
    const r = f32 ? f : id;
    const range = typeof low === "number" && typeof high === "number"
      ? r(high - low)
      : Float64Array.from({ length: n }, (_, i) => r(at(high, i) - at(low, i)));
    affine(u, u, range, low, f32, n);
  }
  return { states: ctx.states, sample: new NDArray(ctx.params.dtype, ctx.size, u) };
}

/**
 * `out[i] = x[i]·m + a`, rounded to float32 after each operation when `f32` (Theano's graph
 * for a scaled draw), for m and a numbers or per-element arrays. Numbers have a loop of their
 * own: the general one, reading both through `at`, took 20–37 ms per 10^6 values against
 * 3–13 ms for the draws themselves (Deno, loaded machine).
 */
function affine(
  out: Float64Array | Float32Array,
  x: Float64Array | Float32Array,
  m: number | Float64Array,
  a: number | Float64Array,
  f32: boolean,
  n: number,
) {
  if (typeof m === "number" && typeof a === "number") {
    if (f32) { for (let i = 0; i < n; i++) out[i] = f(f(x[i] * m) + a); }
    else for (let i = 0; i < n; i++) out[i] = x[i] * m + a;
    return;
  }
  const r = f32 ? f : id;
  for (let i = 0; i < n; i++) out[i] = r(r(x[i] * at(m, i)) + at(a, i));
}

/**
 * Box–Muller in place over uniforms `u` (even length): radii from the first half, angles
 * from the second; cosines replace the first half, sines the second. With `keep`, the
 * cosines and sines are also returned (the truncated normal reuses them). Pairs below
 * `from` are left alone (an engine did them).
 */
export function boxMuller(u: Float64Array | Float32Array, f32: boolean, keep = false, from = 0) {
  const half = u.length / 2;
  const cos = keep ? new Float64Array(half) : undefined, sin = keep ? new Float64Array(half) : undefined;
  if (f32) {
    const twoPi = f(2 * Math.PI);
    for (let i = from; i < half; i++) {
      const rr = f(Math.sqrt(f(-2 * f(Math.log(u[i])))));
      const th = f(twoPi * u[half + i]);
      const c = f(Math.cos(th)), sn = f(Math.sin(th));
      if (cos && sin) cos[i] = c, sin[i] = sn;
      u[i] = rr * c;
      u[half + i] = rr * sn;
    }
  } else {
    const twoPi = 2 * Math.PI;
    for (let i = from; i < half; i++) {
      const rr = Math.sqrt(-2 * Math.log(u[i]));
      const th = twoPi * u[half + i];
      const c = Math.cos(th), sn = Math.sin(th);
      if (cos && sin) cos[i] = c, sin[i] = sn;
      u[i] = rr * c;
      u[half + i] = rr * sn;
    }
  }
  return { z: u, cos: cos!, sin: sin! };
}

/** `samples * std + avg` over the first n values, in the output dtype (in place when it can). */
function scale(ctx: RunContext, z: Float64Array | Float32Array, std: number | Float64Array, f32: boolean) {
  const n = sizeOf(ctx.size);
  const avg = arg(ctx, "avg", ctx.size, f32);
  const native = (f32 ? z instanceof Float32Array : z instanceof Float64Array) && z.length >= n;
  if (native && avg === 0 && std === 1) return new NDArray(ctx.params.dtype, ctx.size, z.subarray(0, n));
  const out = native ? z.subarray(0, n) : f32 ? new Float32Array(n) : new Float64Array(n);
  affine(out, z, std, avg, f32, n);
  return new NDArray(ctx.params.dtype, ctx.size, out);
}

function evenUniforms(d: MrgDraws, st: Int32Array, ns: number, n: number, f32: boolean, what: string) {
  return d.uniform(st, total(n + (n % 2), what), ns, f32);
}

function normal(ctx: RunContext, d: MrgDraws) {
  const { st, ns } = checkedState(ctx.states[0], ctx.what);
  const f32 = ctx.params.dtype === "float32";
  const z = d.boxMuller(evenUniforms(d, st, ns, sizeOf(ctx.size), f32, ctx.what), f32);
  return { states: ctx.states, sample: scale(ctx, z, arg(ctx, "std", ctx.size, f32), f32) };
}

/**
 * Theano's truncated normal: Box–Muller, then every value outside [-2, 2] is redrawn
 * with a radius from a second stream's uniform in (e^-2, 1) and its old angle; the
 * values are packed as [valid cosines, fixed cosines, valid sines, fixed sines].
 */
function truncatedNormal(ctx: RunContext, d: MrgDraws) {
  const a = checkedState(ctx.states[0], ctx.what), b = checkedState(ctx.states[1], ctx.what);
  const f32 = ctx.params.dtype === "float32", r = f32 ? f : id;
  const n = sizeOf(ctx.size);
  const { z, cos, sin } = boxMuller(evenUniforms(d, a.st, a.ns, n, f32, ctx.what), f32, true);
  const half = z.length / 2;
  const bad = (v: number) => v < -2 || v > 2;
  const fix0: number[] = [], fix1: number[] = [], valid0: number[] = [], valid1: number[] = [];
  for (let i = 0; i < half; i++) (bad(z[i]) ? fix0 : valid0).push(i);
  for (let i = 0; i < half; i++) (bad(z[half + i]) ? fix1 : valid1).push(half + i);
  const u = d.uniform(b.st, fix0.length + fix1.length, b.ns, f32);
  const low = r(1 / Math.E ** 2), range = r(1 - low);
  const rfix = (j: number) => r(Math.sqrt(r(-2 * r(Math.log(r(r(u[j] * range) + low))))));
  const packed = new Float64Array(z.length);
  let k = 0;
  for (const i of valid0) packed[k++] = z[i];
  fix0.forEach((i, j) => (packed[k++] = r(rfix(j) * cos[i])));
  for (const i of valid1) packed[k++] = z[i];
  fix1.forEach((i, j) => (packed[k++] = r(rfix(fix0.length + j) * sin[i - half])));
  const std = arg(ctx, "std", ctx.size, f32);
  const eff = typeof std === "number" ? r(std / r(TRUNC_STD)) : std.map((s) => r(s / r(TRUNC_STD)));
  return { states: ctx.states, sample: scale(ctx, packed, eff, f32) };
}

/** Sum of n Bernoulli trials `u < p`; trial k of element i uses flat draw k·N + i. */
function binomial(ctx: RunContext, d: MrgDraws) {
  const { st, ns } = checkedState(ctx.states[0], ctx.what);
  const f32 = ctx.args.f32 === true, trials = ctx.args.n as number;
  const N = sizeOf(ctx.size);
  const u = d.uniform(st, total(N * trials, ctx.what), ns, f32);
  // A number p is a constant of the uniforms' dtype in Theano; a tensor p compares exactly.
  const p = typeof ctx.args.p === "number"
    ? (f32 ? f(ctx.args.p) : ctx.args.p)
    : arg(ctx, "p", ctx.size, false);
  const out = new NDArray(ctx.params.dtype, ctx.size);
  const o = out.data;
  for (let k = 0; k < trials; k++) {
    // A number p in a loop of its own (see `affine`).
    if (typeof p === "number") { for (let i = 0; i < N; i++) o[i] += u[k * N + i] < p ? 1 : 0; }
    else for (let i = 0; i < N; i++) if (u[k * N + i] < p[i]) o[i] += 1;
  }
  return { states: ctx.states, sample: out };
}

/** The probability matrix (rows × k) as given, checked row by row. */
function pmatrix(ctx: RunContext, name: string): { p: NDArray; rows: number; k: number } {
  const p = ctx.args[name] as NDArray;
  if (p.ndim !== 2) throw new InputError(`${ctx.what}: ${name} must be a matrix, got shape (${p.shape})`);
  const [rows, k] = p.shape;
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from(p.data.subarray(r * k, (r + 1) * k) as ArrayLike<number>);
    checkProbabilities(row, `${ctx.what}: row ${r} of ${name}`, p.dtype === "float32");
  }
  return { p, rows, k };
}

/**
 * Theano's MultinomialFromUniform: draw c of row r uses uniform c·rows + r and picks the
 * first outcome whose running sum (in float64) exceeds it.
 */
function multinomial(ctx: RunContext, d: MrgDraws) {
  const { st, ns } = checkedState(ctx.states[0], ctx.what);
  const { p, rows, k } = pmatrix(ctx, "pvals");
  const n = ctx.args.n as number;
  const u = d.uniform(st, total(rows * n, ctx.what), ns, ctx.args.f32 === true);
  const out = new NDArray(ctx.params.dtype, [rows, k]);
  const o = out.data, pd = p.data;
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < rows; r++) {
      const x = u[c * rows + r];
      let cum = 0, pick = -1;
      for (let m = 0; m < k; m++) {
        cum += pd[r * k + m];
        if (cum > x) {
          pick = m;
          break;
        }
        if (pd[r * k + m] > 0) pick = -2 - m; // last positive outcome, if rounding leaves x above the sum
      }
      o[r * k + (pick >= 0 ? pick : -2 - pick)] += 1;
    }
  }
  return { states: ctx.states, sample: out };
}

/**
 * Theano's ChoiceFromUniform: sample c of row r uses uniform c·rows + r; without
 * replacement the chosen outcome's probability becomes 0 and the row is renormalised
 * (in the probabilities' dtype), as Theano's C code does. With replacement (which
 * Theano refused) nothing is renormalised.
 */
function choice(ctx: RunContext, d: MrgDraws) {
  const { st, ns } = checkedState(ctx.states[0], ctx.what);
  const { p, rows, k } = pmatrix(ctx, "p");
  const count = ctx.size[0], replace = ctx.args.replace === true;
  if (!replace) {
    for (let r = 0; r < rows; r++) {
      let pos = 0;
      for (let m = 0; m < k; m++) if (p.data[r * k + m] > 0) pos++;
      if (pos < count) {
        throw new InputError(
          `${ctx.what}: cannot take ${count} samples without replacement from row ${r}, which has ${pos} outcomes of non-zero probability`,
        );
      }
    }
  }
  const u = d.uniform(st, total(rows * count, ctx.what), ns, ctx.args.f32 === true);
  const w = p.dtype === "float32"
    ? Float32Array.from(p.data as ArrayLike<number>)
    : Float64Array.from(p.data as ArrayLike<number>);
  const r32 = p.dtype === "float32" ? f : id;
  const out = new NDArray(ctx.params.dtype, [rows, count]);
  for (let c = 0; c < count; c++) {
    for (let r = 0; r < rows; r++) {
      const x = u[c * rows + r], o = r * k;
      let cum = 0, m = 0, last = -1;
      for (; m < k; m++) {
        cum += w[o + m];
        if (w[o + m] > 0) last = m;
        if (cum > x) break;
      }
      if (m === k) m = last; // rounding left x above the total: take the last possible outcome
      out.data[r * count + c] = m;
      if (replace || c === count - 1) continue;
      let sum = r32(cum - w[o + m]);
      w[o + m] = 0;
      for (let j = m; j < k; j++) sum = r32(sum + w[o + j]);
      for (let j = 0; j < k; j++) w[o + j] = w[o + j] / sum;
    }
  }
  return { states: ctx.states, sample: out };
}

const RUNS: Record<string, (ctx: RunContext, d: MrgDraws) => { states: NDArray[]; sample: NDArray }> = {
  uniform,
  normal,
  truncated_normal: truncatedNormal,
  binomial,
  multinomial,
  choice,
};

/** The reference draws: the scalar loops of mrg_core.ts and `boxMuller`. */
export const scalarDraws: MrgDraws = { uniform: drawUniform, boxMuller: (u, f32) => boxMuller(u, f32).z };

/**
 * The MRG op's sampler with draws `d` (the reference's, or an engine's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mrgRun, scalarDraws } from "./mrg_op.ts";
 * assert.equal(typeof mrgRun(scalarDraws), "function");
 * ```
 */
export function mrgRun(d: MrgDraws): RandomRun {
  return (ctx) => {
    const run = RUNS[ctx.params.dist];
    if (!run) throw new InputError(`mrg_random: unknown distribution ${ctx.params.dist}`);
    return run(ctx, d);
  };
}

/** The MRG31k3p sampling op (`[states..., size..., args...] -> [newStates..., sample]`). */
export const mrgRandomOp = defineRandomOp("mrg_random", mrgRun(scalarDraws));
