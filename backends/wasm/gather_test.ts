import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { type TakeMode, takeOp, type TakeParams } from "../../ops/take.ts";
import { gatherOptions, gatherStats, wasmTakeKernel } from "./gather.ts";

const rnd = T.seededRandom(16);
const ints = (m: number, lo: number, hi: number) =>
  Array.from({ length: m }, () => lo + Math.floor(rnd() * (hi - lo)));

/** The node, its wasm kernel and its reference rule. */
function both(dtype: T.DType, ndim: number, index: T.DType, mode: TakeMode) {
  const a = new T.TensorType(dtype, new Array(ndim).fill(null)).make("a");
  const node = takeOp.make([a, new T.TensorType(index, [null]).make("i")], { axis: ndim - 1, mode });
  const ref = (vals: T.NDArray[]) => takeOp.perform!(vals, node.params as TakeParams, node);
  return { kernel: wasmTakeKernel(node, ref), ref };
}

Deno.test("wasm take equals the reference rule: dtypes, index dtypes, modes, last axis of a matrix", () => {
  for (const dtype of ["float32", "float64", "int64"] as const) {
    for (const index of ["int64", "int32"] as const) {
      for (const mode of ["raise", "wrap", "clip"] as const) {
        const { kernel, ref } = both(dtype, 2, index, mode);
        const n = 37, rows = 3, m = 1500;
        const a = T.asarray(ints(rows * n, -1000, 1000).map((v) => v / 8), { dtype, shape: [rows, n] });
        if (dtype === "float32") a.data[5] = NaN;
        const lo = mode === "raise" ? -n : -3 * n, hi = mode === "raise" ? n : 3 * n;
        const i = T.asarray(ints(m, lo, hi), { dtype: index });
        const before = gatherStats.runs;
        const [got] = kernel([a, i]);
        const [want] = ref([a, i]);
        assert.equal(gatherStats.runs, before + 1, `${dtype} ${index} ${mode}: the wasm kernel ran`);
        assert.deepEqual(got.shape, want.shape);
        assert.deepEqual(Array.from(got.data), Array.from(want.data), `${dtype} ${index} ${mode}`);
      }
    }
  }
});

Deno.test("wasm take hands bad indices to the reference rule, which reports them; small gathers stay in JS", () => {
  const { kernel } = both("float64", 1, "int64", "raise");
  const a = T.asarray(ints(10, 0, 9), { dtype: "float64" });
  const idx = new Array(4096).fill(1);
  idx[3000] = 10;
  assert.throws(
    () => kernel([a, T.asarray(idx, { dtype: "int64" })]),
    /index 10 is out of bounds for axis 0 with size 10/,
  );
  idx[3000] = 2 ** 40; // beyond i32: the kernel stops, the reference wraps it
  const w = both("float64", 1, "int64", "wrap");
  assert.equal(w.kernel([a, T.asarray(idx, { dtype: "int64" })])[0].data[3000], a.data[2 ** 40 % 10]);
  const before = gatherStats.runs;
  w.kernel([a, T.asarray([1, 2], { dtype: "int64" })]);
  assert.equal(gatherStats.runs, before, "below gatherOptions.minSize");
  assert.ok(gatherOptions.minSize > 2);
});

Deno.test("a compiled function's take runs the wasm kernel (and the same values as with the engine off)", () => {
  const a = T.dvector("a"), i = T.lvector("i");
  const f = T.function([a, i], T.take(a, i).mul(2));
  const av = ints(100, -50, 50), iv = ints(5000, -100, 100);
  const before = gatherStats.runs;
  const got = f(av, iv);
  assert.equal(gatherStats.runs, before + 1);
  T.config.wasm = false;
  try {
    const g = T.function([a, i], T.take(a, i).mul(2));
    assert.deepEqual(Array.from(g(av, iv).data), Array.from(got.data));
  } finally {
    T.config.wasm = true;
  }
});
