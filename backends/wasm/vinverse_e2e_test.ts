/**
 * The issue-16 vector rules of h-vec (log10, hypot, the inverse hyperbolic and inverse
 * trigonometric functions, cbrt) through compiled functions: the engine on against the engine
 * off (the JS loop of the scalar rules, the oracle), in float32 and float64, over a length that
 * crosses vector and chunk boundaries, with the edges (±0, ±∞, NaN, domain ends) among the values.
 * The bounds are the ones vmath_test.ts asserts for the vector code alone.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { elementwiseStats } from "./elemwise.ts";
import { startThreads } from "./matmul.ts";
import { shutdownThreads } from "./threads.ts";

type Dtype = "float32" | "float64";
const rng = seededRandom(1616);
const N = 10007;

/** The distance from `got` to `want` in units of the dtype's spacing at `want`. */
function ulpsOff(got: number, want: number, dtype: Dtype, floor = 0): number {
  const [mant, min] = dtype === "float32" ? [23, 2 ** -149] : [52, 2 ** -1074];
  const a = Math.max(Math.abs(want), floor);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  return Math.abs(got - want) / Math.max(2 ** (e - mant), min);
}

/** Compile `build` with the engine on and off, run both on `inputs`, and compare. */
function agree(
  what: string,
  dtype: Dtype,
  arity: 1 | 2,
  build: (...v: T.Variable[]) => T.Variable,
  inputs: number[][],
  bound: number,
  sameZeros = true,
  floor = 0,
): number {
  const vars = Array.from({ length: arity }, (_, i) => new T.TensorType(dtype, [null]).make(`x${i}`));
  const saved = config.wasm;
  let on, off;
  try {
    config.wasm = true;
    on = T.function(vars, build(...vars));
    config.wasm = false;
    off = T.function(vars, build(...vars));
  } finally {
    config.wasm = saved;
  }
  const args = inputs.map((v) => T.asarray(v, { dtype }));
  const runs = elementwiseStats.runs;
  const want = off(...args).data;
  assert.equal(elementwiseStats.runs, runs, `${what}: the engine off runs the JS loop`);
  const got = on(...args).data;
  assert.ok(elementwiseStats.runs > runs, `${what} ${dtype}: the group ran in WebAssembly`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    const where = `${what} ${dtype} at ${inputs.map((v) => v[i]).join(", ")}: ${g} vs ${w}`;
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), where);
    else if (!Number.isFinite(w) || w === 0) assert.ok(sameZeros ? Object.is(g, w) : g === w, where);
    else {
      const e = ulpsOff(g, w, dtype, floor);
      assert.ok(e <= bound, `${where} (${e} ulps)`);
      worst = Math.max(worst, e);
    }
  }
  return worst;
}

const EDGES = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 5e-324, 1e-40, 1e300, -1e300, 3.4e38];
const values = (lo: number, hi: number) => [
  ...EDGES,
  ...Array.from(
    { length: N - EDGES.length },
    (_, i) => i % 4 === 0 ? (rng() < 0.5 ? -1 : 1) * 10 ** (rng() * 80 - 40) : lo + (hi - lo) * rng(),
  ),
];

const UNARY: [string, (x: T.Variable) => T.Variable, [number, number], Record<Dtype, number>][] = [
  ["log10", T.log10, [0, 100], { float32: 2, float64: 2 }],
  ["arcsinh", T.arcsinh, [-20, 20], { float32: 2, float64: 2 }],
  ["arccosh", T.arccosh, [0.9, 20], { float32: 2, float64: 2 }],
  ["arctanh", T.arctanh, [-1.1, 1.1], { float32: 2, float64: 2 }],
  ["arctan", T.arctan, [-5, 5], { float32: 1, float64: 1 }],
  ["arcsin", T.arcsin, [-1.1, 1.1], { float32: 1, float64: 3 }],
  ["arccos", T.arccos, [-1.1, 1.1], { float32: 1, float64: 3 }],
  ["cbrt", T.cbrt, [-30, 30], { float32: 1, float64: 1 }],
  // Both rules are within 4 ulps of erfc (the JS one 4 in (1/2, 1), the vector one 4 in its tail).
  ["erfc", T.erfc, [-6, 28], { float32: 1, float64: 8 }],
  // The vector rule is within 2 ulps of erfcx, the JS one within 4.
  ["erfcx", T.erfcx, [-6, 40], { float32: 1, float64: 6 }],
  ["erfinv", T.erfinv, [-1, 1], { float32: 1, float64: 3 }],
  ["erfcinv", T.erfcinv, [0, 2], { float32: 1, float64: 3 }],
];

Deno.test("h-vec vector rules: compiled unary functions agree with the engine off (float32, float64)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [what, f, [lo, hi], bound] of UNARY) {
      const worst = agree(what, dtype, 1, f, [values(lo, hi)], bound[dtype]);
      assert.ok(worst > 0 || dtype === "float32", `${what} ${dtype}: some results differ (not vacuous)`);
      if (Deno.env.get("HYPATIA_ULP_REPORT")) console.log(`${dtype} ${what}: ${worst.toFixed(3)} ulp`);
    }
  }
});

Deno.test("h-vec vector rules: compiled hypot and arctan2 agree with the engine off, over every pair of edges", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const a: number[] = [], b: number[] = [];
    for (const x of EDGES) for (const y of EDGES) a.push(x), b.push(y);
    const more = values(-10, 10);
    while (a.length < N) {
      a.push(more[Math.floor(rng() * N)]);
      b.push(more[Math.floor(rng() * N)]);
    }
    const h = agree("hypot", dtype, 2, T.hypot, [a, b], 2);
    // Zeros of atan2 may differ in sign: V8's Math.atan2(-5e-324, 1e300) is +0, the rule's -0 (C99's).
    // 1 ulp from Deno's and Bun's Math.atan2; 2 from Node 20's (an older V8).
    const t = agree("arctan2", dtype, 2, T.arctan2, [a, b], 2, false);
    if (Deno.env.get("HYPATIA_ULP_REPORT")) {
      console.log(`${dtype} hypot ${h.toFixed(3)}, arctan2 ${t.toFixed(3)} ulp`);
    }
  }
});

Deno.test("h-vec vector rules: a fused group mixing them with arithmetic matches the JS loop", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = values(-3, 3).map((v) => Math.max(-1e6, Math.min(1e6, v)));
    // arctan(x) + cbrt(x)·arcsinh(x): one group, three vector rules.
    const worst = agree(
      "arctan(x) + cbrt(x) * arcsinh(x)",
      dtype,
      1,
      (v) => T.add(T.arctan(v), T.mul(T.cbrt(v), T.arcsinh(v))),
      [x],
      // In ulps of max(|y|, 1) (the sum may cancel near 0): the errors of the three rules add up.
      8,
      true,
      1,
    );
    assert.ok(Number.isFinite(worst));
  }
});

Deno.test("h-vec vector rules: a group split across worker threads gives the single thread's values", async () => {
  const saved = { wasm: config.wasm, threads: config.threads };
  try {
    config.wasm = true;
    config.threads = 2;
    assert.equal(await startThreads(), 2);
    const n = 300_001, x = T.dvector("x"), y = T.dvector("y");
    const xs = T.asarray(Array.from({ length: n }, () => (rng() - 0.5) * 20));
    const ys = T.asarray(Array.from({ length: n }, () => (rng() - 0.5) * 20));
    const f = T.function([x, y], T.add(T.arctan2(y, x), T.mul(T.erfc(x), T.hypot(x, y))));
    const split = elementwiseStats.splitRuns;
    const two = f(xs, ys).data;
    assert.equal(elementwiseStats.splitRuns, split + 1, "the group was split across threads");
    config.threads = 1;
    const one = f(xs, ys).data;
    assert.equal(elementwiseStats.splitRuns, split + 1, "one thread does not split");
    assert.deepEqual(two, one);
  } finally {
    config.wasm = saved.wasm;
    config.threads = saved.threads;
    shutdownThreads();
  }
});
