/**
 * Runs the test suite under Node against the npm build: builds the package with
 * tools/build_npm.ts into a temporary folder, compiles the test files (and the Deno shim)
 * with the same compiler options beside it — so a test's `../mod.ts` import is the npm
 * build's `mod.js` — copies the test data, and runs `node --import ./tests/bun/deno_shim.js
 * --test` on them. Files that need Deno (or load TypeScript sources) are left out, with
 * reasons, in tests/bun/excluded.ts.
 *
 * Usage: `deno task test:node` (or `bun tests/bun/run_node.ts`); `--keep` leaves the
 * folder in place, `--no-check` skips type checking the build.
 * @module
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { buildNpm, compilerArgs, fixSpecifiers, ROOT, runTsc } from "../../tools/build_npm.ts";
import { EXCLUDED_TESTS, NODE_EXCLUDED_TESTS } from "./excluded.ts";
import { selectTests } from "./run.ts";

/** Folders named `testdata` under the root (outside node_modules and build output). */
function testdataDirs(dir: string = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || ["node_modules", "npm", ".git", "docs"].includes(e.name)) continue;
    const p = join(dir, e.name);
    if (e.name === "testdata") out.push(relative(ROOT, p));
    else out.push(...testdataDirs(p));
  }
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      keep: { type: "boolean" },
      "no-check": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log("usage: deno task test:node [-- --keep] [--no-check]");
    process.exit(0);
  }
  const tmp = mkdtempSync(join(tmpdir(), "hypatia_node_tests_"));
  const pkg = join(tmp, "package");
  let status = 1;
  try {
    buildNpm({ out: pkg, check: !values["no-check"] });
    const { files, excluded: excludedFiles } = selectTests(true);
    const excluded = { ...excludedFiles, ...EXCLUDED_TESTS, ...NODE_EXCLUDED_TESTS };
    const dataDirs = testdataDirs();
    const testdataScripts = dataDirs.flatMap((d) =>
      readdirSync(join(ROOT, d)).filter((f) => f.endsWith(".ts")).map((f) => join(d, f))
    );
    // Scripts that tests run in child processes (`deno run x.ts` becomes `node x.js`).
    const scripts = readdirSync(join(ROOT, "scripts"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith("_test.ts")).map((f) => join("scripts", f));
    const sources = [...files, ...testdataScripts, ...scripts, "tests/bun/deno_shim.ts"].map((f) =>
      join(ROOT, f)
    );
    // Types of the tests are checked by Deno; here they are only compiled.
    runTsc([...sources, ...compilerArgs(pkg), "--noCheck", "--declaration", "false"]);
    fixSpecifiers(pkg);
    for (const d of dataDirs) cpSync(join(ROOT, d), join(pkg, d), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(tmp, "node_modules"), "dir");

    console.log(`Not run under Node (${Object.keys(excluded).length}, see tests/bun/excluded.ts):`);
    for (const [what, why] of Object.entries(excluded)) console.log(`  ${what}: ${why}`);
    const js = files.map((f) => `./${f.replace(/\.ts$/, ".js")}`);
    const r = spawnSync("node", ["--import", "./tests/bun/deno_shim.js", "--test", ...js], {
      cwd: pkg,
      stdio: "inherit",
    });
    status = r.status ?? 1;
  } finally {
    if (values.keep) console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(status);
}
