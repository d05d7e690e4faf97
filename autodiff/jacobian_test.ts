import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { hessian, jacobian } from "./jacobian.ts";
import { scan } from "./scan.ts";

type V = T.Variable;
const wave = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + s) * 0.7);

Deno.test("jacobian() of x ** 2 at [4, 4] is [[8, 0], [0, 8]]", () => {
  const x = T.dvector("x");
  const f = T.function([x], jacobian(T.pow(x, 2), x));
  assert.deepEqual(f([4, 4]).toArray(), [[8, 0], [0, 8]]);
});

Deno.test("hessian() of sum(x ** 2) is [[2, 0], [0, 2]]", () => {
  const x = T.dvector("x");
  const f = T.function([x], hessian(T.sum(T.pow(x, 2)), x));
  assert.deepEqual(f([4, 4]).toArray(), [[2, 0], [0, 2]]);
});

Deno.test("jacobian(): the tutorial's hand-written scan works and agrees", () => {
  const x = T.dvector("x");
  const y = T.pow(x, 2);
  const [J] = scan({
    fn: (i: V, y: V, x: V) => T.grad(y.get(i), x),
    sequences: T.arange(y.shape.get(0)),
    nonSequences: [y, x],
  });
  const f = T.function([x], [J, jacobian(y, x)]);
  const [a, b] = f([4, 4]);
  assert.deepEqual(a.toArray(), [[8, 0], [0, 8]]);
  assert.deepEqual(b.toArray(), a.toArray());
});

Deno.test("jacobian() with a list of wrt matches analytic derivatives", () => {
  const x = T.dvector("x"), w = T.dvector("w");
  // y_i = exp(x_i * w_i) + sum(w): dy_i/dx_j = [i = j] w_i exp(x_i w_i); dy_i/dw_j = [i = j] x_i exp(x_i w_i) + 1
  const y = T.add(T.exp(T.mul(x, w)), T.sum(w));
  const [jx, jw] = jacobian(y, [x, w]);
  const xs = wave(3, 1), ws = wave(3, 2);
  const [a, b] = T.function([x, w], [jx, jw])(xs, ws);
  const e = xs.map((xi, i) => Math.exp(xi * ws[i]));
  T.testing.assertAllClose(a, xs.map((_, i) => xs.map((_, j) => (i === j ? ws[i] * e[i] : 0))), {
    rtol: 1e-14,
  });
  T.testing.assertAllClose(b, xs.map((_, i) => xs.map((_, j) => (i === j ? xs[i] * e[i] : 0) + 1)), {
    rtol: 1e-14,
  });
  // A scalar expression gives its gradient; a matrix is an error.
  assert.equal(jacobian(T.sum(y), x).ndim, 1);
  assert.throws(() => jacobian(T.outer(x, w), x), T.GradError);
});

Deno.test("hessian() of sum(tanh(A x)) matches differences of the gradient; list of wrt", () => {
  const A = T.dmatrix("A"), x = T.dvector("x"), b = T.dvector("b");
  const cost = T.add(T.sum(T.tanh(T.dot(A, x))), T.sum(T.mul(T.sqr(b), x)));
  const [hx, hb] = hessian(cost, [x, b]);
  const Av = [wave(3, 1), wave(3, 2), wave(3, 3)], xv = wave(3, 4), bv = wave(3, 5);
  const [H, Hb] = T.function([A, x, b], [hx, hb])(Av, xv, bv);
  const g = T.function([A, x, b], T.grad(cost, x));
  const eps = 1e-6;
  const numeric = xv.map((_, j) => {
    const up = g(Av, xv.map((v, k) => v + (k === j ? eps : 0)), bv).toArray() as number[];
    const down = g(Av, xv.map((v, k) => v - (k === j ? eps : 0)), bv).toArray() as number[];
    return up.map((u, i) => (u - down[i]) / (2 * eps));
  });
  T.testing.assertAllClose(H, numeric, { rtol: 1e-6, atol: 1e-8 });
  // d²/db² of sum(b² x) is diag(2 x).
  T.testing.assertAllClose(Hb, xv.map((xi, i) => xv.map((_, j) => (i === j ? 2 * xi : 0))), { rtol: 1e-14 });
  assert.throws(() => hessian(T.sum(A), A), T.GradError);
});

Deno.test("jacobian() through a scan (an RNN's last state against its initial state) matches finite differences", () => {
  const W = T.dmatrix("W"), x = T.dmatrix("x"), h0 = T.dvector("h0");
  const [h] = scan({
    fn: (xt: V, h: V, W: V) => T.tanh(T.add(T.dot(W, h), xt)),
    sequences: x,
    outputsInfo: h0,
    nonSequences: W,
  });
  const last = h.get(-1);
  const Wv = [wave(3, 1), wave(3, 2), wave(3, 3)], xv = [wave(3, 4), wave(3, 5)], hv = wave(3, 6);
  const J = T.function([W, x, h0], jacobian(last, h0))(Wv, xv, hv);
  const g = T.function([W, x, h0], last);
  const eps = 1e-6;
  const cols = hv.map((_, j) => {
    const up = g(Wv, xv, hv.map((v, k) => v + (k === j ? eps : 0))).toArray() as number[];
    const down = g(Wv, xv, hv.map((v, k) => v - (k === j ? eps : 0))).toArray() as number[];
    return up.map((u, i) => (u - down[i]) / (2 * eps));
  });
  T.testing.assertAllClose(J, hv.map((_, i) => cols.map((c) => c[i])), { rtol: 1e-6, atol: 1e-9 });
});
