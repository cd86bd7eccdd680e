"""bench/products.py: the workloads of bench/products.c in NumPy and PyTorch (CPU), timed
the same way (warm-up, then the median of 5 to 51 calls, about 2 s a workload). Prints
one tab-separated line per workload:

    op  dtype  numpy_ms  torch_ms

with "n/a" where a library has no such operation (NumPy has no convolution or pooling)
or PyTorch is not installed.
"""
import argparse
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # optional: its column reads n/a
    torch = None

MIN_REPS, MAX_REPS, BUDGET = 5, 51, 2.0


def median_ms(fn):
    time.sleep(0.25)   # as bench/products.c: each workload starts on a quiet process
    for _ in range(2):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS and (len(times) < MIN_REPS or time.perf_counter() - start < BUDGET):
        t0 = time.perf_counter()
        r = fn()
        del r
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def row(op, dt, np_fn, torch_fn):
    a = median_ms(np_fn) if np_fn else None
    b = median_ms(torch_fn) if torch_fn and torch is not None else None
    fmt = lambda v: "n/a" if v is None else f"{v:.4f}"
    print(f"{op}\t{dt}\t{fmt(a)}\t{fmt(b)}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if torch is not None:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(1)
    for dt, npt in (("f32", np.float32), ("f64", np.float64)):
        tt = None if torch is None else (torch.float32 if dt == "f32" else torch.float64)
        for n in (64, 256, 1024, 2048):
            a = rng.uniform(-1, 1, (n, n)).astype(npt)
            b = rng.uniform(-1, 1, (n, n)).astype(npt)
            ta, tb = (torch.from_numpy(a), torch.from_numpy(b)) if torch is not None else (None, None)
            row(f"dot_{n}", dt, lambda: a @ b, lambda: ta @ tb)
    for dt, npt in (("f32", np.float32), ("f64", np.float64)):
        a = rng.uniform(-1, 1, (64, 128, 128)).astype(npt)
        b = rng.uniform(-1, 1, (64, 128, 128)).astype(npt)
        x = rng.uniform(-1, 1, (32, 3, 32, 32)).astype(npt)
        k = rng.uniform(-1, 1, (32, 3, 3, 3)).astype(npt)
        w = rng.uniform(-1, 1, (16, 64, 32, 32)).astype(npt)
        c = rng.uniform(-1, 1, 1_000_000).astype(npt)
        t = (lambda v: torch.from_numpy(v)) if torch is not None else (lambda v: None)
        ta, tb, tx, tk, tw, tc = t(a), t(b), t(x), t(k), t(w), t(c)
        row("batched_dot_64x128", dt, lambda: np.matmul(a, b), lambda: torch.bmm(ta, tb))
        row("conv2d_32x3x32x32_k32x3x3", dt, None, lambda: F.conv2d(tx, tk, padding=1))
        for ci, co, hw in ((16, 32, 32), (64, 64, 16)):
            dx = t(rng.uniform(-1, 1, (32, ci, hw, hw)).astype(npt))
            dk = t(rng.uniform(-1, 1, (co, ci, 3, 3)).astype(npt))
            row(f"conv2d_32x{ci}x{hw}x{hw}_k{co}x3x3", dt, None,
                lambda dx=dx, dk=dk: F.conv2d(dx, dk, padding=1))
        row("window_max_2x2", dt, lambda: w.reshape(16, 64, 16, 2, 16, 2).max(axis=(3, 5)),
            lambda: F.max_pool2d(tw, 2))
        row("cumulative_sum_1M", dt, lambda: np.cumsum(c), lambda: torch.cumsum(tc, 0))
    m = rng.uniform(-1, 1, (256, 256)).astype(np.float32)
    v = rng.uniform(-1, 1, 1_000_000).astype(np.float32)
    tm, tv = (torch.from_numpy(m), torch.from_numpy(v)) if torch is not None else (None, None)
    row("mixed_dot256_tanh1M", "f32", lambda: (m @ m, np.tanh(v)), lambda: (tm @ tm, torch.tanh(tv)))
    z = (rng.uniform(-1, 1, 1 << 20) + 0j).astype(np.complex64)
    tz = torch.from_numpy(z) if torch is not None else None
    row("fft_2^20", "c64", lambda: np.fft.fft(z), lambda: torch.fft.fft(tz))


if __name__ == "__main__":
    main()
