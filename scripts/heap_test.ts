/**
 * scripts/heap.ts: 20,000 training calls keep a flat heap under Deno and under Bun, with
 * no value disposed by hand. A memory check, not a timing check.
 */
import assert from "node:assert/strict";

const script = new URL("./heap.ts", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
const CALLS = 20_000;
/**
 * Allowed heap growth after warm-up (2 MiB over 18,000 calls). Measured: about 0.1 MiB
 * (Deno) and 0.03 MiB (Bun), levelling off; keeping one 100-byte object per call would
 * add 1.7 MiB, a returned NDArray per call (the cost) several times that.
 */
const BOUND = 2 * 2 ** 20;

interface HeapReport {
  calls: number;
  warmup: number;
  growth: number;
  gc: boolean;
  samples: { calls: number; heap: number }[];
}

async function heap(cmd: string, args: string[]): Promise<HeapReport> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function check(r: HeapReport, runtime: string) {
  assert.equal(r.calls, CALLS);
  assert.equal(r.samples.length, 11, runtime); // at 0 and every 2,000 calls
  assert.ok(r.gc, `${runtime}: the script could not force a collection`);
  assert.equal(r.warmup, 2000, runtime);
  const after = r.samples.filter((s) => s.calls >= r.warmup).map((s) => s.heap);
  assert.equal(r.growth, after[after.length - 1] - after[0], runtime);
  assert.ok(
    Math.max(...after) - Math.min(...after) < BOUND,
    `${runtime}: heap after warm-up ranges over ${after.map((h) => (h / 2 ** 20).toFixed(2)).join(", ")} MiB`,
  );
}

Deno.test("scripts/heap.ts: 20,000 training calls keep a flat heap under Deno", async () => {
  const args = ["run", "--no-check", "--v8-flags=--expose-gc", script, "--calls", String(CALLS), "--json"];
  check(await heap(Deno.execPath(), args), "deno");
});

Deno.test("scripts/heap.ts: 20,000 training calls keep a flat heap under Bun", async () => {
  check(await heap(bun, [script, "--calls", String(CALLS), "--json"]), "bun");
});
