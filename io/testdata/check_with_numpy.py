# Development check (not run by the tests): NumPy loads the files that
# write_for_numpy.ts wrote and compares them with the same arrays made by NumPy.
#   deno run --allow-write io/testdata/write_for_numpy.ts /tmp/hy && python3 io/testdata/check_with_numpy.py /tmp/hy
import sys
import numpy as np

d = sys.argv[1]
expected = {
    "f8": np.array([[1.5, -2.25, np.pi], [np.inf, -np.inf, np.nan]]),
    "f4": np.array([1.1, -3.4e38, 1e-45, -0.0], dtype="<f4"),
    "i8": np.array([0, -1, 2**53, -2**53, 2**60, -2**62], dtype="<i8"),
    "i4": np.array([[-2**31, 2**31 - 1], [0, -7]], dtype="<i4"),
    "i2": np.array([-32768, 32767, 3], dtype="<i2"),
    "i1": np.array([-128, 127, 0, -1], dtype="i1"),
    "u1": np.array([[0, 255], [128, 7]], dtype="u1"),
    "b1": np.array([[True, False, True]]),
    "scalar": np.float64(3.25),
    "empty": np.zeros((0, 3)),
    "t3": np.arange(24, dtype="<i4").reshape(2, 3, 4),
}

def same(a, e, what):
    e = np.asarray(e)
    assert a.dtype == e.dtype, (what, a.dtype, e.dtype)
    assert a.shape == e.shape, (what, a.shape, e.shape)
    assert a.tobytes() == e.tobytes(), (what, a, e)  # bitwise: NaN, -0.0 included

for k, e in expected.items():
    same(np.load(f"{d}/{k}.npy"), e, k)
for f in ["all.npz", "all_compressed.npz"]:
    with np.load(f"{d}/{f}") as z:
        assert sorted(z.files) == sorted(expected), (f, z.files)
        for k, e in expected.items():
            same(z[k], e, f"{f}:{k}")
with np.load(f"{d}/positional.npz") as z:
    assert z.files == ["arr_0", "arr_1"], z.files
    same(z["arr_0"], expected["f8"], "arr_0")
    same(z["arr_1"], expected["b1"], "arr_1")
import zipfile
for f in ["all.npz", "all_compressed.npz", "positional.npz"]:
    assert zipfile.ZipFile(f"{d}/{f}").testzip() is None, f
print(f"NumPy {np.__version__} read every file in {d} with the expected dtype, shape and bytes")
