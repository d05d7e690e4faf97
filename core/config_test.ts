import assert from "node:assert/strict";
import { applyFlags, config } from "./config.ts";
import { InputError } from "./errors.ts";

const mod = new URL("../mod.ts", import.meta.url).href;
const probe = `import * as T from "${mod}";
console.log(T.config.floatX, T.config.device, T.scalar("x").dtype);`;

// `deno eval` grants every permission, so the probe runs as a file with `deno run`.
const probeFile = await Deno.makeTempFile({ suffix: ".ts" });
await Deno.writeTextFile(probeFile, probe);

async function runProbe(args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--no-prompt", ...args, probeFile],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("config reads HYPATIA_FLAGS when the environment may be read", async () => {
  assert.equal(
    await runProbe(["--allow-env=HYPATIA_FLAGS"], { HYPATIA_FLAGS: "floatX=float32,device=cpu" }),
    "float32 cpu float32",
  );
});

Deno.test("config works with no permissions at all, keeping its defaults", async () => {
  assert.equal(await runProbe([], { HYPATIA_FLAGS: "floatX=float32" }), "float64 cpu float64");
});

Deno.test("config flags are checked", () => {
  const saved = { ...config };
  try {
    assert.throws(
      () => applyFlags("floatX=float16"),
      /floatX must be one of "float32", "float64", got "float16"/,
    );
    assert.throws(() => applyFlags("colour=blue"), /unknown flag "colour" \(settings: floatX, device/);
    assert.throws(() => applyFlags("floatx=float32"), /unknown flag "floatx"; did you mean "floatX"\?/);
    assert.throws(() => applyFlags("threads=0"), /positive integer/);
    assert.throws(() => applyFlags("traceback=perhaps"), /traceback must be true or false/);
    // All or nothing: the good flag before a bad one is not applied.
    assert.throws(() => applyFlags("floatX=float32,mode=FAST"), InputError);
    assert.equal(config.floatX, saved.floatX);
    applyFlags("floatX=float32, threads=2");
    assert.equal(config.floatX, "float32");
    assert.equal(config.threads, 2);
  } finally {
    Object.assign(config, saved);
  }
});

Deno.test("config refuses unknown settings and wrong values instead of keeping them", () => {
  const c = config as unknown as Record<string, unknown>;
  assert.throws(() => (c.floatx = "float32"), /config: unknown setting "floatx"; did you mean "floatX"\?/);
  assert.throws(
    () => (c.floatX = "float16"),
    /config: floatX must be one of "float32", "float64", got "float16"/,
  );
  assert.throws(() => (c.threads = 0), /config: threads must be a positive integer, got 0/);
  assert.throws(() => (c.wasm = "no"), /config: wasm must be true or false/);
  assert.throws(() => delete c.mode, /cannot be deleted/);
  assert.equal(config.floatX, "float64");
  assert.equal("floatx" in config, false);
});
