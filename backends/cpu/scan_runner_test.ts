import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { scan } from "../../autodiff/scan.ts";
import { buildHostProgram } from "../../compile/schedule.ts";
import type { ScanParams } from "../../ops/scan/params.ts";
import type { Apply } from "../../core/graph.ts";
import type { TypedArray } from "../../core/dtype.ts";
import type { CpuProgram } from "../kernel.ts";
import { scanKernel, scanOptions, scanStats } from "./scan_runner.ts";

/** Run `body` with config.wasm and config.blas off (the JS engine alone: the same bits on every runtime). */
function jsOnly(body: () => void): void {
  const saved = { wasm: T.config.wasm, blas: T.config.blas };
  try {
    T.config.wasm = false;
    T.config.blas = false;
    body();
  } finally {
    Object.assign(T.config, saved);
  }
}

type V = T.Variable;
const data = JSON.parse(Deno.readTextFileSync(new URL("./testdata/scan_steps.json", import.meta.url)));

Deno.test("scan runner: RNN outputs, last state and BPTT gradients bit-identical to the runner before issue 17's step changes", () => {
  jsOnly(() => {
    const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
    const softsign = (v: V) => T.div(v, T.add(1, T.abs(v)));
    const [h] = scan({
      fn: (xt: V, hp: V, w: V) => softsign(T.add(T.dot(w, hp), xt)),
      sequences: x,
      outputsInfo: h0,
      nonSequences: W,
    });
    const f = T.function([x, h0, W], [h, h.get(-1), ...T.grad(T.sum(h), [x, h0, W])]);
    const { inputs } = data;
    for (let call = 0; call < 2; call++) { // the second call runs on pooled buffers
      const [hs, last, gx, gh0, gW] = f(inputs.x, inputs.h0, inputs.W) as T.NDArray[];
      assert.deepEqual([...hs.data], data.h);
      assert.deepEqual([...last.data], data.last);
      assert.deepEqual([...gx.data], data.gx);
      assert.deepEqual([...gh0.data], data.gh0);
      assert.deepEqual([...gW.data], data.gW);
    }
  });
});

/** h_t = tanh(W·h_{t-1} + x_t) through scan: a GEMV and a fused group per step with every engine on. */
function tanhRnn() {
  const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
  const [h] = scan({
    fn: (xt: V, hp: V, w: V) => T.tanh(T.add(T.dot(w, hp), xt)),
    sequences: x,
    outputsInfo: h0,
    nonSequences: W,
  });
  return { x, h0, W, h: h as V };
}

Deno.test("scan runner: with every engine on, the RNN equals its body program run step by step", () => {
  const { x, h0, W, h } = tanhRnn();
  const f = T.function([x, h0, W], h);
  const n = 64, steps = 40;
  const xv = T.asarray(
    Array.from({ length: steps }, (_, t) => data.inputs.x[t % 25].concat(new Array(58).fill(0.25))),
  );
  const Wv = T.asarray(
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i * 3 + j) / 8)),
  );
  const hv = T.asarray(new Array(n).fill(0.5));
  const body = buildHostProgram(...((p: ScanParams) => [p.innerInputs, p.innerOutputs] as const)(
    f.maker.outputs[0].owner!.params as ScanParams,
  ));
  let hh = hv;
  const rows: number[] = [];
  for (let t = 0; t < steps; t++) {
    hh = body.run([new T.NDArray("float64", [n], xv.data.subarray(t * n, (t + 1) * n)), hh, Wv])[0];
    rows.push(...hh.data);
  }
  for (let call = 0; call < 2; call++) assert.deepEqual([...(f(xv, hv, Wv) as T.NDArray).data], rows);
});

Deno.test("scan runner: a ring of two past values kept as last only (Fibonacci in float64)", () => {
  const init = T.dvector("init"), k = T.iscalar("k");
  const [fib] = scan({
    fn: (a: V, b: V) => T.add(a, b),
    outputsInfo: [{ initial: init, taps: [-2, -1] }],
    nSteps: k,
  });
  const last = T.function([init, k], fib.get(-1));
  const expect = [0, 1];
  for (let i = 0; i < 30; i++) expect.push(expect[i] + expect[i + 1]);
  for (const steps of [1, 2, 3, 10, 30]) assert.equal(last([0, 1], steps).item(), expect[steps + 1]);
  assert.equal(last([0, 1], 5).item(), 8, "a second call starts again from the initial values");
});

Deno.test("scan runner: two states fed by one result, and states that return a root, stay separate", () => {
  const a0 = T.dvector("a0"), b0 = T.dvector("b0"), w = T.dvector("w"), k = T.iscalar("k");
  // Both states take the same result each step: each must keep a buffer of its own.
  const [[a, b]] = scan({
    fn: (ap: V, bp: V, wv: V) => {
      const s = T.add(T.add(ap, bp), wv);
      return [s, s];
    },
    outputsInfo: [a0, b0],
    nonSequences: w,
    nSteps: k,
  });
  const f = T.function([a0, b0, w, k], [a.get(-1), b.get(-1)]);
  let [ea, eb] = [[1, 2], [10, 20]];
  for (let i = 0; i < 4; i++) {
    const s = ea.map((v, j) => v + eb[j] + [0.5, -1][j]);
    [ea, eb] = [s, s.slice()];
  }
  for (let call = 0; call < 2; call++) {
    const [ra, rb] = f([1, 2], [10, 20], [0.5, -1], 4) as T.NDArray[];
    assert.deepEqual([...ra.data], ea);
    assert.deepEqual([...rb.data], eb);
    assert.notEqual(ra.data.buffer, rb.data.buffer);
  }
  // A state whose step returns the non-sequence itself: a copy, never the caller's array.
  const [c] = scan({ fn: (_cp: V, wv: V) => wv, outputsInfo: a0, nonSequences: w, nSteps: k });
  const g = T.function([a0, w, k], c.get(-1));
  const wv = T.asarray([3, 4], { dtype: "float64" });
  const r = g([1, 2], wv, 3) as T.NDArray;
  assert.deepEqual([...r.data], [3, 4]);
  assert.notEqual(r.data.buffer, wv.data.buffer);
  r.data[0] = 99;
  assert.deepEqual([...wv.data], [3, 4]);
  assert.deepEqual([...(g([1, 2], wv, 3) as T.NDArray).data], [3, 4]);
});

Deno.test("scan runner: errors still name the scan and the step", () => {
  const h0 = T.dvector("h0"), k = T.iscalar("k"), m = T.dmatrix("m");
  const [h] = scan({ fn: (hp: V, mv: V) => T.dot(mv, hp), outputsInfo: h0, nonSequences: m, nSteps: k });
  const f = T.function([h0, m, k], h.get(-1));
  assert.throws(() => f([1, 2], [[1, 2, 3]], 3), /at step [01]/);
});

/**
 * The scan node of `outs` with every state kept as last only (a ring), and a runner over
 * a stand-in body program that returns `step(roots)` and records what it is given back.
 */
function ringRunner(outs: V[], step: (roots: readonly T.NDArray[]) => T.NDArray[]) {
  const node = outs[0].owner!, p = node.params as ScanParams;
  const ring: Apply = node.op.make(
    node.inputs,
    p.with({ states: p.states.map((st) => ({ ...st, keep: "last" })) }),
  );
  const recycled: TypedArray[] = [];
  const program = {
    roots: p.innerInputs,
    steps: [],
    run: (roots: readonly T.NDArray[]) => step(roots),
    recycle: (b: TypedArray) => void recycled.push(b),
    free() {},
    pooled: () => 0,
  } as CpuProgram;
  return { run: scanKernel(ring, () => program), recycled };
}

Deno.test("scan runner: one result buffer for two states is kept by one of them and given back once at most", () => {
  const a0 = T.dvector("a0"), b0 = T.dvector("b0"), w = T.dvector("w"), k = T.iscalar("k");
  const [outs] = scan({
    fn: (ap: V, _bp: V, wv: V) => {
      const s = T.add(ap, wv);
      return [s, s];
    },
    outputsInfo: [a0, b0],
    nonSequences: w,
    nSteps: k,
  });
  const { run, recycled } = ringRunner(outs as V[], ([ap, _bp, wv]) => {
    const s = new T.NDArray("float64", [2], ap.data.map((v, i) => v + wv.data[i]));
    return [s, s];
  });
  const f64 = (v: number[]) => T.asarray(v, { dtype: "float64" });
  const [a, b] = run([T.asarray(5, { dtype: "int32" }), f64([1, 2]), f64([10, 20]), f64([0.5, -1])]);
  assert.deepEqual([...a.data], [3.5, -3]);
  assert.deepEqual([...b.data], [3.5, -3]);
  assert.equal(new Set(recycled).size, recycled.length, "no buffer given back twice");
  assert.ok(recycled.length >= 4, "the replaced ring rows went back");
});

Deno.test("scan runner: a result in a root's memory (a view op's array) is copied, never kept or given back", () => {
  const a0 = T.dvector("a0"), w = T.dvector("w"), k = T.iscalar("k");
  const [c] = scan({ fn: (_cp: V, wv: V) => T.add(wv, 0), outputsInfo: a0, nonSequences: w, nSteps: k });
  const wv = T.asarray([3, 4], { dtype: "float64" });
  const { run, recycled } = ringRunner([c as V], ([, w]) => [
    new T.NDArray("float64", [2], new Float64Array(w.data.buffer)),
  ]);
  const [r] = run([T.asarray(3, { dtype: "int32" }), T.asarray([1, 2], { dtype: "float64" }), wv]);
  assert.deepEqual([...r.data], [3, 4]);
  assert.notEqual(r.data.buffer, wv.data.buffer);
  assert.ok(recycled.every((b) => b.buffer !== wv.data.buffer), "w's memory never enters the pool");
});

Deno.test("scan runner: a result of another dtype over the same storage (float64 for int64) is copied into the ring, not kept", () => {
  const a0 = T.lvector("a0"), k = T.iscalar("k");
  const [c] = scan({ fn: (ap: V) => T.add(ap, 1), outputsInfo: a0, nSteps: k });
  const { run } = ringRunner([c as V], ([ap]) => [
    new T.NDArray("float64", [2], ap.data.map((v) => v + 1)),
  ]);
  const [r] = run([T.asarray(3, { dtype: "int32" }), T.asarray([1, 2], { dtype: "int64" })]);
  assert.equal(r.dtype, "int64");
  assert.deepEqual([...r.data], [4, 5]);
});

/** `f`'s results with the fixed steps on and off (the fixed run's count for the first). */
function fixedAndUsual(build: () => (...args: T.NDArray[]) => unknown, args: T.NDArray[]) {
  const saved = scanOptions.fixedSteps;
  try {
    scanOptions.fixedSteps = true;
    const before = scanStats.fixedSteps;
    const fixed = build()(...args) as T.NDArray | T.NDArray[];
    const count = scanStats.fixedSteps - before;
    scanOptions.fixedSteps = false;
    const usual = build()(...args) as T.NDArray | T.NDArray[];
    return { fixed: [fixed].flat(), usual: [usual].flat(), count };
  } finally {
    scanOptions.fixedSteps = saved;
  }
}

Deno.test("scan runner: the steps after the first run the body bound to fixed arrays, with the usual runs' bits", () => {
  const { x, h0, W, h } = tanhRnn();
  const rnd = T.seededRandom(3), n = 64, steps = 30;
  const m = (r: number, c: number, s: number) =>
    T.asarray(Array.from({ length: r }, () => Array.from({ length: c }, () => (rnd() - 0.5) * s)));
  const args = [m(steps, n, 1), T.asarray(Array.from({ length: n }, () => rnd() - 0.5)), m(n, n, 0.3)];
  for (const engines of ["all", "js"] as const) {
    const saved = { wasm: T.config.wasm, blas: T.config.blas };
    if (engines === "js") Object.assign(T.config, { wasm: false, blas: false });
    try {
      // The forward pass (dot, a fused tanh), then BPTT (dot both ways, outer, add, a ring-kept accumulator).
      for (const outputs of [[h, h.get(-1)], T.grad(T.sum(h), [x, h0, W])]) {
        const { fixed, usual, count } = fixedAndUsual(() => T.function([x, h0, W], outputs), args);
        assert.ok(count >= steps - 1, `${engines}: ${count} fixed steps`);
        fixed.forEach((v, k) => assert.deepEqual([...v.data], [...usual[k].data], `${engines}: output ${k}`));
      }
    } finally {
      Object.assign(T.config, saved);
    }
  }
});

Deno.test("scan runner: a body whose shapes follow its values leaves the fixed run and goes on as usual", () => {
  // sum(arange(k_t)) over k = 3, 3, 5, 2: the third step's arange is longer than the first's.
  const k = T.lvector("k"), x = T.dvector("x");
  const [s] = scan({
    fn: (kt: V, acc: V) => T.add(acc, T.sum(T.arange(kt))),
    sequences: k,
    outputsInfo: T.constant(0),
  });
  const f = () => T.function([k], s);
  const { fixed, usual, count } = fixedAndUsual(f, [T.asarray([3, 3, 5, 2], { dtype: "int64" })]);
  assert.deepEqual([...fixed[0].data].map(Number), [3, 6, 16, 17]);
  assert.deepEqual([...fixed[0].data], [...usual[0].data]);
  assert.equal(count, 1, "the second step ran fixed; the third missed, and the rest ran as usual");
  // An error inside a fixed step names the node and the step (a state keeps this a loop).
  const i = T.lvector("i");
  const [y] = scan({
    fn: (it: V, acc: V, xs: V) => T.add(acc, T.get(xs, it)),
    sequences: i,
    outputsInfo: T.constant(0, { dtype: "float64" }),
    nonSequences: x,
  });
  const g = T.function([i, x], y);
  assert.deepEqual([...(g([0, 2, 1], [1, 2, 3]) as T.NDArray).data], [1, 4, 6]);
  assert.throws(
    () => g([0, 2, 7], [1, 2, 3]),
    (e: Error) => /index 7/.test(e.message) && /at step 2/.test(e.message),
  );
});

Deno.test("scan runner: fixed steps keep the engines the function was compiled with, whatever config says at the call", () => {
  const rnd = T.seededRandom(4), n = 80, steps = 12;
  const m = (r: number, c: number, s: number) =>
    T.asarray(Array.from({ length: r }, () => Array.from({ length: c }, () => (rnd() - 0.5) * s)));
  const args = [m(steps, n, 3), T.asarray(Array.from({ length: n }, () => rnd() - 0.5)), m(n, n, 0.25)];
  for (const key of ["wasm", "blas"] as const) {
    for (const atCompile of [true, false]) {
      const saved = T.config[key];
      try {
        T.config[key] = atCompile;
        const { x, h0, W, h } = tanhRnn();
        const f = T.function([x, h0, W], h);
        T.config[key] = !atCompile; // read when compiling: the call must not follow it
        const { fixed, usual, count } = fixedAndUsual(() => f, args);
        assert.ok(count > 0);
        assert.deepEqual([...fixed[0].data], [...usual[0].data], `${key} ${atCompile} at compile`);
      } finally {
        T.config[key] = saved;
      }
    }
  }
});

Deno.test("scan runner: a body that prints runs the usual way, printing each step once", () => {
  // The third step's arange is longer than the first's: a fixed run would abandon that step
  // and redo it, printing it twice.
  const k = T.lvector("k");
  const [s] = scan({
    fn: (kt: V, acc: V) => T.add(acc, T.sum(T.arange(T.Print("step")(kt)))),
    sequences: k,
    outputsInfo: T.constant(0),
  });
  const lines: string[] = [], log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    const { fixed, count } = fixedAndUsual(() => T.function([k], s), [
      T.asarray([3, 3, 5, 2], { dtype: "int64" }),
    ]);
    assert.deepEqual([...fixed[0].data].map(Number), [3, 6, 16, 17]);
    assert.equal(count, 0);
  } finally {
    console.log = log;
  }
  const once = ["step __str__ = 3", "step __str__ = 3", "step __str__ = 5", "step __str__ = 2"];
  assert.deepEqual(lines, [...once, ...once], "fixed steps on, then off: the same four lines each");
});
