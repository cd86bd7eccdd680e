#!/usr/bin/env python3
"""tests/oracle/gen_linalg_derived.py: the oracle for tests/test_linalg_derived.c: the
derived Nx.LinAlg functions (spec/linalg.md §2.1, §2.11-2.15) against NumPy on random
inputs: norm (every :ord, :axes and :keep_axes, integer, float and complex types) against
numpy.linalg.norm (or the NumPy reduction the spec's table names where Nx's meaning
differs: ord 2 of a matrix is Frobenius; :inf/±1 with :keep_axes keep a rank-1 shape),
matrix_power against numpy.linalg.matrix_power (batched; negative powers of
well-conditioned matrices), pinv / matrix_rank / least_squares against numpy.linalg.pinv /
matrix_rank / lstsq (f32 and f64, integers; pinv batched), adjoint against the
conjugate transpose of the last two axes.

    python3 tests/oracle/gen_linalg_derived.py OUTDIR

Writes OUTDIR/linalg_derived_cases.bin, little-endian:

    char magic[8] = "NXLAD01\\n"; u32 ncases; per case:
        char op[16]; i64 params[6]
            norm: ord kind (nx_norm_ord: 0 default, 1 p, 2 frobenius, 3 nuclear, 4 inf,
                  5 neg_inf), p, keep_axes, number of axes (-1: not given), axis 0, axis 1
            matrix_power: power; the others: unused
        u8 ninputs; per input: char type[8]; u8 rank; i64 dims[rank];
            values as complex pairs of f64 (exact in the type)
        char out_type[8]; u8 rank; i64 dims[rank]; f64 rtol; f64 atol;
            expected values as complex pairs of f64
    An element passes when |got - want| <= atol + rtol * |want|.
"""
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20260311
ORD = {"default": 0, "p": 1, "frobenius": 2, "nuclear": 3, "inf": 4, "neg_inf": 5}
REAL = {"u8": "f32", "s32": "f32", "s64": "f32", "f16": "f16", "bf16": "bf16", "f32": "f32",
        "f64": "f64", "c64": "f32", "c128": "f64"}
FLOATING = {"u8": "f32", "s32": "f32", "s64": "f32", "f16": "f16", "bf16": "bf16", "f32": "f32",
            "f64": "f64", "c64": "c64", "c128": "c128"}
# Relative error of one rounding in each output type, times a small factor for the few
# roundings the composition makes.
RTOL = {"f16": 1e-2, "bf16": 5e-2, "f32": 5e-6, "f64": 1e-13, "c64": 5e-6, "c128": 1e-13}


def values(rng, t, n):
    """n values exactly representable in t."""
    if t == "u8":
        return [complex(rng.randint(0, 9)) for _ in range(n)]
    if t in ("s32", "s64"):
        return [complex(rng.randint(-9, 9)) for _ in range(n)]
    if t in ("f16", "bf16"):
        return [complex(rng.randint(-32, 32) / 8) for _ in range(n)]
    return [complex(v) for v in nxoracle.uniform_values(rng, t, n, 3)]


def rounded(a, t):
    """a rounded to t's precision (f32 and c64 only; others are generated exact)."""
    if t in ("f32", "c64"):
        return a.astype(np.complex64).astype(np.complex128)
    return a


def tensor(t, a):
    a = np.asarray(a, dtype=np.complex128)
    out = t.encode().ljust(8, b"\0") + struct.pack("<B", a.ndim)
    out += b"".join(struct.pack("<q", d) for d in a.shape)
    return out + b"".join(struct.pack("<dd", v.real, v.imag) for v in a.reshape(-1))


def record(op, params, inputs, out_type, want, rtol, atol):
    params = list(params) + [0] * (6 - len(params))
    out = op.encode().ljust(16, b"\0") + struct.pack("<6q", *params)
    out += struct.pack("<B", len(inputs)) + b"".join(tensor(t, a) for t, a in inputs)
    return out + out_type.encode().ljust(8, b"\0") + expected(want, rtol, atol)


def expected(want, rtol, atol):
    want = np.asarray(want, dtype=np.complex128)
    out = struct.pack("<B", want.ndim) + b"".join(struct.pack("<q", d) for d in want.shape)
    out += struct.pack("<dd", rtol, atol)
    return out + b"".join(struct.pack("<dd", v.real, v.imag) for v in want.reshape(-1))


def scaled(tol, want):
    """An absolute tolerance for matrix products: tol times the largest expected value."""
    return tol * max(1.0, float(np.max(np.abs(want), initial=0.0)))


# ---------------------------------------------------------------- norm

def norm_want(x, kind, p, axes, keep):
    """Nx's norm (spec table) through NumPy; x complex128 holding the exact input."""
    rank = x.ndim
    ax = None if axes is None else tuple(axes)
    a = np.abs(x)
    if kind == "nuclear":
        return np.linalg.norm(x, "nuc")
    if kind in ("inf", "neg_inf"):
        red = np.max if kind == "inf" else np.min
        v = a if rank == 1 else np.sum(a, axis=1)
        want = red(v, axis=ax, keepdims=keep)
        if rank == 2 and ax is None and not keep:
            assert np.isclose(want, np.linalg.norm(x, np.inf if kind == "inf" else -np.inf))
        return want
    if kind == "p" and rank == 2 and p in (1, -1):
        want = (np.max if p == 1 else np.min)(np.sum(a, axis=0), axis=ax, keepdims=keep)
        if ax is None and not keep:
            assert np.isclose(want, np.linalg.norm(x, p))
        return want
    if kind == "p" and rank == 2 and p == -2:
        return np.min(np.linalg.svd(x, compute_uv=False), axis=ax, keepdims=keep)
    if kind == "p" and rank == 1 and p == 0:
        return np.linalg.norm(x, 0, axis=0, keepdims=keep)
    q = 2 if kind != "p" else p
    if rank == 2 and (ax is None or len(ax) == 2):
        return np.linalg.norm(x, "fro", axis=(0, 1), keepdims=keep)   # ord 2 of a matrix: Frobenius
    if ax is None:
        return np.linalg.norm(x, q, keepdims=keep)
    return np.linalg.norm(x, q, axis=ax[0], keepdims=keep)


def norm_cases(rng):
    out = []
    kinds1 = [("default", 0), ("inf", 0), ("neg_inf", 0)] + [("p", p) for p in (0, 1, -1, 2, -2, 3, -3, 4)]
    kinds2 = [("default", 0), ("frobenius", 0), ("inf", 0), ("neg_inf", 0)] + \
             [("p", p) for p in (1, -1, 2)]
    for t in ("u8", "s32", "s64", "f16", "bf16", "f32", "f64", "c64", "c128"):
        for rank, kinds in ((1, kinds1), (2, kinds2)):
            for kind, p in kinds:
                for keep in (False, True):
                    dims = [rng.randint(1, 6) for _ in range(rank)]
                    choices = [None, [0]] if rank == 1 else [None, [0], [1], [0, 1], [1, 0]]
                    if kind in ("inf", "neg_inf") or (rank == 2 and p in (1, -1)):
                        choices = [None, [0]]   # axes of the rank-1 row/column sums
                    axes = rng.choice(choices)
                    x = np.array(values(rng, t, int(np.prod(dims))), dtype=np.complex128).reshape(dims)
                    if kind == "p" and p < 0:
                        x[np.abs(x) < 1] = 1   # keeps negative p-norms finite, and in range in f16
                    want = norm_want(x, kind, p, axes, keep)
                    naxes = -1 if axes is None else len(axes)
                    ax = (axes or []) + [0, 0]
                    out.append(record("norm", [ORD[kind], p, int(keep), naxes, ax[0], ax[1]], [(t, x)],
                                      REAL[t], want, RTOL[REAL[t]], RTOL[REAL[t]]))
    # the thin-SVD norms of matrices (no complex: svd rejects it)
    for t in ("s32", "f32", "f64"):
        for kind, p in (("nuclear", 0), ("p", -2)):
            for keep in (False, True):
                m, n = rng.randint(1, 5), rng.randint(1, 5)
                x = well_conditioned(rng, m, n, t)
                want = norm_want(x, kind, p, None, keep and kind != "nuclear")
                # thin SVD by the Gram method (spec §2.9) squares the condition number
                tol = 1e-3 if REAL[t] == "f32" else 1e-10
                out.append(record("norm", [ORD[kind], p, int(keep), -1, 0, 0], [(t, x)], REAL[t], want, tol, tol))
    return out


# ---------------------------------------------------------------- matrices

def well_conditioned(rng, m, n, t, batch=()):
    """Singular values in [1, 3] (integers: a random integer matrix with full rank and a
    modest condition number)."""
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    if t in ("s32", "s64", "u8"):
        while True:
            x = nrng.integers(-4 if t != "u8" else 0, 5, size=batch + (m, n)).astype(np.float64)
            s = np.linalg.svd(x, compute_uv=False)
            if np.all(s.min(axis=-1) > 0.5) and np.all(s.max(axis=-1) / s.min(axis=-1) < 20):
                return x.astype(np.complex128)
    k = min(m, n)
    u = np.linalg.qr(nrng.standard_normal(batch + (m, k)))[0]
    v = np.linalg.qr(nrng.standard_normal(batch + (n, k)))[0]
    s = nrng.uniform(1, 3, size=batch + (k,))
    x = (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)
    return rounded(x.astype(np.complex128), t)


def matrix_power_cases(rng):
    out = []
    for t in ("s32", "s64", "f32", "f64", "c64", "c128"):
        for power in (0, 1, 2, 3, 5, 6, 7, -1, -2, -3):
            if power < 0 and t in ("s64",):
                continue
            batch = rng.choice([(), (2,), (2, 2)])
            n = rng.randint(1, 4)
            if t in ("s32", "s64"):
                x = np.array(values(rng, "s32", int(np.prod(batch + (n, n)))), dtype=np.complex128)
                x = np.clip(x.real, -2, 2).astype(np.complex128).reshape(batch + (n, n))
                if power < 0:
                    x = well_conditioned(rng, n, n, t, batch)
            else:
                nrng = np.random.default_rng(rng.randrange(1 << 30))
                x = np.eye(n) + 0.3 * nrng.standard_normal(batch + (n, n))
                if t in ("c64", "c128"):
                    x = x + 0.3j * nrng.standard_normal(batch + (n, n))
                x = rounded(x.astype(np.complex128), t)
            want = np.linalg.matrix_power(x, power)
            if power == 0:
                ot, rtol, atol = "s32", 0.0, 0.0
            elif power > 0:
                ot = t
                rtol = 0.0 if t in ("s32", "s64") else RTOL[t] * 20
                atol = scaled(rtol, want)
            else:
                ot = FLOATING[t] if t not in ("s32", "s64") else "f32"
                rtol = 1e-3 if ot in ("f32", "c64") else 1e-10
                atol = scaled(rtol, want)
            out.append(record("matrix_power", [power], [(t, x)], ot, want, rtol, atol))
    return out


def pinv_cases(rng):
    out = []
    for t in ("s32", "f32", "f64"):
        ft = FLOATING[t]
        tol = 1e-3 if ft == "f32" else 1e-10
        for rank in (0, 1, 2, 2, 2, 3):
            for zero in (False, True):
                if rank == 0:
                    x = np.array(values(rng, t, 1)[0] or 1)
                elif rank == 1:
                    x = np.array(values(rng, t, rng.randint(1, 5)), dtype=np.complex128)
                    if not x.any():
                        x[0] = 1
                else:
                    batch = (2,) if rank == 3 else ()
                    x = well_conditioned(rng, rng.randint(1, 4), rng.randint(1, 4), t, batch)
                if zero:
                    x = np.zeros_like(x)
                if rank == 0:
                    want = np.array(0 if zero else 1 / x)
                elif rank == 1:
                    want = x.conj() / max(np.vdot(x, x).real, 1e-300) if not zero else x
                else:
                    want = np.linalg.pinv(x)
                out.append(record("pinv", [], [(t, x)], ft, want, tol, scaled(tol, want)))
    return out


def matrix_rank_cases(rng):
    out = []
    for t in ("s32", "f32", "f64"):
        for _ in range(6):
            m, n = rng.randint(1, 6), rng.randint(1, 6)
            r = rng.randint(0, min(m, n))
            nrng = np.random.default_rng(rng.randrange(1 << 30))
            x = nrng.integers(-1, 2, size=(m, r)) @ nrng.integers(-1, 2, size=(r, n))
            x = x.astype(np.complex128)
            want = np.linalg.matrix_rank(x.real)
            out.append(record("matrix_rank", [], [(t, x)], "u32", want, 0.0, 0.0))
    return out


def least_squares_cases(rng):
    out = []
    for t, bt in (("s32", "s32"), ("s32", "f32"), ("f32", "f32"), ("f64", "f64"), ("f32", "f64")):
        for _ in range(4):
            m, n = rng.randint(1, 5), rng.randint(1, 5)
            a = well_conditioned(rng, m, n, t)
            b = np.array(values(rng, bt if bt != "s32" else "s32", m), dtype=np.complex128)
            b = rounded(b, bt)
            want = np.linalg.lstsq(a.real, b.real, rcond=None)[0]
            ot = "f64" if "f64" in (t, bt) else "f32"
            tol = 1e-10 if t == "f64" else 1e-3   # pinv(a) is computed in a's float type
            out.append(record("least_squares", [], [(t, a), (bt, b)], ot, want, tol, scaled(tol, want)))
    return out


def adjoint_cases(rng):
    out = []
    for t in ("u8", "s32", "f16", "f32", "f64", "c64", "c128"):
        for rank in range(5):
            dims = [rng.randint(1, 4) for _ in range(rank)]
            x = np.array(values(rng, t, int(np.prod(dims))), dtype=np.complex128).reshape(dims)
            want = np.swapaxes(x, -1, -2) if rank >= 2 else x
            if t.startswith("c"):
                want = want.conj()
            out.append(record("adjoint", [], [(t, x)], t, want, 0.0, 0.0))
    return out


def main():
    np.seterr(all="ignore")   # negative p-norms divide by zero on purpose
    rng = random.Random(SEED)
    cases = (norm_cases(rng) + matrix_power_cases(rng) + pinv_cases(rng) + matrix_rank_cases(rng) +
             least_squares_cases(rng) + adjoint_cases(rng))
    nxoracle.write_cases(sys.argv[1], "linalg_derived_cases.bin", b"NXLAD01\n", cases)


if __name__ == "__main__":
    main()
