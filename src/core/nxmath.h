/* src/core/nxmath.h: the scalar semantics of every element-wise op, per native compute
 * type, in one header that the CPU kernels (and later the emitted C) share, so that eager
 * and compiled results agree. Integer results wrap modulo 2^bits; integer corner cases
 * follow compiled Nx (spec/functions.md §0.4); floats are IEEE. f32 math goes through
 * the double-precision C library and rounds once (well within 1 ulp). */
#ifndef NXCORE_NXMATH_H
#define NXCORE_NXMATH_H

#include <math.h>
#include <stdint.h>

/* These expressions are written once for signed and unsigned types alike, so a sign test
 * is constant for half of them: that is intended. */
#pragma GCC diagnostic ignored "-Wtype-limits"

/* The native compute types: X(ENUM, suffix, ctype). Narrow and sub-byte types compute in
 * the next native type up and round once on store. */
#define NXM_INT_TYPES(X) \
    X(U8, u8, uint8_t) X(U16, u16, uint16_t) X(U32, u32, uint32_t) X(U64, u64, uint64_t) \
    X(S8, s8, int8_t) X(S16, s16, int16_t) X(S32, s32, int32_t) X(S64, s64, int64_t)
#define NXM_FLOAT_TYPES(X) X(F32, f32, float) X(F64, f64, double)

/* Wrapping integer arithmetic: computed on 64-bit unsigned, truncated to the type. */
#define NXM_WRAP(T, e) ((T)(uint64_t)(e))
#define NXM_IS_SIGNED(T) ((T)-1 < (T)0)
#define NXM_MIN(T) (NXM_IS_SIGNED(T) ? (T)((uint64_t)1 << (sizeof(T) * 8 - 1)) : (T)0)

#define nxm_add(T, a, b) NXM_WRAP(T, (uint64_t)(a) + (uint64_t)(b))
#define nxm_sub(T, a, b) NXM_WRAP(T, (uint64_t)(a) - (uint64_t)(b))
#define nxm_mul(T, a, b) NXM_WRAP(T, (uint64_t)(a) * (uint64_t)(b))

/* Truncating division; by zero: all bits set; MIN / -1: MIN. */
#define nxm_quotient(T, a, b) \
    ((b) == 0 ? (T)~(T)0 : (NXM_IS_SIGNED(T) && (b) == (T)-1) ? NXM_WRAP(T, 0 - (uint64_t)(a)) : (T)((a) / (b)))
/* Remainder with the dividend's sign; by zero: the dividend; by -1: 0. */
#define nxm_remainder(T, a, b) \
    ((b) == 0 ? (a) : (NXM_IS_SIGNED(T) && (b) == (T)-1) ? (T)0 : (T)((a) % (b)))

static inline uint64_t nxm_upow(uint64_t a, uint64_t b)
{
    uint64_t r = 1;
    for (; b; b >>= 1, a *= a)
        if (b & 1)
            r *= a;
    return r;
}
/* Integer power; a negative exponent gives 1 for a == 1, ±1 for a == -1, else 0. */
#define nxm_ipow(T, a, b) \
    ((NXM_IS_SIGNED(T) && (int64_t)(b) < 0) \
         ? ((a) == 1 ? (T)1 : (int64_t)(a) == -1 ? (T)(((uint64_t)(b) & 1) ? -1 : 1) : (T)0) \
         : NXM_WRAP(T, nxm_upow((uint64_t)(a), (uint64_t)(b))))

#define NXM_BITS(T) ((int64_t)sizeof(T) * 8)
/* Shifts by a negative amount or by the width or more: 0 (left, logical right) or the
 * sign (arithmetic right). */
#define nxm_shl(T, a, b) \
    ((int64_t)(b) < 0 || (uint64_t)(b) >= (uint64_t)NXM_BITS(T) ? (T)0 : NXM_WRAP(T, (uint64_t)(a) << (b)))
#define nxm_shr(T, a, b) \
    ((int64_t)(b) < 0 || (uint64_t)(b) >= (uint64_t)NXM_BITS(T) ? (T)((a) < 0 ? -1 : 0) : (T)((a) >> (b)))

/* Float min/max propagate NaN. */
#define nxm_fmax(a, b) (isnan(a) || isnan(b) ? (a) + (b) : (a) > (b) ? (a) : (b))
#define nxm_fmin(a, b) (isnan(a) || isnan(b) ? (a) + (b) : (a) < (b) ? (a) : (b))

/* Sign keeping -0.0 and NaN. */
#define nxm_fsign(T, x) ((x) > 0 ? (T)1 : (x) < 0 ? (T)-1 : (x))
#define nxm_isign(T, x) ((x) > 0 ? (T)1 : (x) < 0 ? (T)-1 : (T)0)

static inline double nxm_sigmoid(double x)
{
    return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

static inline long double nxm_sigmoidl(long double x)
{
    return x >= 0 ? 1 / (1 + expl(-x)) : expl(x) / (1 + expl(x));
}

/* The inverse error function: Giles' single-precision approximation refined by two
 * Newton steps on erf in double, which brings it to double precision. */
static inline double nxm_erf_inv(double y)
{
    if (isnan(y) || y < -1 || y > 1)
        return NAN;
    if (y == 1)
        return INFINITY;
    if (y == -1)
        return -INFINITY;
    if (y == 0)
        return y;   /* keeps the sign of zero */
    double w = -log((1.0 - y) * (1.0 + y)), x;
    if (w < 5.0) {
        w -= 2.5;
        x = 2.81022636e-08;
        x = 3.43273939e-07 + x * w;
        x = -3.5233877e-06 + x * w;
        x = -4.39150654e-06 + x * w;
        x = 0.00021858087 + x * w;
        x = -0.00125372503 + x * w;
        x = -0.00417768164 + x * w;
        x = 0.246640727 + x * w;
        x = 1.50140941 + x * w;
    } else {
        w = sqrt(w) - 3.0;
        x = -0.000200214257;
        x = 0.000100950558 + x * w;
        x = 0.00134934322 + x * w;
        x = -0.00367342844 + x * w;
        x = 0.00573950773 + x * w;
        x = -0.0076224613 + x * w;
        x = 0.00943887047 + x * w;
        x = 1.00167406 + x * w;
        x = 2.83297682 + x * w;
    }
    x *= y;
    /* Newton in long double: on erf(x) = y near 0; for |y| >= 0.5 on
     * log(erfc(|x|)) = log(1 - |y|) (1 - |y| is exact there), which stays well conditioned
     * into the tail where erf(x) - y would cancel to nothing. */
    long double lx = x, ly = y, ax = fabsl(lx), target = 1.0L - fabsl(ly);
    for (int i = 0; i < 8; i++) {
        long double deriv = 1.1283791670955125739L * expl(-ax * ax);   /* 2/sqrt(pi) e^(-x^2) */
        if (deriv == 0)
            break;
        long double step;
        if (fabsl(ly) >= 0.5L) {
            long double c = erfcl(ax);
            step = (logl(c) - logl(target)) * c / deriv;
        } else {
            step = -(erfl(lx) - ly) / deriv * (lx < 0 ? -1 : 1);
        }
        ax += step;
        lx = ly < 0 ? -ax : ax;
        if (fabsl(step) <= 1e-19L * ax)
            break;
    }
    return (double)lx;
}

static inline int64_t nxm_popcount(uint64_t v, int bits)
{
    if (bits < 64)
        v &= ((uint64_t)1 << bits) - 1;
    return __builtin_popcountll(v);
}

static inline int64_t nxm_clz(uint64_t v, int bits)
{
    if (bits < 64)
        v &= ((uint64_t)1 << bits) - 1;
    return v == 0 ? bits : __builtin_clzll(v) - (64 - bits);
}

#endif
