#!/usr/bin/env python3
"""tests/oracle/gen_print.py: expected element text of every float type, for
tests/test_fmtfloat.c.

    python3 tests/oracle/gen_print.py OUTDIR [N]
    python3 tests/oracle/gen_print.py --check [N]   # cross-checks the digit sources

Writes OUTDIR/print_<type>.txt, one line per bit pattern: "<hex bits> <text>". f32 and
f64 get N patterns each (default 1000000: special values first, then short decimals and
integers, then random bit patterns; fixed seed); f16 and bf16 get all 65536 patterns, f8
and f8_e4m3fn all 256.

The text is computed independently of the C code: the shortest round-tripping digits come
from Python's repr (f64, David Gay's dtoa), NumPy's Dragon4 (f32, f16) or an exact search
over integers (bf16, f8, f8_e4m3fn, whose rounding interval is taken from the neighbouring
values as ml_dtypes decodes them when it is installed); the layout is re-implemented here
from spec/types-and-inspect.md §5.4-5.7. Digits follow spec/decisions.md 5 (always the
shortest, closest, ties to even), so Nx's rare f32 slips are not reproduced.
"""
import math
import os
import struct
import sys

import numpy as np

try:
    import ml_dtypes
except ImportError:  # the exact decoder below is used alone
    ml_dtypes = None

SEED = 20240611

# type: (mantissa bits, exponent bits, has infinities)
FORMATS = {
    "f8": (2, 5, True),
    "f8_e4m3fn": (3, 4, False),
    "bf16": (7, 8, True),
    "f16": (10, 5, True),
    "f32": (23, 8, True),
    "f64": (52, 11, True),
}


# ---- layout (spec §5.6, §5.7) -------------------------------------------------------

def layout_a(d, p):
    s = str(d)
    l = len(s)
    x = p + l - 1
    if l == 1:
        lo, hi = -4, 2
    elif x >= 10:
        lo, hi = -(l + 2), 2
    else:
        lo, hi = -(l + 2), 1
    fixed = (lo <= p <= hi and not (p == 0 and d >= 2**53)
             and not (p == 1 and d > 900719925474099)
             and not (p == 2 and d > 90071992547409))
    if fixed:
        if p >= 0:
            return s + "0" * p + ".0"
        if l + p > 0:
            return s[:l + p] + "." + s[l + p:]
        return "0." + "0" * (-(l + p)) + s
    return s[0] + "." + (s[1:] if l > 1 else "0") + "e" + str(x)


def layout_b(p, s):
    l = len(s)
    x = p + l - 1
    c = len(str(x)) + 2
    if p < 0:
        if x >= 0:
            return s[:l + p] + "." + s[l + p:]
        if 2 - p - l <= c:
            return "0." + "0" * (-p - l) + s
    elif c + (1 if l == 1 else 0) >= p + 2:
        return s + "0" * p + ".0"
    if l == 1:
        return s + "e" + str(x)
    return s[0] + "." + s[1:] + "e" + str(x)


def strip_zeros(d, p):
    while d % 10 == 0 and d != 0:
        d //= 10
        p += 1
    return d, p


def parse_digits(text):
    """'1.2345e+03', '0.001', '12.0', '1e-05' -> (D, p) with D * 10^p the value."""
    mant, _, exp = text.partition("e")
    ip, _, fp = mant.partition(".")
    d = int((ip + fp).lstrip("0") or "0")
    p = (int(exp) if exp else 0) - len(fp)
    return strip_zeros(d, p)


# ---- exact decoding and shortest digits ---------------------------------------------

def decode(name, bits):
    """(kind, mf, ef, sign): kind is 'nan', 'inf', 'zero' or 'num' (value mf * 2^ef)."""
    m, e, has_inf = FORMATS[name]
    sign = (bits >> (m + e)) & 1
    ex = (bits >> m) & ((1 << e) - 1)
    fr = bits & ((1 << m) - 1)
    bias = (1 << (e - 1)) - 1
    if ex == (1 << e) - 1:
        if has_inf:
            return ("inf" if fr == 0 else "nan", 0, 0, sign)
        if fr == (1 << m) - 1:
            return ("nan", 0, 0, sign)
    if ex == 0 and fr == 0:
        return ("zero", 0, 0, sign)
    if ex == 0:
        return ("num", fr, 1 - bias - m, sign)
    return ("num", fr + (1 << m), ex - bias - m, sign)


def as_fraction_parts(mf, ef):
    """mf * 2^ef as (numerator, denominator) integers."""
    return (mf << ef, 1) if ef >= 0 else (mf, 1 << -ef)


def shortest_exact(v, lo, hi, inclusive):
    """Shortest decimal in the interval [lo, hi] (each a (num, den) pair; ends included
    when `inclusive`), as Ryu defines it: n * 10^k with the largest k for which the
    interval holds a multiple of 10^k, n the closest to v (ties to even). (The largest k
    also gives the fewest digits; it settles the rare wide intervals that hold two
    decimals of equal length, f8 0x2E: 0.1 rather than 0.09.) Returns (n, k)."""
    vn, vd = v
    mag = math.floor(math.log10(vn / vd))
    for k in range(mag + 2, mag - 40, -1):
        sc_n, sc_d = (1, 10**k) if k >= 0 else (10**-k, 1)
        a_num, a_den = lo[0] * sc_n, lo[1] * sc_d
        b_num, b_den = hi[0] * sc_n, hi[1] * sc_d
        if inclusive:
            n_lo = -((-a_num) // a_den)
            n_hi = b_num // b_den
        else:
            n_lo = a_num // a_den + 1
            n_hi = -((-b_num) // b_den) - 1
        if n_lo > n_hi:
            continue
        t_num, t_den = vn * sc_n, vd * sc_d
        n, r = divmod(t_num, t_den)
        if 2 * r > t_den or (2 * r == t_den and n % 2 == 1):
            n += 1
        return strip_zeros(min(max(n, n_lo), n_hi), k)
    raise AssertionError("no digits found")


def narrow_value(name, bits):
    """The exact value of a positive pattern as (num, den), checked against ml_dtypes."""
    kind, mf, ef, _ = decode(name, bits)
    assert kind in ("num", "zero")
    val = as_fraction_parts(mf, ef)
    if ml_dtypes is not None:
        dt = {"f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn,
              "bf16": ml_dtypes.bfloat16, "f16": np.float16}[name]
        raw = np.array([bits], dtype=np.uint8 if name.startswith("f8") else np.uint16)
        f = float(raw.view(dt).astype(np.float64)[0])
        assert f == val[0] / val[1], (name, hex(bits), f, val)
    return val


def narrow_digits(name, bits):
    """Shortest digits of a positive finite narrow float: the rounding interval runs
    halfway to the neighbouring values (above the largest finite value, to where the next
    one would be)."""
    m, e, _ = FORMATS[name]
    v = narrow_value(name, bits)
    prev = narrow_value(name, bits - 1)
    nk = decode(name, bits + 1)[0]
    if nk == "num":
        nxt = narrow_value(name, bits + 1)
    else:  # the largest finite value: extend by its own gap
        nxt = (2 * v[0] * prev[1] - prev[0] * v[1], v[1] * prev[1])
    lo = (v[0] * prev[1] + prev[0] * v[1], 2 * v[1] * prev[1])
    hi = (v[0] * nxt[1] + nxt[0] * v[1], 2 * v[1] * nxt[1])
    even = bits % 2 == 0
    return shortest_exact(v, lo, hi, even)


# ---- element text per type ----------------------------------------------------------

def special_text(kind, sign):
    if kind == "nan":
        return "NaN"
    if kind == "inf":
        return "-Inf" if sign else "Inf"
    if kind == "zero":
        return "-0.0" if sign else "0.0"
    return None


def small_integer(name, bits):
    """Step (1) of §5.7: (n, p) when the value is an integer of at most M+1 bits."""
    m, e, _ = FORMATS[name]
    ex = (bits >> m) & ((1 << e) - 1)
    fr = bits & ((1 << m) - 1)
    bias = (1 << (e - 1)) - 1
    m2 = (1 << m) + fr
    e2 = ex - bias - m
    if -m <= e2 <= 0 and m2 % (1 << -e2) == 0:
        return strip_zeros(m2 >> -e2, 0)
    return None


def text_b(name, bits, digits_of):
    kind, _, _, sign = decode(name, bits)
    t = special_text(kind, sign)
    if t is not None:
        return t
    m, e, _ = FORMATS[name]
    mag = bits & ((1 << (m + e)) - 1)
    dp = small_integer(name, mag) or digits_of(mag)
    return ("-" if sign else "") + layout_b(dp[1], str(dp[0]))


def f64_text(bits):
    kind, _, _, sign = decode("f64", bits)
    t = special_text(kind, sign)
    if t is not None:
        return t
    x = abs(struct.unpack("<d", struct.pack("<Q", bits))[0])
    d, p = parse_digits(repr(x))
    return ("-" if sign else "") + layout_a(d, p)


def numpy_digits(dtype, nbits):
    utype = {16: np.uint16, 32: np.uint32}[nbits]

    def digits(mag):
        x = np.array([mag], dtype=utype).view(dtype)[0]
        return parse_digits(np.format_float_scientific(x, unique=True))
    return digits


# ---- patterns -----------------------------------------------------------------------

def special_patterns(m, e):
    width = m + e + 1
    sign = 1 << (width - 1)
    top = (1 << e) - 1
    pats = [0, 1, 2, 3, (1 << m) - 1, 1 << m, (1 << m) + 1,
            (top - 1) << m | ((1 << m) - 1), top << m, top << m | 1,
            top << m | (1 << (m - 1)), (1 << width) - 1]
    for ex in range(1, top):
        pats += [ex << m, ex << m | 1, ex << m | ((1 << m) - 1)]
    # the smallest subnormals and both sides of the normal boundary: wide intervals
    pats += list(range(4, 2000)) + list(range((1 << m) - 1000, (1 << m) + 1000))
    return pats + [p | sign for p in pats]


def decimal_patterns(rng, count, as_bits, erange):
    """Values near short decimals and integers, where ties and layout thresholds live."""
    out = []
    ks = rng.integers(1, 100000, size=count)
    ndig = rng.integers(1, 6, size=count)
    es = rng.integers(erange[0], erange[1], size=count)
    for k, nd, e in zip(ks, ndig, es):
        k = int(k) % (10**int(nd)) or 1
        out.append(as_bits(float(f"{k}e{int(e)}")))
    ints = rng.integers(0, 2**62, size=count // 4, dtype=np.int64)
    out += [as_bits(float(int(i) >> int(s))) for i, s in
            zip(ints, rng.integers(0, 62, size=count // 4))]
    return out


def f32_bits(x):
    with np.errstate(over="ignore"):
        return int(np.array([x], dtype=np.float32).view(np.uint32)[0])


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def wide_patterns(name, n, rng):
    m, e, _ = FORMATS[name]
    pats = special_patterns(m, e)
    if name == "f32":
        pats += [0x515078A8, 0x513D7539, 0x40490FDB, 0x4CBEBC20, 0x4B800000, 0x4C000000]
        pats += decimal_patterns(rng, n // 10, f32_bits, (-50, 40))
        rand = rng.integers(0, 2**32, size=max(n - len(pats), 0), dtype=np.uint64)
    else:
        pats += [0x3FB999999999999A, 0x4340000000000001, 0x3CB0000000000000]
        pats += decimal_patterns(rng, n // 10, f64_bits, (-330, 310))
        rand = rng.integers(0, 2**64, size=max(n - len(pats), 0), dtype=np.uint64)
    return (pats + [int(r) for r in rand])[:n]


def write(outdir, name, pats, text_of):
    m, e, _ = FORMATS[name]
    width = (m + e + 1 + 3) // 4
    path = os.path.join(outdir, f"print_{name}.txt")
    with open(path + ".tmp", "w") as f:
        for b in pats:
            f.write(f"{b:0{width}x} {text_of(b)}\n")
    os.replace(path + ".tmp", path)


def wide_digits(name, mag):
    """Exact shortest digits of an f32/f64 pattern, for --check."""
    _, mf, ef, _ = decode(name, mag)
    m, e, _ = FORMATS[name]
    shift = 0 if (mag & ((1 << m) - 1)) == 0 and (mag >> m) > 1 else 1
    g = ef - 2
    lo = as_fraction_parts(4 * mf - 1 - shift, g)
    hi = as_fraction_parts(4 * mf + 2, g)
    return shortest_exact(as_fraction_parts(mf, ef), lo, hi, mf % 2 == 0)


def self_check(rng, count):
    """Cross-checks the digit sources against the exact search (not part of the data)."""
    f16_digits = numpy_digits(np.float16, 16)
    for b in range(1, 0x7C00):
        assert f16_digits(b) == narrow_digits("f16", b), hex(b)
    f32_digits = numpy_digits(np.float32, 32)
    for name, src in (("f32", lambda b: f32_digits(b)),
                      ("f64", lambda b: parse_digits(repr(struct.unpack(
                          "<d", struct.pack("<Q", b))[0])))):
        for b in wide_patterns(name, count, rng):
            kind, _, _, _ = decode(name, b)
            mag = b & ((1 << (FORMATS[name][0] + FORMATS[name][1])) - 1)
            if kind == "num":
                assert src(mag) == wide_digits(name, mag), (name, hex(b))
    print("self-check passed")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--check":
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
        self_check(np.random.default_rng(SEED + 1), count)
        return
    if len(sys.argv) < 2:
        sys.exit("usage: gen_print.py OUTDIR [N]")
    outdir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(SEED)

    for name in ("f8", "f8_e4m3fn", "bf16"):
        digits = (lambda nm: lambda mag: narrow_digits(nm, mag))(name)
        count = 1 << (FORMATS[name][0] + FORMATS[name][1] + 1)
        write(outdir, name, range(count), lambda b, nm=name, dg=digits: text_b(nm, b, dg))
    f16_digits = numpy_digits(np.float16, 16)
    write(outdir, "f16", range(65536), lambda b: text_b("f16", b, f16_digits))
    f32_digits = numpy_digits(np.float32, 32)
    write(outdir, "f32", wide_patterns("f32", n, rng), lambda b: text_b("f32", b, f32_digits))
    write(outdir, "f64", wide_patterns("f64", n, rng), f64_text)


if __name__ == "__main__":
    main()
