/**
 * Cumulative sums and products (ops/cumulative.ts) of float32/float64 arrays on the
 * SIMD engine. Each outer block (the axis and the axes after it, contiguous in C
 * order) is scanned in place in the arena: along the last axis (or the flattened
 * array) with the running value in a register; along an earlier axis, the first row
 * copied, then every later element as `previous row's + own`, one linear pass, four or
 * two lanes a step where the rows are at least that wide. Every element is the same
 * single float operation as the JS loop's (float32 sums of two float32 values round
 * the same in float64 then float32 as in f32 arithmetic), so the results are the same
 * bits. Blocks are streamed through the arena in chunks of whole blocks (a block
 * larger than a chunk in pieces of whole rows, the running value or the last row
 * carried to the next piece), or read in place when already there; smaller inputs and
 * other dtypes keep the JS rule.
 * @module
 */
import { config } from "../../core/config.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import type { CumParams } from "../../ops/cumulative.ts";
import { addTo, forRange, type Lane, LANES } from "./asm.ts";
import { type Code, F32, F64, I32, ModuleBuilder } from "./emitter.ts";
import { hasSimd } from "./features.ts";
import type { Kernel } from "../kernel.ts";
import { arena } from "./memory.ts";
import { residentOffset } from "./staging.ts";

/**
 * Tunables: inputs with fewer elements run the JS rule; `chunk` elements are staged at a
 * time; float64 runs here only when `float64` is set: measured (bench/cumsum_bench.ts,
 * RESULTS.md), the JS loop is as fast for float64, where the copies through the arena
 * cost what the SIMD saves, while float32 (which the JS loop rounds at every store) gains 2–4×.
 */
export const cumulativeOptions: { minSize: number; chunk: number; float64: boolean } = {
  minSize: 4096,
  chunk: 1 << 17,
  float64: false,
};

/** Counts of scans the engine ran (for tests). */
export const cumulativeStats: { runs: number } = { runs: 0 };

/** The operation of a scan. */
export type CumKind = "add" | "mul";

interface ScanFunctions {
  /** `lines(src, dst, count, n)`: count contiguous lines of n elements, each scanned. */
  lines(src: number, dst: number, count: number, n: number): void;
  /** `rows(src, dst, blocks, n, inner)`: blocks of n rows of `inner` elements, scanned down the rows. */
  rows(src: number, dst: number, blocks: number, n: number, inner: number): void;
  /** `carry(src, dst, len, acc)`: a piece of one line, from the running value `acc`; returns the new one. */
  carry(src: number, dst: number, len: number, acc: number): number;
  /** `rest(src, dst, len, inner)`: `dst[p] = dst[p - inner] ∘ src[p]` for len elements (dst's row before is there). */
  rest(src: number, dst: number, len: number, inner: number): void;
}

const modules = new Map<string, ScanFunctions>();

function scanFunctions(lane: Lane, kind: CumKind): ScanFunctions {
  const key = `${lane}|${kind}`;
  let f = modules.get(key);
  if (f) return f;
  const a = arena(), L = LANES[lane];
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32, I32], [], (c) => emitLines(c, lane, kind), "lines");
  mb.func([I32, I32, I32, I32, I32], [], (c) => emitRows(c, lane, kind), "rows");
  mb.func([I32, I32, I32, F64], [F64], (c) => emitCarry(c, lane, kind), "carry");
  mb.func([I32, I32, I32, I32], [], (c) => {
    const back = c.local(I32);
    c.get(3).i32(L.shift).op("i32.shl").set(back);
    emitRest(c, lane, kind, 0, 1, 2, 3, back);
  }, "rest");
  f = a.instantiate(mb.build()) as unknown as ScanFunctions;
  modules.set(key, f);
  return f;
}

/** The running value in a register: starts at -0 (sums) or 1 (products), which leave x[0] as it is. */
function emitLines(c: Code, lane: Lane, kind: CumKind): void {
  const L = LANES[lane], S = L.size, src = 0, dst = 1, count = 2, n = 3;
  const k = c.local(I32), i = c.local(I32), acc = c.local(lane === "f32" ? F32 : F64);
  forRange(c, k, () => c.i32(0), () => c.get(count), 1, () => {
    if (lane === "f32") c.f32(kind === "add" ? -0 : 1);
    else c.f64(kind === "add" ? -0 : 1);
    c.set(acc);
    forRange(c, i, () => c.i32(0), () => c.get(n), 1, () => {
      c.get(acc).get(src).mem(`${L.s}.load`).op(`${L.s}.${kind}`).set(acc);
      c.get(dst).get(acc).mem(`${L.s}.store`);
      addTo(c, src, S);
      addTo(c, dst, S);
    });
  });
}

/** Per block: the first row copied, then `dst[p] = dst[p - inner] ∘ src[p]` over the rest, vectors first. */
function emitRows(c: Code, lane: Lane, kind: CumKind): void {
  const L = LANES[lane], S = L.size, src = 0, dst = 1, blocks = 2, n = 3, inner = 4;
  const b = c.local(I32), i = c.local(I32), rest = c.local(I32), back = c.local(I32);
  // back = inner * S bytes; rest = (n - 1) * inner elements; vectors only when a row holds a whole vector.
  c.get(inner).i32(L.shift).op("i32.shl").set(back);
  forRange(c, b, () => c.i32(0), () => c.get(blocks), 1, () => {
    forRange(c, i, () => c.i32(0), () => c.get(inner), 1, () => {
      c.get(dst).get(src).mem(`${L.s}.load`).mem(`${L.s}.store`);
      addTo(c, src, S);
      addTo(c, dst, S);
    });
    c.get(n).i32(1).op("i32.sub").get(inner).op("i32.mul").set(rest);
    emitRest(c, lane, kind, src, dst, rest, inner, back);
  });
}

/**
 * `dst[p] = dst[p - inner] ∘ src[p]` for `len` elements, advancing the src and dst
 * pointer locals: vectors of `lanes` when a row holds a whole vector (so a vector never
 * reads what it writes), then single elements. `back` holds inner's bytes.
 */
function emitRest(
  c: Code,
  lane: Lane,
  kind: CumKind,
  src: number,
  dst: number,
  len: number,
  inner: number,
  back: number,
): void {
  const L = LANES[lane], S = L.size, lanes = L.lanes, i = c.local(I32), vend = c.local(I32);
  c.i32(0).set(vend);
  c.get(inner).i32(lanes).op("i32.ge_s");
  c.if(() => c.get(len).i32(-lanes).op("i32.and").set(vend));
  forRange(c, i, () => c.i32(0), () => c.get(vend), lanes, () => {
    c.get(dst).get(dst).get(back).op("i32.sub").mem("v128.load", 0, 0).get(src).mem("v128.load", 0, 0);
    c.op(`${L.v}.${kind}`).mem("v128.store", 0, 0);
    addTo(c, src, 16);
    addTo(c, dst, 16);
  });
  forRange(c, i, () => c.get(vend), () => c.get(len), 1, () => {
    c.get(dst).get(dst).get(back).op("i32.sub").mem(`${L.s}.load`).get(src).mem(`${L.s}.load`);
    c.op(`${L.s}.${kind}`).mem(`${L.s}.store`);
    addTo(c, src, S);
    addTo(c, dst, S);
  });
}

/** A piece of one line from a running value given (as float64) and returned. */
function emitCarry(c: Code, lane: Lane, kind: CumKind): void {
  const L = LANES[lane], S = L.size, src = 0, dst = 1, len = 2, acc64 = 3;
  const i = c.local(I32), acc = c.local(lane === "f32" ? F32 : F64);
  c.get(acc64);
  if (lane === "f32") c.op("f32.demote_f64");
  c.set(acc);
  forRange(c, i, () => c.i32(0), () => c.get(len), 1, () => {
    c.get(acc).get(src).mem(`${L.s}.load`).op(`${L.s}.${kind}`).set(acc);
    c.get(dst).get(acc).mem(`${L.s}.store`);
    addTo(c, src, S);
    addTo(c, dst, S);
  });
  c.get(acc);
  if (lane === "f32") c.op("f64.promote_f32");
}

/**
 * The cumsum or cumprod node on the SIMD engine for float32/float64 values; `fallback`
 * (the JS rule) runs otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmCumulativeKernel } from "./cumulative.ts";
 * import { cumsumOp } from "../../ops/cumulative.ts";
 * import { TensorType } from "../../core/graph.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * const node = cumsumOp.make([new TensorType("float32", [null]).make("x")], { axis: 0 });
 * const kernel = wasmCumulativeKernel(node, "add", () => [])!;
 * const x = new NDArray("float32", [10000], new Float32Array(10000).fill(0.5));
 * assert.equal(kernel([x])[0].data[9999], 5000);
 * ```
 */
export function wasmCumulativeKernel(node: Apply, kind: CumKind, fallback: Kernel): Kernel {
  const dtype = node.inputs[0].dtype;
  if (!config.wasm || !hasSimd() || (dtype !== "float32" && dtype !== "float64")) return fallback;
  const { axis } = node.params as CumParams;
  const lane: Lane = dtype === "float32" ? "f32" : "f64", S = LANES[lane].size as 4 | 8;
  const init = kind === "add" ? -0 : 1;
  return (vals, pool) => {
    const x = vals[0];
    const n = axis === null ? x.size : x.shape[axis];
    const inner = axis === null ? 1 : x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const block = n * inner, size = x.size, CH = cumulativeOptions.chunk;
    if (size < cumulativeOptions.minSize || block === 0 || inner > CH) return fallback(vals, pool);
    if (lane === "f64" && !cumulativeOptions.float64) return fallback(vals, pool);
    const f = scanFunctions(lane, kind);
    const data = x.data as Float32Array | Float64Array;
    const ar = arena(), mark = ar.mark();
    try {
      // Whole blocks a chunk when they fit; else each block in pieces of whole rows, carried over.
      const span = block <= CH ? Math.floor(CH / block) * block : Math.floor(CH / inner) * inner;
      const at = residentOffset(data, S);
      const inBuf = at >= 0 ? -1 : ar.alloc(Math.min(span, size) * S);
      const outBuf = ar.alloc((Math.min(span, size) + inner) * S); // a row before, for carried pieces
      if ((at < 0 && inBuf < 0) || outBuf < 0) return fallback(vals, pool);
      const all = lane === "f32" ? ar.all32() : ar.all64(), o = outBuf / S + inner;
      const out = new NDArray(dtype, axis === null ? [size] : x.shape, pool?.take(dtype, size));
      const stage = (c0: number, len: number) => {
        if (inBuf < 0) return at + c0 * S;
        all.set(data.subarray(c0, c0 + len), inBuf / S);
        return inBuf;
      };
      cumulativeStats.runs++;
      if (block <= CH) {
        for (let c0 = 0; c0 < size; c0 += span) {
          const len = Math.min(span, size - c0), src = stage(c0, len);
          if (inner === 1) f.lines(src, o * S, len / block, n);
          else f.rows(src, o * S, len / block, n, inner);
          out.data.set(all.subarray(o, o + len), c0);
        }
        return [out];
      }
      for (let b0 = 0; b0 < size; b0 += block) {
        let acc = init;
        for (let p = 0; p < block; p += span) {
          const len = Math.min(span, block - p), src = stage(b0 + p, len);
          if (inner === 1) acc = f.carry(src, o * S, len, acc);
          else if (p === 0) {
            // The block's first row as it is, then the rest of the piece from it.
            all.copyWithin(o, src / S, src / S + inner);
            f.rest(src + inner * S, (o + inner) * S, len - inner, inner);
          } else f.rest(src, o * S, len, inner);
          out.data.set(all.subarray(o, o + len), b0 + p);
          if (inner > 1) all.copyWithin(o - inner, o + len - inner, o + len); // the row before the next piece
        }
      }
      return [out];
    } finally {
      ar.release(mark);
    }
  };
}
