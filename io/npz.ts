/**
 * `.npz` archives of named arrays, bytes in and bytes out: a ZIP archive with one `.npy`
 * member per array, as `numpy.savez` and `numpy.savez_compressed` write them.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { bool, checkOptions, str } from "../core/options.ts";
import type { ArrayLike, NDArray } from "../core/ndarray.ts";
import { maxBytesOf, overCap, PARSE_OPTIONS, parseNpy, type ParseOptions, toNpy } from "./npy.ts";
import { extract, readZip, writeZip } from "./zip.ts";

/** Arrays to save: named (`{ w, b }`) or positional (`[a, b]` saved as arr_0, arr_1 like NumPy). */
export type ArraysToSave = Record<string, NDArray | ArrayLike> | (NDArray | ArrayLike)[];

/**
 * Read the arrays of a `.npz` archive, keyed by member name without `.npy` (as
 * `numpy.load` names them). Stored and deflated members are both read; members that
 * are not `.npy` files are skipped. The `.npy` members' declared sizes together must
 * stay within `maxBytes` (default 2 GiB), checked before anything is inflated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { parseNpz, toNpz } from "./mod.ts";
 * const bytes = await toNpz({ w: asarray([1, 2, 3]), b: asarray(0.5) }, { compress: true });
 * const { w, b } = await parseNpz(bytes);
 * assert(w.shape.join() === "3" && b.item() === 0.5);
 * ```
 */
export async function parseNpz(
  bytes: Uint8Array,
  options: ParseOptions = {},
): Promise<Record<string, NDArray>> {
  checkOptions(options.name ?? "parseNpz", options, PARSE_OPTIONS);
  const where = options.name ?? "parseNpz";
  if (!(bytes instanceof Uint8Array)) {
    throw new InputError(`${where}: expected the archive's bytes as a Uint8Array`);
  }
  const cap = maxBytesOf(options, where);
  const members = readZip(bytes, where).filter((e) => e.name.endsWith(".npy"));
  const total = members.reduce((s, e) => s + e.size, 0);
  if (total > cap) throw overCap(where, `its ${members.length} .npy member(s) inflated`, total, cap);
  const out: Record<string, NDArray> = {};
  const seen = new Set<string>();
  for (const e of members) {
    const key = e.name.slice(0, -4);
    if (seen.has(key)) throw new InputError(`${where}: the archive holds '${e.name}' twice`);
    seen.add(key);
    const member = `${where} member '${e.name}'`;
    Object.defineProperty(out, key, {
      value: parseNpy(await extract(bytes, e, where), { ...options, name: member }),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Options of `toNpz` and `savez`. */
export interface NpzOptions {
  /** DEFLATE-compress each member (`numpy.savez_compressed`); default false. */
  compress?: boolean;
  /** A name for error messages. */
  name?: string;
}

/**
 * The bytes of a `.npz` archive holding the given arrays, readable by `numpy.load`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { parseNpz, toNpz } from "./mod.ts";
 * const bytes = await toNpz([asarray([1, 2]), asarray([[true]], { dtype: "bool" })]);
 * assert(Object.keys(await parseNpz(bytes)).join() === "arr_0,arr_1");
 * ```
 */
export async function toNpz(arrays: ArraysToSave, options: NpzOptions = {}): Promise<Uint8Array> {
  checkOptions(options.name ?? "toNpz", options, { compress: bool, name: str });
  const where = options.name ?? "toNpz";
  if (arrays === null || typeof arrays !== "object") {
    throw new InputError(`${where}: expected a record of named arrays or a list of arrays`);
  }
  const entries = Array.isArray(arrays)
    ? arrays.map((a, k) => [`arr_${k}`, a] as const)
    : Object.entries(arrays);
  const files: [string, Uint8Array][] = entries.map(([key, a]) => {
    if (key === "") throw new InputError(`${where}: an array name must not be empty`);
    return [`${key}.npy`, toNpy(a, { name: `${where}: array '${key}'` })];
  });
  return await writeZip(files, options.compress ?? false);
}
