import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { toposort } from "../core/walk.ts";

Deno.test("pp() shows grad's raw fill and x ** (2 - 1), and the optimised (2.0 * x)", () => {
  const x = T.dscalar("x");
  const gy = T.grad(T.pow(x, 2), x);
  assert.equal(T.pp(gy), "((fill((x ** 2), 1.0) * 2) * (x ** (2 - 1)))");
  const f = T.function([x], gy);
  assert.equal(T.pp(f), "(2.0 * x)");
  assert.equal(f(4).item(), 8);
  assert.equal(f(94.2).item(), 188.4);
});

Deno.test("optimiser merges equal subgraphs and folds constants", () => {
  const x = T.dvector("x");
  const a = T.exp(T.add(x, T.mul(2, 3)));
  const b = T.exp(T.add(x, 6));
  const f = T.function([x], [a, b], { mode: "FAST_RUN" });
  const nodes = toposort(f.maker.outputs);
  assert.equal(f.maker.outputs[0], f.maker.outputs[1], "equal subgraphs merge into one");
  assert.equal(nodes.length, 1, T.debugprint(f));
  T.testing.assertAllClose(f([0])[0], [Math.exp(6)]);
});

Deno.test("optimiser removes x * 1, x + 0, --x, log(exp(x)) (exp(log(x)) keeps log's domain: ops/exp_log_test.ts)", () => {
  const x = T.dvector("x");
  const cases: [T.Variable, string][] = [
    [T.mul(x, 1), "x"],
    [T.add(0, x), "x"],
    [T.neg(T.neg(x)), "x"],
    [T.log(T.exp(x)), "x"],
    [T.sub(x, 0), "x"],
    [T.div(x, 1), "x"],
    [T.pow(x, 1), "x"],
  ];
  for (const [e, want] of cases) {
    const f = T.function([x], e);
    assert.equal(T.pp(f), want);
    assert.deepEqual(f([1, 2]).toArray(), [1, 2]);
  }
});

Deno.test("fusion makes one loop of an elementwise chain and keeps results exact", () => {
  const x = T.fvector("x");
  const s = T.div(1, T.add(2, T.exp(T.neg(x))));
  const f = T.function([x], s);
  const nodes = toposort(f.maker.outputs);
  assert.equal(nodes.length, 1);
  assert.equal(nodes[0].op.name, "fused");
  assert.equal(T.pp(f), "Composite{(1 / (2 + exp(-x)))}");
  const v = new Float32Array([-3, -0.5, 0, 0.5, 3]);
  const out = f(v);
  assert.equal(out.dtype, "float32");
  out.data.forEach((y, i) => assert.equal(y, Math.fround(1 / (2 + Math.exp(-v[i])))));
});

Deno.test("fusion links consecutive groups: a chain longer than one loop, groups around a dot", () => {
  const x = T.dvector("x");
  let y: T.Variable = x;
  for (let i = 0; i < 300; i++) y = i % 2 ? T.tanh(y) : T.mul(y, 1.5);
  const f = T.function([x], y);
  const names = toposort(f.maker.outputs).map((n) => n.op.name);
  assert.ok(names.length <= 4 && names.every((n) => n === "fused"), names.join(", "));
  const v = [-1, 0.25, 2];
  const expected = v.map((a) => {
    for (let i = 0; i < 300; i++) a = i % 2 ? Math.tanh(a) : a * 1.5;
    return a;
  });
  T.testing.assertAllClose(f(v), expected, { rtol: 1e-12, atol: 1e-12 });
  const m = T.dmatrix("m");
  const g = T.function([m], T.exp(T.tanh(T.dot(T.tanh(T.exp(m)), m))));
  assert.deepEqual(toposort(g.maker.outputs).map((n) => n.op.name), ["fused", "dot", "fused"]);
});

Deno.test("fusion recomputes a cheap shared producer in each elementwise reader, and stores one a reduction reads", () => {
  const x = T.dvector("x"), y = T.dvector("y");
  const d = T.sub(1, y); // cheap, read by two elementwise groups
  const f = T.function([x, y], [T.exp(T.mul(d, x)), T.tanh(T.add(d, x))]);
  const names = toposort(f.maker.outputs).map((n) => n.op.name);
  assert.deepEqual(names, ["fused", "fused"], T.debugprint(f));
  const [a, b] = f([0.5, -2], [3, 0.25]);
  T.testing.assertAllClose(a, [Math.exp(-2 * 0.5), Math.exp(0.75 * -2)], { rtol: 1e-15 });
  T.testing.assertAllClose(b, [Math.tanh(-2 + 0.5), Math.tanh(0.75 - 2)], { rtol: 1e-15 });
  // Read by a sum as well: stored once, and the groups read it.
  const g = T.function([x, y], [T.exp(T.mul(d, x)), T.tanh(T.add(d, x)), T.sum(d)]);
  const stored = toposort(g.maker.outputs).filter((n) => n.op.name === "sub");
  assert.equal(stored.length, 1, T.debugprint(g));
  // A costly producer (exp) is not recomputed.
  const e = T.exp(x);
  const h = T.function([x], [T.add(e, 1), T.mul(e, 2)]);
  assert.equal(toposort(h.maker.outputs).filter((n) => n.op.name === "exp").length, 1, T.debugprint(h));
});

Deno.test("weak scalars keep float32 graphs float32", () => {
  const x = T.fvector("x");
  assert.equal(T.mul(x, 2).dtype, "float32");
  assert.equal(T.mul(x, 2.5).dtype, "float32");
  assert.equal(T.add(T.ivector("i"), 1.5).dtype, "float64");
  assert.equal(T.add(T.ivector("i"), 1).dtype, "int32");
  assert.equal(T.add(x, T.dscalar("d")).dtype, "float64");
});

Deno.test("a 100,000-node chain builds, differentiates and compiles without overflowing the stack", () => {
  const x = T.dscalar("x");
  let y: T.Variable = x;
  for (let i = 0; i < 100_000; i++) y = T.add(y, 1);
  const f = T.function([x], y, { mode: "FAST_COMPILE" });
  assert.equal(f(0).item(), 100_000);
  const g = T.function([x], y);
  assert.equal(g(1).item(), 100_001);
  assert.ok(T.pp(x).length > 0);
  assert.ok(T.debugprint(T.add(x, 1)).includes("add"));
});
