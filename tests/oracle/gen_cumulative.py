#!/usr/bin/env python3
"""tests/oracle/gen_cumulative.py: the oracle for tests/test_cumulative.c:
cumulative_sum, cumulative_product, cumulative_min, cumulative_max (with :axis and
:reverse) and diff (with :order and :axis) on random tensors of every type they take
(spec/functions.md §13).

    python3 tests/oracle/gen_cumulative.py OUTDIR

Integers: exact, Python integers wrapped to the type after every step (the type's
arithmetic). Floats and complex: numpy's cumsum/cumprod/minimum.accumulate/
maximum.accumulate/diff in float64/complex128 on the same (exactly representable)
values, with a tolerance of 2·eps(type)·(running Σ|x|, or n·|product|). Writes
OUTDIR/cumulative_cases.bin, little-endian:

    char magic[8] = "NXCUM01\\n"; u32 ncases; per case:
        char op[24]; char type[12]; u8 rank; i64 dims[rank]; i8 axis; u8 reverse;
        i8 order (diff); u32 n_out
        values: n f64 each (complex: re, im pairs; integers: i64)
        expected: n_out values, then n_out f64 tolerances
"""
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261130
INTS, EPS = nxoracle.INTS, nxoracle.EPS
FLOATS = ["f16", "bf16", "f32", "f64"]
COMPLEX = ["c64", "c128"]


def wrap(v, t):
    signed, bits = INTS[t]
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >= 1 << (bits - 1) else v


def values(rng, t, n, op):
    if t in INTS:
        signed, bits = INTS[t]
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        return [rng.randint(lo, hi) for _ in range(n)]
    if op == "cumulative_product":
        pick = lambda: rng.choice([0.5, 0.75, 1.0, 1.25, 1.5, -1.0])
    else:
        pick = lambda: rng.randint(-64, 64) / 4
    if t in COMPLEX:
        return [complex(pick(), pick()) for _ in range(n)]
    vals = [pick() for _ in range(n)]
    if t in FLOATS and op in ("cumulative_min", "cumulative_max") and rng.random() < 0.3:
        vals[rng.randrange(n)] = float("nan")
    return vals


def scan_ints(op, lane, t):
    out, acc = [], None
    for x in lane:
        if acc is None:
            acc = x
        elif op == "cumulative_sum":
            acc = wrap(acc + x, t)
        elif op == "cumulative_product":
            acc = wrap(acc * x, t)
        elif op == "cumulative_min":
            acc = min(acc, x)
        else:
            acc = max(acc, x)
        out.append(acc)
    return out


def case(rng, op, t):
    rank = rng.randint(1, 3)
    dims = [rng.randint(1, 5) for _ in range(rank)]
    axis = rng.randrange(rank)
    reverse = rng.random() < 0.5
    order = rng.randint(0, 2) if op == "diff" else 0
    if op == "diff":
        dims[axis] = max(dims[axis], order + 1)
    n = int(np.prod(dims))
    vals = values(rng, t, n, op)
    dt = object if t in INTS else np.complex128 if t in COMPLEX else np.float64
    a = np.array(vals, dtype=dt).reshape(dims)
    if op == "diff":
        want = a
        for _ in range(order):
            want = np.diff(want, axis=axis)
            if t in INTS:
                want = np.vectorize(lambda v: wrap(int(v), t), otypes=[object])(want)
        tol = np.zeros(want.shape) if t in INTS else 2.0 * EPS[t] * np.abs(a).max() * (2 ** order)
        tol = np.broadcast_to(tol, want.shape)
    else:
        x = np.flip(a, axis) if reverse else a
        x = np.moveaxis(x, axis, -1)
        if t in INTS:
            want = np.array([scan_ints(op, list(lane), t) for lane in x.reshape(-1, x.shape[-1])],
                            dtype=object).reshape(x.shape)
            tol = np.zeros(x.shape)
        else:
            f = {"cumulative_sum": np.cumsum, "cumulative_product": np.cumprod,
                 "cumulative_min": np.minimum.accumulate, "cumulative_max": np.maximum.accumulate}[op]
            want = f(x, axis=-1)
            if op == "cumulative_sum":
                tol = 2.0 * EPS[t] * np.cumsum(np.abs(x), axis=-1)
            elif op == "cumulative_product":
                tol = 2.0 * EPS[t] * np.arange(1, x.shape[-1] + 1) * np.abs(want)
            else:
                tol = np.zeros(x.shape)
        want = np.moveaxis(want, -1, axis)
        tol = np.moveaxis(tol, -1, axis)
        if reverse:
            want, tol = np.flip(want, axis), np.flip(tol, axis)
    out = op.encode().ljust(24, b"\0") + t.encode().ljust(12, b"\0")
    out += struct.pack("<B", rank) + b"".join(struct.pack("<q", d) for d in dims)
    out += struct.pack("<bBbI", axis, int(reverse), order, want.size)

    def pack(vs):
        if t in INTS:
            return b"".join(struct.pack("<q", wrap(int(v), "s64")) for v in vs)
        if t in COMPLEX:
            return b"".join(struct.pack("<dd", complex(v).real, complex(v).imag) for v in vs)
        return b"".join(struct.pack("<d", float(v)) for v in vs)
    out += pack(list(a.reshape(-1))) + pack(list(np.asarray(want).reshape(-1)))
    out += b"".join(struct.pack("<d", float(v)) for v in np.asarray(tol, dtype=np.float64).reshape(-1))
    return out


def main():
    rng = random.Random(SEED)
    cases = []
    for op in ("cumulative_sum", "cumulative_product", "cumulative_min", "cumulative_max", "diff"):
        types = list(INTS) + FLOATS
        if op in ("cumulative_sum", "cumulative_product", "diff"):
            types += COMPLEX
        for t in types:
            for _ in range(12):
                cases.append(case(rng, op, t))
    nxoracle.write_cases(sys.argv[1], "cumulative_cases.bin", b"NXCUM01\n", cases)


if __name__ == "__main__":
    main()
