/**
 * Small structured helpers over the emitter for the kernel generators: counted loops
 * and lane-type tables, so generator code reads like the loops it emits.
 * @module
 */
import { type Code, I32 } from "./emitter.ts";

/** The two float lane types of the engine. */
export type Lane = "f32" | "f64";

/** Names and sizes of a float lane type's scalar and vector instructions. */
export interface LaneInfo {
  /** Bytes per element. */
  size: number;
  /** log2 of size. */
  shift: number;
  /** Elements per v128. */
  lanes: number;
  /** Scalar type prefix ("f32") and vector prefix ("f32x4"). */
  s: string;
  v: string;
  /** Integer vector prefix of the same width ("i32x4" / "i64x2"). */
  iv: string;
  /** The splatting load. */
  splatLoad: string;
}

/** The lane tables. */
export const LANES: Record<Lane, LaneInfo> = {
  f32: { size: 4, shift: 2, lanes: 4, s: "f32", v: "f32x4", iv: "i32x4", splatLoad: "v128.load32_splat" },
  f64: { size: 8, shift: 3, lanes: 2, s: "f64", v: "f64x2", iv: "i64x2", splatLoad: "v128.load64_splat" },
};

/**
 * `for (i = from; i < to; i += step) body` over i32 locals; `from` and `to` push one
 * i32 each. Inside `body`, `br(1)` would leave the loop (`brk` depth is 1 + nesting).
 *
 * @example
 * ```ts
 * import { forRange } from "./asm.ts";
 * import { I32, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([I32], [I32], (c) => {
 *   const i = c.local(I32), s = c.local(I32);
 *   forRange(c, i, () => c.i32(0), () => c.get(0), 1, () => c.get(s).get(i).op("i32.add").set(s));
 *   c.get(s);
 * }, "sum");
 * const sum = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.sum as (n: number) => number;
 * assert.equal(sum(10), 45);
 * ```
 */
export function forRange(
  c: Code,
  i: number,
  from: () => void,
  to: () => void,
  step: number,
  body: () => void,
): void {
  from();
  c.set(i);
  c.block(() => {
    c.loop(() => {
      c.get(i);
      to();
      c.op("i32.ge_s").brIf(1);
      body();
      c.get(i).i32(step).op("i32.add").set(i);
      c.br(0);
    });
  });
}

/**
 * `while (n-- > 0) body` counting an i32 local down (n is consumed).
 *
 * @example
 * ```ts
 * import { repeat } from "./asm.ts";
 * import { I32, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([I32], [I32], (c) => {
 *   const s = c.local(I32);
 *   repeat(c, 0, () => c.get(s).i32(3).op("i32.add").set(s));
 *   c.get(s);
 * }, "f");
 * const f = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (n: number) => number;
 * assert.equal(f(4), 12);
 * ```
 */
export function repeat(c: Code, n: number, body: () => void): void {
  c.block(() => {
    c.loop(() => {
      c.get(n).i32(1).op("i32.lt_s").brIf(1);
      body();
      c.get(n).i32(1).op("i32.sub").set(n);
      c.br(0);
    });
  });
}

/**
 * Push min(a, b) of two i32 locals/expressions.
 *
 * @example
 * ```ts
 * import { minI32 } from "./asm.ts";
 * import { I32, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([I32, I32], [I32], (c) => minI32(c, () => c.get(0), () => c.get(1)), "min");
 * const min = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.min as (a: number, b: number) => number;
 * assert.equal(min(7, -2), -2);
 * ```
 */
export function minI32(c: Code, a: () => void, b: () => void): void {
  const ta = c.local(I32), tb = c.local(I32);
  a();
  c.set(ta);
  b();
  c.set(tb);
  c.get(ta).get(tb).get(ta).get(tb).op("i32.lt_s", "select");
}

/**
 * `dst += src` for an i32 local and a constant or a local (when `isLocal`).
 *
 * @example
 * ```ts
 * import { addTo } from "./asm.ts";
 * import { I32, ModuleBuilder } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([I32], [I32], (c) => {
 *   addTo(c, 0, 5);
 *   c.get(0);
 * }, "f");
 * const f = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (n: number) => number;
 * assert.equal(f(1), 6);
 * ```
 */
export function addTo(c: Code, dst: number, v: number, isLocal = false): void {
  c.get(dst);
  if (isLocal) c.get(v);
  else c.i32(v);
  c.op("i32.add").set(dst);
}
