/**
 * NumPy's legacy `RandomState`: the MT19937 generator with its integer seeding
 * (`init_genrand`, as `RandomState(seed)` does for an integer) and the legacy draws
 * `random_sample` (53 bits from two words), `gauss` (polar method keeping the second
 * value), masked-rejection bounded integers and `random_interval`.
 *
 * The state travels through the graph as a float64 vector of 627 numbers: the 624 key
 * words, the position, has-gauss (0/1) and the cached gauss value.
 * @module
 */

/** Length of the MT19937 key. */
export const MT_N = 624;
/** Length of the float64 state vector: key, position, has-gauss, gauss. */
export const MT_STATE_LEN = MT_N + 3;

/**
 * A working MT19937 state (NumPy's `aug_bitgen_t` with an MT19937 inside).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "./mt19937.ts";
 * // np.random.RandomState(42).random_sample()
 * assert(MT19937.fromSeed(42).nextDouble() === 0.3745401188473625);
 * ```
 */
export class MT19937 {
  readonly key: Uint32Array;
  pos: number;
  hasGauss: boolean;
  gauss: number;

  constructor(key: Uint32Array, pos: number, hasGauss = false, gauss = 0) {
    this.key = key;
    this.pos = pos;
    this.hasGauss = hasGauss;
    this.gauss = gauss;
  }

  /** `RandomState(seed)` for an integer 0 <= seed < 2^32 (NumPy's `mt19937_seed`). */
  static fromSeed(seed: number): MT19937 {
    const key = new Uint32Array(MT_N);
    let s = seed >>> 0;
    for (let i = 0; i < MT_N; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    return new MT19937(key, MT_N);
  }

  /** `RandomState([k0, k1, ...])`: NumPy's `init_by_array` for an array of 32-bit words. */
  static fromArray(words: readonly number[]): MT19937 {
    const mt = MT19937.fromSeed(19650218).key;
    let i = 1, j = 0;
    for (let k = Math.max(MT_N, words.length); k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) + (words[j] >>> 0) + j) >>> 0;
      i++, j++;
      if (i >= MT_N) mt[0] = mt[MT_N - 1], i = 1;
      if (j >= words.length) j = 0;
    }
    for (let k = MT_N - 1; k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= MT_N) mt[0] = mt[MT_N - 1], i = 1;
    }
    mt[0] = 0x80000000;
    return new MT19937(mt, MT_N);
  }

  /** Read the float64 state vector (checked by `badMtState` first). */
  static fromVector(v: ArrayLike<number>): MT19937 {
    const key = new Uint32Array(MT_N);
    for (let i = 0; i < MT_N; i++) key[i] = v[i];
    return new MT19937(key, v[MT_N], v[MT_N + 1] === 1, v[MT_N + 2]);
  }

  /** The float64 state vector. */
  toVector(): Float64Array {
    const v = new Float64Array(MT_STATE_LEN);
    v.set(this.key);
    v[MT_N] = this.pos;
    v[MT_N + 1] = this.hasGauss ? 1 : 0;
    v[MT_N + 2] = this.gauss;
    return v;
  }

  /** A deep copy. */
  clone(): MT19937 {
    return new MT19937(this.key.slice(), this.pos, this.hasGauss, this.gauss);
  }

  private regenerate(): void {
    const mt = this.key;
    let i = 0, y: number;
    for (; i < MT_N - 397; i++) {
      y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + 397] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    for (; i < MT_N - 1; i++) {
      y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + 397 - MT_N] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    y = (mt[MT_N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[MT_N - 1] = mt[396] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    this.pos = 0;
  }

  /** The next 32-bit word. */
  nextUint32(): number {
    if (this.pos === MT_N) this.regenerate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Legacy `random_sample`: `((a >> 5) · 2^26 + (b >> 6)) / 2^53`, in [0, 1). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Legacy standard normal: the polar method, keeping the second value for the next call. */
  nextGauss(): number {
    if (this.hasGauss) {
      const g = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * Legacy bounded integer in [0, rng] by masked rejection (`randint`'s algorithm):
   * 32-bit draws when rng < 2^32, else 64-bit draws (high word first). rng < 2^53.
   */
  bounded(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.nextUint32();
      const mask = maskFor(rng);
      let v: number;
      while ((v = (this.nextUint32() & mask) >>> 0) > rng);
      return v;
    }
    const maskHi = maskFor(Math.floor(rng / 4294967296));
    let v: number;
    do {
      const hi = this.nextUint32() & maskHi, lo = this.nextUint32();
      v = (hi >>> 0) * 4294967296 + lo;
    } while (v > rng);
    return v;
  }

  /** Legacy `random_interval(max)`: a value in [0, max] by masked rejection (used by shuffle). */
  interval(max: number): number {
    return this.bounded(max);
  }
}

/** Smallest all-ones mask >= x, for 0 < x < 2^32. */
function maskFor(x: number): number {
  let m = x >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/** Why a float64 state vector is not a valid MT19937 state, or undefined when it is. */
export function badMtState(v: ArrayLike<number>): string | undefined {
  if (v.length !== MT_STATE_LEN) return `it has ${v.length} numbers, not ${MT_STATE_LEN}`;
  let nonzero = false;
  for (let i = 0; i < MT_N; i++) {
    const w = v[i];
    if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) return `key word ${i} is ${w}, not a 32-bit word`;
    if (w !== 0) nonzero = true;
  }
  if (!nonzero) return "the key is all zeros";
  const pos = v[MT_N];
  if (!Number.isInteger(pos) || pos < 0 || pos > MT_N) return `the position ${pos} is not in [0, ${MT_N}]`;
  if (v[MT_N + 1] !== 0 && v[MT_N + 1] !== 1) return `the has-gauss flag ${v[MT_N + 1]} is not 0 or 1`;
  if (!Number.isFinite(v[MT_N + 2])) return `the cached gauss value ${v[MT_N + 2]} is not finite`;
  return undefined;
}
