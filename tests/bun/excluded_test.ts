/**
 * The exclusion lists name tests and files exactly, so a renamed test or a moved file
 * would silently start running under Bun and Node (or stop being excluded for a
 * reason that no longer holds). These checks make that loud instead.
 */
import assert from "node:assert/strict";
import { EXCLUDED_FILES, EXCLUDED_TESTS, NODE_EXCLUDED_FILES, NODE_EXCLUDED_TESTS } from "./excluded.ts";

const root = new URL("../../", import.meta.url);

/** Every `*_test.ts` file under the root (relative paths), outside node_modules and npm/. */
function testFiles(dir = root, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) {
      if (["node_modules", "npm", ".git", "docs"].includes(e.name)) continue;
      out.push(...testFiles(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    } else if (e.name.endsWith("_test.ts")) out.push(`${prefix}${e.name}`);
  }
  return out;
}

Deno.test("excluded tests and files exist: every name in tests/bun/excluded.ts is a Deno.test of the suite", () => {
  const files = testFiles();
  const sources = files.map((f) => Deno.readTextFileSync(new URL(f, root)));
  for (const name of Object.keys({ ...EXCLUDED_TESTS, ...NODE_EXCLUDED_TESTS })) {
    const quoted = [`"${name}"`, `\`${name}\``, `'${name}'`];
    assert.ok(
      sources.some((src) => quoted.some((q) => src.includes(q))),
      `tests/bun/excluded.ts names a test that no *_test.ts defines (renamed?): ${name}`,
    );
  }
  for (const file of Object.keys({ ...EXCLUDED_FILES, ...NODE_EXCLUDED_FILES })) {
    assert.ok(files.includes(file), `tests/bun/excluded.ts names a missing test file (moved?): ${file}`);
  }
});
