#!/usr/bin/env python3
"""tests/oracle/gen_layout.py: the oracle for tests/test_layout.c (transpose, reverse, pad,
slice, concatenate, stack, put_slice and tile on random shapes of every type).

    python3 tests/oracle/gen_layout.py OUTDIR [SEED]

Needs only numpy. Layout ops move element bits without looking at them, so every tensor is
modelled as a numpy uint8 array of shape dims + (k,), k bytes per element (one per element
for the 2- and 4-bit types, holding the value in its low bits), filled with random bits;
NumPy's own transpose / flip / slicing / concatenate / stack / tile give the expected
elements, compared bit for bit. Writes OUTDIR/layout.bin, little-endian:

    char magic[8] = "NXLAYT1\\n"
    u32  ncases
    ncases times:
        u32 op        0 transpose, 1 reverse, 2 pad, 3 slice, 4 concatenate, 5 stack,
                      6 put_slice, 7 tile
        u32 type      the nx_type enum value (NX_U2 = 1 ... NX_C128 = 20)
        u32 id        the case number (for messages)
        u32 nin       inputs
        nin tensors, then the expected result, each:
            u32 rank; i64 dims[rank]; u64 nbytes; u8 data[nbytes]   (as nxc stores it:
            row-major; 2/4-bit types packed most significant bits first)
        u32 nparams; i64 params[nparams]:
            transpose   the permutation (output axis i is input axis p[i])
            reverse     the axes
            pad         low, high, interior per axis (input 1 is the scalar pad value)
            slice       dynamic, then starts, lengths, strides per axis; starts are given
                        unclamped (some beyond either end); dynamic = 1: pass the starts as
                        s64 scalar tensors
            concatenate the axis
            stack       the axis (of the result)
            put_slice   dynamic, then starts per axis (input 1 is the slice)
            tile        the repetitions
"""
import os
import struct
import sys

import numpy as np

# nx_type enum order and widths (include/nx/types.h).
TYPES = [("u2", 2), ("u4", 4), ("u8", 8), ("u16", 16), ("u32", 32), ("u64", 64),
         ("s2", 2), ("s4", 4), ("s8", 8), ("s16", 16), ("s32", 32), ("s64", 64),
         ("f8", 8), ("f8_e4m3fn", 8), ("bf16", 16), ("f16", 16), ("f32", 32), ("f64", 64),
         ("c64", 64), ("c128", 128)]
OPS = ["transpose", "reverse", "pad", "slice", "concatenate", "stack", "put_slice", "tile"]


def elem_bytes(bits):
    return 1 if bits < 8 else bits // 8


def random_tensor(rng, dims, bits):
    k = elem_bytes(bits)
    a = rng.integers(0, 256, size=tuple(dims) + (k,), dtype=np.uint8)
    if bits < 8:
        a &= (1 << bits) - 1
    return a


def pack(a, bits):
    """The bytes nxc stores for an element array a (dims + (k,))."""
    if bits >= 8:
        return np.ascontiguousarray(a).tobytes()
    vals = a.reshape(-1).astype(np.uint32)
    n = vals.size
    out = bytearray((n * bits + 7) // 8)
    for i, v in enumerate(vals):
        bit = i * bits
        out[bit // 8] |= int(v) << (8 - bits - bit % 8)
    return bytes(out)


def tensor_record(a, bits):
    dims = a.shape[:-1]
    data = pack(a, bits)
    return (struct.pack("<I", len(dims)) + b"".join(struct.pack("<q", d) for d in dims) +
            struct.pack("<Q", len(data)) + data)


def random_dims(rng, lo_rank=0, hi_rank=4, hi_dim=5):
    rank = int(rng.integers(lo_rank, hi_rank + 1))
    return [int(rng.integers(1, hi_dim + 1)) for _ in range(rank)]


def big_dims(rng):
    """Shapes large enough for the tiled and parallel copy paths (with partial tiles)."""
    rank = int(rng.integers(2, 4))
    dims = [int(rng.integers(1, 4)) for _ in range(rank)]
    i, j = rng.choice(rank, 2, replace=False)
    dims[i] = int(rng.integers(33, 90))
    dims[j] = int(rng.integers(33, 90))
    return dims


def pad_expected(a, val, cfg):
    """Output position j of an axis holds input element i when j - low == i * (interior + 1)."""
    k = a.shape[-1]
    dims = a.shape[:-1]
    out_dims = [d + lo + hi + (d - 1) * it for d, (lo, hi, it) in zip(dims, cfg)]
    b = np.empty(tuple(out_dims) + (k,), dtype=np.uint8)
    b[...] = val
    dst, src = [], []
    for d, n, (lo, _, it) in zip(dims, out_dims, cfg):
        pairs = [(lo + i * (it + 1), i) for i in range(d) if 0 <= lo + i * (it + 1) < n]
        dst.append([p[0] for p in pairs])
        src.append([p[1] for p in pairs])
    if all(dst):
        b[np.ix_(*dst)] = a[np.ix_(*src)]
    elif not dims:
        b[...] = a
    return b


def clamp(v, hi):
    return max(0, min(v, hi))


def make_case(rng, op, bits, big):
    """Returns (inputs, params, expected) for one case."""
    dims = big_dims(rng) if big else random_dims(rng)
    r = len(dims)
    a = random_tensor(rng, dims, bits)
    if op == "transpose":
        perm = [int(x) for x in rng.permutation(r)]
        return [a], perm, np.transpose(a, perm + [r])
    if op == "reverse":
        axes = sorted(int(x) for x in rng.choice(r, int(rng.integers(0, r + 1)), replace=False)) if r else []
        return [a], axes, np.flip(a, axis=tuple(axes)) if axes else a
    if op == "pad":
        while True:
            cfg = [(int(rng.integers(-3, 4)), int(rng.integers(-3, 4)), int(rng.integers(0, 3))) for _ in dims]
            if all(d + lo + hi + (d - 1) * it > 0 for d, (lo, hi, it) in zip(dims, cfg)):
                break
        val = random_tensor(rng, [], bits)
        params = [x for c in cfg for x in c]
        return [a, val], params, pad_expected(a, val, cfg)
    if op == "slice":
        lengths = [int(rng.integers(1, d + 1)) for d in dims]
        strides = [int(rng.integers(1, 4)) for _ in dims]
        starts = [int(rng.integers(-3, d + 3)) for d in dims]
        dynamic = int(rng.integers(0, 2))
        box = tuple(slice(clamp(s, d - n), clamp(s, d - n) + n, st)
                    for s, n, st, d in zip(starts, lengths, strides, dims))
        return [a], [dynamic] + starts + lengths + strides, a[box]
    if op in ("concatenate", "stack"):
        count = int(rng.integers(2, 5))
        if op == "concatenate":
            if r == 0:
                dims, r = [int(rng.integers(1, 5))], 1
            axis = int(rng.integers(0, r))
            parts = []
            for _ in range(count):
                d = list(dims)
                d[axis] = int(rng.integers(1, 5)) if not big else d[axis]
                parts.append(random_tensor(rng, d, bits))
            return parts, [axis], np.concatenate(parts, axis=axis)
        axis = int(rng.integers(0, r + 1))
        parts = [random_tensor(rng, dims, bits) for _ in range(count)]
        return parts, [axis], np.stack(parts, axis=axis)
    if op == "put_slice":
        sdims = [int(rng.integers(1, d + 1)) for d in dims]
        s = random_tensor(rng, sdims, bits)
        starts = [int(rng.integers(-3, d + 3)) for d in dims]
        dynamic = int(rng.integers(0, 2))
        out = a.copy()
        out[tuple(slice(clamp(st, d - n), clamp(st, d - n) + n) for st, n, d in zip(starts, sdims, dims))] = s
        return [a, s], [dynamic] + starts, out
    if op == "tile":
        if big:
            dims = dims[:2]
            a = random_tensor(rng, dims, bits)
            r = 2
        reps = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 4)))]
        x = a.reshape((1,) * max(0, len(reps) - r) + a.shape)
        full = [1] * max(0, r - len(reps)) + reps
        return [a], reps, np.tile(x, full + [1])
    raise ValueError(op)


def main():
    out_dir = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240601
    rng = np.random.default_rng(seed)
    records = []
    case_id = 0
    for op_index, op in enumerate(OPS):
        for n in range(160):
            type_index = n % len(TYPES)        # every type, then random ones
            if n >= 2 * len(TYPES):
                type_index = int(rng.integers(0, len(TYPES)))
            bits = TYPES[type_index][1]
            big = n % 16 == 15 and op != "pad"
            inputs, params, expected = make_case(rng, op, bits, big)
            rec = struct.pack("<IIII", op_index, type_index + 1, case_id, len(inputs))
            rec += b"".join(tensor_record(t, bits) for t in inputs)
            rec += tensor_record(np.ascontiguousarray(expected), bits)
            rec += struct.pack("<I", len(params)) + b"".join(struct.pack("<q", p) for p in params)
            records.append(rec)
            case_id += 1
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "layout.bin")
    with open(path + ".tmp", "wb") as f:
        f.write(b"NXLAYT1\n" + struct.pack("<I", len(records)) + b"".join(records))
    os.replace(path + ".tmp", path)
    print(f"{path}: {len(records)} cases (seed {seed})")


if __name__ == "__main__":
    main()
