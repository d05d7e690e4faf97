/**
 * What a fresh 4 MB output costs: `new Float32Array(1e6)` filled from another array (the
 * first write touches every page), against NumPy's `np.empty` + copy, in one run, rounds
 * interleaved. NumPy asks the kernel for huge pages on arrays of 4 MB and more
 * (madvise), so its fresh array faults two 2 MB pages where a typed array faults a
 * thousand 4 KB ones; glibc returns each freed 4 MB block to the system, so every call
 * faults again. Run it under each runtime (`deno run`, `bun`): ms per call,
 * best (median).
 *
 *   deno run --allow-env --allow-run=python3 bench/fresh_array.ts [--rounds 40]
 *   bun bench/fresh_array.ts
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => !a.endsWith(".ts")),
  options: { rounds: { type: "string", default: "40" }, python: { type: "string", default: "python3" } },
});
const rounds = Number(opts.rounds), n = 1_000_000;
const src = new Float32Array(n).fill(1.5);
// NumPy's side: one child, timing `rounds` calls in a block between ours (same round count).
const numpy = `
import numpy as np, time, sys
s = np.full(${n}, 1.5, np.float32)
for line in sys.stdin:
    t = time.perf_counter(); y = np.empty_like(s); y[:] = s; d = time.perf_counter() - t
    print(d * 1e3, flush=True)
`;
const child = spawn(opts.python!, ["-c", numpy], { stdio: ["pipe", "pipe", "inherit"] });
let pending: ((line: string) => void) | undefined, buffered = "";
child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
  buffered += chunk;
  const nl = buffered.indexOf("\n");
  if (nl >= 0 && pending) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    pending(line);
  }
});
const askNumpy = () =>
  new Promise<number>((resolve) => (pending = (l) => resolve(Number(l)), child.stdin!.write("\n")));
const ours: number[] = [], theirs: number[] = [];
let keep = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const y = new Float32Array(n);
  y.set(src);
  ours.push(performance.now() - t0);
  keep += y[r];
  theirs.push(await askNumpy());
}
child.stdin!.end();
const show = (ts: number[]) => {
  const s = [...ts].sort((a, b) => a - b);
  return `${s[0].toFixed(3)} (${s[s.length >> 1].toFixed(3)})`;
};
const runtime = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
const name = runtime.Deno
  ? `Deno ${runtime.Deno.version.deno}`
  : runtime.Bun
  ? `Bun ${runtime.Bun.version}`
  : `Node ${process.version}`;
console.log(`fresh 1e6 float32 array, first write (${rounds} rounds; ms best (median)), checksum ${keep}`);
console.log(`| ${name} | ${show(ours)} | NumPy np.empty + copy | ${show(theirs)} |`);
