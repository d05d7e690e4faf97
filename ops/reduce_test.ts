import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { groupsOf, scatterGroups } from "./reduce.ts";

/** Every subset of [0, n) (as sorted lists). */
function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((k) => mask & (1 << k)));
  return out;
}

/** Reference reduction by plain loops: the values of each output cell, in C order, folded by f. */
function refReduce(
  x: T.NDArray,
  axes: number[],
  keepdims: boolean,
  f: (vals: number[]) => number,
): T.NDArray {
  const shape = x.shape;
  const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const keptStrides = kept.map((_, k) => kept.slice(k + 1).reduce((a, d) => a * shape[d], 1));
  const nOut = kept.reduce((a, d) => a * shape[d], 1);
  const cells: number[][] = Array.from({ length: nOut }, () => []);
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < x.size; i++) {
    cells[kept.reduce((o, d, k) => o + idx[d] * keptStrides[k], 0)].push(x.data[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return T.asarray(cells.map(f)).reshape(outShape);
}

function randomArray(shape: number[], seed: number, dtype: T.DType = "float64"): T.NDArray {
  const rng = T.seededRandom(seed);
  const a = new T.NDArray(dtype, shape);
  const isFloat = dtype === "float64" || dtype === "float32";
  for (let i = 0; i < a.size; i++) {
    a.data[i] = dtype === "bool"
      ? (rng() < 0.5 ? 1 : 0)
      : isFloat
      ? rng() * 4 - 2
      : Math.floor(rng() * 21) - 10;
  }
  return a;
}

const jsSum = (v: number[]) => v.reduce((a, b) => a + b, 0);

Deno.test("sum() matches a JS loop for every axis combination of a 3-d input, keepdims or not", () => {
  const x = T.dtensor3("x");
  const v = randomArray([2, 3, 4], 1);
  for (const axes of subsets(3)) {
    for (const keepdims of [false, true]) {
      const f = T.function([x], T.sum(x, axes, { keepdims }));
      const out = f(v) as T.NDArray;
      const ref = refReduce(v, axes, keepdims, jsSum);
      assert.deepEqual([...out.shape], ref.shape, `axes ${axes} keepdims ${keepdims}`);
      T.testing.assertAllClose(out, T.asarray(ref.data).reshape(ref.shape), {
        message: `sum axes [${axes}] keepdims ${keepdims}`,
      });
    }
  }
});

Deno.test("sum() with no axis, null, negative and unsorted axes", () => {
  const x = T.dtensor3("x");
  const v = randomArray([3, 2, 5], 2);
  const f = T.function([x], [T.sum(x), T.sum(x, null), T.sum(x, -1), T.sum(x, [2, 0]), T.sum(x, [-3, -1])]);
  const [all, allNull, last, a20, am3m1] = f(v) as T.NDArray[];
  assert.ok(Math.abs(all.item() - jsSum([...v.data])) < 1e-12);
  assert.equal(allNull.item(), all.item());
  T.testing.assertAllClose(last, T.asarray(refReduce(v, [2], false, jsSum).data).reshape([3, 2]));
  T.testing.assertAllClose(a20, T.asarray(refReduce(v, [0, 2], false, jsSum).data));
  T.testing.assertAllClose(am3m1, a20);
});

Deno.test("sum() over a 4-d input with interleaved axes (the gathered layout)", () => {
  const x = new T.TensorType("float64", [null, null, null, null]).make("x");
  const v = randomArray([3, 1, 5, 2], 3);
  for (const axes of [[0, 2], [1, 3], [0, 3], [0, 1, 3], [1, 2]]) {
    const out = T.function([x], T.sum(x, axes))(v) as T.NDArray;
    const ref = refReduce(v, axes, false, jsSum);
    T.testing.assertAllClose(out, T.asarray(ref.data).reshape(ref.shape), { message: `axes ${axes}` });
  }
});

Deno.test("groupsOf() and scatterGroups() lay each group out contiguously in C order of the reduced axes", () => {
  const v = T.asarray([[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, 11]]]);
  // Reducing axes 0 and 2 of shape (2, 3, 2): group j (axis 1) holds x[i, j, k] for i, k in C order.
  const g = groupsOf(v, [0, 2]);
  assert.equal(g.outSize, 3);
  assert.equal(g.m, 4);
  assert.deepEqual([...g.data], [0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
  // scatterGroups puts group-major values back in C order.
  const back = new Float64Array(12);
  scatterGroups(g.data as Float64Array, g, back);
  assert.deepEqual([...back], [...v.data]);
  // Trailing axes: the input's own data, no copy.
  assert.equal(groupsOf(v, [1, 2]).data, v.data);
});

Deno.test("sum() dtypes follow NumPy: small ints and bool give int64, floats keep theirs", () => {
  const cases: [T.DType, T.DType][] = [
    ["float64", "float64"],
    ["float32", "float32"],
    ["int32", "int64"],
    ["int16", "int64"],
    ["int8", "int64"],
    ["uint8", "int64"],
    ["bool", "int64"],
    ["int64", "int64"],
  ];
  for (const [input, expected] of cases) {
    const x = new T.TensorType(input, [null, null]).make("x");
    const s = T.sum(x, 0);
    assert.equal(s.dtype, expected, `sum of ${input}`);
    const v = randomArray([4, 3], 5, input);
    const out = T.function([x], s)(v) as T.NDArray;
    assert.equal(out.dtype, expected);
    // float32 results are the float64 sums rounded once.
    const round = input === "float32" ? Math.fround : (a: number) => a;
    assert.deepEqual([...out.data], [...refReduce(v, [0], false, jsSum).data].map(round), `sum of ${input}`);
  }
});

Deno.test("sum() of int8 values does not wrap (accumulates in int64, as NumPy)", () => {
  const x = new T.TensorType("int8", [null]).make("x");
  const out = T.function([x], T.sum(x))(T.asarray([100, 100, 100], { dtype: "int8" })) as T.NDArray;
  assert.equal(out.item(), 300);
});

Deno.test("sum() over a zero-length axis is 0", () => {
  const x = T.dmatrix("x");
  const out = T.function([x], [T.sum(x, 1), T.sum(x, 0)])(new T.NDArray("float64", [2, 0])) as T.NDArray[];
  assert.deepEqual(out[0].toArray(), [0, 0]);
  assert.deepEqual([...out[1].shape], [0]);
});

Deno.test("sum() gradient: verifyGrad in float64 and float32 for several axes", () => {
  const v = randomArray([2, 3, 4], 7);
  for (const axes of [null, [0], [1], [2], [0, 2], [1, 2]]) {
    T.verifyGrad((x) => T.sum(x, axes), [v]);
    T.verifyGrad((x) => T.sum(x, axes, { keepdims: true }), [v]);
    T.verifyGrad((x) => T.sum(x, axes), [v.astype("float32")], { eps: 1e-2, rtol: 5e-2, atol: 5e-2 });
  }
});

Deno.test("sum() gradient is ones broadcast to the input's shape", () => {
  const x = T.dmatrix("x");
  const g = T.function([x], T.grad(T.sum(T.sum(x, 1)), x))([[1, 2, 3], [4, 5, 6]]) as T.NDArray;
  assert.deepEqual(g.toArray(), [[1, 1, 1], [1, 1, 1]]);
});

Deno.test("sum() rejects an axis out of range or repeated with a HypatiaTypeError naming sum", () => {
  const x = T.dmatrix("x");
  assert.throws(() => T.sum(x, 2), (e: Error) => e instanceof T.HypatiaTypeError && /sum/.test(e.message));
  assert.throws(() => T.sum(x, -3), T.HypatiaTypeError);
  assert.throws(
    () => T.sum(x, [0, 0]),
    (e: Error) => e instanceof T.HypatiaTypeError && /repeated/.test(e.message),
  );
  assert.throws(() => T.sum(x, 0.5), T.HypatiaTypeError);
});

Deno.test("sum() as a method: x.sum(), x.sum(1), x.sum(0, { keepdims: true })", () => {
  const x = T.dmatrix("x");
  const f = T.function([x], [x.sum(), x.sum(1), x.sum(0, { keepdims: true })]);
  const [a, b, c] = f([[1, 2], [3, 4]]) as T.NDArray[];
  assert.equal(a.item(), 10);
  assert.deepEqual(b.toArray(), [3, 7]);
  assert.deepEqual(c.toArray(), [[4, 6]]);
});

/** Seeded values: `draw(u)` of uniform u in [0, 1). */
function drawArray(shape: number[], seed: number, draw: (u: number) => number): T.NDArray {
  const rng = T.seededRandom(seed);
  const a = new T.NDArray("float64", shape);
  for (let i = 0; i < a.size; i++) a.data[i] = draw(rng());
  return a;
}

/** Distinct values 0.25 apart in a seeded random order (safe for finite differences of max). */
function distinct(shape: number[], seed: number): T.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = [...Array(n).keys()].map((k) => k * 0.25 - n / 8);
  const rng = T.seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [vals[i], vals[j]] = [vals[j], vals[i]];
  }
  return T.asarray(vals).reshape(shape);
}

const jsMean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const jsVar = (v: number[]) => jsMean(v.map((a) => (a - jsMean(v)) ** 2));
const firstIndex = (better: (a: number, b: number) => boolean) => (v: number[]) =>
  v.reduce((best, a, i) => (better(a, v[best]) ? i : best), 0);

type Reducer = (x: T.Variable, axis?: T.Axis, o?: { keepdims?: boolean }) => T.Variable;
const CASES: [string, Reducer, (v: number[]) => number][] = [
  ["mean", T.mean, jsMean],
  ["prod", T.prod, (v) => v.reduce((a, b) => a * b, 1)],
  ["max", T.max, (v) => Math.max(...v)],
  ["min", T.min, (v) => Math.min(...v)],
  ["argmax", T.argmax, firstIndex((a, b) => a > b)],
  ["argmin", T.argmin, firstIndex((a, b) => a < b)],
  ["any", T.any, (v) => (v.some((a) => a !== 0) ? 1 : 0)],
  ["all", T.all, (v) => (v.every((a) => a !== 0) ? 1 : 0)],
  ["var", T.var, jsVar],
  ["std", T.std, (v) => Math.sqrt(jsVar(v))],
];

Deno.test("mean prod max min argmax argmin any all var std match JS loops for every axis set of a 3-d input", () => {
  const x = T.dtensor3("x");
  // Values with zeros and ties, so any/all and argmax/argmin meet both outcomes.
  const v = drawArray([2, 3, 4], 11, (r) => Math.floor(r * 5) * 0.5 - 0.5);
  for (const [name, op, ref] of CASES) {
    for (const axes of subsets(3)) {
      for (const keepdims of [false, true]) {
        const out = T.function([x], op(x, axes, { keepdims }))(v) as T.NDArray;
        const expected = refReduce(v, axes, keepdims, ref);
        const message = `${name} axes [${axes}] keepdims ${keepdims}`;
        assert.deepEqual([...out.shape], [...expected.shape], message);
        T.testing.assertAllClose(out.astype("float64"), expected, { message });
      }
    }
  }
});

Deno.test("reductions: numbers, null and negative axes, and NumPy reference values for var/std/mean/prod", () => {
  const data = [
    [[0.5, -1.25, 2.0, 0.0], [1.5, 3.0, -0.75, 2.25], [-2.0, 0.25, 1.0, -0.5]],
    [[1.75, -0.25, 0.5, 2.5], [-1.5, 0.75, -3.0, 1.25], [0.0, 2.0, -1.0, 0.125]],
  ];
  const x = T.dtensor3("x");
  const f = T.function([x], [
    T.var(x, 1),
    T.std(x, [0, -1]),
    T.var(x, null),
    T.std(x, -1, { keepdims: true }),
    T.mean(x, [0, 1]),
    T.prod(x, 2),
  ]);
  const outs = f(data) as T.NDArray[];
  // python3 -c "import numpy as np; x = np.array(<data>); print(np.var(x,axis=1).tolist(), ...)"
  const expected = [
    [[2.1666666666666665, 3.0972222222222228, 1.2916666666666667, 1.4305555555555554], [
      1.763888888888889,
      0.8472222222222222,
      2.055555555555556,
      0.9409722222222223,
    ]],
    [1.1887329126006396, 1.8946882989030147, 1.136121245455343],
    2.189425998263889,
    [[[1.1642460006373223], [1.403121520040228], [1.109264959331178]], [[1.0680004681646913], [
      1.71846588560844,
    ], [1.083884074751539]]],
    [0.041666666666666664, 0.75, -0.20833333333333334, 0.9375],
    [[-0.0, -7.59375, 0.25], [-0.546875, 4.21875, -0.0]],
  ];
  outs.forEach((o, k) => T.testing.assertAllClose(o, expected[k], { rtol: 1e-12, message: `output ${k}` }));
});

Deno.test("reductions: dtypes follow NumPy", () => {
  const table: [string, Reducer, T.DType, T.DType][] = [
    ["mean", T.mean, "float32", "float32"],
    ["mean", T.mean, "int32", "float64"],
    ["mean", T.mean, "bool", "float64"],
    ["prod", T.prod, "int8", "int64"],
    ["prod", T.prod, "float32", "float32"],
    ["max", T.max, "int16", "int16"],
    ["min", T.min, "uint8", "uint8"],
    ["max", T.max, "bool", "bool"],
    ["argmax", T.argmax, "float32", "int64"],
    ["argmin", T.argmin, "int32", "int64"],
    ["any", T.any, "float64", "bool"],
    ["all", T.all, "int32", "bool"],
    ["var", T.var, "float32", "float32"],
    ["var", T.var, "int32", "float64"],
    ["std", T.std, "bool", "float64"],
  ];
  for (const [name, op, input, out] of table) {
    const x = new T.TensorType(input, [null, null]).make("x");
    const r = op(x, 0);
    assert.equal(r.dtype, out, `${name} of ${input}`);
    const v = T.asarray([[1, 0, 3], [4, 1, 0]], { dtype: input });
    assert.equal((T.function([x], r)(v) as T.NDArray).dtype, out, `${name} of ${input} at run time`);
  }
});

Deno.test("max() min() argmax() argmin() on integers keep exact values; ties give the first index", () => {
  const x = T.imatrix("x");
  const f = T.function([x], [T.max(x, 1), T.min(x, 0), T.argmax(x, 1), T.argmin(x, 1), T.argmax(x)]);
  const [mx, mn, amx, amn, flat] = f([[3, -7, 3], [2, 2, 0]]) as T.NDArray[];
  assert.deepEqual(mx.toArray(), [3, 2]);
  assert.deepEqual(mn.toArray(), [2, -7, 0]);
  assert.deepEqual(amx.toArray(), [0, 0]);
  assert.deepEqual(amn.toArray(), [1, 2]);
  assert.equal(flat.item(), 0);
});

Deno.test("max() min() argmax() argmin() propagate NaN as NumPy does", () => {
  const x = T.dmatrix("x");
  const f = T.function([x], [
    T.max(x, 1),
    T.min(x, 1),
    T.argmax(x, 1),
    T.argmin(x, 1),
    T.max(x),
    T.argmax(x),
  ]);
  const [mx, mn, amx, amn, all, flat] = f([[1, NaN, 3, NaN], [4, 6, 5, -1]]) as T.NDArray[];
  T.testing.assertAllClose(mx, [NaN, 6]);
  T.testing.assertAllClose(mn, [NaN, -1]);
  assert.deepEqual(amx.toArray(), [1, 1]);
  assert.deepEqual(amn.toArray(), [1, 3]);
  assert.ok(Number.isNaN(all.item()));
  assert.equal(flat.item(), 1);
});

Deno.test("reductions over zero elements: max/min/argmax/argmin raise a ShapeError naming the op", () => {
  const x = T.dmatrix("x");
  const empty = new T.NDArray("float64", [3, 0]);
  for (
    const [name, op] of [["max", T.max], ["min", T.min], ["argmax", T.argmax], ["argmin", T.argmin]] as const
  ) {
    const f = T.function([x], op(x, 1));
    assert.throws(() => f(empty), (e: Error) => e instanceof T.ShapeError && e.message.includes(name), name);
    // Reducing the other axis folds three elements into each of zero cells: fine, as in NumPy.
    assert.deepEqual([...(T.function([x], op(x, 0))(empty) as T.NDArray).shape], [0]);
  }
  const g = T.function([x], [T.sum(x, 1), T.prod(x, 1), T.mean(x, 1), T.any(x, 1), T.all(x, 1)]);
  const [s, p, m, an, al] = g(empty) as T.NDArray[];
  assert.deepEqual(s.toArray(), [0, 0, 0]);
  assert.deepEqual(p.toArray(), [1, 1, 1]);
  assert.ok([...m.data].every(Number.isNaN));
  assert.deepEqual(an.toArray(), [false, false, false]);
  assert.deepEqual(al.toArray(), [true, true, true]);
});

Deno.test("any() and all() take floats (NaN counts as true), as NumPy", () => {
  const x = T.dvector("x");
  const f = T.function([x], [T.any(x), T.all(x)]);
  assert.deepEqual((f([0, 0.5]) as T.NDArray[]).map((a) => a.item()), [1, 0]);
  assert.deepEqual((f([NaN]) as T.NDArray[]).map((a) => a.item()), [1, 1]);
  assert.deepEqual((f([0, -0]) as T.NDArray[]).map((a) => a.item()), [0, 0]);
});

const F32 = { eps: 1e-2, rtol: 5e-2, atol: 5e-2 };
const AXES: T.Axis[] = [null, 0, 1, 2, [0, 2], [1, 2]];

Deno.test("mean() var() std() gradients: verifyGrad in float64 and float32", () => {
  const v = drawArray([2, 3, 4], 21, (r) => r * 4 - 2);
  for (const op of [T.mean, T.var, T.std]) {
    for (const axis of AXES) {
      T.verifyGrad((x) => op(x, axis), [v]);
      T.verifyGrad((x) => op(x, axis, { keepdims: true }), [v]);
      T.verifyGrad((x) => op(x, axis), [v.astype("float32")], F32);
    }
  }
});

Deno.test("max() min() gradients: verifyGrad in float64 and float32 on distinct values", () => {
  const v = distinct([2, 3, 4], 5);
  for (const op of [T.max, T.min]) {
    for (const axis of AXES) {
      T.verifyGrad((x) => op(x, axis), [v]);
      T.verifyGrad((x) => op(x, axis, { keepdims: true }), [v]);
      T.verifyGrad((x) => op(x, axis), [v.astype("float32")], F32);
    }
  }
});

Deno.test("max() gradient goes to every position equal to the maximum (Theano's rule)", () => {
  const x = T.dmatrix("x");
  const g = T.function([x], [T.grad(T.sum(T.max(x, 1)), x), T.grad(T.min(x), x)]);
  const [gmax, gmin] = g([[1, 3, 3], [2, 0, 1]]) as T.NDArray[];
  assert.deepEqual(gmax.toArray(), [[0, 1, 1], [1, 0, 0]]);
  assert.deepEqual(gmin.toArray(), [[0, 0, 0], [0, 1, 0]]);
});

Deno.test("prod() gradient: verifyGrad in float64 and float32, and its second derivative", () => {
  const v = drawArray([2, 3, 4], 31, (r) => (r < 0.5 ? -1 : 1) * (0.5 + r));
  for (const axis of AXES) {
    T.verifyGrad((x) => T.prod(x, axis), [v]);
    T.verifyGrad((x) => T.prod(x, axis, { keepdims: true }), [v]);
    T.verifyGrad((x) => T.prod(x, axis), [v.astype("float32")], F32);
  }
  // Second derivative (exact where no element is zero).
  T.verifyGrad((x) => T.grad(T.sum(T.prod(x, 1)), x), [v.reshape([6, 4])]);
});

Deno.test("prod() gradient is exact with one or more zeros in a group", () => {
  const x = T.dmatrix("x");
  const g = T.function([x], T.grad(T.sum(T.prod(x, 1)), x));
  const out = g([[2, 0, 3], [0, 0, 4], [1, 2, 3], [0, 5, -1]]) as T.NDArray;
  // d/dx_i prod(x) = the product of the other elements.
  T.testing.assertAllClose(out, [[0, 6, 0], [0, 0, 0], [6, 3, 2], [-5, 0, 0]], { rtol: 0, atol: 0 });
});

Deno.test("mean() gradient is 1/count with static and with run-time shapes", () => {
  const known = new T.TensorType("float64", [2, 3]).make("k");
  const unknown = T.dmatrix("u");
  const gk = T.grad(T.mean(known), known), gu = T.grad(T.sum(T.mean(unknown, 1)), unknown);
  const value = [[1, 2, 3], [4, 5, 6]];
  T.testing.assertAllClose(T.function([known], gk)(value) as T.NDArray, [[1 / 6, 1 / 6, 1 / 6], [
    1 / 6,
    1 / 6,
    1 / 6,
  ]]);
  T.testing.assertAllClose(T.function([unknown], gu)(value) as T.NDArray, [[1 / 3, 1 / 3, 1 / 3], [
    1 / 3,
    1 / 3,
    1 / 3,
  ]]);
  assert.match(T.pp(gu), /count\(/);
  assert.doesNotMatch(T.pp(gk), /count\(/);
});

Deno.test("argmax() argmin() any() all() are not differentiable: no gradient flows through them", () => {
  const x = T.dvector("x");
  const cost = T.add(T.sum(x), T.cast(T.argmax(x), "float64"), T.cast(T.any(x), "float64"));
  const g = T.function([x], T.grad(cost, x))([3, 1, 2]) as T.NDArray;
  assert.deepEqual(g.toArray(), [1, 1, 1]);
});

Deno.test("reductions reject an axis out of range with a HypatiaTypeError naming the op", () => {
  const x = T.dtensor3("x");
  for (const [name, op] of CASES) {
    assert.throws(
      () => op(x, 3),
      (e: Error) => e instanceof T.HypatiaTypeError && e.message.startsWith(`${name}:`),
      name,
    );
    assert.throws(() => op(x, [0, -4]), T.HypatiaTypeError, name);
  }
});

Deno.test("reduction methods: x.mean(1), x.max(), x.argmax(0) and the rest", () => {
  const x = T.dmatrix("x");
  const f = T.function([x], [
    x.mean(1),
    x.max(),
    x.argmax(0),
    x.min(0),
    x.argmin(),
    x.prod(),
    x.any(1),
    x.all(),
    x.var(),
    x.std(0, { keepdims: true }),
  ]);
  const outs = (f([[1, 4], [3, 2]]) as T.NDArray[]).map((a) => a.toArray());
  assert.deepEqual(outs, [[2.5, 2.5], 4, [1, 0], [1, 2], 0, 24, [true, true], true, 1.25, [[1, 1]]]);
});
