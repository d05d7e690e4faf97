/**
 * A pool of typed arrays keyed by dtype and length: intermediates of one call go back
 * here when their last reader has run, and the next call (or a later step) takes them
 * instead of allocating.
 * @module
 */
import { type DType, STORAGE, type TypedArray } from "../../core/dtype.ts";

/** Free buffers by dtype and length. */
export class BufferPool {
  #free = new Map<string, TypedArray[]>();

  /** A buffer of `n` elements (contents undefined). */
  take(dtype: DType, n: number): TypedArray {
    const list = this.#free.get(STORAGE[dtype].name + n);
    return list?.pop() ?? new STORAGE[dtype](n);
  }

  /** Give a buffer back. */
  give(buf: TypedArray): void {
    const key = buf.constructor.name + buf.length;
    let list = this.#free.get(key);
    if (!list) this.#free.set(key, list = []);
    if (list.length < 8) list.push(buf);
  }
}
