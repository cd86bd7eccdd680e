/* src/core/nxcmath.h: complex scalar math the C library lacks or gets imprecise (expm1,
 * log1p, sigmoid, rsqrt, cbrt, sign, pow with Nx's special cases), in double complex:
 * c64 kernels compute in double and round once, as the real f32 kernels do. Values are
 * principal branches, as Elixir's Complex library (Nx's reference) and C99 Annex G. */
#ifndef NXCMATH_H
#define NXCMATH_H

#include <complex.h>
#include <math.h>

typedef double _Complex nxm_cdouble;

/* re + i·im, keeping signed zeros and infinities (C11's CMPLX, which clang lacks). */
static inline nxm_cdouble nxm_cmake(double re, double im)
{
    nxm_cdouble z;
    __real__ z = re;
    __imag__ z = im;
    return z;
}

/* e^z - 1 = (e^x cos y - 1) + i e^x sin y, with e^x cos y - 1 = expm1(x) cos y - 2 sin²(y/2)
 * so that small z keeps its digits. */
static inline nxm_cdouble nxm_cexpm1(nxm_cdouble z)
{
    double x = creal(z), y = cimag(z);
    if (y == 0)
        return nxm_cmake(expm1(x), y);
    double s = sin(y / 2);
    return nxm_cmake(expm1(x) * cos(y) - 2 * s * s, exp(x) * sin(y));
}

/* log(1 + z) = ½ log|1+z|² + i arg(1+z), |1+z|² - 1 = 2x + x² + y². */
static inline nxm_cdouble nxm_clog1p(nxm_cdouble z)
{
    double x = creal(z), y = cimag(z);
    if (fabs(x) < 0.5 && fabs(y) < 0.5)
        return nxm_cmake(0.5 * log1p(x * (2 + x) + y * y), atan2(y, 1 + x));
    return clog(1 + z);
}

static inline nxm_cdouble nxm_csigmoid(nxm_cdouble z)
{
    return 1 / (1 + cexp(-z));
}

static inline nxm_cdouble nxm_crsqrt(nxm_cdouble z)
{
    return 1 / csqrt(z);
}

static inline nxm_cdouble nxm_cpow(nxm_cdouble a, nxm_cdouble b)
{
    if (b == 0)
        return 1;
    if (a == 0 && cimag(b) == 0 && creal(b) > 0)
        return 0;
    /* Small integer powers by repeated squaring: exact where the operands are. */
    double n = creal(b);
    if (cimag(b) == 0 && n == floor(n) && fabs(n) <= 64) {
        nxm_cdouble r = 1, base = a;
        for (unsigned k = (unsigned)fabs(n); k; k >>= 1, base *= base)
            if (k & 1)
                r *= base;
        return n < 0 ? 1 / r : r;
    }
    return cpow(a, b);
}

/* The principal cube root, as Complex.cbrt: z^(1/3). */
static inline nxm_cdouble nxm_ccbrt(nxm_cdouble z)
{
    if (z == 0)
        return z;
    return cpow(z, 1.0 / 3.0);
}

/* z / |z|, and 0 for 0. */
static inline nxm_cdouble nxm_csign(nxm_cdouble z)
{
    if (z == 0)
        return z;
    double m = cabs(z);
    return nxm_cmake(creal(z) / m, cimag(z) / m);
}

#endif
