/**
 * Runs the test suite under Bun: every `*_test.ts` file except those listed in
 * tests/bun/excluded.ts, through `bun test` with the Deno shim preloaded.
 *
 * Usage: `bun tests/bun/run.ts [bun test options, e.g. -t NAME]` (also `npm run test:bun`
 * and `deno task test:bun`).
 * @module
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { EXCLUDED_TESTS, exclusionReason } from "./excluded.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SKIP_DIRS = new Set(["node_modules", "npm", ".git", "docs"]);

/**
 * The test files to run and those left out (file -> reason): every `*_test.ts` under the
 * root, less the exclusions of tests/bun/excluded.ts for Bun, or for Node with `node`.
 */
export function selectTests(node: boolean): { files: string[]; excluded: Record<string, string> } {
  const files: string[] = [];
  const excluded: Record<string, string> = {};
  for (const f of testFiles()) {
    const why = exclusionReason(f, readFileSync(join(root, f), "utf8"), node);
    if (why) excluded[f] = why;
    else files.push(f);
  }
  return { files, excluded };
}

/** Every `*_test.ts` file under the root, relative to it, sorted. */
export function testFiles(dir: string = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...testFiles(join(dir, e.name)));
    } else if (e.name.endsWith("_test.ts")) out.push(relative(root, join(dir, e.name)));
  }
  return out.sort();
}

if (import.meta.main) {
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") {
    console.error("tests/bun/run.ts runs under Bun: bun tests/bun/run.ts");
    process.exit(2);
  }
  const selected = selectTests(false);
  const files = selected.files;
  const excluded = { ...selected.excluded, ...EXCLUDED_TESTS };
  console.log(`Not run under Bun (${Object.keys(excluded).length}, see tests/bun/excluded.ts):`);
  for (const [what, why] of Object.entries(excluded)) console.log(`  ${what}: ${why}`);
  // onnxruntime-web, once loaded in a Bun process, leaves a Worker made later in that
  // process unable to start (random/mrg_streams_test.ts's fresh-isolate test then hangs), so
  // the tests that load it run in a `bun test` process of their own, after the others.
  const apart = (f: string) => f.startsWith("onnx/") || f === "scripts/export_onnx_test.ts";
  const groups = [files.filter((f) => !apart(f)), files.filter(apart)].filter((g) => g.length > 0);
  let status = 0;
  for (const group of groups) {
    const r = spawnSync(
      process.execPath,
      [
        "test",
        "--preload",
        "./tests/bun/deno_shim.ts",
        ...process.argv.slice(2),
        ...group.map((f) => `./${f}`),
      ],
      { cwd: root, stdio: "inherit" },
    );
    if (status === 0) status = r.status ?? 1;
  }
  process.exit(status);
}
