/* src/backend/cpu/vmath_avx2.c: SLEEF's AVX2 + FMA functions for the math ops (8 f32 or
 * 4 f64 a call). Compiled with -mavx2 -mfma (CMakeLists.txt, scripts/fuzz.sh), so that
 * sleef.h declares them for gcc and clang alike; vmath.c calls into this file only where
 * the processor has AVX2 and FMA. */
#include "backend/cpu/vmath.h"

#include <string.h>

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <sleef.h>

#define LOOPS(fn, lo32, hi32, lo64, hi64) \
    NXVM_LOOP(fn##_f32, float, 8, _mm256_loadu_ps, _mm256_storeu_ps, Sleef_##fn##f8_u10avx2, lo32, hi32) \
    NXVM_LOOP(fn##_f64, double, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_##fn##d4_u10avx2, lo64, hi64)
NXVM_FUNCS(LOOPS)

#define ENTRY(fn, lo32, hi32, lo64, hi64) [NX_OP_##fn] = { fn##_f32, fn##_f64 },
static nxvm_loop *const loops[NX_OP_COUNT][2] = { NXVM_FUNCS(ENTRY) };

nxvm_loop *nxvm_find_avx2(nx_op op, nx_type type)
{
    if ((type != NX_F32 && type != NX_F64) || op < 0 || op >= NX_OP_COUNT)
        return NULL;
    return loops[op][type == NX_F64];
}
#else
nxvm_loop *nxvm_find_avx2(nx_op op, nx_type type)
{
    (void)op;
    (void)type;
    return NULL;
}
#endif
