"""bench/linalg.py: the workloads of bench/linalg.c in numpy.linalg (qr reduced, cholesky,
eigh, svd with full matrices, solve with a vector), timed the same way (warm-up, then the
median of 3 to 21 calls, about 1 s a workload). Prints one tab-separated line each:

    op  n  numpy_ms

With --join NXC_TSV... -- PY_TSV..., prints instead the markdown table of bench/RESULTS.md
from rounds of both programs (each number the median over its rounds).
"""
import statistics
import sys
import time

import numpy as np

MIN_REPS, MAX_REPS, BUDGET = 3, 21, 1.0


def median_ms(fn):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS and (len(times) < MIN_REPS or time.perf_counter() - start < BUDGET):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def bench():
    rng = np.random.default_rng(1)
    for n in (256, 1024):
        a = rng.uniform(-1, 1, (n, n))
        spd = a @ a.T + n * np.eye(n)
        b = rng.uniform(-1, 1, n)
        work = {
            "qr": lambda: np.linalg.qr(a),
            "cholesky": lambda: np.linalg.cholesky(spd),
            "eigh": lambda: np.linalg.eigh(spd),
            "svd": lambda: np.linalg.svd(a),
            "solve": lambda: np.linalg.solve(a, b),
        }
        for op, fn in work.items():
            print(f"{op}\t{n}\t{median_ms(fn):.4f}", flush=True)


def join(nxc_files, py_files):
    def read(files, col):
        vals = {}
        for f in files:
            for line in open(f):
                p = line.split("\t")
                vals.setdefault((p[0], p[1]), []).append(float(p[col]))
        return {k: statistics.median(v) for k, v in vals.items()}
    nxc, py = read(nxc_files, 2), read(py_files, 2)
    print("| op | n | nxc ms | NumPy ms | NumPy / nxc |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for key in nxc:
        print(f"| {key[0]} | {key[1]} | {nxc[key]:.2f} | {py[key]:.2f} | {py[key] / nxc[key]:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--join":
        cut = sys.argv.index("--")
        join(sys.argv[2:cut], sys.argv[cut + 1:])
    else:
        bench()
