/**
 * The vectorised log-gamma function gammaln = log|Γ(x)|, computed in f64x2 (f32x4 lanes through
 * `viaF64`), by the JS rule's method with every branch computed per lane (ops/gamma.ts
 * `gammalnJs`, whose constants it shares): with y = x for x >= 1/2 and y = 1 - x below,
 * log Γ(1 + t) by its Taylor series for t = y - 1 on [1/2, 3/2) and t = y - 2 on [3/2, 5/2) (plus
 * log1p(y - 2) there), Lanczos' approximation above; below 1/2 the reflection
 * log(π/|sin πx|) - gammaln(1 - x), with x reduced exactly to |r| <= 1/2 for sin(πr) (vtrig.ts).
 * +∞ at 0 and the negative integers, ±∞ and NaN as given. The operations and their order are the
 * JS rule's, so the two differ only by the logs and the sine (each within an ulp), magnified
 * where the terms cancel: see vgamma_test.ts for the measure.
 * @module
 */
import {
  EULER_GAMMA,
  LANCZOS,
  LGAMMA_SERIES,
  LOG_SQRT_2PI,
  PSI_ROOT_HI,
  PSI_ROOT_LO,
  PSI_ROOT_SERIES,
} from "../../ops/gamma.ts";
import { type VecWriter, viaF64 } from "./vmath.ts";
import { vlog, vlog1p } from "./vlog.ts";
import { vsincos } from "./vtrig.ts";
import { V128 } from "./emitter.ts";

/**
 * A local holding `emit`'s vector where some lane of `mask` is set, else NaN (a branch per vector:
 * a vector whose lanes all take other branches skips this one's cost; its lanes are selected away).
 */
function ifAny(w: VecWriter, mask: () => void, emit: () => void): number {
  mask();
  w.op("v128.any_true");
  w.c.if(emit, () => void w.k(NaN), V128);
  return w.let();
}

/** Push log|Γ(y)| for the f64x2 local y >= 1/2 (other lanes: garbage or NaN, selected away). */
function lgammaPos(w: VecWriter, y: number): void {
  const low = ifAny(w, () => w.get(y).k(2.5).f("lt"), () => {
    // log Γ(1 + t) = t (p(t) t - γ), p the series, for t = y - 1 (y < 3/2) or y - 2.
    w.select(() => w.get(y).k(1).f("sub"), () => w.get(y).k(2).f("sub"), () => w.get(y).k(1.5).f("lt"));
    const t = w.let();
    w.get(t).horner(t, LGAMMA_SERIES).get(t).f("mul").k(EULER_GAMMA).f("sub", "mul");
    const s0 = w.let();
    // +0 at t = 0 (the JS rule's; t·(−γ) would be −0).
    w.select(() => w.k(0), () => w.get(s0), () => w.get(t).k(0).f("eq"));
    const series = w.let();
    w.get(y).k(2).f("sub");
    const y2 = w.let();
    vlog1p(w, y2);
    w.get(series).f("add");
    const mid = w.let();
    w.select(() => w.get(series), () => w.get(mid), () => w.get(y).k(1.5).f("lt"));
  });
  const lanczos = ifAny(w, () => w.get(y).k(2.5).f("ge"), () => {
    // Lanczos: a = c0 + Σ c_i / (y - 1 + i), in the JS rule's order; t = y + 6.5.
    w.get(y).k(1).f("sub");
    const ym1 = w.let();
    w.k(LANCZOS[0]);
    for (let i = 1; i < 9; i++) w.k(LANCZOS[i]).get(ym1).k(i).f("add", "div", "add");
    const a = w.let();
    w.get(ym1).k(7.5).f("add");
    const tl = w.let();
    vlog(w, tl);
    const logT = w.let();
    vlog(w, a);
    const logA = w.let();
    // LOG_SQRT_2PI + (y - 0.5) log t - t + log a, left to right as in JS.
    w.k(LOG_SQRT_2PI).get(y).k(0.5).f("sub").get(logT).f("mul", "add").get(tl).f("sub").get(logA).f("add");
  });
  w.select(() => w.get(low), () => w.get(lanczos), () => w.get(y).k(2.5).f("lt"));
}

/**
 * sin(πx) for the f64x2 local x as the JS rules' sinPi: r = x - 2·round(x/2) (exact) folded into
 * [-1/2, 1/2], then sin(πr) (vtrig.ts; NaN for infinite x). Returns the local.
 */
function sinPi(w: VecWriter, x: number): number {
  w.get(x).get(x).k(0.5).f("mul", "nearest").k(2).f("mul", "sub");
  const r0 = w.let();
  w.select(() => w.k(1).get(r0).f("sub"), () => w.get(r0), () => w.get(r0).k(0.5).f("gt"));
  const r1 = w.let();
  w.select(() => w.k(-1).get(r1).f("sub"), () => w.get(r1), () => w.get(r1).k(-0.5).f("lt"));
  w.k(Math.PI).f("mul");
  const pr = w.let();
  return vsincos(w, pr).sin;
}

function gammaln64(w: VecWriter, x: number): void {
  w.get(x).k(0.5).f("lt");
  const refl = w.let();
  w.select(() => w.k(1).get(x).f("sub"), () => w.get(x), () => w.get(refl));
  const y = w.let();
  lgammaPos(w, y);
  const g = w.let();
  const reflected = ifAny(w, () => w.get(refl), () => {
    const sin = sinPi(w, x);
    w.k(Math.PI).get(sin).f("abs", "div");
    const q = w.let();
    vlog(w, q);
    w.get(g).f("sub");
  });
  w.select(() => w.get(reflected), () => w.get(g), () => w.get(refl));
  const res = w.let();
  // Poles: 0 and the negative integers; ±∞ and NaN as given.
  w.select(
    () => w.k(Infinity),
    () => w.get(res),
    () => w.get(x).k(0).f("le").get(x).get(x).f("nearest", "eq").op("v128.and"),
  );
  const r2 = w.let();
  w.select(
    () => w.get(x),
    () => w.get(r2),
    () => w.get(x).f("abs").k(Infinity).f("eq").get(x).get(x).f("ne").op("v128.or"),
  );
}

/**
 * Push gammaln(x) = log|Γ(x)| for the local x (f32x4 or f64x2).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vgammaln } from "./vgamma.ts";
 * import assert from "node:assert/strict";
 * const gammaln = probe("f64", vgammaln);
 * assert(Object.is(gammaln(1), 0) && Object.is(gammaln(2), 0));
 * assert(Math.abs(gammaln(10) - Math.log(362880)) <= 1e-14);
 * assert.equal(gammaln(-3), Infinity);
 * assert(Math.abs(gammaln(-0.5) - Math.log(2 * Math.sqrt(Math.PI))) <= 1e-15);
 * ```
 */
export function vgammaln(w: VecWriter, x: number): void {
  if (w.L.s === "f64") gammaln64(w, x);
  else viaF64(w, [x], (d, [h]) => gammaln64(d, h));
}

/** Push ψ(y) for the f64x2 local y > 0, the JS rule's positive branches (other lanes: selected away). */
function psiPos(w: VecWriter, y: number): void {
  // Near the root (1.1, 1.8): the Taylor series in d = y - x0hi - x0lo.
  const nearRoot = () => w.get(y).k(1.1).f("gt").get(y).k(1.8).f("lt").op("v128.and");
  const root = ifAny(w, nearRoot, () => {
    w.get(y).k(PSI_ROOT_HI).f("sub").k(PSI_ROOT_LO).f("sub");
    const d = w.let();
    w.horner(d, PSI_ROOT_SERIES).get(d).f("mul");
  });
  const far = ifAny(w, () => {
    nearRoot();
    w.op("v128.not");
  }, () => {
    // Elsewhere: s -= 1/x, x += 1 while x < 10 (at most 10 steps; masked lanes add exact zeros).
    w.k(0);
    let s = w.let();
    let x = y;
    for (let k = 0; k < 10; k++) {
      w.get(x).k(10).f("lt");
      const m = w.let();
      w.get(s).k(1).get(x).f("div").get(m).op("v128.and").f("sub");
      s = w.let();
      w.get(x).k(1).get(m).op("v128.and").f("add");
      x = w.let();
    }
    // z = 1/x², tail = z (1/12 - z (1/120 - z (1/252 - z (1/240 - z (1/132 - z (691/32760 - z/12)))))).
    w.k(1).get(x).get(x).f("mul", "div");
    const z = w.let();
    w.k(691 / 32760).get(z).k(12).f("div", "sub");
    for (const c of [1 / 132, 1 / 240, 1 / 252, 1 / 120, 1 / 12]) {
      const inner = w.let();
      w.k(c).get(z).get(inner).f("mul", "sub");
    }
    w.get(z).f("mul");
    const tail = w.let();
    vlog(w, x);
    const lx = w.let();
    w.get(s).get(lx).f("add").k(0.5).get(x).f("div", "sub").get(tail).f("sub");
  });
  w.select(() => w.get(root), () => w.get(far), nearRoot);
}

function psi64(w: VecWriter, x: number): void {
  w.get(x).k(0).f("lt");
  const neg = w.let();
  w.select(() => w.k(1).get(x).f("sub"), () => w.get(x), () => w.get(neg));
  const y = w.let();
  psiPos(w, y);
  const p = w.let();
  // x < 0: ψ(1 - x) - π / tan(π r), r = x - round(x) (JS's Math.round: floor(x + 1/2)).
  const reflected = ifAny(w, () => w.get(neg), () => {
    w.get(x).get(x).k(0.5).f("add", "floor", "sub").k(Math.PI).f("mul");
    const pr = w.let();
    const { sin, cos } = vsincos(w, pr);
    w.get(p).k(Math.PI).get(sin).get(cos).f("div", "div", "sub");
  });
  w.select(() => w.get(reflected), () => w.get(p), () => w.get(neg));
  const r = w.let();
  // ±0: ∓∞; negative integers and -∞: NaN; +∞ and NaN as given.
  w.select(() => w.k(-Infinity).get(x).op("v128.xor"), () => w.get(r), () => w.get(x).k(0).f("eq"));
  const r2 = w.let();
  w.select(
    () => w.k(NaN),
    () => w.get(r2),
    () => w.get(neg).get(x).get(x).f("nearest", "eq").op("v128.and"),
  );
  const r3 = w.let();
  w.select(
    () => w.get(x),
    () => w.get(r3),
    () => w.get(x).k(Infinity).f("eq").get(x).get(x).f("ne").op("v128.or"),
  );
}

/**
 * Push ψ(x), the digamma function, for the local x (f32x4 or f64x2), by the JS rule's method
 * (ops/gamma.ts `psiJs`) with its branches as lanes: the Taylor series at the positive root on
 * (1.1, 1.8), else up to ten masked recurrence steps to x >= 10 and the asymptotic series; for
 * x < 0 the reflection ψ(1 - x) - π/tan(πr) with tan as sin/cos (vtrig.ts).
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vpsi } from "./vgamma.ts";
 * import assert from "node:assert/strict";
 * const psi = probe("f64", vpsi);
 * assert(Math.abs(psi(1) + 0.5772156649015329) <= 1e-15);
 * assert.equal(psi(0), -Infinity);
 * assert.equal(psi(-0), Infinity);
 * assert(Number.isNaN(psi(-2)));
 * ```
 */
export function vpsi(w: VecWriter, x: number): void {
  if (w.L.s === "f64") psi64(w, x);
  else viaF64(w, [x], (d, [h]) => psi64(d, h));
}

/** Push ψ'(y) for the f64x2 local y > 0: the JS rule's recurrence to y >= 10 (masked) and series. */
function trigammaPos(w: VecWriter, y: number): void {
  w.k(0);
  let s = w.let();
  let x = y;
  for (let k = 0; k < 10; k++) {
    w.get(x).k(10).f("lt");
    const m = w.let();
    w.get(s).k(1).get(x).get(x).f("mul", "div").get(m).op("v128.and").f("add");
    s = w.let();
    w.get(x).k(1).get(m).op("v128.and").f("add");
    x = w.let();
  }
  w.k(1).get(x).get(x).f("mul", "div");
  const z = w.let();
  // s + 1/x + z/2 + (z/x)(1/6 - z (1/30 - z (1/42 - z (1/30 - z·5/66)))), in the JS rule's order.
  w.k(1 / 30).get(z).k(5).f("mul").k(66).f("div", "sub");
  for (const c of [1 / 42, 1 / 30, 1 / 6]) {
    const inner = w.let();
    w.k(c).get(z).get(inner).f("mul", "sub");
  }
  const poly = w.let();
  w.get(s).k(1).get(x).f("div", "add").get(z).k(2).f("div", "add");
  w.get(z).get(x).f("div").get(poly).f("mul", "add");
}

function trigamma64(w: VecWriter, x: number): void {
  w.get(x).k(0).f("lt");
  const neg = w.let();
  w.select(() => w.k(1).get(x).f("sub"), () => w.get(x), () => w.get(neg));
  const y = w.let();
  trigammaPos(w, y);
  const t = w.let();
  // x < 0: -ψ'(1 - x) + π²/s².
  const reflected = ifAny(w, () => w.get(neg), () => {
    const sin = sinPi(w, x);
    w.get(t).f("neg").k(Math.PI * Math.PI).get(sin).get(sin).f("mul", "div", "add");
  });
  w.select(() => w.get(reflected), () => w.get(t), () => w.get(neg));
  const r = w.let();
  // Poles at 0 and the negative integers (finite ones: ψ'(-∞) is NaN, as the JS rule's).
  w.select(
    () => w.k(Infinity),
    () => w.get(r),
    () =>
      w.get(x).k(0).f("le").get(x).get(x).f("nearest", "eq").op("v128.and").get(x).k(-Infinity).f("ne").op(
        "v128.and",
      ),
  );
}

/**
 * Push ψ'(x), the trigamma function, for the local x (f32x4 or f64x2), by the JS rule's method
 * (ops/gamma.ts `trigammaJs`): up to ten masked recurrence steps to x >= 10 and the asymptotic
 * series; for x < 0 the reflection -ψ'(1 - x) + π²/sin²(πx); +∞ at the poles.
 *
 * @example
 * ```ts
 * import { probe } from "./vmath.ts";
 * import { vtrigamma } from "./vgamma.ts";
 * import assert from "node:assert/strict";
 * const trigamma = probe("f64", vtrigamma);
 * assert(Math.abs(trigamma(1) - Math.PI ** 2 / 6) <= 1e-13); // the JS rule: 2.4e-14 off
 * assert.equal(trigamma(-2), Infinity);
 * assert.equal(trigamma(Infinity), 0);
 * ```
 */
export function vtrigamma(w: VecWriter, x: number): void {
  if (w.L.s === "f64") trigamma64(w, x);
  else viaF64(w, [x], (d, [h]) => trigamma64(d, h));
}
