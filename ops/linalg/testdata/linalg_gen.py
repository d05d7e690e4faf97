"""Reference values for ops/linalg/*_test.ts and ops/fft_test.ts.

Made with Debian's python3 (NumPy 1.24, SciPy 1.10):
  /usr/bin/python3 ops/linalg/testdata/linalg_gen.py > ops/linalg/testdata/linalg_ref.ts
"""
import json
import numpy as np
import scipy.linalg as sl

rng = np.random.default_rng(16)
out = {}

def put(name, value):
    out[name] = np.asarray(value, dtype=float).tolist()

A = rng.normal(size=(4, 4)) + 2 * np.eye(4)
b = rng.normal(size=4)
B = rng.normal(size=(4, 2))
S = A @ A.T + 4 * np.eye(4)
L = np.tril(rng.normal(size=(4, 4))) + 3 * np.eye(4)
U = L.T.copy()
W = rng.normal(size=(5, 3))
Wt = rng.normal(size=(3, 5))
E = rng.normal(size=(4, 4)) * 3  # norm past theta_13: scaling and squaring
R = rng.normal(size=(4, 2)) @ rng.normal(size=(2, 3))  # rank 2
put("A", A); put("b", b); put("B", B); put("S", S); put("L", L); put("U", U)
put("W", W); put("Wt", Wt); put("E", E); put("R", R)
put("inv_A", np.linalg.inv(A))
put("det_A", np.linalg.det(A))
put("det_S", np.linalg.det(S))
put("solve_A_b", np.linalg.solve(A, b))
put("solve_A_B", np.linalg.solve(A, B))
put("chol_S", np.linalg.cholesky(S))
put("lower_L_B", sl.solve_triangular(L, B, lower=True))
put("upper_U_b", sl.solve_triangular(U, b, lower=False))
put("unit_L_b", sl.solve_triangular(L, b, lower=True, unit_diagonal=True))
w, v = np.linalg.eigh(S)
put("eigh_S_w", w); put("eigh_S_v", v)
q, r = np.linalg.qr(W)
put("qr_W_q", q); put("qr_W_r", r)
q, r = np.linalg.qr(W, mode="complete")
put("qrc_W_q", q); put("qrc_W_r", r)
q, r = np.linalg.qr(Wt)
put("qr_Wt_q", q); put("qr_Wt_r", r)
for name, M in [("W", W), ("Wt", Wt)]:
    u, s, vt = np.linalg.svd(M, full_matrices=False)
    put(f"svd_{name}_u", u); put(f"svd_{name}_s", s); put(f"svd_{name}_vt", vt)
put("expm_A", sl.expm(A)); put("expm_E", sl.expm(E))
put("mpow_A_3", np.linalg.matrix_power(A, 3)); put("mpow_A_m2", np.linalg.matrix_power(A, -2))
put("kron_W_B", np.kron(W, B)); put("kron_b_W", np.kron(b, W))
norms = {}
for o in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]:
    norms[str(o)] = float(np.linalg.norm(W, o))
for o in [None, 0, 1, 2, 3, 0.5, np.inf, -np.inf]:
    norms["v" + str(o)] = float(np.linalg.norm(b, o))
put("norm_W_axis0_3", np.linalg.norm(W, 3, axis=0))
out["norms"] = norms
put("pinv_R", np.linalg.pinv(R)); put("pinv_W", np.linalg.pinv(W))
T4 = rng.normal(size=(2, 3, 6)) + 3 * np.eye(6).reshape(2, 3, 6)
put("T4", T4); put("tensorinv_T4", np.linalg.tensorinv(T4, ind=2))
Ts = rng.normal(size=(2, 3, 6)) + np.eye(6).reshape(2, 3, 6) * 3
Tb = rng.normal(size=(2, 3))
put("Ts", Ts); put("Tb", Tb); put("tensorsolve_Ts_Tb", np.linalg.tensorsolve(Ts.reshape(2, 3, 2, 3), Tb))
ffts = {}
for n in [1, 2, 5, 8, 12, 7, 16]:
    x = rng.normal(size=n)
    for norm in [None, "ortho", "forward"]:
        f = np.fft.rfft(x, norm=norm)
        ffts[f"{n}_{norm}"] = {
            "x": x.tolist(),
            "rfft": np.stack([f.real, f.imag], -1).tolist(),
            "irfft": np.fft.irfft(f, n=n, norm=norm).tolist(),
        }
X2 = rng.normal(size=(3, 6))
F2 = np.fft.rfft(X2)
ffts["batch"] = {"x": X2.tolist(), "rfft": np.stack([F2.real, F2.imag], -1).tolist()}
Y = rng.normal(size=(4, 2))
ffts["irfft_raw"] = {"y": Y.tolist(), "even": np.fft.irfft(Y[:, 0] + 1j * Y[:, 1], n=6).tolist(),
                     "odd": np.fft.irfft(Y[:, 0] + 1j * Y[:, 1], n=7).tolist()}
out["fft"] = ffts
G = rng.normal(size=(6, 6))  # non-symmetric: complex pairs and real eigenvalues
eigs = {}
for name, M in [("G", G), ("rot", np.array([[0.0, -1.0], [1.0, 0.0]])), ("upper", np.triu(G[:4, :4])),
                ("defective", np.array([[2.0, 1.0], [0.0, 2.0]])), ("diag", np.diag([3.0, 1.0, 3.0]))]:
    w, v = np.linalg.eig(M)
    eigs[name] = {"a": M.tolist(), "w": np.stack([w.real, w.imag], -1).tolist(),
                  "v": np.stack([v.real, v.imag], -1).tolist()}
out["eig"] = eigs
# Stacks of matrices (NumPy 1's rule for solve: b with one axis less than a holds vectors).
SA = rng.normal(size=(2, 3, 3)) + 2 * np.eye(3)
Sb = rng.normal(size=(2, 3))
SS = SA @ np.swapaxes(SA, -1, -2) + np.eye(3)
SW = rng.normal(size=(2, 4, 3))
out["stack"] = {
    "a": SA.tolist(), "b": Sb.tolist(), "s": SS.tolist(), "w": SW.tolist(),
    "inv": np.linalg.inv(SA).tolist(), "det": np.linalg.det(SA).tolist(),
    "solve": np.linalg.solve(SA, Sb).tolist(), "cholesky": np.linalg.cholesky(SS).tolist(),
    "eigvalsh": np.linalg.eigvalsh(SS).tolist(), "svd_s": np.linalg.svd(SW, compute_uv=False).tolist(),
    "qr_r": np.linalg.qr(SW)[1].tolist(), "expm": sl.expm(SA).tolist(),
    "pinv": np.linalg.pinv(SW).tolist(), "mpow": np.linalg.matrix_power(SA, 3).tolist(),
    "norm2": np.linalg.norm(SW, 2, axis=(1, 2)).tolist(), "nuc21": np.linalg.norm(SW, "nuc", axis=(2, 1)).tolist(),
    "m2_02": np.linalg.norm(SW, -2, axis=(0, 2), keepdims=True).tolist(),
}
print("// Made by ops/linalg/testdata/linalg_gen.py (Debian python3, NumPy 1.24, SciPy 1.10); do not edit.")
print("// deno-fmt-ignore-file")
print("export const REF = " + json.dumps(out) + ";")
