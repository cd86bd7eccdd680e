#!/usr/bin/env python3
"""tests/oracle/gen_sort.py: the oracle for tests/test_sort.c (Nx.sort, Nx.argsort and
Nx.top_k on random inputs of every real type, with ties, NaN, infinities and signed zeros).

    python3 tests/oracle/gen_sort.py OUTDIR [N]        (N random cases, default 1500)

Needs only numpy. The seed is fixed (SEED below) and written into the file, so the same
script always writes the same bytes. Writes OUTDIR/sort.bin, little-endian:

  char magic[8] = "NXSORT1\\n"
  u32  seed
  u32  ncases
  ncases times, one case:
      u8    op          0 sort, 1 argsort, 2 top_k
      u8    type        the input's type as an nx_type enum value (NX_U2 = 1 ... NX_F64 = 18)
      u8    direction   0 :asc, 1 :desc (top_k: 0, unused)
      u8    axis_mode   0 not given (axis 0), 1 by index, 2 by name
      i32   axis        the axis index when axis_mode is 1 (may be negative)
      str   axis_name   the axis name when axis_mode is 2 (else empty)
      u8    out_type    argsort's :type as an nx_type enum value (0: not given, s32)
      i64   k           top_k's :k (0: not given, 1)
      u8    vrank       how many leading axes the test vectorizes (names "v0", "v1", ...)
                        before the call; the axis counts from the inner axes
      shape in          the input's shape (vectorized axes included)
      names             the input's names: u8 n (0: none, else its rank), then n x str
                        (length 0: nil). Vectorized axes are renamed by vectorize.
      u64   in_len, u8 in[in_len]      the input as nxc stores it (formats.md §1.1)
      shape want        the first result's shape (vectorized axes included)
      u8    want_type   the first result's type
      u64   want_len, u8 want[want_len]    its bytes (sort and top_k: input elements, bit
                                            for bit; argsort: the positions in want_type)
      u64   want2_len, u8 want2[want2_len] top_k: the s32 indices; else empty
  where shape = u8 rank, then rank x i64; str = u8 length, then the bytes.

Oracle: each element is decoded to its exact value (Python int, or float64 for the floats:
numpy for f16/f32/f64, bit manipulation for bf16, f8 (E5M2) and f8_e4m3fn), then numpy's
stable argsort (kind='stable') orders the dense ranks of those values along the axis
(np.unique: -0.0 and 0.0 are one value; every NaN is one rank above all numbers for :asc
and below them for :desc, which is the spec's order: ascending -Inf < numbers < +Inf < NaN,
descending NaN, +Inf, numbers, -Inf, equal elements in input order both ways). top_k is the
first k of the stable descending order along the last axis. Every order is cross-checked
against Python's sorted() with a key tuple. sort's expected bytes are the input elements
moved, so NaN payloads and -0.0 must come back bit for bit.
"""
import math
import os
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261130

TYPES, ENUM, BITS = nxoracle.TYPES, nxoracle.ENUM, nxoracle.BITS
REAL_TYPES = TYPES[:18]
INT_TYPES = TYPES[:12]
FLOAT_TYPES = TYPES[12:18]
# argsort :type values the test asks for (narrow floats only where the positions are exact).
INDEX_TYPES = ["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "u4", "s2",
               "c64"]
NAME_POOL = ["x", "y", "z", "batch", "rows", "cols"]

OP_SORT, OP_ARGSORT, OP_TOP_K = range(3)


# ---------------------------------------------------------------- element codecs

def e4m3fn_value(bits):
    s, e, m = bits >> 7, (bits >> 3) & 15, bits & 7
    if e == 15 and m == 7:
        return math.nan
    v = (m / 8) * 2.0 ** -6 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7)
    return -v if s else v


E4M3FN = [e4m3fn_value(b) for b in range(256)]


def decode_all(t, elems):
    """The exact values of raw element bits: ints for integers, floats for floats."""
    w = BITS[t]
    if t in INT_TYPES:
        if t.startswith("s"):
            return [b - (1 << w) if b >> (w - 1) else b for b in elems]
        return list(elems)
    if t == "f8_e4m3fn":
        return [E4M3FN[b] for b in elems]
    if t == "f32":
        arr = np.array(elems, dtype="<u4").view("<f4")
    elif t == "f64":
        arr = np.array(elems, dtype="<u8").view("<f8")
    elif t == "f16":
        arr = np.array(elems, dtype="<u2").view("<f2")
    elif t == "bf16":
        arr = (np.array(elems, dtype="<u4") << 16).view("<f4")
    elif t == "f8":        # E5M2 is the top byte of an f16
        arr = (np.array(elems, dtype="<u2") << 8).view("<f2")
    else:
        raise ValueError(t)
    with np.errstate(invalid="ignore"):
        return [float(v) for v in arr.astype(np.float64)]


def decode(t, bits):
    return decode_all(t, [bits])[0]


def pack(elems, t):
    """Raw element bits (row-major) as t's stored bytes: 2/4-bit types packed most
    significant bits first, the rest little-endian."""
    w = BITS[t]
    if w < 8:
        out = bytearray((len(elems) * w + 7) // 8)
        for i, v in enumerate(elems):
            bit = i * w
            out[bit // 8] |= (v & ((1 << w) - 1)) << (8 - w - bit % 8)
        return bytes(out)
    return b"".join(int(e).to_bytes(w // 8, "little") for e in elems)


def encode_index(t, values):
    """Positions (non-negative ints) as type t stores them: integers wrap, floats exact."""
    w = BITS[t]
    if t in INT_TYPES:
        return pack([v % (1 << w) for v in values], t)
    if t == "f32":
        return np.array(values, dtype="<f4").tobytes()
    if t == "f64":
        return np.array(values, dtype="<f8").tobytes()
    if t == "c64":
        return np.array(values, dtype="<c8").tobytes()
    raise ValueError(t)


# A few values that must be in every float pool: NaN (both signs, several payloads),
# infinities, signed zeros, and the smallest and largest magnitudes.
def special_bits(t):
    w = BITS[t]
    sign = 1 << (w - 1)
    if t == "f8_e4m3fn":
        return [0x7F, 0xFF, 0x00, 0x80, 0x7E, 0xFE, 0x01, 0x81, 0x38, 0xB8]
    exp_bits = {"f8": 5, "bf16": 8, "f16": 5, "f32": 8, "f64": 11}[t]
    man = w - 1 - exp_bits
    inf = ((1 << exp_bits) - 1) << man
    nans = [inf | 1, inf | (1 << (man - 1)), inf | ((1 << man) - 1)]
    out = [inf, inf | sign, 0, sign, 1, sign | 1, inf - 1, sign | (inf - 1)]
    return out + nans + [n | sign for n in nans]


def random_row_bits(rng, t, n):
    """n random raw elements of t: a small pool (ties) or the full range, with specials."""
    w = BITS[t]
    mode = rng.random()
    if t in INT_TYPES:
        if mode < 0.5:
            pool = [rng.getrandbits(w) for _ in range(rng.randrange(1, 6))]
            if rng.random() < 0.5:   # the extremes of the type
                pool += [0, (1 << w) - 1, 1 << (w - 1), (1 << (w - 1)) - 1]
            return [rng.choice(pool) for _ in range(n)]
        return [rng.getrandbits(w) for _ in range(n)]
    specials = special_bits(t)
    if mode < 0.35:
        pool = [rng.getrandbits(w) for _ in range(rng.randrange(1, 5))] + rng.sample(specials, 4)
        return [rng.choice(pool) for _ in range(n)]
    if mode < 0.7:
        return [rng.choice(specials) if rng.random() < 0.2 else rng.getrandbits(w) for _ in range(n)]
    # Ordinary numbers only: the kernels' exact (keys-only) path.
    out = []
    while len(out) < n:
        b = rng.getrandbits(w)
        v = decode(t, b)
        if not math.isnan(v) and not (v == 0 and b >> (w - 1)):
            out.append(b)
    return out


# ---------------------------------------------------------------- the order

def stable_order(values, desc):
    """Positions that sort `values` (ints or floats, NaN allowed) in the spec's order."""
    vals = list(values)
    nan = np.array([isinstance(v, float) and math.isnan(v) for v in vals], dtype=bool)
    finite = [v for v, is_nan in zip(vals, nan) if not is_nan]
    if finite:
        if any(isinstance(v, float) for v in finite):
            arr = np.array(finite, dtype=np.float64)
        else:
            arr = np.array(finite, dtype=np.uint64 if min(finite) >= 0 else np.int64)
        uniq, inv = np.unique(arr, return_inverse=True)
        nranks = len(uniq)
    else:
        inv, nranks = np.zeros(0, dtype=np.int64), 0
    ranks = np.empty(len(vals), dtype=np.int64)
    ranks[~nan] = inv
    ranks[nan] = nranks
    key = nranks - ranks if desc else ranks
    order = [int(i) for i in np.argsort(key, kind="stable")]

    def tuple_key(i):
        v = vals[i]
        if isinstance(v, float) and math.isnan(v):
            return (0, 0) if desc else (1, 0)
        return (1, -v) if desc else (0, v)
    assert order == sorted(range(len(vals)), key=tuple_key), (vals, desc)
    return order


def along_axis(elems, shape, axis, fn):
    """Applies fn(row) -> list to every row along `axis` of row-major `elems`; fn's result
    (any length m) replaces the row. Returns (flat list, new shape)."""
    arr = np.array(elems, dtype=object).reshape(shape)
    moved = np.moveaxis(arr, axis, -1)
    rows = moved.reshape(-1, shape[axis])
    out = [fn(list(r)) for r in rows]
    m = len(out[0]) if out else 0
    res = np.array(out, dtype=object).reshape(moved.shape[:-1] + (m,))
    res = np.moveaxis(res, -1, axis)
    new_shape = list(shape)
    new_shape[axis] = m
    return [x for x in res.reshape(-1)], tuple(new_shape)


# ---------------------------------------------------------------- serialisation

s_str, s_shape, s_names = nxoracle.s_str, nxoracle.s_shape, nxoracle.s_names


def s_blob(b):
    return struct.pack("<Q", len(b)) + b


def random_shape(rng, rank, max_size):
    while True:
        if rng.random() < 0.75:
            shape = tuple(rng.choice((1, 2, 3, 4, 5, 6, 7)) for _ in range(rank))
        else:   # a long axis somewhere, past the insertion-sort rows
            shape = [rng.choice((1, 2, 3)) for _ in range(rank)]
            shape[rng.randrange(rank)] = rng.choice((33, 64, 100, 257, 600, 2100))
            shape = tuple(shape)
        if math.prod(shape) <= max_size:
            return shape


def gen_case(rng, op, t=None, shape=None, vrank=None):
    t = t or rng.choice(REAL_TYPES)
    if shape is None:
        shape = random_shape(rng, rng.randrange(1, 5), 3000)
    rank = len(shape)
    if vrank is None:
        vrank = rng.choice((0, 0, 0, 1, 2)) if rank > 1 else 0
        vrank = min(vrank, rank - 1)
    inner = rank - vrank
    names = None
    if rng.random() < 0.5:
        names = [rng.choice(NAME_POOL) if rng.random() < 0.7 else None for _ in range(rank)]
    inner_names = (names or [None] * rank)[vrank:]

    n = math.prod(shape)
    elems = []
    # Rows are drawn along the last axis; other axes then mix pools too.
    last = shape[-1]
    while len(elems) < n:
        elems += random_row_bits(rng, t, last)
    elems = elems[:n]
    values = decode_all(t, elems)

    desc = rng.random() < 0.5 if op != OP_TOP_K else True
    axis_mode, axis, axis_name, out_type, k = 0, 0, "", 0, 0
    if op == OP_TOP_K:
        a = rank - 1
        k = rng.choice((0, 1, 2, 3, shape[-1], max(1, shape[-1] // 2), min(shape[-1], 40)))
        k = min(k, shape[-1])
    else:
        named = [i for i, nm in enumerate(inner_names) if nm and inner_names.index(nm) == i]
        r = rng.random()
        if r < 0.25:
            a = vrank
        elif r < 0.45 and named:
            axis_mode = 2
            axis_name = inner_names[rng.choice(named)]
            a = vrank + inner_names.index(axis_name)
        else:
            axis_mode = 1
            axis = rng.randrange(-inner, inner)
            a = vrank + axis % inner

    order_fn = lambda row_vals: stable_order(row_vals, desc)   # noqa: E731
    positions = list(range(n))
    stride = math.prod(shape[a + 1:])
    if op == OP_TOP_K:
        kk = k or 1
        fn = lambda row: [row[i] for i in stable_order([values[p] for p in row], True)[:kk]]  # noqa: E731
        picked, want_shape = along_axis(positions, shape, a, fn)
        firsts = along_axis(positions, shape, a, lambda row: [row[0]] * kk)[0]
        idx = [(p - f) // stride for p, f in zip(picked, firsts)]
        want = pack([elems[p] for p in picked], t)
        want_type = t
        want2 = struct.pack("<%di" % len(idx), *idx)
    else:
        fn = lambda row: [row[i] for i in order_fn([values[p] for p in row])]  # noqa: E731
        picked, want_shape = along_axis(positions, shape, a, fn)
        if op == OP_SORT:
            want = pack([elems[p] for p in picked], t)
            want_type = t
        else:
            if rng.random() < 0.5:
                want_type = rng.choice(INDEX_TYPES)
                out_type = ENUM[want_type]
            else:
                want_type = "s32"
            firsts = along_axis(positions, shape, a, lambda row: [row[0]] * len(row))[0]
            idx = [(p - f) // stride for p, f in zip(picked, firsts)]
            want = encode_index(want_type, idx)
        want2 = b""

    return b"".join([
        struct.pack("<BBBBi", op, ENUM[t], 1 if desc and op != OP_TOP_K else 0, axis_mode, axis),
        s_str(axis_name), struct.pack("<Bq", out_type, k), struct.pack("<B", vrank),
        s_shape(shape), s_names(names), s_blob(pack(elems, t)),
        s_shape(want_shape), struct.pack("<B", ENUM[want_type]), s_blob(want), s_blob(want2),
    ])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    ncases = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    rng = random.Random(SEED)
    cases = []
    # Every type through every op at least twice, then random cases.
    for t in REAL_TYPES:
        for op in (OP_SORT, OP_ARGSORT, OP_TOP_K):
            cases.append(gen_case(rng, op, t))
            cases.append(gen_case(rng, op, t, shape=(rng.choice((40, 150, 700)),)))
    # Rows spread over the thread pool (more than 2 x 32768 elements).
    for t in ("f32", "s16", "f64", "bf16"):
        cases.append(gen_case(rng, OP_SORT, t, shape=(70, 1100), vrank=0))
        cases.append(gen_case(rng, OP_ARGSORT, t, shape=(1100, 70), vrank=0))
    cases.append(gen_case(rng, OP_TOP_K, "f32", shape=(300, 250), vrank=0))
    while len(cases) < ncases:
        cases.append(gen_case(rng, rng.choice((OP_SORT, OP_SORT, OP_ARGSORT, OP_ARGSORT, OP_TOP_K))))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "sort.bin"), "wb") as f:
        f.write(b"NXSORT1\n" + struct.pack("<II", SEED, len(cases)) + b"".join(cases))


if __name__ == "__main__":
    main()
