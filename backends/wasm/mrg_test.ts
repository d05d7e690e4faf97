import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { fillUniform32, fillUniform64, mrgNext, substreamStates } from "../../random/mrg_core.ts";
import { mrgOptions, mrgStats, simdFillUniform } from "./mrg.ts";
import { startThreads } from "./matmul.ts";
import { shutdownThreads } from "./threads.ts";
import { refDraws, refStreams, toF32, toF64 } from "../../random/testdata/mrg_reference.ts";

const BASE = [12345, 12345, 12345, 12345, 12345, 12345];

/** The SIMD fill and the scalar loop from equal states: equal numbers and equal states after. */
function same(ns: number, n: number, f32: boolean, calls = 1) {
  const a = substreamStates(BASE, ns), b = a.slice();
  for (let c = 0; c < calls; c++) {
    const x = f32 ? new Float32Array(n) : new Float64Array(n);
    const y = f32 ? new Float32Array(n) : new Float64Array(n);
    simdFillUniform(a, x, ns);
    if (f32) fillUniform32(b, y as Float32Array, ns);
    else fillUniform64(b, y as Float64Array, ns);
    const what = `${f32 ? "f32" : "f64"} ns ${ns} n ${n} call ${c}`;
    for (let i = 0; i < n; i++) {
      if (x[i] !== y[i]) assert.fail(`${what}: element ${i} is ${x[i]}, want ${y[i]}`);
    }
    assert.deepEqual(a, b, `${what}: state after the call`);
  }
}

// Substream counts: 1 to 3 (no group), odd and even numbers of groups, leftovers 1-3;
// sizes below one row, whole rows, partial rows.
const CASES: [number, number][] = [
  [1, 5000],
  [3, 4099],
  [4, 4096],
  [5, 4097],
  [7, 10001],
  [8, 8192],
  [30, 10001],
  [33, 20000],
  [4099, 2 * 4099 + 17],
  [5000, 4000],
  [15360, 100003],
];

Deno.test("SIMD MRG31k3p: bit-identical to the scalar loop, float32 and float64, state after each call the same", () => {
  const runs = mrgStats.runs;
  for (const f32 of [true, false]) for (const [ns, n] of CASES) same(ns, n, f32, 2);
  assert(mrgStats.runs > runs, "the SIMD kernel ran");
});

Deno.test("SIMD MRG31k3p: a step whose component 1 is 0 (kept as m1 in the vectors) gives the scalar numbers and state", () => {
  // 2^22·x12 + 129·x13 ≡ 0 (mod 2^31 - 1) for these (x12, x13) (Python: (-(2**22)*k*pow(129,-1,m1)) % m1).
  const zeroNext = [[1, 915561289], [2, 1831122578], [12345, 397678544]];
  for (const f32 of [true, false]) {
    for (const ns of [4, 8, 13]) {
      const a = substreamStates(BASE, ns);
      zeroNext.forEach(([x12, x13], j) => {
        const o = 6 * ((2 * j + 1) % ns);
        a[o + 1] = x12, a[o + 2] = x13;
        // two steps later the zero is x12 again: a zero after the first draw too
        if (j === 0 && ns > 4) a[6 * 4 + 0] = 1, a[6 * 4 + 1] = 915561289, a[6 * 4 + 2] = 7;
      });
      // 1 to 3 rows leave the zero in the state after the call; 600 carry it through later steps.
      for (const rows of [1, 2, 3, 600]) {
        const a2 = a.slice(), b = a.slice(), n = ns * rows + 3;
        const x = f32 ? new Float32Array(n) : new Float64Array(n);
        const y = f32 ? new Float32Array(n) : new Float64Array(n);
        const runs = mrgStats.runs, min = mrgOptions.minSize;
        mrgOptions.minSize = 0;
        try {
          simdFillUniform(a2, x, ns);
        } finally {
          mrgOptions.minSize = min;
        }
        assert.equal(mrgStats.runs, runs + 1);
        if (f32) fillUniform32(b, y as Float32Array, ns);
        else fillUniform64(b, y as Float64Array, ns);
        assert.deepEqual(x, y, `ns ${ns} rows ${rows}`);
        assert.deepEqual(a2, b, `ns ${ns} rows ${rows}: state`);
      }
    }
  }
  // The scalar step does give a zero word there.
  const st = Int32Array.of(5, 1, 915561289, 1, 1, 1);
  mrgNext(st, 0);
  assert.equal(st[0], 0);
});

Deno.test("SIMD MRG31k3p: many chunks of rows, and a chunk smaller than a row", () => {
  const chunk = mrgOptions.chunk;
  try {
    for (const c of [64, 1000, 5]) {
      mrgOptions.chunk = c;
      for (const f32 of [true, false]) {
        same(30, 10001, f32, 2);
        same(301, 30000, f32);
      }
    }
  } finally {
    mrgOptions.chunk = chunk;
  }
});

Deno.test("SIMD MRG31k3p: groups split across threads give the same numbers", async () => {
  const saved = config.threads, min = mrgOptions.parallelSize, chunk = mrgOptions.chunk;
  config.threads = 2;
  mrgOptions.parallelSize = 4096;
  mrgOptions.chunk = 4096;
  try {
    const threads = await startThreads();
    const split = mrgStats.splitRuns;
    for (const f32 of [true, false]) {
      same(15360, 100003, f32, 2);
      same(30, 20001, f32);
    }
    if (threads > 1) assert(mrgStats.splitRuns > split, "the fill was split");
  } finally {
    config.threads = saved;
    mrgOptions.parallelSize = min;
    mrgOptions.chunk = chunk;
    shutdownThreads();
  }
});

Deno.test("SIMD MRG31k3p: below minSize, past maxStreams or with the engine off, the scalar loop runs (same numbers)", () => {
  const runs = mrgStats.runs, max = mrgOptions.maxStreams;
  same(8, 100, true);
  mrgOptions.maxStreams = 16;
  try {
    same(17, 5000, true);
  } finally {
    mrgOptions.maxStreams = max;
  }
  const saved = config.wasm;
  config.wasm = false;
  try {
    same(8, 10000, true);
  } finally {
    config.wasm = saved;
  }
  assert.equal(mrgStats.runs, runs);
});

/** Compile the same random graph with the engine on and off; both see equal seeds. */
function onAndOff(build: (s: T.MRGRandomStreams) => T.Variable[]) {
  const make = (wasm: boolean) => {
    const saved = config.wasm;
    config.wasm = wasm;
    try {
      return T.function([], build(new T.MRGRandomStreams(2024)));
    } finally {
      config.wasm = saved;
    }
  };
  return [make(true), make(false)] as const;
}

Deno.test("MRG op on the wasm engine: every distribution equals the reference, over successive calls", () => {
  const graphs: [string, (s: T.MRGRandomStreams) => T.Variable[]][] = [
    ["uniform f32", (s) => [s.uniform([301, 17], { dtype: "float32" })]],
    ["uniform f64 low/high", (s) => [s.uniform([5000], { low: -2, high: 3 })]],
    ["normal f64", (s) => [s.normal([40001], { avg: 1, std: 2 })]],
    ["normal f32", (s) => [s.normal([40001], { dtype: "float32" })]],
    ["truncated normal", (s) => [s.truncatedNormal([40001])]],
    ["binomial", (s) => [s.binomial([2000], { p: 0.3, n: 3 })]],
    ["several", (s) => [s.uniform([10000], { nstreams: 9 }), s.normal([39999], { dtype: "float32" })]],
  ];
  for (const [what, build] of graphs) {
    const runs = mrgStats.runs;
    const [fast, ref] = onAndOff(build);
    for (let call = 0; call < 3; call++) {
      const a = fast(), b = ref();
      a.forEach((v, k) => assert.deepEqual(v, b[k], `${what}, call ${call}, output ${k}`));
    }
    assert(mrgStats.runs > runs, `${what}: the engine drew the uniforms`);
  }
});

Deno.test("MRG op on the wasm engine: Theano's numbers (the BigInt reference), over two calls", () => {
  const srng = new T.MRGRandomStreams(234);
  const f = T.function([], [
    srng.uniform([4099]),
    srng.uniform([2, 3001], { dtype: "float32", nstreams: 10 }),
  ]);
  const [s64, s32] = refStreams(234, [683, 10]);
  const runs = mrgStats.runs;
  for (let call = 1; call <= 2; call++) {
    const [a, b] = f();
    // The reference advances its substreams in place: each call continues the previous one.
    const wantA = refDraws(s64, 683, 4099), wantB = refDraws(s32, 10, 6002);
    assert.deepEqual(Array.from(a.data), wantA.map(toF64), `float64, call ${call}`);
    assert.deepEqual(Array.from(b.data), wantB.map(toF32), `float32, call ${call}`);
  }
  assert.equal(mrgStats.runs, runs + 4);
});

Deno.test("MRG op: low/high, avg/std and p given as tensors give what the same numbers give", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const n = 40001, full = (v: number) => T.asarray(new Float64Array(n).fill(v), { dtype });
    const [a, b] = [new T.MRGRandomStreams(3), new T.MRGRandomStreams(3)];
    const byNumber = T.function([], [
      a.uniform([n], { dtype, low: -2, high: 3 }),
      a.normal([n], { dtype, avg: 1, std: 0.5 }),
      a.binomial([n], { p: 0.25, n: 2 }),
    ]);
    const byTensor = T.function([], [
      b.uniform([n], { dtype, low: full(-2), high: full(3) }),
      b.normal([n], { dtype, avg: full(1), std: full(0.5) }),
      b.binomial([n], { p: T.asarray(new Float64Array(n).fill(0.25)), n: 2 }),
    ]);
    const [x, y] = [byNumber(), byTensor()];
    assert.deepEqual(x[0], y[0], `${dtype} uniform`);
    assert.deepEqual(x[1], y[1], `${dtype} normal`);
    assert.deepEqual(x[2], y[2], "binomial");
    assert(x[2].data.some((v) => v === 2) && x[2].data.some((v) => v === 0));
    assert(x[0].data.every((v) => v > -2 && v < 3));
  }
});
