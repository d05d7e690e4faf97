/**
 * The MRG normals' Box–Muller transform (random/mrg_op.ts `boxMuller`) in WebAssembly
 * SIMD: radius `sqrt(-2 log u)` from the first half of the uniforms, angle `2π u` from
 * the second, cosines into the first half and sines into the second, in place.
 *
 * Each step is rounded where the scalar rule rounds: in float32, log is computed in
 * float64 (vlog.ts, within 1 ulp of `Math.log`) and rounded to float32, `-2·`, the square
 * root and `2π·u` are float32 instructions (correctly rounded, as `Math.fround` of the
 * float64 operation is for these), sine and cosine are computed in float64 (vtrig.ts,
 * within 1 ulp of `Math.sin`/`Math.cos`) and rounded to float32, and the products are
 * float32 products. In float64 the same steps without the roundings to float32. The
 * results therefore differ from the scalar ones only where a float64 function's last
 * bit differs from V8's (and, in float32, that moves a rounding): measured over 2·10^6
 * draws in box_muller_test.ts (figures in bench/RESULTS.md, issue 17), asserted ≤ 2 ulps.
 * @module
 */
import { config } from "../../core/config.ts";
import { boxMuller } from "../../random/mrg_op.ts";
import { forRange, LANES } from "./asm.ts";
import { I32, ModuleBuilder } from "./emitter.ts";
import { hasSimd } from "./features.ts";
import { arena } from "./memory.ts";
import { VecWriter } from "./vmath.ts";
import { vlog } from "./vlog.ts";
import { vsincos } from "./vtrig.ts";

/** Tunables: fewer pairs than `minPairs` run the scalar loop; `chunk` pairs per pass. */
export const boxMullerOptions: { minPairs: number; chunk: number } = { minPairs: 256, chunk: 1 << 14 };

/** Counts of transforms the SIMD kernel ran (for tests). */
export const boxMullerStats: { runs: number } = { runs: 0 };

/** `k(radii, angles, vectors)`: the pairs of `vectors` whole vectors, in place. */
type Kernel = (pa: number, pb: number, nvec: number) => void;

const kernels = new Map<string, Kernel>();

/** Shuffle moving bytes 8..15 to the low half. */
const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
/** Shuffle joining the low halves of two vectors. */
const LOWS = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

function kernel(f32: boolean): Kernel {
  const key = f32 ? "f32" : "f64";
  let k = kernels.get(key);
  if (k) return k;
  const a = arena();
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32], [], (c) => {
    const [pa, pb, nvec] = [0, 1, 2];
    const i = c.local(I32);
    const w = new VecWriter(c, LANES.f64), w32 = w.as(LANES.f32);
    // Float64 lanes: the log and the sine and cosine of one f64x2 local each.
    const log = (x: number) => {
      vlog(w, x);
      return w.let();
    };
    forRange(c, i, () => c.i32(0), () => c.get(nvec), 1, () => {
      c.get(pa).mem("v128.load", 0, 0);
      const u = w.let();
      c.get(pb).mem("v128.load", 0, 0);
      const v = w.let();
      let rr: number, cos: number, sin: number;
      if (f32) {
        // Halves widened to float64, results rounded to float32 and joined.
        const halves = (x: number, f: (h: number) => number[]) => {
          c.get(x).op("f64x2.promote_low_f32x4");
          const lo = f(w.let());
          c.get(x).get(x).shuffle(HIGH).op("f64x2.promote_low_f32x4");
          const hi = f(w.let());
          return lo.map((l, j) => {
            c.get(l).op("f32x4.demote_f64x2_zero").get(hi[j]).op("f32x4.demote_f64x2_zero").shuffle(LOWS);
            return w.let();
          });
        };
        const [lg] = halves(u, (h) => [log(h)]);
        w32.get(lg).k(-2).f("mul", "sqrt");
        rr = w.let();
        w32.get(v).k(Math.fround(2 * Math.PI)).f("mul");
        const th = w.let();
        [sin, cos] = halves(th, (h) => {
          const sc = vsincos(w, h);
          return [sc.sin, sc.cos];
        });
        c.get(pa).get(rr).get(cos).op("f32x4.mul").mem("v128.store", 0, 0);
        c.get(pb).get(rr).get(sin).op("f32x4.mul").mem("v128.store", 0, 0);
      } else {
        w.get(log(u)).k(-2).f("mul", "sqrt");
        rr = w.let();
        w.get(v).k(2 * Math.PI).f("mul");
        ({ sin, cos } = vsincos(w, w.let()));
        c.get(pa).get(rr).get(cos).op("f64x2.mul").mem("v128.store", 0, 0);
        c.get(pb).get(rr).get(sin).op("f64x2.mul").mem("v128.store", 0, 0);
      }
      c.get(pa).i32(16).op("i32.add").set(pa);
      c.get(pb).i32(16).op("i32.add").set(pb);
    });
    w.finish();
  }, "k");
  k = a.instantiate(mb.build()).k as Kernel;
  kernels.set(key, k);
  return k;
}

/**
 * `boxMuller(u, f32).z` with vectors: the same transform in place, each result within
 * the measured ulps of the scalar one (see the module note). Returns `u`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simdBoxMuller } from "./box_muller.ts";
 * const u = Float64Array.from({ length: 2000 }, (_, i) => (i + 0.5) / 2000);
 * const z = simdBoxMuller(u.slice(), false);
 * assert(Math.abs(z[0] - Math.sqrt(-2 * Math.log(u[0])) * Math.cos(2 * Math.PI * u[1000])) < 1e-14);
 * ```
 */
export function simdBoxMuller(u: Float32Array | Float64Array, f32: boolean): Float32Array | Float64Array {
  const half = u.length / 2, L = f32 ? 4 : 2, S = f32 ? 4 : 8;
  const nvec = Math.floor(half / L);
  if (!config.wasm || !hasSimd() || half < boxMullerOptions.minPairs) return boxMuller(u, f32).z;
  const ar = arena(), mark = ar.mark();
  let done = 0;
  try {
    const per = Math.min(nvec, Math.max(1, Math.floor(boxMullerOptions.chunk / L))) * L;
    const pa = ar.alloc(per * S), pb = pa < 0 ? -1 : ar.alloc(per * S);
    if (pb >= 0) {
      const k = kernel(f32);
      boxMullerStats.runs++;
      while (done < nvec * L) {
        const m = Math.min(per, nvec * L - done);
        const A = f32 ? ar.f32(pa, m) : ar.f64(pa, m), B = f32 ? ar.f32(pb, m) : ar.f64(pb, m);
        A.set(u.subarray(done, done + m));
        B.set(u.subarray(half + done, half + done + m));
        k(pa, pb, m / L);
        u.set(A, done);
        u.set(B, half + done);
        done += m;
      }
    }
  } finally {
    ar.release(mark);
  }
  // The pairs past the last whole vector (or all of them, without arena space).
  return boxMuller(u, f32, false, done).z;
}
