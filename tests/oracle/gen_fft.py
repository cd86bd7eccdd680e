#!/usr/bin/env python3
"""tests/oracle/gen_fft.py: the oracle for tests/test_fft.c: fft, ifft, rfft, irfft, fft2
and ifft2 (spec/functions.md §18) against numpy.fft on random tensors (integer, float and
complex inputs; ranks 1-3; every axis; lengths default, :power_of_two, shorter and longer
than the axis).

    python3 tests/oracle/gen_fft.py OUTDIR

Writes OUTDIR/fft_cases.bin, little-endian:

    char magic[8] = "NXFFT01\\n"; u32 ncases; per case:
        char op[8]; char type[12]; u8 rank; i64 dims[rank]; i8 axes[2] (one-axis ops use
        axes[0]); i64 lengths[2] (0: default, -1: :power_of_two); u8 rank_o; i64 dims_o[..]
        f64 tol: max |got - want| allowed, 1e-5 (c64 results) or 1e-12 (c128) times the
            L2 norm of the expected output
        input values (complex pairs of f64, exact in the type), expected values (complex
        pairs; irfft's real output has imaginary parts 0)
"""
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261130
TYPES = ["s32", "u8", "f16", "f32", "f64", "c64", "c128"]
REAL_OUT = {"f16": "f32", "f32": "f32", "f64": "f64", "s32": "f32", "u8": "f32", "c64": "f32", "c128": "f64"}


def values(rng, t, n):
    if t in ("s32", "u8"):
        return [complex(rng.randint(0 if t == "u8" else -9, 9)) for _ in range(n)]
    if t == "f16":
        return [complex(rng.randint(-64, 64) / 8) for _ in range(n)]
    return [complex(v) for v in nxoracle.uniform_values(rng, t, n, 2)]


def pick_length(rng, size):
    r = rng.random()
    if r < 0.4:
        return 0, size
    if r < 0.6:
        p = 1
        while p < size:
            p *= 2
        return -1, p
    n = rng.randint(1, size + 4)
    return n, n


def case(rng, op, t):
    two = op in ("fft2", "ifft2")
    rank = rng.randint(2 if two else 1, 3)
    dims = [rng.randint(1, 7) for _ in range(rank)]
    if op == "irfft":
        t = rng.choice(["c64", "c128", "f32"])
    if op == "rfft" and t in ("c64", "c128"):
        t = "f64"
    n = int(np.prod(dims))
    vals = values(rng, t, n)
    a = np.array(vals, dtype=np.complex128).reshape(dims)
    if two:
        axes = rng.sample(range(rank), 2)
        lens = [pick_length(rng, dims[ax]) for ax in axes]
        f = np.fft.fft2 if op == "fft2" else np.fft.ifft2
        want = f(a, s=[lens[0][1], lens[1][1]], axes=axes)
        lengths = [lens[0][0], lens[1][0]]
    else:
        axes = [rng.randrange(rank), 0]
        size = dims[axes[0]]
        if op == "irfft":
            code = rng.choice([0, rng.randint(1, 2 * size + 2)])
            if code == 0 and size == 1:
                code = 2
            m = code if code else 2 * (size - 1)
            want = np.fft.irfft(a, n=m, axis=axes[0])
        else:
            code, m = pick_length(rng, size)
            if op == "rfft":
                want = np.fft.rfft(a.real, n=m, axis=axes[0])
            else:
                want = (np.fft.fft if op == "fft" else np.fft.ifft)(a, n=m, axis=axes[0])
        lengths = [code, 0]
    real = op == "irfft"
    single = (REAL_OUT[t] if real else ("c64" if t != "f64" and t != "c128" else "c128")) in ("f32", "c64")
    tol = (1e-5 if single else 1e-12) * max(float(np.linalg.norm(want)), 1.0)
    out = op.encode().ljust(8, b"\0") + t.encode().ljust(12, b"\0")
    out += struct.pack("<B", rank) + b"".join(struct.pack("<q", d) for d in dims)
    out += struct.pack("<bb", axes[0], axes[1]) + struct.pack("<qq", *lengths)
    out += struct.pack("<B", want.ndim) + b"".join(struct.pack("<q", d) for d in want.shape)
    out += struct.pack("<d", tol)
    out += b"".join(struct.pack("<dd", v.real, v.imag) for v in a.reshape(-1))
    out += b"".join(struct.pack("<dd", complex(v).real, complex(v).imag) for v in np.asarray(want).reshape(-1))
    return out


def main():
    rng = random.Random(SEED)
    cases = []
    for op in ("fft", "ifft", "rfft", "irfft", "fft2", "ifft2"):
        for t in TYPES:
            for _ in range(10):
                cases.append(case(rng, op, t))
    nxoracle.write_cases(sys.argv[1], "fft_cases.bin", b"NXFFT01\n", cases)


if __name__ == "__main__":
    main()
