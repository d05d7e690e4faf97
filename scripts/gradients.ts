/**
 * Theano's "Derivatives" tutorial end to end: grad and its printed forms, the
 * logistic's derivative, Jacobian and Hessian with scan, R-op and L-op.
 * Run: `deno run scripts/gradients.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { usage } from "./lib/usage.ts";

const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" } } });
if (values.help) {
  console.log(
    `${usage("scripts/gradients.ts")}\n\nRuns the Theano derivatives tutorial and prints its results.`,
  );
} else main();

function main() {
  // d(x^2)/dx, unoptimised and optimised
  const x = T.dscalar("x");
  const y = T.pow(x, 2);
  const gy = T.grad(y, x);
  console.log(`pp(gy) = ${T.pp(gy)}`);
  const f = T.function([x], gy);
  console.log(`pp(f) = ${T.pp(f)}`);
  console.log(`f(4) = ${f(4)}`);
  console.log(`f(94.2) = ${f(94.2)}\n`);

  // The derivative of the logistic function
  const m = T.dmatrix("x");
  const s = T.sum(T.div(1, T.add(1, T.exp(T.neg(m)))));
  const gs = T.grad(s, m);
  const dlogistic = T.function([m], gs);
  console.log(`dlogistic([[0, 1], [-1, -2]]) =\n${dlogistic([[0, 1], [-1, -2]])}\n`);

  // The Jacobian, by hand with scan, then with jacobian()
  const v = T.dvector("x");
  const yv = T.pow(v, 2);
  const [J] = T.scan({
    fn: (i: T.Variable, yy: T.Variable, xx: T.Variable) => T.grad(T.get(yy, i), xx),
    sequences: T.arange(yv.shape.get(0)),
    nonSequences: [yv, v],
  });
  const fJ = T.function([v], J as T.Variable);
  console.log(`Jacobian of x ** 2 at [4, 4] (scan) =\n${fJ([4, 4])}`);
  console.log(`Jacobian of x ** 2 at [4, 4] (jacobian) =\n${T.function([v], T.jacobian(yv, v))([4, 4])}\n`);

  // The Hessian of sum(x ** 2)
  const cost = T.sum(T.pow(v, 2));
  console.log(`Hessian of sum(x ** 2) at [4, 4] =\n${T.function([v], T.hessian(cost, v))([4, 4])}\n`);

  // R-operator and L-operator
  const W = T.dmatrix("W"), V = T.dmatrix("V");
  const xw = T.dvector("x");
  const yw = T.dot(xw, W);
  const JV = T.Rop(yw, W, V);
  // JV = dot(x, V) does not read W: say so, as Theano would need on_unused_input too.
  const fR = T.function([W, V, xw], JV, { onUnusedInput: "ignore" });
  console.log(`Rop(dot(x, W), W, V) = ${fR([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1])}`);
  const vv = T.dvector("v");
  const VJ = T.Lop(yw, W, vv);
  const fL = T.function([vv, xw], VJ);
  console.log(`Lop(dot(x, W), W, v) =\n${fL([2, 2], [0, 1])}\n`);

  // Hessian times a vector, two ways
  const gyv = T.grad(T.sum(T.pow(v, 2)), v);
  const hv1 = T.grad(T.sum(T.mul(gyv, vv)), v);
  const hv2 = T.Rop(gyv, v, vv);
  console.log(`Hv via grad = ${T.function([v, vv], hv1)([4, 4], [2, 2])}`);
  console.log(`Hv via Rop = ${T.function([v, vv], hv2)([4, 4], [2, 2])}`);
}
