/**
 * A pool of typed arrays keyed by storage type and length: intermediates of one call
 * go back here when their last reader has run, and the next call (or a later step)
 * takes them instead of allocating (a typed array costs a trip into the runtime and a
 * zeroed allocation; a pooled one costs two map lookups).
 *
 * With `engine` set (the program sets it for nodes whose results stay inside the
 * call), float buffers from the engine memory's `minLength` elements up to
 * `ENGINE_MAX_BYTES` come from the memory an engine lends (the WebAssembly engine's,
 * wasm/engine_array.ts) where it can keep them, so its kernels read and write them in
 * place instead of copying them in and out. Such buffers are pooled apart, so results that leave the call are
 * never engine memory by way of the pool; `endRun` takes back any still out when a
 * run ends.
 * @module
 */
import { type DType, STORAGE, type TypedArray } from "../../core/dtype.ts";
import type { EngineMemory } from "../kernel.ts";

/**
 * Larger buffers stay plain arrays: the engine's memory never shrinks (freed blocks
 * are only reused), and copying a large array costs little beside the work on it.
 */
export const ENGINE_MAX_BYTES = 8 << 20;

/**
 * Whether `d` is a buffer a pool may take back after its holder has copied it out: the
 * whole of its memory (not a view into a larger array) and not lying in the memory of
 * any of `others` (a view op's result over an input).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { givable } from "./pool.ts";
 * const a = new Float64Array(8);
 * assert.equal(givable(a, []), true);
 * assert.equal(givable(a.subarray(2), []), false); // a view
 * assert.equal(givable(a, [{ data: a }]), false); // an input's own memory
 * ```
 */
export function givable(d: TypedArray, others: readonly { data: TypedArray }[]): boolean {
  if (d.byteOffset !== 0 || d.byteLength !== d.buffer.byteLength) return false;
  for (let j = 0; j < others.length; j++) if (others[j].data.buffer === d.buffer) return false;
  return true;
}

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
  /** Engine buffers handed out and not given back yet (`endRun` takes them back). */
  #engineOut = new Set<TypedArray>();
  /**
   * Plain buffers handed out where an engine buffer could not be made (its stack held a
   * run's staged inputs), and for each length missed the most buffers out at once,
   * engine and substitutes together: `endRun` makes engine buffers up to that number.
   */
  #substitutes = new Set<TypedArray>();
  #peaks = new Map<string, { dtype: FloatDType; n: number; peak: number }>();
  /** Whether `take` may hand out float buffers in the engine's memory (see the module notes). */
  engine = false;
  readonly #memory: EngineMemory | undefined;

  /** `memory`: where engine buffers come from (none: plain arrays only). */
  constructor(memory?: EngineMemory) {
    this.#memory = memory;
  }

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
    const ctor = STORAGE[dtype], memory = this.#memory;
    if (
      this.engine && memory && (dtype === "float64" || dtype === "float32") && n >= memory.minLength &&
      n * ctor.BYTES_PER_ELEMENT <= ENGINE_MAX_BYTES
    ) {
      const b = listOf(this.#engineFree, ctor, n)?.pop() ?? memory.buffer(dtype, n);
      if (b) {
        this.#engineOut.add(b);
        return b;
      }
      if (memory.canKeep()) {
        const plain = listOf(this.#free, ctor, n)?.pop() ?? new ctor(n);
        const key = `${dtype}:${n}`, entry = this.#peaks.get(key) ?? { dtype, n, peak: 0 };
        this.#substitutes.add(plain);
        entry.peak = Math.max(
          entry.peak,
          countOf(ctor, n, this.#engineOut) + countOf(ctor, n, this.#substitutes),
        );
        this.#peaks.set(key, entry);
        return plain;
      }
    }
    return listOf(this.#free, ctor, n)?.pop() ?? new ctor(n);
  }

  /** Give a buffer back. */
  give(buf: TypedArray): void {
    if (this.#engineOut.delete(buf)) listOf(this.#engineFree, buf.constructor, buf.length, true).push(buf);
    else {
      if (this.#substitutes.size > 0) this.#substitutes.delete(buf);
      const list = listOf(this.#free, buf.constructor, buf.length, true);
      if (list.length < 8) list.push(buf);
    }
  }

  /**
   * Drop every free buffer (engine buffers go back to the engine's memory at once) and
   * what `endRun` would have made. Buffers handed out and not given back are untouched.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BufferPool } from "./pool.ts";
   * const pool = new BufferPool();
   * pool.give(pool.take("float64", 4));
   * assert.equal(pool.size, 1);
   * pool.clear();
   * assert.equal(pool.size, 0);
   * ```
   */
  clear(): void {
    for (const byLength of this.#engineFree.values()) {
      for (const list of byLength.values()) {
        for (const b of list) this.#memory?.release?.(b as Float32Array | Float64Array);
      }
    }
    this.#engineFree.clear();
    this.#free.clear();
    this.#peaks.clear();
    this.#substitutes.clear();
  }

  /** How many free buffers the pool keeps (plain and engine). */
  get size(): number {
    let n = 0;
    for (const lists of [this.#free, this.#engineFree]) {
      for (const byLength of lists.values()) for (const list of byLength.values()) n += list.length;
    }
    return n;
  }

  /**
   * Whether `buf` is an engine buffer this pool handed out and has not got back (a
   * result over one must leave the call as a copy).
   */
  lentFromEngine(buf: TypedArray): boolean {
    return this.#engineOut.has(buf);
  }

  /**
   * At the end of a run, whose values are then dropped: take back every engine buffer
   * still out, then (the engine's stack being empty) make the engine buffers that
   * `take` could not make during the run, as many of each length as were out at once,
   * so the next run finds them pooled. A program whose data matrix is staged for every
   * run thus gets its intermediates in engine memory from its second call on.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BufferPool } from "./pool.ts";
   * import { wasmMemory } from "../wasm/elemwise.ts";
   * const pool = new BufferPool(wasmMemory);
   * pool.engine = true;
   * const b = pool.take("float64", 100); // engine memory where the runtime allows
   * assert.equal(pool.lentFromEngine(b), b.buffer instanceof SharedArrayBuffer);
   * pool.endRun();
   * assert.equal(pool.lentFromEngine(b), false); // taken back
   * ```
   */
  endRun(): void {
    if (this.#engineOut.size > 0) {
      for (const b of this.#engineOut) listOf(this.#engineFree, b.constructor, b.length, true).push(b);
      this.#engineOut.clear();
    }
    if (this.#peaks.size === 0) return;
    for (const { dtype, n, peak } of this.#peaks.values()) {
      const free = listOf(this.#engineFree, STORAGE[dtype], n, true);
      while (free.length < peak) {
        const b = this.#memory?.buffer(dtype, n);
        if (!b) break;
        free.push(b);
      }
    }
    this.#peaks.clear();
    this.#substitutes.clear();
  }
}

/** The list of free buffers of `ctor` and length `n` in `lists` (made when `create`). */
function listOf(lists: Lists, ctor: unknown, n: number): TypedArray[] | undefined;
function listOf(lists: Lists, ctor: unknown, n: number, create: true): TypedArray[];
function listOf(lists: Lists, ctor: unknown, n: number, create = false): TypedArray[] | undefined {
  let byLength = lists.get(ctor);
  if (!byLength) {
    if (!create) return undefined;
    lists.set(ctor, byLength = new Map());
  }
  let list = byLength.get(n);
  if (!list && create) byLength.set(n, list = []);
  return list;
}

/** How many buffers of `ctor` and length `n` are in `set`. */
function countOf(ctor: unknown, n: number, set: Set<TypedArray>): number {
  let count = 0;
  for (const b of set) if (b.constructor === ctor && b.length === n) count++;
  return count;
}
