#!/usr/bin/env python3
"""tests/oracle/gen_linalg.py: the oracle for tests/test_linalg.c: Nx.LinAlg's
triangular_solve, solve, invert, determinant, cholesky, eigh, svd, qr and lu
(spec/linalg.md) on random batched inputs, well- and ill-conditioned, in f32, f64, c64,
c128 (where Nx accepts complex) and s32, against numpy.linalg.

    python3 tests/oracle/gen_linalg.py OUTDIR

Writes OUTDIR/linalg_cases.bin, little-endian:

    char magic[8] = "NXLINA1\\n"; u32 ncases; per case:
        char op[12]; char type[8]; u8 flags (triangular_solve: 1 upper, 2 right side,
        4 transpose; qr: 1 complete; svd: 1 thin); f64 tol (absolute, on the outputs and
        on the reconstructions the test checks);
        u8 ninputs; per input: u8 rank, i64 dims[rank], values (complex pairs of f64, exact
        in the type);
        u8 noutputs; per output the same (expected values: solve/triangular_solve x,
        invert, determinant, cholesky L, eigh and svd values; qr and lu none: the test
        checks their invariants)
"""
import random
import struct
import sys

import numpy as np

import nxoracle

SEED = 20261201
U = {"f32": 1.2e-7, "c64": 1.2e-7, "s32": 1.2e-7, "f64": 2.3e-16, "c128": 2.3e-16}


def rounded(t, x):
    if t == "c64":
        return np.asarray(x).astype(np.complex64).astype(np.complex128)
    if t == "f32":
        return np.real(x).astype(np.float32).astype(np.complex128)
    if t == "s32":
        return np.round(np.real(x)).astype(np.complex128)
    return np.asarray(x).astype(np.complex128) if t == "c128" else np.real(x).astype(np.complex128)


def matrix(rng, t, n, cond):
    """A random n×n matrix with condition number about cond (exact in t)."""
    cplx = t in ("c64", "c128")
    g = lambda: rng.standard_normal((n, n)) + (1j * rng.standard_normal((n, n)) if cplx else 0)
    if t == "s32":
        return np.round(rng.uniform(-9, 9, (n, n))) + 20 * np.eye(n)
    q1, _ = np.linalg.qr(g())
    q2, _ = np.linalg.qr(g())
    s = np.geomspace(1, 1 / cond, n) * 3
    return rounded(t, (q1 * s) @ q2)


def tensor(x):
    b = struct.pack("<B", x.ndim) + struct.pack("<%dq" % x.ndim, *x.shape)
    z = np.asarray(x, dtype=np.complex128).ravel()
    pairs = np.empty(2 * z.size)
    pairs[0::2], pairs[1::2] = z.real, z.imag
    return b + pairs.astype("<f8").tobytes()


def case(op, t, flags, tol, ins, outs):
    head = op.encode().ljust(12, b"\0") + t.encode().ljust(8, b"\0")
    body = struct.pack("<Bd", flags, tol) + struct.pack("<B", len(ins)) + b"".join(tensor(x) for x in ins)
    return head + body + struct.pack("<B", len(outs)) + b"".join(tensor(x) for x in outs)


def batch_of(rng, t, batch, n, cond):
    return np.stack([matrix(rng, t, n, cond) for _ in range(int(np.prod(batch)))]).reshape(batch + (n, n))


def main(out):
    rng = np.random.default_rng(SEED)
    pick = random.Random(SEED)
    cases = []
    shapes = [(), (2,), (2, 3)]
    for t in ["f32", "f64", "c64", "c128", "s32"]:
        real = t in ("f32", "f64", "s32")
        for n in [1, 2, 3, 4, 7, 16]:
            batch = pick.choice(shapes)
            for cond in [10.0, 1e4 if t in ("f64", "c128") else 1e2]:
                a = batch_of(rng, t, batch, n, cond)
                u = U[t]
                # solve, vector and matrix right-hand sides
                for k in [None, 3]:
                    bshape = batch + (n,) + ((k,) if k else ())
                    b = rounded(t, rng.standard_normal(bshape) * 2)
                    x = np.linalg.solve(a, b if k else b[..., None])
                    x = x if k else x[..., 0]
                    cases.append(case("solve", t, 0, 50 * n * u * cond * max(1, np.abs(x).max()), [a, b], [x]))
                inv = np.linalg.inv(a)
                cases.append(case("invert", t, 0, 50 * n * u * cond * np.abs(inv).max(), [a], [inv]))
                det = np.linalg.det(a)
                cases.append(case("determinant", t, 0, 50 * n * u * cond * np.abs(det).max(), [a], [det]))
                # triangular_solve: every side, triangle and transform
                flags = pick.randrange(8)
                tri = np.triu(a) if flags & 1 else np.tril(a)
                tri = tri + np.eye(n) * 3 * (1 if real else 1)
                tri = rounded(t, tri)
                op_a = np.swapaxes(tri, -1, -2) if flags & 4 else tri
                k = pick.choice([None, 2])
                if k is None:
                    b = rounded(t, rng.standard_normal(batch + (n,)))
                    x = (np.linalg.solve(op_a, b[..., None])[..., 0] if not flags & 2
                         else np.linalg.solve(np.swapaxes(op_a, -1, -2), b[..., None])[..., 0])
                elif flags & 2:   # x·op(a) = b
                    b = rounded(t, rng.standard_normal(batch + (k, n)))
                    x = np.swapaxes(np.linalg.solve(np.swapaxes(op_a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
                else:
                    b = rounded(t, rng.standard_normal(batch + (n, k)))
                    x = np.linalg.solve(op_a, b)
                cases.append(case("tsolve", t, flags, 1e3 * n * u * max(1, np.abs(x).max()), [tri, b], [x]))
                # Hermitian positive definite: cholesky and eigh
                h = a @ np.conj(np.swapaxes(a, -1, -2)) + np.eye(n)
                h = rounded(t, (h + np.conj(np.swapaxes(h, -1, -2))) / 2)
                if not real:   # exact Hermitian after rounding
                    h = (h + np.conj(np.swapaxes(h, -1, -2))) / 2
                    h = np.tril(h) + np.conj(np.swapaxes(np.tril(h, -1), -1, -2))
                l = np.linalg.cholesky(h)
                # Nx divides by L_jj + 1e-10: 1e-10-relative differences from LAPACK's factor.
                cases.append(case("cholesky", t, 0, (50 * n * u * cond + 1e-9) * np.abs(l).max(), [h], [l]))
                w = np.linalg.eigvalsh(h)
                w = np.take_along_axis(w, np.argsort(-np.abs(w), axis=-1, kind="stable"), -1)
                cases.append(case("eigh", t, 0, 100 * n * u * cond * cond * np.abs(w).max(), [h], [w]))
                # qr and lu: invariants only; qr also tall and wide
                for shape in [(n, n), (n + 2, n), (n, n + 3)]:
                    g = rounded(t, rng.standard_normal(batch + shape) + (1j * rng.standard_normal(batch + shape) if not real else 0))
                    for complete in [0, 1]:
                        cases.append(case("qr", t, complete, 100 * max(shape) * u * np.abs(g).max() * max(shape), [g], []))
                    if real:
                        for thin in [0, 1]:
                            s = np.linalg.svd(g.real, compute_uv=False)
                            s = np.where((s * s if thin else s) <= 1e-4, 0, s)
                            cases.append(case("svd", t, thin, 100 * max(shape) * u * np.abs(s).max() * max(shape), [g.real], [s]))
                cases.append(case("lu", t, 0, 100 * n * u * np.abs(a).max() * n, [a], []))
    # the LAPACK paths: qr above 64×64, cholesky above 128×128, ill-conditioned svd
    for t in ["f64", "f32"]:
        g = rounded(t, rng.standard_normal((70, 66)))
        cases.append(case("qr", t, 0, 1e3 * 70 * U[t] * np.abs(g).max(), [g], []))
        cases.append(case("qr", t, 1, 1e3 * 70 * U[t] * np.abs(g).max(), [g], []))
        a = rounded(t, rng.standard_normal((130, 130)))
        h = rounded(t, a @ a.T + 130 * np.eye(130))
        l = np.linalg.cholesky(h)
        cases.append(case("cholesky", t, 0, 1e3 * 130 * U[t] * np.abs(l).max(), [h], [l]))
        m = matrix(rng, t, 20, 1e9 if t == "f64" else 1e5).real
        for thin in [0, 1]:
            s = np.linalg.svd(m, compute_uv=False)
            s = np.where((s * s if thin else s) <= 1e-4, 0, s)
            cases.append(case("svd", t, thin, 1e3 * 20 * U[t] * s.max(), [m], [s]))
    nxoracle.write_cases(out, "linalg_cases.bin", b"NXLINA1\n", cases)


if __name__ == "__main__":
    main(sys.argv[1])
