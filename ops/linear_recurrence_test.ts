import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { linearRecurrenceOp, shiftBack, shiftForward } from "./linear_recurrence.ts";

const rec = (a: T.Variable, b: T.Variable, axis: number, reverse: boolean) =>
  linearRecurrenceOp.apply1([a, b], { axis, reverse });

Deno.test("linear_recurrence: r_i = a_i r_(i-1) + b_i along an axis, forwards and from the end", () => {
  const a = T.dmatrix("a"), b = T.dmatrix("b");
  const f = T.function([a, b], [rec(a, b, 1, false), rec(a, b, 1, true), rec(a, b, 0, false)]);
  const [fw, bw, down] = f([[2, 0, 3], [1, -1, 0.5]], [[1, 2, 3], [4, 5, 6]]) as T.NDArray[];
  assert.deepEqual([...fw.data], [1, 2, 9, 4, 1, 6.5]); // 1; 0·1 + 2; 3·2 + 3 | 4; -4 + 5; 0.5 + 6
  assert.deepEqual([...bw.data], [1 + 2 * 2, 2, 3, 4 + 1 * -1, 5 + -1 * 6, 6]); // from the end
  assert.deepEqual([...down.data], [1, 2, 3, 4 + 1 * 1, 5 + -1 * 2, 6 + 0.5 * 3]);
  assert.throws(() => f([[1, 2]], [[1, 2, 3]]), /shapes \(1, 2\) and \(1, 3\) differ/);
  assert.throws(() => rec(T.lmatrix("i"), b, 0, false), /must be floats/);
});

Deno.test("linear_recurrence: gradients and tangents for both inputs and both directions (verifyGrad, Rop)", () => {
  const a = [[0.5, -1.2, 0, 0.8], [1.1, 0.3, -0.7, 2]], b = [[1, 2, -1, 0.5], [0.2, -0.4, 1.5, 1]];
  for (const reverse of [false, true]) {
    for (const axis of [0, 1]) T.verifyGrad((x, y) => rec(x, y, axis, reverse).sqr(), [a, b]);
    T.verifyGrad((x, y) => T.grad(rec(x, y, 1, reverse).sqr().sum(), x), [a, b]);
  }
  const x = T.dvector("x"), y = T.dvector("y"), tx = T.dvector("tx"), ty = T.dvector("ty");
  const f = T.function([x, y, tx, ty], T.Rop(rec(x, y, 0, false), [x, y], [tx, ty]));
  // r = (y0, x1 y0 + y1): dr = (ty0, tx1 y0 + x1 ty0 + ty1).
  assert.deepEqual([...(f([3, 2], [1, 5], [1, 10], [2, 1]) as T.NDArray).data], [2, 10 * 1 + 2 * 2 + 1]);
});

Deno.test("shiftForward and shiftBack move a tensor one step along an axis, even when it is empty", () => {
  const m = T.dmatrix("m");
  const f = T.function([m], [shiftForward(m, 1, 1), shiftBack(m, 0, 0)]);
  const [fw, bk] = f([[1, 2, 3], [4, 5, 6]]) as T.NDArray[];
  assert.deepEqual([...fw.data], [1, 1, 2, 1, 4, 5]);
  assert.deepEqual([...bk.data], [4, 5, 6, 0, 0, 0]);
  const [e] = f(new T.NDArray("float64", [2, 0])) as T.NDArray[];
  assert.deepEqual(e.shape, [2, 0]);
});
