"""Values for ops/permute_row_elements_test.ts (pyenv python3, NumPy 2.4):
python3 ops/testdata/permute_row_elements.py > ops/testdata/permute_row_elements.json"""
import json
import numpy as np

r = np.random.RandomState(5)
x = np.round(r.uniform(-5, 5, size=(2, 3, 4)), 3)
x[0, 0, 1] = np.nan
x[1, 2, 3] = np.inf
y = np.stack([r.permutation(4) for _ in range(3)])  # (3, 4): broadcast over x's first axis
yb = np.broadcast_to(y, x.shape)
fwd = np.take_along_axis(x, yb, -1)
inv = np.empty_like(x)
np.put_along_axis(inv, yb, x, -1)
# x's leading axis of length 1 broadcast against y's (2, 4)
x1 = np.round(r.uniform(-5, 5, size=(1, 4)), 3)
y2 = np.stack([r.permutation(4) for _ in range(2)])
fwd1 = np.take_along_axis(np.broadcast_to(x1, (2, 4)), y2, -1)
nan = lambda a: [[[None if np.isnan(v) else v for v in row] for row in m] for m in a.tolist()]
print(json.dumps({
    "x": nan(x), "y": y.tolist(), "forward": nan(fwd), "inverse": nan(inv),
    "x1": x1.tolist(), "y2": y2.tolist(), "forward1": fwd1.tolist(),
}).replace("Infinity", "1e999"))
