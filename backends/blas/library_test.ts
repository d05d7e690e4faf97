import assert from "node:assert/strict";
import { blasStatus, type FortranRoutine, oneThread } from "./library.ts";

Deno.test("blas library: getrf runs with OpenBLAS on one thread, and the thread count comes back, also after a throw", () => {
  let threads = 2;
  const seen: number[] = [];
  const counts = {
    openblas_get_num_threads: () => threads,
    openblas_set_num_threads: (n: unknown) => void (threads = n as number),
  };
  const lu = oneThread(((..._args) => void seen.push(threads)) as FortranRoutine, counts);
  lu();
  assert.deepEqual([seen, threads], [[1], 2]);
  const failing = oneThread(
    (() => {
      throw new Error("inside");
    }) as FortranRoutine,
    counts,
  );
  assert.throws(() => failing(), /inside/);
  assert.equal(threads, 2);
  // Without the thread functions (a library other than OpenBLAS) the routine is called as it is.
  const plain: FortranRoutine = () => {};
  assert.equal(oneThread(plain, undefined), plain);
  assert.equal(oneThread(plain, {}), plain);
});

Deno.test("blas library: the opened LAPACK's LU gives a determinant, on every call", () => {
  const lapack = blasStatus().blas?.lapack?.float64;
  if (!lapack) return; // no library opened here: fallback_test.ts covers the next engine
  for (let call = 0; call < 3; call++) {
    const a = Float64Array.of(4, 3, 6, 3), ipiv = new Int32Array(2), info = Int32Array.of(-1);
    lapack.getrf(Int32Array.of(2), Int32Array.of(2), a, Int32Array.of(2), ipiv, info);
    assert.equal(info[0], 0);
    const det = a[0] * a[3] * (ipiv[0] === 1 ? 1 : -1) * (ipiv[1] === 2 ? 1 : -1);
    assert.ok(Math.abs(det - (4 * 3 - 6 * 3)) < 1e-12, `call ${call}: ${det}`);
  }
});
