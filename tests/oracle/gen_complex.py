#!/usr/bin/env python3
"""tests/oracle/gen_complex.py: the oracle for tests/test_complex.c: complex (c64, c128)
element-wise math, arithmetic, equality and the complex functions of spec/functions.md
§6-§8 and §11, plus complex mean/variance/standard_deviation (§12: variance squares with
pow, not |.|^2).

    python3 tests/oracle/gen_complex.py OUTDIR

Expected values come from mpmath at 40 digits (principal branches; random points stay off
the branch cuts, where only signed zeros decide), rounded per component to the output
type. Writes OUTDIR/complex_cases.bin, little-endian:

    char magic[8] = "NXCPLX1\\n"; u32 ncases; per case:
        char op[24]; char type[8]; u32 n; u32 nout; u32 nin; u32 pad; f64 tol
        nin inputs of n complex values, each (f64 re, f64 im), exact in `type`
        nout expected values (f64 re, f64 im): real outputs have im 0, u8 outputs 0/1
    tol: 0 for exact (per component, NaN-aware); else the allowed |got - want| is
    tol * eps(type) * |want| (eps = 2^-23 for c64, 2^-52 for c128).
Reductions ("mean", "variance", "standard_deviation") reduce all n inputs to nout = 1
value; the element-wise ops have nout = n.
"""
import random
import struct
import sys

import mpmath
import numpy as np

import nxoracle

mpmath.mp.dps = 40
SEED = 20261130
N = 400

MATH = {
    "exp": mpmath.exp, "expm1": mpmath.expm1, "log": mpmath.log, "log1p": mpmath.log1p,
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "cos": mpmath.cos, "sin": mpmath.sin, "tan": mpmath.tan,
    "cosh": mpmath.cosh, "sinh": mpmath.sinh, "tanh": mpmath.tanh,
    "acos": mpmath.acos, "asin": mpmath.asin, "atan": mpmath.atan,
    "acosh": mpmath.acosh, "asinh": mpmath.asinh, "atanh": mpmath.atanh,
    "sqrt": mpmath.sqrt, "rsqrt": lambda z: 1 / mpmath.sqrt(z),
    "cbrt": lambda z: mpmath.power(z, mpmath.mpf(1) / 3) if z != 0 else mpmath.mpc(0),
}
REAL_OUT = {"abs": lambda z: abs(z), "phase": lambda z: mpmath.arg(z),
            "real": lambda z: z.real, "imag": lambda z: z.imag}
EXACT_UNARY = {"negate": lambda z: -z, "conjugate": lambda z: mpmath.conj(z)}


def rounded(v, t):
    """A complex (or real) mpmath value rounded per component to the type's parts."""
    z = mpmath.mpc(v)
    re, im = float(z.real), float(z.imag)
    if t == "c64":
        re, im = float(np.float32(re)), float(np.float32(im))
    return re, im


def point(rng, t, scale):
    """A random complex value exact in t, away from the axes (and so from branch cuts)."""
    def part():
        x = rng.uniform(0.05, scale) * rng.choice((-1, 1))
        return float(np.float32(x)) if t == "c64" else x
    return part(), part()


def mpc(p):
    return mpmath.mpc(p[0], p[1])


def case(op, t, inputs, want, tol):
    head = op.encode().ljust(24, b"\0") + t.encode().ljust(8, b"\0")
    head += struct.pack("<IIIId", len(inputs[0]), len(want), len(inputs), 0, tol)
    body = b"".join(struct.pack("<dd", *p) for xs in inputs for p in xs)
    body += b"".join(struct.pack("<dd", *p) for p in want)
    return head + body


def main():
    out = sys.argv[1]
    rng = random.Random(SEED)
    cases = []
    for t in ("c64", "c128"):
        for op, f in MATH.items():
            scale = 8.0 if op in ("exp", "expm1", "sigmoid", "cos", "sin", "tan", "cosh", "sinh", "tanh") else 100.0
            xs = [point(rng, t, scale) for _ in range(N)]
            cases.append(case(op, t, [xs], [rounded(f(mpc(x)), t) for x in xs], 4.0))
        xs = [point(rng, t, 100.0) for _ in range(N)]
        for op, f in REAL_OUT.items():
            tol = 0.0 if op in ("real", "imag") else 2.0
            cases.append(case(op, t, [xs], [rounded(f(mpc(x)), t) for x in xs], tol))
        for op, f in EXACT_UNARY.items():
            cases.append(case(op, t, [xs], [rounded(f(mpc(x)), t) for x in xs], 0.0))
        sign = [rounded(mpc(x) / abs(mpc(x)), t) for x in xs]
        cases.append(case("sign", t, [xs], sign, 2.0))
        # Binary arithmetic: add/subtract round once per component; multiply and divide
        # in the type itself are within a few eps of |a·b| (norm-wise).
        ys = [point(rng, t, 100.0) for _ in range(N)]
        arith = {"add": (lambda a, b: a + b, 0.0), "subtract": (lambda a, b: a - b, 0.0),
                 "multiply": (lambda a, b: a * b, 4.0), "divide": (lambda a, b: a / b, 4.0)}
        for op, (f, tol) in arith.items():
            cases.append(case(op, t, [xs, ys], [rounded(f(mpc(a), mpc(b)), t) for a, b in zip(xs, ys)], tol))
        # pow: small bases and exponents keep the values finite.
        bs = [point(rng, t, 3.0) for _ in range(N)]
        es = [point(rng, t, 3.0) for _ in range(N)]
        cases.append(case("pow", t, [bs, es], [rounded(mpmath.power(mpc(a), mpc(b)), t) for a, b in zip(bs, es)], 16.0))
        ints = [((float(rng.randint(-4, 4)), 0.0)) for _ in range(N)]
        cases.append(case("pow", t, [bs, ints], [rounded(mpmath.power(mpc(a), int(b[0])), t) for a, b in zip(bs, ints)], 16.0))
        # Equality: half the pairs equal, some equal in one part only.
        zs = [x if rng.random() < 0.5 else (x[0], y[1]) if rng.random() < 0.5 else y for x, y in zip(xs, ys)]
        eq = [(1.0 if a == b else 0.0, 0.0) for a, b in zip(xs, zs)]
        cases.append(case("equal", t, [xs, zs], eq, 0.0))
        cases.append(case("not_equal", t, [xs, zs], [(1.0 - v, 0.0) for v, _ in eq], 0.0))
        # Reductions over all n values.
        m = sum(mpc(x) for x in xs) / N
        var = sum((mpc(x) - m) ** 2 for x in xs) / N
        cases.append(case("mean", t, [xs], [rounded(m, t)], 8.0))
        cases.append(case("variance", t, [xs], [rounded(var, t)], 64.0))
        cases.append(case("standard_deviation", t, [xs], [rounded(mpmath.sqrt(var), t)], 64.0))
    nxoracle.write_cases(out, "complex_cases.bin", b"NXCPLX1\n", cases)


if __name__ == "__main__":
    main()
