"""Makes ops/testdata/advanced_indexing_ref.json: NumPy's answers for advanced indexing
(reading, np.add.at and assignment with duplicated indices). Development-time only:

  python3 ops/testdata/advanced_indexing_gen.py > ops/testdata/advanced_indexing_ref.json   # NumPy 2.4 (pyenv)
"""
import json

import numpy as np

x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 7.5
mask3 = (np.arange(24).reshape(2, 3, 4) % 5) == 1
mask2 = np.array([[True, False, True], [False, False, True]])
mask1 = np.array([False, True, True, False])
cases = []


def case(name, args, index):
    """args: the test's arguments, as JSON; index: the same in NumPy."""
    r = x[index]
    cases.append({"name": name, "args": args, "shape": list(r.shape), "data": r.ravel().tolist()})


A = lambda v: {"int": v}  # an int64 index array
M = lambda v: {"bool": v.tolist()}  # a mask
R = lambda *v: {"range": list(v)}
ALL = None
case("x[idx]", [A([1, 0, 1])], (np.array([1, 0, 1]),))
case("x[-idx]", [A([-1, -2])], (np.array([-1, -2]),))
case("x[:, idx]", [ALL, A([2, 0])], (slice(None), np.array([2, 0])))
case("x[i, j]", [A([1, -1]), A([0, 2])], (np.array([1, -1]), np.array([0, 2])))
case("x[mask3]", [M(mask3)], (mask3,))
case("x[mask2]", [M(mask2)], (mask2,))
case("x[:, :, mask1]", [ALL, ALL, M(mask1)], (slice(None), slice(None), mask1))
case("x[0, :, idx]", [0, ALL, A([1, 3])], (0, slice(None), np.array([1, 3])))
case("x[:, idx2d, 1:3]", [ALL, A([[0, 1], [2, 0]]), R(1, 3)], (slice(None), np.array([[0, 1], [2, 0]]), slice(1, 3)))
case("x[1:2, idx]", [R(1, 2), A([0, 2])], (slice(1, 2), np.array([0, 2])))
case("x[idx, :, idx]", [A([0, 1]), ALL, A([1, 2])], (np.array([0, 1]), slice(None), np.array([1, 2])))
case("x[idx col, idx row]", [A([[0], [1]]), A([[2, 0, 1]])], (np.array([[0], [1]]), np.array([[2, 0, 1]])))
case("x[::-1, idx]", [R(None, None, -1), A([2])], (slice(None, None, -1), np.array([2])))
case("x[empty]", [A([])], (np.array([], dtype=np.int64),))
case("x[mask2, idx]", [M(mask2), A([1, 3, 0])], (mask2, np.array([1, 3, 0])))
case("x[idx, :, mask1]", [A([0, 1]), ALL, M(mask1)], (np.array([0, 1]), slice(None), mask1))
case("x[1, mask3[0]]", [1, M(mask3[0])], (1, mask3[0]))

y = np.arange(12, dtype=np.float64).reshape(4, 3)
updates = []
for name, idx, v in [("rows", np.array([0, 2, 0, 3]), np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]])),
                     ("rows scalar", np.array([1, 1, -1]), np.array(0.5)),
                     ("pairs", (np.array([0, 0, 3]), np.array([1, 1, 2])), np.array([1.0, 2.0, 3.0]))]:
    a = y.copy()
    np.add.at(a, idx, v)
    s = y.copy()
    s[idx] = v
    tup = idx if isinstance(idx, tuple) else (idx,)
    updates.append({"name": name, "idx": [t.tolist() for t in tup], "v": v.tolist(), "vshape": list(v.shape),
                    "inc": a.ravel().tolist(), "set": s.ravel().tolist()})

print(json.dumps({"x": x.ravel().tolist(), "mask3": mask3.ravel().tolist(), "cases": cases,
                  "y": y.ravel().tolist(), "updates": updates}))
