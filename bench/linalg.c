/* bench/linalg.c: times nxc's Nx.LinAlg on LAPACK: qr (reduced), cholesky, eigh, svd (full
 * matrices) and solve (vector right-hand side) of f64 matrices of 256 and 1024, the
 * medians of 3 to 21 calls (about 1 s a workload). Prints one tab-separated line each:
 *
 *     op  n  nxc_ms  reps
 *
 * bench/linalg.py times numpy.linalg on the same workloads; bench/run.sh joins them. Not
 * a test: tests/test_linalg.c checks the results. */
#define _POSIX_C_SOURCE 200809L
#include <nx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timing.h"

#define MIN_REPS 3
#define MAX_REPS 21
#define TIME_BUDGET 1.0

static nx_tensor *random_matrix(int64_t n, bool spd)
{
    double *v = malloc((size_t)(n * n) * sizeof *v);
    for (int64_t i = 0; i < n * n; i++)
        v[i] = uniform(-1, 1);
    nx_tensor *t = nx_from_data(v, NX_F64, NX_SHAPE(n, n));
    free(v);
    if (spd)   /* a·aᵀ + n·I, and symmetric for eigh */
        t = nx_add(nx_dot(t, nx_transpose(t)), nx_multiply(nx_eye(NX_SHAPE(n, n), .type = NX_F64),
                                                           nx_scalar(NX_FLOAT((double)n), NX_F64)));
    return nx_retain(t);
}

static void run(const char *op, const nx_tensor *a, const nx_tensor *b)
{
    nx_tensor *x, *y, *z;
    if (!strcmp(op, "qr"))
        nx_qr(a, &x, &y);
    else if (!strcmp(op, "cholesky"))
        nx_cholesky(a);
    else if (!strcmp(op, "eigh"))
        nx_eigh(a, &x, &y);
    else if (!strcmp(op, "svd"))
        nx_svd(a, &x, &y, &z);
    else
        nx_solve(a, b);
}

int main(void)
{
    static const char *const ops[] = { "qr", "cholesky", "eigh", "svd", "solve" };
    static const int64_t sizes[] = { 256, 1024 };
    for (int s = 0; s < 2; s++) {
        int64_t n = sizes[s];
        nx_tensor *a = random_matrix(n, false), *spd = random_matrix(n, true);
        double *bv = malloc((size_t)n * sizeof *bv);
        for (int64_t i = 0; i < n; i++)
            bv[i] = uniform(-1, 1);
        nx_tensor *b = nx_retain(nx_from_data(bv, NX_F64, NX_SHAPE(n)));
        free(bv);
        for (int o = 0; o < 5; o++) {
            const nx_tensor *in = !strcmp(ops[o], "cholesky") || !strcmp(ops[o], "eigh") ? spd : a;
            double times[MAX_REPS];
            int reps = 0;
            nx_scope_begin();
            run(ops[o], in, b);   /* warm-up */
            nx_scope_end();
            double start = now();
            while (reps < MAX_REPS && (reps < MIN_REPS || now() - start < TIME_BUDGET)) {
                nx_scope_begin();
                double t0 = now();
                run(ops[o], in, b);
                times[reps++] = (now() - t0) * 1e3;
                nx_scope_end();
            }
            if (nx_error() != NX_OK) {
                fprintf(stderr, "%s: %s\n", ops[o], nx_error_message());
                return 1;
            }
            printf("%s\t%lld\t%.4f\t%d\n", ops[o], (long long)n, median(times, reps), reps);
            fflush(stdout);
        }
        nx_release(b);
        nx_release(spd);
        nx_release(a);
    }
    return 0;
}
