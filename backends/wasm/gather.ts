/**
 * The WebAssembly engine's `take` kernel for element gathers (the axis taken is the last,
 * so each output element is one element of `a`): one pass over the indices that maps each
 * through the mode (raise: negatives from the end; wrap; clip) and copies the element,
 * 4- or 8-byte elements moved as bits (float32; float64 and int64, both stored in
 * Float64Array). The JS rule checks every index in a pass of its own before it gathers;
 * here both happen in one loop, and a source already in the arena (a mirrored shared
 * value, an engine array, the run's staged copy) and a pooled output there are used in
 * place. Measured in bench/take_gather.ts (RESULTS.md). An index out of range in "raise"
 * mode, or one beyond ±2^31, stops the kernel, and the JS rule then runs the whole node
 * (and reports the error as it always does). Rows (`inner > 1`, copied with
 * TypedArray.set), other dtypes, small gathers, and sources outside the arena larger than
 * the output (their copy in would cost more than the gather) keep the JS rule.
 * @module
 */
import { config } from "../../core/config.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import type { TakeMode, TakeParams } from "../../ops/take.ts";
import { forRange } from "./asm.ts";
import { type Code, F64, I32, ModuleBuilder } from "./emitter.ts";
import { hasSimd } from "./features.ts";
import type { Kernel } from "../kernel.ts";
import { engineOffset } from "./engine_array.ts";
import { arena } from "./memory.ts";
import { residentOffset } from "./staging.ts";

/** Gathers with fewer output elements run the JS rule (a call and its copies cost more). */
export const gatherOptions: { minSize: number } = { minSize: 2048 };

/** Counts of gathers the engine ran (for tests). */
export const gatherStats: { runs: number; inPlace: number } = { runs: 0, inPlace: 0 };

type GatherFn = (src: number, idx: number, out: number, m: number, n: number, outer: number) => number;
const modules = new Map<string, GatherFn>();

/**
 * `gather(src, idx, out, m, n, outer)`: for each of `outer` rows of `n` elements at `src`,
 * the `m` elements at the indices at `idx` (f64 or i32) written at `out`. Returns -1, or
 * the position of the first index it could not map (then the output is incomplete).
 */
function gatherFunction(size: 4 | 8, index: "f64" | "i32", mode: TakeMode): GatherFn {
  const key = `${size}|${index}|${mode}`;
  let f = modules.get(key);
  if (f) return f;
  const a = arena();
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32, I32, I32, I32], [I32], (c) => emitGather(c, size, index, mode), "gather");
  f = a.instantiate(mb.build()).gather as GatherFn;
  modules.set(key, f);
  return f;
}

function emitGather(c: Code, size: 4 | 8, index: "f64" | "i32", mode: TakeMode): void {
  const [src, idx, out, m, n, outer] = [0, 1, 2, 3, 4, 5];
  const o = c.local(I32), j = c.local(I32), p = c.local(I32), at = c.local(I32), bad = c.local(I32);
  const row = c.local(I32), v = c.local(F64);
  const shift = size === 4 ? 2 : 3;
  c.i32(-1).set(bad);
  c.block(() => {
    forRange(c, o, () => c.i32(0), () => c.get(outer), 1, () => {
      // row = src + o·n·size; at = idx
      c.get(src).get(o).get(n).op("i32.mul").i32(shift).op("i32.shl", "i32.add").set(row);
      c.get(idx).set(at);
      forRange(c, j, () => c.i32(0), () => c.get(m), 1, () => {
        if (index === "f64") {
          // int64 indices are stored as doubles: beyond i32 is not mapped here.
          c.get(at).mem("f64.load", 0, 3).set(v);
          c.get(v).f64(-2147483648).op("f64.lt").get(v).f64(2147483648).op("f64.ge", "i32.or");
          c.if(() => {
            c.get(j).set(bad);
            c.br(5);
          });
          c.get(v).op("i32.trunc_f64_s").set(p);
        } else {
          c.get(at).mem("i32.load", 0, 2).set(p);
        }
        if (mode === "raise") {
          // p < 0 counts from the end; what is still outside [0, n) stops the kernel.
          c.get(p).get(n).op("i32.add").get(p).get(p).i32(0).op("i32.lt_s", "select").set(p);
          c.get(p).get(n).op("i32.ge_u");
          c.if(() => {
            c.get(j).set(bad);
            c.br(5);
          });
        } else if (mode === "wrap") {
          c.get(p).get(n).op("i32.ge_u");
          c.if(() => {
            c.get(p).get(n).op("i32.rem_s").set(p);
            c.get(p).get(n).op("i32.add").get(p).get(p).i32(0).op("i32.lt_s", "select").set(p);
          });
        } else {
          c.i32(0).get(p).get(p).i32(0).op("i32.lt_s", "select").set(p);
          c.get(n).i32(1).op("i32.sub").get(p).get(p).get(n).op("i32.ge_s", "select").set(p);
        }
        // out[k] = row[p], as bits.
        c.get(out).get(row).get(p).i32(shift).op("i32.shl", "i32.add");
        if (size === 4) c.mem("i32.load", 0, 2).mem("i32.store", 0, 2);
        else c.mem("i64.load", 0, 3).mem("i64.store", 0, 3);
        c.get(out).i32(size).op("i32.add").set(out);
        c.get(at).i32(index === "f64" ? 8 : 4).op("i32.add").set(at);
      });
    });
  });
  c.get(bad);
}

/**
 * The take node on the SIMD engine for element gathers of float32, float64 and int64
 * values by int64 or int32 indices; `fallback` (the JS rule) otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmTakeKernel } from "./gather.ts";
 * import { takeOp } from "../../ops/take.ts";
 * import { TensorType } from "../../core/graph.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * const node = takeOp.make([new TensorType("float64", [null]).make("a"), new TensorType("int64", [null]).make("i")],
 *   { axis: 0, mode: "raise" });
 * const kernel = wasmTakeKernel(node, () => [])!;
 * const a = new NDArray("float64", [5], Float64Array.from([10, 11, 12, 13, 14]));
 * const i = new NDArray("int64", [4096], new Float64Array(4096).fill(-1));
 * assert.equal(kernel([a, i])[0].data[4095], 14);
 * ```
 */
export function wasmTakeKernel(node: Apply, fallback: Kernel): Kernel {
  const [aT, iT] = node.inputs, { axis, mode } = node.params as TakeParams;
  const size = aT.dtype === "float32" ? 4 : aT.dtype === "float64" || aT.dtype === "int64" ? 8 : 0;
  const index = iT.dtype === "int64" ? "f64" : iT.dtype === "int32" ? "i32" : undefined;
  if (!config.wasm || !hasSimd() || size === 0 || !index || axis !== aT.ndim - 1) return fallback;
  const dtype = node.outputs[0].dtype;
  return (vals, pool) => {
    const [a, idx] = vals;
    const n = a.shape[axis], m = idx.size, outer = a.size / Math.max(n, 1), total = outer * m;
    if (n === 0 || total < gatherOptions.minSize) return fallback(vals, pool);
    const src = a.data as Float32Array | Float64Array;
    const at = residentOffset(src, size);
    // Copying a source larger than the output into the arena costs more than the gather.
    if (at < 0 && src.length > total) return fallback(vals, pool);
    const f = gatherFunction(size, index, mode);
    const ar = arena(), mark = ar.mark();
    const ix = idx.data as Float64Array | Int32Array;
    const ixAt = ix instanceof Float64Array ? residentOffset(ix, 8) : -1;
    const buf = (pool ? pool.take(dtype, total) : new (size === 4 ? Float32Array : Float64Array)(total)) as
      | Float32Array
      | Float64Array;
    const direct = engineOffset(buf, size);
    try {
      const srcAt = at >= 0 ? at : ar.alloc(src.length * size);
      const idxAt = ixAt >= 0 ? ixAt : ar.alloc(m * ix.BYTES_PER_ELEMENT);
      const outAt = direct >= 0 ? direct : ar.alloc(total * size);
      if (srcAt < 0 || idxAt < 0 || outAt < 0) {
        pool?.give(buf);
        return fallback(vals, pool);
      }
      const view = (at: number, len: number) => (size === 4 ? ar.f32(at, len) : ar.f64(at, len));
      if (at < 0) view(srcAt, src.length).set(src);
      if (ixAt < 0) {
        if (ix instanceof Float64Array) ar.f64(idxAt, m).set(ix);
        else new Int32Array(ar.f32(idxAt, m).buffer, idxAt, m).set(ix);
      }
      if (f(srcAt, idxAt, outAt, m, n, outer) >= 0) {
        pool?.give(buf);
        return fallback(vals, pool);
      }
      gatherStats.runs++;
      if (direct >= 0) gatherStats.inPlace++;
      else buf.set(view(outAt, total));
      const shape = [...a.shape.slice(0, axis), ...idx.shape];
      return [new NDArray(dtype, shape, buf)];
    } finally {
      ar.release(mark);
    }
  };
}
