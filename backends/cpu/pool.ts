/**
 * A pool of typed arrays keyed by storage type and length: intermediates of one call
 * go back here when their last reader has run, and the next call (or a later step)
 * takes them instead of allocating (a typed array costs a trip into the runtime and a
 * zeroed allocation; a pooled one costs two map lookups).
 * @module
 */
import { type DType, STORAGE, type TypedArray } from "../../core/dtype.ts";

/** Free buffers by storage constructor, then length. */
export class BufferPool {
  #free = new Map<unknown, Map<number, TypedArray[]>>();

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
    return this.#free.get(ctor)?.get(n)?.pop() ?? new ctor(n);
  }

  /** Give a buffer back. */
  give(buf: TypedArray): void {
    let byLength = this.#free.get(buf.constructor);
    if (!byLength) this.#free.set(buf.constructor, byLength = new Map());
    let list = byLength.get(buf.length);
    if (!list) byLength.set(buf.length, list = []);
    if (list.length < 8) list.push(buf);
  }
}
