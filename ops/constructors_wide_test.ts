import assert from "node:assert/strict";
import * as T from "../mod.ts";

const PREFIX = { d: "float64", f: "float32", i: "int32", l: "int64", b: "int8", w: "int16" } as const;
const Ns = T as unknown as Record<string, (...a: unknown[]) => T.Variable & T.Variable[]>;

Deno.test("tensor5..tensor7 exist with every prefix, in their rank and dtype, with plurals", () => {
  for (const r of [5, 6, 7]) {
    const x = Ns[`tensor${r}`]("x");
    assert.equal(x.ndim, r);
    assert.equal(x.dtype, T.config.floatX);
    assert.ok(x.broadcastable.every((b) => !b));
    for (const [p, dtype] of Object.entries(PREFIX)) {
      const v = Ns[`${p}tensor${r}`]("v");
      assert.equal(v.ndim, r, `${p}tensor${r}`);
      assert.equal(v.dtype, dtype, `${p}tensor${r}`);
      const [a, b] = Ns[`${p}tensor${r}s`]("a", "b") as T.Variable[];
      assert.equal(a.dtype, dtype);
      assert.equal(b.name, "b");
    }
  }
});

Deno.test("the w family makes int16 variables of Theano's ranks and patterns", () => {
  const expect: Record<string, boolean[]> = {
    scalar: [],
    vector: [false],
    row: [true, false],
    col: [false, true],
    matrix: [false, false],
    tensor3: [false, false, false],
    tensor4: [false, false, false, false],
  };
  for (const [k, pattern] of Object.entries(expect)) {
    const v = Ns[`w${k}`]("v");
    assert.equal(v.dtype, "int16");
    assert.deepEqual(v.broadcastable, pattern, `w${k}`);
  }
  assert.equal(T.wmatrices("a", "b", "c").length, 3);
  // A function of an int16 matrix keeps int16 values and refuses what does not fit.
  const m = T.wmatrix("m");
  const f = T.function([m], m.mul(2));
  assert.equal(f([[1, 2]]).dtype, "int16");
  assert.throws(() => f([[40000]]), (e: Error) => e instanceof T.InputError && /int16/.test(e.message));
});

Deno.test("a prefixed wide constructor refuses another dtype, naming it", () => {
  assert.throws(
    () => T.wtensor5("x", "float32"),
    (e: Error) => e instanceof T.InputError && /wtensor5 makes int16 variables, not float32/.test(e.message),
  );
  assert.equal(T.tensor6("x", "int8").dtype, "int8");
  assert.throws(() => T.dtensor7(3 as unknown as string), T.InputError);
});
