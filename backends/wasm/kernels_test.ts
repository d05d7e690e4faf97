import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { applyFlags, config } from "../../core/config.ts";
import { NDArray } from "../../core/ndarray.ts";
import type { Apply } from "../../core/graph.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { dotOp } from "../../ops/dot.ts";
import { batchedDotOp } from "../../ops/batched_dot.ts";
import { batchedDotKernel, dotKernel } from "../cpu/matmul_kernels.ts";
import { buildHostProgram, hostEngines } from "../../compile/schedule.ts";
import { hasSimd } from "./features.ts";
import { SMALL_PRODUCT, wasmBatchedDotKernel, wasmDotKernel } from "./kernels.ts";
import type { Kernel } from "../kernel.ts";

/** The host engines' kernel for a node (wasm in front of JS), as a compiled function gets it. */
const cpuKernelFor = (node: Apply) => hostEngines.kernel(node, buildHostProgram);

const rng = seededRandom(3);
const SIZES = [1, 3, 17, 65, 130];

function random(dtype: T.DType, shape: number[]): NDArray {
  const x = new NDArray(dtype, shape);
  for (let i = 0; i < x.size; i++) x.data[i] = rng() * 2 - 1;
  return x;
}
const typeOf = (x: NDArray) => new T.TensorType(x.dtype, x.shape.map(() => null)).make();

/** Compare with a tolerance for a sum of k products in the output dtype. */
function assertClose(actual: NDArray, expected: NDArray, k: number, what: string) {
  assert.equal(actual.dtype, expected.dtype, what);
  assert.deepEqual(actual.shape, expected.shape, what);
  const eps = actual.dtype === "float32" ? 2 ** -24 : 2 ** -53;
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i], e = expected.data[i];
    // Inputs are in [-1, 1): each |product| <= 1.
    if (!(Math.abs(a - e) <= 2 * (k + 2) * eps * (1 + Math.abs(e)))) {
      assert.fail(`${what}: element ${i} is ${a}, reference ${e}`);
    }
  }
}

/** Run `body` with config.wasm set, restoring it after. */
function withWasm<R>(on: boolean, body: () => R): R {
  const saved = config.wasm;
  config.wasm = on;
  try {
    return body();
  } finally {
    config.wasm = saved;
  }
}

const reference = (node: Apply, vals: NDArray[]) => node.op.perform!(vals, node.params, node)[0];

Deno.test("wasmDotKernel: every vector/matrix combination and odd size matches the reference perform", () => {
  assert.ok(hasSimd());
  for (const dtype of ["float32", "float64"] as const) {
    for (const n of SIZES) {
      for (const k of SIZES) {
        for (const [ra, rb] of [[2, 2], [2, 1], [1, 2], [1, 1]]) {
          const a = random(dtype, ra === 2 ? [n, k] : [k]), b = random(dtype, rb === 2 ? [k, n + 2] : [k]);
          const node = dotOp.make([typeOf(a), typeOf(b)], null);
          const kernel = withWasm(true, () => cpuKernelFor(node))!;
          assertClose(kernel([a, b])[0], reference(node, [a, b]), k, `${dtype} (${a.shape})·(${b.shape})`);
        }
      }
    }
  }
});

Deno.test("wasmDotKernel: mixed float32/float64 inputs give a float64 product", () => {
  const a = random("float32", [33, 40]), b = random("float64", [40, 35]);
  const node = dotOp.make([typeOf(a), typeOf(b)], null);
  const [c] = withWasm(true, () => wasmDotKernel(node)!)([a, b]);
  assertClose(c, reference(node, [a, b]), 40, "float32·float64");
});

Deno.test("wasmBatchedDotKernel: matrices and vectors per batch entry match the reference", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (
      const [sa, sb] of [[[5, 17, 9], [5, 9, 13]], [[4, 65, 3], [4, 3]], [[3, 17], [3, 17, 65]], [[7, 130], [
        7,
        130,
      ]]]
    ) {
      const a = random(dtype, sa), b = random(dtype, sb);
      const node = batchedDotOp.make([typeOf(a), typeOf(b)], null);
      const kernel = withWasm(true, () => cpuKernelFor(node))!;
      assertClose(kernel([a, b])[0], reference(node, [a, b]), sb[1], `${dtype} (${sa})·(${sb})`);
    }
  }
});

Deno.test("wasm kernels: config.wasm = false and integer dtypes keep the JS kernels", () => {
  const a = random("float64", [20, 20]);
  const node = dotOp.make([typeOf(a), typeOf(a)], null);
  const js: Kernel = dotKernel(node)!;
  assert.equal(withWasm(false, () => wasmDotKernel(node, js)), js);
  assert.notEqual(withWasm(true, () => wasmDotKernel(node, js)), js);
  const ints = dotOp.make([T.imatrix(), T.imatrix()], null);
  assert.equal(wasmDotKernel(ints, undefined), undefined);
  const bnode = batchedDotOp.make([T.ftensor3(), T.ftensor3()], null);
  const bjs = batchedDotKernel(bnode)!;
  assert.equal(withWasm(false, () => wasmBatchedDotKernel(bnode, bjs)), bjs);
  // Both paths give the same numbers through a compiled function.
  const [x, y] = T.dmatrices("x", "y");
  const fOn = withWasm(true, () => T.function([x, y], T.dot(x, y)));
  const fOff = withWasm(false, () => T.function([x, y], T.dot(x, y)));
  const u = random("float64", [65, 130]), v = random("float64", [130, 17]);
  assertClose(fOn(u, v), fOff(u, v), 130, "wasm on vs off");
});

Deno.test("wasm kernels: HYPATIA_FLAGS wasm=0/1 set config.wasm, bad values are rejected", () => {
  const saved = config.wasm;
  try {
    applyFlags("wasm=0");
    assert.equal(config.wasm, false);
    applyFlags("wasm=true");
    assert.equal(config.wasm, true);
    assert.throws(() => applyFlags("wasm=maybe"), /wasm must be true or false \(0 or 1\), got "maybe"/);
  } finally {
    config.wasm = saved;
  }
});

Deno.test("wasm kernels: tiny products take the JS path, and shape errors are the reference's", () => {
  const a = random("float64", [2, 3]), b = random("float64", [3, 2]);
  assert.ok(2 * 3 * 2 < SMALL_PRODUCT);
  const node = dotOp.make([typeOf(a), typeOf(b)], null);
  const kernel = withWasm(true, () => wasmDotKernel(node, dotKernel(node)))!;
  assertClose(kernel([a, b])[0], reference(node, [a, b]), 3, "2×3·3×2");
  const bad = random("float64", [4, 2]);
  assert.throws(() => kernel([a, bad]), T.ShapeError);
  const big = random("float64", [30, 31]), wrong = random("float64", [30, 30]);
  assert.throws(() => kernel([big, wrong]), /not aligned/);
});

Deno.test("wasm kernels: a compiled gradient through dot (float32 and float64) matches finite differences", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const opts = dtype === "float32" ? { eps: 1e-2, rtol: 5e-2, atol: 5e-2, dtype } : { dtype };
    const a = random(dtype, [9, 17]), b = random(dtype, [17, 6]);
    withWasm(true, () => T.verifyGrad((x: T.Variable, y: T.Variable) => T.dot(x, y), [a, b], opts));
  }
});
