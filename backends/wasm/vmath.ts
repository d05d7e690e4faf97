/**
 * Vectorised elementary functions for f32x4 and f64x2: exp, expm1, tanh and sigmoid
 * (this file), log, log1p, log2, log10 and softplus (vlog.ts), erf (verf.ts), the hyperbolic
 * functions and their inverses (vhyperbolic.ts), atan, atan2, asin and acos (vatan.ts), hypot and
 * cbrt (vroots.ts). Each emitter
 * reads its argument from a v128 local and leaves the result on the stack. They use
 * plain multiply and add (never relaxed SIMD's fused multiply-add, whose rounding may
 * differ between machines), so results are the same everywhere.
 *
 * Methods (polynomial coefficients are Taylor coefficients, exact rationals, except
 * the f32 exp polynomial):
 *
 * - exp: x = k ln2 + r with |r| <= ln2/2 (Cody–Waite: ln2 split so k·ln2hi is exact;
 *   k from adding 1.5·2^mant), e^r by a polynomial (f32: degree-6 near-minimax, f64:
 *   degree-13 Taylor, truncation below 0.05 ulp, its terms from r² up by Estrin's
 *   scheme, then two Horner steps: see `estrin`), scaled by 2^k: an exponent add while
 *   every lane stays normal, else (a branch per vector) as two factors
 *   2^(k>>1) · 2^(k - k>>1) so that overflow gives infinity and gradual underflow
 *   rounds once into the subnormals. The argument is clamped first (NaN passes).
 * - expm1: the same reduction; expm1(r) by Taylor (f64: Estrin's scheme); 2^k·expm1(r) + (2^k - 1), exact
 *   in its parts up to k = 24 (f32) / 53 (f64), and e^x itself beyond; ±0 returned
 *   as given.
 * - tanh: expm1(2|x|) / (expm1(2|x|) + 2) with the sign of x, |x| clamped where tanh
 *   rounds to 1.
 * - sigmoid: e = e^-|x|, then 1/(1+e) for x >= 0 and e/(1+e) for x < 0: no overflow,
 *   and the subnormal tail of e^x for very negative x is kept.
 *
 * Measured accuracy: max error in ulps of the lane type against float64 `Math` (itself
 * within 1 ulp), over wide random ranges and the edges (±0, subnormals, ±∞, NaN,
 * overflow and underflow thresholds), with and without fused multiply-add; the bound
 * vmath_test.ts asserts in brackets:
 * exp f32 1.17 [1.5], f64 1 [2]; expm1 f32 1.53 [2], f64 2 [2]; tanh f32 1.92 [2],
 * f64 3 [3]; sigmoid f32 1.82 [2], f64 2 [2]; exp2 f32 1.15 [1.5], f64 1 [2]. sinh and cosh, built
 * on exp and expm1, are in vhyperbolic.ts.
 * @module
 */
import { type LaneInfo, LANES } from "./asm.ts";
import { Code, F32, F64, ModuleBuilder, V128 } from "./emitter.ts";

const LANE_F32 = LANES.f32, LANE_F64 = LANES.f64;

/**
 * Helpers for writing vector code over one lane type. Vector constants live in locals
 * set once at the start of the function (`finish` writes that prologue): V8 builds a
 * `v128.const` from immediates each time it runs, so constants inside a loop cost
 * several instructions per use.
 *
 * @example
 * ```ts
 * import { VecWriter } from "./vmath.ts";
 * import { LANES } from "./asm.ts";
 * import { F64, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([F64], [F64], (c) => {
 *   const w = new VecWriter(c, LANES.f64);
 *   c.get(0).op("f64x2.splat");
 *   const x = w.let();
 *   w.horner(x, [1, 2, 3]).c.lane("f64x2.extract_lane", 0); // 1 + 2x + 3x²
 *   w.finish();
 * }, "p");
 * const p = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.p as (x: number) => number;
 * assert.equal(p(2), 17);
 * ```
 */
export class VecWriter {
  readonly #consts: Map<string, number>;
  readonly #prologueAt: number;

  constructor(readonly c: Code, readonly L: LaneInfo, readonly fma = false, sibling?: VecWriter) {
    this.#consts = sibling ? sibling.#consts : new Map();
    this.#prologueAt = sibling ? sibling.#prologueAt : c.bytes.length;
  }

  /** A writer for another lane type sharing this one's constants and prologue. */
  as(L: LaneInfo): VecWriter {
    return new VecWriter(this.c, L, this.fma, this);
  }

  /** Push a 16-byte constant (from a local set in the prologue). */
  bytes(b: Uint8Array): this {
    const key = b.join(",");
    let l = this.#consts.get(key);
    if (l === undefined) this.#consts.set(key, l = this.c.local(V128));
    this.c.get(l);
    return this;
  }
  /** Push a splat constant of the lane type. */
  k(v: number): this {
    return this.bytes(
      new Uint8Array((this.L.s === "f32" ? new Float32Array([v, v, v, v]) : new Float64Array([v, v])).buffer),
    );
  }
  /** Push a splat integer constant of the lane width (i32x4 / i64x2), exact for bigints. */
  ik(v: number | bigint): this {
    return this.bytes(
      new Uint8Array(
        (this.L.s === "f32" ? new Int32Array(4).fill(Number(v)) : new BigInt64Array(2).fill(BigInt(v)))
          .buffer,
      ),
    );
  }
  /** Write the prologue that sets the constant locals (call once, after the body). */
  finish(): void {
    const pro: number[] = [];
    for (const [key, l] of this.#consts) {
      const probe = new Code([]);
      probe.v128(key.split(",").map(Number)).set(l);
      pro.push(...probe.bytes);
    }
    this.c.bytes.splice(this.#prologueAt, 0, ...pro);
    this.#consts.clear();
  }
  /** Float vector ops by short name: "add" -> "f32x4.add". */
  f(...names: string[]): this {
    for (const n of names) this.c.op(`${this.L.v}.${n}`);
    return this;
  }
  /** Integer vector ops of the lane width: "add" -> "i32x4.add" / "i64x2.add". */
  i(...names: string[]): this {
    for (const n of names) this.c.op(`${this.L.iv}.${n}`);
    return this;
  }
  /** Plain ops. */
  op(...names: string[]): this {
    this.c.op(...names);
    return this;
  }
  get(l: number): this {
    this.c.get(l);
    return this;
  }
  /** A new v128 local set from the stack. */
  let(): number {
    const l = this.c.local(V128);
    this.c.set(l);
    return l;
  }
  set(l: number): this {
    this.c.set(l);
    return this;
  }
  /**
   * Push p(x) = a[0] + x (a[1] + x (a[2] + ...)) for a local x (Horner; with relaxed
   * SIMD's multiply-add when `fma` is set, which the machine may or may not fuse).
   */
  horner(x: number, a: readonly number[]): this {
    this.k(a[a.length - 1]);
    return this.#hornerSteps(x, a, a.length - 1);
  }
  /** acc · x + a[i] for i from `from` - 1 down to 0, with acc on the stack. */
  #hornerSteps(x: number, a: readonly number[], from: number): this {
    for (let i = from - 1; i >= 0; i--) {
      if (this.fma) this.get(x).k(a[i]).f("relaxed_madd");
      else this.get(x).f("mul").k(a[i]).f("add");
    }
    return this;
  }
  /**
   * Push the same p(x) with its tail a[head..] by Estrin's scheme (pairs a[i] + x a[i+1],
   * then pairs of those with x², x⁴, ...) and its first `head` terms by Horner steps
   * around it. The tree has depth about 2 log2(n) instead of Horner's chain of n
   * dependent multiply-adds, for a few more multiplies: long polynomials (exp's degree
   * 13, log's series) are bound by that chain's latency, not by the arithmetic. The
   * Horner head keeps the rounding of the large low-order terms as Horner has it.
   *
   * @example
   * ```ts
   * import { probe } from "./vmath.ts";
   * import assert from "node:assert/strict";
   * const p = probe("f64", (w, x) => void w.estrin(x, [1, 2, 3, 4, 5, 6], 2));
   * assert.equal(p(2), 1 + 2 * 2 + 3 * 4 + 4 * 8 + 5 * 16 + 6 * 32);
   * ```
   */
  estrin(x: number, a: readonly number[], head = 0): this {
    // Each level's terms: a local, or a constant still to push.
    type Term = { local: number } | { k: number };
    const push = (t: Term) => ("local" in t ? this.get(t.local) : this.k(t.k));
    // hi · pow + lo, kept in a new local.
    const madd = (lo: Term, hi: Term, pow: number): Term => {
      push(hi).get(pow);
      if (this.fma) push(lo).f("relaxed_madd");
      else {
        this.f("mul");
        push(lo).f("add");
      }
      return { local: this.let() };
    };
    let terms: Term[] = a.slice(head).map((k) => ({ k }));
    let pow = x;
    while (terms.length > 1) {
      const next: Term[] = [];
      for (let i = 0; i + 1 < terms.length; i += 2) next.push(madd(terms[i], terms[i + 1], pow));
      if (terms.length % 2 === 1) next.push(terms[terms.length - 1]);
      terms = next;
      if (terms.length > 1) {
        this.get(pow).get(pow).f("mul");
        pow = this.let();
      }
    }
    push(terms[0]);
    return this.#hornerSteps(x, a, head);
  }
  /** select(a, b, mask): lanes of a where mask is set, else b; each pushes one v128. */
  select(a: () => void, b: () => void, mask: () => void): this {
    a();
    b();
    mask();
    this.c.op("v128.bitselect");
    return this;
  }
}

/** Lane constants. */
export interface LaneConsts {
  ln2hi: number;
  ln2lo: number;
  /** exp clamp bounds: below lo the result is 0, above hi infinity. */
  lo: number;
  hi: number;
  bias: number;
  mant: number;
  /** Taylor degrees for exp and expm1. */
  degExp: number;
  /** Largest k for which 2^k - 1 is exact. */
  kExact: number;
  /** |x| beyond which tanh rounds to ±1. */
  tanhOne: number;
}

/** Per lane type constants (ln2 split computed with mpmath: hi keeps 8 / 41 bits). */
export const CONSTS: Record<"f32" | "f64", LaneConsts> = {
  f32: {
    ln2hi: 0.693359375,
    ln2lo: -2.1219444005469057e-4,
    lo: -104,
    hi: 89,
    bias: 127,
    mant: 23,
    degExp: 7,
    kExact: 24,
    tanhOne: 9.1,
  },
  f64: {
    ln2hi: 0.693147180559663,
    ln2lo: 2.8235290563031577e-13,
    lo: -750,
    hi: 710,
    bias: 1023,
    mant: 52,
    degExp: 13,
    kExact: 53,
    tanhOne: 19.1,
  },
};

const LOG2E = 1.4426950408889634;

/**
 * e^r on [-ln2/2, ln2/2] for f32 lanes: a degree-6 near-minimax polynomial (error
 * 2e-9, 0.03 ulp), made with mpmath: mp.chebyfit(mp.exp, [-mp.log(2)/2, mp.log(2)/2],
 * 7, error=True) at mp.mp.dps = 40, coefficients from the constant term up.
 */
const EXP_F32 = [
  1.0,
  1.000000037716214,
  0.5000000047117757,
  0.16666415514653277,
  0.04166635289677516,
  0.008375126398153335,
  0.0013941108433972674,
];

/** 1/n! for n = 0..deg. */
function invFactorials(deg: number): number[] {
  const a = [1];
  for (let n = 1; n <= deg; n++) a.push(a[n - 1] / n);
  return a;
}

/** Push 2^k for integer lanes `ki` (local) in the normal exponent range. */
function pow2(w: VecWriter, ki: number): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  w.get(ki).ik(K.bias).i("add");
  w.c.i32(K.mant);
  w.i("shl");
}

/**
 * Push p · 2^k for a float local p and integer lanes ki, as two in-range factors.
 *
 * @example
 * ```ts
 * import { probe, scale2 } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * // 3 · 2^-1074 rounds once into the subnormals (the integer lanes hold -1074).
 * const f = probe("f64", (w, x) => {
 *   w.ik(-1074);
 *   const k = w.let();
 *   scale2(w, x, k);
 * });
 * assert.equal(f(3), 3 * 2 ** -1074);
 * ```
 */
export function scale2(w: VecWriter, p: number, ki: number): void {
  w.get(ki).c.i32(1);
  w.i("shr_s");
  const k1 = w.let();
  w.get(ki).get(k1).i("sub");
  const k2 = w.let();
  w.get(p);
  pow2(w, k1);
  w.f("mul");
  pow2(w, k2);
  w.f("mul");
}

/** Clamp x (local) into [lo, hi] with pmin/pmax, which let NaN through. */
function clamp(w: VecWriter, x: number, lo: number, hi: number): number {
  w.get(x).k(hi).f("pmin").k(lo).f("pmax");
  return w.let();
}

/** 1.5 · 2^mant: adding it rounds to an integer held in the low mantissa bits. */
const MAGIC = { f32: 12582912, f64: 6755399441055744 };

/**
 * Cody–Waite reduction: returns locals kf (k as floats), ki (k as integer lanes) and
 * r = x - k ln2. k = round(x log2 e) comes from adding 1.5·2^mant, whose low mantissa
 * bits are then k (no float-to-integer conversion needed).
 */
function reduce(w: VecWriter, xc: number): { kf: number; ki: number; r: number } {
  const lane = w.L.s as "f32" | "f64", K = CONSTS[lane], M = MAGIC[lane];
  // With a multiply-add (fused or not, both are exact enough here): t = x log2e + M,
  // r = (x - k ln2hi) - k ln2lo, where k ln2hi is exact.
  if (w.fma) w.get(xc).k(LOG2E).k(M).f("relaxed_madd");
  else w.get(xc).k(LOG2E).f("mul").k(M).f("add");
  const t = w.let();
  w.get(t).ik(lane === "f32" ? 0x4b400000 : 0x4338000000000000n).i("sub");
  const ki = w.let();
  w.get(t).k(M).f("sub");
  const kf = w.let();
  if (w.fma) {
    w.get(kf).k(-K.ln2hi).get(xc).f("relaxed_madd");
    const r1 = w.let();
    w.get(kf).k(-K.ln2lo).get(r1).f("relaxed_madd");
  } else w.get(xc).get(kf).k(K.ln2hi).f("mul", "sub").get(kf).k(K.ln2lo).f("mul", "sub");
  const r = w.let();
  return { kf, ki, r };
}

/**
 * Push p · 2^k: adding k to the exponent bits when every lane stays normal (the
 * common case), else the two-factor product that rounds once into the subnormals or
 * overflows to infinity (a branch per vector, taken only near the range's ends).
 */
function scale(w: VecWriter, p: number, ki: number, nonPositive = false): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  w.get(ki).ik(-(K.bias - 2)).i("lt_s");
  if (!nonPositive) w.get(ki).ik(K.bias).i("gt_s").op("v128.or");
  w.op("v128.any_true");
  w.c.if(() => scale2(w, p, ki), () => {
    w.get(p).get(ki).c.i32(K.mant);
    w.i("shl", "add");
  }, V128);
}

/**
 * Push e^x for the local x; `nonPositive` when x <= 0 is known (NaN allowed), which
 * skips the upper clamp.
 *
 * @example
 * ```ts
 * import { probe, vexp } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const exp = probe("f32", vexp);
 * assert.equal(exp(0), 1);
 * assert.equal(exp(-Infinity), 0);
 * assert.equal(exp(100), Infinity);
 * ```
 */
export function vexp(w: VecWriter, x: number, nonPositive = false): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  const xc = nonPositive ? (w.get(x).k(K.lo).f("pmax"), w.let()) : clamp(w, x, K.lo, K.hi);
  const { ki, r } = reduce(w, xc);
  if (w.L.s === "f32") w.horner(r, EXP_F32);
  else w.estrin(r, invFactorials(K.degExp), 2);
  const p = w.let();
  scale(w, p, ki, nonPositive);
}

/**
 * Push e^x - 1 for the local x.
 *
 * @example
 * ```ts
 * import { probe, vexpm1 } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const expm1 = probe("f64", vexpm1);
 * assert(Math.abs(expm1(1e-10) - Math.expm1(1e-10)) <= 1e-25);
 * assert(Object.is(expm1(-0), -0));
 * ```
 */
export function vexpm1(w: VecWriter, x: number): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  const xc = clamp(w, x, w.L.s === "f32" ? -30 : -60, K.hi);
  const { kf, ki, r } = reduce(w, xc);
  // expm1(r) = r + r^2 (1/2 + r (1/6 + ...)).
  const tail = invFactorials(K.degExp).slice(2);
  (w.L.s === "f32" ? w.horner(r, tail) : w.estrin(r, tail, 1)).get(r).get(r).f("mul", "mul").get(r).f("add");
  const em = w.let();
  pow2(w, ki);
  const two = w.let();
  // A = 2^k em + (2^k - 1): exact parts while k <= kExact.
  w.get(two).get(em).f("mul").get(two).k(1).f("sub", "add");
  const a = w.let();
  // B = (em + 1) 2^k for large k, where the -1 is below half an ulp.
  w.get(em).k(1).f("add");
  const e1 = w.let();
  w.select(() => scale2(w, e1, ki), () => w.get(a), () => w.get(kf).k(K.kExact).f("gt"));
  const res = w.let();
  // ±0 (and only they) come back as given.
  w.select(() => w.get(x), () => w.get(res), () => w.get(x).k(0).f("eq"));
}

/**
 * Push tanh(x) for the local x.
 *
 * @example
 * ```ts
 * import { probe, vtanh } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const tanh = probe("f64", vtanh);
 * assert(Math.abs(tanh(0.5) - Math.tanh(0.5)) <= 2e-16);
 * assert.equal(tanh(30), 1);
 * ```
 */
export function vtanh(w: VecWriter, x: number): void {
  const K = CONSTS[w.L.s as "f32" | "f64"];
  w.get(x).f("abs").k(K.tanhOne).f("pmin").k(2).f("mul");
  const ax2 = w.let();
  vexpm1(w, ax2);
  const em = w.let();
  w.get(em).get(em).k(2).f("add", "div");
  // copysign(t, x)
  w.k(-0).get(x).op("v128.and", "v128.or");
}

/**
 * Push 1 / (1 + e^-x) for the local x.
 *
 * @example
 * ```ts
 * import { probe, vsigmoid } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const sigmoid = probe("f64", vsigmoid);
 * assert.equal(sigmoid(0), 0.5);
 * assert(sigmoid(-740) > 0); // the subnormal tail of e^x is kept
 * ```
 */
export function vsigmoid(w: VecWriter, x: number): void {
  w.get(x).k(-0).op("v128.or"); // -|x|
  const nax = w.let();
  vexp(w, nax, true);
  const e = w.let();
  // numerator: e where x < 0, else 1
  w.select(() => w.get(e), () => w.k(1), () => w.get(x).k(0).f("lt"));
  w.get(e).k(1).f("add", "div");
}

/**
 * Push 2^x for the local x: k = round(x) by the magic-number addition, f = x - k (exact,
 * |f| <= 1/2), e^(f ln 2) by exp's polynomial, scaled by 2^k. Exact at the integers in range.
 *
 * @example
 * ```ts
 * import { probe, vexp2 } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const exp2 = probe("f64", vexp2);
 * assert.equal(exp2(10), 1024);
 * assert.equal(exp2(-1074), 5e-324);
 * assert.equal(exp2(1024), Infinity);
 * ```
 */
export function vexp2(w: VecWriter, x: number): void {
  const lane = w.L.s as "f32" | "f64", K = CONSTS[lane], M = MAGIC[lane];
  const [lo, hi] = lane === "f32" ? [-152, 129] : [-1077, 1025];
  const xc = clamp(w, x, lo, hi);
  w.get(xc).k(M).f("add");
  const t = w.let();
  w.get(t).ik(lane === "f32" ? 0x4b400000 : 0x4338000000000000n).i("sub");
  const ki = w.let();
  w.get(xc).get(t).k(M).f("sub", "sub").k(Math.LN2).f("mul");
  const r = w.let();
  if (lane === "f32") w.horner(r, EXP_F32);
  else w.estrin(r, invFactorials(K.degExp), 2);
  const p = w.let();
  scale(w, p, ki);
}

/**
 * Push `emit64` computed in f64x2 for f32x4 locals: each argument is widened to two f64x2
 * halves, the function runs on each half, and the halves are narrowed back (one rounding), so a
 * float32 result is within half an ulp plus the f64 error. For functions whose f32 form would
 * need its own reduction and polynomial, or whose f32 arithmetic loses too much.
 *
 * @example
 * ```ts
 * import { probe, viaF64 } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const third = probe("f32", (w, x) => viaF64(w, [x], (d, [h]) => void d.get(h).k(3).f("div")));
 * assert.equal(third(1), Math.fround(1 / 3));
 * ```
 */
export function viaF64(w: VecWriter, xs: number[], emit64: (d: VecWriter, halves: number[]) => void): void {
  const d = w.as(LANE_F64), c = w.c;
  const lo = xs.map((x) => (c.get(x).op("f64x2.promote_low_f32x4"), d.let()));
  const hi = xs.map((x) => {
    c.get(x).get(x).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
    c.op("f64x2.promote_low_f32x4");
    return d.let();
  });
  emit64(d, lo);
  c.op("f32x4.demote_f64x2_zero");
  const rlo = d.let();
  emit64(d, hi);
  c.op("f32x4.demote_f64x2_zero");
  const rhi = d.let();
  c.get(rlo).get(rhi).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}

/**
 * A JS function computing lane 0 of `emit` applied to a splatted argument: a way to
 * try a vector function from JS (used by examples and quick checks).
 *
 * @example
 * ```ts
 * import { probe, vexp } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const exp = probe("f64", vexp);
 * assert(Math.abs(exp(1) - Math.E) <= 4.5e-16);
 * ```
 */
export function probe(lane: "f32" | "f64", emit: (w: VecWriter, x: number) => void): (x: number) => number {
  const L = lane === "f32" ? LANE_F32 : LANE_F64;
  const mb = new ModuleBuilder();
  mb.func([lane === "f32" ? F32 : F64], [lane === "f32" ? F32 : F64], (c) => {
    const w = new VecWriter(c, L), x = c.local(V128);
    c.get(0).op(`${L.v}.splat`).set(x);
    emit(w, x);
    c.lane(`${L.v}.extract_lane`, 0);
    w.finish();
  }, "f");
  return new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (x: number) => number;
}
