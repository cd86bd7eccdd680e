/* src/backend/cpu/gemm.h: one matrix product on OpenBLAS for the kernels that reduce to
 * it (dot, conv): c{m, n} (row stride ldc) = op(a) · op(b), row-major, op transposing
 * when trans_* is set; f32, f64, c64 or c128 (no conjugation). Defined in dot.c. */
#ifndef NXCPU_GEMM_H
#define NXCPU_GEMM_H

#include <stdint.h>
#include "nx/types.h"

void nxcpu_gemm(nx_type type, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const void *a, int64_t lda,
                const void *b, int64_t ldb, void *c, int64_t ldc);

#endif
