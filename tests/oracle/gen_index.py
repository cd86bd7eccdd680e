#!/usr/bin/env python3
"""tests/oracle/gen_index.py: the oracle for tests/test_index.c (Nx.gather, take,
take_along_axis, indexed_add, indexed_put, select and clip on random inputs).

    python3 tests/oracle/gen_index.py OUTDIR [N]      (N cases per operation, default 300)

Needs only numpy. The seed is fixed (SEED below) and written into the file, so the same
script always writes the same bytes. Writes OUTDIR/index.bin, little-endian:

  char magic[8] = "NXINDX1\\n"
  u32  seed
  u32  ncases
  ncases times, one case:
      u8    op          0 gather, 1 take, 2 take_along_axis, 3 indexed_add, 4 indexed_put,
                        5 select, 6 clip
      u8    nin         operands, in call order (gather/take/take_along_axis: tensor,
                        indices; indexed_*: target, indices, updates; select: pred,
                        on_true, on_false; clip: tensor, min, max)
      u8    axis_given  take/take_along_axis: 1 when :axis is given
      i32   axis        that axis (may be negative)
      u8    naxes       gather/indexed_*: the :axes given (0: not given)
      naxes x i32
      nin times, tensor
      tensor want       the result
  where tensor =
      u8    type        nx_type enum value (NX_U2 = 1 ... NX_C128 = 20)
      u8    vrank       leading vectorized axes
      vrank x u8        each one's name number: axis "v<k>"
      u8    rank        all axes, vectorized first
      rank x i64        dims
      u64   nbytes, u8 bytes[nbytes]
                        the elements as nxc stores them (formats.md §1.1: row-major,
                        little-endian, 2/4-bit types packed most significant bits first)

Semantics (spec/functions.md §10, §15 with spec/decisions.md item 9): indices are clamped
into the tensor (gather, take, take_along_axis); updates whose index leaves the tensor are
skipped (indexed_*); indexed_add adds duplicates in index order, indexed_put keeps the last.
Operations that only move elements (all but indexed_add and clip) are computed on the
elements' raw bits, so every type is covered, sub-byte and narrow floats included, and the
result must match bit for bit. indexed_add computes in numpy per type: integers exactly
(Python ints, wrapped on store), f32/f64/c64/c128 with numpy's in-order additions, f16 in
f32 rounded once on store (nxc computes narrow floats in f32). clip uses
min(max(x, lo), hi), NaN kept (canonical quiet NaNs only). select reads pred != 0 (NaN is
true, -0.0 false). Vectorized cases give operands leading axes "v0", "v1" (each of the full
size, of size 1, or absent); the result is computed per vectorized entry.
"""
import os
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20250307

TYPES, ENUM, BITS = nxoracle.TYPES, nxoracle.ENUM, nxoracle.BITS
INT_TYPES = TYPES[:12]
NUMPY = {"f16": np.float16, "f32": np.float32, "f64": np.float64,
         "c64": np.complex64, "c128": np.complex128}
NAN_BITS = {"f16": 0x7E00, "f32": 0x7FC00000, "f64": 0x7FF8000000000000}

OP_GATHER, OP_TAKE, OP_ALONG, OP_ADD, OP_PUT, OP_SELECT, OP_CLIP = range(7)


def int_range(t):
    w = BITS[t]
    return (0, (1 << w) - 1) if t[0] == "u" else (-(1 << (w - 1)), (1 << (w - 1)) - 1)


# ---------------------------------------------------------------- element encodings

pack_bits = nxoracle.pack_bits


def raw_bytes(bits, t):
    """Raw element bits (Python ints, row-major) as t's stored bytes."""
    w = BITS[t]
    if w < 8:
        return pack_bits(bits, w)
    return b"".join(int(e).to_bytes(w // 8, "little") for e in bits)


def value_bytes(values, t):
    """Element values (Python ints or numpy floats/complex) as t's stored bytes."""
    w = BITS[t]
    flat = list(np.asarray(values, dtype=object).reshape(-1))
    if t in INT_TYPES:
        return raw_bytes([int(v) % (1 << w) for v in flat], t)
    dt = np.dtype(NUMPY[t]).newbyteorder("<")
    return np.asarray(values, dtype=NUMPY[t]).astype(dt).reshape(-1).tobytes()


# ---------------------------------------------------------------- serialisation

def s_tensor(t, vnames, dims, data):
    """vnames: the name numbers of the leading vectorized axes."""
    out = [struct.pack("<BB", ENUM[t], len(vnames))]
    out += [struct.pack("<B", n) for n in vnames]
    out.append(struct.pack("<B", len(dims)))
    out += [struct.pack("<q", d) for d in dims]
    out.append(struct.pack("<Q", len(data)))
    out.append(data)
    return b"".join(out)


# ---------------------------------------------------------------- random pieces

def random_shape(rng, rank, hi=4):
    return tuple(rng.randint(1, hi) for _ in range(rank))


def random_bits(rng, t, shape):
    """Random raw bits of t, as an object array of Python ints."""
    n = int(np.prod(shape, dtype=np.int64))
    a = np.empty(n, dtype=object)
    for i in range(n):
        a[i] = rng.getrandbits(BITS[t])
    return a.reshape(shape)


def random_ints(rng, shape, lo, hi):
    n = int(np.prod(shape, dtype=np.int64))
    a = np.empty(n, dtype=object)
    for i in range(n):
        a[i] = rng.randint(lo, hi)
    return a.reshape(shape)


def random_indices(rng, shape, itype, dim_hi):
    """Index values of itype, mostly in [0, dim_hi), some out of range both ways."""
    lo, hi = int_range(itype)
    a = random_ints(rng, shape, max(lo, -2), min(hi, dim_hi + 1))
    return a


def clamp(i, dim):
    return 0 if i < 0 else dim - 1 if i >= dim else i


def random_values(rng, t, shape, specials=False):
    """Random values of a numeric type t (ints: Python ints in range; floats: numpy)."""
    if t in INT_TYPES:
        lo, hi = int_range(t)
        if rng.random() < 0.5:   # small values too, so that sums stay in range sometimes
            lo, hi = max(lo, -20), min(hi, 20)
        return random_ints(rng, shape, lo, hi)
    n = int(np.prod(shape, dtype=np.int64))
    nprng = np.random.default_rng(rng.getrandbits(32))
    scale = rng.choice([1.0, 100.0, 1e-3])
    if t in ("c64", "c128"):
        v = (nprng.standard_normal(n) + 1j * nprng.standard_normal(n)) * scale
    else:
        v = nprng.standard_normal(n) * scale
        if specials:
            for i in range(n):
                if rng.random() < 0.15:
                    v[i] = rng.choice([float("nan"), float("inf"), -float("inf"), 0.0, -0.0])
    return np.asarray(v, dtype=NUMPY[t]).reshape(shape)


# ---------------------------------------------------------------- the operations (inner shapes)

def op_gather(spec, x, idx):
    r, axes = len(x.shape), spec["axes"]
    outer = idx.shape[:-1]
    blocks = []
    for vec in idx.reshape(-1, idx.shape[-1]):
        sl = [slice(None)] * r
        for a, ax in enumerate(axes):
            sl[ax] = clamp(int(vec[a]), x.shape[ax])
        blocks.append(x[tuple(sl)])
    rest = tuple(x.shape[ax] for ax in range(r) if ax not in axes)
    out = np.empty((len(blocks),) + rest, dtype=object)
    for i, b in enumerate(blocks):
        out[i] = b
    return out.reshape(outer + rest)


def op_take(spec, x, idx):
    axis = spec["axis"] % len(x.shape)
    cl = np.vectorize(lambda i: clamp(int(i), x.shape[axis]), otypes=[np.int64])(idx) if idx.size else idx
    return np.take(x, np.asarray(cl, dtype=np.int64), axis=axis)


def op_along(spec, x, idx):
    axis = spec["axis"] % len(x.shape)
    cl = np.vectorize(lambda i: clamp(int(i), x.shape[axis]), otypes=[np.int64])(idx)
    return np.take_along_axis(x, np.asarray(cl, dtype=np.int64), axis=axis)


def scatter(spec, target, idx, upd, add):
    """indexed_add (add) / indexed_put on target (a copy), in index order."""
    out = target.copy()
    axes, r = spec["axes"], len(target.shape)
    free = [ax for ax in range(r) if ax not in axes]
    for j in range(idx.shape[0]):
        vec = [int(v) for v in idx[j]]
        if any(v < 0 or v >= target.shape[ax] for v, ax in zip(vec, axes)):
            continue   # the box leaves the tensor: skipped
        sl = [None] * r
        for v, ax in zip(vec, axes):
            sl[ax] = v
        for f, ax in enumerate(free):
            sl[ax] = slice(0, upd.shape[1 + f])
        if add:
            out[tuple(sl)] = out[tuple(sl)] + upd[j]
        else:
            out[tuple(sl)] = upd[j]
    return out


def op_add(spec, target, idx, upd):
    t = spec["type"]
    if t == "f16":   # nxc adds narrow floats in f32 and rounds once
        return scatter(spec, target.astype(np.float32), idx, upd.astype(np.float32), True).astype(np.float16)
    return scatter(spec, target, idx, upd, True)


def op_put(spec, target, idx, upd):
    return scatter(spec, target, idx, upd, False)


def truth(pred, ptype):
    if ptype in INT_TYPES:
        return np.vectorize(lambda v: int(v) != 0, otypes=[bool])(pred) if pred.size else pred
    return pred != 0   # NaN is true, -0.0 false


def op_select(spec, pred, on_true, on_false):
    m = truth(pred, spec["ptype"])
    shape = spec["out_inner"]
    m = np.broadcast_to(m, shape)
    a = np.broadcast_to(on_true, shape)
    b = np.broadcast_to(on_false, shape)
    out = np.empty(shape, dtype=object)
    for i in np.ndindex(*shape):
        out[i] = a[i] if m[i] else b[i]
    return out


def op_clip(spec, x, lo, hi):
    t = spec["type"]
    lo, hi = lo.reshape(()), hi.reshape(())
    if t in INT_TYPES:
        return np.vectorize(lambda v: min(max(int(v), int(lo)), int(hi)), otypes=[object])(x)
    with np.errstate(invalid="ignore"):
        return np.minimum(np.maximum(x, lo), hi)   # NaN propagates, lo > hi gives hi


OPS = {OP_GATHER: op_gather, OP_TAKE: op_take, OP_ALONG: op_along, OP_ADD: op_add,
       OP_PUT: op_put, OP_SELECT: op_select, OP_CLIP: op_clip}


# ---------------------------------------------------------------- case specs

def spec_gather(rng):
    t = rng.choice(TYPES)
    r = rng.randint(1, 4)
    xs = random_shape(rng, r)
    k = rng.randint(1, r)
    given = rng.random() < 0.5
    axes = sorted(rng.sample(range(r), k)) if given else list(range(k))
    ishape = random_shape(rng, rng.randint(0, 2), 3) + (k,)
    itype = rng.choice(INT_TYPES)
    # indices: coordinate a ranges over axis axes[a]
    return dict(op=OP_GATHER, type=t, itype=itype, axes=axes, axes_given=given,
                shapes=[xs, ishape], kinds=["bits", ("index", [xs[ax] for ax in axes])])


def spec_take(rng):
    t = rng.choice(TYPES)
    r = rng.randint(1, 3)
    xs = random_shape(rng, r)
    axis = rng.randint(-r, r - 1)
    given = axis != 0 or rng.random() < 0.5
    ishape = random_shape(rng, rng.randint(0, 2), 4)
    return dict(op=OP_TAKE, type=t, itype=rng.choice(INT_TYPES), axis=axis, axis_given=given,
                shapes=[xs, ishape], kinds=["bits", ("index", [xs[axis % r]])])


def spec_along(rng):
    t = rng.choice(TYPES)
    r = rng.randint(1, 3)
    xs = random_shape(rng, r)
    axis = rng.randint(-r, r - 1)
    given = axis != 0 or rng.random() < 0.5
    ishape = list(xs)
    ishape[axis % r] = rng.randint(1, 5)
    return dict(op=OP_ALONG, type=t, itype=rng.choice(INT_TYPES), axis=axis, axis_given=given,
                shapes=[xs, tuple(ishape)], kinds=["bits", ("index", [xs[axis % r]])])


def spec_scatter(rng, op):
    if op == OP_ADD:
        t = rng.choice(INT_TYPES + ["f16", "f32", "f64", "c64", "c128"])
    else:
        t = rng.choice(TYPES)
    r = rng.randint(1, 3)
    ts = random_shape(rng, r)
    shorthand = rng.random() < 0.15
    if shorthand:
        k, axes, given, n = r, list(range(r)), False, 1
    else:
        k = rng.randint(1, r)
        given = rng.random() < 0.5
        axes = sorted(rng.sample(range(r), k)) if given else list(range(k))
        n = rng.randint(1, 6)
    free = [ax for ax in range(r) if ax not in axes]
    box = tuple(rng.randint(1, ts[ax]) for ax in free)
    kind = "values" if op == OP_ADD else "bits"
    if shorthand:
        ishape, ushape = (k,), ()
    else:
        ishape, ushape = (n, k), (n,) + box
    return dict(op=op, type=t, itype=rng.choice(INT_TYPES), axes=axes, axes_given=given,
                shorthand=shorthand, shapes=[ts, ishape, ushape],
                kinds=[kind, ("index", [ts[ax] for ax in axes]), kind])


def suffix_with_ones(rng, shape, rank):
    s = list(shape[len(shape) - rank:])
    return tuple(1 if rng.random() < 0.3 else d for d in s)


def spec_select(rng):
    t = rng.choice(TYPES)
    ptype = rng.choice(INT_TYPES + ["f16", "f32", "f64"])
    r = rng.randint(0, 3)
    full = random_shape(rng, r)
    if r == 0 or rng.random() < 0.25:
        ps = ()
        ts = suffix_with_ones(rng, full, rng.randint(0, r))
        fs = suffix_with_ones(rng, full, rng.randint(0, r))
        out = np.broadcast_shapes(ts, fs)
    else:
        ps = full
        ts = suffix_with_ones(rng, full, rng.randint(0, r))
        fs = suffix_with_ones(rng, full, rng.randint(0, r))
        out = full
    return dict(op=OP_SELECT, type=t, ptype=ptype, out_inner=tuple(out),
                shapes=[ps, ts, fs], kinds=["pred", "bits", "bits"])


def spec_clip(rng):
    t = rng.choice(INT_TYPES + ["f16", "f32", "f64"])
    xs = random_shape(rng, rng.randint(0, 3))
    return dict(op=OP_CLIP, type=t, shapes=[xs, (), ()], kinds=["clip", "bound", "bound"])


def make_operand(rng, spec, i, shape):
    """Data for operand i with the given full shape: (type, stored array)."""
    kind = spec["kinds"][i]
    t = spec["type"]
    if kind == "bits":
        return t, random_bits(rng, t, shape)
    if kind == "values":
        return t, random_values(rng, t, shape)
    if kind == "pred":
        pt = spec["ptype"]
        if pt in INT_TYPES:
            lo, hi = int_range(pt)
            return pt, random_ints(rng, shape, max(lo, -1), min(hi, 2))
        n = int(np.prod(shape, dtype=np.int64))
        v = [rng.choice([0.0, -0.0, 1.0, 0.5, float("nan"), 0.0, 1.0]) for _ in range(n)]
        return pt, np.asarray(v, dtype=NUMPY[pt]).reshape(shape)
    if kind == "clip":
        return t, random_values(rng, t, shape, specials=True)
    if kind == "bound":
        if t in INT_TYPES:
            lo, hi = int_range(t)
            return t, random_ints(rng, shape, max(lo, -30), min(hi, 30))
        return t, np.asarray(rng.uniform(-2, 2), dtype=NUMPY[t]).reshape(shape)
    # ("index", dims): the last axis walks the indexed dims (or one dim for take)
    dims = kind[1]
    it = spec["itype"]
    if spec["op"] in (OP_GATHER, OP_ADD, OP_PUT):
        a = np.empty(shape, dtype=object)
        for pos in np.ndindex(*shape):
            dim = dims[pos[-1]] if shape else dims[0]
            lo, hi = int_range(it)
            a[pos] = rng.randint(max(lo, -1), min(hi, dim)) if rng.random() < 0.9 else \
                rng.randint(max(lo, -3), min(hi, dim + 2))
        return it, a
    return it, random_indices(rng, shape, it, dims[0])


def stored(t, arr, kind):
    if kind == "bits":
        return raw_bytes(list(arr.reshape(-1)), t)
    return value_bytes(arr, t)


def gen_case(rng, spec, vectorized):
    n_in = len(spec["shapes"])
    nv = rng.randint(1, 2) if vectorized else 0
    vsizes = [rng.randint(2, 3) for _ in range(nv)]
    # which vectorized axes each operand has: (name, size), canonical order but for some
    # operands after the first
    vaxes = []
    for i in range(n_in):
        mine = []
        for k in range(nv):
            if spec["op"] == OP_CLIP and i > 0:
                continue   # clip's bounds are never vectorized
            if i == 0 or rng.random() < 0.7:   # the first operand has every axis
                mine.append((k, vsizes[k] if rng.random() < 0.7 else 1))
        if i > 0 and len(mine) > 1 and rng.random() < 0.5:
            mine.reverse()   # vectorized axes in another order than the result's
        vaxes.append(mine)
    out_vsizes = []
    for k in range(nv):
        sizes = [s for ax in vaxes for (kk, s) in ax if kk == k]
        out_vsizes.append(max(sizes) if sizes else 1)
    operands = []
    for i in range(n_in):
        full = tuple(s for (_, s) in vaxes[i]) + tuple(spec["shapes"][i])
        t, data = make_operand(rng, spec, i, full)
        operands.append((t, data))
    # per vectorized entry of the result
    results = []
    for pos in np.ndindex(*out_vsizes):
        inner = []
        for i in range(n_in):
            t, data = operands[i]
            sel = tuple(0 if s == 1 else pos[k] for (k, s) in vaxes[i])
            inner.append(np.asarray(data[sel], dtype=data.dtype) if sel else data)
        if spec["op"] in (OP_ADD, OP_PUT) and spec["shorthand"]:
            inner[1] = inner[1].reshape((1,) + inner[1].shape)
            inner[2] = inner[2].reshape((1,) + inner[2].shape)
        res = OPS[spec["op"]](spec, *inner)
        if not isinstance(res, np.ndarray):   # a scalar result of an object array
            res = np.asarray(res) if isinstance(res, np.generic) else np.array(res, dtype=object)
        results.append(res)
    inner_shape = results[0].shape
    if results[0].dtype == object:
        want = np.empty((len(results),) + inner_shape, dtype=object)
        for j, res in enumerate(results):
            want[j] = res
    else:
        want = np.stack(results)
    want = want.reshape(tuple(out_vsizes) + inner_shape)
    t = spec["type"]
    out_kind = "bits" if spec["kinds"][1 if spec["op"] == OP_SELECT else 0] == "bits" else "values"
    if spec["op"] == OP_CLIP:
        out_kind = "values"
    # header
    axis = spec.get("axis", 0)
    axes = spec["axes"] if spec.get("axes_given") else []
    head = struct.pack("<BBBiB", spec["op"], n_in, 1 if spec.get("axis_given") else 0, axis, len(axes))
    head += b"".join(struct.pack("<i", a) for a in axes)
    body = []
    for i in range(n_in):
        ot, data = operands[i]
        kind = spec["kinds"][i]
        k = "bits" if kind == "bits" else "values"
        body.append(s_tensor(ot, [kk for (kk, _) in vaxes[i]], data.shape, stored(ot, data, k)))
    body.append(s_tensor(t, list(range(nv)), want.shape, stored(t, want, out_kind)))
    return head + b"".join(body)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "build/oracle"
    per_op = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(SEED)
    makers = [spec_gather, spec_take, spec_along, lambda r: spec_scatter(r, OP_ADD),
              lambda r: spec_scatter(r, OP_PUT), spec_select, spec_clip]
    cases = []
    for make in makers:
        for c in range(per_op):
            spec = make(rng)
            cases.append(gen_case(rng, spec, vectorized=c % 4 == 3))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "index.bin")
    with open(path, "wb") as f:
        f.write(b"NXINDX1\n" + struct.pack("<II", SEED, len(cases)))
        for c in cases:
            f.write(c)
    print("%s: %d cases" % (path, len(cases)))


if __name__ == "__main__":
    main()
