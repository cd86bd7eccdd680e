#!/usr/bin/env python3
"""tests/oracle/check_io.py: run by tests/test_io.c after nxc has written files: checks
that NumPy (numpy.load) and the `safetensors` package read them to the values of the
source files NumPy wrote.

    python3 tests/oracle/check_io.py DIR

DIR/pairs.txt has one line per check: "<kind> <nxc file> <source file>", kind npy (both
.npy), npz (an .npz against a source .npz, same members) or st (a safetensors file
against a source safetensors file). Prints "ok N" or the first mismatch and exits 1.
"""
import os
import sys

import numpy as np


def load(kind, path):
    if kind == "npy":
        return {"": np.load(path)}
    if kind == "npz":
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    import safetensors.numpy as stn
    return stn.load_file(path)


def main(d):
    n = 0
    with open(os.path.join(d, "pairs.txt")) as f:
        for line in f:
            kind, got_path, want_path = line.split()
            got, want = load(kind, got_path), load(kind, want_path)
            if sorted(got) != sorted(want):
                print("%s: members %s, expected %s" % (got_path, sorted(got), sorted(want)))
                return 1
            for k in want:
                a, b = got[k], want[k]
                if a.dtype.newbyteorder("<") != b.dtype.newbyteorder("<") or a.shape != b.shape or \
                        np.asarray(a, order="C").astype(a.dtype.newbyteorder("<")).tobytes() != \
                        np.asarray(b, order="C").astype(b.dtype.newbyteorder("<")).tobytes():
                    print("%s[%s]: %s %s differs from %s %s" % (got_path, k, a.dtype, a.shape, b.dtype, b.shape))
                    return 1
                n += 1
    print("ok %d" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
