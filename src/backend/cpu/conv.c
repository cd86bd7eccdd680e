/* src/backend/cpu/conv.c: the conv kernel, im2col + GEMM. Layouts are canonical (the front
 * end, src/ops/conv.c, transposes): input {V, N, C, s...}, kernel {V, O, I, k...}, out
 * {V, N / bg, O, o...} in f32, f64, c64 or c128. For every vector entry, output batch
 * and group, the receptive fields of a block of output positions are copied into a
 * column matrix {I·K, P} (zero where the padded, dilated input has no element) and the
 * group's kernel rows {O/G, I·K} multiply it with OpenBLAS's gemm.
 *
 * Groups (XLA's and Nx's semantics): with feature groups g, output channel block g reads
 * input channels [g·I, (g+1)·I); with batch groups g, it reads input batch entry
 * n + g·(N / bg) for output batch entry n. */
#include "backend/cpu/cpu.h"

#include <limits.h>
#include <string.h>
#include "backend/cpu/conv_direct.h"
#include "backend/cpu/gemm.h"
#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nx/scope.h"

#define R NX_MAX_RANK
#define COLS_MAX (1 << 22)      /* elements per column block (16 MiB of f32) */

typedef struct cjob {
    int nsp;
    size_t esize;                              /* bytes per element */
    int64_t sdims[R], kdims[R], odims[R];      /* spatial dims of input, kernel, output */
    int64_t stride[R], low[R], idil[R], kdil[R];
    int64_t ks, ps;                            /* kernel cells, output positions */
    const unsigned char *image;                /* the input {C, s...} of this batch entry */
    int64_t chan0, image_chan_stride;          /* first channel, elements per channel */
    unsigned char *cols;                       /* {rows, ld}: this image's block starts at column 0 */
    int64_t ld;                                /* elements per row of cols (pn, or more when images share it) */
    int64_t p0, pn;                            /* the block of output positions */
} cjob;

/* One run along the last spatial axis: n output positions from o, reading img (the
 * row of the input under the other axes) at q = o * stride + off, q / idil when q is a
 * multiple of idil inside [0, sdim · idil); zeros elsewhere. */
#define RUN(T) \
    static void run_##T(T *dst, const T *img, int64_t n, int64_t o, int64_t stride, int64_t off, int64_t idil, \
                        int64_t sdim) \
    { \
        if (idil == 1) {   /* no input dilation: zeros, one strided (or plain) copy, zeros */ \
            int64_t base = o * stride + off; \
            int64_t lo = base >= 0 ? 0 : (stride - 1 - base) / stride; \
            int64_t hi = base >= sdim ? 0 : (sdim - base + stride - 1) / stride; \
            lo = lo < n ? lo : n; \
            hi = hi < n ? hi : n; \
            hi = hi > lo ? hi : lo; \
            memset(dst, 0, (size_t)lo * sizeof *dst); \
            if (stride == 1) \
                memcpy(dst + lo, img + base + lo, (size_t)(hi - lo) * sizeof *dst); \
            else \
                for (int64_t i = lo; i < hi; i++) \
                    dst[i] = img[base + i * stride]; \
            memset(dst + hi, 0, (size_t)(n - hi) * sizeof *dst); \
            return; \
        } \
        for (int64_t i = 0; i < n; i++) { \
            int64_t q = (o + i) * stride + off; \
            if (q >= 0 && q % idil == 0 && q / idil < sdim) \
                dst[i] = img[q / idil]; \
            else \
                memset(&dst[i], 0, sizeof dst[i]); \
        } \
    }
/* bit copies: 4, 8 (f32, f64, c64) and 16 (c128) bytes */
typedef struct { uint64_t re, im; } b128;
RUN(uint32_t)
RUN(uint64_t)
RUN(b128)

/* Rows [begin, end) of the column matrix: row r = (channel c, kernel cell k). */
static void im2col_rows(void *ctx, int64_t begin, int64_t end)
{
    const cjob *j = ctx;
    int nsp = j->nsp, last = nsp - 1;
    size_t es = j->esize;
    for (int64_t r = begin; r < end; r++) {
        int64_t c = r / j->ks, kc = r % j->ks, kpos[R], o[R];
        for (int a = nsp - 1; a >= 0; a--) {
            kpos[a] = kc % j->kdims[a];
            kc /= j->kdims[a];
        }
        int64_t p = j->p0;
        for (int a = nsp - 1; a >= 0; a--) {
            o[a] = p % j->odims[a];
            p /= j->odims[a];
        }
        const unsigned char *img = j->image + (size_t)((j->chan0 + c) * j->image_chan_stride) * es;
        unsigned char *dst = j->cols + (size_t)(r * j->ld) * es;
        for (int64_t i = 0; i < j->pn;) {
            int64_t n = j->odims[last] - o[last];
            n = n < j->pn - i ? n : j->pn - i;
            /* the row under the leading axes, or none when they fall in the padding */
            int64_t at = 0;
            int ok = 1;
            for (int a = 0; a < last && ok; a++) {
                int64_t q = o[a] * j->stride[a] - j->low[a] + kpos[a] * j->kdil[a];
                if (q < 0 || q % j->idil[a] != 0 || q / j->idil[a] >= j->sdims[a])
                    ok = 0;
                else
                    at = at * j->sdims[a] + q / j->idil[a];
            }
            unsigned char *d = dst + (size_t)i * es;
            if (!ok) {
                memset(d, 0, (size_t)n * es);
            } else {
                const unsigned char *row = img + (size_t)(at * j->sdims[last]) * es;
                int64_t off = kpos[last] * j->kdil[last] - j->low[last];
                if (es == 4)
                    run_uint32_t((uint32_t *)d, (const uint32_t *)row, n, o[last], j->stride[last], off, j->idil[last],
                              j->sdims[last]);
                else if (es == 8)
                    run_uint64_t((uint64_t *)d, (const uint64_t *)row, n, o[last], j->stride[last], off, j->idil[last],
                               j->sdims[last]);
                else
                    run_b128((b128 *)d, (const b128 *)row, n, o[last], j->stride[last], off, j->idil[last],
                             j->sdims[last]);
            }
            i += n;
            o[last] += n;
            for (int a = last; a > 0 && o[a] >= j->odims[a]; a--) {
                o[a] = 0;
                o[a - 1]++;
            }
        }
    }
}

/* The rows of the column matrices of several images (image b's rows after image b - 1's),
 * so that one parallel pass covers them all. */
typedef struct {
    const cjob *base;
    const unsigned char *first;   /* the first image's input */
    int64_t image, rows;          /* elements per input image; rows per image */
    unsigned char *cols;
} images_job;

static void image_rows(void *ctx, int64_t begin, int64_t end)
{
    const images_job *ij = ctx;
    size_t es = ij->base->esize;
    for (int64_t r = begin; r < end;) {
        int64_t b = r / ij->rows, stop = (b + 1) * ij->rows < end ? (b + 1) * ij->rows : end;
        cjob j = *ij->base;
        j.image = ij->first + (size_t)(b * ij->image) * es;
        j.cols = ij->cols + (size_t)(b * j.ps) * es;
        im2col_rows(&j, r - b * ij->rows, stop - b * ij->rows);
        r = stop;
    }
}

/* Without groups: the columns of several images side by side, {rows, nb·P}, one gemm
 * into {O, nb·P}, then each image's {O, P} block copied to its place in out. */
static int batched(cjob *j, nx_type type, const unsigned char *xd, const unsigned char *wd, unsigned char *od,
                   int64_t nv, int64_t n, int64_t o, int64_t rows, int64_t image)
{
    size_t es = j->esize;
    int64_t nb = COLS_MAX / (rows * j->ps > 0 ? rows * j->ps : 1);
    nb = nb < 1 ? 1 : nb > n ? n : nb;
    nx_free(j->cols);
    j->cols = nx_alloc((size_t)(rows * nb * j->ps) * es);
    unsigned char *prod = j->cols ? nx_alloc((size_t)(o * nb * j->ps) * es) : NULL;
    if (!prod) {
        nx_free(j->cols);
        j->cols = NULL;
        return -1;
    }
    unsigned char *cols = j->cols;
    j->p0 = 0;
    j->pn = j->ps;
    j->chan0 = 0;
    for (int64_t v = 0; v < nv; v++)
        for (int64_t b0 = 0; b0 < n; b0 += nb) {
            int64_t count = n - b0 < nb ? n - b0 : nb;
            j->ld = count * j->ps;
            images_job ij = { j, xd + (size_t)((v * n + b0) * image) * es, image, rows, cols };
            nxcpu_parallel(count * rows, 1 + 16384 / j->ps, image_rows, &ij);
            nxcpu_gemm(type, 0, 0, o, j->ld, rows, wd + (size_t)(v * o * rows) * es, rows, cols, j->ld, prod, j->ld);
            for (int64_t b = 0; b < count; b++)
                for (int64_t oc = 0; oc < o; oc++)
                    memcpy(od + (size_t)(((v * n + b0 + b) * o + oc) * j->ps) * es,
                           prod + (size_t)(oc * j->ld + b * j->ps) * es, (size_t)j->ps * es);
        }
    nx_free(prod);
    nx_free(j->cols);
    j->cols = NULL;
    return 0;
}

int nxcpu_conv(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *x = in[0], *w = in[1];
    nx_type type = out->type;
    if ((type != NX_F32 && type != NX_F64 && type != NX_C64 && type != NX_C128) || x->type != type ||
        w->type != type)
        return nxerr_set(NX_RUNTIME_ERROR, "conv: no cpu kernel for type %s", nx_type_name(type));
    int direct = nxcpu_conv_direct(out, x, w, p);
    if (direct != 0)
        return direct < 0 ? -1 : 0;
    cjob j = { .nsp = p->conv.nsp, .esize = (size_t)nx_type_bits(type) / 8, .ks = 1, .ps = 1 };
    int nsp = j.nsp;
    int64_t nv = x->dims[0], n = x->dims[1], c = x->dims[2], o = w->dims[1], ic = w->dims[2];
    int64_t bg = p->conv.bgroups, fg = p->conv.fgroups, groups = bg * fg, og = o / groups;
    int64_t nout = out->dims[1], image = c;
    for (int a = 0; a < nsp; a++) {
        j.sdims[a] = x->dims[3 + a];
        j.kdims[a] = w->dims[3 + a];
        j.odims[a] = out->dims[3 + a];
        j.stride[a] = p->conv.stride[a];
        j.low[a] = p->conv.low[a];
        j.idil[a] = p->conv.idil[a];
        j.kdil[a] = p->conv.kdil[a];
        j.ks *= j.kdims[a];
        j.ps *= j.odims[a];
        image *= j.sdims[a];
    }
    j.image_chan_stride = image / (c ? c : 1);
    int64_t rows = ic * j.ks;
    if (rows > INT_MAX || j.ps > INT_MAX || og > INT_MAX)
        return nxerr_set(NX_ARGUMENT_ERROR, "conv: the problem is too large for the BLAS interface (%lld rows)",
                         (long long)rows);
    int64_t pn = COLS_MAX / (rows > 0 ? rows : 1);
    pn = pn < 1 ? 1 : pn > j.ps ? j.ps : pn;
    j.cols = nx_alloc((size_t)(rows * pn) * j.esize);
    if (!j.cols)
        return -1;
    const unsigned char *xd = nxtensor_data(x), *wd = nxtensor_data(w);
    unsigned char *od = nxtensor_data(out);
    size_t es = j.esize;
    if (groups == 1 && pn == j.ps && nout > 1)
        return batched(&j, type, xd, wd, od, nv, n, o, rows, image);
    for (int64_t v = 0; v < nv; v++)
        for (int64_t b = 0; b < nout; b++)
            for (int64_t g = 0; g < groups; g++) {
                int64_t src_b = bg > 1 ? b + g * (n / bg) : b;
                j.image = xd + (size_t)((v * n + src_b) * image) * es;
                j.chan0 = fg > 1 ? g * ic : 0;
                const unsigned char *kern = wd + (size_t)((v * o + g * og) * rows) * es;
                unsigned char *dst = od + (size_t)(((v * nout + b) * o + g * og) * j.ps) * es;
                for (j.p0 = 0; j.p0 < j.ps; j.p0 += pn) {
                    j.pn = j.ps - j.p0 < pn ? j.ps - j.p0 : pn;
                    j.ld = j.pn;
                    nxcpu_parallel(rows, 1 + 16384 / (j.pn > 0 ? j.pn : 1), im2col_rows, &j);
                    nxcpu_gemm(type, 0, 0, og, j.pn, rows, kern, rows, j.cols, j.pn, dst + (size_t)j.p0 * es, j.ps);
                }
            }
    nx_free(j.cols);
    return 0;
}
