/**
 * SIMD sums, maxima and minima for the CPU backend's `sum`, `max` and `min` nodes over
 * trailing axes (all axes, or the last ones of a C-contiguous array): each group of
 * consecutive elements is folded with four vector accumulators. Sums widen float32
 * to float64 first, as the JS kernel (ops/reduce_layout.ts) accumulates in a JS
 * number, so both keep the same precision; only the order of the additions differs.
 * max/min give the JS kernels' results exactly: NaN if any element is NaN, and a zero
 * extreme (where the instructions order -0 below +0 but the JS kernel keeps the first
 * seen) is redone by the JS rule. Elements are streamed through the arena in chunks,
 * or read in place when already there (a mirrored shared value, an engine array, the
 * run's staged copy). Other layouts, other dtypes and small inputs keep the JS kernel.
 * @module
 */
import { config } from "../../core/config.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { isTrailing, reducedShape, type ReduceParams } from "../../ops/reduce.ts";
import { addTo, forRange, type Lane, LANES } from "./asm.ts";
import { type Code, F64, I32, ModuleBuilder, V128 } from "./emitter.ts";
import { hasSimd } from "./features.ts";
import type { Kernel } from "../kernel.ts";
import { arena } from "./memory.ts";
import { residentOffset } from "./staging.ts";

/** Tunables: inputs with fewer elements, or groups shorter than `minGroup`, run the JS kernel. */
export const reduceOptions: { minSize: number; minGroup: number; chunk: number } = {
  minSize: 4096,
  minGroup: 64,
  chunk: 65536,
};

/** Counts of sums the engine ran (for tests). */
export const reduceStats: { runs: number } = { runs: 0 };

/** Shuffle indices putting bytes 8..15 of the first operand in the low half. */
const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** The reductions the engine runs. */
export type ReduceKind = "sum" | "max" | "min";

const folds = new Map<string, (ptr: number, n: number) => number>();

/**
 * `fold(ptr, n)`: the sum (in float64), max or min of n lane-type elements at byte
 * offset ptr, as a float64. max/min use the instructions' rules: NaN wins, and -0 is
 * below +0 (the caller redoes a zero result with the JS kernel's first-seen rule).
 */
function foldFunction(lane: Lane, kind: ReduceKind): (ptr: number, n: number) => number {
  const key = `${lane}|${kind}`;
  let f = folds.get(key);
  if (f) return f;
  const a = arena();
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32], [F64], (c) => {
    if (kind === "sum") emitSum(c, lane);
    else emitExtreme(c, lane, kind);
  }, "fold");
  f = a.instantiate(mb.build()).fold as (ptr: number, n: number) => number;
  folds.set(key, f);
  return f;
}

/** The sum: four f64x2 accumulators, float32 widened. Params (ptr, n). */
function emitSum(c: Code, lane: Lane): void {
  const S = LANES[lane].size, ptr = 0, n = 1;
  const i = c.local(I32), end = c.local(I32), s = c.local(F64);
  const acc = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)], tmp = c.local(V128);
  // Elements per iteration: 4 f64x2 (8 float64), or 2 f32x4 widened into 4 f64x2 (8 float32).
  const PER = 8;
  c.get(n).i32(-PER).op("i32.and").set(end);
  forRange(c, i, () => c.i32(0), () => c.get(end), PER, () => {
    if (lane === "f64") {
      for (let k = 0; k < 4; k++) {
        c.get(acc[k]).get(ptr).mem("v128.load", 16 * k, 0).op("f64x2.add").set(acc[k]);
      }
    } else {
      for (let h = 0; h < 2; h++) {
        c.get(ptr).mem("v128.load", 16 * h, 0).set(tmp);
        c.get(acc[2 * h]).get(tmp).op("f64x2.promote_low_f32x4", "f64x2.add").set(acc[2 * h]);
        // The high pair moved to the low half, then widened.
        c.get(acc[2 * h + 1]).get(tmp).get(tmp).shuffle(HIGH).op("f64x2.promote_low_f32x4", "f64x2.add");
        c.set(acc[2 * h + 1]);
      }
    }
    addTo(c, ptr, PER * S);
  });
  forRange(c, i, () => c.get(end), () => c.get(n), 1, () => {
    c.get(s).get(ptr);
    if (lane === "f64") c.mem("f64.load");
    else c.mem("f32.load").op("f64.promote_f32");
    c.op("f64.add").set(s);
    addTo(c, ptr, S);
  });
  c.get(acc[0]).get(acc[1]).op("f64x2.add").get(acc[2]).get(acc[3]).op("f64x2.add", "f64x2.add").set(acc[0]);
  c.get(acc[0]).lane("f64x2.extract_lane", 0).get(acc[0]).lane("f64x2.extract_lane", 1).op("f64.add");
  c.get(s).op("f64.add");
}

/** max or min: four vector accumulators started at ∓∞. Params (ptr, n). */
function emitExtreme(c: Code, lane: Lane, kind: "max" | "min"): void {
  const L = LANES[lane], S = L.size, W = L.lanes, ptr = 0, n = 1;
  const i = c.local(I32), end = c.local(I32), s = c.local(F64);
  const acc = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const start = kind === "max" ? -Infinity : Infinity;
  const splat = lane === "f32" ? new Float32Array(4).fill(start) : new Float64Array(2).fill(start);
  for (const a of acc) c.v128(new Uint8Array(splat.buffer)).set(a);
  c.f64(start).set(s);
  const PER = 4 * W;
  c.get(n).i32(-PER).op("i32.and").set(end);
  forRange(c, i, () => c.i32(0), () => c.get(end), PER, () => {
    for (let k = 0; k < 4; k++) {
      c.get(acc[k]).get(ptr).mem("v128.load", 16 * k, 0).op(`${L.v}.${kind}`).set(acc[k]);
    }
    addTo(c, ptr, PER * S);
  });
  forRange(c, i, () => c.get(end), () => c.get(n), 1, () => {
    c.get(s).get(ptr);
    if (lane === "f64") c.mem("f64.load");
    else c.mem("f32.load").op("f64.promote_f32");
    c.op(`f64.${kind}`).set(s);
    addTo(c, ptr, S);
  });
  c.get(acc[0]).get(acc[1]).op(`${L.v}.${kind}`).get(acc[2]).get(acc[3]).op(
    `${L.v}.${kind}`,
    `${L.v}.${kind}`,
  );
  c.set(acc[0]);
  for (let l = 0; l < W; l++) {
    c.get(s).get(acc[0]).lane(`${L.v}.extract_lane`, l);
    if (lane === "f32") c.op("f64.promote_f32");
    c.op(`f64.${kind}`).set(s);
  }
  c.get(s);
}

/** The JS kernels' rule for one group: the first NaN, else the first extreme seen (so -0 vs +0 by order). */
function jsExtreme(src: Float32Array | Float64Array, b: number, m: number, kind: "max" | "min"): number {
  let a = src[b];
  for (let j = b + 1, e = b + m; j < e && a === a; j++) {
    const v = src[j];
    if ((kind === "max" ? v > a : v < a) || v !== v) a = v;
  }
  return a;
}

/**
 * The sum, max or min node on the SIMD engine for float32/float64 inputs reduced over
 * trailing axes; `fallback` (the JS kernel) runs otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmReduceKernel } from "./reduce.ts";
 * import { sumOp } from "../../ops/reduce.ts";
 * import { TensorType } from "../../core/graph.ts";
 * import { NDArray } from "../../core/ndarray.ts";
 * const node = sumOp.make([new TensorType("float64", [null]).make("x")], { axes: [0], keepdims: false });
 * const kernel = wasmReduceKernel(node, "sum", () => [])!;
 * const x = new NDArray("float64", [10000], Float64Array.from({ length: 10000 }, (_, i) => i));
 * assert.equal(kernel([x])[0].item(), 49995000);
 * ```
 */
export function wasmReduceKernel(node: Apply, kind: ReduceKind, fallback: Kernel): Kernel {
  const dtype = node.inputs[0].dtype;
  if (!config.wasm || !hasSimd() || (dtype !== "float32" && dtype !== "float64")) return fallback;
  if (node.outputs[0].dtype !== dtype) return fallback;
  const params = node.params as ReduceParams, axes = params.axes;
  const lane: Lane = dtype === "float32" ? "f32" : "f64", S = LANES[lane].size as 4 | 8;
  const combine = kind === "sum" ? (a: number, b: number) => a + b : kind === "max" ? Math.max : Math.min;
  const start = kind === "sum" ? 0 : kind === "max" ? -Infinity : Infinity;
  return (vals, pool) => {
    const x = vals[0];
    const m = axes.reduce((p, a) => p * x.shape[a], 1);
    if (!isTrailing(axes, x.ndim) || x.size < reduceOptions.minSize || m < reduceOptions.minGroup) {
      return fallback(vals, pool);
    }
    const f = foldFunction(lane, kind);
    // Every group's result is written below, so a pooled buffer's old contents never show.
    const out = new NDArray(dtype, reducedShape(x.shape, params), pool?.take(dtype, x.size / m));
    const data = x.data as Float32Array | Float64Array, n = data.length;
    const at = residentOffset(data, S);
    const ar = arena(), mark = ar.mark();
    try {
      const CH = reduceOptions.chunk;
      const buf = at >= 0 ? -1 : ar.alloc(Math.min(CH, n) * S);
      if (at < 0 && buf < 0) {
        pool?.give(out.data);
        return fallback(vals, pool);
      }
      const view = buf >= 0
        ? (lane === "f32" ? ar.f32(buf, Math.min(CH, n)) : ar.f64(buf, Math.min(CH, n)))
        : undefined;
      reduceStats.runs++;
      // Chunks of the input; a group may span several, its partial results combined here.
      let o = 0, left = m, acc = start;
      for (let c0 = 0; c0 < n; c0 += CH) {
        const len = Math.min(CH, n - c0);
        let base: number;
        if (view) {
          view.set(data.subarray(c0, c0 + len));
          base = buf;
        } else base = at + c0 * S;
        for (let p = 0; p < len;) {
          const take = Math.min(left, len - p);
          acc = combine(acc, f(base + p * S, take));
          p += take;
          left -= take;
          if (left === 0) {
            // A zero extreme: the JS kernels keep the first of -0 and +0 seen; redo the group.
            out.data[o] = kind !== "sum" && acc === 0 ? jsExtreme(data, o * m, m, kind) : acc;
            o++;
            acc = start;
            left = m;
          }
        }
      }
      return [out];
    } finally {
      ar.release(mark);
    }
  };
}
