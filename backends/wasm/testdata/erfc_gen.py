"""Chebyshev fits of erfcx for the vector erfc (backends/wasm/verf.ts) and its reference values
(erfc_ref.ts, erfc and erfcx). Run with the pyenv python3 (mpmath 1.3):
    python3 backends/wasm/testdata/erfc_gen.py fit   # prints ERFCX_MID and ERFCX_TAIL
    python3 backends/wasm/testdata/erfc_gen.py ref > backends/wasm/testdata/erfc_ref.ts
"""
import random
import sys

import mpmath as mp

mp.mp.dps = 40
SPLIT, END = mp.mpf(3), mp.mpf("27.5")


def cheb(f, a, b, m=60):
    """Chebyshev coefficients of f on [a, b] from m Chebyshev-Gauss nodes, c_0 halved."""
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / m) for k in range(m)]
    fx = [f(x) for x in xs]
    c = [2 * mp.fsum(fx[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / m) for k in range(m)) / m for j in range(m)]
    c[0] /= 2
    return c


def erfcx(x):
    if x > 10**4:  # mpmath's erfc overflows far out: the asymptotic series, 4 terms (next < 1e-32)
        s = 1 / (2 * x * x)
        return (1 - s + 3 * s**2 - 15 * s**3) / (x * mp.sqrt(mp.pi))
    return mp.erfc(x) * mp.exp(x * x)


def kept(c, scale):
    """The coefficients down to the last one above 2e-18 of the function's smallest value."""
    n = next(i for i in range(len(c)) if all(abs(x) < 2e-18 * scale for x in c[i:]))
    return [float(x) for x in c[:n]]


if sys.argv[1] == "fit":
    # Nearly flat functions, so that the series does not cancel: (1 + x) erfcx(x) in [0.72, 0.93]
    # and x erfcx(x) in [0.53, 0.57].
    mid = kept(cheb(lambda x: (1 + x) * erfcx(x), mp.mpf("0.5"), SPLIT), (1 + SPLIT) * erfcx(SPLIT))
    tail = kept(cheb(lambda t: erfcx(1 / t) / t, 1 / END, 1 / SPLIT), SPLIT * erfcx(SPLIT))
    print("ERFCX_MID =", mid)
    print("ERFCX_TAIL =", tail)
else:
    random.seed(16)
    xs = [0.5, 3.0, 27.5, 26.5, 27.0, 27.2, 27.25, 27.3, 0.4999999999999999, 2.9999999999999996, 1e-300, 1e-10]
    xs += [random.uniform(-6, 28) for _ in range(1200)]
    xs += [random.uniform(0.4, 3.2) for _ in range(400)]
    xs += [random.uniform(25, 27.4) for _ in range(200)]
    xs += [10 ** random.uniform(-20, 0) * random.choice([-1, 1]) for _ in range(200)]
    print("// Made by backends/wasm/testdata/erfc_gen.py (mpmath 1.3, 40 digits): [x, erfc(x)] pairs.")
    print("export const ERFC_REF: [number, number][] = [")
    for x in xs:
        print(f"  [{x!r}, {float(mp.erfc(mp.mpf(x)))!r}],")
    print("];")
    ys = [0.5, 3.0, 27.5, 27.6, -0.5, -26.6, 1e10, 1e300, 1e-300, -1e-10]
    ys += [random.uniform(-26.6, 30) for _ in range(800)]
    ys += [random.uniform(-1, 4) for _ in range(300)]
    ys += [10 ** random.uniform(1, 300) for _ in range(200)]
    print("// The same script: [x, erfcx(x)] pairs, erfcx(x) = e^(x²) erfc(x).")
    print("export const ERFCX_REF: [number, number][] = [")
    for x in ys:
        print(f"  [{x!r}, {float(erfcx(mp.mpf(x)))!r}],")
    print("];")
