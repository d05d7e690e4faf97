"""Makes ops/testdata/extra_ops_ref.json: NumPy's answers for the extra_ops group
(cumsum, cumprod, diff, bincount, searchsorted, unique, unravel_index, ravel_multi_index,
bartlett, fill_diagonal and its offset form, compress, one-hot). Development-time only:

  python3 ops/testdata/extra_ops_gen.py > ops/testdata/extra_ops_ref.json   # NumPy 2.4 (pyenv)
"""
import json
import math

import numpy as np


def enc(a):
    """Nested lists with NaN and infinities as strings (JSON has no such numbers)."""
    a = np.asarray(a)
    flat = [("NaN" if math.isnan(v) else "Infinity" if v == math.inf else "-Infinity" if v == -math.inf else v)
            if isinstance(v, float) else v for v in a.ravel().tolist()]
    return {"shape": list(a.shape), "data": flat, "dtype": str(a.dtype)}


out = {}
x = np.array([[1.5, -2, 0, 3], [np.inf, 0.5, -1, 2], [4, np.nan, 1, -0.25]])
xi = np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32)
out["cum"] = []
for name, f in [("cumsum", np.cumsum), ("cumprod", np.cumprod)]:
    for axis in [None, 0, 1, -1]:
        out["cum"].append({"op": name, "axis": axis, "x": enc(x), "r": enc(f(x, axis=axis))})
    out["cum"].append({"op": name, "axis": None, "x": enc(xi), "r": enc(f(xi))})
    out["cum"].append({"op": name, "axis": 1, "x": enc(xi), "r": enc(f(xi, axis=1))})
    e = np.zeros((0, 3))
    out["cum"].append({"op": name, "axis": 0, "x": enc(e), "r": enc(f(e, axis=0))})
    out["cum"].append({"op": name, "axis": None, "x": enc(e), "r": enc(f(e))})

out["diff"] = [{"n": n, "axis": axis, "x": enc(x), "r": enc(np.diff(x, n=n, axis=axis))}
               for n, axis in [(1, -1), (2, -1), (1, 0), (3, 1), (0, 0)]]
b = np.array([True, False, False, True])
out["diff"].append({"n": 1, "axis": -1, "x": enc(b), "r": enc(np.diff(b))})

xs = np.array([0, 3, 3, 1, 7, 3])
w = np.array([0.5, 1, 2, 4, -1, 0.25])
out["bincount"] = [
    {"x": enc(xs), "r": enc(np.bincount(xs))},
    {"x": enc(xs), "w": enc(w), "r": enc(np.bincount(xs, weights=w))},
    {"x": enc(xs), "minlength": 10, "r": enc(np.bincount(xs, minlength=10))},
    {"x": enc(np.array([], dtype=np.int64)), "r": enc(np.bincount(np.array([], dtype=np.int64)))},
    {"x": enc(np.array([], dtype=np.int64)), "minlength": 3,
     "r": enc(np.bincount(np.array([], dtype=np.int64), minlength=3))},
]

a = np.array([1, 2, 2, 3, np.nan])
v = np.array([[2, 0, 5], [np.nan, -np.inf, np.inf]])
unsorted = np.array([3, 1, 2, 2, np.nan])
sorter = np.argsort(unsorted, kind="stable")
out["searchsorted"] = [{"a": enc(a), "v": enc(v), "side": side, "r": enc(np.searchsorted(a, v, side=side))}
                       for side in ["left", "right"]]
out["searchsorted"] += [{"a": enc(unsorted), "v": enc(v), "side": side, "sorter": enc(sorter),
                         "r": enc(np.searchsorted(unsorted, v, side=side, sorter=sorter))} for side in ["left", "right"]]
out["searchsorted"].append({"a": enc(np.array([])), "v": enc(v), "side": "left",
                            "r": enc(np.searchsorted(np.array([]), v))})

out["unique"] = []
for u in [np.array([3, 1, np.nan, 3, 2, np.nan, 1, -np.inf]), np.array([[5, 1, 5], [1, 1, 9]]), np.array([])]:
    vals, index, inverse, counts = np.unique(u, return_index=True, return_inverse=True, return_counts=True)
    out["unique"].append({"x": enc(u), "values": enc(vals), "index": enc(index), "inverse": enc(inverse),
                          "counts": enc(counts)})

idx = np.array([[0, 5], [11, 7]])
out["unravel"] = [{"i": enc(idx), "dims": [3, 4], "order": order,
                   "r": [enc(c) for c in np.unravel_index(idx, (3, 4), order=order)]} for order in ["C", "F"]]
out["unravel"].append({"i": enc(np.array(17)), "dims": [2, 3, 4], "order": "C",
                       "r": [enc(c) for c in np.unravel_index(17, (2, 3, 4))]})
mi = (np.array([[0], [2]]), np.array([1, 3, 5]))
out["ravel"] = [{"mi": [enc(m) for m in mi], "dims": [3, 4], "mode": mode, "order": order,
                 "r": enc(np.ravel_multi_index(mi, (3, 4), mode=mode, order=order))}
                for mode, order in [("wrap", "C"), ("clip", "C"), ("wrap", "F"), (("clip", "wrap"), "C")]]
mi2 = (np.array([0, 2, -1]), np.array([1, 3, 0]))
out["ravel"].append({"mi": [enc(m) for m in mi2], "dims": [3, 4], "mode": "wrap", "order": "C",
                     "r": enc(np.ravel_multi_index(mi2, (3, 4), mode="wrap"))})

out["bartlett"] = [{"M": m, "r": enc(np.bartlett(m))} for m in [-1, 0, 1, 2, 5, 6, 12]]

out["fill_diagonal"] = []
for shape in [(3, 3), (5, 2), (2, 5), (3, 3, 3)]:
    m = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    r = m.copy()
    np.fill_diagonal(r, -7)
    out["fill_diagonal"].append({"a": enc(m), "offset": 0, "r": enc(r)})
for shape, k in [((3, 4), 1), ((3, 4), -2), ((4, 3), 2), ((3, 4), 5), ((3, 4), -3)]:
    m = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    r = m.copy()
    np.fill_diagonal(r[:, k:] if k >= 0 else r[-k:, :], -7)  # a view: the diagonal k above (below) the main one
    out["fill_diagonal"].append({"a": enc(m), "offset": k, "r": enc(r)})

c3 = np.arange(12.0).reshape(3, 4)
out["compress"] = [{"cond": cond, "axis": axis, "x": enc(c3), "r": enc(np.compress(cond, c3, axis=axis))}
                   for cond, axis in [([True, False, True], 0), ([0, 1, 1, 0], 1), ([1, 0], 1), ([0, 1, 0, 1, 1], None),
                                      ([False, False, False], 0), ([True, True], -1)]]

y = np.array([2, 0, 1, 2, -1])
out["one_hot"] = {"y": enc(y), "n": 3, "r": enc(np.eye(3)[y])}
print(json.dumps(out))
