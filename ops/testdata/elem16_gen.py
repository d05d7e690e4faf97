"""Development-time only: makes ops/testdata/elem16_ref.ts, NumPy's and SciPy's values of the
elementwise functions of issue 16 (the tests never run Python). Debian's Python has SciPy:

  /usr/bin/python3 ops/testdata/elem16_gen.py > ops/testdata/elem16_ref.ts

Every point is a float32 value (or ±inf, NaN, or a float64 edge listed in X64_ONLY), so the
same table serves the float64 and float32 tests; the values are computed in float64.
"""
import warnings

import numpy as np
import scipy
import scipy.special as sp
import scipy.stats as st

warnings.simplefilter("ignore")
rng = np.random.default_rng(16)


def js(v):
    v = float(v)
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0" if np.signbit(v) else "0"
    return repr(v)


def lst(vs):
    return 'numbers("' + " ".join(js(v) for v in vs) + '")'


def f32(xs):
    return np.array(xs, dtype=np.float32).astype(np.float64)


EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-30, -1e-30, 1e-8, -1e-8, 0.1, -0.1, 3.0, -3.0, 10.0,
        -10.0, 30.0, -30.0, 88.0, -88.0, 100.0, -100.0, 1e30, -1e30, np.inf, -np.inf, np.nan]
X64_ONLY = [1e-300, -1e-300, 5e-324, 709.0, 710.0, -745.0, 1e300, -1e300]
UNIT = [0.999999, -0.999999, 0.9999999403953552, -0.9999999403953552, 1.0000001, -1.0000001]


def points(extra, scale):
    pts = EDGE + X64_ONLY + list(f32(extra)) + list(f32((rng.random(60) * 2 - 1) * scale))
    return np.array(pts, dtype=np.float64)


UNARY = {
    "log10": (np.log10, points([1e-5, 1e5, 7.0], 1e3)),
    "exp2": (np.exp2, points([1023.0, 1024.0, -1074.0, -1075.0, 127.0, 128.0], 60)),
    "cbrt": (np.cbrt, points([8.0, -27.0, 1e-20], 1e4)),
    "arcsin": (np.arcsin, points(UNIT, 1)),
    "arccos": (np.arccos, points(UNIT, 1)),
    "arctan": (np.arctan, points([1e10], 20)),
    "sinh": (np.sinh, points([89.0, 90.0, 1e-4], 20)),
    "cosh": (np.cosh, points([89.0, 90.0, 1e-4], 20)),
    "arcsinh": (np.arcsinh, points([1e10, 1e-4], 50)),
    "arccosh": (np.arccosh, points([1.0000001, 1.5, 1e10], 50)),
    "arctanh": (np.arctanh, points(UNIT, 1)),
    "reciprocal": (np.reciprocal, points([3.0, 7.0], 100)),
    "erfc": (sp.erfc, points([5.0, 6.0, 9.0, 26.0, 27.0, 27.3, -5.0, 0.47, 0.48], 10)),
    "erfcx": (sp.erfcx, points([5.0, 6.0, 9.0, 26.0, 27.0, 50.0, 1e5, 1e10, -5.0, -26.0, -27.0], 30)),
    "erfinv": (sp.erfinv, points(UNIT + [0.9999, -0.9999, 0.7, -0.7], 1)),
    "erfcinv": (sp.erfcinv, points([1e-10, 1e-30, 1e-300, 1.9999999, 0.0625, 1.5, 1.999], 1) + 1),
    "gamma": (sp.gamma, points([-1.5, -2.5, 0.25, 171.0, 172.0, 20.0, 4.5, -170.5, -3.0], 30)),
    "gammaln": (sp.gammaln, points([-1.5, -2.5, 0.25, 171.0, 172.0, 1e10, 4.5, -3.0, 1e-20, 2.0], 50)),
    "psi": (sp.psi, points([-1.5, -2.5, 0.25, 1.4616321449683622, 1e10, 4.5, -3.0, 1e-20, 2.0], 30)),
    "log1mexp": (lambda x: np.where(x > -np.log(2), np.log(-np.expm1(x)), np.log1p(-np.exp(x))),
                 -np.abs(points([0.6931471805599453, 1e-20, 40.0], 40))),
}
# erfcinv's points were shifted into its domain (0, 2) and beyond; keep NaN and the edges.

print("// Made by ops/testdata/elem16_gen.py with NumPy " + np.__version__ + " and SciPy " + scipy.__version__
      + "; do not edit.")
print('const numbers = (s: string): number[] => s.split(" ").map(Number);')
print("/** Each unary function's points `x` and the float64 values `y` of NumPy/SciPy. */")
print("export const UNARY: Record<string, { x: number[]; y: number[] }> = {")
for name, (fn, x) in UNARY.items():
    print("  " + name + ": { x: " + lst(x) + ", y: " + lst(fn(x)) + " },")
print("};")

GRID = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-30, 1e30, -1e30, 100.0, -100.0, 800.0, -800.0, np.inf,
                 -np.inf, np.nan] + list(f32((rng.random(8) * 2 - 1) * 10)))
A = np.repeat(GRID, len(GRID))
B = np.tile(GRID, len(GRID))
KX = np.repeat(f32([0.0, 0.5, 1.0, 2.0, 3.5, 10.0, 50.0, 200.0, 1e-3, -1.0, np.inf, np.nan]), 10)
KK = np.tile(f32([1.0, 2.0, 3.0, 4.5, 10.0, 30.0, 100.0, 0.5, np.inf, np.nan]), 12)
BINARY = {
    "arctan2": (np.arctan2, A, B),
    "hypot": (np.hypot, A, B),
    "logaddexp": (np.logaddexp, A, B),
    "chi2sf": (lambda x, k: st.chi2.sf(x, k), KX, KK),
}
print("/** Each binary function's points `a`, `b` and the float64 values `y` of NumPy/SciPy. */")
print("export const BINARY: Record<string, { a: number[]; b: number[]; y: number[] }> = {")
for name, (fn, a, b) in BINARY.items():
    print("  " + name + ": { a: " + lst(a) + ", b: " + lst(b) + ", y: " + lst(fn(a, b)) + " },")
print("};")
