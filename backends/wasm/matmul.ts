/**
 * Matrix products through the WebAssembly SIMD kernels (matmul_gen.ts): operands are
 * copied into the arena (converted to the lane type, keeping their strides, so a
 * transposed operand costs nothing extra), the product runs there, and C is copied
 * out. Accumulation is in the lane type, as BLAS does: float32 products sum in float32.
 * @module
 */
import type { Lane } from "./asm.ts";
import { hasRelaxedSimd, hasSimd } from "./features.ts";
import { defaultShape, type GemmShape, matmulModule } from "./matmul_gen.ts";
import { type Arena, arena } from "./memory.ts";
import { config } from "../../core/config.ts";
import type { FloatArray, MatrixView } from "../kernel.ts";
import { type Job, jobsFor, readyWorkers, runParallel, startPool, threadsSupported } from "./threads.ts";
import { findStaged, reserveStaged, stagedOffset } from "./staging.ts";
import { engineOffset } from "./engine_array.ts";

/** A thread's packing buffers and edge tile (byte offsets in the arena). */
interface Scratch {
  pa: number;
  pb: number;
  tile: number;
}

// The operand types are the JS kernels' own (the same strided view feeds both engines).
export type { FloatArray, MatrixView };

type I = number;
/** The exported functions of a matmul module. */
export interface MatmulExports {
  gemm(
    m: I,
    n: I,
    k: I,
    A: I,
    ars: I,
    acs: I,
    B: I,
    brs: I,
    bcs: I,
    C: I,
    ldc: I,
    pa: I,
    pb: I,
    tile: I,
  ): void;
  gemvRows(m: I, k: I, A: I, ars: I, x: I, y: I): void;
  gemvCols(m: I, k: I, A: I, acs: I, x: I, y: I): void;
  gemvColsAcc(m: I, k: I, A: I, acs: I, x: I, y: I): void;
}

/** A compiled module for one lane type and blocking. */
export interface MatmulEngine {
  lane: Lane;
  shape: GemmShape;
  fns: MatmulExports;
  arena: Arena;
  /** The module's bytes (workers instantiate them on the shared memory). */
  bytes: Uint8Array;
  /** Whether this is the default blocking, the one the workers run. */
  standard: boolean;
}

const engines = new Map<string, MatmulEngine | null>();

/**
 * The engine for a lane type (compiled on first use), or undefined without SIMD.
 * `shape` overrides the blocking (for tuning and tests).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulEngine } from "./matmul.ts";
 * const e = matmulEngine("f64");
 * assert(e === undefined || e.shape.lane === "f64");
 * ```
 */
export function matmulEngine(lane: Lane, shape?: Partial<GemmShape>): MatmulEngine | undefined {
  const key = lane + JSON.stringify(shape ?? {});
  let e = engines.get(key);
  if (e === undefined) {
    e = hasSimd() ? build({ ...defaultShape(lane, hasRelaxedSimd()), ...shape, lane }, !shape) : null;
    engines.set(key, e);
  }
  return e ?? undefined;
}

/** Bytes of the packing buffers and edge tile a thread needs for a blocking. */
function scratchBytes(s: GemmShape): [number, number, number] {
  const S = s.lane === "f32" ? 4 : 8, NR = s.nv * (16 / S);
  return [s.mc * s.kc * S, Math.ceil(s.nc / NR) * NR * s.kc * S, s.mr * NR * S];
}

/**
 * One thread's packing buffers and edge tile, taken from the arena for this call
 * (the modules receive their addresses as arguments, so nothing is reserved for
 * good and run scopes can release everything they staged).
 */
function takeScratch(a: Arena, s: GemmShape): Scratch {
  const [pa, pb, tile] = scratchBytes(s).map((b) => a.alloc(b));
  if (pa < 0 || pb < 0 || tile < 0) throw new RangeError("wasm arena exhausted");
  return { pa, pb, tile };
}

function build(shape: GemmShape, standard: boolean): MatmulEngine {
  const a = arena();
  const bytes = matmulModule(shape, a.memoryImport());
  const exports = a.instantiate(bytes);
  return {
    lane: shape.lane,
    shape,
    fns: exports as unknown as MatmulExports,
    arena: a,
    bytes,
    standard,
  };
}

/**
 * Start the worker pool now (when `config.threads` > 1 and the runtime allows) and
 * resolve with the number of threads products can use once the workers are ready
 * (1 when there is no pool). Products never wait for this; benchmarks and tests do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startThreads } from "./matmul.ts";
 * import { shutdownThreads } from "./threads.ts";
 * assert((await startThreads()) >= 1);
 * shutdownThreads();
 * ```
 */
export async function startThreads(timeoutMs = 5000): Promise<number> {
  const e = matmulEngine("f64");
  if (!e) return 1;
  threadsFor(e, PARALLEL_GEMM, false);
  const t0 = performance.now();
  while (
    readyWorkers() < config.threads - 1 && performance.now() - t0 < timeoutMs && threadsSupported(e.arena)
  ) {
    await new Promise((r) => setTimeout(r, 2));
  }
  return config.threads > 1 ? 1 + readyWorkers() : 1;
}

/** Products of at least this many multiply-adds are split across threads. */
const PARALLEL_GEMM = 1 << 20;

/**
 * Threads usable for `work` multiply-adds now (1 = the main thread alone): starts the
 * worker pool, without waiting for it, the first time a large product asks for more
 * than one thread (`config.threads`). Called while no arena space is held.
 */
function threadsFor(e: MatmulEngine, work: number, gemv: boolean): number {
  const want = config.threads;
  // GEMVs stay on one thread: memory-bound, and their matrix was usually just copied
  // into this core's cache (measured: two threads made the 400×784 pair 1.6× slower;
  // with the matrix mirrored between calls, the best of rounds gained 8% but the median
  // fell by up to half on this shared 2-core machine: a worker's wake-up is not worth it).
  if (want < 1.5 || !e.standard || gemv || work < PARALLEL_GEMM) return 1;
  return usableThreads();
}

/**
 * Threads a large kernel may use now, counting this one (`config.threads` at most):
 * the first ask starts the worker pool without waiting for it, and until a worker
 * reports ready the answer is 1. Call while no arena space is held.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usableThreads } from "./matmul.ts";
 * import { shutdownThreads } from "./threads.ts";
 * assert(usableThreads() >= 1);
 * shutdownThreads();
 * ```
 */
export function usableThreads(): number {
  const want = config.threads, a = arena();
  if (want < 1.5 || !threadsSupported(a)) return 1;
  const ready = readyWorkers();
  if (ready === 0) {
    const f32 = matmulEngine("f32"), f64 = matmulEngine("f64");
    if (!f32 || !f64) return 1;
    startPool(a, want - 1, { f32: f32.bytes, f64: f64.bytes });
    return 1;
  }
  return Math.min(want, 1 + ready);
}

/**
 * The arena byte offset of element 0 of view `v` (r × c, plus `extra` elements):
 * the run's staged copy of the whole buffer when there is one (see staging.ts),
 * else a copy of the span taken above the call's mark.
 */
function copyIn(e: MatmulEngine, v: MatrixView, r: number, c: number, extra: number, staged: number): number {
  const S = e.lane === "f32" ? 4 : 8;
  if (staged >= 0) return staged + v.offset * S;
  const span = (r - 1) * v.rowStride + (c - 1) * v.colStride + 1 + extra;
  const at = e.arena.alloc(span * S);
  if (at < 0) throw new RangeError("wasm arena exhausted");
  e.arena.write(v.data, v.offset, span, at, S);
  return at;
}

/**
 * C = A·B for an (m × k) A and a (k × n) B given as strided views with non-negative
 * strides; C is written C-contiguous from `cOff` of `c` (whose type is the lane type).
 * Returns false (and writes nothing) when the arena cannot hold the operands, and for
 * a GEMV over a matrix larger than the last-level cache that is not in
 * the arena yet (memory-bound: the JS loop reads it once, a copy would add a write).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulEngine, wasmGemm } from "./matmul.ts";
 * const e = matmulEngine("f64");
 * if (e) {
 *   const c = new Float64Array(4);
 *   const view = (d: number[]) => ({ data: new Float64Array(d), offset: 0, rowStride: 2, colStride: 1 });
 *   wasmGemm(e, 2, 2, 2, view([1, 2, 3, 4]), view([5, 6, 7, 8]), c);
 *   assert(c.join() === "19,22,43,50");
 * }
 * ```
 */
export function wasmGemm(
  e: MatmulEngine,
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: FloatArray,
  cOff = 0,
): boolean {
  return wasmGemmBatched(e, 1, m, n, k, a, 0, b, 0, c, cOff);
}

/**
 * `batch` products C[t] = A[t]·B[t], where A[t] is the view `a` moved by `t * aStep`
 * elements (0 repeats one matrix), likewise B; the C[t] are written one after another,
 * C-contiguous, from `cOff`. Operands are copied into the arena once for the batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulEngine, wasmGemmBatched } from "./matmul.ts";
 * const e = matmulEngine("f32");
 * if (e) {
 *   const c = new Float32Array(2);
 *   const a = { data: new Float32Array([1, 2, 3, 4]), offset: 0, rowStride: 2, colStride: 1 };
 *   const b = { data: new Float32Array([1, 1]), offset: 0, rowStride: 1, colStride: 1 };
 *   wasmGemmBatched(e, 2, 1, 1, 2, a, 2, b, 0, c);
 *   assert(c.join() === "3,7");
 * }
 * ```
 */
export function wasmGemmBatched(
  e: MatmulEngine,
  batch: number,
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  aStep: number,
  b: MatrixView,
  bStep: number,
  c: FloatArray,
  cOff = 0,
): boolean {
  if (batch === 0 || m === 0 || n === 0) return true;
  if (k === 0) {
    c.fill(0, cOff, cOff + batch * m * n);
    return true;
  }
  const gemv = (n === 1 && (a.colStride === 1 || a.rowStride === 1)) ||
    (m === 1 && (b.colStride === 1 || b.rowStride === 1));
  const S = e.lane === "f32" ? 4 : 8;
  // A large GEMV matrix not yet in the arena: streamed through cache, once (and kept
  // as the run's staged copy when it is a root of the running program).
  const matrix = n === 1 ? a : b;
  if (gemv && batch === 1 && m * n * k * S > STREAM_MIN_BYTES && findStaged(matrix.data, S) < 0) {
    // Larger than the last-level cache and read once: memory-bound, and a JS loop reads
    // it once at full bandwidth while any copy adds a write. Decline.
    if (m * n * k * S > KEEP_MAX_BYTES) return false;
    // Kept only while it fits in the last-level cache.
    const covers = matrix.offset === 0 && m * n * k === matrix.data.length && m * n * k * S <= KEEP_MAX_BYTES;
    const keep = covers ? reserveStaged(matrix.data, S) : { at: -1, fresh: false };
    if (keep.at < 0 || keep.fresh) {
      const mark = e.arena.mark();
      try {
        streamGemv(e, m, n, k, a, b, c, cOff, keep.at);
        return true;
      } catch (err) {
        if (err instanceof RangeError) return false;
        throw err;
      } finally {
        e.arena.release(mark);
      }
    }
  }
  const threads = threadsFor(e, m * n * k, gemv);
  // Root buffers of a running program are staged once per run, below this call's mark.
  const sa = stagedOffset(a.data, S), sb = stagedOffset(b.data, S);
  const ar = e.arena, mark = ar.mark();
  try {
    const A = copyIn(e, a, m, k, (batch - 1) * aStep, sa), B = copyIn(e, b, k, n, (batch - 1) * bStep, sb);
    // A GEMV into a buffer in the engine's memory (an intermediate) writes it in place
    // (every failure that returns false happens before the kernel's first store).
    const direct = gemv && batch === 1 && cOff === 0 && c.length === m * n ? engineOffset(c, S) : -1;
    const C = direct >= 0 ? direct : ar.alloc(batch * m * n * S);
    if (C < 0) return false;
    const scratch = !gemv ? Array.from({ length: threads }, () => takeScratch(ar, e.shape)) : [];
    for (let t = 0; t < batch; t++) {
      product(e, m, n, k, A + t * aStep * S, a, B + t * bStep * S, b, C + t * m * n * S, threads, scratch);
    }
    if (direct < 0) ar.read(C, batch * m * n, S, c, cOff);
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  } finally {
    ar.release(mark);
  }
}

/** One product on operands already in the arena (byte offsets), strides from the views. */
function product(
  e: MatmulEngine,
  m: number,
  n: number,
  k: number,
  A: number,
  a: MatrixView,
  B: number,
  b: MatrixView,
  C: number,
  threads: number,
  scratch: Scratch[],
): void {
  const S = e.lane === "f32" ? 4 : 8, W = 16 / S;
  const gemvRows = (rows: number, M: number, ars: number, x: number) =>
    run(e, "gemvRows", threads, rows, W, (i0, len) => [len, k, M + i0 * ars, ars, x, C + i0 * S]);
  const gemvCols = (cols: number, M: number, acs: number, x: number) =>
    run(e, "gemvCols", threads, cols, W, (i0, len) => [len, k, M + i0 * S, acs, x, C + i0 * S]);
  if (n === 1 && a.colStride === 1) gemvRows(m, A, a.rowStride * S, contiguous(e, B, b.rowStride, k));
  else if (n === 1 && a.rowStride === 1) gemvCols(m, A, a.colStride * S, contiguous(e, B, b.rowStride, k));
  // A row times B is Bᵀ times the row.
  else if (m === 1 && b.colStride === 1) gemvCols(n, B, b.rowStride * S, contiguous(e, A, a.colStride, k));
  else if (m === 1 && b.rowStride === 1) gemvRows(n, B, b.colStride * S, contiguous(e, A, a.colStride, k));
  else {
    // Columns of C, in blocks of whole register tiles; each executor packs with its own scratch.
    const NR = e.shape.nv * W, as = a.rowStride * S, acs = a.colStride * S, bs = b.rowStride * S;
    const bcs = b.colStride * S;
    run(
      e,
      "gemm",
      threads,
      n,
      NR,
      (j0, len) => [m, len, k, A, as, acs, B + j0 * bcs, bs, bcs, C + j0 * S, n * S],
      scratch,
    );
  }
}

/**
 * Split [0, total) into ranges at multiples of `align` and run `fn(...args(start,
 * length))` for each, on this thread alone or queued for this thread and the workers
 * (`scratch[t]` is appended for executor t when given).
 */
function run(
  e: MatmulEngine,
  fn: Job["fn"],
  threads: number,
  total: number,
  align: number,
  args: (start: number, len: number) => number[],
  scratch?: Scratch[],
): void {
  const call = (a: number[]) => (e.fns[fn] as (...a: number[]) => void)(...a);
  const parts = jobsFor(threads, Math.ceil(total / align));
  if (threads <= 1 || parts <= 1) {
    const sc = scratch?.[0];
    call(sc ? [...args(0, total), sc.pa, sc.pb, sc.tile] : args(0, total));
    return;
  }
  const step = Math.ceil(total / parts / align) * align;
  const jobs: number[][] = [];
  for (let start = 0; start < total; start += step) jobs.push(args(start, Math.min(step, total - start)));
  runParallel(e.lane, fn, jobs, threads - 1, call, scratch);
}

/** GEMVs whose matrix is larger than this and not staged are streamed. */
const STREAM_MIN_BYTES = 1 << 20;
/** Streamed GEMV matrices up to this size are kept as the run's staged copy. */
const KEEP_MAX_BYTES = 8 << 20;
/** Bytes of the matrix copied per block when streaming (stays in L2). */
const STREAM_BLOCK_BYTES = 1 << 18;

/** How many GEMVs were streamed (for tests). */
export const streamStats: { calls: number } = { calls: 0 };

/**
 * A GEMV (m = 1 or n = 1, one operand with a unit stride) streaming its matrix: blocks
 * of rows are copied into a cache-sized buffer and multiplied there, so the matrix is
 * read from memory once, as a JS loop would, instead of copied whole and read again.
 */
function streamGemv(
  e: MatmulEngine,
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: FloatArray,
  cOff: number,
  keepAt: number,
) {
  streamStats.calls++;
  const ar = e.arena, S = e.lane === "f32" ? 4 : 8;
  // The matrix as row-major M (rows of stride rs), the vector and its stride.
  const [M, vec, vs] = n === 1 ? [a, b, b.rowStride] : [b, a, a.colStride];
  const len = n === 1 ? m : n;
  const rowsForm = n === 1 ? a.colStride === 1 : b.rowStride === 1; // y[i] = M row i · x
  const rs = rowsForm ? (n === 1 ? a.rowStride : b.colStride) : (n === 1 ? a.colStride : b.rowStride);
  const x = ar.alloc(k * S), y = ar.alloc(len * S);
  const rowLen = rowsForm ? k : len, rows = rowsForm ? len : k;
  const block = Math.max(1, Math.floor(STREAM_BLOCK_BYTES / (rowLen * S)));
  // Blocks go to the staged copy's place when one is being made, else through one buffer.
  const buf = keepAt >= 0 ? keepAt : ar.alloc(block * rowLen * S);
  if (x < 0 || y < 0 || buf < 0) throw new RangeError("wasm arena exhausted");
  const view = (at: number, count: number) => (e.lane === "f32" ? ar.f32(at, count) : ar.f64(at, count));
  const xv = view(x, k);
  for (let p = 0; p < k; p++) xv[p] = vec.data[vec.offset + p * vs];
  for (let r0 = 0; r0 < rows; r0 += block) {
    const nr = Math.min(block, rows - r0);
    const at = keepAt >= 0 ? keepAt + r0 * rowLen * S : buf, bv = view(at, nr * rowLen);
    if (rs === rowLen) bv.set(M.data.subarray(M.offset + r0 * rs, M.offset + (r0 + nr) * rs));
    else {
      for (let r = 0; r < nr; r++) {
        const o = M.offset + (r0 + r) * rs;
        bv.set(M.data.subarray(o, o + rowLen), r * rowLen);
      }
    }
    if (rowsForm) e.fns.gemvRows(nr, k, at, rowLen * S, x, y + r0 * S);
    else (r0 === 0 ? e.fns.gemvCols : e.fns.gemvColsAcc)(len, nr, at, rowLen * S, x + r0 * S, y);
  }
  c.set(view(y, len), cOff);
}

/** A contiguous copy of a strided vector already in the arena (itself when stride is 1). */
function contiguous(e: MatmulEngine, at: number, stride: number, n: number): number {
  if (stride === 1) return at;
  const S = e.lane === "f32" ? 4 : 8;
  const to = e.arena.alloc(n * S);
  if (to < 0) throw new RangeError("wasm arena exhausted");
  const span = (n - 1) * stride + 1;
  const [src, dst] = e.lane === "f32"
    ? [e.arena.f32(at, span), e.arena.f32(to, n)]
    : [e.arena.f64(at, span), e.arena.f64(to, n)];
  for (let i = 0; i < n; i++) dst[i] = src[i * stride];
  return to;
}
