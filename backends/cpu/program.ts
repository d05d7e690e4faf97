/**
 * The CPU program: a flat schedule of thunks over numbered value slots. Elementwise
 * nodes run generated loops (elemwise_codegen.ts) into pooled buffers; other nodes run
 * their op's `perform`. Buffers of intermediates return to the pool after their last
 * reader, so a loop of calls allocates nothing in steady state.
 * @module
 */
import type { TypedArray } from "../../core/dtype.ts";
import { HypatiaError, ShapeError } from "../../core/errors.ts";
import { NDArray } from "../../core/ndarray.ts";
import { fusedOp, stepsOf } from "../../ops/fused.ts";
import { toposort } from "../../core/walk.ts";
import { type Apply, Constant, type Variable } from "../../core/graph.ts";
import { type SharedStorage, SharedVariable } from "../../core/shared.ts";
import { elemwiseKernel } from "./elemwise_codegen.ts";
import {
  type Bindable,
  type BoundKernel,
  type CpuProgram,
  type FixedRun,
  type HostEngines,
  type Kernel,
  ShapeMiss,
  shapeRule,
  type Thunk,
} from "../kernel.ts";
import { BufferPool, givable } from "./pool.ts";
import { jsTable } from "./table.ts";

/** What a run without shared variables passes the engines (no array made per run). */
const NO_SHARED: SharedStorage[] = [];

/** A compiled node: reads slots, writes slots. */
interface Step {
  node: Apply;
  ins: number[];
  outs: number[];
  /** Its kernel; `bindTo` when the kernel can bind itself to fixed arrays (`CpuProgram.fix`). */
  run: ((vals: NDArray[], pool: BufferPool) => NDArray[]) & Bindable;
  /** Slots whose last reader is this step. */
  dying: number[];
  elementwise: boolean;
  /** An elementwise node's JS loop bound to fixed arrays (`CpuProgram.fix`). */
  loop?: (ins: readonly NDArray[], outs: readonly NDArray[]) => BoundKernel;
}

/**
 * The JS engine alone as the host engines: generated loops, the JS table's kernels and
 * the ops' reference rules, plain arrays. The scheduler (compile/schedule.ts) puts the
 * wasm engine in front of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildCpuProgram, jsEngine } from "./program.ts";
 * import { exp } from "../../ops/exp_log.ts";
 * import { dvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * const x = dvector("x");
 * const [y] = buildCpuProgram([x], [exp(x)], jsEngine).run([asarray([0, 1])]);
 * assert.deepEqual([...y.data], [1, Math.E]);
 * ```
 */
export const jsEngine: HostEngines = {
  elementwise: (_node, loop) => loop,
  kernel: (node, build) => jsTable.get(node.op)?.kernel?.(node, build),
  beginRun: () => ({ end() {} }),
};

function describeNode(node: Apply): string {
  const ins = node.inputs.map((v) => v.name ? `"${v.name}"` : String(v.type)).join(", ");
  return `${node.where()} with inputs (${ins})`;
}

function elementwiseStep(node: Apply, engines: HostEngines): Pick<Step, "run" | "loop"> {
  const { steps, output } = stepsOf(node);
  const inTypes = node.inputs.map((v) => v.type);
  const outType = node.outputs[0].type;
  const kernel = elemwiseKernel(steps, output, inTypes, outType);
  const dtype = outType.dtype;
  const shapeOf = shapeRule(inTypes, outType.ndim, () => describeNode(node));
  const js: Thunk = (vals, pool) => {
    const shape = shapeOf(vals);
    let n = 1;
    for (const d of shape) n *= d;
    const buf = pool.take(dtype, n);
    kernel(vals.map((v) => v.data), shape, buf as never);
    return [new NDArray(dtype, shape, buf)];
  };
  const loop = (ins: readonly NDArray[], outs: readonly NDArray[]): BoundKernel => {
    const data = ins.map((v) => v.data), shape = outs[0].shape, buf = outs[0].data;
    return () => kernel(data, shape, buf as never);
  };
  // An engine in front of the JS loop (wasm) may take the group.
  return { run: engines.elementwise(node, js, () => describeNode(node)), loop };
}

function performThunk(node: Apply, engines: HostEngines, children: CpuProgram[]): Step["run"] {
  // Programs built for the node (a scan body) are freed with this one.
  const fast = engines.kernel(node, (roots, outputs) => {
    const child = buildCpuProgram(roots, outputs, engines);
    children.push(child);
    return child;
  });
  const perform: Kernel = fast ?? ((vals) => node.op.perform!(vals, node.params, node));
  if (!node.op.perform && !fast) {
    throw new HypatiaError(`${node.where()}: op ${node.op.name} has no CPU implementation`);
  }
  const run: Step["run"] = (vals, pool) => {
    const outs = perform(vals, pool);
    // Check what the op produced against its declared types: catches op bugs early.
    for (let k = 0; k < outs.length; k++) {
      const o = outs[k], t = node.outputs[k].type;
      let fits = o.dtype === t.dtype && o.ndim === t.ndim;
      for (let i = 0; fits && i < t.ndim; i++) fits = t.shape[i] === null || t.shape[i] === o.shape[i];
      if (!fits) {
        throw new ShapeError(
          `${describeNode(node)}: produced ${o.dtype} of shape (${
            o.shape.join(", ")
          }) where ${t} was declared`,
        );
      }
    }
    return outs;
  };
  run.bindTo = fast?.bindTo;
  return run;
}

/**
 * Build a program computing `outputs` from `roots` (inputs and shared variables) with the
 * host `engines` (compile/schedule.ts composes wasm and JS; `jsEngine` is JS alone).
 */
export function buildCpuProgram(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  engines: HostEngines,
): CpuProgram {
  const slot = new Map<Variable, number>();
  const template: (NDArray | undefined)[] = [];
  const slotOf = (v: Variable): number => {
    let s = slot.get(v);
    if (s === undefined) {
      s = template.length;
      slot.set(v, s);
      template.push(v instanceof Constant ? v.value : undefined);
    }
    return s;
  };
  roots.forEach(slotOf);
  const rootSet = new Set(roots);
  const nodes = toposort(outputs, rootSet);
  const children: CpuProgram[] = [];
  const steps: Step[] = nodes.map((node) => {
    const elementwise = !!node.op.scalar || node.op === fusedOp;
    return {
      node,
      ins: node.inputs.map(slotOf),
      outs: node.outputs.map(slotOf),
      ...(elementwise ? elementwiseStep(node, engines) : { run: performThunk(node, engines, children) }),
      dying: [],
      elementwise,
    };
  });
  const outSlots = outputs.map(slotOf);
  // Missing roots are a bug of the caller (compile checks inputs first).
  for (const [v, s] of slot) {
    if (!v.owner && !(v instanceof Constant) && !rootSet.has(v)) {
      throw new HypatiaError(`internal: variable ${v} (slot ${s}) has no value source`);
    }
  }
  // Last reader of each produced slot; outputs are never recycled.
  const produced = new Set(steps.flatMap((s) => s.outs));
  const keep = new Set(outSlots);
  const last = new Map<number, number>();
  steps.forEach((s, i) => s.ins.forEach((x) => last.set(x, i)));
  for (const [x, i] of last) if (produced.has(x) && !keep.has(x)) steps[i].dying.push(x);
  for (const s of steps) s.dying = [...new Set(s.dying)];

  const pool = new BufferPool(engines.memory);
  const nSlots = template.length;
  const rootSlots = roots.map((r) => slot.get(r)!);
  const sharedRoots = roots.flatMap((r, i) => (r instanceof SharedVariable ? [i] : []));
  const constantBuffers = template.flatMap((t) => (t ? [t.data] : []));
  // Per-run bookkeeping, cleared at the start of each run (a program does not re-enter
  // itself: a scan body is a program of its own). A buffer usually has one holder (the
  // slot its step wrote); an output that is one of its step's inputs (a view op's
  // result) adds a holder, counted in `extraHolders`, and the buffer goes back to the
  // pool when its last holder dies.
  const extraHolders = new Map<TypedArray, number>();
  const foreign = new Set<TypedArray>();
  const args = steps.map((s) => new Array<NDArray>(s.ins.length));
  // Nodes whose results stay inside the call may take engine memory (pool.ts).
  const inside = steps.map((s) => !s.outs.some((o) => keep.has(o)));
  // The run's values, by slot: one array for every run (a scan body runs once per step),
  // emptied when a run ends so that it keeps nothing alive between calls.
  const vals: NDArray[] = new Array(nSlots);
  const release = (x: number) => {
    const buf = vals[x].data;
    const extra = extraHolders.size > 0 ? extraHolders.get(buf) : undefined;
    if (extra === undefined) {
      if (!foreign.has(buf)) pool.give(buf);
    } else if (extra === 1) extraHolders.delete(buf);
    else extraHolders.set(buf, extra - 1);
  };

  return {
    roots,
    steps,
    recycle(buf) {
      pool.give(buf);
    },
    free() {
      pool.clear();
      for (const c of children) c.free();
    },
    pooled() {
      return children.reduce((n, c) => n + c.pooled(), pool.size);
    },
    run: (rootValues, wanted) => execute(rootValues, wanted),
    fix(rootValues, varying) {
      const seen: NDArray[] = new Array(nSlots);
      const results = execute(rootValues, undefined, seen);
      return {
        results,
        plan: fixedRun(steps, seen, rootSlots, rootValues, varying, outSlots, pool),
      };
    },
  };

  /** One run; `seen`, when given, receives every slot's value (for its dtype and shape). */
  function execute(rootValues: readonly NDArray[], wanted?: readonly number[], seen?: NDArray[]): NDArray[] {
    for (let i = 0; i < nSlots; i++) vals[i] = template[i] as NDArray;
    extraHolders.clear();
    // Buffers from outside (inputs, shared values, constants) are never recycled.
    foreign.clear();
    for (let i = 0; i < rootSlots.length; i++) {
      vals[rootSlots[i]] = rootValues[i];
      foreign.add(rootValues[i].data);
    }
    for (const b of constantBuffers) foreign.add(b);
    // The WebAssembly engine may copy a large root buffer in once for the whole run, and
    // keep a shared variable's value in its memory between calls (staging.ts).
    let shared: SharedStorage[] = NO_SHARED;
    for (const i of sharedRoots) {
      const st = (roots[i] as SharedVariable).storage;
      if (st.value === rootValues[i]) (shared === NO_SHARED ? (shared = []) : shared).push(st);
    }
    const scope = engines.beginRun(foreign, shared);
    // The step running, for the error's context (one handler for the loop: a handler
    // per step cost a scan body's run measurably).
    let running: Step | undefined;
    try {
      for (let si = 0; si < steps.length; si++) {
        const step = steps[si], ins = args[si];
        for (let k = 0; k < ins.length; k++) ins[k] = vals[step.ins[k]];
        // Elementwise kernels may write over an input that dies here (same index map).
        if (step.elementwise) { for (const x of step.dying) release(x); }
        pool.engine = inside[si];
        running = step;
        const outs = step.run(ins, pool);
        running = undefined;
        for (let k = 0; k < outs.length; k++) {
          vals[step.outs[k]] = outs[k];
          if (!step.elementwise) countAlias(outs, k, ins, extraHolders);
        }
        if (!step.elementwise) { for (const x of step.dying) release(x); }
      }
      // Results leave as arrays of their own: never an input's, a shared value's or a
      // constant's buffer, nor engine memory (a view op's result over an intermediate).
      const count = wanted ? wanted.length : outSlots.length;
      const results = new Array<NDArray>(count);
      for (let i = 0; i < count; i++) {
        const v = vals[outSlots[wanted ? wanted[i] : i]];
        results[i] = foreign.has(v.data) || pool.lentFromEngine(v.data) ? v.copy() : v;
      }
      if (seen) { for (let i = 0; i < nSlots; i++) seen[i] = vals[i]; }
      return results;
    } catch (e) {
      throw running ? contextualize(e, running.node) : e;
    } finally {
      scope.end();
      pool.engine = false;
      // The run's values are dropped (results were copied out of engine memory): every
      // engine buffer goes back to the pool, so calls never leave engine blocks behind.
      pool.endRun();
      // Keep no value alive between calls through the slots and argument lists.
      for (let i = 0; i < nSlots; i++) vals[i] = undefined as never;
      for (let si = 0; si < args.length; si++) {
        const a = args[si];
        for (let k = 0; k < a.length; k++) a[k] = undefined as never;
      }
    }
  }
}

/**
 * The program bound to fixed arrays of the shapes one run gave (`seen`, by slot): each
 * value gets an array of its own (a varying root, an intermediate) or keeps the one it
 * had (a root that does not vary, a constant), and each node a kernel bound to its
 * arrays by the kernel it runs (`Bindable.bindTo`), or the JS loop of an elementwise node.
 * A node without a bound kernel runs its usual one, and its results are copied into its
 * arrays. Undefined when a value was not seen (a node that did not run), and for a body
 * with an op that does more than compute (`effect`): a step the fixed run abandons is run
 * again the usual way, and Print would print twice.
 */
function fixedRun(
  steps: readonly Step[],
  seen: readonly NDArray[],
  rootSlots: readonly number[],
  rootValues: readonly NDArray[],
  varying: readonly boolean[],
  outSlots: readonly number[],
  pool: BufferPool,
): FixedRun | undefined {
  if (steps.some((st) => st.node.op.effect)) return undefined;
  const fixed: NDArray[] = new Array(seen.length);
  const roots = rootSlots.map((s, i) => fixed[s] = varying[i] ? rootValues[i].copy() : rootValues[i]);
  // Intermediates share buffers as the usual run's pool makes them: a buffer whose value
  // has had its last reader serves a later value of its dtype and size (never an output of
  // the node reading it: bound kernels do not all compute in place). Outputs keep their own.
  const produced = new Set(steps.flatMap((st) => st.outs)), kept = new Set(outSlots);
  const lastRead = new Map<number, number>();
  steps.forEach((st, i) => st.ins.forEach((s) => lastRead.set(s, i)));
  const free = new Map<string, TypedArray[]>();
  const keyOf = (v: NDArray) => `${v.dtype}:${v.size}`;
  for (let i = 0; i < steps.length; i++) {
    for (const o of steps[i].outs) {
      const v = seen[o];
      if (!v) return undefined; // a value that was not seen: nothing to fix it to
      const reused = kept.has(o) ? undefined : free.get(keyOf(v))?.pop();
      fixed[o] = new NDArray(v.dtype, v.shape, reused);
    }
    for (const s of new Set(steps[i].ins)) {
      if (lastRead.get(s) !== i || !produced.has(s) || kept.has(s)) continue;
      const key = keyOf(fixed[s]);
      (free.get(key) ?? free.set(key, []).get(key)!).push(fixed[s].data);
    }
  }
  for (let s = 0; s < seen.length; s++) if (!fixed[s] && seen[s]) fixed[s] = seen[s]; // constants stay
  const bound = steps.map((st) => {
    const ins = st.ins.map((s) => fixed[s]), outs = st.outs.map((s) => fixed[s]);
    const loop = st.loop?.(ins, outs), b = st.run.bindTo?.(ins, outs, loop);
    return b === "generic"
      ? genericBound(st, ins, outs, pool)
      : b ?? loop ?? genericBound(st, ins, outs, pool);
  });
  return {
    roots,
    outputs: outSlots.map((s) => fixed[s]),
    run() {
      let i = 0;
      try {
        for (; i < bound.length; i++) bound[i]();
      } catch (e) {
        throw e instanceof ShapeMiss ? e : contextualize(e, steps[i].node);
      }
    },
  };
}

/**
 * A node's usual kernel as a bound one: its results are checked against the recorded
 * shapes (`ShapeMiss` when they differ), copied into `outs`, and their buffers given back
 * to the pool when they are whole buffers of their own (not a view of an input).
 */
function genericBound(
  step: Step,
  ins: readonly NDArray[],
  outs: readonly NDArray[],
  pool: BufferPool,
): BoundKernel {
  const args = [...ins];
  return () => {
    const res = step.run(args, pool);
    for (let k = 0; k < outs.length; k++) {
      const r = res[k], o = outs[k];
      if (r.dtype !== o.dtype || r.ndim !== o.ndim || r.shape.some((d, i) => d !== o.shape[i])) {
        throw new ShapeMiss(`${step.node.where()}: output ${k} changed shape`);
      }
      // (never o's own buffer: bound arrays are not the pool's to hand out)
      o.data.set(r.data.length === o.size ? r.data : r.data.subarray(0, o.size) as never);
    }
    for (let k = 0; k < res.length; k++) {
      const d = res[k].data;
      if (givable(d, ins) && !res.some((r, j) => j < k && r.data === d)) pool.give(d);
    }
  };
}

/**
 * Count a holder more for output `k`'s buffer when an input or an earlier output of
 * the same step holds it too (elementwise outputs never alias a live input: they may
 * only reuse one that died, whose holder is gone).
 */
function countAlias(outs: NDArray[], k: number, ins: NDArray[], extraHolders: Map<TypedArray, number>): void {
  const buf = outs[k].data;
  let shared = false;
  for (let j = 0; j < ins.length && !shared; j++) shared = ins[j].data === buf;
  for (let j = 0; j < k && !shared; j++) shared = outs[j].data === buf;
  if (shared) extraHolders.set(buf, (extraHolders.get(buf) ?? 0) + 1);
}

/** Give any error from inside a node the node's name and the user's line. */
function contextualize(e: unknown, node: Apply): Error {
  if (e instanceof HypatiaError) {
    if (node.trace && !e.message.includes(node.trace)) e.message += ` [node ${node.where()}]`;
    return e;
  }
  const err = new HypatiaError(`${describeNode(node)} failed: ${(e as Error)?.message ?? e}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}
