/**
 * Saving and loading a model: the values of a set of shared variables (given directly,
 * or as every shared variable some compiled functions read or update) and the whole
 * state of random streams, in one `.npz` archive that NumPy can open too.
 *
 * Entry names: a record's keys, or each variable's name made unique in order (`w`,
 * `w_1`, ...; unnamed ones are `shared`, `shared_1`, ...). Random streams number `k`
 * are stored as `random{k}.{generator}.base` (the streams' own state, float64) and
 * `random{k}.{generator}.state{j}` (the state of each random variable, in creation
 * order). Loading needs the model built the same way (same variables in the same
 * order, same random draws), checks every entry first, and changes nothing on error.
 * Each saved array must have its variable's dtype and its variable's current shape
 * (every dimension, declared or not), unless `allowShapeChange: true` lets a variable
 * take another shape that its type allows.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, str } from "../core/options.ts";
import { NDArray } from "../core/ndarray.ts";
import { SharedVariable } from "../core/shared.ts";
import type { RandomStateJSON, RandomStreamsBase } from "../random/streams_base.ts";
import { type PathLike, readBytes, writeBytes } from "./files.ts";
import { PARSE_OPTIONS, type ParseOptions } from "./npy.ts";
import { parseNpz, toNpz } from "./npz.ts";

/** A compiled function, seen only through the shared variables it uses. */
export interface FunctionLike {
  /** The compiled graph: the shared variables the function reads and the updates it makes. */
  readonly maker: {
    readonly shared: readonly SharedVariable[];
    readonly updates: readonly (readonly [SharedVariable, unknown])[];
  };
}

/** What a model is made of. */
export interface ModelSpec {
  /** Shared variables, named by their own names (made unique) or by the record's keys. */
  shared?: SharedVariable[] | Record<string, SharedVariable>;
  /** Compiled functions: every shared variable they read or update is part of the model. */
  functions?: FunctionLike[];
  /** Random streams whose whole state (own and every random variable's) is saved. */
  randomStreams?: RandomStreamsBase[];
}

/** Options of `loadModel` / `modelFromNpz`. */
export interface LoadModelOptions extends ParseOptions {
  /**
   * With `strict` (the default), an entry the model lacks or a variable the file lacks
   * is an error; without it, extra entries are ignored and missing ones leave their
   * variables unchanged.
   */
  strict?: boolean;
  /**
   * Let a saved array replace a variable's value of another shape, as long as the
   * variable's type allows it (its rank and declared lengths). Default false: every
   * saved shape must equal the variable's current shape.
   */
  allowShapeChange?: boolean;
}

const LOAD_MODEL_OPTIONS = { ...PARSE_OPTIONS, strict: bool, allowShapeChange: bool };
const MODEL_SPEC = { shared: anyValue, functions: anyValue, randomStreams: anyValue }; // checked entry by entry

interface Plan {
  vars: [string, SharedVariable][];
  streams: [string, RandomStreamsBase][];
}

function plan(spec: ModelSpec, where: string): Plan {
  if (spec === null || typeof spec !== "object") {
    throw new InputError(`${where}: expected { shared, functions, randomStreams }`);
  }
  checkOptions(`${where}: the model`, spec, MODEL_SPEC);
  const streams = (spec.randomStreams ?? []).map((s, k) => {
    if (!s || typeof s.toJSON !== "function" || typeof s.setState !== "function") {
      throw new InputError(`${where}: randomStreams[${k}] is not a random streams object`);
    }
    return [`random${k}.${s.generator}.`, s] as [string, RandomStreamsBase];
  });
  const owned = new Set(streams.flatMap(([, s]) => s.stateUpdates.map(([v]) => v)));
  const used = new Set<string>();
  const seen = new Set<SharedVariable>();
  const vars: [string, SharedVariable][] = [];
  const add = (name: string, v: unknown, what: string, exact: boolean) => {
    if (!(v instanceof SharedVariable)) throw new InputError(`${where}: ${what} is not a shared variable`);
    if (seen.has(v)) return;
    seen.add(v);
    let n = name;
    if (exact && used.has(n)) throw new InputError(`${where}: the name '${n}' is used twice`);
    for (let k = 1; used.has(n); k++) n = `${name}_${k}`;
    if (n === "" || /^random\d+\./.test(n)) {
      throw new InputError(
        `${where}: ${what} cannot be saved as '${n}' (empty, or reserved for random streams)`,
      );
    }
    used.add(n);
    vars.push([n, v]);
  };
  const sh = spec.shared ?? [];
  if (Array.isArray(sh)) sh.forEach((v, k) => add(v?.name ?? "shared", v, `shared[${k}]`, false));
  else if (typeof sh === "object") Object.entries(sh).forEach(([n, v]) => add(n, v, `shared.${n}`, true));
  else throw new InputError(`${where}: shared must be a list or a record of shared variables`);
  (spec.functions ?? []).forEach((f, k) => {
    if (!f?.maker?.shared) throw new InputError(`${where}: functions[${k}] is not a compiled function`);
    const vs = [...f.maker.shared, ...f.maker.updates.map(([v]) => v)];
    for (const v of vs) {
      if (!owned.has(v)) add(v.name ?? "shared", v, `a shared variable of functions[${k}]`, false);
    }
  });
  return { vars, streams };
}

/**
 * The bytes of a model archive (see the module notes for its entries).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shared } from "../mod.ts";
 * import { modelFromNpz, modelToNpz } from "./mod.ts";
 * const w = shared([1, 2, 3], { name: "w", dtype: "float64" });
 * const bytes = await modelToNpz({ shared: [w] });
 * w.setValue([0, 0, 0]);
 * await modelFromNpz(bytes, { shared: [w] });
 * assert(w.getValue().item(2) === 3);
 * ```
 */
export async function modelToNpz(
  spec: ModelSpec,
  options: { compress?: boolean; name?: string } = {},
): Promise<Uint8Array> {
  checkOptions(options.name ?? "modelToNpz", options, { compress: bool, name: str });
  const where = options.name ?? "modelToNpz";
  const { vars, streams } = plan(spec, where);
  const out: Record<string, NDArray> = {};
  for (const [n, v] of vars) out[n] = v.getValue({ borrow: true });
  for (const [prefix, s] of streams) {
    const j = s.toJSON();
    out[`${prefix}base`] = new NDArray("float64", [j.base.length], Float64Array.from(j.base));
    s.stateUpdates.forEach(([v], k) => (out[`${prefix}state${k}`] = v.getValue({ borrow: true })));
  }
  return await toNpz(out, { compress: options.compress, name: where });
}

/**
 * Set a model's shared variables and random state from archive bytes made by
 * `modelToNpz` / `saveModel`. Every entry is checked (presence, dtype, shape against
 * the variable's current value unless `allowShapeChange`, random state validity) before
 * anything changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError, shared } from "../mod.ts";
 * import { modelFromNpz, modelToNpz } from "./mod.ts";
 * const w = shared([1, 2], { name: "w", dtype: "float64" });
 * const bytes = await modelToNpz({ shared: { weights: w } });
 * const v = shared([1, 2, 3], { name: "v", dtype: "float32" });
 * let err;
 * try { await modelFromNpz(bytes, { shared: { weights: v } }); } catch (e) { err = e; }
 * assert(err instanceof InputError && v.getValue().item(0) === 1);
 * ```
 */
export async function modelFromNpz(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: LoadModelOptions = {},
): Promise<void> {
  checkOptions(options.name ?? "modelFromNpz", options, LOAD_MODEL_OPTIONS);
  const where = options.name ?? "modelFromNpz";
  const strict = options.strict ?? true;
  const allowShapeChange = options.allowShapeChange ?? false;
  const { vars, streams } = plan(spec, where);
  const { allowLossyInt64, maxBytes } = options;
  const file = await parseNpz(bytes, { name: where, allowLossyInt64, maxBytes });
  const claimed = new Set<string>();
  const missing: string[] = [];
  const take = (key: string): NDArray | undefined => {
    const a = Object.hasOwn(file, key) ? file[key] : undefined;
    if (a) claimed.add(key);
    else missing.push(key);
    return a;
  };
  const values: [SharedVariable, NDArray][] = [];
  for (const [n, v] of vars) {
    const a = take(n);
    if (!a) continue;
    const t = v.type;
    const fits = a.dtype === t.dtype && a.ndim === t.ndim &&
      t.shape.every((d, i) => d === null || d === a.shape[i]);
    if (!fits) {
      throw new InputError(
        `${where}: entry '${n}' is ${a.dtype} of shape (${a.shape.join(", ")}), which shared variable ` +
          `${v.describe()} cannot hold (dtypes must match exactly); nothing was loaded`,
      );
    }
    const now = v.getValue({ borrow: true }).shape;
    if (!allowShapeChange && now.join() !== a.shape.join()) {
      throw new InputError(
        `${where}: entry '${n}' has shape (${a.shape.join(", ")}) but shared variable ${v.describe()} ` +
          `now holds shape (${now.join(", ")}); pass { allowShapeChange: true } to load it anyway; ` +
          `nothing was loaded`,
      );
    }
    values.push([v, a]);
  }
  const states: [RandomStreamsBase, RandomStateJSON, string][] = [];
  for (const [prefix, s] of streams) {
    const base = take(`${prefix}base`);
    const st = s.stateUpdates.map((_, k) => take(`${prefix}state${k}`));
    if (!base || st.some((a) => !a)) continue;
    const json: RandomStateJSON = {
      generator: s.generator,
      version: 1,
      base: Array.from(base.data),
      states: st.map((a) => ({ shape: [...a!.shape], data: Array.from(a!.data) })),
    };
    states.push([s, json, prefix.slice(0, -1)]);
  }
  const extra = Object.keys(file).filter((k) => !claimed.has(k));
  if (strict && (missing.length || extra.length)) {
    throw new InputError(
      `${where}: the file does not match the model` +
        (missing.length ? `; missing entries: ${missing.join(", ")}` : "") +
        (extra.length ? `; entries no variable claims: ${extra.join(", ")}` : "") +
        ` (build the model the same way as when it was saved, or pass strict: false); nothing was loaded`,
    );
  }
  // random states: each setState checks before it changes anything; undo earlier ones on failure
  const before = states.map(([s]) => s.toJSON());
  let done = 0;
  try {
    for (const [s, json] of states) {
      s.setState(json);
      done++;
    }
  } catch (e) {
    for (let k = 0; k < done; k++) states[k][0].setState(before[k]);
    throw new InputError(`${where}: ${states[done][2]}: ${(e as Error).message}; nothing was loaded`, {
      cause: e,
    });
  }
  for (const [v, a] of values) v.setValue(a, { borrow: true });
}

/**
 * Save a model (shared variables, the shared variables of compiled functions, random
 * streams' state) to one `.npz` file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shared } from "../mod.ts";
 * import { loadModel, saveModel } from "./mod.ts";
 * const w = shared([[1, 2]], { name: "w", dtype: "float32" }), b = shared(0.5, { name: "b" });
 * const dir = await Deno.makeTempDir();
 * await saveModel(`${dir}/model.npz`, { shared: [w, b] });
 * b.setValue(7);
 * await loadModel(`${dir}/model.npz`, { shared: [w, b] });
 * assert(b.getValue().item() === 0.5);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveModel(
  path: PathLike,
  spec: ModelSpec,
  options: { compress?: boolean } = {},
): Promise<void> {
  const name = `saveModel('${path instanceof URL ? path.href : path}')`;
  checkOptions(name, options, { compress: bool });
  await writeBytes(path, await modelToNpz(spec, { ...options, name }), name);
}

/**
 * Load a model saved by `saveModel` into variables and streams built the same way;
 * everything is checked first (each saved shape against its variable's current value,
 * unless `allowShapeChange: true`) and nothing changes on error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MRGRandomStreams } from "../mod.ts";
 * import { loadModel, saveModel } from "./mod.ts";
 * const srng = new MRGRandomStreams(42);
 * const u = srng.uniform([2]);
 * const dir = await Deno.makeTempDir();
 * await saveModel(`${dir}/rng.npz`, { randomStreams: [srng] });
 * const before = u.rng.getValue().data.join();
 * srng.seed(7);
 * await loadModel(`${dir}/rng.npz`, { randomStreams: [srng] });
 * assert(u.rng.getValue().data.join() === before);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModel(
  source: PathLike | Uint8Array,
  spec: ModelSpec,
  options: LoadModelOptions = {},
): Promise<void> {
  if (source instanceof Uint8Array) {
    return modelFromNpz(source, spec, { name: "loadModel(bytes)", ...options });
  }
  const name = options.name ?? `loadModel('${source instanceof URL ? source.href : source}')`;
  checkOptions(name, options, LOAD_MODEL_OPTIONS); // before the file is read
  await modelFromNpz(await readBytes(source, name, options), spec, { ...options, name });
}
