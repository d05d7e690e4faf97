# The NumPy side of bench/compare_numpy.ts: a long-lived process that builds each
# workload once and then runs it whenever asked, timing itself, so that Hypatia and
# NumPy are timed in the same run, round by round.
#
# Protocol, one line each way:
#   info                    -> JSON: NumPy's version, its BLAS, the CPU model
#   setup NAME JSON-PARAMS  -> "ok"
#   time NAME               -> milliseconds of one run (perf_counter around the call)
#   check NAME              -> a checksum (float) of a fresh, deterministic run
#   quit                    -> exits
# Any failure answers "error MESSAGE" instead.
#
# The data are the same numbers Hypatia's side makes (bench/compare_numpy.ts, `pseudo`):
# integer arithmetic, exact in float64 on both sides.
import ctypes
import json
import sys
import time

import numpy as np


def pseudo(n, k, scale):
    i = np.arange(n, dtype=np.int64)
    return (((i * 7919 + k * 104729) % 10007) / 10007 - 0.5) * scale


def blas():
    """The BLAS NumPy was built with and, where it can be asked, the one it runs."""
    out = {}
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        out["build"] = {k: deps.get(k) for k in ("name", "version", "openblas configuration")}
    except Exception as e:  # noqa: BLE001 - older NumPy: say so
        out["build"] = f"numpy.show_config gave no BLAS ({e})"
    try:
        from threadpoolctl import threadpool_info

        keys = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
        out["runtime"] = [{k: i.get(k) for k in keys} for i in threadpool_info()]
        out["source"] = "threadpoolctl"
    except ImportError:
        out["runtime"] = openblas_probe()
        out["source"] = "threadpoolctl is not installed; asked the loaded OpenBLAS through ctypes"
    return out


def openblas_probe():
    """Core type and thread count of the OpenBLAS this process loaded (what threadpoolctl asks)."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "openblas" in line and ".so" in line})
    except OSError as e:
        return f"cannot read /proc/self/maps ({e})"
    found = []
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                corename = getattr(lib, prefix + "get_corename" + suffix, None)
                if corename is None:
                    continue
                corename.restype = ctypes.c_char_p
                config = getattr(lib, prefix + "get_config" + suffix)
                config.restype = ctypes.c_char_p
                threads = getattr(lib, prefix + "get_num_threads" + suffix)
                found.append({
                    "library": path,
                    "config": config().decode(),
                    "corename": corename().decode(),
                    "num_threads": threads(),
                })
    return found or "no OpenBLAS library found among the loaded ones"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def logreg(n, feats):
    """The tutorial's step as a NumPy user writes it: the data passed to each call."""
    x = pseudo(n * feats, 4, 2.0).reshape(n, feats)
    y = (pseudo(n, 5, 1.0) > 0).astype(np.float64)
    state = {}

    def reset():
        state["w"], state["b"] = pseudo(feats, 6, 0.02), 0.0

    def step(x, y):
        w, b = state["w"], state["b"]
        p = 1 / (1 + np.exp(-(x @ w) - b))
        xent = -y * np.log(p) - (1 - y) * np.log(1 - p)
        g = (p - y) / len(y)  # d mean(xent) / d (x @ w)
        state["w"] = w - 0.1 * (x.T @ g + 0.02 * w)
        state["b"] = b - 0.1 * g.sum()
        return p > 0.5, xent

    reset()
    return x, y, state, reset, step


def linalg(kind, n):
    """bench/compare_linalg.ts's workloads: A = I + X/n (well conditioned), S = 2I + (X + X^T)/n (SPD)."""
    x = pseudo(n * n, 1, 1.0).reshape(n, n)
    a = np.eye(n) + x / n
    s = 2 * np.eye(n) + (x + x.T) / n
    b = pseudo(n, 3, 1.0)
    ranks = np.arange(1, n + 1)
    runs = {
        "inv": (lambda: np.linalg.inv(a), lambda r: r.sum()),
        "det": (lambda: np.linalg.det(a), lambda r: r),
        "solve": (lambda: np.linalg.solve(a, b), lambda r: r.sum()),
        "cholesky": (lambda: np.linalg.cholesky(s), lambda r: r.sum()),
        "eigh": (lambda: np.linalg.eigh(s), lambda r: (r[0] * ranks).sum()),
        "svd": (lambda: np.linalg.svd(a), lambda r: (r[1] * ranks).sum()),
        "qr": (lambda: np.linalg.qr(a), lambda r: np.abs(r[1]).sum()),
    }
    run, check = runs[kind]
    return run, (lambda: float(check(run())))


def build(name, p):
    """(run, checksum): run() does one timed unit; checksum() a fresh deterministic run."""
    if name.startswith("matmul"):
        dt, n = np.dtype(p["dtype"]), p["n"]
        a = pseudo(n * n, 1, 2.0).reshape(n, n).astype(dt)
        b = pseudo(n * n, 2, 2.0).reshape(n, n).astype(dt)
        return (lambda: a @ b), (lambda: float(np.abs(a @ b).sum(dtype=np.float64)))
    if name == "logistic":
        x = pseudo(p["n"], 3, 8.0).astype(np.float32)
        f = lambda: 1 / (1 + np.exp(-x))  # noqa: E731
        return f, (lambda: float(f().sum(dtype=np.float64)))
    if name == "logisticOut":
        # The same values written into one output array kept between calls (ufuncs' out=).
        x = pseudo(p["n"], 3, 8.0).astype(np.float32)
        buf = np.empty_like(x)

        def f():
            np.negative(x, out=buf)
            np.exp(buf, out=buf)
            np.add(buf, 1, out=buf)
            return np.divide(1, buf, out=buf)

        return f, (lambda: float(f().sum(dtype=np.float64)))
    if name in ("uniform", "normal"):
        rng = np.random.default_rng(12345)
        n = p["n"]
        if name == "uniform":
            f = lambda: rng.random(n, dtype=np.float32)  # noqa: E731
        else:
            f = lambda: rng.standard_normal(n, dtype=np.float32)  # noqa: E731
        return f, (lambda: float(f().mean(dtype=np.float64)))
    if name.startswith("logreg"):
        x, y, state, reset, step = logreg(p["n"], p["feats"])
        steps = p["steps"]

        def run():
            for _ in range(steps):
                step(x, y)

        def check():
            reset()
            for _ in range(5):
                step(x, y)
            return float(state["w"].sum() + state["b"])

        return run, check
    if name in ("rnn", "bptt"):
        n, steps = p["n"], p["steps"]
        W = pseudo(n * n, 7, 2 / np.sqrt(n)).reshape(n, n)
        xs = pseudo(steps * n, 8, 1.0).reshape(steps, n)
        h0 = pseudo(n, 9, 1.0)

        def forward(W, xs, h0):
            H = np.empty((len(xs), len(h0)))
            h = h0
            for t in range(len(xs)):
                h = np.tanh(W @ h + xs[t])
                H[t] = h
            return H

        def bptt(W, xs, h0):
            # gradient of sum(H) with respect to W, by hand
            H = forward(W, xs, h0)
            dW = np.zeros_like(W)
            dh = np.zeros(len(h0))
            for t in range(len(xs) - 1, -1, -1):
                da = (dh + 1.0) * (1 - H[t] * H[t])
                dW += np.outer(da, H[t - 1] if t > 0 else h0)
                dh = W.T @ da
            return dW

        f = (lambda: forward(W, xs, h0)) if name == "rnn" else (lambda: bptt(W, xs, h0))
        return f, (lambda: float(f().sum()))
    if name.startswith("linalg_"):
        return linalg(name[len("linalg_"):], p["n"])
    raise ValueError(f"unknown workload {name!r}")


def main():
    workloads = {}
    for line in sys.stdin:
        cmd, _, rest = line.strip().partition(" ")
        try:
            if cmd == "info":
                reply = json.dumps({"numpy": np.__version__, "blas": blas(), "cpu": cpu_model(),
                                    "python": sys.version.split()[0]})
            elif cmd == "setup":
                name, _, params = rest.partition(" ")
                workloads[name] = build(name, json.loads(params))
                reply = "ok"
            elif cmd == "time":
                run = workloads[rest][0]
                t0 = time.perf_counter()
                run()
                reply = repr((time.perf_counter() - t0) * 1e3)
            elif cmd == "check":
                reply = repr(workloads[rest][1]())
            elif cmd == "quit":
                return
            else:
                reply = f"error unknown command {cmd!r}"
        except Exception as e:  # noqa: BLE001 - reported to the caller, who stops
            reply = f"error {type(e).__name__}: {e}".replace("\n", " ")
        print(reply, flush=True)


main()
