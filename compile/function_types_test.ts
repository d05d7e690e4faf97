/**
 * Types that do not lie: `deno check` passes compile/testdata/types/compiles.ts (whose
 * `@ts-expect-error` lines must each be errors) and rejects every `fails_*.ts` beside it.
 * compile/function_device_test.ts checks that the run-time results match these types.
 */
import assert from "node:assert/strict";

const dir = new URL("./testdata/types/", import.meta.url);

async function denoCheck(file: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", new URL(file, dir).pathname],
    env: { NO_COLOR: "1" }, // the assertions read the words, not the colours
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, output: text };
}

Deno.test("function() types: testdata/types/compiles.ts type-checks, and each of its @ts-expect-error lines is an error", async () => {
  const { code, output } = await denoCheck("compiles.ts");
  assert.equal(code, 0, output);
});

Deno.test("function() types: a synchronous use of a configured-device or webgpu function does not compile", async () => {
  const bad = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("fails_")).sort();
  assert.deepEqual(bad, ["fails_sync_call_of_configured_device.ts", "fails_sync_call_of_webgpu.ts"]);
  for (const file of bad) {
    const { code, output } = await denoCheck(file);
    assert.notEqual(code, 0, `${file} type-checked`);
    assert.match(
      output,
      /TS2339.*Property '(item|shape)' does not exist on type '(NDArray \| )?Promise<NDArray>'/,
      file,
    );
  }
});
