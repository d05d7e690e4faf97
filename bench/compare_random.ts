/**
 * MRG31k3p on the CPU, side by side in one process: Hypatia's compiled random
 * variables against bare hand-written MRG31k3p loops (one stream in local variables,
 * the same u32-safe arithmetic, no graph, no substreams), and the time to build a
 * variable with 15,360 substreams.
 *
 *   deno run -A bench/compare_random.ts [--n 10000000] [--reps 7]
 *
 * Both sides return a fresh array per call (the bare loops allocate theirs, as any
 * generator returning its numbers must); a last column shows the bare loop writing into
 * a preallocated buffer, the lower bound. Times are process CPU time (user + system,
 * which counts page faults of fresh arrays), median over interleaved repetitions, so
 * other processes on a shared machine disturb them less than wall-clock time.
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import * as T from "../mod.ts";

const M1 = 2147483647, M2 = 2147462579, NORM64 = 4.656612873077392578125e-10;
const NORM32 = Math.fround(4.6566126e-10);

/** A bare MRG31k3p loop: one stream, float64 uniforms z·2^-31. */
export function bareUniform64(out: Float64Array, seed = 12345): void {
  let x11 = seed, x12 = seed, x13 = seed, x21 = seed, x22 = seed, x23 = seed;
  for (let i = 0; i < out.length; i++) {
    let s = (((x12 & 511) << 22) | (x12 >>> 9)) + (((x13 & 16777215) << 7) | (x13 >>> 24));
    s = (s & M1) + (s >>> 31) + x13;
    let y1 = (s & M1) + (s >>> 31);
    if (y1 === M1) y1 = 0;
    s = ((x21 & 65535) << 15) + ((x23 & 65535) << 15);
    s = (s & M1) + 21069 * ((s >>> 31) + (x21 >>> 16) + (x23 >>> 16));
    s = (s & M1) + 21069 * (s >>> 31) + x23;
    let y2 = (s & M1) + 21069 * (s >>> 31);
    if (y2 >= M2) y2 -= M2;
    x13 = x12, x12 = x11, x11 = y1, x23 = x22, x22 = x21, x21 = y2;
    const d = y1 - y2;
    out[i] = (d <= 0 ? d + M1 : d) * NORM64;
  }
}

/** The same loop writing float32 uniforms `fround(z)·fround(4.6566126e-10)`. */
export function bareUniform32(out: Float32Array, seed = 12345): void {
  let x11 = seed, x12 = seed, x13 = seed, x21 = seed, x22 = seed, x23 = seed;
  for (let i = 0; i < out.length; i++) {
    let s = (((x12 & 511) << 22) | (x12 >>> 9)) + (((x13 & 16777215) << 7) | (x13 >>> 24));
    s = (s & M1) + (s >>> 31) + x13;
    let y1 = (s & M1) + (s >>> 31);
    if (y1 === M1) y1 = 0;
    s = ((x21 & 65535) << 15) + ((x23 & 65535) << 15);
    s = (s & M1) + 21069 * ((s >>> 31) + (x21 >>> 16) + (x23 >>> 16));
    s = (s & M1) + 21069 * (s >>> 31) + x23;
    let y2 = (s & M1) + 21069 * (s >>> 31);
    if (y2 >= M2) y2 -= M2;
    x13 = x12, x12 = x11, x11 = y1, x23 = x22, x22 = x21, x21 = y2;
    const d = y1 - y2;
    out[i] = Math.fround(d <= 0 ? d + M1 : d) * NORM32;
  }
}

/** A bare normal generator: the uniform loop, then Box–Muller pairs in place (float64). */
export function bareNormal64(n: number, seed = 12345): Float64Array {
  const u = new Float64Array(n + (n % 2));
  bareUniform64(u, seed);
  const half = u.length / 2;
  for (let i = 0; i < half; i++) {
    const r = Math.sqrt(-2 * Math.log(u[i])), th = 2 * Math.PI * u[half + i];
    u[i] = r * Math.cos(th);
    u[half + i] = r * Math.sin(th);
  }
  return u.subarray(0, n);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU time of one call in ms (user + system, all threads of the process). */
function time(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Run each pair interleaved `reps` times after a warm-up; medians in ms. */
export function compare(n: number, reps: number) {
  const srng = new T.MRGRandomStreams(12345);
  const fu64 = T.function([], srng.uniform([n]));
  const fu32 = T.function([], srng.uniform([n], { dtype: "float32" }));
  const fn64 = T.function([], srng.normal([n]));
  const o64 = new Float64Array(n), o32 = new Float32Array(n);
  const cases = [
    {
      name: "uniform float64",
      ours: () => fu64(),
      bare: () => bareUniform64(new Float64Array(n)),
      pre: () => bareUniform64(o64),
    },
    {
      name: "uniform float32",
      ours: () => fu32(),
      bare: () => bareUniform32(new Float32Array(n)),
      pre: () => bareUniform32(o32),
    },
    { name: "normal float64", ours: () => fn64(), bare: () => bareNormal64(n), pre: undefined },
  ];
  const rows = cases.map((c) => {
    c.ours(), c.bare(), c.ours(), c.bare();
    const tOurs: number[] = [], tBare: number[] = [], tPre: number[] = [];
    for (let r = 0; r < reps; r++) {
      tOurs.push(time(c.ours));
      tBare.push(time(c.bare));
      if (c.pre) tPre.push(time(c.pre));
    }
    const ours = median(tOurs), bare = median(tBare);
    return { name: c.name, ours, bare, ratio: bare / ours, pre: c.pre ? median(tPre) : undefined };
  });
  // Building a variable with 15,360 substreams (exact 2^72 jumps).
  const build: number[] = [];
  const s = new T.MRGRandomStreams(1);
  for (let r = 0; r < 5; r++) s.uniform([1_000_000]);
  for (let r = 0; r < 31; r++) build.push(time(() => s.uniform([1_000_000])));
  return { rows, build: median(build) };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { n: { type: "string", default: "10000000" }, reps: { type: "string", default: "7" } },
  });
  const n = Number(values.n), reps = Number(values.reps);
  const { rows, build } = compare(n, reps);
  console.log(
    `MRG31k3p, ${n.toLocaleString("en")} draws per call, CPU time, median of ${reps} interleaved runs`,
  );
  console.log(
    "| case | Hypatia (ms) | bare loop (ms) | Hypatia rate / bare rate | bare, preallocated (ms) |",
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    const pre = r.pre === undefined ? "" : r.pre.toFixed(1);
    console.log(
      `| ${r.name} | ${r.ours.toFixed(1)} | ${r.bare.toFixed(1)} | ${r.ratio.toFixed(2)}x | ${pre} |`,
    );
  }
  console.log(`| build a variable with 15,360 substreams | ${build.toFixed(2)} | | | |`);
}
