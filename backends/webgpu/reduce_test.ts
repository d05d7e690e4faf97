/**
 * Reductions on WebGPU against the CPU backend, over every layout of the reduced axes
 * (all, trailing, leading, middle, several), with keepdims, large groups (the two-pass
 * path), NaN and infinities, ties, integers and bools, and empty groups.
 *
 * Tolerance (float32): sum and mean within 1e-5 · sqrt(m) · (sum of |x| over the group)
 * (divided by m for the mean), prod within 1e-5 · sqrt(m) · |prod|, logsumexp within
 * 2e-6 · (1 + |result|); max, min, argmax, argmin, any, all and every integer result exactly.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import { reduceWgsl } from "../../ops/reduce_wgsl.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

reduceWgsl("sum") satisfies WgslKernelTemplate<{ axes: number[]; keepdims: boolean }>;

const AXES: [number[], (number | number[] | null)[]][] = [
  [[6, 7], [null, 0, 1, -1]],
  [[3, 4, 5], [null, 0, 1, 2, [0, 2], [1, 2], [0, 1]]],
  [[2, 3, 2, 5], [[1, 3], [0, 2], 2]],
];

/** Sum of |x| over each group (the scale of a float32 sum's rounding error). */
function absSums(x: T.Variable, v: T.NDArray, axis: number | number[] | null, keepdims: boolean): T.NDArray {
  return T.function([x], T.sum(T.abs(x), axis, { keepdims }))(v) as T.NDArray;
}

Deno.test("sum() and mean() on WebGPU over every axis layout, with keepdims", async () => {
  for (const [shape, axes] of AXES) {
    for (const axis of axes) {
      for (const keepdims of [false, true]) {
        const x = new T.TensorType("float32", shape.map(() => null)).make("x");
        const v = randomF32(shape, shape.length * 7 + shape[0], 3);
        const scale = absSums(x, v, axis, keepdims);
        const m = v.size / scale.size;
        const what = `(${shape}) axis ${JSON.stringify(axis)}${keepdims ? " keepdims" : ""}`;
        await agreeOnGpu([x], T.sum(x, axis, { keepdims }), [v], (i) => 1e-5 * Math.sqrt(m) * scale.data[i], {
          what: `sum ${what}`,
        });
        await agreeOnGpu(
          [x],
          T.mean(x, axis, { keepdims }),
          [v],
          (i) => 1e-5 * Math.sqrt(m) * scale.data[i] / m,
          {
            what: `mean ${what}`,
          },
        );
      }
    }
  }
});

Deno.test("sum(), mean(), max(), any() on WebGPU over large groups (two passes) agree with the CPU", async () => {
  const x = T.fvector("x"), m = T.fmatrix("m");
  const v = randomF32([300_001], 1, 2);
  const scale = absSums(x, v, null, false).data[0];
  await agreeOnGpu(
    [x],
    [T.sum(x), T.mean(x)],
    [v],
    (_, __, k) => 1e-5 * Math.sqrt(v.size) * scale / (k ? v.size : 1),
    {
      what: "sum/mean of 300,001",
    },
  );
  await agreeOnGpu([x], [T.max(x), T.min(x), T.any(x), T.all(x)], [v], () => 0, { what: "max/min/any/all" });
  const w = randomF32([3, 50_000], 2);
  const ws = absSums(m, w, 1, false);
  await agreeOnGpu([m], T.sum(m, 1), [w], (i) => 1e-5 * Math.sqrt(50_000) * ws.data[i], {
    what: "rows of 50,000",
  });
});

Deno.test("prod() on WebGPU agrees with the CPU within 1e-5 · sqrt(m) relative", async () => {
  const x = T.fmatrix("x");
  const v = randomF32([40, 30], 3, 0.1);
  for (let i = 0; i < v.size; i++) v.data[i] += 1; // factors near 1: products stay finite
  for (const axis of [null, 0, 1]) {
    const m = axis === null ? v.size : v.shape[axis];
    await agreeOnGpu([x], T.prod(x, axis), [v], (_, c) => 1e-5 * Math.sqrt(m) * Math.abs(c), {
      what: `prod ${axis}`,
    });
  }
});

Deno.test("max(), min(), argmax(), argmin() on WebGPU: exact, NaN first, ties to the first index", async () => {
  const x = T.fmatrix("x");
  const v = randomF32([9, 12], 4);
  v.data[5] = NaN; // row 0
  v.data[12 * 3 + 7] = v.data[12 * 3 + 2] = 50; // a tie in row 3
  v.data[12 * 4 + 1] = Infinity;
  v.data[12 * 5 + 4] = -Infinity;
  v.data[12 * 6 + 3] = NaN;
  v.data[12 * 6 + 9] = NaN; // two NaNs: the first one's index
  for (const axis of [null, 0, 1, [0, 1]]) {
    const outs = [T.max(x, axis), T.min(x, axis), T.argmax(x, axis), T.argmin(x, axis)];
    const g = await agreeOnGpu([x], outs, [v], () => 0, { what: `extremes axis ${JSON.stringify(axis)}` });
    assert.equal(g[2].dtype, "int64");
  }
  const i = T.imatrix("i");
  const iv = randomInt("int32", [7, 5], 5, -(2 ** 31), 2 ** 31 - 1);
  await agreeOnGpu([i], [T.max(i, 0), T.min(i, 1), T.argmax(i, 1), T.argmin(i)], [iv], () => 0, {
    what: "int32",
  });
  const b = new T.TensorType("uint8", [null]).make("b");
  await agreeOnGpu([b], [T.max(b), T.argmin(b)], [randomInt("uint8", [300], 6, 0, 255)], () => 0, {
    what: "uint8",
  });
});

Deno.test("any() and all() on WebGPU: float32 (-0 is false, NaN true), ints and bools", async () => {
  const x = T.fmatrix("x");
  const v = T.asarray([[0, -0, 0], [0, NaN, 0], [1, 2, 3], [0, 0, -1e-30]], { dtype: "float32" });
  for (const axis of [null, 0, 1]) {
    await agreeOnGpu([x], [T.any(x, axis), T.all(x, axis)], [v], () => 0, { what: `float32 axis ${axis}` });
  }
  const i = T.imatrix("i"), b = new T.TensorType("bool", [null, null]).make("b");
  await agreeOnGpu([i], [T.any(i, 1), T.all(i, 0)], [randomInt("int32", [6, 4], 7, -1, 1)], () => 0, {
    what: "int32",
  });
  await agreeOnGpu([b], [T.any(b, 0), T.all(b, 1)], [randomInt("bool", [5, 6], 8, 0, 1)], () => 0, {
    what: "bool",
  });
});

Deno.test("logsumexp() on WebGPU, with infinities and NaN, agrees with the CPU", async () => {
  const x = T.fmatrix("x");
  const v = randomF32([6, 40], 9, 30);
  v.data[40 * 1 + 3] = Infinity;
  for (let j = 0; j < 40; j++) v.data[40 * 2 + j] = -Infinity;
  v.data[40 * 3 + 7] = NaN;
  for (const axis of [1, 0, null]) {
    await agreeOnGpu([x], T.logsumexp(x, axis), [v], (_, c) => 2e-6 * (1 + Math.abs(c)), {
      what: `axis ${axis}`,
    });
  }
});

Deno.test("reductions on WebGPU: empty groups, int64 results on the CPU, the placement", async () => {
  const x = T.fmatrix("x");
  const empty = new T.NDArray("float32", [0, 3]);
  await agreeOnGpu(
    [x],
    [T.sum(x, 0), T.prod(x, 0), T.any(x, 0), T.all(x, 0), T.sum(x, 1)],
    [empty],
    () => 0,
    {
      what: "empty",
    },
  );
  const mean = await agreeOnGpu([x], T.mean(x, 0), [empty], () => 0, { what: "mean of nothing" });
  assert.ok(Number.isNaN(mean[0].data[0]));
  const f = quietly(() => T.function([x], T.max(x, 0), { device: "webgpu" }));
  await assert.rejects(
    () => f(empty),
    (e: unknown) => e instanceof T.ShapeError && /zero elements/.test(String(e)),
  );
  const i = T.ivector("i");
  const g = quietly(() => T.function([i], T.sum(i), { device: "webgpu" }));
  assert.equal(g.placement[0].device, "cpu");
  assert.match(g.placement[0].reason!, /int64/);
  assert.equal((await g(T.asarray([1, 2, 3], { dtype: "int32" }))).item(), 6);
});
