import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config, readEnv } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { matmulEngine, startThreads, wasmGemm } from "./matmul.ts";
import type { MatrixView } from "../kernel.ts";
import { poolSize, readyWorkers, shutdownThreads, workerJobs } from "./threads.ts";
import { elementwiseStats } from "./elemwise.ts";
import { dense, randomLane, transposed } from "./test_util.ts";

const rng = seededRandom(5);
const rand = randomLane(rng);

/** Run `body` with config.threads = n, stopping the pool after. */
async function withThreads(n: number, body: () => void | Promise<void>) {
  const saved = config.threads;
  config.threads = n;
  try {
    await body();
  } finally {
    config.threads = saved;
    shutdownThreads();
  }
}

Deno.test("threads: two-thread GEMMs (and GEMVs, which stay on one thread) give the single-thread results exactly", async () => {
  await withThreads(2, async () => {
    assert.equal(await startThreads(), 2, "the worker reports ready");
    assert.equal(readyWorkers(), 1);
    for (const lane of ["f32", "f64"] as const) {
      const e = matmulEngine(lane)!;
      const cases: [number, number, number, MatrixView, MatrixView][] = [];
      const [m, n, k] = [130, 203, 129];
      cases.push([m, n, k, dense(rand(lane, m * k), k), dense(rand(lane, k * n), n)]);
      cases.push([m, n, k, transposed(rand(lane, k * m), m), transposed(rand(lane, n * k), k)]);
      cases.push([517, 1, 300, dense(rand(lane, 517 * 300), 300), dense(rand(lane, 300), 1)]); // gemvRows
      cases.push([1, 517, 300, dense(rand(lane, 300), 300), dense(rand(lane, 300 * 517), 517)]); // gemvCols
      for (const [m, n, k, a, b] of cases) {
        const one = lane === "f32" ? new Float32Array(m * n) : new Float64Array(m * n);
        const two = one.slice();
        config.threads = 1;
        wasmGemm(e, m, n, k, a, b, one);
        config.threads = 2;
        wasmGemm(e, m, n, k, a, b, two);
        assert.deepEqual(two, one, `${lane} ${m}×${k}·${k}×${n}`);
      }
    }
  });
});

Deno.test("threads: a compiled dot uses the pool when config.threads > 1, and stops cleanly", async () => {
  await withThreads(2, async () => {
    await startThreads();
    const [a, b] = T.dmatrices("a", "b");
    const f = T.function([a, b], T.dot(a, b));
    const av = new T.NDArray("float64", [150, 120], rand("f64", 150 * 120) as Float64Array);
    const bv = new T.NDArray("float64", [120, 110], rand("f64", 120 * 110) as Float64Array);
    const got = f(av, bv);
    config.threads = 1;
    assert.deepEqual(f(av, bv).data, got.data);
  });
  assert.equal(poolSize(), 0, "shut down");
});

Deno.test("threads: small products and config.threads = 1 never start workers", () => {
  const saved = config.threads;
  try {
    config.threads = 2;
    const e = matmulEngine("f64")!;
    wasmGemm(e, 20, 20, 20, dense(rand("f64", 400), 20), dense(rand("f64", 400), 20), new Float64Array(400));
    assert.equal(poolSize(), 0);
    config.threads = 1;
    wasmGemm(
      e,
      200,
      200,
      200,
      dense(rand("f64", 40000), 200),
      dense(rand("f64", 40000), 200),
      new Float64Array(40000),
    );
    assert.equal(poolSize(), 0);
  } finally {
    config.threads = saved;
    shutdownThreads();
  }
});

Deno.test("threads: config.threads defaults to the core count unless HYPATIA_FLAGS sets it", () => {
  const flag = /(?:^|,)\s*threads\s*=\s*(\d+)/.exec(readEnv("HYPATIA_FLAGS") ?? "");
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  assert.equal(config.threads, flag ? Number(flag[1]) : cores ?? 1);
});

Deno.test("threads: large elementwise groups split across threads give the one-thread results exactly, kernel after kernel", async () => {
  await withThreads(2, async () => {
    assert.equal(await startThreads(), 2);
    const n = 300_001; // not a whole number of vectors
    for (const dtype of ["float32", "float64"] as const) {
      const x = T.tensor(dtype, [false], "x"),
        y = T.tensor(dtype, [false], "y"),
        s = T.tensor(dtype, [], "s");
      const v = T.shared(new T.NDArray(dtype, [n], rand(dtype === "float32" ? "f32" : "f64", n)), {
        name: "v",
      });
      const fns = [
        T.function([x], T.sigmoid(x)),
        T.function([x, y, s], T.add(T.mul(T.exp(x), s), T.tanh(y))), // a scalar argument
        T.function([x], T.log(T.add(T.sqr(x), v))), // a resident (mirrored) input
      ];
      const lane = dtype === "float32" ? "f32" : "f64";
      const xv = new T.NDArray(dtype, [n], rand(lane, n)), yv = new T.NDArray(dtype, [n], rand(lane, n));
      const args = [[xv], [xv, yv, 0.75], [xv]] as const;
      // Twice round: the second time every worker has each module compiled already.
      for (let round = 0; round < 2; round++) {
        fns.forEach((f, i) => {
          config.threads = 2;
          const before = elementwiseStats.splitRuns;
          const two = (f as (...a: unknown[]) => T.NDArray)(...args[i]);
          assert.equal(elementwiseStats.splitRuns, before + 1, `${dtype} kernel ${i} split`);
          config.threads = 1;
          const one = (f as (...a: unknown[]) => T.NDArray)(...args[i]);
          assert.equal(elementwiseStats.splitRuns, before + 1, "one thread does not split");
          assert.deepEqual(two.data, one.data, `${dtype} kernel ${i} round ${round}`);
        });
      }
    }
    assert(workerJobs() > 0, "the worker compiled kernels from the mailbox and ran jobs");
  });
  assert.equal(poolSize(), 0, "shut down");
});
