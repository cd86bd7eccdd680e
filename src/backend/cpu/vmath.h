/* src/backend/cpu/vmath.h: element-wise math functions of f32 and f64 through SLEEF's
 * vector functions (libsleef, Debian's libsleef-dev): the u10 versions, within 1.0 ulp,
 * checked against mpmath by tests/test_elementwise.c. Each function is used only on the
 * range of arguments where SLEEF stays within that bound (near overflow, SLEEF's exp,
 * sinh, log1p, asinh... give infinity early): other arguments (NaN and infinities
 * included) go through the caller's scalar loop one by one. */
#ifndef NXCPU_VMATH_H
#define NXCPU_VMATH_H

#include <float.h>
#include <stdint.h>
#include "backend/cpu/iter.h"
#include "core/op.h"

/* Writes fn(x[i]) to y[i] for i < n: through SLEEF for the arguments inside fn's range
 * (see NXVM_FUNCS), through scalar(x + i, y + i, 1, bits) for the others. */
typedef void nxvm_loop(const void *x, void *y, int64_t n, nxcpu_unary_loop *scalar, int bits);

/* SLEEF's loop of a math op for f32 or f64; NULL for other ops and types. */
nxvm_loop *nxvm_find(nx_op op, nx_type type);
/* The same table built for AVX2 and FMA (vmath_avx2.c): only where the processor has both. */
nxvm_loop *nxvm_find_avx2(nx_op op, nx_type type);

/* The functions and the ranges [lo, hi] where nxc uses SLEEF, for f32 then f64: inside,
 * every result is finite and normal (or exactly 0 / ±1), away from SLEEF's early
 * overflow and underflow; the rest goes to the C library. */
#define NXVM_BIG32 1e18
#define NXVM_BIG64 1e150
#define NXVM_FUNCS(X) \
    X(exp, -87, 88, -708, 709) \
    X(expm1, -87, 88, -708, 709) \
    X(log, FLT_MIN, FLT_MAX, DBL_MIN, DBL_MAX) \
    X(log1p, -0.999, NXVM_BIG32, -0.999, NXVM_BIG64) \
    X(sin, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(cos, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(tan, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(sinh, -88, 88, -709, 709) \
    X(cosh, -88, 88, -709, 709) \
    X(tanh, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(asin, -1, 1, -1, 1) \
    X(acos, -1, 1, -1, 1) \
    X(atan, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(asinh, -NXVM_BIG32, NXVM_BIG32, -NXVM_BIG64, NXVM_BIG64) \
    X(acosh, 1, NXVM_BIG32, 1, NXVM_BIG64) \
    X(atanh, -0.999, 0.999, -0.999, 0.999) \
    X(cbrt, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX) \
    X(erf, -FLT_MAX, FLT_MAX, -DBL_MAX, DBL_MAX)

/* One loop: blocks of NXVM_BLOCK elements computed by fn on vectors of W elements (the
 * tail through a zero-padded vector), then a check of the range (a loop that vectorises)
 * and, where it fails, the scalar loop for the elements outside. */
#define NXVM_BLOCK 1024
#define NXVM_LOOP(name, T, W, LOAD, STORE, fn, lo, hi) \
    static void name(const void *xv, void *yv, int64_t n, nxcpu_unary_loop *scalar, int bits) \
    { \
        const T *x = xv; \
        T *y = yv; \
        for (int64_t b = 0; b < n; b += NXVM_BLOCK) { \
            int64_t e = n - b < NXVM_BLOCK ? n : b + NXVM_BLOCK, i = b; \
            for (; i + (W) <= e; i += (W)) \
                STORE(y + i, fn(LOAD(x + i))); \
            if (i < e) { \
                T buf[W] = { 0 }; \
                memcpy(buf, x + i, (size_t)(e - i) * sizeof(T)); \
                STORE(buf, fn(LOAD(buf))); \
                memcpy(y + i, buf, (size_t)(e - i) * sizeof(T)); \
            } \
            int inside = 1; \
            for (i = b; i < e; i++) \
                inside &= (x[i] >= (T)(lo)) & (x[i] <= (T)(hi)); \
            if (inside) \
                continue; \
            for (i = b; i < e; i++) \
                if (!(x[i] >= (T)(lo) && x[i] <= (T)(hi))) \
                    scalar(x + i, y + i, 1, bits); \
        } \
    }

#endif
