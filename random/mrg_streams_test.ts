/**
 * MRGRandomStreams in graphs: default updates, noDefaultUpdates, one draw per call,
 * seeding, state access, copyRandomState, JSON round trips (also into a fresh
 * isolate), symbolic sizes, scan, and bad input.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { copyRandomState, MRGRandomStreams } from "./mod.ts";
import { refDraws, refStreams, toF64 } from "./testdata/mrg_reference.ts";

const flat = (v: T.NDArray) => Array.from(v.data, Number);

Deno.test("MRGRandomStreams: default updates give new numbers; noDefaultUpdates repeats; u + u - 2u is zero", () => {
  const srng = new MRGRandomStreams(234);
  const u = srng.uniform([2, 2]);
  const n = srng.normal([2, 2]);
  const f = T.function([], u);
  const a = flat(f()), b = flat(f());
  assert.notDeepEqual(a, b);
  const subs = refStreams(234, [4])[0];
  assert.deepEqual(a, refDraws(subs, 4, 4).map(toF64));
  assert.deepEqual(b, refDraws(subs, 4, 4).map(toF64));
  const g = T.function([], n, { noDefaultUpdates: true });
  assert.deepEqual(flat(g()), flat(g()));
  const nearlyZeros = T.function([], u.add(u).sub(u.mul(2)));
  assert.deepEqual(flat(nearlyZeros()), [0, 0, 0, 0]);
  // stateUpdates lists [state, update] in creation order; rv.rng is the state.
  assert.equal(srng.stateUpdates.length, 2);
  assert.equal(srng.stateUpdates[0][0], u.rng);
  assert.equal(srng.stateUpdates[1][0], n.rng);
  assert.equal(u.rng.defaultUpdate, srng.stateUpdates[0][1]);
  assert.deepEqual(srng.updates(), srng.stateUpdates);
});

Deno.test("MRGRandomStreams: the same seed reproduces the same draws; seed() re-seeds every variable", () => {
  const build = (seed: number) => {
    const s = new MRGRandomStreams(seed);
    return { s, f: T.function([], [s.uniform([5]), s.normal([3]), s.binomial([4], { p: 0.5 })]) };
  };
  const a = build(42), b = build(42), c = build(43);
  const x = a.f().map(flat);
  assert.deepEqual(b.f().map(flat), x);
  assert.notDeepEqual(c.f().map(flat), x);
  a.f();
  a.s.seed(42);
  assert.deepEqual(a.f().map(flat), x);
  c.s.seed(42);
  assert.deepEqual(c.f().map(flat), x);
  assert.deepEqual(c.s.rstate, b.s.rstate);
  c.s.seed();
  assert.deepEqual(c.f().map(flat), build(43).f().map(flat));
});

Deno.test("MRGRandomStreams: rv.rng getValue/setValue reads and replays one variable's state", () => {
  const srng = new MRGRandomStreams(7);
  const u = srng.uniform([3, 4]);
  const f = T.function([], u);
  const saved = u.rng.getValue();
  assert.deepEqual(saved.shape, [2, 6]);
  assert.equal(saved.dtype, "int32");
  const first = flat(f());
  f();
  u.rng.setValue(saved);
  assert.deepEqual(flat(f()), first);
  // An invalid state is refused when the function runs, and nothing changes.
  u.rng.setValue(new T.NDArray("int32", [2, 6]));
  assert.throws(() => f(), /first three words are all 0/);
  assert.deepEqual(flat(u.rng.getValue()), new Array(12).fill(0));
  assert.throws(() => u.rng.setValue(new T.NDArray("int32", [3, 6])), T.InputError);
});

Deno.test("copyRandomState: Theano's Graph(seed=123) / Graph(seed=987) example", () => {
  class Graph {
    rng: MRGRandomStreams;
    y: T.Variable;
    constructor(seed: number) {
      this.rng = new MRGRandomStreams(seed);
      this.y = this.rng.uniform([1]);
    }
  }
  const g1 = new Graph(123), g2 = new Graph(987);
  const f1 = T.function([], g1.y), f2 = T.function([], g2.y);
  assert.notDeepEqual(flat(f1()), flat(f2()));
  copyRandomState(g1.rng, g2.rng);
  assert.deepEqual(flat(f1()), flat(f2()));
  assert.deepEqual(g2.rng.rstate, g1.rng.rstate);
  // A graph built differently is refused, and left as it was.
  const g3 = new MRGRandomStreams(5);
  g3.uniform([1]);
  g3.uniform([1]);
  const before = g3.toJSON();
  assert.throws(() => copyRandomState(g1.rng, g3), /2 random variables|1 random variables/);
  assert.deepEqual(g3.toJSON(), before);
});

Deno.test("MRG state JSON restores the continuation in a fresh isolate (a worker with its own modules)", async () => {
  // testdata/json_worker.ts builds this same graph.
  const srng = new MRGRandomStreams(1);
  const f = T.function([], [srng.uniform([4]), srng.normal([3], { dtype: "float32" })]);
  f();
  f();
  const json = JSON.stringify(srng);
  const expected = JSON.stringify(f().map(flat));
  const worker = new Worker(new URL("./testdata/json_worker.ts", import.meta.url), { type: "module" });
  const reply = new Promise<string>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(e);
  });
  worker.postMessage(json);
  try {
    assert.equal(await reply, expected);
  } finally {
    worker.terminate();
  }
});

Deno.test("MRGRandomStreams: symbolic sizes (x.shape, scalars) use 15360 substreams and the run-time size", () => {
  const srng = new MRGRandomStreams(11);
  const x = T.dmatrix("x");
  const u = srng.uniform(x.shape);
  const k = T.lscalar("k");
  const v = srng.normal([k, 2]);
  assert.equal(u.rng.getValue().shape[0], 15360);
  const f = T.function([x, k], [u, v]);
  const [a, b] = f([[1, 2, 3], [4, 5, 6]], 3);
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(b.shape, [3, 2]);
  const subs = refStreams(11, [6])[0];
  assert.deepEqual(flat(a), refDraws(subs, 15360, 6).map(toF64));
  assert.throws(() => f([[1]], -1), T.InputError);
});

Deno.test("MRG draws inside scan advance the state at every step", () => {
  const srng = new MRGRandomStreams(21);
  const u = srng.uniform([2]);
  const [rows, updates] = T.scan({ fn: () => u, nSteps: 3 });
  const f = T.function([], rows, { updates });
  const got = f();
  assert.deepEqual(got.shape, [3, 2]);
  const subs = refStreams(21, [2])[0];
  const expected = [0, 1, 2].flatMap(() => refDraws(subs, 2, 2).map(toF64));
  assert.deepEqual(flat(got), expected);
  assert.deepEqual(flat(f()), [0, 1, 2].flatMap(() => refDraws(subs, 2, 2).map(toF64)));
});

Deno.test("MRGRandomStreams bad seeds and sizes: clear errors, no state change", () => {
  for (const s of [0, -1, 2147462579, 1.5, NaN]) assert.throws(() => new MRGRandomStreams(s), T.InputError);
  assert.throws(() => new MRGRandomStreams([0, 0, 0, 1, 1, 1]), /first three words are all 0/);
  assert.throws(() => new MRGRandomStreams([1, 1, 1, 0, 0, 0]), /last three words are all 0/);
  assert.throws(() => new MRGRandomStreams([2147483647, 1, 1, 1, 1, 1]), T.InputError);
  assert.throws(() => new MRGRandomStreams([1, 2, 3]), T.InputError);
  new MRGRandomStreams(2147462578);
  const srng = new MRGRandomStreams(9);
  srng.uniform([2]);
  const before = srng.toJSON();
  assert.throws(() => srng.seed(0), T.InputError);
  assert.throws(() => srng.uniform([2.5]), T.InputError);
  assert.throws(() => srng.uniform([0]), T.InputError);
  assert.throws(() => srng.uniform([T.dscalar("d")]), T.HypatiaTypeError);
  assert.throws(() => srng.uniform(T.lvector("s")), /ndim/);
  assert.throws(() => {
    srng.rstate = [0, 0, 0, 0, 0, 0];
  }, T.InputError);
  assert.throws(() => srng.setState({ ...before, base: [1, 2, 3] }), /not 6/);
  assert.throws(() => srng.setState("{not json"), T.InputError);
  assert.deepEqual(srng.toJSON(), before);
});
