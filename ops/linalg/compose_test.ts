import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { REF } from "./testdata/linalg_ref.ts";
import { close, run } from "./test_util.ts";

const { A, b, B, W, E, R } = REF;

Deno.test("expm: SciPy's values, with and without scaling and squaring; 0×0", () => {
  close(run(T.expm, A)[0], REF.expm_A, 1e-12, "expm(A)");
  close(run(T.expm, E)[0], REF.expm_E, 1e-11, "expm(E), ‖E‖₁ past θ13");
  assert.deepEqual(run(T.expm, T.asarray([], { shape: [0, 0] }))[0], []);
  assert.throws(() => run(T.expm, [[1, 2, 3]]), /square matrix \(or a stack of them\), got shape \(1, 3\)/);
});

Deno.test("matrixPower, matrixDot, kron: NumPy's values", () => {
  close(run((a) => T.matrixPower(a, 3), A)[0], REF.mpow_A_3, 1e-12, "A^3");
  close(run((a) => T.matrixPower(a, -2), A)[0], REF.mpow_A_m2, 1e-12, "A^-2");
  close(run((a) => T.matrixPower(a, 0), A)[0], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  close(run((a) => T.matrixDot(a, a, a), A)[0], REF.mpow_A_3, 1e-12, "matrixDot");
  close(run(T.kron, W, B)[0], REF.kron_W_B, 1e-15, "kron(W, B)");
  close(run(T.kron, b, W)[0], REF.kron_b_W, 1e-15, "kron(b, W)");
  assert.throws(() => T.matrixPower(T.dmatrix("a"), 1.5), /exponent must be an integer, got 1.5/);
  assert.throws(() => T.matrixDot(), /at least one argument/);
});

Deno.test("norm: NumPy's vector and matrix norms, axes and keepdims", () => {
  const n = REF.norms as Record<string, number>;
  const ords: [string, T.NormOrd | null][] = [
    ["None", null],
    ["fro", "fro"],
    ["nuc", "nuc"],
    ["1", 1],
    ["-1", -1],
    ["2", 2],
    ["-2", -2],
    ["inf", Infinity],
    ["-inf", -Infinity],
  ];
  for (const [key, ord] of ords) close(run((m) => T.norm(m, ord), W)[0], n[key], 1e-12, `matrix ord ${key}`);
  const vords: [string, number | null][] = [
    ["vNone", null],
    ["v0", 0],
    ["v1", 1],
    ["v2", 2],
    ["v3", 3],
    ["v0.5", 0.5],
    ["vinf", Infinity],
    ["v-inf", -Infinity],
  ];
  for (const [key, ord] of vords) close(run((v) => T.norm(v, ord), b)[0], n[key], 1e-12, `vector ord ${key}`);
  close(run((m) => T.norm(m, 3, 0), W)[0], REF.norm_W_axis0_3, 1e-12, "axis 0");
  close(
    run((m) => T.norm(m, Infinity, [-1, -2]), W)[0],
    n["1"],
    1e-12,
    "axes reversed: inf of the transpose",
  );
  assert.deepEqual(run((m) => T.norm(m, 1, null, { keepdims: true }), [[1, -2], [3, 4]])[0], [[6]]);
  assert.deepEqual(run((m) => T.norm(m, "fro", [0, 1], { keepdims: true }), [[3, 4]])[0], [[5]]);
  // python3 -c "import numpy as np; print(np.linalg.norm([np.inf, 1]), np.linalg.norm([np.nan, 1]), np.linalg.norm([-np.inf, 1], -np.inf))"
  assert.equal(run((v) => T.norm(v), [Infinity, 1])[0], Infinity);
  assert.ok(Number.isNaN(run((v) => T.norm(v), [NaN, 1])[0] as number));
  assert.equal(run((v) => T.norm(v, -Infinity), [-Infinity, 1])[0], 1);
  assert.throws(() => T.norm(T.dvector("v"), "fro"), /ord "fro" is a matrix norm/);
  assert.throws(() => T.norm(T.dmatrix("m"), 3), /invalid ord 3 for a matrix norm/);
  assert.throws(() => T.norm(T.dmatrix("m"), 2, 2), /axis 2 is out of range/);
  assert.throws(
    () => T.norm(T.dmatrix("m"), 2, null, { keepDims: true } as never),
    /did you mean "keepdims"/,
  );
});

Deno.test("pinv, tensorinv, tensorsolve: NumPy's values", () => {
  close(run((m) => T.pinv(m), R)[0], REF.pinv_R, 1e-10, "pinv of a rank-2 matrix");
  close(run((m) => T.pinv(m), W)[0], REF.pinv_W, 1e-12, "pinv(W)");
  // python3 -c "import numpy as np; print(np.linalg.pinv(np.zeros((3, 0))).shape)": (0, 3)
  const e = T.dmatrix("e");
  assert.deepEqual(T.function([e], T.pinv(e))(T.asarray([], { shape: [3, 0] })).shape, [0, 3]);
  close(run((t) => T.tensorinv(t, 2), REF.T4)[0], REF.tensorinv_T4, 1e-12, "tensorinv");
  const ts = T.asarray(REF.Ts).reshape([2, 3, 2, 3]);
  close(run((x, y) => T.tensorsolve(x, y), ts, REF.Tb)[0], REF.tensorsolve_Ts_Tb, 1e-12, "tensorsolve");
  assert.throws(() => T.tensorinv(T.dmatrix("m"), 2), /ind must be an integer in \[1, 1\]/);
  assert.throws(() => T.pinv(T.dmatrix("m"), { rcnd: 1 } as never), /did you mean "rcond"/);
});

Deno.test("gradients of expm, matrixPower, kron, norm, pinv (verifyGrad, float64)", () => {
  T.verifyGrad(T.expm, [A]);
  T.verifyGrad(T.expm, [E.map((row) => row.map((x) => x / 2))]);
  T.verifyGrad((a) => T.matrixPower(a, 3), [A]);
  T.verifyGrad((a) => T.matrixPower(a, -2), [A]);
  T.verifyGrad(T.kron, [W, B]);
  T.verifyGrad((m) => T.norm(m, "nuc"), [W]);
  T.verifyGrad((m) => T.norm(m, 2), [W]);
  T.verifyGrad((v) => T.norm(v, 3), [b]);
  T.verifyGrad((m) => T.pinv(m), [W]);
  T.verifyGrad((x, y, z) => T.matrixDot(x, y, z), [A, A, B]);
  T.verifyGrad((t) => T.tensorinv(t, 2), [REF.T4]);
  T.verifyGrad((t, y) => T.tensorsolve(t, y), [T.asarray(REF.Ts).reshape([2, 3, 2, 3]), REF.Tb]);
});
