/**
 * gamma, gammaln, psi, trigamma and chi2sf in float64 by the methods ops/gamma.ts and
 * ops/chi2sf.ts are built on: Lanczos' approximation (its coefficients, read from
 * ops/gamma.ts) from 1/2 up, the reflection formula below with sin(πx) reduced exactly, exact
 * factorials for the integers up to 23; psi's and trigamma's recurrences up to 10 unrolled as
 * ten guarded steps, then their asymptotic series; chi2sf's series and Lentz fraction in one
 * Loop that steps each element until its own stopping rule holds. Hypatia refines some
 * ranges further (a Taylor series next to gammaln's zeros 1 and 2 and psi's root, products of
 * exact factors for gamma above 24, Loader's prefactor for chi2sf with k/2 >= 10): there the
 * model keeps the plain forms, within 1e-13 absolute or relative of Hypatia in the tests (and
 * fewer digits than Hypatia for chi2sf of huge k). float32 is computed in float64 and rounded.
 * @module
 */
import type { Op } from "../../core/graph.ts";
import { asarray } from "../../core/ndarray.ts";
import { gammalnOp, gammaOp, LANCZOS, psiOp, trigammaOp } from "../../ops/gamma.ts";
import type { ElemwiseRule, OnnxGraph, Val } from "./rule.ts";

const LOG_SQRT_2PI = 0.9189385332046728;
const SQRT_2PI = 2.5066282746310002;

const F = (opType: string, g: OnnxGraph, ...args: Val[]) => g.op1(opType, args, "float64");
const c = (g: OnnxGraph, v: number) => g.scalar(v, "float64");
const where = (g: OnnxGraph, cond: Val, a: Val, b: Val) => g.op1("Where", [cond, a, b], a.dtype);
const is = (opType: string, g: OnnxGraph, a: Val, b: Val) => g.op1(opType, [a, b], "bool");
const and = (g: OnnxGraph, a: Val, b: Val) => g.op1("And", [a, b], "bool");

/** sin(πx) with x reduced exactly to [-1/2, 1/2] first. */
function sinPi(g: OnnxGraph, x: Val): Val {
  let r = g.op1("Mod", [x, c(g, 2)], "float64", { fmod: 1 });
  r = where(
    g,
    is("Greater", g, r, c(g, 1)),
    F("Sub", g, r, c(g, 2)),
    where(g, is("Less", g, r, c(g, -1)), F("Add", g, r, c(g, 2)), r),
  );
  r = where(
    g,
    is("Greater", g, r, c(g, 0.5)),
    F("Sub", g, c(g, 1), r),
    where(g, is("Less", g, r, c(g, -0.5)), F("Sub", g, c(g, -1), r), r),
  );
  return F("Sin", g, F("Mul", g, c(g, Math.PI), r));
}

/** Lanczos' sum a and t = x - 1 + 7.5, for x >= 1/2. */
function lanczos(g: OnnxGraph, x: Val): { a: Val; t: Val } {
  const y = F("Sub", g, x, c(g, 1));
  let a = c(g, LANCZOS[0]);
  for (let i = 1; i < LANCZOS.length; i++) {
    a = F("Add", g, a, F("Div", g, c(g, LANCZOS[i]), F("Add", g, y, c(g, i))));
  }
  return { a, t: F("Add", g, y, c(g, 7.5)) };
}

/** log Γ(x) for x >= 1/2. */
function gammalnPos(g: OnnxGraph, x: Val): Val {
  const { a, t } = lanczos(g, x);
  const main = F("Mul", g, F("Sub", g, x, c(g, 0.5)), F("Log", g, t));
  return F("Add", g, F("Sub", g, F("Add", g, c(g, LOG_SQRT_2PI), main), t), F("Log", g, a));
}

/** Γ(x) for x >= 1/2: t^(x - 1/2) e^-t in two halves, so that neither overflows before the product. */
function gammaPos(g: OnnxGraph, x: Val): Val {
  const { a, t } = lanczos(g, x);
  const h = F("Pow", g, t, F("Mul", g, F("Sub", g, x, c(g, 0.5)), c(g, 0.5)));
  return F(
    "Mul",
    g,
    F("Mul", g, F("Mul", g, c(g, SQRT_2PI), h), F("Mul", g, h, F("Exp", g, F("Neg", g, t)))),
    a,
  );
}

const isInteger = (g: OnnxGraph, x: Val) => is("Equal", g, F("Floor", g, x), x);
/** The poles: 0, -0 and the negative integers. */
const pole = (g: OnnxGraph, x: Val) => and(g, is("LessOrEqual", g, x, c(g, 0)), isInteger(g, x));
/** NaN and the infinities pass through as themselves. */
const passing = (g: OnnxGraph, x: Val) =>
  g.op1("Or", [g.op1("IsNaN", [x], "bool"), g.op1("IsInf", [x], "bool")], "bool");
/** x where x < 1/2 is reflected to 1 - x. */
const reflected = (g: OnnxGraph, x: Val) => where(g, is("Less", g, x, c(g, 0.5)), F("Sub", g, c(g, 1), x), x);

function gammaln64(g: OnnxGraph, x: Val): Val {
  const xr = reflected(g, x), pos = gammalnPos(g, xr);
  const refl = F("Sub", g, F("Log", g, F("Div", g, c(g, Math.PI), F("Abs", g, sinPi(g, x)))), pos);
  const r = where(g, is("Less", g, x, c(g, 0.5)), refl, pos);
  return where(g, passing(g, x), x, where(g, pole(g, x), c(g, Infinity), r));
}

function gamma64(g: OnnxGraph, x: Val): Val {
  const xr = reflected(g, x), pos = gammaPos(g, xr);
  const refl = F("Div", g, c(g, Math.PI), F("Mul", g, sinPi(g, x), pos));
  let r = where(g, is("Less", g, x, c(g, 0.5)), refl, pos);
  // The integers 1..23: their exact factorials.
  const facts = [1];
  for (let k = 1; k < 23; k++) facts.push(facts[k - 1] * k);
  const k = g.cast(F("Min", g, F("Max", g, x, c(g, 1)), c(g, 23)), "int64");
  const exact = g.op1(
    "Gather",
    [g.constant(asarray(facts, { dtype: "float64" })), g.op1("Sub", [k, g.scalar(1, "int64")], "int64")],
    "float64",
    { axis: 0 },
  );
  const small = and(
    g,
    isInteger(g, x),
    and(g, is("GreaterOrEqual", g, x, c(g, 1)), is("LessOrEqual", g, x, c(g, 23))),
  );
  r = where(g, small, exact, r);
  r = where(g, is("Greater", g, x, c(g, 171.7)), c(g, Infinity), r);
  return where(g, passing(g, x), x, where(g, pole(g, x), c(g, Infinity), r));
}

/** Ten guarded recurrence steps (x < 10: add `term(x)` and step x by one); the sum and the final x. */
function recurrence(g: OnnxGraph, x0: Val, term: (x: Val) => Val): { s: Val; x: Val } {
  let s = c(g, 0), x = x0;
  for (let i = 0; i < 10; i++) {
    const active = is("Less", g, x, c(g, 10));
    s = F("Add", g, s, where(g, active, term(x), c(g, 0)));
    x = where(g, active, F("Add", g, x, c(g, 1)), x);
  }
  return { s, x };
}

/** ψ(x) for x > 0. */
function psiPos(g: OnnxGraph, x0: Val): Val {
  const { s, x } = recurrence(g, x0, (x) => F("Neg", g, F("Div", g, c(g, 1), x)));
  const z = F("Div", g, c(g, 1), F("Mul", g, x, x));
  let inner = F("Sub", g, c(g, 691 / 32760), F("Div", g, z, c(g, 12)));
  for (const k of [1 / 132, 1 / 240, 1 / 252, 1 / 120, 1 / 12]) {
    inner = F("Sub", g, c(g, k), F("Mul", g, z, inner));
  }
  const tail = F("Mul", g, z, inner);
  return F("Sub", g, F("Sub", g, F("Add", g, s, F("Log", g, x)), F("Div", g, c(g, 0.5), x)), tail);
}

function psi64(g: OnnxGraph, x: Val): Val {
  const neg = is("Less", g, x, c(g, 0));
  const pos = psiPos(g, where(g, neg, F("Sub", g, c(g, 1), x), x));
  const r = F("Sub", g, x, F("Round", g, x));
  const rPi = F("Mul", g, c(g, Math.PI), r);
  const refl = F("Sub", g, pos, F("Div", g, c(g, Math.PI), F("Div", g, F("Sin", g, rPi), F("Cos", g, rPi))));
  let out = where(g, neg, where(g, isInteger(g, x), c(g, NaN), refl), pos);
  // ψ(±0) = ∓inf; inf stays, -inf and NaN give NaN.
  const negZero = is("Less", g, F("Div", g, c(g, 1), x), c(g, 0));
  out = where(g, is("Equal", g, x, c(g, 0)), where(g, negZero, c(g, Infinity), c(g, -Infinity)), out);
  out = where(g, is("Equal", g, x, c(g, Infinity)), x, out);
  return where(g, is("Equal", g, x, c(g, -Infinity)), c(g, NaN), out);
}

/** ψ'(x) for x > 0. */
function trigammaPos(g: OnnxGraph, x0: Val): Val {
  const { s, x } = recurrence(g, x0, (x) => F("Div", g, c(g, 1), F("Mul", g, x, x)));
  const z = F("Div", g, c(g, 1), F("Mul", g, x, x));
  let inner = F("Mul", g, z, c(g, 5 / 66));
  for (const k of [1 / 30, 1 / 42, 1 / 30]) inner = F("Mul", g, z, F("Sub", g, c(g, k), inner));
  const series = F("Mul", g, F("Div", g, z, x), F("Sub", g, c(g, 1 / 6), inner));
  return F("Add", g, F("Add", g, F("Add", g, s, F("Div", g, c(g, 1), x)), F("Div", g, z, c(g, 2))), series);
}

function trigamma64(g: OnnxGraph, x: Val): Val {
  const neg = is("Less", g, x, c(g, 0));
  const pos = trigammaPos(g, where(g, neg, F("Sub", g, c(g, 1), x), x));
  const s = sinPi(g, x);
  const refl = F("Add", g, F("Neg", g, pos), F("Div", g, c(g, Math.PI * Math.PI), F("Mul", g, s, s)));
  const r = where(g, neg, refl, pos);
  return where(g, g.op1("IsNaN", [x], "bool"), x, where(g, pole(g, x), c(g, Infinity), r));
}

/** A float64 function, float32 computed through it. */
const via64 = (f: (g: OnnxGraph, x: Val) => Val): ElemwiseRule => ({
  kind: "elemwise",
  inOutput: true,
  lower: (g, [x]) => f(g, g.cast(x, "float64")),
});

/** The rules of the gamma family (chi2sf excepted). */
export const GAMMA_RULES: readonly [Op, ElemwiseRule][] = [
  [gammaOp, via64(gamma64)],
  [gammalnOp, via64(gammaln64)],
  [psiOp, via64(psi64)],
  [trigammaOp, via64(trigamma64)],
];

/**
 * Q(a, y), the regularised upper incomplete gamma function, as ops/gamma.ts computes it:
 * the series where y < a + 1, Legendre's continued fraction (Lentz) elsewhere, each element
 * stepping until its own stopping rule holds: one Loop carries both iterations for every
 * element and stops when the branch each element uses has converged (at most 100000 steps).
 */
function gammaQ(g: OnnxGraph, a: Val, y: Val): Val {
  const one = c(g, 1);
  const pre = F("Exp", g, F("Sub", g, F("Sub", g, F("Mul", g, a, F("Log", g, y)), y), gammaln64(g, a)));
  const useSeries = is("Less", g, y, F("Add", g, a, one));
  const term0 = F("Div", g, one, a);
  const b0 = F("Sub", g, F("Add", g, y, one), a);
  const d0 = F("Div", g, one, b0);
  const c0 = g.op1("Expand", [c(g, 1 / 1e-300), g.op1("Shape", [a], "int64")], "float64");
  const notDone = g.op1("Expand", [g.scalar(1, "bool"), g.op1("Shape", [a], "int64")], "bool");
  const init = [term0, term0, b0, c0, d0, d0, notDone];
  const body = g.subgraph(
    [
      { dtype: "int64", ndim: 0 },
      { dtype: "bool", ndim: 0 },
      ...init.map((v) => ({ dtype: v.dtype, ndim: -1 })),
    ],
    (b, [i, , term, sum, bb, cc, dd, h, cfActive]) => {
      const Fb = (opType: string, ...args: Val[]) => b.op1(opType, args, "float64");
      const cb = (v: number) => b.scalar(v, "float64");
      const n = Fb("Add", b.cast(i, "float64"), cb(1));
      // The series steps while |term| > 1e-17 sum (checked before the step).
      const sActive = b.op1("Greater", [Fb("Abs", term), Fb("Mul", cb(1e-17), sum)], "bool");
      const term2 = Fb("Mul", term, Fb("Div", y, Fb("Add", a, n)));
      const nextTerm = b.op1("Where", [sActive, term2, term], "float64");
      const nextSum = b.op1("Where", [sActive, Fb("Add", sum, term2), sum], "float64");
      // Lentz's step (the stopping test after it).
      const an = Fb("Neg", Fb("Mul", n, Fb("Sub", n, a)));
      const b2 = Fb("Add", bb, cb(2));
      let d2 = Fb("Add", Fb("Mul", an, dd), b2);
      d2 = b.op1("Where", [b.op1("Less", [Fb("Abs", d2), cb(1e-300)], "bool"), cb(1e-300), d2], "float64");
      let c2 = Fb("Add", b2, Fb("Div", an, cc));
      c2 = b.op1("Where", [b.op1("Less", [Fb("Abs", c2), cb(1e-300)], "bool"), cb(1e-300), c2], "float64");
      d2 = Fb("Div", cb(1), d2);
      const del = Fb("Mul", d2, c2);
      const keep = (next: Val, prev: Val) => b.op1("Where", [cfActive, next, prev], "float64");
      const h2 = keep(Fb("Mul", h, del), h);
      const converged = b.op1("Less", [Fb("Abs", Fb("Sub", del, cb(1))), cb(1e-16)], "bool");
      const cfNext = b.op1("And", [cfActive, b.op1("Not", [converged], "bool")], "bool");
      // Go on while an element's own branch is still stepping.
      const sWill = b.op1("Greater", [Fb("Abs", nextTerm), Fb("Mul", cb(1e-17), nextSum)], "bool");
      const pending = b.op1("Or", [
        b.op1("And", [useSeries, sWill], "bool"),
        b.op1("And", [b.op1("Not", [useSeries], "bool"), cfNext], "bool"),
      ], "bool");
      const more = b.op1(
        "Cast",
        [b.op1("ReduceMax", [b.cast(pending, "int32")], "int32", { keepdims: 0 })],
        "bool",
        {
          to: 9,
        },
      );
      return [more, nextTerm, nextSum, keep(b2, bb), keep(c2, cc), keep(d2, dd), h2, cfNext];
    },
  );
  const outs = g.op("Loop", [g.scalar(99999, "int64"), "", ...init], init.map((v) => v.dtype), { body });
  const [, sum, , , , h] = outs;
  const series = F("Sub", g, one, F("Mul", g, pre, sum));
  return where(g, useSeries, series, F("Mul", g, pre, h));
}

function chi2sf64(g: OnnxGraph, x0: Val, k0: Val): Val {
  // One shape for both, as the loop carries them element by element.
  const shape = g.op1("Shape", [F("Add", g, x0, k0)], "int64");
  const x = g.op1("Expand", [x0, shape], "float64"), k = g.op1("Expand", [k0, shape], "float64");
  const bad = g.op1("Or", [
    g.op1("Or", [g.op1("IsNaN", [x], "bool"), g.op1("IsNaN", [k], "bool")], "bool"),
    is("LessOrEqual", g, k, c(g, 0)),
  ], "bool");
  // Elements the function does not compute get harmless arguments (a = y = 1) in the loop.
  const infinite = g.op1("Or", [g.op1("IsInf", [x], "bool"), g.op1("IsInf", [k], "bool")], "bool");
  const skipped = g.op1(
    "Or",
    [g.op1("Or", [bad, infinite], "bool"), is("LessOrEqual", g, x, c(g, 0))],
    "bool",
  );
  const computed = g.op1("Not", [skipped], "bool");
  const safe = (v: Val) => where(g, computed, v, c(g, 2));
  const q = gammaQ(g, F("Mul", g, safe(k), c(g, 0.5)), F("Mul", g, safe(x), c(g, 0.5)));
  let r = where(g, computed, q, c(g, 1));
  r = where(g, is("Equal", g, x, c(g, Infinity)), c(g, 0), r);
  return where(g, bad, c(g, NaN), r);
}

/** chi2sf's rule: float64, float32 through it. */
export const CHI2SF_RULE: ElemwiseRule = {
  kind: "elemwise",
  inOutput: true,
  lower: (g, [x, k]) => chi2sf64(g, g.cast(x, "float64"), g.cast(k, "float64")),
};
