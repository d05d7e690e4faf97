/**
 * Scan on the GPU: a Scan node whose body placement.ts could put entirely on the GPU
 * (`ScanUnit`) is run step by step into the call's one command encoder, with no
 * readback between steps.
 *
 * Every step reads its inputs from the same buffers (one per sequence offset and state
 * tap), filled by buffer-to-buffer copies recorded in the encoder (a sequence row is a copy from its offset in the sequence
 * buffer; a state tap is a copy from its row of the state's history buffer), runs the
 * body's schedule, and copies each new state into its row of the history (or of a ring of
 * `L` rows when only the last value is kept) and each collected output into its row of
 * the output buffer. So the body's kernels see the same shapes and the same uniform words
 * at every step and their bind groups repeat: no per-step uniforms are needed. (A step
 * whose uniforms do change makes run.ts submit what is recorded before rewriting them.)
 * Outputs collected like a sequence (gradients) are added into their rows by a small
 * kernel. The layout of the rows follows backends/cpu/scan_runner.ts exactly.
 * @module
 */
import { HypatiaError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import { wgslType } from "../../ops/elemwise.ts";
import { ScanChecks } from "../../ops/scan/checks.ts";
import { lagsOf, rowMap, type ScanParams } from "../../ops/scan/params.ts";
import type { DevValue, WebGpuCall } from "./call.ts";
import { dispatchSize, WORKGROUP_SIZE } from "./codegen.ts";
import { type GpuStore, laneBytes, pipelineFor } from "./device.ts";
import type { GpuComputePipeline } from "./gpu_types.ts";
import type { ScanUnit } from "./placement.ts";
import type { DeviceStep } from "../device_engine.ts";

/** What the scan needs of the run it is part of (run.ts's ScheduleRun). */
export interface ScanHost {
  readonly call: WebGpuCall;
  readonly host: (NDArray | undefined)[];
  readonly dev: (DevValue | undefined)[];
  shapeOf(s: number): readonly number[];
  devOf(s: number): DevValue;
  ensureHost(slots: readonly number[]): Promise<void>;
}

/** One step's run of the body schedule. */
export interface InnerRun {
  execute(): Promise<void>;
  devOf(s: number): DevValue;
  cleanup(): void;
}

/** Counters for tests: steps recorded on the GPU. */
export const gpuScanStats = { steps: 0, scans: 0 };

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** WGSL adding two arrays of lanes (`c = a + b`), for outputs collected like a sequence. */
function addSource(t: string): string {
  return [
    `@group(0) @binding(0) var<storage, read> a: array<${t}>;`,
    `@group(0) @binding(1) var<storage, read> b: array<${t}>;`,
    `@group(0) @binding(2) var<storage, read_write> c: array<${t}>;`,
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
    `  let i = gid.x + gid.y * nwg.x * ${WORKGROUP_SIZE}u;`,
    `  if (i >= min(arrayLength(&c), min(arrayLength(&a), arrayLength(&b)))) { return; }`,
    `  c[i] = a[i] + b[i];`,
    `}`,
  ].join("\n");
}

/**
 * Run one scan unit: every step's kernels recorded into the host's call; the outputs are
 * left in `host.dev`. `makeRun` starts a run of the body schedule on the given roots (each
 * holding one hold, which the run lets go of).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gpuScanStats } from "./scan_gpu.ts";
 * import { navigatorGpu } from "./device.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { add } from "../../ops/arith.ts";
 * import { fscalar, fvector } from "../../ops/constructors.ts";
 * import { compileFunction } from "../../compile/function.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * if (navigatorGpu()) {
 *   const x = fvector("x"), z = fscalar("z");
 *   const [cum] = scan({ fn: (xt, acc) => add(acc, xt), sequences: x, outputsInfo: z });
 *   const f = compileFunction([x, z], cum, { device: "webgpu" });
 *   const before = gpuScanStats.steps;
 *   const out = await Promise.resolve(f(asarray([1, 2, 3], { dtype: "float32" }), asarray(0, { dtype: "float32" })))
 *     .catch(() => undefined); // no adapter: nothing to show
 *   if (out) assert(out.toString() === "[1. 3. 6.]" && gpuScanStats.steps === before + 3);
 * }
 * ```
 */
export async function runScanUnit(
  host: ScanHost,
  u: DeviceStep<ScanUnit>,
  makeRun: (roots: readonly (readonly [number, NDArray | DevValue])[]) => InnerRun,
): Promise<void> {
  const node = u.node, p = node.params as ScanParams, call = host.call, ctx = call.ctx;
  const checks = new ScanChecks(node), label = checks.label;
  const innerSlot = (i: number) => u.inner.slots.get(p.innerInputs[i])!;
  const outStep = (s: GpuStore, dst: GpuStore, row: number, size: number) =>
    call.copy(s.buffer, 0, dst.buffer, laneBytes(row * size), laneBytes(size));

  // Number of steps.
  const seqShapes = p.seqs.map((_, j) => host.shapeOf(u.ins[p.seqStart + j]));
  if (p.hasN) await host.ensureHost([u.ins[0]]);
  const n = checks.stepCount(p.hasN ? host.host[u.ins[0]]!.item() : undefined, seqShapes.map((s) => s[0]));
  const steps = p.truncate === null ? n : Math.min(n, p.truncate);

  // The add kernel (outputs collected like a sequence), compiled before anything is recorded.
  const addPipes = new Map<string, GpuComputePipeline>();
  for (let m = 0; m < p.collects.length; m++) {
    if (p.collects[m].like === null) continue;
    const src = addSource(wgslType(node.outputs[p.states.length + m].dtype)!);
    if (!addPipes.has(src)) {
      let pipe = ctx.ready.get(src);
      if (!pipe) {
        call.submit(); // nothing recorded may wait across an await (see run.ts)
        pipe = await pipelineFor(ctx, src, `the row-add kernel of ${label}`);
      }
      addPipes.set(src, pipe);
    }
  }

  const held: GpuStore[] = []; // buffers of this unit, dropped if it fails
  const alloc = (elements: number, zero = false) => {
    const s = call.alloc(elements);
    held.push(s);
    if (zero) call.clear(s.buffer);
    return s;
  };
  try {
    const seqs = p.seqs.map((spec, j) => {
      const shape = seqShapes[j], rowShape = checks.sequence(j, shape, n);
      const v = host.devOf(u.ins[p.seqStart + j]);
      const [a, b] = rowMap(spec, shape[0], n);
      const size = sizeOf(rowShape), rows = spec.offsets.map(() => alloc(size));
      return { v, rowShape, size, a, b, offsets: spec.offsets, rows };
    });

    const states = p.states.map((s, k) => {
      const init = host.devOf(u.ins[p.initStart + k]);
      const L = lagsOf(s), rowShape = checks.initialState(k, init.shape);
      const size = sizeOf(rowShape), all = s.keep === "all";
      const buf = alloc((all ? L + n : L) * size);
      call.copy(init.store.buffer, 0, buf.buffer, 0, laneBytes(L * size));
      const rows = s.taps.map(() => alloc(size));
      return { s, L, rowShape, size, all, buf, dtype: init.dtype, rows };
    });

    const nonSeqs = [...Array(p.nNonSeqs).keys()].map((q) => {
      const v = host.devOf(u.ins[p.nonSeqStart + q]);
      checks.nonSequence(q, v.shape);
      return v;
    });

    const collects = p.collects.map((c, m) => {
      const at = p.collectSlot(m), dtype = node.outputs[p.states.length + m].dtype;
      if (c.like === null) {
        return {
          at,
          dtype,
          like: null,
          out: undefined as GpuStore | undefined,
          rowShape: [] as number[],
          size: 0,
        };
      }
      const likeShape = seqShapes[c.like];
      const [a, b] = rowMap(c, likeShape[0], n);
      const rowShape = likeShape.slice(1);
      return {
        at,
        dtype,
        like: likeShape,
        out: alloc(sizeOf(likeShape), true) as GpuStore | undefined,
        rowShape,
        size: sizeOf(rowShape),
        a,
        b,
        offsets: c.offsets,
        pipe: addPipes.get(addSource(wgslType(dtype)!))!,
      };
    });

    for (let t = 0; t < steps; t++) {
      const roots: [number, DevValue][] = [];
      let slot = 0;
      for (const s of seqs) {
        s.offsets.forEach((o, k) => {
          const r = s.rows[k], from = laneBytes((s.a + s.b * (t + o)) * s.size);
          call.copy(s.v.store.buffer, from, r.buffer, 0, laneBytes(s.size));
          roots.push([innerSlot(slot++), { store: r.retain(), dtype: s.v.dtype, shape: s.rowShape }]);
        });
      }
      for (const st of states) {
        st.s.taps.forEach((tap, k) => {
          const i = t + tap + st.L, r = st.rows[k], from = laneBytes((st.all ? i : i % st.L) * st.size);
          call.copy(st.buf.buffer, from, r.buffer, 0, laneBytes(st.size));
          roots.push([innerSlot(slot++), { store: r.retain(), dtype: st.dtype, shape: st.rowShape }]);
        });
      }
      for (const v of nonSeqs) roots.push([innerSlot(slot++), { ...v, store: v.store.retain() }]);
      const run = makeRun(roots);
      try {
        await run.execute();
        const outs = u.inner.outSlots.map((s) => run.devOf(s));
        states.forEach((st, k) => {
          const o = outs[k];
          checks.stateResult(t, k, o.shape, st.rowShape);
          const i = t + st.L;
          outStep(o.store, st.buf, st.all ? i : i % st.L, st.size);
        });
        collects.forEach((c, m) => {
          if (c.like === null) {
            const o = outs[c.at];
            if (!c.out) {
              c.rowShape = [...o.shape];
              c.size = sizeOf(o.shape);
              c.out = alloc(n * c.size, steps < n);
            } else checks.outputResult(t, m, o.shape, c.rowShape);
            outStep(o.store, c.out, t, c.size);
            return;
          }
          c.offsets!.forEach((off, k) => {
            const o = outs[c.at + k];
            checks.rowResult(t, o.shape, c.rowShape);
            const row = c.a! + c.b! * (t + off), bytes = laneBytes(c.size);
            const cur = call.alloc(c.size), sum = call.alloc(c.size);
            call.copy(c.out!.buffer, row * bytes, cur.buffer, 0, bytes);
            const group = ctx.device.createBindGroup({
              layout: c.pipe!.getBindGroupLayout(0),
              entries: [cur, o.store, sum].map((s, binding) => ({ binding, resource: { buffer: s.buffer } })),
            });
            call.dispatch(
              c.pipe!,
              group,
              dispatchSize(c.size, ctx.device.limits.maxComputeWorkgroupsPerDimension),
            );
            call.copy(sum.buffer, 0, c.out!.buffer, row * bytes, bytes);
            call.drop(cur);
            call.drop(sum);
          });
        });
      } catch (e) {
        if (e instanceof HypatiaError && !e.message.includes(" at step ")) {
          e.message += ` (in ${label} at step ${t})`;
        }
        throw e;
      } finally {
        run.cleanup();
      }
      gpuScanStats.steps++;
    }
    gpuScanStats.scans++;

    // Outputs: states (history past the initial rows, or the last value), then collected ones.
    const results: DevValue[] = states.map((st) => {
      const dtype = node.outputs[states.indexOf(st)].dtype;
      if (st.all) {
        const r = alloc(n * st.size);
        call.copy(st.buf.buffer, laneBytes(st.L * st.size), r.buffer, 0, laneBytes(n * st.size));
        return { store: r, dtype, shape: [n, ...st.rowShape] };
      }
      if (st.s.truncZero && steps < n) return { store: alloc(st.size, true), dtype, shape: st.rowShape };
      const r = alloc(st.size);
      call.copy(
        st.buf.buffer,
        laneBytes(((steps - 1 + st.L) % st.L) * st.size),
        r.buffer,
        0,
        laneBytes(st.size),
      );
      return { store: r, dtype, shape: st.rowShape };
    });
    collects.forEach((c, m) => {
      if (c.out) {
        results.push({ store: c.out, dtype: c.dtype, shape: c.like ?? [n, ...c.rowShape] });
        return;
      }
      // No step ran: an empty stack whose row shape comes from the static type.
      const ty = node.outputs[p.states.length + m].type;
      const shape = ty.shape.map((d, i) => (i === 0 ? n : d ?? 0));
      results.push({ store: alloc(sizeOf(shape), true), dtype: c.dtype, shape });
    });
    // The history buffers and the step inputs die here.
    for (const b of [...states.flatMap((st) => [st.buf, ...st.rows]), ...seqs.flatMap((q) => q.rows)]) {
      held.splice(held.indexOf(b), 1);
      call.drop(b);
    }
    u.outs.forEach((s, k) => (host.dev[s] = results[k]));
  } catch (e) {
    for (const s of held) call.drop(s);
    throw e;
  }
}
