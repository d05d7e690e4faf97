/**
 * The engine's memory: one `WebAssembly.Memory` for the process, shared by every
 * kernel module (they all import it), reused from call to call. A call takes space
 * with a stack discipline (`mark`, `alloc`, `release`): operands are copied in,
 * results copied out, and the space is free again when the call returns, so a
 * training loop allocates nothing in steady state. Long-lived scratch (packing
 * buffers) sits at the bottom and is reserved once.
 *
 * Below the stack sits a small heap of long-lived blocks (`persist`, `unpersist`):
 * copies of shared variables' values kept between calls (staging.ts). A block is
 * taken only while no stack space is in use, so the stack always starts above them.
 *
 * The memory is shared (backed by a SharedArrayBuffer) where the runtime allows it,
 * so that growing it never detaches views and worker threads can run kernels on it;
 * otherwise it is a plain memory and views are re-made after each growth.
 * @module
 */

const PAGE = 65536;
/** Spans up to this many elements are copied by a loop: cheaper than making a view to copy from. */
const SHORT_COPY = 96;
/** 4 GiB: the most a 32-bit memory can address. */
const MAX_PAGES = 65536;

/**
 * One memory and a stack allocator over it.
 *
 * @example
 * ```ts
 * import { Arena } from "./memory.ts";
 * import assert from "node:assert/strict";
 * const a = new Arena({ initialPages: 1, maximumPages: 4 });
 * const mark = a.mark(), at = a.alloc(100);
 * assert.equal(at % 64, 0);
 * a.release(mark);
 * assert.equal(a.top, mark);
 * ```
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  readonly maximumPages: number;
  #top: number;
  #floor: number;
  #buffer: ArrayBufferLike;
  /** Freed long-lived blocks below the floor: [offset, bytes], by offset. */
  #holes: [number, number][] = [];

  constructor(options: { shared?: boolean; initialPages?: number; maximumPages?: number } = {}) {
    const canShare = typeof SharedArrayBuffer !== "undefined";
    this.shared = options.shared ?? canShare;
    const initial = options.initialPages ?? 64;
    this.maximumPages = options.maximumPages ?? MAX_PAGES;
    this.memory = new WebAssembly.Memory(
      { initial, maximum: this.maximumPages, shared: this.shared } as WebAssembly.MemoryDescriptor,
    );
    this.#buffer = this.memory.buffer;
    this.#top = this.#floor = 1024; // address 0 stays unused (a null pointer is caught in tests)
  }

  /**
   * The memory import a kernel module running on this arena declares (`env.mem`).
   *
   * @example
   * ```ts
   * import { Arena } from "./memory.ts";
   * import { ModuleBuilder } from "./emitter.ts";
   * import assert from "node:assert/strict";
   * const a = new Arena({ initialPages: 1, maximumPages: 4 });
   * const bytes = new ModuleBuilder().importMemory(a.memoryImport()).build();
   * assert(WebAssembly.validate(bytes));
   * ```
   */
  memoryImport(): { module: string; name: string; initial: number; maximum: number; shared: boolean } {
    return { module: "env", name: "mem", initial: 0, maximum: this.maximumPages, shared: this.shared };
  }

  /**
   * Instantiate module bytes built with `memoryImport()` on this arena's memory.
   *
   * @example
   * ```ts
   * import { Arena } from "./memory.ts";
   * import { I32, ModuleBuilder } from "./emitter.ts";
   * import assert from "node:assert/strict";
   * const a = new Arena({ initialPages: 1, maximumPages: 4 });
   * const mb = new ModuleBuilder().importMemory(a.memoryImport());
   * mb.func([I32], [I32], (c) => c.get(0).mem("i32.load"), "load");
   * const load = a.instantiate(mb.build()).load as (at: number) => number;
   * new Int32Array(a.buffer)[256] = 7;
   * assert.equal(load(1024), 7);
   * ```
   */
  instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: this.memory } }).exports;
  }

  /** The bottom of the stack: the end of the long-lived blocks. */
  get floor(): number {
    return this.#floor;
  }

  /**
   * A long-lived block of `bytes` (aligned to 64) that stays until `unpersist`; -1 when
   * stack space is in use (top above the floor) or the memory cannot grow.
   */
  persist(bytes: number): number {
    if (this.#top !== this.#floor) return -1;
    const size = (bytes + 63) & ~63;
    const i = this.#holes.findIndex(([, b]) => b >= size);
    if (i >= 0) {
      const [at, b] = this.#holes[i];
      if (b === size) this.#holes.splice(i, 1);
      else this.#holes[i] = [at + size, b - size];
      return at;
    }
    const at = this.alloc(size);
    if (at < 0) return -1;
    this.#floor = this.#top;
    return at;
  }

  /** Give back a block from `persist` (`bytes` as asked then). */
  unpersist(at: number, bytes: number): void {
    const size = (bytes + 63) & ~63;
    this.#holes.push([at, size]);
    this.#holes.sort((x, y) => x[0] - y[0]);
    // Merge neighbours, then lower the floor over a trailing hole when the stack is empty.
    const merged: [number, number][] = [];
    for (const h of this.#holes) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] >= h[0]) last[1] = Math.max(last[1], h[0] + h[1] - last[0]);
      else merged.push([h[0], h[1]]);
    }
    this.#holes = merged;
    const tail = merged[merged.length - 1];
    if (tail && tail[0] + tail[1] >= this.#floor && this.#top === this.#floor) {
      merged.pop();
      this.#top = this.#floor = Math.max(1024, tail[0]);
    }
  }

  /** The current buffer (re-read after growth). */
  get buffer(): ArrayBufferLike {
    return this.#buffer;
  }

  /** Bytes in use. */
  get top(): number {
    return this.#top;
  }

  /** A point to return to with `release`. */
  mark(): number {
    return this.#top;
  }

  /** Free everything allocated after `mark`. */
  release(mark: number): void {
    this.#top = Math.max(mark, this.#floor);
  }

  /**
   * `bytes` bytes aligned to 64 (a cache line); returns the byte offset, or -1 when
   * the memory cannot grow that far (the caller then uses its JS path).
   */
  alloc(bytes: number): number {
    const at = (this.#top + 63) & ~63;
    const end = at + bytes;
    if (end > this.#buffer.byteLength) {
      const need = Math.ceil((end - this.#buffer.byteLength) / PAGE);
      const have = this.#buffer.byteLength / PAGE;
      if (have + need > this.maximumPages) return -1;
      // Grow by at least a quarter so a slowly growing workload does not grow every call.
      const grow = Math.min(this.maximumPages - have, Math.max(need, Math.ceil(have / 4)));
      try {
        this.memory.grow(grow);
      } catch {
        return -1;
      }
      this.#buffer = this.memory.buffer;
    }
    this.#top = end;
    return at;
  }

  /**
   * Float32Array and Float64Array views of the whole memory, made again only when it
   * grows: copies through them (`set` at an element offset) make no view per call.
   */
  all32(): Float32Array {
    if (this.#all32?.buffer !== this.#buffer) this.#all32 = new Float32Array(this.#buffer);
    return this.#all32;
  }
  all64(): Float64Array {
    if (this.#all64?.buffer !== this.#buffer) this.#all64 = new Float64Array(this.#buffer);
    return this.#all64;
  }
  #all32?: Float32Array;
  #all64?: Float64Array;

  /**
   * Copy `n` elements of `src` from element `from` into the arena at byte offset `at`
   * as elements of `size` bytes (4: float32, 8: float64; converted when `src` is of the
   * other type), through the whole-memory view: no view per call, and short spans by
   * a loop (cheaper than the source view `set` would need).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Arena } from "./memory.ts";
   * const a = new Arena({ initialPages: 1, maximumPages: 4 });
   * const at = a.alloc(16), back = new Float32Array(2);
   * a.write(new Float64Array([0, 1.5, 2.5]), 1, 2, at, 4); // stored as float32
   * a.read(at, 2, 4, back, 0);
   * assert.deepEqual([...back], [1.5, 2.5]);
   * ```
   */
  write(src: Float32Array | Float64Array, from: number, n: number, at: number, size: 4 | 8): void {
    const all = size === 4 ? this.all32() : this.all64(), i0 = at / size;
    if (n <= SHORT_COPY) { for (let i = 0; i < n; i++) all[i0 + i] = src[from + i]; }
    else all.set(from === 0 && n === src.length ? src : src.subarray(from, from + n), i0);
  }

  /** Copy `n` elements of `size` bytes from the arena at byte offset `at` into `dst` from element `to` (as `write`). */
  read(at: number, n: number, size: 4 | 8, dst: Float32Array | Float64Array, to: number): void {
    const all = size === 4 ? this.all32() : this.all64(), i0 = at / size;
    if (n <= SHORT_COPY) { for (let i = 0; i < n; i++) dst[to + i] = all[i0 + i]; }
    else dst.set(all.subarray(i0, i0 + n), to);
  }

  /** A Float32Array view of `n` elements at byte offset `at`. */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.#buffer, at, n);
  }

  /** A Float64Array view of `n` elements at byte offset `at`. */
  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.#buffer, at, n);
  }
}

let theArena: Arena | undefined;

/**
 * The process's arena, made on first use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arena } from "./memory.ts";
 * const a = arena(), m = a.mark();
 * const at = a.alloc(16);
 * a.f64(at, 2).set([1, 2]);
 * assert(a.f64(at, 2)[1] === 2);
 * a.release(m);
 * ```
 */
export function arena(): Arena {
  return theArena ??= new Arena();
}
