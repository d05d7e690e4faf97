/**
 * The parts of an MRG31k3p draw on the SIMD engine, timed against the scalar reference:
 * 1e7 float32 uniforms from 15,360 substreams into a fresh array and into a reused one,
 * on one thread and split across two (`mrgOptions.parallelSize` lowered for the run), the
 * 40 MB copy into a fresh and into a used array (what the fill adds after its kernel), and
 * the Box–Muller transform of 1e6 uniforms (float32 and float64), SIMD and scalar, and
 * compiled draws of 1e6 values with and without `low`/`high` or `avg`/`std`.
 * Interleaved rounds; median (best) ms.
 *
 *   deno run --allow-read --allow-env bench/mrg_parts.ts [rounds]
 *   bun bench/mrg_parts.ts [rounds]
 * @module
 */
import process from "node:process";
import * as T from "../mod.ts";
import { config } from "../core/config.ts";
import { fillUniform32, fillUniform64, substreamStates } from "../random/mrg_core.ts";
import { boxMuller } from "../random/mrg_op.ts";
import { mrgOptions, simdFillUniform } from "../backends/wasm/mrg.ts";
import { simdBoxMuller } from "../backends/wasm/box_muller.ts";
import { startThreads } from "../backends/wasm/matmul.ts";
import { shutdownThreads } from "../backends/wasm/threads.ts";

const rounds = Number(process.argv.at(-1)) > 0 ? Number(process.argv.at(-1)) : 10;
const NS = 15360, N = 10_000_000, M = 1_000_000;
const st = substreamStates([12345, 12345, 12345, 12345, 12345, 12345], NS);
const reused = new Float32Array(N), used = new Float32Array(N);
used.fill(1);

const parts: Record<string, () => unknown> = {
  "1e7 f32 uniforms, SIMD, fresh array": () => simdFillUniform(st, new Float32Array(N), NS),
  "1e7 f32 uniforms, SIMD, reused array": () => simdFillUniform(st, reused, NS),
  "1e7 f32 uniforms, SIMD on 2 threads, fresh array": () =>
    split(() => simdFillUniform(st, new Float32Array(N), NS)),
  "1e7 f32 uniforms, SIMD on 2 threads, reused array": () => split(() => simdFillUniform(st, reused, NS)),
  "1e7 f32 uniforms, scalar, fresh array": () => fillUniform32(st, new Float32Array(N), NS),
  "1e7 f64 uniforms, SIMD, fresh array": () => simdFillUniform(st, new Float64Array(N), NS),
  "1e7 f64 uniforms, scalar, fresh array": () => fillUniform64(st, new Float64Array(N), NS),
  "40 MB copy into a fresh array": () => new Float32Array(N).set(reused),
  "40 MB copy into a used array": () => used.set(reused),
};
for (const f32 of [true, false]) {
  const u = f32 ? new Float32Array(M) : new Float64Array(M);
  (f32 ? fillUniform32 : fillUniform64)(substreamStates([7, 7, 7, 7, 7, 7], NS), u as never, NS);
  const t = f32 ? "f32" : "f64";
  parts[`Box–Muller of 1e6 ${t} uniforms, SIMD`] = () => simdBoxMuller(u.slice(), f32);
  parts[`Box–Muller of 1e6 ${t} uniforms, scalar`] = () => boxMuller(u.slice(), f32);
}

// Compiled draws of 1e6 values, with and without the arguments that scale them.
for (const dtype of ["float32", "float64"] as const) {
  const s = new T.MRGRandomStreams(1), c = (v: T.Variable) => T.function([], v);
  parts[`compiled: 1e6 ${dtype} uniforms`] = c(s.uniform([M], { dtype }));
  parts[`compiled: 1e6 ${dtype} uniforms, low -1, high 3`] = c(s.uniform([M], { dtype, low: -1, high: 3 }));
  parts[`compiled: 1e6 ${dtype} normals`] = c(s.normal([M], { dtype }));
  parts[`compiled: 1e6 ${dtype} normals, avg 1, std 2`] = c(s.normal([M], { dtype, avg: 1, std: 2 }));
}

/** Run f with the fill split across two threads. */
function split(f: () => void) {
  const [p, t] = [mrgOptions.parallelSize, config.threads];
  mrgOptions.parallelSize = 1 << 16;
  config.threads = 2;
  try {
    f();
  } finally {
    mrgOptions.parallelSize = p;
    config.threads = t;
  }
}

const ready = await startThreads();
const times: Record<string, number[]> = {};
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, f] of Object.entries(parts)) {
    const t0 = performance.now();
    f();
    if (r >= 2) (times[name] ??= []).push(performance.now() - t0);
  }
}
shutdownThreads();
declare const Bun: { version: string } | undefined;
const rt = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Deno ${Deno.version.deno}`;
console.log(`${rt}; worker threads ready: ${ready - 1}; ${rounds} rounds: median (best) ms`);
for (const [name, ts] of Object.entries(times)) {
  const s = [...ts].sort((a, b) => a - b);
  console.log(`| ${name} | ${s[s.length >> 1].toFixed(2)} (${s[0].toFixed(2)}) |`);
}
