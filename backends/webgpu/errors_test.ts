/**
 * Errors of the WebGPU backend are clear and never hang: a kernel that fails to compile
 * names its op and the user's line (the WGSL source on the error, and in the message in
 * debug mode), a malformed plan is reported as a bug, a validation error found after a
 * call returned without waiting is reported by the next call, and a device lost while a
 * call waits for a readback rejects that call.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { defineOp } from "../../core/graph.ts";
import { acquireDevice, webgpuDebug } from "./device.ts";
import type { KernelPlan, KernelRunInfo } from "./kernel_template.ts";
import { webgpuTable } from "./table.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

/** A test op (x -> x) whose WebGPU kernel is `plan`. */
function opWith(name: string, plan: (run: KernelRunInfo) => KernelPlan) {
  const op = defineOp<null>({
    name,
    inferType: ([x]) => [x.type],
    perform: ([x]) => [x.copy()],
    notDifferentiable: "a test op",
  });
  webgpuTable.register(op, { template: { plan } });
  return op;
}

const COPY = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x < arrayLength(&y)) { y[g.x] = x[g.x]; }
}`;

Deno.test("webgpu errors: a kernel that fails to compile names the op and the line; the WGSL is attached", async () => {
  const bad = "@compute @workgroup_size(1) fn main() { let v: f32 = not_defined_anywhere; }";
  const op = opWith("broken_kernel", (run) => ({
    outputs: [run.shapes[0]],
    passes: [{ wgsl: bad, bind: ["in0", "out0"], workgroups: [1], label: "broken" }],
  }));
  const x = T.fvector("x");
  const f = T.function([x], op.apply1([x], null), { device: "webgpu" });
  const err = await f([1, 2]).then(() => undefined, (e) => e);
  assert.ok(err instanceof T.DeviceError, String(err));
  assert.match(err.message, /broken kernel of broken_kernel \(built at .*errors_test\.ts/);
  assert.match(err.message, /not_defined_anywhere/); // the compiler's message, with the offending line
  assert.equal((err as { wgsl?: string }).wgsl, bad);
  assert.doesNotMatch(err.message, /--- WGSL ---/);
  webgpuDebug.attachSource = true;
  try {
    const again = await f([1, 2]).then(() => undefined, (e) => e);
    assert.match(again.message, /--- WGSL ---\n@compute @workgroup_size\(1\)/);
  } finally {
    webgpuDebug.attachSource = false;
  }
});

Deno.test("webgpu errors: a malformed plan is reported as a bug of the op's template", async () => {
  const op = opWith("bad_plan", (run) => ({
    outputs: [run.shapes[0]],
    passes: [{ wgsl: COPY, bind: ["in0", "out3"], workgroups: [1] }],
  }));
  const x = T.fvector("x");
  const f = T.function([x], op.apply1([x], null), { device: "webgpu" });
  await assert.rejects(
    () => f([1]),
    (e: unknown) => e instanceof T.HypatiaError && /bad plan.*out3/.test(String(e)),
  );
});

Deno.test("webgpu errors: a validation error after a call returned without waiting is reported by the next call", async () => {
  // The same buffer bound as read-only and as writable storage in one dispatch is invalid.
  const op = opWith("aliasing", (run) => ({
    outputs: [run.shapes[0]],
    passes: [{ wgsl: COPY, bind: ["in0", "in0"], workgroups: [1] }],
  }));
  const x = T.fvector("x");
  const f = T.function([x], op.apply1([x], null), { device: "webgpu" });
  const ok = T.function([x], T.neg(x), { device: "webgpu" });
  assert.deepEqual((await ok([1])).toArray(), [-1]);
  (await f.onDevice([1, 2])).dispose(); // returns at once: the error is found in the background
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(
    () => ok([1]),
    (e: unknown) =>
      e instanceof T.DeviceError && /earlier call that returned without waiting/.test(String(e)),
  );
  assert.deepEqual((await ok([3])).toArray(), [-3], "reported once; later calls work");
  // A call that waits for a readback reports its own validation error.
  await assert.rejects(
    () => f([1, 2]),
    (e: unknown) => e instanceof T.DeviceError && /validation/.test(String(e)),
  );
});

Deno.test("webgpu errors: a device lost while a call waits for a readback rejects the call (no hang)", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.sum(T.exp(x)), { device: "webgpu" });
  const big = new Float32Array(1_000_000).fill(0.001);
  await f(big);
  const ctx = await acquireDevice();
  const p = f(big);
  await new Promise((r) => setTimeout(r, 0));
  ctx.device.destroy();
  const settled = await p.then((v) => ({ v }), (e) => ({ e }));
  if ("e" in settled) assert.ok(settled.e instanceof T.DeviceError, String(settled.e));
  else assert.ok(Math.abs(settled.v.item() - 1000) < 1); // the readback had finished first
  assert.ok((await f(new Float32Array(4))).item() === 4, "the next call gets a new device");
});
