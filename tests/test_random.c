/* tests/test_random.c: Nx.Random (spec/random.md). Threefry-2x32-20 against the
 * Random123 known-answer vectors; every sampler bit for bit against the independent
 * Python re-implementation of tests/oracle/gen_random.py (many seeds, shapes, every float
 * and integer type); Nx's documented outputs; statistical sanity of each distribution;
 * bad keys and options with Nx's messages. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t u32_at(const nx_tensor *t, int64_t i)
{
    nx_number n;
    int64_t cnt = nx_size(t);
    nx_number *all = malloc(sizeof *all * (size_t)cnt);
    cr_assert_eq(nx_to_flat_list(t, all, cnt), cnt);
    n = all[i];
    free(all);
    return (uint32_t)n.i;
}

/* ------------------------------------------------------------------ Threefry */

/* Random123's kat_vectors for threefry2x32_20: (counter, key) -> output. */
Test(random, threefry_known_answers)
{
    static const uint32_t kat[3][6] = {
        { 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6b200159, 0x99ba4efe },
        { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7 },
        { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xc4923a9c, 0x483df7a0 },
    };
    for (int i = 0; i < 3; i++) {
        nx_scope_begin();
        nx_tensor *xs = nx_from_data(kat[i], NX_U32, NX_SHAPE(2, 1));
        nx_tensor *key = nx_from_data(kat[i] + 2, NX_U32, NX_SHAPE(2));
        nx_tensor *y = nx_random_threefry2x32_20_concat(xs, key);
        cr_assert_not_null(y, "%s", nx_error_message());
        cr_assert_eq(u32_at(y, 0), kat[i][4], "vector %d word 0: %08x", i, u32_at(y, 0));
        cr_assert_eq(u32_at(y, 1), kat[i][5], "vector %d word 1: %08x", i, u32_at(y, 1));
        nx_scope_end();
    }
}

/* ------------------------------------------------------------------ the oracle */

typedef struct {
    char op[13], type[13], otype[13];
    uint64_t seed;
    nx_shape shape;
    int nargs;
    char kind[64][13];
    unsigned char val[64][8];
    int64_t axis, samples;
    int independent, replace;
    uint32_t nout;
    const unsigned char *out;
    uint32_t key[2];
} rcase;

static void read_case(nxtest_reader *r, rcase *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->op, nxtest_rd_bytes(r, 12), 12);
    c->seed = nxtest_rd_le(r, 8);
    memcpy(c->type, nxtest_rd_bytes(r, 12), 12);
    c->shape = nxtest_rd_shape(r);
    c->nargs = (int)nxtest_rd_le(r, 1);
    cr_assert(c->nargs <= 64);
    for (int i = 0; i < c->nargs; i++) {
        memcpy(c->kind[i], nxtest_rd_bytes(r, 12), 12);
        memcpy(c->val[i], nxtest_rd_bytes(r, 8), 8);
    }
    c->axis = (int64_t)nxtest_rd_le(r, 8);
    c->independent = (int)nxtest_rd_le(r, 1);
    c->samples = (int64_t)nxtest_rd_le(r, 8);
    c->replace = (int)nxtest_rd_le(r, 1);
    memcpy(c->otype, nxtest_rd_bytes(r, 12), 12);
    c->nout = (uint32_t)nxtest_rd_le(r, 4);
    c->out = nxtest_rd_bytes(r, 8 * (uint64_t)c->nout);
    c->key[0] = (uint32_t)nxtest_rd_le(r, 4);
    c->key[1] = (uint32_t)nxtest_rd_le(r, 4);
}

/* Argument i: a plain number ("int", "float") or a typed scalar. */
static nx_tensor *arg(const rcase *c, int i)
{
    int64_t iv;
    double fv;
    memcpy(&iv, c->val[i], 8);
    memcpy(&fv, c->val[i], 8);
    if (!strcmp(c->kind[i], "int"))
        return NX_I(iv);
    if (!strcmp(c->kind[i], "float"))
        return NX_F(fv);
    nx_type t = nxtest_type_named(c->kind[i]);
    return nx_scalar(nx_type_is_integer(t) ? NX_INT(iv) : NX_FLOAT(fv), t);
}

/* The arguments stacked into a rank-1 tensor of their (shared) type. */
static nx_tensor *arg_vector(const rcase *c)
{
    nx_tensor *parts[64];
    for (int i = 0; i < c->nargs; i++)
        parts[i] = nx_reshape(arg(c, i), NX_SHAPE(1));
    nx_tensor_list list = { .n = c->nargs, .v = (const nx_tensor *const *)parts };
    return nx_concatenate(list);
}

static nx_tensor *run_case(const rcase *c, nx_tensor **nk)
{
    nx_tensor *key = nx_random_key(c->seed);
    nx_random_opts o = { .shape = c->shape, .type = nxtest_type_named(c->type) };
    const nx_tensor *a = c->nargs ? arg(c, 0) : NULL, *b = c->nargs ? arg(c, 1) : NULL;
    nx_axis axis = c->axis < 0 ? (nx_axis){ 0 } : NX_AXIS((int)c->axis);
    if (!strcmp(c->op, "split"))
        return nx_random_split(key, .parts = c->shape.dims[0]);
    if (!strcmp(c->op, "fold_in"))
        return nx_random_fold_in(key, arg_vector(c));
    if (!strcmp(c->op, "uniform"))
        return nx_random_uniform_(key, a, b, nk, o);
    if (!strcmp(c->op, "normal"))
        return nx_random_normal_(key, a, b, nk, o);
    if (!strcmp(c->op, "gumbel"))
        return nx_random_gumbel_(key, nk, o);
    if (!strcmp(c->op, "randint"))
        return nx_random_randint_(key, a, b, nk, o);
    nx_tensor *x = nx_iota(c->shape, .type = NX_S64);
    if (!strcmp(c->op, "shuffle"))
        return nx_random_shuffle(key, x, nk, .axis = axis, .independent = c->independent);
    nx_choice_opts co = { .samples = c->samples, .axis = axis, .no_replace = !c->replace };
    return nx_random_choice_(key, x, c->nargs ? arg_vector(c) : NULL, nk, co);
}

/* Element i of the result as the oracle writes it: float bits, or the integer value. */
static uint64_t got_at(const nx_tensor *t, const unsigned char *bin, const nx_number *ints, int64_t i)
{
    nx_type ty = nx_type_of(t);
    if (nx_type_is_integer(ty))
        return ints[i].kind == NX_NUM_UINT ? ints[i].u : (uint64_t)ints[i].i;
    int w = nx_type_bits(nx_type_to_real(ty)) / 8;
    uint64_t v = 0;
    memcpy(&v, bin + w * i, (size_t)w);
    return v;
}

Test(random, matches_python_oracle)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("random_cases.bin", "NXRND01\n", &buf, &r);
    long bad = 0, limit = nxtest_scaled((long)ncases);
    for (uint32_t n = 0; n < ncases; n++) {
        rcase c;
        read_case(&r, &c);
        if ((long)n >= limit && strcmp(c.op, "split"))
            continue;
        nx_scope_begin();
        nx_tensor *nk = NULL, *t = run_case(&c, &nk);
        cr_assert_not_null(t, "case %u %s %s seed %llu: %s", n, c.op, c.type, (unsigned long long)c.seed,
                           nx_error_message());
        cr_assert_eq(nx_type_of(t), nxtest_type_named(c.otype), "case %u %s: type", n, c.op);
        int64_t cnt = nx_size(t) * (nx_type_is_complex(nx_type_of(t)) ? 2 : 1);
        cr_assert_eq(cnt, c.nout, "case %u %s: %lld values, expected %u", n, c.op, (long long)cnt, c.nout);
        int64_t bytes = nx_byte_size(t) + 8;
        unsigned char *bin = malloc((size_t)bytes);
        nx_number *ints = malloc(sizeof *ints * (size_t)(cnt + 1));
        cr_assert(nx_to_binary(t, bin, bytes) >= 0);
        if (nx_type_is_integer(nx_type_of(t)))
            cr_assert_eq(nx_to_flat_list(t, ints, cnt), cnt);
        for (int64_t i = 0; i < cnt; i++) {
            uint64_t want;
            memcpy(&want, c.out + 8 * i, 8);
            uint64_t got = got_at(t, bin, ints, i);
            if (got != want && bad++ < 20)
                cr_log_error("case %u %s %s seed %llu element %lld: got %llx, want %llx", n, c.op, c.type,
                             (unsigned long long)c.seed, (long long)i, (unsigned long long)got,
                             (unsigned long long)want);
        }
        if (c.key[0] || c.key[1]) {
            cr_assert_not_null(nk, "case %u: no new key", n);
            if ((u32_at(nk, 0) != c.key[0] || u32_at(nk, 1) != c.key[1]) && bad++ < 20)
                cr_log_error("case %u %s: new key [%u, %u], want [%u, %u]", n, c.op, u32_at(nk, 0), u32_at(nk, 1),
                             c.key[0], c.key[1]);
        }
        free(bin);
        free(ints);
        nx_scope_end();
    }
    free(buf);
    cr_assert_eq(bad, 0, "%ld values differ from the oracle", bad);
}

/* ------------------------------------------------------------------ Nx's outputs */

Test(random, documented_examples)
{
    nxtest_expect_code("Nx.Random.key(999999999999)", "#Nx.Tensor<\n  u32[2]\n  [232, 3567587327]\n>");
    nxtest_expect_code("Nx.Random.split(Nx.Random.key(1701))",
                       "#Nx.Tensor<\n  u32[2][2]\n  [\n    [56197195, 1801093307],\n    [961309823, 1704866707]\n  ]\n>");
    nxtest_expect_code("Nx.Random.fold_in(Nx.Random.key(42), 1234)",
                       "#Nx.Tensor<\n  u32[2]\n  [1356445167, 2917756949]\n>");
    nxtest_expect_code("{u, _} = Nx.Random.uniform(Nx.Random.key(12))\nu", "#Nx.Tensor<\n  f32\n  0.7691127\n>");
    nxtest_expect_code("Nx.Random.uniform(Nx.Random.key(3), shape: {2})",
                       "{#Nx.Tensor<\n   f32[2]\n   [0.5208584, 0.24485552]\n >,\n #Nx.Tensor<\n   u32[2]\n"
                       "   [1024511538, 47757680]\n >}");
    nxtest_expect_code("{u, _} = Nx.Random.uniform(Nx.Random.key(1701), -2.0, 3.0, shape: {8}, type: :f8)\n"
                       "Nx.to_binary(u)", "<<56, 192, 62, 186, 192, 192, 192, 192>>");
    nxtest_expect_code("{n, _} = Nx.Random.normal(Nx.Random.key(0), shape: {4}, type: :bf16)\nn",
                       "#Nx.Tensor<\n  bf16[4]\n  [0.1123, 0.902, 0.664, -0.555]\n>");
    nxtest_expect_code("{r, _} = Nx.Random.randint(Nx.Random.key(0), 0, 10, shape: {4}, type: :u64)\nr",
                       "#Nx.Tensor<\n  u64[4]\n  [9, 7, 5, 8]\n>");
    nxtest_expect_code("{g, _} = Nx.Random.gumbel(Nx.Random.key(1701), shape: {8}, type: {:f8_e4m3fn, 8})\n"
                       "Nx.to_binary(g)", "<<49, 187, 61, 170, 178, 178, 187, 187>>");
    nxtest_expect_code("Nx.Random.shuffle(Nx.Random.key(0), Nx.iota({10}))",
                       "{#Nx.Tensor<\n   s32[10]\n   [2, 7, 9, 6, 0, 8, 1, 3, 4, 5]\n >,\n #Nx.Tensor<\n   u32[2]\n"
                       "   [4146024105, 967050713]\n >}");
    nxtest_expect_code("k = Nx.Random.key(2)\np = Nx.tensor([0.01, 0.1, 0.19, 0.6, 0.05, 0.05])\n"
                       "{r, _} = Nx.Random.choice(k, Nx.iota({2, 3}), p, samples: 6, replace: false)\nr",
                       "#Nx.Tensor<\n  s32[6]\n  [3, 1, 2, 5, 4, 0]\n>");
}

/* ------------------------------------------------------------------ statistics */

/* Mean and (sample) variance of t's values. */
static void moments(nx_tensor *t, double *mean, double *var)
{
    int64_t n = nx_size(t);
    double *v = malloc(sizeof *v * (size_t)n), s = 0, q = 0;
    cr_assert_eq(nx_to_binary(nx_as_type(t, NX_F64), v, 8 * n), 64 * n);
    for (int64_t i = 0; i < n; i++)
        s += v[i];
    *mean = s / (double)n;
    for (int64_t i = 0; i < n; i++)
        q += (v[i] - *mean) * (v[i] - *mean);
    *var = q / (double)(n - 1);
    free(v);
}

Test(random, distributions_have_their_moments)
{
    static const nx_type types[] = { NX_F32, NX_F64, NX_F16, NX_BF16 };
    const int64_t n = 20000;
    double m, v;
    for (int i = 0; i < 4; i++) {
        nx_scope_begin();
        nx_tensor *key = nx_random_key(1000 + (uint64_t)i);
        /* 5 standard errors: a false alarm about once in a million runs */
        moments(nx_random_uniform(key, NX_F(-2.0), NX_F(6.0), NULL, .shape = NX_SHAPE(n), .type = types[i]), &m, &v);
        cr_assert(fabs(m - 2.0) < 5 * sqrt(64.0 / 12 / n) + 0.02, "uniform %d mean %g", i, m);
        cr_assert(fabs(v - 64.0 / 12) < 0.3, "uniform %d var %g", i, v);
        moments(nx_random_normal(key, NX_I(3), NX_F(0.5), NULL, .shape = NX_SHAPE(n), .type = types[i]), &m, &v);
        cr_assert(fabs(m - 3.0) < 5 * 0.5 / sqrt((double)n) + 0.01, "normal %d mean %g", i, m);
        cr_assert(fabs(v - 0.25) < 0.02, "normal %d var %g", i, v);
        moments(nx_random_gumbel(key, NULL, .shape = NX_SHAPE(n), .type = types[i]), &m, &v);
        cr_assert(fabs(m - 0.5772156649) < 5 * sqrt(1.645 / n) + 0.01, "gumbel %d mean %g", i, m);
        cr_assert(fabs(v - M_PI * M_PI / 6) < 0.15, "gumbel %d var %g", i, v);
        nx_scope_end();
    }
    static const nx_type ints[] = { NX_S8, NX_U16, NX_S32, NX_U64, NX_S64, NX_U4 };
    for (int i = 0; i < 6; i++) {
        nx_scope_begin();
        nx_tensor *key = nx_random_key(77 + (uint64_t)i);
        nx_tensor *r = nx_random_randint(key, NX_I(2), NX_I(12), NULL, .shape = NX_SHAPE(n), .type = ints[i]);
        moments(r, &m, &v);
        cr_assert(fabs(m - 6.5) < 5 * sqrt(99.0 / 12 / n), "randint %d mean %g", i, m);
        nx_number lo, hi;
        cr_assert_eq(nx_to_number(nx_reduce_min(r), &lo), 0);
        cr_assert_eq(nx_to_number(nx_reduce_max(r), &hi), 0);
        cr_assert(lo.i == 2 && hi.i == 11, "randint %d range [%lld, %lld]", i, (long long)lo.i, (long long)hi.i);
        nx_scope_end();
    }
}

Test(random, shuffle_and_choice_are_permutations)
{
    for (uint64_t seed = 0; seed < 20; seed++) {
        nx_scope_begin();
        nx_tensor *key = nx_random_key(seed), *nk = NULL;
        nx_tensor *s = nx_random_shuffle(key, nx_iota(NX_SHAPE(1700)), &nk);
        nx_tensor *sorted = nx_sort(s);
        nx_number eq;
        nx_to_number(nx_all(nx_equal(sorted, nx_iota(NX_SHAPE(1700)))), &eq);
        cr_assert_eq(eq.i, 1, "seed %llu: shuffle is not a permutation", (unsigned long long)seed);
        nx_tensor *c = nx_random_choice(key, nx_iota(NX_SHAPE(50)), NULL, NULL, .samples = 50, .no_replace = true);
        nx_to_number(nx_all(nx_equal(nx_sort(c), nx_iota(NX_SHAPE(50)))), &eq);
        cr_assert_eq(eq.i, 1, "seed %llu: choice without replacement repeats", (unsigned long long)seed);
        nx_scope_end();
    }
}

/* ------------------------------------------------------------------ errors */

Test(random, bad_keys_and_options)
{
    nx_scope_begin();
    nx_tensor *key = nx_random_key(1);
    cr_assert_null(nx_random_split(nx_iota(NX_SHAPE(3), .type = NX_U32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected key to have shape {2}, got tensor with shape {3}");
    cr_assert_null(nx_random_uniform(nx_iota(NX_SHAPE(2)), NULL, NULL, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected key with 32-bit unsigned integer type, got key with type {:s, 32}");
    cr_assert_null(nx_random_key_tensor(nx_scalar(NX_FLOAT(1.5), NX_F32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected seed to be an integer, u64 tensor or s64 tensor, got: "
                                    "#Nx.Tensor<\n  f32\n  1.5\n>");
    cr_assert_null(nx_random_uniform(key, NX_I(0), NX_I(1), NULL, .type = NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected float or complex type, got type {:s, 32}");
    cr_assert_null(nx_random_normal(key, NULL, NULL, NULL, .type = NX_F8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "normal/4 does not support 8-bit float types");
    cr_assert_null(nx_random_randint(key, NX_I(0), NX_I(5), NULL, .type = NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected integer type, got type {:f, 32}");
    cr_assert_null(nx_random_randint(key, NX_I(5), NX_I(5), NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "randint expects max_val to be greater than min_val");
    cr_assert_null(nx_random_gumbel(key, NULL, .type = NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "output type must be floating-point, got: {:s, 32}");
    cr_assert_null(nx_random_gumbel(key, NULL, .type = NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:c, 64}");
    nx_tensor *t = nx_iota(NX_SHAPE(4, 3));
    cr_assert_null(nx_random_choice(key, nx_scalar(NX_INT(1), NX_S32), NULL, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have rank 1 or greater");
    cr_assert_null(nx_random_choice(key, t, NULL, NULL, .samples = -2));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "must take at least one sample, got samples=-2");
    cr_assert_null(nx_random_choice(key, t, NULL, NULL, .samples = 5, .axis = NX_AXIS(0), .no_replace = true));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot take more samples than the input size when replace: false");
    cr_assert_null(nx_random_choice(key, t, nx_iota(NX_SHAPE(1, 3), .type = NX_F32), NULL, .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "probability tensor must have rank 1, got: 2");
    cr_assert_null(nx_random_choice(key, t, nx_iota(NX_SHAPE(2), .type = NX_F32), NULL, .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "probability tensor of size 2 is expected to have size 3");
    cr_assert_null(nx_random_multivariate_normal(key, nx_iota(NX_SHAPE(2, 1)), nx_iota(NX_SHAPE(2, 2)), NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected mean to have rank 1, got tensor with rank 2\n");
    cr_assert_null(nx_random_multivariate_normal(key, nx_iota(NX_SHAPE(2)), nx_iota(NX_SHAPE(1, 2)), NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected covariance to be a square matrix, got tensor with shape {1, 2}\n");
    cr_assert_null(nx_random_multivariate_normal(key, nx_iota(NX_SHAPE(2)), nx_iota(NX_SHAPE(1, 1)), NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected mean and covariance to have the same dimensions, got 2 and 1\n");
    cr_assert_null(nx_random_multivariate_normal(key, nx_iota(NX_SHAPE(1)), nx_iota(NX_SHAPE(1, 1)), NULL,
                                                 .type = NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.multivariate_normal_split/4 does not support complex inputs");
    nx_scope_end();
}

Test(random, interpreter_options)
{
    nxtest_expect_code("Nx.Random.split(Nx.Random.key(1), parts: 0)",
                       "** (ArgumentError) split expects :parts to be a positive integer, got: 0");
    nxtest_expect_code("Nx.Random.key(1.5)",
                       "** (ArgumentError) expected seed to be an integer, u64 tensor or s64 tensor, got: 1.5");
    nxtest_expect_code("Nx.Random.uniform(Nx.Random.key(1), foo: 1)",
                       "** (ArgumentError) unknown keys [:foo] in [foo: 1], the allowed keys are: [:names, :type, :shape]");
    nxtest_expect_code("Nx.Random.choice(Nx.Random.key(1), Nx.iota({3}), samples: 0)",
                       "** (RuntimeError) must take at least one sample, got samples=0");
    nxtest_expect_code("Nx.Random.multivariate_normal(Nx.Random.key(1), Nx.tensor([0]), Nx.tensor([[1]]), method: :qr)",
                       "** (ArgumentError) method must be one of :svd, :eigh, and :cholesky\n");
    nxtest_expect_code("Nx.Random.gumbel(Nx.Random.key(1), type: :f32) |> elem(0)", "#Nx.Tensor<\n  f32\n  -0.729461\n>");
}

/* Samples of N(mean, cov) by each factorisation have that mean and covariance. */
Test(random, multivariate_normal_moments)
{
    static const double mean[2] = { 1.0, -2.0 }, cov[4] = { 2.0, 0.6, 0.6, 1.0 };
    static const nx_mvn_method methods[] = { NX_MVN_CHOLESKY, NX_MVN_SVD, NX_MVN_EIGH };
    const int64_t n = 20000;
    for (int m = 0; m < 3; m++) {
        nx_scope_begin();
        nx_tensor *x = nx_random_multivariate_normal(nx_random_key(5), nx_from_data(mean, NX_F64, NX_SHAPE(2)),
                                                     nx_from_data(cov, NX_F64, NX_SHAPE(2, 2)), NULL,
                                                     .shape = NX_SHAPE(n), .method = methods[m]);
        cr_assert_not_null(x, "method %d: %s", m, nx_error_message());
        double *v = malloc(sizeof *v * (size_t)(2 * n)), s[2] = { 0, 0 }, c[3] = { 0, 0, 0 };
        cr_assert_eq(nx_to_binary(x, v, 16 * n), 128 * n);
        for (int64_t i = 0; i < n; i++)
            s[0] += v[2 * i], s[1] += v[2 * i + 1];
        s[0] /= (double)n, s[1] /= (double)n;
        for (int64_t i = 0; i < n; i++) {
            double a = v[2 * i] - s[0], b = v[2 * i + 1] - s[1];
            c[0] += a * a, c[1] += a * b, c[2] += b * b;
        }
        free(v);
        cr_assert(fabs(s[0] - 1.0) < 0.05 && fabs(s[1] + 2.0) < 0.05, "method %d mean %g %g", m, s[0], s[1]);
        cr_assert(fabs(c[0] / n - 2.0) < 0.1 && fabs(c[1] / n - 0.6) < 0.06 && fabs(c[2] / n - 1.0) < 0.05,
                  "method %d cov %g %g %g", m, c[0] / n, c[1] / n, c[2] / n);
        nx_scope_end();
    }
    nxtest_expect_code("{x, _} = Nx.Random.multivariate_normal(Nx.Random.key(12), Nx.tensor([0]), Nx.tensor([[1]]))\nx",
                       "#Nx.Tensor<\n  f32[1]\n  [0.73592794]\n>");
}
