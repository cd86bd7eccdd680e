/* tests/test_sort.c: Nx.sort, Nx.argsort and Nx.top_k (spec/functions.md §16,
 * primitives.md §6, shapes-and-names.md §6). Random cases of every real type, axis,
 * direction and vectorization come from the NumPy oracle tests/oracle/gen_sort.py
 * (build/oracle/sort.bin: numpy's stable argsort of the exact values, NaN placed as the
 * spec orders it); the spec's examples and every error message are checked here, as are
 * long rows (the radix path, the thread pool) and failed allocations. */
#include "support/nxtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/nxlib.h"
#include "core/alloc.h"

/* ------------------------------------------------------------------ helpers */

/* Asserts that t's elements (vectorized axes included) are exactly `want` (n bytes). */
static void expect_bytes(const nx_tensor *t, const void *want, int64_t n, const char *what)
{
    cr_assert_not_null(t, "%s: no tensor: %s", what, nx_error_message());
    int64_t bits = nx_to_binary(t, NULL, 0);
    cr_assert_eq((bits + 7) / 8, n, "%s: %lld bytes, expected %lld", what, (long long)((bits + 7) / 8),
                 (long long)n);
    unsigned char *got = malloc((size_t)n + 1);
    cr_assert_eq(nx_to_binary(t, got, n), bits);
    for (int64_t i = 0; i < n; i++)
        if (got[i] != ((const unsigned char *)want)[i])
            cr_assert_fail("%s: byte %lld is 0x%02x, expected 0x%02x", what, (long long)i, got[i],
                           ((const unsigned char *)want)[i]);
    free(got);
}

/* A rank-1 tensor of type `type` from doubles (NAN, INFINITY allowed). */
static nx_tensor *vec(nx_type type, int n, const double *v)
{
    nx_item items[64];
    cr_assert(n <= 64);
    for (int i = 0; i < n; i++)
        items[i] = (nx_item){ .kind = NX_ITEM_NUMBER,
                              .num = nx_type_is_integer(type) ? NX_INT((int64_t)v[i]) : NX_FLOAT(v[i]) };
    nx_item list = { .kind = NX_ITEM_LIST, .len = n, .items = items };
    nx_tensor *t = nx_tensor(&list, .type = type);
    cr_assert_not_null(t, "%s", nx_error_message());
    return t;
}
#define VEC(type, ...) \
    vec((type), (int)(sizeof((double[]){ __VA_ARGS__ }) / sizeof(double)), (double[]){ __VA_ARGS__ })

/* Asserts that t holds the numbers want[0..n) (NaN matches NaN; signs of zero matter). */
static void expect_values(const nx_tensor *t, int n, const double *want)
{
    cr_assert_not_null(t, "no tensor: %s", nx_error_message());
    nx_number got[64];
    cr_assert_eq(nx_to_flat_list(t, got, 64), n);
    for (int i = 0; i < n; i++) {
        double g = got[i].kind == NX_NUM_FLOAT ? got[i].f : got[i].kind == NX_NUM_UINT ? (double)got[i].u
                                                                                       : (double)got[i].i;
        bool same = (isnan(g) && isnan(want[i])) || (g == want[i] && signbit(g) == signbit(want[i]));
        cr_assert(same, "element %d: got %g, expected %g", i, g, want[i]);
    }
}
#define EXPECT(t, ...) \
    expect_values((t), (int)(sizeof((double[]){ __VA_ARGS__ }) / sizeof(double)), (double[]){ __VA_ARGS__ })

/* ------------------------------------------------------------------ the NumPy oracle */

typedef struct {
    const unsigned char *p, *end;
} reader;

static uint64_t rd(reader *r, int bytes)
{
    cr_assert(r->end - r->p >= bytes, "sort.bin is truncated: regenerate it");
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | r->p[i];
    r->p += bytes;
    return v;
}

static const unsigned char *rd_blob(reader *r, uint64_t *len)
{
    *len = rd(r, 8);
    cr_assert((uint64_t)(r->end - r->p) >= *len, "sort.bin is truncated: regenerate it");
    const unsigned char *p = r->p;
    r->p += *len;
    return p;
}

static void rd_str(reader *r, char *out, size_t cap)
{
    size_t n = (size_t)rd(r, 1);
    cr_assert(n < cap && r->end - r->p >= (ptrdiff_t)n);
    memcpy(out, r->p, n);
    out[n] = 0;
    r->p += n;
}

static nx_shape rd_shape(reader *r)
{
    nx_shape s = { .rank = (int)rd(r, 1) };
    cr_assert(s.rank <= NX_MAX_RANK);
    for (int i = 0; i < s.rank; i++)
        s.dims[i] = (int64_t)rd(r, 8);
    return s;
}

enum { OP_SORT, OP_ARGSORT, OP_TOP_K };

/* Runs one oracle case; returns after asserting type, shape, names and bytes. */
static void check_case(reader *r, long c)
{
    int op = (int)rd(r, 1);
    nx_type type = (nx_type)rd(r, 1);
    nx_direction dir = (nx_direction)rd(r, 1);
    int axis_mode = (int)rd(r, 1);
    int axis = (int32_t)rd(r, 4);
    char axis_name[64], names_buf[NX_MAX_RANK][64];
    rd_str(r, axis_name, sizeof axis_name);
    nx_type out_type = (nx_type)rd(r, 1);
    int64_t k = (int64_t)rd(r, 8);
    int vrank = (int)rd(r, 1);
    nx_shape shape = rd_shape(r);
    nx_names names = { .n = (int)rd(r, 1) };
    for (int i = 0; i < names.n; i++) {
        rd_str(r, names_buf[i], sizeof names_buf[i]);
        names.v[i] = names_buf[i][0] ? names_buf[i] : NULL;
    }
    uint64_t in_len, want_len, want2_len;
    const unsigned char *in = rd_blob(r, &in_len);
    nx_shape want_shape = rd_shape(r);
    nx_type want_type = (nx_type)rd(r, 1);
    const unsigned char *want = rd_blob(r, &want_len);
    const unsigned char *want2 = rd_blob(r, &want2_len);

    char what[256];
    snprintf(what, sizeof what, "case %ld (op %d, %s, dir %d, axis mode %d axis %d %s, vrank %d, seed in sort.bin)",
             c, op, nx_type_name(type), (int)dir, axis_mode, axis, axis_name, vrank);
    nx_scope_begin();
    nx_tensor *t = nx_from_data(in, type, shape, .names = names);
    cr_assert_not_null(t, "%s: %s", what, nx_error_message());
    for (int v = 0; v < vrank; v++) {
        char vname[16];
        snprintf(vname, sizeof vname, "v%d", v);
        t = nx_vectorize(t, vname);
        cr_assert_not_null(t, "%s: vectorize: %s", what, nx_error_message());
    }
    nx_axis ax = axis_mode == 1 ? NX_AXIS(axis) : axis_mode == 2 ? NX_AXIS_NAMED(axis_name) : (nx_axis){ 0 };
    nx_tensor *res, *idx = NULL;
    if (op == OP_SORT)
        res = nx_sort(t, .axis = ax, .direction = dir);
    else if (op == OP_ARGSORT)
        res = nx_argsort(t, .axis = ax, .direction = dir, .type = out_type);
    else
        res = nx_top_k(t, &idx, .k = k);
    cr_assert_not_null(res, "%s: %s", what, nx_error_message());
    cr_assert_eq(nx_type_of(res), want_type, "%s: type %s, expected %s", what, nx_type_name(nx_type_of(res)),
                 nx_type_name(want_type));
    cr_assert_eq(nx_vectorized_rank(res), vrank, "%s: vectorized rank", what);
    nx_shape got = nx_shape_of(res);
    cr_assert_eq(got.rank, want_shape.rank - vrank, "%s: rank", what);
    for (int i = 0; i < got.rank; i++)
        cr_assert_eq(got.dims[i], want_shape.dims[vrank + i], "%s: axis %d", what, i);
    nx_names gn = nx_names_of(res), tn = nx_names_of(t);
    for (int i = 0; i < got.rank; i++)
        cr_assert_eq(gn.v[i], tn.v[i], "%s: the name of axis %d", what, i);
    expect_bytes(res, want, (int64_t)want_len, what);
    if (op == OP_TOP_K) {
        cr_assert_not_null(idx, "%s", what);
        cr_assert_eq(nx_type_of(idx), NX_S32);
        cr_assert_eq(nx_vectorized_rank(idx), vrank);
        expect_bytes(idx, want2, (int64_t)want2_len, what);
    }
    NXTEST_OK();
    nx_scope_end();
}

Test(sort, matches_numpy)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("sort.bin", &len);
    cr_assert(len >= 16 && memcmp(buf, "NXSORT1\n", 8) == 0, "sort.bin: not an oracle file");
    reader r = { buf + 8, buf + len };
    uint32_t seed = (uint32_t)rd(&r, 4);
    long n = (long)rd(&r, 4), limit = nxtest_scaled(n);
    cr_log_info("sort.bin: seed %u, %ld cases", seed, n);
    for (long c = 0; c < n && c < limit; c++)
        check_case(&r, c);
    free(buf);
}

/* ------------------------------------------------------------------ the spec's examples */

Test(sort, doc_examples)
{
    nx_scope_begin();
    nx_item v6[6];
    const int64_t d6[] = { 16, 23, 42, 4, 8, 15 };
    for (int i = 0; i < 6; i++)
        v6[i] = (nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_INT(d6[i]) };
    nx_item list = { .kind = NX_ITEM_LIST, .len = 6, .items = v6 };
    nx_tensor *t = nx_tensor(&list);
    NXTEST_PRINTS(nx_sort(t), "#Nx.Tensor<\n  s32[6]\n  [4, 8, 15, 16, 23, 42]\n>");
    NXTEST_PRINTS(nx_argsort(t), "#Nx.Tensor<\n  s32[6]\n  [3, 4, 5, 0, 1, 2]\n>");

    const int32_t m[] = { 3, 1, 7, 2, 5, 4 };
    nx_tensor *xy = nx_from_data(m, NX_S32, NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    NXTEST_PRINTS(nx_sort(xy, .axis = NX_AXIS_NAMED("x")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [2, 1, 4],\n    [3, 5, 7]\n  ]\n>");
    NXTEST_PRINTS(nx_sort(xy, .axis = NX_AXIS_NAMED("y")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [1, 3, 7],\n    [2, 4, 5]\n  ]\n>");
    NXTEST_PRINTS(nx_argsort(xy, .axis = NX_AXIS_NAMED("x")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [1, 0, 1],\n    [0, 1, 0]\n  ]\n>");
    NXTEST_PRINTS(nx_argsort(xy, .axis = NX_AXIS_NAMED("y"), .type = NX_U32),
                  "#Nx.Tensor<\n  u32[x: 2][y: 3]\n  [\n    [1, 0, 2],\n    [0, 2, 1]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

/* primitives.md §6 and functions.md §16: NaN, infinities, both directions. */
Test(sort, nan_and_infinity_order)
{
    nx_scope_begin();
    nx_tensor *t = VEC(NX_F32, NAN, -INFINITY, 0.0, INFINITY);
    EXPECT(nx_sort(t), -INFINITY, 0.0, INFINITY, NAN);
    EXPECT(nx_sort(t, .direction = NX_DESC), NAN, INFINITY, 0.0, -INFINITY);
    nx_tensor *u = VEC(NX_F32, NAN, -INFINITY, INFINITY, 0.0);
    EXPECT(nx_argsort(u), 1, 3, 2, 0);
    EXPECT(nx_argsort(u, .direction = NX_DESC), 0, 2, 3, 1);
    EXPECT(nx_argsort(t, .direction = NX_DESC), 0, 3, 2, 1);
    nx_tensor *idx;
    EXPECT(nx_top_k(VEC(NX_F32, NAN, -INFINITY, INFINITY, 0.0), &idx, .k = 3), NAN, INFINITY, 0.0);
    EXPECT(idx, 0, 2, 3);
    /* Several NaNs keep their input order both ways; -0.0 and 0.0 are equal. */
    nx_tensor *z = VEC(NX_F64, 0.0, NAN, -0.0, -NAN, 1.0, 0.0, -0.0);
    EXPECT(nx_argsort(z), 0, 2, 5, 6, 4, 1, 3);
    EXPECT(nx_argsort(z, .direction = NX_DESC), 1, 3, 4, 0, 2, 5, 6);
    EXPECT(nx_sort(z), 0.0, -0.0, 0.0, -0.0, 1.0, NAN, NAN);
    EXPECT(nx_sort(z, .direction = NX_DESC), NAN, NAN, 1.0, 0.0, -0.0, 0.0, -0.0);
    NXTEST_OK();
    nx_scope_end();
}

Test(sort, top_k_doc_examples)
{
    nx_scope_begin();
    nx_tensor *idx;
    nx_tensor *a = nx_iota(NX_SHAPE(5));
    nx_tensor *v = nx_top_k(nx_add(a, NX_I(1)), &idx, .k = 2);
    NXTEST_PRINTS(v, "#Nx.Tensor<\n  s32[2]\n  [5, 4]\n>");
    NXTEST_PRINTS(idx, "#Nx.Tensor<\n  s32[2]\n  [4, 3]\n>");
    const float f[] = { 1, 2, 3, 4, 5, 6 };
    v = nx_top_k(nx_from_data(f, NX_F32, NX_SHAPE(2, 3)), &idx);
    NXTEST_PRINTS(v, "#Nx.Tensor<\n  f32[2][1]\n  [\n    [3.0],\n    [6.0]\n  ]\n>");
    NXTEST_PRINTS(idx, "#Nx.Tensor<\n  s32[2][1]\n  [\n    [2],\n    [2]\n  ]\n>");
    /* Ties: lowest index first; indices may be left out. */
    v = nx_top_k(VEC(NX_S8, 1, 3, 3, 2, 3), NULL, .k = 4);
    EXPECT(v, 3, 3, 3, 2);
    nx_top_k(VEC(NX_S8, 1, 3, 3, 2, 3), &idx, .k = 4);
    EXPECT(idx, 1, 2, 4, 3);
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ errors */

Test(sort, errors)
{
    nx_scope_begin();
    nx_tensor *s = nx_scalar(NX_INT(1), NX_TYPE_NONE);
    cr_assert_null(nx_sort(s));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    cr_assert_null(nx_argsort(s));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");

    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", NULL));
    cr_assert_null(nx_sort(t, .axis = NX_AXIS(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_argsort(t, .axis = NX_AXIS(-3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-3) invalid for shape with rank 2");
    cr_assert_null(nx_sort(t, .axis = NX_AXIS_NAMED("y")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :y not found in tensor with names [:x, nil]");
    cr_assert_null(nx_sort(t, .direction = (nx_direction)7));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "unknown value for :direction, expected :asc or :desc, got: 7");
    cr_assert_null(nx_argsort(t, .type = (nx_type)99));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: 99 (see Nx.Type docs for all supported types)");

    nx_tensor *c = nx_as_type(t, NX_C64);
    cr_assert_null(nx_sort(c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.sort/2 does not support complex inputs");
    cr_assert_null(nx_argsort(c, .direction = NX_DESC));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.argsort/2 does not support complex inputs");
    nx_tensor *idx = t;
    cr_assert_null(nx_top_k(c, &idx));
    cr_assert_null(idx);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.argsort/2 does not support complex inputs");

    cr_assert_null(nx_top_k(s, &idx));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "top_k input must have at least rank 1");
    cr_assert_null(nx_top_k(t, &idx, .k = 4));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "top_k input last axis size must be greater than or equal to k, got size=3 and k=4");
    cr_assert_null(nx_top_k(t, &idx, .k = -2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "top_k k must be an integer greater than or equal to 1, got k=-2");

    /* Vectorized: axes are the inner ones. */
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "b");
    cr_assert_null(nx_sort(v, .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (1) invalid for shape with rank 1");
    cr_assert_null(nx_sort(v, .axis = NX_AXIS(-2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-2) invalid for shape with rank 1");
    cr_assert_null(nx_top_k(nx_vectorize(nx_iota(NX_SHAPE(3)), "b"), NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "top_k input must have at least rank 1");

    /* A NULL input keeps the first error. */
    cr_assert_null(nx_sort(nx_sort(s)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    cr_assert_null(nx_top_k(NULL, &idx));
    cr_assert_null(idx);
    nx_error_clear();
    nx_scope_end();
}

/* ------------------------------------------------------------------ long rows, threads */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* A long f32 row through the radix path: the result is sorted and a permutation, and
 * argsort's positions pick exactly the sorted values. */
Test(sort, long_row_radix)
{
    nx_scope_begin();
    int64_t n = 200003;
    float *x = malloc(sizeof(float) * (size_t)n), *want = malloc(sizeof(float) * (size_t)n);
    srand(7);
    for (int64_t i = 0; i < n; i++)
        x[i] = want[i] = (float)((rand() % 20001) - 10000) / 7.0f;
    qsort(want, (size_t)n, sizeof(float), cmp_float);
    nx_tensor *t = nx_from_data(x, NX_F32, NX_SHAPE(n));
    expect_bytes(nx_sort(t), want, n * 4, "sort");
    nx_tensor *ix = nx_argsort(t, .direction = NX_DESC, .type = NX_S64);
    int64_t *pos = malloc(sizeof(int64_t) * (size_t)n);
    cr_assert_eq(nx_to_binary(ix, pos, n * 8), n * 64);
    for (int64_t i = 0; i < n; i++) {
        cr_assert_eq(x[pos[i]], want[n - 1 - i], "position %lld", (long long)i);
        if (i > 0 && x[pos[i]] == x[pos[i - 1]])
            cr_assert_gt(pos[i], pos[i - 1], "ties keep their order (position %lld)", (long long)i);
    }
    free(pos);
    free(want);
    free(x);
    NXTEST_OK();
    nx_scope_end();
}

/* Many rows (split over the pool) agree with sorting each row alone. */
Test(sort, rows_over_threads_agree_with_single_rows)
{
    nx_scope_begin();
    int64_t rows = 96, n = 1500;
    int32_t *x = malloc(sizeof(int32_t) * (size_t)(rows * n));
    srand(11);
    for (int64_t i = 0; i < rows * n; i++)
        x[i] = rand() % 300 - 150;
    nx_tensor *t = nx_from_data(x, NX_S32, NX_SHAPE(rows, n));
    nx_tensor *all = nx_argsort(t, .axis = NX_AXIS(1), .direction = NX_DESC);
    int32_t *got = malloc(sizeof(int32_t) * (size_t)(rows * n)), *one = malloc(sizeof(int32_t) * (size_t)n);
    cr_assert_eq(nx_to_binary(all, got, rows * n * 4), rows * n * 32);
    for (int64_t r = 0; r < rows; r++) {
        nx_tensor *row = nx_argsort(nx_from_data(x + r * n, NX_S32, NX_SHAPE(n)), .direction = NX_DESC);
        cr_assert_eq(nx_to_binary(row, one, n * 4), n * 32);
        cr_assert(memcmp(one, got + r * n, (size_t)n * 4) == 0, "row %lld", (long long)r);
    }
    free(one);
    free(got);
    free(x);
    NXTEST_OK();
    nx_scope_end();
}

/* Every key width through both paths (keys only, and with positions) on the same data. */
Test(sort, sort_equals_take_of_argsort)
{
    static const nx_type types[] = { NX_U8, NX_S16, NX_U32, NX_S64, NX_F16, NX_BF16, NX_F8, NX_F32, NX_F64, NX_S4 };
    nx_scope_begin();
    for (size_t ti = 0; ti < sizeof types / sizeof *types; ti++) {
        int64_t n = 3001;
        double *v = malloc(sizeof(double) * (size_t)n);
        for (int64_t i = 0; i < n; i++)
            v[i] = (double)((i * 7919) % 61) - 30.0;
        nx_tensor *t = nx_as_type(nx_from_data(v, NX_F64, NX_SHAPE(n)), types[ti]);
        nx_tensor *s = nx_sort(t), *a = nx_argsort(t);
        nx_number sv[3001], tv[3001], av[3001];
        cr_assert_eq(nx_to_flat_list(s, sv, n), n);
        cr_assert_eq(nx_to_flat_list(t, tv, n), n);
        cr_assert_eq(nx_to_flat_list(a, av, n), n);
        for (int64_t i = 0; i < n; i++) {
            double want = tv[av[i].i].kind == NX_NUM_FLOAT ? tv[av[i].i].f : (double)tv[av[i].i].i;
            double got = sv[i].kind == NX_NUM_FLOAT ? sv[i].f : (double)sv[i].i;
            cr_assert_eq(got, want, "%s element %lld", nx_type_name(types[ti]), (long long)i);
            if (i > 0)
                cr_assert(sv[i - 1].kind == NX_NUM_FLOAT ? sv[i - 1].f <= sv[i].f : sv[i - 1].i <= sv[i].i);
        }
        free(v);
    }
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ failed allocations */

static nx_tensor *alloc_sort(void)
{
    return nx_sort(nx_as_type(nx_iota(NX_SHAPE(3, 50)), NX_U4), .axis = NX_AXIS(1), .direction = NX_DESC);
}

static nx_tensor *alloc_argsort(void)
{
    return nx_argsort(nx_iota(NX_SHAPE(40, 3), .type = NX_BF16), .type = NX_F16);
}

static nx_tensor *alloc_top_k(void)
{
    nx_tensor *idx;
    nx_tensor *v = nx_top_k(nx_iota(NX_SHAPE(2, 70), .type = NX_S2), &idx, .k = 3);
    return v && idx ? v : NULL;
}

static void fail_each_allocation(nx_tensor *(*fn)(void))
{
    for (long n = 1; n < 1000; n++) {
        nx_scope_begin();
        nxalloc_fail_at(n, 0);
        nx_tensor *r = fn();
        nxalloc_fail_at(0, 0);
        if (!r)
            cr_assert_eq(nx_error(), NX_MEMORY_ERROR, "allocation %ld: %s", n, nx_error_message());
        nx_error_clear();
        nx_scope_end();
        if (r)
            return;
    }
    cr_assert_fail("never succeeded");
}

Test(sort, failed_allocations)
{
    fail_each_allocation(alloc_sort);
    fail_each_allocation(alloc_argsort);
    fail_each_allocation(alloc_top_k);
}

/* ------------------------------------------------------------------ the interpreter's bindings */

static nxv *kw(const char *key, nxv *value)
{
    nxv **pair = nxv_items(2);
    pair[0] = nxv_atom(key);
    pair[1] = value;
    return nxv_tuple(2, pair);
}

static nxv *list2(nxv *a, nxv *b)
{
    nxv **items = nxv_items(2);
    items[0] = a;
    items[1] = b;
    return nxv_list(b ? 2 : 1, items);
}

/* Calls Nx.<name>(t, opts) (opts NULL: the 1-arity form). */
static nxv *call(const char *name, nx_tensor *t, nxv *opts)
{
    const nxi_func *f = nxi_lookup("Nx", name, opts ? 2 : 1);
    cr_assert_not_null(f, "Nx.%s is not bound", name);
    nxv *argv[2] = { nxv_tensor(t), opts };
    nxi_clear_raised();
    return f->fn(opts ? 2 : 1, argv);
}

#define EXPECT_RAISE(v, kind, message) \
    do { \
        cr_assert_null(v); \
        cr_assert(nxi_raised()); \
        cr_assert_str_eq(nxi_raised_kind(), kind); \
        cr_assert_str_eq(nxi_raised_message(), message); \
        nxi_clear_raised(); \
        nx_error_clear(); \
    } while (0)

Test(sort, bindings)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    nxv *v = call("sort", t, list2(kw("axis", nxv_atom("y")), kw("direction", nxv_atom("desc"))));
    cr_assert_not_null(v, "%s", nxi_raised_message());
    EXPECT(v->tensor, 2, 1, 0, 5, 4, 3);
    v = call("argsort", t, list2(kw("type", nxv_atom("u8")), kw("stable", nxv_atom("true"))));
    cr_assert_not_null(v);
    cr_assert_eq(nx_type_of(v->tensor), NX_U8);
    EXPECT_RAISE(call("sort", t, list2(kw("direction", nxv_atom("up")), NULL)), "ArgumentError",
                 "unknown value for :direction, expected :asc or :desc, got: :up");
    EXPECT_RAISE(call("argsort", t, list2(kw("axis", nxv_nil()), NULL)), "ArgumentError", "axis name cannot be nil");
    EXPECT_RAISE(call("sort", t, list2(kw("type", nxv_atom("u8")), NULL)), "ArgumentError",
                 "unknown key :type in [type: :u8], expected one of [:axis, :direction, :stable]");

    /* top_k: a tuple {values, indices}; Keyword.validate! messages; k checked after the rank. */
    v = call("top_k", t, list2(kw("k", nxv_int(2)), NULL));
    cr_assert(v && v->kind == NXV_TUPLE && v->tuple.n == 2, "%s", nxi_raised_message());
    EXPECT(v->tuple.items[0]->tensor, 2, 1, 5, 4);
    EXPECT(v->tuple.items[1]->tensor, 2, 1, 2, 1);
    v = call("top_k", t, NULL);
    cr_assert(v && v->kind == NXV_TUPLE);
    EXPECT(v->tuple.items[0]->tensor, 2, 5);
    EXPECT_RAISE(call("top_k", t, list2(kw("foo", nxv_int(1)), kw("bar", nxv_int(2)))), "ArgumentError",
                 "unknown keys [:bar, :foo] in [foo: 1, bar: 2], the allowed keys are: [:k]");
    EXPECT_RAISE(call("top_k", t, list2(kw("k", nxv_int(1)), kw("k", nxv_int(2)))), "ArgumentError",
                 "duplicate keys [:k] in [k: 1, k: 2]");
    EXPECT_RAISE(call("top_k", t, list2(nxv_int(3), NULL)), "ArgumentError",
                 "expected a keyword list as first argument, got invalid entry: 3");
    EXPECT_RAISE(call("top_k", t, list2(kw("k", nxv_int(0)), NULL)), "ArgumentError",
                 "top_k k must be an integer greater than or equal to 1, got k=0");
    EXPECT_RAISE(call("top_k", t, list2(kw("k", nxv_float(2.0)), NULL)), "ArgumentError",
                 "top_k k must be an integer greater than or equal to 1, got k=2.0");
    EXPECT_RAISE(call("top_k", t, list2(kw("k", nxv_int(4)), NULL)), "ArgumentError",
                 "top_k input last axis size must be greater than or equal to k, got size=3 and k=4");
    nx_tensor *s = nx_scalar(NX_INT(1), NX_TYPE_NONE);
    EXPECT_RAISE(call("top_k", s, list2(kw("k", nxv_int(0)), NULL)), "ArgumentError",
                 "top_k input must have at least rank 1");
    nx_scope_end();
}
