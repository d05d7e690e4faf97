/**
 * File versions of the `.npy` / `.npz` functions: `load`, `save`, `loadz`, `savez`,
 * `savezCompressed`. They read and write with `Deno.readFile` in Deno and with
 * `node:fs/promises` in Bun and Node (imported only when used, so browsers can import
 * this module and use the bytes-level functions). Paths are used as given: unlike
 * NumPy, no `.npy` / `.npz` suffix is appended.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { ArrayLike, NDArray } from "../core/ndarray.ts";
import { parseNpy, type ParseOptions, toNpy } from "./npy.ts";
import { type ArraysToSave, parseNpz, toNpz } from "./npz.ts";

/** A file path (string or file: URL). */
export type PathLike = string | URL;

interface DenoFs {
  readFile(p: PathLike): Promise<Uint8Array>;
  writeFile(p: PathLike, d: Uint8Array): Promise<void>;
}

function fsOf(): DenoFs | undefined {
  return (globalThis as { Deno?: DenoFs }).Deno;
}

function show(path: PathLike): string {
  return path instanceof URL ? path.href : path;
}

/**
 * The bytes of a file (Deno, Bun or Node).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBytes, writeBytes } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * await writeBytes(`${dir}/x.bin`, new Uint8Array([1, 2]), "example");
 * assert((await readBytes(`${dir}/x.bin`, "example")).length === 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readBytes(path: PathLike, what: string): Promise<Uint8Array> {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new InputError(`${what}: expected a path (string or URL), got ${typeof path}`);
  }
  try {
    const deno = fsOf();
    if (deno) return await deno.readFile(path);
    const fs = await import("node:fs/promises");
    const b = await fs.readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new InputError(`${what}: cannot read '${show(path)}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Write bytes to a file (Deno, Bun or Node), replacing it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeBytes } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * await writeBytes(`${dir}/y.bin`, new Uint8Array([9]), "example");
 * assert((await Deno.readFile(`${dir}/y.bin`))[0] === 9);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeBytes(path: PathLike, data: Uint8Array, what: string): Promise<void> {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new InputError(`${what}: expected a path (string or URL), got ${typeof path}`);
  }
  try {
    const deno = fsOf();
    if (deno) return await deno.writeFile(path, data);
    const fs = await import("node:fs/promises");
    await fs.writeFile(path, data);
  } catch (e) {
    throw new InputError(`${what}: cannot write '${show(path)}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Load a `.npy` file (a path, or the file's bytes) as an NDArray, like `numpy.load`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load, save } from "./files.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const dir = await Deno.makeTempDir();
 * await save(`${dir}/a.npy`, asarray([[1, 2], [3, 4]], { dtype: "int32" }));
 * const a = await load(`${dir}/a.npy`);
 * assert(a.dtype === "int32" && a.item(1, 1) === 4);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function load(source: PathLike | Uint8Array, options: ParseOptions = {}): Promise<NDArray> {
  if (source instanceof Uint8Array) return parseNpy(source, { name: "load(bytes)", ...options });
  const name = options.name ?? `load('${show(source)}')`;
  return parseNpy(await readBytes(source, name), { ...options, name });
}

/**
 * Save an array as a `.npy` file that `numpy.load` reads (like `numpy.save`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load, save } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * await save(`${dir}/v.npy`, [1.5, 2.5]);
 * assert((await load(`${dir}/v.npy`)).item(1) === 2.5);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function save(path: PathLike, array: NDArray | ArrayLike): Promise<void> {
  const name = `save('${show(path)}')`;
  await writeBytes(path, toNpy(array, { name }), name);
}

/**
 * Load every array of a `.npz` archive (a path, or its bytes), keyed by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadz, savez } from "./files.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const dir = await Deno.makeTempDir();
 * await savez(`${dir}/m.npz`, { w: asarray([[1, 2]]), b: asarray(3) });
 * const { w, b } = await loadz(`${dir}/m.npz`);
 * assert(w.shape.join() === "1,2" && b.item() === 3);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadz(
  source: PathLike | Uint8Array,
  options: ParseOptions = {},
): Promise<Record<string, NDArray>> {
  if (source instanceof Uint8Array) return parseNpz(source, { name: "loadz(bytes)", ...options });
  const name = options.name ?? `loadz('${show(source)}')`;
  return parseNpz(await readBytes(source, name), { ...options, name });
}

/**
 * Save named (or positional: arr_0, arr_1, ...) arrays as an uncompressed `.npz`
 * archive (like `numpy.savez`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadz, savez } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * await savez(`${dir}/p.npz`, [[1, 2], [3]]);
 * assert(Object.keys(await loadz(`${dir}/p.npz`)).join() === "arr_0,arr_1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function savez(path: PathLike, arrays: ArraysToSave): Promise<void> {
  const name = `savez('${show(path)}')`;
  await writeBytes(path, toNpz(arrays, { name }), name);
}

/**
 * Save arrays as a DEFLATE-compressed `.npz` archive (like `numpy.savez_compressed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadz, savezCompressed } from "./files.ts";
 * import { asarray } from "../core/ndarray.ts";
 * const dir = await Deno.makeTempDir();
 * await savezCompressed(`${dir}/z.npz`, { zeros: asarray(new Float64Array(10000)) });
 * assert((await Deno.stat(`${dir}/z.npz`)).size < 1000);
 * assert((await loadz(`${dir}/z.npz`)).zeros.size === 10000);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function savezCompressed(path: PathLike, arrays: ArraysToSave): Promise<void> {
  const name = `savezCompressed('${show(path)}')`;
  await writeBytes(path, toNpz(arrays, { name, compress: true }), name);
}
