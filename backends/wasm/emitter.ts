/**
 * A small WebAssembly binary emitter: enough of the module format (types, one imported
 * memory, imported and defined functions, exports) and of the instruction set (MVP
 * numeric and memory instructions, structured control, 128-bit SIMD and the relaxed
 * SIMD fused multiply-add) to generate the engine's kernels at run time.
 *
 * Why our own emitter rather than Binaryen or WABT: the kernels are generated at run
 * time from the graph (fused elementwise groups, micro-kernels specialised to a
 * register block), so the generator must ship with the library, and the library must
 * load from a URL with no import map and no npm dependency. Binaryen's JS build is
 * several megabytes; the subset needed here is a few hundred lines, is tested
 * instruction by instruction (emitter_test.ts), and produces modules that
 * `WebAssembly.validate` checks before they are compiled.
 * @module
 */

/** Value types. */
export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
/** A value type byte. */
export type ValType = number;
/** The empty block type. */
export const VOID = 0x40;

/**
 * Unsigned LEB128 of a non-negative integer below 2^53.
 *
 * @example
 * ```ts
 * import { uleb } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
 * ```
 */
export function uleb(n: number, out: number[] = []): number[] {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/**
 * Signed LEB128 of an integer (a bigint for 64-bit constants beyond 2^53).
 *
 * @example
 * ```ts
 * import { sleb } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
 * ```
 */
export function sleb(v: number | bigint, out: number[] = []): number[] {
  let n = BigInt(v);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Plain (single-byte or 0xFC-prefixed) instructions without immediates. */
const PLAIN: Record<string, number[]> = {};
const plain = (names: string, first: number) =>
  names.split(" ").forEach((n, i) => {
    if (n !== "_") PLAIN[n] = [first + i];
  });
plain("unreachable nop", 0x00);
plain("return", 0x0f);
plain("drop select", 0x1a);
plain(
  "i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u " +
    "i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u " +
    "f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge " +
    "i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u " +
    "i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr " +
    "i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u " +
    "i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr " +
    "f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div " +
    "f32.min f32.max f32.copysign " +
    "f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div " +
    "f64.min f64.max f64.copysign " +
    "i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s " +
    "i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u " +
    "f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64 " +
    "f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32 " +
    "i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64",
  0x45,
);

/** SIMD instructions without immediates: name -> opcode after the 0xFD prefix. */
const SIMD: Record<string, number> = {};
const simd = (names: string, first: number) =>
  names.split(" ").forEach((n, i) => {
    if (n !== "_") SIMD[n] = first + i;
  });
simd("i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat", 0x0e);
simd(
  "i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s " +
    "i32x4.ge_u f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt " +
    "f64x2.gt f64x2.le f64x2.ge v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect " +
    "v128.any_true",
  0x37,
);
simd("f32x4.demote_f64x2_zero f64x2.promote_low_f32x4", 0x5e);
simd("f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest", 0x67);
simd("f64x2.ceil f64x2.floor", 0x74);
SIMD["f64x2.trunc"] = 0x7a;
SIMD["f64x2.nearest"] = 0x94;
simd("i32x4.abs i32x4.neg _ i32x4.all_true i32x4.bitmask", 0xa0);
simd("i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add _ _ i32x4.sub _ _ _ i32x4.mul", 0xab);
simd("i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u", 0xb6);
simd("i64x2.abs i64x2.neg _ i64x2.all_true i64x2.bitmask", 0xc0);
simd("i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u", 0xc7);
simd("i64x2.extend_high_i32x4_u i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add _ _ i64x2.sub", 0xca);
simd("i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s", 0xd5);
simd(
  "f32x4.abs f32x4.neg _ f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max " +
    "f32x4.pmin f32x4.pmax f64x2.abs f64x2.neg _ f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div " +
    "f64x2.min f64x2.max f64x2.pmin f64x2.pmax i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u " +
    "f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero " +
    "i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u",
  0xe0,
);
/** Relaxed SIMD (a separate feature, detected on its own). */
simd("f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd", 0x105);

/** Memory instructions: name -> [prefix?, opcode, natural alignment log2]. */
const MEM: Record<string, [number[], number]> = {
  "i32.load": [[0x28], 2],
  "i64.load": [[0x29], 3],
  "f32.load": [[0x2a], 2],
  "f64.load": [[0x2b], 3],
  "i32.load8_u": [[0x2d], 0],
  "i32.store": [[0x36], 2],
  "i64.store": [[0x37], 3],
  "f32.store": [[0x38], 2],
  "f64.store": [[0x39], 3],
  "i32.store8": [[0x3a], 0],
  "v128.load": [[0xfd, 0x00], 4],
  "v128.load32_splat": [[0xfd, 0x09], 2],
  "v128.load64_splat": [[0xfd, 0x0a], 3],
  "v128.store": [[0xfd, 0x0b], 4],
  "v128.load32_zero": [[0xfd, 0x5c], 2],
  "v128.load64_zero": [[0xfd, 0x5d], 3],
};

/** Lane instructions: name -> opcode after 0xFD. */
const LANE: Record<string, number> = {
  "i32x4.extract_lane": 0x1b,
  "i32x4.replace_lane": 0x1c,
  "i64x2.extract_lane": 0x1d,
  "i64x2.replace_lane": 0x1e,
  "f32x4.extract_lane": 0x1f,
  "f32x4.replace_lane": 0x20,
  "f64x2.extract_lane": 0x21,
  "f64x2.replace_lane": 0x22,
};

/** Every instruction name the emitter knows, for tests and error messages. */
export const INSTRUCTIONS: readonly string[] = [
  ...Object.keys(PLAIN),
  ...Object.keys(SIMD),
  ...Object.keys(MEM),
  ...Object.keys(LANE),
];

/**
 * The body of one function under construction.
 *
 * @example
 * ```ts
 * import { Code, F64 } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const c = new Code([F64]);
 * c.get(0).get(0).op("f64.mul");
 * assert.deepEqual(c.bytes, [0x20, 0, 0x20, 0, 0xa2]);
 * ```
 */
export class Code {
  readonly bytes: number[] = [];
  readonly #params: readonly ValType[];
  readonly #locals: ValType[] = [];
  #depth = 0;

  constructor(params: readonly ValType[]) {
    this.#params = params;
  }

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.#locals.push(t);
    return this.#params.length + this.#locals.length - 1;
  }

  /** Emit named instructions (no immediates), e.g. `op("f32x4.add")`. */
  op(...names: string[]): this {
    for (const name of names) {
      const p = PLAIN[name];
      if (p) this.bytes.push(...p);
      else if (name in SIMD) this.bytes.push(0xfd, ...uleb(SIMD[name]));
      else throw new Error(`emitter: unknown instruction ${name}`);
    }
    return this;
  }

  /** A load or store with a constant byte offset (alignment defaults to natural). */
  mem(name: string, offset = 0, alignLog2?: number): this {
    const m = MEM[name];
    if (!m) throw new Error(`emitter: unknown memory instruction ${name}`);
    this.bytes.push(...m[0], ...uleb(alignLog2 ?? m[1]), ...uleb(offset));
    return this;
  }

  /** A lane extract or replace. */
  lane(name: string, lane: number): this {
    if (!(name in LANE)) throw new Error(`emitter: unknown lane instruction ${name}`);
    this.bytes.push(0xfd, ...uleb(LANE[name]), lane);
    return this;
  }

  get(i: number): this {
    this.bytes.push(0x20, ...uleb(i));
    return this;
  }
  set(i: number): this {
    this.bytes.push(0x21, ...uleb(i));
    return this;
  }
  tee(i: number): this {
    this.bytes.push(0x22, ...uleb(i));
    return this;
  }
  i32(v: number): this {
    this.bytes.push(0x41, ...sleb(v | 0));
    return this;
  }
  i64(v: number | bigint): this {
    this.bytes.push(0x42, ...sleb(v));
    return this;
  }
  f32(v: number): this {
    this.bytes.push(0x43, ...new Uint8Array(new Float32Array([v]).buffer));
    return this;
  }
  f64(v: number): this {
    this.bytes.push(0x44, ...new Uint8Array(new Float64Array([v]).buffer));
    return this;
  }
  /** A v128 constant from 16 bytes. */
  v128(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new Error("emitter: v128.const needs 16 bytes");
    this.bytes.push(0xfd, 0x0c, ...Array.from(bytes));
    return this;
  }
  /** f32x4 splat of a constant (one v128.const). */
  f32x4(v: number): this {
    return this.v128(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
  }
  /** f64x2 splat of a constant. */
  f64x2(v: number): this {
    return this.v128(new Uint8Array(new Float64Array([v, v]).buffer));
  }
  /** i32x4 splat of a constant. */
  i32x4(v: number): this {
    return this.v128(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
  }
  /** i64x2 splat of a constant. */
  i64x2(v: bigint): this {
    return this.v128(new Uint8Array(new BigInt64Array([v, v]).buffer));
  }
  /** i8x16.shuffle of the two v128 on the stack: 16 byte indices into their concatenation. */
  shuffle(lanes: readonly number[]): this {
    this.bytes.push(0xfd, 0x0d, ...lanes);
    return this;
  }

  /** `block ... end`; `br(0)` inside leaves it. */
  block(body: () => void, type = VOID): this {
    return this.#structured(0x02, type, body);
  }
  /** `loop ... end`; `br(0)` inside jumps back to the top. */
  loop(body: () => void, type = VOID): this {
    return this.#structured(0x03, type, body);
  }
  /** `if ... (else ...) end` on the i32 on the stack. */
  if(then: () => void, otherwise?: () => void, type = VOID): this {
    this.bytes.push(0x04, type);
    this.#depth++;
    then();
    if (otherwise) {
      this.bytes.push(0x05);
      otherwise();
    }
    this.#depth--;
    this.bytes.push(0x0b);
    return this;
  }
  br(depth: number): this {
    this.bytes.push(0x0c, ...uleb(depth));
    return this;
  }
  brIf(depth: number): this {
    this.bytes.push(0x0d, ...uleb(depth));
    return this;
  }
  call(fn: number): this {
    this.bytes.push(0x10, ...uleb(fn));
    return this;
  }

  #structured(opcode: number, type: number, body: () => void): this {
    this.bytes.push(opcode, type);
    this.#depth++;
    body();
    this.#depth--;
    this.bytes.push(0x0b);
    return this;
  }

  /** The encoded body: local declarations (run-length), code, end. */
  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = uleb(groups.length);
    for (const [n, t] of groups) body.push(...uleb(n), t);
    // Array literals, not push(...): a large kernel's bytes passed as arguments overflow
    // Node's stack (erfinv's vector rule is over 100,000 bytes).
    const all = [...body, ...this.bytes, 0x0b];
    return [...uleb(all.length), ...all];
  }
}

/** Memory limits of the imported memory. */
export interface MemoryImport {
  module: string;
  name: string;
  initial: number;
  maximum?: number;
  shared?: boolean;
}

const encodeName = (s: string) => {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
};
const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/**
 * A module under construction.
 *
 * @example
 * ```ts
 * import { F64, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([F64, F64], [F64], (c) => c.get(0).get(1).op("f64.add"), "add");
 * const add = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.add as (a: number, b: number) => number;
 * assert.equal(add(1.5, 2), 3.5);
 * ```
 */
export class ModuleBuilder {
  #types: string[] = [];
  #memory?: MemoryImport;
  #funcImports: { module: string; name: string; type: number }[] = [];
  #funcs: { type: number; code: Code }[] = [];
  #exports: { name: string; index: number }[] = [];

  #type(params: readonly ValType[], results: readonly ValType[]): number {
    const key = [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results].join(",");
    let i = this.#types.indexOf(key);
    if (i < 0) i = this.#types.push(key) - 1;
    return i;
  }

  /** Import the (only) linear memory. */
  importMemory(m: MemoryImport): this {
    this.#memory = m;
    return this;
  }

  /** Import a function; returns its index. Imports must all come before `func`. */
  importFunc(module: string, name: string, params: ValType[], results: ValType[]): number {
    if (this.#funcs.length) throw new Error("emitter: import functions before defining any");
    this.#funcImports.push({ module, name, type: this.#type(params, results) });
    return this.#funcImports.length - 1;
  }

  /** Define a function; `body` fills its code. Returns the function index. */
  func(params: ValType[], results: ValType[], body: (c: Code) => void, exportName?: string): number {
    const code = new Code(params);
    body(code);
    const index = this.#funcImports.length + this.#funcs.length;
    this.#funcs.push({ type: this.#type(params, results), code });
    if (exportName) this.#exports.push({ name: exportName, index });
    return index;
  }

  /** The module's bytes. */
  build(): Uint8Array<ArrayBuffer> {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    out.push(...section(1, vec(this.#types.map((t) => t.split(",").map(Number)))));
    const imports: number[][] = [];
    if (this.#memory) {
      const m = this.#memory;
      const flags = (m.maximum !== undefined ? 1 : 0) | (m.shared ? 2 : 0);
      const limits = [flags, ...uleb(m.initial), ...(m.maximum !== undefined ? uleb(m.maximum) : [])];
      imports.push([...encodeName(m.module), ...encodeName(m.name), 0x02, ...limits]);
    }
    for (const f of this.#funcImports) {
      imports.push([...encodeName(f.module), ...encodeName(f.name), 0x00, ...uleb(f.type)]);
    }
    if (imports.length) out.push(...section(2, vec(imports)));
    out.push(...section(3, vec(this.#funcs.map((f) => uleb(f.type)))));
    out.push(...section(7, vec(this.#exports.map((e) => [...encodeName(e.name), 0x00, ...uleb(e.index)]))));
    for (const b of section(10, vec(this.#funcs.map((f) => f.code.encode())))) out.push(b);
    return new Uint8Array(out);
  }
}
