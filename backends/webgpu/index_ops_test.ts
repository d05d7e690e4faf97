/**
 * The kernels of setSubtensor/incSubtensor, arange, eye, tensordot and prod_others on
 * WebGPU against the CPU backend; integer sums stay on the CPU (int64 results).
 *
 * Tolerance: setSubtensor, eye and int32 arange copy or count, so they must be equal;
 * incSubtensor adds once per element in float32 on both (equal); float32 arange within
 * 1 ulp (the GPU may fuse `first + i * delta`); tensordot within 1e-5 · (1 + |result|)
 * (float32 sums of up to 24 products; the CPU's order is the same); prod_others within
 * 1e-5 · (1 + |result|) (float32 products of up to 6 factors; the CPU multiplies in float64).
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import { arangeWgsl, eyeWgsl, incSubtensorWgsl } from "../../ops/index_wgsl.ts";
import { prodOthersWgsl, tensordotWgsl } from "../../ops/tensordot_wgsl.ts";
import type { IndexEntry } from "../../ops/subtensor_kernel.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter, ulpDistance } from "./test_util.ts";

await requireAdapter();

incSubtensorWgsl satisfies WgslKernelTemplate<{ idx: IndexEntry[]; set: boolean }>;
arangeWgsl satisfies WgslKernelTemplate<
  { start: number | "$"; stop: number | "$"; step: number | "$"; dtype: T.DType }
>;
eyeWgsl satisfies WgslKernelTemplate<{ n: number | "$"; m: number | "$"; k: number; dtype: T.DType }>;
tensordotWgsl satisfies WgslKernelTemplate<{ axesA: number[]; axesB: number[] }>;
prodOthersWgsl satisfies WgslKernelTemplate<{ axes: number[] }>;

const exact = () => 0;
const rel = (r: number) => (_i: number, c: number) => r * (1 + Math.abs(c));

Deno.test("setSubtensor()/incSubtensor() on WebGPU: regions, negative steps, broadcasting, symbolic indices", async () => {
  const x = T.fmatrix("x"), v = T.fmatrix("v"), r = T.fvector("r"), i = T.iscalar("i");
  const outs = [
    T.setSubtensor(T.slice(x, [1, 3]), v),
    T.incSubtensor(T.slice(x, [1, 3]), v),
    T.incSubtensor(T.slice(x, null, [null, null, -2]), r), // a row broadcast over rows
    T.setSubtensor(T.get(x, i), T.get(v, 0)),
    T.incSubtensor(T.slice(x, [i, null, -1], [1, null]), 1.5),
  ];
  await agreeOnGpu(
    [x, v, r, i],
    outs,
    [
      randomF32([4, 5], 1),
      randomF32([2, 5], 2),
      randomF32([3], 3),
      T.asarray(-2, { dtype: "int32" }),
    ],
    exact,
    { what: "inc/set" },
  );
  const xi = T.imatrix("xi"), vi = T.imatrix("vi");
  await agreeOnGpu(
    [xi, vi],
    [T.incSubtensor(T.slice(xi, [0, 2], [1, 3]), vi)],
    [
      randomInt("int32", [3, 4], 4, -50, 50),
      randomInt("int32", [2, 2], 5, -50, 50),
    ],
    exact,
    { what: "int32" },
  );
});

Deno.test("setSubtensor() on WebGPU: a value that does not fit is a ShapeError", async () => {
  const x = T.fvector("x"), v = T.fvector("v");
  const f = quietly(() => T.function([x, v], T.setSubtensor(T.slice(x, [0, 2]), v), { device: "webgpu" }));
  await assert.rejects(() => f(randomF32([4], 1), randomF32([3], 2)), T.ShapeError);
});

Deno.test("arange()/eye() on WebGPU: constant and symbolic bounds agree with the CPU", async () => {
  const n = T.iscalar("n"), s = T.fscalar("s");
  const ints = [
    T.arange(0, n, 1, "int32"),
    T.arange(n, -7, -3, "int32"),
    T.eye(n, 5, 1, "float32"),
    T.eye(3, n, -1, "int32"),
  ];
  await agreeOnGpu([n], ints, [T.asarray(6, { dtype: "int32" })], exact, { what: "int arange/eye" });
  const g: T.NDArray = await quietly(() =>
    T.function([n, s], T.arange(s, n, 0.37, "float32"), { device: "webgpu" })
  )(T.asarray(300, { dtype: "int32" }), T.asarray(-2.5, { dtype: "float32" }));
  const c = T.function([n, s], T.arange(s, n, 0.37, "float32"))(
    T.asarray(300, { dtype: "int32" }),
    T.asarray(-2.5, { dtype: "float32" }),
  );
  assert.deepEqual(g.shape, c.shape);
  for (let i = 0; i < c.size; i++) assert.ok(ulpDistance(g.data[i], c.data[i]) <= 1, `arange [${i}]`);
});

Deno.test("tensordot() on WebGPU: axes pairs in any order agree with the CPU", async () => {
  const a = T.ftensor3("a"), b = T.ftensor3("b"), m = T.fmatrix("m");
  const outs = [
    T.tensordot(a, b, [[1, 2], [0, 1]]),
    T.tensordot(a, b, [[2, 0], [1, 2]]),
    T.tensordot(a, m, [[1], [1]]),
    T.tensordot(m, m, 0),
  ];
  await agreeOnGpu(
    [a, b, m],
    outs,
    [randomF32([2, 3, 4], 1), randomF32([3, 4, 2], 2), randomF32([5, 3], 3)],
    rel(1e-5),
    {
      what: "tensordot",
    },
  );
});

Deno.test("prod() gradient on WebGPU: prod_others runs on the GPU, zeros included", async () => {
  const x = T.fmatrix("x");
  const outs = [T.grad(T.sum(T.prod(x, 1)), x), T.grad(T.sum(T.prod(x, 0)), x), T.grad(T.prod(x), x)];
  const v = randomF32([3, 2], 7, 2);
  v.data[1] = 0; // a zero: the gradient of its group's other element is the product without it
  const gpu = await agreeOnGpu([x], outs, [v], rel(1e-5), { what: "prod grad", allowCpu: true });
  assert.equal(gpu.length, 3);
  const f = quietly(() => T.function([x], outs, { device: "webgpu" }));
  const p = f.placement.filter((q) => q.node.op.name === "prod_others");
  assert.ok(p.length > 0 && p.every((q) => q.device === "webgpu"));
});

Deno.test("sum() of small ints on WebGPU stays on the CPU (its int64 result has no WGSL type) and agrees", async () => {
  const x = T.imatrix("x");
  const f = quietly(() => T.function([x], T.sum(x, 1), { device: "webgpu" }));
  const p = f.placement.find((q) => q.node.op.name === "sum")!;
  assert.equal(p.device, "cpu");
  assert.match(p.reason!, /int64/);
  await agreeOnGpu([x], T.sum(x, 1), [randomInt("int32", [3, 4], 9, -1000, 1000)], exact, { allowCpu: true });
});
