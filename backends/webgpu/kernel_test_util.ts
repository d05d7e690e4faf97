/**
 * Helpers of the kernel tests: compile an expression for the CPU and for WebGPU, check
 * where its nodes run, and compare the results within a stated tolerance.
 * @module
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { rng } from "./test_util.ts";

/** Run `f` with console.warn silenced (placement notes), returning its result. */
export function quietly<R>(f: () => R): R {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

/** A float32 array of `shape` with values uniform in [-scale, scale) (seeded). */
export function randomF32(shape: number[], seed: number, scale = 1): T.NDArray {
  const r = rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const out = new T.NDArray("float32", shape);
  for (let i = 0; i < n; i++) out.data[i] = (2 * r() - 1) * scale;
  return out;
}

/** An int32 array of `shape` with values in [lo, hi] (seeded). */
export function randomInt(dtype: T.DType, shape: number[], seed: number, lo: number, hi: number): T.NDArray {
  const r = rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const out = new T.NDArray(dtype, shape);
  for (let i = 0; i < n; i++) out.data[i] = Math.floor(lo + r() * (hi - lo + 1));
  return out;
}

/** Which op names ran where. */
export function devicesOf(f: { placement: readonly T.Placement[] }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of f.placement) (out[p.device] ??= []).push(p.label + (p.reason ? ` [${p.reason}]` : ""));
  return out;
}

/**
 * Compile `outputs` from `vars` for the CPU and WebGPU, check every node of the WebGPU
 * function runs on the GPU (unless `allowCpu`), call both and compare each output:
 * equal dtypes and shapes, integers and bools exactly, floats within
 * `tol(i, cpuValue, outputIndex)` absolute.
 */
export async function agreeOnGpu(
  vars: T.Variable[],
  outputs: T.Variable | T.Variable[],
  values: T.NDArray[],
  tol: (i: number, c: number, k: number) => number,
  options: { allowCpu?: boolean; what?: string } = {},
): Promise<T.NDArray[]> {
  const what = options.what ?? "";
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const cpu = T.function(vars, outs);
  const gpu = quietly(() => T.function(vars, outs, { device: "webgpu" }));
  if (!options.allowCpu) {
    const off = gpu.placement.filter((p) => p.device === "cpu");
    assert.equal(off.length, 0, `${what}: nodes on the CPU: ${JSON.stringify(devicesOf(gpu).cpu)}`);
  }
  const g: T.NDArray[] = await gpu(...values);
  const c = cpu(...values);
  g.forEach((gv, k) => {
    const cv = c[k];
    assert.equal(gv.dtype, cv.dtype, `${what} output ${k}: dtype`);
    assert.deepEqual(gv.shape, cv.shape, `${what} output ${k}: shape`);
    for (let i = 0; i < cv.size; i++) {
      const a = gv.data[i], b = cv.data[i];
      if (cv.dtype !== "float32" && cv.dtype !== "float64") {
        assert.equal(a, b, `${what} output ${k} [${i}]: GPU ${a}, CPU ${b}`);
        continue;
      }
      if (Number.isNaN(b)) {
        assert.ok(Number.isNaN(a), `${what} output ${k} [${i}]: GPU ${a}, CPU NaN`);
        continue;
      }
      const t = tol(i, b, k);
      assert.ok(
        a === b || Math.abs(a - b) <= t,
        `${what} output ${k} [${i}]: GPU ${a}, CPU ${b} (tolerance ${t})`,
      );
    }
  });
  return g;
}

/**
 * The float32 RNN the scan tests run: h_t = tanh(W·h_{t-1} + x_t), collected over
 * the steps. `w` replaces the weight input (a shared variable, say); `options` go to
 * `T.scan`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rnn } from "./kernel_test_util.ts";
 * const m = rnn({ truncateGradient: 3 });
 * assert.equal(m.hs.ndim, 2);
 * ```
 */
export function rnn(
  options: { goBackwards?: boolean; truncateGradient?: number; w?: T.Variable } = {},
): { x: T.Variable; h0: T.Variable; w: T.Variable; hs: T.Variable } {
  const { w = T.fmatrix("w"), ...scanOptions } = options;
  const x = T.fmatrix("x"), h0 = T.fvector("h0");
  const [hs] = T.scan({
    fn: (xt: T.Variable, h: T.Variable, wm: T.Variable) => T.tanh(T.add(T.dot(wm, h), xt)),
    sequences: x,
    outputsInfo: h0,
    nonSequences: w,
    ...scanOptions,
  });
  return { x, h0, w, hs: hs as T.Variable };
}
