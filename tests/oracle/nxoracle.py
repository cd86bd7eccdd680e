"""tests/oracle/nxoracle.py: what the oracle generators (gen_*.py) share: nx_type's names,
enum values and bit widths (include/nx/types.h), the 2/4-bit packing of formats.md §1.1,
the length-prefixed records the C tests read (tests/support/nxtest.c), uniform test values
exact in a float type, and the case-file header of the generators whose C side is
tests/support/nxtest_cases.c.

Imported by the generators from their own folder (python3 tests/oracle/gen_X.py OUTDIR).
"""
import math
import struct

import numpy as np

# nx_type order (NX_U2 = 1 ... NX_C128 = 20) with each type's kind and bits.
TYPE_TABLE = [
    ("u2", "u", 2), ("u4", "u", 4), ("u8", "u", 8), ("u16", "u", 16), ("u32", "u", 32),
    ("u64", "u", 64),
    ("s2", "s", 2), ("s4", "s", 4), ("s8", "s", 8), ("s16", "s", 16), ("s32", "s", 32),
    ("s64", "s", 64),
    ("f8", "f", 8), ("f8_e4m3fn", "f", 8), ("bf16", "bf", 16), ("f16", "f", 16),
    ("f32", "f", 32), ("f64", "f", 64),
    ("c64", "c", 64), ("c128", "c", 128),
]
TYPES = [name for name, _, _ in TYPE_TABLE]
ENUM = {name: i + 1 for i, name in enumerate(TYPES)}
KIND = {name: kind for name, kind, _ in TYPE_TABLE}
BITS = {name: bits for name, _, bits in TYPE_TABLE}
INT_TYPES = TYPES[:12]
# The integer types of 4 bits and more: (signed, bits).
INTS = {"u4": (0, 4), "u8": (0, 8), "u16": (0, 16), "u32": (0, 32), "u64": (0, 64),
        "s4": (1, 4), "s8": (1, 8), "s16": (1, 16), "s32": (1, 32), "s64": (1, 64)}
# The unit roundoff of each float type (of each part of a complex one).
EPS = {"f16": 2.0 ** -10, "bf16": 2.0 ** -7, "f32": 2.0 ** -23, "f64": 2.0 ** -52,
       "c64": 2.0 ** -23, "c128": 2.0 ** -52}
# Float formats: significand bits (hidden bit included), exponent of the least normal, the
# largest finite value, and whether overflow gives Inf (else it saturates: f8_e4m3fn,
# decisions.md 1).
FMT = {
    "f8": (3, -14, 57344.0, True),
    "f8_e4m3fn": (4, -6, 448.0, False),
    "bf16": (8, -126, math.ldexp(0xFF, 120), True),
    "f16": (11, -14, 65504.0, True),
    "f32": (24, -126, math.ldexp(0xFFFFFF, 104), True),
    "f64": (53, -1022, math.ldexp((1 << 53) - 1, 971), True),
}


def pack_bits(values, w):
    """2/4-bit elements (already reduced to w bits), most significant bits first."""
    out = bytearray((len(values) * w + 7) // 8)
    for i, v in enumerate(values):
        bit = i * w
        out[bit // 8] |= (v & ((1 << w) - 1)) << (8 - w - bit % 8)
    return bytes(out)


def s_str(s):
    """A string as u8 length + bytes (None as the empty string)."""
    b = (s or "").encode()
    assert len(b) < 256
    return struct.pack("<B", len(b)) + b


def s_shape(dims):
    """A shape (or any list of integers) as u8 count + i64 values."""
    return struct.pack("<B", len(dims)) + b"".join(struct.pack("<q", d) for d in dims)


def s_names(names):
    """Axis names as u8 count + strings; None (no names) as count 0."""
    if names is None:
        return struct.pack("<B", 0)
    return struct.pack("<B", len(names)) + b"".join(s_str(n) for n in names)


def uniform_values(rng, t, n, a):
    """n values of f32, f64, c64 or c128 drawn uniformly from [-a, a] (each part of a
    complex), exact in t."""
    if t == "f32":
        return [float(np.float32(rng.uniform(-a, a))) for _ in range(n)]
    if t == "f64":
        return [rng.uniform(-a, a) for _ in range(n)]
    f = (lambda x: float(np.float32(x))) if t == "c64" else float
    return [complex(f(rng.uniform(-a, a)), f(rng.uniform(-a, a))) for _ in range(n)]


def write_cases(outdir, name, magic, cases):
    """OUTDIR/name: the 8-byte magic, u32 case count, then the cases' bytes."""
    assert len(magic) == 8
    with open(outdir + "/" + name, "wb") as f:
        f.write(magic + struct.pack("<I", len(cases)) + b"".join(cases))
