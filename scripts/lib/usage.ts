/**
 * The first line of a script's `--help`: the command that runs it under the runtime
 * running it now (`deno run` with the flags it needs, `bun`, or `node` for the compiled
 * script), so the help is right whichever runtime printed it.
 * @module
 */
import process from "node:process";

/** Which runtime this is. */
export function runtimeName(): "deno" | "bun" | "node" {
  const g = globalThis as { Deno?: { version?: unknown }; Bun?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno?.version !== undefined) return "deno";
  return "node";
}

/**
 * `usage: <command> <script> [args]` for the current runtime.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usage } from "./usage.ts";
 * assert.equal(usage("scripts/x.ts", "[options]", ["--allow-ffi"]), "usage: deno run --allow-ffi scripts/x.ts [options]");
 * ```
 */
export function usage(script: string, args = "", denoFlags: string[] = []): string {
  const tail = args ? ` ${args}` : "";
  switch (runtimeName()) {
    case "deno":
      return `usage: deno run ${[...denoFlags, script].join(" ")}${tail}`;
    case "bun":
      return `usage: bun ${script}${tail}`;
    default:
      return `usage: ${process.argv0 || "node"} ${script.replace(/\.ts$/, ".js")}${tail}`;
  }
}
