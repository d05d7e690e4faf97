/**
 * Vectorised logarithms for f32x4 and f64x2: log, log2, log10, log1p, softplus, logaddexp and log1mexp.
 *
 * Method: subnormal arguments are scaled by 2^25 (f32) / 2^54 (f64) first; then
 * x = 2^k · m with m in [√2/2, √2) read from the bits, f = m - 1, s = f / (2 + f),
 * z = s², and log m = f - (f²/2 - s (f²/2 + R(z))) where R(z) = Σ 2 zⁿ/(2n+1) is
 * the series of 2 atanh(s)/s - 2 (4 terms in f32, 9 in f64 by Estrin's scheme, |z| < 0.0295), finally
 * + k·ln2 with ln2 split in two. log2 is k + log(m)·log2(e) (exact at powers of two).
 * log1p(x) = log(u) + (x - (u - 1))/u with u = 1 + x (the first-order correction of
 * the rounding of u). softplus(x) = log1p(e^-|x|) + max(x, 0).
 * Edges: log(±0) = -∞, log(x < 0) = NaN, log(∞) = ∞, NaN stays NaN; log1p(-1) = -∞,
 * log1p(±0) = ±0, log1p(∞) = ∞.
 *
 * Measured accuracy (max ulp against float64 `Math` [bound asserted by vmath_test.ts]):
 * log f32 0.81 [1], f64 1 [1]; log2 f32 0.87 [1], f64 1 [1]; log1p f32 1.28 [1.5],
 * f64 1 [1]; softplus f32 1.73 [2], f64 2 [2]. logaddexp and log1mexp against the float64 JS rules
 * (ops/exp_log_test.ts): logaddexp 1.04 / 2 ulps of its larger term [2], log1mexp 2.1 / 3 [3].
 * log10 = k·log10(2) + log(m)/ln 10 (fdlibm's order): f32 1.88 [2], f64 2 [2].
 * @module
 */
import { CONSTS, type VecWriter, vexp, vexpm1 } from "./vmath.ts";

const LOG2E = 1.4426950408889634;

/** Bits of the lane constants of the log reduction. */
const LOGK = {
  f32: {
    one: 0x3f800000,
    sqrtHalf: 0x3f3504f3,
    mantMask: 0x007fffff,
    sub: 25,
    minNormal: 2 ** -126,
    terms: 4,
  },
  f64: {
    one: 0x3ff0000000000000,
    sqrtHalf: 0x3fe6a09e00000000,
    mantMask: 0x000fffffffffffff,
    sub: 54,
    minNormal: 2 ** -1022,
    terms: 9,
  },
} as const;

/** Push an integer-lane constant, exactly (64-bit constants as bigint). */
function ibits(w: VecWriter, v: number | bigint): void {
  w.ik(v);
}

/**
 * The reduction: locals kf (k as floats) and the value log(m), for x > 0 finite.
 * Other lanes hold garbage that the callers' edge fixes replace.
 */
function logParts(w: VecWriter, x: number): { kf: number; lm: number } {
  const lane = w.L.s as "f32" | "f64";
  const G = LOGK[lane], K = CONSTS[lane];
  const big = lane === "f32" ? BigInt(G.one) - BigInt(G.sqrtHalf) : 0x3ff0000000000000n - 0x3fe6a09e00000000n;
  // Subnormals: scale up, remember the exponent to take off.
  w.get(x).k(G.minNormal).f("lt");
  const sub = w.let();
  w.select(() => w.get(x).k(2 ** G.sub).f("mul"), () => w.get(x), () => w.get(sub));
  const xs = w.let();
  // ix = bits + (one - sqrtHalf); k = (ix >> mant) - bias - sub*adj
  w.get(xs);
  ibits(w, big);
  w.i("add");
  const ix = w.let();
  w.get(ix).c.i32(K.mant);
  w.i("shr_s");
  ibits(w, K.bias);
  w.i("sub");
  w.get(sub);
  ibits(w, G.sub);
  w.op("v128.and").i("sub");
  const ki = w.let();
  // m = bits((ix & mantMask) + sqrtHalf)
  w.get(ix);
  ibits(w, lane === "f32" ? G.mantMask : 0x000fffffffffffffn);
  w.op("v128.and");
  ibits(w, lane === "f32" ? G.sqrtHalf : 0x3fe6a09e00000000n);
  w.i("add");
  w.k(1).f("sub");
  const f = w.let();
  w.get(f).get(f).k(2).f("add", "div");
  const s = w.let();
  w.get(s).get(s).f("mul");
  const z = w.let();
  const coef: number[] = [];
  for (let n = 1; n <= G.terms; n++) coef.push(2 / (2 * n + 1));
  // R = z (c1 + z (c2 + ...)), the tail by Estrin's scheme where it is long (f64).
  (coef.length > 6 ? w.estrin(z, coef, 1) : w.horner(z, coef)).get(z).f("mul");
  const R = w.let();
  w.get(f).get(f).f("mul").k(0.5).f("mul");
  const hfsq = w.let();
  // lm = f - (hfsq - s (hfsq + R))
  w.get(f).get(hfsq).get(s).get(hfsq).get(R).f("add", "mul", "sub", "sub");
  const lm = w.let();
  // k as floats
  w.get(ki);
  if (lane === "f32") w.op("f32x4.convert_i32x4_s");
  else {w.get(ki).c.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]).op(
      "f64x2.convert_low_i32x4_s",
    );}
  return { kf: w.let(), lm };
}

/** Replace lanes by IEEE's edge values: x<0 -> NaN, 0 -> -inf, inf -> inf, NaN -> NaN. */
function logEdges(w: VecWriter, x: number, r: number): void {
  w.select(() => w.k(NaN), () => w.get(r), () => w.get(x).k(0).f("lt"));
  const a = w.let();
  w.select(() => w.k(-Infinity), () => w.get(a), () => w.get(x).k(0).f("eq"));
  const b = w.let();
  w.select(
    () => w.get(x),
    () => w.get(b),
    () => w.get(x).k(Infinity).f("eq").get(x).get(x).f("ne").op("v128.or"),
  );
}

/**
 * Push log(x) for the local x.
 *
 * @example
 * ```ts
 * import { vlog } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const log = probe("f64", vlog);
 * assert.equal(log(1), 0);
 * assert.equal(log(0), -Infinity);
 * assert(Number.isNaN(log(-1)));
 * assert(Math.abs(log(5e-324) - Math.log(5e-324)) <= 1e-13);
 * ```
 */
export function vlog(w: VecWriter, x: number): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  const { kf, lm } = logParts(w, x);
  w.get(lm).get(kf).k(K.ln2lo).f("mul", "add").get(kf).k(K.ln2hi).f("mul", "add");
  logEdges(w, x, w.let());
}

/**
 * Push log2(x) for the local x.
 *
 * @example
 * ```ts
 * import { vlog2 } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * assert.equal(probe("f32", vlog2)(1024), 10);
 * ```
 */
export function vlog2(w: VecWriter, x: number): void {
  const { kf, lm } = logParts(w, x);
  w.get(lm).k(LOG2E).f("mul").get(kf).f("add");
  logEdges(w, x, w.let());
}

/** log10(2) split so that k · hi is exact (f64: fdlibm's 0x3FD34413509F6000; f32: 16 bits), and 1/ln 10. */
const LOG10_2 = {
  f64: { hi: 3.01029995663611771306e-1, lo: 3.69423907715893078616e-13 },
  f32: { hi: 0.301025390625, lo: 4.6050389811980175e-6 },
};
const INV_LN10 = 4.34294481903251816668e-1;

/**
 * Push log10(x) for the local x: k·log10(2)hi + (k·log10(2)lo + log(m)/ln 10), fdlibm's
 * order (the exact product last), so log10 of a power of two is exact.
 *
 * @example
 * ```ts
 * import { vlog10 } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const log10 = probe("f64", vlog10);
 * assert.equal(log10(1), 0);
 * assert(Math.abs(log10(1000) - 3) <= 4.5e-16);
 * assert.equal(log10(0), -Infinity);
 * ```
 */
export function vlog10(w: VecWriter, x: number): void {
  const C = LOG10_2[w.L.s as "f32" | "f64"];
  const { kf, lm } = logParts(w, x);
  w.get(lm).k(INV_LN10).f("mul").get(kf).k(C.lo).f("mul", "add").get(kf).k(C.hi).f("mul", "add");
  logEdges(w, x, w.let());
}

/**
 * Push log(1 + x) for the local x.
 *
 * @example
 * ```ts
 * import { vlog1p } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const log1p = probe("f64", vlog1p);
 * assert.equal(log1p(1e-20), 1e-20);
 * assert.equal(log1p(-1), -Infinity);
 * ```
 */
export function vlog1p(w: VecWriter, x: number): void {
  w.get(x).k(1).f("add");
  const u = w.let();
  vlog(w, u);
  const lu = w.let();
  w.get(lu).get(x).get(u).k(1).f("sub", "sub").get(u).f("div", "add");
  const r = w.let();
  // u = 0 (x = -1): -inf; x = inf: inf; ±0: as given.
  w.select(
    () => w.get(lu),
    () => w.get(r),
    () => w.get(u).k(0).f("eq").get(x).k(Infinity).f("eq").op("v128.or"),
  );
  const r2 = w.let();
  w.select(() => w.get(x), () => w.get(r2), () => w.get(x).k(0).f("eq"));
}

/**
 * Push log(1 + e^x) for the local x.
 *
 * @example
 * ```ts
 * import { vsoftplus } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const softplus = probe("f64", vsoftplus);
 * assert.equal(softplus(1000), 1000);
 * assert(Math.abs(softplus(0) - Math.LN2) <= 2.3e-16);
 * ```
 */
export function vsoftplus(w: VecWriter, x: number): void {
  vsoftplusCore(w, x);
  const core = w.let();
  vsoftplusFrom(w, x, core);
}

/**
 * Push log1p(e^-|x|), the part of softplus(x) that softplus(-x) shares: a group
 * computing both (a cross-entropy) pays for it once.
 *
 * @example
 * ```ts
 * import { vsoftplusCore } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const core = probe("f64", vsoftplusCore);
 * assert.equal(core(3), core(-3));
 * ```
 */
export function vsoftplusCore(w: VecWriter, x: number): void {
  w.get(x).f("abs", "neg");
  const nax = w.let();
  vexp(w, nax);
  const e = w.let();
  vlog1p(w, e);
}

/**
 * Push softplus(x) from the local `core` = log1p(e^-|x|) (vsoftplusCore of x or -x).
 *
 * @example
 * ```ts
 * import { vsoftplusCore, vsoftplusFrom } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const viaNeg = probe("f64", (w, x) => {
 *   w.get(x).f("neg");
 *   const nx = w.let();
 *   vsoftplusCore(w, nx);
 *   const core = w.let();
 *   vsoftplusFrom(w, x, core);
 * });
 * assert.equal(viaNeg(2), Math.log1p(Math.exp(-2)) + 2);
 * ```
 */
export function vsoftplusFrom(w: VecWriter, x: number, core: number): void {
  w.get(core).get(x).k(0).f("pmax", "add");
}

/**
 * Push log(e^a + e^b) for the locals a, b: max(a, b) + log1p(e^-|a - b|), and a + ln 2 where
 * a = b (so equal infinities stay infinite); NaN stays NaN (max propagates it).
 *
 * @example
 * ```ts
 * import { vlogaddexp } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const f = probe("f64", (w, x) => {
 *   w.k(0);
 *   vlogaddexp(w, x, w.let());
 * });
 * assert.equal(f(1000), 1000);
 * assert.equal(f(0), Math.LN2);
 * ```
 */
export function vlogaddexp(w: VecWriter, a: number, b: number): void {
  w.get(a).get(b).f("sub", "abs", "neg");
  const d = w.let();
  vexp(w, d, true);
  const e = w.let();
  vlog1p(w, e);
  w.get(a).get(b).f("max", "add");
  const r = w.let();
  w.select(() => w.get(a).k(Math.LN2).f("add"), () => w.get(r), () => w.get(a).get(b).f("eq"));
}

/**
 * Push log(1 - e^x) for the local x: log(-expm1(x)) above -ln 2, log1p(-e^x) below (both
 * are computed; the lanes choose). -inf at 0, NaN above 0 (the log of a negative).
 *
 * @example
 * ```ts
 * import { vlog1mexp } from "./vlog.ts";
 * import { probe } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const f = probe("f64", vlog1mexp);
 * assert.equal(f(0), -Infinity);
 * assert.equal(f(-50), -Math.exp(-50));
 * assert(Number.isNaN(f(1)));
 * ```
 */
export function vlog1mexp(w: VecWriter, x: number): void {
  vexpm1(w, x);
  w.f("neg");
  const t = w.let();
  vlog(w, t);
  const near = w.let();
  vexp(w, x);
  w.f("neg");
  const ne = w.let();
  vlog1p(w, ne);
  const far = w.let();
  w.select(() => w.get(near), () => w.get(far), () => w.get(x).k(-Math.LN2).f("gt"));
}
