/**
 * Matrix products on the CPU: square dot in float32 and float64, a matrix-vector
 * product and a batched product.
 *
 *   deno bench bench/dot_bench.ts
 */
import * as T from "../mod.ts";
import { hypatiaDot, randomArray } from "./common.ts";

for (const n of [64, 256, 512]) {
  for (const dtype of ["float32", "float64"] as const) {
    const a = randomArray(dtype, [n, n]), b = randomArray(dtype, [n, n]);
    const f = hypatiaDot(dtype), fJs = hypatiaDot(dtype, false);
    Deno.bench({ name: `dot ${n}×${n} ${dtype}`, group: `dot ${n}`, fn: () => void f(a, b) });
    Deno.bench({
      name: `dot ${n}×${n} ${dtype}, JS kernel (wasm off)`,
      group: `dot ${n}`,
      fn: () => void fJs(a, b),
    });
  }
}

{
  const m = T.dmatrix("m"), v = T.dvector("v");
  const f = T.function([m, v], T.dot(m, v));
  const mv = randomArray("float64", [2000, 2000]), vv = randomArray("float64", [2000]);
  Deno.bench({ name: "dot 2000×2000 · 2000 float64 (gemv)", fn: () => void f(mv, vv) });
}

{
  const [a, b] = T.ftensor3s("a", "b");
  const f = T.function([a, b], T.batchedDot(a, b));
  const av = randomArray("float32", [64, 32, 48]), bv = randomArray("float32", [64, 48, 32]);
  Deno.bench({ name: "batchedDot 64 × (32×48 · 48×32) float32", fn: () => void f(av, bv) });
}

{
  const a = T.dtensor3("a"), b = T.dmatrix("b");
  const f = T.function([a, b], T.tensordot(a, b, [[1, 2], [1, 0]]));
  const av = randomArray("float64", [128, 32, 16]), bv = randomArray("float64", [16, 32]);
  Deno.bench({ name: "tensordot (128,32,16)·(16,32) over two axes float64", fn: () => void f(av, bv) });
}
