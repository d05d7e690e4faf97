import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { toposort } from "../core/walk.ts";

const HELPERS: [string, (x: T.Variable) => T.Variable][] = [
  ["zero_grad", T.zeroGrad],
  ["consider_constant", T.considerConstant],
  ["disconnected_grad", T.disconnectedGrad],
  ["undefined_grad", T.undefinedGrad],
  ["grad_clip", (x) => T.gradClip(x, -1, 1)],
  ["grad_scale", (x) => T.gradScale(x, 3)],
];

const opNames = (f: { maker: T.FunctionMaker }) => toposort([...f.maker.outputs]).map((n) => n.op.name);

Deno.test("gradient helpers: identity forwards, removed by the optimiser, kept unoptimised", () => {
  const x = T.dmatrix("x");
  const value = [[1, -2.5], [NaN, Infinity]];
  for (const [name, helper] of HELPERS) {
    const y = helper(T.exp(x));
    assert.equal(y.owner!.op.name, name);
    assert.ok(y.type.equals(T.exp(x).type));
    const f = T.function([x], y);
    assert.ok(!opNames(f).includes(name), `${name} left in ${opNames(f)}`);
    const slow = T.function([x], y, { mode: "FAST_COMPILE" });
    assert.ok(opNames(slow).includes(name));
    T.testing.assertAllClose(f(value), slow(value));
    T.testing.assertAllClose(slow(value), value.map((r) => r.map(Math.exp)));
  }
  // A helper whose input is a function input returns a copy, never the caller's array.
  const v = T.dvector("v");
  const a = T.asarray([1, 2], { dtype: "float64" });
  const out = T.function([v], T.zeroGrad(v), { mode: "FAST_COMPILE" })(a);
  assert.notEqual(out.data, a.data);
});

Deno.test("zeroGrad and considerConstant: zero gradient, the input stays connected", () => {
  const x = T.dscalar("x");
  for (const helper of [T.zeroGrad, T.considerConstant]) {
    // cost = c·x with c = x² held fixed: d/dx = c = x².
    const g = T.grad(T.mul(helper(T.sqr(x)), x), x);
    assert.equal(T.function([x], g)(3).item(), 9);
    // Only through the helper: zeros, not a disconnected error.
    const only = T.grad(helper(T.sqr(x)), x);
    assert.equal(T.function([x], only, { onUnusedInput: "ignore" })(3).item(), 0);
  }
  // The same as grad's considerConstant option.
  const y = T.sqr(x);
  const byOption = T.grad(T.mul(y, x), x, { considerConstant: [y] });
  const byFunction = T.grad(T.mul(T.considerConstant(y), x), x);
  const f = T.function([x], [byOption, byFunction]);
  assert.deepEqual(f(1.5).map((v) => v.item()), [2.25, 2.25]);
});

Deno.test("disconnectedGrad: disconnected as grad's disconnectedInputs says", () => {
  const [x, w] = T.dscalars("x", "w");
  const cost = T.mul(T.disconnectedGrad(T.sqr(x)), w);
  assert.throws(
    () => T.grad(cost, x),
    (e: Error) => e instanceof T.GradError && /does not depend on .*"x"/.test(e.message),
  );
  const g = T.grad(cost, [x, w], { disconnectedInputs: "ignore" });
  assert.deepEqual(T.function([x, w], g)(3, 2).map((v) => v.item()), [0, 9]);
  // Connected another way: only that way counts.
  const both = T.add(cost, T.mul(x, 5));
  assert.equal(T.function([x, w], T.grad(both, x), { onUnusedInput: "ignore" })(3, 2).item(), 5);
  // Zero gradient (zeroGrad) and disconnected gradient differ exactly in this.
  assert.doesNotThrow(() => T.grad(T.mul(T.zeroGrad(T.sqr(x)), w), x));
});

Deno.test("undefinedGrad: an error naming the node when its gradient is used, else harmless", () => {
  const [x, y] = T.dscalars("x", "y");
  const cost = T.add(T.undefinedGrad(T.sqr(x)), T.mul(y, 2));
  assert.equal(T.function([x, y], T.grad(cost, y), { onUnusedInput: "ignore" })(1, 2).item(), 2);
  assert.throws(
    () => T.grad(cost, x),
    (e: Error) =>
      e instanceof T.GradError && /undefined_grad/.test(e.message) && /undefined/.test(e.message) &&
      /grad_helpers_test\.ts/.test(e.message),
  );
  assert.throws(
    () => T.Rop(cost, x, 1),
    (e: Error) => e instanceof T.GradError && /undefined/.test(e.message),
  );
  // The forward value is untouched.
  assert.equal(T.function([x, y], cost)(3, 1).item(), 11);
});

Deno.test("gradClip clips the gradient elementwise; gradScale scales it", () => {
  const x = T.dvector("x");
  const k = T.dvector("k");
  // d/dx sum(k · clip_grad(x)) = clip(k, -1, 2).
  const g = T.grad(T.sum(T.mul(T.gradClip(x, -1, 2), k)), x);
  const f = T.function([x, k], g);
  assert.deepEqual(f([0, 0, 0, 0], [-5, 0.5, 1.5, 7]).toArray(), [-1, 0.5, 1.5, 2]);
  const s = T.grad(T.sum(T.sqr(T.gradScale(x, -0.5))), x); // 2x · -0.5
  assert.deepEqual(T.function([x], s)([1, -4]).toArray(), [-1, 4]);
  // Gradients of gradients: the helpers' vjps are graphs.
  const z = T.dscalar("z");
  const u = T.gradScale(z, 2);
  const g1 = T.grad(T.pow(u, 3), z); // 2 · 3u², with u = z: 24 at z = 2
  const g2 = T.grad(g1, z); // g1 still reads u, so the scale applies again: 2 · 2 · 6u = 48
  assert.deepEqual(T.function([z], [g1, g2])(2).map((v) => v.item()), [24, 48]);
});

Deno.test("gradScale by a symbolic scalar (a schedule): the gradient follows it, none flows to it", () => {
  const x = T.dvector("x");
  const lam = T.shared(0.5, { name: "lam", dtype: "float64" });
  const y = T.gradScale(x, T.neg(lam)); // a gradient-reversal layer with a scheduled strength
  assert.equal(y.owner!.inputs.length, 2);
  const g = T.grad(T.sum(T.sqr(y)), x);
  const f = T.function([x], [y, g]);
  const [v, gv] = f([1, -2]);
  assert.deepEqual(v.toArray(), [1, -2]);
  assert.deepEqual(gv.toArray(), [-1, 2]);
  lam.setValue(2);
  assert.deepEqual(f([1, -2])[1].toArray(), [-4, 8]);
  assert.ok(!opNames(f).includes("grad_scale"));
  // A constant multiplier goes to the params, as a number does.
  assert.equal(T.gradScale(x, T.constant(3, { dtype: "float64" })).owner!.inputs.length, 1);
  // The multiplier gets no gradient from it (zero, connected).
  const m = T.dscalar("m");
  const gm = T.grad(T.sum(T.gradScale(x, m)), m);
  assert.equal(T.function([x, m], gm, { onUnusedInput: "ignore" })([1, 2], 3).item(), 0);
});

Deno.test("gradient helpers: verifyGrad sees each documented gradient", () => {
  const x0 = [[0.3, -0.7], [1.2, 0.4]];
  // gradScale(x, m): the gradient of f(x) is m times f's.
  T.verifyGrad((x) => T.div(T.gradScale(T.exp(x), 1), 2), [x0]);
  // Checked the other way: a finite difference sees the identity, so only an
  // identity-gradient combination passes: zeroGrad(x) + (x - zeroGrad(x)) has gradient 1.
  T.verifyGrad((x) => T.mul(T.add(T.zeroGrad(T.sin(x)), T.sub(T.sin(x), T.zeroGrad(T.sin(x)))), x), [x0]);
  // gradClip with bounds wider than the gradient is the identity gradient.
  T.verifyGrad((x) => T.tanh(T.gradClip(T.mul(x, 3), -100, 100)), [x0]);
  // And verifyGrad catches a changed gradient.
  assert.throws(() => T.verifyGrad((x) => T.gradScale(T.exp(x), 2), [x0]), T.GradError);
  assert.throws(() => T.verifyGrad((x) => T.tanh(T.gradClip(T.mul(x, 3), -0.1, 0.1)), [x0]), T.GradError);
});

Deno.test("gradient helpers: Rop and Lop", () => {
  const x = T.dvector("x"), v = T.dvector("v");
  const y = T.mul(T.gradScale(x, 10), 2);
  // Lop is reverse mode: the scale applies. Rop follows Theano's R_op: a ViewOp passes it on.
  const f = T.function([x, v], [T.Lop(y, x, v), T.Rop(y, x, v)]);
  assert.deepEqual(f([1, 2], [1, -1]).map((a) => a.toArray()), [[20, -20], [2, -2]]);
  const c = T.function([x, v], T.Lop(T.mul(T.gradClip(x, 0, 1), 3), x, v));
  assert.deepEqual(c([1, 2], [1, -1]).toArray(), [1, 0]);
  // zeroGrad has a zero tangent; disconnectedGrad none (an error unless ignored).
  const z = T.function([x, v], T.Rop(T.exp(T.zeroGrad(x)), x, v), { onUnusedInput: "ignore" });
  assert.deepEqual(z([1, 2], [1, 1]).toArray(), [0, 0]);
  assert.throws(() => T.Rop(T.exp(T.disconnectedGrad(x)), x, v), T.GradError);
  const d = T.Rop(T.exp(T.disconnectedGrad(x)), x, v, { disconnectedOutputs: "ignore" });
  assert.deepEqual(T.function([x, v], d, { onUnusedInput: "ignore" })([1, 2], [1, 1]).toArray(), [0, 0]);
  assert.throws(() => T.Lop(T.disconnectedGrad(x), x, v), T.GradError);
});

Deno.test("gradient helpers: bad arguments", () => {
  const x = T.dvector("x");
  assert.throws(
    () => T.gradClip(x, 1, -1),
    (e: Error) => e instanceof T.InputError && /lower bound 1/.test(e.message),
  );
  assert.throws(
    () => T.gradClip(x, NaN, 1),
    (e: Error) => e instanceof T.InputError && /lower bound must be a number/.test(e.message),
  );
  assert.throws(
    () => T.gradScale(x, T.dvector("m")),
    (e: Error) =>
      e instanceof T.HypatiaTypeError && /symbolic multiplier must be a numeric scalar/.test(e.message),
  );
  assert.throws(
    () => T.gradScale(x, "2" as never),
    (e: Error) => e instanceof T.InputError && /multiplier must be a number, got "2"/.test(e.message),
  );
});

Deno.test("grad with considerConstant: a constant that is also a wrt gets its own gradient", () => {
  const x = T.dscalar("x");
  const h = T.exp(x);
  const [gh, gx] = T.grad(T.sqr(h), [h, x], { considerConstant: [h], disconnectedInputs: "ignore" });
  const f = T.function([x], [gh, gx]);
  const [a, b] = f(0).map((v) => v.item());
  assert.equal(a, 2); // 2h at h = 1
  assert.equal(b, 0); // the walk stops at h
});
