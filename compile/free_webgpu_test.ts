/** free() on a WebGPU function: its device buffers go back to the pool, and it stays callable. */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { acquireDevice } from "../backends/webgpu/device.ts";
import { requireAdapter } from "../backends/webgpu/test_util.ts";

await requireAdapter();

Deno.test("free() gives a WebGPU function's buffers back and leaves it callable, even mid-call", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.mul(T.exp(x), T.constant([1, 2, 3, 4], { dtype: "float32" })), {
    device: "webgpu",
  });
  const a = await f([0, 1, 0, 1]);
  const { pool } = await acquireDevice();
  const before = pool.free;
  f.free();
  assert.ok(pool.free > before, `buffers returned to the device pool (${before} -> ${pool.free})`);
  const b = await f([0, 1, 0, 1]);
  T.testing.assertAllClose(b, a, { rtol: 0, atol: 0 });
  // A free() while a call is in flight waits for it.
  const pending = f([0, 1, 0, 1]);
  f.free();
  T.testing.assertAllClose(await pending, a, { rtol: 0, atol: 0 });
  T.testing.assertAllClose(await f([0, 1, 0, 1]), a, { rtol: 0, atol: 0 });
  T.testing.assertAllClose(a, [1, 2 * Math.E, 3, 4 * Math.E], { rtol: 1e-6 });
});
