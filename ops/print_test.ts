import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { toposort } from "../core/walk.ts";

/** The lines `fn` prints through console.log. */
function printed<R>(fn: () => R): [R, string[]] {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  try {
    return [fn(), lines];
  } finally {
    console.log = log;
  }
}

const ops = (f: { maker: T.FunctionMaker }) => toposort([...f.maker.outputs]).map((n) => n.op.name);

Deno.test("Print prints its value (Theano's default __str__) each call, and passes it on", () => {
  const x = T.dvector("x");
  const f = T.function([x], T.mul(T.Print("x =")(x), 2));
  assert.ok(ops(f).includes("Print"), "the optimiser keeps Print");
  const [out, lines] = printed(() => f([1, 2.5, NaN]));
  assert.deepEqual(out.toArray(), [2, 5, NaN]);
  assert.deepEqual(lines, ["x = __str__ = [1.  2.5 nan]"]);
  assert.deepEqual(printed(() => f([0]))[1], ["x = __str__ = [0.]"]);
  // FAST_COMPILE runs it too.
  const g = T.function([x], T.Print("raw")(x), { mode: "FAST_COMPILE" });
  assert.deepEqual(printed(() => g([3]))[1], ["raw __str__ = [3.]"]);
});

Deno.test("Print attrs: shape, dtype, ndim, size, sum, min, max, mean, in order", () => {
  const m = T.imatrix("m");
  const attrs: T.PrintAttr[] = ["shape", "dtype", "ndim", "size", "sum", "min", "max", "mean"];
  const f = T.function([m], T.Print("m", { attrs })(m));
  const [, lines] = printed(() => f([[1, -2, 3], [4, 5, 6]]));
  assert.deepEqual(lines, [
    "m shape = (2, 3)",
    "m dtype = int32",
    "m ndim = 2",
    "m size = 6",
    "m sum = 17",
    "m min = -2",
    "m max = 6",
    "m mean = 2.8333333333333335",
  ]);
  // Empty arrays and vectors' Python-style shapes.
  const v = T.dvector("v");
  const g = T.function([v], T.Print("v", { attrs: ["shape", "sum", "min", "mean", "__str__"] })(v));
  assert.deepEqual(printed(() => g([]))[1], [
    "v shape = (0,)",
    "v sum = 0",
    "v min = (empty)",
    "v mean = nan",
    "v __str__ = []",
  ]);
  assert.deepEqual(printed(() => g([1, NaN]))[1].slice(2, 3), ["v min = NaN"]);
});

Deno.test("Print: identity gradient (not printed), kept through constant folding until run time", () => {
  const x = T.dvector("x");
  const y = T.Print("y", { attrs: ["sum"] })(T.sqr(x));
  const g = T.grad(T.sum(T.sin(y)), x);
  const f = T.function([x], g);
  const [gv, lines] = printed(() => f([0.5, -1]));
  T.testing.assertAllClose(gv, [0.5, -1].map((v) => Math.cos(v * v) * 2 * v));
  assert.deepEqual(lines, ["y sum = 1.25"]); // the forward value, printed once
  const [, during] = printed(() =>
    T.verifyGrad((a) => T.exp(T.Print("vg", { attrs: ["shape"] })(a)), [[0.2, -0.4]])
  );
  assert.ok(during.length > 0 && during.every((l) => l === "vg shape = (2,)"));
  // A Print of a constant is not folded: nothing prints while compiling, it prints per call.
  const [h, atCompile] = printed(() =>
    T.function([], T.Print("c")(T.constant([1, 2], { dtype: "float64" })))
  );
  assert.deepEqual(atCompile, []);
  assert.deepEqual(printed(() => h())[1], ["c __str__ = [1. 2.]"]);
  // Rop passes the tangent through.
  const v = T.dvector("v");
  const r = T.function([x, v], T.Rop(T.mul(T.Print("r", { attrs: [] })(x), 3), x, v));
  assert.deepEqual(r([1, 2], [1, -1]).toArray(), [3, -3]);
});

Deno.test("Print inside a scan body prints at every step", () => {
  const x = T.dvector("x");
  const [cum] = T.scan({
    fn: (xt: T.Variable, acc: T.Variable) => T.add(T.Print("acc", { attrs: ["__str__"] })(acc), xt),
    sequences: x,
    outputsInfo: T.constant(0, { dtype: "float64" }),
  });
  const f = T.function([x], cum);
  const [out, lines] = printed(() => f([1, 2, 3]));
  assert.deepEqual(out.toArray(), [1, 3, 6]);
  assert.deepEqual(lines, ["acc __str__ = 0.0", "acc __str__ = 1.0", "acc __str__ = 3.0"]);
});

Deno.test("Print: bad arguments", () => {
  assert.throws(
    () => T.Print("m", { attrs: ["shape", "norm" as T.PrintAttr] }),
    (e: Error) =>
      e instanceof T.InputError && /unknown attribute "norm"; choose from __str__, shape/.test(e.message),
  );
  assert.throws(
    () => T.Print("m", { atrs: ["shape"] } as never),
    (e: Error) => e instanceof T.InputError && /unknown option "atrs"; did you mean "attrs"/.test(e.message),
  );
  assert.throws(
    () => T.Print(3 as never),
    (e: Error) => e instanceof T.InputError && /message must be a string, got 3/.test(e.message),
  );
});
