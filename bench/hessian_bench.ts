/**
 * The Hessian of sum(tanh(A x)) for n = 100 and n = 400: `hessian` (whose scan has
 * independent steps, so the compiler batches it into matrix products) against the
 * same scan run step by step, and against n separate gradient evaluations (the cost
 * of building a Hessian one row at a time).
 *
 *   deno bench -A bench/hessian_bench.ts
 *   deno run -A bench/hessian_bench.ts [--repeats 5]     (milliseconds and ratios, one run)
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";

const { values } = parseArgs({
  args: import.meta.main ? Deno.args : [],
  options: { repeats: { type: "string", default: "5" } },
});
const repeats = Number(values.repeats);

type V = T.Variable;
const A = T.dmatrix("A"), x = T.dvector("x");
const cost = T.sum(T.tanh(T.dot(A, x)));
const gx = T.grad(cost, x);
const batched = T.function([A, x], T.hessian(cost, x));
// The tutorial's loop with nSteps given: the same body, not batched (steps run one by one).
const nSteps = T.lscalar("n");
const [rows] = T.scan({
  fn: (i: V, g: V, x: V) => T.grad(g.get(i), x),
  sequences: T.arange(gx.shape.get(0)),
  nonSequences: [gx, x],
  nSteps,
});
const looped = T.function([A, x, nSteps], rows);
const gradient = T.function([A, x], gx);

function problem(n: number) {
  const Av = T.asarray(
    Array.from(
      { length: n },
      (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i * 7 + j * 3) / Math.sqrt(n)),
    ),
  );
  const xv = T.asarray(Array.from({ length: n }, (_, i) => Math.cos(i)));
  return { Av, xv };
}

for (const n of [100, 400]) {
  const { Av, xv } = problem(n);
  Deno.bench(`hessian n=${n}: batched`, { group: `hessian ${n}`, baseline: true }, () => {
    batched(Av, xv);
  });
  Deno.bench(`hessian n=${n}: scan step by step`, { group: `hessian ${n}` }, () => {
    looped(Av, xv, n);
  });
  Deno.bench(`hessian n=${n}: ${n} gradient calls`, { group: `hessian ${n}` }, () => {
    for (let i = 0; i < n; i++) gradient(Av, xv);
  });
}

if (import.meta.main) {
  const best = (fn: () => void) => {
    let b = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      fn();
      b = Math.min(b, performance.now() - t0);
    }
    return b;
  };
  for (const n of [100, 400]) {
    const { Av, xv } = problem(n);
    T.testing.assertAllClose(batched(Av, xv), looped(Av, xv, n).toArray() as number[][], {
      rtol: 1e-10,
      atol: 1e-12,
    });
    const tb = best(() => batched(Av, xv)), tl = best(() => looped(Av, xv, n));
    const tg = best(() => {
      for (let i = 0; i < 20; i++) gradient(Av, xv);
    }) / 20;
    const ms = (v: number) => v.toFixed(2).padStart(8);
    console.log(`n = ${n} (best of ${repeats}), milliseconds:`);
    console.log(`  hessian, batched           ${ms(tb)}   = ${(tb / tg).toFixed(0)} gradients`);
    console.log(`  hessian, scan step by step ${ms(tl)}   ${(tl / tb).toFixed(1)}x the batched time`);
    console.log(
      `  ${n} gradient calls        ${ms(n * tg)}   ${((n * tg) / tb).toFixed(1)}x the batched time`,
    );
  }
}
