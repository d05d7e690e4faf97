/**
 * Arrays whose elements live in the WebAssembly engine's memory: an explicit opt-in
 * for data passed as an input on every call (the tutorial's training loop), which the
 * engine then reads in place instead of copying in per call. The array is an ordinary
 * NDArray (read and write its `data` as usual, between calls); its block of the arena
 * is given back when its `data` object is garbage-collected.
 *
 * Lifetime rule: keep the NDArray (or its `data`) alive while you use any view made
 * from it with `data.subarray()` — such a view does not keep the block. Where the
 * arena cannot be shared memory (no SharedArrayBuffer, so growth would detach views),
 * or the engine is absent, a plain NDArray is returned and simply copied per call.
 * @module
 */
import type { DType } from "../../core/dtype.ts";
import { NDArray } from "../../core/ndarray.ts";
import { hasSimd } from "./features.ts";
import { arena } from "./memory.ts";

/** Blocks of live engine arrays by their data object: [offset, bytes]. */
const blocks = new WeakMap<object, [number, number]>();
const finalizer = new FinalizationRegistry<[number, number]>(([at, bytes]) => arena().unpersist(at, bytes));

/**
 * A zero-filled float32 or float64 array of `shape` in the engine's memory (a plain
 * NDArray where the engine cannot keep one; see the module notes on its lifetime).
 * Fill it, then pass it as an input: CPU functions read it without copying.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineArray } from "../../mod.ts";
 * import * as T from "../../mod.ts";
 * const x = engineArray("float64", [2, 3]);
 * x.data.set([1, 2, 3, 4, 5, 6]);
 * const m = T.dmatrix("m");
 * assert.equal((T.function([m], T.sum(m))(x) as T.NDArray).item(), 21);
 * ```
 */
export function engineArray(dtype: "float32" | "float64", shape: readonly number[]): NDArray {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`engineArray: dtype must be float32 or float64, got ${dtype as DType}`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const data = engineBuffer(dtype, n);
  if (!data) return new NDArray(dtype, shape);
  data.fill(0);
  return new NDArray(dtype, shape, data);
}

/**
 * Whether the engine can keep arrays in its memory at all here (SIMD, and a shared
 * memory: growing a plain one would detach their views).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineCanKeep } from "./engine_array.ts";
 * assert.equal(typeof engineCanKeep(), "boolean");
 * ```
 */
export function engineCanKeep(): boolean {
  return hasSimd() && arena().shared;
}

/**
 * A typed array of `n` elements in the engine's memory (contents undefined), given
 * back when it is garbage-collected; undefined where the engine cannot keep one now
 * (no SIMD, memory not shared, the arena's stack in use, or full). The CPU program's
 * buffer pool takes its intermediates here, so kernels read and write them in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineBuffer, engineOffset } from "./engine_array.ts";
 * const b = engineBuffer("float64", 10);
 * if (b) assert(engineOffset(b, 8) >= 0 && engineOffset(b, 4) === -1);
 * ```
 */
export function engineBuffer(
  dtype: "float32" | "float64",
  n: number,
): Float32Array | Float64Array | undefined {
  const size = dtype === "float32" ? 4 : 8, bytes = Math.max(1, n) * size;
  const a = hasSimd() ? arena() : undefined;
  const at = a?.shared ? a.persist(bytes) : -1;
  if (!a || at < 0) return undefined;
  const data = dtype === "float32" ? a.f32(at, n) : a.f64(at, n);
  blocks.set(data, [at, bytes]);
  finalizer.register(data, [at, bytes], data);
  return data;
}

/**
 * Give an engine buffer's block back now rather than when it is collected (a compiled
 * function's `free()`); the caller must drop every view of it. False when `data` is
 * not an engine buffer (or was given back already).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineBuffer, engineOffset, releaseEngineBuffer } from "./engine_array.ts";
 * const b = engineBuffer("float64", 64);
 * if (b) {
 *   const at = engineOffset(b, 8);
 *   assert(releaseEngineBuffer(b) && !releaseEngineBuffer(b));
 *   assert.equal(engineOffset(engineBuffer("float64", 64)!, 8), at); // the block is free again
 * }
 * ```
 */
export function releaseEngineBuffer(data: Float32Array | Float64Array): boolean {
  const block = blocks.get(data);
  if (!block) return false;
  blocks.delete(data);
  finalizer.unregister(data);
  arena().unpersist(block[0], block[1]);
  return true;
}

/**
 * The arena offset of an engine array's elements when `data` is one and its element
 * size is `size`, else -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineArray, engineOffset } from "./engine_array.ts";
 * assert.equal(engineOffset(new Float64Array(3), 8), -1);
 * const x = engineArray("float32", [4]);
 * assert.equal(engineOffset(x.data as Float32Array, 4) >= 0, x.data.buffer instanceof SharedArrayBuffer);
 * ```
 */
export function engineOffset(data: Float32Array | Float64Array, size: 4 | 8): number {
  if (data.BYTES_PER_ELEMENT !== size) return -1;
  return blocks.get(data)?.[0] ?? -1;
}
