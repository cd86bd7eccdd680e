/* src/backend/cpu/conv_direct.c: a direct kernel for the convolutions where im2col + GEMM
 * loses: 2-D, stride 1, no dilation, no groups, f32 or f64, and up to a few hundred input
 * rows (channels times kernel cells), as in the first layers of a CNN. There the GEMM's
 * inner dimension is small, so building, packing and copying the column matrix cost more
 * than the products.
 *
 * Each image is first copied into a zero-padded scratch image, so the inner loop has no
 * bounds tests; the kernel is repacked as {O / OB, C, KH, KW, OB}. A task computes OB
 * output channels of one image, row by row, in register blocks of OB channels times XV
 * vectors of the output row: for each (channel, cell) it loads XV input vectors and
 * broadcasts OB weights. */
#include "backend/cpu/conv_direct.h"

#include <string.h>
#include "backend/cpu/isa.h"
#include "backend/cpu/pool.h"
#include "core/tensor.h"
#include "nx/scope.h"

/* 6 x 2 accumulators (12 of AVX2's 16 registers, with 2 inputs and a broadcast) cover
 * the FMA latency; 4 x 2 left the FMA units idle: 3→32, 16→32 and 64→64 took 1.5, 7.5
 * and 14 ms against 1.0, 5.2 and 10 ms (one thread, CPU time, medians of 41). */
#define OB 6            /* output channels per register block */
#define XV 2            /* vectors of the output row per register block */
/* At most this many channel·cell rows (64 channels of 3×3). Measured on the 2-core
 * development machine, batch 32, 3×3, f32, ms direct / im2col: 3→32 at 32×32 1.3 / 2.5,
 * 16→32 at 32×32 6.5 / 14.9, 64→64 at 16×16 19.4 / 32.7 (bench/products has these three),
 * 128→128 at 16×16 94 / 103, 256→128 at 8×8 89 / 60. A build may set it to compare. */
#ifndef NXCPU_DIRECT_ROWS
#define NXCPU_DIRECT_ROWS 576
#endif

/* On x86-64 the kernels are also built for AVX2 + FMA (32-byte vectors), picked where the
 * processor has both (isa.h); like BLAS's, those results may differ in the last bit. The
 * baseline build uses 16-byte vectors, which SSE2 holds in registers. */

typedef struct djob djob;
struct djob {
    void (*block)(const djob *j, int64_t task);   /* the kernel for the type and processor */
    size_t esize;                   /* 4 (f32) or 8 (f64) */
    int64_t c, o, oh, ow, kh, kw;   /* channels in and out, output rows and columns, kernel */
    int64_t h, w, low_h, low_w;     /* input rows and columns, padding before them */
    int64_t ph, pw;                 /* rows and columns of a padded image */
    int64_t oblocks;                /* output channel blocks */
    const void *in;                 /* images {V·N, C, h, w} */
    void *pimg;                     /* padded images {V·N, C, ph, pw} */
    const void *wpack;              /* {V, oblocks, C, KH, KW, OB} */
    void *out;                      /* {V·N, O, oh, ow} */
    int64_t images_per_v;           /* N: the kernel of image i is entry i / N */
};

/* The kernel NAME of one task for element type T with vectors VT of VL lanes (unaligned
 * loads through VTU), compiled with the attributes ATTR; K3: for 3 x 3 kernels only, whose
 * constant trip counts let the compiler unroll the cell loops. */
#define DIRECT(NAME, ATTR, T, VT, VTU, VL, K3) \
    typedef T VT __attribute__((vector_size(VL * sizeof(T)))); \
    typedef T VTU __attribute__((vector_size(VL * sizeof(T)), aligned(sizeof(T)))); \
    ATTR static void NAME(const djob *j, int64_t task) \
    { \
        int64_t img = task / j->oblocks, ob = task % j->oblocks; \
        const T *pimg = (const T *)j->pimg + img * j->c * j->ph * j->pw; \
        const T *wp = (const T *)j->wpack + ((img / j->images_per_v) * j->oblocks + ob) * j->c * j->kh * j->kw * OB; \
        T *out = (T *)j->out + (img * j->o + ob * OB) * j->oh * j->ow; \
        int64_t nch = j->o - ob * OB < OB ? j->o - ob * OB : OB; \
        for (int64_t y = 0; y < j->oh; y++) \
            for (int64_t x = 0; x < j->ow; x += XV * VL) { \
                VT acc[OB][XV]; /* zeroed lane by lane: a memset becomes a slow rep stos */ \
                for (int k = 0; k < OB; k++) \
                    for (int v = 0; v < XV; v++) \
                        acc[k][v] = (VT){ 0 }; \
                for (int64_t c = 0; c < j->c; c++) \
                    for (int64_t r = 0; r < (K3 ? 3 : j->kh); r++) { \
                        const T *row = pimg + (c * j->ph + y + r) * j->pw + x; \
                        const T *wk = wp + (c * (K3 ? 3 : j->kh) + r) * (K3 ? 3 : j->kw) * OB; \
                        for (int64_t s = 0; s < (K3 ? 3 : j->kw); s++) { \
                            VT in[XV]; \
                            for (int v = 0; v < XV; v++) \
                                in[v] = *(const VTU *)(row + s + v * VL); \
                            for (int k = 0; k < OB; k++) { \
                                VT w = wk[s * OB + k] - (VT){ 0 }; /* a broadcast */ \
                                for (int v = 0; v < XV; v++) \
                                    acc[k][v] += w * in[v]; \
                            } \
                        } \
                    } \
                int64_t n = j->ow - x < XV * VL ? j->ow - x : XV * VL; \
                for (int64_t k = 0; k < nch; k++) { \
                    T *dst = out + (k * j->oh + y) * j->ow + x; \
                    if (n == XV * VL) \
                        for (int v = 0; v < XV; v++) \
                            *(VTU *)(dst + v * VL) = acc[k][v]; \
                    else \
                        memcpy(dst, acc[k], (size_t)n * sizeof(T)); \
                } \
            } \
    }
DIRECT(block_f32, , float, v4_float, vu4_float, 4, 0)
DIRECT(block_f64, , double, v2_double, vu2_double, 2, 0)
DIRECT(block_f32_3x3, , float, v4_float, vu4_float, 4, 1)
DIRECT(block_f64_3x3, , double, v2_double, vu2_double, 2, 1)
#ifdef NXCPU_X86_BUILDS
DIRECT(block_f32_avx2, NXCPU_AVX2_FMA, float, v8_float, vu8_float, 8, 0)
DIRECT(block_f64_avx2, NXCPU_AVX2_FMA, double, v4_double, vu4_double, 4, 0)
DIRECT(block_f32_avx2_3x3, NXCPU_AVX2_FMA, float, v8_float, vu8_float, 8, 1)
DIRECT(block_f64_avx2_3x3, NXCPU_AVX2_FMA, double, v4_double, vu4_double, 4, 1)
#endif

static void tasks(void *ctx, int64_t begin, int64_t end)
{
    const djob *j = ctx;
    for (int64_t t = begin; t < end; t++)
        j->block(j, t);
}

/* Images [begin, end) copied into their zero-padded scratch: padded row i, column k hold
 * the input's row i - low_h, column k - low_w, or zero. */
static void pad_images(void *ctx, int64_t begin, int64_t end)
{
    const djob *j = ctx;
    size_t es = j->esize;
    for (int64_t img = begin; img < end; img++)
        for (int64_t c = 0; c < j->c; c++) {
            const unsigned char *src = (const unsigned char *)j->in + (size_t)((img * j->c + c) * j->h * j->w) * es;
            unsigned char *dst = (unsigned char *)j->pimg + (size_t)((img * j->c + c) * j->ph * j->pw) * es;
            for (int64_t i = 0; i < j->ph; i++) {
                unsigned char *d = dst + (size_t)(i * j->pw) * es;
                int64_t r = i - j->low_h;
                memset(d, 0, (size_t)j->pw * es);
                if (r < 0 || r >= j->h)
                    continue;
                int64_t k0 = j->low_w > 0 ? j->low_w : 0;           /* first padded column with data */
                int64_t s0 = k0 - j->low_w;                          /* its input column */
                int64_t n = j->w - s0 < j->pw - k0 ? j->w - s0 : j->pw - k0;
                if (n > 0)
                    memcpy(d + (size_t)k0 * es, src + (size_t)(r * j->w + s0) * es, (size_t)n * es);
            }
        }
}

int nxcpu_conv_direct(nx_tensor *out, const nx_tensor *x, const nx_tensor *w, const nxop_params *p)
{
    if (p->conv.nsp != 2 || p->conv.fgroups != 1 || p->conv.bgroups != 1 ||
        (out->type != NX_F32 && out->type != NX_F64))
        return 0;
    for (int a = 0; a < 2; a++)
        if (p->conv.stride[a] != 1 || p->conv.idil[a] != 1 || p->conv.kdil[a] != 1)
            return 0;
    djob j = { .esize = out->type == NX_F32 ? 4 : 8, .c = x->dims[2], .o = w->dims[1],
               .h = x->dims[3], .w = x->dims[4], .kh = w->dims[3], .kw = w->dims[4],
               .oh = out->dims[3], .ow = out->dims[4], .low_h = p->conv.low[0], .low_w = p->conv.low[1],
               .images_per_v = x->dims[1] };
    if (j.c * j.kh * j.kw > NXCPU_DIRECT_ROWS || j.oh * j.ow == 0 || j.c == 0)
        return 0;
    int64_t nv = x->dims[0], images = nv * x->dims[1], lanes = 16 / (int64_t)j.esize;
    bool k3 = j.kh == 3 && j.kw == 3;
    j.block = j.esize == 4 ? (k3 ? block_f32_3x3 : block_f32) : (k3 ? block_f64_3x3 : block_f64);
#ifdef NXCPU_X86_BUILDS
    if (nxcpu_isa_avx2_fma()) {
        j.block = j.esize == 4 ? (k3 ? block_f32_avx2_3x3 : block_f32_avx2) : (k3 ? block_f64_avx2_3x3 : block_f64_avx2);
        lanes = 32 / (int64_t)j.esize;
    }
#endif
    j.oblocks = (j.o + OB - 1) / OB;
    j.ph = j.oh + j.kh - 1;
    j.pw = (j.ow + XV * lanes - 1) / (XV * lanes) * (XV * lanes) + j.kw - 1;
    size_t es = j.esize, cells = (size_t)(j.kh * j.kw);
    void *pimg = nx_alloc((size_t)(images * j.c * j.ph * j.pw) * es);
    unsigned char *wpack = pimg ? nx_alloc((size_t)(nv * j.oblocks * OB * j.c) * cells * es) : NULL;
    if (!wpack) {
        nx_free(pimg);
        return -1;
    }
    /* {V, O, C, KH, KW} -> {V, O / OB, C, KH, KW, OB}, zeros for the channels past O */
    const unsigned char *wd = nxtensor_data(w);
    memset(wpack, 0, (size_t)(nv * j.oblocks * OB * j.c) * cells * es);
    for (int64_t v = 0; v < nv; v++)
        for (int64_t o = 0; o < j.o; o++)
            for (int64_t c = 0; c < j.c; c++)
                for (size_t k = 0; k < cells; k++) {
                    int64_t to = (((v * j.oblocks + o / OB) * j.c + c) * (int64_t)cells + (int64_t)k) * OB + o % OB;
                    memcpy(wpack + (size_t)to * es, wd + (size_t)(((v * j.o + o) * j.c + c) * (int64_t)cells + (int64_t)k) * es,
                           es);
                }
    j.in = nxtensor_data(x);
    j.pimg = pimg;
    j.wpack = wpack;
    j.out = nxtensor_data(out);
    nxcpu_parallel(images, 1, pad_images, &j);
    nxcpu_parallel(images * j.oblocks, 1, tasks, &j);
    nx_free(wpack);
    nx_free(pimg);
    return 1;
}
