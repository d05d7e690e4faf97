/**
 * Test helpers of the onnx entry: run a model in ONNX Runtime (onnxruntime-web's wasm
 * build, one thread), validate it with ONNX's checker (Debian's python3-onnx), and compare
 * a compiled function with its exported model.
 * @module
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// deno-lint-ignore no-import-prefix
import * as ort from "npm:onnxruntime-web@1.31.1";
import * as T from "../mod.ts";
import type { DType } from "../core/dtype.ts";
import { toOnnx } from "./mod.ts";
import { decodeModel } from "./encode.ts";

ort.env.wasm.numThreads = 1;

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float64: "float64",
  float32: "float32",
  int64: "int64",
  int32: "int32",
  int16: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};

/** An NDArray as an ONNX Runtime tensor. */
export function toOrt(a: T.NDArray): ort.Tensor {
  const d = a.data;
  const data = a.dtype === "int64" ? BigInt64Array.from(Array.from(d, (x) => BigInt(x))) : d.slice();
  return new ort.Tensor(ORT_TYPE[a.dtype], data as never, [...a.shape]);
}

/** An ONNX Runtime tensor as an NDArray. */
export function fromOrt(t: ort.Tensor): T.NDArray {
  const dtype = (Object.keys(ORT_TYPE) as DType[]).find((d) => ORT_TYPE[d] === t.type);
  if (!dtype) throw new Error(`unexpected ONNX Runtime type ${t.type}`);
  const src = t.data as ArrayLike<number | bigint | boolean>;
  const values = Array.from(src, (x) => Number(x));
  return T.asarray(values, { dtype, shape: [...t.dims] });
}

/** Run `model` on `feeds` (by input name); every output by name. */
export async function runOnnx(
  model: Uint8Array,
  feeds: Record<string, T.NDArray>,
): Promise<Record<string, T.NDArray>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)]));
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, fromOrt(v)]));
  } finally {
    await session.release();
  }
}

/** Debian's python3 with python3-onnx, when installed. */
export const ONNX_PYTHON = "/usr/bin/python3";

/** Whether ONNX's checker is available (python3-onnx). */
export function hasOnnxChecker(): boolean {
  const r = spawnSync(ONNX_PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
  return r.status === 0;
}

/** Validate models with `onnx.checker.check_model(m, full_check=True)`; throws with the checker's message. */
export function checkModels(models: Uint8Array[]): void {
  if (models.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), "hypatia-onnx-"));
  try {
    const paths = models.map((m, i) => {
      const p = join(dir, `m${i}.onnx`);
      writeFileSync(p, m);
      return p;
    });
    const script = "import sys, onnx\nfor p in sys.argv[1:]:\n" +
      "    onnx.checker.check_model(onnx.load(p), full_check=True)\n";
    const r = spawnSync(ONNX_PYTHON, ["-c", script, ...paths], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`onnx.checker refused a model:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Element-wise closeness: |a - b| <= atol + rtol |b|, NaNs equal, same shape and dtype. */
export function assertClose(got: T.NDArray, want: T.NDArray, rtol: number, atol: number, what: string): void {
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual([...got.shape], [...want.shape], `${what}: shape`);
  const g = got.data, w = want.data;
  for (let i = 0; i < w.length; i++) {
    const a = g[i], b = w[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (a === b) continue;
    assert.ok(
      Math.abs(a - b) <= atol + rtol * Math.abs(b),
      `${what}: element ${i} is ${a}, Hypatia gives ${b}`,
    );
  }
}

/** Models exported by a test file, checked together at its end (one python3 start). */
export const exported: Uint8Array[] = [];

/**
 * Export `f`, run it in ONNX Runtime on `args` (one per input, in order), and compare
 * each output with `f(...args)`; returns the model (also kept in `exported`).
 */
export async function compareWithOrt(
  f: T.CompiledFunction,
  args: T.NDArray[],
  { rtol = 1e-6, atol = 1e-6, what = "output" } = {},
): Promise<Uint8Array> {
  const model = toOnnx(f);
  exported.push(model);
  const names = inputNames(model);
  const feeds = Object.fromEntries(args.map((a, k) => [names[k], a]));
  const got = await runOnnx(model, feeds);
  const want = f(...args);
  const wants = Array.isArray(want) ? want : [want];
  wants.forEach((w, k) => assertClose(got[`output_${k}`], w, rtol, atol, `${what} ${k}`));
  return model;
}

/** The graph input names of a model, in order. */
export function inputNames(model: Uint8Array): string[] {
  const graph = decodeModel(model).graph as { input: { name: string }[] };
  return graph.input.map((i) => i.name);
}
