"""bench/eager.py: the workloads of bench/eager.c in NumPy and PyTorch (CPU), timed the same
way: warm-up, then the median of up to 51 calls (at least 11, about 1.5 s a workload).
Prints one tab-separated line per workload and type:

    op  dtype  numpy_ms  torch_ms

with "n/a" where PyTorch is not installed. PyTorch runs on --threads threads (default 2,
what nxc's pool uses on this machine); NumPy's element-wise code is single-threaded.
Results are dropped inside the timed region, as nxc frees its scope there.
"""
import argparse
import sys
import time

import numpy as np

try:
    import torch
except ImportError:  # PyTorch is optional: its column reads n/a
    torch = None

N = 1_000_000
SIDE = 2000
ROWS = 1000
MIN_REPS, MAX_REPS, BUDGET = 11, 51, 1.5


def median_ms(fn):
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS and (len(times) < MIN_REPS or time.perf_counter() - start < BUDGET):
        t0 = time.perf_counter()
        r = fn()
        del r
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def numpy_workloads(d):
    x, y, pos, sq, rows, idx = d["x"], d["y"], d["pos"], d["sq"], d["rows"], d["idx"]

    def softmax():
        e = np.exp(rows - rows.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return {
        "add": lambda: x + y,
        "multiply": lambda: x * y,
        "exp": lambda: np.exp(x),
        "log": lambda: np.log(pos),
        "tanh": lambda: np.tanh(x),
        "sum": lambda: x.sum(),
        "sum_axis0": lambda: sq.sum(axis=0),
        "argmax": lambda: x.argmax(),
        "transpose": lambda: np.ascontiguousarray(sq.T),  # nxc materialises; so must NumPy
        "slice_concat": lambda: np.concatenate([x[N // 2:], x[: N // 2]]),
        "sort": lambda: np.sort(x),
        "gather": lambda: x[idx],
        "softmax": softmax,
        "sum_axis1": lambda: sq.sum(axis=1),
    }


def torch_workloads(d):
    x, y, pos, sq, rows = (torch.from_numpy(d[k]) for k in ("x", "y", "pos", "sq", "rows"))
    idx = torch.from_numpy(d["idx"])

    def softmax():  # the same composite; torch.softmax (fused) is printed apart
        e = torch.exp(rows - rows.amax(dim=1, keepdim=True))
        return e / e.sum(dim=1, keepdim=True)

    return {
        "add": lambda: x + y,
        "multiply": lambda: x * y,
        "exp": lambda: torch.exp(x),
        "log": lambda: torch.log(pos),
        "tanh": lambda: torch.tanh(x),
        "sum": lambda: x.sum(),
        "sum_axis0": lambda: sq.sum(dim=0),
        "argmax": lambda: x.argmax(),
        "transpose": lambda: sq.t().contiguous(),
        "slice_concat": lambda: torch.cat([x[N // 2:], x[: N // 2]]),
        "sort": lambda: torch.sort(x).values,
        "gather": lambda: x[idx],
        "softmax": softmax,
        "sum_axis1": lambda: sq.sum(dim=1),
        "softmax_fused": lambda: torch.softmax(rows, dim=1),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("only", nargs="?", help="one workload by name")
    args = ap.parse_args()
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads", file=sys.stderr)
    print(f"# numpy {np.__version__}", file=sys.stderr)
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        name = "f32" if dtype == np.float32 else "f64"
        d = {
            "x": rng.uniform(-1, 1, N).astype(dtype),
            "y": rng.uniform(-1, 1, N).astype(dtype),
            "pos": rng.uniform(0.5, 2, N).astype(dtype),
            "sq": rng.uniform(-1, 1, (SIDE, SIDE)).astype(dtype),
            "rows": rng.uniform(-4, 4, (ROWS, N // ROWS)).astype(dtype),
            "idx": rng.integers(0, N, N, dtype=np.int64),
        }
        nw = numpy_workloads(d)
        tw = torch_workloads(d) if torch is not None else {}
        for op in list(nw) + [k for k in tw if k not in nw]:
            if args.only and op != args.only:
                continue
            n_ms = f"{median_ms(nw[op]):.4f}" if op in nw else "n/a"
            t_ms = f"{median_ms(tw[op]):.4f}" if op in tw else "n/a"
            print(f"{op}\t{name}\t{n_ms}\t{t_ms}", flush=True)


if __name__ == "__main__":
    main()
