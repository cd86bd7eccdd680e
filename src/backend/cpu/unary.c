/* src/backend/cpu/unary.c: element-wise unary kernels over the native compute types.
 * Real math functions go through SLEEF's vector functions where vmath.c has them (within
 * 1.0 ulp); the others compute in double and round once to the output type (f32:
 * correctly rounded but for rare double-rounding cases; f64: the C library, within 1
 * ulp); complex ones in double complex (C99's functions and src/core/nxcmath.h). */
#include "backend/cpu/cpu.h"

#include "backend/cpu/iter.h"
#include "backend/cpu/vmath.h"
#include "core/error.h"
#include "core/nxcmath.h"
#include "core/nxmath.h"

#define LOOP(name, E, T, OUT_T, expr) \
    static void name##_##E(const void *xv, void *yv, int64_t n, int bits) \
    { \
        const T *X = xv; \
        OUT_T *Y = yv; \
        (void)bits; \
        for (int64_t i = 0; i < n; i++) { \
            T x = X[i]; \
            Y[i] = (OUT_T)(expr); \
        } \
    }

static nxcpu_unary_loop *vector_loop(nx_op op, nx_type type);

/* The loop through SLEEF where there is one (vector_loop, below), else the scalar one. */
#define DEFINE_KERNEL(name) \
    int nxcpu_##name(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p) \
    { \
        nxcpu_unary_loop *loop = vector_loop(NX_OP_##name, in[0]->type); \
        if (!loop) \
            loop = name##_loops[in[0]->type]; \
        if (!loop) \
            return nxerr_set(NX_RUNTIME_ERROR, "nxc has no " #name " kernel for %s", nx_type_name(in[0]->type)); \
        nxcpu_each_unary(in[0], out, loop, p->bits); \
        return 0; \
    }

#define LOOP_TYPE nxcpu_unary_loop
#include "backend/cpu/typegen.h"

/* A math function of the C library, applied in double. Where the double versions can be
 * more than 1 ulp off (glibc's cbrt, tanh, sinh, erfc...), f64 goes through the long
 * double function and rounds once. */
#define MATH(fn) INEXACT(fn, SAME, MATH_##fn, CMATH_##fn)
#define DOUBLE_OF(T, f) (T)f((double)x)
#define LONG_OF(T, f) (sizeof(T) == 8 ? (T)f##l((long double)x) : (T)f((double)x))
#define MATH_exp(T) DOUBLE_OF(T, exp)
#define MATH_expm1(T) DOUBLE_OF(T, expm1)
#define MATH_log(T) DOUBLE_OF(T, log)
#define MATH_log1p(T) DOUBLE_OF(T, log1p)
#define MATH_sigmoid(T) LONG_OF(T, nxm_sigmoid)
#define MATH_cos(T) DOUBLE_OF(T, cos)
#define MATH_sin(T) DOUBLE_OF(T, sin)
#define MATH_tan(T) DOUBLE_OF(T, tan)
#define MATH_cosh(T) LONG_OF(T, cosh)
#define MATH_sinh(T) LONG_OF(T, sinh)
#define MATH_tanh(T) LONG_OF(T, tanh)
#define MATH_acos(T) DOUBLE_OF(T, acos)
#define MATH_asin(T) DOUBLE_OF(T, asin)
#define MATH_atan(T) DOUBLE_OF(T, atan)
#define MATH_acosh(T) LONG_OF(T, acosh)
#define MATH_asinh(T) LONG_OF(T, asinh)
#define MATH_atanh(T) LONG_OF(T, atanh)
#define MATH_sqrt(T) DOUBLE_OF(T, sqrt)
#define MATH_rsqrt(T) (T)(1.0L / sqrtl((long double)x))
#define MATH_cbrt(T) LONG_OF(T, cbrt)
#define MATH_erf(T) DOUBLE_OF(T, erf)
#define MATH_erfc(T) LONG_OF(T, erfc)
#define MATH_erf_inv(T) DOUBLE_OF(T, nxm_erf_inv)

/* The complex versions, in double complex rounded once to T. */
#define CDOUBLE_OF(T, f) (T)f((nxm_cdouble)x)
#define CMATH_exp(T) CDOUBLE_OF(T, cexp)
#define CMATH_expm1(T) CDOUBLE_OF(T, nxm_cexpm1)
#define CMATH_log(T) CDOUBLE_OF(T, clog)
#define CMATH_log1p(T) CDOUBLE_OF(T, nxm_clog1p)
#define CMATH_sigmoid(T) CDOUBLE_OF(T, nxm_csigmoid)
#define CMATH_cos(T) CDOUBLE_OF(T, ccos)
#define CMATH_sin(T) CDOUBLE_OF(T, csin)
#define CMATH_tan(T) CDOUBLE_OF(T, ctan)
#define CMATH_cosh(T) CDOUBLE_OF(T, ccosh)
#define CMATH_sinh(T) CDOUBLE_OF(T, csinh)
#define CMATH_tanh(T) CDOUBLE_OF(T, ctanh)
#define CMATH_acos(T) CDOUBLE_OF(T, cacos)
#define CMATH_asin(T) CDOUBLE_OF(T, casin)
#define CMATH_atan(T) CDOUBLE_OF(T, catan)
#define CMATH_acosh(T) CDOUBLE_OF(T, cacosh)
#define CMATH_asinh(T) CDOUBLE_OF(T, casinh)
#define CMATH_atanh(T) CDOUBLE_OF(T, catanh)
#define CMATH_sqrt(T) CDOUBLE_OF(T, csqrt)
#define CMATH_rsqrt(T) CDOUBLE_OF(T, nxm_crsqrt)
#define CMATH_cbrt(T) CDOUBLE_OF(T, nxm_ccbrt)

MATH(exp)
MATH(expm1)
MATH(log)
MATH(log1p)
MATH(sigmoid)
MATH(cos)
MATH(sin)
MATH(tan)
MATH(cosh)
MATH(sinh)
MATH(tanh)
MATH(acos)
MATH(asin)
MATH(atan)
MATH(acosh)
MATH(asinh)
MATH(atanh)
MATH(sqrt)
MATH(rsqrt)
MATH(cbrt)
FLOATS(erf, SAME, MATH_erf)
FLOATS(erfc, SAME, MATH_erfc)
FLOATS(erf_inv, SAME, MATH_erf_inv)

/* The math ops SLEEF computes (vmath.c), with the scalar loops above for the arguments
 * outside its range. */
#define VECTOR_LOOPS(fn, lo32, hi32, lo64, hi64) \
    static void fn##_f32_v(const void *x, void *y, int64_t n, int bits) \
    { \
        nxvm_find(NX_OP_##fn, NX_F32)(x, y, n, fn##_f32, bits); \
    } \
    static void fn##_f64_v(const void *x, void *y, int64_t n, int bits) \
    { \
        nxvm_find(NX_OP_##fn, NX_F64)(x, y, n, fn##_f64, bits); \
    }
NXVM_FUNCS(VECTOR_LOOPS)
#define VECTOR_ENTRY(fn, lo32, hi32, lo64, hi64) [NX_OP_##fn] = { fn##_f32_v, fn##_f64_v },
static nxcpu_unary_loop *const vector_loops[NX_OP_COUNT][2] = { NXVM_FUNCS(VECTOR_ENTRY) };

static nxcpu_unary_loop *vector_loop(nx_op op, nx_type type)
{
    if ((type != NX_F32 && type != NX_F64) || !nxvm_find(op, type))
        return NULL;
    return vector_loops[op][type == NX_F64];
}

#define NEG_I(T) NXM_WRAP(T, 0 - (uint64_t)x)
#define NEG_F(T) -x
#define ABS_I(T) (x < 0 ? NXM_WRAP(T, 0 - (uint64_t)x) : x)
#define ABS_F(T) (T)fabs((double)x)
#define SIGN_I(T) nxm_isign(T, x)
#define SIGN_F(T) nxm_fsign(T, x)
#define FLOOR_F(T) (T)floor((double)x)
#define CEIL_F(T) (T)ceil((double)x)
#define ROUND_F(T) (T)round((double)x)   /* half away from zero */
#define NOT_I(T) (T)~x
#define POPCOUNT_I(T) (T)nxm_popcount((uint64_t)x, bits)
#define CLZ_I(T) (T)nxm_clz((uint64_t)x, bits)
#define ZERO(T) ((void)x, 0)
#define IS_NAN_F(T) (isnan(x) != 0)
#define IS_INF_F(T) (isinf(x) != 0)   /* isinf gives -1 for -Inf */
#define NEG_C(T) -x
#define ABS_C(T) (REAL(T))cabs((nxm_cdouble)x)
#define SIGN_C(T) CDOUBLE_OF(T, nxm_csign)
#define IS_NAN_C(T) (isnan(__real__ x) || isnan(__imag__ x))
#define IS_INF_C(T) (isinf(__real__ x) || isinf(__imag__ x))
#define REAL_C(T) __real__ x
#define IMAG_C(T) __imag__ x
#define CONJ_C(T) (T)conj((nxm_cdouble)x)

ALL(negate, SAME, NEG_I, NEG_F, NEG_C)
ALL(abs, REAL, ABS_I, ABS_F, ABS_C)
ALL(sign, SAME, SIGN_I, SIGN_F, SIGN_C)
FLOATS(floor, SAME, FLOOR_F)
FLOATS(ceil, SAME, CEIL_F)
FLOATS(round, SAME, ROUND_F)
INTS(bitwise_not, SAME, NOT_I)
INTS(population_count, SAME, POPCOUNT_I)
INTS(count_leading_zeros, SAME, CLZ_I)
ALL(is_nan, BOOL, ZERO, IS_NAN_F, IS_NAN_C)
ALL(is_infinity, BOOL, ZERO, IS_INF_F, IS_INF_C)
COMPLEX(real, REAL, REAL_C)
COMPLEX(imag, REAL, IMAG_C)
COMPLEX(conjugate, SAME, CONJ_C)
