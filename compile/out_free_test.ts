import assert from "node:assert/strict";
import * as T from "../mod.ts";
import type { SyncProgram } from "./schedule.ts";

const program = (f: T.CompiledFunction<unknown>) => f.maker.program as SyncProgram;

Deno.test("Out without borrow: every call returns arrays of its own", () => {
  const x = T.dvector("x");
  const f = T.function([x], new T.Out(T.add(T.mul(x, 2), 1)));
  const a = f([1, 2]), b = f([3, 4]);
  assert.notEqual(a.data, b.data);
  assert.deepEqual(a.toArray(), [3, 5]);
  assert.deepEqual(b.toArray(), [7, 9]);
  assert.deepEqual(f.maker.borrow, [false]);
});

Deno.test("Out with borrow: the next call writes into the buffer the last one returned", () => {
  const x = T.dvector("x");
  const f = T.function([x], [new T.Out(T.add(T.mul(x, 2), 1), { borrow: true }), T.neg(x)]);
  assert.deepEqual(f.maker.borrow, [true, false]);
  const [a, na] = f([1, 2]);
  const [b, nb] = f([3, 4]);
  assert.equal(b.data, a.data, "the borrowed output's buffer is reused");
  assert.deepEqual(a.toArray(), [7, 9], "so the first result was overwritten, as documented");
  assert.notEqual(nb.data, na.data, "an output without borrow stays fresh");
  assert.deepEqual(na.toArray(), [-1, -2]);
  // A borrowed array passed back in is not reused while it is an argument.
  const y = T.dvector("y");
  const g = T.function([y], new T.Out(T.mul(y, 3), { borrow: true }));
  const c = g([1, 2]);
  const d = g(c);
  assert.notEqual(d.data, c.data);
  assert.deepEqual(c.toArray(), [3, 6]);
  assert.deepEqual(d.toArray(), [9, 18]);
  // A single borrowed output gives an NDArray, as a single output does.
  assert.ok(g([1]) instanceof T.NDArray);
});

Deno.test("Out with borrow never lends a shared variable's buffer (an output that is also an update)", () => {
  const s = T.shared([1, 2], { name: "s", dtype: "float64" });
  const next = T.mul(s, 2);
  const f = T.function([], new T.Out(next, { borrow: true }), { updates: [[s, next]] });
  const a = f();
  assert.deepEqual(s.getValue().toArray(), [2, 4]);
  f();
  assert.deepEqual(s.getValue().toArray(), [4, 8]);
  assert.deepEqual(a.toArray(), [2, 4], "not lent: it was the update's value too");
});

Deno.test("Out: bad arguments", () => {
  assert.throws(
    () => new T.Out(3 as never),
    (e: Error) => e instanceof T.InputError && /expected a symbolic variable, got 3/.test(e.message),
  );
  assert.throws(
    () => new T.Out(T.dscalar("x"), { borow: true } as never),
    (e: Error) =>
      e instanceof T.InputError && /unknown option "borow"; did you mean "borrow"/.test(e.message),
  );
});

Deno.test("free() releases the pooled buffers, scan bodies' too, and leaves the function callable", () => {
  const x = T.dmatrix("x");
  const [rows] = T.scan({ fn: (r: T.Variable) => T.sum(T.exp(T.mul(r, 2))), sequences: x });
  const y = T.add(T.mul(T.exp(x), 3), T.sum(rows));
  const f = T.function([x], [y, rows]);
  const value = Array.from(
    { length: 200 },
    (_, i) => Array.from({ length: 300 }, (_, j) => ((i * 7 + j) % 13) / 13),
  );
  const first = f(value);
  const p = program(f);
  assert.ok(p.pooled() > 0, `the function keeps buffers between calls (${p.pooled()})`);
  f.free();
  assert.equal(p.pooled(), 0);
  const again = f(value);
  T.testing.assertAllClose(again[0], first[0], { rtol: 0, atol: 0 });
  T.testing.assertAllClose(again[1], first[1], { rtol: 0, atol: 0 });
  assert.ok(p.pooled() > 0, "the next call made them again");
  // free() also drops a borrowed output's buffer instead of reusing it.
  const b = T.dvector("b");
  const g = T.function([b], new T.Out(T.add(b, 1), { borrow: true }));
  const r1 = g([1, 2]);
  g.free();
  const r2 = g([5, 6]);
  assert.notEqual(r2.data, r1.data);
  assert.deepEqual(r1.toArray(), [2, 3]);
});

Deno.test("free() on an asynchronous (auto) function", async () => {
  const x = T.fvector("x");
  const f = T.function([x], T.exp(x), { device: "auto" });
  const a = await f([0, 1]);
  f.free();
  const b = await f([0, 1]);
  T.testing.assertAllClose(b, a, { rtol: 0, atol: 0 });
});
