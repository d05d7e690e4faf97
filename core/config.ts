/**
 * Global configuration, read once from `HYPATIA_FLAGS` when the process may read the
 * environment (and silently left at its defaults when it may not, so a script run
 * with no Deno permissions still works).
 * @module
 */
import type { DType } from "./dtype.ts";

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
}

/**
 * The live configuration. Assign to its fields to change defaults; variables and
 * functions made afterwards follow them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { config } from "./config.ts";
 * import { vector } from "../ops/constructors.ts";
 * const saved = config.floatX;
 * config.floatX = "float32";
 * assert(vector("v").dtype === "float32"); // unprefixed constructors use floatX
 * config.floatX = saved;
 * ```
 */
export const config: Config = {
  floatX: "float64",
  device: "cpu",
  traceback: true,
  mode: "FAST_RUN",
  threads: defaultThreads(),
  wasm: true,
};

/** The core count where the runtime tells it, else 1. */
function defaultThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Parse `"floatX=float32,device=webgpu"` into `config`; throws on unknown keys. */
export function applyFlags(flags: string): void {
  for (const part of flags.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = part.split("=").map((s) => s.trim());
    switch (key) {
      case "floatX":
        if (value !== "float32" && value !== "float64") {
          throw new Error(`HYPATIA_FLAGS: floatX must be float32 or float64, got "${value}"`);
        }
        config.floatX = value;
        break;
      case "device":
        if (value !== "cpu" && value !== "webgpu" && value !== "auto") {
          throw new Error(`HYPATIA_FLAGS: device must be cpu, webgpu or auto, got "${value}"`);
        }
        config.device = value;
        break;
      case "traceback":
        config.traceback = value !== "0" && value !== "false";
        break;
      case "mode":
        if (value !== "FAST_RUN" && value !== "FAST_COMPILE") {
          throw new Error(`HYPATIA_FLAGS: mode must be FAST_RUN or FAST_COMPILE, got "${value}"`);
        }
        config.mode = value;
        break;
      case "threads": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) {
          throw new Error(`HYPATIA_FLAGS: threads must be a positive integer, got "${value}"`);
        }
        config.threads = n;
        break;
      }
      case "wasm":
        if (!["0", "1", "false", "true"].includes(value)) {
          throw new Error(`HYPATIA_FLAGS: wasm must be 0, 1, false or true, got "${value}"`);
        }
        config.wasm = value === "1" || value === "true";
        break;
      default:
        throw new Error(`HYPATIA_FLAGS: unknown flag "${key}"`);
    }
  }
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
