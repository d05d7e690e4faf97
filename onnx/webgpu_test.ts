/**
 * toOnnx on a WebGPU function: shared variables the GPU holds must be read back first (the
 * error says so, naming the variable); then the model holds the values the GPU computed.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { requireAdapter } from "../backends/webgpu/test_util.ts";
import { toOnnx } from "./mod.ts";
import { runOnnx } from "./test_util.ts";

Deno.test("onnx: a WebGPU function's shared values are read back before the export", async () => {
  await requireAdapter();
  const v = T.fvector("v");
  const w = T.shared(T.asarray([1, 2, 3], { dtype: "float32" }), "w");
  using f = T.function([v], T.mul(w, v), { device: "webgpu", updates: [[w, T.add(w, 1)]] });
  await f([1, 1, 1]);
  assert.throws(
    () => toOnnx(f),
    (e: Error) => e instanceof T.InputError && /toOnnx: .*"w".*w\.read\(\)/.test(e.message),
  );
  await w.read();
  const out = await runOnnx(toOnnx(f), { v: T.asarray([1, 2, 3], { dtype: "float32" }) });
  assert.deepEqual([...out.output_0.data], [2, 6, 12]); // w is [2, 3, 4] after the GPU's update
  assert.deepEqual([...out.w_update.data], [3, 4, 5]);
});
