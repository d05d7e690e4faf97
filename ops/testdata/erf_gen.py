"""Development-time only: makes the erf coefficients of ops/special.ts and ops/testdata/erf_ulp_ref.ts.

Run from the repository root (needs mpmath; the tests never run Python):

  python3 ops/testdata/erf_gen.py coeffs                             # the tables in ops/special.ts
  python3 ops/testdata/erf_gen.py ref > ops/testdata/erf_ulp_ref.ts  # the test's reference values

Each polynomial interpolates its function at the n + 1 Chebyshev nodes of its interval, in 50-digit
arithmetic, and is then rewritten in powers of the local variable (the distance to the interval's
centre) and rounded to float64. n is the smallest degree whose truncation error (measured in
50 digits on 400 points) is below 1e-17 relative, a tenth of the float64 rounding error.
"""
import math
import random
import sys

import mpmath as mp

mp.mp.dps = 50
TOL = mp.mpf("1e-17")


def cheb_poly(f, a, b, n):
    """Coefficients (50 digits) in powers of u = x - (a + b) / 2 of f's interpolant at n + 1 Chebyshev nodes."""
    c, r = (a + b) / 2, (b - a) / 2
    th = [mp.pi * (k + mp.mpf(1) / 2) / (n + 1) for k in range(n + 1)]
    vals = [f(c + r * mp.cos(t)) for t in th]
    cheb = [mp.fsum(v * mp.cos(j * t) for v, t in zip(vals, th)) * (1 if j == 0 else 2) / (n + 1) for j in range(n + 1)]
    # T_j as lists of monomial coefficients in s = u / r, then sum and rescale to u.
    T = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    while len(T) <= n:
        p = [mp.mpf(0)] + [2 * v for v in T[-1]]
        for i, v in enumerate(T[-2]):
            p[i] -= v
        T.append(p)
    mono = [mp.mpf(0)] * (n + 1)
    for j in range(n + 1):
        for i, v in enumerate(T[j]):
            mono[i] += cheb[j] * v
    return [m / r**i for i, m in enumerate(mono)]


def horner(cs, u):
    s = cs[-1]
    for k in range(len(cs) - 2, -1, -1):
        s = s * u + cs[k]
    return s


def fit(f, a, b, rel_err):
    """The lowest-degree interpolant whose error rel_err(x, p(x)) is below TOL on [a, b]; float64 coefficients."""
    a, b = mp.mpf(a), mp.mpf(b)
    for n in range(2, 40):
        cs = cheb_poly(f, a, b, n)
        xs = [a + (b - a) * i / 400 for i in range(401)]
        if max(rel_err(x, horner(cs, x - (a + b) / 2)) for x in xs) < TOL:
            return [float(v) for v in cs]
    raise ValueError("no fit")


def r_low(t):
    """erf(x) / x - 1 as a function of t = x²."""
    if t == 0:
        return 2 / mp.sqrt(mp.pi) - 1
    x = mp.sqrt(t)
    return mp.erf(x) / x - 1


def err_low(t, p):
    # The error x·(p - R) of erf(x) = x + x·R(x²), relative to erf(x).
    x = mp.sqrt(t)
    return abs(p - r_low(t)) * (x / mp.erf(x) if t else mp.sqrt(mp.pi) / 2)


def h(x):
    """erfc(x)·e^(x²), smooth and slowly varying on [1, 6]."""
    return mp.erfc(x) * mp.exp(x * x)


def coeffs():
    fmt = lambda cs: "[\n" + "".join(f"  {v!r},\n" for v in cs) + "]"
    print("// erf(x) = x + x·R(x²) on [0, 1]: R in powers of x² - 0.5")
    print("const ERF_SMALL = " + fmt(fit(r_low, 0, 1, err_low)) + ";")
    print("// erfc(x)·e^(x²) on [k, k + 1], k = 1..5: in powers of x - (k + 0.5)")
    polys = [fit(h, k, k + 1, lambda x, p: abs(p / h(x) - 1)) for k in range(1, 6)]
    print("const ERFC_SCALED = [" + ", ".join(fmt(cs) for cs in polys) + "];")


def ref():
    random.seed(20240611)
    grid = [k / 512 for k in range(6 * 512 + 1)]
    pts = [random.uniform(1.5, 3) for _ in range(1200)]
    pts += [random.uniform(0, 6) for _ in range(400)]
    pts += [10 ** random.uniform(-310, 0) for _ in range(150)]
    pts += [5e-324, 2.0**-1074 * 12345, 2.0**-1022, 1e-300, 1e-20, 1e-8, 6.5, 7.0, 27.0]
    for b in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]:  # the branch boundaries: neighbouring floats, then nearby
        lo = hi = b
        for _ in range(25):
            lo, hi = math.nextafter(lo, 0), math.nextafter(hi, 9)
            pts += [lo, hi]
        pts += [b + random.uniform(-1e-3, 1e-3) for _ in range(50)]
    pts = sorted(set(pts) - set(grid))
    erf = lambda x: float(mp.erf(mp.mpf(x)))  # mpf(x) is exact; float() rounds to nearest
    print("// deno-fmt-ignore-file (many values to a line: the repository's files stay under 500 lines)")
    print("/**")
    print(" * erf(x) for x >= 0 from 50-digit mpmath values rounded to float64 (erf is odd), for the ulp test of")
    print(" * erfJs in ops/special_test.ts. Development-time data, made by (from the repository root):")
    print(" *")
    print(" *   python3 ops/testdata/erf_gen.py ref > ops/testdata/erf_ulp_ref.ts")
    print(" */")
    print()
    print("/** erf(k / 512) for k = 0..3072 (x from 0 to 6). */")
    print("export const ERF_GRID_512: number[] = [")
    values = [f"{erf(x)!r}," for x in grid]
    for i in range(0, len(values), 20):  # 20 to a line: the repository's files stay under 500 lines
        print("  " + " ".join(values[i : i + 20]))
    print("];")
    print()
    print("/** [x, erf(x)]: random x in [1.5, 3] and [0, 6], tiny x, and both sides of 1, 2, 3, 4, 5, 6. */")
    print("export const ERF_POINTS: [number, number][] = [")
    pairs = [f"[{x!r}, {erf(x)!r}]," for x in pts]
    for i in range(0, len(pairs), 12):
        print("  " + " ".join(pairs[i : i + 12]))
    print("];")


if __name__ == "__main__":
    {"coeffs": coeffs, "ref": ref}[sys.argv[1]]()
