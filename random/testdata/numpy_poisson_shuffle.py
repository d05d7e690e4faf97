"""Values for random/numpy_poisson_test.ts: NumPy's legacy RandomState, seeded as Theano's
RandomStreams(77) seeds its k-th random variable: RandomState(RandomState(77) after k draws .randint(2**30)).
Run: python3 random/testdata/numpy_poisson_shuffle.py > random/testdata/numpy_poisson_shuffle.json
(pyenv python3 with NumPy 2.4)."""
import json
import numpy as np

g = np.random.RandomState(77)
seeds = [int(g.randint(2**30)) for _ in range(6)]
rs = lambda k: np.random.RandomState(seeds[k])
out = {"numpy": np.__version__}
r = rs(0)
out["small"] = [r.poisson(3.5, size=8).tolist(), r.poisson(3.5, size=8).tolist()]
out["large"] = rs(1).poisson(25.0, size=6).tolist()
lam = [[0.5, 12.0, 0.0], [100.0, 1e4, 7.0]]
out["lam_array"] = {"lam": lam, "draws": rs(2).poisson(lam, size=(2, 3)).tolist()}
out["huge"] = rs(3).poisson(1e12, size=3).tolist()
x = np.arange(15, dtype=np.float64).reshape(3, 5) * 1.5
r = rs(4)
perm = np.stack([r.permutation(5) for _ in range(3)])
out["shuffle"] = {"x": x.tolist(), "perm": perm.tolist(), "shuffled": np.take_along_axis(x, perm, 1).tolist()}
r = rs(5)
v = np.array([10.0, 20.0, 30.0, 40.0])
p = r.permutation(4)
out["shuffle_vector"] = {"x": v.tolist(), "perm": p.tolist(), "shuffled": v[p].tolist()}
print(json.dumps(out))
