"""Reference values of hypot for the vector hypot (backends/wasm/vroots.ts): [a, b, hypot(a, b)] with
mpmath at 50 digits, rounded once. Run with the pyenv python3 (mpmath 1.3):
    python3 backends/wasm/testdata/hypot_gen.py > backends/wasm/testdata/hypot_ref.ts
"""
import random

import mpmath as mp

mp.mp.dps = 50
random.seed(16)


def draw():
    r = random.random()
    if r < 0.4:
        return random.uniform(-10, 10)
    s = random.choice([-1, 1])
    return s * 10 ** random.uniform(-320, 308) if r < 0.7 else s * 10 ** random.uniform(-12, 12)


print("// Made by backends/wasm/testdata/hypot_gen.py (mpmath 1.3, 50 digits): [a, b, hypot(a, b)].")
print("export const HYPOT_REF: [number, number, number][] = [")
for _ in range(3000):
    a, b = draw(), draw()
    if random.random() < 0.2:
        b = a * random.uniform(0.5, 2)  # comparable sizes, where the rounding of the sum matters most
    h = float(mp.sqrt(mp.mpf(a) ** 2 + mp.mpf(b) ** 2))
    print(f"  [{a!r}, {b!r}, {h!r}],")
print("];")
