/**
 * The NumPy-backed random op of `RandomStreams`: each call runs NumPy's legacy
 * `RandomState` method on a copy of the variable's MT19937 state, in NumPy's order of
 * draws, and casts the float64/int results to the output dtype as Theano did.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { NDArray, sizeOf } from "../core/ndarray.ts";
import { badMtState, MT19937 } from "./mt19937.ts";
import {
  legacyBinomial,
  legacyChoice,
  legacyMultinomial,
  legacyPermutation,
  legacyPoisson,
  POISSON_LAM_MAX,
} from "./numpy_dist.ts";
import { kahanSum } from "./numpy_dist.ts";
import { at, defineRandomOp, expandArg, type RunContext } from "./random_op.ts";
import { TRUNC_STD } from "./mrg_op.ts";

function generator(s: NDArray, what: string): MT19937 {
  const bad = s.dtype !== "float64" || s.ndim !== 1 ? `it is ${s.dtype} (${s.shape})` : badMtState(s.data);
  if (bad) throw new InputError(`${what}: invalid MT19937 state: ${bad}`);
  return MT19937.fromVector(s.data);
}

function arg(ctx: RunContext, name: string, shape: number[]): number | Float64Array {
  const a = ctx.args[name] as number | NDArray;
  return typeof a === "number" ? a : expandArg(a, shape, name, ctx.what);
}

function each(a: number | Float64Array, n: number, test: (v: number) => boolean): boolean {
  if (typeof a === "number") return test(a);
  for (let i = 0; i < n; i++) if (!test(a[i])) return false;
  return true;
}

/** Run `draw(i)` for each output element into the output dtype. */
function fill(ctx: RunContext, shape: number[], draw: (i: number) => number): NDArray {
  const out = new NDArray(ctx.params.dtype, shape), o = out.data, n = out.size;
  for (let i = 0; i < n; i++) o[i] = draw(i);
  return out;
}

function done(g: MT19937, sample: NDArray) {
  const v = g.toVector();
  return { states: [new NDArray("float64", [v.length], v)], sample };
}

const RUNS: Record<string, (ctx: RunContext, g: MT19937, n: number) => NDArray> = {
  uniform(ctx, g, n) {
    const low = arg(ctx, "low", ctx.size), high = arg(ctx, "high", ctx.size);
    if (!each(high, n, Number.isFinite) || !each(low, n, Number.isFinite)) {
      throw new InputError(`${ctx.what}: low and high must be finite`);
    }
    if (typeof low === "number" && typeof high === "number") {
      const out = new NDArray(ctx.params.dtype, ctx.size), o = out.data, range = high - low;
      for (let i = 0; i < n; i++) o[i] = low + range * g.nextDouble();
      return out;
    }
    return fill(ctx, ctx.size, (i) => {
      const lo = at(low, i);
      return lo + (at(high, i) - lo) * g.nextDouble();
    });
  },
  normal(ctx, g, n) {
    const avg = arg(ctx, "avg", ctx.size), std = arg(ctx, "std", ctx.size);
    if (!each(std, n, (s) => s >= 0)) throw new InputError(`${ctx.what}: std must be >= 0`);
    if (typeof avg === "number" && typeof std === "number") {
      const out = new NDArray(ctx.params.dtype, ctx.size), o = out.data;
      for (let i = 0; i < n; i++) o[i] = avg + std * g.nextGauss();
      return out;
    }
    return fill(ctx, ctx.size, (i) => at(avg, i) + at(std, i) * g.nextGauss());
  },
  truncated_normal(ctx, g, n) {
    const avg = arg(ctx, "avg", ctx.size), std = arg(ctx, "std", ctx.size);
    if (!each(std, n, (s) => s >= 0)) throw new InputError(`${ctx.what}: std must be >= 0`);
    return fill(ctx, ctx.size, (i) => {
      let z: number;
      do z = g.nextGauss(); while (z < -2 || z > 2);
      return at(avg, i) + (at(std, i) / TRUNC_STD) * z;
    });
  },
  binomial(ctx, g, n) {
    const trials = arg(ctx, "n", ctx.size), p = arg(ctx, "p", ctx.size);
    if (!each(p, n, (v) => v >= 0 && v <= 1)) throw new InputError(`${ctx.what}: p must be in [0, 1]`);
    if (!each(trials, n, (v) => Number.isInteger(v) && v >= 0)) {
      throw new InputError(`${ctx.what}: n must be an integer >= 0`);
    }
    return fill(ctx, ctx.size, (i) => legacyBinomial(g, at(trials, i), at(p, i)));
  },
  integers(ctx, g, n) {
    const low = arg(ctx, "low", ctx.size), high = arg(ctx, "high", ctx.size);
    const shift = ctx.args.inclusive ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const lo = at(low, i), hi = at(high, i) + shift;
      if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
        throw new InputError(`${ctx.what}: low and high must be integers`);
      }
      if (lo >= hi) {
        throw new InputError(
          `${ctx.what}: low (${lo}) must be below high (${hi - shift}${shift ? " + 1" : ""})`,
        );
      }
      if (hi - lo > 2 ** 53) throw new InputError(`${ctx.what}: the range ${lo}..${hi} is wider than 2^53`);
    }
    return fill(ctx, ctx.size, (i) => at(low, i) + g.bounded(at(high, i) + shift - at(low, i) - 1));
  },
  choice(ctx, g, n) {
    const a = ctx.args.a as number | NDArray;
    const pop = typeof a === "number" ? a : a.size;
    if (typeof a !== "number" && a.ndim !== 1) {
      throw new InputError(`${ctx.what}: a must be an integer or a vector`);
    }
    let p: Float64Array | undefined;
    if (ctx.args.p instanceof NDArray) {
      p = Float64Array.from(ctx.args.p.data as ArrayLike<number>);
      if (ctx.args.p.ndim !== 1 || p.length !== pop) {
        throw new InputError(
          `${ctx.what}: p must be a vector of ${pop} probabilities, got shape (${ctx.args.p.shape})`,
        );
      }
      const sum = kahanSum(p), tol = ctx.args.p.dtype === "float32" ? 3.4526698e-4 : 1.4901161193847656e-8;
      if (p.some((v) => v < 0)) throw new InputError(`${ctx.what}: probabilities must not be negative`);
      if (!(Math.abs(sum - 1) <= tol)) {
        throw new InputError(`${ctx.what}: probabilities sum to ${sum}, not 1`);
      }
    }
    const idx = legacyChoice(g, pop, n, ctx.args.replace === true, p, ctx.what);
    return fill(ctx, ctx.size, (i) => (typeof a === "number" ? idx[i] : Number(a.data[idx[i]])));
  },
  permutation(ctx, g, n) {
    // n is a number, or a symbolic scalar's value (shuffleRowElements of a row of unknown length).
    const nArg = ctx.args.n as number | NDArray;
    const k = typeof nArg === "number" ? nArg : Number(nArg.data[0]);
    if (!Number.isInteger(k) || k < 0 || (typeof nArg !== "number" && nArg.size !== 1)) {
      throw new InputError(
        `${ctx.what}: n must be an integer >= 0, got ${typeof nArg === "number" ? k : nArg}`,
      );
    }
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) legacyPermutation(g, k, out, i * k);
    return fill(ctx, [...ctx.size, k], (i) => out[i]);
  },
  poisson(ctx, g, n) {
    const lam = arg(ctx, "lam", ctx.size);
    // NumPy's checks, before any draw (the state is a copy: an error leaves the variable's alone).
    if (!each(lam, n, (v) => v >= 0)) throw new InputError(`${ctx.what}: lam must be >= 0 and not NaN`);
    if (!each(lam, n, (v) => v <= POISSON_LAM_MAX)) {
      throw new InputError(`${ctx.what}: lam is too large (NumPy's limit is ${POISSON_LAM_MAX})`);
    }
    return fill(ctx, ctx.size, (i) => legacyPoisson(g, at(lam, i)));
  },
  multinomial(ctx, g, n) {
    const pv = ctx.args.pvals as NDArray, d = pv.shape[pv.ndim - 1];
    const trials = ctx.args.n as number;
    const rows = pv.size / d;
    const rowShape = pv.shape.slice(0, -1);
    // Broadcast the rows of pvals to the size (Theano's multinomial_helper).
    const rowIndex = expandArg(
      new NDArray("float64", rowShape, Float64Array.from({ length: rows }, (_, i) => i)),
      ctx.size,
      "pvals",
      ctx.what,
    );
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const r = at(rowIndex, i);
      let pvi = Float64Array.from(pv.data.subarray(r * d, (r + 1) * d) as ArrayLike<number>);
      if (pvi.some((v) => v < 0)) throw new InputError(`${ctx.what}: pvals must not be negative`);
      // NumPy would give the last outcome whatever is missing; a row must sum to 1.
      let s = pvi.reduce((x, y) => x + y, 0);
      const tol = pv.dtype === "float32" ? 3.4526698e-4 : 1e-5;
      if (!(Math.abs(s - 1) <= tol)) {
        throw new InputError(
          `${ctx.what}: the probabilities of row ${r} sum to ${s}, not 1 (tolerance ${tol})`,
        );
      }
      // Theano shrinks rows that reach 1 through rounding, and rows with a tiny last entry.
      if ((s > 1 && s < 1 + 1e-5) || pvi[d - 1] < 5e-5) pvi = pvi.map((v) => v * (1 - 5e-5));
      s = pvi.reduce((x, y) => x + y, 0);
      if (s > 1 || kahanSum(pvi, d - 1) > 1 + 1e-12) {
        throw new InputError(`${ctx.what}: the probabilities of row ${r} sum to ${s}, more than 1`);
      }
      legacyMultinomial(g, trials, pvi, out, i * d);
    }
    return fill(ctx, [...ctx.size, d], (i) => out[i]);
  },
};

/** The NumPy-backed sampling op (`[state, size..., args...] -> [newState, sample]`). */
export const numpyRandomOp = defineRandomOp("numpy_random", (ctx) => {
  const run = RUNS[ctx.params.dist];
  if (!run) throw new InputError(`numpy_random: unknown distribution ${ctx.params.dist}`);
  const g = generator(ctx.states[0], ctx.what);
  return done(g, run(ctx, g, sizeOf(ctx.size)));
});
