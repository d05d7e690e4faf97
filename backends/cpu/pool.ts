/**
 * A pool of typed arrays keyed by storage type and length: intermediates of one call
 * go back here when their last reader has run, and the next call (or a later step)
 * takes them instead of allocating (a typed array costs a trip into the runtime and a
 * zeroed allocation; a pooled one costs two map lookups).
 *
 * With `engine` set (the program sets it for nodes whose results stay inside the
 * call), float buffers from `elementwiseOptions.minLength` elements up to
 * `ENGINE_MAX_BYTES` come from the WebAssembly engine's memory where it can keep them
 * (engine_array.ts), so its kernels read and write them in place instead of copying
 * them in and out. Such buffers are pooled apart, so results that leave the call are
 * never engine memory by way of the pool; the program gives back (`reclaim`) any
 * still out when a run ends.
 * @module
 */
import { config } from "../../core/config.ts";
import { type DType, STORAGE, type TypedArray } from "../../core/dtype.ts";
import { engineBuffer, engineCanKeep, engineOffset } from "../wasm/engine_array.ts";
import { elementwiseOptions } from "../wasm/elemwise.ts";

/**
 * Larger buffers stay plain arrays: the engine's memory never shrinks (freed blocks
 * are only reused), and copying a large array costs little beside the work on it.
 */
export const ENGINE_MAX_BYTES = 8 << 20;

type Lists = Map<unknown, Map<number, TypedArray[]>>;
type FloatDType = "float32" | "float64";

/** Free buffers by storage constructor, then length. */
export class BufferPool {
  #free: Lists = new Map();
  /**
   * Free engine buffers. They are never dropped (a dropped block would only be freed
   * when the garbage collector finalises it, so a loop would keep making new ones);
   * their number is bounded by the most a run holds at once.
   */
  #engineFree: Lists = new Map();
  /** Engine buffers handed out and not given back yet (`reclaim` returns them). */
  #engineOut = new Set<TypedArray>();
  /**
   * Plain buffers handed out where an engine buffer could not be made (its stack held a
   * run's staged inputs), and for each length missed the most buffers out at once,
   * engine and substitutes together: `settle` makes engine buffers up to that number.
   */
  #substitutes = new Set<TypedArray>();
  #peaks = new Map<string, { dtype: FloatDType; n: number; peak: number }>();
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
    if (
      this.engine && (dtype === "float64" || dtype === "float32") && n >= elementwiseOptions.minLength &&
      n * ctor.BYTES_PER_ELEMENT <= ENGINE_MAX_BYTES
    ) {
      const b = this.#engineFree.get(ctor)?.get(n)?.pop() ??
        (config.wasm ? engineBuffer(dtype, n) : undefined);
      if (b) {
        this.#engineOut.add(b);
        return b;
      }
      if (config.wasm && engineCanKeep()) {
        const plain = this.#free.get(ctor)?.get(n)?.pop() ?? new ctor(n);
        const key = `${dtype}:${n}`, entry = this.#peaks.get(key) ?? { dtype, n, peak: 0 };
        this.#substitutes.add(plain);
        entry.peak = Math.max(
          entry.peak,
          this.#outOf(ctor, n, this.#engineOut) + this.#outOf(ctor, n, this.#substitutes),
        );
        this.#peaks.set(key, entry);
        return plain;
      }
    }
    return this.#free.get(ctor)?.get(n)?.pop() ?? new ctor(n);
  }

  /** Give a buffer back. */
  give(buf: TypedArray): void {
    const inEngine = inEngineMemory(buf);
    if (inEngine) this.#engineOut.delete(buf);
    else if (this.#substitutes.size > 0) this.#substitutes.delete(buf);
    const lists = inEngine ? this.#engineFree : this.#free;
    let byLength = lists.get(buf.constructor);
    if (!byLength) lists.set(buf.constructor, byLength = new Map());
    let list = byLength.get(buf.length);
    if (!list) byLength.set(buf.length, list = []);
    if (inEngine || list.length < 8) list.push(buf);
  }

  /**
   * After a run (the engine's stack empty): make the engine buffers that `take` could
   * not make during it, as many of each length as were out at once, so the next run
   * finds them pooled. A program whose data matrix is staged for every run thus gets
   * its intermediates in engine memory from its second call on.
   */
  settle(): void {
    if (this.#peaks.size === 0) return;
    for (const { dtype, n, peak } of this.#peaks.values()) {
      const ctor = STORAGE[dtype];
      const owned = (this.#engineFree.get(ctor)?.get(n)?.length ?? 0) + this.#outOf(ctor, n, this.#engineOut);
      for (let i = owned; i < peak; i++) {
        const b = engineBuffer(dtype, n);
        if (!b) break;
        this.give(b);
      }
    }
    this.#peaks.clear();
    this.#substitutes.clear();
  }

  /** How many buffers of `ctor` and length `n` are in `set`. */
  #outOf(ctor: unknown, n: number, set: Set<TypedArray>): number {
    let count = 0;
    for (const b of set) if (b.constructor === ctor && b.length === n) count++;
    return count;
  }

  /** Take back every engine buffer still out (at the end of a run, whose values are then dropped). */
  reclaim(): void {
    if (this.#engineOut.size === 0) return;
    for (const b of [...this.#engineOut]) this.give(b);
  }
}

/** Whether `buf` is a block of the engine's memory (an engine buffer or engine array). */
export function inEngineMemory(buf: TypedArray): boolean {
  return (buf instanceof Float64Array || buf instanceof Float32Array) &&
    engineOffset(buf, buf.BYTES_PER_ELEMENT as 4 | 8) >= 0;
}
