import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { buildHostProgram, buildProgram, ENGINES, hostEngines } from "./schedule.ts";
import { dotOp } from "../ops/dot.ts";
import { blasStats } from "../backends/blas/kernels.ts";
import { blasStatus } from "../backends/blas/library.ts";
import { sumOp } from "../ops/reduce.ts";
import { hasSimd } from "../backends/wasm/features.ts";
import { reduceStats } from "../backends/wasm/reduce.ts";
import { elementwiseStats } from "../backends/wasm/elemwise.ts";
import { buildCpuProgram, jsEngine } from "../backends/cpu/program.ts";

function withWasm<R>(on: boolean, body: () => R): R {
  const saved = T.config.wasm;
  T.config.wasm = on;
  try {
    return body();
  } finally {
    T.config.wasm = saved;
  }
}

Deno.test("schedule: each device's engines, first choice first; the GPU list ends with the CPU's", () => {
  assert.deepEqual(ENGINES.cpu, ["blas", "wasm", "js"]);
  assert.deepEqual(ENGINES.webgpu, ["webgpu", "blas", "wasm", "js"]);
});

Deno.test("schedule: a CPU program is synchronous, an auto one asynchronous, as their sync field says", async () => {
  const x = T.dvector("x");
  const cpu = buildProgram("cpu", [x], [T.neg(x)], "f");
  assert.equal(cpu.sync, true);
  if (cpu.sync) assert.deepEqual([...cpu.run([T.asarray([1, 2])])[0].data], [-1, -2]);
  const auto = buildProgram("auto", [x], [T.neg(x)], "f");
  assert.equal(auto.sync, false);
  if (!auto.sync) {
    assert.deepEqual([...(await auto.run([T.asarray([3])]))[0].data], [-3]);
    auto.dispose();
  }
});

Deno.test("schedule: a float reduction runs on wasm, in front of JS; with the engine off or on ints, on JS", () => {
  const node = (dtype: T.DType) =>
    sumOp.make([new T.TensorType(dtype, [null]).make("v")], { axes: [0], keepdims: false });
  const values = Array.from({ length: 100_000 }, (_, k) => k % 10);
  const run = (dtype: T.DType, wasm: boolean) => {
    const before = reduceStats.runs;
    const kernel = withWasm(wasm, () => hostEngines.kernel(node(dtype), buildHostProgram))!;
    const [s] = withWasm(wasm, () => kernel([T.asarray(values, { dtype })]));
    return { sum: s.item(), onWasm: reduceStats.runs > before };
  };
  assert.deepEqual(run("float64", true), { sum: 450_000, onWasm: hasSimd() });
  assert.deepEqual(run("float64", false), { sum: 450_000, onWasm: false });
  assert.deepEqual(run("int32", true), { sum: 450_000, onWasm: false });
});

Deno.test("schedule: an integer product has no fast kernel on any host engine (the reference loops run it)", () => {
  const i = new T.TensorType("int32", [null, null]);
  assert.equal(
    withWasm(true, () => hostEngines.kernel(dotOp.make([i.make(), i.make()], null), buildHostProgram)),
    undefined,
  );
  const f = new T.TensorType("float64", [null, null]);
  assert.notEqual(hostEngines.kernel(dotOp.make([f.make(), f.make()], null), buildHostProgram), undefined);
});

Deno.test("schedule: a float product runs on BLAS where a library opened and config.blas is on, else on wasm", () => {
  const f = new T.TensorType("float64", [null, null]);
  const data = T.asarray(Array.from({ length: 40 * 40 }, (_, k) => k % 5)).astype("float64").reshape([
    40,
    40,
  ]);
  const run = (blas: boolean) => {
    const saved = T.config.blas;
    T.config.blas = blas;
    try {
      const before = blasStats.products;
      const kernel = hostEngines.kernel(dotOp.make([f.make(), f.make()], null), buildHostProgram)!;
      return { value: kernel([data, data])[0].item(3, 4), onBlas: blasStats.products > before };
    } finally {
      T.config.blas = saved;
    }
  };
  const on = run(true), off = run(false);
  assert.equal(on.onBlas, blasStatus().blas !== undefined);
  assert.equal(on.onBlas, T.engineReport().cpu[0] === "blas");
  assert.deepEqual(off, { value: on.value, onBlas: false });
});

Deno.test("schedule: the JS engine alone and the host engines compute the same values; only the host uses wasm", () => {
  const x = T.dvector("x");
  const out = T.exp(T.mul(x, 0.5));
  const v = T.asarray(Array.from({ length: 1000 }, (_, k) => (k % 17) / 17));
  let before = elementwiseStats.runs;
  const [host] = buildHostProgram([x], [out]).run([v]);
  assert.equal(elementwiseStats.runs > before, hasSimd() && T.config.wasm);
  before = elementwiseStats.runs;
  const [js] = buildCpuProgram([x], [out], jsEngine).run([v]);
  assert.equal(elementwiseStats.runs, before, "the JS engine alone never runs wasm");
  for (let k = 0; k < v.size; k++) assert.ok(Math.abs(host.data[k] - js.data[k]) <= 4e-16 * js.data[k]);
});
