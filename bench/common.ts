/**
 * Shared pieces of the benchmarks: the workloads (so `deno bench` and the comparison
 * script measure the same thing) and a small timer.
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as T from "../mod.ts";

/**
 * The benchmarks' RNN: `h_t = tanh(W h_{t-1} + x_t)` through scan over the rows of `x`,
 * built with `lib` (this checkout's library, or another revision's in an A/B script).
 * `h` holds one row per step.
 *
 * @example
 * ```ts
 * import * as T from "../mod.ts";
 * import { rnnScan } from "./common.ts";
 * const { x, h0, W, h } = rnnScan(T, "float64");
 * const f = T.function([x, h0, W], h);
 * if (f([[1], [2]], [0], [[0]]).shape[0] !== 2) throw new Error("one row per step");
 * ```
 */
export function rnnScan(lib: typeof T, dtype: "float32" | "float64") {
  const [matrix, vector] = dtype === "float64" ? [lib.dmatrix, lib.dvector] : [lib.fmatrix, lib.fvector];
  const x = matrix("x"), h0 = vector("h0"), W = matrix("W");
  const [h] = lib.scan({
    fn: (xt: T.Variable, h: T.Variable, w: T.Variable) => lib.tanh(lib.add(lib.dot(w, h), xt)),
    sequences: x,
    outputsInfo: h0,
    nonSequences: W,
  });
  return { x, h0, W, h: h as T.Variable };
}

/** `n` pseudo-random values in [-4, 4) of a float dtype (deterministic). */
export function randomArray(dtype: "float32" | "float64", shape: number[]): T.NDArray {
  const x = new T.NDArray(dtype, shape);
  const rnd = T.seededRandom(1234);
  for (let i = 0; i < x.size; i++) x.data[i] = rnd() * 8 - 4;
  return x;
}

/** Run `build` (a compile) with the boolean setting `key` of T.config set to `on`, then restore it. */
export function withSetting<R>(key: "wasm" | "blas", on: boolean, build: () => R): R {
  const saved = T.config[key];
  T.config[key] = on;
  try {
    return build();
  } finally {
    T.config[key] = saved;
  }
}

/** Compile with the WebAssembly engine on (the default) or off (every kernel in JS). */
export function withEngine<R>(wasm: boolean, compile: () => R): R {
  return withSetting("wasm", wasm, compile);
}

/** The compiled logistic function 1 / (1 + exp(-x)) on vectors of `dtype`. */
export function hypatiaLogistic(dtype: "float32" | "float64", wasm = true): (x: T.NDArray) => T.NDArray {
  const x = new T.TensorType(dtype, [null]).make("x");
  const f = withEngine(wasm, () => T.function([x], T.div(1, T.add(1, T.exp(T.neg(x))))));
  return (v) => f(v);
}

/** The hand-written loop: a fresh output array, one pass. */
export function handLogistic64(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  return out;
}

/** The hand-written loop in float32 storage. */
export function handLogistic32(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  return out;
}

/** A compiled matrix product. */
export function hypatiaDot(
  dtype: "float32" | "float64",
  wasm = true,
): (a: T.NDArray, b: T.NDArray) => T.NDArray {
  const [a, b] = [
    new T.TensorType(dtype, [null, null]).make("a"),
    new T.TensorType(dtype, [null, null]).make("b"),
  ];
  const f = withEngine(wasm, () => T.function([a, b], T.dot(a, b)));
  return (x, y) => f(x, y);
}

/**
 * A graph of `nodes` elementwise nodes on one input (a cycle of tanh, scaling, adding
 * the input back, sin, and subtracting exp(x)), as a scientific script might build.
 */
export function buildElementwiseGraph(nodes: number): { x: T.Variable; y: T.Variable } {
  const x = T.dvector("x");
  let y: T.Variable = x;
  for (let i = 0, made = 0; made < nodes; i++) {
    switch (i % 5) {
      case 0:
        y = T.tanh(y);
        break;
      case 1:
        y = T.mul(y, 1 + (i % 7) / 10);
        break;
      case 2:
        y = T.add(y, x);
        break;
      case 3:
        y = T.sin(y);
        break;
      default:
        y = made + 2 <= nodes ? T.sub(y, T.exp(x)) : T.neg(y);
        made += made + 2 <= nodes ? 1 : 0;
    }
    made++;
  }
  return { x, y };
}

/** Count the Apply nodes of a graph. */
export function countNodes(outputs: T.Variable[]): number {
  const seen = new Set<T.Apply>();
  const stack = outputs.map((o) => o.owner).filter((n): n is T.Apply => !!n);
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const i of n.inputs) if (i.owner && !seen.has(i.owner)) stack.push(i.owner);
  }
  return seen.size;
}

/** Best, first-quartile and median milliseconds of one contender. */
export interface Timing {
  best: number;
  p25: number;
  median: number;
}

/**
 * A module of this checkout (`path` from its root) and, with `other` (another
 * checkout's directory, for example a `git worktree` of an older commit), the same
 * module of that one, keyed "this" and `other`: benchmarks comparing two revisions run
 * both in one process, since this machine's speed changes from process to process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importRevisions } from "./common.ts";
 * const mods = await importRevisions<typeof import("../mod.ts")>("mod.ts");
 * assert.deepEqual(Object.keys(mods), ["this"]);
 * assert.equal(typeof mods.this.function, "function");
 * ```
 */
export async function importRevisions<M>(path: string, other?: string): Promise<Record<string, M>> {
  const roots: Record<string, string> = { this: new URL("../", import.meta.url).href };
  if (other) roots[other] = pathToFileURL(resolve(other) + "/").href;
  const mods: Record<string, M> = {};
  for (const [name, root] of Object.entries(roots)) mods[name] = await import(new URL(path, root).href);
  return mods;
}

/**
 * Time several contenders in interleaved rounds (A, B, C, A, B, C, ...) so that a
 * change of load on a shared machine hits them alike; `warmup` untimed rounds first.
 */
export function timeAll(
  contenders: Record<string, () => unknown>,
  { rounds = 15, warmup = 3 } = {},
): Record<string, Timing> {
  const samples: Record<string, number[]> = {};
  for (const k of Object.keys(contenders)) samples[k] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    for (const [k, fn] of Object.entries(contenders)) {
      const t0 = performance.now();
      fn();
      const t = performance.now() - t0;
      if (r >= warmup) samples[k].push(t);
    }
  }
  const out: Record<string, Timing> = {};
  for (const [k, t] of Object.entries(samples)) out[k] = summarize(t);
  return out;
}

/** Best, first quartile and median of some timings (ms). */
export function summarize(samples: number[]): Timing {
  const t = [...samples].sort((a, b) => a - b);
  return { best: t[0], p25: t[Math.floor((t.length - 1) / 4)], median: t[Math.floor(t.length / 2)] };
}

/** A Markdown table with padded columns, as RESULTS.md holds them. */
export function markdownTable(head: string[], body: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  return [line(head), `| ${w.map((n) => "-".repeat(n)).join(" | ")} |`, ...body.map(line)].join("\n");
}
