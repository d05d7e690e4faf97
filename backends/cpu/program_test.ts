import assert from "node:assert/strict";
import * as T from "../../mod.ts";

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
