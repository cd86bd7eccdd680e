#!/usr/bin/env python3
"""tests/oracle/gen_create.py: the oracle for tests/test_create.c (Nx.iota, Nx.eye,
Nx.broadcast, Nx.reshape and Nx.tensor on nested lists, on random inputs).

    python3 tests/oracle/gen_create.py OUTDIR [N]      (N cases per operation, default 400)

Needs only numpy. The seed is fixed (SEED below) and written into the file, so the same
script always writes the same bytes. Writes OUTDIR/create.bin, little-endian:

  char magic[8] = "NXCREA1\\n"
  u32  seed
  u32  ncases
  ncases times, one case:
      u8    op          0 iota, 1 eye, 2 broadcast, 3 reshape, 4 tensor (a nested list)
      u8    type        the :type given to the call as an nx_type enum value (NX_U2 = 1 ...
                        NX_C128 = 20); 0: not given (tensor infers it)
      u8    want_type   the result's type (nx_type enum value)
      u8    axis_mode   iota's :axis: 0 not given, 1 by index, 2 by name
      i32   axis        iota's axis index when axis_mode is 1 (may be negative)
      str   axis_name   iota's axis name when axis_mode is 2 (else the empty string)
      shape in          broadcast/reshape: the input's shape; tensor: the list's shape
                        (rank 0: a bare number); iota/eye: rank 0, unused
      shape arg         the shape argument: iota/eye shape, broadcast/reshape target (a
                        reshape target may hold one INT64_MIN, nxc's NX_AUTO); tensor: unused
      axes              broadcast's :axes: u8 n, then n x i32 (n = 0: not given)
      names             the :names option: u8 n, then n x str (n = 0: not given)
      shape want        the result's shape
      names want        the result's names: u8 n (= its rank), then n x str
      u64   in_len, u8 in[in_len]
                        broadcast/reshape: the input's data as nxc stores it (formats.md
                        §1.1), given to nx_from_data. tensor: the leaves in row-major
                        order, 17 bytes each: u8 kind (0 int: i64, 1 uint: u64, 2 float:
                        f64, 3 complex: f64 re, f64 im, 4 boolean: i64 0/1), then 16 bytes
                        of payload (zero-padded). iota/eye: empty.
      u64   want_len, u8 want[want_len]
                        the result's nx_to_binary bytes (2/4-bit types packed most
                        significant bits first, unused low bits of the last byte zero)
  where shape = u8 rank, then rank x i64; str = u8 length, then the bytes (length 0 is
  nil in a names list).

Oracles: numpy's arange/broadcast_to/reshape on element indices (broadcast and reshape
move raw element bits, so they are checked on every type, sub-byte and narrow floats
included); values are written into a type by numpy's astype/array from Python floats
(float64 -> float16/float32 and int -> float rounding are single, to nearest even; ints
given to float types stay below 2^53 so that they are exact doubles first), and by exact
Python modulo 2^bits for integer types (Nx.tensor wraps integers: 300 as u8 is 44, -1 is
255). Type inference follows types-and-inspect.md §2: booleans u8, integers s32, floats
f32, complex c64, merged (u8 < s32 < f32 < c64 for these four).
"""
import math
import os
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20240611
AUTO = -(1 << 63)

# nx_type enum values (include/nx/types.h) and bit widths.
TYPES, ENUM, BITS = nxoracle.TYPES, nxoracle.ENUM, nxoracle.BITS
INT_TYPES = TYPES[:12]
NUMPY_FLOAT = {"f16": np.float16, "f32": np.float32, "f64": np.float64,
               "c64": np.complex64, "c128": np.complex128}
# Types whose values numpy can compute (plus the 2/4-bit integers, done in Python).
VALUE_TYPES = INT_TYPES + ["f16", "f32", "f64", "c64", "c128"]
# The bits of 1.0 in the float types numpy lacks (for eye).
ONE_BITS = {"f8": 0x3C, "f8_e4m3fn": 0x38, "bf16": 0x3F80}

OP_IOTA, OP_EYE, OP_BROADCAST, OP_RESHAPE, OP_TENSOR = range(5)
LEAF_INT, LEAF_UINT, LEAF_FLOAT, LEAF_COMPLEX, LEAF_BOOL = range(5)
NAME_POOL = ["x", "y", "z", "batch", "rows", "cols", "time", "a"]


pack_bits = nxoracle.pack_bits


def encode(values, t):
    """Python numbers (int, float or complex, row-major) as type t's stored bytes."""
    w = BITS[t]
    if t in INT_TYPES:
        wrapped = [int(v) % (1 << w) for v in values]
        if w < 8:
            return pack_bits(wrapped, w)
        return np.array(wrapped, dtype="<u%d" % (w // 8)).tobytes()
    if t in ONE_BITS:
        assert all(v in (0, 1) for v in values)
        return b"".join(struct.pack("<B" if w == 8 else "<H", ONE_BITS[t] if v else 0)
                        for v in values)
    dt = np.dtype(NUMPY_FLOAT[t]).newbyteorder("<")
    with np.errstate(over="ignore"):      # 1e300 as f32 is Inf, as Nx stores it
        if t in ("c64", "c128"):
            return np.array([complex(v) for v in values], dtype=dt).tobytes()
        return np.array([float(v) for v in values], dtype=dt).tobytes()


def random_elements(rng, t, n):
    """n random elements of t as their raw bits (ints), for ops that move bits."""
    w = BITS[t]
    return [rng.getrandbits(w) for _ in range(n)]


def raw_bytes(elems, t):
    w = BITS[t]
    if w < 8:
        return pack_bits(elems, w)
    return b"".join(e.to_bytes(w // 8, "little") for e in elems)


# ---------------------------------------------------------------- serialisation

s_str, s_shape, s_names = nxoracle.s_str, nxoracle.s_shape, nxoracle.s_names


def s_axes(axes):
    if not axes:
        return struct.pack("<B", 0)
    return struct.pack("<B", len(axes)) + b"".join(struct.pack("<i", a) for a in axes)


def record(op, type_, want_type, want_shape, want_names, want, axis_mode=0, axis=0,
           axis_name="", in_shape=(), arg_shape=(), axes=None, names=None, data=b""):
    return b"".join([
        struct.pack("<BBBBi", op, ENUM.get(type_, 0), ENUM[want_type], axis_mode, axis),
        s_str(axis_name), s_shape(in_shape), s_shape(arg_shape), s_axes(axes),
        s_names(names), s_shape(want_shape), s_names(want_names),
        struct.pack("<Q", len(data)), data, struct.pack("<Q", len(want)), want,
    ])


# ---------------------------------------------------------------- random inputs

def random_shape(rng, rank, dims=(1, 2, 3, 4, 5, 6), max_size=4000):
    while True:
        shape = tuple(rng.choice(dims) for _ in range(rank))
        if math.prod(shape) <= max_size:
            return shape


def random_names(rng, rank):
    """A names list with some nils, or None (option not given)."""
    if rng.random() < 0.4:
        return None
    return [rng.choice(NAME_POOL) if rng.random() < 0.7 else None for _ in range(rank)]


def gen_iota(rng):
    t = rng.choice(VALUE_TYPES)
    rank = rng.randrange(0, 5)
    # Some long shapes so that u8/s8/2- and 4-bit types wrap and f16 rounds (> 2048).
    dims = (1, 2, 3, 4, 5, 7) if rng.random() < 0.7 else (1, 16, 50, 300, 1100, 2500)
    shape = random_shape(rng, rank, dims)
    names = random_names(rng, rank)
    idx = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    axis_mode, axis, axis_name = 0, 0, ""
    if rank > 0 and rng.random() < 0.6:
        named = [i for i, n in enumerate(names or []) if n]
        if named and rng.random() < 0.4:
            axis_mode, axis_name = 2, names[rng.choice(named)]
            a = names.index(axis_name)        # Nx: the first axis with that name
        else:
            axis_mode, axis = 1, rng.randrange(-rank, rank)
            a = axis % rank
        view = [1] * rank
        view[a] = shape[a]
        idx = np.broadcast_to(np.arange(shape[a], dtype=np.int64).reshape(view), shape)
    values = [int(v) for v in idx.reshape(-1)]
    want_names = names if names is not None else [None] * rank
    return record(OP_IOTA, t, t, shape, want_names, encode(values, t), axis_mode=axis_mode,
                  axis=axis, axis_name=axis_name, arg_shape=shape, names=names)


def gen_eye(rng):
    t = rng.choice(TYPES)
    rank = rng.randrange(2, 5)
    shape = random_shape(rng, rank, (1, 2, 3, 4, 5, 6, 7), 3000)
    names = random_names(rng, rank)
    rows, cols = shape[-2], shape[-1]
    eye = (np.arange(rows)[:, None] == np.arange(cols)[None, :]).astype(np.int64)
    values = [int(v) for v in np.broadcast_to(eye, shape).reshape(-1)]
    want_names = names if names is not None else [None] * rank
    return record(OP_EYE, t, t, shape, want_names, encode(values, t), arg_shape=shape,
                  names=names)


def gen_broadcast(rng):
    t = rng.choice(TYPES)
    s = rng.randrange(0, 5)
    src = tuple(rng.choice((1, 1, 2, 3, 4, 5)) for _ in range(s))
    with_axes = rng.random() < 0.5
    for _ in range(1000):
        target_rank = rng.randrange(s, min(s + 3, 7) + 1)
        if with_axes:
            axes = sorted(rng.sample(range(target_rank), s))
        else:
            axes = list(range(target_rank - s, target_rank))
        target = [rng.choice((1, 2, 3, 4)) for _ in range(target_rank)]
        for k, a in enumerate(axes):
            target[a] = src[k] if src[k] != 1 else rng.choice((1, 1, 2, 3, 5))
        target = tuple(target)
        if math.prod(target) <= 3000:
            break
    if not with_axes and rng.random() < 0.1:
        target, axes = src, list(range(s))        # same shape: only the names change
    names = random_names(rng, len(target))
    elems = random_elements(rng, t, math.prod(src))
    view = [1] * len(target)
    for k, a in enumerate(axes):
        view[a] = src[k]
    idx = np.broadcast_to(np.arange(math.prod(src), dtype=np.int64).reshape(view), target)
    want = raw_bytes([elems[i] for i in idx.reshape(-1)], t)
    want_names = names if names is not None else [None] * len(target)
    return record(OP_BROADCAST, t, t, target, want_names, want, in_shape=src,
                  arg_shape=target, axes=axes if with_axes else None, names=names,
                  data=raw_bytes(elems, t))


def factorise(rng, n, rank):
    """A random shape of `rank` positive dims whose product is n."""
    dims = [1] * rank
    p, m = 2, n
    while m > 1:
        while m % p == 0:
            dims[rng.randrange(rank)] *= p
            m //= p
        p += 1
    return dims


def gen_reshape(rng):
    t = rng.choice(TYPES)
    src = random_shape(rng, rng.randrange(0, 5), (1, 2, 3, 4, 5, 6, 8, 9), 3000)
    n = math.prod(src)
    rank = rng.randrange(0 if n == 1 else 1, 6)
    dst = factorise(rng, n, rank) if rank else []
    arg = list(dst)
    if rank and rng.random() < 0.5:
        arg[rng.randrange(rank)] = AUTO
    names = random_names(rng, rank)
    elems = random_elements(rng, t, n)
    data = raw_bytes(elems, t)
    want_names = names if names is not None else [None] * rank
    return record(OP_RESHAPE, t, t, tuple(dst), want_names, data, in_shape=src,
                  arg_shape=tuple(arg), names=names, data=data)


# Leaves for Nx.tensor.
def int_leaf(rng, big):
    r = rng.random()
    if r < 0.3:
        v = rng.randrange(-300, 301)
    elif r < 0.45:
        v = rng.choice((300, -1, 255, 256, -129, 128, 127, -128, 65535, 65536, -32769,
                        2 ** 31 - 1, 2 ** 31, -2 ** 31 - 1, 2 ** 32 + 5, 3, 7, 8, -2, -3))
    elif r < 0.7:
        v = rng.randrange(-2 ** 31, 2 ** 31)
    else:
        v = rng.randrange(-2 ** 53 + 1, 2 ** 53)
    if big and rng.random() < 0.3:
        if rng.random() < 0.5:
            v = rng.randrange(-2 ** 63, 2 ** 63)
        else:
            return (LEAF_UINT, rng.randrange(2 ** 63, 2 ** 64))
    return (LEAF_INT, v)


def float_leaf(rng):
    r = rng.random()
    if r < 0.06:
        return (LEAF_FLOAT, rng.choice((math.inf, -math.inf, -0.0, 0.0)))
    if r < 0.08:
        return (LEAF_FLOAT, math.nan)
    if r < 0.15:
        return (LEAF_FLOAT, rng.choice((1e300, -1e300, 1e-300, 1e40, 65520.0, 65519.99,
                                        6e-8, 3e-8, 1.5, 0.1, 2.5, 1e-45)))
    if r < 0.3:
        return (LEAF_FLOAT, float(rng.randrange(-70000, 70000)) / rng.choice((1, 2, 4, 8)))
    return (LEAF_FLOAT, rng.uniform(-1, 1) * 10.0 ** rng.randrange(-10, 10))


def complex_leaf(rng):
    re = float_leaf(rng)[1]
    im = float_leaf(rng)[1]
    if math.isnan(re) or math.isnan(im):   # NaN bits in complex parts are not pinned down
        re, im = 1.5, -2.25
    return (LEAF_COMPLEX, complex(re, im))


def bool_leaf(rng):
    return (LEAF_BOOL, rng.randrange(2))


def leaf_value(leaf):
    kind, v = leaf
    return int(v) if kind in (LEAF_INT, LEAF_UINT, LEAF_BOOL) else v


def leaf_bytes(leaf):
    kind, v = leaf
    if kind == LEAF_INT or kind == LEAF_BOOL:
        payload = struct.pack("<q", v) + bytes(8)
    elif kind == LEAF_UINT:
        payload = struct.pack("<Q", v) + bytes(8)
    elif kind == LEAF_FLOAT:
        payload = struct.pack("<d", v) + bytes(8)
    else:
        payload = struct.pack("<dd", v.real, v.imag)
    return struct.pack("<B", kind) + payload


def gen_tensor(rng):
    rank = rng.randrange(0, 4)
    shape = random_shape(rng, rank, (1, 2, 3, 4), 200)
    n = math.prod(shape)
    mode = rng.random()
    if mode < 0.35:
        # Inferred type: the kinds of leaves decide it.
        kinds = rng.choice([("bool",), ("int",), ("int", "bool"), ("float",),
                            ("float", "int"), ("float", "int", "bool"), ("complex",),
                            ("complex", "int", "float"), ("complex", "bool")])
        type_ = None
        want_type = ("c64" if "complex" in kinds else "f32" if "float" in kinds
                     else "s32" if "int" in kinds else "u8")
    else:
        type_ = rng.choice(VALUE_TYPES)
        want_type = type_
        if type_ in INT_TYPES:
            kinds = ("int", "bool") if rng.random() < 0.3 else ("int",)
        elif type_ in ("c64", "c128"):
            kinds = rng.choice([("complex",), ("complex", "float", "int", "bool"), ("float",)])
        else:
            kinds = rng.choice([("float",), ("float", "int", "bool"), ("int",)])
    leaves = []
    for _ in range(n):
        k = rng.choice(kinds)
        if k == "int":
            # Integer targets take any 64-bit integer; float targets exact doubles only.
            leaves.append(int_leaf(rng, want_type in INT_TYPES))
        elif k == "float":
            leaves.append(float_leaf(rng))
        elif k == "complex":
            leaves.append(complex_leaf(rng))
        else:
            leaves.append(bool_leaf(rng))
    # Every kind of the mix appears at least once, so that inference sees it.
    for i, k in enumerate(kinds):
        if i < n:
            leaves[i] = {"int": lambda: int_leaf(rng, want_type in INT_TYPES),
                         "float": lambda: float_leaf(rng), "complex": lambda: complex_leaf(rng),
                         "bool": lambda: bool_leaf(rng)}[k]()
    if n > len(kinds):
        rest = leaves[len(kinds):]
        rng.shuffle(rest)
        leaves[len(kinds):] = rest
    if type_ is None:   # small tensors may not hold every kind of the mix
        present = {k for k, _ in leaves}
        want_type = ("c64" if LEAF_COMPLEX in present else "f32" if LEAF_FLOAT in present
                     else "s32" if present & {LEAF_INT, LEAF_UINT} else "u8")
    names = random_names(rng, rank)
    want = encode([leaf_value(x) for x in leaves], want_type)
    want_names = names if names is not None else [None] * rank
    return record(OP_TENSOR, type_, want_type, shape, want_names, want, in_shape=shape,
                  names=names, data=b"".join(leaf_bytes(x) for x in leaves))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    rng = random.Random(SEED)
    cases = []
    # Interleaved, so that a test that checks only a prefix still sees every op.
    for _ in range(n):
        for gen in (gen_iota, gen_eye, gen_broadcast, gen_reshape, gen_tensor):
            cases.append(gen(rng))
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "create.bin")
    with open(path + ".tmp", "wb") as f:
        f.write(b"NXCREA1\n")
        f.write(struct.pack("<II", SEED, len(cases)))
        for c in cases:
            f.write(c)
    os.replace(path + ".tmp", path)
    print("%s: %d cases" % (path, len(cases)))


if __name__ == "__main__":
    main()
