/**
 * MRG31k3p core: the recurrence against L'Ecuyer's definition (BigInt), the jump
 * matrices against repeated stepping and against each other, the exact mat-vec product,
 * and the reference Java samples of L'Ecuyer et al.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import {
  fillUniform32,
  fillUniform64,
  guessNStreams,
  jumpMatrices,
  jumpState,
  M1,
  M2,
  matPow2Big,
  matVecMod,
  modExact,
  mrgNext,
  nextStreamBase,
  NORM32,
  substreamStates,
} from "./mrg_core.ts";
import { MRGRandomStreams } from "./mrg_streams.ts";
import {
  A1,
  A2,
  apply,
  m1,
  m2,
  pow,
  refDraws,
  refStep,
  refStreams,
  toF32,
  toF64,
} from "./testdata/mrg_reference.ts";
import java from "./testdata/mrg31k3p_java_12_7_5.json" with { type: "json" };

const rng = T.seededRandom(7);
const randState = () => [
  ...[0, 1, 2].map(() => Math.floor(rng() * M1)),
  ...[0, 1, 2].map(() => Math.floor(rng() * M2)),
];
const EXTREMES = [
  [M1 - 1, M1 - 1, M1 - 1, M2 - 1, M2 - 1, M2 - 1],
  [1, 0, 0, 1, 0, 0],
  [0, 0, M1 - 1, 0, 0, M2 - 1],
  [12345, 12345, 12345, 12345, 12345, 12345],
];

Deno.test("mrgNext follows L'Ecuyer's MRG31k3p recurrence exactly (BigInt reference)", () => {
  for (const s0 of [...EXTREMES, randState(), randState()]) {
    const st = Int32Array.from(s0), ref = s0.map(BigInt);
    for (let i = 0; i < 20000; i++) {
      const z = mrgNext(st, 0);
      assert.equal(BigInt(z), refStep(ref), `step ${i} from [${s0}]`);
    }
    assert.deepEqual(Array.from(st, BigInt), ref);
  }
});

Deno.test("mrgNext's arithmetic stays below 2^32 at every step, so the WGSL u32 port is exact", () => {
  // The same expressions as mrgNext, each intermediate checked against 2^32.
  const u = (v: number) => {
    assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32, `intermediate ${v}`);
    return v;
  };
  const step = (s: number[]) => {
    const [x11, x12, x13, x21, x22, x23] = s;
    let t = u(u(((x12 & 511) * 4194304) + (x12 >>> 9)) + u(((x13 & 16777215) * 128) + (x13 >>> 24)));
    t = u(u(t & M1) + (t >>> 31) + x13);
    let y1 = u((t & M1) + (t >>> 31));
    if (y1 === M1) y1 = 0;
    t = u(u((x21 & 65535) * 32768) + u((x23 & 65535) * 32768));
    t = u((t & M1) + u(21069 * u((t >>> 31) + (x21 >>> 16) + (x23 >>> 16))));
    t = u((t & M1) + 21069 * (t >>> 31) + x23);
    let y2 = u((t & M1) + 21069 * (t >>> 31));
    if (y2 >= M2) y2 -= M2;
    s.splice(0, 6, y1, x11, x12, y2, x21, x22);
  };
  for (const s0 of [...EXTREMES, randState(), randState(), randState()]) {
    const s = [...s0], ref = s0.map(BigInt);
    for (let i = 0; i < 5000; i++) {
      step(s);
      refStep(ref);
      assert.deepEqual(s.map(BigInt), ref);
    }
  }
});

Deno.test("jump matrices: A^(2^k) equals 2^k repeated steps (k = 0..11)", () => {
  for (let k = 0; k <= 11; k++) {
    const a1 = matPow2Big(A1, k, m1), a2 = matPow2Big(A2, k, m2);
    const s0 = randState();
    const st = Int32Array.from(s0);
    for (let i = 0; i < 2 ** k; i++) mrgNext(st, 0);
    const jumped = [...apply(a1, s0.slice(0, 3).map(BigInt), m1), ...apply(a2, s0.slice(3).map(BigInt), m2)];
    assert.deepEqual(Array.from(st, BigInt), jumped, `k = ${k}`);
  }
});

Deno.test("jump matrices: 2^72 and 2^134 by repeated squaring equal square-and-multiply, and Theano's A1p72..A2p134", () => {
  const j = jumpMatrices();
  const num = (m: bigint[]) => m.map(Number);
  assert.deepEqual(Array.from(j.a1p72), num(pow(A1, 1n << 72n, m1)));
  assert.deepEqual(Array.from(j.a2p72), num(pow(A2, 1n << 72n, m2)));
  assert.deepEqual(Array.from(j.a1p134), num(pow(A1, 1n << 134n, m1)));
  assert.deepEqual(Array.from(j.a2p134), num(pow(A2, 1n << 134n, m2)));
  // (A^(2^36))^(2^36) = A^(2^72): the algebra closes.
  assert.deepEqual(Array.from(j.a1p72), num(pow(pow(A1, 1n << 36n, m1), 1n << 36n, m1)));
  // theano/sandbox/rng_mrg.py: A1p72, A2p72, A1p134, A2p134
  assert.deepEqual(Array.from(j.a1p72), [
    1516919229,
    758510237,
    499121365,
    1884998244,
    1516919229,
    335398200,
    601897748,
    1884998244,
    358115744,
  ]);
  assert.deepEqual(Array.from(j.a2p72), [
    1228857673,
    1496414766,
    954677935,
    1133297478,
    1407477216,
    1496414766,
    2002613992,
    1639496704,
    1407477216,
  ]);
  assert.deepEqual(Array.from(j.a1p134), [
    1702500920,
    1849582496,
    1656874625,
    828554832,
    1702500920,
    1512419905,
    1143731069,
    828554832,
    102237247,
  ]);
  assert.deepEqual(Array.from(j.a2p134), [
    796789021,
    1464208080,
    607337906,
    1241679051,
    1431130166,
    1464208080,
    1401213391,
    1178684362,
    1431130166,
  ]);
});

Deno.test("matVecMod is exact for 31-bit matrices and states (no product above 2^53)", () => {
  const mats = [
    Float64Array.of(M1 - 1, M1 - 1, M1 - 1, M1 - 1, M1 - 1, M1 - 1, M1 - 1, M1 - 1, M1 - 1),
    jumpMatrices().a1p134,
  ];
  for (let t = 0; t < 300; t++) {
    const a = t < 2 ? mats[t] : Float64Array.from({ length: 9 }, () => Math.floor(rng() * M1));
    const v = t === 0 ? [M1 - 1, M1 - 1, M1 - 1] : [0, 1, 2].map(() => Math.floor(rng() * M1));
    for (const m of [M1, M2]) {
      const out = new Int32Array(3);
      matVecMod(a, v, 0, m, out, 0);
      assert.deepEqual(Array.from(out, BigInt), apply(Array.from(a, BigInt), v.map(BigInt), BigInt(m)));
    }
  }
});

Deno.test("modExact is exact next to every multiple of m up to 2^50", () => {
  for (const m of [M1, M2]) {
    for (const q of [0, 1, 2, 3, 1000, 65535, 65536, 2 ** 18, 2 ** 19 - 1]) {
      for (const d of [-2, -1, 0, 1, 2]) {
        const x = q * m + d;
        if (x < 0) continue;
        assert.equal(BigInt(modExact(x, m)), BigInt(x) % BigInt(m), `${x} mod ${m}`);
      }
    }
    for (let t = 0; t < 1000; t++) {
      const x = Math.floor(rng() * 2 ** 50);
      assert.equal(BigInt(modExact(x, m)), BigInt(x) % BigInt(m));
    }
  }
});

Deno.test("substreamStates and nextStreamBase follow Theano's seeding (BigInt reference)", () => {
  const [v0, v1] = refStreams(777, [5, 3]);
  const s0 = substreamStates([777, 777, 777, 777, 777, 777], 5);
  assert.deepEqual(Array.from(s0, BigInt), v0.flat());
  const b1 = nextStreamBase([777, 777, 777, 777, 777, 777]);
  assert.deepEqual(Array.from(substreamStates(b1, 3), BigInt), v1.flat());
  const j = jumpMatrices();
  assert.deepEqual(
    Array.from(jumpState(b1, j.a1p72, j.a2p72)),
    Array.from(substreamStates(b1, 2).subarray(6)),
  );
});

Deno.test("fill kernels: element i is the next draw of substream i % ns, in float64 and float32", () => {
  for (const ns of [1, 3, 15, 16, 40]) {
    const subs = refStreams(4242, [ns])[0];
    const n = 257;
    const st64 = Int32Array.from(subs.flat(), Number), st32 = st64.slice();
    const ref = refDraws(subs, ns, n);
    const o64 = new Float64Array(n), o32 = new Float32Array(n);
    fillUniform64(st64, o64, ns);
    fillUniform32(st32, o32, ns);
    assert.deepEqual(Array.from(o64), ref.map(toF64), `ns = ${ns}`);
    assert.deepEqual(Array.from(o32), ref.map(toF32), `ns = ${ns}`);
    assert.deepEqual(st64, st32);
  }
});

Deno.test("float32 and float64 mappings never give 0 or 1", () => {
  assert.ok(Math.fround(Math.fround(M1) * NORM32) < 1);
  assert.ok(Math.fround(1 * NORM32) > 0);
  assert.ok(M1 * 4.656612873077392578125e-10 < 1);
});

Deno.test("MRGRandomStreams(12345) reproduces L'Ecuyer's Java samples (12 streams × 7 substreams × 5)", () => {
  const srng = new MRGRandomStreams(12345);
  const got: number[] = [];
  for (let s = 0; s < 12; s++) {
    const f = T.function([], srng.uniform([7], { nstreams: 7 }));
    const calls = [0, 1, 2, 3, 4].map(() => Array.from(f().data));
    for (let j = 0; j < 7; j++) for (let k = 0; k < 5; k++) got.push(calls[k][j]);
  }
  assert.deepEqual(got, java.samples);
});

Deno.test("guessNStreams follows Theano's guess_n_streams", () => {
  assert.equal(guessNStreams([2, 2]), 4);
  assert.equal(guessNStreams([6]), 6);
  assert.equal(guessNStreams([7]), 1);
  assert.equal(guessNStreams([10, 20]), 33);
  assert.equal(guessNStreams([1000, 1000]), 15360);
  assert.equal(guessNStreams([null, 3]), 15360);
  assert.equal(guessNStreams(null), 15360);
});
