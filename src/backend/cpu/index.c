/* src/backend/cpu/index.c: kernels of selection and indexing (select, clip, gather, take,
 * take_along_axis, indexed_add, indexed_put). The front end (src/ops/index.c) hands every
 * operand in one byte-aligned stored type (narrow floats in f32 where arithmetic is
 * needed, sub-byte integers in 8 bits) and every index operand in s64. The leading
 * out->vrank axes of every operand are batch axes, of out's size or 1 (broadcast).
 * Indices are clamped into the tensor; updates whose index falls outside it are skipped
 * (spec/decisions.md item 9). Work is split over the thread pool by output rows, so each
 * element is computed the same way whatever the thread count; indexed_add and indexed_put
 * apply the updates of one batch entry in order (duplicates add up in order; the last put
 * wins). */
#include "backend/cpu/cpu.h"

#include <string.h>
#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/nxmath.h"
#include "core/tensor.h"

/* Below this many elements of work a second thread costs more than it saves. */
#define PARALLEL_MIN 32768

static size_t width(const nx_tensor *t)
{
    return (size_t)nx_type_bits(t->type) / 8;
}

static unsigned char *bytes(const nx_tensor *t)
{
    return nxtensor_data(t);
}

/* ---------------------------------------------------------------- batch axes */

/* Maps an output batch position to an operand's batch position (size-1 axes broadcast). */
typedef struct {
    int nb;
    int64_t odims[NX_MAX_RANK];
    int64_t stride[NX_MAX_RANK];   /* in batch entries; 0 on broadcast axes */
    int64_t inner;                 /* elements per batch entry of the operand */
} batch_map;

static void batch_init(batch_map *m, const nx_tensor *out, const nx_tensor *in)
{
    int64_t s = 1, count = 1;
    m->nb = out->vrank;
    for (int i = m->nb - 1; i >= 0; i--) {
        m->odims[i] = out->dims[i];
        m->stride[i] = in->dims[i] == 1 ? 0 : s;
        s *= in->dims[i];
    }
    for (int i = 0; i < m->nb; i++)
        count *= in->dims[i];
    m->inner = in->size / count;
}

/* The element offset of output batch entry b's data in the operand. */
static int64_t batch_offset(const batch_map *m, int64_t b)
{
    int64_t at = 0;
    for (int i = m->nb - 1; i >= 0; i--) {
        at += b % m->odims[i] * m->stride[i];
        b /= m->odims[i];
    }
    return at * m->inner;
}

static int64_t batch_count(const nx_tensor *out)
{
    int64_t n = 1;
    for (int i = 0; i < out->vrank; i++)
        n *= out->dims[i];
    return n;
}

static int64_t product(const int64_t *dims, int from, int to)
{
    int64_t n = 1;
    for (int i = from; i < to; i++)
        n *= dims[i];
    return n;
}

static int64_t clamp_index(int64_t i, int64_t dim)
{
    return i < 0 ? 0 : i >= dim ? dim - 1 : i;
}

/* ---------------------------------------------------------------- select */

/* Element strides of an operand of out's rank whose axes have out's size or 1. */
static void broadcast_strides(const nx_tensor *in, int rank, int64_t *strides)
{
    int64_t s = 1;
    for (int ax = rank - 1; ax >= 0; ax--) {
        strides[ax] = in->dims[ax] == 1 ? 0 : s;
        s *= in->dims[ax];
    }
}

typedef struct {
    const nx_tensor *out, *in[3];
    int64_t strides[3][NX_MAX_RANK];
    int64_t n;                   /* elements per row (the innermost axis) */
} select_job;

#define MASK_BLOCK 1024

/* m[i] = (pred element i of a run at stride sp) != 0, by the predicate's type. */
static void mask_run(uint8_t *m, const unsigned char *p, int64_t sp, int64_t n, nx_type t)
{
#define MASK_INT(T) \
    for (int64_t i = 0; i < n; i++) \
        m[i] = ((const T *)p)[i * sp] != 0;
#define MASK_CPLX(T) \
    for (int64_t i = 0; i < n; i++) \
        m[i] = ((const T *)p)[2 * i * sp] != 0 || ((const T *)p)[2 * i * sp + 1] != 0;
    switch (t) {
    case NX_U8: case NX_S8: MASK_INT(uint8_t) break;
    case NX_U16: case NX_S16: MASK_INT(uint16_t) break;
    case NX_U32: case NX_S32: MASK_INT(uint32_t) break;
    case NX_U64: case NX_S64: MASK_INT(uint64_t) break;
    case NX_F32: MASK_INT(float) break;
    case NX_F64: MASK_INT(double) break;
    case NX_C64: MASK_CPLX(float) break;
    case NX_C128: MASK_CPLX(double) break;
    default: memset(m, 0, (size_t)n); break;   /* the front end never sends these */
    }
#undef MASK_INT
#undef MASK_CPLX
}

typedef struct { uint64_t lo, hi; } u128;

/* Runs the statement macro M(T) with T the unsigned type of w bytes (u128 above 8): the
 * typed loops below are written once and instantiated per element width. */
#define BY_WIDTH(w, M) \
    switch (w) { \
    case 1: M(uint8_t) break; \
    case 2: M(uint16_t) break; \
    case 4: M(uint32_t) break; \
    case 8: M(uint64_t) break; \
    default: M(u128) break; \
    }

/* Copies n contiguous elements of w bytes; single elements by type, not by memcpy. */
static inline void copy_elems(unsigned char *dst, const unsigned char *src, int64_t n, size_t w)
{
    if (n != 1) {
        memcpy(dst, src, (size_t)n * w);
        return;
    }
    switch (w) {
    case 1: *dst = *src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, 16); break;
    }
}

/* Steps an odometer over dims[0..nd) (the last axis fastest), keeping *off, the element
 * offset of the position under strides[], in step. */
static inline void odometer_next(int nd, const int64_t *dims, const int64_t *strides, int64_t *pos, int64_t *off)
{
    for (int ax = nd - 1; ax >= 0; ax--) {
        *off += strides[ax];
        if (++pos[ax] < dims[ax])
            return;
        *off -= strides[ax] * dims[ax];
        pos[ax] = 0;
    }
}

/* o[i] = m[i] ? a[i * sa] : b[i * sb] for elements of `w` bytes. Both sides are loaded
 * before choosing, so the choice compiles to a blend rather than a branch that a random
 * mask mispredicts half of the time. */
static void select_run(unsigned char *o, const uint8_t *m, const unsigned char *a, int64_t sa,
                       const unsigned char *b, int64_t sb, int64_t n, size_t w)
{
#define SELECT_RUN(T) \
    for (int64_t i = 0; i < n; i++) { \
        T on_true = ((const T *)a)[i * sa], on_false = ((const T *)b)[i * sb]; \
        ((T *)o)[i] = m[i] ? on_true : on_false; \
    }
    BY_WIDTH(w, SELECT_RUN)
#undef SELECT_RUN
}

/* Runs the blocks [begin, end): block b is MASK_BLOCK elements (or fewer, at the end of a
 * row) of row b / blocks_per_row, so that long rows are split too. */
static void select_blocks(void *ctx, int64_t begin, int64_t end)
{
    const select_job *j = ctx;
    int rank = j->out->rank, inner = rank - 1;
    size_t w = width(j->out), wp = width(j->in[0]);
    int64_t per_row = (j->n + MASK_BLOCK - 1) / MASK_BLOCK;
    int64_t sp = rank ? j->strides[0][inner] : 0, st = rank ? j->strides[1][inner] : 0;
    int64_t sf = rank ? j->strides[2][inner] : 0;
    uint8_t mask[MASK_BLOCK];
    for (int64_t blk = begin; blk < end; blk++) {
        int64_t row = blk / per_row, at = blk % per_row * MASK_BLOCK;
        int64_t off[3] = { 0, 0, 0 }, r = row;
        for (int ax = inner - 1; ax >= 0; ax--) {
            int64_t i = r % j->out->dims[ax];
            r /= j->out->dims[ax];
            for (int k = 0; k < 3; k++)
                off[k] += i * j->strides[k][ax];
        }
        int64_t n = j->n - at < MASK_BLOCK ? j->n - at : MASK_BLOCK;
        mask_run(mask, bytes(j->in[0]) + (size_t)(off[0] + at * sp) * wp, sp, n, j->in[0]->type);
        select_run(bytes(j->out) + (size_t)(row * j->n + at) * w, mask,
                   bytes(j->in[1]) + (size_t)(off[1] + at * st) * w, st,
                   bytes(j->in[2]) + (size_t)(off[2] + at * sf) * w, sf, n, w);
    }
}

/* in: pred (its own type), on_true and on_false (out's type), all of out's rank. */
int nxcpu_select(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    (void)p;
    select_job j = { .out = out, .in = { in[0], in[1], in[2] } };
    for (int k = 0; k < 3; k++)
        broadcast_strides(in[k], out->rank, j.strides[k]);
    j.n = out->rank ? out->dims[out->rank - 1] : 1;
    int64_t per_row = (j.n + MASK_BLOCK - 1) / MASK_BLOCK, rows = out->size / j.n;
    int64_t elems_per_block = j.n < MASK_BLOCK ? j.n : MASK_BLOCK;
    nxcpu_parallel(rows * per_row, PARALLEL_MIN / elems_per_block + 1, select_blocks, &j);
    return 0;
}

/* ---------------------------------------------------------------- clip */

typedef struct {
    const nx_tensor *x, *lo, *hi;
    nx_tensor *out;
} clip_job;

static void clip_chunk(void *ctx, int64_t begin, int64_t end)
{
    const clip_job *j = ctx;
#define CLIP_INT(T) \
    { \
        const T *x = (const T *)bytes(j->x), lo = *(const T *)bytes(j->lo), hi = *(const T *)bytes(j->hi); \
        T *o = (T *)bytes(j->out); \
        for (int64_t i = begin; i < end; i++) { \
            T v = x[i] < lo ? lo : x[i]; \
            o[i] = v > hi ? hi : v; \
        } \
    }
#define CLIP_FLOAT(T) \
    { \
        const T *x = (const T *)bytes(j->x), lo = *(const T *)bytes(j->lo), hi = *(const T *)bytes(j->hi); \
        T *o = (T *)bytes(j->out); \
        for (int64_t i = begin; i < end; i++) { \
            T v = nxm_fmax(x[i], lo); \
            o[i] = nxm_fmin(v, hi); \
        } \
    }
    switch (j->out->type) {
    case NX_U8: CLIP_INT(uint8_t) break;
    case NX_U16: CLIP_INT(uint16_t) break;
    case NX_U32: CLIP_INT(uint32_t) break;
    case NX_U64: CLIP_INT(uint64_t) break;
    case NX_S8: CLIP_INT(int8_t) break;
    case NX_S16: CLIP_INT(int16_t) break;
    case NX_S32: CLIP_INT(int32_t) break;
    case NX_S64: CLIP_INT(int64_t) break;
    case NX_F32: CLIP_FLOAT(float) break;
    case NX_F64: CLIP_FLOAT(double) break;
    default: break;
    }
#undef CLIP_INT
#undef CLIP_FLOAT
}

/* in: x (out's shape and type), min and max (scalars of out's type). */
int nxcpu_clip(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    (void)p;
    switch (out->type) {
    case NX_U8: case NX_U16: case NX_U32: case NX_U64:
    case NX_S8: case NX_S16: case NX_S32: case NX_S64: case NX_F32: case NX_F64:
        break;
    default:
        return nxerr_set(NX_RUNTIME_ERROR, "nxc has no clip kernel for %s", nx_type_name(out->type));
    }
    clip_job j = { in[0], in[1], in[2], out };
    nxcpu_parallel(out->size, PARALLEL_MIN, clip_chunk, &j);
    return 0;
}

/* ---------------------------------------------------------------- gather */

/* A strided block of x: `count` contiguous runs of `run_elems` elements, the runs spread
 * over `nd` axes (element strides). */
typedef struct {
    int nd;
    int64_t dims[NX_MAX_RANK], strides[NX_MAX_RANK];
    int64_t count;               /* runs per block */
    int64_t run_elems;           /* elements per run */
} block_shape;

static void copy_block(unsigned char *dst, const unsigned char *src, const block_shape *b, size_t w)
{
    int64_t pos[NX_MAX_RANK] = { 0 }, off = 0;
    size_t run = (size_t)b->run_elems * w;
    for (int64_t r = 0; r < b->count; r++) {
        copy_elems(dst + (size_t)r * run, src + (size_t)off * w, b->run_elems, w);
        odometer_next(b->nd, b->dims, b->strides, pos, &off);
    }
}

typedef struct {
    const nx_tensor *x, *idx;
    nx_tensor *out;
    batch_map xb, ib;
    int k, axes[NX_MAX_RANK];
    int64_t xstrides[NX_MAX_RANK];
    int64_t per_batch;           /* index vectors per batch entry */
    int64_t block;               /* output elements per index vector */
    block_shape shape;
} gather_job;

/* out[i] = x[clamp(idx[i]) * stride] for i < n: one index per element. A tight loop
 * by type, so that the random loads of x overlap (a longer body leaves one miss in flight
 * at a time). */
static void gather_elems(unsigned char *o, const unsigned char *x, const int64_t *idx, int64_t n,
                         int64_t dim, int64_t stride, size_t w)
{
#define GATHER_ELEMS(T) \
    for (int64_t i = 0; i < n; i++) \
        ((T *)o)[i] = ((const T *)x)[clamp_index(idx[i], dim) * stride];
    BY_WIDTH(w, GATHER_ELEMS)
#undef GATHER_ELEMS
}

static void gather_chunk(void *ctx, int64_t begin, int64_t end)
{
    const gather_job *j = ctx;
    size_t w = width(j->x);
    const int64_t *idx = (const int64_t *)bytes(j->idx);
    /* Tasks run batch entry by batch entry: the offsets change once per entry. */
    for (int64_t t = begin; t < end;) {
        int64_t b = t / j->per_batch, v = t % j->per_batch;
        int64_t stop = (b + 1) * j->per_batch < end ? (b + 1) * j->per_batch : end;
        const int64_t *iv = idx + batch_offset(&j->ib, b) + v * j->k;
        const unsigned char *xb = bytes(j->x) + (size_t)batch_offset(&j->xb, b) * w;
        unsigned char *o = bytes(j->out) + (size_t)(t * j->block) * w;
        if (j->k == 1 && j->block == 1) {
            int a = j->axes[0];
            gather_elems(o, xb, iv, stop - t, j->x->dims[a], j->xstrides[a], w);
            t = stop;
            continue;
        }
        for (; t < stop; t++, iv += j->k, o += (size_t)j->block * w) {
            int64_t at = 0;
            for (int a = 0; a < j->k; a++)
                at += clamp_index(iv[a], j->x->dims[j->axes[a]]) * j->xstrides[j->axes[a]];
            if (j->shape.count == 1)
                copy_elems(o, xb + (size_t)at * w, j->shape.run_elems, w);
            else
                copy_block(o, xb + (size_t)at * w, &j->shape, w);
        }
    }
}

/* Fills the block shape of the axes of x from `from` on that are not in axes[0..k). */
static void block_init(block_shape *s, const nx_tensor *x, int from, const int *axes, int k,
                       const int64_t *xstrides)
{
    int64_t run_elems = 1;
    int last = x->rank - 1;
    /* The non-indexed axes after the last indexed one are one contiguous run. */
    while (last >= from) {
        int indexed = 0;
        for (int a = 0; a < k; a++)
            indexed |= axes[a] == last;
        if (indexed)
            break;
        run_elems *= x->dims[last--];
    }
    s->nd = 0;
    s->count = 1;
    for (int ax = from; ax <= last; ax++) {
        int indexed = 0;
        for (int a = 0; a < k; a++)
            indexed |= axes[a] == ax;
        if (indexed)
            continue;
        s->dims[s->nd] = x->dims[ax];
        s->strides[s->nd++] = xstrides[ax];
        s->count *= x->dims[ax];
    }
    s->run_elems = run_elems;
}

static void row_strides(const nx_tensor *t, int64_t *strides)
{
    int64_t s = 1;
    for (int ax = t->rank - 1; ax >= 0; ax--) {
        strides[ax] = s;
        s *= t->dims[ax];
    }
}

/* in: x, indices (s64, {batch..., ..., k}); p->axes[0..k): the indexed axes of x. */
int nxcpu_gather(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    gather_job j = { .x = in[0], .idx = in[1], .out = out };
    int nb = out->vrank;
    j.k = (int)in[1]->dims[in[1]->rank - 1];
    memcpy(j.axes, p->axes, sizeof j.axes);
    batch_init(&j.xb, out, in[0]);
    batch_init(&j.ib, out, in[1]);
    row_strides(in[0], j.xstrides);
    j.per_batch = j.ib.inner / j.k;
    block_init(&j.shape, in[0], nb, j.axes, j.k, j.xstrides);
    j.block = j.shape.count * j.shape.run_elems;
    int64_t tasks = batch_count(out) * j.per_batch;
    nxcpu_parallel(tasks, PARALLEL_MIN / j.block + 1, gather_chunk, &j);
    return 0;
}

/* ---------------------------------------------------------------- take */

typedef struct {
    const nx_tensor *x, *idx;
    nx_tensor *out;
    batch_map xb, ib;
    int64_t pre, dim, post, n;   /* x: pre * dim * post per batch entry; n indices */
    int64_t batches;
} take_job;

static void take_chunk(void *ctx, int64_t begin, int64_t end)
{
    const take_job *j = ctx;
    size_t w = width(j->x), run = (size_t)j->post * w;
    const int64_t *idx = (const int64_t *)bytes(j->idx);
    const unsigned char *x = bytes(j->x);
    unsigned char *o = bytes(j->out) + (size_t)begin * run;
    /* Task t is index i of row (b, pre); the counters follow t without divisions. */
    int64_t i = begin % j->n, q = begin / j->n, pre = q % j->pre, b = q / j->pre;
    int64_t xb = batch_offset(&j->xb, b), ib = batch_offset(&j->ib, b);
    for (int64_t t = begin; t < end; t++, o += run) {
        int64_t at = clamp_index(idx[ib + i], j->dim);
        copy_elems(o, x + (size_t)(xb + (pre * j->dim + at) * j->post) * w, j->post, w);
        if (++i < j->n)
            continue;
        i = 0;
        if (++pre < j->pre)
            continue;
        pre = 0;
        if (++b < j->batches) {
            xb = batch_offset(&j->xb, b);
            ib = batch_offset(&j->ib, b);
        }
    }
}

/* in: x, indices (s64); p->axis: the axis of x that the indices' inner shape replaces. */
int nxcpu_take(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    take_job j = { .x = in[0], .idx = in[1], .out = out };
    int nb = out->vrank;
    batch_init(&j.xb, out, in[0]);
    batch_init(&j.ib, out, in[1]);
    j.pre = product(in[0]->dims, nb, p->axis);
    j.dim = in[0]->dims[p->axis];
    j.post = product(in[0]->dims, p->axis + 1, in[0]->rank);
    j.n = j.ib.inner;
    j.batches = batch_count(out);
    int64_t tasks = j.batches * j.pre * j.n;
    nxcpu_parallel(tasks, PARALLEL_MIN / j.post + 1, take_chunk, &j);
    return 0;
}

/* ---------------------------------------------------------------- take_along_axis */

typedef struct {
    const nx_tensor *x, *idx;
    nx_tensor *out;
    batch_map xb, ib;
    int64_t pre, dim, post, m;   /* x: pre * dim * post; indices and out: pre * m * post */
} along_job;

static void along_chunk(void *ctx, int64_t begin, int64_t end)
{
    const along_job *j = ctx;
    size_t w = width(j->x);
    const int64_t *idx = (const int64_t *)bytes(j->idx);
#define ALONG(T) \
    for (int64_t r = begin; r < end; r++) { \
        int64_t q = r / j->m, pre = q % j->pre, b = q / j->pre; \
        const int64_t *iv = idx + batch_offset(&j->ib, b) + (r % (j->pre * j->m)) * j->post; \
        const T *src = (const T *)bytes(j->x) + batch_offset(&j->xb, b) + pre * j->dim * j->post; \
        T *o = (T *)bytes(j->out) + r * j->post; \
        for (int64_t c = 0; c < j->post; c++) \
            o[c] = src[clamp_index(iv[c], j->dim) * j->post + c]; \
    }
    BY_WIDTH(w, ALONG)
#undef ALONG
}

/* in: x, indices (s64, x's inner shape but for p->axis); out has the indices' shape. */
int nxcpu_take_along_axis(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    along_job j = { .x = in[0], .idx = in[1], .out = out };
    int nb = out->vrank;
    batch_init(&j.xb, out, in[0]);
    batch_init(&j.ib, out, in[1]);
    j.pre = product(in[0]->dims, nb, p->axis);
    j.dim = in[0]->dims[p->axis];
    j.post = product(in[0]->dims, p->axis + 1, in[0]->rank);
    j.m = in[1]->dims[p->axis];
    int64_t rows = batch_count(out) * j.pre * j.m;
    nxcpu_parallel(rows, PARALLEL_MIN / j.post + 1, along_chunk, &j);
    return 0;
}

/* ---------------------------------------------------------------- indexed_add, indexed_put */

typedef enum { SCATTER_ADD, SCATTER_PUT } scatter_mode;

typedef struct {
    const nx_tensor *target, *idx, *upd;
    nx_tensor *out;
    batch_map tb, ib, ub;
    int k, axes[NX_MAX_RANK];
    int64_t ostrides[NX_MAX_RANK];
    int64_t n;                   /* updates per batch entry */
    int64_t inner;               /* out elements per batch entry */
    int64_t box;                 /* elements per update */
    int nd;                      /* axes of an update box */
    int64_t bdims[NX_MAX_RANK], bstrides[NX_MAX_RANK];   /* box dims; out strides */
    scatter_mode mode;
} scatter_job;

/* dst[i] += src[i] for n contiguous elements of type t (integers wrap). */
static void add_run(unsigned char *dst, const unsigned char *src, int64_t n, nx_type t)
{
#define ADD_INT(T) \
    for (int64_t i = 0; i < n; i++) \
        ((T *)dst)[i] = nxm_add(T, ((T *)dst)[i], ((const T *)src)[i]);
#define ADD_FLOAT(T, count) \
    for (int64_t i = 0; i < (count); i++) \
        ((T *)dst)[i] += ((const T *)src)[i];
    switch (t) {
    case NX_U8: ADD_INT(uint8_t) break;
    case NX_U16: ADD_INT(uint16_t) break;
    case NX_U32: ADD_INT(uint32_t) break;
    case NX_U64: ADD_INT(uint64_t) break;
    case NX_S8: ADD_INT(int8_t) break;
    case NX_S16: ADD_INT(int16_t) break;
    case NX_S32: ADD_INT(int32_t) break;
    case NX_S64: ADD_INT(int64_t) break;
    case NX_F32: ADD_FLOAT(float, n) break;
    case NX_F64: ADD_FLOAT(double, n) break;
    case NX_C64: ADD_FLOAT(float, 2 * n) break;     /* component by component */
    case NX_C128: ADD_FLOAT(double, 2 * n) break;
    default: break;
    }
#undef ADD_INT
#undef ADD_FLOAT
}

static void scatter_batches(void *ctx, int64_t begin, int64_t end)
{
    const scatter_job *j = ctx;
    size_t w = width(j->out);
    nx_type t = j->out->type;
    const int64_t *idx = (const int64_t *)bytes(j->idx);
    /* The box in runs: its last axis is contiguous in out when it is out's last axis. */
    int outer = j->nd;
    int64_t run = 1;
    if (j->nd > 0 && j->bstrides[j->nd - 1] == 1)
        run = j->bdims[--outer];
    int64_t runs = j->box / run;
    for (int64_t b = begin; b < end; b++) {
        unsigned char *o = bytes(j->out) + (size_t)(b * j->inner) * w;
        memcpy(o, bytes(j->target) + (size_t)batch_offset(&j->tb, b) * w, (size_t)j->inner * w);
        const int64_t *iv = idx + batch_offset(&j->ib, b);
        const unsigned char *u = bytes(j->upd) + (size_t)batch_offset(&j->ub, b) * w;
        for (int64_t e = 0; e < j->n; e++, iv += j->k, u += (size_t)j->box * w) {
            int64_t at = 0;
            int inside = 1;
            for (int a = 0; a < j->k; a++)
                inside &= iv[a] >= 0 && iv[a] < j->out->dims[j->axes[a]];
            if (!inside)   /* the box would leave the tensor: skipped, as XLA does */
                continue;
            for (int a = 0; a < j->k; a++)
                at += iv[a] * j->ostrides[j->axes[a]];
            int64_t pos[NX_MAX_RANK] = { 0 }, off = at;
            const unsigned char *src = u;
            for (int64_t r = 0; r < runs; r++, src += (size_t)run * w) {
                if (j->mode == SCATTER_ADD)
                    add_run(o + (size_t)off * w, src, run, t);
                else
                    memcpy(o + (size_t)off * w, src, (size_t)run * w);
                odometer_next(outer, j->bdims, j->bstrides, pos, &off);
            }
        }
    }
}

/* in: target, indices (s64, {batch..., n, k}), updates ({batch..., n, box...}), target and
 * updates in out's type; p->axes[0..k): the indexed axes. The box axes pair, in order,
 * with the axes of out that are not indexed (each box dim <= that axis). */
static int scatter(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p, scatter_mode mode)
{
    scatter_job j = { .target = in[0], .idx = in[1], .upd = in[2], .out = out, .mode = mode };
    int nb = out->vrank;
    switch (out->type) {
    case NX_U2: case NX_U4: case NX_S2: case NX_S4:
    case NX_F8: case NX_F8_E4M3FN: case NX_BF16: case NX_F16:
        if (mode == SCATTER_ADD)
            return nxerr_set(NX_RUNTIME_ERROR, "nxc has no indexed_add kernel for %s", nx_type_name(out->type));
        break;
    default:
        break;
    }
    j.k = (int)in[1]->dims[in[1]->rank - 1];
    memcpy(j.axes, p->axes, sizeof j.axes);
    batch_init(&j.tb, out, in[0]);
    batch_init(&j.ib, out, in[1]);
    batch_init(&j.ub, out, in[2]);
    row_strides(out, j.ostrides);
    j.n = in[1]->dims[in[1]->rank - 2];
    j.inner = product(out->dims, nb, out->rank);
    j.box = j.ub.inner / j.n;
    /* Update axis nb + 1 + i pairs with the i-th non-indexed axis of out. */
    j.nd = 0;
    for (int ax = nb; ax < out->rank; ax++) {
        int indexed = 0;
        for (int a = 0; a < j.k; a++)
            indexed |= j.axes[a] == ax;
        if (indexed)
            continue;
        j.bdims[j.nd] = in[2]->dims[nb + 1 + j.nd];
        j.bstrides[j.nd++] = j.ostrides[ax];
    }
    int64_t batches = batch_count(out);
    nxcpu_parallel(batches, PARALLEL_MIN / (j.inner + j.n * j.box) + 1, scatter_batches, &j);
    return 0;
}

int nxcpu_indexed_add(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return scatter(out, in, p, SCATTER_ADD);
}

int nxcpu_indexed_put(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return scatter(out, in, p, SCATTER_PUT);
}
