/**
 * The lowering table of elementwise ops to WebAssembly SIMD: op name -> code that
 * pushes the result vector from the argument locals. An op's scalar rule is JS text,
 * which cannot be compiled to WebAssembly, so each lowering here restates the rule
 * (same IEEE semantics: NaN propagation, signed zeros, Math.max/min on ±0, round
 * half to even). Ops missing from the table keep their group on the JS loop.
 * @module
 */
import { type VecWriter, vexp, vexpm1, vsigmoid, vtanh } from "./vmath.ts";
import { vlog, vlog1p, vlog2, vsoftplus } from "./vlog.ts";
import { verf } from "./verf.ts";

/** Pushes an op's result vector from its argument locals. */
export type Lowering = (w: VecWriter, args: number[]) => void;

const bin = (name: string): Lowering => (w, [a, b]) => w.get(a).get(b).f(name);
const un = (name: string): Lowering => (w, [a]) => w.get(a).f(name);

/**
 * Ops worth the trip through the arena: a group made only of cheap arithmetic is
 * memory-bound, and the JS loop (which reads and writes each array once, where the
 * engine adds a copy in and out) is as fast; a group with one of these is not.
 */
export const COSTLY: ReadonlySet<string> = new Set([
  "exp",
  "expm1",
  "log",
  "log1p",
  "log2",
  "tanh",
  "sigmoid",
  "softplus",
  "erf",
]);

/** Lowerings by op name (float lanes only). */
export const LOWERINGS: Readonly<Record<string, Lowering>> = {
  add: bin("add"),
  sub: bin("sub"),
  mul: bin("mul"),
  true_div: bin("div"),
  maximum: bin("max"),
  minimum: bin("min"),
  neg: un("neg"),
  abs: un("abs"),
  sqrt: un("sqrt"),
  floor: un("floor"),
  ceil: un("ceil"),
  round: un("nearest"),
  sqr: (w, [a]) => w.get(a).get(a).f("mul"),
  clip: (w, [x, lo, hi]) => w.get(x).get(lo).f("max").get(hi).f("min"),
  // (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : a): +0 for ±0, NaN kept.
  sign: (w, [a]) => {
    w.get(a).k(0).f("gt").k(1).op("v128.and").get(a).k(0).f("lt").k(-1).op("v128.and", "v128.or");
    const r = w.let();
    w.select(() => w.get(a), () => w.get(r), () => w.get(a).get(a).f("ne"));
  },
  fill: (w, [, v]) => w.get(v),
  exp: (w, [a]) => vexp(w, a),
  expm1: (w, [a]) => vexpm1(w, a),
  log: (w, [a]) => vlog(w, a),
  log1p: (w, [a]) => vlog1p(w, a),
  log2: (w, [a]) => vlog2(w, a),
  tanh: (w, [a]) => vtanh(w, a),
  sigmoid: (w, [a]) => vsigmoid(w, a),
  softplus: (w, [a]) => vsoftplus(w, a),
  erf: (w, [a]) => verf(w, a),
};
