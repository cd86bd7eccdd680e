#!/usr/bin/env python3
"""tests/oracle/gen_reduce.py: the oracle for tests/test_reduce.c (Nx.sum, product,
reduce_max, reduce_min, all, any, argmax, argmin, mean, logsumexp, variance and
standard_deviation on random inputs of every type, ranks 0-4, vectorized axes, random
axes (negative ones too) and keep_axes).

    python3 tests/oracle/gen_reduce.py OUTDIR [N]     (N cases per op and type, default 6)

Needs numpy and ml_dtypes (for u2/u4/s2/s4, f8, f8_e4m3fn and bf16; without ml_dtypes
those types are left out). The seed is fixed (SEED below) and written into the file.
Writes OUTDIR/reduce.bin, little-endian:

  char magic[8] = "NXRED01\\n"
  u32  seed
  u32  ncases
  ncases times, one case:
      u8    op          index into OPS below
      u8    type        the input's type as an nx_type enum value (NX_U2 = 1 ... NX_C128 = 20)
      u8    want_type   the result's type
      shape in          u8 rank, then rank x i64 (vectorized axes included)
      u8    vrank       the first vrank axes are vectorized (named v0, v1, ...)
      u8    axes_mode   0 :axes not given, 1 a list, 2 axes: []
      u8    naxes, then naxes x i32 (inner axes; may be negative)
      u8    keep        :keep_axes / :keep_axis
      u8    axis_given  argmax/argmin: 1 when :axis is given
      i32   axis        argmax/argmin: that inner axis (may be negative)
      u8    tie_high    argmax/argmin: 1 for tie_break: :high
      u8    index_type  argmax/argmin: the :type (nx_type enum value; 0: not given)
      f64   ddof        variance/standard_deviation
      shape want        the result's shape with its vectorized axes in front
      u64   in_len, u8 in[in_len]     the input as nx_from_data takes it (2/4-bit types
                                      packed most significant bits first)
      u64   nout, then nout x (17-byte value, f64 tolerance): the result's elements in
            row-major order; a value is u8 kind (0 int: i64, 1 uint: u64, 2 float: f64,
            3 complex: f64 re, f64 im) then 16 bytes of payload (zero-padded). Integers
            must match exactly; floats within the tolerance (an absolute bound, applied to
            each part of a complex value), NaN matching NaN and infinities themselves.

How the oracle computes (independently of nxc's summation order):
  * Integer sums and products are exact Python integers wrapped to the aggregate type
    (s8/s16/s32 -> s32, u8/u16/u32 -> u32, u64/s64 -> s64): overflow wraps as in Nx.
  * Float sums are math.fsum (exact) rounded once to the output type; the tolerance is
    one unit in the last place of the result plus 2 n 2^-53 sum|x| for the f64
    accumulation nxc does (any fixed order of n double additions is within that).
    Products are a float64 product with a relative bound of 2 n 2^-53 plus one ulp.
  * reduce_max/min, all/any, argmax/argmin are exact (argmax: numpy's first-occurrence
    argmax; tie_break :high the last occurrence; a NaN counts as the extreme and the first
    NaN wins).
  * mean, logsumexp, variance and standard_deviation replay Nx's composition step by step
    in the same types (element-wise ops through f32 for narrow floats, as nxc and numpy's
    half-precision ufuncs do), with every sum exact and rounded once; the tolerance covers
    a one-ulp difference of each rounded sum and its effect on the later steps.
"""
import math
import random
import struct
import sys

import numpy as np

import nxoracle

try:
    import ml_dtypes
except ImportError:  # the narrow types are then left out
    ml_dtypes = None

SEED = 20240917
OPS = ["sum", "product", "reduce_max", "reduce_min", "all", "any", "argmax", "argmin",
       "mean", "logsumexp", "variance", "standard_deviation"]
ENUM, BITS = nxoracle.ENUM, nxoracle.BITS
INTS = ["u2", "u4", "u8", "u16", "u32", "u64", "s2", "s4", "s8", "s16", "s32", "s64"]
FLOATS = ["f8", "f8_e4m3fn", "bf16", "f16", "f32", "f64"]
COMPLEX = ["c64", "c128"]
NARROW = {"u2", "u4", "s2", "s4", "f8", "f8_e4m3fn", "bf16"}


def dtype(t):
    plain = {"u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
             "s8": np.int8, "s16": np.int16, "s32": np.int32, "s64": np.int64,
             "f16": np.float16, "f32": np.float32, "f64": np.float64,
             "c64": np.complex64, "c128": np.complex128}
    if t in plain:
        return np.dtype(plain[t])
    return np.dtype({"f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn,
                     "bf16": ml_dtypes.bfloat16}[t])


def is_signed(t):
    return t[0] == "s"


def int_range(t):
    b = BITS[t]
    return (-(1 << (b - 1)), (1 << (b - 1)) - 1) if is_signed(t) else (0, (1 << b) - 1)


def wrap(v, t):
    b = BITS[t]
    v &= (1 << b) - 1
    return v - (1 << b) if is_signed(t) and v >> (b - 1) else v


def aggregate(t):
    if t in ("u64", "s64"):
        return "s64"
    if t in INTS:
        return "s32" if is_signed(t) else "u32"
    return t


def to_floating(t):
    return "f32" if t in INTS else t


# ---------------------------------------------------------------- float helpers

def finfo(t):
    return np.finfo(dtype(t)) if t in ("f16", "f32", "f64") else ml_dtypes.finfo(dtype(t))


def round_to(x, t):
    """x (a Python float or a float64 array) rounded once to float type t, as float64."""
    return np.asarray(x, dtype=np.float64).astype(dtype(t)).astype(np.float64)


def via_f32(x, t):
    """An element-wise result computed in double, rounded to f32, then to t: what nxc's
    element-wise kernels do (narrow floats compute in f32 and round on store)."""
    y = np.asarray(x, dtype=np.float64).astype(np.float32)
    return y.astype(np.float64) if t in ("f32",) else y.astype(dtype(t)).astype(np.float64)


def int_to_f32(v):
    """An integer rounded once (to nearest, ties to even) to f32, as a float64."""
    v = int(v)
    a = abs(v)
    if a < (1 << 24):
        return float(v)
    shift = a.bit_length() - 24
    q, r = divmod(a, 1 << shift)
    half = 1 << (shift - 1)
    if r > half or (r == half and q & 1):
        q += 1
    return math.copysign(float(q) * 2.0 ** shift, v)


def ulp(x, t):
    fi = finfo(t)
    tiny = float(fi.tiny)
    sub = float(getattr(fi, "smallest_subnormal", tiny * float(fi.eps)))
    a = abs(float(x))
    if not math.isfinite(a):
        return 0.0
    if a < tiny:
        return sub
    return float(fi.eps) * 2.0 ** math.floor(math.log2(a))


def exact_sum(vals):
    """The exact sum of float64 values (IEEE for non-finite ones)."""
    if any(math.isnan(v) for v in vals) or (math.inf in vals and -math.inf in vals):
        return math.nan
    if math.inf in vals:
        return math.inf
    if -math.inf in vals:
        return -math.inf
    try:
        return math.fsum(vals)
    except OverflowError:
        return math.inf if sum(v for v in vals) > 0 else -math.inf


# ---------------------------------------------------------------- encoding

pack_bits = nxoracle.pack_bits


def encode(values, t):
    """values: Python ints (integer types), float64 array (floats), complex array."""
    if t in INTS:
        w = BITS[t]
        if w < 8:
            return pack_bits([int(v) for v in values], w)
        return np.array([wrap(int(v), t) for v in values], dtype=dtype(t)).tobytes()
    return np.asarray(values).astype(dtype(t)).tobytes()


def value_record(kind, a, b=0.0):
    if kind == 0:
        payload = struct.pack("<q", a) + bytes(8)
    elif kind == 1:
        payload = struct.pack("<Q", a) + bytes(8)
    elif kind == 2:
        payload = struct.pack("<d", a) + bytes(8)
    else:
        payload = struct.pack("<dd", a, b)
    return struct.pack("<B", kind) + payload


s_shape = nxoracle.s_shape


# ---------------------------------------------------------------- inputs

def random_values(rng, t, n, op, style):
    """n input values of type t: Python ints, or float64/complex128 arrays holding values
    exactly representable in t."""
    if t in INTS:
        lo, hi = int_range(t)
        if style == "small":     # products, ties: mostly tiny magnitudes
            return [max(lo, min(hi, rng.randint(-3, 3))) for _ in range(n)]
        if style == "ties":
            return [max(lo, min(hi, rng.randint(-2, 2))) for _ in range(n)]
        return [rng.randint(lo, hi) for _ in range(n)]
    if t in COMPLEX:
        re = np.array([rng.gauss(0, 3) for _ in range(n)])
        im = np.array([rng.gauss(0, 3) for _ in range(n)])
        if style == "small":
            re = np.array([rng.uniform(0.6, 1.4) * rng.choice([-1, 1]) for _ in range(n)])
            im = np.array([rng.uniform(-0.4, 0.4) for _ in range(n)])
        z = (re + 1j * im).astype(dtype(t))
        if style == "zeros":
            z[[i for i in range(n) if rng.random() < 0.5]] = 0
        return z.astype(np.complex128)
    if style == "small":
        x = [rng.uniform(0.7, 1.3) * rng.choice([-1, 1]) for _ in range(n)]
    elif style == "ties":
        x = [float(rng.randint(-2, 2)) for _ in range(n)]
    elif style == "offset":   # a mean far from zero: cancellation in variance
        x = [100.0 + rng.gauss(0, 1) for _ in range(n)]
    else:
        scale = 2.0 if t in ("f8", "f8_e4m3fn") else 4.0
        x = [rng.gauss(0, scale) for _ in range(n)]
    if style in ("special", "ties"):
        for i in range(n):
            r = rng.random()
            if r < 0.06:
                x[i] = math.nan
            elif r < 0.10:
                x[i] = math.inf
            elif r < 0.14:
                x[i] = -math.inf
            elif r < 0.18:
                x[i] = -0.0
            elif r < 0.22 and style == "special":
                x[i] = 0.0
    if style == "zeros":
        x = [0.0 if rng.random() < 0.5 else v for v in x]
    return round_to(x, t)


# ---------------------------------------------------------------- groups

def groups(arr, red):
    """arr (an object or float ndarray) with the axes in `red` moved last and flattened:
    returns (kept shape, 2-D array rows x group)."""
    keep = [a for a in range(arr.ndim) if a not in red]
    moved = np.transpose(arr, keep + sorted(red))
    kshape = [arr.shape[a] for a in keep]
    n = 1
    for a in red:
        n *= arr.shape[a]
    return kshape, moved.reshape(-1, n)


def out_shape(shape, red, keep):
    return [1 if a in red else d for a, d in enumerate(shape) if keep or a not in red]


# ---------------------------------------------------------------- the ops

def float_tol_sum(vals, want, t):
    n = len(vals)
    mag = sum(abs(v) for v in vals if math.isfinite(v))
    return ulp(want, t) + 2.0 * n * 2.0 ** -53 * mag


def op_sum_product(op, t, values, shape, red):
    out_t = aggregate(t)
    recs = []
    if t in INTS:
        arr = np.array(values, dtype=object).reshape(shape)
        _, rows = groups(arr, red)
        for row in rows:
            if op == "sum":
                v = sum(int(x) for x in row)
            else:
                v = 1
                for x in row:
                    v = (v * int(x)) & ((1 << 64) - 1)
            recs.append((value_record(0, wrap(v, out_t)), 0.0))
        return out_t, recs
    if t in COMPLEX:
        arr = np.asarray(values).reshape(shape)
        _, rows = groups(arr, red)
        comp = "f32" if t == "c64" else "f64"
        for row in rows:
            if op == "sum":
                re = exact_sum([float(z.real) for z in row])
                im = exact_sum([float(z.imag) for z in row])
                tol = max(float_tol_sum([float(z.real) for z in row], re, comp),
                          float_tol_sum([float(z.imag) for z in row], im, comp))
            else:
                re, im = 1.0, 0.0
                mag = 1.0
                for z in row:
                    a, b = float(z.real), float(z.imag)
                    re, im = re * a - im * b, re * b + im * a
                    mag *= abs(complex(a, b))
                tol = 4.0 * len(row) * 2.0 ** -53 * 4 * mag + ulp(max(abs(re), abs(im)), comp)
            re, im = float(round_to(re, comp)), float(round_to(im, comp))
            recs.append((value_record(3, re, im), tol))
        return out_t, recs
    arr = np.asarray(values, dtype=np.float64).reshape(shape)
    _, rows = groups(arr, red)
    for row in rows:
        vals = [float(x) for x in row]
        if op == "sum":
            exact = exact_sum(vals)
            want = float(round_to(exact, out_t))
            tol = float_tol_sum(vals, want, out_t)
        else:
            p = 1.0
            for v in vals:
                p *= v
            want = float(round_to(p, out_t))
            tol = ulp(want, out_t) + 2.0 * len(vals) * 2.0 ** -53 * abs(p) if math.isfinite(p) else 0.0
        recs.append((value_record(2, want), tol))
    return out_t, recs


def op_extreme(op, t, values, shape, red):
    recs = []
    if t in INTS:
        arr = np.array(values, dtype=object).reshape(shape)
        _, rows = groups(arr, red)
        for row in rows:
            v = max(int(x) for x in row) if op == "reduce_max" else min(int(x) for x in row)
            recs.append((value_record(1 if t == "u64" else 0, v), 0.0))
        return t, recs
    arr = np.asarray(values, dtype=np.float64).reshape(shape)
    _, rows = groups(arr, red)
    for row in rows:
        v = float(np.max(row) if op == "reduce_max" else np.min(row))
        recs.append((value_record(2, v), 0.0))
    return t, recs


def as_u8(v, t):
    """Nx.as_type(x, :u8) of one element: integers wrap; floats truncate toward zero and
    saturate, NaN -> 0; complex keeps the real part."""
    if t in INTS:
        return wrap(int(v), "u8")
    x = complex(v).real
    if math.isnan(x):
        return 0
    if x >= 255:
        return 255
    return 0 if x <= 0 else int(x)


def op_logic(op, t, values, shape, red, convert):
    if convert:   # Nx: no axes to reduce converts without reducing (as_type(tensor, :u8))
        return "u8", [(value_record(0, as_u8(v, t)), 0.0) for v in values]
    if t in INTS:
        arr = np.array([int(v) != 0 for v in values], dtype=bool).reshape(shape)
    else:
        arr = (np.asarray(values) != 0).reshape(shape)
    _, rows = groups(arr, red)
    return "u8", [(value_record(0, int(np.all(r) if op == "all" else np.any(r))), 0.0) for r in rows]


def arg_index(op, row, high):
    if row.dtype == object:   # integers: exact Python comparisons
        vals = [int(v) for v in row]
        best = max(vals) if op == "argmax" else min(vals)
        hits = [i for i, v in enumerate(vals) if v == best]
        return hits[-1] if high else hits[0]
    row = np.asarray(row, dtype=np.float64)
    nans = np.flatnonzero(np.isnan(row))
    if len(nans):
        return int(nans[0])
    f = np.argmax if op == "argmax" else np.argmin
    return int(len(row) - 1 - f(row[::-1])) if high else int(f(row))


def op_mean(t, values, shape, red, n):
    """Nx: divide(sum(t, axes), n), n a plain number."""
    sum_t, sums = op_sum_sums(t, values, shape, red)
    # A number operand turns f8_e4m3fn into f32 (types-and-inspect.md: merge_number quirk).
    out_t = "f32" if sum_t == "f8_e4m3fn" else to_floating(sum_t)
    recs = []
    for s, tol_s in sums:
        s32 = int_to_f32(s) if t in INTS else s
        q = np.float32(s32) / np.float32(n) if out_t != "f64" else s / n
        want = float(via_f32(q, out_t)) if out_t != "f64" else float(q)
        tol = 0.0 if t in INTS else 2.0 * ulp(want, out_t) + tol_s / n
        recs.append((value_record(2, want), tol))
    return out_t, recs


def op_sum_sums(t, values, shape, red):
    """(sum type, [(sum as a float in that type, tolerance)]) for mean and variance."""
    out_t, recs = op_sum_product("sum", t, values, shape, red)
    sums = []
    for rec, tol in recs:
        kind = rec[0]
        if kind == 0:
            v = struct.unpack("<q", rec[1:9])[0]
        else:
            v = struct.unpack("<d", rec[1:9])[0]
        sums.append((v, tol))
    return out_t, sums


def float_view(t, values, shape):
    if t in INTS:
        return np.array([float(int(v)) for v in values], dtype=np.float64).reshape(shape)
    return np.asarray(values, dtype=np.float64).reshape(shape)


def op_variance(op, t, values, shape, red, n, ddof):
    """Nx: sum((t - mean(t, keep_axes: true)) ** 2, axes) / (n - ddof), sqrt for std."""
    mean_t, means = op_mean(t, values, shape, red, n)
    # t - mean is in t's type for floats (f8_e4m3fn: the left operand's type wins), the
    # square by the number 2 turns f8_e4m3fn into f32; integers work in f32 throughout.
    dt = mean_t if t in INTS else t
    ft = "f32" if dt == "f8_e4m3fn" else dt
    x = np.array(values, dtype=object).reshape(shape) if t in INTS else float_view(t, values, shape)
    kshape, rows = groups(x, red)
    recs = []
    for row, (mrec, mtol) in zip(rows, means):
        row_ints = row
        m = struct.unpack("<d", mrec[1:9])[0]
        if t in INTS:
            xs = np.array([int_to_f32(v) for v in row_ints], dtype=np.float64)
        else:
            xs = np.asarray(row, dtype=np.float64)
        d = via_f32(xs - m, dt) if dt != "f64" else xs - m
        sq = via_f32(d * d, ft) if ft != "f64" else d * d
        exact = exact_sum([float(v) for v in sq])
        s = float(round_to(exact, ft))
        den = n - ddof
        if ft == "f64":
            var = s / den if den != 0 else (math.nan if s == 0 or math.isnan(s) else math.copysign(math.inf, s))
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                var = float(via_f32(np.float32(s) / np.float32(den), ft))
        sum_d = float(np.sum(np.abs(d)))
        prop = 4.0 * (ulp(m, dt) + mtol) * sum_d + 2.0 * ulp(s, ft) + float_tol_sum(list(sq), s, ft)
        tol = 4.0 * ulp(var, ft) + (prop / abs(den) if den != 0 else 0.0)
        if op == "standard_deviation":
            sd = float(via_f32(np.sqrt(np.float64(var)), ft)) if ft != "f64" else math.sqrt(var) if var >= 0 else math.nan
            tol = 4.0 * ulp(sd, ft) + (tol / (2.0 * sd) if sd > 0 else math.sqrt(tol))
            var = sd
        recs.append((value_record(2, var), tol if math.isfinite(var) else 0.0))
    return ft, recs


def op_logsumexp(t, values, shape, red):
    """Nx: log(sum(exp(t - m))) + m with m the group maximum (non-finite: 0)."""
    ft = to_floating(t)
    recs = []
    if t in INTS:
        arr = np.array(values, dtype=object).reshape(shape)
    else:
        arr = np.asarray(values, dtype=np.float64).reshape(shape)
    _, rows = groups(arr, red)
    for row in rows:
        if t in INTS:
            m = max(int(v) for v in row)
            d = np.array([int_to_f32(wrap(int(v) - m, t)) for v in row], dtype=np.float64)
            mf = int_to_f32(m)
        else:
            m = float(np.max(np.asarray(row, dtype=np.float64)))
            m = 0.0 if math.isinf(m) else m
            xs = np.asarray(row, dtype=np.float64)
            d = via_f32(xs - m, ft) if ft != "f64" else xs - m
            mf = m
        e = via_f32(np.exp(d), ft) if ft != "f64" else np.exp(d)
        exact = exact_sum([float(v) for v in e])
        s = float(round_to(exact, ft))
        lg = float(via_f32(np.log(np.float64(s)), ft)) if ft != "f64" else math.log(s)
        want = float(via_f32(lg + mf, ft)) if ft != "f64" else lg + mf
        tol = 4.0 * ulp(want, ft) + 4.0 * ulp(lg, ft) + 4.0 * (ulp(s, ft) + float_tol_sum(list(e), s, ft)) / s
        recs.append((value_record(2, want), tol))
    return ft, recs


# ---------------------------------------------------------------- cases

def random_shape(rng, big=False):
    if big:
        return rng.choice([[120000], [2, 60000], [60000, 2], [48, 48, 48], [3, 40000], [40000, 3]])
    rank = rng.randint(0, 4)
    return [rng.randint(1, 5) for _ in range(rank)]


def style_for(rng, op, t):
    if op == "product" or (op == "logsumexp" and t in INTS):
        return "small"
    if op in ("argmax", "argmin"):
        return rng.choice(["ties", "plain", "special"]) if t in FLOATS else rng.choice(["ties", "plain"])
    if op in ("reduce_max", "reduce_min", "all", "any") and t in FLOATS:
        return rng.choice(["plain", "special", "zeros"])
    if op in ("all", "any"):
        return rng.choice(["plain", "zeros"])
    if op in ("variance", "standard_deviation") and t in ("f32", "f64") and rng.random() < 0.3:
        return "offset"
    if op == "sum" and t in FLOATS and rng.random() < 0.2:
        return "special"
    return "plain"


def make_case(rng, op, t, big=False):
    shape = random_shape(rng, big)
    rank = len(shape)
    vrank = 0 if big else rng.randint(0, min(2, rank))
    inner = rank - vrank
    n_el = 1
    for d in shape:
        n_el *= d
    values = random_values(rng, t, n_el, op, style_for(rng, op, t))
    axes_mode, axes, keep = 0, [], rng.random() < 0.4
    axis_given, axis, tie_high, index_type, ddof = 0, 0, 0, 0, 0.0
    if op in ("argmax", "argmin"):
        tie_high = rng.randint(0, 1)
        if inner > 0 and rng.random() < 0.6:
            axis_given = 1
            a = rng.randrange(inner)
            axis = a - inner if rng.random() < 0.4 else a
            red = [vrank + a]
        else:
            red = list(range(vrank, rank))
    else:
        r = rng.random()
        if big:
            axes_mode = 1 if rng.random() < 0.6 else 0
            axes = [rng.randrange(inner)] if axes_mode else []
        elif inner == 0 or r < 0.25:
            axes_mode = 0 if r < 0.2 or inner == 0 else 2
        elif r < 0.32:
            axes_mode = 2
        else:
            axes_mode = 1
            k = rng.randint(1, inner)
            chosen = rng.sample(range(inner), k)
            axes = [a - inner if rng.random() < 0.4 else a for a in chosen]
        if axes_mode == 0:
            red = list(range(vrank, rank))
        elif axes_mode == 2:
            red = []
        else:
            red = sorted(vrank + (a % inner) for a in axes)
    if op in ("variance", "standard_deviation"):
        ddof = float(rng.choice([0, 0, 1]))

    n = 1
    for a in red:
        n *= shape[a]
    if op in ("sum", "product"):
        want_t, recs = op_sum_product(op, t, values, shape, red)
    elif op in ("reduce_max", "reduce_min"):
        want_t, recs = op_extreme(op, t, values, shape, red)
    elif op in ("all", "any"):
        # Nx converts instead of reducing when the axes list it builds is empty: axes: [],
        # or no :axes on a vectorized tensor (or with keep_axes) whose inner shape is {}.
        convert = axes_mode == 2 or (axes_mode == 0 and inner == 0 and (vrank > 0 or keep))
        want_t, recs = op_logic(op, t, values, shape, red, convert)
    elif op in ("argmax", "argmin"):
        index_type = rng.choice([0, 0, 0, ENUM["s64"], ENUM["u32"], ENUM["s16"], ENUM["f32"], ENUM["f64"]])
        if not big and rng.random() < 0.1:
            index_type = ENUM["u8"]
        names = {v: k for k, v in ENUM.items()}
        want_t = names[index_type] if index_type else "s32"
        if axis_given:
            src, sred = shape, red
        else:
            src = shape[:vrank] + [int(np.prod(shape[vrank:], dtype=np.int64))]
            sred = [vrank]
        arr = np.array(values, dtype=object).reshape(src) if t in INTS else float_view(t, values, src)
        _, rows = groups(arr, sred)
        recs = []
        for row in rows:
            i = arg_index(op, row, tie_high)
            recs.append((value_record(2, float(i)) if want_t in ("f32", "f64") else
                         value_record(0, wrap(i, want_t)), 0.0))
    elif op == "mean":
        want_t, recs = op_mean(t, values, shape, red, n)
    elif op == "logsumexp":
        want_t, recs = op_logsumexp(t, values, shape, red)
    else:
        want_t, recs = op_variance(op, t, values, shape, red, n, ddof)

    if op in ("argmax", "argmin"):
        if axis_given:
            wshape = out_shape(shape, red, keep)
        else:
            wshape = shape[:vrank] + ([1] * inner if keep and vrank > 0 else [])
    elif axes_mode == 2:
        wshape = list(shape)
    else:
        wshape = out_shape(shape, red, keep)
    assert len(recs) == int(np.prod(wshape, dtype=np.int64)), (op, t, shape, red, wshape, len(recs))

    data = encode(values, t)
    head = struct.pack("<BBB", OPS.index(op), ENUM[t], ENUM[want_t]) + s_shape(shape)
    head += struct.pack("<BBB", vrank, axes_mode, len(axes)) + b"".join(struct.pack("<i", a) for a in axes)
    head += struct.pack("<BBiBBd", int(keep), axis_given, axis, tie_high, index_type, ddof)
    head += s_shape(wshape)
    body = struct.pack("<Q", len(data)) + data + struct.pack("<Q", len(recs))
    body += b"".join(rec + struct.pack("<d", tol) for rec, tol in recs)
    return head + body


def types_for(op):
    ts = INTS + FLOATS + COMPLEX
    if ml_dtypes is None:
        ts = [t for t in ts if t not in NARROW]
    if op in ("reduce_max", "reduce_min", "argmax", "argmin", "logsumexp"):
        ts = [t for t in ts if t not in COMPLEX]
    if op in ("mean", "variance", "standard_deviation"):   # complex: tests/test_complex.c
        ts = [t for t in ts if t not in COMPLEX]
    return ts


def main():
    np.seterr(all="ignore")   # overflow to Inf and NaN are part of the cases
    out = sys.argv[1]
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    rng = random.Random(SEED)
    cases = []
    for op in OPS:
        for t in types_for(op):
            for _ in range(per):
                cases.append(make_case(rng, op, t))
    # Large inputs: every parallel path (segments of one output, few outputs, row tiles).
    for op, t in [("sum", "s32"), ("sum", "u8"), ("sum", "f32"), ("sum", "f64"), ("product", "s64"),
                  ("reduce_max", "f32"), ("argmax", "f64"), ("argmin", "s16"), ("any", "u8"),
                  ("mean", "f32")]:
        for _ in range(2):
            cases.append(make_case(rng, op, t, big=True))
    with open(f"{out}/reduce.bin", "wb") as f:
        f.write(b"NXRED01\n" + struct.pack("<II", SEED, len(cases)))
        for c in cases:
            f.write(c)
    print(f"reduce.bin: {len(cases)} cases")


if __name__ == "__main__":
    main()
