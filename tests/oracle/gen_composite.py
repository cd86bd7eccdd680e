#!/usr/bin/env python3
"""tests/oracle/gen_composite.py: the oracle for tests/test_composite.c (the composites of
issue #4: tril, triu, tri, take_diagonal, make_diagonal, put_diagonal, linspace, median,
mode, weighted_mean, covariance, all_close, logical_not, log/2 and reduce/4 on random
inputs of the native integer and float types, ranks 0-4, size-1 axes, negative axes and
keep_axes).

    python3 tests/oracle/gen_composite.py OUTDIR

Needs numpy only. The seed is fixed (SEED below) and written into the file. Writes
OUTDIR/composite.bin, little-endian:

  char magic[8] = "NXCMP01\\n"
  u32  seed
  u32  ncases
  ncases times, one case:
      u8    op          index into OPS below
      i64   p[6]        integer parameters (per op, see the test)
      f64   q[3]        float parameters
      u8    nin, then nin inputs: u8 type (nx_type enum value), u8 rank, rank x i64 dims,
            u64 nbytes, the data as nx_from_data takes it
      u8    want_type, u8 rank, rank x i64 dims
      u64   nout, then nout x (u8 kind: 0 int, 1 uint, 2 float; 8 bytes: i64, u64 or f64;
            f64 tolerance): the result's elements in row-major order. Integers must match
            exactly; floats within the tolerance, NaN matching NaN, infinities themselves.

Where Nx's result depends on its composition (types, rounding of each step), the oracle
replays that composition in numpy in the same types (every step correctly rounded, as
nxc's kernels are) and checks it against the plain numpy function (np.tril, np.diagonal,
np.linspace, np.median, np.average, np.cov, np.allclose, ...) before writing it.
"""
import collections
import struct
import sys

import numpy as np

SEED = 20250301
OPS = ["tril", "triu", "tri", "take_diagonal", "make_diagonal", "put_diagonal", "linspace",
       "median", "mode", "weighted_mean", "covariance", "all_close", "logical_not", "log",
       "reduce"]
OP = {n: i for i, n in enumerate(OPS)}
NAMES = "u2 u4 u8 u16 u32 u64 s2 s4 s8 s16 s32 s64 f8 f8_e4m3fn bf16 f16 f32 f64 c64 c128".split()
ENUM = {n: i + 1 for i, n in enumerate(NAMES)}
INTS = ["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"]
FLOATS = ["f16", "f32", "f64"]
DT = {"u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
      "s8": np.int8, "s16": np.int16, "s32": np.int32, "s64": np.int64,
      "f16": np.float16, "f32": np.float32, "f64": np.float64}
BITS = {t: np.dtype(DT[t]).itemsize * 8 for t in DT}

rng = np.random.default_rng(SEED)
cases = []


# ---------------------------------------------------------------- types

def merge(a, b):
    """Nx's merge of two tensor types (native types only)."""
    if a == b:
        return a
    ka, kb = a[0], b[0]
    rank = {"u": 0, "s": 1, "f": 2}
    if ka == kb:
        return a if BITS[a] >= BITS[b] else b
    if {ka, kb} == {"u", "s"}:
        u, s = (a, b) if ka == "u" else (b, a)
        return "s%d" % max(min(2 * BITS[u], 64), BITS[s])
    return a if rank[ka] > rank[kb] else b


def to_floating(t):
    return "f32" if t in INTS else t


def ulp(x, t):
    x = abs(float(x))
    info = np.finfo(DT[t])
    if not np.isfinite(x):
        return 0.0
    return float(np.spacing(DT[t](max(x, float(info.tiny)))))


# ---------------------------------------------------------------- inputs

def rand(t, shape, lo=None, hi=None):
    if t in INTS:
        info = np.iinfo(DT[t])
        lo = info.min if lo is None else max(lo, info.min)
        hi = info.max if hi is None else min(hi, info.max)
        return rng.integers(lo, hi, size=shape, endpoint=True, dtype=np.int64 if t != "u64" else np.uint64).astype(DT[t])
    lo = -100.0 if lo is None else lo
    hi = 100.0 if hi is None else hi
    return rng.uniform(lo, hi, size=shape).astype(DT[t])


def rand_shape(rank, lo=1, hi=5):
    return tuple(int(d) for d in rng.integers(lo, hi, size=rank, endpoint=True))


# ---------------------------------------------------------------- writing

def enc_input(t, a):
    a = np.array(a, dtype=DT[t], order="C")   # ascontiguousarray would make scalars rank 1
    out = struct.pack("<BB", ENUM[t], a.ndim) + b"".join(struct.pack("<q", d) for d in a.shape)
    data = a.tobytes()
    return out + struct.pack("<Q", len(data)) + data


def enc_value(t, v, tol):
    if t in INTS:
        if t[0] == "u":
            return struct.pack("<BQd", 1, int(v) & (2 ** 64 - 1), 0.0)
        return struct.pack("<Bqd", 0, int(v), 0.0)
    return struct.pack("<Bdd", 2, float(v), float(tol))


def add(op, inputs, want_type, want, tol=None, p=(), q=()):
    """want: an array of the result's values (float64 or Python ints); tol: an array or a
    number (floats only)."""
    want = np.asarray(want)
    p = list(p) + [0] * (6 - len(p))
    q = list(q) + [0.0] * (3 - len(q))
    rec = struct.pack("<B", OP[op]) + struct.pack("<6q", *p) + struct.pack("<3d", *q)
    rec += struct.pack("<B", len(inputs)) + b"".join(enc_input(t, a) for t, a in inputs)
    rec += struct.pack("<BB", ENUM[want_type], want.ndim) + b"".join(struct.pack("<q", d) for d in want.shape)
    flat = want.reshape(-1)
    tols = np.broadcast_to(np.asarray(0.0 if tol is None else tol, dtype=np.float64), want.shape).reshape(-1)
    rec += struct.pack("<Q", flat.size)
    rec += b"".join(enc_value(want_type, flat[i], tols[i]) for i in range(flat.size))
    cases.append(rec)


def as_ints(a):
    """Elements as Python ints (wrapping already applied by numpy casts)."""
    return np.array([int(x) for x in np.asarray(a).reshape(-1)], dtype=object).reshape(np.shape(a))


def wrap(v, t):
    b = BITS[t]
    v = int(v) & ((1 << b) - 1)
    return v - (1 << b) if t[0] == "s" and v >> (b - 1) else v


def want_of(a, t):
    """numpy values converted to type t as Nx converts integers (wrapping)."""
    if t in INTS:
        return np.array([wrap(int(x), t) for x in np.asarray(a).reshape(-1)], dtype=object).reshape(np.shape(a))
    return np.asarray(a, dtype=np.float64)


# ---------------------------------------------------------------- triangles and diagonals

def gen_triangles():
    for t in INTS + FLOATS:
        for _ in range(3):
            shape = rand_shape(int(rng.integers(2, 4, endpoint=True)))
            a = rand(t, shape)
            k = int(rng.integers(-3, 3, endpoint=True))
            out = merge(t, "s32")
            for op, f in (("tril", np.tril), ("triu", np.triu)):
                add(op, [(t, a)], out, want_of(f(a, k), out), p=[k])
    for _ in range(10):
        n, m, k = int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(-4, 4))
        add("tri", [], "u8", np.tri(n, m, k, dtype=np.uint8).astype(np.int64), p=[n, m, k])


def gen_diagonals():
    for t in INTS + FLOATS:
        for _ in range(3):
            shape = rand_shape(int(rng.integers(2, 4, endpoint=True)))
            a = rand(t, shape)
            rows, cols = shape[-2], shape[-1]
            off = int(rng.integers(-(rows - 1), cols - 1, endpoint=True))
            add("take_diagonal", [(t, a)], t, want_of(np.diagonal(a, off, -2, -1), t), p=[off])

            v = rand(t, rand_shape(1))
            off = int(rng.integers(-3, 3, endpoint=True))
            out = merge("s32", t)
            add("make_diagonal", [(t, v)], out, want_of(np.diag(v.astype(np.float64) if t in FLOATS else
                                                                v.astype(object), off), out), p=[off])

            m = rand(t, rand_shape(2))
            rows, cols = m.shape
            off = int(rng.integers(-(rows - 1), cols - 1, endpoint=True))
            n = len(np.diagonal(m, off))
            dt = t if rng.integers(2) else "s32"
            d = rand(dt, (n,), -100, 100)
            out = merge(t, dt)
            full = (m.astype(np.float64) if out in FLOATS else m.astype(object)).copy()
            r0, c0 = max(-off, 0), max(off, 0)
            for i in range(n):
                full[r0 + i, c0 + i] = d[i] if out in FLOATS else int(d[i])
            add("put_diagonal", [(t, m), (dt, d)], out, want_of(full, out), p=[off])


# ---------------------------------------------------------------- linspace

def gen_linspace():
    for t in ["f32", "f64", "f16", "s32", "u8", "s64"]:
        for _ in range(4):
            shape = rand_shape(int(rng.integers(0, 2, endpoint=True)), 1, 3)
            lo, hi = (0, 100) if t[0] in "us" else (-50.0, 50.0)
            start = rand(t, shape, lo, hi)
            stop = rand(t, shape, lo, hi)
            if t[0] == "u":
                start, stop = np.minimum(start, stop), np.maximum(start, stop)
            n = int(rng.integers(1, 12))
            excl = int(rng.integers(2))
            ft = to_floating(t)
            F = DT[ft]
            if n == 1:
                y = start[..., None]
            else:
                delta = (stop.astype(DT[t]) - start.astype(DT[t]))
                step = (delta.astype(F) / F(n if excl else n - 1)).astype(F)
                iota = np.arange(n).astype(DT[t]).astype(F)
                y = (iota * step[..., None]).astype(F) + start.astype(F)[..., None]
                y = y.astype(F)
                ref = np.linspace(start.astype(np.float64), stop.astype(np.float64), n, endpoint=not excl, axis=-1)
                assert np.allclose(y.astype(np.float64), ref, rtol=4e-3 if ft == "f16" else 1e-5, atol=0.1 if ft == "f16" else 1e-4)
                y = y.astype(DT[t]) if t in INTS else y
            add("linspace", [(t, start), (t, stop)], t, want_of(y, t), 0.0, p=[n, ENUM[t], excl])


# ---------------------------------------------------------------- median and mode

def gen_median():
    for t in INTS + FLOATS:
        for _ in range(4):
            rank = int(rng.integers(0, 3, endpoint=True))
            shape = rand_shape(rank)
            a = rand(t, shape, -1000, 1000) if t in INTS else rand(t, shape)
            if rank and rng.integers(3):
                axis = int(rng.integers(-rank, rank))
                keep = int(rng.integers(2))
                s = np.sort(a, axis=axis)
                n = a.shape[axis]
                if n % 2:
                    mid = np.take(s, [n // 2], axis=axis)
                    out = t
                    w = want_of(mid if keep else np.squeeze(mid, axis), t)
                else:
                    lo, hi = (np.take(s, [n // 2 - 1], axis=axis), np.take(s, [n // 2], axis=axis))
                    out = to_floating(t)
                    F = DT[out]
                    # Nx.mean: the sum in the aggregate type (exact here), as a float, / 2
                    tot = lo.astype(np.float64) + hi.astype(np.float64)
                    w = (tot.astype(F) / F(2)).astype(F).astype(np.float64)
                    ref = np.median(a.astype(np.float64), axis=axis, keepdims=True)
                    assert np.allclose(w, ref, rtol=1e-3)
                    w = w if keep else np.squeeze(w, axis)
                add("median", [(t, a)], out, w, 0.0, p=[1, axis, keep])
            else:
                f = np.sort(a.reshape(-1))
                n = f.size
                if n % 2:
                    add("median", [(t, a)], t, want_of(f[n // 2], t), p=[0, 0, 0])
                else:
                    out = to_floating(t)
                    F = DT[out]
                    # Nx without :axis: add in the input type (integers wrap), then / 2
                    if t in INTS:
                        s = wrap(int(f[n // 2 - 1]) + int(f[n // 2]), t)
                    else:
                        s = (f[n // 2 - 1] + f[n // 2]).astype(DT[t])
                    w = float((F(s) / F(2)).astype(F))
                    add("median", [(t, a)], out, np.float64(w), 0.0, p=[0, 0, 0])


def mode_ref(v):
    c = collections.Counter(v.tolist())
    best = max(c.values())
    return min(x for x in c if c[x] == best)


def gen_mode():
    for t in INTS + FLOATS:
        for _ in range(4):
            rank = int(rng.integers(0, 3, endpoint=True))
            shape = rand_shape(rank, 1, 6)
            pool = rand(t, (int(rng.integers(1, 5)),), -50, 50) if t in INTS else rand(t, (int(rng.integers(1, 5)),))
            a = rng.choice(pool, size=shape).astype(DT[t])
            if rank and rng.integers(3):
                axis = int(rng.integers(-rank, rank))
                keep = int(rng.integers(2))
                w = np.apply_along_axis(mode_ref, axis, a) if a.ndim else a
                w = np.asarray(w, dtype=DT[t])
                if keep:
                    w = np.expand_dims(w, axis)
                add("mode", [(t, a)], t, want_of(w, t), p=[1, axis, keep])
            else:
                keep = int(rng.integers(2))
                w = np.asarray(mode_ref(a.reshape(-1)), dtype=DT[t])
                if keep:
                    w = w.reshape((1,) * max(rank, 1))
                add("mode", [(t, a)], t, want_of(w, t), p=[0, 0, keep])


# ---------------------------------------------------------------- weighted_mean, covariance

def gen_weighted_mean():
    for t in ["s32", "u8", "s8", "f32", "f64", "f16"]:
        for _ in range(4):
            rank = int(rng.integers(1, 3, endpoint=True))
            shape = rand_shape(rank)
            a = rand(t, shape, 0, 20) if t in INTS else rand(t, shape, -4, 4)
            wt = t if rng.integers(2) else "s32"
            given = int(rng.integers(3))
            axis = int(rng.integers(-rank, rank))
            keep = int(rng.integers(2))
            if given == 2:   # weights of the aggregated axis only
                w = rand(wt, (shape[axis],), 1, 5)
                wb = w.reshape([shape[axis] if i == axis % rank else 1 for i in range(rank)])
            else:
                w = rand(wt, shape, 1, 5)
                wb = w
            pt = merge(t, wt)
            prod = (a.astype(DT[pt]) * wb.astype(DT[pt])).astype(DT[pt])
            ax = None if given == 0 else axis
            num = np.sum(prod.astype(np.float64), axis=ax, keepdims=bool(keep))
            den = np.sum(np.broadcast_to(wb, a.shape if given != 2 else wb.shape).astype(np.float64),
                         axis=ax, keepdims=bool(keep))
            if given == 2 and not keep and ax is not None:
                den = np.sum(wb.astype(np.float64))
            agg_num = pt if pt in FLOATS else "f32"
            agg_den = wt if wt in FLOATS else "f32"
            out = to_floating(merge(pt if pt in FLOATS else ("s32" if pt[0] == "s" else "u32"),
                                    wt if wt in FLOATS else ("s32" if wt[0] == "s" else "u32")))
            F = DT[out]
            # sums exact (small values), rounded to their type; then divided in `out`
            num_r = num.astype(DT[agg_num]).astype(F) if pt in FLOATS else num.astype(F)
            den_r = np.asarray(den).astype(DT[agg_den]).astype(F) if wt in FLOATS else np.asarray(den).astype(F)
            w_out = (num_r / den_r).astype(F).astype(np.float64)
            ref = np.average(a.astype(np.float64), axis=ax, weights=np.broadcast_to(wb, a.shape).astype(np.float64),
                             keepdims=bool(keep))
            assert np.allclose(w_out, ref, rtol=2e-2 if "f16" in (t, wt) else 1e-5, atol=1e-2), (t, wt, w_out, ref)
            tol = np.vectorize(lambda x: 2 * ulp(x, out))(w_out) if w_out.ndim else 2 * ulp(w_out, out)
            add("weighted_mean", [(t, a), (wt, w)], out, w_out, tol, p=[given, axis, keep])


def gen_covariance():
    for t in ["s32", "s8", "f32", "f64"]:
        for _ in range(4):
            batch = rand_shape(int(rng.integers(0, 1, endpoint=True)), 1, 3)
            n, d = int(rng.integers(1, 6)), int(rng.integers(1, 4))
            a = rand(t, batch + (n, d), -20, 20)
            ddof = int(rng.integers(0, min(n - 1, 1), endpoint=True))
            F = DT[to_floating(t)]
            with_mean = int(rng.integers(2))
            if with_mean:
                mean = rand(t, batch + (d,), -5, 5)
                mean_f = mean.astype(np.float64)
                inputs = [(t, a), (t, mean)]
            else:
                # Nx.mean: exact sum (small integers / f64 accumulation), rounded, / n
                s = np.sum(a.astype(np.float64), axis=-2)
                mean_f = (s.astype(F) / F(n)).astype(F).astype(np.float64)
                inputs = [(t, a)]
            xt = t if with_mean else to_floating(t)
            if xt in FLOATS:
                x = (a.astype(np.float64) - mean_f[..., None, :]).astype(DT[xt]).astype(np.float64)
                g = np.einsum("...ni,...nj->...ij", x, x)
            else:
                # integer x and its products wrap in xt, as Nx's subtract and dot do
                x = np.vectorize(lambda v: wrap(v, xt), otypes=[object])(
                    a.astype(object) - mean.astype(object)[..., None, :])
                xi = x.astype(np.int64)   # |x| < 2^31: the products and sums are exact
                g = np.vectorize(lambda v: wrap(v, xt), otypes=[object])(
                    np.einsum("...ni,...nj->...ij", xi, xi)).astype(np.float64)
                x = x.astype(np.float64)
            mag = np.einsum("...ni,...nj->...ij", np.abs(x), np.abs(x))
            out = to_floating(xt)
            w = (g.astype(F if xt in FLOATS else np.float64) / (n - ddof)).astype(F).astype(np.float64)
            ref = np.stack([np.atleast_2d(np.cov(xx, rowvar=False, ddof=ddof, aweights=None) if n - ddof else 0)
                            for xx in (a.astype(np.float64) - mean_f[..., None, :]).reshape(-1, n, d)]) \
                if not with_mean and n - ddof > 0 else None
            if ref is not None:
                assert np.allclose(w.reshape(-1, d, d), ref, rtol=1e-4, atol=1e-3), (w, ref)
            tol = 2 * np.vectorize(lambda x: ulp(x, out))(w) + 4 * n * 2.0 ** -52 * mag / max(n - ddof, 1)
            add("covariance", inputs, out, w, tol, p=[ddof, with_mean])


# ---------------------------------------------------------------- all_close, logical_not, log

def gen_all_close():
    for t in INTS + FLOATS:
        for _ in range(4):
            shape = rand_shape(int(rng.integers(0, 3, endpoint=True)))
            a = rand(t, shape, -100, 100)
            close = int(rng.integers(2))
            if t in INTS:
                b = a.copy() if close else (a.astype(np.int64) + rng.integers(0, 2, size=shape)).clip(
                    np.iinfo(DT[t]).min, np.iinfo(DT[t]).max).astype(DT[t])
            else:
                scale = 1e-7 if close else 1e-1
                b = (a.astype(np.float64) * (1 + scale * rng.uniform(-1, 1, size=shape))).astype(DT[t])
                if t == "f16" and close:
                    b = a.copy()
                if a.size > 1 and rng.integers(2):
                    a = a.copy(); b = b.copy()
                    a.reshape(-1)[0] = np.nan; b.reshape(-1)[0] = np.nan
                if a.size > 1 and rng.integers(2):
                    a = a.copy(); b = b.copy()
                    a.reshape(-1)[-1] = np.inf; b.reshape(-1)[-1] = np.inf if rng.integers(2) else -np.inf
            equal_nan = int(rng.integers(2))
            want = int(np.allclose(a.astype(np.float64), b.astype(np.float64), 1e-5, 1e-8, equal_nan=bool(equal_nan)))
            add("all_close", [(t, a), (t, b)], "u8", np.asarray(want), p=[equal_nan], q=[1e-5, 1e-8])


def gen_logical_not():
    for t in INTS + FLOATS:
        shape = rand_shape(int(rng.integers(0, 3, endpoint=True)))
        a = rand(t, shape, -2, 2)
        if t in FLOATS and a.size > 1:
            a = np.round(a).astype(DT[t])
            a.reshape(-1)[0] = np.nan
        add("logical_not", [(t, a)], "u8", np.logical_not(a).astype(np.int64))


def gen_log():
    for t in INTS + FLOATS:
        for base in (2, 10, 0.5, 3.7):
            shape = rand_shape(int(rng.integers(0, 2, endpoint=True)))
            a = rand(t, shape, 1, 100)
            ft = to_floating(t)
            out = merge(ft, "f32")
            lt = np.log(a.astype(DT[ft])).astype(DT[ft])
            lb = np.log(np.float32(base)).astype(np.float32)
            w = (lt.astype(DT[out]) / DT[out](lb)).astype(DT[out]).astype(np.float64)
            ref = np.log(a.astype(np.float64)) / np.log(base)
            assert np.allclose(w, ref, rtol=2e-3 if ft == "f16" else 1e-6)
            # one ulp of log(t) in its type, one of log(base) in f32, one of the quotient
            tol = abs(w) * (np.finfo(DT[ft]).eps + np.finfo(np.float32).eps) + \
                np.vectorize(lambda x: 2 * ulp(x, out))(w) + 1e-300
            isint = isinstance(base, int)
            add("log", [(t, a)], out, w, tol, p=[isint, base if isint else 0], q=[float(base)])


# ---------------------------------------------------------------- reduce

def gen_reduce():
    for t in INTS + FLOATS:
        for _ in range(3):
            rank = int(rng.integers(0, 3, endpoint=True))
            shape = rand_shape(rank)
            a = rand(t, shape, -1000, 1000)
            fn = 0 if t in INTS or rng.integers(2) else 1
            axes_given = int(rank > 0 and rng.integers(2))
            axis = int(rng.integers(-rank, rank)) if axes_given else 0
            keep = int(rng.integers(2))
            ax = (axis % rank,) if axes_given else tuple(range(rank))
            kept = [i for i in range(rank) if i not in ax]
            moved = np.transpose(a, kept + list(ax)).reshape(int(np.prod([shape[i] for i in kept])), -1)
            res = []
            for row in moved:
                if fn == 0:
                    if t in INTS:
                        acc = 0
                        for x in row:
                            acc = wrap(acc + int(x), t)
                    else:
                        acc = DT[t](0)
                        for x in row:
                            acc = DT[t](x + acc)
                else:
                    acc = DT[t](-np.inf)
                    for x in row:
                        acc = max(acc, x)
                res.append(acc)
            out_shape = [1 if i in ax else shape[i] for i in range(rank) if keep or i not in ax]
            w = np.array(res, dtype=object if t in INTS else np.float64).reshape(out_shape)
            if fn == 0:
                ref = np.sum(a, axis=ax, dtype=DT[t], keepdims=bool(keep))
                if t in INTS:
                    assert (as_ints(ref) == w).all()
                else:
                    assert np.allclose(ref.astype(np.float64), w, rtol=1e-2 if t == "f16" else 1e-4, atol=1)
            add("reduce", [(t, a)], t, w, 0.0, p=[fn, axes_given, axis, keep])


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_composite.py OUTDIR")
    with np.errstate(all="ignore"):
        gen_triangles()
        gen_diagonals()
        gen_linspace()
        gen_median()
        gen_mode()
        gen_weighted_mean()
        gen_covariance()
        gen_all_close()
        gen_logical_not()
        gen_log()
        gen_reduce()
    with open(sys.argv[1] + "/composite.bin", "wb") as f:
        f.write(b"NXCMP01\n" + struct.pack("<II", SEED, len(cases)) + b"".join(cases))
    print("composite.bin: %d cases" % len(cases))


if __name__ == "__main__":
    main()
