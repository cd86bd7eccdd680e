/* bench/products.c: times nxc on the workloads of issue #5 (bench/RESULTS.md): dot of
 * square matrices (64, 256, 1024, 2048; f32 and f64) beside OpenBLAS's gemm called
 * directly on the same buffers, a batched dot, conv2d of a small CNN layer, window_max
 * 2x2, cumulative_sum of 1M, fft of 2^20 c64, and a 256 x 256 dot followed by tanh of
 * 1M elements (nxc's pool right after OpenBLAS's threads). Prints one tab-separated line each:
 *
 *     op  dtype  nxc_ms  openblas_ms (or -)  reps
 *
 * bench/products.py times NumPy and PyTorch on the same workloads; bench/products_table.py
 * joins them. Not a test: tests/ checks the results. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <nx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "timing.h"

#define MIN_REPS 5
#define MAX_REPS 51
#define TIME_BUDGET 2.0

/* A tensor of uniform values in [-1, 1) (kept past every scope). */
static nx_tensor *random_tensor(nx_type type, nx_shape shape)
{
    int64_t n = 1;
    for (int i = 0; i < shape.rank; i++)
        n *= shape.dims[i];
    double *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++)
        v[i] = uniform(-1, 1);
    nx_tensor *t = nx_as_type(nx_from_data(v, NX_F64, shape), type);
    free(v);
    return nx_retain(t);
}

typedef struct {
    const nx_tensor *a, *b;
    nx_type type;
    int n;
    void *raw_a, *raw_b;   /* the same values for OpenBLAS */
} job;

typedef void workload(const job *j);

/* Each workload starts on a quiet process: OpenBLAS's idle workers poll for about 0.1 s
 * after its last threaded call (2^28 cycles), and the workload timed right after a
 * threaded gemm would share a core with them. That interaction has a row of its own
 * (mixed_dot256_tanh1M). */
static void settle(void)
{
    nanosleep(&(struct timespec){ .tv_nsec = 250000000 }, NULL);
}

/* The median of fn's calls; with ref, fn and ref take turns call by call (into ref_ms),
 * so that both see the same moments of a noisy machine. */
static double time_it(workload *fn, workload *ref, const job *j, int *reps, double *ref_ms)
{
    double t[MAX_REPS], r[MAX_REPS];
    settle();
    for (int i = 0; i < 2; i++) {
        fn(j);
        if (ref)
            ref(j);
    }
    double start = now();
    int n = 0;
    while (n < MAX_REPS && (n < MIN_REPS || now() - start < TIME_BUDGET)) {
        double t0 = now();
        fn(j);
        double t1 = now();
        if (ref)
            ref(j);
        r[n] = (now() - t1) * 1e3;
        t[n++] = (t1 - t0) * 1e3;
    }
    *reps = n;
    if (ref)
        *ref_ms = median(r, n);
    return median(t, n);
}

/* Each nxc call runs in its own scope: the result is freed in the timed region. */
static void w_dot(const job *j)
{
    nx_scope_begin();
    nx_dot(j->a, j->b);
    nx_scope_end();
}

static void w_batched_dot(const job *j)
{
    nx_scope_begin();
    nx_dot_general(j->a, j->b, .contract_a = NX_AXES(2), .batch_a = NX_AXES(0), .contract_b = NX_AXES(1),
                   .batch_b = NX_AXES(0));
    nx_scope_end();
}

static void w_conv(const job *j)
{
    nx_scope_begin();
    nx_conv(j->a, j->b, .padding = NX_PADDING_SAME);
    nx_scope_end();
}

/* A threaded gemm, then an element-wise kernel on nxc's pool right after it. */
static void w_dot_then_tanh(const job *j)
{
    nx_scope_begin();
    nx_dot(j->a, j->a);
    nx_tanh(j->b);
    nx_scope_end();
}

static void w_window_max(const job *j)
{
    nx_scope_begin();
    nx_window_max(j->a, NX_SHAPE(1, 1, 2, 2), .strides = NX_INTS(1, 1, 2, 2));
    nx_scope_end();
}

static void w_cumsum(const job *j)
{
    nx_scope_begin();
    nx_cumulative_sum(j->a);
    nx_scope_end();
}

static void w_fft(const job *j)
{
    nx_scope_begin();
    nx_fft(j->a);
    nx_scope_end();
}

/* OpenBLAS's gemm on the inputs' own buffers, into a preallocated output. */
static void *gemm_out;
static void w_openblas(const job *j)
{
    const void *a = j->raw_a, *b = j->raw_b;
    if (j->type == NX_F32)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->n, j->n, j->n, 1.0f, a, j->n, b, j->n, 0.0f,
                    gemm_out, j->n);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->n, j->n, j->n, 1.0, a, j->n, b, j->n, 0.0,
                    gemm_out, j->n);
}

static void report(const char *op, nx_type type, workload *fn, const job *j, workload *ref)
{
    int reps;
    double ref_ms = 0, ms = time_it(fn, ref, j, &reps, &ref_ms);
    if (ref)
        printf("%s\t%s\t%.4f\t%.4f\t%d\n", op, nx_type_name(type), ms, ref_ms, reps);
    else
        printf("%s\t%s\t%.4f\t-\t%d\n", op, nx_type_name(type), ms, reps);
    fflush(stdout);
}

int main(void)
{
    static const int sizes[] = { 64, 256, 1024, 2048 };
    nx_type types[] = { NX_F32, NX_F64 };
    gemm_out = malloc((size_t)2048 * 2048 * 8);
    for (int ti = 0; ti < 2; ti++)
        for (int si = 0; si < 4; si++) {
            int n = sizes[si];
            job j = { random_tensor(types[ti], NX_SHAPE(n, n)), random_tensor(types[ti], NX_SHAPE(n, n)), types[ti], n,
                      malloc((size_t)n * n * 8), malloc((size_t)n * n * 8) };
            nx_to_binary(j.a, j.raw_a, (int64_t)n * n * 8);
            nx_to_binary(j.b, j.raw_b, (int64_t)n * n * 8);
            char op[32];
            snprintf(op, sizeof op, "dot_%d", n);
            report(op, types[ti], w_dot, &j, w_openblas);
            free(j.raw_a);
            free(j.raw_b);
            nx_release((nx_tensor *)j.a);
            nx_release((nx_tensor *)j.b);
        }
    free(gemm_out);
    for (int ti = 0; ti < 2; ti++) {
        nx_type t = types[ti];
        job batched = { random_tensor(t, NX_SHAPE(64, 128, 128)), random_tensor(t, NX_SHAPE(64, 128, 128)), t, 0, NULL, NULL };
        report("batched_dot_64x128", t, w_batched_dot, &batched, NULL);
        job conv = { random_tensor(t, NX_SHAPE(32, 3, 32, 32)), random_tensor(t, NX_SHAPE(32, 3, 3, 3)), t, 0, NULL, NULL };
        report("conv2d_32x3x32x32_k32x3x3", t, w_conv, &conv, NULL);
        /* two deeper layers: where the direct kernel and im2col + GEMM trade places */
        for (int l = 0; l < 2; l++) {
            int64_t c = l ? 64 : 16, o = l ? 64 : 32, hw = l ? 16 : 32;
            job deeper = { random_tensor(t, NX_SHAPE(32, c, hw, hw)), random_tensor(t, NX_SHAPE(o, c, 3, 3)), t, 0, NULL, NULL };
            char op[48];
            snprintf(op, sizeof op, "conv2d_32x%dx%dx%d_k%dx3x3", (int)c, (int)hw, (int)hw, (int)o);
            report(op, t, w_conv, &deeper, NULL);
            nx_release((nx_tensor *)deeper.a);
            nx_release((nx_tensor *)deeper.b);
        }
        job window = { random_tensor(t, NX_SHAPE(16, 64, 32, 32)), NULL, t, 0, NULL, NULL };
        report("window_max_2x2", t, w_window_max, &window, NULL);
        job cumsum = { random_tensor(t, NX_SHAPE(1000000)), NULL, t, 0, NULL, NULL };
        report("cumulative_sum_1M", t, w_cumsum, &cumsum, NULL);
        nx_release((nx_tensor *)batched.a);
        nx_release((nx_tensor *)batched.b);
        nx_release((nx_tensor *)conv.a);
        nx_release((nx_tensor *)conv.b);
        nx_release((nx_tensor *)window.a);
        nx_release((nx_tensor *)cumsum.a);
    }
    job mixed = { random_tensor(NX_F32, NX_SHAPE(256, 256)), random_tensor(NX_F32, NX_SHAPE(1000000)), NX_F32, 0, NULL, NULL };
    report("mixed_dot256_tanh1M", NX_F32, w_dot_then_tanh, &mixed, NULL);
    nx_release((nx_tensor *)mixed.a);
    nx_release((nx_tensor *)mixed.b);
    job fft = { nx_retain(nx_as_type(random_tensor(NX_F32, NX_SHAPE(1 << 20)), NX_C64)), NULL, NX_C64, 0, NULL, NULL };
    report("fft_2^20", NX_C64, w_fft, &fft, NULL);
    nx_release((nx_tensor *)fft.a);
    return 0;
}
