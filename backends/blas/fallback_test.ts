/**
 * The engine chosen under each runtime and setting, in child processes: Deno with
 * --allow-ffi opens the system's BLAS; Deno without it, with HYPATIA_BLAS=none or with
 * HYPATIA_FLAGS=blas=0 runs the wasm engine (the permission is queried, never prompted
 * for); Bun opens it through bun:ffi. Every child computes the same products.
 */
import assert from "node:assert/strict";
import { openBlas } from "./library.ts";

const probe = new URL("./testdata/engine_probe.ts", import.meta.url).pathname;
const bun = new URL("../../node_modules/.bin/bun", import.meta.url).pathname;
/**
 * Whether this machine has a BLAS the default search finds (as the children search: they
 * get an empty HYPATIA_BLAS unless a test sets one). Needs --allow-ffi here to know.
 */
const present = openBlas(undefined).blas !== undefined;

interface Probe {
  cpu: string[];
  blas: string;
  gemm: number[];
  gemv: number[];
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Probe> {
  const out = await new Deno.Command(cmd, {
    args,
    // threads=1: a Deno child spawned by Deno that started the wasm worker pool was seen
    // not to exit after its last line (an issue of the pool, not of this engine).
    env: {
      HYPATIA_BLAS: "",
      ...env,
      HYPATIA_FLAGS: ["threads=1", env.HYPATIA_FLAGS].filter(Boolean).join(","),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout), err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")}: ${err}`);
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

const deno = (...flags: string[]) => ["run", "--allow-read", "--allow-env", ...flags, probe];

Deno.test("blas engine: chosen only where a library opens and FFI is permitted; the same products either way", async () => {
  const withFfi = await run(Deno.execPath(), deno("--allow-ffi"));
  const noFfi = await run(Deno.execPath(), deno());
  const off = await run(Deno.execPath(), deno("--allow-ffi"), { HYPATIA_BLAS: "none" });
  const flag = await run(Deno.execPath(), deno("--allow-ffi"), { HYPATIA_FLAGS: "blas=0" });
  const missing = await run(Deno.execPath(), deno("--allow-ffi"), { HYPATIA_BLAS: "/no/such/libblas.so" });

  if (present) {
    // This process opened a BLAS by the default search, so a child with the same rights does.
    assert.deepEqual(withFfi.cpu, ["blas", "wasm", "js"]);
    assert.match(withFfi.blas, /blas/i);
  }
  assert.deepEqual(noFfi.cpu, ["wasm", "js"]);
  assert.match(noFfi.blas, /not permitted/);
  assert.deepEqual(off.cpu, ["wasm", "js"]);
  assert.match(off.blas, /HYPATIA_BLAS=none/);
  assert.deepEqual(flag.cpu, ["wasm", "js"]);
  assert.match(flag.blas, /config\.blas is false/);
  assert.deepEqual(missing.cpu, ["wasm", "js"]);
  assert.match(missing.blas, /\/no\/such\/libblas\.so/);
  for (const p of [noFfi, off, flag, missing]) {
    assert.deepEqual(p.gemm, withFfi.gemm);
    assert.deepEqual(p.gemv, withFfi.gemv);
  }
});

Deno.test("blas engine: Bun opens the library through bun:ffi", async () => {
  const viaBun = await run(bun, [probe]);
  const noFfi = await run(Deno.execPath(), deno());
  // Bun needs no permission: it opens a library wherever one is found, and says so.
  assert.equal(viaBun.cpu.includes("blas"), !viaBun.blas.startsWith("no BLAS opened"), viaBun.blas);
  if (present) assert.deepEqual(viaBun.cpu, ["blas", "wasm", "js"]);
  const off = await run(bun, [probe], { HYPATIA_BLAS: "off" });
  assert.deepEqual(off.cpu, ["wasm", "js"]);
  assert.deepEqual(viaBun.gemm, noFfi.gemm);
  assert.deepEqual(viaBun.gemv, noFfi.gemv);
});
