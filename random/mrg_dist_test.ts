/**
 * MRGRandomStreams' distributions against a BigInt reference of Theano's graph
 * (uniform, Box–Muller normal, truncated normal, binomial, multinomial, choice), in
 * float64 and float32.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { MRGRandomStreams } from "./mod.ts";
import { refDraws, refStreams, toF32, toF64 } from "./testdata/mrg_reference.ts";

const f = Math.fround;
const flat = (v: T.NDArray) => Array.from(v.data, Number);

/** Reference uniforms of variable `k` (0-based) made by streams seeded `seed`, for successive calls. */
function refCalls(seed: number, k: number, ns: number, n: number, f32: boolean, calls: number): number[][] {
  const subs = refStreams(seed, new Array(k + 1).fill(Math.min(ns, n)))[k];
  const out: number[][] = [];
  for (let c = 0; c < calls; c++) out.push(refDraws(subs, ns, n).map(f32 ? toF32 : toF64));
  return out;
}

/** The first call's reference uniforms. */
const refUniform = (seed: number, k: number, ns: number, n: number, f32: boolean) =>
  refCalls(seed, k, ns, n, f32, 1)[0];

Deno.test("MRG uniform: literal size uses guess_n_streams substreams; float64 and float32 follow Theano's mapping", () => {
  const srng = new MRGRandomStreams(234);
  const a = srng.uniform([10, 20]);
  const b = srng.uniform([3, 5], { dtype: "float32", low: -1, high: 3 });
  assert.equal(a.rng.getValue().shape[0], 33);
  assert.equal(b.rng.getValue().shape[0], 2);
  const fn = T.function([], [a, b]);
  const [x, y] = fn();
  assert.deepEqual(x.shape, [10, 20]);
  assert.deepEqual(flat(x), refUniform(234, 0, 33, 200, false));
  // float32: u * (high - low) + low with every operation rounded to float32.
  const ref = refUniform(234, 1, 2, 15, true).map((u) => f(f(u * f(3 - -1)) + -1));
  assert.equal(y.dtype, "float32");
  assert.deepEqual(flat(y), ref);
  // The second call continues every substream.
  assert.deepEqual(flat(fn()[0]), refCalls(234, 0, 33, 200, false, 2)[1]);
});

Deno.test("MRG normal: Box–Muller over the even-rounded size from 15360 substreams, cosines then sines", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const r = dtype === "float32" ? f : (x: number) => x;
    const srng = new MRGRandomStreams(99);
    const n = srng.normal([3, 3], { avg: 2, std: 0.5, dtype });
    assert.equal(n.rng.getValue().shape[0], 15360);
    const u = refUniform(99, 0, 15360, 10, dtype === "float32");
    const z: number[] = new Array(10);
    for (let i = 0; i < 5; i++) {
      const rad = r(Math.sqrt(r(-2 * r(Math.log(u[i])))));
      const th = r(r(2 * Math.PI) * u[5 + i]);
      z[i] = r(rad * r(Math.cos(th)));
      z[5 + i] = r(rad * r(Math.sin(th)));
    }
    const expected = z.slice(0, 9).map((v) => r(r(v * 0.5) + 2));
    const got = T.function([], n)();
    assert.equal(got.dtype, dtype);
    assert.deepEqual(flat(got), expected);
  }
});

Deno.test("MRG truncatedNormal: values within ±2 std, fixed from a second stream, Theano's packing", () => {
  const srng = new MRGRandomStreams(5);
  const t = srng.truncatedNormal([2000], { std: 2 });
  assert.equal(t.rngs.length, 2);
  const v = flat(T.function([], t)());
  const eff = 2 / 0.87962566103423978;
  assert.ok(v.every((x) => Math.abs(x) <= 2 * eff + 1e-12));
  // Reference: the same construction written out from the uniforms of both streams.
  const u = refUniform(5, 0, 15360, 2000, false);
  const z0: number[] = [], z1: number[] = [], cos: number[] = [], sin: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const rad = Math.sqrt(-2 * Math.log(u[i])), th = 2 * Math.PI * u[1000 + i];
    cos.push(Math.cos(th)), sin.push(Math.sin(th));
    z0.push(rad * cos[i]), z1.push(rad * sin[i]);
  }
  const bad = (x: number) => x < -2 || x > 2;
  const fix0 = z0.flatMap((x, i) => (bad(x) ? [i] : [])), fix1 = z1.flatMap((x, i) => (bad(x) ? [i] : []));
  const low = 1 / Math.E ** 2;
  const uf = refUniform(5, 1, 15360, fix0.length + fix1.length, false).map((x) => x * (1 - low) + low);
  const rf = uf.map((x) => Math.sqrt(-2 * Math.log(x)));
  const packed = [
    ...z0.filter((x) => !bad(x)),
    ...fix0.map((i, j) => rf[j] * cos[i]),
    ...z1.filter((x) => !bad(x)),
    ...fix1.map((i, j) => rf[fix0.length + j] * sin[i]),
  ];
  assert.ok(fix0.length + fix1.length > 50);
  assert.deepEqual(v, packed.map((x) => x * eff + 0));
});

Deno.test("MRG binomial: n = 1 is Theano's u < p; n > 1 sums n trials (trial k of element i at k·N + i)", () => {
  const srng = new MRGRandomStreams(31);
  const b1 = srng.binomial([4, 5], { p: 0.3 });
  const b5 = srng.binomial([6], { n: 5, p: 0.6, dtype: "int32" });
  const p = T.dvector("p");
  const bp = srng.binomial([3], { p });
  const [x1, x5, xp] = T.function([p], [b1, b5, bp])([0.1, 0.5, 0.9]);
  assert.equal(x1.dtype, "int64");
  assert.deepEqual(flat(x1), refUniform(31, 0, 3, 20, false).map((u) => (u < 0.3 ? 1 : 0)));
  const u5 = refUniform(31, 1, 6, 30, false);
  assert.equal(x5.dtype, "int32");
  assert.deepEqual(
    flat(x5),
    [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3, 4].filter((k) => u5[k * 6 + i] < 0.6).length),
  );
  assert.deepEqual(flat(xp), refUniform(31, 2, 3, 3, false).map((u, i) => (u < [0.1, 0.5, 0.9][i] ? 1 : 0)));
});

Deno.test("MRG multinomial: draw c of row r uses uniform c·rows + r, first running sum above it", () => {
  const srng = new MRGRandomStreams(8);
  const pvals = [[0.2, 0.3, 0.5], [0.7, 0.1, 0.2]];
  const m = srng.multinomial({ pvals, n: 4 });
  const out = T.function([], m)();
  assert.deepEqual(out.shape, [2, 3]);
  const u = refUniform(8, 0, 15360, 8, false);
  const ref = [0, 0, 0, 0, 0, 0];
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 2; r++) {
      let cum = 0;
      for (let k = 0; k < 3; k++) {
        cum += pvals[r][k];
        if (cum > u[c * 2 + r]) {
          ref[r * 3 + k]++;
          break;
        }
      }
    }
  }
  assert.deepEqual(flat(out), ref);
  assert.deepEqual([flat(out).slice(0, 3), flat(out).slice(3)].map((r) => r.reduce((a, b) => a + b)), [4, 4]);
});

Deno.test("MRG choice: without replacement removes and renormalises (Theano); with replacement does not", () => {
  const srng = new MRGRandomStreams(17);
  const p = [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]];
  const c = srng.choice(3, { p });
  const cr = srng.choice(5, { p, replace: true });
  const [x, xr] = T.function([], [c, cr])();
  assert.deepEqual(x.shape, [2, 3]);
  const ref = (u: number[], count: number, replace: boolean) => {
    const out: number[] = new Array(2 * count);
    const w = p.map((r) => [...r]);
    for (let k = 0; k < count; k++) {
      for (let r = 0; r < 2; r++) {
        let cum = 0, m = 0;
        for (; m < 4; m++) if ((cum += w[r][m]) > u[k * 2 + r]) break;
        out[r * count + k] = m;
        if (!replace) {
          w[r][m] = 0;
          const s = w[r].reduce((a, b) => a + b);
          w[r] = w[r].map((v) => v / s);
        }
      }
    }
    return out;
  };
  assert.deepEqual(flat(x), ref(refUniform(17, 0, 15360, 6, false), 3, false));
  for (const row of [flat(x).slice(0, 3), flat(x).slice(3)]) assert.equal(new Set(row).size, 3);
  assert.deepEqual(flat(xr), ref(refUniform(17, 1, 15360, 10, false), 5, true));
});

Deno.test("MRG distributions: bad arguments are clear errors and leave the streams unchanged", () => {
  const srng = new MRGRandomStreams(3);
  const before = srng.rstate;
  assert.throws(() => srng.multinomial({ pvals: [[0.5, 0.6]] }), /sum to/);
  assert.throws(() => srng.multinomial({ pvals: [0.5, 0.5] }), T.HypatiaTypeError);
  assert.throws(() => srng.choice(3, { p: [[0.5, 0.5]] }), /without replacement/);
  assert.throws(() => srng.choice(1, { p: [[0.2, 0.9]] }), /sum to/);
  assert.throws(() => srng.binomial([2], { n: 1.5 }), T.InputError);
  assert.throws(() => srng.binomial([2], { p: 1.5 }), T.InputError);
  assert.throws(() => srng.uniform([2], { dtype: "int32" }), T.HypatiaTypeError);
  assert.throws(() => srng.uniform([2], { nstreams: 0 }), T.InputError);
  assert.deepEqual(srng.rstate, before);
  assert.equal(srng.stateUpdates.length, 0);
  // Symbolic probabilities are checked when the function runs; the state stays.
  const pv = T.dmatrix("pv");
  const m = srng.multinomial({ pvals: pv });
  const fn = T.function([pv], m);
  const s = m.rng.getValue();
  assert.throws(() => fn([[0.3, 0.3]]), /sum to/);
  assert.deepEqual(flat(m.rng.getValue()), flat(s));
  assert.deepEqual(flat(fn([[0, 1]])), [0, 1]);
});
