/** Print in a WebGPU function: the node runs on the host, reading the value back to print it. */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { requireAdapter } from "../backends/webgpu/test_util.ts";

await requireAdapter();

Deno.test("Print on WebGPU prints the value computed on the GPU, and the GPU goes on with it", async () => {
  const x = T.fvector("x");
  const y = T.Print("e", { attrs: ["__str__", "shape"] })(T.exp(x));
  const f = T.function([x], T.mul(y, 2), { device: "webgpu" });
  const print = f.placement.find((p) => p.node.op.name === "Print")!;
  assert.equal(print.device, "cpu");
  assert.match(print.reason ?? "", /printing needs the value on the host/);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  let out;
  try {
    out = await f([0, 1]);
  } finally {
    console.log = log;
  }
  T.testing.assertAllClose(out, [2, 2 * Math.E], { rtol: 1e-6 });
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^e __str__ = \[1\.\s+2\.71828\d*\]$/);
  assert.equal(lines[1], "e shape = (2,)");
});
