import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { BufferPool, ENGINE_MAX_BYTES } from "./pool.ts";
import { engineOffset } from "../wasm/engine_array.ts";
import { arena } from "../wasm/memory.ts";
import { hasSimd } from "../wasm/features.ts";
import { elementwiseOptions, elementwiseStats, wasmMemory } from "../wasm/elemwise.ts";

/** Whether this runtime keeps engine buffers (SIMD and a shared arena). */
const engineKeeps = () => hasSimd() && arena().shared && T.config.wasm;

Deno.test("BufferPool: engine buffers for intermediates only, pooled apart from plain ones", () => {
  const pool = new BufferPool(wasmMemory);
  const plain = pool.take("float64", 100) as Float64Array;
  assert.equal(engineOffset(plain, 8), -1, "engine is off by default");
  pool.engine = true;
  const inEngine = pool.take("float64", 100) as Float64Array;
  const small = pool.take("float64", elementwiseOptions.minLength - 1) as Float64Array;
  const ints = pool.take("int32", 100);
  assert.equal(engineOffset(small, 8), -1, "short buffers stay plain");
  const large = pool.take("float32", ENGINE_MAX_BYTES / 4 + 1) as Float32Array;
  assert.equal(engineOffset(large, 4), -1, "large buffers stay plain");
  assert.ok(!(ints instanceof Float64Array || ints instanceof Float32Array));
  assert.equal(engineOffset(inEngine, 8) >= 0, engineKeeps());
  pool.give(plain);
  pool.give(inEngine);
  pool.engine = false;
  assert.equal(pool.take("float64", 100), plain, "a result leaving the call never gets engine memory");
  pool.engine = true;
  assert.equal(pool.take("float64", 100), inEngine);
});

Deno.test("CPU program: intermediates in engine memory give the JS path's results, of any length, and never leave the call", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const n of [64, 65, 401, 1003]) {
      const build = () => {
        const x = dtype === "float32" ? T.fvector("x") : T.dvector("x");
        const a = dtype === "float32" ? T.fmatrix("a") : T.dmatrix("a");
        const w = dtype === "float32" ? T.fvector("w") : T.dvector("w");
        const z = T.exp(T.mul(x, 0.5)); // an intermediate: engine memory where kept
        const p = T.dot(a, w); // a GEMV written in place into one
        const u = T.log1p(T.add(T.mul(z, z), T.mul(p, p))); // reads both in place
        return T.function([x, a, w], [T.tanh(T.add(u, z)), T.sum(u), T.dot(u, a)]);
      };
      const fast = build();
      T.config.wasm = false;
      const ref = build();
      T.config.wasm = true;
      const x = T.asarray(Array.from({ length: n }, (_, i) => Math.sin(i) * 3), { dtype });
      const a = T.asarray(Array.from({ length: n * 8 }, (_, i) => Math.cos(i)), { dtype }).reshape([n, 8]);
      const w = T.asarray([1, -2, 3, -4, 5, -6, 7, -8].map((v) => v / 10), { dtype });
      const inPlace = elementwiseStats.inPlaceRuns;
      for (let call = 0; call < 3; call++) {
        const got = fast(x, a, w), want = ref(x, a, w);
        got.forEach((g, k) => {
          assert.equal(
            engineOffset(g.data as Float64Array, dtype === "float32" ? 4 : 8),
            -1,
            `output ${k} is plain`,
          );
          const tol = dtype === "float32" ? 1e-4 : 1e-12;
          g.data.forEach((v, i) => {
            const w = want[k].data[i];
            assert.ok(
              Math.abs(v - w) <= tol * Math.max(1, Math.abs(w)),
              `${dtype} n=${n} output ${k}[${i}]: ${v} vs ${w}`,
            );
          });
        });
      }
      // From the second call on, the pool holds engine buffers for the intermediates.
      if (engineKeeps()) {
        assert.ok(elementwiseStats.inPlaceRuns > inPlace, `${dtype} n=${n}: written in place`);
      }
    }
  }
});

Deno.test("CPU program: with a data matrix staged for every run, intermediates move to engine memory after the first call", () => {
  const x = T.dmatrix("x"), w = T.dvector("w");
  const d = T.dot(x, w); // stages x for the run; d stays alive to the end
  const z = T.exp(T.mul(d, 1e-3)); // made while x is staged
  // The wasm engine's products stage x (the BLAS engine reads it in place): BLAS off.
  const saved = T.config.blas;
  T.config.blas = false;
  const f = T.function([x, w], [T.sum(T.log1p(z)), T.dot(z, x), T.sum(d)]);
  T.config.blas = saved;
  const n = 300,
    data = T.asarray(Float64Array.from({ length: n * n }, (_, i) => Math.sin(i))).reshape([n, n]);
  const wv = T.asarray(new Float64Array(n).fill(0.5));
  const inPlace = () => {
    const before = elementwiseStats.inPlaceRuns, out = f(data, wv);
    return { out, count: elementwiseStats.inPlaceRuns - before };
  };
  const first = inPlace(), second = inPlace();
  if (engineKeeps()) assert.ok(second.count > first.count, `in place: ${first.count} then ${second.count}`);
  second.out.forEach((o, k) => assert.deepEqual([...o.data], [...first.out[k].data]));
});

Deno.test("CPU program: a view of an intermediate leaves the call as a plain array, and calls do not grow the engine's memory", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.reshape(T.exp(x), [10, 20]), T.sum(x)]);
  const xv = T.asarray(Float64Array.from({ length: 200 }, (_, i) => i / 100));
  f(xv);
  f(xv);
  const floor = arena().floor;
  for (let call = 0; call < 50; call++) {
    const [r] = f(xv);
    assert.equal(engineOffset(r.data as Float64Array, 8), -1);
    assert.ok(Math.abs(r.data[199] - Math.exp(1.99)) < 1e-13);
  }
  assert.equal(arena().floor, floor, "no engine block per call");
});

Deno.test("CPU program: many live intermediates of one length, and failing calls, leave no engine blocks behind", () => {
  const x = T.dvector("x"), y = T.dvector("y");
  // Twelve vectors of one length alive at once: more than the pool keeps of plain arrays.
  const ys = Array.from({ length: 12 }, (_, i) => T.exp(T.mul(x, 0.01 * (i + 1))));
  let acc: T.Variable = ys[0];
  for (const v of ys.slice(1)) acc = T.add(acc, T.mul(v, T.sum(v)));
  const f = T.function([x, y], [T.sum(T.tanh(T.add(acc, y)))]);
  const xv = T.asarray(Float64Array.from({ length: 500 }, (_, i) => Math.sin(i)));
  const yv = T.asarray(new Float64Array(500));
  const first = f(xv, yv)[0].item();
  f(xv, yv);
  const floor = arena().floor;
  for (let call = 0; call < 20; call++) {
    assert.equal(f(xv, yv)[0].item(), first);
    assert.throws(() => f(xv, new Float64Array(499)), T.ShapeError); // fails after some intermediates
  }
  assert.equal(arena().floor, floor, "no engine block per call");
});
