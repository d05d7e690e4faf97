/**
 * Test reference for MRG31k3p, written from L'Ecuyer's definition with BigInt and
 * nothing from the implementation: the recurrence, jumps by square-and-multiply matrix
 * powers, and Theano's seeding (stream bases 2^134 apart, substreams 2^72 apart).
 * @module
 */

export const m1 = 2147483647n;
export const m2 = 2147462579n;

/** Transition matrices of the two components, row-major 3×3. */
export const A1 = [0n, 1n << 22n, (1n << 7n) + 1n, 1n, 0n, 0n, 0n, 1n, 0n];
export const A2 = [1n << 15n, 0n, (1n << 15n) + 1n, 1n, 0n, 0n, 0n, 1n, 0n];

/** One step of a 6-word state (in place); returns z in [1, m1]. */
export function refStep(s: bigint[]): bigint {
  const x = ((1n << 22n) * s[1] + ((1n << 7n) + 1n) * s[2]) % m1;
  const y = ((1n << 15n) * s[3] + ((1n << 15n) + 1n) * s[5]) % m2;
  s.splice(0, 6, x, s[0], s[1], y, s[3], s[4]);
  return x > y ? x - y : x - y + m1;
}

/** 3×3 product modulo m. */
export function mul(a: bigint[], b: bigint[], m: bigint): bigint[] {
  const r: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let acc = 0n;
      for (let k = 0; k < 3; k++) acc += a[3 * i + k] * b[3 * k + j];
      r.push(acc % m);
    }
  }
  return r;
}

/** A^e modulo m by square-and-multiply. */
export function pow(a: bigint[], e: bigint, m: bigint): bigint[] {
  let r = [1n, 0n, 0n, 0n, 1n, 0n, 0n, 0n, 1n], b = [...a];
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = mul(r, b, m);
    b = mul(b, b, m);
  }
  return r;
}

/** M·v modulo m for a 3-vector. */
export function apply(a: bigint[], v: bigint[], m: bigint): bigint[] {
  return [0, 1, 2].map((i) => (a[3 * i] * v[0] + a[3 * i + 1] * v[1] + a[3 * i + 2] * v[2]) % m);
}

const J72 = [pow(A1, 1n << 72n, m1), pow(A2, 1n << 72n, m2)];
const J134 = [pow(A1, 1n << 134n, m1), pow(A2, 1n << 134n, m2)];

/** Jump a state by the given matrix pair. */
export function jump(s: bigint[], j: bigint[][]): bigint[] {
  return [...apply(j[0], s.slice(0, 3), m1), ...apply(j[1], s.slice(3), m2)];
}

/**
 * Theano's streams for a seed: `variables(nsList)` gives, for each variable in order,
 * its first `use` substream states (the rest are never needed by a test).
 */
export function refStreams(seed: number | number[], uses: number[]): bigint[][][] {
  let base = (typeof seed === "number" ? new Array(6).fill(seed) : seed).map(BigInt);
  return uses.map((use) => {
    const subs: bigint[][] = [];
    let s = base;
    for (let k = 0; k < use; k++) {
      subs.push([...s]);
      s = jump(s, J72);
    }
    base = jump(base, J134);
    return subs;
  });
}

/**
 * One call's flat draws of a variable with `ns` substreams (only the first
 * `subs.length` built), n elements; advances `subs` in place like the state update.
 */
export function refDraws(subs: bigint[][], ns: number, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(refStep(subs[i % ns]));
  return out;
}

/** Theano's float64 and float32 mappings of z. */
export const toF64 = (z: bigint) => Number(z) * 4.656612873077392578125e-10;
export const toF32 = (z: bigint) => Math.fround(Math.fround(Number(z)) * Math.fround(4.6566126e-10));
