import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { engineArray, engineOffset } from "./engine_array.ts";
import { arena } from "./memory.ts";

const rng = seededRandom(21);

/** A logistic-regression step on an input matrix, compiled with the engine on or off. */
function step(wasm: boolean, dtype: "float32" | "float64") {
  const saved = config.wasm;
  config.wasm = wasm;
  try {
    const x = new T.TensorType(dtype, [null, null]).make("x");
    const w = new T.TensorType(dtype, [null]).make("w");
    const p = T.sigmoid(T.dot(x, w));
    const cost = T.mean(T.softplus(T.dot(x, w)));
    return T.function([x, w], [p, T.grad(cost, w), T.exp(T.neg(x))]);
  } finally {
    config.wasm = saved;
  }
}

Deno.test("engineArray(): an input in the engine's memory is read in place and gives the JS results, float32 and float64", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const [r, c] = [300, 250]; // large enough to be staged and streamed when copied
    const x = engineArray(dtype, [r, c]);
    assert.equal(x.dtype, dtype);
    assert.deepEqual(x.shape, [r, c]);
    assert.ok(x.data.every((v) => v === 0), "zero-filled");
    if (arena().shared) assert.ok(engineOffset(x.data as Float32Array, dtype === "float32" ? 4 : 8) > 0);
    const plain = new T.NDArray(dtype, [r, c]);
    const w = new T.NDArray(dtype, [c]);
    for (let i = 0; i < w.size; i++) w.data[i] = rng() - 0.5;
    const fast = step(true, dtype), ref = step(false, dtype);
    const tol = dtype === "float32" ? 2e-5 : 1e-12;
    for (let round = 0; round < 3; round++) {
      // Changed in place between calls: every call sees the current elements.
      for (let i = 0; i < x.size; i++) x.data[i] = plain.data[i] = (rng() - 0.5) * 8;
      const got = fast(x, w) as T.NDArray[], want = ref(plain, w) as T.NDArray[];
      got.forEach((g, k) => {
        for (let i = 0; i < g.size; i++) {
          const a = g.data[i], b = want[k].data[i];
          assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${dtype} output ${k}[${i}]: ${a} vs ${b}`);
        }
      });
    }
  }
});

Deno.test("engineArray(): bad dtypes are refused; a fresh array does not reuse a live one's block", () => {
  assert.throws(() => engineArray("int32" as "float32", [2]), TypeError);
  const a = engineArray("float64", [1000]), b = engineArray("float64", [1000]);
  a.data.fill(7);
  assert.ok(b.data.every((v) => v === 0));
  assert.ok(a.data.every((v) => v === 7));
});
