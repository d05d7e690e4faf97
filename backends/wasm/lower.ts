/**
 * What the wasm engine's lowering table (table.ts) holds, and the lowering of a fused
 * group's steps to WebAssembly SIMD. An elementwise op's scalar rule is JS text, which
 * cannot be compiled to WebAssembly, so each vector lowering restates the rule (same IEEE
 * semantics: NaN propagation, signed zeros, Math.max/min on ±0, round half to even).
 * Ops without a vector lowering keep their group on the JS loop.
 * @module
 */
import type { Apply, Op } from "../../core/graph.ts";
import type { LoweringTable } from "../lowering_table.ts";
import { negOp } from "../../ops/arith.ts";
import { softplusOp } from "../../ops/sigmoid.ts";
import type { Kernel } from "../kernel.ts";
import type { VecWriter } from "./vmath.ts";
import { vsoftplusCore, vsoftplusFrom } from "./vlog.ts";

/** Pushes an op's result vector from its argument locals. */
export type Lowering = (w: VecWriter, args: number[]) => void;

/** How the wasm engine runs one op. */
export interface WasmRule {
  /** Elementwise ops: the vector code of one step of a group kernel (float lanes only). */
  vector?: Lowering;
  /**
   * Cost hint: a group with a costly op is worth the trip through the arena. A group made
   * only of cheap arithmetic is memory-bound, and the JS loop (which reads and writes each
   * array once, where the engine adds a copy in and out) is as fast.
   */
  costly?: boolean;
  /**
   * Other ops: the node's kernel, running `fallback` (the next engine's kernel) for the
   * cases the engine does not take at run time (tiny products, say), or `fallback`
   * itself when the node does not suit the engine (integer dtypes, engine off).
   */
  kernel?: (node: Apply, fallback: Kernel) => Kernel | undefined;
  /** The fused op: a group kernel, when every step's op has a vector rule (elemwise.ts). */
  group?: true;
}

/** The engine's table, as the group lowering reads it. */
export type WasmTable = LoweringTable<WasmRule>;

/** A binary float instruction (`f64x2.add`, ...) as a lowering. */
export const bin = (name: string): Lowering => (w, [a, b]) => w.get(a).get(b).f(name);
/** A unary float instruction as a lowering. */
export const un = (name: string): Lowering => (w, [a]) => w.get(a).f(name);

/** One step of a group: an op and its arguments (inputs, then earlier steps). */
export interface LoweredStep {
  op: Op;
  args: readonly number[];
}

/**
 * Lower a group's steps for one vector: `inputs` are the locals of the group's inputs,
 * and step j's argument `r` refers to input r below `inputs.length`, else to step
 * r - inputs.length; each step's op must have a vector lowering in `table`. Returns each
 * step's result local. softplus(a) and softplus(-a)
 * share their costly part (vlog.ts `vsoftplusCore`: |a| = |-a|), with the same bits as
 * computing each alone.
 *
 * @example
 * ```ts
 * import { lowerSteps } from "./lower.ts";
 * import { wasmTable } from "./table.ts";
 * import { negOp, addOp } from "../../ops/arith.ts";
 * import { softplusOp } from "../../ops/sigmoid.ts";
 * import { LANES } from "./asm.ts";
 * import { F64, ModuleBuilder, V128 } from "./emitter.ts";
 * import { VecWriter } from "./vmath.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([F64], [F64], (c) => {
 *   const w = new VecWriter(c, LANES.f64), x = c.local(V128);
 *   c.get(0).op("f64x2.splat").set(x);
 *   // softplus(x) + softplus(-x)
 *   const steps = [{ op: softplusOp, args: [0] }, { op: negOp, args: [0] },
 *     { op: softplusOp, args: [2] }, { op: addOp, args: [1, 3] }];
 *   const locals = lowerSteps(w, steps, [x], wasmTable);
 *   c.get(locals[3]).lane("f64x2.extract_lane", 0);
 *   w.finish();
 * }, "f");
 * const f = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (x: number) => number;
 * assert.equal(f(2), (Math.log1p(Math.exp(-2)) + 2) + Math.log1p(Math.exp(-2)));
 * ```
 */
export function lowerSteps(
  w: VecWriter,
  steps: readonly LoweredStep[],
  inputs: readonly number[],
  table: WasmTable,
): number[] {
  const locals: number[] = [];
  const ref = (r: number) => (r < inputs.length ? inputs[r] : locals[r - inputs.length]);
  // softplus cores by the reference of their argument, negations peeled off.
  const cores = new Map<number, number>();
  const unNegated = (r: number) => {
    const s = r >= inputs.length ? steps[r - inputs.length] : undefined;
    return s?.op === negOp ? s.args[0] : r;
  };
  for (const s of steps) {
    if (s.op === softplusOp) {
      const base = unNegated(s.args[0]);
      let core = cores.get(base);
      if (core === undefined) {
        vsoftplusCore(w, ref(s.args[0]));
        cores.set(base, core = w.let());
      }
      vsoftplusFrom(w, ref(s.args[0]), core);
    } else table.get(s.op)!.vector!(w, s.args.map(ref));
    locals.push(w.let());
  }
  return locals;
}
