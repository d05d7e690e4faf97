/**
 * A pool of typed arrays keyed by storage type and length: intermediates of one call
 * go back here when their last reader has run, and the next call (or a later step)
 * takes them instead of allocating (a typed array costs a trip into the runtime and a
 * zeroed allocation; a pooled one costs two map lookups).
 *
 * With `engine` set (the program sets it for nodes whose results stay inside the
 * call), float buffers from `ENGINE_MIN_LENGTH` elements up to `ENGINE_MAX_BYTES`
 * come from the WebAssembly engine's memory where it can keep them
 * (engine_array.ts), so its kernels read and write them in place instead of copying
 * them in and out. Such buffers are pooled apart, so results that leave the call are
 * never engine memory by way of the pool.
 * @module
 */
import { config } from "../../core/config.ts";
import { type DType, STORAGE, type TypedArray } from "../../core/dtype.ts";
import { engineBuffer, engineOffset } from "../wasm/engine_array.ts";

/** Shorter buffers stay plain arrays: the engine's elementwise kernels do not run on them. */
export const ENGINE_MIN_LENGTH = 64;
/**
 * Larger buffers stay plain arrays too: the engine's memory never shrinks (freed blocks
 * are only reused), and copying a large array costs little beside the work on it.
 */
export const ENGINE_MAX_BYTES = 8 << 20;

type Lists = Map<unknown, Map<number, TypedArray[]>>;

/** Free buffers by storage constructor, then length. */
export class BufferPool {
  #free: Lists = new Map();
  #engineFree: Lists = new Map();
  /** Whether `take` may hand out float buffers in the engine's memory (see the module notes). */
  engine = false;

  /**
   * A buffer of `n` elements (contents undefined).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BufferPool } from "./pool.ts";
   * const pool = new BufferPool();
   * const a = pool.take("float64", 4);
   * pool.give(a);
   * assert.equal(pool.take("float64", 4), a); // reused
   * assert.notEqual(pool.take("float64", 4), a); // handed out once
   * ```
   */
  take(dtype: DType, n: number): TypedArray {
    const ctor = STORAGE[dtype];
    const float = dtype === "float64" || dtype === "float32";
    if (this.engine && float && n >= ENGINE_MIN_LENGTH && n * ctor.BYTES_PER_ELEMENT <= ENGINE_MAX_BYTES) {
      const b = this.#engineFree.get(ctor)?.get(n)?.pop() ??
        (config.wasm ? engineBuffer(dtype, n) : undefined);
      if (b) return b;
      // The engine cannot make one now (its stack holds a run's staged inputs): `settle` makes it later.
      if (config.wasm) this.#missed.push([dtype, n]);
    }
    return this.#free.get(ctor)?.get(n)?.pop() ?? new ctor(n);
  }

  /**
   * Make the engine buffers that `take` could not make during the run (call when the
   * engine's stack is empty, after a run): the next run finds them pooled. A program
   * whose data matrix is staged for every run thus still gets its intermediates in
   * engine memory from its second call on.
   */
  settle(): void {
    for (const [dtype, n] of this.#missed) {
      const b = engineBuffer(dtype, n);
      if (!b) break;
      this.give(b);
    }
    this.#missed.length = 0;
  }
  #missed: ["float32" | "float64", number][] = [];

  /** Give a buffer back. */
  give(buf: TypedArray): void {
    const lists = inEngineMemory(buf) ? this.#engineFree : this.#free;
    let byLength = lists.get(buf.constructor);
    if (!byLength) lists.set(buf.constructor, byLength = new Map());
    let list = byLength.get(buf.length);
    if (!list) byLength.set(buf.length, list = []);
    if (list.length < 8) list.push(buf);
  }
}

/** Whether `buf` is a block of the engine's memory (an engine buffer or engine array). */
export function inEngineMemory(buf: TypedArray): boolean {
  return (buf instanceof Float64Array || buf instanceof Float32Array) &&
    engineOffset(buf, buf.BYTES_PER_ELEMENT as 4 | 8) >= 0;
}
