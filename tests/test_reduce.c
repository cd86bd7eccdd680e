/* tests/test_reduce.c: the reductions (sum, product, reduce_max, reduce_min, all, any,
 * argmax, argmin) and the aggregates built on them (mean, logsumexp, variance,
 * standard_deviation). Random cases of every type come from the NumPy oracle
 * tests/oracle/gen_reduce.py (build/oracle/reduce.bin); exact values, names, options and
 * every error message come from the spec (spec/functions.md §12) and Nx's examples, run
 * through the interpreter's bindings; the summation order is checked bit for bit against
 * a reference written from its documentation, and against other thread counts. */
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

static nx_tensor *f32s(const float *v, nx_shape s)
{
    return nx_from_data(v, NX_F32, s);
}

static nx_tensor *s32s(const int32_t *v, nx_shape s)
{
    return nx_from_data(v, NX_S32, s);
}

/* ------------------------------------------------------------------ the NumPy oracle */

enum {
    OP_SUM, OP_PRODUCT, OP_MAX, OP_MIN, OP_ALL, OP_ANY, OP_ARGMAX, OP_ARGMIN, OP_MEAN,
    OP_LOGSUMEXP, OP_VARIANCE, OP_STD, OP_COUNT
};
static const char *const op_names[OP_COUNT] = { "sum", "product", "reduce_max", "reduce_min", "all", "any",
                                                "argmax", "argmin", "mean", "logsumexp", "variance",
                                                "standard_deviation" };
static nx_tensor *(*const axes_ops[OP_COUNT])(const nx_tensor *, nx_reduce_opts) = {
    [OP_SUM] = nx_sum_, [OP_PRODUCT] = nx_product_, [OP_MAX] = nx_reduce_max_, [OP_MIN] = nx_reduce_min_,
    [OP_ALL] = nx_all_, [OP_ANY] = nx_any_, [OP_MEAN] = nx_mean_,
};

typedef struct {
    int op;
    nx_type type, want_type, index_type;
    nx_shape shape, want_shape;
    int vrank, axes_mode, keep, axis_given, axis, tie_high;
    nx_axes axes;
    double ddof;
} oracle_case;

/* Compares one element of the result with the oracle's 17-byte value and tolerance. */
static void check_value(const oracle_case *c, unsigned idx, int64_t i, nx_number got,
                        const unsigned char *rec, double tol)
{
    int kind = rec[0];
    uint64_t a = 0, b = 0;
    for (int k = 7; k >= 0; k--) {
        a = (a << 8) | rec[1 + k];
        b = (b << 8) | rec[9 + k];
    }
    const char *op = op_names[c->op], *tn = nx_type_name(c->type);
    if (kind == 0 || kind == 1) {
        __int128 want = kind == 0 ? (__int128)(int64_t)a : (__int128)a;
        cr_assert(got.kind == NX_NUM_INT || got.kind == NX_NUM_UINT, "case %u (%s %s) element %lld: not an integer",
                  idx, op, tn, (long long)i);
        __int128 g = got.kind == NX_NUM_INT ? (__int128)got.i : (__int128)got.u;
        cr_assert(g == want, "case %u (%s %s) element %lld: %lld, expected %lld", idx, op, tn, (long long)i,
                  (long long)g, (long long)want);
        return;
    }
    double wa, wb;
    memcpy(&wa, &a, 8);
    memcpy(&wb, &b, 8);
    double parts_got[2] = { got.kind == NX_NUM_COMPLEX ? got.c.re : got.f, got.kind == NX_NUM_COMPLEX ? got.c.im : 0 };
    double parts_want[2] = { wa, kind == 3 ? wb : 0 };
    cr_assert(kind == 3 ? got.kind == NX_NUM_COMPLEX : got.kind == NX_NUM_FLOAT,
              "case %u (%s %s) element %lld: kind %d", idx, op, tn, (long long)i, (int)got.kind);
    for (int k = 0; k < (kind == 3 ? 2 : 1); k++) {
        double g = parts_got[k], w = parts_want[k];
        if (isnan(w))
            cr_assert(isnan(g), "case %u (%s %s) element %lld: %.17g, expected NaN", idx, op, tn, (long long)i, g);
        else if (isinf(w))
            cr_assert(g == w, "case %u (%s %s) element %lld: %.17g, expected %g", idx, op, tn, (long long)i, g, w);
        else
            cr_assert(fabs(g - w) <= tol, "case %u (%s %s, seed in file) element %lld: %.17g, expected %.17g (+-%.3g)",
                      idx, op, tn, (long long)i, g, w, tol);
    }
}

static nx_tensor *call_op(const oracle_case *c, const nx_tensor *t)
{
    nx_reduce_opts ro = { .axes = c->axes, .keep_axes = c->keep };
    switch (c->op) {
    case OP_ARGMAX:
    case OP_ARGMIN: {
        nx_argmax_opts o = { .axis = c->axis_given ? NX_AXIS(c->axis) : (nx_axis){ 0 },
                             .tie_break = c->tie_high ? NX_TIE_HIGH : NX_TIE_LOW, .keep_axis = c->keep,
                             .type = c->index_type };
        return c->op == OP_ARGMAX ? nx_argmax_(t, o) : nx_argmin_(t, o);
    }
    case OP_LOGSUMEXP:
        return nx_logsumexp(t, .axes = c->axes, .keep_axes = c->keep);
    case OP_VARIANCE:
        return nx_variance(t, .axes = c->axes, .ddof = c->ddof, .keep_axes = c->keep);
    case OP_STD:
        return nx_standard_deviation(t, .axes = c->axes, .ddof = c->ddof, .keep_axes = c->keep);
    default:
        return axes_ops[c->op](t, ro);
    }
}

static void run_oracle(int want_op)
{
    size_t len;
    unsigned char *file = nxtest_read_oracle("reduce.bin", &len);
    nxtest_reader r = { file, file + len };
    cr_assert(len >= 16 && memcmp(nxtest_rd_bytes(&r, 8), "NXRED01\n", 8) == 0, "reduce.bin: bad magic");
    unsigned seed = (unsigned)nxtest_rd_le(&r, 4), ncases = (unsigned)nxtest_rd_le(&r, 4);
    long limit = nxtest_scaled((long)ncases), done = 0;
    static const char *const vnames[] = { "v0", "v1", "v2" };
    for (unsigned idx = 0; idx < ncases; idx++) {
        oracle_case c = { 0 };
        c.op = (int)nxtest_rd_le(&r, 1);
        c.type = (nx_type)nxtest_rd_le(&r, 1);
        c.want_type = (nx_type)nxtest_rd_le(&r, 1);
        c.shape = nxtest_rd_shape(&r);
        c.vrank = (int)nxtest_rd_le(&r, 1);
        c.axes_mode = (int)nxtest_rd_le(&r, 1);
        int naxes = (int)nxtest_rd_le(&r, 1);
        cr_assert(naxes <= NX_MAX_RANK);
        for (int i = 0; i < naxes; i++)
            c.axes.index[i] = (int)(int32_t)nxtest_rd_le(&r, 4);
        c.axes.n = c.axes_mode == 2 ? -1 : naxes;
        c.keep = (int)nxtest_rd_le(&r, 1);
        c.axis_given = (int)nxtest_rd_le(&r, 1);
        c.axis = (int)(int32_t)nxtest_rd_le(&r, 4);
        c.tie_high = (int)nxtest_rd_le(&r, 1);
        c.index_type = (nx_type)nxtest_rd_le(&r, 1);
        c.ddof = nxtest_rd_f64(&r);
        c.want_shape = nxtest_rd_shape(&r);
        uint64_t in_len = nxtest_rd_le(&r, 8);
        const unsigned char *in = nxtest_rd_bytes(&r, in_len);
        uint64_t nout = nxtest_rd_le(&r, 8);
        const unsigned char *want = nxtest_rd_bytes(&r, nout * 25);
        if (c.op != want_op || done >= limit)
            continue;
        done++;

        nx_scope_begin();
        const char *op = op_names[c.op], *tn = nx_type_name(c.type);
        nx_tensor *t = nx_from_data(in, c.type, c.shape);
        for (int v = 0; v < c.vrank; v++)
            t = nx_vectorize(t, vnames[v]);
        cr_assert_not_null(t, "case %u: input: %s", idx, nx_error_message());
        nx_tensor *got = call_op(&c, t);
        cr_assert_not_null(got, "case %u (%s %s, seed %u): %s: %s", idx, op, tn, seed,
                           nx_error_kind_name(nx_error()), nx_error_message());
        cr_assert_eq(nx_type_of(got), c.want_type, "case %u (%s %s): type %s, expected %s", idx, op, tn,
                     nx_type_name(nx_type_of(got)), nx_type_name(c.want_type));
        cr_assert_eq(nx_vectorized_rank(got), c.vrank, "case %u (%s %s): vectorized axes", idx, op, tn);
        nx_shape s = nx_shape_of(nx_devectorize(got, true));
        cr_assert_eq(s.rank, c.want_shape.rank, "case %u (%s %s): rank %d, expected %d", idx, op, tn, s.rank,
                     c.want_shape.rank);
        for (int i = 0; i < s.rank; i++)
            cr_assert_eq(s.dims[i], c.want_shape.dims[i], "case %u (%s %s): axis %d is %lld, expected %lld", idx,
                         op, tn, i, (long long)s.dims[i], (long long)c.want_shape.dims[i]);
        cr_assert_eq(nx_flat_size(got), (int64_t)nout, "case %u (%s %s): size", idx, op, tn);
        nx_number *vals = malloc(sizeof *vals * (nout ? nout : 1));
        cr_assert_not_null(vals);
        cr_assert_eq(nx_to_flat_list(got, vals, (int64_t)nout), (int64_t)nout);
        for (uint64_t i = 0; i < nout; i++) {
            const unsigned char *rec = want + i * 25;
            double tol;
            memcpy(&tol, rec + 17, 8);
            check_value(&c, idx, (int64_t)i, vals[i], rec, tol);
        }
        free(vals);
        NXTEST_OK();
        nx_scope_end();
    }
    cr_assert(done > 0, "reduce.bin holds no %s cases", op_names[want_op]);
    free(file);
}

Test(reduce, sum_matches_numpy) { run_oracle(OP_SUM); }
Test(reduce, product_matches_numpy) { run_oracle(OP_PRODUCT); }
Test(reduce, reduce_max_matches_numpy) { run_oracle(OP_MAX); }
Test(reduce, reduce_min_matches_numpy) { run_oracle(OP_MIN); }
Test(reduce, all_matches_numpy) { run_oracle(OP_ALL); }
Test(reduce, any_matches_numpy) { run_oracle(OP_ANY); }
Test(reduce, argmax_matches_numpy) { run_oracle(OP_ARGMAX); }
Test(reduce, argmin_matches_numpy) { run_oracle(OP_ARGMIN); }
Test(reduce, mean_matches_numpy) { run_oracle(OP_MEAN); }
Test(reduce, logsumexp_matches_numpy) { run_oracle(OP_LOGSUMEXP); }
Test(reduce, variance_matches_numpy) { run_oracle(OP_VARIANCE); }
Test(reduce, standard_deviation_matches_numpy) { run_oracle(OP_STD); }

/* ------------------------------------------------------------------ Nx's examples */

Test(reduce, sum_examples)
{
    nxtest_expect_code("Nx.sum(Nx.tensor(42))", "#Nx.Tensor<\n  s32\n  42\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([[101, 102], [103, 104]], type: :s8))", "#Nx.Tensor<\n  s32\n  410\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([[1.0, 2.0], [3.0, 4.0]]))", "#Nx.Tensor<\n  f32\n  10.0\n>");
    nxtest_expect_code("t = Nx.iota({2, 2, 3}, names: [:x, :y, :z])\nNx.sum(t, axes: [:x, :z])",
                "#Nx.Tensor<\n  s32[y: 2]\n  [24, 42]\n>");
    nxtest_expect_code("t = Nx.iota({2, 2, 3}, names: [:x, :y, :z])\nNx.sum(t, axes: [-3])",
                "#Nx.Tensor<\n  s32[y: 2][z: 3]\n  [\n    [6, 8, 10],\n    [12, 14, 16]\n  ]\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([[1, 2], [3, 4]], names: [:x, :y]), axes: [:x], keep_axes: true)",
                "#Nx.Tensor<\n  s32[x: 1][y: 2]\n  [\n    [4, 6]\n  ]\n>");
    nxtest_expect_code("t = Nx.tensor([[[[1, 2]], [[3, 4]]], [[[5, 6]], [[7, 8]]]]) |> Nx.vectorize(:x) |> Nx.vectorize(:y)\n"
                "Nx.sum(t)",
                "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32\n  [\n    [3, 7],\n    [11, 15]\n  ]\n>");
    /* Overflow wraps in the aggregate type; axes: [] only converts. */
    nxtest_expect_code("Nx.sum(Nx.tensor([2147483647, 1]))", "#Nx.Tensor<\n  s32\n  -2147483648\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([255, 255], type: :u8), axes: [])", "#Nx.Tensor<\n  u32[2]\n  [255, 255]\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([1, 2], type: :u64))", "#Nx.Tensor<\n  s64\n  3\n>");
    /* Every inner axis kept as 1 with its name; NaN propagates; f16 rounds once. */
    nxtest_expect_code("Nx.sum(Nx.iota({2, 3}, names: [:x, :y]), keep_axes: true)",
                "#Nx.Tensor<\n  s32[x: 1][y: 1]\n  [\n    [15]\n  ]\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([1.0, :nan]))", "#Nx.Tensor<\n  f32\n  NaN\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([2048.0, 1.0, 1.0], type: :f16))", "#Nx.Tensor<\n  f16\n  2050.0\n>");
    nxtest_expect_code("Nx.sum(Nx.tensor([Complex.new(1, 2), Complex.new(3, -1)]))", "#Nx.Tensor<\n  c64\n  4.0+1.0i\n>");
}

Test(reduce, product_examples)
{
    nxtest_expect_code("Nx.product(Nx.tensor([[10, 20], [30, 40]], type: :u8, names: [:x, :y]))",
                "#Nx.Tensor<\n  u32\n  240000\n>");
    nxtest_expect_code("t = Nx.iota({2, 2, 3}, names: [:x, :y, :z])\nNx.product(t, axes: [:z], keep_axes: true)",
                "#Nx.Tensor<\n  s32[x: 2][y: 2][z: 1]\n  [\n    [\n      [0],\n      [60]\n    ],\n    [\n      [336],\n"
                "      [990]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.product(Nx.tensor([65536, 65536]))", "#Nx.Tensor<\n  s32\n  0\n>");
    nxtest_expect_code("Nx.product(Nx.tensor([Complex.new(1, 2), Complex.new(3, -1)]))", "#Nx.Tensor<\n  c64\n  5.0+5.0i\n>");
}

Test(reduce, max_min_examples)
{
    nxtest_expect_code("Nx.reduce_max(Nx.tensor(42.0))", "#Nx.Tensor<\n  f32\n  42.0\n>");
    nxtest_expect_code("Nx.reduce_max(Nx.tensor([[3, 1, 4], [2, 1, 1]], names: [:x, :y]), axes: [:y])",
                "#Nx.Tensor<\n  s32[x: 2]\n  [4, 2]\n>");
    nxtest_expect_code("t = Nx.tensor([[[1, 2], [4, 5]], [[2, 4], [3, 8]]], names: [:x, :y, :z])\n"
                "Nx.reduce_min(t, axes: [:x, :z], keep_axes: true)",
                "#Nx.Tensor<\n  s32[x: 1][y: 2][z: 1]\n  [\n    [\n      [1],\n      [3]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.reduce_max(Nx.tensor([1.0, :nan, 3.0]))", "#Nx.Tensor<\n  f32\n  NaN\n>");
    nxtest_expect_code("Nx.reduce_min(Nx.tensor([:infinity, :infinity]))", "#Nx.Tensor<\n  f32\n  Inf\n>");
    nxtest_expect_code("Nx.reduce_max(Nx.tensor([:neg_infinity]))", "#Nx.Tensor<\n  f32\n  -Inf\n>");
    nxtest_expect_code("Nx.reduce_min(Nx.tensor([-128, 127], type: :s8))", "#Nx.Tensor<\n  s8\n  -128\n>");
    nxtest_expect_code("Nx.reduce_max(Nx.tensor([0, 3, 1], type: :u2))", "#Nx.Tensor<\n  u2\n  3\n>");
    nxtest_expect_code("Nx.reduce_max(Nx.tensor([1.5, 2.5], type: :bf16))", "#Nx.Tensor<\n  bf16\n  2.5\n>");
}

Test(reduce, all_any_examples)
{
    nxtest_expect_code("Nx.all(Nx.tensor([[-1, 0, 1], [2, 3, 4]], names: [:x, :y]), axes: [:y], keep_axes: true)",
                "#Nx.Tensor<\n  u8[x: 2][y: 1]\n  [\n    [0],\n    [1]\n  ]\n>");
    nxtest_expect_code("Nx.any(Nx.tensor([[0, 1, 0], [0, 1, 2]], names: [:x, :y]), axes: [:x])",
                "#Nx.Tensor<\n  u8[y: 3]\n  [0, 1, 1]\n>");
    nxtest_expect_code("Nx.all(Nx.vectorize(Nx.tensor([1, 0]), :x))", "#Nx.Tensor<\n  vectorized[x: 2]\n  u8\n  [1, 0]\n>");
    /* NaN and a complex number with only an imaginary part are non-zero; -0.0 is zero. */
    nxtest_expect_code("Nx.all(Nx.tensor([:nan, 1.0]))", "#Nx.Tensor<\n  u8\n  1\n>");
    nxtest_expect_code("Nx.any(Nx.tensor([-0.0, 0.0]))", "#Nx.Tensor<\n  u8\n  0\n>");
    nxtest_expect_code("Nx.all(Nx.tensor([Complex.new(0, 1), Complex.new(2, 0)]))", "#Nx.Tensor<\n  u8\n  1\n>");
}

Test(reduce, argmax_argmin_examples)
{
    const char *t = "t = Nx.tensor([[[4, 2, 3], [1, -5, 3]], [[6, 2, 3], [4, 8, 3]]], names: [:x, :y, :z])\n";
    char code[512];
    nxtest_expect_code("Nx.argmax(4)", "#Nx.Tensor<\n  s32\n  0\n>");
    snprintf(code, sizeof code, "%sNx.argmax(t)", t);
    nxtest_expect_code(code, "#Nx.Tensor<\n  s32\n  10\n>");
    snprintf(code, sizeof code, "%sNx.argmin(t)", t);
    nxtest_expect_code(code, "#Nx.Tensor<\n  s32\n  4\n>");
    snprintf(code, sizeof code, "%sNx.argmax(t, tie_break: :high, axis: :y, type: :u32)", t);
    nxtest_expect_code(code, "#Nx.Tensor<\n  u32[x: 2][z: 3]\n  [\n    [0, 0, 1],\n    [0, 1, 1]\n  ]\n>");
    snprintf(code, sizeof code, "%sNx.argmin(t, axis: :y, keep_axis: true)", t);
    nxtest_expect_code(code, "#Nx.Tensor<\n  s32[x: 2][y: 1][z: 3]\n  [\n    [\n      [1, 1, 0]\n    ],\n    [\n      [1, 0, 0]\n"
                      "    ]\n  ]\n>");
    nxtest_expect_code("Nx.argmax(Nx.tensor([2.0, :nan, 4.0]))", "#Nx.Tensor<\n  s32\n  1\n>");
    /* The first NaN wins whatever the tie break; ties go low or high. */
    nxtest_expect_code("Nx.argmax(Nx.tensor([:nan, 1.0, :nan]), tie_break: :high)", "#Nx.Tensor<\n  s32\n  0\n>");
    nxtest_expect_code("Nx.argmin(Nx.tensor([1.0, :nan, :nan]))", "#Nx.Tensor<\n  s32\n  1\n>");
    nxtest_expect_code("Nx.argmin(Nx.tensor([3, 1, 1]), tie_break: :high)", "#Nx.Tensor<\n  s32\n  2\n>");
    nxtest_expect_code("Nx.argmin(Nx.tensor([3, 1, 1]), tie_break: :low)", "#Nx.Tensor<\n  s32\n  1\n>");
    /* Without :axis, keep_axis is ignored unless vectorized (then an inner shape of 1s). */
    nxtest_expect_code("Nx.argmax(Nx.iota({2, 3}), keep_axis: true)", "#Nx.Tensor<\n  s32\n  5\n>");
    nxtest_expect_code("v = Nx.tensor([[1, 2, 3], [6, 5, 4]]) |> Nx.vectorize(:x)\nNx.argmax(v, keep_axis: true)",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[1]\n  [\n    [2],\n    [0]\n  ]\n>");
    nxtest_expect_code("v = Nx.iota({2, 2, 2}, names: [:x, :a, :b]) |> Nx.vectorize(:x)\nNx.argmin(v, keep_axis: true)",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[a: 1][b: 1]\n  [\n    [\n      [0]\n    ],\n    [\n      [0]\n"
                "    ]\n  ]\n>");
    nxtest_expect_code("Nx.argmax(Nx.tensor([1, 5, 2]), type: :f16)", "#Nx.Tensor<\n  f16\n  1.0\n>");
}

Test(reduce, mean_examples)
{
    nxtest_expect_code("Nx.mean(Nx.tensor(42))", "#Nx.Tensor<\n  f32\n  42.0\n>");
    nxtest_expect_code("Nx.mean(Nx.tensor([1, 2, 3], type: :u8, names: [:x]), axes: [:x])", "#Nx.Tensor<\n  f32\n  2.0\n>");
    nxtest_expect_code("t = Nx.tensor(Nx.iota({2, 2, 3}), names: [:x, :y, :z])\nNx.mean(t, axes: [:x, :z])",
                "#Nx.Tensor<\n  f32[y: 2]\n  [4.0, 7.0]\n>");
    nxtest_expect_code("t = Nx.iota({2, 5}, vectorized_axes: [x: 2])\nNx.mean(t, axes: [1])",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  f32[2]\n  [\n    [2.0, 7.0],\n    [2.0, 7.0]\n  ]\n>");
    nxtest_expect_code("Nx.mean(Nx.tensor([1.0, 2.0], type: :f16))", "#Nx.Tensor<\n  f16\n  1.5\n>");
    nxtest_expect_code("Nx.mean(Nx.tensor([1, 2]), axes: [])", "#Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>");
}

Test(reduce, logsumexp_examples)
{
    nxtest_expect_code("Nx.logsumexp(Nx.tensor([1, 2, 3, 4, 5, 6]))", "#Nx.Tensor<\n  f32\n  6.4561934\n>");
    nxtest_expect_code("t = Nx.tensor([1, 2, 3, 4, 5, 6])\na = Nx.tensor([-1, -1, -1, 1, 1, 1])\n"
                "Nx.logsumexp(t, exp_scaling_factor: a)",
                "#Nx.Tensor<\n  f32\n  6.356537\n>");
    nxtest_expect_code("t = Nx.tensor([[1, 2], [3, 4], [5, 6]], names: [:x, :y])\nNx.logsumexp(t, axes: [:y])",
                "#Nx.Tensor<\n  f32[x: 3]\n  [2.3132617, 4.3132615, 6.3132615]\n>");
    nxtest_expect_code("t = Nx.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], names: [:x, :y, :z])\n"
                "Nx.logsumexp(t, axes: [:x, :z], keep_axes: true)",
                "#Nx.Tensor<\n  f32[x: 1][y: 2][z: 1]\n  [\n    [\n      [6.3314114],\n      [8.331411]\n    ]\n  ]\n>");
    /* Groups of -Inf give -Inf, +Inf gives Inf (Nx replaces infinite maxima). */
    nxtest_expect_code("Nx.logsumexp(Nx.tensor([[:neg_infinity, :neg_infinity], [:infinity, 1.0]]), axes: [1])",
                "#Nx.Tensor<\n  f32[2]\n  [-Inf, Inf]\n>");
    nxtest_expect_code("Nx.logsumexp(Nx.tensor([0.0, 0.0], type: :f64))", "#Nx.Tensor<\n  f64\n  0.6931471805599453\n>");
    nxtest_expect_code("Nx.logsumexp(Nx.tensor([Complex.new(1, 2)]))",
                "** (ArgumentError) Nx.reduce_max/2 does not support complex inputs");
}

Test(reduce, variance_examples)
{
    nxtest_expect_code("Nx.variance(Nx.tensor([[1, 2], [3, 4]]), ddof: 1)", "#Nx.Tensor<\n  f32\n  1.6666666\n>");
    nxtest_expect_code("Nx.variance(Nx.tensor([[1, 2], [3, 4]]), axes: [1], keep_axes: true)",
                "#Nx.Tensor<\n  f32[2][1]\n  [\n    [0.25],\n    [0.25]\n  ]\n>");
    nxtest_expect_code("Nx.variance(Nx.tensor([[1, 2], [0, 4]]) |> Nx.vectorize(:x))",
                "#Nx.Tensor<\n  vectorized[x: 2]\n  f32\n  [0.25, 4.0]\n>");
    nxtest_expect_code("Nx.standard_deviation(Nx.tensor([[1, 2], [10, 20]]), axes: [0], ddof: 1)",
                "#Nx.Tensor<\n  f32[2]\n  [6.363961, 12.727922]\n>");
    nxtest_expect_code("Nx.standard_deviation(Nx.tensor([[1, 2], [10, 20]]), keep_axes: true)",
                "#Nx.Tensor<\n  f32[1][1]\n  [\n    [7.628073]\n  ]\n>");
    /* n == ddof divides by zero (IEEE); a float ddof is allowed. */
    nxtest_expect_code("Nx.variance(Nx.tensor([1, 2, 3]), ddof: 3)", "#Nx.Tensor<\n  f32\n  Inf\n>");
    nxtest_expect_code("Nx.variance(Nx.tensor([1, 3]), ddof: 0.5)", "#Nx.Tensor<\n  f32\n  1.3333334\n>");
}

/* ------------------------------------------------------------------ errors */

Test(reduce, axis_errors)
{
    nxtest_expect_code("Nx.sum(Nx.tensor([[1, 2]]), axes: [2])", "** (ArgumentError) given axis (2) invalid for shape with rank 2");
    nxtest_expect_code("Nx.product(Nx.tensor([[1, 2]]), axes: [-3])",
                "** (ArgumentError) given axis (-3) invalid for shape with rank 2");
    nxtest_expect_code("Nx.reduce_max(Nx.iota({2, 3}), axes: [0, -2])",
                "** (ArgumentError) axes [0, -2] must be unique integers between 0 and 1");
    nxtest_expect_code("Nx.all(Nx.iota({2, 3}, names: [:x, :y]), axes: [:z])",
                "** (ArgumentError) name :z not found in tensor with names [:x, :y]");
    nxtest_expect_code("Nx.any(Nx.iota({2}), axes: [nil])", "** (ArgumentError) axis name cannot be nil");
    nxtest_expect_code("Nx.argmax(Nx.iota({2, 3}), axis: 2)", "** (ArgumentError) given axis (2) invalid for shape with rank 2");
    nxtest_expect_code("Nx.argmin(Nx.iota({2, 3}), axis: :x)",
                "** (ArgumentError) name :x not found in tensor with names [nil, nil]");
    nxtest_expect_code("Nx.mean(Nx.iota({2, 3}), axes: [1, 1])",
                "** (ArgumentError) axes [1, 1] must be unique integers between 0 and 1");
    nxtest_expect_code("Nx.sum(Nx.iota({2}), axes: 0)", "** (ArgumentError) expected :axes to be a list of axes, got: 0");
    /* Vectorized tensors: axes count the inner axes only (Nx's quirk fixed, spec §3.1). */
    nxtest_expect_code("Nx.sum(Nx.iota({2, 3}) |> Nx.vectorize(:v), axes: [-2])",
                "** (ArgumentError) given axis (-2) invalid for shape with rank 1");
    nxtest_expect_code("Nx.sum(Nx.iota({2, 3}) |> Nx.vectorize(:v), axes: [1])",
                "** (ArgumentError) given axis (1) invalid for shape with rank 1");
    nxtest_expect_code("Nx.sum(Nx.iota({2, 3}, names: [:v, :w]) |> Nx.vectorize(:v), axes: [:v])",
                "** (ArgumentError) name :v not found in tensor with names [:w]");
}

Test(reduce, option_errors)
{
    nxtest_expect_code("Nx.sum(Nx.tensor([1]), foo: 1)",
                "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:axes, :keep_axes]");
    nxtest_expect_code("Nx.sum(Nx.tensor([1]), axes: [0], axes: [0])",
                "** (ArgumentError) unknown key :axes in [axes: [0], axes: [0]], expected one of [:axes, :keep_axes]");
    nxtest_expect_code("Nx.all(Nx.tensor([1]), 3)", "** (ArgumentError) expected a keyword list with keys [:axes, :keep_axes], got: 3");
    nxtest_expect_code("Nx.mean(Nx.tensor([1]), keep_axis: true)",
                "** (ArgumentError) unknown key :keep_axis in [keep_axis: true], expected one of [:axes, :keep_axes]");
    nxtest_expect_code("Nx.argmax(Nx.tensor([1]), axes: [0])",
                "** (ArgumentError) unknown key :axes in [axes: [0]], expected one of [:axis, :tie_break, :keep_axis, :type]");
    nxtest_expect_code("Nx.argmin(Nx.tensor([1]), tie_break: :middle)",
                "** (ArgumentError) unknown value for :tie_break, expected :high or :low, got: :middle");
    nxtest_expect_code("Nx.argmax(Nx.tensor([1]), type: :f31)",
                "** (ArgumentError) invalid numerical type: :f31 (see Nx.Type docs for all supported types)");
    nxtest_expect_code("Nx.logsumexp(Nx.tensor([1]), ddof: 1)",
                "** (ArgumentError) unknown key :ddof in [ddof: 1], expected one of [:axes, :exp_scaling_factor, :keep_axes]");
    nxtest_expect_code("Nx.variance(Nx.tensor([1]), exp_scaling_factor: 1)",
                "** (ArgumentError) unknown key :exp_scaling_factor in [exp_scaling_factor: 1], expected one of [:axes, :ddof, :keep_axes]");
    nxtest_expect_code("Nx.standard_deviation(Nx.tensor([1]), ddof: :one)",
                "** (ArgumentError) expected :ddof to be a number, got: :one");
}

Test(reduce, complex_errors)
{
    const char *c = "c = Nx.tensor([Complex.new(1, 2)])\n";
    const char *fns[] = { "reduce_max", "reduce_min", "argmax", "argmin" };
    for (int i = 0; i < 4; i++) {
        char code[256], want[256];
        snprintf(code, sizeof code, "%sNx.%s(c)", c, fns[i]);
        snprintf(want, sizeof want, "** (ArgumentError) Nx.%s/2 does not support complex inputs", fns[i]);
        nxtest_expect_code(code, want);
    }
}

Test(reduce, c_api_errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_argmax(t, .tie_break = (nx_tie_break)5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "unknown value for :tie_break, expected :high or :low, got: 5");
    cr_assert_null(nx_argmin(t, .type = (nx_type)99));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: 99 (see Nx.Type docs for all supported types)");
    cr_assert_null(nx_sum(t, .axes = NX_AXES_NAMED("a")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :a not found in tensor with names [nil, nil]");
    /* A NULL input keeps the first error through nested calls. */
    cr_assert_null(nx_sum(nx_reduce_max(t, .axes = NX_AXES(7))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (7) invalid for shape with rank 2");
    cr_assert_null(nx_variance(nx_mean(t, .axes = NX_AXES(0, 0))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes [0, 0] must be unique integers between 0 and 1");
    cr_assert_null(nx_logsumexp(NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    nx_tensor *tmpl = nx_template(NX_SHAPE(2), NX_F32);
    cr_assert_null(nx_product(tmpl));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    nx_scope_end();
}

/* ------------------------------------------------------------------ the C API */

Test(reduce, c_api_options_and_names)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3, 4), .names = NX_NAMES("x", "y", "z"));
    nx_tensor *s = nx_sum(t, .axes = NX_AXES_NAMED("z", "x"), .keep_axes = true);
    NXTEST_PRINTS(s, "#Nx.Tensor<\n  s32[x: 1][y: 3][z: 1]\n  [\n    [\n      [60],\n      [92],\n      [124]\n    ]\n  ]\n>");
    nx_tensor *m = nx_reduce_max(t, .axes = NX_AXES(-1, 0));
    NXTEST_PRINTS(m, "#Nx.Tensor<\n  s32[y: 3]\n  [15, 19, 23]\n>");
    nx_tensor *e = nx_sum(t, .axes = NX_AXES_EMPTY);
    cr_assert_eq(nx_type_of(e), NX_S32);
    cr_assert_eq(nx_size(e), 24);
    nx_tensor *a = nx_argmax(t, .axis = NX_AXIS_NAMED("y"), .type = NX_U8);
    NXTEST_PRINTS(a, "#Nx.Tensor<\n  u8[x: 2][z: 4]\n  [\n    [2, 2, 2, 2],\n    [2, 2, 2, 2]\n  ]\n>");
    float v[] = { 1, 2, 3, 4 };
    nx_tensor *f = f32s(v, NX_SHAPE(2, 2));
    NXTEST_PRINTS(nx_logsumexp(f, .axes = NX_AXES(1), .exp_scaling_factor = NX_F(2.0)),
                  "#Nx.Tensor<\n  f32[2]\n  [3.0064087, 5.0064087]\n>");
    NXTEST_PRINTS(nx_standard_deviation(f, .ddof = 1), "#Nx.Tensor<\n  f32\n  1.2909944\n>");
    int32_t w[] = { 5, -7, 5 };
    NXTEST_PRINTS(nx_argmax(s32s(w, NX_SHAPE(3)), .tie_break = NX_TIE_HIGH), "#Nx.Tensor<\n  s32\n  2\n>");
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ summation order */

/* The documented order (include/nx/reduce.h), written out for one contiguous run: 4096-
 * element segments, 8 lanes combined pairwise, segment sums added in order. */
static double ref_run(const double *x, int64_t n)
{
    double l[8] = { 0 }, s;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            l[j] += x[i + j];
    s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    for (; i < n; i++)
        s += x[i];
    return s;
}

static double ref_sum(const double *x, int64_t n)
{
    double acc = 0.0 + ref_run(x, n < 4096 ? n : 4096);
    for (int64_t at = 4096; at < n; at += 4096)
        acc += 0.0 + ref_run(x + at, n - at < 4096 ? n - at : 4096);
    return acc;
}

Test(reduce, summation_order_is_the_documented_one)
{
    int64_t n = 1000003;
    double *x = malloc(sizeof *x * (size_t)n);
    cr_assert_not_null(x);
    uint64_t seed = 12345;
    for (int64_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = ((double)(seed >> 11) / 9007199254740992.0 - 0.5) * 1e3 * (double)(i % 7 + 1);
    }
    nx_scope_begin();
    nx_tensor *t = nx_from_data(x, NX_F64, NX_SHAPE(n));
    nx_number got;
    cr_assert_eq(nx_to_number(nx_sum(t), &got), 0);
    double want = ref_sum(x, n);
    cr_assert(memcmp(&got.f, &want, 8) == 0, "sum %.17g, documented order gives %.17g", got.f, want);
    /* The same data as 7 rows (the innermost axis reduced, rows on their own). */
    nx_tensor *rows = nx_sum(nx_reshape(nx_from_data(x, NX_F64, NX_SHAPE(7, 142857)), NX_SHAPE(7, 142857)),
                             .axes = NX_AXES(1));
    nx_number r[7];
    cr_assert_eq(nx_to_flat_list(rows, r, 7), 7);
    for (int i = 0; i < 7; i++) {
        double w = ref_sum(x + i * 142857, 142857);
        cr_assert(memcmp(&r[i].f, &w, 8) == 0, "row %d: %.17g, documented order gives %.17g", i, r[i].f, w);
    }
    /* The last axis kept: rows added one by one in segments of max(64, 4096 / 5) rows. */
    int64_t nrows = 200000, per = 4096 / 5;
    nx_tensor *cols = nx_sum(nx_from_data(x, NX_F64, NX_SHAPE(nrows, 5)), .axes = NX_AXES(0));
    nx_number c[5];
    cr_assert_eq(nx_to_flat_list(cols, c, 5), 5);
    for (int k = 0; k < 5; k++) {
        double acc = 0.0;
        for (int64_t s = 0; s * per < nrows; s++) {
            double part = 0.0;
            for (int64_t r = s * per; r < nrows && r < (s + 1) * per; r++)
                part += x[r * 5 + k];
            acc = s == 0 ? part : acc + part;
        }
        cr_assert(memcmp(&c[k].f, &acc, 8) == 0, "column %d: %.17g, documented order gives %.17g", k, c[k].f, acc);
    }
    nx_scope_end();
    free(x);
}

/* Every allocation of the composites may fail: the call returns NULL with an error (or
 * succeeds) and frees what it took (LeakSanitizer checks the sanitized run). */
Test(reduce, failed_allocations_are_clean)
{
    float v[] = { 1, 2, 3, 4, 5, 6 };
    for (long n = 1; n < 200; n++) {
        nx_scope_begin();
        nx_tensor *t = nx_from_data(v, NX_F32, NX_SHAPE(2, 3));
        nx_tensor *u = nx_as_type(t, NX_F16);
        nxalloc_fail_at(n, 0);
        nx_tensor *r[] = { nx_variance(t, .axes = NX_AXES(1), .ddof = 1), nx_logsumexp(u),
                           nx_standard_deviation(u, .keep_axes = true), nx_argmax(u, .type = NX_F16),
                           nx_mean(t, .axes = NX_AXES(0)) };
        nxalloc_fail_at(0, 0);
        for (size_t i = 0; i < sizeof r / sizeof *r; i++)
            if (!r[i])
                cr_assert_neq(nx_error(), NX_OK, "n = %ld: NULL without an error", n);
        nx_error_clear();
        nx_scope_end();
    }
}

Test(reduce, results_do_not_depend_on_the_thread_count)
{
    /* Full reductions (segments of one output), few outputs, row tiles, argmax: every
     * parallel path, printed with every digit that tells floats apart. */
    const char *code =
        "t = Nx.iota({3, 100003}, type: :f32) |> Nx.multiply(0.37) |> Nx.sin()\n"
        "u = Nx.iota({100003, 3}, type: :f64) |> Nx.multiply(1.1) |> Nx.cos()\n"
        "{Nx.sum(t), Nx.sum(t, axes: [1]), Nx.sum(u, axes: [0]), Nx.product(Nx.add(t, 1.5), axes: [1]),"
        " Nx.argmax(u, axis: 0), Nx.mean(u), Nx.variance(t, axes: [1]), Nx.to_number(Nx.sum(u))}";
    nxtest_same_for_thread_counts(code);
}
