// Apply.trace: every node names the user's line that built it, however deep inside the
// library the node is made (one op, an op called as a method, composites, gradients),
// and nothing is recorded with config.traceback off.
import assert from "node:assert/strict";
import * as T from "../mod.ts";

/** "file:line" of the caller's line, as the runtime reports it. */
function here(): string {
  const frame = new Error().stack!.split("\n")[2];
  return frame.match(/(traceback_test\.[jt]s:\d+):\d+\)?\s*$/)![1];
}

/** Every node of the graphs of `outs` not reachable from `before` (the nodes a call made). */
function madeBy(outs: T.Variable[], before: T.Variable[] = []): T.Apply[] {
  const walk = (vs: T.Variable[]) => {
    const seen = new Set<T.Apply>(), stack = vs.map((v) => v.owner).filter((n): n is T.Apply => !!n);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const i of n.inputs) if (i.owner) stack.push(i.owner);
    }
    return seen;
  };
  const old = walk(before);
  return [...walk(outs)].filter((n) => !old.has(n));
}

function assertBuiltAt(nodes: T.Apply[], lines: string[], what: string) {
  assert(nodes.length > 0, `${what}: no nodes`);
  for (const n of nodes) {
    const at = n.trace?.match(/traceback_test\.[jt]s:\d+/)?.[0];
    assert(
      at !== undefined && lines.includes(at),
      `${what}: ${n.op.name} built at ${n.trace}, expected ${lines}`,
    );
  }
}

Deno.test("Apply.trace names the user's line: ops as functions and methods, and composites that build several nodes", () => {
  const x = T.dmatrix("x"), y = T.dmatrix("y"), v = T.dvector("v");
  const shapeVector = new T.TensorType("int64", [2]).make("s");
  // Each case builds and notes its own line in one statement.
  const cases: [string, () => [T.Variable, string]][] = [];
  const add = (what: string, build: () => [T.Variable, string]) => cases.push([what, build]);
  add("exp(x)", () => [T.exp(x), here()]);
  add("x.exp()", () => [x.exp(), here()]);
  add("x.sub(y).tanh()", () => [x.sub(y).tanh(), here()]);
  add("flatten as a method", () => [x.flatten(), here()]);
  add("var as a method", () => [x.var(), here()]);
  add("concatenate", () => [T.concatenate([x, y]), here()]);
  add("reshape to another's shape", () => [v.reshape(x.shape), here()]);
  add("zeros of another's shape", () => [T.zeros(x.shape), here()]);
  add("reshape to a shape vector", () => [v.reshape(shapeVector), here()]);
  add("mean", () => [T.mean(x, 0), here()]);
  add("a random draw", () => [new T.MRGRandomStreams(1).normal([3]), here()]);
  for (const [what, build] of cases) {
    const [out, line] = build();
    assertBuiltAt(madeBy([out], [x, y, v, shapeVector]), [line], what);
  }
});

Deno.test("Apply.trace: grad, Rop, Lop, jacobian and hessian name the user's call for the nodes they add", () => {
  const x = T.dvector("x"), W = T.dmatrix("W"), V = T.dmatrix("V"), u = T.dvector("u");
  const [h, hLine] = [T.tanh(T.dot(W, x)), here()];
  const [cost, costLine] = [T.sum(T.sqr(h)), here()];
  const forward = [hLine, costLine];
  const cases: [string, () => [T.Variable | T.Variable[], string]][] = [
    ["grad", () => [T.grad(cost, [x, W]), here()]],
    ["Rop", () => [T.Rop(h, W, V), here()]],
    ["Lop", () => [T.Lop(h, W, u), here()]],
    ["jacobian", () => [T.jacobian(h, x), here()]],
    ["hessian", () => [T.hessian(cost, x), here()]],
  ];
  for (const [what, build] of cases) {
    const [out, line] = build();
    const made = madeBy([out].flat(), [cost, V, u]);
    assertBuiltAt(made, [...forward, line], what);
    // Lop's nodes all come from the forward nodes' own gradient rules; the others add some of their own.
    if (what !== "Lop") {
      assert(made.some((n) => n.trace?.includes(`${line}:`)), `${what}: no node names its own call`);
    }
  }
});

Deno.test("Apply.trace: with config.traceback off no node records a line, composites included", () => {
  const saved = T.config.traceback;
  T.config.traceback = false;
  try {
    const x = T.dvector("x");
    const g = T.grad(T.sum(T.exp(x)), x), j = T.jacobian(T.tanh(x), x);
    for (const n of madeBy([g, j])) assert.equal(n.trace, undefined, n.op.name);
  } finally {
    T.config.traceback = saved;
  }
});
