/* src/backend/cpu/isa.c: the processor's extensions, read once (isa.h). */
#include "backend/cpu/isa.h"

#include <stdlib.h>
#include <string.h>

enum { UNKNOWN = -1, NONE = 0, AVX2 = 1, AVX2_FMA = 3 };

/* A benign race: every thread computes the same answer. */
static int detected = UNKNOWN;

static int detect(void)
{
    if (detected != UNKNOWN)
        return detected;
    int found = NONE;
#ifdef NXCPU_X86_BUILDS
    const char *baseline = getenv("NXC_CPU_BASELINE");
    if (!baseline || strcmp(baseline, "1") != 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2"))
            found = __builtin_cpu_supports("fma") ? AVX2_FMA : AVX2;
    }
#endif
    detected = found;
    return found;
}

int nxcpu_isa_avx2(void)
{
    return detect() & AVX2;
}

int nxcpu_isa_avx2_fma(void)
{
    return detect() == AVX2_FMA;
}
