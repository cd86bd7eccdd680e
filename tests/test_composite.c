/* tests/test_composite.c: the composites of issue #4 (logical_not, log/2, all_close,
 * weighted_mean, median, mode, covariance, reduce/4, tri, tril, triu, take_diagonal,
 * make_diagonal, put_diagonal, fill, linspace). Random cases of the native integer and
 * float types come from the NumPy oracle tests/oracle/gen_composite.py
 * (composite.bin); Nx's examples, names, vectorized inputs and every error message come
 * from the spec (spec/functions.md §1, §6.2, §8, §12, spec/shapes-and-names.md §7), run
 * through the C API and the interpreter's bindings; failed allocations are clean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/eval.h"
#include "cli/nxlib.h"
#include "core/alloc.h"
#include "support/nxtest.h"

/* ------------------------------------------------------------------ helpers */

static nx_tensor *s32s(const int32_t *v, nx_shape s)
{
    return nx_from_data(v, NX_S32, s);
}

static nx_tensor *f32s(const float *v, nx_shape s)
{
    return nx_from_data(v, NX_F32, s);
}

/* ------------------------------------------------------------------ the NumPy oracle */

enum {
    OP_TRIL, OP_TRIU, OP_TRI, OP_TAKE_DIAGONAL, OP_MAKE_DIAGONAL, OP_PUT_DIAGONAL, OP_LINSPACE, OP_MEDIAN,
    OP_MODE, OP_WEIGHTED_MEAN, OP_COVARIANCE, OP_ALL_CLOSE, OP_LOGICAL_NOT, OP_LOG, OP_REDUCE, OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
    "tril", "triu", "tri", "take_diagonal", "make_diagonal", "put_diagonal", "linspace", "median", "mode",
    "weighted_mean", "covariance", "all_close", "logical_not", "log", "reduce",
};

typedef struct {
    int op;
    int64_t p[6];
    double q[3];
    int nin;
    nx_tensor *in[2];
} oracle_case;

static nx_tensor *add_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    (void)ctx;
    return nx_add(x, acc);
}

static nx_tensor *max_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    (void)ctx;
    return nx_max(x, acc);
}

static nx_tensor *call_op(const oracle_case *c)
{
    const int64_t *p = c->p;
    nx_tensor *a = c->in[0], *b = c->in[1];
    nx_median_opts mo = { .axis = p[0] ? NX_AXIS((int)p[1]) : (nx_axis){ 0 }, .keep_axis = p[2] };
    switch (c->op) {
    case OP_TRIL: return nx_tril(a, .k = p[0]);
    case OP_TRIU: return nx_triu(a, .k = p[0]);
    case OP_TRI: return nx_tri(p[0], p[1], .k = p[2]);
    case OP_TAKE_DIAGONAL: return nx_take_diagonal(a, .offset = p[0]);
    case OP_MAKE_DIAGONAL: return nx_make_diagonal(a, .offset = p[0]);
    case OP_PUT_DIAGONAL: return nx_put_diagonal(a, b, .offset = p[0]);
    case OP_LINSPACE: return nx_linspace(a, b, .n = p[0], .type = (nx_type)p[1], .exclude_endpoint = p[2]);
    case OP_MEDIAN: return nx_median_(a, mo);
    case OP_MODE: return nx_mode_(a, mo);
    case OP_WEIGHTED_MEAN:
        return nx_weighted_mean(a, b, .axes = p[0] ? NX_AXES((int)p[1]) : (nx_axes){ 0 }, .keep_axes = p[2]);
    case OP_COVARIANCE: return nx_covariance(a, .mean = p[1] ? b : NULL, .ddof = p[0]);
    case OP_ALL_CLOSE: return nx_all_close(a, b, .equal_nan = p[0], .rtol = c->q[0], .atol = c->q[1]);
    case OP_LOGICAL_NOT: return nx_logical_not(a);
    case OP_LOG: return nx_log_base(a, nx_number_tensor(p[0] ? NX_INT(p[1]) : NX_FLOAT(c->q[0])));
    case OP_REDUCE:   /* a finite float acc keeps f16 (a non-finite one would merge to f32) */
        return nx_reduce(a, nx_number_tensor(p[0] ? NX_FLOAT(-1e300) : NX_INT(0)), p[0] ? max_fn : add_fn, NULL,
                         .axes = p[1] ? NX_AXES((int)p[2]) : (nx_axes){ 0 }, .keep_axes = p[3]);
    default: return NULL;
    }
}

/* Compares one element with the oracle's 17-byte record. */
static void check_value(unsigned idx, const char *op, int64_t i, nx_number got, const unsigned char *rec)
{
    int kind = rec[0];
    uint64_t a = 0;
    for (int k = 7; k >= 0; k--)
        a = (a << 8) | rec[1 + k];
    if (kind == 0 || kind == 1) {
        __int128 want = kind == 0 ? (__int128)(int64_t)a : (__int128)a;
        cr_assert(got.kind == NX_NUM_INT || got.kind == NX_NUM_UINT, "case %u (%s) element %lld: not an integer", idx,
                  op, (long long)i);
        __int128 g = got.kind == NX_NUM_INT ? (__int128)got.i : (__int128)got.u;
        cr_assert(g == want, "case %u (%s) element %lld: %lld, expected %lld", idx, op, (long long)i, (long long)g,
                  (long long)want);
        return;
    }
    double w, tol;
    memcpy(&w, &a, 8);
    memcpy(&tol, rec + 9, 8);
    cr_assert(got.kind == NX_NUM_FLOAT, "case %u (%s) element %lld: not a float", idx, op, (long long)i);
    if (isnan(w))
        cr_assert(isnan(got.f), "case %u (%s) element %lld: %.17g, expected NaN", idx, op, (long long)i, got.f);
    else if (isinf(w))
        cr_assert(got.f == w, "case %u (%s) element %lld: %.17g, expected %g", idx, op, (long long)i, got.f, w);
    else
        cr_assert(fabs(got.f - w) <= tol, "case %u (%s) element %lld: %.17g, expected %.17g (+-%.3g)", idx, op,
                  (long long)i, got.f, w, tol);
}

static void run_oracle(int want_op)
{
    size_t len;
    unsigned char *file = nxtest_read_oracle("composite.bin", &len);
    nxtest_reader r = { file, file + len };
    cr_assert(len >= 16 && memcmp(nxtest_rd_bytes(&r, 8), "NXCMP01\n", 8) == 0, "composite.bin: bad magic");
    unsigned seed = (unsigned)nxtest_rd_le(&r, 4), ncases = (unsigned)nxtest_rd_le(&r, 4);
    long limit = nxtest_scaled((long)ncases), done = 0;
    for (unsigned idx = 0; idx < ncases; idx++) {
        oracle_case c = { .op = (int)nxtest_rd_le(&r, 1) };
        for (int i = 0; i < 6; i++)
            c.p[i] = (int64_t)nxtest_rd_le(&r, 8);
        for (int i = 0; i < 3; i++)
            c.q[i] = nxtest_rd_f64(&r);
        c.nin = (int)nxtest_rd_le(&r, 1);
        cr_assert(c.nin <= 2);
        nx_type types[2];
        nx_shape shapes[2];
        const unsigned char *data[2];
        for (int k = 0; k < c.nin; k++) {
            types[k] = (nx_type)nxtest_rd_le(&r, 1);
            shapes[k] = nxtest_rd_shape(&r);
            data[k] = nxtest_rd_bytes(&r, nxtest_rd_le(&r, 8));
        }
        nx_type want_type = (nx_type)nxtest_rd_le(&r, 1);
        nx_shape want_shape = nxtest_rd_shape(&r);
        uint64_t nout = nxtest_rd_le(&r, 8);
        const unsigned char *want = nxtest_rd_bytes(&r, nout * 17);
        if (c.op != want_op || done >= limit)
            continue;
        done++;

        nx_scope_begin();
        const char *op = op_names[c.op];
        for (int k = 0; k < c.nin; k++)
            cr_assert_not_null(c.in[k] = nx_from_data(data[k], types[k], shapes[k]), "case %u: input: %s", idx,
                               nx_error_message());
        nx_tensor *got = call_op(&c);
        cr_assert_not_null(got, "case %u (%s %s, seed %u): %s: %s", idx, op, nx_type_name(types[0]), seed,
                           nx_error_kind_name(nx_error()), nx_error_message());
        cr_assert_eq(nx_type_of(got), want_type, "case %u (%s %s): type %s, expected %s", idx, op,
                     nx_type_name(types[0]), nx_type_name(nx_type_of(got)), nx_type_name(want_type));
        nx_shape s = nx_shape_of(got);
        cr_assert_eq(s.rank, want_shape.rank, "case %u (%s): rank %d, expected %d", idx, op, s.rank, want_shape.rank);
        for (int i = 0; i < s.rank; i++)
            cr_assert_eq(s.dims[i], want_shape.dims[i], "case %u (%s): axis %d is %lld, expected %lld", idx, op, i,
                         (long long)s.dims[i], (long long)want_shape.dims[i]);
        cr_assert_eq(nx_size(got), (int64_t)nout, "case %u (%s): size", idx, op);
        nx_number *vals = malloc(sizeof *vals * nout);
        cr_assert_not_null(vals);
        cr_assert_eq(nx_to_flat_list(got, vals, (int64_t)nout), (int64_t)nout);
        for (uint64_t i = 0; i < nout; i++)
            check_value(idx, op, (int64_t)i, vals[i], want + i * 17);
        free(vals);
        NXTEST_OK();
        nx_scope_end();
    }
    cr_assert(done > 0, "composite.bin holds no %s cases", op_names[want_op]);
    free(file);
}

Test(composite, tril_matches_numpy) { run_oracle(OP_TRIL); }
Test(composite, triu_matches_numpy) { run_oracle(OP_TRIU); }
Test(composite, tri_matches_numpy) { run_oracle(OP_TRI); }
Test(composite, take_diagonal_matches_numpy) { run_oracle(OP_TAKE_DIAGONAL); }
Test(composite, make_diagonal_matches_numpy) { run_oracle(OP_MAKE_DIAGONAL); }
Test(composite, put_diagonal_matches_numpy) { run_oracle(OP_PUT_DIAGONAL); }
Test(composite, linspace_matches_numpy) { run_oracle(OP_LINSPACE); }
Test(composite, median_matches_numpy) { run_oracle(OP_MEDIAN); }
Test(composite, mode_matches_python) { run_oracle(OP_MODE); }
Test(composite, weighted_mean_matches_numpy) { run_oracle(OP_WEIGHTED_MEAN); }
Test(composite, covariance_matches_numpy) { run_oracle(OP_COVARIANCE); }
Test(composite, all_close_matches_numpy) { run_oracle(OP_ALL_CLOSE); }
Test(composite, logical_not_matches_numpy) { run_oracle(OP_LOGICAL_NOT); }
Test(composite, log_base_matches_numpy) { run_oracle(OP_LOG); }
Test(composite, reduce_matches_python) { run_oracle(OP_REDUCE); }

/* ------------------------------------------------------------------ Nx's examples */

Test(composite, diagonal_examples)
{
    nxtest_expect_code("Nx.tril(Nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), k: 1)",
                "#Nx.Tensor<\n  s32[3][3]\n  [\n    [1, 2, 0],\n    [4, 5, 6],\n    [7, 8, 9]\n  ]\n>");
    nxtest_expect_code("Nx.triu(Nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), k: 1)",
                "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 2, 3],\n    [0, 0, 6],\n    [0, 0, 0]\n  ]\n>");
    /* select with a literal 0: u8 becomes s32, names stay */
    nxtest_expect_code("Nx.tril(Nx.tensor([[1, 2], [3, 4]], type: :u8, names: [:r, :c]))",
                "#Nx.Tensor<\n  s32[r: 2][c: 2]\n  [\n    [1, 0],\n    [3, 4]\n  ]\n>");
    nxtest_expect_code("Nx.tri(2, 3, k: 1)", "#Nx.Tensor<\n  u8[2][3]\n  [\n    [1, 1, 0],\n    [1, 1, 1]\n  ]\n>");
    nxtest_expect_code("Nx.take_diagonal(Nx.iota({3, 2, 2}, names: [:b, :r, :c]))",
                "#Nx.Tensor<\n  s32[3][2]\n  [\n    [0, 3],\n    [4, 7],\n    [8, 11]\n  ]\n>");
    nxtest_expect_code("Nx.take_diagonal(Nx.iota({3, 3}), offset: -1)", "#Nx.Tensor<\n  s32[2]\n  [3, 7]\n>");
    nxtest_expect_code("t = Nx.vectorize(Nx.tensor([[1, 2], [3, 4]]), :x)\nNx.make_diagonal(t, offset: -1)",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[3][3]\n  [\n    [\n      [0, 0, 0],\n      [1, 0, 0],\n"
                "      [0, 2, 0]\n    ],\n    [\n      [0, 0, 0],\n      [3, 0, 0],\n      [0, 4, 0]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.put_diagonal(Nx.broadcast(0, {4, 3}), Nx.tensor([1, 2, 3]), offset: -1)",
                "#Nx.Tensor<\n  s32[4][3]\n  [\n    [0, 0, 0],\n    [1, 0, 0],\n    [0, 2, 0],\n    [0, 0, 3]\n  ]\n>");
    nxtest_expect_code("Nx.put_diagonal(Nx.iota({2, 2}, type: :f32), Nx.tensor([7, 8]))",
                "#Nx.Tensor<\n  f32[2][2]\n  [\n    [7.0, 1.0],\n    [2.0, 8.0]\n  ]\n>");
}

Test(composite, creation_examples)
{
    nxtest_expect_code("Nx.fill(Nx.iota({2, 2}), 5.0)", "#Nx.Tensor<\n  f32[2][2]\n  [\n    [5.0, 5.0],\n    [5.0, 5.0]\n  ]\n>");
    nxtest_expect_code("Nx.fill(Nx.iota({2}) |> Nx.vectorize(:x), 5, type: :u8)",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  u8\n  [5, 5]\n>");
    nxtest_expect_code("Nx.fill(Nx.tensor([1, 2], type: :u8, names: [:a]), 300)",
                "#Nx.Tensor<\n  u16[a: 2]\n  [300, 300]\n>");
    nxtest_expect_code("Nx.fill(Nx.iota({2}), Nx.tensor(2.5, type: :f64))", "#Nx.Tensor<\n  f64[2]\n  [2.5, 2.5]\n>");
    nxtest_expect_code("Nx.linspace(0, 10, n: 5, endpoint: false, name: :x)",
                "#Nx.Tensor<\n  f32[x: 5]\n  [0.0, 2.0, 4.0, 6.0, 8.0]\n>");
    nxtest_expect_code("Nx.linspace(0, 24, n: 8, type: :u8)", "#Nx.Tensor<\n  u8[8]\n  [0, 3, 6, 10, 13, 17, 20, 24]\n>");
    nxtest_expect_code("start = Nx.vectorize(Nx.tensor([0, 1]), :x)\nstop = Nx.vectorize(Nx.tensor([10, 20]), :y)\n"
                "Nx.linspace(start, stop, n: 2)",
                "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  f32[2]\n  [\n    [\n      [0.0, 10.0],\n      [0.0, 20.0]\n"
                "    ],\n    [\n      [1.0, 10.0],\n      [1.0, 20.0]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.linspace(Nx.tensor(3), 10, n: 1, name: :n)", "#Nx.Tensor<\n  f32[n: 1]\n  [3.0]\n>");
}

Test(composite, elementwise_examples)
{
    nxtest_expect_code("Nx.logical_not(Nx.tensor([-1.0, 0.0, :nan], names: [:data]))",
                "#Nx.Tensor<\n  u8[data: 3]\n  [0, 1, 0]\n>");
    nxtest_expect_code("Nx.logical_not(Nx.tensor([Complex.new(0, 1), 0]))", "#Nx.Tensor<\n  u8[2]\n  [0, 1]\n>");
    nxtest_expect_code("Nx.log(Nx.tensor([3, 9, 27, 81]), 3)", "#Nx.Tensor<\n  f32[4]\n  [1.0, 2.0, 3.0, 4.0]\n>");
    /* a number base is an f32 tensor: f16 input gives f32; an f64 base keeps f64 */
    nxtest_expect_code("Nx.type(Nx.log(Nx.tensor([4.0], type: :f16), 2))", "{:f, 32}");
    nxtest_expect_code("Nx.log(Nx.tensor([8.0], type: :f64), Nx.tensor(2.0, type: :f64))",
                "#Nx.Tensor<\n  f64[1]\n  [3.0]\n>");
    nxtest_expect_code("Nx.log2(Nx.tensor([1, 2, 4, 8]))", "#Nx.Tensor<\n  f32[4]\n  [0.0, 1.0, 2.0, 3.0]\n>");
    nxtest_expect_code("Nx.log10(Nx.tensor([1, 10, 100, 1000]))", "#Nx.Tensor<\n  f32[4]\n  [0.0, 1.0, 2.0, 3.0]\n>");
    /* log(t) rounds to f16 first, then divides by the f32 log(10): 2.3027344 / 2.3025851 */
    nxtest_expect_code("Nx.log10(Nx.tensor([10], type: :f16))", "#Nx.Tensor<\n  f32[1]\n  [1.0000648]\n>");
    /* f64 input: log(2) stays the f32 0.6931471824645996, as in Nx */
    nxtest_expect_code("Nx.log2(Nx.tensor([8.0], type: :f64))", "#Nx.Tensor<\n  f64[1]\n  [2.9999999917564937]\n>");
}

Test(composite, statistics_examples)
{
    nxtest_expect_code("Nx.weighted_mean(Nx.tensor([1, 2, 3]), Nx.tensor([3, 2, 1]))", "#Nx.Tensor<\n  f32\n  1.6666666\n>");
    nxtest_expect_code("Nx.weighted_mean(Nx.iota({3, 4}), Nx.tensor([1, 2, 3, 4]), axes: [-1], keep_axes: true)",
                "#Nx.Tensor<\n  f32[3][1]\n  [\n    [2.0],\n    [6.0],\n    [10.0]\n  ]\n>");
    /* multi-axis weights: {4, 4} seen as {1, 4, 4, 1} */
    nxtest_expect_code("Nx.weighted_mean(Nx.iota({2, 4, 4, 1}), Nx.iota({4, 4}), axes: [1, 2])",
                "#Nx.Tensor<\n  f32[2][1]\n  [\n    [8.833333],\n    [24.833334]\n  ]\n>");
    nxtest_expect_code("Nx.median(Nx.tensor([[1, 2, 3], [4, 5, 6]], names: [:x, :y]), axis: 0)",
                "#Nx.Tensor<\n  f32[y: 3]\n  [2.5, 3.5, 4.5]\n>");
    nxtest_expect_code("Nx.median(Nx.tensor([[1, 2, 3], [4, 5, 6]], names: [:x, :y]), axis: :y, keep_axis: true)",
                "#Nx.Tensor<\n  s32[x: 2][y: 1]\n  [\n    [2],\n    [5]\n  ]\n>");
    /* without :axis the two middle values are added in the input type (s8 wraps) */
    nxtest_expect_code("Nx.median(Nx.tensor([100, 100], type: :s8))", "#Nx.Tensor<\n  f32\n  -28.0\n>");
    nxtest_expect_code("Nx.median(Nx.tensor([[100, 100]], type: :s8), axis: 1)", "#Nx.Tensor<\n  f32[1]\n  [100.0]\n>");
    nxtest_expect_code("Nx.mode(Nx.tensor([[1, 2, 2, 3, 5], [1, 1, 76, 8, 1]]), axis: 1, keep_axis: true)",
                "#Nx.Tensor<\n  s32[2][1]\n  [\n    [2],\n    [1]\n  ]\n>");
    nxtest_expect_code("Nx.mode(Nx.tensor([3, 1, 3, 1, 2]))", "#Nx.Tensor<\n  s32\n  1\n>");
    nxtest_expect_code("Nx.mode(Nx.tensor([[5, 5], [1, 1]], names: [:a, :b]), keep_axis: true)",
                "#Nx.Tensor<\n  s32[a: 1][b: 1]\n  [\n    [1]\n  ]\n>");
    nxtest_expect_code("Nx.mode(Nx.tensor(3.5), keep_axis: true)", "#Nx.Tensor<\n  f32[1]\n  [3.5]\n>");
    nxtest_expect_code("Nx.covariance(Nx.tensor([[1, 2], [3, 4], [5, 6]]), Nx.tensor([4, 3]))",
                "#Nx.Tensor<\n  f32[2][2]\n  [\n    [3.6666667, 1.6666666],\n    [1.6666666, 3.6666667]\n  ]\n>");
    nxtest_expect_code("Nx.covariance(Nx.tensor([[1, 2], [3, 4], [5, 6]]), ddof: 1)",
                "#Nx.Tensor<\n  f32[2][2]\n  [\n    [4.0, 4.0],\n    [4.0, 4.0]\n  ]\n>");
    nxtest_expect_code("Nx.covariance(Nx.tensor([[Complex.new(0, 1)], [Complex.new(0, -1)]]))",
                "#Nx.Tensor<\n  c64[1][1]\n  [\n    [1.0+0.0i]\n  ]\n>");
    nxtest_expect_code("Nx.all_close(Nx.tensor([1.0e10, 1.0e-7]), Nx.tensor([1.00001e10, 1.0e-8]))",
                "#Nx.Tensor<\n  u8\n  0\n>");
    nxtest_expect_code("t = Nx.tensor([:nan, 1])\nNx.all_close(t, t, equal_nan: true)", "#Nx.Tensor<\n  u8\n  1\n>");
    nxtest_expect_code("Nx.all_close(Nx.tensor(:infinity), Nx.tensor(:infinity))", "#Nx.Tensor<\n  u8\n  1\n>");
    nxtest_expect_code("Nx.all_close(Nx.tensor([-128], type: :s8), Nx.tensor([-128], type: :s8))",
                "#Nx.Tensor<\n  u8\n  1\n>");
    nxtest_expect_code("Nx.all_close(Nx.tensor([1.0]), Nx.tensor([1.000001]), rtol: 0, atol: 0)",
                "#Nx.Tensor<\n  u8\n  0\n>");
    nxtest_expect_code("x = Nx.tensor([0, 1]) |> Nx.vectorize(:x)\nNx.all_close(x, Nx.tensor(1))",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  u8\n  [0, 1]\n>");
}

Test(composite, reduce_examples)
{
    nxtest_expect_code("Nx.reduce(Nx.tensor(42), 0, fn x, y -> Nx.add(x, y) end)", "#Nx.Tensor<\n  s32\n  42\n>");
    nxtest_expect_code("t = Nx.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], names: [:x, :y, :z])\n"
                "Nx.reduce(t, 0, [axes: [:x, 2]], fn x, y -> Nx.add(x, y) end)",
                "#Nx.Tensor<\n  s32[y: 2]\n  [30, 48]\n>");
    nxtest_expect_code("t = Nx.tensor([[[1, 2, 3], [4, 5, 6]], [[10, 20, 30], [40, 50, 60]]]) |> Nx.vectorize(:x)\n"
                "Nx.reduce(t, 10, [axes: [1]], &Nx.add/2)",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[2]\n  [\n    [16, 25],\n    [70, 160]\n  ]\n>");
    nxtest_expect_code("Nx.reduce(Nx.tensor([[1, 2, 3], [4, 5, 6]], names: [:x, :y]), 0, [axes: [:y], keep_axes: true], &Nx.max/2)",
                "#Nx.Tensor<\n  s32[x: 2][y: 1]\n  [\n    [3],\n    [6]\n  ]\n>");
    /* :type, acc typed as a number operand, axes: [] returns the input */
    nxtest_expect_code("Nx.reduce(Nx.tensor([1, 2, 3]), 1, [type: :f64], &Nx.multiply/2)", "#Nx.Tensor<\n  f64\n  6.0\n>");
    nxtest_expect_code("Nx.reduce(Nx.tensor([200, 100], type: :u8), 0, &Nx.add/2)", "#Nx.Tensor<\n  u8\n  44\n>");
    nxtest_expect_code("Nx.reduce(Nx.tensor([1, 2], type: :u8), 0, [axes: []], &Nx.add/2)",
                "#Nx.Tensor<\n  u8[2]\n  [1, 2]\n>");
    /* the function's own exception wins */
    nxtest_expect_code("Nx.reduce(Nx.tensor([1, 2]), 0, fn _, _ -> raise \"boom\" end)", "** (RuntimeError) boom");
}

/* reduce/4 from C: the function sees elements in row-major order per output. */
static nx_tensor *record_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    nx_number n;
    int *seen = ctx;
    cr_assert_eq(nx_to_number(x, &n), 0);
    seen[++seen[0]] = (int)n.i;
    return nx_subtract(acc, x);
}

Test(composite, reduce_order_and_types)
{
    nx_scope_begin();
    int32_t v[] = { 1, 2, 3, 4, 5, 6 };
    int seen[16] = { 0 };
    nx_tensor *t = s32s(v, NX_SHAPE(2, 3));
    nx_tensor *r = nx_reduce(t, nx_number_tensor(NX_INT(100)), record_fn, seen, .axes = NX_AXES(0));
    NXTEST_PRINTS(r, "#Nx.Tensor<\n  s32[3]\n  [95, 93, 91]\n>");
    int want[] = { 6, 1, 4, 2, 5, 3, 6 };
    cr_assert_arr_eq(seen, want, sizeof want);
    /* a tensor accumulator merges as a tensor: s32 with f64 gives f64 */
    r = nx_reduce(t, nx_scalar(NX_INT(0), NX_F64), add_fn, NULL);
    NXTEST_PRINTS(r, "#Nx.Tensor<\n  f64\n  21.0\n>");
    nx_scope_end();
}

/* ------------------------------------------------------------------ bad input */

static nx_tensor *not_scalar_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    (void)acc;
    (void)ctx;
    return nx_new_axis(x, 0, NULL);
}

static nx_tensor *failing_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    (void)x;
    (void)acc;
    (void)ctx;
    return NULL;
}

Test(composite, errors)
{
    nx_scope_begin();
    nx_tensor *v3 = nx_iota(NX_SHAPE(3)), *m33 = nx_iota(NX_SHAPE(3, 3)), *c3 = nx_iota(NX_SHAPE(3, 3, 3));
    cr_assert_null(nx_tril(v3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tril/2 expects a tensor with at least 2 dimensions, got: #Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>");
    cr_assert_null(nx_triu(nx_scalar(NX_INT(1), NX_S32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "triu/2 expects a tensor with at least 2 dimensions, got: #Nx.Tensor<\n  s32\n  1\n>");
    cr_assert_null(nx_take_diagonal(v3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: 1");
    cr_assert_null(nx_take_diagonal(m33, .offset = 3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "offset must be less than length of axis 1 when positive, got: 3");
    cr_assert_null(nx_take_diagonal(m33, .offset = -3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "absolute value of offset must be less than length of axis 0 when negative, got: -3");
    cr_assert_null(nx_make_diagonal(m33));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "make_diagonal/2 expects tensor of rank 1, got tensor of rank: 2");
    cr_assert_null(nx_put_diagonal(c3, v3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "put_diagonal/3 expects tensor of rank 2, got tensor of rank: 3");
    cr_assert_null(nx_put_diagonal(m33, m33));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "put_diagonal/3 expects diagonal of rank 1, got tensor of rank: 2");
    cr_assert_null(nx_put_diagonal(m33, nx_iota(NX_SHAPE(2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected diagonal tensor of length: 3, got diagonal tensor of length: 2");
    cr_assert_null(nx_put_diagonal(m33, v3, .offset = 1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected diagonal tensor of length: 2, got diagonal tensor of length: 3");
    cr_assert_null(nx_put_diagonal(m33, v3, .offset = -3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "absolute value of offset must be less than length of axis 0 when negative, got: -3");
    cr_assert_null(nx_linspace(NX_I(0), NX_I(1), .n = 0));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected n to be a non-negative integer, got: 0");
    cr_assert_null(nx_linspace(nx_iota(NX_SHAPE(1, 2)), v3, .n = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected start and stop to have the same shape. Got shapes {1, 2} and {3}");
    cr_assert_null(nx_weighted_mean(m33, v3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes must be specified when shapes of input and weights differ");
    cr_assert_null(nx_weighted_mean(m33, v3, .axes = NX_AXES(0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "weights tensor must have rank equal to the number of aggregation axes when input shapes differ");
    cr_assert_null(nx_weighted_mean(m33, v3, .axes = NX_AXES(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_median(m33, .axis = NX_AXIS_NAMED("z")));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    cr_assert_null(nx_mode(m33, .axis = NX_AXIS(-3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-3) invalid for shape with rank 2");
    cr_assert_null(nx_covariance(v3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected input tensor of rank at least 2, got 1");
    cr_assert_null(nx_covariance(m33, .mean = NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected mean of rank at least 1, got 0");
    cr_assert_null(nx_covariance(m33, .ddof = -1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected ddof to be a non-negative integer, got -1");
    cr_assert_null(nx_log_base(v3, NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected base to be greater than 0 and different than 1, got: 1");
    cr_assert_null(nx_log_base(v3, NX_F(-0.5)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected base to be greater than 0 and different than 1, got: -0.5");
    cr_assert_not_null(nx_log_base(v3, nx_scalar(NX_INT(1), NX_S32)));   /* tensor bases are not checked */
    cr_assert_null(nx_reduce(v3, v3, add_fn, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "the accumulator must be a non-vectorized scalar, got: #Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>");
    cr_assert_null(nx_reduce(v3, NX_I(0), not_scalar_fn, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "the reduce function must return a non-vectorized scalar tensor, got: #Nx.Tensor<\n  s32[1]\n  [0]\n>");
    cr_assert_null(nx_reduce(v3, NX_I(0), failing_fn, NULL));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "the reduce function failed without an error");
    cr_assert_null(nx_reduce(v3, NX_I(0), add_fn, NULL, .axes = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (1) invalid for shape with rank 1");
    /* NULL in, NULL out, first error kept */
    cr_assert_null(nx_fill(nx_take_diagonal(v3), NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: 1");
    cr_assert_null(nx_all_close(NULL, v3));
    cr_assert_null(nx_logical_not(NULL));
    cr_assert_null(nx_tril(NULL));
    cr_assert_null(nx_median(NULL));
    nx_error_clear();
    nx_scope_end();
}

Test(composite, interpreter_errors)
{
    nxtest_expect_code("Nx.tril(Nx.iota({6}))",
                "** (ArgumentError) tril/2 expects a tensor with at least 2 dimensions, got: #Nx.Tensor<\n  s32[6]\n"
                "  [0, 1, 2, 3, 4, 5]\n>");
    nxtest_expect_code("Nx.linspace(0, 24, n: 1.0)", "** (ArgumentError) expected n to be a non-negative integer, got: 1.0");
    nxtest_expect_code("Nx.linspace(0, 24, [])", "** (ArgumentError) expected n to be a non-negative integer, got: nil");
    nxtest_expect_code("Nx.fill(Nx.iota({2}), 1, foo: 1)",
                "** (ArgumentError) unknown keys [:foo] in [foo: 1], the allowed keys are: [:type]");
    nxtest_expect_code("Nx.median(Nx.iota({2}), axes: [0])",
                "** (ArgumentError) unknown key :axes in [axes: [0]], expected one of [:axis, :keep_axis]");
    nxtest_expect_code("Nx.covariance(Nx.iota({2, 2}), ddof: 1.0)",
                "** (ArgumentError) expected ddof to be a non-negative integer, got 1.0");
    nxtest_expect_code("Nx.log(Nx.iota({2}), 0)",
                "** (ArgumentError) expected base to be greater than 0 and different than 1, got: 0");
    nxtest_expect_code("Nx.reduce(Nx.iota({2}), Nx.iota({2}), &Nx.add/2)",
                "** (ArgumentError) the accumulator must be a non-vectorized scalar, got: #Nx.Tensor<\n  s32[2]\n"
                "  [0, 1]\n>");
}

/* Every allocation of the composites may fail: the call returns NULL with an error (or
 * succeeds) and frees what it took (LeakSanitizer checks the sanitized run). */
Test(composite, failed_allocations_are_clean)
{
    float v[] = { 1, 2, 2, 4, 5, 6 };
    for (long n = 1; n < 160; n++) {
        nx_scope_begin();
        nx_tensor *t = f32s(v, NX_SHAPE(2, 3)), *w = f32s(v, NX_SHAPE(3));
        nxalloc_fail_at(n, 0);
        nx_tensor *r[] = {
            nx_tril(t, .k = 1), nx_take_diagonal(t), nx_make_diagonal(w, .offset = 1), nx_linspace(w, w, .n = 3),
            nx_median(t, .axis = NX_AXIS(0)), nx_mode(t), nx_weighted_mean(t, w, .axes = NX_AXES(1)),
            nx_covariance(t), nx_all_close(t, t), nx_fill(t, NX_I(1)), nx_log_base(t, NX_I(2)),
            nx_reduce(t, NX_I(0), add_fn, NULL, .axes = NX_AXES(1)),
        };
        nxalloc_fail_at(0, 0);
        for (size_t i = 0; i < sizeof r / sizeof *r; i++)
            if (!r[i])
                cr_assert_neq(nx_error(), NX_OK, "n = %ld, call %zu: NULL without an error", n, i);
        nx_error_clear();
        nx_scope_end();
    }
}
