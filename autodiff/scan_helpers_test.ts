import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { scanStats } from "../backends/cpu/scan_runner.ts";

const f64 = (v: number) => T.constant(v, { dtype: "float64" });

Deno.test("map: one output per row, several outputs, non-sequences, goBackwards", () => {
  const x = T.dmatrix("x"), b = T.dvector("b");
  const [[s, m]] = T.map((row, bias) => [T.sum(T.add(row, bias)), T.max(row)], x, [b]);
  const f = T.function([x, b], [s, m]);
  const [sv, mv] = f([[1, 2], [3, -4], [0, 0]], [10, 20]);
  assert.deepEqual(sv.toArray(), [33, 29, 30]);
  assert.deepEqual(mv.toArray(), [2, 3, 0]);
  const [back] = T.map((row) => T.sum(row), x, undefined, { goBackwards: true });
  assert.deepEqual(T.function([x], back)([[1, 2], [3, 4]]).toArray(), [7, 3]);
  // Same graph as scan: the gradient goes through it.
  const g = T.grad(T.sum(T.map((row) => T.sum(T.sqr(row)), x)[0]), x);
  assert.deepEqual(T.function([x], g)([[1, 2], [3, 4]]).toArray(), [[2, 4], [6, 8]]);
  // Empty sequence: no steps.
  assert.deepEqual(T.function([x], back)(T.asarray([], { dtype: "float64" }).reshape([0, 2])).shape, [0]);
});

Deno.test("reduce, foldl, foldr: the last step of each output", () => {
  const x = T.dvector("x");
  // Horner-like recurrences tell the directions apart: acc·10 + x.
  const step = (xt: T.Variable, acc: T.Variable) => T.add(T.mul(acc, 10), xt);
  const [l] = T.foldl(step, x, f64(0));
  const [r] = T.foldr(step, x, f64(0));
  const [red] = T.reduce(step, x, f64(0));
  const [redBack] = T.reduce(step, x, f64(0), undefined, { goBackwards: true });
  const f = T.function([x], [l, r, red, redBack]);
  assert.deepEqual(f([1, 2, 3]).map((v) => v.item()), [123, 321, 123, 321]);
  // Several accumulators, one collected (null) output, a non-sequence.
  const k = T.dscalar("k");
  const [[total, prod, lastTwice]] = T.reduce(
    (xt, s, p, kk) => [T.add(s, xt), T.mul(p, xt), T.mul(xt, kk)],
    x,
    [f64(0), f64(1), null],
    [k],
  );
  const g = T.function([x, k], [total, prod, lastTwice]);
  assert.deepEqual(g([2, 3, 4], 2).map((v) => v.item()), [9, 24, 8]);
  // Gradient through a fold: d/dx of sum of squares accumulated.
  T.verifyGrad((v) => T.foldl((xt, acc) => T.add(acc, T.mul(T.sin(xt), acc)), v, f64(1))[0], [[
    0.3,
    -0.2,
    0.8,
  ]]);
  T.verifyGrad((v) => T.foldr((xt, acc) => T.add(acc, T.mul(T.sin(xt), acc)), v, f64(1))[0], [[
    0.3,
    -0.2,
    0.8,
  ]]);
});

Deno.test("reduce keeps no history of its accumulators; its gradient recomputes one", () => {
  const x = T.dvector("x"), a0 = T.dscalar("a0");
  const step = (xt: T.Variable, acc: T.Variable) => T.tanh(T.add(acc, xt));
  const [fin] = T.foldl(step, x, a0);
  const [all] = T.scan({ fn: step, sequences: x, outputsInfo: a0 });
  const xs = [0.5, -0.2, 0.9, 0.1];
  scanStats.largestHistory = 0;
  const f = T.function([x, a0], fin);
  const v = f(xs, 0.3);
  assert.equal(scanStats.largestHistory, 0, "no state history stored");
  assert.equal(v.item(), (T.function([x, a0], all)(xs, 0.3).toArray() as number[])[3]);
  const g = T.function([x, a0], T.grad(fin, [x, a0]));
  const h = T.function([x, a0], T.grad(T.get(all, -1), [x, a0]));
  g(xs, 0.3).forEach((gi, i) => T.testing.assertAllClose(gi, h(xs, 0.3)[i], { rtol: 1e-14 }));
  // Updates of shared variables come from the same lean loop.
  const srng = new T.MRGRandomStreams(3);
  const [noisy, updates] = T.reduce(
    (xt, acc) => T.add(acc, T.mul(xt, srng.uniform([]) as T.Variable)),
    x,
    a0,
  );
  assert.equal(updates.length, 1);
  assert.equal(updates[0][1].owner, noisy.owner);
});

Deno.test("map/reduce/foldl/foldr: options are checked", () => {
  const x = T.dvector("x");
  const step = (xt: T.Variable, acc: T.Variable) => T.add(acc, xt);
  assert.throws(
    () => T.map((xt) => xt, x, undefined, { go_backwards: true } as never),
    (e: Error) =>
      e instanceof T.InputError &&
      /map: unknown option "go_backwards"; did you mean "goBackwards"/.test(e.message),
  );
  assert.throws(
    () => T.foldl(step, x, f64(0), undefined, { goBackwards: true } as never),
    (e: Error) => e instanceof T.InputError && /foldl: unknown option "goBackwards"/.test(e.message),
  );
  assert.throws(
    () => T.reduce(step, x, f64(0), undefined, { truncateGradient: 2 } as never),
    (e: Error) => e instanceof T.InputError && /reduce: unknown option "truncateGradient"/.test(e.message),
  );
});

/** An RNN: h_t = tanh(W h_{t-1} + x_t), and y_t = sum(h_t) collected. */
function rnn(useCheckpoints: boolean, N: number, nSteps?: T.Variable) {
  const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
  const fn = (xt: T.Variable, h: T.Variable, w: T.Variable) => T.tanh(T.add(T.dot(w, h), xt));
  const [hs] = useCheckpoints
    ? T.scanCheckpoints({ fn, sequences: x, outputsInfo: h0, nonSequences: W, saveEveryN: N, nSteps })
    : T.scan({ fn, sequences: x, outputsInfo: h0, nonSequences: W, nSteps });
  const hT = T.get(hs as T.Variable, -1);
  const cost = T.sum(T.sqr(hT));
  return { x, h0, W, hs: hs as T.Variable, hT, grads: T.grad(cost, [x, h0, W]) };
}

function data(n: number, d: number, seed: number) {
  const r = T.seededRandom(seed);
  const m = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => r() - 0.5));
  return { x: m(n, d), h0: m(1, d)[0], W: m(d, d) };
}

Deno.test("scanCheckpoints: the gradient equals plain scan's, padded or not", () => {
  for (const [n, N] of [[12, 4], [13, 4], [5, 10], [1, 3]]) {
    const v = data(n, 3, n * 7 + N);
    const plain = rnn(false, N), ck = rnn(true, N);
    const fp = T.function([plain.x, plain.h0, plain.W], [plain.hT, ...plain.grads]);
    const fc = T.function([ck.x, ck.h0, ck.W], [ck.hT, ...ck.grads, ck.hs]);
    const a = fp(v.x, v.h0, v.W), b = fc(v.x, v.h0, v.W);
    for (let i = 0; i < 4; i++) T.testing.assertAllClose(b[i], a[i], { rtol: 1e-12, atol: 1e-14 });
    // The outputs are the states at the end of each chunk of N steps.
    const all = T.function([plain.x, plain.h0, plain.W], plain.hs)(v.x, v.h0, v.W);
    const ends = Array.from({ length: Math.ceil(n / N) }, (_, c) => Math.min((c + 1) * N, n) - 1);
    T.testing.assertAllClose(b[4], ends.map((t) => (all.toArray() as number[][])[t]), { rtol: 1e-12 });
  }
  // A symbolic number of steps below the sequences' length.
  const k = T.lscalar("k");
  const plain = rnn(false, 4, k), ck = rnn(true, 4, k);
  const v = data(11, 2, 3);
  const a = T.function([plain.x, plain.h0, plain.W, k], plain.grads)(v.x, v.h0, v.W, 7);
  const b = T.function([ck.x, ck.h0, ck.W, k], ck.grads)(v.x, v.h0, v.W, 7);
  a.forEach((g, i) => T.testing.assertAllClose(b[i], g, { rtol: 1e-12, atol: 1e-14 }));
  // verifyGrad through the checkpointed loop.
  const x0 = data(6, 2, 9);
  T.verifyGrad(
    (x, h0, W) =>
      T.sum(
        T.scanCheckpoints({
          fn: (xt: T.Variable, h: T.Variable, w: T.Variable) => T.tanh(T.add(T.dot(w, h), xt)),
          sequences: x,
          outputsInfo: h0,
          nonSequences: W,
          saveEveryN: 4,
        })[0] as T.Variable,
      ),
    [x0.x, x0.h0, x0.W],
  );
});

Deno.test("scanCheckpoints: the backward pass keeps fewer states (counted by the scan runner)", () => {
  const n = 100, N = 10, v = data(n, 4, 1);
  const count = (useCheckpoints: boolean) => {
    const m = rnn(useCheckpoints, N);
    const f = T.function([m.x, m.h0, m.W], m.grads);
    scanStats.largestHistory = 0;
    scanStats.historyRows = 0;
    const out = f(v.x, v.h0, v.W);
    return { out, largest: scanStats.largestHistory, total: scanStats.historyRows };
  };
  const plain = count(false), ck = count(true);
  plain.out.forEach((g, i) => T.testing.assertAllClose(ck.out[i], g, { rtol: 1e-12, atol: 1e-14 }));
  // Plain scan keeps every state for the backward pass: h0 and the 100 steps, in one history.
  assert.equal(plain.largest, n + 1);
  // Checkpoints: the outer loop keeps h0 and one state per chunk (11 rows), and each chunk's
  // recomputation keeps 11 rows while its backward step runs: at most 22 rows at once, not 101.
  assert.equal(ck.largest, N + 1);
  // Rows made in all: 11 outer, and 10 × 11 recomputed in the backward pass (the forward
  // chunk runs keep only their last state); the price is the forward pass run twice.
  assert.equal(ck.total, n / N + 1 + (n / N) * (N + 1));
  assert.equal(plain.total, n + 1);
});

Deno.test("scanCheckpoints: collected outputs and updates-free bodies; bad arguments", () => {
  const x = T.dvector("x"), h0 = T.dscalar("h0");
  const [[hs, ys]] = T.scanCheckpoints({
    fn: (xt, h) => [T.add(h, xt), T.mul(xt, 2)],
    sequences: x,
    outputsInfo: [h0, null],
    saveEveryN: 2,
  }) as unknown as [[T.Variable, T.Variable]];
  const f = T.function([x, h0], [hs, ys]);
  const [h, y] = f([1, 2, 3, 4, 5], 0);
  assert.deepEqual(h.toArray(), [3, 10, 15]);
  assert.deepEqual(y.toArray(), [4, 8, 10]); // the last collected value of each chunk
  const fn = (xt: T.Variable, hh: T.Variable) => T.add(hh, xt);
  assert.throws(
    () => T.scanCheckpoints({ fn, sequences: x, outputsInfo: h0, saveEveryN: 0 }),
    (e: Error) => e instanceof T.InputError && /saveEveryN/.test(e.message),
  );
  assert.throws(
    () => T.scanCheckpoints({ fn, sequences: [{ input: x, taps: [-1] }] as never, outputsInfo: h0 }),
    (e: Error) => e instanceof T.InputError && /sequence 0 .*no taps/.test(e.message),
  );
  assert.throws(
    () => T.scanCheckpoints({ fn, sequences: x, outputsInfo: [{ initial: h0, taps: [-2] }] as never }),
    (e: Error) => e instanceof T.InputError && /outputsInfo 0/.test(e.message),
  );
  assert.throws(
    () => T.scanCheckpoints({ fn, outputsInfo: h0 }),
    (e: Error) => e instanceof T.InputError && /give sequences or nSteps/.test(e.message),
  );
  assert.throws(
    () => T.scanCheckpoints({ fn, sequences: x, outputsInfo: h0, save_every_N: 2 } as never),
    (e: Error) =>
      e instanceof T.InputError && /unknown option "save_every_N"; did you mean "saveEveryN"/.test(e.message),
  );
  // Without padding the length must be a multiple of saveEveryN: a run-time error, not a wrong answer.
  const [unpadded] = T.scanCheckpoints({ fn, sequences: x, outputsInfo: h0, saveEveryN: 2, padding: false });
  const g = T.function([x, h0], unpadded as T.Variable);
  assert.deepEqual(g([1, 2, 3, 4], 0).toArray(), [3, 10]);
  assert.throws(() => g([1, 2, 3], 0), T.ShapeError);
});
