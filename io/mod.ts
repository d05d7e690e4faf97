/**
 * Hypatia's IO entry point (`@hypatia/hypatia/io`): NumPy `.npy` and `.npz` files, and
 * saving and loading models (shared variables and random state).
 *
 * Bytes-level functions (`parseNpy`, `toNpy`, and the async `parseNpz`, `toNpz`,
 * `modelToNpz`, `modelFromNpz`) work anywhere, browsers included; the file functions
 * (`load`, `save`, `loadz`, `savez`, `savezCompressed`, `saveModel`, `loadModel`) use
 * Deno's file API in Deno and `node:fs/promises` in Bun and Node. Like the core
 * library, this entry imports nothing outside the runtime: DEFLATE is the runtime's own
 * `CompressionStream` / `DecompressionStream` ("deflate-raw"), so it loads from a URL.
 *
 * Reliability: writes are atomic (a temporary file in the same directory, flushed, then
 * renamed over the target; on error the old file stays and the temporary file is
 * removed). Reads check every size against the bytes present, and refuse more than
 * `maxBytes` (default 2 GiB) of file, inflated or allocated data before spending it.
 *
 * Dtypes: float64, float32, int64, int32, int16, int8, uint8 and bool load and save as
 * themselves; uint16, uint32 and float16 load widened without loss (int32, int64,
 * float32); uint64 loads as int64. int64 lives in a Float64Array (exact up to 2^53), so
 * a value a double cannot hold exactly (2^53 + 1, say) is an error on load unless
 * `allowLossyInt64: true` rounds it. Complex, string, object,
 * datetime and structured dtypes are refused with a clear error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNpy, toNpy } from "./mod.ts";
 * import { asarray } from "../mod.ts";
 * const a = parseNpy(toNpy(asarray([[1, 2, 3]], { dtype: "uint8" })));
 * assert(a.dtype === "uint8" && a.shape.join() === "1,3");
 * ```
 * @module
 */
export { DEFAULT_MAX_BYTES, parseNpy, toNpy } from "./npy.ts";
export type { ParseOptions } from "./npy.ts";
export { parseNpz, toNpz } from "./npz.ts";
export type { ArraysToSave, NpzOptions } from "./npz.ts";
export { load, loadz, save, savez, savezCompressed } from "./files.ts";
export type { PathLike } from "./files.ts";
export { loadModel, modelFromNpz, modelToNpz, saveModel } from "./model.ts";
export type { FunctionLike, LoadModelOptions, ModelSpec } from "./model.ts";
