/**
 * erfc and erfcx as Hypatia computes them in float64 (ops/erf_family.ts): 1 - erf(x)
 * below 1; from 1 to 6, e^(-x²) times the tables' erfc(x) e^(x²); beyond, Laplace's
 * continued fraction (60 levels, unrolled); e^(±x²) with x split into 26 high bits and
 * the rest so that the rounding of x² does not reach the result. float32 is computed in
 * float64 and rounded. erfinv and erfcinv take Halley steps from Winitzki's closed form on
 * these, as Hypatia does. The gamma family has no rule yet.
 * @module
 */
import type { Op } from "../../core/graph.ts";
import { erfcinvOp, erfcOp, erfcxOp, erfinvOp } from "../../ops/erf_family.ts";
import { erf64, erfcScaledMid, log1p } from "./elemwise.ts";
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

/** Winitzki's closed form of erfinv from l = ln(1 - y²) (relative error < 2e-3): the Halley steps' start. */
function winitzki(g: OnnxGraph, l: Val): Val {
  const a = 0.147;
  const b = F("Add", g, c(g, 2 / (Math.PI * a)), F("Mul", g, c(g, 0.5), l));
  return F("Sqrt", g, F("Sub", g, F("Sqrt", g, F("Sub", g, F("Mul", g, b, b), F("Div", g, l, c(g, a)))), b));
}

/** erfinv(y) for |y| <= 1/2: three Halley steps on erf(x) = y. */
function erfinvSmall(g: OnnxGraph, y: Val): Val {
  let x = F("Mul", g, F("Sign", g, y), winitzki(g, log1p(g, F("Neg", g, F("Mul", g, y, y)))));
  for (let i = 0; i < 3; i++) {
    const e = F("Sub", g, erf64(g, x), y);
    const de = F("Mul", g, c(g, 2 / Math.sqrt(Math.PI)), F("Exp", g, F("Neg", g, F("Mul", g, x, x))));
    x = F("Sub", g, x, F("Div", g, e, F("Add", g, de, F("Mul", g, x, e))));
  }
  return x;
}

/** erfcinv(z) for 0 < z <= 1/2: four Halley steps on erfc(x) = z, written with erfcx (ops/erf_family.ts). */
function erfcinvSmall(g: OnnxGraph, z: Val): Val {
  let x = winitzki(g, F("Add", g, F("Log", g, z), F("Log", g, F("Sub", g, c(g, 2), z))));
  for (let i = 0; i < 4; i++) {
    const near = F("Mul", g, z, expSquare(g, x, 1));
    const far = F("Exp", g, F("Add", g, F("Mul", g, x, x), F("Log", g, z)));
    const ze = where(g, less(g, x, c(g, 26)), near, far);
    const r = F("Mul", g, c(g, -Math.sqrt(Math.PI) / 2), F("Sub", g, erfcx64(g, x), ze));
    x = F("Sub", g, x, F("Div", g, r, F("Add", g, c(g, 1), F("Mul", g, x, r))));
  }
  return x;
}

/** Where `cond`, `v`; else NaN. */
const orNaN = (g: OnnxGraph, cond: Val, v: Val) => where(g, cond, v, c(g, NaN));

function erfinv64(g: OnnxGraph, y: Val): Val {
  const ay = F("Abs", g, y), one = c(g, 1);
  const small = erfinvSmall(g, y);
  // 1 - |y| is exact for |y| > 1/2; the sign is put back.
  const tail = F("Mul", g, F("Sign", g, y), erfcinvSmall(g, F("Sub", g, one, ay)));
  const inner = where(g, g.op1("LessOrEqual", [ay, c(g, 0.5)], "bool"), small, tail);
  const edge = where(g, g.op1("Equal", [ay, one], "bool"), F("Mul", g, y, c(g, Infinity)), inner);
  return orNaN(g, g.op1("LessOrEqual", [ay, one], "bool"), edge);
}

function erfcinv64(g: OnnxGraph, z: Val): Val {
  const two = c(g, 2), half = c(g, 0.5);
  const low = erfcinvSmall(g, z);
  const high = F("Neg", g, erfcinvSmall(g, F("Sub", g, two, z)));
  const mid = erfinvSmall(g, F("Sub", g, c(g, 1), z));
  let r = where(
    g,
    g.op1("LessOrEqual", [z, half], "bool"),
    low,
    where(g, g.op1("GreaterOrEqual", [z, c(g, 1.5)], "bool"), high, mid),
  );
  r = where(
    g,
    g.op1("Equal", [z, c(g, 0)], "bool"),
    c(g, Infinity),
    where(g, g.op1("Equal", [z, two], "bool"), c(g, -Infinity), r),
  );
  const inside = g.op1("And", [
    g.op1("GreaterOrEqual", [z, c(g, 0)], "bool"),
    g.op1("LessOrEqual", [z, two], "bool"),
  ], "bool");
  return orNaN(g, inside, r);
}

/** A float64 function, float32 computed through it. */
const via64 = (f: (g: OnnxGraph, x: Val) => Val): ElemwiseRule => ({
  kind: "elemwise",
  inOutput: true,
  lower: (g, [x]) => f(g, g.cast(x, "float64")),
});

/** The rules of erfc, erfcx, erfinv and erfcinv. */
export const ERFC_RULES: readonly [Op, ElemwiseRule][] = [
  [erfcOp, via64(erfc64)],
  [erfcxOp, via64(erfcx64)],
  [erfinvOp, via64(erfinv64)],
  [erfcinvOp, via64(erfcinv64)],
];
