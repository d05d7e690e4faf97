/**
 * The lowering table of elementwise ops to WebAssembly SIMD: op name -> code that
 * pushes the result vector from the argument locals. An op's scalar rule is JS text,
 * which cannot be compiled to WebAssembly, so each lowering here restates the rule
 * (same IEEE semantics: NaN propagation, signed zeros, Math.max/min on ±0, round
 * half to even). Ops missing from the table keep their group on the JS loop.
 * @module
 */
import { type VecWriter, vexp, vexpm1, vsigmoid, vtanh } from "./vmath.ts";
import { vlog, vlog1p, vlog2, vsoftplus, vsoftplusCore, vsoftplusFrom } from "./vlog.ts";
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

/** One step of a group: an op (by name) and its arguments (inputs, then earlier steps). */
export interface LoweredStep {
  op: { name: string };
  args: readonly number[];
}

/**
 * Lower a group's steps for one vector: `inputs` are the locals of the group's inputs,
 * and step j's argument `r` refers to input r below `inputs.length`, else to step
 * r - inputs.length. Returns each step's result local. softplus(a) and softplus(-a)
 * share their costly part (vlog.ts `vsoftplusCore`: |a| = |-a|), with the same bits as
 * computing each alone.
 *
 * @example
 * ```ts
 * import { lowerSteps } from "./lower.ts";
 * import { LANES } from "./asm.ts";
 * import { F64, ModuleBuilder, V128 } from "./emitter.ts";
 * import { VecWriter } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([F64], [F64], (c) => {
 *   const w = new VecWriter(c, LANES.f64), x = c.local(V128);
 *   c.get(0).op("f64x2.splat").set(x);
 *   // softplus(x) + softplus(-x)
 *   const steps = [{ op: { name: "softplus" }, args: [0] }, { op: { name: "neg" }, args: [0] },
 *     { op: { name: "softplus" }, args: [2] }, { op: { name: "add" }, args: [1, 3] }];
 *   const locals = lowerSteps(w, steps, [x]);
 *   c.get(locals[3]).lane("f64x2.extract_lane", 0);
 *   w.finish();
 * }, "f");
 * const f = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (x: number) => number;
 * assert.equal(f(2), (Math.log1p(Math.exp(-2)) + 2) + Math.log1p(Math.exp(-2)));
 * ```
 */
export function lowerSteps(w: VecWriter, steps: readonly LoweredStep[], inputs: readonly number[]): number[] {
  const locals: number[] = [];
  const ref = (r: number) => (r < inputs.length ? inputs[r] : locals[r - inputs.length]);
  // softplus cores by the reference of their argument, negations peeled off.
  const cores = new Map<number, number>();
  const unNegated = (r: number) => {
    const s = r >= inputs.length ? steps[r - inputs.length] : undefined;
    return s?.op.name === "neg" ? s.args[0] : r;
  };
  for (const s of steps) {
    if (s.op.name === "softplus") {
      const base = unNegated(s.args[0]);
      let core = cores.get(base);
      if (core === undefined) {
        vsoftplusCore(w, ref(s.args[0]));
        cores.set(base, core = w.let());
      }
      vsoftplusFrom(w, ref(s.args[0]), core);
    } else LOWERINGS[s.op.name](w, s.args.map(ref));
    locals.push(w.let());
  }
  return locals;
}
