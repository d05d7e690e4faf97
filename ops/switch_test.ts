import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, randomPoints } from "../tests/elemwise_ref.ts";
import { switchOp } from "./switch.ts";

const pick = (c: number, a: number, b: number) => (c !== 0 ? a : b); // NaN counts as true, as in NumPy

Deno.test("switch() picks a where cond is nonzero (NaN included, ±0 false) and b elsewhere", () => {
  const n = EDGE.length;
  const a = randomPoints(n, 10, 51), b = randomPoints(n, 10, 52);
  for (const cd of ["float64", "float32", "int32", "bool"] as const) {
    const cond = cd === "bool"
      ? EDGE.map((_, i) => i % 2)
      : cd === "int32"
      ? EDGE.map((_, i) => (i % 3) - 1)
      : [...EDGE];
    for (const d of ["float64", "float32"] as const) {
      checkElemwise(T.switch, pick, [cd, d, d], [cond, a, b], { outDtype: d });
    }
  }
  // NaN and infinities in the branches pass through untouched.
  checkElemwise(T.switch, pick, ["bool", "float64", "float64"], [[1, 0, 1, 0], [NaN, 1, -Infinity, 2], [
    3,
    NaN,
    4,
    Infinity,
  ]]);
});

Deno.test("switch() output dtype is that of a and b promoted together; cond does not count", () => {
  const c64 = T.dvector("c"), cb = new T.TensorType("bool", [null]).make("cb");
  assert.equal(T.switch(c64, T.fvector("a"), T.fvector("b")).dtype, "float32");
  assert.equal(T.switch(cb, T.ivector("a"), 1.5).dtype, "float64");
  assert.equal(T.switch(cb, T.fvector("a"), 0).dtype, "float32");
  assert.equal(T.switch(c64, T.ivector("a"), T.ivector("b")).dtype, "int32");
  checkElemwise(T.switch, pick, ["float64", "int8", "uint8"], [[1, 0, 2, 0], [-128, 1, 127, 2], [
    3,
    255,
    4,
    200,
  ]], {
    outDtype: "int16",
  });
  checkElemwise(
    T.switch,
    pick,
    ["int32", "int32", "float32"],
    [[1, 0, 5], [16777217, 1, -3], [0.5, 2.5, 1]],
    {
      outDtype: "float64",
    },
  );
  checkElemwise(T.switch, pick, ["uint8", "bool", "bool"], [[1, 0, 9, 0], [1, 1, 0, 0], [0, 0, 1, 1]], {
    outDtype: "bool",
  });
});

Deno.test("switch() broadcasts cond, a and b (scalar cond, row against matrix, bare numbers)", () => {
  const m = T.dmatrix("m"), r = T.drow("r"), s = T.iscalar("s");
  const f = T.function([m, r, s], [T.switch(T.gt(m, 0), m, r), T.switch(s, m, -1), T.switch(r, 1, 0)]);
  const mv = [[1, -2, 3], [-4, 5, -6]], rv = [[10, 20, 0]];
  const [a, b, c] = f(mv, rv, 0) as T.NDArray[];
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(Array.from(a.data), [1, 20, 3, 10, 5, 0]);
  assert.deepEqual(Array.from(b.data), [-1, -1, -1, -1, -1, -1]);
  assert.deepEqual(c.shape, [1, 3]);
  assert.deepEqual(Array.from(c.data), [1, 1, 0]);
});

Deno.test("switch() gradient flows to a where cond holds, to b elsewhere, none to cond", () => {
  const c = T.dvector("c"), a = T.dvector("a"), b = T.dvector("b");
  const y = T.switch(c, T.mul(a, 3), T.sqr(b));
  const [ga, gb] = T.function([c, a, b], T.grad(T.sum(y), [a, b]))([1, 0, NaN, -0], [1, 2, 3, 4], [
    5,
    6,
    7,
    8,
  ]) as T.NDArray[];
  assert.deepEqual(Array.from(ga.data), [3, 0, 3, 0]);
  assert.deepEqual(Array.from(gb.data), [0, 12, 0, 16]);
  const gc = T.grad(T.sum(y), c); // the condition gets a zero gradient
  assert.deepEqual(Array.from((T.function([c], gc)([1, 0]) as T.NDArray).data), [0, 0]);
});

Deno.test("switch() gradients check numerically in float64 and float32", () => {
  const cond = T.constant([1, 0, 1, 0, 0]);
  const fn = (a: T.Variable, b: T.Variable) => T.switch(cond, T.sin(a), T.mul(b, b));
  const pts = [[0.3, -1.2, 0.9, 2.1, -0.5], [1.0, -2.0, 0.1, 2.6, 0.4]];
  T.verifyGrad(fn, pts);
  T.verifyGrad(fn, pts, F32_GRAD);
  // relu written with switch, away from the kink.
  T.verifyGrad((x) => T.switch(T.gt(x, 0), x, 0), [[0.5, -1, 2, -0.3]]);
});

Deno.test("where is the same function as switch", () => {
  assert.equal(T.where, T.switch);
  const x = T.dvector("x");
  const f = T.function([x], T.where(T.lt(x, 0), T.neg(x), x));
  assert.deepEqual(Array.from((f([-2, 3, -0.5]) as T.NDArray).data), [2, 3, 0.5]);
});

Deno.test("switch() with a constant condition or equal branches simplifies to one branch", () => {
  const a = T.dvector("a"), b = T.dvector("b");
  const m = T.dmatrix("m");
  assert.equal(
    T.pp(
      T.function([m, b], T.switch(T.constant([[3]], { dtype: "int8" }), m, b), { onUnusedInput: "ignore" }),
    ),
    "m",
  );
  assert.equal(T.pp(T.function([a], T.switch(T.constant(0), T.exp(a), a))), "a");
  assert.equal(T.pp(T.function([a, b], T.switch(b, a, a), { onUnusedInput: "ignore" })), "a");
  // A condition that mixes true and false stays a switch.
  assert.match(T.pp(T.function([a, b], T.switch(T.constant([1, 0, 1]), a, b))), /switch/);
});

Deno.test("switch() rejects branches whose shapes cannot broadcast", () => {
  const a = new T.TensorType("float64", [3]).make("a"), b = new T.TensorType("float64", [4]).make("b");
  assert.throws(
    () => T.switch(1, a, b),
    (e: Error) => e instanceof T.HypatiaTypeError && /switch/.test(e.message),
  );
});

Deno.test("switch() lowers to WGSL select with bool(cond) and branch conversions", () => {
  assert.equal(
    switchOp.scalar!.wgsl!(["c", "a", "b"], "float32", "float32"),
    "select(f32(b), f32(a), bool(c))",
  );
  assert.equal(switchOp.scalar!.wgsl!(["c", "a", "b"], "bool", "bool"), "select(u32(b), u32(a), bool(c))");
  assert.equal(switchOp.scalar!.wgsl!(["c", "a", "b"], "float64", "float64"), undefined);
  assert.equal(T.pp(T.switch(T.dvector("c"), 1, 2)), "switch(c, 1, 2)");
});
