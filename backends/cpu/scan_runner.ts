/**
 * The CPU runner of Scan nodes. The body is compiled into a CPU program once, when the
 * node's kernel is made (once per compiled function), and run at every step on row
 * views of the sequences and states: no graph is walked and nothing is recompiled
 * inside the loop. Recurrent states live in one buffer per state (the whole history,
 * or a ring of the last `L` values when only the final one is output).
 * @module
 */
import { HypatiaError } from "../../core/errors.ts";
import type { TypedArray } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { ScanChecks } from "../../ops/scan/checks.ts";
import { lagsOf, rowMap, type ScanParams } from "../../ops/scan/params.ts";
import { type CpuProgram, type FixedRun, type Kernel, type ProgramBuilder, ShapeMiss } from "../kernel.ts";
import { givable } from "./pool.ts";

/**
 * Counters for tests: bodies compiled, steps run over fixed arrays, and the state rows
 * runs kept for a backward pass (`keep: "all"` histories, initial rows included): the
 * most one run kept, and the total.
 */
export const scanStats = { bodiesCompiled: 0, largestHistory: 0, historyRows: 0, fixedSteps: 0 };

/**
 * `fixedSteps`: run the steps after the first through the body bound to fixed arrays
 * (`CpuProgram.fix`), when it can be bound; off, every step runs the body's program (the
 * reference the fixed run is tested against).
 */
export const scanOptions: { fixedSteps: boolean } = { fixedSteps: true };

/** Copy `n` elements of `src` from `from` into `dst` from `to` (a loop for short rows: no view made). */
function copyRow(src: TypedArray, from: number, n: number, dst: TypedArray, to: number): void {
  if (n <= 64) { for (let i = 0; i < n; i++) dst[to + i] = src[from + i]; }
  else dst.set(src.subarray(from, from + n) as never, to);
}

/** Row `r` of a C-contiguous array, as a view sharing its data. */
function rowView(a: NDArray, rowShape: readonly number[], size: number, r: number): NDArray {
  return new NDArray(a.dtype, rowShape, a.data.subarray(r * size, (r + 1) * size));
}

/**
 * The kernel of a Scan node: compiles its body once with `build` and returns the loop.
 * Registered for the scan op in the JS engine's table (table.ts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanKernel } from "./scan_runner.ts";
 * import { buildHostProgram } from "../../compile/schedule.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { add } from "../../ops/arith.ts";
 * import { dscalar, dvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * const [cum] = scan({ fn: (xt, acc) => add(acc, xt), sequences: dvector("x"), outputsInfo: dscalar("z") });
 * const run = scanKernel(cum.owner!, buildHostProgram);
 * const [out] = run([asarray([1, 2, 3], { dtype: "float64" }), asarray(10, { dtype: "float64" })]);
 * assert(out.toString() === "[11. 13. 16.]");
 * ```
 */
export function scanKernel(node: Apply, build?: ProgramBuilder): Kernel {
  if (!build) throw new HypatiaError(`${node.where()}: the scan runner needs the CPU program builder`);
  const p = node.params as ScanParams;
  const program = build(p.innerInputs, p.innerOutputs);
  scanStats.bodiesCompiled++;
  return (ins) => runScan(node, p, program, ins);
}

function runScan(node: Apply, p: ScanParams, program: CpuProgram, ins: NDArray[]): NDArray[] {
  const checks = new ScanChecks(node);

  const seqVals = ins.slice(p.seqStart, p.initStart);
  const n = checks.stepCount(p.hasN ? ins[0].item() : undefined, seqVals.map((v) => v.shape[0]));
  const steps = p.truncate === null ? n : Math.min(n, p.truncate);
  const roots: NDArray[] = new Array(p.innerInputs.length);

  // Sequences.
  const seqs = seqVals.map((v, j) => {
    const spec = p.seqs[j];
    // Frozen once: the NDArray of each step's row then shares it instead of copying it.
    const rowShape = Object.freeze([...checks.sequence(j, v.shape, n)]);
    const [a, b] = rowMap(spec, v.shape[0], n);
    return { v, rowShape, size: rowShape.reduce((x, y) => x * y, 1), a, b, offsets: spec.offsets };
  });

  // States: initial rows, then one row per step ("all") or a ring of L rows ("last").
  const states = p.states.map((s, k) => {
    const init = ins[p.initStart + k];
    const L = lagsOf(s);
    const rowShape = Object.freeze([...checks.initialState(k, init.shape)]);
    const size = rowShape.reduce((x, y) => x * y, 1);
    const all = s.keep === "all";
    if (!all) {
      // A ring of L arrays of their own: a step's result whose buffer the runner may keep
      // takes the place of the oldest row instead of being copied into it (see `adopt`).
      const ring = Array.from(
        { length: L },
        (_, r) => new NDArray(init.dtype, rowShape, init.data.slice(r * size, (r + 1) * size)),
      );
      return { s, L, rowShape, size, all, buf: undefined, ring };
    }
    const buf = new NDArray(init.dtype, [L + n, ...rowShape]);
    scanStats.historyRows += L + n;
    scanStats.largestHistory = Math.max(scanStats.largestHistory, L + n);
    buf.data.set(init.data);
    return { s, L, rowShape, size, all, buf, ring: [] as NDArray[] };
  });
  const nonSeq0 = p.nonSeqSlot(0);
  for (let q = 0; q < p.nNonSeqs; q++) {
    const v = ins[p.nonSeqStart + q];
    checks.nonSequence(q, v.shape);
    roots[nonSeq0 + q] = v;
  }

  // Collected outputs.
  const collects = p.collects.map((c, m) => {
    const at = p.collectSlot(m);
    if (c.like === null) {
      return {
        at,
        like: false as const,
        out: undefined as NDArray | undefined,
        rowShape: [] as number[],
        size: 0,
      };
    }
    const like = seqVals[c.like];
    const [a, b] = rowMap(c, like.shape[0], n);
    const rowShape = like.shape.slice(1);
    return {
      at,
      like: true as const,
      out: new NDArray(like.dtype, like.shape),
      rowShape,
      size: rowShape.reduce((x, y) => x * y, 1),
      a,
      b,
      offsets: c.offsets,
    };
  });

  // Per step: the result buffers kept as ring rows, and the rows they replaced.
  const kept: TypedArray[] = [], retired: TypedArray[] = [];
  // After the first step, the body bound to fixed arrays (sequence rows and state taps
  // are copied into its roots; the non-sequences stay bound as given).
  let plan: FixedRun | undefined;
  const fixable = scanOptions.fixedSteps && steps > 1 && program.fix !== undefined;
  for (let t = 0; t < steps; t++) {
    let outs: NDArray[] | readonly NDArray[] | undefined;
    if (plan) {
      try {
        outs = runFixed(plan, t, seqs, states);
        scanStats.fixedSteps++;
      } catch (e) {
        if (!(e instanceof ShapeMiss)) {
          if (e instanceof HypatiaError) e.message += ` (in ${checks.label} at step ${t})`;
          throw e;
        }
        plan = undefined; // a shape that depends on values: the usual runs from here on
      }
    }
    if (outs) {
      collectStep(t, outs, false);
      continue;
    }
    let slot = 0;
    for (const s of seqs) {
      for (const o of s.offsets) roots[slot++] = rowView(s.v, s.rowShape, s.size, s.a + s.b * (t + o));
    }
    for (const st of states) {
      for (const tap of st.s.taps) {
        const i = t + tap + st.L;
        roots[slot++] = st.buf ? rowView(st.buf, st.rowShape, st.size, i) : st.ring[i % st.L];
      }
    }
    try {
      if (t === 0 && fixable) {
        const fixed = program.fix!(roots, roots.map((_, i) => i < nonSeq0));
        outs = fixed.results;
        plan = fixed.plan;
      } else outs = program.run(roots);
    } catch (e) {
      if (e instanceof HypatiaError) e.message += ` (in ${checks.label} at step ${t})`;
      throw e;
    }
    collectStep(t, outs, true);
  }

  /**
   * Keep step `t`'s results: state rows into the history or the ring, collected rows into
   * their outputs. `own`: the results are arrays the program no longer holds (a usual
   * run's), which may become ring rows and go back to its pool; a fixed run's are its own.
   */
  function collectStep(t: number, outs: readonly NDArray[], own: boolean): void {
    kept.length = 0;
    retired.length = 0;
    for (let k = 0; k < states.length; k++) {
      const st = states[k], o = outs[k];
      checks.stateResult(t, k, o.shape, st.rowShape);
      const i = t + st.L;
      if (st.buf) {
        st.buf.data.set(o.data, i * st.size);
        continue;
      }
      const r = i % st.L, old = st.ring[r];
      if (own && adoptable(o, old, roots, kept)) {
        kept.push(o.data);
        retired.push(old.data);
        st.ring[r] = o;
      } else old.data.set(o.data);
    }
    for (let m = 0; m < collects.length; m++) {
      const c = collects[m];
      if (!c.like) {
        const o = outs[c.at];
        if (!c.out) {
          c.rowShape = [...o.shape];
          c.size = o.size;
          c.out = new NDArray(o.dtype, [n, ...o.shape]);
        } else checks.outputResult(t, m, o.shape, c.rowShape);
        c.out.data.set(o.data, t * c.size);
        continue;
      }
      const dst = c.out!.data;
      for (let k = 0; k < c.offsets.length; k++) {
        const o = outs[c.at + k];
        checks.rowResult(t, o.shape, c.rowShape);
        const base = (c.a + c.b * (t + c.offsets[k])) * c.size, src = o.data;
        for (let i = 0; i < c.size; i++) dst[base + i] += src[i];
      }
    }
    if (!own) return;
    recycleResults(program, outs, roots, kept);
    // The ring rows replaced this step were the runner's own (a copy of the initial
    // state, or an earlier result it kept); nothing reads them any more.
    for (const b of retired) program.recycle(b);
  }

  const results: NDArray[] = states.map((st) => {
    if (st.buf) {
      return new NDArray(st.buf.dtype, [n, ...st.rowShape], st.buf.data.subarray(st.L * st.size));
    }
    if (st.s.truncZero && steps < n) return new NDArray(st.ring[0].dtype, st.rowShape);
    return st.ring[(steps - 1 + st.L) % st.L].copy();
  });
  p.collects.forEach((_c, m) => {
    const col = collects[m];
    if (col.out) return results.push(col.out);
    // No step ran: an empty stack whose row shape comes from the static type.
    const t = node.outputs[p.states.length + m].type;
    results.push(new NDArray(t.dtype, t.shape.map((d, i) => (i === 0 ? n : d ?? 0))));
  });
  return results;
}

/**
 * Whether a state result `o` may become a ring row in place of `like` without a copy:
 * the same dtype and storage, a whole buffer that is no root's memory (`run` hands out such
 * buffers as its own: intermediates it no longer holds) and not kept already by
 * another state this step (two results may share a buffer).
 */
function adoptable(o: NDArray, like: NDArray, roots: readonly NDArray[], kept: TypedArray[]): boolean {
  const d = o.data;
  if (o.dtype !== like.dtype || d.constructor !== like.data.constructor || !givable(d, roots)) {
    return false;
  }
  for (let j = 0; j < kept.length; j++) if (kept[j].buffer === d.buffer) return false;
  return true;
}

/**
 * Give the body's results back to its pool once the step has copied them out, so that
 * the next step takes them instead of allocating: in steady state a step allocates no
 * buffer. Only whole buffers are given, each once (two results may share one), none
 * kept as a ring row and none in a root's memory.
 */
function recycleResults(
  program: CpuProgram,
  outs: readonly NDArray[],
  roots: readonly NDArray[],
  kept: readonly TypedArray[],
): void {
  for (let k = 0; k < outs.length; k++) {
    const d = outs[k].data;
    if (!givable(d, roots)) continue;
    let seen = false;
    for (let j = 0; j < k && !seen; j++) seen = outs[j].data.buffer === d.buffer;
    for (let j = 0; j < kept.length && !seen; j++) seen = kept[j].buffer === d.buffer;
    if (!seen) program.recycle(d);
  }
}

/** Step `t` through the fixed run: its varying roots filled from the sequences and states. */
function runFixed(
  plan: FixedRun,
  t: number,
  seqs: readonly { v: NDArray; size: number; a: number; b: number; offsets: readonly number[] }[],
  states: readonly {
    s: { taps: readonly number[] };
    L: number;
    size: number;
    buf?: NDArray;
    ring: NDArray[];
  }[],
): readonly NDArray[] {
  const roots = plan.roots;
  let slot = 0;
  for (const s of seqs) {
    for (const o of s.offsets) {
      copyRow(s.v.data, (s.a + s.b * (t + o)) * s.size, s.size, roots[slot++].data, 0);
    }
  }
  for (const st of states) {
    for (const tap of st.s.taps) {
      const i = t + tap + st.L;
      if (st.buf) copyRow(st.buf.data, i * st.size, st.size, roots[slot++].data, 0);
      else copyRow(st.ring[i % st.L].data, 0, st.size, roots[slot++].data, 0);
    }
  }
  plan.run();
  return plan.outputs;
}
