/**
 * The extra_ops group's WGSL kernels (ops/cumulative_wgsl.ts, ops/extra_ops_wgsl.ts)
 * against the CPU over more shapes than the all-ops test: scans along every axis and
 * flattened, diagonals of tall, wide and cubic arrays with offsets and integer dtypes,
 * and squeeze's run-time length check on the device.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

const close = (_i: number, c: number) => 1e-5 * (1 + Math.abs(c));

Deno.test("WebGPU cumsum and cumprod agree with the CPU along every axis and flattened", async () => {
  const x = T.ftensor3("x"), v = randomF32([3, 5, 4], 1, 1.5);
  const outs = [null, 0, 1, 2].flatMap((axis) => [T.cumsum(x, axis), T.cumprod(x, axis)]);
  await agreeOnGpu([x], outs, [v], close, { what: "cumulative" });
});

Deno.test("WebGPU fillDiagonal agrees with the CPU: tall, wide, cubes, offsets, integers", async () => {
  for (
    const [shape, offset] of [[[5, 3], 0], [[3, 5], 2], [[4, 4], -1], [[3, 3, 3], 0], [[2, 6], 9]] as const
  ) {
    const x = new T.TensorType("float32", shape.map(() => null)).make("x");
    const y = offset === 0 ? T.fillDiagonal(x, 7) : T.fillDiagonalOffset(x, 7, offset);
    await agreeOnGpu([x], [y], [randomF32([...shape], 2)], () => 0, {
      what: `fillDiagonal (${shape}) ${offset}`,
    });
  }
  const i = T.imatrix("i");
  await agreeOnGpu([i], [T.fillDiagonal(i, -3)], [randomInt("int32", [3, 4], 3, -9, 9)], () => 0, {
    what: "fillDiagonal int32",
  });
});

Deno.test("WebGPU squeeze relabels the buffer and checks the squeezed length when it runs", async () => {
  const x = T.ftensor3("x");
  await agreeOnGpu([x], [T.squeeze(x, [0, 2]).mul(2)], [randomF32([1, 4, 1], 4)], () => 0, {
    what: "squeeze",
  });
  const f = quietly(() => T.function([x], T.squeeze(x, 0).mul(2), { device: "webgpu" }));
  await assert.rejects(
    () => f(randomF32([2, 3, 1], 5)),
    /cannot squeeze out axis 0 .* its length is 2, not 1/,
  );
  const cube = quietly(() => T.function([x], T.fillDiagonal(x, 0), { device: "webgpu" }));
  await assert.rejects(() => cube(randomF32([2, 3, 2], 6)), /must have the same length/);
});
