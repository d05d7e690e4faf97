/**
 * The issue-16 functions that have wasm vector rules, logaddexp and log1mexp, over 1,000,000
 * elements with the WebAssembly engine on and off (the JS loop of their scalar rules), and the
 * stabilised binary cross-entropy of a sigmoid (softplus terms after the rewrite).
 *
 *   deno bench --allow-read --allow-env bench/elem16_bench.ts
 */
import * as T from "../mod.ts";
import { randomArray, withEngine } from "./common.ts";

const N = 1_000_000;
for (const dtype of ["float32", "float64"] as const) {
  const a = new T.TensorType(dtype, [null]).make("a"), b = new T.TensorType(dtype, [null]).make("b");
  // randomArray is seeded: y is x reversed, so that logaddexp's a = b shortcut is not what is timed.
  const x = randomArray(dtype, [N]), y = new T.NDArray(dtype, [N]);
  x.data.forEach((v, i) => (y.data[N - 1 - i] = v));
  const neg = new T.NDArray(dtype, [N]);
  x.data.forEach((v, i) => (neg.data[i] = -Math.abs(v) - 1e-3));
  const t = new T.NDArray(dtype, [N]);
  y.data.forEach((v, i) => (t.data[i] = (v + 4) / 8));
  const cases: [string, T.Variable, T.Variable[], T.NDArray[]][] = [
    ["logaddexp(a, b)", T.logaddexp(a, b), [a, b], [x, y]],
    ["log1mexp(a), a < 0", T.log1mexp(a), [a], [neg]],
    ["binaryCrossentropy(sigmoid(a), b)", T.binaryCrossentropy(T.sigmoid(a), b), [a, b], [x, t]],
  ];
  for (const [what, out, ins, vals] of cases) {
    const group = `${what} 1e6 ${dtype}`;
    const on = withEngine(true, () => T.function(ins, out)),
      off = withEngine(false, () => T.function(ins, out));
    Deno.bench({ name: `${what} ${dtype}, wasm`, group, baseline: true, fn: () => void on(...vals) });
    Deno.bench({ name: `${what} ${dtype}, JS kernels (wasm off)`, group, fn: () => void off(...vals) });
  }
}
