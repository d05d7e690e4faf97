/**
 * A small `Deno` namespace for running the test suite under Bun's and Node's test runners
 * (preloaded: `bun test --preload ./tests/bun/deno_shim.ts`, see tests/bun/run.ts, and
 * `node --import ./tests/bun/deno_shim.js --test`, see tests/bun/run_node.ts). `Deno.test`
 * maps to `bun:test`'s or `node:test`'s `test`, and the handful of `Deno.*` APIs the tests
 * use are built on `node:` modules. `Deno.execPath()` is the running Bun or Node, and
 * `new Deno.Command(Deno.execPath(), { args: ["run", ...flags, script, ...rest] })` runs
 * `bun --preload <this shim> script ...rest` (Node: `node --import <this shim> script.js`),
 * so a test's "fresh process" runs on the same runtime.
 *
 * Tests that need Deno itself are listed, with reasons, in tests/bun/excluded.ts.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Buffer } from "node:buffer";
import { EXCLUDED_TESTS, NODE_EXCLUDED_TESTS } from "./excluded.ts";

const SHIM = fileURLToPath(import.meta.url);
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
/** The runtime's test API (importing bun:test is allowed outside `bun test`; calling it is not). */
const testApi: { test: typeof import("node:test").test } = isBun
  ? await import("bun:test" as string)
  : await import("node:test");
const excludedTests: Record<string, string> = isBun
  ? EXCLUDED_TESTS
  : { ...EXCLUDED_TESTS, ...NODE_EXCLUDED_TESTS };

type PathLike = string | URL;
const p = (path: PathLike): string => (path instanceof URL ? fileURLToPath(path) : path);

interface TestContext {
  name: string;
  step(
    nameOrDef: string | StepDef | ((t: TestContext) => unknown),
    fn?: (t: TestContext) => unknown,
  ): Promise<boolean>;
}
interface StepDef {
  name: string;
  fn: (t: TestContext) => unknown;
  ignore?: boolean;
}
interface TestDef {
  name?: string;
  fn?: (t: TestContext) => unknown;
  ignore?: boolean;
  only?: boolean;
}

function context(name: string): TestContext {
  return {
    name,
    async step(nameOrDef, fn) {
      const def: StepDef = typeof nameOrDef === "string"
        ? { name: nameOrDef, fn: fn! }
        : typeof nameOrDef === "function"
        ? { name: nameOrDef.name, fn: nameOrDef }
        : nameOrDef;
      if (def.ignore) return false;
      await def.fn(context(`${name} > ${def.name}`));
      return true;
    },
  };
}

/** `Deno.test` in all its overloads, registered with `bun:test`. */
function denoTest(a: string | TestDef | ((t: TestContext) => unknown), b?: unknown, c?: unknown): void {
  let def: TestDef;
  if (typeof a === "string") {
    def = typeof b === "function"
      ? { name: a, fn: b as TestDef["fn"] }
      : { ...(b as TestDef), name: a, fn: c as TestDef["fn"] };
  } else if (typeof a === "function") {
    def = { name: a.name, fn: a };
  } else {
    def = typeof b === "function" ? { ...a, fn: b as TestDef["fn"] } : a;
  }
  const name = def.name ?? "(unnamed)";
  const fn = def.fn!;
  const skip = def.ignore || name in excludedTests;
  const body = async () => void (await fn(context(name)));
  if (isBun) {
    const { test } = testApi as unknown as typeof import("bun:test");
    if (skip) test.skip(name, () => {});
    else test(name, body, { timeout: 600_000 });
  } else {
    testApi.test(name, { skip }, body);
  }
}

interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
}
const entry = (d: fs.Dirent): DirEntry => ({
  name: d.name,
  isFile: d.isFile(),
  isDirectory: d.isDirectory(),
  isSymlink: d.isSymbolicLink(),
});

interface CommandOptions {
  args?: string[];
  cwd?: PathLike;
  env?: Record<string, string>;
  clearEnv?: boolean;
  stdin?: "piped" | "inherit" | "null";
  stdout?: "piped" | "inherit" | "null";
  stderr?: "piped" | "inherit" | "null";
}
interface CommandOutput {
  code: number;
  success: boolean;
  signal: string | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** `deno run [flags] script ...rest` becomes `bun --preload <shim> script ...rest`. */
function translate(cmd: string, args: string[]): [string, string[]] {
  if (cmd !== process.execPath) return [cmd, args];
  if (args[0] !== "run") throw new Error(`Deno shim: cannot run \`deno ${args.join(" ")}\` here`);
  const rest = args.slice(1);
  const [script, ...scriptArgs] = rest.slice(rest.findIndex((a) => !a.startsWith("-")));
  if (isBun) return [cmd, ["--preload", SHIM, script, ...scriptArgs]];
  // Node runs the tests compiled to .js (tests/bun/run_node.ts): run the compiled script.
  const js = script.replace(/\.ts$/, ".js");
  return [cmd, ["--import", SHIM, fs.existsSync(js) ? js : script, ...scriptArgs]];
}

const stdio = (s: CommandOptions["stdout"], dflt: "pipe" | "inherit") =>
  s === undefined ? dflt : s === "piped" ? "pipe" : s === "null" ? "ignore" : "inherit";

class Command {
  #cmd: string;
  #options: CommandOptions;
  constructor(cmd: PathLike, options: CommandOptions = {}) {
    this.#cmd = p(cmd);
    this.#options = options;
  }
  #spawnArgs() {
    const [cmd, args] = translate(this.#cmd, this.#options.args ?? []);
    const env = this.#options.clearEnv ? { ...this.#options.env } : { ...process.env, ...this.#options.env };
    const cwd = this.#options.cwd === undefined ? undefined : p(this.#options.cwd);
    const io = [
      stdio(this.#options.stdin, "pipe") === "pipe" ? "ignore" : stdio(this.#options.stdin, "inherit"),
      stdio(this.#options.stdout, "pipe"),
      stdio(this.#options.stderr, "pipe"),
    ] as ("pipe" | "inherit" | "ignore")[];
    return { cmd, args, options: { cwd, env, stdio: io } };
  }
  output(): Promise<CommandOutput> {
    const { cmd, args, options } = this.#spawnArgs();
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, options);
      const out: Uint8Array[] = [], err: Uint8Array[] = [];
      child.stdout?.on("data", (d: Uint8Array) => out.push(d));
      child.stderr?.on("data", (d: Uint8Array) => err.push(d));
      child.on("error", reject);
      child.on("close", (code, signal) =>
        resolve({
          code: code ?? 1,
          success: code === 0,
          signal,
          stdout: new Uint8Array(Buffer.concat(out)),
          stderr: new Uint8Array(Buffer.concat(err)),
        }));
    });
  }
  outputSync(): CommandOutput {
    const { cmd, args, options } = this.#spawnArgs();
    const r = spawnSync(cmd, args, options);
    if (r.error) throw r.error;
    return {
      code: r.status ?? 1,
      success: r.status === 0,
      signal: r.signal,
      stdout: new Uint8Array(r.stdout ?? []),
      stderr: new Uint8Array(r.stderr ?? []),
    };
  }
}

let tempCount = 0;
const tempName = (o: { prefix?: string; suffix?: string; dir?: string } = {}) =>
  join(o.dir ?? tmpdir(), `${o.prefix ?? ""}${process.pid}_${Date.now()}_${tempCount++}${o.suffix ?? ""}`);

const Deno = {
  test: denoTest,
  args: process.argv.slice(2),
  build: { os: process.platform },
  env: {
    get: (k: string) => process.env[k],
    set: (k: string, v: string) => void (process.env[k] = v),
    delete: (k: string) => void delete process.env[k],
    toObject: () => ({ ...process.env }),
  },
  permissions: {
    querySync: () => ({ state: "granted" }),
    query: () => Promise.resolve({ state: "granted" }),
  },
  execPath: () => process.execPath,
  cwd: () => process.cwd(),
  exit: (code?: number) => process.exit(code),
  memoryUsage: () => process.memoryUsage(),
  Command,
  readFile: async (f: PathLike) => new Uint8Array(await fsp.readFile(p(f))),
  readFileSync: (f: PathLike) => new Uint8Array(fs.readFileSync(p(f))),
  readTextFile: (f: PathLike) => fsp.readFile(p(f), "utf8"),
  readTextFileSync: (f: PathLike) => fs.readFileSync(p(f), "utf8"),
  writeFile: (f: PathLike, d: Uint8Array) => fsp.writeFile(p(f), d),
  writeFileSync: (f: PathLike, d: Uint8Array) => fs.writeFileSync(p(f), d),
  writeTextFile: (f: PathLike, d: string) => fsp.writeFile(p(f), d),
  writeTextFileSync: (f: PathLike, d: string) => fs.writeFileSync(p(f), d),
  mkdir: async (f: PathLike, o?: { recursive?: boolean }) => void (await fsp.mkdir(p(f), o)),
  remove: (f: PathLike, o?: { recursive?: boolean }) => fsp.rm(p(f), { recursive: o?.recursive ?? false }),
  stat: async (f: PathLike) => {
    const s = await fsp.stat(p(f));
    return { size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory(), mtime: s.mtime };
  },
  makeTempDir: async (o?: { prefix?: string; suffix?: string; dir?: string }) => {
    const d = tempName(o);
    await fsp.mkdir(d);
    return d;
  },
  makeTempFile: async (o?: { prefix?: string; suffix?: string; dir?: string }) => {
    const f = tempName(o);
    await fsp.writeFile(f, "");
    return f;
  },
  readDirSync: (d: PathLike) => fs.readdirSync(p(d), { withFileTypes: true }).map(entry),
  async *readDir(d: PathLike): AsyncGenerator<DirEntry> {
    for (const e of await fsp.readdir(p(d), { withFileTypes: true })) yield entry(e);
  },
};

(globalThis as { Deno?: unknown }).Deno = Deno;
