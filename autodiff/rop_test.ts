import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { Lop, Rop } from "./rop.ts";
import { scan } from "./scan.ts";

type V = T.Variable;
const wave = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + s) * 0.7);

/** Rop of `build` at `x` along `v` against central differences of the compiled function. */
function checkRop(build: (x: V) => V, x: number[], v: number[], tol = 1e-6) {
  const xv = T.dvector("x"), vv = T.dvector("v");
  const y = build(xv);
  const jv = T.function([xv, vv], Rop(y, xv, vv), { onUnusedInput: "ignore" })(x, v);
  const f = T.function([xv], y);
  const eps = 1e-6;
  const up = f(x.map((a, i) => a + eps * v[i])), down = f(x.map((a, i) => a - eps * v[i]));
  const numeric = Array.from(up.data, (u, i) => (u - down.data[i]) / (2 * eps));
  assert.deepEqual(jv.shape, up.shape);
  Array.from(jv.data).forEach((a, i) =>
    assert.ok(Math.abs(a - numeric[i]) < tol, `element ${i}: Rop ${a}, numeric ${numeric[i]}`)
  );
}

Deno.test("Rop() of dot(x, W) with respect to W (Theano's example) is [2, 2]", () => {
  const W = T.dmatrix("W"), V = T.dmatrix("V"), x = T.dvector("x");
  // J·V does not read W, so W is an unused input.
  const f = T.function([W, V, x], Rop(T.dot(x, W), W, V), { onUnusedInput: "ignore" });
  assert.deepEqual(f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).toArray(), [2, 2]);
});

Deno.test("Lop() of dot(x, W) with respect to W (Theano's example) is [[0, 0], [2, 2]]", () => {
  const W = T.dmatrix("W"), v = T.dvector("v"), x = T.dvector("x");
  const f = T.function([W, v, x], Lop(T.dot(x, W), W, v), { onUnusedInput: "ignore" });
  assert.deepEqual(f([[1, 1], [1, 1]], [2, 2], [0, 1]).toArray(), [[0, 0], [2, 2]]);
});

Deno.test("Rop() and grad give the same Hessian-vector product of sum(x ** 2)", () => {
  const x = T.dvector("x"), v = T.dvector("v");
  const gy = T.grad(T.sum(T.pow(x, 2)), x);
  const viaGrad = T.grad(T.sum(T.mul(gy, v)), x);
  const viaRop = Rop(gy, x, v);
  const [a, b] = T.function([x, v], [viaGrad, viaRop])([4, 4], [2, 2]);
  assert.deepEqual(a.toArray(), [4, 4]);
  assert.deepEqual(b.toArray(), [4, 4]);
  // A non-quadratic cost: the two products agree everywhere.
  const c = T.sum(T.mul(T.tanh(x), T.exp(T.mul(x, 0.3))));
  const gc = T.grad(c, x);
  const [p, q] = T.function([x, v], [T.grad(T.sum(T.mul(gc, v)), x), Rop(gc, x, v)])(wave(5, 1), wave(5, 2));
  T.testing.assertAllClose(q, p.toArray() as number[], { rtol: 1e-12, atol: 1e-12 });
});

Deno.test("Rop() matches central differences on elementwise, broadcast, reduction and layout ops", () => {
  const x = wave(6, 0.3), v = wave(6, 1.1);
  checkRop((x) => T.tanh(T.mul(x, x)), x, v);
  checkRop((x) => T.div(T.exp(x), T.add(T.sum(T.exp(x)), 1)), x, v);
  checkRop((x) => T.softmax(x), x, v);
  checkRop((x) => T.add(T.mul(x, T.max(x)), T.prod(x)), x, v);
  checkRop((x) => T.reshape(x, [2, 3]).T.sum(1), x, v);
  checkRop((x) => T.concatenate([x.slice([1, 4]), T.sqr(x.get(0)).dimshuffle("x")]), x, v);
  checkRop((x) => T.dot(T.reshape(x, [3, 2]), x.slice([0, 2])), x, v);
  checkRop((x) => T.switch(T.gt(x, 0), T.sqr(x), T.neg(x)), x, v);
});

Deno.test("Rop() goes through scan by the double-Lop trick", () => {
  const rnn = (x: V) =>
    scan({
      fn: (xt: V, h: V) => T.tanh(T.add(T.mul(h, 1.5), xt)),
      sequences: x,
      outputsInfo: T.constant(0.1),
    })[0];
  checkRop(rnn, wave(5, 0.2), wave(5, 2.2));
});

Deno.test("Lop() equals grad of the weighted sum; lists of outputs and of wrt", () => {
  const x = T.dvector("x"), y = T.dvector("y"), u = T.dvector("u"), w = T.dvector("w");
  const f1 = T.mul(T.exp(x), y), f2 = T.sin(T.add(x, y));
  const [lx, ly] = Lop([f1, f2], [x, y], [u, w]);
  const cost = T.add(T.sum(T.mul(f1, u)), T.sum(T.mul(f2, w)));
  const [gx, gy] = T.grad(cost, [x, y]);
  const args = [wave(4, 1), wave(4, 2), wave(4, 3), wave(4, 4)];
  const [a, b, c, d] = T.function([x, y, u, w], [lx, ly, gx, gy])(...args);
  T.testing.assertAllClose(a, c.toArray() as number[], { rtol: 1e-14, atol: 1e-14 });
  T.testing.assertAllClose(b, d.toArray() as number[], { rtol: 1e-14, atol: 1e-14 });
  // Rop with lists: J_x t_x + J_y t_y for each output.
  const [r1, r2] = Rop([f1, f2], [x, y], [u, w]);
  const [e1, e2] = T.function([x, y, u, w], [r1, r2])(...args);
  const [xs, ys, us, ws] = args;
  T.testing.assertAllClose(e1, xs.map((xi, i) => Math.exp(xi) * ys[i] * us[i] + Math.exp(xi) * ws[i]), {
    rtol: 1e-14,
  });
  T.testing.assertAllClose(e2, xs.map((xi, i) => Math.cos(xi + ys[i]) * (us[i] + ws[i])), { rtol: 1e-14 });
});

Deno.test("Rop() and Lop() reject disconnected outputs and mismatched eval points", () => {
  const x = T.dvector("x"), y = T.dvector("y"), m = T.dmatrix("m");
  assert.throws(() => Rop(T.exp(y), x, x), T.GradError);
  const zeros = Rop(T.exp(y), x, x, { disconnectedOutputs: "ignore" });
  assert.deepEqual(T.function([y], zeros, { onUnusedInput: "ignore" })([1, 2]).toArray(), [0, 0]);
  assert.throws(() => Rop(T.exp(x), x, m), T.HypatiaTypeError);
  assert.throws(() => Lop(T.exp(x), x, m), T.HypatiaTypeError);
  assert.throws(() => Lop(T.exp(y), x, y), T.GradError);
  assert.throws(() => Rop(T.exp(x), [x, y], [x]), T.HypatiaTypeError);
});
