import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";
import { andOp, eqOp, invertOp, ltOp, orOp, xorOp } from "./compare.ts";

function pairs(points: readonly number[]): [number[], number[]] {
  const a: number[] = [], b: number[] = [];
  for (const p of points) for (const q of points) a.push(p), b.push(q);
  return [a, b];
}

const CMP: [string, (a: T.Variable, b: T.Variable) => T.Variable, (a: number, b: number) => boolean][] = [
  ["eq", T.eq, (a, b) => a === b],
  ["neq", T.neq, (a, b) => a !== b],
  ["lt", T.lt, (a, b) => a < b],
  ["le", T.le, (a, b) => a <= b],
  ["gt", T.gt, (a, b) => a > b],
  ["ge", T.ge, (a, b) => a >= b],
];
const vec = (dtype: T.DType, name = "x") => new T.TensorType(dtype, [null]).make(name);

for (const [name, fn, rel] of CMP) {
  Deno.test(`${name}() gives bool and matches JS comparison (NaN, ±0, ±inf) in every dtype`, () => {
    const ref = (a: number, b: number) => (rel(a, b) ? 1 : 0);
    const floats = pairs([...EDGE.filter((_, i) => i % 2 === 0), ...randomPoints(5, 3, 41), 0.1, -0]);
    for (const d of ["float64", "float32"] as const) {
      checkElemwise(fn, ref, [d, d], floats, { outDtype: "bool" });
    }
    for (const d of ["int64", "int32", "int16", "int8", "uint8", "bool"] as const) {
      checkElemwise(fn, ref, [d, d], pairs(fitting([...INT_EDGE, 0, 1], d)), { outDtype: "bool" });
    }
    // Mixed dtypes compare by value.
    checkElemwise(fn, ref, ["int8", "float64"], [[-128, 3, 2, 0], [-128, 2.5, 2, -0]], { outDtype: "bool" });
    checkElemwise(fn, ref, ["uint8", "int32"], [[255, 0, 7], [-1, 0, 8]], { outDtype: "bool" });
  });
}

Deno.test("eq() of a float32 tensor with a bare number compares in float32, as NumPy does", () => {
  const x = vec("float32");
  const f = T.function([x], [T.eq(x, 0.1), T.lt(x, 0.1), x.eq(1 / 3)]);
  const [e, l, t] = f(T.asarray([0.1, 0.2, 1 / 3], { dtype: "float32" })) as T.NDArray[];
  // np.float32(0.1) == 0.1 is True under NumPy 2's promotion rules (NEP 50).
  assert.deepEqual(Array.from(e.data), [1, 0, 0]);
  assert.deepEqual(Array.from(l.data), [0, 0, 0]);
  assert.deepEqual(Array.from(t.data), [0, 0, 1]);
});

Deno.test("and() or() xor() not() on bools are logical and give bool (full truth tables)", () => {
  const cols: [number[], number[]] = [[0, 0, 1, 1], [0, 1, 0, 1]];
  checkElemwise(T.and, (a, b) => (a && b ? 1 : 0), ["bool", "bool"], cols, { outDtype: "bool" });
  checkElemwise(T.or, (a, b) => (a || b ? 1 : 0), ["bool", "bool"], cols, { outDtype: "bool" });
  checkElemwise(T.xor, (a, b) => (a !== b ? 1 : 0), ["bool", "bool"], cols, { outDtype: "bool" });
  checkElemwise(T.not, (a) => (a ? 0 : 1), ["bool"], [[0, 1]], { outDtype: "bool" });
  const x = T.dvector("x");
  const f = T.function([x], T.and(T.gt(x, 0), T.not(T.gt(x, 2))));
  assert.deepEqual(Array.from((f([-1, 1, 2, 3]) as T.NDArray).data), [0, 1, 1, 0]);
});

Deno.test("and() or() xor() not() on integers are bitwise, like NumPy's & | ^ ~", () => {
  const big = (op: (a: bigint, b: bigint) => bigint) => (a: number, b: number) =>
    Number(op(BigInt(a), BigInt(b)));
  const ops: [typeof T.and, (a: number, b: number) => number][] = [
    [T.and, big((a, b) => a & b)],
    [T.or, big((a, b) => a | b)],
    [T.xor, big((a, b) => a ^ b)],
  ];
  for (const d of ["int32", "int16", "int8", "uint8"] as const) {
    const cols = pairs(fitting(INT_EDGE, d));
    for (const [fn, ref] of ops) checkElemwise(fn, ref, [d, d], cols, { outDtype: d });
    checkElemwise(T.not, (a) => (d === "uint8" ? 255 - a : Number(~BigInt(a))), [d], [fitting(INT_EDGE, d)], {
      outDtype: d,
    });
  }
  // int64 beyond 32 bits (stored as doubles): exact as long as the values are below 2^53.
  const wide = [...INT_EDGE, 2 ** 40 + 5, -(2 ** 45) - 3, 2 ** 52 + 1, -(2 ** 31) - 1, 2 ** 32];
  for (const [fn, ref] of ops) checkElemwise(fn, ref, ["int64", "int64"], pairs(wide), { outDtype: "int64" });
  checkElemwise(T.not, (a) => Number(~BigInt(a)), ["int64"], [wide], { outDtype: "int64" });
  // bool with int promotes to the int; int8 with uint8 to int16.
  checkElemwise(T.and, (a, b) => a & b, ["bool", "int32"], [[1, 1, 0], [7, 6, 5]], { outDtype: "int32" });
  checkElemwise(T.or, (a, b) => a | b, ["int8", "uint8"], [[-128, -1, 3], [255, 1, 4]], {
    outDtype: "int16",
  });
});

Deno.test("and() or() xor() not() reject float inputs with a HypatiaTypeError naming the op", () => {
  const x = T.dvector("x"), i = T.ivector("i");
  for (
    const [name, build] of [
      ["and", () => T.and(x, i)],
      ["or", () => T.or(i, T.fvector("f"))],
      ["xor", () => T.xor(x, x)],
      ["invert", () => T.not(x)],
      ["and", () => T.and(i, 0.5)],
    ] as const
  ) {
    assert.throws(build, (e: Error) => e instanceof T.HypatiaTypeError && e.message.includes(name), name);
  }
});

Deno.test("comparisons and logic broadcast and take bare numbers", () => {
  const m = T.imatrix("m"), r = new T.TensorType("int32", [1, null]).make("r");
  const f = T.function([m, r], [T.ge(m, r), T.and(m, 1), T.eq(3, m)]);
  const [ge, odd, three] = f([[1, 2, 3], [4, 5, 6]], [[2, 2, 2]]) as T.NDArray[];
  assert.deepEqual(ge.shape, [2, 3]);
  assert.deepEqual(Array.from(ge.data), [0, 1, 1, 1, 1, 1]);
  assert.equal(odd.dtype, "int32");
  assert.deepEqual(Array.from(odd.data), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(three.data), [0, 0, 1, 0, 0, 0]);
});

Deno.test("comparisons and logic have a zero gradient, as in Theano", () => {
  const x = T.dvector("x");
  assert.ok(eqOp.notDifferentiable && ltOp.notDifferentiable && andOp.notDifferentiable);
  const cost = T.sum(T.switch(T.gt(x, 0), 2.5, 3.5));
  const g = T.grad(cost, x);
  assert.deepEqual(Array.from((T.function([x], g)([1, -1]) as T.NDArray).data), [0, 0]);
});

Deno.test("x.eq() x.neq() x.lt() x.le() x.gt() x.ge() x.and() x.or() x.not() methods equal the functions", () => {
  const x = T.ivector("x"), y = T.ivector("y");
  const xv = [1, 2, 3, -4, 0], yv = [1, 3, 2, -4, 5];
  const a = T.function([x, y], [
    x.eq(y),
    x.neq(y),
    x.lt(y),
    x.le(y),
    x.gt(0),
    x.ge(y),
    x.and(y),
    x.or(y),
    x.not(),
  ])(
    xv,
    yv,
  ) as T.NDArray[];
  const b = T.function([x, y], [
    T.eq(x, y),
    T.neq(x, y),
    T.lt(x, y),
    T.le(x, y),
    T.gt(x, 0),
    T.ge(x, y),
    T.and(x, y),
    T.or(x, y),
    T.not(x),
  ])(xv, yv) as T.NDArray[];
  a.forEach((v, i) => {
    assert.equal(v.dtype, b[i].dtype);
    assert.deepEqual(Array.from(v.data), Array.from(b[i].data));
  });
});

Deno.test("comparisons and logic print infix in pp", () => {
  const x = T.dvector("x"), i = T.ivector("i");
  assert.equal(T.pp(T.lt(x, 1)), "(x < 1)");
  assert.equal(T.pp(T.not(T.and(i, 3))), "~(i & 3)");
  assert.equal(T.pp(T.neq(x, x)), "(x != x)");
});

Deno.test("comparisons and logic lower to WGSL u32 0/1 results; not of bool and uint8 stays in range", () => {
  assert.equal(ltOp.scalar!.wgsl!(["a", "b"], "float32", "bool"), "select(0u, 1u, a < b)");
  assert.equal(eqOp.scalar!.wgsl!(["a", "b"], "float64", "bool"), undefined);
  assert.equal(andOp.scalar!.wgsl!(["a", "b"], "bool", "bool"), "(a & b)");
  assert.equal(orOp.scalar!.wgsl!(["a", "b"], "int32", "int32"), "(a | b)");
  assert.equal(xorOp.scalar!.wgsl!(["a", "b"], "int64", "int64"), undefined);
  assert.equal(invertOp.scalar!.wgsl!(["a"], "bool", "bool"), "(1u - a)");
  assert.equal(invertOp.scalar!.wgsl!(["a"], "uint8", "uint8"), "(255u - a)");
  assert.equal(invertOp.scalar!.wgsl!(["a"], "int8", "int8"), "(~a)");
});
