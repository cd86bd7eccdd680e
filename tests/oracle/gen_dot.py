#!/usr/bin/env python3
"""tests/oracle/gen_dot.py: the oracle for tests/test_dot.c: Nx.dot/6 on random tensors of
every type the CPU kernel takes, with contraction axes in every position and order, batch
axes, size-1 dimensions and vectorized operands (spec/functions.md §17,
shapes-and-names.md §6.2).

    python3 tests/oracle/gen_dot.py OUTDIR

Expected values come from numpy.einsum in uint64 (wrapping modulo 2^64, then wrapped to
the integer type) or float64/complex128 (floats). Writes
OUTDIR/dot_cases.bin, little-endian:

    char magic[8] = "NXDOT01\\n"; u32 ncases; per case:
        char type[12]; u8 nv (leading vectorized axes of both operands, named v0, v1)
        u8 rank_a; i64 dims_a[rank_a]; u8 rank_b; i64 dims_b[rank_b]   (all axes)
        u8 nc; u8 ca[nc]; u8 cb[nc]; u8 nb   (contraction axes of the inner shapes,
            paired; batch axes [0, nb) on both sides)
        u8 rank_o; i64 dims_o[rank_o]
        a, b: values stored as f64 (complex: re, im pairs), exact in `type`
        want: f64 values (complex pairs), then per output element f64 tol:
            |got - want| <= tol (0: exact; floats: 2·eps(type)·K·Σ|a·b| for K summed
            terms, enough for any summation order).
"""
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261130
INTS = {"u8": (0, 8), "u16": (0, 16), "u32": (0, 32), "u64": (0, 64),
        "s8": (1, 8), "s16": (1, 16), "s32": (1, 32), "s64": (1, 64)}
EPS = nxoracle.EPS
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def wrap(v, signed, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >= 1 << (bits - 1) else v


def values(rng, t, n):
    if t in INTS:
        signed, bits = INTS[t]
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        return [rng.randint(lo, hi) if rng.random() < 0.3 else rng.randint(max(lo, -20), min(hi, 20)) for _ in range(n)]
    if t in ("f16", "bf16"):   # small integers and halves: exact in both
        return [rng.randint(-16, 16) / 2 for _ in range(n)]
    return nxoracle.uniform_values(rng, t, n, 4)


def case(rng, t, matrix=None):
    """matrix=(m, k, n): the plain product of an m x k and a k x n matrix instead."""
    nv = 0 if matrix else rng.choice([0, 0, 0, 1, 2])
    vd = [rng.randint(1, 3) for _ in range(nv)]
    nb = 0 if matrix else rng.choice([0, 0, 1, 2])
    nc = 1 if matrix else rng.randint(0, 2)
    bd = [rng.randint(1, 3) for _ in range(nb)]
    cd = [matrix[1]] if matrix else [rng.randint(1, 5) for _ in range(nc)]
    fa = [matrix[0]] if matrix else [rng.randint(1, 4) for _ in range(rng.randint(0, 2))]
    fb = [matrix[2]] if matrix else [rng.randint(1, 4) for _ in range(rng.randint(0, 2))]
    # Inner axis layouts: batch first, then contraction and free axes shuffled.
    def layout(free):
        rest = [("c", i) for i in range(nc)] + [("f", i) for i in range(len(free))]
        rng.shuffle(rest)
        return [("b", i) for i in range(nb)] + rest
    la, lb = layout(fa), layout(fb)
    if matrix:
        la, lb = [("f", 0), ("c", 0)], [("c", 0), ("f", 0)]
    size = {"b": bd, "c": cd}
    dims_a = [size[k][i] if k != "f" else fa[i] for k, i in la]
    dims_b = [size[k][i] if k != "f" else fb[i] for k, i in lb]
    # Each operand has every vectorized axis, some of size 1 (broadcast).
    va = [d if rng.random() < 0.8 else 1 for d in vd]
    vb = [d if rng.random() < 0.8 else 1 for d in vd]
    vd = [max(x, y) for x, y in zip(va, vb)]   # the vectorized sizes of the result
    full_a, full_b = va + dims_a, vb + dims_b
    na, nbn = int(np.prod(full_a)), int(np.prod(full_b))
    xa, xb = values(rng, t, na), values(rng, t, nbn)
    # einsum subscripts: vectorized v*, batch B*, contraction C*, free a*/b*.
    sym = iter(LETTERS)
    vs = [next(sym) for _ in range(nv)]
    bs = [next(sym) for _ in range(nb)]
    cs = [next(sym) for _ in range(nc)]
    fas = [next(sym) for _ in fa]
    fbs = [next(sym) for _ in fb]
    def sub(lay, fs):
        return "".join(bs[i] if k == "b" else cs[i] if k == "c" else fs[i] for k, i in lay)
    ea, eb = "".join(vs) + sub(la, fas), "".join(vs) + sub(lb, fbs)
    # Free axes come out in the order they have in their operand.
    free_a = [i for k, i in la if k == "f"]
    free_b = [i for k, i in lb if k == "f"]
    eo = "".join(vs) + "".join(bs) + "".join(fas[i] for i in free_a) + "".join(fbs[i] for i in free_b)
    if t in INTS:
        A = np.array(xa, dtype=object).reshape(full_a)
        B = np.array(xb, dtype=object).reshape(full_b)
    else:
        dt = np.complex128 if t in ("c64", "c128") else np.float64
        A = np.array(xa, dtype=dt).reshape(full_a)
        B = np.array(xb, dtype=dt).reshape(full_b)
    A = np.broadcast_to(A, vd + dims_a) if nv else A
    B = np.broadcast_to(B, vd + dims_b) if nv else B
    if t in INTS:
        signed, bits = INTS[t]
        # uint64 arithmetic wraps modulo 2^64, hence modulo 2^bits after the final wrap.
        ua = np.array([v & (2 ** 64 - 1) for v in A.reshape(-1)], dtype=np.uint64).reshape(A.shape)
        ub = np.array([v & (2 ** 64 - 1) for v in B.reshape(-1)], dtype=np.uint64).reshape(B.shape)
        raw = np.einsum(ea + "," + eb + "->" + eo, ua, ub)
        want = [wrap(int(v), signed, bits) for v in np.asarray(raw).reshape(-1)]
        tols = [0.0] * len(want)
    else:
        want = list(np.asarray(np.einsum(ea + "," + eb + "->" + eo, A, B)).reshape(-1))
        mag = np.einsum(ea + "," + eb + "->" + eo, np.abs(A), np.abs(B)).reshape(-1)
        terms = int(np.prod(cd)) if nc else 1
        tols = [2.0 * EPS[t] * terms * float(m) for m in mag]
    out_dims = vd + bd + [fa[i] for i in free_a] + [fb[i] for i in free_b]
    ca = [la.index(("c", i)) for i in range(nc)]
    cb = [lb.index(("c", i)) for i in range(nc)]
    out = t.encode().ljust(12, b"\0") + struct.pack("<B", nv)
    out += struct.pack("<B", len(full_a)) + b"".join(struct.pack("<q", d) for d in full_a)
    out += struct.pack("<B", len(full_b)) + b"".join(struct.pack("<q", d) for d in full_b)
    out += struct.pack("<B", nc) + bytes(ca) + bytes(cb) + struct.pack("<B", nb)
    out += struct.pack("<B", len(out_dims)) + b"".join(struct.pack("<q", d) for d in out_dims)
    def pack(vals):
        if t in ("c64", "c128"):
            return b"".join(struct.pack("<dd", complex(v).real, complex(v).imag) for v in vals)
        if t in INTS:   # exact integers: i64 bits (u64 above 2^63 as wrapped two's complement)
            return b"".join(struct.pack("<q", wrap(int(v), 1, 64)) for v in vals)
        return b"".join(struct.pack("<d", float(v)) for v in vals)
    out += pack(xa) + pack(xb) + pack(want) + b"".join(struct.pack("<d", x) for x in tols)
    return out


def main():
    rng = random.Random(SEED)
    cases = []
    for t in list(INTS) + ["f16", "bf16", "f32", "f64", "c64", "c128"]:
        for _ in range(60):
            cases.append(case(rng, t))
    # Plain matrix products (nx_dot's own path for f32/f64): vectors, odd sizes, 64.
    for t in ("f32", "f64", "s32"):
        for m, k, n in ((1, 1, 1), (1, 7, 5), (6, 9, 1), (17, 33, 9), (64, 64, 64)):
            cases.append(case(rng, t, (m, k, n)))
    nxoracle.write_cases(sys.argv[1], "dot_cases.bin", b"NXDOT01\n", cases)


if __name__ == "__main__":
    main()
