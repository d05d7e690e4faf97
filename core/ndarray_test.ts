import assert from "node:assert/strict";
import { asarray, NDArray } from "./ndarray.ts";
import { InputError } from "./errors.ts";

// Expected strings are NumPy 2.4's str() of the same arrays, made with
// python3 -c "import numpy as np; print(repr(str(np.array(<values>))))".
const NUMPY_STR: [unknown, string | undefined, string][] = [
  [[[0.5, 0.25], [1.0, 2.0]], undefined, "[[0.5  0.25]\n [1.   2.  ]]"],
  [[1.5, 2.0], undefined, "[1.5 2. ]"],
  [[0, 1, 2], "float64", "[0. 1. 2.]"],
  [[1e-5, 1.0], undefined, "[1.e-05 1.e+00]"],
  [[1.5e-5, 1.0], undefined, "[1.5e-05 1.0e+00]"],
  [[-1.5, 2.25, NaN, Infinity], undefined, "[-1.5   2.25   nan   inf]"],
  [[[1, -20], [300, 4]], undefined, "[[  1 -20]\n [300   4]]"],
  [[true, false, true], undefined, "[ True False  True]"],
  [[0.1, 0.2, 0.7], "float32", "[0.1 0.2 0.7]"],
  [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]], "float64", "[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]"],
  [[1e9, 1.0], "float64", "[1.e+09 1.e+00]"],
  [4.0, "float64", "4.0"],
  [
    Array.from({ length: 12 }, (_, i) => i / 11),
    undefined,
    "[0.         0.09090909 0.18181818 0.27272727 0.36363636 0.45454545\n 0.54545455 0.63636364 0.72727273 0.81818182 0.90909091 1.        ]",
  ],
  [
    Array.from({ length: 2000 }, (_, i) => i),
    "float64",
    "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]",
  ],
  [
    [[1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(-2))], [1 / (1 + Math.exp(-3)), 1 / (1 + Math.exp(-4))]],
    undefined,
    "[[0.73105858 0.88079708]\n [0.95257413 0.98201379]]",
  ],
];

Deno.test("NDArray.toString() prints like NumPy", () => {
  for (const [value, dtype, expected] of NUMPY_STR) {
    const a = asarray(value as number[], { dtype: dtype as "float64" | undefined });
    assert.equal(a.toString(), expected, `for ${JSON.stringify(value).slice(0, 60)}`);
  }
});

Deno.test("asarray() infers dtypes like NumPy and keeps typed arrays' dtypes", () => {
  assert.equal(asarray([1, 2]).dtype, "int64");
  assert.equal(asarray([1, 2.5]).dtype, "float64");
  assert.equal(asarray([true, false]).dtype, "bool");
  assert.equal(asarray(new Float32Array([1, 2])).dtype, "float32");
  assert.equal(asarray(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(asarray(new BigInt64Array([1n, 2n])).dtype, "int64");
  assert.deepEqual(asarray(new BigInt64Array([1n, 2n])).toArray(), [1, 2]);
  assert.deepEqual(asarray([[1, 2], [3, 4]]).shape, [2, 2]);
  assert.deepEqual(asarray(3).shape, []);
  assert.deepEqual(asarray([]).shape, [0]);
});

Deno.test("asarray() rejects ragged arrays and non-numbers, naming the position", () => {
  assert.throws(
    () => asarray([[1, 2], [3]]),
    (e: Error) => e instanceof InputError && /\[1\]/.test(e.message),
  );
  assert.throws(
    () => asarray([[1, 2], 3] as never),
    (e: Error) => e instanceof InputError && /ragged/.test(e.message),
  );
  assert.throws(
    () => asarray([1, "a"] as never),
    (e: Error) => e instanceof InputError && /\[1\]/.test(e.message),
  );
  assert.throws(() => asarray([1], { dtype: "float16" as never }), InputError);
});

Deno.test("NDArray.item(), toArray(), reshape() and astype()", () => {
  const a = asarray([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  assert.equal(a.item(1, 2), 6);
  assert.equal(a.item(-1, -1), 6);
  assert.throws(() => a.item(2, 0), InputError);
  assert.throws(() => a.item(), InputError);
  assert.deepEqual(a.reshape([3, 2]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.throws(() => a.reshape([4, 2]), InputError);
  assert.deepEqual(asarray([1.7, -1.7]).astype("int32").toArray(), [1, -1]);
  assert.deepEqual(asarray([0, 2]).astype("bool").toArray(), [false, true]);
  assert.throws(() => new NDArray("float64", [2], new Float32Array(2)), InputError);
});
