/* src/backend/cpu/iter.c: the element-wise walkers. Work above a size threshold is split
 * into contiguous chunks run on both cores (src/backend/cpu/pool.c); each element is
 * computed the same way whatever the split, so results do not depend on the thread
 * count. */
#include "backend/cpu/iter.h"

#include "backend/cpu/pool.h"

/* Below this many elements a second thread costs more than it saves. */
#define PARALLEL_MIN 32768

typedef struct {
    const unsigned char *x;
    unsigned char *y;
    size_t xw, yw;
    nxcpu_unary_loop *loop;
    int bits;
} unary_job;

static void unary_chunk(void *ctx, int64_t begin, int64_t end)
{
    const unary_job *j = ctx;
    j->loop(j->x + begin * j->xw, j->y + begin * j->yw, end - begin, j->bits);
}

void nxcpu_each_unary(const nx_tensor *x, nx_tensor *y, nxcpu_unary_loop *loop, int bits)
{
    unary_job j = { nxtensor_data(x), nxtensor_data(y), (size_t)nx_type_bits(x->type) / 8,
                    (size_t)nx_type_bits(y->type) / 8, loop, bits };
    nxcpu_parallel(y->size, PARALLEL_MIN, unary_chunk, &j);
}

/* The collapsed iteration space of a broadcast binary op. */
typedef struct {
    int rank;
    int64_t dims[NX_MAX_RANK];
    int64_t sa[NX_MAX_RANK], sb[NX_MAX_RANK];   /* element strides (0: broadcast) */
    const unsigned char *a, *b;
    unsigned char *o;
    size_t aw, bw, ow;
    nxcpu_binary_loop *loop;
} binary_job;

/* Runs the rows [begin, end) of the collapsed space (a row is the innermost axis). */
static void binary_rows(void *ctx, int64_t begin, int64_t end)
{
    const binary_job *j = ctx;
    int inner = j->rank - 1;
    int64_t n = j->dims[inner];
    for (int64_t row = begin; row < end; row++) {
        int64_t ao = 0, bo = 0, r = row;
        for (int ax = inner - 1; ax >= 0; ax--) {
            int64_t i = r % j->dims[ax];
            r /= j->dims[ax];
            ao += i * j->sa[ax];
            bo += i * j->sb[ax];
        }
        j->loop(j->a + ao * j->aw, j->sa[inner], j->b + bo * j->bw, j->sb[inner], j->o + row * n * j->ow, n);
    }
}

/* When neither input broadcasts along the single collapsed axis, split it directly. */
static void binary_flat(void *ctx, int64_t begin, int64_t end)
{
    const binary_job *j = ctx;
    j->loop(j->a + begin * j->sa[0] * j->aw, j->sa[0], j->b + begin * j->sb[0] * j->bw, j->sb[0],
            j->o + begin * j->ow, end - begin);
}

void nxcpu_each_binary(const nx_tensor *a, const nx_tensor *b, nx_tensor *out, nxcpu_binary_loop *loop)
{
    binary_job j = { .a = nxtensor_data(a), .b = nxtensor_data(b), .o = nxtensor_data(out),
                     .aw = (size_t)nx_type_bits(a->type) / 8, .bw = (size_t)nx_type_bits(b->type) / 8,
                     .ow = (size_t)nx_type_bits(out->type) / 8, .loop = loop };
    /* Strides of each input per output axis, then merge axes that stay contiguous. */
    int64_t sa = 1, sb = 1;
    int64_t dims[NX_MAX_RANK], as[NX_MAX_RANK], bs[NX_MAX_RANK];
    for (int ax = out->rank - 1; ax >= 0; ax--) {
        dims[ax] = out->dims[ax];
        as[ax] = a->dims[ax] == 1 ? 0 : sa;
        bs[ax] = b->dims[ax] == 1 ? 0 : sb;
        sa *= a->dims[ax];
        sb *= b->dims[ax];
    }
    int rank = 0;
    for (int ax = 0; ax < out->rank; ax++) {
        if (dims[ax] == 1)
            continue;
        if (rank > 0 && j.sa[rank - 1] == as[ax] * dims[ax] && j.sb[rank - 1] == bs[ax] * dims[ax]) {
            j.dims[rank - 1] *= dims[ax];
            j.sa[rank - 1] = as[ax];
            j.sb[rank - 1] = bs[ax];
            continue;
        }
        j.dims[rank] = dims[ax];
        j.sa[rank] = as[ax];
        j.sb[rank] = bs[ax];
        rank++;
    }
    if (rank == 0) {   /* a scalar (or all-ones) output */
        j.dims[0] = 1;
        j.sa[0] = j.sb[0] = 0;
        rank = 1;
    }
    j.rank = rank;
    if (rank == 1) {
        nxcpu_parallel(j.dims[0], PARALLEL_MIN, binary_flat, &j);
        return;
    }
    int64_t rows = out->size / j.dims[rank - 1];
    int64_t min_rows = PARALLEL_MIN / j.dims[rank - 1] + 1;
    nxcpu_parallel(rows, min_rows, binary_rows, &j);
}
