/**
 * ONNX rules of the elementwise ops (opset 17). Each keeps Hypatia's meaning where an
 * ONNX operator differs: floor division and Python's modulo, integer division by zero
 * giving 0, `expm1`/`log1p` accurate near 0, `~` on integers as `-a - 1`.
 * @module
 */
import { type DType, isFloat } from "../../core/dtype.ts";
import type { Op } from "../../core/graph.ts";
import { addOp, intDivOp, modOp, mulOp, negOp, sqrOp, subOp } from "../../ops/arith.ts";
import { andOp, eqOp, geOp, gtOp, invertOp, leOp, ltOp, neqOp, orOp, xorOp } from "../../ops/compare.ts";
import { divOp } from "../../ops/div.ts";
import { expm1Op, expOp, log1pOp, log2Op, logOp, sqrtOp } from "../../ops/exp_log.ts";
import { fillOp } from "../../ops/fill.ts";
import { clipOp, maximumOp, minimumOp } from "../../ops/minmax.ts";
import { powOp } from "../../ops/pow.ts";
import { absOp, ceilOp, floorOp, roundOp, signOp } from "../../ops/rounding.ts";
import { sigmoidOp, softplusOp } from "../../ops/sigmoid.ts";
import { ERF_SMALL, ERFC_SCALED, erfOp } from "../../ops/special.ts";
import { NDArray } from "../../core/ndarray.ts";
import { switchOp } from "../../ops/switch.ts";
import { cosOp, sinOp, tanhOp, tanOp } from "../../ops/trig.ts";
import { type ElemwiseRule, type OnnxGraph, type Val, workDtype } from "./rule.ts";

const integral = (d: DType) => !isFloat(d);

/** A rule applying one ONNX operator to the arguments. */
const plain = (opType: string, inOutput = false): ElemwiseRule => ({
  kind: "elemwise",
  inOutput,
  lower: (g, args, work) => g.op1(opType, args, work),
});

/** A float function (exp of an integer computes in the float output dtype). */
const floatFn = (opType: string): ElemwiseRule => plain(opType, true);

/** A comparison: its result is bool; bools are compared as int32 (ONNX orders no bools). */
const comparison = (opType: string, negate = false): ElemwiseRule => ({
  kind: "elemwise",
  lower(g, args, work) {
    const a = work === "bool" && opType !== "Equal" ? args.map((v) => g.cast(v, "int32")) : args;
    const r = g.op1(opType, a, "bool");
    return negate ? g.op1("Not", [r], "bool") : r;
  },
});

/** A logical op on bools; integers would need opset 18's bitwise operators. */
const logical = (opType: string): ElemwiseRule => ({
  kind: "elemwise",
  lower(g, args, work) {
    if (work !== "bool") {
      g.refuse(`bitwise ${opType} of ${work} needs ONNX opset 18 (this exporter writes opset 17)`);
    }
    return g.op1(opType, args, "bool");
  },
});

/** Identity on integers and bools, `opType` on floats. */
const floatOnly = (opType: string): ElemwiseRule => ({
  kind: "elemwise",
  lower: (g, [a], work) => (integral(work) ? a : g.op1(opType, [a], work)),
});

/** `where(cond, a, b)`: `cond` as a bool. */
function where(g: OnnxGraph, cond: Val, a: Val, b: Val): Val {
  return g.op1("Where", [cond, a, b], a.dtype);
}

/** Whether `v` is zero, as a bool. */
const isZero = (g: OnnxGraph, v: Val) => g.op1("Equal", [v, g.scalar(0, v.dtype)], "bool");

/** Python's remainder: fmod's, moved by b where the signs differ (b = 0: 0 for integers, NaN for floats). */
function pyMod(g: OnnxGraph, a: Val, b: Val): Val {
  const t = a.dtype;
  if (integral(t)) {
    const zero = isZero(g, b);
    const safe = where(g, zero, g.scalar(1, t), b);
    return where(g, zero, g.scalar(0, t), g.op1("Mod", [a, safe], t, { fmod: 0 }));
  }
  const r = g.op1("Mod", [a, b], t, { fmod: 1 });
  const rNeg = g.op1("Less", [r, g.scalar(0, t)], "bool");
  const bNeg = g.op1("Less", [b, g.scalar(0, t)], "bool");
  const differ = g.op1("Xor", [rNeg, bNeg], "bool");
  const move = g.op1("And", [g.op1("Not", [isZero(g, r)], "bool"), differ], "bool");
  return where(g, move, g.op1("Add", [r, b], t), r);
}

/** Floor division: `(a - a mod b) / b`, exact for integers, rounded to the integer for floats. */
function floorDiv(g: OnnxGraph, a: Val, b: Val): Val {
  const t = a.dtype;
  const zero = isZero(g, b);
  if (integral(t)) {
    const safe = where(g, zero, g.scalar(1, t), b);
    const q = g.op1("Div", [g.op1("Sub", [a, pyMod(g, a, safe)], t), safe], t);
    return where(g, zero, g.scalar(0, t), q);
  }
  const q = g.op1("Round", [g.op1("Div", [g.op1("Sub", [a, pyMod(g, a, b)], t), b], t)], t);
  return where(g, zero, g.op1("Div", [a, b], t), q);
}

/** `|x| < 0.5` as a bool: where expm1 and log1p take Kahan's accurate forms. */
const small = (g: OnnxGraph, x: Val) =>
  g.op1("Less", [g.op1("Abs", [x], x.dtype), g.scalar(0.5, x.dtype)], "bool");

/** expm1: `(u - 1) x / log u` with `u = e^x` near 0 (Kahan), `u - 1` elsewhere. */
export function expm1(g: OnnxGraph, x: Val): Val {
  const t = x.dtype, u = g.op1("Exp", [x], t);
  const um1 = g.op1("Sub", [u, g.scalar(1, t)], t);
  const kahan = where(
    g,
    g.op1("Equal", [u, g.scalar(1, t)], "bool"),
    x,
    g.op1("Div", [g.op1("Mul", [um1, x], t), g.op1("Log", [u], t)], t),
  );
  return where(g, small(g, x), kahan, um1);
}

/** log1p: `log(u) x / (u - 1)` with `u = 1 + x` near 0 (Kahan), `log u` elsewhere. */
export function log1p(g: OnnxGraph, x: Val): Val {
  const t = x.dtype, u = g.op1("Add", [x, g.scalar(1, t)], t);
  const logU = g.op1("Log", [u], t);
  const kahan = where(
    g,
    g.op1("Equal", [u, g.scalar(1, t)], "bool"),
    x,
    g.op1("Div", [g.op1("Mul", [logU, x], t), g.op1("Sub", [u, g.scalar(1, t)], t)], t),
  );
  return where(g, small(g, x), kahan, logU);
}

/** `p[0] + p[1] u + ...` by Horner's rule; `p` are values (coefficients, or rows gathered per element). */
function horner(g: OnnxGraph, p: readonly Val[], u: Val): Val {
  let s = p[p.length - 1];
  for (let k = p.length - 2; k >= 0; k--) s = g.op1("Add", [g.op1("Mul", [s, u], u.dtype), p[k]], u.dtype);
  return s;
}

/**
 * erf in float64 as Hypatia computes it (ops/special.ts `erfJs`, whose tables this reads):
 * `x + x R(x² - 1/2)` below 1; `1 - e^(-x²) g_k(|x| - k - 1/2)` on [k, k + 1) up to 6, each
 * element's coefficients gathered from the table by k; ±1 beyond (ONNX Runtime's Erf has a
 * float32 kernel only).
 */
export function erf64(g: OnnxGraph, x: Val): Val {
  const t = x.dtype, c = (v: number) => g.scalar(v, t);
  const ax = g.op1("Abs", [x], t);
  const small = g.op1("Add", [
    x,
    g.op1("Mul", [x, horner(g, ERF_SMALL.map(c), g.op1("Sub", [g.op1("Mul", [x, x], t), c(0.5)], t))], t),
  ], t);
  const erfc = g.op1("Mul", [
    g.op1("Exp", [g.op1("Neg", [g.op1("Mul", [ax, ax], t)], t)], t),
    erfcScaledMid(g, ax),
  ], t);
  const sign = g.op1("Sign", [x], t);
  const mid = g.op1("Mul", [sign, g.op1("Sub", [c(1), erfc], t)], t);
  const far = g.op1("Where", [g.op1("Less", [ax, c(6)], "bool"), mid, sign], t);
  return g.op1("Where", [g.op1("Less", [ax, c(1)], "bool"), small, far], t);
}

/**
 * erfc(a) e^(a²) for a in [1, 6) from Hypatia's tables (ops/special.ts `erfcScaledMid`):
 * each element's polynomial gathered by k = floor(a). Elements outside [1, 6), NaN
 * included, read row 1; the caller does not select them.
 */
export function erfcScaledMid(g: OnnxGraph, a: Val): Val {
  const t = a.dtype, c = (v: number) => g.scalar(v, t);
  const width = Math.max(...ERFC_SCALED.map((r) => r.length));
  const table = new NDArray("float64", [width, ERFC_SCALED.length]);
  ERFC_SCALED.forEach((row, k) => row.forEach((v, j) => (table.data[j * ERFC_SCALED.length + k] = v)));
  const inRange = g.op1("Where", [g.op1("Less", [a, c(6)], "bool"), a, c(1)], t);
  const kf = g.op1("Min", [g.op1("Max", [g.op1("Floor", [inRange], t), c(1)], t), c(5)], t);
  const row = g.op1("Sub", [g.cast(kf, "int64"), g.scalar(1, "int64")], "int64");
  const rows = g.constant(table);
  const coeffs = [...Array(width).keys()].map((j) =>
    g.op1("Gather", [g.op1("Gather", [rows, g.scalar(j, "int64")], t, { axis: 0 }), row], t, { axis: 0 })
  );
  return horner(g, coeffs, g.op1("Sub", [a, g.op1("Add", [kf, c(0.5)], t)], t));
}

/** Every elementwise op's rule (casts are added per dtype by the table). */
export const ELEMWISE_RULES: readonly [Op, ElemwiseRule][] = [
  [addOp, plain("Add")],
  [subOp, plain("Sub")],
  [mulOp, plain("Mul")],
  [negOp, plain("Neg")],
  [sqrOp, { kind: "elemwise", lower: (g, [a], t) => g.op1("Mul", [a, a], t) }],
  [divOp, plain("Div", true)],
  [intDivOp, { kind: "elemwise", lower: (g, [a, b]) => floorDiv(g, a, b) }],
  [modOp, { kind: "elemwise", lower: (g, [a, b]) => pyMod(g, a, b) }],
  [powOp, plain("Pow")],
  [maximumOp, plain("Max")],
  [minimumOp, plain("Min")],
  [clipOp, {
    kind: "elemwise",
    lower: (g, [x, lo, hi], t) => g.op1("Min", [g.op1("Max", [x, lo], t), hi], t),
  }],
  [eqOp, comparison("Equal")],
  [neqOp, comparison("Equal", true)],
  [ltOp, comparison("Less")],
  [leOp, comparison("LessOrEqual")],
  [gtOp, comparison("Greater")],
  [geOp, comparison("GreaterOrEqual")],
  [andOp, logical("And")],
  [orOp, logical("Or")],
  [xorOp, logical("Xor")],
  [invertOp, {
    kind: "elemwise",
    // ~a is -a - 1 in two's complement; the cast back to uint8 wraps it to 255 - a.
    lower: (g, [a], t) =>
      t === "bool" ? g.op1("Not", [a], t) : g.op1("Sub", [g.op1("Neg", [a], t), g.scalar(1, t)], t),
  }],
  [expOp, floatFn("Exp")],
  [logOp, floatFn("Log")],
  [sqrtOp, floatFn("Sqrt")],
  [expm1Op, { kind: "elemwise", inOutput: true, lower: (g, [x]) => expm1(g, x) }],
  [log1pOp, { kind: "elemwise", inOutput: true, lower: (g, [x]) => log1p(g, x) }],
  [log2Op, {
    kind: "elemwise",
    inOutput: true,
    lower: (g, [x], t) => g.op1("Div", [g.op1("Log", [x], t), g.scalar(Math.LN2, t)], t),
  }],
  [sinOp, floatFn("Sin")],
  [cosOp, floatFn("Cos")],
  // ONNX Runtime's Tan has a float32 kernel only.
  [tanOp, {
    kind: "elemwise",
    inOutput: true,
    lower: (g, [x], t) =>
      t === "float32" ? g.op1("Tan", [x], t) : g.op1("Div", [g.op1("Sin", [x], t), g.op1("Cos", [x], t)], t),
  }],
  [tanhOp, floatFn("Tanh")],
  [erfOp, {
    kind: "elemwise",
    inOutput: true,
    lower: (g, [x], t) => (t === "float32" ? g.op1("Erf", [x], t) : erf64(g, x)),
  }],
  [sigmoidOp, floatFn("Sigmoid")],
  // ONNX Runtime's Softplus has a float32 kernel only: the stable form, as Hypatia computes it.
  [softplusOp, {
    kind: "elemwise",
    inOutput: true,
    lower: (g, [x], t) => {
      const e = g.op1("Exp", [g.op1("Neg", [g.op1("Abs", [x], t)], t)], t);
      return g.op1("Add", [log1p(g, e), g.op1("Max", [x, g.scalar(0, t)], t)], t);
    },
  }],
  [absOp, plain("Abs")],
  [signOp, plain("Sign")],
  [floorOp, floatOnly("Floor")],
  [ceilOp, floatOnly("Ceil")],
  [roundOp, floatOnly("Round")],
  // Raw inputs: each argument keeps its dtype; the rule converts what it needs.
  [switchOp, {
    kind: "elemwise",
    lower: (g, [c, a, b], t) => where(g, g.cast(c, "bool"), g.cast(a, t), g.cast(b, t)),
  }],
  [fillOp, {
    kind: "elemwise",
    lower: (g, [m, v], t) => g.op1("Expand", [g.cast(v, t), g.op1("Shape", [m], "int64")], t),
  }],
];

/** The rule of `castOp(dtype)`: ONNX Cast (NaN and infinities to integers are left to the runtime). */
export const castRule: ElemwiseRule = {
  kind: "elemwise",
  lower: (g, [a], _t, out) => g.cast(a, out),
};

/** One step of an elementwise expression: the op, its arguments, its input and output dtypes. */
export interface Step {
  readonly op: Op;
  readonly args: readonly number[];
  readonly input: DType;
  readonly out: DType;
}

/**
 * Lower elementwise steps (a fused group's, or one node's): argument `k` is `inputs[k]`
 * for k below their count, else the value of step `k - inputs.length`. Each step's
 * arguments are converted to its input dtype (widened where ONNX Runtime lacks narrow
 * integer kernels; raw-input ops convert their own), and its result to its output dtype.
 */
export function lowerSteps(
  g: OnnxGraph,
  steps: readonly Step[],
  output: number,
  inputs: readonly Val[],
  ruleOf: (op: Op) => ElemwiseRule | string,
): Val {
  const values: Val[] = [];
  const ref = (k: number) => (k < inputs.length ? inputs[k] : values[k - inputs.length]);
  for (const s of steps) {
    const rule = ruleOf(s.op);
    if (typeof rule === "string") g.refuse(`its step ${s.op.name} has no ONNX rule: ${rule}`);
    const raw = !!s.op.scalar?.rawInputs;
    const work = workDtype(rule.inOutput && isFloat(s.out) ? s.out : s.input);
    const args = s.args.map((k) => (raw ? ref(k) : g.cast(ref(k), work)));
    values.push(g.cast(rule.lower(g, args, work, s.out), s.out));
  }
  return values[output];
}
