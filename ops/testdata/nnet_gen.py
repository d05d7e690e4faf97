"""Development-time only: makes ops/testdata/nnet_ref.ts, NumPy values of Theano's T.nnet
functions as Theano defines them (the tests never run Python):

  python3 ops/testdata/nnet_gen.py > ops/testdata/nnet_ref.ts   (NumPy 2.4)
"""
import numpy as np

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
    return 'numbers("' + " ".join(js(v) for v in np.ravel(vs)) + '")'


x = np.concatenate([[0.0, -0.0, 1.0, -1.0, 3.0, -3.4, 5.9, -6.1, 20.0, -20.0, 1e-8, np.inf, -np.inf, np.nan],
                    (rng.random(40) * 2 - 1) * 8])
SA, SS = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
with np.errstate(all="ignore"):
    elu = np.where(x > 0, x, np.expm1(x))
    act = {
        "relu": np.maximum(x, 0),
        "relu01": np.where(x > 0, x, 0.1 * x),
        "elu": elu,
        "selu": SS * np.where(x > 0, x, SA * np.expm1(x)),
        "softsign": np.where(np.isinf(x), np.sign(x), x / (1 + np.abs(x))),
        "hard_sigmoid": np.clip(0.2 * x + 0.5, 0, 1),
    }
    u = np.abs(x) * 0.5
    h = np.where(u < 1.7, 1.5 * u / (1 + u), np.where(u < 3, 0.935409070603099 + 0.0458812946797165 * (u - 1.7),
                                                       0.99505475368673))
    act["ultra_fast_sigmoid"] = 0.5 * (np.sign(x) * h + 1)

print("// Made by ops/testdata/nnet_gen.py with NumPy " + np.__version__ + "; do not edit.")
print('const numbers = (s: string): number[] => s.split(" ").map(Number);')
print("/** Points and each activation's values there (Theano's definitions, in NumPy). */")
print("export const ACT = {")
print("  x: " + lst(x) + ",")
for k, v in act.items():
    print("  " + k + ": " + lst(v) + ",")
print("};")

# Cross-entropies: probabilities p (rows sum to 1), one-hot targets, integer labels.
z = rng.normal(size=(5, 4)) * 3
p = np.exp(z - z.max(1, keepdims=True))
p /= p.sum(1, keepdims=True)
labels = rng.integers(0, 4, 5)
onehot = np.eye(4)[labels]
t = rng.random(20)
q = 1 / (1 + np.exp(-rng.normal(size=20) * 4))
print("/** categorical_crossentropy of softmax rows `p` (5×4) against `labels` and their one-hot matrix. */")
print("export const CCE = { z: " + lst(z) + ", p: " + lst(p) + ", labels: " + lst(labels) + ", loss: " +
      lst(-np.log(p[np.arange(5), labels])) + ", onehotLoss: " + lst(-np.sum(onehot * np.log(p), 1)) + " };")
print("/** binary_crossentropy(q, t) = -(t log q + (1 - t) log(1 - q)). */")
print("export const BCE = { q: " + lst(q) + ", t: " + lst(t) + ", loss: " +
      lst(-(t * np.log(q) + (1 - t) * np.log(1 - q))) + " };")

# Batch normalisation, per-activation and spatial, as Theano's batch_normalization_train/_test.
xb = rng.normal(size=(4, 3, 2, 2)) * 2 + 1
gamma = rng.random((1, 3, 1, 1)) + 0.5
beta = rng.normal(size=(1, 3, 1, 1))
rm, rv = rng.normal(size=(1, 3, 1, 1)), rng.random((1, 3, 1, 1)) + 0.5
eps, f = 1e-4, 0.1
mean = xb.mean((0, 2, 3), keepdims=True)
var = xb.var((0, 2, 3), keepdims=True)
invstd = 1 / np.sqrt(var + eps)
m = 4 * 2 * 2
print("/** batch_normalization_train, spatial axes (0, 2, 3), epsilon 1e-4, factor 0.1, and _test. */")
print("export const BN = {")
for k, v in {"x": xb, "gamma": gamma, "beta": beta, "runningMean": rm, "runningVar": rv, "mean": mean,
             "invstd": invstd, "out": (xb - mean) * gamma * invstd + beta,
             "newRunningMean": rm * (1 - f) + mean * f, "newRunningVar": rv * (1 - f) + var * m / (m - 1) * f,
             "testOut": (xb - rm) * gamma / np.sqrt(rv + eps) + beta}.items():
    print("  " + k + ": " + lst(v) + ",")
print("};")
