/* tests/test_linalg_derived.c: the derived Nx.LinAlg functions (spec/linalg.md §2.1,
 * §2.11-2.15): norm, matrix_power, pinv, matrix_rank, least_squares and adjoint against
 * NumPy through the oracle of tests/oracle/gen_linalg_derived.py (every :ord, :axes and
 * :keep_axes of norm over integer, float and complex types; batched matrix powers,
 * negative ones included; pinv, matrix_rank and lstsq on well-conditioned f32/f64/integer
 * inputs); then Nx's examples, types, names, vectorized inputs and every error, in C and
 * through the interpreter. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One oracle case, read from the file. */
typedef struct {
    char op[17];
    int64_t params[6];
    int nin;
    nx_tensor *in[2];
    nx_type out_type;
    nx_shape out_shape;
    double rtol, atol;
    const unsigned char *want;   /* complex pairs of f64 */
} oracle_case;

static nx_type read_type(nxtest_reader *r)
{
    char name[9] = { 0 };
    memcpy(name, nxtest_rd_bytes(r, 8), 8);
    nx_type t = nxtest_type_named(name);
    cr_assert_neq(t, NX_TYPE_NONE, "unknown type %s in the oracle", name);
    return t;
}

static int64_t count(nx_shape s)
{
    int64_t n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    return n;
}

static void read_case(nxtest_reader *r, oracle_case *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->op, nxtest_rd_bytes(r, 16), 16);
    for (int i = 0; i < 6; i++)
        c->params[i] = (int64_t)nxtest_rd_le(r, 8);
    c->nin = (int)nxtest_rd_le(r, 1);
    for (int i = 0; i < c->nin; i++) {
        nx_type t = read_type(r);
        nx_shape s = nxtest_rd_shape(r);
        const unsigned char *v = nxtest_rd_bytes(r, 16 * (uint64_t)count(s));
        c->in[i] = nx_as_type(nx_from_data(v, NX_C128, s), t);
    }
    c->out_type = read_type(r);
    c->out_shape = nxtest_rd_shape(r);
    c->rtol = nxtest_rd_f64(r);
    c->atol = nxtest_rd_f64(r);
    c->want = nxtest_rd_bytes(r, 16 * (uint64_t)count(c->out_shape));
}

static nx_tensor *run_case(const oracle_case *c)
{
    const int64_t *p = c->params;
    if (!strcmp(c->op, "norm")) {
        nx_norm_opts o = { .ord = (nx_norm_ord)p[0], .p = p[1], .keep_axes = p[2] != 0 };
        if (p[3] >= 0) {
            o.axes.n = (int)p[3];
            o.axes.index[0] = (int)p[4];
            o.axes.index[1] = (int)p[5];
        }
        return nx_norm_(c->in[0], o);
    }
    if (!strcmp(c->op, "matrix_power"))
        return nx_matrix_power(c->in[0], p[0]);
    if (!strcmp(c->op, "pinv"))
        return nx_pinv(c->in[0]);
    if (!strcmp(c->op, "matrix_rank"))
        return nx_matrix_rank(c->in[0]);
    if (!strcmp(c->op, "least_squares"))
        return nx_least_squares(c->in[0], c->in[1]);
    if (!strcmp(c->op, "adjoint"))
        return nx_adjoint(c->in[0]);
    cr_assert_fail("unknown op %s in the oracle", c->op);
    return NULL;
}

/* 0 when r has the case's type and shape and every element is within tolerance; else
 * logs the first difference and returns 1. */
static int check_case(uint32_t k, const oracle_case *c, nx_tensor *r)
{
    const char *in_type = nx_type_name(nx_type_of(c->in[0]));
    if (!r) {
        cr_log_error("case %u %s %s: %s", k, c->op, in_type, nx_error_message());
        nx_error_clear();
        return 1;
    }
    if (nx_type_of(r) != c->out_type) {
        cr_log_error("case %u %s %s: type %s, expected %s", k, c->op, in_type, nx_type_name(nx_type_of(r)),
                     nx_type_name(c->out_type));
        return 1;
    }
    nx_shape s = nx_shape_of(r);
    int same = s.rank == c->out_shape.rank;
    for (int i = 0; same && i < s.rank; i++)
        same = s.dims[i] == c->out_shape.dims[i];
    if (!same) {
        cr_log_error("case %u %s %s: shape of rank %d differs from NumPy's", k, c->op, in_type, s.rank);
        return 1;
    }
    int64_t n = count(s);
    double *got = malloc(16 * (size_t)n + 16);
    cr_assert_eq(nx_to_binary(nx_as_type(r, NX_C128), got, 16 * n), 128 * n);
    int bad = 0;
    for (int64_t i = 0; i < n && !bad; i++) {
        double w[2];
        memcpy(w, c->want + 16 * i, 16);
        double e = cabs(CMPLX(got[2 * i] - w[0], got[2 * i + 1] - w[1]));
        if (!(e <= c->atol + c->rtol * cabs(CMPLX(w[0], w[1])))) {
            cr_log_error("case %u %s %s (params %lld %lld %lld %lld): element %lld is %g%+gi, NumPy %g%+gi", k,
                         c->op, in_type, (long long)c->params[0], (long long)c->params[1],
                         (long long)c->params[2], (long long)c->params[3], (long long)i, got[2 * i],
                         got[2 * i + 1], w[0], w[1]);
            bad = 1;
        }
    }
    free(got);
    return bad;
}

/* Runs every oracle case of `op`; returns how many there were. */
static void run_oracle(const char *op, uint32_t at_least)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("linalg_derived_cases.bin", "NXLAD01\n", &buf, &r);
    uint32_t seen = 0, bad = 0;
    for (uint32_t k = 0; k < ncases; k++) {
        nx_scope_begin();
        oracle_case c;
        read_case(&r, &c);
        if (!strcmp(c.op, op)) {
            seen++;
            bad += check_case(k, &c, run_case(&c));
        }
        nx_scope_end();
    }
    free(buf);
    cr_assert_geq(seen, at_least, "only %u %s cases in the oracle", seen, op);
    cr_assert_eq(bad, 0, "%u of %u %s cases differ from NumPy", bad, seen, op);
}

Test(linalg_derived, norm_matches_numpy) { run_oracle("norm", 300); }
Test(linalg_derived, matrix_power_matches_numpy) { run_oracle("matrix_power", 50); }
Test(linalg_derived, pinv_matches_numpy) { run_oracle("pinv", 30); }
Test(linalg_derived, matrix_rank_matches_numpy) { run_oracle("matrix_rank", 15); }
Test(linalg_derived, least_squares_matches_numpy) { run_oracle("least_squares", 20); }
Test(linalg_derived, adjoint_matches_numpy) { run_oracle("adjoint", 30); }

/* ---------------------------------------------------------------- Nx's examples */

Test(linalg_derived, examples)
{
    nxtest_expect_code("Nx.LinAlg.adjoint(Nx.tensor([[1, 2], [3, 4]]))",
                       "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 3],\n    [2, 4]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.adjoint(Nx.tensor([[1, Complex.new(0, 2)], [3, Complex.new(0, -4)]]))",
                       "#Nx.Tensor<\n  c64[2][2]\n  [\n    [1.0-0.0i, 3.0-0.0i],\n    [0.0-2.0i, 0.0+4.0i]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([3, 4]))", "#Nx.Tensor<\n  f32\n  5.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([3, -4, 0, 0]), ord: 0)", "#Nx.Tensor<\n  f32\n  2.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[3, -1], [2, -4]]), ord: -1)", "#Nx.Tensor<\n  f32\n  5.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[3, -2], [2, -4]]), ord: :neg_inf)", "#Nx.Tensor<\n  f32\n  5.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[Complex.new(0, 3), 4], [4, 0]]), axes: [0])",
                       "#Nx.Tensor<\n  f32[2]\n  [5.0, 4.0]\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[Complex.new(0, 3), 0], [4, 0]]), ord: :neg_inf)",
                       "#Nx.Tensor<\n  f32\n  3.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[0, 0], [0, 0]]))", "#Nx.Tensor<\n  f32\n  0.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[-1, -1], [0, 0], [1, 1]]), axes: [1], keep_axes: true)",
                       "#Nx.Tensor<\n  f32[3][1]\n  [\n    [1.4142135],\n    [0.0],\n    [1.4142135]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[1, 0, 0], [0, -4, 0], [0, 0, 9]]), ord: :nuclear)",
                       "#Nx.Tensor<\n  f32\n  14.0\n>");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[1, 0, 0], [0, -4, 0], [0, 0, 9]]), ord: -2)",
                       "#Nx.Tensor<\n  f32\n  1.0\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.tensor([[1, 2], [3, 4]]), 0)",
                       "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 0],\n    [0, 1]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.tensor([[1.5, 2], [3, 4]], type: :f64), 0)",
                       "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 0],\n    [0, 1]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.eye(3), 65535)",
                       "#Nx.Tensor<\n  s32[3][3]\n  [\n    [1, 0, 0],\n    [0, 1, 0],\n    [0, 0, 1]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.iota({2, 2, 2}), 3)",
                       "#Nx.Tensor<\n  s32[2][2][2]\n  [\n    [\n      [6, 11],\n      [22, 39]\n    ],\n    [\n"
                       "      [514, 615],\n      [738, 883]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(2)", "#Nx.Tensor<\n  f32\n  0.5\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(0)", "#Nx.Tensor<\n  f32\n  0.0\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(Nx.tensor([0, 1, 2]))", "#Nx.Tensor<\n  f32[3]\n  [0.0, 0.2, 0.4]\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(Nx.tensor([0, 0, 0]))", "#Nx.Tensor<\n  f32[3]\n  [0.0, 0.0, 0.0]\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(Nx.tensor([[0, 0, 0], [0, 0, 0]], type: :f64))",
                       "#Nx.Tensor<\n  f64[3][2]\n  [\n    [0.0, 0.0],\n    [0.0, 0.0],\n    [0.0, 0.0]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.pinv(Nx.tensor([[[2.0]], [[4.0]]], type: :f64))",
                       "#Nx.Tensor<\n  f64[2][1][1]\n  [\n    [\n      [0.5]\n    ],\n    [\n      [0.25]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_rank(Nx.tensor([[1, 1, 1, 1], [1, 1, 1, 1], [1, 2, 3, 4]]))",
                       "#Nx.Tensor<\n  u32\n  2\n>");
    nxtest_expect_code("Nx.LinAlg.matrix_rank(Nx.tensor([[1, 1, 1], [2, 2, 2], [8, 9, 10], [-2, 1, 5]]))",
                       "#Nx.Tensor<\n  u32\n  3\n>");
}

/* Types the spec's table fixes (§1.2), whatever the values. */
Test(linalg_derived, types)
{
    nx_scope_begin();
    static const nx_type in[] = { NX_U8, NX_S64, NX_F16, NX_BF16, NX_F64, NX_C64, NX_C128 };
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        nx_tensor *v = nx_as_type(nx_iota(NX_SHAPE(3)), in[i]), *m = nx_as_type(nx_eye_n(2), in[i]);
        nx_type real = nx_type_to_real(in[i]);
        cr_assert_eq(nx_type_of(nx_norm(v)), real);
        cr_assert_eq(nx_type_of(nx_norm(v, .ord = NX_NORM_INF)), real);
        cr_assert_eq(nx_type_of(nx_norm(v, .ord = NX_NORM_P, .p = 0)), real);
        cr_assert_eq(nx_type_of(nx_norm(m, .ord = NX_NORM_P, .p = -1)), real);
        cr_assert_eq(nx_type_of(nx_adjoint(m)), in[i]);
        cr_assert_eq(nx_type_of(nx_matrix_power(m, 3)), in[i]);
        cr_assert_eq(nx_type_of(nx_matrix_power(m, 0)), NX_S32);
        cr_assert_eq(nx_type_of(nx_pinv(v)), nx_type_to_floating(in[i]));
        cr_assert_eq(nx_type_of(nx_pinv(nx_multiply(v, NX_I(0)))), nx_type_to_floating(in[i]));
    }
    NXTEST_OK();
    nx_scope_end();
}

/* Names: adjoint transposes them, norm's follow its reductions, pinv drops them. */
Test(linalg_derived, names)
{
    nx_scope_begin();
    nx_tensor *t = nx_rename(nx_iota(NX_SHAPE(2, 3, 4)), NX_NAMES("b", "r", "c"));
    nx_names n = nx_names_of(nx_adjoint(t));
    cr_assert(n.v[0] == nx_atom("b") && n.v[1] == nx_atom("c") && n.v[2] == nx_atom("r"));
    nx_tensor *m = nx_rename(nx_iota(NX_SHAPE(2, 3)), NX_NAMES("r", "c"));
    NXTEST_PRINTS(nx_norm(m, .axes = NX_AXES(1)), "#Nx.Tensor<\n  f32[r: 2]\n  [2.236068, 7.071068]\n>");
    NXTEST_PRINTS(nx_norm(m, .ord = NX_NORM_INF, .keep_axes = true), "#Nx.Tensor<\n  f32[r: 1]\n  [12.0]\n>");
    NXTEST_OK();
    nx_scope_end();
}

/* Vectorized inputs give the stack of the per-entry results, re-vectorized. */
Test(linalg_derived, vectorized)
{
    nx_scope_begin();
    static const double x[] = { 3, -4, 0, 1, 2, 2, -1, 0, 5, 0.5, 0, 0 };
    nx_tensor *flat = nx_from_data(x, NX_F64, NX_SHAPE(3, 2, 2)), *v = nx_vectorize(flat, "x");
    for (int i = 0; i < 3; i++) {
        nx_tensor *entry = nx_squeeze(nx_slice_along_axis(flat, i, 1, .axis = NX_AXIS(0)), .axes = NX_AXES(0));
        nx_tensor *pairs[][2] = {
            { nx_norm(v), nx_norm(entry) },
            { nx_norm(v, .ord = NX_NORM_P, .p = 1), nx_norm(entry, .ord = NX_NORM_P, .p = 1) },
            { nx_norm(v, .axes = NX_AXES(0)), nx_norm(entry, .axes = NX_AXES(0)) },
            { nx_adjoint(v), nx_adjoint(entry) },
            { nx_matrix_power(v, 5), nx_matrix_power(entry, 5) },
        };
        for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
            nx_tensor *got = nx_devectorize(pairs[k][0], false);
            nx_tensor *row = nx_squeeze(nx_slice_along_axis(got, i, 1, .axis = NX_AXIS(0)), .axes = NX_AXES(0));
            cr_assert_eq(nx_vectorized_rank(pairs[k][0]), 1, "pair %zu", k);
            nx_number same;
            cr_assert_eq(nx_to_number(nx_all(nx_equal(row, pairs[k][1])), &same), 0, "%s", nx_error_message());
            cr_assert(same.i, "pair %zu differs for entry %d", k, i);
        }
    }
    NXTEST_OK();
    nx_scope_end();
}

/* ---------------------------------------------------------------- errors */

Test(linalg_derived, errors)
{
    nx_scope_begin();
    nx_tensor *v = nx_iota(NX_SHAPE(3)), *m = nx_iota(NX_SHAPE(2, 2)), *cube = nx_iota(NX_SHAPE(2, 2, 2));
    nx_tensor *c = nx_as_type(m, NX_C64);
    cr_assert_null(nx_norm(cube));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected 1-D or 2-D tensor, got tensor with shape {2, 2, 2}");
    cr_assert_null(nx_norm(nx_scalar(NX_INT(1), NX_S32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected 1-D or 2-D tensor, got tensor with shape {}");
    cr_assert_null(nx_norm(v, .ord = NX_NORM_FROBENIUS));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a 2-D tensor for ord: :frobenius, got a 1-D tensor");
    cr_assert_null(nx_norm(v, .ord = NX_NORM_NUCLEAR));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "nuclear norm not supported for rank != 2");
    cr_assert_null(nx_norm(m, .ord = NX_NORM_P, .p = 0));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid :ord for 2-D tensor, got: 0");
    cr_assert_null(nx_norm(m, .ord = NX_NORM_P, .p = -3));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid :ord for 2-D tensor, got: -3");
    cr_assert_null(nx_norm(v, .axes = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (1) invalid for shape with rank 1");
    cr_assert_null(nx_norm(c, .ord = NX_NORM_NUCLEAR));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");

    cr_assert_null(nx_matrix_power(nx_iota(NX_SHAPE(3, 2)), 1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with shape: {3, 2}");
    cr_assert_null(nx_matrix_power(v, 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with shape: {3}");

    cr_assert_null(nx_pinv(c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");
    cr_assert_null(nx_pinv(nx_multiply(c, NX_I(0))));   /* both branches are traced in Nx */
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");

    cr_assert_null(nx_matrix_rank(v));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have rank 2, got rank 1 with shape {3}");
    cr_assert_null(nx_matrix_rank(nx_as_type(v, NX_C64)));   /* the type is checked first */
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.matrix_rank/2 is not yet implemented for complex inputs");

    cr_assert_null(nx_least_squares(v, nx_as_type(v, NX_C128)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.least_squares/2 is not yet implemented for complex inputs");
    cr_assert_null(nx_least_squares(v, m));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor of 1st argument must have rank 2, got rank 1 with shape {3}");
    cr_assert_null(nx_least_squares(m, m));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor of 2nd argument must have rank 1, got rank 2 with shape {2, 2}");
    cr_assert_null(nx_least_squares(m, v));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "the number of rows of the matrix as the 1st argument and the number of columns of the vector as "
                 "the 2nd argument must be the same, got 1st argument shape {2, 2} and 2nd argument shape {3}");

    /* NULL in, NULL out, the first error kept */
    nx_tensor *bad = nx_norm(cube);
    cr_assert_null(nx_pinv(nx_adjoint(nx_matrix_power(bad, 2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected 1-D or 2-D tensor, got tensor with shape {2, 2, 2}");
    cr_assert_null(nx_least_squares(m, NULL));
    cr_assert_null(nx_matrix_rank(NULL));
    nx_error_clear();
    nx_scope_end();
}

Test(linalg_derived, interpreter_errors)
{
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([3, 4]), foo: 1)",
                       "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:ord, :axes, :keep_axes]");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([3, 4]), ord: :blep)", "** (ArgumentError) unknown ord :blep");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[3, 4]]), ord: 2.0)", "** (ArgumentError) unknown ord 2.0");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.iota({2, 2, 2}), ord: :blep)",
                       "** (ArgumentError) expected 1-D or 2-D tensor, got tensor with shape {2, 2, 2}");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([3, 4]), ord: :frobenius)",
                       "** (ArgumentError) expected a 2-D tensor for ord: :frobenius, got a 1-D tensor");
    nxtest_expect_code("Nx.LinAlg.norm(Nx.tensor([[3, 4]]), ord: 3)",
                       "** (ArgumentError) invalid :ord for 2-D tensor, got: 3");
    nxtest_expect_code("Nx.LinAlg.pinv(Nx.tensor([1, 2]), tol: 1)",
                       "** (ArgumentError) unknown key :tol in [tol: 1], expected one of [:eps]");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.tensor([[1, 2], [3, 4]]), 1.0)",
                       "** (FunctionClauseError) no function clause matching in Nx.LinAlg.matrix_power/2");
    nxtest_expect_code("Nx.LinAlg.matrix_power(Nx.tensor([[1, 2], [3, 4], [5, 6]]), 1)",
                       "** (ArgumentError) matrix_power/2 expects a square matrix or a batch of square matrices, "
                       "got tensor with shape: {3, 2}");
    nxtest_expect_code("Nx.LinAlg.matrix_rank(Nx.tensor([[1, Complex.new(0, 2)], [3, Complex.new(0, -4)]]))",
                       "** (ArgumentError) Nx.LinAlg.matrix_rank/2 is not yet implemented for complex inputs");
    nxtest_expect_code("Nx.LinAlg.least_squares(Nx.tensor([[1, 2], [2, 3]]), Nx.tensor([[1, 2], [3, 4]]))",
                       "** (ArgumentError) tensor of 2nd argument must have rank 1, got rank 2 with shape {2, 2}");
    nxtest_expect_code("Nx.LinAlg.least_squares(Nx.tensor([[1, 2], [2, 3]]), Nx.tensor([1, 2]), eps: :x)",
                       "** (ArgumentError) expected :eps to be a number, got: :x");
}
