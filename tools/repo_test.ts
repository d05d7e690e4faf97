/**
 * Repository checks run with the tests: no import cycles, imports point one way, every
 * op complete, files within the size budget, no scaffold left behind.
 */
import assert from "node:assert/strict";
import { findCycles, IMPORT_RE, importsOf, layerOf, LAYERS, sourceFiles, stripComments } from "./imports.ts";
import type { Op } from "../core/op.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const files = await sourceFiles(root);
const texts = new Map(
  await Promise.all(files.map(async (f) => [f, await Deno.readTextFile(`${root}/${f}`)] as const)),
);
/** Library files: in a layer, and not tests, benches, test helpers or test data. */
const library = files.filter((f) =>
  layerOf(f) !== undefined && !/(_test|_bench|test_util)\.ts$/.test(f) && !f.includes("/testdata/")
);

Deno.test("repo: no import cycles among source files", () => {
  const graph = new Map(files.map((f) => [f, importsOf(f, texts.get(f)!, true)]));
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(" -> ")), []);
});

Deno.test("repo: imports point one way (core -> ops -> autodiff -> backends -> random -> compile)", () => {
  const wrong: string[] = [];
  for (const f of library) {
    const from = layerOf(f)!;
    for (const dep of importsOf(f, texts.get(f)!)) {
      const to = layerOf(dep);
      if (to === undefined) {
        if (!dep.startsWith("node_modules")) wrong.push(`${f} imports ${dep}, outside the layers`);
      } else if (to > from) wrong.push(`${f} (${LAYERS[from]}) imports ${dep} (${LAYERS[to]})`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("repo: the core imports nothing outside the project and the runtime", () => {
  const outside: string[] = [];
  for (const f of library) {
    for (const m of stripComments(texts.get(f)!).matchAll(IMPORT_RE)) {
      const spec = m[3];
      if (!spec.startsWith(".")) outside.push(`${f}: ${spec}`);
    }
  }
  assert.deepEqual(outside, []);
});

Deno.test("repo: files stay within the size budget (500 lines)", () => {
  const big = files.filter((f) => texts.get(f)!.split("\n").length > 500).map((f) =>
    `${f}: ${texts.get(f)!.split("\n").length} lines`
  );
  assert.deepEqual(big, []);
});

Deno.test("repo: no scaffold stubs left", () => {
  const stubs = files.filter((f) => f !== "tools/repo_test.ts" && texts.get(f)!.includes("TODO(scaffold)"));
  assert.deepEqual(stubs, []);
});

function isOp(v: unknown): v is Op {
  return typeof v === "object" && v !== null && "make" in v && "inferType" in v && "name" in v;
}

Deno.test("repo: every op has a CPU rule, a gradient rule and a WGSL rule, or says why not", async () => {
  const missing: string[] = [];
  let count = 0;
  for (const f of library.filter((f) => f.startsWith("ops/") || f.startsWith("random/"))) {
    const mod = await import(`${root}/${f}`);
    for (const [name, value] of Object.entries(mod)) {
      if (!isOp(value)) continue;
      count++;
      const op = value;
      const where = `${f}: ${name} (${op.name})`;
      if (!op.scalar && !op.perform && !op.backendRule) missing.push(`${where}: no CPU rule`);
      if (!op.vjp && !op.notDifferentiable) missing.push(`${where}: no vjp and no notDifferentiable reason`);
      const hasWgsl = op.scalar ? !!op.scalar.wgsl : !!op.wgslKernel;
      if (!hasWgsl && !op.noWgsl) missing.push(`${where}: no WGSL rule and no noWgsl reason`);
    }
  }
  assert.ok(count > 10, `found only ${count} ops`);
  assert.deepEqual(missing, []);
});
