/* bench/eager.c: times nxc's eager CPU backend on the 13 workloads of bench/RESULTS.md
 * (element-wise, reductions, layout, sort, gather, softmax), in f32 and f64, through the
 * public API only. Prints one tab-separated line per workload and type:
 *
 *     op  dtype  median_ms  reps
 *
 * and, first, the memory-bandwidth reference of the same run (memcpy of 1M elements).
 * bench/eager.py times NumPy and PyTorch on the same workloads; bench/table.py joins the
 * two. Each call runs inside its own scope, so the result and temporaries are freed
 * inside the timed region, as NumPy and PyTorch free theirs. Not a test: nothing here
 * checks results (tests/ does that). */
#define _POSIX_C_SOURCE 200809L
#include <nx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "timing.h"

#define N 1000000              /* elements of the 1-D workloads */
#define SIDE 2000              /* the 2000 x 2000 of sum along an axis and transpose */
#define ROWS 1000              /* softmax: 1000 rows of 1000 along the last axis */
#define MIN_REPS 11
#define MAX_REPS 51
#define TIME_BUDGET 1.5        /* seconds per workload, once MIN_REPS are done */

typedef struct {
    nx_tensor *x, *y, *pos, *sq, *rows, *idx;
} inputs;

typedef nx_tensor *workload_fn(const inputs *in);

static nx_tensor *random_tensor(nx_type type, nx_shape shape, double lo, double hi)
{
    int64_t n = 1;
    for (int i = 0; i < shape.rank; i++)
        n *= shape.dims[i];
    size_t width = type == NX_F32 ? 4 : 8;
    void *data = malloc((size_t)n * width);
    if (!data)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        double v = uniform(lo, hi);
        if (type == NX_F32)
            ((float *)data)[i] = (float)v;
        else
            ((double *)data)[i] = v;
    }
    nx_tensor *t = nx_from_data(data, type, shape);
    free(data);
    return t;
}

static nx_tensor *random_indices(int64_t n, int64_t bound)
{
    int64_t *data = malloc((size_t)n * sizeof *data);
    if (!data)
        return NULL;
    for (int64_t i = 0; i < n; i++)
        data[i] = (int64_t)uniform(0, (double)bound);
    nx_tensor *t = nx_from_data(data, NX_S64, NX_SHAPE(n, 1));
    free(data);
    return t;
}

/* ---- the workloads ---- */

static nx_tensor *w_add(const inputs *in) { return nx_add(in->x, in->y); }
static nx_tensor *w_multiply(const inputs *in) { return nx_multiply(in->x, in->y); }
static nx_tensor *w_exp(const inputs *in) { return nx_exp(in->x); }
static nx_tensor *w_log(const inputs *in) { return nx_log(in->pos); }
static nx_tensor *w_tanh(const inputs *in) { return nx_tanh(in->x); }
static nx_tensor *w_sum(const inputs *in) { return nx_sum(in->x); }
static nx_tensor *w_sum_axis0(const inputs *in) { return nx_sum(in->sq, .axes = NX_AXES(0)); }
static nx_tensor *w_sum_axis1(const inputs *in) { return nx_sum(in->sq, .axes = NX_AXES(1)); }
static nx_tensor *w_argmax(const inputs *in) { return nx_argmax(in->x); }
static nx_tensor *w_transpose(const inputs *in) { return nx_transpose(in->sq); }
static nx_tensor *w_sort(const inputs *in) { return nx_sort(in->x); }
static nx_tensor *w_gather(const inputs *in) { return nx_gather(in->x, in->idx); }

/* Rotates the vector by half its length: two slices joined the other way round. */
static nx_tensor *w_slice_concat(const inputs *in)
{
    nx_tensor *hi = nx_slice_along_axis(in->x, N / 2, N - N / 2);
    nx_tensor *lo = nx_slice_along_axis(in->x, 0, N / 2);
    return nx_concatenate(NX_TENSORS(hi, lo));
}

/* Softmax along the last axis, the composite users write: exp(x - max) / sum. */
static nx_tensor *w_softmax(const inputs *in)
{
    nx_tensor *m = nx_reduce_max(in->rows, .axes = NX_AXES(1), .keep_axes = true);
    nx_tensor *e = nx_exp(nx_subtract(in->rows, m));
    return nx_divide(e, nx_sum(e, .axes = NX_AXES(1), .keep_axes = true));
}

static const struct {
    const char *name;
    workload_fn *fn;
} workloads[] = {
    { "add", w_add },
    { "multiply", w_multiply },
    { "exp", w_exp },
    { "log", w_log },
    { "tanh", w_tanh },
    { "sum", w_sum },
    { "sum_axis0", w_sum_axis0 },
    { "argmax", w_argmax },
    { "transpose", w_transpose },
    { "slice_concat", w_slice_concat },
    { "sort", w_sort },
    { "gather", w_gather },
    { "softmax", w_softmax },
    { "sum_axis1", w_sum_axis1 },   /* extra: not one of the 13 */
};

/* Runs fn until MAX_REPS, or MIN_REPS and the time budget; returns the median in ms, or
 * -1 when a call fails. */
static double time_workload(workload_fn *fn, const inputs *in, int *reps)
{
    double t[MAX_REPS];
    for (int i = 0; i < 3; i++) {   /* warm-up: page in the inputs, start the pool */
        nx_scope_begin();
        nx_tensor *r = fn(in);
        nx_scope_end();
        if (!r)
            return -1;
    }
    double start = now();
    int n = 0;
    while (n < MAX_REPS && (n < MIN_REPS || now() - start < TIME_BUDGET)) {
        double t0 = now();
        nx_scope_begin();
        fn(in);
        nx_scope_end();
        t[n++] = (now() - t0) * 1e3;
    }
    *reps = n;
    return median(t, n);
}

/* memcpy of 1M elements between buffers already paged in: the bound of a pass that
 * reads one array and writes another. */
static double memcpy_ms(size_t bytes)
{
    unsigned char *a = malloc(bytes), *b = malloc(bytes);
    double t[MAX_REPS], ms = -1;
    if (a && b) {
        memset(a, 1, bytes);
        memset(b, 2, bytes);
        for (int i = 0; i < MAX_REPS; i++) {
            double t0 = now();
            memcpy(b, a, bytes);
            t[i] = (now() - t0) * 1e3;
            a[i] = b[bytes - 1 - (size_t)i];   /* keep the copies observable */
        }
        ms = median(t, MAX_REPS);
    }
    free(a);
    free(b);
    return ms;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;   /* optional: one workload by name */
    for (int w = 4; w <= 8; w += 4) {
        double ms = memcpy_ms((size_t)N * (size_t)w);
        printf("memcpy\t%s\t%.4f\t%d\t# %.1f GB/s read+write\n", w == 4 ? "f32" : "f64", ms,
               MAX_REPS, 2.0 * N * w / (ms * 1e-3) / 1e9);
    }
    nx_type types[] = { NX_F32, NX_F64 };
    for (int ti = 0; ti < 2; ti++) {
        nx_type type = types[ti];
        inputs in = {
            .x = random_tensor(type, NX_SHAPE(N), -1, 1),
            .y = random_tensor(type, NX_SHAPE(N), -1, 1),
            .pos = random_tensor(type, NX_SHAPE(N), 0.5, 2),
            .sq = random_tensor(type, NX_SHAPE(SIDE, SIDE), -1, 1),
            .rows = random_tensor(type, NX_SHAPE(ROWS, N / ROWS), -4, 4),
            .idx = random_indices(N, N),
        };
        if (!in.x || !in.y || !in.pos || !in.sq || !in.rows || !in.idx) {
            fprintf(stderr, "eager: could not make the inputs: %s\n", nx_error_message());
            return 1;
        }
        for (size_t k = 0; k < sizeof workloads / sizeof *workloads; k++) {
            if (only && strcmp(only, workloads[k].name) != 0)
                continue;
            int reps = 0;
            double ms = time_workload(workloads[k].fn, &in, &reps);
            if (ms < 0) {
                fprintf(stderr, "eager: %s failed: %s\n", workloads[k].name, nx_error_message());
                return 1;
            }
            printf("%s\t%s\t%.4f\t%d\n", workloads[k].name, nx_type_name(type), ms, reps);
            fflush(stdout);
        }
        nx_release(in.x);
        nx_release(in.y);
        nx_release(in.pos);
        nx_release(in.sq);
        nx_release(in.rows);
        nx_release(in.idx);
    }
    return 0;
}
