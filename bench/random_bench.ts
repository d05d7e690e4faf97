/**
 * Random numbers on the CPU: MRG31k3p uniforms and normals through compiled functions
 * against bare hand-written MRG31k3p loops (see compare_random.ts), NumPy-style
 * RandomStreams draws, and building a variable with 15,360 substreams.
 *
 *   deno bench bench/random_bench.ts
 */
import * as T from "../mod.ts";
import { bareNormal64, bareUniform32, bareUniform64 } from "./compare_random.ts";

const N = 10_000_000;
const srng = new T.MRGRandomStreams(12345);
const fu64 = T.function([], srng.uniform([N]));
const fu32 = T.function([], srng.uniform([N], { dtype: "float32" }));
const fn64 = T.function([], srng.normal([N]));
const np = new T.RandomStreams(234);
const fnp = T.function([], np.uniform([1_000_000]));
const fnpNormal = T.function([], np.normal([1_000_000]));

Deno.bench({
  name: "bare MRG31k3p loop, 10M float64 uniforms",
  group: "uniform64",
  baseline: true,
  fn: () => void bareUniform64(new Float64Array(N)),
});
Deno.bench({ name: "MRGRandomStreams.uniform, 10M float64", group: "uniform64", fn: () => void fu64() });
Deno.bench({
  name: "bare MRG31k3p loop, 10M float32 uniforms",
  group: "uniform32",
  baseline: true,
  fn: () => void bareUniform32(new Float32Array(N)),
});
Deno.bench({ name: "MRGRandomStreams.uniform, 10M float32", group: "uniform32", fn: () => void fu32() });
Deno.bench({
  name: "bare MRG31k3p + Box–Muller, 10M float64 normals",
  group: "normal64",
  baseline: true,
  fn: () => void bareNormal64(N),
});
Deno.bench({ name: "MRGRandomStreams.normal, 10M float64", group: "normal64", fn: () => void fn64() });
Deno.bench({
  name: "build an MRG variable with 15,360 substreams",
  fn: () => void srng.uniform([1_000_000]),
});
Deno.bench({ name: "RandomStreams.uniform, 1M float64 (MT19937, NumPy legacy)", fn: () => void fnp() });
Deno.bench({ name: "RandomStreams.normal, 1M float64 (legacy polar method)", fn: () => void fnpNormal() });
