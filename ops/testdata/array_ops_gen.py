"""Development-time only: makes ops/testdata/array_ops_ref.ts, NumPy's answers for the shape
and array ops of issue 16 (take, sort, argsort, repeat, tile, roll, diagonal, diag, trace,
ptp, nonzero, choose, mgrid/ogrid, batched tensordot). The tests never run Python.

  python3 ops/testdata/array_ops_gen.py > ops/testdata/array_ops_ref.ts   (pyenv python3, NumPy 2.4)
"""
import numpy as np

nan, inf = np.nan, np.inf


def js(v):
    v = float(v)
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0" if np.signbit(v) else "0"
    return repr(v)


def arr(a):
    a = np.asarray(a)
    return '{ shape: [%s], data: numbers("%s") }' % (", ".join(str(d) for d in a.shape),
                                                     " ".join(js(v) for v in a.ravel()))


def case(name, **kw):
    parts = []
    for k, v in kw.items():
        if isinstance(v, np.ndarray):
            parts.append(f"{k}: {arr(v)}")
        elif v is None:
            parts.append(f"{k}: null")
        elif isinstance(v, (list, tuple)):
            parts.append(f"{k}: {list(v)!r}")
        elif isinstance(v, str):
            parts.append(f'{k}: "{v}"')
        else:
            parts.append(f"{k}: {v!r}")
    print(f"  {name}: {{ {', '.join(parts)} }},")


rng = np.random.default_rng(16)
A = np.round(rng.normal(size=(3, 4, 5)), 3)
E = np.array([3.0, nan, -inf, 1.0, -0.0, 0.0, nan, inf, -2.0, 1.0])

print(f"// Made by ops/testdata/array_ops_gen.py with NumPy {np.__version__}; do not edit.")
print('const numbers = (s: string): number[] => s === "" ? [] : s.split(" ").map(Number);')
print("/** Inputs and NumPy's outputs. */")
print("export const REF = {")
print(f"  A: {arr(A)},")
print(f"  E: {arr(E)},")
# take
I = np.array([[2, -1], [0, 3]])
for ax in [0, 1, 2, -1]:
    n = A.shape[ax]
    idx = np.array([[1 % n, -1], [0, n - 1]])
    case(f"take_axis{ax}".replace("-", "m"),
         idx=idx, out=np.take(A, idx, axis=ax), axis=ax)
case("take_flat", idx=np.array([0, 59, -60, 7]), out=np.take(A, [0, 59, -60, 7]))
case("take_wrap", idx=np.array([7, -9, 4]), out=np.take(A, [7, -9, 4], axis=1, mode="wrap"))
case("take_clip", idx=np.array([7, -9, 2]), out=np.take(A, [7, -9, 2], axis=1, mode="clip"))
# sort / argsort (stable, NaN last)
case("sort_E", out=np.sort(E, kind="stable"))
case("argsort_E", out=np.argsort(E, kind="stable"))
for ax in [0, 1, 2]:
    case(f"sort_A{ax}", out=np.sort(A, axis=ax, kind="stable"))
    case(f"argsort_A{ax}", out=np.argsort(A, axis=ax, kind="stable"))
case("sort_Anull", out=np.sort(A, axis=None, kind="stable"))
case("argsort_Anull", out=np.argsort(A, axis=None, kind="stable"))
# repeat
M = np.arange(6.0).reshape(2, 3)
case("repeat_scalar_flat", out=np.repeat(M, 2))
case("repeat_scalar_axis1", out=np.repeat(M, 3, axis=1))
case("repeat_counts_axis0", counts=np.array([1, 3]), out=np.repeat(M, [1, 3], axis=0))
case("repeat_counts_axis1", counts=np.array([0, 2, 1]), out=np.repeat(M, [0, 2, 1], axis=1))
case("repeat_counts_flat", counts=np.array([1, 0, 2, 0, 1, 3]), out=np.repeat(M, [1, 0, 2, 0, 1, 3]))
# tile
case("tile_2", out=np.tile(M, 2))
case("tile_2_1_3", out=np.tile(M, (2, 1, 3)))
case("tile_3_2", out=np.tile(M, (3, 2)))
# roll
case("roll_flat_4", out=np.roll(M, 4))
case("roll_flat_m1", out=np.roll(M, -1))
case("roll_axis1_2", out=np.roll(M, 2, axis=1))
case("roll_axis0_m3", out=np.roll(M, -3, axis=0))
case("roll_A_axis2_7", out=np.roll(A, 7, axis=2))
# diagonal, diag, trace
for off in [0, 1, -1, 3, -3, 5]:
    o = str(off).replace("-", "m")
    case(f"diagonal_A_{o}", out=np.diagonal(A, off, 1, 2))
    case(f"diagonal_A02_{o}", out=np.diagonal(A, off, 0, 2))
    case(f"diagonal_A20_{o}", out=np.diagonal(A, off, 2, 0))
    case(f"diag_M_{o}", out=np.diag(A[0], off))
    case(f"diag_v_{o}", out=np.diag(A[0, 0], off))
    case(f"trace_M_{o}", out=np.array(np.trace(A[0], off)))
# ptp
case("ptp_all", out=np.array(np.ptp(A)))
case("ptp_axis1", out=np.ptp(A, axis=1))
case("ptp_E", out=np.array(np.ptp(E)))
# nonzero
Z = np.array([[0.0, 1.5, 0.0], [nan, 0.0, -2.0]])
case("Z", z=Z)
case("nonzero_Z", out=np.array(np.nonzero(Z)))
case("nonzero_values_Z", out=Z[np.nonzero(Z)])
# choose
C = np.array([[0, 2, 1], [1, 0, 2]])
c0, c1, c2 = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3), np.array([10.0, 20.0, 30.0])
case("choose_idx", idx=C, c0=c0, c1=c1, c2=c2, out=np.choose(C, [c0, c1, c2]))
case("choose_wrap", idx=np.array([[3, -1, 4], [5, 0, -2]]), out=np.choose(np.array([[3, -1, 4], [5, 0, -2]]), [c0, c1, c2], mode="wrap"))
case("choose_clip", idx=np.array([[3, -1, 4], [5, 0, -2]]), out=np.choose(np.array([[3, -1, 4], [5, 0, -2]]), [c0, c1, c2], mode="clip"))
# mgrid / ogrid
case("mgrid", out=np.mgrid[0:3, 1:7:2])
case("mgrid_float", out=np.mgrid[0:1:0.25])
og = np.ogrid[0:3, 1:7:2]
case("ogrid0", out=og[0])
case("ogrid1", out=og[1])
# batched tensordot: x (2, 3, 4, 5), y (2, 5, 4, 6) summing x axes (2, 3) with y axes (2, 1)
X = np.round(rng.normal(size=(2, 3, 4, 5)), 3)
Y = np.round(rng.normal(size=(2, 5, 4, 6)), 3)
case("btd_x", x=X)
case("btd_y", y=Y)
case("btd_axes", out=np.einsum("bijk,bkjl->bil", X, Y))
Y2 = np.round(rng.normal(size=(2, 4, 5, 6)), 3)
case("btd_y2", y=Y2)
case("btd_int2", out=np.einsum("bijk,bjkl->bil", X, Y2))
print("};")
