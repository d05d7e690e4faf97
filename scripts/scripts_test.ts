/**
 * Every script under scripts/ runs under Deno and Bun; the tutorials print what
 * Theano's tutorials printed.
 */
import assert from "node:assert/strict";

const dir = new URL(".", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
const scripts = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && !n.endsWith("_test.ts"))
  .sort();

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
const deno = (script: string, ...args: string[]) =>
  run(Deno.execPath(), ["run", "--no-check", "--allow-read", "--allow-env", `${dir}${script}`, ...args]);

Deno.test("every script answers --help under Deno and under Bun, each naming its own command", async () => {
  assert.ok(scripts.length >= 3);
  for (const s of scripts) {
    const name = s.replace(/[.]/g, "[.]");
    assert.match(
      await deno(s, "--help"),
      new RegExp(`^usage: deno run (--\\S+ )*scripts/${name}`, "m"),
      `${s} under Deno`,
    );
    const onBun = await run(bun, [`${dir}${s}`, "--help"]);
    assert.match(onBun, new RegExp(`^usage: bun scripts/${name}`, "m"), `${s} under Bun`);
    assert.doesNotMatch(onBun, /deno run/, `${s} under Bun`);
  }
});

Deno.test("scripts/gradients.ts prints the derivatives tutorial's results", async () => {
  const out = await deno("gradients.ts");
  for (
    const line of [
      "pp(gy) = ((fill((x ** 2), 1.0) * 2) * (x ** (2 - 1)))",
      "pp(f) = (2.0 * x)",
      "f(4) = 8.0",
      "f(94.2) = 188.4",
      "[[0.25       0.19661193]\n [0.19661193 0.10499359]]",
      "Jacobian of x ** 2 at [4, 4] (scan) =\n[[8. 0.]\n [0. 8.]]",
      "Jacobian of x ** 2 at [4, 4] (jacobian) =\n[[8. 0.]\n [0. 8.]]",
      "Hessian of sum(x ** 2) at [4, 4] =\n[[2. 0.]\n [0. 2.]]",
      "Rop(dot(x, W), W, V) = [2. 2.]",
      "Lop(dot(x, W), W, v) =\n[[0. 0.]\n [2. 2.]]",
      "Hv via grad = [4. 4.]",
      "Hv via Rop = [4. 4.]",
    ]
  ) assert.ok(out.includes(line), `missing:\n${line}\n--- in ---\n${out}`);
});

Deno.test("scripts/logistic_regression.ts trains without nan, the cost falling, same under Bun", async () => {
  const args = ["--steps", "200", "--every", "50"];
  const out = await deno("logistic_regression.ts", ...args);
  const costs = [...out.matchAll(/cost (\S+)/g)].map((m) => Number(m[1]));
  assert.equal(costs.length, 5);
  assert.ok(costs.every(Number.isFinite), out);
  for (let i = 1; i < costs.length; i++) assert.ok(costs[i] < costs[i - 1], out);
  assert.match(out, /accuracy on the training set: \d+\.\d%/);
  const bunOut = await run(bun, [`${dir}logistic_regression.ts`, ...args]);
  const bunCosts = [...bunOut.matchAll(/cost (\S+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(bunCosts, costs);
});

Deno.test("scripts/rnn.ts trains an RNN through scan: the loss falls tenfold, same under Bun", async () => {
  const args = ["--epochs", "60", "--every", "20"];
  const out = await deno("rnn.ts", ...args);
  const losses = [...out.matchAll(/step +\d+ +loss (\S+)/g)].map((m) => Number(m[1]));
  assert.equal(losses.length, 4);
  assert.ok(losses.every(Number.isFinite), out);
  assert.ok(losses[3] < losses[0] / 10, out);
  const bunOut = await run(bun, [`${dir}rnn.ts`, ...args]);
  assert.deepEqual([...bunOut.matchAll(/step +\d+ +loss (\S+)/g)].map((m) => Number(m[1])), losses);
});

Deno.test("scripts/export_onnx.ts: the exported model predicts and trains as Hypatia does in ONNX Runtime, under Deno and Bun", async () => {
  const args = ["--steps", "20", "--examples", "100"];
  for (
    const out of [await deno("export_onnx.ts", ...args), await run(bun, [`${dir}export_onnx.ts`, ...args])]
  ) {
    assert.match(out, /ONNX Runtime: 100 of 100 predictions as Hypatia's/, out);
    const pDiff = Number(/largest probability difference (\S+)/.exec(out)?.[1]);
    const wDiff = Number(/largest weight difference (\S+)/.exec(out)?.[1]);
    assert.ok(pDiff < 1e-12 && wDiff < 1e-12, out);
    const [, ortCost, hypCost] = /cost (\S+) in ONNX Runtime, (\S+) in Hypatia/.exec(out) ?? [];
    assert.ok(ortCost !== undefined && ortCost === hypCost, out);
  }
});
