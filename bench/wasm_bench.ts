/**
 * The WebAssembly SIMD engine against the pure-JS kernels (config.wasm off), by
 * workload: the logistic over 1,000,000 values, square products, a GEMV, a batched
 * product and the logistic-regression training step.
 *
 *   deno bench --allow-read --allow-env bench/wasm_bench.ts
 *
 * bench/compare_wasm.ts runs the same work beside tfjs-backend-wasm and NumPy.
 */
import * as T from "../mod.ts";
import { randomArray, withEngine } from "./common.ts";
import { logisticRegression } from "./wasm_workloads.ts";

const engines = [["wasm", true], ["js", false]] as const;

for (const dtype of ["float32", "float64"] as const) {
  const xv = randomArray(dtype, [1_000_000]);
  for (const [name, on] of engines) {
    const f = withEngine(on, () => {
      const x = new T.TensorType(dtype, [null]).make("x");
      return T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
    });
    Deno.bench({ name: `logistic 1e6 ${dtype} ${name}`, group: `logistic ${dtype}`, fn: () => void f(xv) });
  }
}

for (const n of [256, 512]) {
  for (const dtype of ["float32", "float64"] as const) {
    const a = randomArray(dtype, [n, n]), b = randomArray(dtype, [n, n]);
    for (const [name, on] of engines) {
      const f = withEngine(on, () => {
        const [x, y] = [
          new T.TensorType(dtype, [null, null]).make("a"),
          new T.TensorType(dtype, [null, null]).make("b"),
        ];
        return T.function([x, y], T.dot(x, y));
      });
      Deno.bench({
        name: `dot ${n}×${n} ${dtype} ${name}`,
        group: `dot ${n} ${dtype}`,
        fn: () => void f(a, b),
      });
    }
  }
}

{
  const mv = randomArray("float64", [2000, 2000]), vv = randomArray("float64", [2000]);
  for (const [name, on] of engines) {
    const f = withEngine(on, () => {
      const [m, v] = [T.dmatrix("m"), T.dvector("v")];
      return T.function([m, v], T.dot(m, v));
    });
    Deno.bench({ name: `gemv 2000×2000 float64 ${name}`, group: "gemv", fn: () => void f(mv, vv) });
  }
}

{
  const av = randomArray("float32", [64, 32, 48]), bv = randomArray("float32", [64, 48, 32]);
  for (const [name, on] of engines) {
    const f = withEngine(on, () => {
      const [a, b] = T.ftensor3s("a", "b");
      return T.function([a, b], T.batchedDot(a, b));
    });
    Deno.bench({
      name: `batchedDot 64 × (32×48 · 48×32) float32 ${name}`,
      group: "batched",
      fn: () => void f(av, bv),
    });
  }
}

for (const [name, on] of engines) {
  const step = withEngine(on, logisticRegression);
  Deno.bench({ name: `logistic regression step 400×784 float64 ${name}`, group: "lr", fn: () => step(1) });
}
