/**
 * MRG31k3p uniforms in WebAssembly SIMD, four substreams per i32x4 vector.
 *
 * Element i of a draw comes from substream `i % ns`, so row r of the output (elements
 * `r·ns .. r·ns + ns - 1`) holds one draw of every substream, and substreams k..k+3 fill
 * four adjacent elements of each row: one v128 store. The kernel keeps a group of four
 * substreams in six i32x4 registers and walks down the rows, exactly as the scalar loop
 * (random/mrg_core.ts `fillUniform32/64`) keeps one substream in six numbers.
 *
 * The step is the scalar one lane by lane: the multipliers are powers of two, so it is
 * made of 32-bit masks, shifts, adds and the product by 21069 (`i32x4.mul`), and every
 * intermediate is below 2^32 (mrg_core.ts explains why), which `i32x4` arithmetic
 * (wrapping modulo 2^32, an unsigned minimum where a value may pass 2^31) keeps exactly. The float conversion is the scalar one too: `f32x4.convert_i32x4_s` rounds
 * z to nearest even like `Math.fround`, and the product by NORM32 is rounded once in both;
 * float64 is `z · 2^-31`, exact. So the numbers are bit-identical (tested).
 *
 * What the vectors do not cover runs the scalar loop afterwards on the same state: the
 * last `ns % 4` substreams, and the last, partial row (n not a multiple of ns). Each
 * substream's draws stay in order, so the state after the call is the scalar one.
 * Output rows are made in chunks in the arena and copied out; the state is copied in
 * once, transposed to one vector per word and group by a small function of the same
 * module (and back afterwards), and stays there between chunks.
 * @module
 */
import { config } from "../../core/config.ts";
import type { Apply } from "../../core/graph.ts";
import { type MrgDraws, mrgRun, scalarDraws } from "../../random/mrg_op.ts";
import { performRandom, type RandomParams } from "../../random/random_op.ts";
import type { Kernel } from "../kernel.ts";
import { fillUniform32, fillUniform64, M1, M2, NORM32, NORM64 } from "../../random/mrg_core.ts";
import { forRange } from "./asm.ts";
import { type Code, I32, ModuleBuilder, V128 } from "./emitter.ts";
import { hasSimd } from "./features.ts";
import { arena } from "./memory.ts";
import { simdBoxMuller } from "./box_muller.ts";
import { usableThreads } from "./matmul.ts";
import { jobsFor, type KernelModule, kernelModule, runParallel } from "./threads.ts";

/**
 * Tunables: draws below `minSize`, of less than one row (one draw of every substream),
 * or from fewer than 4 or more than `maxStreams` substreams run the scalar loop;
 * `chunk` elements per pass on one thread; from `parallelSize` draws the groups of
 * substreams are split across threads (`config.threads`). The split is off by default:
 * measured on the shared 2-core machine (bench/RESULTS.md, issue 17), 1e7 float32
 * draws took 40–43 ms split against 31 ms on one thread (the second core was busy).
 */
export const mrgOptions: { minSize: number; maxStreams: number; chunk: number; parallelSize: number } = {
  minSize: 2048,
  maxStreams: 1 << 20,
  chunk: 1 << 16,
  parallelSize: Infinity,
};

/** Counts of fills the SIMD kernel ran, and of those split across threads (for tests). */
export const mrgStats: { runs: number; splitRuns: number } = { runs: 0, splitRuns: 0 };

/** `k(st, out, groups, rowBytes, rows)`. */
type Fill = (st: number, out: number, groups: number, rowBytes: number, rows: number) => void;
/** `toLanes(aos, soa, groups)` / `fromLanes(soa, aos, groups)`: the state between layouts. */
type Transpose = (from: number, to: number, groups: number) => void;

interface FillModule {
  fill: Fill;
  toLanes: Transpose;
  fromLanes: Transpose;
  module: KernelModule;
}

const fills = new Map<string, FillModule>();

/**
 * The state transpositions, in the same module: word w of substream 4g + l (the caller's
 * row-major layout) to lane l of vector w of group g, and back with component 1's m1
 * mapped to 0 (see `emitMrgStep`).
 */
function emitTransposes(mb: ModuleBuilder): void {
  for (const back of [false, true]) {
    mb.func([I32, I32, I32], [], (c) => {
      const [from, to, groups] = [0, 1, 2];
      const g = c.local(I32), v = c.local(I32);
      forRange(c, g, () => c.i32(0), () => c.get(groups), 1, () => {
        for (let l = 0; l < 4; l++) {
          for (let w = 0; w < 6; w++) {
            const lanes = 16 * w + 4 * l, rows = 4 * (6 * l + w);
            c.get(to).get(from).mem("i32.load", back ? lanes : rows, 2);
            if (back && w < 3) {
              c.set(v).i32(0).get(v).get(v).i32(M1).op("i32.eq", "select");
            }
            c.mem("i32.store", back ? rows : lanes, 2);
          }
        }
        c.get(from).i32(96).op("i32.add").set(from);
        c.get(to).i32(96).op("i32.add").set(to);
      });
    }, back ? "fromLanes" : "toLanes");
  }
}

/**
 * Push the next z (in [1, m1]) of four substreams and advance their state locals
 * `x = [x11, x12, x13, x21, x22, x23]` (each an i32x4 local), as `mrgNext` does.
 */
export function emitMrgStep(c: Code, x: readonly number[], k: (v: number) => void): void {
  const [x11, x12, x13, x21, x22, x23] = x;
  const s = c.local(V128), y1 = c.local(V128), y2 = c.local(V128);
  const fold = (mul: number) => {
    // (s & M1) + mul·(s >>> 31), s as u32; mul·bit as a mask (no multiply on the chain).
    c.get(s);
    k(M1);
    c.op("v128.and").get(s).i32(31);
    if (mul !== 1) {
      c.op("i32x4.shr_s");
      k(mul);
      c.op("v128.and");
    } else c.op("i32x4.shr_u");
    c.op("i32x4.add");
  };
  // (x & (2^(31-b) - 1)) << b as (x << b) & M1: the bits shifted to bit 31 and beyond go
  // either way, so M1 is the only mask constant (fewer live vectors).
  const lowShl = (x: number, b: number) => {
    c.get(x).i32(b).op("i32x4.shl");
    k(M1);
    c.op("v128.and");
  };
  // Component 1: s = 2^22·x12 + 129·x13 folded twice.
  lowShl(x12, 22);
  c.get(x12).i32(9).op("i32x4.shr_u", "v128.or");
  lowShl(x13, 7);
  c.get(x13).i32(24).op("i32x4.shr_u", "v128.or", "i32x4.add").set(s);
  fold(1);
  c.get(x13).op("i32x4.add").set(s);
  // y1 may be M1 here, which stands for 0 (the scalar step maps it): every later step
  // reduces it as 0 and z comes out the same (d = M1 - y2 > 0 instead of -y2 <= 0), so
  // the mapping waits until the state is stored back (`simdFillUniform`).
  fold(1);
  c.set(y1);
  // Component 2: s = 2^15·x21 + 32769·x23 folded.
  lowShl(x21, 15);
  lowShl(x23, 15);
  c.op("i32x4.add").set(s);
  // s = (s & M1) + 21069·((s >>> 31) + (x21 >>> 16) + (x23 >>> 16))
  c.get(s);
  k(M1);
  c.op("v128.and").get(s).i32(31).op("i32x4.shr_u").get(x21).i32(16).op("i32x4.shr_u", "i32x4.add");
  c.get(x23).i32(16).op("i32x4.shr_u", "i32x4.add");
  k(21069);
  c.op("i32x4.mul", "i32x4.add").set(s);
  fold(21069);
  c.get(x23).op("i32x4.add").set(s);
  fold(21069);
  c.set(y2);
  // y2 >= M2 -> y2 - M2, as the unsigned minimum of y2 and y2 - M2 (which wraps past 2^32 when y2 < M2)
  c.get(y2).get(y2);
  k(M2);
  c.op("i32x4.sub", "i32x4.min_u").set(y2);
  // Shift the state.
  c.get(x12).set(x13).get(x11).set(x12).get(y1).set(x11);
  c.get(x22).set(x23).get(x21).set(x22).get(y2).set(x21);
  // z = d <= 0 ? d + M1 : d, d = y1 - y2
  c.get(y1).get(y2).op("i32x4.sub").set(s);
  c.get(s).get(s);
  k(0);
  c.op("i32x4.le_s");
  k(M1);
  c.op("v128.and", "i32x4.add");
}

/** The fill kernel for float32 or float64 output, and its module for the workers. */
function fillFunction(f32: boolean): FillModule {
  const key = f32 ? "f32" : "f64";
  let f = fills.get(key);
  if (f) return f;
  const a = arena();
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32, I32, I32], [], (c) => {
    const [st, out, groups, rowBytes, rows] = [0, 1, 2, 3, 4];
    const g = c.local(I32), r = c.local(I32), p = c.local(I32), sp = c.local(I32);
    const x = Array.from({ length: 6 }, () => c.local(V128));
    const z = c.local(V128), norm = c.local(V128);
    // Constants in locals, set once (a v128.const inside the loop costs several instructions).
    const consts = new Map<number, number>();
    for (const v of [M1, M2, 21069, 0]) {
      const l = c.local(V128);
      c.i32x4(v).set(l);
      consts.set(v, l);
    }
    const k = (v: number) => c.get(consts.get(v)!);
    if (f32) c.f32x4(NORM32).set(norm);
    else c.f64x2(NORM64).set(norm);
    // Two groups per pass while two are left: component 2's step is a chain of dependent
    // instructions, and a second, independent chain fills its latency (1e7 float32 draws:
    // 20.1–20.5 ms against 21.8–22.3 one group at a time under Deno; equal under Bun).
    const y = Array.from({ length: 6 }, () => c.local(V128));
    const pass = (u: 1 | 2) => {
      const xs = u === 2 ? [x, y] : [x];
      xs.forEach((v, j) => {
        for (let w = 0; w < 6; w++) c.get(sp).mem("v128.load", 96 * j + 16 * w, 0).set(v[w]);
      });
      c.get(out).get(g).i32(f32 ? 16 : 32).op("i32.mul", "i32.add").set(p);
      forRange(c, r, () => c.i32(0), () => c.get(rows), 1, () => {
        xs.forEach((v, j) => {
          emitMrgStep(c, v, k);
          c.set(z);
          const at = j * (f32 ? 16 : 32);
          if (f32) {
            c.get(p).get(z).op("f32x4.convert_i32x4_s").get(norm).op("f32x4.mul").mem("v128.store", at, 0);
          } else {
            c.get(p).get(z).op("f64x2.convert_low_i32x4_s").get(norm).op("f64x2.mul").mem(
              "v128.store",
              at,
              0,
            );
            c.get(p).get(z).get(z).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
            c.op("f64x2.convert_low_i32x4_s").get(norm).op("f64x2.mul").mem("v128.store", at + 16, 0);
          }
        });
        c.get(p).get(rowBytes).op("i32.add").set(p);
      });
      xs.forEach((v, j) => {
        for (let w = 0; w < 6; w++) c.get(sp).get(v[w]).mem("v128.store", 96 * j + 16 * w, 0);
      });
    };
    c.get(st).set(sp);
    forRange(c, g, () => c.i32(0), () => c.get(groups).i32(1).op("i32.sub"), 2, () => {
      pass(2);
      c.get(sp).i32(192).op("i32.add").set(sp);
    });
    c.get(g).get(groups).op("i32.lt_s");
    c.if(() => pass(1)); // the last of an odd count
  }, "k");
  emitTransposes(mb);
  const bytes = mb.build(), e = a.instantiate(bytes);
  f = {
    fill: e.k as Fill,
    toLanes: e.toLanes as Transpose,
    fromLanes: e.fromLanes as Transpose,
    module: kernelModule(bytes),
  };
  fills.set(key, f);
  return f;
}

/**
 * `fillUniform32` / `fillUniform64` (by the type of `out`) with the same numbers and the
 * same state afterwards, four substreams per vector where the engine can; the scalar loop
 * otherwise (engine off, no SIMD, fewer than 4 or more than `mrgOptions.maxStreams`
 * substreams, fewer than `mrgOptions.minSize` draws or less than one row, no arena space).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simdFillUniform } from "./mrg.ts";
 * import { fillUniform32, substreamStates } from "../../random/mrg_core.ts";
 * const a = substreamStates([12345, 12345, 12345, 12345, 12345, 12345], 30), b = a.slice();
 * const x = new Float32Array(10001), y = new Float32Array(10001);
 * simdFillUniform(a, x, 30);
 * fillUniform32(b, y, 30);
 * assert.deepEqual(x, y);
 * assert.deepEqual(a, b);
 * ```
 */
export function simdFillUniform(st: Int32Array, out: Float32Array | Float64Array, ns: number): void {
  const f32 = out instanceof Float32Array, n = out.length;
  const scalar = (from = 0, to = ns, row = 0) =>
    f32
      ? fillUniform32(st, out as Float32Array, ns, from, to, row)
      : fillUniform64(st, out as Float64Array, ns, from, to, row);
  const groups = ns >> 2, rows = Math.floor(n / ns);
  // More than maxStreams substreams would need a state copy and a row buffer of tens of MB in
  // the arena (which keeps its size): such rare draws keep the scalar loop.
  if (
    !config.wasm || !hasSimd() || groups === 0 || rows === 0 || n < mrgOptions.minSize ||
    ns > mrgOptions.maxStreams
  ) return scalar();
  const S = f32 ? 4 : 8;
  // Asked before any arena space is held (it may start the worker pool).
  const threads = n >= mrgOptions.parallelSize && groups >= 2 ? usableThreads() : 1;
  const ar = arena(), mark = ar.mark();
  try {
    // The state in the caller's layout (aos), and transposed for the kernel (sp).
    const aos = ar.alloc(groups * 96), sp = aos < 0 ? -1 : ar.alloc(groups * 96);
    if (sp < 0) return scalar();
    const { fill, toLanes, fromLanes, module } = fillFunction(f32);
    new Int32Array(ar.buffer, aos, groups * 24).set(st.subarray(0, groups * 24));
    toLanes(aos, sp, groups);
    const chunkRows = Math.max(1, Math.min(rows, Math.floor(mrgOptions.chunk * threads / ns)));
    const buf = ar.alloc(chunkRows * ns * S);
    if (buf < 0) return scalar();
    // Split: each job draws the columns of a range of groups, for the chunk's rows.
    const parts = jobsFor(threads, groups), step = 2 * Math.ceil(groups / parts / 2);
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const m = Math.min(chunkRows, rows - r0);
      if (threads > 1) {
        const jobs: number[][] = [];
        for (let g = 0; g < groups; g += step) {
          jobs.push([sp + 96 * g, buf + 4 * S * g, Math.min(step, groups - g), ns * S, m]);
        }
        runParallel(
          f32 ? "f32" : "f64",
          module,
          jobs,
          threads - 1,
          (a) => fill(a[0], a[1], a[2], a[3], a[4]),
        );
      } else fill(sp, buf, groups, ns * S, m);
      out.set(f32 ? ar.f32(buf, m * ns) : ar.f64(buf, m * ns), r0 * ns);
    }
    if (threads > 1) mrgStats.splitRuns++;
    mrgStats.runs++;
    fromLanes(sp, aos, groups);
    st.set(new Int32Array(ar.buffer, aos, groups * 24));
  } finally {
    ar.release(mark);
  }
  // The substreams past the last group (their columns of the copied rows were not drawn),
  // then the partial last row of the grouped ones.
  scalar(4 * groups, ns, 0);
  scalar(0, 4 * groups, rows);
}

/** n uniforms into a fresh array, by `simdFillUniform`. */
function simdUniform(st: Int32Array, n: number, ns: number, f32: boolean): Float32Array | Float64Array {
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  simdFillUniform(st, out, ns);
  return out;
}

/**
 * The engine's draws: SIMD uniforms, and the SIMD Box–Muller for float32 (bit-identical
 * to the scalar one over the 2·10^6 draws measured); float64 keeps the scalar transform,
 * since the vector one was measured at up to 3 ulps from it (226 of 2·10^6 draws), over the 2-ulp budget.
 */
export const simdDraws: MrgDraws = {
  uniform: simdUniform,
  boxMuller: (u, f32) => (f32 ? simdBoxMuller(u, true) : scalarDraws.boxMuller(u, false)),
};

/**
 * The MRG random node on the SIMD engine: the reference sampler (random/mrg_op.ts) with
 * the engine's draws, which give the same numbers and states; `fallback` when the
 * engine is off or the runtime has no SIMD.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * import { mrgStats } from "./mrg.ts";
 * const before = mrgStats.runs;
 * const f = T.function([], new T.MRGRandomStreams(7).uniform([100000]));
 * const u = f() as T.NDArray;
 * assert.equal(u.size, 100000);
 * assert(mrgStats.runs > before || !T.config.wasm);
 * ```
 */
export function wasmMrgKernel(node: Apply, fallback: Kernel): Kernel {
  if (!config.wasm || !hasSimd()) return fallback;
  const run = mrgRun(simdDraws);
  return (vals) => performRandom(run, vals, node.params as RandomParams, node);
}
