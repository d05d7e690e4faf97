"""Development-time only: makes ops/testdata/numpy_semantics_ref.ts, NumPy's answers for
floor division and integer powers (the tests never run Python).

  python3 ops/testdata/numpy_semantics_gen.py > ops/testdata/numpy_semantics_ref.ts
"""
import itertools
import warnings

import numpy as np

warnings.simplefilter("ignore")

FLOATS = [0.0, -0.0, 1.0, -1.0, 0.1, -0.1, 0.3, 2.5, -2.5, 7.0, -7.0, 1e-3, 1e300, -1e300, 5e-324,
          np.inf, -np.inf, np.nan]


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
    # A string of numbers, not an array literal, so that the formatter keeps it on one line.
    return 'numbers("' + " ".join(js(v) for v in vs) + '")'


pairs = list(itertools.product(FLOATS, FLOATS))
a = np.array([p[0] for p in pairs])
b = np.array([p[1] for p in pairs])
print("// Made by ops/testdata/numpy_semantics_gen.py with NumPy " + np.__version__ + "; do not edit.")
print("const numbers = (s: string): number[] => s.split(\" \").map(Number);")
print("/** Every pair of float edge values: a, b, and NumPy's a // b in float64 and float32. */")
print("export const FLOOR_DIV = {")
print("  a: " + lst(a) + ",")
print("  b: " + lst(b) + ",")
print("  float64: " + lst(np.floor_divide(a, b)) + ",")
print("  float32: " + lst(np.floor_divide(a.astype(np.float32), b.astype(np.float32))) + ",")
print("};")

rng = np.random.default_rng(14)
base = np.concatenate([np.array([0, 1, -1, 2, -2, 3, 7, -7, 255, 46341, -46341, 65535, 2147483647, -2147483648]),
                       rng.integers(-100000, 100000, 30)]).astype(np.int32)
exp = np.concatenate([np.array([0, 1, 2, 3, 31, 32, 33, 40, 63, 64]), rng.integers(0, 70, 34)]).astype(np.int32)
print("/** int32 bases and non-negative exponents, and NumPy's wrapped int32 power. */")
print("export const INT32_POW = {")
print("  a: " + lst(base) + ",")
print("  b: " + lst(exp) + ",")
print("  out: " + lst(np.power(base, exp)) + ",")
print("};")
small = base.astype(np.int8)
print("/** The same in int8 (the bases wrapped to int8 first). */")
print("export const INT8_POW = {")
print("  a: " + lst(small) + ",")
print("  b: " + lst(exp.astype(np.int8)) + ",")
print("  out: " + lst(np.power(small, exp.astype(np.int8))) + ",")
print("};")
