/**
 * Where the time of the compiled logistic 1/(1+exp(-x)) over 10^6 values goes, to
 * compare runtimes (issue 17: "Bun's wasm float64 logistic gains nothing over JS"):
 * the compiled function with the wasm engine and with it off (JS kernels), the
 * hand-written loop, and the parts of the engine's call: the SIMD sigmoid kernel alone
 * over data already in the arena, a copy of the same size into and out of the arena,
 * and the first write of a fresh output array (its page faults). Median (best) ms of
 * `rounds` interleaved rounds, one thread.
 *
 *   deno run --allow-read --allow-env bench/logistic_parts.ts [float32|float64] [rounds]
 *   bun bench/logistic_parts.ts [float32|float64] [rounds]
 * @module
 */
import process from "node:process";
import * as T from "../mod.ts";
import { forRange, LANES } from "../backends/wasm/asm.ts";
import { I32, ModuleBuilder } from "../backends/wasm/emitter.ts";
import { arena } from "../backends/wasm/memory.ts";
import { VecWriter, vsigmoid } from "../backends/wasm/vmath.ts";
import { handLogistic32, handLogistic64, hypatiaLogistic, randomArray } from "./common.ts";

const args = process.argv.slice(2).filter((a) => !a.endsWith(".ts"));
const dtype = (args.find((a) => a.startsWith("float")) ?? "float64") as "float32" | "float64";
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const N = 1_000_000;
const L = LANES[dtype === "float32" ? "f32" : "f64"];

/** `k(src, dst, vectors)`: the sigmoid of each vector, arena to arena (the engine's step). */
function sigmoidKernel(): (src: number, dst: number, nvec: number) => void {
  const a = arena(), mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32], [], (c) => {
    const w = new VecWriter(c, L), i = c.local(I32);
    forRange(c, i, () => c.i32(0), () => c.get(2), 1, () => {
      c.get(1).get(0).mem("v128.load", 0, 0);
      vsigmoid(w, w.let());
      c.mem("v128.store", 0, 0);
      c.get(0).i32(16).op("i32.add").set(0);
      c.get(1).i32(16).op("i32.add").set(1);
    });
    w.finish();
  }, "k");
  return a.instantiate(mb.build()).k as (src: number, dst: number, nvec: number) => void;
}

const x = randomArray(dtype, [N]), src = x.data as Float32Array | Float64Array;
const wasm = hypatiaLogistic(dtype, true), js = hypatiaLogistic(dtype, false);
const hand = dtype === "float32"
  ? () => handLogistic32(src as Float32Array)
  : () => handLogistic64(src as Float64Array);
T.config.threads = 1;
const ar = arena(), inAt = ar.alloc(N * L.size), outAt = ar.alloc(N * L.size), k = sigmoidKernel();
const view = (at: number) => (dtype === "float32" ? ar.f32(at, N) : ar.f64(at, N));
view(inAt).set(src);
const dst = dtype === "float32" ? new Float32Array(N) : new Float64Array(N);
const parts: Record<string, () => unknown> = {
  "compiled, wasm engine": () => wasm(x),
  "compiled, JS kernels": () => js(x),
  "hand-written loop": hand,
  "SIMD sigmoid kernel alone (arena to arena)": () => k(inAt, outAt, N / L.lanes),
  "copy into the arena": () => view(inAt).set(src),
  "copy out of the arena": () => dst.set(view(outAt)),
  "fresh output array, first write": () =>
    (dtype === "float32" ? new Float32Array(N) : new Float64Array(N)).set(src),
};
const times: Record<string, number[]> = {};
for (let r = 0; r < rounds + 3; r++) {
  for (const [name, f] of Object.entries(parts)) {
    const t = performance.now();
    f();
    if (r >= 3) (times[name] ??= []).push(performance.now() - t);
  }
}
declare const Bun: { version: string } | undefined;
const rt = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Deno ${Deno.version.deno}`;
console.log(`${rt}, logistic of 1e6 ${dtype}, ${rounds} rounds: median (best) ms`);
for (const [name, ts] of Object.entries(times)) {
  const s = [...ts].sort((a, b) => a - b);
  console.log(`| ${name} | ${s[s.length >> 1].toFixed(3)} (${s[0].toFixed(3)}) |`);
}
