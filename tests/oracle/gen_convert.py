#!/usr/bin/env python3
"""tests/oracle/gen_convert.py: the oracle for tests/test_convert.c (Nx.as_type between every
ordered pair of the 20 types, and the promotion table).

    python3 tests/oracle/gen_convert.py OUTDIR [N]        (N elements per source type, default 10000)

Needs numpy and ml_dtypes (PyPI). Writes into OUTDIR:

  convert_<src>.bin, one per source type, little-endian:
      char magic[8]  = "NXCONV1\\n"
      u32  n         elements in every block
      u32  nblocks   21: the source data, then the expected result for each target type
      nblocks times:
          char name[12]  type name as nx_type_name() spells it, NUL-padded ("f8_e4m3fn")
          u32  type      its nx_type enum value (NX_U2 = 1 ... NX_C128 = 20)
          u64  nbits     n * width
          u8   data[ceil(nbits / 8)]   stored as nxc stores it (formats.md §1.1): native
                                       little-endian; 2/4-bit types packed most significant
                                       bits first, unused low bits of the last byte zero
      Block 0 is the source; block 1 + k is nx_as_type(source, target k) in enum order.
      Where source and target types differ and the expected element (or complex component)
      is a NaN, only NaN-ness is compared (nxc writes canonical NaNs); same-type blocks
      are the source bits, compared bit for bit. The elements that matter most (NaN, ±Inf,
      ±0, subnormals, integer boundaries, rounding ties) come first, so a test that checks
      only a prefix (NXC_TEST_SCALE < 1) still sees them.

  type_merge.txt: "left right result" per line (400 lines, '#' comments), parsed from the
      full table of spec/types-and-inspect.md §3.1 (found via $NXC_SPEC_DIR, else
      <repo>/shared/spec or <repo>/../shared/spec).

The expected values follow spec/types-and-inspect.md §4 as amended by spec/decisions.md 1-3.
Oracles by pair class:

  int -> int          exact value modulo 2^bits (Python ints); cross-checked against numpy
                      astype (int64/uint64 -> intN wraps) and ml_dtypes int4/uint4/int2/uint2.
  float -> int        decisions.md 2, applied in Python on the exact double: NaN -> 0,
                      ±Inf -> max/min, finite -> math.trunc, then saturate to [min, max].
                      Cross-checked against numpy astype where the truncated value is in range
                      (numpy/C leave out-of-range conversions undefined and ml_dtypes wraps,
                      so neither can be the oracle there).
  complex -> int      the real part, then float -> int.
  anything -> float   exact rounding to nearest, ties to even, from the exact source value
  (f8, f8_e4m3fn,     (integer arithmetic on the value's integer ratio: one rounding),
   bf16, f16, f32,    IEEE overflow to ±Inf at >= max + half an ulp; f8_e4m3fn saturates to
   f64, and each      ±448 (and ±Inf -> ±448); NaN -> NaN. Every such result is cross-checked
   complex part)      against numpy (f16/f32/f64/complex) or ml_dtypes (bf16, float8_e5m2,
                      float8_e4m3fn) astype, with e4m3fn overflow patched (ml_dtypes gives NaN
                      where nxc saturates). Where the library disagrees, the script insists
                      that the library result is the double rounding through f32 (the exact
                      source rounded to f32 first), and otherwise stops with an error.
                      Investigation (ml_dtypes 0.5.4 with numpy 1.24, 0.6.0 with numpy 2.4:
                      same results): ml_dtypes converts float64 (and c128's real part) to
                      bfloat16, float8_e5m2 and float8_e4m3fn through float32, and 32/64-bit
                      integers to bfloat16 through float32, so it double-rounds there (f64
                      1 + 2^-8 + 2^-30 -> bf16 1.0, correct 1.0078125; s64 2^24 + 2^16 + 1 ->
                      bf16 2^24, correct 2^24 + 2^17); the script prints how many elements
                      of each pair that affects. Integers to the two float8 types, and every
                      source exact in f32 (f32, f16, bf16, f8s, c64, ints of at most 24
                      bits), agree exactly; so do numpy's int64/uint64 -> float32/float64/
                      complex and float64 -> float16/float32.
  real -> complex     (value rounded to the component type, +0.0).
  complex -> complex  per component, same rounding.
  complex -> real     the real part, then the real rule.
  same type           the source bits unchanged (NaN payloads included).

Source decoding: ints as ints, floats via numpy/ml_dtypes to float64 (exact for every type;
e5m2 subnormals decode exactly, decisions.md 3).
"""
import bisect
import math
import os
import struct
import sys
import warnings

import numpy as np
import ml_dtypes as md

import nxoracle

warnings.simplefilter("ignore")

SEED = 20240611

# name, kind, bits; the order is nx_type's (NX_U2 = 1 ... NX_C128 = 20).
TYPES = [(name, "e" if name == "f8_e4m3fn" else kind, bits)
         for name, kind, bits in nxoracle.TYPE_TABLE]
TYPE_INDEX = nxoracle.ENUM
KIND = {name: kind for name, kind, _ in TYPES}
BITS = nxoracle.BITS

# numpy / ml_dtypes dtype of each float type, and the unsigned integer dtype of its bits.
FDTYPE = {"f8": md.float8_e5m2, "f8_e4m3fn": md.float8_e4m3fn, "bf16": md.bfloat16,
          "f16": np.float16, "f32": np.float32, "f64": np.float64,
          "c64": np.complex64, "c128": np.complex128}
UDTYPE = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}
# ml_dtypes' sub-byte integer types, used as the library cross-check for them.
SUBBYTE = {"u2": md.uint2, "u4": md.uint4, "s2": md.int2, "s4": md.int4}

FMT = nxoracle.FMT


def is_int(t):
    return KIND[t] in ("u", "s")


def is_complex(t):
    return KIND[t] == "c"


def comp_type(t):
    """The float type of one component (complex) or the type itself."""
    return {"c64": "f32", "c128": "f64"}.get(t, t)


def int_range(t):
    b = BITS[t]
    return (0, (1 << b) - 1) if KIND[t] == "u" else (-(1 << (b - 1)), (1 << (b - 1)) - 1)


# ---------------------------------------------------------------- exact rounding

def round_exact(fmt, v):
    """v (a Python int or float, NaN and ±Inf included) rounded once to the float format
    `fmt`, to nearest with ties to even, as a float64 holding the exact result."""
    if isinstance(v, float):
        if math.isnan(v):
            return math.nan
        if math.isinf(v):
            return v if FMT[fmt][3] else math.copysign(FMT[fmt][2], v)
        if v == 0.0:
            return v
        n, d = abs(v).as_integer_ratio()
        k = d.bit_length() - 1          # |v| = n / 2^k, d a power of two
    else:
        if v == 0:
            return 0.0
        n, k = abs(v), 0
    neg = v < 0
    p, emin, vmax, has_inf = FMT[fmt]
    e = max(n.bit_length() - 1 - k, emin)   # exponent of the binade (or of the subnormals)
    s = k + e - p + 1                       # |v| / ulp = n / 2^s
    if s <= 0:
        m = n << -s
    else:
        m = n >> s
        rem = n & ((1 << s) - 1)
        half = 1 << (s - 1)
        if rem > half or (rem == half and (m & 1)):
            m += 1
    if m.bit_length() + (e - p + 1) > 1024:
        r = math.inf
    else:
        r = math.ldexp(m, e - p + 1)
    if r > vmax:
        r = math.inf if has_inf else vmax
    return -r if neg else r


# ---------------------------------------------------------------- bits <-> values

def bits_to_values(t, bits):
    """Element values of type t from an array of raw bits (uint64, low bits): Python ints,
    floats, or (re, im) pairs of floats."""
    k = KIND[t]
    if k in ("u", "s"):
        b = BITS[t]
        out = [int(x) for x in bits]
        if k == "s":
            out = [x - (1 << b) if x >> (b - 1) else x for x in out]
        return out
    if k == "c":
        cw = BITS[t] // 2
        re = np.array([x & ((1 << cw) - 1) for x in bits], dtype=UDTYPE[cw])
        im = np.array([x >> cw for x in bits], dtype=UDTYPE[cw])
        ct = comp_type(t)
        return list(zip(re.view(FDTYPE[ct]).astype(np.float64).tolist(),
                        im.view(FDTYPE[ct]).astype(np.float64).tolist()))
    u = np.array(bits, dtype=np.uint64).astype(UDTYPE[BITS[t]])
    return u.view(FDTYPE[t]).astype(np.float64).tolist()


def floats_to_bits(t, vals):
    """Raw bits of float type t for float64 values already representable in t."""
    a = np.array(vals, dtype=np.float64).astype(FDTYPE[t])
    return a.view(UDTYPE[BITS[t]]).astype(np.uint64)


def is_nan_bits(t, x):
    """True if the raw bits x of float type t are a NaN (independent of numpy)."""
    if t == "f8":
        return (x & 0x7F) > 0x7C
    if t == "f8_e4m3fn":
        return (x & 0x7F) == 0x7F
    if t == "bf16":
        return (x & 0x7FFF) > 0x7F80
    if t == "f16":
        return (x & 0x7FFF) > 0x7C00
    if t == "f32":
        return (x & 0x7FFFFFFF) > 0x7F800000
    return (x & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000


def pack(t, bits):
    """The bytes nxc stores for elements with these raw bits (formats.md §1.1)."""
    w = BITS[t]
    n = len(bits)
    if w >= 8 and w <= 64:
        return np.array(bits, dtype=np.uint64).astype(UDTYPE[w]).astype("<u%d" % (w // 8)).tobytes()
    if w == 128:
        lo = np.array([x & ((1 << 64) - 1) for x in bits], dtype="<u8")
        hi = np.array([x >> 64 for x in bits], dtype="<u8")
        return np.stack([lo, hi], axis=1).tobytes()
    out = np.zeros((n * w + 7) // 8, dtype=np.uint8)
    v = np.array(bits, dtype=np.uint64).astype(np.uint8)
    pos = np.arange(n) * w
    np.bitwise_or.at(out, pos // 8, (v << (8 - w - (pos % 8)).astype(np.uint8)).astype(np.uint8))
    return out.tobytes()


# ---------------------------------------------------------------- source data

def dedupe(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def int_specials(t):
    lo, hi = int_range(t)
    c = [0, 1, -1, 2, -2, 3, -3, lo, hi, lo + 1, hi - 1, 7, 8, -8, 9, 15, 16, 17, 19, 127, 128,
         -128, -129, 255, 256, 300, -300, 32767, 32768, -32768, -32769, 65535, 65536]
    # Overflow and rounding boundaries of the narrow floats.
    c += [57343, 57344, 57345, 61439, 61440, 61441, 65504, 65519, 65520, 65521,
          447, 448, 449, 463, 464, 465, 479, 480, 481, 257, 259, 2049, 2051]
    for k in range(1, 65):
        c += [1 << k, (1 << k) - 1, (1 << k) + 1, -(1 << k), -(1 << k) + 1, -(1 << k) - 1]
    # Ties for every float precision p (and their neighbours): 2^k + 2^(k-p) lies halfway
    # between 2^k and 2^k + 2^(k-p+1); ... + 1 is where a double rounding goes wrong.
    for p in (3, 4, 8, 11, 24, 53):
        for k in range(p, 64):
            tie = (1 << k) + (1 << (k - p))
            tie3 = (1 << k) + 3 * (1 << (k - p))
            for x in (tie, tie + 1, tie - 1, tie3, tie3 - 1):
                c += [x, -x]
    return [x for x in dedupe(c) if lo <= x <= hi]


def to_bits_int(t, vals):
    b = BITS[t]
    return [x & ((1 << b) - 1) for x in vals]


def float_candidates(rng):
    """Float64 values worth converting: specials, integer boundaries, ties of every float
    format, overflow and underflow boundaries."""
    c = [0.0, -0.0, 0.5, -0.5, 0.9, -0.9, 1.0, -1.0, 1.5, -1.5, 1.9, -1.9, 2.5, -2.5, 3.5,
         3.9, -3.9, 7.5, 8.0, -8.5, 15.5, 16.0, 127.5, 127.9, 128.0, 128.5, -128.9, -129.0,
         255.5, 255.9, 256.0, 300.7, 32767.5, 32768.0, -32768.9, -32769.0, 65535.9, 65536.0,
         1e10, 2.5e9, 1e30, -1e30, 1.0 / 3, 1e-4, 0.3, 3e-5, 1e-5, 0.001, 0.0075, 1.0625,
         1.96875, 500.0, 2049.0, 1 + 2.0 ** -11 + 2.0 ** -40, 1 + 2.0 ** -8 + 2.0 ** -30]
    for t in ("u2", "u4", "u8", "u16", "u32", "u64", "s2", "s4", "s8", "s16", "s32", "s64"):
        lo, hi = int_range(t)
        for x in (lo, hi):
            for d in (-1.0, -0.9, -0.5, 0.0, 0.5, 0.9, 1.0):
                c.append(float(x) + d)
    for k in (31, 32, 63, 64):
        c += [2.0 ** k, -(2.0 ** k), 2.0 ** k - 0.5, -(2.0 ** k) - 0.5]
    # Every narrow format: boundaries and the midpoints between neighbours.
    for fmt in ("f8", "f8_e4m3fn", "bf16", "f16", "f32"):
        p, emin, vmax, _ = FMT[fmt]
        tiny = math.ldexp(1.0, emin - p + 1)       # least subnormal
        minnorm = math.ldexp(1.0, emin)
        ulp_max = math.ldexp(1.0, int(math.floor(math.log2(vmax))) - p + 1)
        c += [tiny, tiny / 2, tiny * 1.5, tiny * 2.5, minnorm, minnorm - tiny, minnorm - tiny / 2,
              vmax, vmax + ulp_max / 2, vmax - ulp_max / 2, vmax + ulp_max, vmax * 2]
        if fmt == "f8_e4m3fn":
            c += [464.0, 480.0, 512.0]
        maxpat = int(floats_to_bits(fmt, [vmax])[0])
        pats = list(rng.integers(0, maxpat, size=48)) + [0, maxpat - 1]
        lo_vals = bits_to_values(fmt, pats)
        hi_vals = bits_to_values(fmt, [x + 1 for x in pats])
        for a, b in zip(lo_vals, hi_vals):
            c.append((a + b) / 2)                  # exact: one more bit than the format
    c += [-x for x in c]
    return dedupe([x for x in c if not math.isnan(x)])


def float_source_bits(t, n, rng, cands):
    """n raw bit patterns of float type t (specials first)."""
    w = BITS[t]
    mask = (1 << w) - 1
    sign = 1 << (w - 1)
    out = []
    if w == 8:
        out += list(range(256))
    # NaNs (quiet, signalling, negative, with payloads), ±Inf, ±0, subnormal and normal limits.
    if t == "f8":
        raw = [0x7C, 0xFC, 0x7D, 0x7E, 0x7F, 0xFF, 0x01, 0x03, 0x04, 0x7B]
    elif t == "f8_e4m3fn":
        raw = [0x7F, 0xFF, 0x7E, 0xFE, 0x01, 0x07, 0x08, 0x77, 0x78]
    elif t == "bf16":
        raw = [0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7F81, 0x7FFF, 0x0001, 0x007F, 0x0080, 0x7F7F]
    elif t == "f16":
        raw = [0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0x7FFF, 0x0001, 0x03FF, 0x0400, 0x7BFF]
    elif t == "f32":
        raw = [0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FC00001, 0x7FFFFFFF,
               0x00000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF]
    else:
        raw = [0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000,
               0x7FF0000000000001, 0x7FF8000000000001, 0x7FFFFFFFFFFFFFFF, 0x0000000000000001,
               0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF]
    raw += [x | sign for x in raw] + [0, sign]
    out += raw
    # Candidates converted to t (by the library: any nearby value will do), with the
    # neighbouring patterns on both sides: ties and values just off them.
    cb = [int(x) for x in floats_to_bits_lossy(t, cands)]
    for x in cb:
        out += [x, (x + 1) & mask, (x - 1) & mask]
    out = dedupe(out)
    # Moderate random values (exponents where integer conversions are interesting), then
    # random bit patterns.
    rest = max(0, n - len(out))
    nmod = rest * 2 // 5
    e = rng.integers(-30, 70, size=nmod)
    m = rng.random(nmod) + 1.0
    s = np.where(rng.random(nmod) < 0.5, -1.0, 1.0)
    out += [int(x) for x in floats_to_bits_lossy(t, (s * np.ldexp(m, e)).tolist())]
    out += random_bits(rng, w, n - len(out))
    return out[:n]


def floats_to_bits_lossy(t, vals):
    """Bits of the float64 values converted to t by the library (rounding or overflowing as
    it may: only used to find patterns near interesting values)."""
    return np.array(vals, dtype=np.float64).astype(FDTYPE[t]).view(UDTYPE[BITS[t]]).astype(np.uint64)


def random_bits(rng, w, n):
    if n <= 0:
        return []
    if w <= 32:
        return [int(x) for x in rng.integers(0, 1 << w, size=n, dtype=np.uint64)]
    hi = rng.integers(0, 1 << 32, size=n, dtype=np.uint64)
    lo = rng.integers(0, 1 << 32, size=n, dtype=np.uint64)
    return [(int(a) << 32) | int(b) for a, b in zip(hi, lo)]


def source_bits(t, n, rng, cands):
    """n raw element bit patterns of type t, the interesting ones first."""
    k = KIND[t]
    if k in ("u", "s"):
        out = to_bits_int(t, int_specials(t))
        if BITS[t] <= 8:
            out = list(range(1 << BITS[t])) + out
        out = dedupe(out)
        out += random_bits(rng, BITS[t], n - len(out))
        return out[:n]
    if k == "c":
        ct = comp_type(t)
        cw = BITS[ct]
        re = float_source_bits(ct, n, rng, cands)
        im = float_source_bits(ct, n, rng, cands)
        im = [im[i] for i in rng.permutation(n)]
        return [r | (i << cw) for r, i in zip(re, im)]
    return float_source_bits(t, n, rng, cands)


# ---------------------------------------------------------------- expected results

def float_to_int(t, v):
    lo, hi = int_range(t)
    if math.isnan(v):
        return 0
    if math.isinf(v):
        return hi if v > 0 else lo
    return min(hi, max(lo, math.trunc(v)))


def expected_bits(src, dst, vals, sbits):
    """Raw bits of as_type(src -> dst) for each source value (and its raw bits)."""
    if src == dst:
        return list(sbits)
    real = [v[0] for v in vals] if is_complex(src) else vals
    if is_int(dst):
        b = BITS[dst]
        if is_int(src):
            return [x & ((1 << b) - 1) for x in real]
        return [float_to_int(dst, x) & ((1 << b) - 1) for x in real]
    if is_complex(dst):
        ct = comp_type(dst)
        re = floats_to_bits(ct, [round_exact(ct, x) for x in real])
        if is_complex(src):
            im = floats_to_bits(ct, [round_exact(ct, v[1]) for v in vals])
        else:
            im = np.zeros(len(vals), dtype=np.uint64)
        cw = BITS[ct]
        return [int(r) | (int(i) << cw) for r, i in zip(re, im)]
    return [int(x) for x in floats_to_bits(dst, [round_exact(dst, x) for x in real])]


# ---------------------------------------------------------------- library cross-check

def library_array(src, sbits):
    """The source as a numpy / ml_dtypes array."""
    if is_int(src):
        vals = bits_to_values(src, sbits)
        if src in SUBBYTE:
            return np.array(vals, dtype=np.int8).astype(SUBBYTE[src])
        return np.array(vals, dtype=np.uint64 if src == "u64" else np.int64)
    if is_complex(src):
        cw = BITS[src] // 2
        re = np.array([x & ((1 << cw) - 1) for x in sbits], dtype=UDTYPE[cw])
        im = np.array([x >> cw for x in sbits], dtype=UDTYPE[cw])
        ft = FDTYPE[comp_type(src)]
        out = np.empty(len(sbits), dtype=FDTYPE[src])
        out.real = re.view(ft)
        out.imag = im.view(ft)
        return out
    return np.array(sbits, dtype=np.uint64).astype(UDTYPE[BITS[src]]).view(FDTYPE[src])


def library_bits(src, dst, arr, real):
    """Raw bits of the library's astype, with nxc's decision patched in where the library's
    default differs: f8_e4m3fn saturates (ml_dtypes gives NaN on overflow)."""
    a = arr.real if arr.dtype.kind == "c" else arr
    if is_int(dst):
        if dst in SUBBYTE:
            try:
                r = a.astype(SUBBYTE[dst]).astype(np.int64)
            except TypeError:
                # ml_dtypes 0.6 has no casts between its own sub-byte types: through int64.
                r = a.astype(np.int64).astype(SUBBYTE[dst]).astype(np.int64)
        else:
            r = a.astype({"u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
                          "s8": np.int8, "s16": np.int16, "s32": np.int32, "s64": np.int64}[dst])
        b = BITS[dst]
        return [int(x) & ((1 << b) - 1) for x in r.tolist()]
    if is_complex(dst):
        try:
            r = arr.astype(FDTYPE[dst])
        except (TypeError, ValueError):
            # ml_dtypes types have no cast to complex: through float32, exact for them.
            r = arr.astype(np.float32).astype(FDTYPE[dst])
        cw = BITS[dst] // 2
        u = r.view(UDTYPE[cw]).reshape(-1, 2)
        return [int(x) | (int(y) << cw) for x, y in u.tolist()]
    r = [int(x) for x in a.astype(FDTYPE[dst]).view(UDTYPE[BITS[dst]])]
    if dst == "f8_e4m3fn":
        for i, x in enumerate(r):
            v = real[i]
            if (x & 0x7F) == 0x7F and not (isinstance(v, float) and math.isnan(v)):
                r[i] = 0xFE if v < 0 else 0x7E
    return r


def comps(t, x):
    """Components of raw bits x: [(float type or None, bits)]."""
    if is_complex(t):
        cw = BITS[t] // 2
        ct = comp_type(t)
        return [(ct, x & ((1 << cw) - 1)), (ct, x >> cw)]
    return [(None if is_int(t) else t, x)]


def same(t, a, b):
    for (ft, x), (_, y) in zip(comps(t, a), comps(t, b)):
        if ft is not None and is_nan_bits(ft, x):
            if not is_nan_bits(ft, y):
                return False
        elif x != y:
            return False
    return True


_TABLES = {}


def table_round(fmt, v):
    """A second, independent exact rounding for the <= 16-bit formats: the nearest of all
    finite values that ml_dtypes / numpy decode (Python compares ints and floats exactly),
    ties to the even bit pattern, overflow as in round_exact."""
    if fmt not in _TABLES:
        vmax = FMT[fmt][2]
        top = int(floats_to_bits(fmt, [vmax])[0])
        _TABLES[fmt] = bits_to_values(fmt, list(range(top + 1)))
    tab = _TABLES[fmt]
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return round_exact(fmt, v)
    a = abs(v)
    j = bisect.bisect_left(tab, a)
    if j == len(tab):
        lo, hi = len(tab) - 1, None
    elif tab[j] == a:
        lo = hi = j
    else:
        lo, hi = j - 1, j
    if hi is None:
        over = a >= tab[-1] + (tab[-1] - tab[-2]) / 2 if FMT[fmt][3] else False
        r = math.inf if over else tab[-1]
    elif lo == hi:
        r = tab[lo]
    else:
        mid = (tab[lo] + tab[hi]) / 2          # exact in float64 for these formats
        r = tab[lo] if a < mid or (a == mid and lo % 2 == 0) else tab[hi]
    if isinstance(v, float):
        return math.copysign(r, v)
    return -r if v < 0 else r


def table_round_bits(dst, v):
    """Bits of v (a value or a complex pair) converted to dst with table_round, for the
    formats it covers; round_exact for f32/f64 components."""
    ct = comp_type(dst)
    rnd = table_round if BITS[ct] <= 16 else round_exact
    if is_complex(dst):
        re, im = v if isinstance(v, tuple) else (v, 0.0)
        b = [int(x) for x in floats_to_bits(ct, [rnd(ct, re), rnd(ct, im)])]
        return b[0] | (b[1] << BITS[ct])
    return int(floats_to_bits(dst, [rnd(dst, v)])[0])


def cross_check(src, dst, vals, sbits, exp, stats):
    """Compares the exact oracle with numpy / ml_dtypes; disagreements must be the
    library's double rounding through f32, or the script stops."""
    if src == dst:
        return
    arr = library_array(src, sbits)
    real = [v[0] for v in vals] if is_complex(src) else vals
    lib = library_bits(src, dst, arr, real)
    for i, (e, l) in enumerate(zip(exp, lib)):
        if is_int(dst) and not is_int(src):
            v = real[i]
            lo, hi = int_range(dst)
            if math.isnan(v) or math.isinf(v) or not (lo <= math.trunc(v) <= hi):
                continue           # undefined in C/numpy; decisions.md 2 decides
        if same(dst, e, l):
            continue
        ok = False
        if not is_int(dst):
            ct = comp_type(dst)
            v2 = [round_exact(ct, round_exact("f32", x)) for x in
                  ([vals[i][0], vals[i][1]] if is_complex(src) else [real[i]])]
            if is_complex(dst):
                b2 = [int(b) for b in floats_to_bits(ct, v2 + [0.0] * (2 - len(v2)))]
                d2 = b2[0] | (b2[1] << (BITS[dst] // 2))
            else:
                d2 = int(floats_to_bits(dst, v2[:1])[0])
            ok = same(dst, d2, l)
        if ok and not same(dst, e, table_round_bits(
                dst, vals[i] if is_complex(src) and is_complex(dst) else real[i])):
            ok = False             # the exact oracle itself disagrees with the table method
        if not ok:
            sys.exit("oracle disagreement %s -> %s at %d: source bits %#x value %r: exact %#x, "
                     "library %#x" % (src, dst, i, sbits[i], vals[i], e, l))
        stats[(src, dst)] = stats.get((src, dst), 0) + 1


# ---------------------------------------------------------------- promotion table

def find_spec():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    cands = [os.environ.get("NXC_SPEC_DIR", ""), os.path.join(repo, "shared", "spec"),
             os.path.join(os.path.dirname(repo), "shared", "spec"), "/work/shared/spec"]
    for d in cands:
        if d and os.path.exists(os.path.join(d, "types-and-inspect.md")):
            return os.path.join(d, "types-and-inspect.md")
    return None


def write_merge_table(outdir):
    path = find_spec()
    if path is None:
        sys.exit("gen_convert.py: spec/types-and-inspect.md not found (set NXC_SPEC_DIR)")
    full = {"e4m3": "f8_e4m3fn"}
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("| left \\ right |"):
                header = [full.get(c.strip(), c.strip()) for c in line.strip("|").split("|")][1:]
                continue
            if header and line.startswith("| **"):
                cells = [c.strip() for c in line.strip("|").split("|")]
                left = full.get(cells[0].strip("*"), cells[0].strip("*"))
                for right, res in zip(header, cells[1:]):
                    rows.append((left, right, full.get(res, res)))
            elif header and rows and not line.startswith("|"):
                break
    names = {name for name, _, _ in TYPES}
    if len(rows) != 400 or any(x not in names for r in rows for x in r):
        sys.exit("gen_convert.py: could not parse the 20x20 merge table in %s" % path)
    with open(os.path.join(outdir, "type_merge.txt"), "w") as f:
        f.write("# left right merge(left, right), from spec/types-and-inspect.md §3.1\n")
        for r in rows:
            f.write("%s %s %s\n" % r)


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_convert.py OUTDIR [N]")
    outdir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    os.makedirs(outdir, exist_ok=True)
    write_merge_table(outdir)
    rng0 = np.random.default_rng(SEED)
    cands = float_candidates(rng0)
    stats = {}
    for si, (src, _, _) in enumerate(TYPES):
        rng = np.random.default_rng(SEED + 1 + si)
        sbits = source_bits(src, n, rng, cands)
        vals = bits_to_values(src, sbits)
        blocks = [(src, sbits)]
        for dst, _, _ in TYPES:
            exp = expected_bits(src, dst, vals, sbits)
            cross_check(src, dst, vals, sbits, exp, stats)
            blocks.append((dst, exp))
        tmp = os.path.join(outdir, "convert_%s.bin.tmp" % src)
        with open(tmp, "wb") as f:
            f.write(b"NXCONV1\n" + struct.pack("<II", n, len(blocks)))
            for t, bits in blocks:
                f.write(struct.pack("<12sIQ", t.encode(), TYPE_INDEX[t], n * BITS[t]))
                f.write(pack(t, bits))
        os.replace(tmp, os.path.join(outdir, "convert_%s.bin" % src))
    if stats:
        print("gen_convert.py: library double rounding (exact oracle used instead):")
        for (s, d), c in sorted(stats.items(), key=lambda kv: (TYPE_INDEX[kv[0][0]], TYPE_INDEX[kv[0][1]])):
            print("  %s -> %s: %d elements" % (s, d, c))


if __name__ == "__main__":
    main()
