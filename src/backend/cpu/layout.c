/* src/backend/cpu/layout.c: the layout kernels (transpose, reverse, pad, concatenate,
 * stack, slice, put_slice). Each is one strided copy of raw element bits: an output box
 * of `dims` read from a source at element strides (negative for reverse, multiplied for
 * slice strides, permuted for transpose) and written at destination strides. The copy
 * engine collapses contiguous axes, moves contiguous runs with memcpy, tiles transposes
 * so that both sides stay in cache, and splits big copies over the thread pool. Sub-byte
 * types are unpacked to a byte per element around the engine; inputs whose type differs
 * from the output's are converted first (the element codec's rules). */
#include "backend/cpu/cpu.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "backend/cpu/pool.h"
#include "core/elem.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nx/scope.h"

/* Below this many bytes a second thread costs more than it saves. */
#define PARALLEL_BYTES (1 << 16)
/* The side of a transpose tile, in elements: two tiles of 16-byte elements fit in L1. */
#define TILE 32

/* ---------------------------------------------------------------- the copy engine */

typedef struct {
    int rank;
    int64_t dims[NX_MAX_RANK];
    int64_t ss[NX_MAX_RANK], ds[NX_MAX_RANK];   /* source and destination element strides */
    const unsigned char *src;                   /* the box's first element on each side */
    unsigned char *dst;
    size_t es;                                  /* bytes per element */
    int k;                                      /* tiled copies: the axis read contiguously */
    int64_t kblocks;                            /* tiled copies: tiles along axis k */
} copy_job;

/* Copies n elements from s (stride ss) to d (stride ds), strides in elements. */
static void copy_run(unsigned char *d, int64_t ds, const unsigned char *s, int64_t ss, int64_t n, size_t es)
{
    if (ss == 1 && ds == 1) {
        memcpy(d, s, (size_t)n * es);
        return;
    }
#define RUN(W) \
    for (int64_t i = 0; i < n; i++) \
        memcpy(d + i * ds * (W), s + i * ss * (W), W); \
    return;
    switch (es) {
    case 1: RUN(1)
    case 2: RUN(2)
    case 4: RUN(4)
    case 8: RUN(8)
    case 16: RUN(16)
    default:
        for (int64_t i = 0; i < n; i++)
            memcpy(d + i * ds * (int64_t)es, s + i * ss * (int64_t)es, es);
    }
#undef RUN
}

/* Drops size-1 axes and merges neighbours that stay contiguous on both sides. */
static void collapse(copy_job *j)
{
    int r = 0;
    for (int a = 0; a < j->rank; a++) {
        if (j->dims[a] == 1)
            continue;
        if (r > 0 && j->ss[r - 1] == j->ss[a] * j->dims[a] && j->ds[r - 1] == j->ds[a] * j->dims[a]) {
            j->dims[r - 1] *= j->dims[a];
            j->ss[r - 1] = j->ss[a];
            j->ds[r - 1] = j->ds[a];
            continue;
        }
        j->dims[r] = j->dims[a];
        j->ss[r] = j->ss[a];
        j->ds[r] = j->ds[a];
        r++;
    }
    if (r == 0) {
        j->dims[0] = 1;
        j->ss[0] = j->ds[0] = 1;
        r = 1;
    }
    j->rank = r;
}

/* Rows [begin, end) of the box, a row being the innermost axis. */
static void copy_rows(void *ctx, int64_t begin, int64_t end)
{
    const copy_job *j = ctx;
    int inner = j->rank - 1;
    int64_t idx[NX_MAX_RANK] = { 0 }, so = 0, dof = 0, r = begin;
    for (int a = inner - 1; a >= 0; a--) {
        idx[a] = r % j->dims[a];
        r /= j->dims[a];
        so += idx[a] * j->ss[a];
        dof += idx[a] * j->ds[a];
    }
    int64_t es = (int64_t)j->es;
    for (int64_t row = begin; row < end; row++) {
        copy_run(j->dst + dof * es, j->ds[inner], j->src + so * es, j->ss[inner], j->dims[inner], j->es);
        for (int a = inner - 1; a >= 0; a--) {
            so += j->ss[a];
            dof += j->ds[a];
            if (++idx[a] < j->dims[a])
                break;
            so -= j->ss[a] * idx[a];
            dof -= j->ds[a] * idx[a];
            idx[a] = 0;
        }
    }
}

/* Elements [begin, end) of a box collapsed to one axis. */
static void copy_flat(void *ctx, int64_t begin, int64_t end)
{
    const copy_job *j = ctx;
    int64_t es = (int64_t)j->es;
    copy_run(j->dst + begin * j->ds[0] * es, j->ds[0], j->src + begin * j->ss[0] * es, j->ss[0], end - begin, j->es);
}

#ifdef __SSE2__
/* Four destination rows of n 4-byte elements (row stride drs elements), from four
 * contiguous source columns (source row stride srs): 4 x 4 blocks transposed in
 * registers, so that both sides move 16 bytes at a time. */
static void transpose_4x4s(unsigned char *d, int64_t drs, const unsigned char *s, int64_t srs, int64_t n)
{
    float *dst = (float *)d;
    const float *src = (const float *)s;
    int64_t ii = 0;
    for (; ii + 4 <= n; ii += 4) {
        __m128 r0 = _mm_loadu_ps(src + (ii + 0) * srs), r1 = _mm_loadu_ps(src + (ii + 1) * srs);
        __m128 r2 = _mm_loadu_ps(src + (ii + 2) * srs), r3 = _mm_loadu_ps(src + (ii + 3) * srs);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(dst + 0 * drs + ii, r0);
        _mm_storeu_ps(dst + 1 * drs + ii, r1);
        _mm_storeu_ps(dst + 2 * drs + ii, r2);
        _mm_storeu_ps(dst + 3 * drs + ii, r3);
    }
    for (; ii < n; ii++)
        for (int c = 0; c < 4; c++)
            memcpy(dst + c * drs + ii, src + ii * srs + c, 4);
}

/* The same for 8-byte elements, two destination rows from two source columns. */
static void transpose_2x2d(unsigned char *d, int64_t drs, const unsigned char *s, int64_t srs, int64_t n)
{
    double *dst = (double *)d;
    const double *src = (const double *)s;
    int64_t ii = 0;
    for (; ii + 2 <= n; ii += 2) {
        __m128d r0 = _mm_loadu_pd(src + ii * srs), r1 = _mm_loadu_pd(src + (ii + 1) * srs);
        _mm_storeu_pd(dst + ii, _mm_unpacklo_pd(r0, r1));
        _mm_storeu_pd(dst + drs + ii, _mm_unpackhi_pd(r0, r1));
    }
    for (; ii < n; ii++)
        for (int c = 0; c < 2; c++)
            memcpy(dst + c * drs + ii, src + ii * srs + c, 8);
}
#endif

/* One tile column of a transpose-like copy: the destination's innermost axis (i) is read
 * with a large stride and axis k is read contiguously, so TILE x TILE blocks are copied
 * with both sides in cache. Units are (other axes, block of k). */
static void copy_tiles(void *ctx, int64_t begin, int64_t end)
{
    const copy_job *j = ctx;
    int i = j->rank - 1, k = j->k;
    int64_t es = (int64_t)j->es;
    for (int64_t unit = begin; unit < end; unit++) {
        int64_t r = unit / j->kblocks, k0 = unit % j->kblocks * TILE;
        int64_t k1 = k0 + TILE < j->dims[k] ? k0 + TILE : j->dims[k];
        int64_t so = 0, dof = 0;
        for (int a = i - 1; a >= 0; a--) {
            if (a == k)
                continue;
            int64_t x = r % j->dims[a];
            r /= j->dims[a];
            so += x * j->ss[a];
            dof += x * j->ds[a];
        }
        for (int64_t i0 = 0; i0 < j->dims[i]; i0 += TILE) {
            int64_t n = i0 + TILE < j->dims[i] ? TILE : j->dims[i] - i0, kk = k0;
#ifdef __SSE2__
            if (es == 4 && j->ss[k] == 1 && j->ds[i] == 1)
                for (; kk + 4 <= k1; kk += 4)
                    transpose_4x4s(j->dst + (dof + kk * j->ds[k] + i0) * es, j->ds[k],
                                   j->src + (so + kk + i0 * j->ss[i]) * es, j->ss[i], n);
            if (es == 8 && j->ss[k] == 1 && j->ds[i] == 1)
                for (; kk + 2 <= k1; kk += 2)
                    transpose_2x2d(j->dst + (dof + kk * j->ds[k] + i0) * es, j->ds[k],
                                   j->src + (so + kk + i0 * j->ss[i]) * es, j->ss[i], n);
#endif
            for (; kk < k1; kk++)
                copy_run(j->dst + (dof + kk * j->ds[k] + i0 * j->ds[i]) * es, j->ds[i],
                         j->src + (so + kk * j->ss[k] + i0 * j->ss[i]) * es, j->ss[i], n, j->es);
        }
    }
}

/* Runs a copy job (rank, dims, strides, src, dst and es set). */
static void copy_box(copy_job *j)
{
    collapse(j);
    int inner = j->rank - 1;
    int64_t total = 1;
    for (int a = 0; a < j->rank; a++)
        total *= j->dims[a];
    int64_t min_elems = PARALLEL_BYTES / (int64_t)j->es + 1;
    if (j->rank == 1) {
        nxcpu_parallel(total, min_elems, copy_flat, j);
        return;
    }
    if (j->ds[inner] == 1 && j->ss[inner] != 1 && j->dims[inner] >= TILE / 2) {
        for (int a = 0; a < inner; a++)
            if (j->ss[a] == 1 && j->dims[a] >= TILE / 2) {
                j->k = a;
                j->kblocks = (j->dims[a] + TILE - 1) / TILE;
                int64_t units = total / j->dims[a] / j->dims[inner] * j->kblocks;
                int64_t per_unit = TILE * j->dims[inner];
                nxcpu_parallel(units, min_elems / per_unit + 1, copy_tiles, j);
                return;
            }
    }
    int64_t rows = total / j->dims[inner];
    nxcpu_parallel(rows, min_elems / j->dims[inner] + 1, copy_rows, j);
}

/* Row-major element strides of a shape. */
static void strides_of(int rank, const int64_t *dims, int64_t *st)
{
    int64_t s = 1;
    for (int a = rank - 1; a >= 0; a--) {
        st[a] = s;
        s *= dims[a];
    }
}

/* ---------------------------------------------------------------- element layout */

/* Bytes per element as the engine moves them: sub-byte types take one byte each. */
static size_t elem_size(nx_type t)
{
    int bits = nx_type_bits(t);
    return bits < 8 ? 1 : (size_t)bits / 8;
}

/* t's elements as `type`, laid out for the engine: t's own buffer when nothing changes,
 * else a scratch copy in *scratch (converted and/or unpacked) that the caller frees. NULL
 * after an out-of-memory error. */
static const unsigned char *source(const nx_tensor *t, nx_type type, unsigned char **scratch)
{
    *scratch = NULL;
    int bits = nx_type_bits(type);
    const unsigned char *data = nxtensor_data(t);
    if (t->type == type && bits >= 8)
        return data;
    size_t es = elem_size(type);
    unsigned char *s = nx_alloc((size_t)t->size * es + 1);
    if (!s)
        return nxerr_oom((size_t)t->size * es + 1);
    for (int64_t i = 0; i < t->size; i++) {
        if (t->type == type) {
            s[i] = (unsigned char)nxelem_bits(type, data, i);
        } else if (bits < 8) {
            unsigned char b = 0;
            nxelem_write(type, &b, 0, nxelem_read(t->type, data, i));
            s[i] = (unsigned char)nxelem_bits(type, &b, 0);
        } else {
            nxelem_write(type, s, i, nxelem_read(t->type, data, i));
        }
    }
    *scratch = s;
    return s;
}

/* Where the engine writes out's elements: out's buffer, or for sub-byte types a byte per
 * element scratch buffer that finish_dest packs into out. */
static unsigned char *dest(nx_tensor *out)
{
    if (nx_type_bits(out->type) >= 8)
        return nxtensor_data(out);
    unsigned char *s = nx_alloc((size_t)out->size + 1);
    if (!s)
        return nxerr_oom((size_t)out->size + 1);
    memset(s, 0, (size_t)out->size + 1);
    return s;
}

static void finish_dest(nx_tensor *out, unsigned char *d)
{
    if (nx_type_bits(out->type) >= 8)
        return;
    unsigned char *data = nxtensor_data(out);
    for (int64_t i = 0; i < out->size; i++)
        nxelem_write(out->type, data, i, NX_INT(d[i]));
    nx_free(d);
}

/* The destination of a layout kernel and up to two sources, in bytes (sub-byte types
 * widened to one byte, other types converted to the output's), released by io_end. */
typedef struct {
    nx_tensor *out;
    unsigned char *d, *scratch[2];
    const unsigned char *s[2];
} layout_io;

static int io_begin(layout_io *io, nx_tensor *out, const nx_tensor *a, const nx_tensor *b)
{
    *io = (layout_io){ .out = out, .d = dest(out) };
    const nx_tensor *src[2] = { a, b };
    for (int k = 0; io->d && k < 2 && src[k]; k++)
        if (!(io->s[k] = source(src[k], out->type, &io->scratch[k]))) {
            nx_free(io->scratch[0]);
            if (io->d != nxtensor_data(out))
                nx_free(io->d);
            return -1;
        }
    return io->d ? 0 : -1;
}

static void io_end(layout_io *io)
{
    nx_free(io->scratch[0]);
    nx_free(io->scratch[1]);
    finish_dest(io->out, io->d);
}

/* A job copying the whole of a row-major source of `dims` to a destination box. */
static void whole_source(copy_job *j, int rank, const int64_t *dims, const unsigned char *src, size_t es)
{
    j->rank = rank;
    memcpy(j->dims, dims, (size_t)rank * sizeof *dims);
    strides_of(rank, dims, j->ss);
    j->src = src;
    j->es = es;
}

/* ---------------------------------------------------------------- kernels */

int nxcpu_transpose(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0];
    layout_io io;
    if (io_begin(&io, out, t, NULL) < 0)
        return -1;
    unsigned char *d = io.d;
    const unsigned char *s = io.s[0];
    copy_job j = { .rank = out->rank, .src = s, .dst = d, .es = elem_size(out->type) };
    int64_t st[NX_MAX_RANK];
    strides_of(t->rank, t->dims, st);
    strides_of(out->rank, out->dims, j.ds);
    for (int a = 0; a < out->rank; a++) {
        j.dims[a] = out->dims[a];
        j.ss[a] = st[p->axes[a]];
    }
    copy_box(&j);
    io_end(&io);
    return 0;
}

int nxcpu_reverse(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0];
    layout_io io;
    if (io_begin(&io, out, t, NULL) < 0)
        return -1;
    unsigned char *d = io.d;
    const unsigned char *s = io.s[0];
    copy_job j = { .rank = out->rank, .dst = d, .es = elem_size(out->type) };
    strides_of(t->rank, t->dims, j.ss);
    strides_of(out->rank, out->dims, j.ds);
    memcpy(j.dims, out->dims, (size_t)out->rank * sizeof *j.dims);
    int64_t first = 0;
    for (int i = 0; i < p->count; i++) {
        int a = p->axes[i];
        first += (t->dims[a] - 1) * j.ss[a];
        j.ss[a] = -j.ss[a];
    }
    j.src = s + first * (int64_t)j.es;
    copy_box(&j);
    io_end(&io);
    return 0;
}

/* Fills n elements of es bytes at d with the element at v, doubling the filled prefix. */
static void fill(unsigned char *d, const unsigned char *v, int64_t n, size_t es)
{
    if (n <= 0)
        return;
    memcpy(d, v, es);
    size_t done = es, total = (size_t)n * es;
    while (done < total) {
        size_t m = done < total - done ? done : total - done;
        memcpy(d + done, d, m);
        done += m;
    }
}

int nxcpu_pad(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0];
    layout_io io;
    if (io_begin(&io, out, t, in[1]) < 0)
        return -1;
    unsigned char *d = io.d;
    const unsigned char *s = io.s[0], *v = io.s[1];
    size_t es = elem_size(out->type);
    fill(d, v, out->size, es);
    /* Input element i of an axis lands at low + i * (interior + 1); keep those inside. */
    copy_job j = { .rank = t->rank, .es = es };
    int64_t ist[NX_MAX_RANK], ost[NX_MAX_RANK], so = 0, dof = 0;
    strides_of(t->rank, t->dims, ist);
    strides_of(out->rank, out->dims, ost);
    int empty = 0;
    for (int a = 0; a < t->rank; a++) {
        int64_t step = p->pad.interior[a] + 1, low = p->pad.low[a];
        int64_t first = low >= 0 ? 0 : (-low + step - 1) / step;
        int64_t last = out->dims[a] - 1 - low < 0 ? -1 : (out->dims[a] - 1 - low) / step;
        if (last > t->dims[a] - 1)
            last = t->dims[a] - 1;
        if (last < first) {
            empty = 1;
            break;
        }
        j.dims[a] = last - first + 1;
        j.ss[a] = ist[a];
        j.ds[a] = ost[a] * step;
        so += first * ist[a];
        dof += (low + first * step) * ost[a];
    }
    if (!empty) {
        j.src = s + so * (int64_t)es;
        j.dst = d + dof * (int64_t)es;
        copy_box(&j);
    }
    io_end(&io);
    return 0;
}

/* concatenate and stack: each input fills its block along `axis` of out; for stack the
 * inputs lack that axis (size 1 there). */
static int join(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p, int stacked)
{
    unsigned char *d = dest(out);
    if (!d)
        return -1;
    size_t es = elem_size(out->type);
    int64_t ost[NX_MAX_RANK], offset = 0;
    strides_of(out->rank, out->dims, ost);
    for (int k = 0; k < p->count; k++) {
        const nx_tensor *t = in[k];
        unsigned char *scratch;
        const unsigned char *s = source(t, out->type, &scratch);
        if (!s) {
            if (d != nxtensor_data(out))
                nx_free(d);
            return -1;
        }
        int64_t dims[NX_MAX_RANK];
        memcpy(dims, out->dims, (size_t)out->rank * sizeof *dims);
        dims[p->axis] = stacked ? 1 : t->dims[p->axis];
        copy_job j = { 0 };
        whole_source(&j, out->rank, dims, s, es);
        memcpy(j.ds, ost, sizeof ost);
        j.dst = d + offset * ost[p->axis] * (int64_t)es;
        copy_box(&j);
        offset += dims[p->axis];
        nx_free(scratch);
    }
    finish_dest(out, d);
    return 0;
}

int nxcpu_concatenate(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return join(out, in, p, 0);
}

int nxcpu_stack(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return join(out, in, p, 1);
}

/* The start of each axis: the front end's (already clamped) integer, or the dynamic
 * start tensor's value clamped to [0, dim - length]. */
static void starts(const nx_tensor *const *in, const nxop_params *p, const nx_tensor *t,
                   const int64_t *lengths, int64_t *start)
{
    for (int a = 0; a < t->rank; a++) {
        start[a] = p->slice.start[a];
        if (p->slice.dynamic[a] <= 0)
            continue;
        const nx_tensor *idx = in[p->slice.dynamic[a]];
        nx_number n = nxelem_read(idx->type, nxtensor_data(idx), 0);
        int64_t max = t->dims[a] - lengths[a];
        if (n.kind == NX_NUM_UINT)
            start[a] = n.u > (uint64_t)max ? max : (int64_t)n.u;
        else
            start[a] = n.i < 0 ? 0 : n.i > max ? max : n.i;
    }
}

int nxcpu_slice(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0];
    layout_io io;
    if (io_begin(&io, out, t, NULL) < 0)
        return -1;
    unsigned char *d = io.d;
    const unsigned char *s = io.s[0];
    int64_t start[NX_MAX_RANK], ist[NX_MAX_RANK], first = 0;
    starts(in, p, t, p->slice.length, start);
    strides_of(t->rank, t->dims, ist);
    copy_job j = { .rank = out->rank, .dst = d, .es = elem_size(out->type) };
    strides_of(out->rank, out->dims, j.ds);
    for (int a = 0; a < t->rank; a++) {
        j.dims[a] = out->dims[a];
        j.ss[a] = ist[a] * p->slice.stride[a];
        first += start[a] * ist[a];
    }
    j.src = s + first * (int64_t)j.es;
    copy_box(&j);
    io_end(&io);
    return 0;
}

int nxcpu_put_slice(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0], *sl = in[1];
    layout_io io;
    if (io_begin(&io, out, t, sl) < 0)
        return -1;
    unsigned char *d = io.d;
    const unsigned char *s = io.s[0], *ss = io.s[1];
    size_t es = elem_size(out->type);
    copy_job whole = { 0 };
    whole_source(&whole, t->rank, t->dims, s, es);
    memcpy(whole.ds, whole.ss, sizeof whole.ss);
    whole.dst = d;
    copy_box(&whole);
    int64_t start[NX_MAX_RANK], first = 0;
    starts(in, p, t, sl->dims, start);
    copy_job j = { 0 };
    whole_source(&j, sl->rank, sl->dims, ss, es);
    strides_of(out->rank, out->dims, j.ds);
    for (int a = 0; a < out->rank; a++)
        first += start[a] * j.ds[a];
    j.dst = d + first * (int64_t)es;
    copy_box(&j);
    io_end(&io);
    return 0;
}
