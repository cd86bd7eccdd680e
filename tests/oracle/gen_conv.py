#!/usr/bin/env python3
"""tests/oracle/gen_conv.py: the oracle for tests/test_conv.c: Nx.conv on random inputs of
every accepted type (and mixed pairs), 1 to 3 spatial axes, strides, :valid / :same /
explicit (negative too) padding, input and kernel dilation, feature and batch groups,
input / kernel / output permutations and vectorized operands (spec/functions.md §17).

    python3 tests/oracle/gen_conv.py OUTDIR

The reference is a direct loop in NumPy float64 / complex128: pad and dilate the input,
dilate the kernel, then sum the products of every receptive field, per group, as XLA and
Nx's reference backend define them. Writes OUTDIR/conv_cases.bin, little-endian:

    char magic[8] = "NXCONV1\\n"; u32 ncases; per case:
        char in_type[12]; char kernel_type[12]; char out_type[12]; u8 nv (leading
        vectorized axes v0, v1 on both operands, sizes 1 where broadcast)
        u8 rank_i; i64 dims_i[rank_i]; u8 rank_k; i64 dims_k[rank_k] (all axes)
        u8 r (inner rank); u8 perm_i[r]; u8 perm_k[r]; u8 perm_o[r]
        u8 ns; i64 strides[ns]; u8 nid; i64 input_dilation[nid]; u8 nkd; i64 kernel_dilation[nkd]
        u8 padding (0 valid, 1 same, 2 explicit); u8 np; i64 low_high[2 np]
        i64 feature_group_size, batch_group_size
        u8 rank_o; i64 dims_o[rank_o]
        input, kernel values as f64 (complex: re/im pairs; integers exact)
        want as f64 or complex pairs, then per element f64 tol
"""
import itertools
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261202
EPS = nxoracle.EPS
# (input, kernel, output) type triples: to_floating(merge(input, kernel)).
TYPES = [("f32", "f32", "f32"), ("f64", "f64", "f64"), ("c64", "c64", "c64"), ("c128", "c128", "c128"),
         ("f16", "f16", "f16"), ("bf16", "bf16", "bf16"), ("s32", "s32", "f32"), ("u8", "u8", "f32"),
         ("s64", "s64", "f32"), ("s8", "f32", "f32"), ("f32", "f64", "f64"), ("f32", "c64", "c64"),
         ("u8", "f64", "f64"), ("f16", "f32", "f32")]


def values(rng, t, n):
    if t in ("u8",):
        return [rng.randint(0, 9) for _ in range(n)]
    if t in ("s8", "s32", "s64"):
        return [rng.randint(-9, 9) for _ in range(n)]
    if t in ("f16", "bf16"):
        return [rng.randint(-6, 6) / 2 for _ in range(n)]
    return nxoracle.uniform_values(rng, t, n, 2)


def dilate_pad(x, lows, highs, dil):
    """x {C, s...}: interior dilation then edge padding (negative crops) on the spatial axes."""
    c = x.shape[0]
    sp = x.shape[1:]
    dd = [(s - 1) * d + 1 for s, d in zip(sp, dil)]
    y = np.zeros((c,) + tuple(dd), dtype=x.dtype)
    y[(slice(None),) + tuple(slice(None, None, d) for d in dil)] = x
    pw = [(0, 0)] + [(max(lo, 0), max(hi, 0)) for lo, hi in zip(lows, highs)]
    y = np.pad(y, pw)
    crop = [slice(None)] + [slice(-min(lo, 0), y.shape[1 + i] - (-min(hi, 0))) for i, (lo, hi) in enumerate(zip(lows, highs))]
    return y[tuple(crop)]


def reference(x, k, strides, lows, highs, idil, kdil, fg, bg):
    """x {N, C, s...}, k {O, I, k...} canonical: out {N / bg, O, o...} and sum of |terms|."""
    n, c = x.shape[:2]
    o, ic = k.shape[:2]
    nsp = x.ndim - 2
    kd = np.zeros((o, ic) + tuple((s - 1) * d + 1 for s, d in zip(k.shape[2:], kdil)), dtype=k.dtype)
    kd[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in kdil)] = k
    ksp = kd.shape[2:]
    groups = fg * bg
    og = o // groups
    nout = n // bg
    padded = [dilate_pad(x[b], lows, highs, idil) for b in range(n)]
    osp = [(padded[0].shape[1 + a] - ksp[a]) // strides[a] + 1 for a in range(nsp)]
    out = np.zeros((nout, o) + tuple(osp), dtype=np.result_type(x.dtype, k.dtype))
    mag = np.zeros(out.shape)
    for b in range(nout):
        for g in range(groups):
            src = b + g * (n // bg) if bg > 1 else b
            c0 = g * ic if fg > 1 else 0
            img = padded[src][c0:c0 + ic]
            for f in range(g * og, (g + 1) * og):
                for pos in itertools.product(*[range(d) for d in osp]):
                    sl = tuple(slice(p * s, p * s + kk) for p, s, kk in zip(pos, strides, ksp))
                    field = img[(slice(None),) + sl]
                    out[(b, f) + pos] = np.sum(field * kd[f])
                    mag[(b, f) + pos] = np.sum(np.abs(field) * np.abs(kd[f]))
    return out, mag


dims_bytes = nxoracle.s_shape


def pack(t, vals):
    if t in ("c64", "c128"):
        return b"".join(struct.pack("<dd", complex(v).real, complex(v).imag) for v in vals)
    return b"".join(struct.pack("<d", float(v.real if isinstance(v, complex) else v)) for v in vals)


def case(rng, ti, tk, to, wide=False):
    """wide: a 2-D, stride-1, undilated, ungrouped case with rows wider than the direct
    kernel's register block (src/backend/cpu/conv_direct.c)."""
    while True:
        nsp = rng.choice([1, 1, 2, 2, 2, 3])
        fg = bg = 1
        r = rng.random()
        if r < 0.2:
            fg = rng.randint(2, 3)
        elif r < 0.35:
            bg = rng.randint(2, 3)
        ic = rng.randint(1, 3)
        c = ic * fg
        o = rng.randint(1, 3) * fg * bg
        n = rng.randint(1, 2) * bg
        sp = [rng.randint(1, 6 if nsp < 3 else 4) for _ in range(nsp)]
        ksp = [rng.randint(1, 3) for _ in range(nsp)]
        strides = [rng.randint(1, 3) for _ in range(nsp)] if rng.random() < 0.5 else []
        idil = [rng.randint(1, 2) for _ in range(nsp)] if rng.random() < 0.3 else []
        kdil = [rng.randint(1, 2) for _ in range(nsp)] if rng.random() < 0.3 else []
        mode = rng.choice([0, 1, 2, 2])
        if wide:
            nsp, fg, bg, strides, idil, kdil = 2, 1, 1, [], [], []
            ic, c = [rng.randint(1, 7)] * 2
            o, n = rng.randint(1, 9), rng.randint(1, 2)
            sp = [rng.randint(1, 5), rng.randint(17, 40)]
            # half of them 3 x 3: the direct kernel has its own unrolled version for those
            ksp = [3, 3] if rng.random() < 0.5 else [rng.randint(1, 3) for _ in range(nsp)]
            if mode == 2:
                pads = [(rng.randint(-1, 2), rng.randint(-1, 2)) for _ in range(nsp)]
        idd = [(s - 1) * (idil[i] if idil else 1) + 1 for i, s in enumerate(sp)]
        kdd = [(s - 1) * (kdil[i] if kdil else 1) + 1 for i, s in enumerate(ksp)]
        if mode == 0:
            pads = [(0, 0)] * nsp
        elif mode == 1:
            pads = [((kk - 1) // 2, kk - 1 - (kk - 1) // 2) for kk in kdd]
        elif not wide:
            pads = [(rng.randint(-1, 2), rng.randint(-1, 2)) for _ in range(nsp)]
        if all(idd[a] + pads[a][0] + pads[a][1] - kdd[a] >= 0 for a in range(nsp)):
            break
    rank = nsp + 2
    # Permutations: where the logical axes live in the stored operands and the output.
    def perm():
        p = list(range(rank))
        if rng.random() < 0.4:
            rng.shuffle(p)
        return p
    pi, pk, po = perm(), perm(), perm()
    logical_i = [n, c] + sp
    logical_k = [o, ic] + ksp
    stored_i = [0] * rank
    stored_k = [0] * rank
    for a in range(rank):   # canonical axis a is stored axis p[a]
        stored_i[pi[a]] = logical_i[a]
        stored_k[pk[a]] = logical_k[a]
    # Nx folds vector entries into the batch groups: with feature groups only one entry
    nv = rng.choice([0, 0, 0, 1, 2])
    vd = [rng.randint(1, 3) if fg == 1 else 1 for _ in range(nv)]
    va = [d if rng.random() < 0.7 else 1 for d in vd]
    vk = [d if rng.random() < 0.7 else 1 for d in vd]
    vd = [max(a, b) for a, b in zip(va, vk)]
    full_i, full_k = va + stored_i, vk + stored_k
    xi = values(rng, ti, int(np.prod(full_i)))
    xk = values(rng, tk, int(np.prod(full_k)))
    cplx = to in ("c64", "c128")
    dt = np.complex128 if cplx else np.float64
    X = np.broadcast_to(np.array(xi, dtype=dt).reshape(full_i), vd + stored_i)
    K = np.broadcast_to(np.array(xk, dtype=dt).reshape(full_k), vd + stored_k)
    want, tols, out_dims = [], [], None
    for v in itertools.product(*[range(d) for d in vd]):
        x = np.transpose(X[v], pi)   # canonical {N, C, s...}
        k = np.transpose(K[v], pk)
        out, mag = reference(x, k, strides or [1] * nsp, [p[0] for p in pads], [p[1] for p in pads],
                             idil or [1] * nsp, kdil or [1] * nsp, fg, bg)
        # output axis j holds logical axis inv[j], where po[inv[j]] == j
        inv = [po.index(j) for j in range(rank)]
        out = np.transpose(out, inv)
        mag = np.transpose(mag, inv)
        out_dims = list(out.shape)
        want.extend(out.reshape(-1))
        terms = ic * int(np.prod(ksp))
        # narrow outputs round once from the f32 computation
        e = EPS[to]
        tols.extend(2 * EPS["f32" if to in ("f16", "bf16") else to] * terms * m + e * abs(w) + 1e-300
                    for m, w in zip(mag.reshape(-1), out.reshape(-1)))
    out_full = vd + out_dims
    body = ti.encode().ljust(12, b"\0") + tk.encode().ljust(12, b"\0") + to.encode().ljust(12, b"\0")
    body += struct.pack("<B", nv) + dims_bytes(full_i) + dims_bytes(full_k)
    body += struct.pack("<B", rank) + bytes(pi) + bytes(pk) + bytes(po)
    body += dims_bytes(strides) + dims_bytes(idil) + dims_bytes(kdil)
    body += struct.pack("<BB", mode, nsp if mode == 2 else 0)
    if mode == 2:
        body += b"".join(struct.pack("<qq", lo, hi) for lo, hi in pads)
    body += struct.pack("<qq", fg, bg) + dims_bytes(out_full)
    body += pack("c128" if ti in ("c64", "c128") else "f64", xi)
    body += pack("c128" if tk in ("c64", "c128") else "f64", xk)
    body += pack("c128" if cplx else "f64", want) + b"".join(struct.pack("<d", t) for t in tols)
    return body


def main():
    rng = random.Random(SEED)
    cases = []
    for ti, tk, to in TYPES:
        for _ in range(40):
            cases.append(case(rng, ti, tk, to))
    for ti, tk, to in TYPES[:2] + [("s32", "s32", "f32"), ("f32", "f64", "f64")]:
        for _ in range(12):
            cases.append(case(rng, ti, tk, to, wide=True))
    nxoracle.write_cases(sys.argv[1], "conv_cases.bin", b"NXCONV1\n", cases)


if __name__ == "__main__":
    main()
