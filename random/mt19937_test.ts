/**
 * MT19937 and NumPy's legacy RandomState algorithms against values NumPy 2.4 printed
 * (each constant carries the Python line that made it).
 */
import assert from "node:assert/strict";
import { badMtState, MT19937 } from "./mt19937.ts";
import { legacyBinomial, legacyChoice, legacyPermutation } from "./numpy_dist.ts";

// g = np.random.RandomState(234); [int(g.randint(2**30)) for _ in range(3)]
const SEEDS_234 = [133003720, 999614367, 18391364];
// np.random.RandomState(0).randint(0, 2**32, size=5, dtype=np.uint32)
const RAW_0 = [2357136044, 2546248239, 3071714933, 3626093760, 2588848963];
// np.random.RandomState(2**32 - 1).randint(0, 2**32, size=3, dtype=np.uint32)
const RAW_MAX = [419326371, 479346978, 3918654476];
// r = np.random.RandomState(0); r.randint(0, 2**32, size=700, dtype=np.uint32); r.randint(0, 2**32, size=3, dtype=np.uint32)
const RAW_0_AFTER_700 = [2772703073, 2041352620, 151880507];
// np.random.RandomState([1, 2, 3]).randint(0, 2**32, size=4, dtype=np.uint32)
const RAW_ARRAY = [2619334238, 1552691353, 3808334787, 2540200029];
// np.random.RandomState(42).random_sample(4)
const SAMPLE_42 = [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366];
// np.random.RandomState(42).standard_normal(5)
const GAUSS_42 = [
  0.4967141530112327,
  -0.13826430117118466,
  0.6476885381006925,
  1.5230298564080254,
  -0.23415337472333597,
];
// r = np.random.RandomState(7); [r.randint(0, 10, size=6), r.randint(-5, 1000003, size=3), r.randint(0, 2**40, size=3), r.randint(5, 6, size=2), r.randint(0, 10, size=2)]
const RANDINT_7 = [[4, 9, 6, 3, 3, 7], [79458, 886103, 650420], [611018672663, 309610205529, 474247592490], [
  5,
  5,
], [
  8,
  7,
]];
// r = np.random.RandomState(3); [r.binomial(10, 0.3, 6), r.binomial(1000, 0.4, 6), r.binomial(100, 0.9, 4), r.binomial(1000, 0.7, 4), r.binomial(0, 0.5, 2), r.binomial(5, 0.0, 2), r.binomial(1, 0.5, 6)]
const BINOM_3 = [[3, 4, 2, 3, 5, 5], [399, 388, 387, 421, 412, 383], [92, 91, 92, 89], [686, 699, 693, 710], [
  0,
  0,
], [
  0,
  0,
], [0, 0, 1, 1, 0, 0]];

const draws = (g: MT19937, n: number, f: (g: MT19937) => number) => Array.from({ length: n }, () => f(g));

Deno.test("MT19937 raw words match NumPy's RandomState(seed), past the first regeneration", () => {
  assert.deepEqual(draws(MT19937.fromSeed(0), 5, (g) => g.nextUint32()), RAW_0);
  assert.deepEqual(draws(MT19937.fromSeed(2 ** 32 - 1), 3, (g) => g.nextUint32()), RAW_MAX);
  const g = MT19937.fromSeed(0);
  draws(g, 700, (g) => g.nextUint32());
  assert.deepEqual(draws(g, 3, (g) => g.nextUint32()), RAW_0_AFTER_700);
  assert.deepEqual(draws(MT19937.fromArray([1, 2, 3]), 4, (g) => g.nextUint32()), RAW_ARRAY);
});

Deno.test("MT19937 legacy random_sample, gauss and randint(2**30) match NumPy", () => {
  assert.deepEqual(draws(MT19937.fromSeed(42), 4, (g) => g.nextDouble()), SAMPLE_42);
  const gauss = draws(MT19937.fromSeed(42), 5, (g) => g.nextGauss());
  gauss.forEach((v, i) =>
    assert.ok(Math.abs(v - GAUSS_42[i]) <= 1e-15 * Math.abs(GAUSS_42[i]), `${v} vs ${GAUSS_42[i]}`)
  );
  assert.deepEqual(draws(MT19937.fromSeed(234), 3, (g) => g.bounded(2 ** 30 - 1)), SEEDS_234);
});

Deno.test("MT19937 legacy bounded integers (32-bit, 64-bit and empty ranges) match NumPy's randint", () => {
  const g = MT19937.fromSeed(7);
  const got = [
    draws(g, 6, (g) => g.bounded(9)),
    draws(g, 3, (g) => -5 + g.bounded(1000003 + 5 - 1)),
    draws(g, 3, (g) => g.bounded(2 ** 40 - 1)),
    draws(g, 2, (g) => 5 + g.bounded(0)),
    draws(g, 2, (g) => g.bounded(9)),
  ];
  assert.deepEqual(got, RANDINT_7);
});

Deno.test("legacyBinomial: inversion, BTPE, p > 0.5 and degenerate cases match NumPy's binomial", () => {
  const g = MT19937.fromSeed(3);
  const cases: [number, number, number][] = [[10, 0.3, 6], [1000, 0.4, 6], [100, 0.9, 4], [1000, 0.7, 4], [
    0,
    0.5,
    2,
  ], [
    5,
    0,
    2,
  ], [1, 0.5, 6]];
  assert.deepEqual(cases.map(([n, p, k]) => draws(g, k, (g) => legacyBinomial(g, n, p))), BINOM_3);
});

Deno.test("legacyPermutation is a permutation and legacyChoice refuses impossible requests", () => {
  const out = new Float64Array(50);
  legacyPermutation(MT19937.fromSeed(1), 50, out, 0);
  assert.deepEqual([...out].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.throws(
    () => legacyChoice(MT19937.fromSeed(1), 3, 4, false, undefined, "choice"),
    /cannot take 4 samples/,
  );
  assert.throws(
    () => legacyChoice(MT19937.fromSeed(1), 3, 2, false, Float64Array.of(1, 0, 0), "choice"),
    /fewer non-zero/,
  );
});

Deno.test("MT19937 state vector round-trips and badMtState names what is wrong", () => {
  const g = MT19937.fromSeed(5);
  g.nextGauss();
  const v = g.toVector();
  assert.equal(badMtState(v), undefined);
  const h = MT19937.fromVector(v);
  assert.deepEqual(draws(h, 4, (g) => g.nextGauss()), draws(g, 4, (g) => g.nextGauss()));
  assert.match(badMtState(new Float64Array(627))!, /all zeros/);
  const w = v.slice();
  w[624] = 700;
  assert.match(badMtState(w)!, /position/);
  w[624] = 0;
  w[3] = 2 ** 32;
  assert.match(badMtState(w)!, /32-bit/);
  assert.match(badMtState([1, 2])!, /627/);
});
