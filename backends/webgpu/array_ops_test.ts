/**
 * The issue-16 shape and array ops on WebGPU against the CPU backend: rebroadcast (a
 * relabelled buffer), take in "wrap"/"clip" mode and with constant in-range indices, and
 * the ops built from layout ops (tile, repeat by a scalar, roll, diagonal, allocDiag).
 * Every one copies elements, so GPU and CPU must be equal.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import { rebroadcastWgsl, takeWgsl } from "../../ops/array_wgsl.ts";
import type { RebroadcastParams } from "../../ops/broadcast.ts";
import type { TakeParams } from "../../ops/take.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

rebroadcastWgsl satisfies WgslKernelTemplate<RebroadcastParams>;
takeWgsl satisfies WgslKernelTemplate<TakeParams>;

const exact = () => 0;

Deno.test("rebroadcast and take (wrap, clip) run on WebGPU and equal the CPU", async () => {
  const x = T.fmatrix("x"), i = T.imatrix("i"), k = T.tensor("uint8", [false]);
  await agreeOnGpu(
    [x, i, k],
    [
      T.addbroadcast(x, 0).mul(2),
      T.take(x, i, { axis: 1, mode: "wrap" }),
      T.take(x, i, { axis: 0, mode: "clip" }),
      T.take(x, k, { axis: 1, mode: "wrap" }),
    ],
    [randomF32([1, 7], 1), randomInt("int32", [3, 4], 2, -20, 20), T.asarray([0, 6, 9], { dtype: "uint8" })],
    exact,
  );
  const c = new T.TensorType("float32", [4, 3]).make("c");
  await agreeOnGpu([c], [T.take(c, [3, -1, 0], 0), T.take(c, [[2, 1]], 1)], [randomF32([4, 3], 3)], exact);
});

Deno.test("take in raise mode stays on the CPU and still reports a bad index", async () => {
  const x = T.fvector("x"), i = T.ivector("i");
  const f = quietly(() => T.function([x, i], T.take(x, i), { device: "webgpu" }));
  assert.ok(f.placement.some((p) => p.node.op.name === "take" && p.device === "cpu"));
  await assert.rejects(() => f([1, 2], [2]), /index 2 is out of bounds for axis 0 with size 2/);
  const m = T.fmatrix("m");
  const g = quietly(() => T.function([m], T.addbroadcast(m, 0).mul(2), { device: "webgpu" }));
  await assert.rejects(() => g([[1], [2]]), /axis 0 .*length 2/);
});

Deno.test("tile, repeat by one count and roll are layout ops on WebGPU, equal to the CPU", async () => {
  const x = T.fmatrix("x"), s = T.iscalar("s");
  const outs = [
    T.tile(x, [2, 1, 3]),
    T.repeat(x, 3, 1),
    T.repeat(x, 2),
    T.roll(x, 2, 1),
    T.roll(x, s, 0),
    T.roll(x, -1),
  ];
  await agreeOnGpu([x, s], outs, [randomF32([3, 4], 4), T.asarray(-2, { dtype: "int32" })], exact, {
    allowCpu: true,
  });
  // Only the int64 length arithmetic (scalars) stays on the host; every array moves on the GPU.
  const f = quietly(() => T.function([x, s], outs, { device: "webgpu" }));
  const off = f.placement.filter((p) => p.device === "cpu" && p.node.outputs.some((o) => o.ndim > 0));
  assert.deepEqual(off.map((p) => p.node.op.name), []);
});

Deno.test("diagonal, allocDiag and trace are slices on WebGPU, equal to the CPU", async () => {
  const x = T.fmatrix("x"), v = T.fvector("v"), s = new T.TensorType("float32", [3, 4]).make("s");
  const outs = [T.diagonal(x, 1), T.diagonal(x, -1), T.allocDiag(v, 1), T.diagonal(s), T.trace(s)];
  const vals = [randomF32([4, 5], 5), randomF32([3], 6), randomF32([3, 4], 7)];
  await agreeOnGpu([x, v, s], outs, vals, (_i, c) => 1e-6 * (1 + Math.abs(c)), { allowCpu: true });
  const f = quietly(() => T.function([x, v, s], outs, { device: "webgpu" }));
  const off = f.placement.filter((p) => p.device === "cpu" && p.node.outputs.some((o) => o.ndim > 0));
  assert.deepEqual(off.map((p) => p.node.op.name), []);
});

Deno.test("choose (wrap, clip), copy and batchedTensordot run on WebGPU, equal to the CPU", async () => {
  const i = T.imatrix("i"), a = T.fmatrix("a"), b = T.fmatrix("b");
  const x = T.ftensor3("x"), y = T.ftensor3("y");
  const outs = [
    T.choose(i, [a, b, 2], { mode: "wrap" }),
    T.choose(i, [a, b], { mode: "clip" }),
    T.copy(a),
    T.batchedTensordot(x, y, [[2], [1]]),
  ];
  const vals = [
    randomInt("int32", [3, 4], 8, -4, 5),
    randomF32([3, 4], 9),
    randomF32([3, 4], 10),
    randomF32([2, 3, 5], 11),
    randomF32([2, 5, 4], 12),
  ];
  await agreeOnGpu([i, a, b, x, y], outs, vals, (_i, c) => 1e-5 * (1 + Math.abs(c)), { allowCpu: true });
  const f = quietly(() => T.function([i, a, b, x, y], outs, { device: "webgpu" }));
  const off = f.placement.filter((p) => p.device === "cpu" && p.node.outputs.some((o) => o.ndim > 0));
  assert.deepEqual(off.map((p) => p.node.op.name), []);
});
