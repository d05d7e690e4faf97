/**
 * File versions of the `.npy` / `.npz` functions: `load`, `save`, `loadz`, `savez`,
 * `savezCompressed`. They read and write with Deno's file API in Deno and with
 * `node:fs/promises` in Bun and Node (imported only when used, so browsers can import
 * this module and use the bytes-level functions). Paths are used as given: unlike
 * NumPy, no `.npy` / `.npz` suffix is appended. Writes are atomic (see `writeBytes`);
 * reads refuse a file larger than the `maxBytes` cap before reading it.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { checkOptions } from "../core/options.ts";
import type { ArrayLike, NDArray } from "../core/ndarray.ts";
import { maxBytesOf, overCap, PARSE_OPTIONS, parseNpy, type ParseOptions, toNpy } from "./npy.ts";
import { type ArraysToSave, parseNpz, toNpz } from "./npz.ts";

/** A file path (string or file: URL). */
export type PathLike = string | URL;

interface DenoFile {
  write(p: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}

/** The part of Deno's file API used here (absent in Bun and Node, whose node:fs is used instead). */
interface DenoFs {
  readFile(p: PathLike): Promise<Uint8Array>;
  stat(p: PathLike): Promise<{ size: number }>;
  open(p: string, o: { write: true; createNew: true }): Promise<DenoFile>;
  rename(from: string, to: string): Promise<void>;
  remove(p: string): Promise<void>;
}

function fsOf(): DenoFs | undefined {
  const deno = (globalThis as { Deno?: Partial<DenoFs> }).Deno;
  return typeof deno?.open === "function" && typeof deno.rename === "function" ? deno as DenoFs : undefined;
}

function show(path: PathLike): string {
  return path instanceof URL ? path.href : path;
}

function checkPath(path: unknown, what: string): asserts path is PathLike {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new InputError(`${what}: expected a path (string or URL), got ${typeof path}`);
  }
}

/**
 * The bytes of a file (Deno, Bun or Node). A file larger than `maxBytes` (default
 * 2 GiB) is refused from its size, before it is read.
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
export async function readBytes(
  path: PathLike,
  what: string,
  options: ParseOptions = {},
): Promise<Uint8Array> {
  checkPath(path, what);
  const cap = maxBytesOf(options, what);
  let size: number;
  try {
    const deno = fsOf();
    if (deno) size = (await deno.stat(path)).size;
    else size = (await (await import("node:fs/promises")).stat(path)).size;
  } catch (e) {
    throw new InputError(`${what}: cannot read '${show(path)}': ${(e as Error).message}`, { cause: e });
  }
  if (size > cap) throw overCap(what, `reading the file '${show(path)}'`, size, cap);
  try {
    const deno = fsOf();
    if (deno) return await deno.readFile(path);
    const b = await (await import("node:fs/promises")).readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new InputError(`${what}: cannot read '${show(path)}': ${(e as Error).message}`, { cause: e });
  }
}

/** A file: URL or a path -> a path string (a temporary file's name is built from it). */
function pathString(path: PathLike, what: string): string {
  if (typeof path === "string") return path;
  if (path.protocol !== "file:") {
    throw new InputError(`${what}: cannot write to '${path.href}' (not a file: URL)`);
  }
  const p = decodeURIComponent(path.pathname);
  return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p; // file:///C:/x -> C:/x
}

/** A fresh name beside `path` (same directory, so the final rename stays on one file system). */
function tempBeside(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1;
  const tag = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return `${path.slice(0, cut)}.${path.slice(cut)}.${tag}.tmp`;
}

/**
 * Write bytes to a file (Deno, Bun or Node), replacing it atomically: the bytes go to a
 * new temporary file in the same directory, which is flushed to disk and then renamed
 * over the target. On any error (a full disk, a file-size limit, a missing directory)
 * the temporary file is removed and the old file, if there was one, is left as it was.
 * The new file has the default permissions of a new file, not the old file's.
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
  checkPath(path, what);
  const target = pathString(path, what);
  const temp = tempBeside(target);
  const deno = fsOf();
  const fs = deno ? undefined : await import("node:fs/promises");
  let created = false;
  try {
    if (deno) {
      const f = await deno.open(temp, { write: true, createNew: true });
      created = true;
      try {
        for (let k = 0; k < data.length;) k += await f.write(data.subarray(k));
        await f.sync();
      } finally {
        f.close();
      }
      await deno.rename(temp, target);
    } else {
      const f = await fs!.open(temp, "wx");
      created = true;
      try {
        await f.writeFile(data);
        await f.sync();
      } finally {
        await f.close();
      }
      await fs!.rename(temp, target);
    }
  } catch (e) {
    if (created) await (deno ? deno.remove(temp) : fs!.rm(temp, { force: true })).catch(() => {});
    throw new InputError(
      `${what}: cannot write '${show(path)}': ${(e as Error).message} (the old file, if any, is unchanged)`,
      { cause: e },
    );
  }
}

/**
 * Load a `.npy` file (a path, or the file's bytes) as an NDArray, like `numpy.load`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { load, save } from "./mod.ts";
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
  checkOptions(name, options, PARSE_OPTIONS);
  return parseNpy(await readBytes(source, name, options), { ...options, name });
}

/**
 * Save an array as a `.npy` file that `numpy.load` reads (like `numpy.save`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load, save } from "./mod.ts";
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
 * import { asarray } from "../mod.ts";
 * import { loadz, savez } from "./mod.ts";
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
  checkOptions(name, options, PARSE_OPTIONS);
  return parseNpz(await readBytes(source, name, options), { ...options, name });
}

/**
 * Save named (or positional: arr_0, arr_1, ...) arrays as an uncompressed `.npz`
 * archive (like `numpy.savez`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadz, savez } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await savez(`${dir}/p.npz`, [[1, 2], [3]]);
 * assert(Object.keys(await loadz(`${dir}/p.npz`)).join() === "arr_0,arr_1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function savez(path: PathLike, arrays: ArraysToSave): Promise<void> {
  const name = `savez('${show(path)}')`;
  await writeBytes(path, await toNpz(arrays, { name }), name);
}

/**
 * Save arrays as a DEFLATE-compressed `.npz` archive (like `numpy.savez_compressed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { loadz, savezCompressed } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await savezCompressed(`${dir}/z.npz`, { zeros: asarray(new Float64Array(10000)) });
 * assert((await Deno.stat(`${dir}/z.npz`)).size < 1000);
 * assert((await loadz(`${dir}/z.npz`)).zeros.size === 10000);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function savezCompressed(path: PathLike, arrays: ArraysToSave): Promise<void> {
  const name = `savezCompressed('${show(path)}')`;
  await writeBytes(path, await toNpz(arrays, { name, compress: true }), name);
}
