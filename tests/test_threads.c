/* tests/test_threads.c: the fast paths of the CPU kernels (bench/RESULTS.md) against plain
 * element-by-element references, on shapes big enough to take them: argmax/argmin in
 * vector passes (ties, NaN, signed zeros, infinities), reduce_max and reduce_min in vector
 * passes, reductions that keep the last axis
 * (four rows per pass, same order), transposes in 4 x 4 and 2 x 2 register blocks, gather
 * by single indices, and math through SLEEF next to arguments out of its range. Then the
 * same ops under 1, 2 and 5 threads (NXC_NUM_THREADS) print the same bits. */
#include "support/nxtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x2545F4914F6CDD1Du;
static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717u) >> 11) * 0x1p-53;
}

static int64_t index_of(const nx_tensor *t)
{
    int64_t v = 0;
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_binary(t, &v, sizeof v), 64);   /* argmax with .type = NX_S64 */
    return v;
}

/* The reference scan: the first (or, tie_high, last) extreme; the first NaN wins. */
static int64_t ref_arg(const double *x, int64_t n, int want_max, int tie_high)
{
    int64_t best = 0;
    for (int64_t i = 1; i < n; i++) {
        double v = x[i], b = x[best];
        if (isnan(b))
            break;
        int better = isnan(v) || (want_max ? (tie_high ? v >= b : v > b) : (tie_high ? v <= b : v < b));
        if (better)
            best = i;
    }
    return best;
}

/* Values from a small set, so that ties are common, with the specials planted. */
static void fill(double *x, int64_t n, int special)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = floor(uniform() * 50) - 25;
    if (special == 1) {
        x[n / 3] = NAN;
        x[2 * n / 3] = NAN;
    } else if (special == 2) {
        x[n / 2] = INFINITY;
        x[n / 5] = -INFINITY;
    } else if (special == 3) {
        for (int64_t i = 0; i < n; i++)
            x[i] = (i % 7 == 0) ? 0.0 : -0.0;
    }
}

Test(threads, argmax_and_argmin_match_the_reference_scan)
{
    int64_t sizes[] = { 5, 40, 4096, 4097, 20011 };
    nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_U8 };
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        int64_t n = sizes[si];
        double *x = malloc((size_t)n * sizeof *x);
        for (int special = 0; special < 4; special++) {
            fill(x, n, special);
            for (size_t ti = 0; ti < sizeof types / sizeof *types; ti++) {
                nx_type type = types[ti];
                if (type != NX_F32 && type != NX_F64 && special != 0)
                    continue;
                double *xs = malloc((size_t)n * sizeof *xs);
                for (int64_t i = 0; i < n; i++)
                    xs[i] = type == NX_U8 ? x[i] + 25 : x[i];
                nx_scope_begin();
                nx_tensor *t = nx_as_type(nx_from_data(xs, NX_F64, NX_SHAPE(n)), type);
                for (int want_max = 0; want_max < 2; want_max++)
                    for (int high = 0; high < 2; high++) {
                        nx_argmax_opts o = { .tie_break = high ? NX_TIE_HIGH : NX_TIE_LOW, .type = NX_S64 };
                        int64_t got = index_of(want_max ? nx_argmax_(t, o) : nx_argmin_(t, o));
                        int64_t want = ref_arg(xs, n, want_max, high);
                        cr_assert_eq(got, want, "%s %s n=%lld special=%d tie_high=%d: got %lld, want %lld",
                                     want_max ? "argmax" : "argmin", nx_type_name(type), (long long)n, special,
                                     high, (long long)got, (long long)want);
                    }
                nx_scope_end();
                free(xs);
            }
        }
        free(x);
    }
}

Test(threads, reduce_max_and_min_match_the_reference_fold)
{
    int64_t n = 20011;
    double *x = malloc((size_t)n * sizeof *x);
    for (int special = 0; special < 4; special++) {
        fill(x, n, special);
        nx_scope_begin();
        nx_tensor *t = nx_from_data(x, NX_F64, NX_SHAPE(n / 1000, 1000));
        nx_tensor *hi = nx_reduce_max(t, .axes = NX_AXES(1));
        nx_tensor *lo = nx_reduce_min(nx_as_type(t, NX_F32), .axes = NX_AXES(1));
        double h[20];
        float l[20];
        cr_assert_eq(nx_to_binary(hi, h, sizeof h), 64 * 20);
        cr_assert_eq(nx_to_binary(lo, l, sizeof l), 32 * 20);
        for (int r = 0; r < 20; r++) {
            double m = -INFINITY;
            float k = INFINITY;
            for (int c = 0; c < 1000; c++) {
                double v = x[r * 1000 + c];
                float w = (float)v;
                m = v > m || v != v ? v : m;   /* the fold of include/nx/reduce.h's order */
                k = w < k || w != w ? w : k;
            }
            cr_assert(memcmp(&h[r], &m, 8) == 0 || (isnan(h[r]) && isnan(m)),
                      "max row %d special %d: %g != %g", r, special, h[r], m);
            cr_assert(memcmp(&l[r], &k, 4) == 0 || (isnan(l[r]) && isnan(k)),
                      "min row %d special %d", r, special);
        }
        nx_scope_end();
    }
    free(x);
}

Test(threads, argmax_along_an_axis_and_sums_that_keep_the_last_axis)
{
    int64_t rows = 67, cols = 33;
    double *x = malloc((size_t)(rows * cols) * sizeof *x);
    fill(x, rows * cols, 0);
    for (int64_t i = 0; i < rows * cols; i++)
        x[i] += uniform();
    nx_scope_begin();
    nx_tensor *t = nx_from_data(x, NX_F64, NX_SHAPE(rows, cols));
    nx_tensor *am = nx_argmax(t, .axis = NX_AXIS(0), .type = NX_S64);
    nx_tensor *s = nx_sum(t, .axes = NX_AXES(0));
    nx_tensor *s32 = nx_sum(nx_as_type(t, NX_F32), .axes = NX_AXES(0));
    int64_t idx[33];
    double sums[33];
    float sums32[33];
    cr_assert_eq(nx_to_binary(am, idx, sizeof idx), 64 * cols);
    cr_assert_eq(nx_to_binary(s, sums, sizeof sums), 64 * cols);
    cr_assert_eq(nx_to_binary(s32, sums32, sizeof sums32), 32 * cols);
    for (int64_t c = 0; c < cols; c++) {
        double col[67], acc = 0, acc32 = 0;
        for (int64_t r = 0; r < rows; r++) {
            col[r] = x[r * cols + c];
            acc += col[r];                  /* one by one, in row order (include/nx/reduce.h) */
            acc32 += (double)(float)col[r];
        }
        cr_assert_eq(idx[c], ref_arg(col, rows, 1, 0), "column %lld", (long long)c);
        cr_assert(memcmp(&sums[c], &acc, sizeof acc) == 0, "column %lld: %.17g != %.17g", (long long)c,
                  sums[c], acc);
        cr_assert_eq(sums32[c], (float)acc32, "column %lld", (long long)c);
    }
    nx_scope_end();
    free(x);
}

/* Checks nx_transpose(t, perm) element by element for a row-major tensor of `dims`. */
static void check_transpose(nx_type type, int rank, const int64_t *dims, const int *perm)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    size_t w = type == NX_F32 ? 4 : 8;
    unsigned char *in = malloc((size_t)n * w), *out = malloc((size_t)n * w);
    for (int64_t i = 0; i < n; i++) {
        if (type == NX_F32) {
            uint32_t bits = (uint32_t)(rng = rng * 6364136223846793005u + 1442695040888963407u) | 0x7f800001u;
            bits = i % 3 ? (uint32_t)i * 2654435761u : bits;   /* NaN payloads must survive too */
            memcpy(in + i * w, &bits, 4);
        } else {
            uint64_t bits = (uint64_t)i * 0x9E3779B97F4A7C15u;
            memcpy(in + i * w, &bits, 8);
        }
    }
    nx_scope_begin();
    nx_shape shape = { .rank = rank };
    nx_axes axes = { .n = rank };
    for (int i = 0; i < rank; i++) {
        shape.dims[i] = dims[i];
        axes.index[i] = perm[i];
    }
    nx_tensor *t = nx_transpose_(nx_from_data(in, type, shape), (nx_transpose_opts){ .axes = axes });
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_binary(t, out, n * (int64_t)w), n * (int64_t)w * 8);
    int64_t stride[NX_MAX_RANK], pos[NX_MAX_RANK] = { 0 };
    for (int i = rank - 1, s = 1; i >= 0; s *= (int)dims[i], i--)
        stride[i] = s;
    for (int64_t o = 0; o < n; o++) {
        int64_t src = 0;
        for (int i = 0; i < rank; i++)
            src += pos[i] * stride[perm[i]];
        cr_assert(memcmp(out + o * w, in + src * w, w) == 0, "%s element %lld", nx_type_name(type),
                  (long long)o);
        for (int i = rank - 1; i >= 0; i--) {
            if (++pos[i] < dims[perm[i]])
                break;
            pos[i] = 0;
        }
    }
    nx_scope_end();
    free(in);
    free(out);
}

Test(threads, transposes_in_register_blocks_move_every_bit)
{
    nx_type types[] = { NX_F32, NX_F64 };
    for (int k = 0; k < 2; k++) {
        check_transpose(types[k], 2, (int64_t[]){ 37, 53 }, (int[]){ 1, 0 });
        check_transpose(types[k], 2, (int64_t[]){ 64, 129 }, (int[]){ 1, 0 });
        check_transpose(types[k], 3, (int64_t[]){ 3, 41, 50 }, (int[]){ 0, 2, 1 });
        check_transpose(types[k], 3, (int64_t[]){ 19, 5, 34 }, (int[]){ 2, 1, 0 });
    }
}

Test(threads, gather_by_single_indices_clamps)
{
    int64_t n = 3001, m = 40000;
    float *x = malloc((size_t)n * sizeof *x), *got = malloc((size_t)m * sizeof *got);
    int64_t *idx = malloc((size_t)m * sizeof *idx);
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)i * 0.5f;
    for (int64_t i = 0; i < m; i++)
        idx[i] = (int64_t)(uniform() * (double)(n + 200)) - 100;   /* some out of range */
    nx_scope_begin();
    nx_tensor *g = nx_gather(nx_from_data(x, NX_F32, NX_SHAPE(n)), nx_from_data(idx, NX_S64, NX_SHAPE(m, 1)));
    cr_assert_not_null(g, "%s", nx_error_message());
    cr_assert_eq(nx_to_binary(g, got, m * 4), m * 32);
    for (int64_t i = 0; i < m; i++) {
        int64_t k = idx[i] < 0 ? 0 : idx[i] >= n ? n - 1 : idx[i];
        cr_assert_eq(got[i], x[k], "element %lld (index %lld)", (long long)i, (long long)idx[i]);
    }
    nx_scope_end();
    free(x);
    free(got);
    free(idx);
}

Test(threads, math_next_to_arguments_out_of_sleefs_range)
{
    /* A block of in-range arguments with a few that SLEEF does not take (NaN, infinities,
     * near overflow, subnormal results): each must equal the same value computed alone. */
    int64_t n = 3000;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    double specials[] = { NAN, INFINITY, -INFINITY, 709.5, -745.0, 1e300, -0.0, 0.999999 };
    for (int64_t i = 0; i < n; i++)
        x[i] = uniform() * 20 - 10;
    for (size_t k = 0; k < sizeof specials / sizeof *specials; k++)
        x[(int64_t)k * 377 + 5] = specials[k];
    nx_tensor *(*fns[])(const nx_tensor *) = { nx_exp, nx_expm1, nx_log1p, nx_sinh, nx_cosh, nx_tanh,
                                               nx_asinh, nx_atanh };
    for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
        nx_scope_begin();
        nx_tensor *all = fns[f](nx_from_data(x, NX_F64, NX_SHAPE(n)));
        cr_assert_eq(nx_to_binary(all, y, n * 8), n * 64);
        for (size_t k = 0; k < sizeof specials / sizeof *specials; k++) {
            int64_t at = (int64_t)k * 377 + 5;
            double one;
            nx_to_binary(fns[f](nx_from_data(&x[at], NX_F64, NX_SHAPE(1))), &one, 8);
            cr_assert(memcmp(&one, &y[at], 8) == 0 || (isnan(one) && isnan(y[at])),
                      "function %zu at %.17g: %.17g alone, %.17g in a block", f, x[at], one, y[at]);
        }
        nx_scope_end();
    }
    free(x);
    free(y);
}

Test(threads, fast_paths_do_not_depend_on_the_thread_count)
{
    const char *code =
        "t = Nx.iota({300, 301}, type: :f32) |> Nx.multiply(0.013) |> Nx.sin()\n"
        "u = Nx.iota({200003}, type: :f64) |> Nx.multiply(1.0e-4)\n"
        "i = Nx.iota({70000, 1}) |> Nx.multiply(7) |> Nx.remainder(200003)\n"
        "{Nx.sum(Nx.transpose(t)), Nx.sum(Nx.tanh(u)), Nx.sum(Nx.exp(Nx.negate(u))),"
        " Nx.sum(Nx.gather(u, i)), Nx.argmax(Nx.cos(u)), Nx.sum(t, axes: [0]) |> Nx.sum(),"
        " Nx.sum(Nx.log1p(u))}";
    nxtest_same_for_thread_counts(code);
}
