/* src/backend/cpu/isa.h: which instruction-set extensions the kernels may use beyond the
 * baseline (SSE2 on x86-64). Decided once per process, at the first call: the processor's
 * AVX2 and FMA, unless the environment sets NXC_CPU_BASELINE=1, which keeps every kernel
 * on its baseline build (the tests use it to check both builds on one machine). */
#ifndef NXCPU_ISA_H
#define NXCPU_ISA_H

#if defined(__x86_64__) && defined(__GNUC__)
#define NXCPU_X86_BUILDS 1
#define NXCPU_AVX2 __attribute__((target("avx2")))
#define NXCPU_AVX2_FMA __attribute__((target("avx2,fma")))
#endif

int nxcpu_isa_avx2(void);       /* AVX2 may be used */
int nxcpu_isa_avx2_fma(void);   /* AVX2 and FMA may be used */

#endif
