import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { scan } from "./scan.ts";
import { scanStats } from "../backends/cpu/scan_runner.ts";
import { toposort } from "../core/walk.ts";

type V = T.Variable;
const close = (a: T.NDArray, b: number[] | number[][], tol = 1e-12) =>
  T.testing.assertAllClose(a, b, { rtol: tol, atol: tol });
const wave = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s) * 0.5);

Deno.test("scan() cumulative sum matches a JS loop", () => {
  const x = T.dvector("x"), z = T.dscalar("z");
  const [cum, updates] = scan({ fn: (xt: V, acc: V) => T.add(acc, xt), sequences: x, outputsInfo: z });
  assert.deepEqual(updates, []);
  const f = T.function([x, z], cum);
  const xs = [0.5, -1, 2.25, 4, 8];
  let acc = 10;
  assert.deepEqual(f(xs, 10).toArray(), xs.map((v) => (acc += v)));
});

Deno.test("scan() power A**k with a recurrence (Theano tutorial)", () => {
  const k = T.iscalar("k"), A = T.dvector("A");
  const [result] = scan({
    fn: (prior: V, A: V) => T.mul(prior, A),
    outputsInfo: T.onesLike(A),
    nonSequences: A,
    nSteps: k,
  });
  const power = T.function([A, k], result.get(-1));
  const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  close(power(a, 2), a.map((v) => v ** 2));
  close(power(a, 5), a.map((v) => v ** 5));
});

Deno.test("scan() polynomial evaluation (Theano tutorial)", () => {
  const coefficients = T.dvector("coefficients"), x = T.dscalar("x");
  const [components] = scan({
    fn: (c: V, power: V, free: V) => T.mul(c, T.pow(free, power)),
    outputsInfo: null,
    sequences: [coefficients, T.arange(10000)],
    nonSequences: x,
  });
  const f = T.function([coefficients, x], components.sum());
  // 1 + 0 * 3 + 2 * 3 ** 2
  assert.equal(f([1, 0, 2], 3).item(), 19);
  assert.equal(f([0.5, 1, 0, 1], -2).item(), 0.5 - 2 - 8);
});

Deno.test("scan() taps [-2, -1] compute Fibonacci numbers", () => {
  const init = T.lvector("init");
  const [fib] = scan({
    fn: (a: V, b: V) => T.add(a, b),
    outputsInfo: [{ initial: init, taps: [-2, -1] }],
    nSteps: 10,
  });
  const f = T.function([init], fib);
  const out = f([0, 1]);
  assert.equal(out.dtype, "int64");
  assert.deepEqual(out.toArray(), [1, 2, 3, 5, 8, 13, 21, 34, 55, 89]);
  assert.throws(() => f([0, 1, 2]), T.ShapeError); // needs exactly 2 past values
});

Deno.test("scan() goBackwards reads sequences from the end; taps on sequences", () => {
  const x = T.dvector("x");
  const [rev] = scan({ fn: (xt: V) => T.mul(xt, 2), sequences: x, goBackwards: true });
  assert.deepEqual(T.function([x], rev)([1, 2, 3]).toArray(), [6, 4, 2]);
  // taps [-1, 0, 2]: step t reads x[t], x[t + 1], x[t + 3] (the window starts at -min(taps))
  const [d] = scan({
    fn: (a: V, b: V, c: V) => T.add(T.mul(a, 100), T.add(T.mul(b, 10), c)),
    sequences: { input: x, taps: [-1, 0, 2] },
  });
  const xs = [1, 2, 3, 4, 5, 6];
  const want = [0, 1, 2].map((t) => xs[t] * 100 + xs[t + 1] * 10 + xs[t + 3]);
  assert.deepEqual(T.function([x], d)(xs).toArray(), want);
  // Backwards (Theano's rule): each tap's rows are reversed, so a tap keeps its meaning in
  // the array's order: the step at row i reads x[i - 1], x[i], x[i + 2], from the last i down.
  const [db] = scan({
    fn: (a: V, b: V, c: V) => T.add(T.mul(a, 100), T.add(T.mul(b, 10), c)),
    sequences: { input: x, taps: [-1, 0, 2] },
    goBackwards: true,
  });
  assert.deepEqual(
    T.function([x], db)(xs).toArray(),
    [3, 2, 1].map((i) => xs[i - 1] * 100 + xs[i] * 10 + xs[i + 2]),
  );
});

Deno.test("scan() cuts a sequence as if tap 0 were read: taps all above or all below 0 keep their meaning", () => {
  // Theano: taps [2] read x[t + 2] for t = 0 .. len - 3; taps [-1] read x[t - 1] from t = 1.
  const x = T.dvector("x"), xs = [1, 2, 3, 4, 5];
  const read = (taps: number[], goBackwards = false) => {
    const [o] = scan({
      fn: (...rows: V[]) => rows.slice(1).reduce((acc, r) => T.add(T.mul(acc, 10), r), rows[0]),
      sequences: { input: x, taps },
      goBackwards,
    });
    return T.function([x], o)(xs).toArray();
  };
  assert.deepEqual(read([2]), [3, 4, 5]);
  assert.deepEqual(read([1, 2]), [23, 34, 45]);
  assert.deepEqual(read([-1]), [1, 2, 3, 4]);
  assert.deepEqual(read([-2, -1]), [12, 23, 34]);
  // Backwards: the anchor runs from the last row it can have down to the first.
  assert.deepEqual(read([-2, 0], true), [35, 24, 13]);
  assert.deepEqual(read([1], true), [5, 4, 3, 2]);
  assert.deepEqual(read([-1], true), [4, 3, 2, 1]);
  // Their gradients too (the backward scan reads the same rows).
  T.verifyGrad((v: V) => {
    const [o] = scan({
      fn: (a: V, b: V) => T.mul(T.sin(a), b),
      sequences: { input: v, taps: [1, 3] },
      goBackwards: true,
    });
    return T.sum(T.mul(o, T.arange(1, 4)));
  }, [[0.3, -0.2, 0.9, 1.4, -0.6, 0.5]]);
});

Deno.test("scan() nSteps without sequences, and nSteps shorter than a sequence", () => {
  const z = T.dscalar("z");
  const [halves] = scan({ fn: (h: V) => T.mul(h, 0.5), outputsInfo: z, nSteps: 4 });
  assert.deepEqual(T.function([z], halves)(8).toArray(), [4, 2, 1, 0.5]);
  const x = T.dvector("x"), n = T.lscalar("n");
  const [first] = scan({ fn: (xt: V) => T.neg(xt), sequences: x, nSteps: n });
  const f = T.function([x, n], first);
  assert.deepEqual(f([1, 2, 3, 4], 2).toArray(), [-1, -2]);
  assert.deepEqual(f([1, 2, 3, 4], 0).shape, [0]);
  assert.throws(() => f([1, 2], 3), T.ShapeError);
});

Deno.test("scan() mixes recurrent outputs and outputs collected per step", () => {
  const x = T.dvector("x"), z = T.dscalar("z");
  const [[sq, acc]] = scan({
    fn: (xt: V, prev: V) => [T.mul(xt, xt), T.add(prev, xt)],
    sequences: x,
    outputsInfo: [null, z],
  });
  const [a, b] = T.function([x, z], [sq, acc])([1, 2, 3], 1);
  assert.deepEqual(a.toArray(), [1, 4, 9]);
  assert.deepEqual(b.toArray(), [2, 4, 7]);
});

Deno.test("scan() nested: an inner scan over each row", () => {
  const m = T.dmatrix("m");
  const [rows] = scan({
    fn: (row: V) =>
      scan({ fn: (v: V, acc: V) => T.add(acc, v), sequences: row, outputsInfo: T.constant(0.0) })[0],
    sequences: m,
  });
  const out = T.function([m], rows)([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(out.toArray(), [[1, 3, 6], [4, 9, 15]]);
});

Deno.test("scan() nested: gradients go through the inner and the outer loop", () => {
  const nested = (m: V) =>
    scan({
      fn: (row: V) =>
        scan({
          fn: (v: V, acc: V) => T.tanh(T.add(T.mul(acc, v), v)),
          sequences: row,
          outputsInfo: T.constant(0.3),
        })[0],
      sequences: m,
    })[0];
  T.verifyGrad(nested, [[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]]]);
});

Deno.test("scan() threads a shared variable's default update through the loop and returns it in updates", () => {
  const c = T.shared(1.0, { name: "c" });
  c.defaultUpdate = T.mul(c, 2);
  const x = T.dvector("x");
  const [out, updates] = scan({ fn: (xt: V) => T.mul(xt, c), sequences: x });
  assert.equal(updates.length, 1);
  assert.equal(updates[0][0], c);
  const f = T.function([x], out, { updates });
  assert.deepEqual(f([1, 1, 1]).toArray(), [1, 2, 4]);
  assert.equal(c.getValue().item(), 8);
  assert.deepEqual(f([1, 1]).toArray(), [8, 16]);
  assert.equal(c.getValue().item(), 32);
});

Deno.test("scan() returns explicit updates of fn", () => {
  const s = T.shared(0, { name: "s", dtype: "int64" });
  const x = T.dvector("x");
  const [out, updates] = scan({
    fn: (xt: V) => ({ outputs: T.add(xt, s), updates: [[s, T.add(s, 1)]] }),
    sequences: x,
  });
  const f = T.function([x], out, { updates });
  assert.deepEqual(f([10, 10, 10]).toArray(), [10, 11, 12]);
  assert.equal(s.getValue().item(), 3);
});

Deno.test("scan() compiles its body once per compiled function, not per step or call", () => {
  const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
  const [h] = scan({
    fn: (xt: V, h: V, W: V) => T.tanh(T.add(T.dot(W, h), xt)),
    sequences: x,
    outputsInfo: h0,
    nonSequences: W,
  });
  const before = scanStats.bodiesCompiled;
  const f = T.function([x, h0, W], h);
  assert.equal(scanStats.bodiesCompiled, before + 1);
  const xs = Array.from({ length: 50 }, (_, i) => wave(4, i));
  for (let k = 0; k < 3; k++) f(xs, wave(4, 9), [wave(4, 1), wave(4, 2), wave(4, 3), wave(4, 4)]);
  assert.equal(scanStats.bodiesCompiled, before + 1);
  // Structurally: the compiled graph holds one scan node whose body is a graph, not an unrolled loop.
  const scans = f.maker.outputs[0].owner!;
  assert.equal(scans.op.name, "scan");
});

Deno.test("scan() RNN h_t = tanh(W h_{t-1} + x_t): values against a JS loop, gradients by verifyGrad", () => {
  const rnn = (W: V, x: V, h0: V, opts = {}) =>
    scan({
      fn: (xt: V, h: V, W: V) => T.tanh(T.add(T.dot(W, h), xt)),
      sequences: x,
      outputsInfo: h0,
      nonSequences: W,
      ...opts,
    })[0];
  const Wv = [wave(3, 1), wave(3, 2), wave(3, 3)], xv = [wave(3, 4), wave(3, 5), wave(3, 6), wave(3, 7)];
  const hv = wave(3, 8);
  const [W, x, h0] = [T.dmatrix("W"), T.dmatrix("x"), T.dvector("h0")];
  let h = hv;
  const want = xv.map((
    xt,
  ) => (h = h.map((_, i) => Math.tanh(Wv[i].reduce((s, w, j) => s + w * h[j], 0) + xt[i]))));
  close(T.function([W, x, h0], rnn(W, x, h0))(Wv, xv, hv), want, 1e-14);
  T.verifyGrad(rnn, [Wv, xv, hv]);
  T.verifyGrad(rnn, [Wv, xv, hv], { dtype: "float32", eps: 1e-2, rtol: 5e-2, atol: 5e-2 });
  T.verifyGrad((W, x, h0) => rnn(W, x, h0, { goBackwards: true }), [Wv, xv, hv]);
  // Second order: the backward scan has a gradient too.
  T.verifyGrad((W, x, h0) => T.grad(T.sum(rnn(W, x, h0)), W), [Wv, xv, hv]);
});

Deno.test("scan() gradients through taps, sequence taps, shared updates and collected outputs", () => {
  const fib = (i: V) =>
    scan({
      fn: (a: V, b: V) => T.mul(T.add(a, b), 0.5),
      outputsInfo: [{ initial: i, taps: [-2, -1] }],
      nSteps: 5,
    })[0];
  T.verifyGrad(fib, [[0.3, 1.2]]);
  const taps = (x: V, opts = {}) =>
    scan({
      fn: (a: V, b: V, c: V) => T.mul(T.add(a, T.mul(b, 2)), c),
      sequences: { input: x, taps: [-1, 0, 2] },
      ...opts,
    })[0];
  const xs = [0.1, 0.5, 0.9, 1.3, 1.7, 2.1];
  T.verifyGrad(taps, [xs]);
  T.verifyGrad((x) => taps(x, { goBackwards: true }), [xs]);
  T.verifyGrad((x) => taps(x, { nSteps: 2 }), [xs]);
  T.verifyGrad((x) => taps(x, { nSteps: 2, goBackwards: true }), [xs]);
  // A threaded shared state (c_t = 1.5 * 0.5 ** t): d sum(exp(x_t c_t)) / d x_t = c_t exp(x_t c_t).
  const c = T.shared(1.5, { name: "c" });
  c.defaultUpdate = T.mul(c, 0.5);
  const x = T.dvector("x");
  const [e, updates] = scan({ fn: (xt: V) => T.exp(T.mul(xt, c)), sequences: x });
  const g = T.function([x], T.grad(T.sum(e), x), { updates })(xs);
  close(g, xs.map((v, t) => 1.5 * 0.5 ** t * Math.exp(v * 1.5 * 0.5 ** t)), 1e-14);
  assert.equal(c.getValue().item(), 1.5 * 0.5 ** 6);
  T.verifyGrad((x, z) => {
    const [[y, acc]] = scan({
      fn: (xt: V, prev: V) => [T.sin(T.mul(xt, prev)), T.add(prev, T.mul(xt, prev))],
      sequences: x,
      outputsInfo: [null, z],
    });
    return T.add(y, acc);
  }, [xs, 0.7]);
});

Deno.test("scan() truncateGradient stops back-propagation after k steps", () => {
  const x = T.dvector("x"), z = T.dscalar("z");
  const [cum] = scan({
    fn: (xt: V, acc: V) => T.add(acc, xt),
    sequences: x,
    outputsInfo: z,
    truncateGradient: 2,
  });
  const [gx, gz] = T.grad(T.sum(cum), [x, z]);
  const [a, b] = T.function([x, z], [gx, gz])([1, 2, 3, 4, 5], 0);
  // Full BPTT gives d sum(h) / d x_t = n - t; truncated to the last 2 steps it keeps only those.
  assert.deepEqual(a.toArray(), [0, 0, 0, 2, 1]);
  assert.equal(b.item(), 0);
  const [full] = scan({ fn: (xt: V, acc: V) => T.add(acc, xt), sequences: x, outputsInfo: z });
  const [fx, fz] = T.function([x, z], T.grad(T.sum(full), [x, z]))([1, 2, 3, 4, 5], 0);
  assert.deepEqual(fx.toArray(), [5, 4, 3, 2, 1]);
  assert.equal(fz.item(), 5);
});

Deno.test("scan() rejects bad arguments with clear errors", () => {
  const x = T.dvector("x"), z = T.dscalar("z"), f32 = T.fscalar("f");
  assert.throws(() => scan({ fn: (h: V) => h, outputsInfo: z }), T.InputError);
  assert.throws(() => scan({ fn: (xt: V) => [xt, xt], sequences: x, outputsInfo: [null] }), T.InputError);
  assert.throws(
    () => scan({ fn: (xt: V, h: V) => T.add(h, xt), sequences: x, outputsInfo: f32 }),
    /dtype float64.*float32/,
  );
  assert.throws(() => scan({ fn: (xt: V) => xt, sequences: z }), T.HypatiaTypeError);
  assert.throws(() => scan({ fn: (xt: V) => xt, sequences: { input: x, taps: [0, 0] } }), T.InputError);
  assert.throws(
    () => scan({ fn: (h: V) => h, outputsInfo: [{ initial: z, taps: [1] }], nSteps: 2 }),
    T.InputError,
  );
  assert.throws(() => scan({ fn: (xt: V) => xt, sequences: x, truncateGradient: 0 }), T.InputError);
  // A state whose shape changes between steps is a run-time error naming the scan.
  const v = T.dvector("v");
  const [grow] = scan({ fn: (h: V) => T.concatenate([h, h]), outputsInfo: v, nSteps: 2, name: "grow" });
  assert.throws(() => T.function([v], grow)([1]), /scan "grow".*state 0/);
});

Deno.test("scan() draws random numbers per step, threads the random state and returns its update", () => {
  const srng = new T.MRGRandomStreams(234);
  const x = T.dvector("x"), w = T.dscalar("w");
  const [out, updates] = scan({ fn: (xt: V) => T.mul(T.mul(xt, w), srng.uniform([])), sequences: x });
  assert.equal(updates.length, 1);
  const gw = T.grad(T.sum(out), w);
  const f = T.function([x, w], [out, gw], { updates });
  // The same stream drawn once per call outside a loop gives the same numbers, in order.
  const ref = new T.MRGRandomStreams(234);
  const g = T.function([], ref.uniform([]));
  const u = Array.from({ length: 8 }, () => g().item());
  const [a, ga] = f([1, 1, 1, 1], 2);
  close(a, u.slice(0, 4).map((v) => 2 * v), 1e-15);
  // The gradient recomputes the loop with the same draws: d sum(x u w) / dw = sum(x u).
  assert.ok(Math.abs(ga.item() - u.slice(0, 4).reduce((s, v) => s + v, 0)) < 1e-14);
  const [b] = f([1, 1, 1, 1], 1);
  close(b, u.slice(4, 8), 1e-15); // the state moved on by 4 draws
});

Deno.test("scan() nodes built twice from the same body merge into one when compiled", () => {
  const x = T.dvector("x"), z = T.dscalar("z");
  const build = () =>
    scan({ fn: (xt: V, acc: V) => T.add(T.mul(acc, 0.5), xt), sequences: x, outputsInfo: z })[0];
  const a = build(), b = build();
  assert.notEqual(a.owner, b.owner);
  const f = T.function([x, z], [a, T.mul(b, 2)]);
  const scans = new Set(toposort(f.maker.outputs).filter((n) => n.op.name === "scan"));
  assert.equal(scans.size, 1);
  const [p, q] = f([1, 2, 3], 4);
  assert.deepEqual(q.toArray(), (p.toArray() as number[]).map((v) => 2 * v));
  // A different body does not merge.
  const c = scan({ fn: (xt: V, acc: V) => T.add(T.mul(acc, 0.25), xt), sequences: x, outputsInfo: z })[0];
  const g = T.function([x, z], [a, c]);
  assert.equal(toposort(g.maker.outputs).filter((n) => n.op.name === "scan").length, 2);
});
