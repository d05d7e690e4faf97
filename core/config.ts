/**
 * Global configuration, read once from `HYPATIA_FLAGS` when the process may read the
 * environment (and silently left at its defaults when it may not, so a script run
 * with no Deno permissions still works).
 * @module
 */
import type { DType } from "./dtype.ts";
import { InputError } from "./errors.ts";
import { bool, nearestKey, oneOf, type OptionKind } from "./options.ts";

/** Where a compiled function runs (`function(..., { device })`). */
export type DeviceName = "cpu" | "webgpu" | "auto";

/** The mutable configuration object, like Theano's `theano.config`. */
export interface Config {
  /** dtype of float variables made without a prefix and of float literals. */
  floatX: "float64" | "float32";
  /**
   * The configured device (`HYPATIA_FLAGS=device=webgpu`), for functions compiled with
   * `{ device: config.device }`. Functions compiled without a `device` option run on the
   * CPU whatever this says, since their type says they return synchronously.
   */
  device: DeviceName;
  /** Record the user's source line for each node (a cheap stack capture). */
  traceback: boolean;
  /** Default rewrite mode. */
  mode: "FAST_RUN" | "FAST_COMPILE";
  /**
   * Threads for large CPU kernels of the WebAssembly engine, counting the main one
   * (default: the core count, `navigator.hardwareConcurrency`, else 1).
   * `HYPATIA_FLAGS=threads=1` keeps every kernel on the calling thread.
   */
  threads: number;
  /**
   * Run CPU kernels through the WebAssembly SIMD engine where the runtime has it
   * (matrix products, fused elementwise groups); false keeps every kernel in JS.
   * Read when a function is compiled. `HYPATIA_FLAGS=wasm=0` turns it off.
   */
  wasm: boolean;
  /**
   * Run matrix products through the system's BLAS (backends/blas) where one was opened:
   * `HYPATIA_BLAS` names it (`none` for no library), FFI must be permitted, and the
   * runtime must have FFI (Deno, Bun). Read when a function is compiled.
   * `HYPATIA_FLAGS=blas=0` turns it off.
   */
  blas: boolean;
}

/**
 * The live configuration. Assign to its fields to change defaults; variables and
 * functions made afterwards follow them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { config, vector } from "../mod.ts";
 * const saved = config.floatX;
 * config.floatX = "float32";
 * assert(vector("v").dtype === "float32"); // unprefixed constructors use floatX
 * config.floatX = saved;
 * ```
 */
export const config: Config = checkedConfig({
  floatX: "float64",
  device: "cpu",
  traceback: true,
  mode: "FAST_RUN",
  threads: defaultThreads(),
  wasm: true,
  blas: true,
});

/** The core count where the runtime tells it, else 1. */
function defaultThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * Each setting: what a value must be (an option kind of core/options.ts, whose words the
 * messages use), and how a HYPATIA_FLAGS string reads as one.
 */
const SETTINGS: { [K in keyof Config]: OptionKind & { parse(s: string): unknown } } = {
  floatX: { ...oneOf("float32", "float64"), parse: (s) => s },
  device: { ...oneOf("cpu", "webgpu", "auto"), parse: (s) => s },
  traceback: { ...bool, expected: "true or false (0 or 1)", parse: parseBool },
  mode: { ...oneOf("FAST_RUN", "FAST_COMPILE"), parse: (s) => s },
  threads: {
    expected: "a positive integer",
    test: (v) => typeof v === "number" && Number.isInteger(v) && v >= 1,
    parse: (s) => (s.trim() === "" ? NaN : Number(s)),
  },
  wasm: { ...bool, expected: "true or false (0 or 1)", parse: parseBool },
  blas: { ...bool, expected: "true or false (0 or 1)", parse: parseBool },
};

function parseBool(s: string): boolean | string {
  return s === "1" || s === "true" ? true : s === "0" || s === "false" ? false : s;
}

/** The setting a misspelt key most likely meant (`floatx` → `floatX`), and the list, for messages. */
function suggest(key: string): string {
  const near = nearestKey(key, Object.keys(SETTINGS));
  return (near ? `; did you mean "${near}"?` : "") + ` (settings: ${Object.keys(SETTINGS).join(", ")})`;
}

/** A config object that refuses unknown settings and wrong values instead of keeping them. */
function checkedConfig(values: Config): Config {
  return new Proxy(values, {
    set(target, key, value) {
      if (typeof key !== "string" || !Object.hasOwn(SETTINGS, key)) {
        throw new InputError(`config: unknown setting "${String(key)}"${suggest(String(key))}`);
      }
      const setting = SETTINGS[key as keyof Config];
      if (!setting.test(value)) {
        throw new InputError(
          `config: ${key} must be ${setting.expected}, got ${JSON.stringify(value) ?? String(value)}`,
        );
      }
      (target as unknown as Record<string, unknown>)[key] = value;
      return true;
    },
    defineProperty(_target, key) {
      throw new InputError(`config: settings are assigned, not defined (${String(key)})`);
    },
    deleteProperty(_target, key) {
      throw new InputError(`config: the setting "${String(key)}" cannot be deleted`);
    },
  });
}

/** Parse `"floatX=float32,device=webgpu"` into `config`; throws on unknown keys and bad values. */
export function applyFlags(flags: string): void {
  const parsed: [keyof Config, unknown][] = [];
  for (const part of flags.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [key, value = ""] = part.split("=").map((s) => s.trim());
    if (!Object.hasOwn(SETTINGS, key)) {
      throw new InputError(`HYPATIA_FLAGS: unknown flag "${key}"${suggest(key)}`);
    }
    const setting = SETTINGS[key as keyof Config];
    const v = setting.parse(value);
    if (!setting.test(v)) {
      throw new InputError(`HYPATIA_FLAGS: ${key} must be ${setting.expected}, got "${value}"`);
    }
    parsed.push([key as keyof Config, v]);
  }
  // All or nothing: a bad flag leaves the configuration as it was.
  for (const [key, v] of parsed) (config as unknown as Record<string, unknown>)[key] = v;
}

/** Read an environment variable without prompting and without failing. */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    Deno?: {
      permissions?: { querySync?(d: { name: string; variable: string }): { state: string } };
      env: { get(k: string): string | undefined };
    };
    process?: { env: Record<string, string | undefined> };
  };
  try {
    if (g.Deno) {
      const state = g.Deno.permissions?.querySync?.({ name: "env", variable: name }).state;
      if (state !== "granted") return undefined;
      return g.Deno.env.get(name);
    }
    return g.process?.env?.[name];
  } catch {
    return undefined;
  }
}

const flags = readEnv("HYPATIA_FLAGS");
if (flags) applyFlags(flags);

/** The default float dtype now. */
export function floatX(): DType {
  return config.floatX;
}
