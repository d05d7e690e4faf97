/**
 * The survival function of the χ² distribution, chi2sf(x, k) = Q(k/2, x/2), SciPy's
 * `chi2.sf(x, k)` (Theano's `chi2sf`). Q(a, y), the regularised upper incomplete gamma function,
 * is computed by its series (y < a + 1) or Legendre's continued fraction (Lentz), as Numerical
 * Recipes does, with Loader's form of the prefactor y^a e^-y / Γ(a) for a >= 10 (so k = 2e10 still
 * gives 12 digits) and, for a < 1 and y < 1.5, Q as -expm1(v) - e^v·a·S (Q near 0 with P near 1
 * keeps its digits). Edges follow SciPy 1.10: 1 for x <= 0, 0 at x = inf, NaN for k <= 0, 1 for
 * k = inf. Its gradient in x is minus the χ² density; in k it is not implemented (grad_undefined).
 * The WGSL rule (f32) is the same series and fraction on gamma.ts's f32 lgamma.
 * @module
 */
import type { TensorLike, Variable } from "../core/graph.ts";
import { applyElemwise, defineElemwise } from "./elemwise.ts";
import { add, mul, neg, sub } from "./arith.ts";
import { exp, log } from "./exp_log.ts";
import { gradUndefined } from "./grad_undefined.ts";
import { gammaln, gammalnJs, lgamma1p, LGAMMA_WGSL } from "./gamma.ts";

const f32 = (input: string, expr: string) => (input === "float32" ? expr : undefined);

/**
 * log(y^a e^-y / Γ(a)), the prefactor of both expansions of Q. For a >= 10 it is written as
 * -a·(d - log1p(d)) + log(a / 2π)/2 - stirling(a) with d = (y - a)/a (Loader's form): a log y - y
 * and lgamma(a) would each be large and cancel, losing about a·1e-16 relative.
 */
function logPrefactor(a: number, y: number): number {
  if (a < 10) return a * Math.log(y) - y - gammalnJs(a);
  const d = (y - a) / a;
  let dm: number; // d - log1p(d), by its series where d is small (no cancellation)
  if (Math.abs(d) < 0.1) {
    let term = d * d, sum = 0;
    for (let k = 2; k < 40; k++, term *= -d) sum += term / k;
    dm = sum;
  } else dm = d - Math.log1p(d);
  const z = 1 / (a * a);
  const stirling = (1 / 12 - z * (1 / 360 - z * (1 / 1260 - z / 1680))) / a;
  return -a * dm + 0.5 * Math.log(a / (2 * Math.PI)) - stirling;
}

/** Q(a, y), the regularised upper incomplete gamma function, for a > 0 and y > 0. */
function gammaQ(a: number, y: number): number {
  if (a < 1 && y < 1.5) {
    // P = y^a / Γ(a + 1)·(1 + a S), S = Σ (-y)^n / (n! (a + n)); Q = 1 - P as -expm1(v) - e^v a S,
    // v = a log y - lgamma(1 + a), so that Q keeps its digits when P is near 1.
    let term = 1, s = 0;
    for (let n = 1; n < 60; n++) {
      term *= -y / n;
      s += term / (a + n);
      if (Math.abs(term) < 1e-18) break;
    }
    // lgamma(1 + a) from a itself: 1 + a would round away a's low digits when a is small.
    const v = a * Math.log(y) - (a <= 0.5 ? lgamma1p(a) : gammalnJs(1 + a));
    return -Math.expm1(v) - Math.exp(v) * a * s;
  }
  const pre = Math.exp(logPrefactor(a, y));
  if (y < a + 1) {
    // Terms shrink by y/(a + n): about 40·√a of them for y near a.
    const cap = 1000 + 40 * Math.sqrt(a);
    let term = 1 / a, sum = term;
    for (let n = 1; n < cap && Math.abs(term) > 1e-17 * sum; n++) {
      term *= y / (a + n);
      sum += term;
    }
    return 1 - pre * sum;
  }
  const tiny = 1e-300;
  let b = y + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  const cap = 1000 + 40 * Math.sqrt(a);
  for (let i = 1; i < cap; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return pre * h;
}

/** The χ² survival function Q(k/2, x/2) in float64 (SciPy's chi2.sf(x, k)). */
export function chi2sfJs(x: number, k: number): number {
  if (Number.isNaN(x) || Number.isNaN(k) || k <= 0) return NaN;
  if (x === Infinity) return 0;
  if (x <= 0 || k === Infinity) return 1;
  return gammaQ(k / 2, x / 2);
}

/**
 * The χ² survival function Q(k/2, x/2) (the op). d/dx = -(x/2)^(k/2 - 1) e^(-x/2) / (2 Γ(k/2)),
 * minus the χ² density; the derivative in k is not implemented (nor is it in Theano).
 */
export const chi2sfOp = defineElemwise({
  name: "chi2sf",
  arity: 2,
  out: "float",
  helpers: { chi2sf: chi2sfJs },
  js: ([x, k]) => `H.chi2sf(${x}, ${k})`,
  wgsl: ([x, k], i) => f32(i, `H_chi2sf_f32(${x}, ${k})`),
  wgslHelpers: `${LGAMMA_WGSL}
fn H_chi2sf_f32(x: f32, k: f32) -> f32 {
  if (x != x || k != k || k <= 0.0) { return bitcast<f32>(0x7fc00000u); }
  if (x > 3.4028234e38) { return 0.0; }
  if (x <= 0.0 || k > 3.4028234e38) { return 1.0; }
  let a = 0.5 * k;
  let y = 0.5 * x;
  let pre = exp(a * log(y) - y - H_lgamma_f32(a));
  if (y < a + 1.0) {
    var term = 1.0 / a;
    var sum = term;
    for (var n = 1; n < 500; n++) {
      term = term * y / (a + f32(n));
      sum = sum + term;
      if (abs(term) <= 1e-8 * sum) { break; }
    }
    return 1.0 - pre * sum;
  }
  var b = y + 1.0 - a;
  var c = 1e30;
  var d = 1.0 / b;
  var h = d;
  for (var i = 1; i < 500; i++) {
    let an = -f32(i) * (f32(i) - a);
    b = b + 2.0;
    d = an * d + b;
    if (abs(d) < 1e-30) { d = 1e-30; }
    c = b + an / c;
    if (abs(c) < 1e-30) { c = 1e-30; }
    d = 1.0 / d;
    let del = d * c;
    h = h * del;
    if (abs(del - 1.0) < 1e-7) { break; }
  }
  return pre * h;
}`,
  grad: ([x, k], _z, gz) => {
    const a = mul(k, 0.5), y = mul(x, 0.5);
    const density = exp(sub(sub(mul(sub(a, 1), log(y)), y), add(gammaln(a), Math.LN2)));
    return [
      neg(mul(gz, density)),
      gradUndefined(k, "chi2sf: the gradient with respect to k is not implemented"),
    ];
  },
});

/**
 * The survival function of the χ² distribution with `k` degrees of freedom at `x`
 * (SciPy's `chi2.sf(x, k)`, Theano's `chi2sf`): the probability that a χ²(k) draw exceeds x.
 * Its gradient in x is minus the density; in k it is not implemented (a function that needs
 * it refuses to run).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [x, k] = [T.dvector("x"), T.dvector("k")];
 * const p = T.function([x, k], T.chi2sf(x, k))([3.841458820694124, 0], [1, 2]).data;
 * assert(Math.abs(p[0] - 0.05) < 1e-14 && p[1] === 1);
 * ```
 */
export function chi2sf(x: TensorLike, k: TensorLike): Variable {
  return applyElemwise(chi2sfOp, [x, k]);
}
