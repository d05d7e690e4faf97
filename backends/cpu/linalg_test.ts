/**
 * The JS engine's linear algebra rules (the reference rules with the blocked GEMM as
 * their product, backends/cpu/table.ts) agree with the ops' reference `perform`, on
 * matrices past the LU's panel width so the blocked updates run.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { Apply, Op } from "../../core/graph.ts";
import { detOp, matrixInverseOp, solveOp } from "../../ops/linalg/nlinalg.ts";
import { svdOp } from "../../ops/linalg/decomp.ts";
import { expmOp } from "../../ops/linalg/expm.ts";
import { jsTable } from "./table.ts";

function randomMatrix(n: number, m: number, seed: number, diag = 0): T.NDArray {
  const rnd = T.seededRandom(seed), a = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a[i * m + j] = rnd() - 0.5 + (i === j ? diag : 0);
  return T.asarray(a).reshape([n, m]);
}

/** The largest |x - y| / (1 + |y|) over the outputs of the fast rule (x) and the reference (y). */
function worst(node: Apply, vals: T.NDArray[]): number {
  const fast = jsTable.get(node.op)!.kernel!(node, () => {
    throw new Error("no inner graphs here");
  })!(vals);
  const ref = node.op.perform!(vals, node.params, node);
  let w = 0;
  fast.forEach((f, k) => {
    assert.deepEqual(f.shape, ref[k].shape);
    for (let i = 0; i < f.size; i++) {
      const x = f.data[i] as number, y = ref[k].data[i] as number;
      w = Math.max(w, Math.abs(x - y) / (1 + Math.abs(y)));
    }
  });
  return w;
}

Deno.test("JS engine's GEMM-backed rules of inv, det, solve, expm, svd agree with the reference rules", () => {
  const m = T.dmatrix("m"), v = T.dvector("v");
  const a = randomMatrix(150, 150, 1, 2), b = T.asarray(randomMatrix(150, 1, 2).data);
  const node = (op: Op<unknown>, params: unknown, ...ins: T.Variable[]) => op.make(ins, params);
  assert.ok(worst(node(matrixInverseOp, null, m), [a]) < 1e-12);
  assert.ok(worst(node(detOp, null, m), [a]) < 1e-12);
  assert.ok(worst(node(solveOp, null, m, v), [a, b]) < 1e-12);
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
});

Deno.test("blocked LU past one panel: A·inv(A) = I, solve's residual, det(A)·det(inv(A)) = 1; pivots cross panels", () => {
  const n = 150, a = randomMatrix(n, n, 6); // no diagonal boost: pivoting moves rows across panels
  const m = T.dmatrix("m");
  const f = T.function([m], [
    T.matrixInverse(m),
    T.det(m),
    T.det(T.matrixInverse(m)),
    T.dot(m, T.matrixInverse(m)),
  ]);
  const [, d, dInv, prod] = f(a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      assert.ok(
        Math.abs((prod.data[i * n + j] as number) - (i === j ? 1 : 0)) < 1e-10,
        `A·inv(A) at ${i}, ${j}`,
      );
    }
  }
  assert.ok(Math.abs((d.item() as number) * (dInv.item() as number) - 1) < 1e-9);
});
