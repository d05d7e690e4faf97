/**
 * Helpers shared by the WebGPU tests: the adapter check (CI has Mesa's llvmpipe, so a
 * missing adapter fails loudly instead of skipping), float32 ulp distances, and
 * reproducible test values per dtype.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import { probeAdapter } from "./device.ts";

/** Fail with a clear message when this machine has no WebGPU adapter at all. */
export async function requireAdapter(): Promise<void> {
  const found = await probeAdapter();
  if (!found) {
    throw new Error(
      "No WebGPU adapter: the WebGPU tests need one (a GPU driver, or Mesa's llvmpipe software adapter, " +
        "e.g. `apt-get install mesa-vulkan-drivers`). Run them with `deno test --unstable-webgpu`.",
    );
  }
}

/** Distance in float32 units in the last place between two float32 values (NaN = NaN, inf = inf). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const bits = (x: number) => {
    const i = new Int32Array(new Float32Array([x]).buffer)[0];
    return i < 0 ? -2147483648 - i : i; // monotone integer order of floats
  };
  return Math.abs(bits(a) - bits(b));
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

/**
 * `n` test values of a dtype: edge values first (zeros, ones, the dtype's extremes),
 * then random ones. Floats stay in [-6, 6] plus a few larger magnitudes, so every
 * elementwise op has finite, comparable results for most of them.
 */
export function testValues(dtype: DType, n: number, seed: number): NDArray {
  const r = rng(seed);
  const out = new NDArray(dtype, [n]);
  let edges: number[];
  if (dtype === "float32") {
    edges = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 1e-4, -1e-4, 10, -10, 3.25, -7.75, 20, -20];
    edges.push(0.003, -0.01, 0.03, -0.2, 0.3, -0.7, 0.9, 1.5, 3.14159, -1.5708); // near 0, near 1, near pi
  } else if (dtype === "bool") edges = [0, 1, 1, 0];
  else {
    const [lo, hi] = RANGES[dtype]!;
    edges = [0, 1, -1, 2, -2, 3, 7, -7, lo, hi, lo + 1, hi - 1].filter((v) => v >= lo && v <= hi);
  }
  // Rotate the edges by the seed so two inputs do not pair each edge with itself.
  const shift = seed % edges.length;
  for (let i = 0; i < n; i++) {
    if (i < edges.length) out.data[i] = edges[(i + shift) % edges.length];
    else if (dtype === "float32") out.data[i] = (r() - 0.5) * 12;
    else if (dtype === "bool") out.data[i] = r() < 0.5 ? 0 : 1;
    else {
      const [lo, hi] = RANGES[dtype]!;
      // Mostly small values (where integer ops are interesting), some anywhere in range.
      out.data[i] = r() < 0.8
        ? Math.max(lo, Math.min(hi, Math.round((r() - 0.5) * 40)))
        : Math.floor(lo + r() * (hi - lo + 1));
    }
  }
  return out;
}
