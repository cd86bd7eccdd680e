#!/usr/bin/env python3
"""tests/oracle/gen_io.py: the oracle for tests/test_io.c: tensor files written by NumPy
(np.save, np.savez, np.savez_compressed) and by the `safetensors` package, with the
values NumPy reads back from them, and Nx's own NumPy fixtures (the conformance folder)
as NumPy reads them.

    python3 tests/oracle/gen_io.py OUTDIR

Writes the files under OUTDIR/io/ and OUTDIR/io_cases.bin, little-endian:

    char magic[8] = "NXIO001\\n"; u32 nfiles; per file:
        u8 kind (0 .npy, 1 .npz, 2 safetensors); str path (relative to OUTDIR, or
        absolute for the fixtures); u8 canonical (1: nxc must write these exact bytes
        back); u32 ntensors; per tensor:
            str name (the .npz member or safetensors name; "" for .npy); str type (Nx's
            name); u8 rank; i64 dims[rank]; u64 nbytes; the data in C order, little-endian
    str: u16 length, then the bytes.

tests/oracle/check_io.py is the other half: run by the test after nxc has written files,
it checks that NumPy and safetensors read them back to the same values.
"""
import glob
import io
import os
import random
import struct
import sys

import numpy as np

SEED = 20261201
NX_TYPE = {"u1": "u8", "u2": "u16", "u4": "u32", "u8": "u64", "i1": "s8", "i2": "s16",
           "i4": "s32", "i8": "s64", "f2": "f16", "f4": "f32", "f8": "f64"}
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../../shared/conformance/fixtures/numpy")


def random_array(rng, code, shape):
    dt = np.dtype("<" + code)
    n = int(np.prod(shape)) if shape else 1
    if dt.kind == "f":
        vals = np.array([rng.uniform(-100, 100) for _ in range(n)], dtype=dt)
        if n > 2:
            vals[0], vals[1] = np.inf, -0.0
    else:
        info = np.iinfo(dt)
        vals = np.array([rng.randint(int(info.min), int(info.max)) for _ in range(n)], dtype=dt)
    return vals.reshape(shape)


def random_shape(rng):
    return tuple(rng.randint(1, 4) for _ in range(rng.randint(0, 4)))


def put_str(out, s):
    b = s.encode()
    out += struct.pack("<H", len(b)) + b


def put_tensor(out, name, a):
    put_str(out, name)
    c = np.asarray(a, order="C").astype(a.dtype.newbyteorder("<"))
    put_str(out, NX_TYPE[c.dtype.str[1:]])
    out += struct.pack("<B", c.ndim) + b"".join(struct.pack("<q", d) for d in c.shape)
    data = c.tobytes()
    out += struct.pack("<Q", len(data)) + data


def main(outdir):
    rng = random.Random(SEED)
    os.makedirs(os.path.join(outdir, "io"), exist_ok=True)
    files = bytearray()
    count = 0

    def add(kind, path, canonical, tensors):
        nonlocal count
        count += 1
        files.extend(struct.pack("<B", kind))
        put_str(files, path)
        files.extend(struct.pack("<BI", canonical, len(tensors)))
        for name, a in tensors:
            put_tensor(files, name, a)

    # .npy: every type NumPy and Nx share, random shapes (0-d included), several times.
    for i, code in enumerate(sorted(NX_TYPE) * 3):
        a = random_array(rng, code, random_shape(rng) if i >= len(NX_TYPE) else ())
        rel = "io/npy_%02d_%s.npy" % (i, code)
        np.save(os.path.join(outdir, rel), a)
        add(0, rel, 1, [("", a)])
        # The same values big-endian, Fortran-ordered, and with format 2.0 / 3.0 headers.
        if a.ndim >= 1:
            rel = "io/npy_%02d_%s_be.npy" % (i, code)
            np.save(os.path.join(outdir, rel), a.astype(a.dtype.newbyteorder(">")))
            add(0, rel, 0, [("", a)])
        if a.ndim >= 2:
            rel = "io/npy_%02d_%s_fortran.npy" % (i, code)
            np.save(os.path.join(outdir, rel), np.asfortranarray(a))
            add(0, rel, 0, [("", a)])
        if i % 4 == 0:
            for version in ((2, 0), (3, 0)):
                rel = "io/npy_%02d_%s_v%d.npy" % (i, code, version[0])
                with open(os.path.join(outdir, rel), "wb") as f:
                    np.lib.format.write_array(f, a, version=version)
                add(0, rel, 0, [("", a)])

    # .npz: stored and deflated archives of a few arrays each.
    for i in range(6):
        arrays = {"a%d_%d" % (i, k): random_array(rng, rng.choice(sorted(NX_TYPE)), random_shape(rng))
                  for k in range(rng.randint(1, 4))}
        rel = "io/npz_%02d.npz" % i
        (np.savez_compressed if i % 2 else np.savez)(os.path.join(outdir, rel), **arrays)
        add(1, rel, 0, list(arrays.items()))

    # safetensors: what the PyPI package writes (its numpy types; at most one metadata
    # entry, since it writes metadata in hash order).
    import safetensors.numpy as stn
    st_codes = ["u1", "i1", "i2", "u2", "f2", "i4", "u4", "f4", "f8", "i8", "u8"]
    for i in range(6):
        tensors = {"t%d_%s" % (k, rng.choice("abcxyz")): random_array(rng, rng.choice(st_codes), random_shape(rng))
                   for k in range(rng.randint(1, 5))}
        rel = "io/st_%02d.safetensors" % i
        stn.save_file(tensors, os.path.join(outdir, rel), metadata={"format": "np"} if i % 2 else None)
        add(2, rel, 1, list(tensors.items()))

    # Nx's own fixtures, as NumPy reads them.
    for path in sorted(glob.glob(os.path.join(os.path.abspath(FIXTURES), "*"))):
        if path.endswith(".npy"):
            add(0, path, 0, [("", np.load(path))])
        elif path.endswith(".npz"):
            with np.load(path) as z:
                add(1, path, 0, [(k, z[k]) for k in z.files])

    with open(os.path.join(outdir, "io_cases.bin"), "wb") as f:
        f.write(b"NXIO001\n" + struct.pack("<I", count) + bytes(files))


if __name__ == "__main__":
    main(sys.argv[1])
