/**
 * Builds the npm package into `npm/` (gitignored): the entry points `mod.ts`, `expr.ts`,
 * `io/mod.ts`, `plot/mod.ts`, `progress/mod.ts` and `onnx/mod.ts` compiled by TypeScript's own compiler
 * (`node_modules/.bin/tsc`) to ES modules with `.d.ts` declarations, plus a generated
 * `package.json` and the README.
 *
 * Relative imports in the sources end in `.ts` (Deno's convention); TypeScript's
 * `rewriteRelativeImportExtensions` turns them into `.js` in the emitted JavaScript, and a
 * small post-pass does the same in the declaration files, which the compiler leaves as
 * written. The same post-pass turns `npm:` specifiers into bare package names
 * (tools/npm_specifiers.ts); the compiler sees them through ambient module declarations
 * (tools/npm_specifiers.d.ts, checked against the sources at every build). Every npm package the optional entries import becomes an optional peer
 * dependency, so installing `hypatia` installs nothing else. Written with `node:` APIs only, so it runs under Deno (`deno task build:npm`),
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
import { type NpmSpecifier, rewriteNpmSpecifiers } from "./npm_specifiers.ts";

/** The name of the npm package. */
export const PACKAGE_NAME = "hypatia";

/** The repository root (this file lives in tools/). */
export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry points of the npm package: subpath -> source file (relative to the root). */
export const ENTRIES: Record<string, string> = {
  ".": "mod.ts",
  "./expr": "expr.ts",
  "./io": "io/mod.ts",
  "./plot": "plot/mod.ts",
  "./progress": "progress/mod.ts",
  "./onnx": "onnx/mod.ts",
};

/**
 * npm packages an entry finds at run time without importing them (plot/mod.ts resolves
 * the font package's files), with their ranges looked up in the dev package.json.
 */
const RESOURCE_PACKAGES = ["dejavu-fonts-ttf"];

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

/** What {@link fixSpecifiers} found in the emitted files. */
export interface EmittedImports {
  /** Number of `.js` files. */
  jsFiles: number;
  /** Version range of each package imported by an `npm:` specifier (as written in it). */
  npm: Map<string, string>;
  /** Packages imported by bare name (ranges come from the dev package.json). */
  bare: Set<string>;
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
 * Bare package imports (`from "vega"`, `import("fflate/sub")`), not relative, absolute or
 * `scheme:` ones; doc comments' imports of the package itself (`from "hypatia"`) are left out.
 */
const BARE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["']((?:@[^/"']+\/)?[^./"':][^/"':]*)(?:\/[^"']*)?["']/g;

/**
 * Rewrites relative `.ts` specifiers to `.js` in every emitted `.js` and `.d.ts` file
 * under `dir` (the compiler rewrites the JavaScript but not the declarations), and `npm:`
 * specifiers to bare names; returns what the files import.
 */
export function fixSpecifiers(dir: string): EmittedImports {
  const found: EmittedImports = { jsFiles: 0, npm: new Map(), bare: new Set() };
  const add = (s: NpmSpecifier, file: string) => {
    const range = found.npm.get(s.name);
    if (range !== undefined && range !== s.range) {
      throw new Error(`build_npm: ${s.name} is imported as both @${range} and @${s.range} (${file})`);
    }
    found.npm.set(s.name, s.range);
  };
  for (const file of walk(dir)) {
    if (file.endsWith(".js")) found.jsFiles++;
    if (file.endsWith(".d.ts") || file.endsWith(".js")) {
      const text = readFileSync(file, "utf8");
      const npm = rewriteNpmSpecifiers(text);
      for (const s of npm.found) add(s, file);
      if (file.endsWith(".js")) {
        for (const m of text.matchAll(BARE_IMPORT)) if (m[1] !== PACKAGE_NAME) found.bare.add(m[1]);
      }
      const fixed = rewriteSpecifiers(npm.text);
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
  return found;
}

/**
 * The file that lets the compiler type `npm:` imports: for each specifier in the library's
 * sources, an ambient module re-exporting the installed package (bare names resolve from
 * tools/ to the root's node_modules). Committed, since the build may not write in the root.
 */
export const NPM_DECLARATIONS: string = join(ROOT, "tools", "npm_specifiers.d.ts");

/** The text {@link NPM_DECLARATIONS} must hold. */
export function npmDeclarations(): string {
  const specifiers = new Set<string>();
  const skip = new Set(["node_modules", "npm", "tests", "bench", "tools", "scripts", "docs", ".git"]);
  const scan = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name) && !e.name.startsWith(".")) scan(p);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
        for (const m of readFileSync(p, "utf8").matchAll(/["'](npm:[^"'\n]+)["']/g)) specifiers.add(m[1]);
      }
    }
  };
  scan(ROOT);
  const header =
    "// Generated from the sources' npm: specifiers by npmDeclarations() in tools/build_npm.ts.\n";
  return header + [...specifiers].sort().map((spec) => {
    const bare = rewriteNpmSpecifiers(`from "${spec}"`).text.slice(6, -1);
    return `declare module "${spec}" {\n  export * from "${bare}";\n}\n`;
  }).join("");
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
  const declarations = readFileSync(NPM_DECLARATIONS, "utf8");
  if (declarations !== npmDeclarations()) {
    throw new Error(
      `build_npm: ${NPM_DECLARATIONS} does not declare exactly the npm: specifiers of the sources; ` +
        `it must read:\n${npmDeclarations()}`,
    );
  }
  const args = [...entries.map(([, file]) => join(ROOT, file)), NPM_DECLARATIONS, ...compilerArgs(out)];
  if (options.check === false) args.push("--noCheck");
  if (options.verbose) console.log(`tsc ${args.join(" ")}`);
  runTsc(args);
  const imports = fixSpecifiers(out);

  const exportsField: Record<string, { types: string; default: string }> = {};
  for (const [sub, file] of entries) {
    const base = `./${file.replace(/\.ts$/, "")}`;
    exportsField[sub] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  // Only optional entries import packages (the core imports none), so each is an optional peer.
  const peers = new Map(imports.npm);
  for (const name of [...imports.bare, ...RESOURCE_PACKAGES]) {
    if (!peers.has(name)) peers.set(name, versionRange(name, devPkg));
  }
  const names = [...peers.keys()].sort();
  const peerDependencies = Object.fromEntries(names.map((n) => [n, peers.get(n)!]));
  const peerDependenciesMeta = Object.fromEntries(names.map((n) => [n, { optional: true }]));
  const packageJson: Record<string, unknown> = {
    name: PACKAGE_NAME,
    version,
    description: "Symbolic tensors for scientific scripts, in the tradition of Theano: " +
      "graphs, automatic differentiation, compiled CPU and WebGPU functions.",
    license: denoJson.license,
    type: "module",
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: exportsField,
    engines: devPkg.engines, // the Node versions the README promises
    keywords: ["theano", "tensor", "autodiff", "symbolic", "webgpu", "numpy", "deep-learning"],
    peerDependencies,
    peerDependenciesMeta,
  };
  writeFileSync(join(out, "package.json"), JSON.stringify(packageJson, null, 2) + "\n");
  if (existsSync(join(ROOT, "README.md"))) cpSync(join(ROOT, "README.md"), join(out, "README.md"));
  if (existsSync(join(ROOT, "LICENSE"))) cpSync(join(ROOT, "LICENSE"), join(out, "LICENSE"));
  return { out, packageJson, jsFiles: imports.jsFiles };
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

Compiles mod.ts, expr.ts, io/mod.ts, plot/mod.ts, progress/mod.ts and onnx/mod.ts with node_modules/.bin/tsc into ES modules and
.d.ts files in npm/ (or DIR) with a package.json named "hypatia". Then: cd npm && npm pack.`);
  } else {
    const r = buildNpm(values);
    console.log(`built ${r.packageJson.name}@${r.packageJson.version} in ${r.out} (${r.jsFiles} .js files)`);
  }
}
