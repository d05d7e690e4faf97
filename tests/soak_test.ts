/**
 * tests/soak.ts (the `deno task soak` run, kept out of this suite at its full size) works,
 * run here at a small size: every part reports, the heap and the GPU buffer counts stay
 * flat, the save/load cycles and the concurrent WebGPU calls come out right.
 */
import assert from "node:assert/strict";
import { requireAdapter } from "../backends/webgpu/test_util.ts";

await requireAdapter();

Deno.test("tests/soak.ts at a small size: every part stays flat and correct", async () => {
  const script = new URL("./soak.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--expose-gc",
      "--unstable-webgpu",
      "--allow-read",
      "--allow-write=/tmp",
      "--allow-env",
      script,
      ...[
        "--cpu-calls",
        "2000",
        "--gpu-calls",
        "500",
        "--cycles",
        "20",
        "--concurrent",
        "40",
        "--rounds",
        "2",
      ],
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const report = JSON.parse(lines[lines.length - 1]);
  assert.deepEqual(report.failures, []);
  assert.equal(report.forcedGc, true);
  assert.equal(report.cpu.calls, 2000);
  assert.equal(report.cpu.samples.length, 11);
  assert.equal(report.webgpu.samples.length, 11);
  assert.equal(report.webgpu.gpuBuffersAfterWarmup.length, 1);
  assert.deepEqual(report.concurrent, { ...report.concurrent, calls: 40, rounds: 2, final: 80 });
  assert.equal(report.saveLoad.cycles, 20);
});

Deno.test("tests/soak.ts refuses a bad count by name", async () => {
  const script = new URL("./soak.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script, "--cycles=-3"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /--cycles: expected a non-negative integer, got -3/);
});
