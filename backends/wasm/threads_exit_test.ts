import assert from "node:assert/strict";

Deno.test("a script that started the wasm worker pool ends by itself after its last call", async () => {
  const script = new URL("./testdata/one_threaded_call.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script],
    env: { HYPATIA_FLAGS: "threads=2" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A hang is the failure looked for: the process is killed if it has not ended after a
  // minute (it ends about 250 ms after its call, when the idle workers stop).
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const { code, signal, stdout } = await child.output();
  clearTimeout(guard);
  assert.equal(new TextDecoder().decode(stdout).trim(), `done ${1 << 20}`);
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, "the script did not end by itself");
});
