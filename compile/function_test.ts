import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("function() with In defaults and keyword arguments (Theano tutorial)", () => {
  const [x, y, w] = T.dscalars("x", "y", "w");
  const z = T.add(T.mul(T.add(x, y), w), 0);
  const f = T.function([x, new T.In(y, { value: 1 }), new T.In(w, { value: 2, name: "w_by_name" })], z);
  assert.equal(f(33).item(), 68);
  assert.equal(f(33, 2).item(), 70);
  assert.equal(f(33, 0, 1).item(), 33);
  assert.equal(f(33, { w_by_name: 1 }).item(), 34);
  assert.equal(f(33, { w_by_name: 1, y: 0 }).item(), 33);
  const g = T.function(
    [x, new T.In(y, { value: 1 }), new T.In(w, { value: 2, name: "w_by_name" })],
    T.mul(T.add(x, y), w),
  );
  assert.equal(g(1).item(), 4);
  assert.equal(g(1, 2).item(), 6);
  assert.equal(g(1, 1, 1).item(), 2);
  assert.equal(g(1, { w_by_name: 1, y: 0 }).item(), 1);
});

Deno.test("function() rejects unknown, duplicate and missing arguments", () => {
  const [x, y] = T.dscalars("x", "y");
  const f = T.function([x, new T.In(y, { value: 1 })], T.add(x, y));
  assert.throws(
    () => f(1, { z: 2 }),
    (e: Error) => e instanceof T.InputError && /unknown keyword argument "z"/.test(e.message),
  );
  assert.throws(
    () => f(1, 2, { y: 3 }),
    (e: Error) => e instanceof T.InputError && /both by position and by keyword/.test(e.message),
  );
  assert.throws(() => f(), (e: Error) => e instanceof T.InputError && /missing argument 0/.test(e.message));
  assert.throws(
    () => f(1, 2, 3),
    (e: Error) => e instanceof T.InputError && /takes 2 arguments but 3/.test(e.message),
  );
});

Deno.test("function() checks dtype, rank and raggedness of arguments", () => {
  const i = T.iscalar("i");
  const f = T.function([i], T.mul(i, 2));
  assert.equal(f(3).item(), 6);
  assert.throws(
    () => f(1.5),
    (e: Error) => e instanceof T.InputError && /"i"/.test(e.message) && /losing information/.test(e.message),
  );
  const g = T.function([i], T.mul(i, 2), { allowInputDowncast: true });
  assert.equal(g(1.5).item(), 2);
  const m = T.dmatrix("m");
  const h = T.function([m], T.add(m, 1));
  assert.throws(
    () => h([1, 2]),
    (e: Error) => e instanceof T.InputError && /2-d/.test(e.message) && /"m"/.test(e.message),
  );
  assert.throws(() => h([[1, 2], [3]]), (e: Error) => e instanceof T.InputError && /ragged/.test(e.message));
});

Deno.test("function() broadcasting follows static types, not values", () => {
  const [a, b] = T.dmatrices("a", "b");
  const f = T.function([a, b], T.add(a, b));
  // a (1, 2) value in a [null, null] variable does not broadcast against (2, 2)
  assert.throws(
    () => f([[1, 2]], [[1, 2], [3, 4]]),
    (e: Error) =>
      e instanceof T.ShapeError && /add/.test(e.message) && /\(1, 2\)/.test(e.message) &&
      /\(2, 2\)/.test(e.message),
  );
  const r = T.drow("r");
  const g = T.function([a, r], T.add(a, r));
  assert.deepEqual(g([[1, 2], [3, 4]], [[10, 20]]).toArray(), [[11, 22], [13, 24]]);
});

Deno.test("function() accumulator with shared state, updates and setValue (Theano tutorial)", () => {
  const state = T.shared(0, { name: "state" });
  const inc = T.iscalar("inc");
  const acc = T.function([inc], state, { updates: [[state, T.add(state, inc)]] });
  assert.equal(state.getValue().item(), 0);
  assert.equal(acc(1).item(), 0);
  assert.equal(state.getValue().item(), 1);
  acc(300);
  assert.equal(state.getValue().item(), 301);
  state.setValue(-1);
  acc(3);
  assert.equal(state.getValue().item(), 2);
  const dec = T.function([inc], state, { updates: new Map([[state, T.sub(state, inc)]]) });
  dec(2);
  assert.equal(state.getValue().item(), 0);
});

Deno.test("function() givens replace a shared variable without touching it", () => {
  const state = T.shared(0, { name: "state" });
  state.setValue(1);
  const inc = T.iscalar("inc");
  const fnOfState = T.add(T.mul(state, 2), inc);
  const foo = T.scalar("foo", state.dtype); // Theano's T.scalar(dtype=state.dtype)
  const skip = T.function([inc, foo], fnOfState, { givens: [[state, foo]] });
  assert.equal(skip(1, 3).item(), 7);
  assert.equal(state.getValue().item(), 1);
});

Deno.test("function().copy() swaps shared variables and deletes updates without recompiling", () => {
  const state = T.shared(0, { name: "state" });
  const inc = T.iscalar("inc");
  const acc = T.function([inc], state, { updates: [[state, T.add(state, inc)]] });
  acc(10);
  const newState = T.shared(0, { name: "new_state" });
  const acc2 = acc.copy({ swap: [[state, newState]] });
  acc2(100);
  assert.equal(newState.getValue().item(), 100);
  assert.equal(state.getValue().item(), 10);
  assert.equal(acc2.maker, acc.maker);
  const acc3 = acc.copy({ deleteUpdates: true });
  acc3(5);
  assert.equal(state.getValue().item(), 10);
  const other = T.shared(0, { name: "int_state", dtype: "int64" });
  assert.throws(() => acc.copy({ swap: [[state, other]] }), T.InputError);
});

Deno.test("function() applies updates together, from values before the call", () => {
  const a = T.shared(1, { name: "a" });
  const b = T.shared(2, { name: "b" });
  const swap = T.function([], [], { updates: [[a, b], [b, a]] });
  assert.deepEqual(swap(), []);
  assert.equal(a.getValue().item(), 2);
  assert.equal(b.getValue().item(), 1);
});

Deno.test("function() leaves shared state unchanged when a call fails", () => {
  const w = T.shared([1, 2, 3], { name: "w", dtype: "float64" });
  const x = T.dvector("x");
  const step = T.function([x], T.sum(T.mul(w, x)), { updates: [[w, T.add(w, x)]] });
  step([1, 1, 1]);
  assert.deepEqual(w.getValue().toArray(), [2, 3, 4]);
  assert.throws(() => step([1, 1]), T.ShapeError);
  assert.deepEqual(w.getValue().toArray(), [2, 3, 4]);
});

Deno.test("function() rejects an update whose type differs from its shared variable", () => {
  const s = T.shared(0, { name: "counter", dtype: "int64" });
  const x = T.dscalar("x");
  assert.throws(
    () => T.function([x], x, { updates: [[s, T.add(s, x)]] }),
    (e: Error) =>
      e instanceof T.HypatiaTypeError && /"counter"/.test(e.message) && /float64/.test(e.message) &&
      /shared\(value, \{ dtype: "float64" \}\)/.test(e.message),
  );
});

Deno.test("function() onUnusedInput raise, warn and ignore", () => {
  const [x, y] = T.dscalars("x", "y");
  assert.throws(
    () => T.function([x, y], T.mul(x, 2)),
    (e: Error) => e instanceof T.InputError && /"y"/.test(e.message),
  );
  const f = T.function([x, y], T.mul(x, 2), { onUnusedInput: "ignore" });
  assert.equal(f(2, 5).item(), 4);
  assert.throws(
    () => T.function([x], T.add(x, y)),
    (e: Error) =>
      e instanceof T.InputError && /"y"/.test(e.message) && /not among the inputs/.test(e.message),
  );
});

Deno.test("function() with several outputs and with none", () => {
  const [a, b] = T.dmatrices("a", "b");
  const diff = T.sub(a, b);
  const f = T.function([a, b], [diff, T.mul(diff, diff)]);
  const [d, sq] = f([[1, 1], [1, 1]], [[0, 1], [2, 3]]);
  assert.deepEqual(d.toArray(), [[1, 0], [-1, -2]]);
  assert.deepEqual(sq.toArray(), [[1, 0], [1, 4]]);
  const g = T.function([a], [], { onUnusedInput: "ignore" });
  assert.deepEqual(g([[1]]), []);
});

Deno.test("function() outputs never alias inputs or shared values", () => {
  const x = T.dvector("x");
  const s = T.shared([1, 2], { name: "s", dtype: "float64" });
  const f = T.function([x], [x, s]);
  const arr = T.asarray([5, 6]);
  const [ox, os] = f(arr);
  assert.notEqual(ox.data, arr.data);
  os.data[0] = 99;
  assert.equal(s.getValue().item(0), 1);
});

Deno.test("function() names generated code safely whatever the variable names", () => {
  const weird = `a"b'c\\d\`\${x}\n`;
  const x = T.dvector(weird);
  const f = T.function([x], T.exp(T.add(x, 1)));
  assert.ok(Math.abs(f([0]).item(0) - Math.E) < 1e-12);
  assert.throws(() => f([[1]]), (e: Error) => e instanceof T.InputError && e.message.includes(weird));
});

Deno.test("function() reuses buffers across calls without corrupting outputs", () => {
  const x = T.dvector("x");
  const y = T.exp(T.mul(T.add(x, 1), 2));
  const f = T.function([x], [y, T.sum(y)], { mode: "FAST_COMPILE" });
  const [a] = f([0, 1]);
  const first = a.toArray();
  f([5, 6]);
  assert.deepEqual(a.toArray(), first);
});

Deno.test("function() errors point at the user's line that built the node", () => {
  const [a, b] = T.dvectors("a", "b");
  const f = T.function([a, b], T.mul(a, b)); // this line
  try {
    f([1, 2], [1, 2, 3]);
    assert.fail("expected a ShapeError");
  } catch (e) {
    assert.ok(e instanceof T.ShapeError);
    assert.match((e as Error).message, /function_test\.[jt]s:\d+/);
    assert.match((e as Error).message, /"a"/);
  }
});

Deno.test("function() FAST_COMPILE and FAST_RUN agree", () => {
  const x = T.dmatrix("x");
  const e = T.div(1, T.add(1, T.exp(T.neg(x))));
  const fast = T.function([x], e);
  const plain = T.function([x], e, { mode: "FAST_COMPILE" });
  const v = [[0, 1], [-1, -2]];
  T.testing.assertAllClose(fast(v), plain(v));
  assert.equal(T.pp(fast), "sigmoid(x)");
  assert.equal(T.pp(plain), "(1 / (1 + exp(-x)))");
});
