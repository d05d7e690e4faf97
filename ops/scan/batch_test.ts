import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { toposort } from "../../core/walk.ts";

type V = T.Variable;
const wave = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + s) * 0.7);
const grid = (n: number, m: number, s: number) => Array.from({ length: n }, (_, i) => wave(m, s + i));
const scanNodes = (f: { maker: { outputs: readonly V[] } }) =>
  toposort(f.maker.outputs).filter((n) => n.op.name === "scan").length;

/** Compile `outs` twice: optimised (batched when possible) and FAST_COMPILE (the loop as built). */
function both(inputs: V[], outs: V[], values: T.ArrayLike[]) {
  const fast = T.function(inputs, outs, { onUnusedInput: "ignore" });
  const loop = T.function(inputs, outs, { mode: "FAST_COMPILE", onUnusedInput: "ignore" });
  const a = fast(...values), b = loop(...values);
  a.forEach((v, k) => T.testing.assertAllClose(v, b[k].toArray() as number[], { rtol: 1e-12, atol: 1e-12 }));
  return { fast, loop, values: a };
}

Deno.test("scan batching: hessian and jacobian become one batched computation with the loop's values", () => {
  const A = T.dmatrix("A"), x = T.dvector("x");
  const h = T.hessian(T.sum(T.tanh(T.dot(A, x))), x);
  const j = T.jacobian(T.mul(T.exp(x), T.log1p(T.sqr(x))), x);
  const h2 = T.hessian(T.sum(T.mul(T.exp(x), T.log(T.add(T.sqr(x), 1)))), x);
  const { fast, loop } = both([A, x], [h, j, h2], [grid(4, 4, 1), wave(4, 2)]);
  assert.equal(scanNodes(fast), 0);
  assert.equal(scanNodes(loop), 3);
});

Deno.test("scan batching: elementwise, reductions, dot, outer, fixed and per-step indexing", () => {
  const m = T.dmatrix("m"), W = T.dmatrix("W"), v = T.dvector("v"), k = T.lvector("k");
  const [outs] = T.scan({
    fn: (row: V, ki: V, W: V, v: V) => [
      T.sum(T.mul(T.tanh(row), v)), // reduction of a broadcast product
      T.dot(W, row), // unbatched matrix times a per-step vector
      T.dot(row, W), // per-step vector times a matrix
      T.dot(row, row), // both per step
      T.outer(row, v),
      T.max(T.outer(v, row), 1),
      T.add(row.get(1), row.slice([0, 2]).sum()), // fixed indices into a per-step value
      v.get(ki), // a per-step index into a fixed vector
      T.incSubtensor(v.get(ki), row.get(0)), // incremented at a per-step index
      T.setSubtensor(v.slice([1, 3]), row.slice([0, 2])),
      T.mul(v, 2), // does not depend on the step
    ],
    sequences: [m, k],
    nonSequences: [W, v],
  });
  const { fast } = both([m, k, W, v], outs, [grid(5, 3, 1), [0, 2, -1, 1, 1], grid(3, 3, 4), wave(3, 9)]);
  assert.equal(scanNodes(fast), 0);
});

Deno.test("scan batching: the steps' count is the shortest sequence", () => {
  const a = T.dvector("a"), b = T.dvector("b");
  const [s] = T.scan({ fn: (x: V, y: V) => T.mul(x, y), sequences: [a, b] });
  const { fast, values } = both([a, b], [s], [[1, 2, 3, 4], [5, 6, 7]]);
  assert.equal(scanNodes(fast), 0);
  assert.deepEqual(values[0].toArray(), [5, 12, 21]);
});

Deno.test("scan batching: loops with state, nSteps, taps or unbatchable bodies stay loops", () => {
  const x = T.dvector("x"), z = T.dscalar("z"), m = T.dmatrix("m");
  const [cum] = T.scan({ fn: (xt: V, acc: V) => T.add(acc, xt), sequences: x, outputsInfo: z });
  const [first] = T.scan({ fn: (xt: V) => T.neg(xt), sequences: x, nSteps: 2 });
  const [back] = T.scan({ fn: (xt: V) => T.neg(xt), sequences: x, goBackwards: true });
  const [sm] = T.scan({ fn: (row: V) => T.softmax(row), sequences: m });
  const { fast } = both([x, z, m], [cum, first, back, sm], [[1, 2, 3], 0.5, grid(3, 4, 2)]);
  assert.equal(scanNodes(fast), 4);
});

Deno.test("scan batching: a per-step index out of range raises as the loop does, never reads as zero", () => {
  const v = T.dvector("v"), k = T.lvector("k"), m = T.dmatrix("m");
  const [both] = T.scan({
    fn: (ki: V, row: V, v: V) => [v.get(ki), T.incSubtensor(v.get(ki), row.get(0))],
    sequences: [k, m],
    nonSequences: v,
  });
  for (const outs of (both as V[]).map((o) => [o])) {
    const fast = T.function([k, m, v], outs, { onUnusedInput: "ignore" });
    const loop = T.function([k, m, v], outs, { mode: "FAST_COMPILE", onUnusedInput: "ignore" });
    assert.equal(scanNodes(fast), 0, "batched");
    const rows = grid(3, 2, 1);
    for (const bad of [[0, 3, 1], [0, -4, 1]]) { // v has 3 elements: 3 and -4 are out of range
      for (const f of [fast, loop]) {
        assert.throws(
          () => f(bad, rows, [1, 2, 3]),
          /index -?[34] is out of bounds for axis 0 with (size|length) 3/,
        );
      }
    }
    const ok = [0, -3, 2];
    T.testing.assertAllClose(
      fast(ok, rows, [1, 2, 3])[0],
      loop(ok, rows, [1, 2, 3])[0].toArray() as number[],
    );
  }
});
