/**
 * Matrix products on WebGPU against the CPU backend: dot for every rank combination,
 * batchedDot, outer, transposed operands (folded into the kernel's indexing, no copy),
 * integer products (wrapping, exact), empty and mismatched shapes.
 *
 * Tolerance (float32): |GPU - CPU| <= 1e-5 · sqrt(k) · (|A|·|B|)[i], where k is the inner
 * length and |A|·|B| the product of the absolute values (the scale of the rounding
 * errors: the GPU sums k float32 products in f32, the CPU in float64). Integers: equal.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { WgslKernelTemplate } from "./kernel_template.ts";
import { matmulWgsl } from "../../ops/dot_wgsl.ts";
import { agreeOnGpu, quietly, randomF32, randomInt } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

// The op files' templates fit the backend's contract (checked by the type checker).
matmulWgsl("dot") satisfies WgslKernelTemplate<null>;

const abs = (a: T.NDArray) => {
  const o = a.copy();
  for (let i = 0; i < o.size; i++) o.data[i] = Math.abs(o.data[i]);
  return o;
};

/** Compare a product built by `build` on both devices with the tolerance above. */
async function checkProduct(
  vars: T.Variable[],
  build: (...v: T.Variable[]) => T.Variable,
  values: T.NDArray[],
  k: number,
  what: string,
) {
  const y = build(...vars);
  const scale = T.function(vars, y)(...values.map(abs)) as T.NDArray;
  await agreeOnGpu(vars, y, values, (i) => 1e-5 * Math.sqrt(Math.max(k, 1)) * scale.data[i] + 1e-30, {
    what,
  });
}

Deno.test("dot() on WebGPU: matrix·matrix of several sizes (tiled kernel, edges of tiles) agrees with the CPU", async () => {
  for (const [n, k, m] of [[2, 3, 2], [5, 7, 3], [65, 33, 130], [64, 64, 64], [128, 300, 70], [3, 1, 200]]) {
    const [a, b] = T.fmatrices("a", "b");
    await checkProduct(
      [a, b],
      T.dot,
      [randomF32([n, k], n), randomF32([k, m], m + 1)],
      k,
      `(${n}x${k})·(${k}x${m})`,
    );
  }
});

Deno.test("dot() on WebGPU: matrix·vector, vector·matrix and vector·vector (row kernel)", async () => {
  const [a] = [T.fmatrix("a")], [u, v] = T.fvectors("u", "v");
  await checkProduct([a, v], T.dot, [randomF32([50, 300], 1), randomF32([300], 2)], 300, "matrix·vector");
  await checkProduct([u, a], T.dot, [randomF32([70], 3), randomF32([70, 90], 4)], 70, "vector·matrix");
  await checkProduct([u, v], T.dot, [randomF32([1000], 5), randomF32([1000], 6)], 1000, "vector·vector");
  // Column kernel: the matrix is contiguous along the output index.
  await checkProduct(
    [u, a],
    T.dot,
    [randomF32([50], 11), randomF32([50, 300], 12)],
    50,
    "vector·matrix, 300 outputs",
  );
  const tv = (m: T.Variable, w: T.Variable) => T.dot(T.transpose(m), w);
  await checkProduct(
    [a, v],
    tv,
    [randomF32([40, 270], 13), randomF32([40], 14)],
    40,
    "matrix.T·vector, 270 outputs",
  );
  await checkProduct([u, v], T.outer, [randomF32([40], 7), randomF32([90], 8)], 1, "outer");
});

Deno.test("dot() on WebGPU folds transposed operands into its indexing (no copy kernel)", async () => {
  const [a, b] = T.fmatrices("a", "b");
  const cases: [string, T.Variable, T.NDArray[], number][] = [
    ["a.T · b", T.dot(T.transpose(a), b), [randomF32([40, 70], 1), randomF32([40, 65], 2)], 40],
    ["a · b.T", T.dot(a, T.transpose(b)), [randomF32([66, 30], 3), randomF32([90, 30], 4)], 30],
    [
      "a.T · b.T",
      T.dot(T.transpose(a), T.transpose(b)),
      [randomF32([20, 70], 5), randomF32([80, 20], 6)],
      20,
    ],
  ];
  for (const [what, y, values, k] of cases) {
    const f = quietly(() => T.function([a, b], y, { device: "webgpu" }));
    const shuffles = f.placement.filter((p) => p.node.op.name === "dimshuffle");
    assert.ok(
      shuffles.length > 0 && shuffles.every((p) => p.device === "webgpu" && /folded/.test(p.note ?? "")),
      what,
    );
    const scale = T.function([a, b], y)(...values.map(abs)) as T.NDArray;
    await agreeOnGpu([a, b], y, values, (i) => 1e-5 * Math.sqrt(k) * scale.data[i] + 1e-30, { what });
  }
  // The gradient of a matrix-vector product reads x transposed: dot(g, x) on the GPU.
  const x = T.fmatrix("x"), w = T.fvector("w");
  const gw = T.grad(T.sum(T.dot(x, w)), w);
  const xv = randomF32([30, 20], 9), wv = randomF32([20], 10);
  await agreeOnGpu([x, w], gw, [xv, wv], () => 1e-5 * Math.sqrt(30) * 30, { what: "grad of dot" });
});

Deno.test("dot() on WebGPU of int32, int8 and uint8 wraps exactly as the CPU", async () => {
  const [a, b] = T.imatrices("a", "b");
  await agreeOnGpu(
    [a, b],
    T.dot(a, b),
    [
      randomInt("int32", [33, 70], 1, -(2 ** 31), 2 ** 31 - 1),
      randomInt("int32", [70, 65], 2, -(2 ** 31), 2 ** 31 - 1),
    ],
    () => 0,
    { what: "int32 (wrapping)" },
  );
  const c = new T.TensorType("int8", [null, null]).make("c"), d = new T.TensorType("uint8", [null]).make("d");
  await agreeOnGpu(
    [c, d],
    T.dot(c, d),
    [
      randomInt("int8", [9, 40], 3, -128, 127),
      randomInt("uint8", [40], 4, 0, 255),
    ],
    () => 0,
    { what: "int8 · uint8 -> int16" },
  );
});

Deno.test("batchedDot() on WebGPU for every rank combination", async () => {
  const [a3, b3] = [T.ftensor3("a"), T.ftensor3("b")], [a2, b2] = [T.fmatrix("a2"), T.fmatrix("b2")];
  const B = 5;
  await checkProduct(
    [a3, b3],
    T.batchedDot,
    [randomF32([B, 70, 20], 1), randomF32([B, 20, 66], 2)],
    20,
    "3·3",
  );
  await checkProduct([a3, b2], T.batchedDot, [randomF32([B, 7, 20], 3), randomF32([B, 20], 4)], 20, "3·2");
  await checkProduct([a2, b3], T.batchedDot, [randomF32([B, 20], 5), randomF32([B, 20, 9], 6)], 20, "2·3");
  await checkProduct([a2, b2], T.batchedDot, [randomF32([B, 300], 7), randomF32([B, 300], 8)], 300, "2·2");
});

Deno.test("dot() on WebGPU: empty operands, mismatched lengths, float64 placement", async () => {
  const [a, b] = T.fmatrices("a", "b");
  const z = await agreeOnGpu([a, b], T.dot(a, b), [randomF32([4, 0], 1), randomF32([0, 3], 2)], () => 0, {
    what: "k = 0",
  });
  assert.deepEqual(z[0].toArray(), [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  await agreeOnGpu([a, b], T.dot(a, b), [randomF32([0, 5], 1), randomF32([5, 3], 2)], () => 0, {
    what: "n = 0",
  });
  const f = T.function([a, b], T.dot(a, b), { device: "webgpu" });
  await assert.rejects(
    () => f(randomF32([2, 3], 1), randomF32([4, 2], 2)),
    (e: unknown) => e instanceof T.ShapeError && /inner lengths differ: 3 and 4/.test(String(e)),
  );
  const [c, d] = T.dmatrices("c", "d");
  const g = quietly(() => T.function([c, d], T.dot(c, d), { device: "webgpu" }));
  assert.equal(g.placement[0].device, "cpu");
  assert.match(g.placement[0].reason!, /float64/);
});
