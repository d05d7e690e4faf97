/**
 * Elementwise throughput: the fused logistic 1 / (1 + exp(-x)) over 1,000,000 elements
 * against a hand-written typed-array loop, and a longer fused expression.
 *
 *   deno bench bench/elemwise_bench.ts
 */
import * as T from "../mod.ts";
import { handLogistic32, handLogistic64, hypatiaLogistic, randomArray } from "./common.ts";

const N = 1_000_000;
for (const dtype of ["float32", "float64"] as const) {
  const x = randomArray(dtype, [N]);
  const f = hypatiaLogistic(dtype), fJs = hypatiaLogistic(dtype, false);
  const group = `logistic 1e6 ${dtype}`;
  Deno.bench({ name: `Hypatia logistic ${dtype}`, group, baseline: true, fn: () => void f(x) });
  Deno.bench({ name: `Hypatia logistic ${dtype}, JS kernels (wasm off)`, group, fn: () => void fJs(x) });
  Deno.bench({
    name: `hand-written loop ${dtype}`,
    group,
    fn: dtype === "float32"
      ? () => void handLogistic32(x.data as Float32Array)
      : () => void handLogistic64(x.data as Float64Array),
  });
}

{
  // A longer chain with broadcasting: (x - mean) * scale + tanh(x) per row of a matrix.
  const x = T.dmatrix("x"), mu = T.drow("mu"), s = T.drow("s");
  const f = T.function([x, mu, s], T.add(T.mul(T.sub(x, mu), s), T.tanh(x)));
  const xv = randomArray("float64", [1000, 1000]), mv = randomArray("float64", [1, 1000]);
  const sv = randomArray("float64", [1, 1000]);
  Deno.bench({
    name: "Hypatia (x - mu) * s + tanh(x), 1000×1000 with row broadcast",
    fn: () => void f(xv, mv, sv),
  });
}
