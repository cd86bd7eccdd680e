#!/usr/bin/env python3
"""tests/oracle/gen_window.py: the oracle for tests/test_window.c: Nx's window operations
(window_sum, window_product, window_max, window_min, window_mean, window_reduce with add,
window_scatter_max, window_scatter_min) on random tensors of every type the front end
takes, with strides, dilations, :valid / :same / explicit (negative too) padding and
vectorized axes (spec/functions.md §14, shapes-and-names.md §6 and §6.1).

    python3 tests/oracle/gen_window.py OUTDIR

Expected values come from direct loops in Python integers (wrapped to the type), float64
or complex128. Writes OUTDIR/window_cases.bin, little-endian:

    char magic[8] = "NXWIN01\\n"; u32 ncases; per case:
        u8 op (0 sum, 1 product, 2 max, 3 min, 4 mean, 5 reduce with add, 6 scatter_max,
               7 scatter_min); char type[12]; char out_type[12]
        u8 nv (leading vectorized axes, named v0, v1); u8 rank; i64 dims[rank] (all axes)
        u8 wrank; i64 window[wrank]; u8 ns; i64 strides[ns]; u8 nd; i64 dilations[nd]
        u8 padding (0 valid, 1 same, 2 explicit); u8 np; i64 low_high[2 np]
        i64 acc (reduce: the accumulator; scatter: init_value)
        scatter only: u8 srank; i64 sdims[srank] (the source, all axes)
        u8 rank_o; i64 dims_o[rank_o]
        t (and source) values as f64 (i64 for integers, complex re/im pairs)
        want values, then per output element f64 tol (|got - want| <= tol; 0: exact)
"""
import itertools
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261201
INTS, EPS = nxoracle.INTS, nxoracle.EPS
FLOATS = ["f16", "bf16", "f32", "f64"]
COMPLEX = ["c64", "c128"]
MAX_FINITE = {"f16": 65504.0, "bf16": 3.3895313892515355e38, "f32": 3.4028234663852886e38,
              "f64": 1.7976931348623157e308}


def wrap(v, signed, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >= 1 << (bits - 1) else v


def int_range(t):
    signed, bits = INTS[t]
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def values(rng, t, n, small=False):
    if t in INTS:
        lo, hi = int_range(t)
        if small:
            return [rng.randint(max(lo, -3), min(hi, 3)) for _ in range(n)]
        return [rng.randint(lo, hi) if rng.random() < 0.3 else rng.randint(max(lo, -9), min(hi, 9)) for _ in range(n)]
    if small and t in FLOATS:   # products that stay in range
        return [rng.choice([-1.0, -0.5, 0.5, 1.0, 1.5]) for _ in range(n)]
    if t in ("f16", "bf16"):   # halves: exact sums
        return [rng.randint(-6, 6) / 2 for _ in range(n)]
    return nxoracle.uniform_values(rng, t, n, 2)


def plan(rng, rank, nv, dims, dilate):
    """Random window, strides, dilations and padding for the inner axes; None if empty."""
    inner = dims[nv:]
    win = [rng.randint(1, 3) for _ in inner]
    strides = [rng.randint(1, 3) for _ in inner] if rng.random() < 0.6 else []
    dil = [rng.randint(1, 2) for _ in inner] if dilate and rng.random() < 0.5 else []
    mode = rng.choice([0, 1, 2, 2])
    k = [(w - 1) * (dil[i] if dil else 1) + 1 for i, w in enumerate(win)]
    if mode == 0:
        pads = [(0, 0)] * len(inner)
    elif mode == 1:
        pads = [((kk - 1) // 2, kk - 1 - (kk - 1) // 2) for kk in k]
    else:
        pads = [(rng.randint(-1, 2), rng.randint(-1, 2)) for _ in inner]
    out = []
    for i, d in enumerate(inner):
        span = d + pads[i][0] + pads[i][1] - k[i]
        if span < 0:
            return None
        out.append(span // (strides[i] if strides else 1) + 1)
    return win, strides, dil, mode, pads, out


def cells(idx, win, strides, dil, pads, inner):
    """Input positions of the window at output idx (None for padding cells), row-major."""
    res = []
    for w in itertools.product(*[range(x) for x in win]):
        pos = []
        for a in range(len(inner)):
            q = idx[a] * (strides[a] if strides else 1) - pads[a][0] + w[a] * (dil[a] if dil else 1)
            pos.append(q if 0 <= q < inner[a] else None)
        res.append(None if None in pos else tuple(pos))
    return res


def fold(op, t, vals, nterms_padded, acc):
    """The expected value and tolerance of one window."""
    if op in (0, 4, 5):
        s = sum(vals) + (acc if op == 5 else 0) * (nterms_padded + 1)
        mag = sum(abs(v) for v in vals) + (abs(acc) * (nterms_padded + 1) if op == 5 else 0)
        return s, mag
    if op == 1:
        p = 1
        for v in vals:
            p *= v
        mag = 1
        for v in vals:
            mag *= abs(v)
        return p, mag * max(len(vals), 1)
    if op == 2:
        return (max(vals) if vals else None), 0
    return (min(vals) if vals else None), 0


def out_type(op, t):
    if op == 4:
        return t if t in FLOATS + COMPLEX else "f32"
    return t


def pack_vals(t, vals):
    if t in COMPLEX:
        return b"".join(struct.pack("<dd", complex(v).real, complex(v).imag) for v in vals)
    if t in INTS:
        return b"".join(struct.pack("<q", wrap(int(v), 1, 64)) for v in vals)
    return b"".join(struct.pack("<d", float(v)) for v in vals)


dims_bytes = nxoracle.s_shape


def case(rng, op, t):
    scatter = op >= 6
    while True:
        nv = rng.choice([0, 0, 0, 1, 2])
        rank = rng.randint(0 if op < 6 else 1, 3)
        vd = [rng.randint(1, 3) for _ in range(nv)]
        inner = [rng.randint(1, 5) for _ in range(rank)]
        p = plan(rng, rank, 0, inner, not scatter)
        if p is not None:
            break
    win, strides, dil, mode, pads, out = p
    if scatter:
        dil = []
    dims = vd + inner
    n = int(np.prod(dims)) if dims else 1
    small = op == 1
    x = values(rng, t, n, small)
    acc = rng.choice([0, 1, -2]) if op == 5 else 0
    if scatter:
        # (4-bit types: a non-zero init would widen the output type)
        acc = 0 if t in ("u4", "s4") else rng.choice([0, 0, 1, -3]) if t not in INTS or INTS[t][0] else rng.choice([0, 1])
        if t in COMPLEX:
            raise ValueError
    X = np.array(x, dtype=object).reshape(dims) if dims else np.array(x[0], dtype=object)
    ot = out_type(op, t)
    want, tols = [], []
    # The source of a scatter: one value per window (vectorized like t, or broadcast).
    if scatter:
        src_v = [d if rng.random() < 0.7 else 1 for d in vd]
        sdims = src_v + out
        ns = int(np.prod(sdims)) if sdims else 1
        src = values(rng, t, ns)
        S = np.array(src, dtype=object).reshape(sdims)
        full_v = vd
        res = {}
        for v in itertools.product(*[range(d) for d in full_v]):
            tv = X[v] if nv else X
            sv = S[tuple(i if src_v[a] > 1 else 0 for a, i in enumerate(v))] if nv else S
            sums = np.zeros(inner, dtype=object) + acc
            for idx in itertools.product(*[range(d) for d in out]):
                cs = cells(idx, win, strides, [], pads, inner)
                best, at = None, None
                for c in cs:
                    val = tv[c] if c is not None else acc
                    if best is None or (val > best if op == 6 else val < best):
                        best, at = val, c
                if at is not None:
                    sums[at] = sums[at] + sv[idx]
            res[v] = sums
        for v in itertools.product(*[range(d) for d in full_v]):
            for e in np.asarray(res[v]).reshape(-1):
                want.append(e)
        if t in INTS:
            signed, bits = INTS[t]
            want = [wrap(int(w), signed, bits) for w in want]
            tols = [0.0] * len(want)
        else:
            tols = [4 * EPS[t] * (abs(w) + 8) for w in want]
        out_full = vd + inner
    else:
        for v in itertools.product(*[range(d) for d in vd]):
            tv = X[v] if nv else (X if rank else X.item())
            for idx in itertools.product(*[range(d) for d in out]):
                cs = cells(idx, win, strides, dil, pads, inner)
                vals = [tv[c] if rank else tv for c in cs if c is not None]
                npad = sum(1 for c in cs if c is None)
                w, mag = fold(op, t, vals, npad, acc)
                size = int(np.prod(win)) if win else 1
                if op in (2, 3) and w is None:   # only padding: the type's extreme
                    if t in INTS:
                        lo, hi = int_range(t)
                        w = lo if op == 2 else hi
                    else:
                        w = float("-inf") if op == 2 else float("inf")
                if op == 4:
                    if t in INTS:   # Nx sums in the integer type (wrapping), then divides
                        signed, bits = INTS[t]
                        w = wrap(int(w), signed, bits)
                        mag = abs(w)
                    w = w / size
                    mag = mag / size
                if t in INTS and op != 4:
                    signed, bits = INTS[t]
                    want.append(wrap(int(w), signed, bits))
                    tols.append(0.0)
                else:
                    want.append(w)
                    e = EPS[ot] if ot in EPS else EPS["f32"]
                    tols.append(0.0 if op in (2, 3) else 2 * e * (mag + abs(w)) + 1e-300)
        out_full = vd + out
        sdims = None
    body = struct.pack("<B", op) + t.encode().ljust(12, b"\0") + ot.encode().ljust(12, b"\0")
    body += struct.pack("<B", nv) + dims_bytes(dims) + dims_bytes(win) + dims_bytes(strides) + dims_bytes(dil)
    body += struct.pack("<BB", mode, len(pads) if mode == 2 else 0)
    if mode == 2:
        body += b"".join(struct.pack("<qq", lo, hi) for lo, hi in pads)
    body += struct.pack("<q", acc)
    if scatter:
        body += dims_bytes(sdims)
    body += dims_bytes(out_full)
    body += pack_vals(t, x)
    if scatter:
        body += pack_vals(t, src)
    wt = ot if not (t in INTS and op == 4) else "f64"
    body += pack_vals(t if op != 4 else wt, want) + b"".join(struct.pack("<d", x) for x in tols)
    return body


def main():
    rng = random.Random(SEED)
    cases = []
    types = list(INTS) + FLOATS + COMPLEX
    for op in range(8):
        for t in types:
            if op in (2, 3, 6, 7) and t in COMPLEX:
                continue
            for _ in range(12):
                cases.append(case(rng, op, t))
    nxoracle.write_cases(sys.argv[1], "window_cases.bin", b"NXWIN01\n", cases)


if __name__ == "__main__":
    main()
