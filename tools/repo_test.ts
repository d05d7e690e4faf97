/**
 * Repository checks run with the tests: no import cycles (type-only ones included),
 * imports point one way, every op complete in every engine's table, no scaffold left
 * behind; files past the size budget are reported.
 */
import assert from "node:assert/strict";
import { findCycles, IMPORT_RE, importsOf, layerOf, LAYERS, sourceFiles, stripComments } from "./imports.ts";
import type { Op } from "../core/graph.ts";
import { DTYPES } from "../core/dtype.ts";
import { castOp } from "../ops/cast.ts";
import type { LoweringTable } from "../backends/lowering_table.ts";
import { jsRuns } from "../backends/cpu/table.ts";
import { wasmTable } from "../backends/wasm/table.ts";
import { webgpuTable } from "../backends/webgpu/table.ts";
import { blasTable } from "../backends/blas/table.ts";
import { onnxTable } from "../backends/onnx/table.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const files = await sourceFiles(root);
const texts = new Map(
  await Promise.all(files.map(async (f) => [f, await Deno.readTextFile(`${root}/${f}`)] as const)),
);
/** Library files: in a layer, and not tests, benches, test helpers or test data. */
const library = files.filter((f) =>
  layerOf(f) !== undefined && !/(_test|_bench|test_util)\.ts$/.test(f) && !f.includes("/testdata/")
);

Deno.test("repo: no import cycles among source files, type-only imports included", () => {
  const graph = new Map(files.map((f) => [f, importsOf(f, texts.get(f)!)]));
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(" -> ")), []);
});

Deno.test("repo: imports point one way (core -> ops -> autodiff -> random -> backends -> compile)", () => {
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

Deno.test("repo: io/, plot/ and onnx/ build on the library and never on each other; the library never imports them", () => {
  const wrong: string[] = [];
  for (const f of files.filter((f) => /^(io|plot|onnx)\//.test(f) && !f.includes("/testdata/"))) {
    const own = f.split("/")[0];
    for (const dep of importsOf(f, texts.get(f)!)) {
      const entry = !dep.includes("/"); // mod.ts, testing.ts: the public API
      if (layerOf(dep) === undefined && !entry && !dep.startsWith(`${own}/`)) {
        wrong.push(`${f} imports ${dep}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("repo: no engine imports another (shared helpers live in backends/ itself; compile/ composes them)", () => {
  const engineOf = (f: string) => /^backends\/([^/]+)\//.exec(f)?.[1];
  const wrong: string[] = [];
  for (const f of library.filter((f) => engineOf(f))) {
    for (const dep of importsOf(f, texts.get(f)!)) {
      const e = engineOf(dep);
      if (e && e !== engineOf(f)) wrong.push(`${f} imports ${dep}`);
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

Deno.test("repo: files past the size budget (500 lines) are reported", () => {
  // A warning, not a failure: a file holding one idea may be long (split by idea, not by size).
  const lines = (f: string) => texts.get(f)!.split("\n").length;
  const big = files.filter((f) => lines(f) > 500).map((f) => `${f}: ${lines(f)} lines`);
  if (big.length) console.warn(`files past 500 lines (check each holds one idea):\n  ${big.join("\n  ")}`);
  assert.ok(files.length > 0);
});

Deno.test("repo: no scaffold stubs left", () => {
  const stubs = files.filter((f) => f !== "tools/repo_test.ts" && texts.get(f)!.includes("TODO(scaffold)"));
  assert.deepEqual(stubs, []);
});

function isOp(v: unknown): v is Op {
  return typeof v === "object" && v !== null && "make" in v && "inferType" in v && "name" in v;
}

/** Whether `table` has a rule for `op` or says why not. */
const covered = <R>(table: LoweringTable<R>, op: Op) => table.get(op) !== undefined || !!table.reason(op);

Deno.test("repo: every op has a gradient rule, and a rule in every engine's table or a reason why not", async () => {
  const ops = new Map<Op, string>(DTYPES.map((d) => [castOp(d), `ops/cast.ts: castOp("${d}")`]));
  for (const f of library.filter((f) => f.startsWith("ops/") || f.startsWith("random/"))) {
    const mod = await import(`${root}/${f}`);
    for (const [name, value] of Object.entries(mod)) if (isOp(value)) ops.set(value, `${f}: ${name}`);
  }
  const missing: string[] = [];
  for (const [op, at] of ops) {
    const where = `${at} (${op.name})`;
    if (!jsRuns(op)) missing.push(`${where}: no JS rule (scalar, perform or the JS table)`);
    if (!op.vjp && !op.notDifferentiable) missing.push(`${where}: no vjp and no notDifferentiable reason`);
    if (!covered(wasmTable, op)) missing.push(`${where}: not in the wasm table (backends/wasm/table.ts)`);
    if (!covered(blasTable, op)) missing.push(`${where}: not in the blas table (backends/blas/table.ts)`);
    const gpu = op.scalar ? !!op.scalar.wgsl : covered(webgpuTable, op);
    if (!gpu) missing.push(`${where}: no WGSL rule and not in the webgpu table (backends/webgpu/table.ts)`);
    if (!covered(onnxTable, op)) missing.push(`${where}: not in the ONNX table (backends/onnx/table.ts)`);
  }
  assert.ok(ops.size > 70, `found only ${ops.size} ops`);
  assert.deepEqual(missing, []);
});
