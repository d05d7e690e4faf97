/**
 * Issue 16's linear algebra under device "webgpu": every factorisation is declined by the
 * WebGPU table (host only), so its nodes run in host segments between GPU nodes; values
 * and gradients agree with the CPU device.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { agreeOnGpu, quietly } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

Deno.test("linalg ops run in host segments under device webgpu, values and gradients as on the CPU", async () => {
  const a = T.dmatrix("a"), b = T.dvector("b");
  const spd = T.add(T.dot(a, T.transpose(a)), T.mul(4, T.eye(3)));
  const outs = [
    T.solve(a, b),
    T.det(a),
    T.matrixInverse(a),
    T.cholesky(spd),
    T.eigvalsh(spd),
    T.svd(a, { computeUv: false }) as T.Variable,
    T.qr(a, { mode: "r" }) as T.Variable,
    T.expm(T.mul(0.1, a)),
    T.eig(a)[0],
    T.grad(T.add(T.sum(T.solve(a, b)), T.det(a), T.sum(T.cholesky(spd))), a),
  ];
  const av = T.asarray([[3, 1, 0.5], [0.2, 2, 0.1], [1, 0.3, 4]]), bv = T.asarray([1, 2, 3]);
  await agreeOnGpu([a, b], outs, [av, bv], (_i, c) => 1e-9 * (1 + Math.abs(c)), {
    allowCpu: true,
    what: "linalg",
  });
  const f = quietly(() => T.function([a, b], outs, { device: "webgpu" }));
  const hosted = f.placement.filter((p) =>
    ["solve", "det", "cholesky", "eigh", "svd", "qr"].includes(p.node.op.name)
  );
  assert.ok(
    hosted.length >= 6 && hosted.every((p) => p.device === "cpu"),
    "factorisations placed on the host",
  );
});
