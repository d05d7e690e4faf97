/**
 * L'Ecuyer's MRG31k3p (L'Ecuyer & Touzin 2000) as Theano's `rng_mrg.py` uses it: the
 * recurrence, the 2^72 / 2^134 jump matrices, substream states and the fill kernels.
 *
 * State of one stream: `[x1(n), x1(n-1), x1(n-2), x2(n), x2(n-1), x2(n-2)]` (int32).
 *
 * - component 1: x1(n+1) = (2^22 x1(n-1) + (2^7 + 1) x1(n-2)) mod m1, m1 = 2^31 - 1
 * - component 2: x2(n+1) = (2^15 x2(n) + (2^15 + 1) x2(n-2)) mod m2, m2 = 2^31 - 21069
 * - output: z = x1 - x2 if x1 > x2 else x1 - x2 + m1, so 1 <= z <= m1; float64
 *   `z * 2^-31`, float32 `fround(fround(z) * fround(4.6566126e-10))` (never 0 or 1).
 *
 * ## Arithmetic that never loses a bit (and ports to WGSL u32)
 * The multipliers are powers of two, so the step needs no general product: with
 * `x = hi·2^9 + lo`, `2^22·x ≡ lo·2^22 + hi (mod 2^31 - 1)` (a mask, a shift and an OR),
 * and with `x = hi·2^16 + lo`, `2^15·x ≡ lo·2^15 + 21069·hi (mod m2)` because
 * `2^31 ≡ 21069`. Sums are folded with `s ≡ (s & (2^31-1)) + c·(s >>> 31)` (c = 1 for
 * m1, 21069 for m2). Every intermediate value of `mrgNext`/the fill loops is below
 * 2^32, so the WGSL kernel uses the same expressions on u32 (a test replays the step
 * with 32-bit wrapping arithmetic and compares it with BigInt). The only general
 * products are the jump matrices' (31-bit × 31-bit), applied on the CPU when a random
 * variable is built: `matVecMod` splits each state word into 16-bit halves so that
 * every partial sum stays below 2^50 (exact in a double), and `modExact` reduces without
 * fmod. A u32-only GPU port of a jump would split both factors into 16-bit halves and
 * carry the 64-bit product as a (hi, lo) u32 pair; no kernel needs it today.
 * Porting note for the float32 output: `fround(z)` must round to nearest even; WGSL
 * leaves the rounding of a u32 → f32 conversion to the implementation, so the kernel
 * should round z (31 bits) to 24 significant bits with integer operations first, after
 * which the conversion and the product by NORM32 are exact-then-rounded as on the CPU.
 * @module
 */

/** Modulus of component 1: 2^31 - 1. */
export const M1 = 2147483647;
/** Modulus of component 2: 2^31 - 21069. */
export const M2 = 2147462579;
/** float64 normalisation: 2^-31. */
export const NORM64 = 4.656612873077392578125e-10;
/** float32 normalisation: float32(4.6566126e-10), Theano's `1/(2^31 + 65)`. */
export const NORM32 = Math.fround(4.6566126e-10);
/** Theano's default number of substreams when the size is not a literal (60·256). */
export const MAX_STREAMS = 15360;

/**
 * Advance the stream whose state starts at `st[o]` by one step, in place, and return
 * z in [1, m1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mrgNext, M1 } from "./mrg_core.ts";
 * const st = Int32Array.of(12345, 12345, 12345, 12345, 12345, 12345);
 * const z = mrgNext(st, 0);
 * assert(z >= 1 && z <= M1 && st[1] === 12345);
 * ```
 */
export function mrgNext(st: Int32Array, o: number): number {
  const x11 = st[o], x12 = st[o + 1], x13 = st[o + 2], x21 = st[o + 3], x22 = st[o + 4], x23 = st[o + 5];
  let s = (((x12 & 511) << 22) | (x12 >>> 9)) + (((x13 & 16777215) << 7) | (x13 >>> 24));
  s = (s & M1) + (s >>> 31) + x13;
  let y1 = (s & M1) + (s >>> 31);
  if (y1 === M1) y1 = 0;
  s = ((x21 & 65535) << 15) + ((x23 & 65535) << 15);
  s = (s & M1) + 21069 * ((s >>> 31) + (x21 >>> 16) + (x23 >>> 16));
  s = (s & M1) + 21069 * (s >>> 31) + x23;
  let y2 = (s & M1) + 21069 * (s >>> 31);
  if (y2 >= M2) y2 -= M2;
  st[o] = y1, st[o + 1] = x11, st[o + 2] = x12, st[o + 3] = y2, st[o + 4] = x21, st[o + 5] = x22;
  const d = y1 - y2;
  return d <= 0 ? d + M1 : d;
}

/**
 * Fill `out` with uniforms: element i is the next draw of substream `i % ns`. `st`
 * (ns × 6) is advanced in place. Each substream runs in registers over its strided
 * elements (measured as fast as a single-stream loop, and faster than a pass in output
 * order that loads and stores the state of every element).
 *
 * `from`, `to` and `row` restrict the fill to substreams [from, to) and to the elements
 * of rows `row`, `row + 1`, ... (element `r·ns + k` is row r of substream k): the SIMD
 * engine (backends/wasm/mrg.ts) draws the other elements and leaves these to this loop.
 */
export function fillUniform64(
  st: Int32Array,
  out: Float64Array,
  ns: number,
  from = 0,
  to = ns,
  row = 0,
): void {
  const n = out.length;
  for (let k = from; k < to && k < n; k++) {
    const o = 6 * k;
    let x11 = st[o], x12 = st[o + 1], x13 = st[o + 2], x21 = st[o + 3], x22 = st[o + 4], x23 = st[o + 5];
    for (let i = k + row * ns; i < n; i += ns) {
      let s = (((x12 & 511) << 22) | (x12 >>> 9)) + (((x13 & 16777215) << 7) | (x13 >>> 24));
      s = (s & M1) + (s >>> 31) + x13;
      let y1 = (s & M1) + (s >>> 31);
      if (y1 === M1) y1 = 0;
      s = ((x21 & 65535) << 15) + ((x23 & 65535) << 15);
      s = (s & M1) + 21069 * ((s >>> 31) + (x21 >>> 16) + (x23 >>> 16));
      s = (s & M1) + 21069 * (s >>> 31) + x23;
      let y2 = (s & M1) + 21069 * (s >>> 31);
      if (y2 >= M2) y2 -= M2;
      x13 = x12, x12 = x11, x11 = y1, x23 = x22, x22 = x21, x21 = y2;
      const d = y1 - y2;
      out[i] = (d <= 0 ? d + M1 : d) * NORM64;
    }
    st[o] = x11, st[o + 1] = x12, st[o + 2] = x13, st[o + 3] = x21, st[o + 4] = x22, st[o + 5] = x23;
  }
}

/** float32 twin of `fillUniform64`: `fround(fround(z) * NORM32)`. */
export function fillUniform32(
  st: Int32Array,
  out: Float32Array,
  ns: number,
  from = 0,
  to = ns,
  row = 0,
): void {
  const n = out.length;
  for (let k = from; k < to && k < n; k++) {
    const o = 6 * k;
    let x11 = st[o], x12 = st[o + 1], x13 = st[o + 2], x21 = st[o + 3], x22 = st[o + 4], x23 = st[o + 5];
    for (let i = k + row * ns; i < n; i += ns) {
      let s = (((x12 & 511) << 22) | (x12 >>> 9)) + (((x13 & 16777215) << 7) | (x13 >>> 24));
      s = (s & M1) + (s >>> 31) + x13;
      let y1 = (s & M1) + (s >>> 31);
      if (y1 === M1) y1 = 0;
      s = ((x21 & 65535) << 15) + ((x23 & 65535) << 15);
      s = (s & M1) + 21069 * ((s >>> 31) + (x21 >>> 16) + (x23 >>> 16));
      s = (s & M1) + 21069 * (s >>> 31) + x23;
      let y2 = (s & M1) + 21069 * (s >>> 31);
      if (y2 >= M2) y2 -= M2;
      x13 = x12, x12 = x11, x11 = y1, x23 = x22, x22 = x21, x21 = y2;
      const d = y1 - y2;
      // The product of two float32 values is exact in a double; the store rounds once.
      out[i] = Math.fround(d <= 0 ? d + M1 : d) * NORM32;
    }
    st[o] = x11, st[o + 1] = x12, st[o + 2] = x13, st[o + 3] = x21, st[o + 4] = x22, st[o + 5] = x23;
  }
}

/** Uniforms of a float dtype into a fresh array (float32 or float64). */
export function drawUniform(
  st: Int32Array,
  n: number,
  ns: number,
  f32: boolean,
): Float64Array | Float32Array {
  if (f32) {
    const out = new Float32Array(n);
    fillUniform32(st, out, ns);
    return out;
  }
  const out = new Float64Array(n);
  fillUniform64(st, out, ns);
  return out;
}

// ---------------------------------------------------------------------------------
// Jump matrices, derived (not copied) by exact BigInt exponentiation.

/** One-step transition matrices (row-major 3×3) of the two components. */
export const A1: readonly bigint[] = [0n, 4194304n, 129n, 1n, 0n, 0n, 0n, 1n, 0n];
export const A2: readonly bigint[] = [32768n, 0n, 32769n, 1n, 0n, 0n, 0n, 1n, 0n];

/** Product of two 3×3 matrices modulo m, in BigInt. */
export function matMulModBig(a: readonly bigint[], b: readonly bigint[], m: bigint): bigint[] {
  const r: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      r.push((a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j]) % m);
    }
  }
  return r;
}

/** A^(2^e) mod m by e squarings. */
export function matPow2Big(a: readonly bigint[], e: number, m: bigint): bigint[] {
  let r = [...a];
  for (let k = 0; k < e; k++) r = matMulModBig(r, r, m);
  return r;
}

/** The jump matrices as numbers (each entry < 2^31). */
export interface JumpMatrices {
  a1p72: Float64Array;
  a2p72: Float64Array;
  a1p134: Float64Array;
  a2p134: Float64Array;
}

let jumps: JumpMatrices | undefined;

/** A1^(2^72), A2^(2^72) (substreams) and A1^(2^134), A2^(2^134) (streams), computed once. */
export function jumpMatrices(): JumpMatrices {
  if (!jumps) {
    const m1 = BigInt(M1), m2 = BigInt(M2);
    const a1p72 = matPow2Big(A1, 72, m1), a2p72 = matPow2Big(A2, 72, m2);
    const f = (m: bigint[]) => Float64Array.from(m, Number);
    jumps = {
      a1p72: f(a1p72),
      a2p72: f(a2p72),
      a1p134: f(matPow2Big(a1p72, 62, m1)),
      a2p134: f(matPow2Big(a2p72, 62, m2)),
    };
  }
  return jumps;
}

/**
 * `x mod m` for an integer 0 <= x < 2^52 without fmod (a slow runtime call in V8): the
 * quotient from a float division is off by at most one, and `q·m` is exact.
 */
export function modExact(x: number, m: number): number {
  const r = x - Math.floor(x / m) * m;
  return r < 0 ? r + m : r >= m ? r - m : r;
}

/**
 * `out[o..o+2] = A · v[i..i+2] mod m` with exact arithmetic: each v word is split into
 * 16-bit halves, so partial sums stay below 3·2^47 and the recombination below 2^50.
 */
export function matVecMod(
  a: Float64Array,
  v: ArrayLike<number>,
  i: number,
  m: number,
  out: Int32Array,
  o: number,
) {
  const h0 = Math.floor(v[i] / 65536), l0 = v[i] - h0 * 65536;
  const h1 = Math.floor(v[i + 1] / 65536), l1 = v[i + 1] - h1 * 65536;
  const h2 = Math.floor(v[i + 2] / 65536), l2 = v[i + 2] - h2 * 65536;
  for (let r = 0; r < 3; r++) {
    const a0 = a[3 * r], a1 = a[3 * r + 1], a2 = a[3 * r + 2];
    const hi = modExact(a0 * h0 + a1 * h1 + a2 * h2, m);
    out[o + r] = modExact(hi * 65536 + (a0 * l0 + a1 * l1 + a2 * l2), m);
  }
}

/** Jump a 6-word state by a pair of matrices: `[A·x1 mod m1, B·x2 mod m2]`. */
export function jumpState(
  state: ArrayLike<number>,
  a: Float64Array,
  b: Float64Array,
  out: Int32Array = new Int32Array(6),
  o = 0,
  i = 0,
): Int32Array {
  matVecMod(a, state, i, M1, out, o);
  matVecMod(b, state, i + 3, M2, out, o + 3);
  return out;
}

/**
 * `ns` substream states 2^72 steps apart starting at `base`, as an (ns × 6) int32 array:
 * Theano's `get_substream_rstates`, with exact jumps instead of stepping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { substreamStates } from "./mrg_core.ts";
 * const s = substreamStates([1, 1, 1, 1, 1, 1], 15360);
 * assert(s.length === 15360 * 6 && s[6] !== 1);
 * ```
 */
export function substreamStates(base: ArrayLike<number>, ns: number): Int32Array {
  const { a1p72, a2p72 } = jumpMatrices();
  const out = new Int32Array(6 * ns);
  for (let k = 0; k < 6; k++) out[k] = base[k];
  for (let s = 1; s < ns; s++) jumpState(out, a1p72, a2p72, out, 6 * s, 6 * (s - 1));
  return out;
}

/** The next stream's base state: 2^134 steps ahead (Theano's `inc_rstate`). */
export function nextStreamBase(base: ArrayLike<number>): Int32Array {
  const { a1p134, a2p134 } = jumpMatrices();
  return jumpState(base, a1p134, a2p134);
}

/**
 * Why a 6-word state is not valid (each word an integer below its modulus, neither
 * half all zero), or undefined when it is.
 */
export function badMrgState(s: ArrayLike<number>, i = 0): string | undefined {
  for (let k = 0; k < 6; k++) {
    const v = s[i + k], m = k < 3 ? M1 : M2;
    if (!Number.isInteger(v) || v < 0 || v >= m) {
      return `word ${k} is ${v}; the ${k < 3 ? "first" : "last"} three must be integers in [0, ${m})`;
    }
  }
  if (s[i] === 0 && s[i + 1] === 0 && s[i + 2] === 0) return "the first three words are all 0";
  if (s[i + 3] === 0 && s[i + 4] === 0 && s[i + 5] === 0) return "the last three words are all 0";
  return undefined;
}

/**
 * Theano's `guess_n_streams`: for a literal size, the number of elements, divided by 6
 * (integer division) when over 6, at most 15360; 15360 for a symbolic size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessNStreams } from "./mrg_core.ts";
 * assert(guessNStreams([10, 20]) === 33 && guessNStreams([null]) === 15360);
 * ```
 */
export function guessNStreams(size: readonly (number | null)[] | null): number {
  if (size === null || size.some((d) => d === null)) return MAX_STREAMS;
  let r = 1;
  for (const d of size as number[]) r *= d;
  if (r > 6) r = Math.floor(r / 6);
  return Math.min(r, MAX_STREAMS);
}
