/* src/backend/cpu/dot.c: the dot kernel, a batched matrix product out{B, M, N} =
 * a{B, M, K} · b{B, K, N} in one type (the front end, src/ops/dot.c, reduces every
 * contraction to this form). f32, f64, c64 and c128 call OpenBLAS's gemm once per batch
 * entry (OpenBLAS threads it); integers use a row kernel of our own that accumulates in
 * 64 bits, so that the result wraps modulo 2^bits as Nx's integer dot does, split over
 * rows on the pool. */
#include "backend/cpu/cpu.h"

#include <cblas.h>
#include <string.h>
#include "backend/cpu/gemm.h"
#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/tensor.h"

typedef struct {
    int64_t batch, m, n, k;
    int trans_a, trans_b;
    const unsigned char *a, *b;
    unsigned char *out;
} dot_job;

/* Element (i, j) of a stored {rows, cols} or, transposed, {cols, rows}. */
#define AT(base, trans, i, j, rows, cols) ((trans) ? (base)[(j) * (rows) + (i)] : (base)[(i) * (cols) + (j)])

/* Rows [begin, end) of the flattened {B·M} output: acc = Σ_k a[i, k] · b[k, :] in uint64
 * (wrapping), stored truncated to T. */
#define INT_ROWS(E, T) \
    static void rows_##E(void *ctx, int64_t begin, int64_t end) \
    { \
        const dot_job *j = ctx; \
        uint64_t acc[512]; \
        for (int64_t row = begin; row < end; row++) { \
            int64_t bt = row / j->m, i = row % j->m; \
            const T *a = (const T *)j->a + bt * j->m * j->k; \
            const T *b = (const T *)j->b + bt * j->k * j->n; \
            T *o = (T *)j->out + row * j->n; \
            for (int64_t c0 = 0; c0 < j->n; c0 += 512) { \
                int64_t cn = j->n - c0 < 512 ? j->n - c0 : 512; \
                memset(acc, 0, (size_t)cn * sizeof *acc); \
                for (int64_t kk = 0; kk < j->k; kk++) { \
                    uint64_t av = (uint64_t)(int64_t)AT(a, j->trans_a, i, kk, j->m, j->k); \
                    if (j->trans_b) \
                        for (int64_t c = 0; c < cn; c++) \
                            acc[c] += av * (uint64_t)(int64_t)b[(c0 + c) * j->k + kk]; \
                    else \
                        for (int64_t c = 0; c < cn; c++) \
                            acc[c] += av * (uint64_t)(int64_t)b[kk * j->n + c0 + c]; \
                } \
                for (int64_t c = 0; c < cn; c++) \
                    o[c0 + c] = (T)acc[c]; \
            } \
        } \
    }
INT_ROWS(u8, uint8_t)
INT_ROWS(u16, uint16_t)
INT_ROWS(u32, uint32_t)
INT_ROWS(u64, uint64_t)
INT_ROWS(s8, int8_t)
INT_ROWS(s16, int16_t)
INT_ROWS(s32, int32_t)
INT_ROWS(s64, int64_t)

static nxcpu_chunk_fn *const int_rows[NX_TYPE_COUNT] = {
    [NX_U8] = rows_u8, [NX_U16] = rows_u16, [NX_U32] = rows_u32, [NX_U64] = rows_u64,
    [NX_S8] = rows_s8, [NX_S16] = rows_s16, [NX_S32] = rows_s32, [NX_S64] = rows_s64,
};

/* A real matrix times a vector: gemv, which reads the matrix once without gemm's packing.
 * The matrix is stored rows x cols with leading dimension ld and used transposed or not. */
static void real_gemv(nx_type type, enum CBLAS_TRANSPOSE t, int64_t rows, int64_t cols, const void *mat, int64_t ld,
                      const void *x, int64_t incx, void *y, int64_t incy)
{
    if (type == NX_F32)
        cblas_sgemv(CblasRowMajor, t, (blasint)rows, (blasint)cols, 1.0f, mat, (blasint)ld, x, (blasint)incx, 0.0f, y,
                    (blasint)incy);
    else
        cblas_dgemv(CblasRowMajor, t, (blasint)rows, (blasint)cols, 1.0, mat, (blasint)ld, x, (blasint)incx, 0.0, y,
                    (blasint)incy);
}

void nxcpu_gemm(nx_type type, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const void *a, int64_t lda,
                const void *b, int64_t ldb, void *c, int64_t ldc)
{
    enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
    bool real = type == NX_F32 || type == NX_F64;
    if (real && n == 1 && m > 1) {   /* c = op(a) b, b a column of k */
        real_gemv(type, ta, trans_a ? k : m, trans_a ? m : k, a, lda, b, trans_b ? 1 : ldb, c, ldc);
        return;
    }
    if (real && m == 1 && n > 1) {   /* c = a op(b), i.e. cᵀ = op(b)ᵀ aᵀ */
        real_gemv(type, trans_b ? CblasNoTrans : CblasTrans, trans_b ? n : k, trans_b ? k : n, b, ldb, a,
                  trans_a ? lda : 1, c, 1);
        return;
    }
    blasint bm = (blasint)m, bn = (blasint)n, bk = (blasint)k, la = (blasint)lda, lb = (blasint)ldb, lc = (blasint)ldc;
    switch (type) {
    case NX_F32:
        cblas_sgemm(CblasRowMajor, ta, tb, bm, bn, bk, 1.0f, a, la, b, lb, 0.0f, c, lc);
        break;
    case NX_F64:
        cblas_dgemm(CblasRowMajor, ta, tb, bm, bn, bk, 1.0, a, la, b, lb, 0.0, c, lc);
        break;
    case NX_C64: {
        const float one[2] = { 1, 0 }, zero[2] = { 0, 0 };
        cblas_cgemm(CblasRowMajor, ta, tb, bm, bn, bk, one, a, la, b, lb, zero, c, lc);
        break;
    }
    default: {
        const double one[2] = { 1, 0 }, zero[2] = { 0, 0 };
        cblas_zgemm(CblasRowMajor, ta, tb, bm, bn, bk, one, a, la, b, lb, zero, c, lc);
        break;
    }
    }
}

static void blas_dot(nx_type type, const dot_job *j)
{
    size_t w = (size_t)nx_type_bits(type) / 8;
    for (int64_t bt = 0; bt < j->batch; bt++)
        nxcpu_gemm(type, j->trans_a, j->trans_b, j->m, j->n, j->k, j->a + (size_t)(bt * j->m * j->k) * w,
                   j->trans_a ? j->m : j->k, j->b + (size_t)(bt * j->k * j->n) * w, j->trans_b ? j->k : j->n,
                   j->out + (size_t)(bt * j->m * j->n) * w, j->n);
}

int nxcpu_dot(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *a = in[0], *b = in[1];
    nx_type type = out->type;
    int r = out->rank;   /* 3: {batch, m, n}; 2: one product (nx_dot's matrix fast path) */
    dot_job j = {
        .batch = r == 3 ? out->dims[0] : 1, .m = out->dims[r - 2], .n = out->dims[r - 1],
        .k = p->dot.trans_a ? a->dims[r - 2] : a->dims[r - 1],
        .trans_a = p->dot.trans_a, .trans_b = p->dot.trans_b,
        .a = nxtensor_data(a), .b = nxtensor_data(b), .out = nxtensor_data(out),
    };
    if (out->size == 0)
        return 0;
    if (j.k == 0) {
        memset(j.out, 0, (size_t)(out->size * nx_type_bits(type) / 8));
        return 0;
    }
    if (type == NX_F32 || type == NX_F64 || type == NX_C64 || type == NX_C128) {
        /* gemm takes int dimensions: larger matrices are rare enough to refuse clearly. */
        if (j.m > INT32_MAX || j.n > INT32_MAX || j.k > INT32_MAX)
            return nxerr_set(NX_RUNTIME_ERROR, "dot: a matrix side above 2^31 - 1 is not supported");
        blas_dot(type, &j);
        return 0;
    }
    nxcpu_chunk_fn *rows = int_rows[type];
    if (!rows)
        return nxerr_set(NX_RUNTIME_ERROR, "nxc has no dot kernel for %s", nx_type_name(type));
    /* Enough work per thread to pay for the split: about 64k multiply-adds. */
    int64_t per_row = j.n * j.k > 0 ? j.n * j.k : 1;
    nxcpu_parallel(j.batch * j.m, 65536 / per_row + 1, rows, &j);
    return 0;
}
