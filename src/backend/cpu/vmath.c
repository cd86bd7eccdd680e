/* src/backend/cpu/vmath.c: picks SLEEF's vector functions for the math ops: the AVX2 +
 * FMA build (vmath_avx2.c) where the processor has both, else 128-bit vectors through
 * SLEEF's own dispatchers (SSE2, SSE4.1 or AVX2-128, chosen by libsleef at run time).
 * Both are SLEEF's u10 functions, within 1.0 ulp; their results may differ in the last
 * bit from one machine to another. */
#include "backend/cpu/vmath.h"

#include <string.h>
#include "backend/cpu/isa.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <sleef.h>

#define LOOPS(fn, lo32, hi32, lo64, hi64) \
    NXVM_LOOP(fn##_f32, float, 4, _mm_loadu_ps, _mm_storeu_ps, Sleef_##fn##f4_u10, lo32, hi32) \
    NXVM_LOOP(fn##_f64, double, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_##fn##d2_u10, lo64, hi64)
NXVM_FUNCS(LOOPS)

#define ENTRY(fn, lo32, hi32, lo64, hi64) [NX_OP_##fn] = { fn##_f32, fn##_f64 },
static nxvm_loop *const loops[NX_OP_COUNT][2] = { NXVM_FUNCS(ENTRY) };

nxvm_loop *nxvm_find(nx_op op, nx_type type)
{
    if ((type != NX_F32 && type != NX_F64) || op < 0 || op >= NX_OP_COUNT)
        return NULL;
    if (nxcpu_isa_avx2_fma())
        return nxvm_find_avx2(op, type);
    return loops[op][type == NX_F64];
}
#else
nxvm_loop *nxvm_find(nx_op op, nx_type type)
{
    (void)op;
    (void)type;
    return NULL;
}
#endif
