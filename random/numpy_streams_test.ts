/**
 * RandomStreams (Theano's NumPy-backed streams) inside compiled functions, against
 * values NumPy 2.4 printed and Theano's tutorial.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { copyRandomState, RandomStreams } from "./mod.ts";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-15) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= rtol * Math.abs(b[i]) + 1e-300, `element ${i}: ${a[i]} vs ${b[i]}`);
  }
};
const flat = (v: T.NDArray) => Array.from(v.data, Number);

// rs(seed, k) = np.random.RandomState(int(g.randint(2**30))) after k earlier draws of g = np.random.RandomState(2024):
//   uniform: r = rs(2024, 0); [r.uniform(-2, 5, size=3), r.uniform(-2, 5, size=3)]
//   normal: rs(2024, 1).normal(1, 3, size=(2, 3)); binomial: rs(2024, 2).binomial(20, 0.25, 5)
//   randomIntegers: rs(2024, 3).randint(-3, 4, size=6); integers: rs(2024, 4).randint(0, 100, size=4)
//   choice: rs(2024, 5).choice(5, size=6); choiceNoReplace: rs(2024, 6).choice(5, size=3, replace=False)
//   choiceP: rs(2024, 7).choice(4, size=5, p=[0.1, 0.2, 0.3, 0.4])
//   choiceNoReplaceP: rs(2024, 8).choice(5, size=3, replace=False, p=[0.1, 0.2, 0.3, 0.2, 0.2])
//   choiceValues: rs(2024, 9).choice([10, 20, 30], size=4); permutation: r = rs(2024, 10); [r.permutation(6) for _ in 2]
//   multinomial: r = rs(2024, 11); [r.multinomial(10, [0.2, 0.3, 0.5]), r.multinomial(10, [0.6, 0.2, 0.2])]
//   uniform32: rs(2024, 12).uniform(size=4).astype(np.float32)
const NP = {
  uniform: [[1.524398525985422, 1.9523590239048878, 0.4182990760321932], [
    2.901643310980349,
    2.7236969418628334,
    1.5121727412257053,
  ]],
  normal: [[2.7419301756303804, 1.4627264441515289, -0.530402333357721], [
    4.506921258091774,
    -1.195203073903608,
    1.1566033767242758,
  ]],
  binomial: [3, 4, 8, 4, 5],
  randomIntegers: [0, -2, -2, 2, -3, 3],
  integers: [61, 90, 89, 88],
  choice: [1, 4, 4, 3, 1, 3],
  choiceNoReplace: [0, 1, 4],
  choiceP: [0, 1, 3, 3, 3],
  choiceNoReplaceP: [2, 4, 1],
  choiceValues: [10, 10, 30, 30],
  permutation: [[2, 1, 0, 5, 3, 4], [0, 1, 2, 3, 5, 4]],
  multinomial: [[5, 0, 5], [5, 1, 4]],
  uniform32: [0.8708603382110596, 0.25342729687690735, 0.21158267557621002, 0.39108991622924805],
};

Deno.test("RandomStreams(234).uniform([2, 2]) prints Theano's tutorial numbers; normal is the second stream", () => {
  const srng = new RandomStreams(234);
  const u = srng.uniform([2, 2]);
  const n = srng.normal([2, 2]);
  const f = T.function([], u);
  assert.equal(f().toString(), "[[0.12672381 0.97091597]\n [0.13989098 0.88754825]]");
  // r = np.random.RandomState(133003720); r.uniform(size=(2, 2)); r.uniform(size=(2, 2))
  assert.equal(f().toString(), "[[0.31971415 0.47584377]\n [0.24129163 0.42046081]]");
  // np.random.RandomState(999614367).normal(size=(2, 2))
  const g = T.function([], n, { noDefaultUpdates: true });
  assert.equal(g().toString(), "[[ 0.37328447 -0.65746672]\n [-0.36302373 -0.97484625]]");
  assert.equal(g().toString(), "[[ 0.37328447 -0.65746672]\n [-0.36302373 -0.97484625]]");
  const nearlyZeros = T.function([], u.add(u).sub(u.mul(2)));
  assert.deepEqual(flat(nearlyZeros()), [0, 0, 0, 0]);
});

Deno.test("RandomStreams draws match NumPy's legacy RandomState for every distribution", () => {
  const srng = new RandomStreams(2024);
  const vars = [
    srng.uniform([3], { low: -2, high: 5 }),
    srng.normal([2, 3], { avg: 1, std: 3 }),
    srng.binomial([5], { n: 20, p: 0.25 }),
    srng.randomIntegers([6], { low: -3, high: 3 }),
    srng.integers([4], { low: 0, high: 100 }),
    srng.choice([6], { a: 5 }),
    srng.choice([3], { a: 5, replace: false }),
    srng.choice([5], { a: 4, p: [0.1, 0.2, 0.3, 0.4] }),
    srng.choice([3], { a: 5, replace: false, p: [0.1, 0.2, 0.3, 0.2, 0.2] }),
    srng.choice([4], { a: [10, 20, 30] }),
    srng.permutation([2], { n: 6 }),
    srng.multinomial({ pvals: [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]], n: 10 }),
    srng.uniform([4], { dtype: "float32" }),
  ];
  const f = T.function([], vars);
  const out = f();
  assert.deepEqual(flat(out[0]), NP.uniform[0]);
  close(flat(out[1]), NP.normal.flat());
  assert.deepEqual(out[1].shape, [2, 3]);
  assert.deepEqual(flat(out[2]), NP.binomial);
  assert.equal(out[2].dtype, "int64");
  assert.deepEqual(flat(out[3]), NP.randomIntegers);
  assert.deepEqual(flat(out[4]), NP.integers);
  assert.deepEqual(flat(out[5]), NP.choice);
  assert.deepEqual(flat(out[6]), NP.choiceNoReplace);
  assert.deepEqual(flat(out[7]), NP.choiceP);
  assert.deepEqual(flat(out[8]), NP.choiceNoReplaceP);
  assert.deepEqual(flat(out[9]), NP.choiceValues);
  assert.deepEqual(out[10].shape, [2, 6]);
  assert.deepEqual(flat(out[10]), NP.permutation.flat());
  assert.deepEqual(out[11].shape, [2, 3]);
  assert.deepEqual(flat(out[11]), NP.multinomial.flat());
  assert.equal(out[12].dtype, "float32");
  assert.deepEqual(flat(out[12]), NP.uniform32);
  // The default update advanced the first stream: the next call continues NumPy's sequence.
  assert.deepEqual(flat(f()[0]), NP.uniform[1]);
});

Deno.test("RandomStreams: Theano tutorial's Graph(seed=123) / Graph(seed=987) copy example", () => {
  const graph = (seed: number) => {
    const rng = new RandomStreams(seed);
    const y = rng.uniform([1]);
    return { rng, f: T.function([], y) };
  };
  const g1 = graph(123), g2 = graph(987);
  // Theano tutorial: f1() -> [0.72803009], f2() -> [0.55056769]; after copy both [0.59044123]
  assert.equal(g1.f().toString(), "[0.72803009]");
  assert.equal(g2.f().toString(), "[0.55056769]");
  copyRandomState(g1.rng, g2.rng);
  assert.equal(g1.f().toString(), "[0.59044123]");
  assert.equal(g2.f().toString(), "[0.59044123]");
});

Deno.test("RandomStreams.seed() re-seeds every variable as Theano does; rng.setValue sets one", () => {
  const srng = new RandomStreams(1);
  const u = srng.uniform([2, 2]);
  const n = srng.normal([2]);
  const f = T.function([], [u, n]);
  f();
  srng.seed(902340);
  const fresh = new RandomStreams(902340);
  const f2 = T.function([], [fresh.uniform([2, 2]), fresh.normal([2])]);
  const a = f(), b = f2();
  assert.deepEqual(flat(a[0]), flat(b[0]));
  assert.deepEqual(flat(a[1]), flat(b[1]));
  // Variables made after seed() continue from the new seed generator.
  const later = T.function([], srng.uniform([3]))(), later2 = T.function([], fresh.uniform([3]))();
  assert.deepEqual(flat(later), flat(later2));
  // One variable's state: read, replay.
  const saved = u.rng.getValue();
  const x1 = flat(f()[0]);
  u.rng.setValue(saved);
  assert.deepEqual(flat(f()[0]), x1);
  assert.equal(srng.stateUpdates.length, 3);
  assert.equal(srng.stateUpdates[0][0], u.rng);
  assert.equal(srng.stateUpdates[0][1], u.update[1]);
});

Deno.test("RandomStreams state JSON round trip restores the continuation in fresh streams", () => {
  const build = (seed: number) => {
    const s = new RandomStreams(seed);
    return { s, f: T.function([], [s.normal([3]), s.binomial([4], { n: 50, p: 0.3 })]) };
  };
  const a = build(11);
  a.f();
  const text = JSON.stringify(a.s);
  const expected = a.f().map(flat);
  const b = build(999);
  b.s.setState(text);
  assert.deepEqual(b.f().map(flat), expected);
});

Deno.test("RandomStreams: symbolic sizes and tensor arguments broadcast like NumPy", () => {
  const srng = new RandomStreams(2024);
  const sz = T.lvector("sz");
  const low = T.dvector("low");
  const u = srng.uniform(sz, { low, high: 5, ndim: 1 });
  const f = T.function([sz, low], u);
  // r = rs(2024, 0); r.uniform(-2, 5, size=3) with low broadcast from a vector of -2
  assert.deepEqual(flat(f([3], [-2, -2, -2])), NP.uniform[0]);
  assert.throws(() => f([3], [0, 0]), T.HypatiaError);
});

Deno.test("RandomStreams bad input: clear errors, no state change", () => {
  assert.throws(() => new RandomStreams(-1), T.InputError);
  assert.throws(() => new RandomStreams(1.5), T.InputError);
  assert.throws(() => new RandomStreams(2 ** 32), T.InputError);
  const srng = new RandomStreams(3);
  const before = srng.toJSON();
  assert.throws(() => srng.uniform([2.5]), T.InputError);
  assert.throws(() => srng.uniform([-1]), T.InputError);
  assert.throws(() => srng.choice([4], { a: 3, replace: false }), T.InputError);
  assert.throws(() => srng.permutation([2], { n: -1 }), T.InputError);
  assert.throws(() => srng.seed(-5), T.InputError);
  assert.deepEqual(srng.toJSON(), before);
  // Run-time errors leave the variable's state as it was.
  const c = srng.choice([2], { a: 3, p: [0.5, 0.6, 0.1] });
  const std = T.dscalar("std");
  const n = srng.normal([2], { std });
  const state = c.rng.getValue();
  assert.throws(() => T.function([], c)(), /sum to/);
  assert.deepEqual(flat(c.rng.getValue()), flat(state));
  const s = n.rng.getValue();
  assert.throws(() => T.function([std], n)(-1), /std must be >= 0/);
  assert.deepEqual(flat(n.rng.getValue()), flat(s));
  const m = srng.multinomial({ pvals: [[0.2, 0.3]], n: 5 });
  const ms = m.rng.getValue();
  assert.throws(() => T.function([], m)(), /sum to 0.5, not 1/);
  assert.deepEqual(flat(m.rng.getValue()), flat(ms));
  assert.throws(() => srng.setState({ ...srng.toJSON(), states: [] }), /random variables/);
});
