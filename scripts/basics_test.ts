/**
 * scripts/basics.ts prints what Theano's tutorial printed, and prints the same under Bun.
 */
import assert from "node:assert/strict";

const script = new URL("./basics.ts", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed:\n${err}`);
  return new TextDecoder().decode(out.stdout);
}

const denoOutput = await run(Deno.execPath(), ["run", "--no-check", script]);

Deno.test("scripts/basics.ts prints the tutorial's results", () => {
  const expected = [
    "logistic([[0, 1], [-1, -2]])\n[[0.5        0.73105858]\n [0.26894142 0.11920292]]",
    "logistic([[1, 2], [3, 4]])\n[[0.73105858 0.88079708]\n [0.95257413 0.98201379]]",
    "diff\n[[ 1.  0.]\n [-1. -2.]]",
    "abs_diff\n[[1. 0.]\n [1. 2.]]",
    "diff_squared\n[[1. 0.]\n [1. 4.]]",
    "f(1) = 4.0\nf(1, 2) = 6.0\nf(1, 1, 1) = 2.0\nf(1, { w_by_name: 1, y: 0 }) = 1.0",
    "state = 0.0\nafter accumulator(1): state = 1.0\nafter accumulator(200): state = 201.0",
    "after setValue(-1), accumulator(2): state = 1.0\nafter decrementor(2): state = -1.0",
    "skip_shared(1, 3) = 7.0\nstate is still -1.0",
    "copy with swap: new_state = 100.0, state = 10.0\ncopy with deleteUpdates: state = 10.0",
    "dot(3x2, 2x2)\n[[ 7. 10.]\n [15. 22.]\n [23. 34.]]",
    "elementwise product of 2x2 matrices\n[[ 1.  4.]\n [ 9. 16.]]",
    "batchedDot of 4x2x3 and 4x3x2 has shape (4, 2, 2)",
  ];
  for (const e of expected) assert.ok(denoOutput.includes(e), `missing:\n${e}\n--- in ---\n${denoOutput}`);
  const neuron = Number(denoOutput.split("neuron([1, 2, 3])\n")[1].trim());
  assert.ok(Math.abs(neuron - 1 / (1 + Math.exp(-(1 - 2 + 1.5 + 0.1)))) < 1e-15);
});

Deno.test("scripts/basics.ts prints the same under Bun as under Deno", async () => {
  const bunOutput = await run(bun, [script]);
  assert.equal(bunOutput, denoOutput);
});

Deno.test("scripts/basics.ts --help", async () => {
  assert.match(await run(Deno.execPath(), ["run", "--no-check", script, "--help"]), /usage: /);
});
