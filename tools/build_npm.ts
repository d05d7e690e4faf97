/**
 * Builds the npm package into `npm/` (gitignored): the entry points `mod.ts`, `expr.ts`
 * and `io/mod.ts` compiled by TypeScript's own compiler (`node_modules/.bin/tsc`) to
 * ES modules with `.d.ts` declarations, plus a generated `package.json` and the README.
 *
 * Relative imports in the sources end in `.ts` (Deno's convention); TypeScript's
 * `rewriteRelativeImportExtensions` turns them into `.js` in the emitted JavaScript, and a
 * small post-pass does the same in the declaration files, which the compiler leaves as
 * written. Written with `node:` APIs only, so it runs under Deno (`deno task build:npm`),
 * Bun (`bun tools/build_npm.ts`) and Node ≥ 22.6 with type stripping.
 *
 * Usage: `deno run -A tools/build_npm.ts [--out DIR] [--version X.Y.Z]`
 * @module
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The repository root (this file lives in tools/). */
export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry points of the npm package: subpath -> source file (relative to the root). */
export const ENTRIES: Record<string, string> = {
  ".": "mod.ts",
  "./expr": "expr.ts",
  "./io": "io/mod.ts",
};

/** npm packages the optional entries import, looked up in the dev package.json. */
const ENTRY_DEPENDENCIES = ["mathjs"];

/** Options of {@link buildNpm}. */
export interface BuildOptions {
  /** Output folder (default `<root>/npm`); emptied first. */
  out?: string;
  /** Package version (default: `version` in deno.json). */
  version?: string;
  /** Print what is done. */
  verbose?: boolean;
  /** Type-check while compiling (default true; false passes `--noCheck`). */
  check?: boolean;
}

/** What {@link buildNpm} made. */
export interface BuildResult {
  /** The output folder. */
  out: string;
  /** The generated package.json. */
  packageJson: Record<string, unknown>;
  /** Number of emitted `.js` files. */
  jsFiles: number;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Rewrites relative `.ts` specifiers (`from "./a.ts"`, `import("./a.ts")`) to `.js`. */
export function rewriteSpecifiers(text: string): string {
  return text.replace(
    /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g,
    (_m, pre: string, q: string, spec: string) => `${pre}${q}${spec}.js${q}`,
  );
}

function versionRange(name: string, pkg: Record<string, Record<string, string>>): string {
  const v = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
  if (!v) throw new Error(`build_npm: ${name} is not in package.json`);
  return v;
}

/** The path of the TypeScript compiler the build uses. */
export const TSC: string = join(ROOT, "node_modules", ".bin", "tsc");

/** The compiler options of the npm build (ES2022 modules for Node ≥ 20 and Bun) writing to `out`. */
export function compilerArgs(out: string): string[] {
  return [
    "--ignoreConfig",
    "--outDir",
    out,
    "--rootDir",
    ROOT,
    "--target",
    "ES2022",
    "--lib",
    "ES2023,DOM,ESNext.Disposable",
    "--module",
    "NodeNext",
    "--moduleResolution",
    "NodeNext",
    "--rewriteRelativeImportExtensions",
    "--allowImportingTsExtensions",
    "--declaration",
    "--strict",
    "--skipLibCheck",
    "--types",
    "node",
    "--newLine",
    "lf",
  ];
}

/** Runs `tsc` with `args` in the root, throwing its messages on failure. */
export function runTsc(args: string[]): void {
  const r = spawnSync(TSC, args, { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`build_npm: tsc failed (${r.status ?? r.error}):\n${r.stdout}${r.stderr}`);
  }
}

/**
 * Rewrites relative `.ts` specifiers to `.js` in every emitted `.js` and `.d.ts` file
 * under `dir` (the compiler rewrites the JavaScript but not the declarations); returns
 * the number of `.js` files.
 */
export function fixSpecifiers(dir: string): number {
  let jsFiles = 0;
  for (const file of walk(dir)) {
    if (file.endsWith(".js")) jsFiles++;
    if (file.endsWith(".d.ts") || file.endsWith(".js")) {
      const text = readFileSync(file, "utf8");
      const fixed = rewriteSpecifiers(text);
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
  return jsFiles;
}

/** Compiles the package into `options.out` (default `npm/`) and writes its package.json. */
export function buildNpm(options: BuildOptions = {}): BuildResult {
  const out = resolve(options.out ?? join(ROOT, "npm"));
  const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
  const devPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const version = options.version ?? denoJson.version;
  const entries = Object.entries(ENTRIES).filter(([, file]) => existsSync(join(ROOT, file)));

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const args = [...entries.map(([, file]) => join(ROOT, file)), ...compilerArgs(out)];
  if (options.check === false) args.push("--noCheck");
  if (options.verbose) console.log(`tsc ${args.join(" ")}`);
  runTsc(args);
  const jsFiles = fixSpecifiers(out);

  const exportsField: Record<string, { types: string; default: string }> = {};
  for (const [sub, file] of entries) {
    const base = `./${file.replace(/\.ts$/, "")}`;
    exportsField[sub] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  const dependencies: Record<string, string> = {};
  for (const name of ENTRY_DEPENDENCIES) dependencies[name] = versionRange(name, devPkg);
  const packageJson: Record<string, unknown> = {
    name: "hypatia",
    version,
    description: "Symbolic tensors for scientific scripts, in the tradition of Theano: " +
      "graphs, automatic differentiation, compiled CPU and WebGPU functions.",
    license: denoJson.license,
    type: "module",
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: exportsField,
    engines: { node: ">=20" },
    keywords: ["theano", "tensor", "autodiff", "symbolic", "webgpu", "numpy", "deep-learning"],
    dependencies,
  };
  writeFileSync(join(out, "package.json"), JSON.stringify(packageJson, null, 2) + "\n");
  if (existsSync(join(ROOT, "README.md"))) cpSync(join(ROOT, "README.md"), join(out, "README.md"));
  if (existsSync(join(ROOT, "LICENSE"))) cpSync(join(ROOT, "LICENSE"), join(out, "LICENSE"));
  return { out, packageJson, jsFiles };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      version: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(`usage: deno task build:npm [-- --out DIR] [--version X.Y.Z] [--verbose]

Compiles mod.ts, expr.ts and io/mod.ts with node_modules/.bin/tsc into ES modules and
.d.ts files in npm/ (or DIR) with a package.json named "hypatia". Then: cd npm && npm pack.`);
  } else {
    const r = buildNpm(values);
    console.log(`built ${r.packageJson.name}@${r.packageJson.version} in ${r.out} (${r.jsFiles} .js files)`);
  }
}
