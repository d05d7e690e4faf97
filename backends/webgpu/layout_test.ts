/**
 * Layout ops and softmax on WebGPU against the CPU backend: dimshuffle (copy and
 * relabel), reshape (relabel, symbolic lengths read from shapes on the host), basic
 * indexing (symbolic and negative steps), alloc/zeros, concatenate, softmax, logSoftmax
 * and softmax_grad.
 *
 * Tolerance: layout ops copy values, so they must be equal. softmax within
 * 2e-6 · |result| + 1e-9 (a few float32 ulps of exp and of the division), logSoftmax
 * within 1e-6 · (1 + |result|), softmax_grad within 1e-6 · (1 + |result|).
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import { allocWgsl, concatenateWgsl, dimshuffleWgsl, subtensorWgsl } from "../../ops/layout_wgsl.ts";
import { softmaxWgsl } from "../../ops/softmax_wgsl.ts";
import type { IndexEntry } from "../../ops/subtensor_kernel.ts";
import { acquireDevice } from "./device.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

dimshuffleWgsl satisfies WgslKernelTemplate<{ pattern: (number | "x")[] }>;
allocWgsl satisfies WgslKernelTemplate<{ shape: (number | "$")[] }>;
concatenateWgsl satisfies WgslKernelTemplate<{ axis: number }>;
subtensorWgsl satisfies WgslKernelTemplate<{ idx: IndexEntry[] }>;
softmaxWgsl("softmax") satisfies WgslKernelTemplate<{ axes: number[] }>;

const exact = () => 0;

Deno.test("dimshuffle() on WebGPU: permutations copy, order-preserving patterns relabel the buffer", async () => {
  const t = T.ftensor3("t");
  const v = randomF32([3, 4, 5], 1);
  await agreeOnGpu(
    [t],
    [T.dimshuffle(t, 2, 0, 1), T.dimshuffle(t, 1, "x", 2, 0), T.transpose(t)],
    [v],
    exact,
  );
  const i = T.imatrix("i");
  await agreeOnGpu([i], T.transpose(i), [randomInt("int32", [7, 3], 2, -9, 9)], exact, { what: "int32" });
  // An order-preserving pattern needs no kernel.
  const x = T.fmatrix("x");
  const f = T.function([x], T.mul(T.dimshuffle(x, "x", 0, 1), 2), { device: "webgpu", mode: "FAST_COMPILE" });
  await f([[1, 2]]);
  const ctx = await acquireDevice();
  const before = ctx.stats.dispatches;
  assert.deepEqual((await f([[1, 2], [3, 4]])).toArray(), [[[2, 4], [6, 8]]]);
  assert.equal(ctx.stats.dispatches - before, 1, "only the multiplication ran a kernel");
});

Deno.test("reshape() on WebGPU relabels the buffer; symbolic lengths come from shapes without a readback", async () => {
  const x = T.fmatrix("x");
  const v = randomF32([4, 6], 3);
  const n = x.shape.get(0);
  const outs = [T.reshape(x, [-1]), T.reshape(x, [n, 3, -1]), T.flatten(T.exp(x))];
  const g = await agreeOnGpu([x], outs, [v], (_, c, k) => (k === 2 ? 4e-7 * Math.abs(c) : 0), {
    allowCpu: true,
  });
  assert.deepEqual(g[1].shape, [4, 3, 2]);
  const f = quietly(() => T.function([x], T.reshape(T.mul(x, 2), [n, -1, 2]), { device: "webgpu" }));
  await f(v);
  const ctx = await acquireDevice();
  const before = ctx.stats.readbacks;
  await f.onDevice(v);
  assert.equal(ctx.stats.readbacks, before, "the lengths were read from shapes, not from the GPU");
  await assert.rejects(() => T.function([x], T.reshape(x, [5, -1]), { device: "webgpu" })(v), T.ShapeError);
});

Deno.test("get() and slice() on WebGPU: integers, ranges, negative steps, symbolic indices", async () => {
  const x = T.ftensor3("x"), i = T.iscalar("i"), j = T.iscalar("j");
  const v = randomF32([5, 4, 3], 4);
  const outs = [
    T.get(x, 1),
    T.get(x, -1, 2),
    T.get(x, i, j, 0),
    T.slice(x, [1, 4], null, [null, null, -1]),
    T.slice(x, [null, null, -2], [i, null]),
    T.slice(x, [4, 0, j]),
  ];
  const values = [v, T.asarray(2, { dtype: "int32" }), T.asarray(-1, { dtype: "int32" })];
  await agreeOnGpu([x, i, j], outs, values, exact);
  const f = T.function([x, i], T.get(x, i), { device: "webgpu" });
  await assert.rejects(
    () => f(v, 7),
    (e: unknown) => e instanceof T.ShapeError && /out of bounds/.test(String(e)),
  );
});

Deno.test("alloc() and zeros() on WebGPU broadcast a value to a shape", async () => {
  const r = T.frow("r"), s = T.fscalar("s"), x = T.fmatrix("x");
  const n = T.iscalar("n");
  const outs = [T.alloc(r, 3, 4), T.alloc(s, n, 2), T.zerosLike(x), T.alloc(T.exp(s), x.shape.get(1))];
  await agreeOnGpu(
    [r, s, x, n],
    outs,
    [
      randomF32([1, 4], 5),
      T.asarray(1.5, { dtype: "float32" }),
      randomF32([2, 3], 6),
      T.asarray(3, { dtype: "int32" }),
    ],
    (_, c, k) => (k === 3 ? 4e-7 * c : 0),
    { allowCpu: true },
  );
  const f = quietly(() => T.function([r], T.alloc(r, 2, 4), { device: "webgpu" }));
  await assert.rejects(
    () => f([[1, 2, 3]]),
    (e: unknown) => e instanceof T.ShapeError && /broadcast/.test(String(e)),
  );
});

Deno.test("concatenate() on WebGPU along each axis, with an empty part; mismatches are ShapeErrors", async () => {
  const [a, b, c] = T.fmatrices("a", "b", "c");
  const values = [randomF32([2, 3], 7), randomF32([4, 3], 8), randomF32([0, 3], 9)];
  await agreeOnGpu([a, b, c], T.concatenate([a, b, c], 0), values, exact, { what: "axis 0" });
  const w = [randomF32([2, 3], 7), randomF32([2, 5], 8), randomF32([2, 1], 9)];
  await agreeOnGpu([a, b, c], T.concatenate([a, b, c], 1), w, exact, { what: "axis 1" });
  const i = T.ivector("i");
  await agreeOnGpu([i], T.stack([i, T.neg(i)]), [randomInt("int32", [5], 10, -99, 99)], exact, {
    what: "stack",
  });
  const f = T.function([a, b], T.concatenate([a, b], 0), { device: "webgpu" });
  await assert.rejects(
    () => f(values[0], w[1]),
    (e: unknown) => e instanceof T.ShapeError && /must match/.test(String(e)),
  );
});

Deno.test("softmax() and logSoftmax() on WebGPU over each axis, with -inf rows, +inf and NaN", async () => {
  const x = T.fmatrix("x"), t = T.ftensor3("t");
  const v = randomF32([5, 40], 11, 20);
  for (let j = 0; j < 40; j++) v.data[40 + j] = -Infinity;
  v.data[80 + 5] = Infinity;
  v.data[120 + 9] = NaN;
  const tol = (
    _: number,
    c: number,
    k: number,
  ) => (k % 2 ? 1e-6 * (1 + Math.abs(c)) : 2e-6 * Math.abs(c) + 1e-9);
  for (const axis of [-1, 0, null]) {
    await agreeOnGpu([x], [T.softmax(x, axis), T.logSoftmax(x, axis)], [v], tol, { what: `axis ${axis}` });
  }
  const w = randomF32([3, 300, 4], 12, 5);
  await agreeOnGpu([t], [T.softmax(t, 1), T.logSoftmax(t, 1)], [w], tol, { what: "middle axis of 300" });
});

Deno.test("softmax_grad on WebGPU: the gradient of a softmax cross-entropy runs on the GPU", async () => {
  const x = T.fmatrix("x"), y = T.fmatrix("y");
  const p = T.softmax(x);
  const cost = T.neg(T.sum(T.mul(y, T.log(p))));
  const g = T.grad(T.sum(T.mul(p, y)), x);
  const gl = T.grad(cost, x);
  const f = quietly(() => T.function([x, y], [g, gl], { device: "webgpu" }));
  assert.ok(f.placement.some((q) => q.node.op.name === "softmax_grad" && q.device === "webgpu"));
  const xv = randomF32([6, 10], 13, 3), yv = randomF32([6, 10], 14);
  await agreeOnGpu([x, y], [g, gl], [xv, yv], (_, c) => 1e-6 * (1 + Math.abs(c)));
});
