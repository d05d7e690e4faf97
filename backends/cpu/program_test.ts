import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { buildHostProgram } from "../../compile/schedule.ts";
import { type CpuProgram, ShapeMiss } from "../kernel.ts";

// A reshape's result shares its input's buffer: the buffer must stay out of the pool
// until both holders are dead, or a later node would write over the live view.
Deno.test("CPU program: a buffer held by a view and its source is recycled after both die", () => {
  const x = T.dvector("x");
  const t = T.exp(x); // buffer P
  const view = T.reshape(t, [2, 2]); // P again
  const a = T.mul(t, 2); // t's last reader: P keeps its other holder
  const b = T.add(a, 1); // takes a buffer from the pool: must not be P
  const c = T.sqrt(b);
  const f = T.function([x], [c, T.mul(view, 3)], { mode: "FAST_COMPILE" });
  const xs = [0, 0.5, 1, 2];
  for (let call = 0; call < 3; call++) {
    const [cv, v3] = f(xs.map((v) => v + call));
    xs.forEach((v, i) => {
      const e = Math.exp(v + call);
      assert.ok(Math.abs(v3.data[i] - 3 * e) <= 1e-12 * e, `call ${call}: view element ${i}`);
      assert.ok(Math.abs(cv.data[i] - Math.sqrt(2 * e + 1)) <= 1e-12 * e, `call ${call}: element ${i}`);
    });
  }
});

Deno.test("CPU program: sum and mean over trailing axes match perform, and over other axes too", () => {
  const m = T.dmatrix("m");
  const f = T.function([m], [T.sum(m, 1), T.mean(m, 1), T.sum(m, 0), T.mean(m), T.max(m, 1)], {
    mode: "FAST_COMPILE",
  });
  const [rows, means, cols, all, maxes] = f([[1, 2, 3], [4, 5, 7]]);
  assert.deepEqual([...rows.data], [6, 16]);
  assert.deepEqual([...means.data], [2, 16 / 3]);
  assert.deepEqual([...cols.data], [5, 7, 10]);
  assert.equal(all.item(), 22 / 6);
  assert.deepEqual([...maxes.data], [3, 7]);
  // Empty groups keep perform's answers: a sum of nothing is 0, a max of nothing an error.
  const g = T.function([m], [T.sum(m, 1)], { mode: "FAST_COMPILE" });
  assert.deepEqual([...g(T.asarray(new Float64Array(0)).reshape([2, 0]))[0].data], [0, 0]);
  const h = T.function([m], T.max(m, 1));
  assert.throws(() => h(T.asarray(new Float64Array(0)).reshape([2, 0])), /cannot reduce over zero elements/);
});

Deno.test("CPU program: an elementwise shape mismatch is reported by the fast shape rule too", () => {
  const x = T.dvector("x"), y = T.dvector("y");
  const f = T.function([x, y], T.add(T.mul(x, 2), y));
  assert.throws(
    () => f([1, 2, 3], [1, 2]),
    (e: Error) => e instanceof T.ShapeError && /input shapes do not match/.test(e.message),
  );
  // 0-d and length-1 inputs broadcast on the fast path.
  const s = T.dscalar("s");
  const g = T.function([x, s], T.add(T.add(x, s), T.constant([10])));
  assert.deepEqual([...(g([1, 2], 3) as T.NDArray).data], [14, 15]);
});

/** The optimised graph of `outputs` as a host program over `inputs` (what a scan body runs). */
function hostProgram(inputs: T.Variable[], outputs: T.Variable[]): CpuProgram {
  const maker = (T.function(inputs, outputs) as unknown as { maker: { outputs: T.Variable[] } }).maker;
  return buildHostProgram(inputs, maker.outputs);
}

Deno.test("CPU program: a fixed run computes what run computes, bit for bit, into the same arrays every run", () => {
  for (const engines of ["all", "js"] as const) {
    const saved = { wasm: T.config.wasm, blas: T.config.blas };
    if (engines === "js") Object.assign(T.config, { wasm: false, blas: false });
    try {
      const xt = T.dvector("xt"), h = T.dvector("h"), W = T.dmatrix("W");
      const hNext = T.tanh(T.add(T.dot(W, h), xt));
      // dot (BLAS's GEMV), the fused tanh(add) (wasm), outer (GER) and a sum (no bound kernel)
      const p = hostProgram([xt, h, W], [hNext, T.outer(hNext, h), T.sum(hNext)]);
      const rnd = T.seededRandom(5),
        vec = (n: number) => T.asarray(Array.from({ length: n }, () => rnd() - 0.5));
      const Wv = T.asarray(
        Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => (rnd() - 0.5) / 8)),
      );
      const roots = [vec(64), vec(64), Wv];
      const { results, plan } = p.fix!(roots, [true, true, false]);
      assert.ok(plan, engines);
      results.forEach((r, k) =>
        assert.deepEqual([...r.data], [...p.run(roots)[k].data], `${engines}: first run ${k}`)
      );
      const outputs = [...plan.outputs];
      for (let run = 0; run < 3; run++) {
        const next = [vec(64), vec(64)];
        plan.roots[0].data.set(next[0].data);
        plan.roots[1].data.set(next[1].data);
        assert.equal(plan.roots[2], Wv, "a root that does not vary stays bound to its value");
        plan.run();
        const want = p.run([...next, Wv]);
        plan.outputs.forEach((o, k) => {
          assert.equal(o, outputs[k], "the same output arrays");
          assert.deepEqual([...o.data], [...want[k].data], `${engines}: run ${run}, output ${k}`);
        });
      }
    } finally {
      Object.assign(T.config, saved);
    }
  }
});

Deno.test("CPU program: a fixed run throws ShapeMiss when a result changes shape, and names the node of an error", () => {
  const k = T.lscalar("k"), x = T.dvector("x"), i = T.lscalar("i");
  const p = hostProgram([k, x, i], [T.sum(T.arange(k)), T.get(x, i)]);
  const xv = T.asarray([1, 2, 3], { dtype: "float64" });
  const { results, plan } = p.fix!([T.asarray(3, { dtype: "int64" }), xv, T.asarray(1, { dtype: "int64" })], [
    true,
    false,
    true,
  ]);
  assert.deepEqual([Number(results[0].item()), results[1].item()], [3, 2]);
  plan!.roots[2].data[0] = 2;
  plan!.run();
  assert.equal(plan!.outputs[1].item(), 3, "the same shapes: the fixed run goes on");
  plan!.roots[0].data[0] = 5; // arange(5) has 5 elements, not 3
  assert.throws(() => plan!.run(), ShapeMiss);
  plan!.roots[0].data[0] = 3;
  plan!.roots[2].data[0] = 7; // out of range
  assert.throws(
    () => plan!.run(),
    (e: Error) => !(e instanceof ShapeMiss) && /index 7/.test(e.message) && /subtensor|get/i.test(e.message),
  );
});

Deno.test("CPU program: a fixed run's intermediates share dead buffers, never a node's own inputs", () => {
  // A chain of products and elementwise steps of one size: each GEMV must read a buffer
  // that no later node of the chain is writing.
  const x = T.dvector("x"), W = T.dmatrix("W");
  let y: T.Variable = x;
  const taps: T.Variable[] = [];
  for (let k = 0; k < 6; k++) {
    y = T.tanh(T.dot(W, T.mul(y, 1.5)));
    if (k % 2 === 0) taps.push(T.sum(y));
  }
  const p = hostProgram([x, W], [y, ...taps]);
  const rnd = T.seededRandom(9);
  const Wv = T.asarray(Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => (rnd() - 0.5) / 4)));
  const xv = T.asarray(Array.from({ length: 64 }, () => rnd() - 0.5));
  const { plan } = p.fix!([xv, Wv], [true, false]);
  for (let run = 0; run < 2; run++) {
    plan!.roots[0].data.set(xv.data.map((v) => v + run));
    plan!.run();
    const want = p.run([T.asarray([...xv.data].map((v) => v + run)), Wv]);
    plan!.outputs.forEach((o, k) =>
      assert.deepEqual([...o.data], [...want[k].data], `run ${run}, output ${k}`)
    );
  }
});
