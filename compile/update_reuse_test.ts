// Updates reuse the buffers of the values they replace (compile/function.ts, ownsBuffer;
// core/shared.ts, applyUpdate), and never one that anything else may still hold.
import assert from "node:assert/strict";
import * as T from "../mod.ts";

const vec = (xs: number[]) => T.asarray(Float64Array.from(xs));

Deno.test("an update reuses the buffer of the value it replaced two calls before", () => {
  const w = T.shared(vec([1, 2, 3]), { name: "w" });
  const step = T.function([], [], { updates: [[w, T.mul(w, 2)]] });
  const buffers: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    step();
    buffers.push(w.storage.value.data);
  }
  // The first update's result replaces the caller's array (not reused); from then on two
  // buffers alternate.
  assert.notEqual(buffers[0], buffers[1]);
  assert.equal(buffers[2], buffers[0]);
  assert.equal(buffers[3], buffers[1]);
  assert.deepEqual([...w.getValue().data], [16, 32, 48]);
});

Deno.test("a borrowed value is never reused by a later update", () => {
  const w = T.shared(vec([1, 2]), { name: "w" });
  const step = T.function([], [], { updates: [[w, T.add(w, 1)]] });
  step();
  const held = w.getValue({ borrow: true });
  const kept = [...held.data];
  for (let i = 0; i < 3; i++) step();
  assert.deepEqual([...held.data], kept);
  assert.deepEqual([...w.getValue().data], [5, 6]);
});

Deno.test("an update that is also an output, or the value of two variables, is not reused", () => {
  const w = T.shared(vec([1, 2]), { name: "w" });
  const next = T.add(w, 1);
  const f = T.function([], next, { updates: [[w, next]] });
  const outs = [f(), f(), f()];
  assert.deepEqual(outs.map((o) => [...o.data]), [[2, 3], [3, 4], [4, 5]]);

  const a = T.shared(vec([1]), { name: "a" }), b = T.shared(vec([1]), { name: "b" });
  const both = T.add(a, b);
  const g = T.function([], [], { updates: [[a, both], [b, both]] });
  g();
  g();
  const h = T.function([], [], { updates: [[a, T.mul(a, 10)]] });
  h(); // a's old value (shared with b) must not be handed out and overwritten
  h();
  assert.deepEqual([...a.getValue().data], [400]);
  assert.deepEqual([...b.getValue().data], [4]);
});

Deno.test("a failing call reuses nothing and changes no shared value", () => {
  const w = T.shared(vec([1, 2]), { name: "w" });
  const x = T.dvector("x");
  const step = T.function([x], [], { updates: [[w, T.add(w, x)]] });
  step([1, 1]);
  step([1, 1]);
  const before = w.storage.value.data;
  assert.throws(() => step([1, 1, 1]), T.ShapeError);
  assert.equal(w.storage.value.data, before);
  assert.deepEqual([...w.getValue().data], [3, 4]);
  step([1, 1]);
  assert.deepEqual([...w.getValue().data], [4, 5]);
});
