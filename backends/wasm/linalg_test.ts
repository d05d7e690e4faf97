/**
 * The wasm engine's product-bound linear algebra rules (the reference rules with the SIMD
 * GEMM as their product, linalg.ts) agree with the ops' reference `perform`, on matrices
 * past the LU's panel width so the blocked updates (the products) run, on stacks, and in
 * float32 (the rules compute in float64 and round); without SIMD, or with config.wasm
 * off, the rule is the JS engine's kernel.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import type { Apply, Op } from "../../core/graph.ts";
import { detOp, matrixInverseOp, solveOp } from "../../ops/linalg/nlinalg.ts";
import { svdOp } from "../../ops/linalg/decomp.ts";
import { expmOp } from "../../ops/linalg/expm.ts";
import type { Kernel } from "../kernel.ts";
import { hasSimd } from "./features.ts";
import { wasmTable } from "./table.ts";

function randomMatrix(n: number, m: number, seed: number, diag = 0): T.NDArray {
  const rnd = T.seededRandom(seed), a = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a[i * m + j] = rnd() - 0.5 + (i === j ? diag : 0);
  return T.asarray(a).reshape([n, m]);
}

const unused: Kernel = () => {
  throw new Error("the SIMD rule ran its fallback");
};

/** The largest |x - y| / (1 + |y|) over the outputs of the wasm rule (x) and the reference (y). */
function worst(node: Apply, vals: T.NDArray[]): number {
  const kernel = wasmTable.get(node.op)!.kernel!(node, unused)!;
  assert.equal(kernel === unused, !hasSimd(), "the SIMD rule exactly where there is SIMD");
  if (kernel === unused) return 0;
  const fast = kernel(vals), ref = node.op.perform!(vals, node.params, node);
  let w = 0;
  fast.forEach((f, k) => {
    assert.deepEqual(f.shape, ref[k].shape);
    assert.equal(f.dtype, ref[k].dtype);
    for (let i = 0; i < f.size; i++) {
      const x = f.data[i] as number, y = ref[k].data[i] as number;
      w = Math.max(w, Math.abs(x - y) / (1 + Math.abs(y)));
    }
  });
  return w;
}

const node = (op: Op<unknown>, params: unknown, ...ins: T.Variable[]) => op.make(ins, params);

Deno.test("wasm's SIMD-GEMM rules of inv, det, solve, expm, svd agree with the reference rules", () => {
  const m = T.dmatrix("m"), v = T.dvector("v"), mb = T.dmatrix("b");
  const a = randomMatrix(150, 150, 1, 2), b = T.asarray(randomMatrix(150, 1, 2).data);
  assert.ok(worst(node(matrixInverseOp, null, m), [a]) < 1e-12);
  assert.ok(worst(node(detOp, null, m), [a]) < 1e-12);
  assert.ok(worst(node(solveOp, null, m, v), [a, b]) < 1e-12);
  assert.ok(worst(node(solveOp, null, m, mb), [a, randomMatrix(150, 9, 9)]) < 1e-12);
  assert.ok(worst(node(expmOp, null, m), [randomMatrix(90, 90, 3)]) < 1e-12);
  const stack = T.asarray(
    Float64Array.from([...randomMatrix(70, 70, 7, 2).data, ...randomMatrix(70, 70, 8, 2).data]),
  )
    .reshape([2, 70, 70]);
  const s3 = T.tensor3("s");
  assert.ok(worst(node(matrixInverseOp, null, s3), [stack]) < 1e-12, "a stack");
  assert.ok(worst(node(svdOp, { fullMatrices: true }, s3), [stack]) < 1e-10, "a stack");
  for (const fullMatrices of [false, true]) {
    assert.ok(worst(node(svdOp, { fullMatrices }, m), [randomMatrix(120, 70, 4)]) < 1e-10);
    assert.ok(worst(node(svdOp, { fullMatrices }, m), [randomMatrix(40, 75, 5)]) < 1e-10);
  }
  const f = T.fmatrix("f"), a32 = a.astype("float32");
  assert.ok(worst(node(matrixInverseOp, null, f), [a32]) < 1e-6, "float32 (computed in float64)");
});

Deno.test("wasm linalg rules: a singular matrix raises the reference's error; config.wasm off gives the JS kernel", () => {
  const m = T.dmatrix("m"), n = node(matrixInverseOp, null, m);
  const a = randomMatrix(80, 80, 11, 2);
  for (let i = 0; i < 80; i++) a.data[i * 80 + 70] = 0; // column 70 is zero: a zero pivot past the first panel
  const message = (k: Kernel) => {
    try {
      k([a]);
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  const reference: Kernel = (vals) => n.op.perform!(vals, null, n);
  assert.match(message(reference), /singular/);
  assert.equal(message(wasmTable.get(matrixInverseOp)!.kernel!(n, reference)!), message(reference));
  const saved = config.wasm;
  try {
    config.wasm = false;
    assert.equal(wasmTable.get(detOp)!.kernel!(n, reference), reference);
  } finally {
    config.wasm = saved;
  }
});
