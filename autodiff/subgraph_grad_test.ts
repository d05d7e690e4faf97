import assert from "node:assert/strict";
import * as T from "../mod.ts";

/** A two-layer chain: x → h1 = tanh(x·w1) → cost = sum((h1·w2)²), plus a cost on h1. */
function chain() {
  const x = T.dvector("x"), w1 = T.dvector("w1"), w2 = T.dvector("w2");
  const h1 = T.tanh(T.mul(x, w1));
  const cost2 = T.sum(T.sqr(T.mul(h1, w2)));
  const cost1 = T.sum(T.sqr(h1));
  return { x, w1, w2, h1, cost1, cost2 };
}
const X = [0.3, -0.8, 1.1], W1 = [0.5, 1.5, -0.2], W2 = [2, -1, 0.7];

Deno.test("subgraphGrad: piece by piece equals grad of the whole (Theano's docs example)", () => {
  const { x, w1, w2, h1, cost1, cost2 } = chain();
  const [[gw2], next] = T.subgraphGrad({ wrt: [w2], end: [h1], cost: cost2 });
  assert.deepEqual([...next.keys()], [h1]);
  const [[gw1], below] = T.subgraphGrad({ wrt: [w1], end: [x], start: next, cost: cost1 });
  assert.deepEqual([...below.keys()], [x]);
  const whole = T.grad(T.add(cost1, cost2), [w1, w2, x]);
  const f = T.function([x, w1, w2], [gw1, gw2, below.get(x)!, ...whole]);
  const [a1, a2, ax, b1, b2, bx] = f(X, W1, W2);
  T.testing.assertAllClose(a1, b1);
  T.testing.assertAllClose(a2, b2);
  T.testing.assertAllClose(ax, bx);
  // Positional form (Theano's order) gives the same graph's values.
  const [[p2]] = T.subgraphGrad(w2, [h1], null, cost2);
  T.testing.assertAllClose(T.function([x, w1, w2], p2)(X, W1, W2), b2);
});

Deno.test("subgraphGrad: details returns the start and cost parts apart; unreached gives zeros", () => {
  const { x, w1, w2, h1, cost1, cost2 } = chain();
  const gh = T.grad(cost2, h1);
  const out = T.subgraphGrad({ wrt: [w1, w2], end: [x], start: [[h1, gh]], cost: cost1, details: true });
  const [wrtGrads, , fromStart, fromCost] = out;
  assert.equal(fromStart!.length, 3); // w1, w2, x
  assert.equal(fromCost!.length, 3);
  const f = T.function([x, w1, w2], [...wrtGrads, fromStart![0], fromCost![0]]);
  const [g1, g2, s1, c1] = f(X, W1, W2);
  T.testing.assertAllClose(
    g1.toArray() as number[],
    (s1.toArray() as number[]).map((v, i) => v + (c1.toArray() as number[])[i]),
  );
  // w2 is not in this piece (gh already reads it, but the piece is from h1 down): zeros.
  assert.deepEqual(g2.toArray(), [0, 0, 0]);
});

Deno.test("subgraphGrad: bad arguments", () => {
  const { x, w2, h1 } = chain();
  assert.throws(
    () => T.subgraphGrad({ wrt: [w2], end: [h1] }),
    (e: Error) => e instanceof T.GradError && /give a cost or start/.test(e.message),
  );
  assert.throws(
    () => T.subgraphGrad({ wrt: [w2], end: h1 as never, cost: T.sum(x) }),
    (e: Error) => e instanceof T.GradError && /end must be a list/.test(e.message),
  );
  assert.throws(
    () => T.subgraphGrad({ wrt: [w2], end: [h1], cost: T.sum(x), begin: [] } as never),
    (e: Error) => e instanceof T.InputError && /unknown option "begin"/.test(e.message),
  );
});
