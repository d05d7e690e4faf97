/**
 * ONNX rules of issue 16's elementwise functions: exp2, log10, cbrt, hypot, reciprocal,
 * logaddexp, log1mexp, the hyperbolic and inverse trigonometric functions, isnan/isinf,
 * round half away from zero. ONNX Runtime's Sinh, Cosh, Asinh, Acosh, Atanh, Asin, Acos
 * and Atan have float32 kernels only: in float64 the hyperbolic ones are written from
 * exp/log (through the accurate expm1 and log1p of elemwise.ts), and atan is float32's
 * atan refined by two Newton steps on `sin y - x cos y = 0` (quadratic convergence takes
 * the 1e-7 start to the last bit); asin, acos and atan2 are built on it.
 * @module
 */
import type { Op } from "../../core/graph.ts";
import { cbrtOp, exp2Op, hypotOp, log10Op, reciprocalOp } from "../../ops/elementary.ts";
import { log1mexpOp, logaddexpOp } from "../../ops/exp_log.ts";
import { arccoshOp, arcsinhOp, arctanhOp, coshOp, sinhOp } from "../../ops/hyperbolic.ts";
import { arccosOp, arcsinOp, arctan2Op, arctanOp } from "../../ops/inverse_trig.ts";
import { isinfOp, isnanOp } from "../../ops/predicates.ts";
import { roundHalfAwayOp } from "../../ops/rounding.ts";
import { copyOp } from "../../ops/copy.ts";
import { expm1, log1p } from "./elemwise.ts";
import type { ElemwiseRule, OnnxGraph, Val } from "./rule.ts";

const F = (opType: string, g: OnnxGraph, ...args: Val[]) => g.op1(opType, args, args[0].dtype);
const c = (g: OnnxGraph, v: number, like: Val) => g.scalar(v, like.dtype);
const where = (g: OnnxGraph, cond: Val, a: Val, b: Val) => g.op1("Where", [cond, a, b], a.dtype);
const less = (g: OnnxGraph, a: Val, b: Val) => g.op1("Less", [a, b], "bool");

/** A float function: `f32` where ONNX Runtime has the float32 kernel, `f64` otherwise. */
const floatFn = (f32: string | null, f64: (g: OnnxGraph, x: Val) => Val): ElemwiseRule => ({
  kind: "elemwise",
  inOutput: true,
  lower: (g, [x], t) => (t === "float32" && f32 ? g.op1(f32, [x], t) : f64(g, x)),
});

/** atan in float64: float32's atan, then two Newton steps; ±π/2 at ±inf. */
function atan64(g: OnnxGraph, x: Val): Val {
  let y = g.cast(g.op1("Atan", [g.cast(x, "float32")], "float32"), x.dtype);
  for (let k = 0; k < 2; k++) {
    const s = F("Sin", g, y), co = F("Cos", g, y);
    const f = F("Sub", g, s, F("Mul", g, x, co));
    const df = F("Add", g, co, F("Mul", g, x, s));
    y = F("Sub", g, y, F("Div", g, f, df));
  }
  const inf = g.op1("IsInf", [x], "bool");
  return where(g, inf, F("Mul", g, F("Sign", g, x), c(g, Math.PI / 2, x)), y);
}

/** asin: atan(x / sqrt((1 - x)(1 + x))). */
function asin64(g: OnnxGraph, x: Val): Val {
  const one = c(g, 1, x);
  const root = F("Sqrt", g, F("Mul", g, F("Sub", g, one, x), F("Add", g, one, x)));
  return atan64(g, F("Div", g, x, root));
}

/** acos: 2 atan(sqrt((1 - x) / (1 + x))), accurate near 1. */
function acos64(g: OnnxGraph, x: Val): Val {
  const one = c(g, 1, x);
  return F(
    "Mul",
    g,
    c(g, 2, x),
    atan64(g, F("Sqrt", g, F("Div", g, F("Sub", g, one, x), F("Add", g, one, x)))),
  );
}

/** Whether v is negative, -0 included (1 / -0 is -inf). */
const signBit = (g: OnnxGraph, v: Val) =>
  g.op1("Or", [less(g, v, c(g, 0, v)), less(g, F("Div", g, c(g, 1, v), v), c(g, 0, v))], "bool");

/** atan2(y, x): atan(y / x), moved by ±π (y's sign, -0 included) where x is negative or -0. */
function atan2(g: OnnxGraph, y: Val, x: Val, viaF32: boolean): Val {
  const q = F("Div", g, y, x);
  let t = viaF32 ? g.op1("Atan", [q], q.dtype) : atan64(g, q);
  const zero = c(g, 0, x);
  const bothZero = g.op1(
    "And",
    [g.op1("Equal", [x, zero], "bool"), g.op1("Equal", [y, zero], "bool")],
    "bool",
  );
  t = where(g, bothZero, y, t);
  const turn = where(g, signBit(g, y), c(g, -Math.PI, x), c(g, Math.PI, x));
  return where(g, signBit(g, x), F("Add", g, t, turn), t);
}

/** |x| above which x² overflows into the inverse hyperbolic formulas: log(2|x|) is exact there. */
const BIG = 1e8;

function asinh64(g: OnnxGraph, x: Val): Val {
  const a = F("Abs", g, x), one = c(g, 1, x);
  const a2 = F("Mul", g, a, a);
  const moderate = log1p(
    g,
    F("Add", g, a, F("Div", g, a2, F("Add", g, one, F("Sqrt", g, F("Add", g, one, a2))))),
  );
  const large = F("Add", g, F("Log", g, a), c(g, Math.LN2, x));
  const r = where(g, less(g, a, c(g, BIG, x)), moderate, large);
  return where(g, less(g, x, c(g, 0, x)), F("Neg", g, r), r);
}

function acosh64(g: OnnxGraph, x: Val): Val {
  const t = F("Sub", g, x, c(g, 1, x));
  const moderate = log1p(
    g,
    F("Add", g, t, F("Sqrt", g, F("Add", g, F("Mul", g, c(g, 2, x), t), F("Mul", g, t, t)))),
  );
  const large = F("Add", g, F("Log", g, x), c(g, Math.LN2, x));
  return where(g, less(g, x, c(g, BIG, x)), moderate, large);
}

/** atanh: log1p(2x / (1 - x)) / 2. */
const atanh64 = (g: OnnxGraph, x: Val) =>
  F("Mul", g, c(g, 0.5, x), log1p(g, F("Div", g, F("Mul", g, c(g, 2, x), x), F("Sub", g, c(g, 1, x), x))));

/** sinh: (expm1(x) - expm1(-x)) / 2, accurate near 0. */
const sinh64 = (g: OnnxGraph, x: Val) =>
  F("Mul", g, c(g, 0.5, x), F("Sub", g, expm1(g, x), expm1(g, F("Neg", g, x))));

const cosh64 = (g: OnnxGraph, x: Val) =>
  F("Mul", g, c(g, 0.5, x), F("Add", g, F("Exp", g, x), F("Exp", g, F("Neg", g, x))));

/** hypot: m sqrt(1 + (n / m)²) with m the larger magnitude (no overflow); 0 when both are 0, inf when either is. */
function hypot(g: OnnxGraph, a: Val, b: Val): Val {
  const x = F("Abs", g, a), y = F("Abs", g, b);
  const m = F("Max", g, x, y), n = F("Min", g, x, y);
  const r = F("Div", g, n, m);
  const h = F("Mul", g, m, F("Sqrt", g, F("Add", g, c(g, 1, a), F("Mul", g, r, r))));
  const inf = g.op1("Or", [g.op1("IsInf", [a], "bool"), g.op1("IsInf", [b], "bool")], "bool");
  return where(g, inf, c(g, Infinity, a), where(g, g.op1("Equal", [m, c(g, 0, a)], "bool"), m, h));
}

/** cbrt: the real cube root, sign(x) |x|^(1/3), refined by a Newton step. */
function cbrt(g: OnnxGraph, x: Val): Val {
  const a = F("Abs", g, x);
  const y0 = F("Pow", g, a, c(g, 1 / 3, x));
  // y - (y³ - a) / (3y²); y = 0 (a = 0) and y = inf stay.
  const step = F(
    "Div",
    g,
    F("Sub", g, F("Mul", g, F("Mul", g, y0, y0), y0), a),
    F("Mul", g, c(g, 3, x), F("Mul", g, y0, y0)),
  );
  // Where y0 is 0 (a = 0), or y0³ could overflow (a near the largest double, or inf), y0 stays.
  const fine = g.op1("And", [g.op1("Greater", [y0, c(g, 0, x)], "bool"), less(g, a, c(g, 1e307, x))], "bool");
  const y = where(g, fine, F("Sub", g, y0, step), y0);
  return F("Mul", g, F("Sign", g, x), y);
}

/** logaddexp: max + log1p(e^-|a - b|); equal arguments (infinities included) give a + ln 2. */
function logaddexp(g: OnnxGraph, a: Val, b: Val): Val {
  const m = F("Max", g, a, b);
  const d = F("Neg", g, F("Abs", g, F("Sub", g, a, b)));
  const r = F("Add", g, m, log1p(g, F("Exp", g, d)));
  return where(g, g.op1("Equal", [a, b], "bool"), F("Add", g, a, c(g, Math.LN2, a)), r);
}

/** log1mexp: log(-expm1(x)) above -ln 2, log1p(-e^x) below (Mächler). */
function log1mexp(g: OnnxGraph, x: Val): Val {
  const near = F("Log", g, F("Neg", g, expm1(g, x)));
  const far = log1p(g, F("Neg", g, F("Exp", g, x)));
  return where(g, g.op1("Greater", [x, c(g, -Math.LN2, x)], "bool"), near, far);
}

/** A predicate false for every integer. */
const predicate = (opType: string): ElemwiseRule => ({
  kind: "elemwise",
  lower: (g, [x], t) =>
    t === "float32" || t === "float64"
      ? g.op1(opType, [x], "bool")
      : g.op1("Expand", [g.scalar(0, "bool"), g.op1("Shape", [x], "int64")], "bool"),
});

/** Rounding half away from zero, exactly: sign(x) (floor|x| + (frac >= 1/2)). */
const roundHalfAway: ElemwiseRule = {
  kind: "elemwise",
  lower(g, [x], t) {
    if (t !== "float32" && t !== "float64") return x;
    const a = F("Abs", g, x), fl = F("Floor", g, a);
    const up = g.cast(g.op1("GreaterOrEqual", [F("Sub", g, a, fl), c(g, 0.5, x)], "bool"), t);
    return F("Mul", g, F("Sign", g, x), F("Add", g, fl, up));
  },
};

/** The rules of this file's ops. */
export const ELEMENTARY_RULES: readonly [Op, ElemwiseRule][] = [
  [copyOp, { kind: "elemwise", lower: (_g, [a]) => a }],
  [exp2Op, { kind: "elemwise", inOutput: true, lower: (g, [x]) => F("Pow", g, c(g, 2, x), x) }],
  [log10Op, {
    kind: "elemwise",
    inOutput: true,
    lower: (g, [x]) => F("Div", g, F("Log", g, x), c(g, Math.LN10, x)),
  }],
  [cbrtOp, { kind: "elemwise", inOutput: true, lower: (g, [x]) => cbrt(g, x) }],
  [hypotOp, { kind: "elemwise", inOutput: true, lower: (g, [a, b]) => hypot(g, a, b) }],
  [reciprocalOp, { kind: "elemwise", inOutput: true, lower: (g, [x]) => F("Div", g, c(g, 1, x), x) }],
  [logaddexpOp, { kind: "elemwise", inOutput: true, lower: (g, [a, b]) => logaddexp(g, a, b) }],
  [log1mexpOp, { kind: "elemwise", inOutput: true, lower: (g, [x]) => log1mexp(g, x) }],
  [sinhOp, floatFn("Sinh", sinh64)],
  [coshOp, floatFn("Cosh", cosh64)],
  [arcsinhOp, floatFn("Asinh", asinh64)],
  [arccoshOp, floatFn("Acosh", acosh64)],
  [arctanhOp, floatFn("Atanh", atanh64)],
  [arctanOp, floatFn("Atan", atan64)],
  [arcsinOp, floatFn("Asin", asin64)],
  [arccosOp, floatFn("Acos", acos64)],
  [arctan2Op, { kind: "elemwise", inOutput: true, lower: (g, [y, x], t) => atan2(g, y, x, t === "float32") }],
  [isnanOp, predicate("IsNaN")],
  [isinfOp, predicate("IsInf")],
  [roundHalfAwayOp, roundHalfAway],
];
