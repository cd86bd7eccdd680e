/* tests/test_linalg.c: Nx.LinAlg's triangular_solve, solve, invert, determinant,
 * cholesky, eigh, svd, qr and lu (spec/linalg.md) on the random batched inputs of
 * tests/oracle/gen_linalg.py: results against numpy.linalg, and the invariants of each
 * factorisation (a = q·r, a = l·lᴴ, a·v = v·diag(w), a = u·diag(s)·vt, a = p·l·u; qᴴq = I,
 * uᵀu = I, vᵀv = I; triangular and permutation shapes) within the case's tolerance
 * (~1e-5·‖a‖ for f32/c64, ~1e-12·‖a‖ for f64/c128, scaled by size and condition). Then
 * Nx's conventions and errors by hand and through the interpreter. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double _Complex cplx;

/* ---- dense helpers over the last two axes, on c128 copies ---- */

typedef struct {
    int64_t batch, rows, cols;
    cplx *v;
} mats;

static mats mats_of(const nx_tensor *t)
{
    nx_shape s = nx_shape_of(t);
    mats m = { 1, s.rank >= 2 ? s.dims[s.rank - 2] : 1, s.rank >= 1 ? s.dims[s.rank - 1] : 1, NULL };
    for (int i = 0; i < s.rank - 2; i++)
        m.batch *= s.dims[i];
    int64_t n = nx_size(t);
    m.v = malloc(16 * (size_t)(n > 0 ? n : 1));
    cr_assert_eq(nx_to_binary(nx_as_type(t, NX_C128), m.v, 16 * n), 128 * n);
    return m;
}

#define AT(m, b, i, j) ((m).v[((b) * (m).rows + (i)) * (m).cols + (j)])

/* max over the batch of |x·y − z| (entries), with y given by columns (yt: y's adjoint). */
static double product_error(mats x, mats y, mats z, const cplx *diag, int64_t dstride)
{
    double worst = 0;
    for (int64_t b = 0; b < z.batch; b++)
        for (int64_t i = 0; i < z.rows; i++)
            for (int64_t j = 0; j < z.cols; j++) {
                cplx acc = 0;   /* full SVDs: only the first min(m, n) columns of u meet s */
                for (int64_t k = 0; k < x.cols && k < y.rows; k++)
                    acc += AT(x, b, i, k) * (diag ? diag[b * dstride + k] : 1) * AT(y, b, k, j);
                double e = cabs(acc - AT(z, b, i, j));
                worst = e > worst || isnan(e) ? e : worst;
            }
    return worst;
}

/* max |xᴴx − I| over x's columns (those with any non-zero entry when skip_zero). */
static double orthonormal_error(mats x, bool skip_zero)
{
    double worst = 0;
    for (int64_t b = 0; b < x.batch; b++)
        for (int64_t i = 0; i < x.cols; i++)
            for (int64_t j = 0; j < x.cols; j++) {
                cplx acc = 0, ii = 0, jj = 0;
                for (int64_t k = 0; k < x.rows; k++) {
                    acc += conj(AT(x, b, k, i)) * AT(x, b, k, j);
                    ii += conj(AT(x, b, k, i)) * AT(x, b, k, i);
                    jj += conj(AT(x, b, k, j)) * AT(x, b, k, j);
                }
                if (skip_zero && (cabs(ii) == 0 || cabs(jj) == 0))
                    continue;
                double e = cabs(acc - (i == j ? 1 : 0));
                worst = e > worst || isnan(e) ? e : worst;
            }
    return worst;
}

static mats adjoint(mats x)
{
    mats y = { x.batch, x.cols, x.rows, malloc(16 * (size_t)(x.batch * x.rows * x.cols + 1)) };
    for (int64_t b = 0; b < x.batch; b++)
        for (int64_t i = 0; i < x.rows; i++)
            for (int64_t j = 0; j < x.cols; j++)
                AT(y, b, j, i) = conj(AT(x, b, i, j));
    return y;
}

/* max |x| over the strict lower (lower = true) or strict upper part. */
static double off_triangle(mats x, bool lower)
{
    double worst = 0;
    for (int64_t b = 0; b < x.batch; b++)
        for (int64_t i = 0; i < x.rows; i++)
            for (int64_t j = 0; j < x.cols; j++)
                if (lower ? i > j : j > i)
                    worst = fmax(worst, cabs(AT(x, b, i, j)));
    return worst;
}

static double max_diff(const nx_tensor *got, const nx_tensor *want)
{
    mats g = mats_of(got), w = mats_of(want);
    int64_t n = nx_size(want);
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = cabs(g.v[i] - w.v[i]);
        worst = e > worst || isnan(e) ? e : worst;
    }
    free(g.v);
    free(w.v);
    return worst;
}

/* ---- the oracle ---- */

static nx_tensor *read_tensor(nxtest_reader *r, nx_type type)
{
    nx_shape s = nxtest_rd_shape(r);
    int64_t n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    const unsigned char *v = nxtest_rd_bytes(r, 16 * (uint64_t)n);
    nx_tensor *t = nx_from_data(v, NX_C128, s);
    return type == NX_C128 ? t : nx_as_type(type == NX_C64 ? t : nx_real(t), type);
}

/* Checks one decomposition's invariants; returns the worst error. */
static double check_case(const char *op, unsigned flags, nx_tensor **in, nx_tensor **want, double tol, int *failed)
{
    double worst = 0;
    *failed = 0;
    mats a = mats_of(in[0]);
    if (strcmp(op, "solve") == 0) {
        worst = max_diff(nx_solve(in[0], in[1]), want[0]);
    } else if (strcmp(op, "invert") == 0) {
        worst = max_diff(nx_invert(in[0]), want[0]);
    } else if (strcmp(op, "determinant") == 0) {
        worst = max_diff(nx_determinant(in[0]), want[0]);
    } else if (strcmp(op, "tsolve") == 0) {
        nx_tensor *x = nx_triangular_solve(in[0], in[1], .upper = flags & 1, .right_side = (flags & 2) != 0,
                                           .transform_a = flags & 4 ? NX_TRANSFORM_TRANSPOSE : NX_TRANSFORM_NONE);
        worst = max_diff(x, want[0]);
    } else if (strcmp(op, "cholesky") == 0) {
        nx_tensor *l = nx_cholesky(in[0]);
        mats lm = mats_of(l), lh = adjoint(lm);
        worst = fmax(max_diff(l, want[0]), product_error(lm, lh, a, NULL, 0) / 10);
        worst = fmax(worst, off_triangle(lm, false));
        free(lm.v);
        free(lh.v);
    } else if (strcmp(op, "eigh") == 0) {
        nx_tensor *w, *v;
        cr_assert_eq(nx_eigh(in[0], &w, &v, .eps = 1e-300), 0, "%s", nx_error_message());
        worst = max_diff(w, want[0]);
        mats vm = mats_of(v), wm = mats_of(w), vh = adjoint(vm);
        worst = fmax(worst, product_error(vm, vh, a, wm.v, vm.cols) / 10);   /* a = v·diag(w)·vᴴ */
        worst = fmax(worst, orthonormal_error(vm, false) * tol / 1e-3);
        free(vm.v);
        free(wm.v);
        free(vh.v);
    } else if (strcmp(op, "svd") == 0) {
        nx_tensor *u, *s, *vt;
        cr_assert_eq(nx_svd(in[0], &u, &s, &vt, .thin = flags & 1), 0, "%s", nx_error_message());
        worst = max_diff(s, want[0]);
        mats um = mats_of(u), sm = mats_of(s), vm = mats_of(vt), vh = adjoint(vm);
        double flushed = 0;   /* singular values Nx flushes leave their mass out */
        for (int64_t i = 0; i < sm.batch * sm.rows * sm.cols; i++)
            flushed = fmax(flushed, creal(sm.v[i]) == 0 ? 1e-2 : 0);
        double rec = product_error(um, vm, a, sm.v, sm.cols);
        worst = fmax(worst, flushed > 0 ? fmax(0, rec - flushed) : rec);
        worst = fmax(worst, orthonormal_error(um, true) * tol / 1e-3);
        worst = fmax(worst, orthonormal_error(vh, false) * tol / 1e-3);
        for (int64_t i = 1; i < sm.cols; i++)
            for (int64_t b = 0; b < sm.batch; b++)
                if (creal(sm.v[b * sm.cols + i]) > creal(sm.v[b * sm.cols + i - 1]) || creal(sm.v[b * sm.cols + i]) < 0)
                    *failed = 1;
        free(um.v);
        free(sm.v);
        free(vm.v);
        free(vh.v);
    } else if (strcmp(op, "qr") == 0) {
        nx_tensor *q, *r;
        cr_assert_eq(nx_qr(in[0], &q, &r, .complete = flags & 1), 0, "%s", nx_error_message());
        mats qm = mats_of(q), rm = mats_of(r);
        worst = fmax(product_error(qm, rm, a, NULL, 0), orthonormal_error(qm, false) * tol / 1e-3);
        worst = fmax(worst, off_triangle(rm, true) > tol ? off_triangle(rm, true) : 0);
        /* (s32 inputs have exact zeros below the diagonal, where Nx keeps R_ii's sign) */
        bool real = nx_type_of(in[0]) == NX_F32 || nx_type_of(in[0]) == NX_F64;
        int64_t k = rm.rows < rm.cols ? rm.rows : rm.cols;
        for (int64_t b = 0; real && b < rm.batch; b++)   /* processed real columns: R_ii >= 0 */
            for (int64_t i = 0; i < k - (a.rows == a.cols ? 1 : 0) && i < a.rows - 1; i++)
                if (creal(AT(rm, b, i, i)) < 0)
                    *failed = 1;
        free(qm.v);
        free(rm.v);
    } else if (strcmp(op, "lu") == 0) {
        nx_tensor *p, *l, *u;
        cr_assert_eq(nx_lu(in[0], &p, &l, &u), 0, "%s", nx_error_message());
        cr_assert_eq(nx_type_of(p), nx_type_of(in[0]), "lu: p keeps the input type");
        mats pm = mats_of(p), lm = mats_of(l), um = mats_of(u);
        mats lu = { lm.batch, lm.rows, lm.cols, malloc(16 * (size_t)(lm.batch * lm.rows * lm.cols)) };
        for (int64_t b = 0; b < lm.batch; b++)   /* lu = l·u, then a = p·lu */
            for (int64_t i = 0; i < lm.rows; i++)
                for (int64_t j = 0; j < lm.cols; j++) {
                    cplx acc = 0;
                    for (int64_t k = 0; k < lm.cols; k++)
                        acc += AT(lm, b, i, k) * AT(um, b, k, j);
                    AT(lu, b, i, j) = acc;
                    if (cabs(AT(lm, b, i, j)) > 1 + 1e-12 || (i == j && AT(lm, b, i, j) != 1))
                        *failed = 1;   /* partial pivoting: |l| <= 1, unit diagonal */
                }
        worst = fmax(product_error(pm, lu, a, NULL, 0), off_triangle(lm, false));
        worst = fmax(worst, off_triangle(um, true));
        worst = fmax(worst, orthonormal_error(pm, false));   /* a permutation is orthonormal */
        free(pm.v);
        free(lm.v);
        free(um.v);
        free(lu.v);
    }
    free(a.v);
    return worst;
}

Test(linalg, matches_numpy_and_invariants)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("linalg_cases.bin", "NXLINA1\n", &buf, &r);
    long bad = 0, step = ncases / (nxtest_scaled(ncases) > 0 ? nxtest_scaled(ncases) : 1);
    for (uint32_t c = 0; c < ncases; c++) {
        char op[13] = { 0 }, tname[9] = { 0 };
        memcpy(op, nxtest_rd_bytes(&r, 12), 12);
        memcpy(tname, nxtest_rd_bytes(&r, 8), 8);
        unsigned flags = (unsigned)nxtest_rd_le(&r, 1);
        double tol = nxtest_rd_f64(&r);
        nx_type type = nxtest_type_named(tname);
        nx_scope_begin();
        nx_tensor *in[2] = { NULL, NULL }, *want[1] = { NULL };
        int nin = (int)nxtest_rd_le(&r, 1);
        for (int i = 0; i < nin; i++)
            in[i] = read_tensor(&r, type);
        int nout = (int)nxtest_rd_le(&r, 1);
        for (int i = 0; i < nout; i++)
            want[i] = read_tensor(&r, NX_C128);
        if (step > 1 && c % step) {
            nx_scope_end();
            continue;
        }
        int failed;
        double worst = check_case(op, flags, in, want, tol, &failed);
        NXTEST_OK();
        if ((!(worst <= tol) || failed) && bad++ < 20)
            cr_log_error("case %u %s %s flags %u: error %g above %g%s", c, op, tname, flags, worst, tol,
                         failed ? " (convention broken)" : "");
        nx_scope_end();
    }
    free(buf);
    cr_assert_eq(bad, 0, "%ld of %u cases out of tolerance", bad, ncases);
}

/* ---- Nx's conventions, exactly ---- */

Test(linalg, conventions)
{
    nxtest_expect_code("{q, r} = Nx.LinAlg.qr(Nx.tensor([[2, -2, 18], [2, 1, 0], [1, 2, 0]])); r",
                       "#Nx.Tensor<\n  f32[3][3]\n  [\n    [3.0, 0.0, 12.0],\n    [0.0, -3.0, 12.0],\n    [0.0, 0.0, 6.0]\n  ]\n>");
    nxtest_expect_code("{q, r} = Nx.LinAlg.qr(Nx.tensor([[-3, 2, 1], [0, 1, 1], [0, 0, -1]])); r",
                       "#Nx.Tensor<\n  f32[3][3]\n  [\n    [-3.0, 2.0, 1.0],\n    [0.0, 1.0, 1.0],\n    [0.0, 0.0, -1.0]\n  ]\n>");
    nxtest_expect_code("{q, r} = Nx.LinAlg.qr(Nx.tensor([[1, 0, Complex.new(0, 1)], [0, 2, Complex.new(0, -1)], [1, 1, 1]])); "
                       "Nx.real(Nx.take_diagonal(r)) |> Nx.slice([0], [2])",
                       "#Nx.Tensor<\n  f32[2]\n  [-1.4142135, -2.1213202]\n>");
    nxtest_expect_code("{w, v} = Nx.LinAlg.eigh(Nx.tensor([[1, 0], [0, 4]])); {w, v}",
                       "{#Nx.Tensor<\n   f32[2]\n   [4.0, 1.0]\n >,\n #Nx.Tensor<\n   f32[2][2]\n   [\n     [0.0, 1.0],\n     [1.0, 0.0]\n   ]\n >}");
    nxtest_expect_code("{w, v} = Nx.LinAlg.eigh(Nx.tensor([[2, 5], [5, 6]])); Nx.round(Nx.multiply(v, 1000))",
                       "#Nx.Tensor<\n  f32[2][2]\n  [\n    [561.0, 828.0],\n    [828.0, -561.0]\n  ]\n>");
    nxtest_expect_code("{w, v} = Nx.LinAlg.eigh(Nx.tensor([[0, 1, 2], [1, 0, 2], [2, 2, 3]])); Nx.round(w)",
                       "#Nx.Tensor<\n  f32[3]\n  [5.0, -1.0, -1.0]\n>");
    nxtest_expect_code("{u, s, vt} = Nx.LinAlg.svd(Nx.tensor([[2, 0, 0], [0, 3, 0], [0, 0, -1], [0, 0, 0]]), full_matrices?: false); u",
                       "#Nx.Tensor<\n  f32[4][3]\n  [\n    [0.0, 1.0, 0.0],\n    [1.0, 0.0, 0.0],\n    [0.0, 0.0, -1.0],\n    [0.0, 0.0, 0.0]\n  ]\n>");
    /* thin SVD: s² <= 1e-4 is flushed to 0 with a zero column of u, as Nx's Gram method */
    nxtest_expect_code("{u, s, vt} = Nx.LinAlg.svd(Nx.tensor([[1.0, 0.0], [0.0, 0.005]]), full_matrices?: false); {s, u}",
                       "{#Nx.Tensor<\n   f32[2]\n   [1.0, 0.0]\n >,\n #Nx.Tensor<\n   f32[2][2]\n   [\n     [1.0, 0.0],\n     [0.0, 0.0]\n   ]\n >}");
    nxtest_expect_code("{u, s, vt} = Nx.LinAlg.svd(Nx.tensor([[0, 0], [0, 0]], type: :f64)); {u, s}",
                       "{#Nx.Tensor<\n   f64[2][2]\n   [\n     [1.0, 0.0],\n     [0.0, 1.0]\n   ]\n >,\n #Nx.Tensor<\n   f64[2]\n   [0.0, 0.0]\n >}");
    nxtest_expect_code("Nx.LinAlg.determinant(Nx.tensor([[0, 0, 0, 1], [0, Complex.new(0, 2), 0, 0], [0, 0, 3, 0], [1, 0, 0, 0]]))",
                       "#Nx.Tensor<\n  c64\n  -0.0-6.0i\n>");
    nxtest_expect_code("Nx.LinAlg.invert(Nx.tensor([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]])) |> Nx.is_nan() |> Nx.all()",
                       "#Nx.Tensor<\n  u8\n  1\n>");
    nxtest_expect_code("{p, l, u} = Nx.LinAlg.lu(Nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])); p",
                       "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 1, 0],\n    [0, 0, 1],\n    [1, 0, 0]\n  ]\n>");
    nxtest_expect_code("Nx.LinAlg.cholesky(Nx.tensor([[1.0, 2.0], [2.0, 1.0]]))",
                       "#Nx.Tensor<\n  f32[2][2]\n  [\n    [1.0, 0.0],\n    [2.0, NaN]\n  ]\n>");
}

Test(linalg, batched_equals_stacked)
{
    nx_scope_begin();
    static const double data[8] = { 4, 1, 2, 3, 1, 2, 3, 4 };
    nx_tensor *a = nx_from_data(data, NX_F64, NX_SHAPE(2, 2, 2));
    nx_tensor *q, *r, *q0, *r0;
    cr_assert_eq(nx_qr(a, &q, &r), 0);
    cr_assert_eq(nx_qr(nx_slice_along_axis(a, 1, 1, .axis = NX_AXIS(0)), &q0, &r0), 0);
    cr_assert(max_diff(nx_squeeze(nx_slice_along_axis(q, 1, 1, .axis = NX_AXIS(0))), nx_squeeze(q0)) == 0);
    nx_tensor *v = nx_vectorize(a, "x");
    nx_tensor *d = nx_determinant(v);
    cr_assert_eq(nx_vectorized_rank(d), 1);
    NXTEST_PRINTS(d, "#Nx.Tensor<\n  vectorized[x: 2]\n  f64\n  [10.0, -2.0]\n>");
    nx_scope_end();
}

/* ---- errors ---- */

Test(linalg, errors)
{
    nx_scope_begin();
    nx_tensor *v5 = nx_iota(NX_SHAPE(5)), *m23 = nx_iota(NX_SHAPE(2, 3)), *m22 = nx_eye(NX_SHAPE(2, 2));
    nx_tensor *q, *r, *p, *l, *u, *s;
    cr_assert_eq(nx_qr(v5, &q, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have at least rank 2, got rank 1 with shape {5}");
    cr_assert_null(nx_cholesky(m23));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must be a square matrix or a batch of square matrices, got shape: {2, 3}");
    cr_assert_eq(nx_eigh(m23, &q, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must be a square matrix or a batch of square matrices, got shape: {2, 3}");
    cr_assert_eq(nx_lu(v5, &p, &l, &u), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have at least rank 2, got rank 1 with shape {5}");
    cr_assert(p == NULL && l == NULL && u == NULL);
    cr_assert_eq(nx_svd(v5, &u, &s, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have at least rank 2, got rank 1 with shape {5}");
    cr_assert_eq(nx_svd(nx_as_type(m22, NX_C64), &u, &s, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");
    cr_assert_null(nx_determinant(m23));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "determinant/1 expects a square tensor, got tensor with shape: [2, 3]");
    cr_assert_null(nx_determinant(v5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "determinant/1 expects a square tensor, got tensor with shape: [5]");
    cr_assert_null(nx_invert(v5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invert/1 expects a square matrix or a batch of square matrices, got tensor with shape: {5}");
    cr_assert_null(nx_solve(m22, nx_iota(NX_SHAPE(4))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "`b` tensor has incompatible dimensions, expected {2, 2} or {2}, got: {4}");
    cr_assert_null(nx_solve(nx_iota(NX_SHAPE(2, 3, 3)), nx_iota(NX_SHAPE(2, 4))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "`b` tensor has incompatible dimensions, expected {2, 3, \"m\"} or {2, 3}, got: {2, 4}");
    cr_assert_null(nx_solve(nx_iota(NX_SHAPE(3, 4)), v5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "`a` tensor has incompatible dimensions, expected a square matrix or a batch of square matrices, got: {3, 4}");
    cr_assert_null(nx_solve(nx_iota(NX_SHAPE(3, 3)), nx_iota(NX_SHAPE(3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "can't solve for singular matrix");
    cr_assert_null(nx_triangular_solve(m23, v5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "triangular_solve/3 expected a square matrix or a batch of square matrices, got tensor with shape: {2, 3}");
    cr_assert_null(nx_triangular_solve(m22, v5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "incompatible dimensions for a and b on triangular solve");
    cr_assert_null(nx_triangular_solve(nx_multiply(m22, nx_scalar(NX_INT(0), NX_S32)), nx_iota(NX_SHAPE(2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "can't solve for singular matrix");
    nx_scope_end();
}

Test(linalg, option_errors)
{
    nxtest_expect_code("Nx.LinAlg.qr(Nx.iota({2, 2}), mode: :error_test)",
                       "** (ArgumentError) invalid :mode received. Expected one of [:reduced, :complete], received: :error_test");
    nxtest_expect_code("Nx.LinAlg.qr(Nx.iota({2, 2}), foo: 1)",
                       "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:mode, :eps]");
    nxtest_expect_code("Nx.LinAlg.triangular_solve(Nx.eye(2), Nx.iota({2}), foo: 1)",
                       "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:lower, :left_side, :transform_a]");
    nxtest_expect_code("Nx.LinAlg.triangular_solve(Nx.eye(2), Nx.iota({2}), transform_a: :other)",
                       "** (ArgumentError) invalid value for :transform_a option, expected :none, :transpose, or :conjugate, got: :other");
    nxtest_expect_code("Nx.LinAlg.eigh(Nx.eye(2), max_iter: nil)", "** (ArgumentError) missing option :max_iter");
    nxtest_expect_code("Nx.LinAlg.svd(Nx.eye(2), max_iter: nil)", "** (ArgumentError) missing option :max_iter");
}
