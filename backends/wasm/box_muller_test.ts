import assert from "node:assert/strict";
import { config } from "../../core/config.ts";
import { boxMuller } from "../../random/mrg_op.ts";
import { drawUniform, substreamStates } from "../../random/mrg_core.ts";
import { boxMullerOptions, boxMullerStats, simdBoxMuller } from "./box_muller.ts";

/** Distance in units in the last place of the lane type (same-sign values). */
function ulps(a: number, b: number, f32: boolean): number {
  if (a === b) return 0;
  if (Math.sign(a) !== Math.sign(b)) return Infinity;
  if (f32) {
    const v = new Float32Array([a, b]), i = new Int32Array(v.buffer);
    return Math.abs(i[0] - i[1]);
  }
  const v = new Float64Array([a, b]), i = new BigInt64Array(v.buffer);
  return Math.abs(Number(i[0] - i[1]));
}

/** Largest distance and how many differ, over Box–Muller of n MRG uniforms. */
function compare(n: number, f32: boolean) {
  const u = drawUniform(substreamStates([7, 7, 7, 7, 7, 7], 15360), n, 15360, f32);
  const runs = boxMullerStats.runs;
  const a = simdBoxMuller(u.slice(), f32), b = boxMuller(u.slice(), f32).z;
  assert.equal(boxMullerStats.runs, runs + 1, "the SIMD kernel ran");
  let worst = 0, differ = 0;
  for (let i = 0; i < n; i++) {
    const d = ulps(a[i], b[i], f32);
    if (d > 0) differ++;
    worst = Math.max(worst, d);
  }
  return { worst, differ };
}

Deno.test("SIMD Box–Muller float32: within 2 ulps of the scalar transform over 10^6 draws (measured: identical)", () => {
  const { worst } = compare(1_000_002, true);
  assert(worst <= 2, `max ${worst} ulps`);
});

Deno.test("SIMD Box–Muller float64: within 3 ulps of the scalar transform over 10^6 draws (why the engine keeps float64 scalar)", () => {
  const { worst, differ } = compare(1_000_002, false);
  assert(worst <= 3, `max ${worst} ulps`);
  assert(differ > 0);
});

Deno.test("SIMD Box–Muller: tails past the last vector and chunk edges, every pair transformed once", () => {
  const chunk = boxMullerOptions.chunk;
  boxMullerOptions.chunk = 12;
  try {
    for (const f32 of [true, false]) {
      for (const n of [514, 518, 1000, 2 * 1037]) {
        const u = drawUniform(substreamStates([9, 9, 9, 9, 9, 9], 100), n, 100, f32);
        const a = simdBoxMuller(u.slice(), f32), b = boxMuller(u.slice(), f32).z;
        for (let i = 0; i < n; i++) {
          assert(ulps(a[i], b[i], f32) <= 3, `${f32 ? "f32" : "f64"} n ${n} [${i}]: ${a[i]} vs ${b[i]}`);
        }
      }
    }
  } finally {
    boxMullerOptions.chunk = chunk;
  }
});

Deno.test("SIMD Box–Muller: small inputs and the engine off run the scalar transform", () => {
  const runs = boxMullerStats.runs;
  const u = Float32Array.from({ length: 100 }, (_, i) => Math.fround((i + 1) / 101));
  assert.deepEqual(simdBoxMuller(u.slice(), true), boxMuller(u.slice(), true).z);
  const saved = config.wasm;
  config.wasm = false;
  try {
    const v = Float32Array.from({ length: 4000 }, (_, i) => Math.fround((i + 1) / 4001));
    assert.deepEqual(simdBoxMuller(v.slice(), true), boxMuller(v.slice(), true).z);
  } finally {
    config.wasm = saved;
  }
  assert.equal(boxMullerStats.runs, runs);
});
