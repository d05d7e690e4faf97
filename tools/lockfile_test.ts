/**
 * The lock file works on every machine and matches the README: it records every optional
 * dependency of every locked package (the other platforms' builds of Deno and Bun too), so
 * `npm ci` finds all it needs and `npm install` has nothing to add (npm drops them when it
 * rewrites a lock with node_modules present: npm/cli#4828; regenerate with
 * `npm install --package-lock-only`); and every locked package runs on the oldest Node the
 * README and package.json promise.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { nodeRangeAdmits } from "./node_range.ts";

const root = new URL("..", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8"));
type Entry = { version?: string; optionalDependencies?: Record<string, string>; engines?: { node?: string } };
const packages: Record<string, Entry> = lock.packages;

/** The lock entry npm would use for `name` required by the package at `from` (nearest node_modules up). */
function resolve(from: string, name: string): Entry | undefined {
  let dir = from;
  for (;;) {
    const hit = packages[`${dir ? `${dir}/` : ""}node_modules/${name}`];
    if (hit || dir === "") return hit;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

Deno.test("package-lock.json records every optional dependency of every locked package, for every platform", () => {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (!resolve(path, name)) missing.push(`${name} (optional dependency of ${path || "the root"})`);
    }
  }
  assert.deepEqual(missing, [], "regenerate the lock with `npm install --package-lock-only`");
  // The case that broke `npm ci`: Deno's builds for other platforms.
  assert.ok(packages["node_modules/@deno/darwin-arm64"] && packages["node_modules/@deno/win32-x64"]);
});

Deno.test("every locked package runs on the oldest Node that package.json and the README promise", () => {
  const oldest = /^>=(\d+\.\d+)$/.exec(pkg.engines?.node ?? "")?.[1];
  assert.ok(oldest, `package.json engines.node is ">=X.Y", not ${JSON.stringify(pkg.engines)}`);
  assert.equal(lock.packages[""].engines?.node, pkg.engines.node, "the lock is in step with package.json");
  const readme = readFileSync(new URL("README.md", root), "utf8");
  assert.ok(readme.includes(`Node ≥ ${oldest}`), `README promises Node ≥ ${oldest}`);
  const version = `${oldest}.0`;
  const refusing = Object.entries(packages)
    .filter(([path, e]) => path !== "" && e.engines?.node && !nodeRangeAdmits(e.engines.node, version))
    .map(([path, e]) => `${path}@${e.version} wants node ${e.engines!.node}`);
  assert.deepEqual(refusing, [], `packages that refuse Node ${version}`);
});
