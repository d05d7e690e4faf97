/**
 * erfc and erfcx as Hypatia computes them in float64 (ops/erf_family.ts): 1 - erf(x)
 * below 1; from 1 to 6, e^(-x²) times the tables' erfc(x) e^(x²); beyond, Laplace's
 * continued fraction (60 levels, unrolled); e^(±x²) with x split into 26 high bits and
 * the rest so that the rounding of x² does not reach the result. float32 is computed in
 * float64 and rounded. erfinv, erfcinv and the gamma family have no rule yet.
 * @module
 */
import type { Op } from "../../core/graph.ts";
import { erfcOp, erfcxOp } from "../../ops/erf_family.ts";
import { erf64, erfcScaledMid } from "./elemwise.ts";
import type { ElemwiseRule, OnnxGraph, Val } from "./rule.ts";

const INV_SQRT_PI = 0.5641895835477563;

const F = (opType: string, g: OnnxGraph, ...args: Val[]) => g.op1(opType, args, args[0].dtype);
const c = (g: OnnxGraph, v: number) => g.scalar(v, "float64");
const where = (g: OnnxGraph, cond: Val, a: Val, b: Val) => g.op1("Where", [cond, a, b], a.dtype);
const less = (g: OnnxGraph, a: Val, b: Val) => g.op1("Less", [a, b], "bool");

/** e^(s x²), x split as hi + lo (hi of 26 bits, so hi² is exact). */
function expSquare(g: OnnxGraph, x: Val, s: 1 | -1): Val {
  const k = F("Mul", g, c(g, 134217729), x);
  const hi = F("Sub", g, k, F("Sub", g, k, x)), lo = F("Sub", g, x, hi);
  const e1 = F("Exp", g, F("Mul", g, c(g, s), F("Mul", g, hi, hi)));
  const e2 = F("Exp", g, F("Mul", g, c(g, s), F("Mul", g, F("Add", g, F("Mul", g, c(g, 2), hi), lo), lo)));
  return F("Mul", g, e1, e2);
}

/** erfc(x) e^(x²) for x >= 1: the tables below 6, Laplace's continued fraction beyond. */
function erfcxLarge(g: OnnxGraph, x: Val): Val {
  const xs = F("Max", g, x, c(g, 6)); // the fraction's own argument, never below 6
  let f = xs;
  for (let k = 60; k > 0; k--) f = F("Add", g, xs, F("Div", g, c(g, k / 2), f));
  const far = F("Div", g, c(g, INV_SQRT_PI), f);
  return where(g, less(g, x, c(g, 6)), erfcScaledMid(g, x), far);
}

function erfc64(g: OnnxGraph, x: Val): Val {
  const ax = F("Abs", g, x);
  const a1 = F("Max", g, ax, c(g, 1));
  const tail = where(
    g,
    g.op1("Greater", [ax, c(g, 27.3)], "bool"),
    c(g, 0),
    F("Mul", g, expSquare(g, a1, -1), erfcxLarge(g, a1)),
  );
  const outer = where(g, g.op1("Greater", [x, c(g, 0)], "bool"), tail, F("Sub", g, c(g, 2), tail));
  return where(g, less(g, ax, c(g, 1)), F("Sub", g, c(g, 1), erf64(g, x)), outer);
}

function erfcx64(g: OnnxGraph, x: Val): Val {
  const scaled = F("Mul", g, expSquare(g, x, 1), erfc64(g, x));
  const low = where(g, less(g, x, c(g, -26.7)), c(g, Infinity), scaled);
  return where(g, g.op1("GreaterOrEqual", [x, c(g, 1)], "bool"), erfcxLarge(g, F("Max", g, x, c(g, 1))), low);
}

/** A float64 function, float32 computed through it. */
const via64 = (f: (g: OnnxGraph, x: Val) => Val): ElemwiseRule => ({
  kind: "elemwise",
  inOutput: true,
  lower: (g, [x]) => f(g, g.cast(x, "float64")),
});

/** The rules of erfc and erfcx. */
export const ERFC_RULES: readonly [Op, ElemwiseRule][] = [
  [erfcOp, via64(erfc64)],
  [erfcxOp, via64(erfcx64)],
];
