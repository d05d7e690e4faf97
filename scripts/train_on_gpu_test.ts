/**
 * scripts/train_on_gpu.ts runs on device "auto" under Deno and Bun, says which device
 * ran, and trains the same way on WebGPU (any adapter, --device webgpu) as on the CPU.
 */
import assert from "node:assert/strict";

const script = new URL("./train_on_gpu.ts", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
const deno = (...args: string[]) =>
  run(Deno.execPath(), [
    "run",
    "--no-check",
    "--unstable-webgpu",
    "--allow-read",
    "--allow-env",
    script,
    ...args,
  ]);
const costs = (out: string) => [...out.matchAll(/step +\d+ +cost (\S+)/g)].map((m) => Number(m[1]));

Deno.test("scripts/train_on_gpu.ts: --help, device auto under Deno and Bun, the same costs on WebGPU", async () => {
  assert.match(await deno("--help"), /usage: .*train_on_gpu\.ts/);
  assert.match(await run(bun, [script, "--help"]), /usage: /);
  const args = ["--steps", "40", "--every", "20"];
  const auto = await deno(...args);
  assert.match(auto, /^device: (cpu|webgpu) \(/m);
  assert.match(auto, /39 steps in \S+ s \(\d+ steps\/s on (cpu|webgpu)\)/);
  const c = costs(auto);
  assert.equal(c.length, 3);
  assert.ok(c[2] < c[1] && c[1] < c[0], auto);
  const onBun = await run(bun, [script, ...args]);
  assert.match(onBun, /^device: cpu \(no WebGPU in this runtime\)/m);
  assert.deepEqual(costs(onBun), c);
  const gpu = await deno(...args, "--device", "webgpu");
  assert.match(gpu, /^device: webgpu \(/m);
  // float32 on both devices; the GPU sums in a different order: costs agree to ~1e-5.
  costs(gpu).forEach((v, i) => assert.ok(Math.abs(v - c[i]) <= 1e-4 * (1 + c[i]), `${v} vs ${c[i]}`));
  assert.match(gpu, /accuracy on the training set: \d+\.\d%/);
});
