import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { REF } from "./linalg/testdata/linalg_ref.ts";
import { close, run } from "./linalg/test_util.ts";

type Case = { x: number[]; rfft: number[][]; irfft: number[] };
const cases = REF.fft as unknown as Record<string, Case>;
const NORMS = { None: null, ortho: "ortho", forward: "forward" } as const;

Deno.test("rfft and irfft: NumPy's values for lengths 1, 2, 5, 7, 8, 12, 16 and each norm", () => {
  for (const n of [1, 2, 5, 8, 12, 7, 16]) {
    for (const [key, norm] of Object.entries(NORMS)) {
      const c = cases[`${n}_${key}`];
      close(run((x) => T.rfft(x, { norm }), c.x)[0], c.rfft, 1e-12, `rfft n=${n} norm=${key}`);
      if (n === 1) continue; // one bin makes no samples: see the bad-input test
      const back = run((y) => T.irfft(y, { norm, isOdd: n % 2 === 1 }), c.rfft)[0];
      close(back, c.irfft, 1e-12, `irfft n=${n} norm=${key}`);
    }
  }
});

Deno.test("rfft over the last axis of a batch; irfft ignores the imaginary parts of DC and Nyquist as NumPy", () => {
  const batch = cases.batch as unknown as { x: number[][]; rfft: number[][][] };
  close(run((x) => T.rfft(x), batch.x)[0], batch.rfft, 1e-12, "batch");
  const raw = cases.irfft_raw as unknown as { y: number[][]; even: number[]; odd: number[] };
  close(run((y) => T.irfft(y), raw.y)[0], raw.even, 1e-12, "even, raw bins");
  close(run((y) => T.irfft(y, { isOdd: true }), raw.y)[0], raw.odd, 1e-12, "odd, raw bins");
  // NaN and ±inf as NumPy's pocketfft gives them for power-of-two lengths (exact twiddles 1 and -i):
  // python3 -c "import numpy as np; print(np.fft.rfft([1, np.nan, 3, 4]), np.fft.rfft([1, np.inf, 0, 0, 0, 0, 0, 0]))"
  assert.deepEqual(run((x) => T.rfft(x), [1, NaN, 3, 4])[0], [[NaN, 0], [-2, NaN], [NaN, 0]]);
  const inf = [[Infinity, 0], [Infinity, -Infinity], [1, -Infinity], [-Infinity, -Infinity], [-Infinity, 0]];
  assert.deepEqual(run((x) => T.rfft(x), [1, Infinity, 0, 0, 0, 0, 0, 0])[0], inf);
});

Deno.test("fft bad input: empty axis, spectrum without its (re, im) axis, options", () => {
  assert.throws(
    () => run((x) => T.rfft(x), T.asarray([], { shape: [0] })),
    /cannot transform an axis of length 0/,
  );
  assert.throws(() => run((y) => T.irfft(y), [[1, 0]]), /1 bins give no output samples/);
  assert.throws(() => T.irfft(new T.TensorType("float64", [4, 3]).make("y")), /trailing axis of length 2/);
  assert.throws(
    () => run((y) => T.irfft(y), [[1, 0, 0], [1, 0, 0]]),
    /the last axis must have length 2, got shape \(2, 3\)/,
  );
  assert.throws(() => T.rfft(T.dscalar("s")), /at least 1 dimension/);
  assert.throws(
    () => T.rfft(T.dvector("x"), { norm: "ortogonal" } as never),
    /option "norm" must be null or one of/,
  );
  assert.throws(() => T.irfft(T.tensor3("y"), { is_odd: true } as never), /did you mean "isOdd"/);
});

Deno.test("gradients of rfft and irfft (verifyGrad, float64), even and odd lengths, each norm", () => {
  for (const norm of [null, "ortho", "forward"] as const) {
    for (const n of [6, 7, 8]) {
      T.verifyGrad((x) => T.rfft(x, { norm }), [cases[`${n === 6 ? 12 : n}_None`].x.slice(0, n)]);
    }
    T.verifyGrad((y) => T.irfft(y, { norm }), [cases["8_None"].rfft]);
    T.verifyGrad((y) => T.irfft(y, { norm, isOdd: true }), [cases["7_None"].rfft]);
    // Second order: the gradient's nodes are the other transform, differentiable again.
    T.verifyGrad((x) => T.grad(T.sum(T.sqr(T.rfft(x, { norm }))), x), [cases["5_None"].x]);
  }
});
