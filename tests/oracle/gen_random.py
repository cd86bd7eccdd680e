#!/usr/bin/env python3
"""tests/oracle/gen_random.py: the oracle for tests/test_random.c: an independent Python
re-implementation of spec/random.md (Threefry-2x32-20 on NumPy uint32 arrays, keys, split,
fold_in, uniform, normal, randint, gumbel, shuffle, choice) with Nx's reference rounding
written out here (bf16 and f16 decoded with ml_dtypes), over many seeds, shapes and types.

    python3 tests/oracle/gen_random.py OUTDIR

Writes OUTDIR/random_cases.bin, little-endian:

    char magic[8] = "NXRND01\\n"; u32 ncases; per case:
        char op[12]; u64 seed; char type[12] (the :type option, "" for none);
        u8 rank; i64 dims[rank] (the :shape option, or the input's shape for shuffle,
        choice and fold_in);
        u8 nargs; per arg: char kind[12] ("int"/"float": a plain number, else a type
            name of a scalar tensor); f64 or i64 value (8 bytes);
        i64 axis (-1: none); u8 independent; i64 samples; u8 replace;
        char otype[12]; u32 nout; u64 out[nout] (floats: the element's bits, complex:
        two per element; integers: the value); u32 key[2] (the returned key; 0 0 for
        split and fold_in)
"""
import math
import random
import struct
import sys

import ml_dtypes
import numpy as np

SEED = 20260514
U32 = np.uint32
FLOATS = ["f64", "f32", "f16", "bf16", "f8", "f8_e4m3fn"]
INFO = {  # bits, mantissa, bits of 1.0, smallest normal
    "f64": (64, 52, 0x3FF0000000000000, 2.0**-1022), "f32": (32, 23, 0x3F800000, 2.0**-126),
    "f16": (16, 10, 0x3C00, 2.0**-14), "bf16": (16, 7, 0x3F80, 2.0**-126),
    "f8": (8, 2, 0x3C, 2.0**-14), "f8_e4m3fn": (8, 3, 0x38, 2.0**-6),
}
INTS = ["u2", "u4", "u8", "u16", "u32", "u64", "s2", "s4", "s8", "s16", "s32", "s64"]


# ---------------------------------------------------------------- threefry

def threefry_pair(k0, k1, x0, x1):
    with np.errstate(over="ignore"):
        k0, k1 = U32(k0), U32(k1)
        ks = [k1, k0 ^ k1 ^ U32(0x1BD11BDA), k0]
        rots = ([13, 15, 26, 6], [17, 29, 16, 24])
        a = np.asarray(x0, U32) + k0
        b = np.asarray(x1, U32) + k1
        for i in range(1, 6):
            for r in rots[(i - 1) % 2]:
                a = a + b
                b = ((b << U32(r)) | (b >> U32(32 - r))) ^ a
            a = a + ks[0]
            b = b + ks[1] + U32(i)
            ks = ks[1:] + ks[:1]
    return a, b


def words(key, n):
    padded = list(range(n)) + ([0] if n % 2 else [])
    h = len(padded) // 2
    y0, y1 = threefry_pair(key[0], key[1], padded[:h], padded[h:])
    return [int(v) for v in np.concatenate([y0, y1])[:n]]


def bits(key, n, width):
    if width == 64:
        w = words(key, 2 * n)
        return [(w[i] << 32) | w[n + i] for i in range(n)]
    return [v & ((1 << width) - 1) for v in words(key, n)]


def split2(key):
    w = words(key, 4)
    return w[0:2], w[2:4]


# ---------------------------------------------------------------- values in T

def e4m3fn_enc(v):
    if math.isnan(v):
        return 0x7F
    if v == 0:
        return 0x80 if math.copysign(1, v) < 0 else 0
    c = min(max(v, -448.0), 448.0)
    sign = 0x80 if c < 0 else 0
    a = abs(c)
    eu = math.floor(math.log2(a))
    e = eu + 7
    away = lambda x: math.floor(x + 0.5)  # x >= 0: half away from zero
    if e <= 0:
        return sign | min(7, away(a / 2.0**-6 * 8))
    m = min(7, max(0, away((a / 2.0**eu - 1.0) * 8)))
    if e == 15 and m == 7:
        return sign | 0x7E
    return sign | e << 3 | m


def enc(t, x):
    if t == "f64":
        return 0x7FF8000000000000 if math.isnan(x) else struct.unpack("<Q", struct.pack("<d", x))[0]
    if t == "f8_e4m3fn":
        return e4m3fn_enc(x)
    with np.errstate(over="ignore"):
        if t in ("f32", "bf16"):
            b = 0x7FC00000 if math.isnan(x) else int(np.array([x], np.float32).view(np.uint32)[0])
            return b if t == "f32" else b >> 16
        b = 0x7E00 if math.isnan(x) else int(np.array([x], np.float16).view(np.uint16)[0])
        return b if t == "f16" else b >> 8


def dec(t, b):
    if t == "f64":
        return struct.unpack("<d", struct.pack("<Q", b))[0]
    if t == "f32":
        return float(np.array([b], np.uint32).view(np.float32)[0])
    if t == "f16":
        return float(np.array([b], np.uint16).view(np.float16)[0])
    if t == "bf16":
        return float(np.array([b], np.uint16).view(ml_dtypes.bfloat16)[0])
    if t == "f8_e4m3fn":
        return float(np.array([b], np.uint8).view(ml_dtypes.float8_e4m3fn)[0])
    e, m, s = (b >> 2) & 31, b & 3, -1.0 if b & 0x80 else 1.0   # f8: Nx's reading
    if e == 31:
        return math.nan if m else s * math.inf
    return s * 0.0 if b & 0x7F == 0 else s * 2.0 ** (e - 15) * (1 + m / 4)


def rnd(t, x):
    return dec(t, enc(t, x))


def arg_value(kind, v):
    """A call argument as defn sees it: plain integers become s32, floats f32."""
    if kind == "int":
        return "s32", ((int(v) + 2**31) % 2**32) - 2**31
    if kind == "float":
        return "f32", rnd("f32", v)
    return kind, v


def as_float(t, kind, v):
    """Nx.as_type of a scalar argument into float type t, as bits."""
    kind, v = arg_value(kind, v)
    return enc(t, float(v))


# ---------------------------------------------------------------- samplers

def uniform_bits(key, t, n, lo_bits, scale):
    w, m, one, _ = INFO[t]
    out = []
    for i, b in enumerate(bits(key, n, w)):
        f = dec(t, (b >> (w - m)) | one) - 1.0
        lo = dec(t, lo_bits)
        c = enc(t, rnd(t, f * scale) + lo)
        cv = dec(t, c)
        out.append(enc(t, math.nan) if math.isnan(cv) or math.isnan(lo) else (c if cv >= lo else lo_bits))
    return out


def uniform_const(key, t, n, lo, hi):
    return uniform_bits(key, t, n, enc(t, lo), rnd(t, hi - lo))


def uniform(key, t, n, args):
    if not args:
        return uniform_const(key, t, n, 0.0, 1.0)
    lo, hi = as_float(t, *args[0]), as_float(t, *args[1])
    return uniform_bits(key, t, n, lo, rnd(t, dec(t, hi) - dec(t, lo)))


def erf_inv(z):
    if math.isnan(z):
        return math.nan
    if z in (1.0, -1.0):
        return math.copysign(math.inf, z)
    if z == 0:
        return 0.0
    w = -math.log((1 - z) * (1 + z))
    if w < 5:
        w, p = w - 2.5, 2.81022636e-08
        cs = [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941]
    else:
        w, p = math.sqrt(w) - 3, -0.000200214257
        cs = [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682]
    for c in cs:
        p = p * w + c
    return p * z


def normal(key, t, n, args):
    nm1 = {"f64": -(1 - 2.0**-53), "f32": -(1 - 2.0**-24)}.get(t, -(1 - 2.0**-11))
    u = [dec(t, b) for b in uniform_const(key, t, n, nm1, 1.0)]
    sq = rnd(t, math.sqrt(2.0))
    out = []
    for x in u:
        e = rnd(t, erf_inv(x))
        if args:
            mean, sd = dec(t, as_float(t, *args[0])), dec(t, as_float(t, *args[1]))
            out.append(enc(t, rnd(t, sq * rnd(t, sd * e)) + mean))
        else:
            out.append(enc(t, sq * e))
    return out


def real_or_complex(fn, key, t, n, args):
    if t in ("c64", "c128"):
        return fn(key, "f32" if t == "c64" else "f64", 2 * n, args)
    return fn(key, t, n, args)


def gumbel(key, t, n):
    u = [dec(t, b) for b in uniform_const(key, t, n, INFO[t][3], 1.0)]
    out = []
    for x in u:
        a = rnd(t, math.log(x))
        c = math.log(-a) if a != 0 else -math.inf
        out.append(enc(t, -c))
    return out


def wrap(v, t):
    w = int(t[1:])
    v %= 2**w
    return v - 2**w if t[0] == "s" and v >= 2 ** (w - 1) else v


def trem(a, b):
    q = abs(a) // abs(b)
    return a - (q if (a >= 0) == (b >= 0) else -q) * b


def randint(key, t, n, args):
    (lt, lo), (ht, hi) = arg_value(*args[0]), arg_value(*args[1])
    mt = lt if lt == ht else "s64"
    w = int(t[1:])
    span = wrap(hi - lo, mt) % 2**w
    if span == 0:
        return None
    b = bits(key, 2 * n, w)
    q = 2 ** (w // 2) % span
    m = trem(wrap(q * q, "s64"), span)
    out = []
    for i in range(n):
        o3 = wrap(wrap((b[i] % span) * m, "s64") + b[n + i] % span, "s64")
        out.append(wrap(wrap(lo + trem(o3, span), "s64"), t))
    return out


def rounds_of(n):
    if n <= 1:
        return 0
    f = lambda x: float(np.float32(x))
    return math.ceil(f(f(3 * f(math.log(f(n)))) / f(math.log(4294967295))))


def shuffle_rounds(key, x, axis):
    for _ in range(rounds_of(x.size)):
        key, use = split2(key)
        keys = np.array(words(use, x.size), np.uint32).reshape(x.shape)
        x = np.take_along_axis(x, np.argsort(keys, axis=axis, kind="stable"), axis=axis)
    return x, key


def shuffle(key, shape, axis, independent):
    x = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if independent:
        return shuffle_rounds(key, x, axis)
    perm, key = shuffle_rounds(key, np.arange(shape[axis]), 0)
    return np.take(x, perm, axis=axis), key


def cumsum(t, v):
    n = len(v)
    if n < 2:
        return list(v)
    r = [rnd(t, v[2 * i + 1] + v[2 * i]) for i in range(n // 2)]
    s = cumsum(t, r)
    out = list(v)
    for i in range(n // 2):
        out[2 * i + 1] = s[i]
    for i in range(1, (n + 1) // 2):
        out[2 * i] = rnd(t, s[i - 1] + v[2 * i])
    return out


def choice(key, shape, axis, samples, replace, p):
    x = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if axis < 0:
        x, axis = x.reshape(-1), 0
    n = x.shape[axis]
    if p is None and replace:
        knew, use = split2(key)
        idx = randint(use, "u32", samples, [("s64", 0), ("s64", n)])
        return np.take(x, idx, axis=axis), knew
    if p is None:
        perm, key = shuffle_rounds(key, np.arange(n), 0)
        return np.take(np.take(x, perm, axis=axis), range(samples), axis=axis), key
    knew, use = split2(key)
    t = "f32"
    pv = [rnd(t, v) for v in p]
    if replace:
        c = cumsum(t, pv)
        u = [dec(t, b) for b in uniform_const(use, t, samples, 0.0, 1.0)]
        idx = []
        for uj in u:
            r = rnd(t, c[-1] * rnd(t, 1.0 - uj))
            hits = [i for i in range(n) if c[i] > r]
            idx.append(hits[0] if hits else 0)
    else:
        g = [dec(t, b) for b in gumbel(use, t, n)]
        s = [rnd(t, -g[i] - rnd(t, math.log(pv[i]) if pv[i] > 0 else -math.inf)) for i in range(n)]
        idx = sorted(range(n), key=lambda i: (s[i], i))[:samples]
    return np.take(x, idx, axis=axis), knew


# ---------------------------------------------------------------- cases

def kind_bytes(s):
    return s.encode().ljust(12, b"\0")


class Writer:
    def __init__(self):
        self.cases = []

    def add(self, op, seed, typ, shape, args, out_type, out, key, axis=-1, independent=0, samples=0, replace=1):
        b = bytearray(op.encode().ljust(12, b"\0"))
        b += struct.pack("<Q", seed % 2**64) + kind_bytes(typ)
        b += struct.pack("<B", len(shape)) + b"".join(struct.pack("<q", d) for d in shape)
        b += struct.pack("<B", len(args))
        for kind, v in args:
            b += kind_bytes(kind)
            b += struct.pack("<q", v) if kind == "int" or kind[0] in "us" else struct.pack("<d", v)
        b += struct.pack("<qBqB", axis, independent, samples, replace)
        b += kind_bytes(out_type) + struct.pack("<I", len(out))
        b += b"".join(struct.pack("<Q", v % 2**64) for v in out)
        b += struct.pack("<II", *key)
        self.cases.append(bytes(b))


def key_of(seed):
    seed %= 2**64
    return [seed >> 32, seed & 0xFFFFFFFF]


def rand_shape(rng, maxrank=3, maxdim=5):
    return [rng.randint(1, maxdim) for _ in range(rng.randint(0, maxrank))]


def size(shape):
    return int(np.prod(shape)) if shape else 1


def main():
    rng = random.Random(SEED)
    w = Writer()
    seeds = [0, 1, 7, 42, 1701, 999999999999, 2**64 - 1] + [rng.randrange(2**64) for _ in range(9)]
    for seed in seeds:
        key = key_of(seed)
        for parts in (1, 2, 3, 5):
            w.add("split", seed, "", [parts], [], "u32", words(key, 2 * parts), [0, 0])
        data = [rng.randint(-2**31, 2**31 - 1) for _ in range(3)]
        out = []
        for d in data:
            d %= 2**64
            y0, y1 = threefry_pair(key[0], key[1], [d >> 32], [d & 0xFFFFFFFF])
            out += [int(y0[0]), int(y1[0])]
        w.add("fold_in", seed, "", [3], [("s64", d) for d in data], "u32", out, [0, 0])
        knew, use = split2(key)
        for t in FLOATS + ["c64", "c128"]:
            shape = rand_shape(rng)
            n = size(shape)
            w.add("uniform", seed, t, shape, [], t, real_or_complex(uniform, use, t, n, []), knew)
            lo = rng.choice([("float", rng.uniform(-5, 5)), ("int", rng.randint(-5, 5)), ("f64", rng.uniform(-5, 5))])
            hi = rng.choice([("float", rng.uniform(-5, 5)), ("int", rng.randint(-5, 5)), ("f16", float(np.float16(rng.uniform(-5, 5))))])
            w.add("uniform", seed, t, shape, [lo, hi], t, real_or_complex(uniform, use, t, n, [lo, hi]), knew)
            if t in ("f8", "f8_e4m3fn"):
                w.add("gumbel", seed, t, shape, [], t, gumbel(use, t, n), knew)
                continue
            w.add("normal", seed, t, shape, [], t, real_or_complex(normal, use, t, n, []), knew)
            args = [("float", rng.uniform(-3, 3)), rng.choice([("int", rng.randint(1, 4)), ("float", rng.uniform(0.1, 3))])]
            w.add("normal", seed, t, shape, args, t, real_or_complex(normal, use, t, n, args), knew)
            if t not in ("c64", "c128"):
                w.add("gumbel", seed, t, shape, [], t, gumbel(use, t, n), knew)
        for t in INTS:
            shape = rand_shape(rng)
            wd = int(t[1:])
            lo = rng.randint(-40, 40)
            hi = lo + rng.randint(1, 2**min(wd, 20) - (wd < 20))
            out = randint(use, t, size(shape), [("int", lo), ("int", hi)])
            w.add("randint", seed, t, shape, [("int", lo), ("int", hi)], t, out, knew)
        lo, hi = rng.randint(-2**31, 0), rng.randint(1, 2**31 - 1)
        out = randint(use, "s64", 4, [("s64", lo), ("s64", hi)])
        w.add("randint", seed, "s64", [4], [("s64", lo), ("s64", hi)], "s64", out, knew)
        for independent in (0, 1):
            shape = rand_shape(rng, 3, 6) or [4]
            axis = rng.randrange(len(shape))
            y, k2 = shuffle(key, shape, axis, independent)
            w.add("shuffle", seed, "", shape, [], "s64", [int(v) for v in y.reshape(-1)], k2, axis=axis,
                  independent=independent)
        for big in (1700, 2000):
            y, k2 = shuffle(key, [big], 0, 0)
            w.add("shuffle", seed, "", [big], [], "s64", [int(v) for v in y.reshape(-1)], k2, axis=0)
        for replace in (1, 0):
            for weighted in (0, 1):
                shape = [rng.randint(1, 5), rng.randint(2, 5)]
                axis = rng.choice([-1, 0, 1])
                n = size(shape) if axis < 0 else shape[axis]
                samples = rng.randint(1, n if not replace else 2 * n)
                p = [rng.uniform(0.01, 1) for _ in range(n)] if weighted else None
                y, k2 = choice(key, shape, axis, samples, replace, p)
                args = [("f32", v) for v in p] if p else []
                w.add("choice", seed, "", shape, args, "s64", [int(v) for v in y.reshape(-1)], k2, axis=axis,
                      samples=samples, replace=replace)
    with open(sys.argv[1] + "/random_cases.bin", "wb") as f:
        f.write(b"NXRND01\n" + struct.pack("<I", len(w.cases)) + b"".join(w.cases))


if __name__ == "__main__":
    main()
