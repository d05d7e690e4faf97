import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { groupsOf, scatterGroups } from "./reduce.ts";

/** Every subset of [0, n) (as sorted lists). */
function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((k) => mask & (1 << k)));
  return out;
}

/** Reference reduction by plain loops: bucket each element by its kept coordinates. */
function refReduce(
  x: T.NDArray,
  axes: number[],
  keepdims: boolean,
  f: (vals: number[]) => number,
): { shape: number[]; data: number[] } {
  const shape = x.shape;
  const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const buckets = new Map<string, number[]>();
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < x.size; i++) {
    const key = kept.map((d) => idx[d]).join(",");
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key)!.push(x.data[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  // Output cells in C order of the kept coordinates.
  const cells: string[] = [];
  const keptShape = kept.map((d) => shape[d]);
  const k = new Array(kept.length).fill(0);
  const n = keptShape.reduce((a, b) => a * b, 1);
  for (let c = 0; c < n; c++) {
    cells.push(k.join(","));
    for (let d = kept.length - 1; d >= 0; d--) {
      if (++k[d] < keptShape[d]) break;
      k[d] = 0;
    }
  }
  return { shape: outShape, data: cells.map((c) => f(buckets.get(c) ?? [])) };
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
    assert.deepEqual([...out.data], refReduce(v, [0], false, jsSum).data.map(round), `sum of ${input}`);
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
