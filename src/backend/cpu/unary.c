/* src/backend/cpu/unary.c: element-wise unary kernels over the native compute types.
 * Math functions compute in double and round once to the output type (f32: correctly
 * rounded but for rare double-rounding cases; f64: the C library, within 1 ulp). */
#include "backend/cpu/cpu.h"

#include "backend/cpu/iter.h"
#include "core/error.h"
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

#define DEFINE_KERNEL(name) \
    int nxcpu_##name(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p) \
    { \
        nxcpu_unary_loop *loop = name##_loops[in[0]->type]; \
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
#define MATH(fn) FLOATS(fn, SAME, MATH_##fn)
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
MATH(erf)
MATH(erfc)
MATH(erf_inv)

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

BOTH(negate, SAME, NEG_I, NEG_F)
BOTH(abs, SAME, ABS_I, ABS_F)
BOTH(sign, SAME, SIGN_I, SIGN_F)
FLOATS(floor, SAME, FLOOR_F)
FLOATS(ceil, SAME, CEIL_F)
FLOATS(round, SAME, ROUND_F)
INTS(bitwise_not, SAME, NOT_I)
INTS(population_count, SAME, POPCOUNT_I)
INTS(count_leading_zeros, SAME, CLZ_I)
BOTH(is_nan, BOOL, ZERO, IS_NAN_F)
BOTH(is_infinity, BOOL, ZERO, IS_INF_F)
