/**
 * Asynchronous WebGPU calls started together on the same shared variables take turns
 * (compile/in_turn.ts): each sees the updates of the calls made before it, in call order,
 * and none is lost; a call that fails does not stop the next.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

Deno.test("concurrent WebGPU calls on one shared variable take turns in call order; no update is lost", async () => {
  const w = T.shared(T.asarray([0], { dtype: "float32" }), { name: "w" });
  const inc = T.fscalar("inc");
  const step = T.function([inc], T.sum(w), { updates: [[w, T.add(w, inc)]], device: "webgpu" });
  const N = 64;
  const seen = await Promise.all(Array.from({ length: N }, () => step(1)));
  assert.deepEqual(seen.map((a) => a.item()), Array.from({ length: N }, (_, k) => k));
  assert.equal((await w.read()).item(), N);
});

Deno.test("concurrent WebGPU calls: one that fails at run time changes nothing and the next go on", async () => {
  const w = T.shared(T.asarray([0, 0], { dtype: "float32" }), { name: "w" });
  const x = T.fvector("x");
  const step = T.function([x], T.sum(w), { updates: [[w, T.add(w, x)]], device: "webgpu" });
  const results = await Promise.allSettled([step([1, 1]), step([1, 1, 1]), step([1, 1])]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.equal((results[2] as PromiseFulfilledResult<T.NDArray>).value.item(), 2);
  assert.deepEqual((await w.read()).toArray(), [2, 2]);
});

Deno.test("concurrent WebGPU calls: two functions sharing a variable take turns; one on another variable is unaffected", async () => {
  const w = T.shared(T.asarray([1], { dtype: "float32" }), { name: "w" });
  const other = T.shared(T.asarray([0], { dtype: "float32" }), { name: "other" });
  const double = T.function([], T.sum(w), { updates: [[w, T.mul(w, 2)]], device: "webgpu" });
  const addOne = T.function([], T.sum(w), { updates: [[w, T.add(w, 1)]], device: "webgpu" });
  const elsewhere = T.function([], T.sum(other), { updates: [[other, T.add(other, 1)]], device: "webgpu" });
  const got = await Promise.all([double(), addOne(), elsewhere(), double(), addOne()]);
  // 1 -> 2 -> 3 -> 6 -> 7, each call seeing the one before it
  assert.deepEqual(got.map((a) => a.item()), [1, 2, 0, 3, 6]);
  assert.equal((await w.read()).item(), 7);
  assert.equal((await other.read()).item(), 1);
});
