/* tests/test_linalg_grad.c: the Nx.LinAlg functions inside traces (spec/defn.md §3.4) and
 * their gradients (spec/grad.md §8). Every rule is checked against central finite
 * differences in f64 on random well-conditioned inputs (SPD for cholesky and eigh,
 * symmetrised in the function so that both triangles count; distinct singular values for
 * svd) over several shapes with a batch axis, square / tall / wide for qr and svd; the
 * spec's worked examples as closed-form checks; jit(f)(x) equals f(x) bit for bit for
 * every function; block printouts; errors inside traces. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"

/* ---------------------------------------------------------------- the functions */

/* sum(sin(t) · (1 + iota/7)): a loss that weighs every element differently. */
static nx_tensor *loss(const nx_tensor *t)
{
    nx_tensor *w = nx_add(NX_F(1), nx_divide(nx_iota(nx_shape_of(t)), NX_F(7)));
    return nx_sum(nx_multiply(nx_sin(t), w));
}

/* (a + aᵀ)/2 over the last two axes. */
static nx_tensor *sym(const nx_tensor *a)
{
    return nx_divide(nx_add(a, nx_adjoint(a)), NX_F(2));
}

/* the last two dims of t */
static void mn(const nx_tensor *t, int64_t *m, int64_t *n)
{
    nx_shape s = nx_shape_of(t);
    *m = s.dims[s.rank - 2];
    *n = s.dims[s.rank - 1];
}

/* first k columns */
static nx_tensor *cols(const nx_tensor *t, int64_t k)
{
    return nx_slice_along_axis(t, 0, k, .axis = NX_AXIS(-1));
}

static nx_tensor *f_invert(nx_tensor *const *a, void *c) { (void)c; return loss(nx_invert(a[0])); }
static nx_tensor *f_cholesky(nx_tensor *const *a, void *c) { (void)c; return loss(nx_cholesky(sym(a[0]))); }
static nx_tensor *f_det(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_determinant(a[0])); }
static nx_tensor *f_solve(nx_tensor *const *a, void *c) { (void)c; return loss(nx_solve(a[0], a[1])); }

static nx_tensor *f_qr(nx_tensor *const *a, void *c)
{
    nx_tensor *q, *r;
    bool complete = c != NULL;
    if (nx_qr(a[0], &q, &r, .complete = complete) < 0)
        return NULL;
    if (complete) {   /* the extra columns of q are not a function of a's span: left out */
        int64_t m, n;
        mn(a[0], &m, &n);
        q = cols(q, m < n ? m : n);
    }
    return nx_add(loss(q), loss(r));
}

static nx_tensor *f_lu(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *p, *l, *u;
    if (nx_lu(a[0], &p, &l, &u) < 0)
        return NULL;
    return nx_add(nx_add(loss(l), loss(u)), nx_sum(p));
}

static nx_tensor *f_eigh(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *w, *v;
    if (nx_eigh(sym(a[0]), &w, &v) < 0)
        return NULL;
    return nx_add(loss(w), loss(v));
}

static nx_tensor *f_svd(nx_tensor *const *a, void *c)
{
    nx_tensor *u, *s, *vt;
    bool thin = c == NULL;
    if (nx_svd(a[0], &u, &s, &vt, .thin = thin) < 0)
        return NULL;
    int64_t m, n;
    mn(a[0], &m, &n);
    int64_t k = m < n ? m : n;
    if (!thin) {   /* the extra singular vectors are not determined by a: left out */
        u = cols(u, k);
        vt = nx_slice_along_axis(vt, 0, k, .axis = NX_AXIS(-2));
    }
    return nx_add(nx_add(loss(u), loss(s)), loss(vt));
}

/* ---------------------------------------------------------------- finite differences */

static unsigned rng = 2024;

typedef struct {
    const char *name;
    nx_defn_fn *fn;
    void *ctx;
    const char *shapes;   /* "3x3" or "3x3,3" */
    double boost;         /* added to the diagonals of the first argument */
} fcase;

static double value_of(nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_number(nx_as_type(t, NX_F64), &v), 0, "%s", nx_error_message());
    return v.f;
}

static double eval_at(const fcase *c, int n, double *const *data, const nx_shape *sh)
{
    nx_scope_begin();
    nx_tensor *args[2];
    for (int i = 0; i < n; i++)
        args[i] = nx_from_data(data[i], NX_F64, sh[i]);
    double r = value_of(c->fn(args, c->ctx));
    nx_scope_end();
    return r;
}

static void check_fd(const fcase *c)
{
    nx_scope_begin();
    nx_shape sh[2];
    int n = nxtest_parse_shapes(c->shapes, sh);
    double *data[2];
    nx_tensor *args[2], *grads[2];
    for (int i = 0; i < n; i++) {
        int64_t size = 1;
        for (int k = 0; k < sh[i].rank; k++)
            size *= sh[i].dims[k];
        data[i] = malloc((size_t)size * sizeof(double));
        for (int64_t k = 0; k < size; k++)
            data[i][k] = nxtest_uniform(&rng, -1, 1);
        if (i == 0 && c->boost != 0) {
            int64_t rows = sh[0].dims[sh[0].rank - 2], cl = sh[0].dims[sh[0].rank - 1];
            for (int64_t m = 0; m < size / (rows * cl); m++)
                for (int64_t d = 0; d < rows && d < cl; d++)
                    data[0][m * rows * cl + d * cl + d] += c->boost * (double)(d + 1);
        }
        args[i] = nx_from_data(data[i], NX_F64, sh[i]);
    }
    int rc = nx_grad_n(c->fn, c->ctx, n, (const nx_tensor *const *)args, grads);
    cr_assert_eq(rc, 0, "%s %s: grad failed: %s", c->name, c->shapes, nx_error_message());
    for (int i = 0; i < n; i++) {
        int64_t size = nx_size(args[i]);
        cr_assert_eq(nx_size(grads[i]), size);
        double *gv = malloc((size_t)size * sizeof(double));
        nx_to_binary(nx_as_type(grads[i], NX_F64), gv, size * 8);
        for (int64_t k = 0; k < size; k++) {
            double save = data[i][k], h = 1e-5 * fmax(1.0, fabs(save));
            data[i][k] = save + h;
            double fp = eval_at(c, n, data, sh);
            data[i][k] = save - h;
            double fm = eval_at(c, n, data, sh);
            data[i][k] = save;
            double fd = (fp - fm) / (2 * h);
            cr_assert(fabs(gv[k] - fd) <= 1e-6 * fmax(1.0, fabs(fd)),
                      "%s %s, argument %d, element %lld: grad %.12g, finite differences %.12g", c->name, c->shapes, i,
                      (long long)k, gv[k], fd);
        }
        free(gv);
    }
    for (int i = 0; i < n; i++)
        free(data[i]);
    nx_scope_end();
}

static int full = 1;
#define FULL ((void *)&full)

/* Every case, in the order each test draws its inputs; a test runs the cases of its
 * group (the name up to a space). */
static const fcase fd_cases[] = {
    { "invert", f_invert, NULL, "3x3", 3 },          { "invert", f_invert, NULL, "2x4x4", 3 },
    { "cholesky", f_cholesky, NULL, "3x3", 3 },      { "cholesky", f_cholesky, NULL, "2x4x4", 4 },
    { "qr", f_qr, NULL, "3x3", 1 },                  { "qr", f_qr, NULL, "4x3", 1 },
    { "qr", f_qr, NULL, "3x5", 1 },                  { "qr", f_qr, NULL, "2x3x2", 1 },
    { "qr complete", f_qr, FULL, "4x3", 1 },         { "lu", f_lu, NULL, "3x3", 0 },
    { "lu", f_lu, NULL, "4x4", 0 },                  { "lu", f_lu, NULL, "2x3x3", 0 },
    { "eigh", f_eigh, NULL, "3x3", 2 },              { "eigh", f_eigh, NULL, "2x4x4", 2 },
    { "svd", f_svd, NULL, "3x3", 1 },                { "svd", f_svd, NULL, "4x3", 1 },
    { "svd", f_svd, NULL, "3x4", 1 },                { "svd", f_svd, NULL, "2x3x2", 1 },
    { "svd full", f_svd, FULL, "3x3", 1 },           { "svd full", f_svd, FULL, "4x2", 1 },
    { "svd full", f_svd, FULL, "2x4", 1 },           { "determinant", f_det, NULL, "1x1", 0 },
    { "determinant", f_det, NULL, "2x2", 0 },        { "determinant", f_det, NULL, "3x3", 0 },
    { "determinant", f_det, NULL, "4x4", 0 },        { "determinant", f_det, NULL, "2x5x5", 0 },
    { "solve", f_solve, NULL, "3x3,3", 3 },          { "solve", f_solve, NULL, "3x3,3x2", 3 },
    { "solve", f_solve, NULL, "2x3x3,2x3", 3 },
};

static void check_group(const char *group)
{
    size_t len = strlen(group), ran = 0;
    for (size_t i = 0; i < sizeof fd_cases / sizeof *fd_cases; i++) {
        const char *name = fd_cases[i].name;
        if (strncmp(name, group, len) == 0 && (name[len] == 0 || name[len] == ' ')) {
            check_fd(&fd_cases[i]);
            ran++;
        }
    }
    cr_assert_gt(ran, 0, "no case for %s", group);
}

Test(linalg_grad, invert) { check_group("invert"); }
Test(linalg_grad, cholesky) { check_group("cholesky"); }
Test(linalg_grad, qr) { check_group("qr"); }
Test(linalg_grad, lu) { check_group("lu"); }
Test(linalg_grad, eigh) { check_group("eigh"); }
Test(linalg_grad, svd) { check_group("svd"); }
Test(linalg_grad, determinant) { check_group("determinant"); }
Test(linalg_grad, solve) { check_group("solve"); }

/* ---------------------------------------------------------------- the spec's examples */

static nx_tensor *g_chol_sum(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_cholesky(a[0])); }
static nx_tensor *g_chol_cos(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_cos(nx_cholesky(a[0]))); }
static nx_tensor *g_det(nx_tensor *const *a, void *c) { (void)c; return nx_determinant(a[0]); }

static nx_tensor *g_qr_sum(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *q, *r;
    return nx_qr(a[0], &q, &r) < 0 ? NULL : nx_sum(nx_add(q, r));
}

static nx_tensor *g_lu_sum(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *p, *l, *u;
    return nx_lu(a[0], &p, &l, &u) < 0 ? NULL : nx_sum(nx_add(nx_add(l, u), p));
}

static nx_tensor *g_svd_sum(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *u, *s, *vt;
    return nx_svd(a[0], &u, &s, &vt) < 0 ? NULL : nx_sum(nx_add(nx_add(nx_make_diagonal(s), u), vt));
}

static nx_tensor *g_svd_s(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *u, *s, *vt;
    return nx_svd(a[0], &u, &s, &vt) < 0 ? NULL : nx_sum(s);
}

static nx_tensor *g_eigh_w(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *w, *v;
    return nx_eigh(a[0], &w, &v) < 0 ? NULL : nx_sum(w);
}

/* The gradient of fn at the n×n f32 matrix `in` is `want` within tol. */
static void expect_grad(nx_defn_fn *fn, int n, const float *in, const double *want, double tol)
{
    nx_scope_begin();
    nx_tensor *a = nx_from_data(in, NX_F32, NX_SHAPE(n, n)), *g;
    cr_assert_eq(nx_grad(fn, NULL, &g, a), 0, "%s", nx_error_message());
    double got[16];
    nx_to_binary(nx_as_type(g, NX_F64), got, sizeof got);
    for (int i = 0; i < n * n; i++)
        cr_assert(fabs(got[i] - want[i]) <= tol, "element %d: %.9g, expected %.9g", i, got[i], want[i]);
    nx_scope_end();
}

Test(linalg_grad, spec_examples)
{
    /* §8.2 */
    const float spd[] = { 1, 2, 2, 5 };
    expect_grad(g_chol_sum, 2, spd, (const double[]){ 1.5, -1.0, 0.0, 0.5 }, 1e-6);
    expect_grad(g_chol_cos, 2, spd, (const double[]){ -1.1943799, 0.84147096, -0.06782645, -0.42073548 }, 1e-6);
    /* §8.3, §8.4 */
    const float a[] = { 1, 2, 1, -1 };
    expect_grad(g_qr_sum, 2, a, (const double[]){ 0.70709, 1.4142, 0.70709, 0.0 }, 1e-4);
    expect_grad(g_lu_sum, 2, a, (const double[]){ 2.0, 0.0, -1.0, 1.0 }, 1e-6);
    /* §8.6 */
    const float b[] = { 3, 0, 1, 2 };
    expect_grad(g_svd_sum, 2, b,
                (const double[]){ 1.368404507637024, -0.5419228672981262, -0.2197188436985016, 0.6067624092102051 },
                1e-5);
    /* §8.5, §8.6: sum(λ) gives the identity, sum(s) gives U₁·Vt */
    const float sym3[] = { 4, 1, 0.5f, 1, 3, 0.25f, 0.5f, 0.25f, 2 };
    expect_grad(g_eigh_w, 3, sym3, (const double[]){ 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 1e-6);
    nx_scope_begin();
    nx_tensor *u, *s, *vt, *m = nx_from_data(b, NX_F32, NX_SHAPE(2, 2));
    cr_assert_eq(nx_svd(m, &u, &s, &vt), 0);
    double uv[4];
    nx_to_binary(nx_as_type(nx_dot(u, vt), NX_F64), uv, sizeof uv);
    expect_grad(g_svd_s, 2, b, uv, 1e-6);
    nx_scope_end();
    /* §8.7: closed-form cofactors, even for a singular 2×2; an exact zero pivot (n >= 4)
     * gives a zero gradient */
    expect_grad(g_det, 2, (const float[]){ 1, 2, 2, 4 }, (const double[]){ 4, -2, -2, 1 }, 0);
    expect_grad(g_det, 3, (const float[]){ 1, 2, 3, 4, 5, 6, 7, 8, 10 },
                (const double[]){ 2, 2, -3, 4, -11, 6, -3, 6, -3 }, 1e-5);
    expect_grad(g_det, 4, (const float[]){ 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 1, 0, 1, 0 },
                (const double[16]){ 0 }, 0);
}

Test(linalg_grad, complex_cholesky)
{
    /* §8.2: A = [[1, -2i], [2i, 5]], loss sum(L) */
    nx_scope_begin();
    const float in[] = { 1, 0, 0, -2, 0, 2, 5, 0 };
    nx_tensor *a = nx_from_data(in, NX_C64, NX_SHAPE(2, 2)), *g;
    cr_assert_eq(nx_grad(g_chol_sum, NULL, &g, a), 0, "%s", nx_error_message());
    const double want[] = { 2.5, -1, 0, -1, 1, 1, 0.5, 0 };
    double got[8];
    nx_to_binary(nx_as_type(g, NX_C128), got, sizeof got);
    for (int i = 0; i < 8; i++)
        cr_assert(fabs(got[i] - want[i]) <= 1e-6, "part %d: %.9g, expected %.9g", i, got[i], want[i]);
    nx_scope_end();
}

/* ---------------------------------------------------------------- jit(f)(x) == f(x) */

static nx_tensor *flat(const nx_tensor *t)
{
    return t ? nx_reshape(t, NX_SHAPE(nx_size(t))) : NULL;
}

static nx_tensor *cat(int n, nx_tensor **ts)
{
    for (int i = 0; i < n; i++)
        if (!(ts[i] = flat(ts[i])))
            return NULL;
    nx_tensor_list l = { .n = n, .v = (const nx_tensor *const *)ts };
    return nx_concatenate(l);
}

static nx_tensor *j_qr(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[2];
    return nx_qr(a[0], &o[0], &o[1]) < 0 ? NULL : cat(2, o);
}
static nx_tensor *j_qr_complete(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[2];
    return nx_qr(a[0], &o[0], &o[1], .complete = true, .eps = 1e-12) < 0 ? NULL : cat(2, o);
}
static nx_tensor *j_eigh(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[2];
    return nx_eigh(sym(a[0]), &o[0], &o[1]) < 0 ? NULL : cat(2, o);
}
static nx_tensor *j_svd(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[3];
    return nx_svd(a[0], &o[0], &o[1], &o[2]) < 0 ? NULL : cat(3, o);
}
static nx_tensor *j_svd_thin(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[3];
    return nx_svd(a[0], &o[0], &o[1], &o[2], .thin = true) < 0 ? NULL : cat(3, o);
}
static nx_tensor *j_lu(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *o[3];
    return nx_lu(a[0], &o[0], &o[1], &o[2]) < 0 ? NULL : cat(3, o);
}
static nx_tensor *j_cholesky(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_cholesky(nx_add(nx_dot(a[0], nx_transpose(a[0])), nx_eye_n(3)));
}
static nx_tensor *j_solve(nx_tensor *const *a, void *c) { (void)c; return nx_solve(a[0], nx_iota(NX_SHAPE(3))); }
static nx_tensor *j_invert(nx_tensor *const *a, void *c) { (void)c; return nx_invert(a[0]); }
static nx_tensor *j_det(nx_tensor *const *a, void *c) { (void)c; return nx_determinant(a[0]); }
static nx_tensor *j_pinv(nx_tensor *const *a, void *c) { (void)c; return nx_pinv(a[0]); }
static nx_tensor *j_lstsq(nx_tensor *const *a, void *c) { (void)c; return nx_least_squares(a[0], nx_iota(NX_SHAPE(3))); }
static nx_tensor *j_rank(nx_tensor *const *a, void *c) { (void)c; return nx_matrix_rank(a[0]); }
static nx_tensor *j_norm(nx_tensor *const *a, void *c) { (void)c; return nx_norm(a[0], .ord = NX_NORM_NUCLEAR); }
static nx_tensor *j_norm2(nx_tensor *const *a, void *c) { (void)c; return nx_norm(a[0], .ord = NX_NORM_P, .p = 2); }
static nx_tensor *j_power(nx_tensor *const *a, void *c) { (void)c; return nx_matrix_power(a[0], -3); }
static nx_tensor *j_tsolve(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_triangular_solve(nx_add(nx_tril(a[0]), nx_multiply(nx_eye_n(3), NX_F(3))), nx_iota(NX_SHAPE(3)));
}

Test(linalg_grad, jit_equals_eager)
{
    static nx_defn_fn *const fns[] = { j_qr, j_qr_complete, j_eigh, j_svd, j_svd_thin, j_lu, j_cholesky, j_solve,
                                       j_invert, j_det, j_pinv, j_lstsq, j_rank, j_norm, j_norm2, j_power, j_tsolve };
    static const nx_type types[] = { NX_F64, NX_F32, NX_S32 };
    for (size_t t = 0; t < sizeof types / sizeof *types; t++)
        for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
            nx_scope_begin();
            double d[9];
            for (int i = 0; i < 9; i++)
                d[i] = types[t] == NX_S32 ? (double)(int)nxtest_uniform(&rng, -5, 5) : nxtest_uniform(&rng, -1, 1);
            d[0] += 6;
            d[4] += 7;
            d[8] += 8;
            nx_tensor *x = nx_as_type(nx_from_data(d, NX_F64, NX_SHAPE(3, 3)), types[t]);
            nx_tensor *e = fns[f]((nx_tensor *const[]){ x }, NULL);
            nx_tensor *j = nx_jit_apply(fns[f], NULL, x);
            cr_assert_not_null(e, "function %zu: %s", f, nx_error_message());
            cr_assert_not_null(j, "function %zu, jit: %s", f, nx_error_message());
            cr_assert_eq(nx_type_of(e), nx_type_of(j), "function %zu", f);
            int64_t bytes = nx_byte_size(e);
            cr_assert_eq(bytes, nx_byte_size(j), "function %zu", f);
            char *be = malloc((size_t)bytes + 1), *bj = malloc((size_t)bytes + 1);
            nx_to_binary(e, be, bytes);
            nx_to_binary(j, bj, bytes);
            cr_assert(!memcmp(be, bj, (size_t)bytes), "function %zu, type %zu: jit differs from eager", f, t);
            free(be);
            free(bj);
            nx_scope_end();
        }
}

/* ---------------------------------------------------------------- printouts, errors */

Test(linalg_grad, block_printouts)
{
    /* spec/defn.md §3.4: struct fields in definition order, floats per §5.2 */
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.LinAlg.svd(a, full_matrices?: false), 1) end, "
                       "[Nx.iota({3, 2})])",
                       "#Nx.Tensor<\n  f32[2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                                                             s32[3][2]\n"
                       "  b = block %Nx.Block.LinAlg.SVD{max_iter: 100, full_matrices?: false}, a   tuple3\n"
                       "  c = elem b, 1                                                             f32[2]\n>");
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.LinAlg.eigh(a, eps: 1.0e-6), 0) end, [Nx.iota({2, 2})])",
                       "#Nx.Tensor<\n  f32[2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                                                     s32[2][2]\n"
                       "  b = block %Nx.Block.LinAlg.Eigh{max_iter: 1000, eps: 1.0e-6}, a   tuple2\n"
                       "  c = elem b, 0                                                     f32[2]\n>");
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a, b -> Nx.LinAlg.solve(a, b) end, [Nx.iota({2, 2}), Nx.iota({2})])",
                       "#Nx.Tensor<\n  f32[2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                              s32[2][2]\n"
                       "  parameter b:1                              s32[2]\n"
                       "  c = block %Nx.Block.LinAlg.Solve{}, a, b   f32[2]\n>");
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a -> Nx.LinAlg.determinant(a) end, [Nx.iota({2, 2})])",
                       "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                                 s32[2][2]\n"
                       "  b = block %Nx.Block.LinAlg.Determinant{}, a   f32\n>");
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.LinAlg.lu(a), 2) end, [Nx.iota({2, 2})])",
                       "#Nx.Tensor<\n  f32[2][2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                                    s32[2][2]\n"
                       "  b = block %Nx.Block.LinAlg.LU{eps: 1.0e-10}, a   tuple3\n"
                       "  c = elem b, 2                                    f32[2][2]\n>");
}

static nx_tensor *e_qr(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *q, *r;
    return nx_qr(a[0], &q, &r) < 0 ? NULL : q;
}

static nx_tensor *e_singular(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_invert(a[0])); }

Test(linalg_grad, errors)
{
    /* front-end checks run while tracing, with Nx's messages, and nothing leaks */
    nx_scope_begin();
    cr_assert_null(nx_jit_apply(e_qr, NULL, nx_iota(NX_SHAPE(3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must have at least rank 2, got rank 1 with shape {3}");
    nx_tensor *g;
    cr_assert_neq(nx_grad(g_chol_sum, NULL, &g, nx_iota(NX_SHAPE(2, 3), .type = NX_F32)), 0);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "tensor must be a square matrix or a batch of square matrices, got shape: {2, 3}");
    /* a kernel error while evaluating the block comes back as the eager one does */
    nx_tensor *z = nx_broadcast(NX_F(0), NX_SHAPE(2, 2));
    nx_tensor *eager = nx_invert(z);
    int kind = nx_error();
    char msg[256];
    snprintf(msg, sizeof msg, "%s", eager ? "" : nx_error_message());
    nx_error_clear();
    nx_tensor *jit = nx_jit_apply(e_singular, NULL, z);
    cr_assert_eq(!eager, !jit);
    if (!eager)
        NXTEST_ERROR(kind, msg);
    nx_scope_end();
}

/* ---------------------------------------------------------------- vectorized, forward mode */

Test(linalg_grad, vectorized_entries_are_batches)
{
    /* spec/grad.md §9: each vectorized entry gets its own gradient (stacked per entry) */
    nx_scope_begin();
    double d[18];
    for (int i = 0; i < 18; i++)
        d[i] = nxtest_uniform(&rng, -1, 1) + (i % 4 == 0 ? 3 : 0);
    nx_tensor *x = nx_from_data(d, NX_F64, NX_SHAPE(2, 3, 3));
    nx_tensor *g, *g0, *g1;
    cr_assert_eq(nx_grad(f_invert, NULL, &g, nx_vectorize(x, "x")), 0, "%s", nx_error_message());
    cr_assert_eq(nx_vectorized_rank(g), 1);
    cr_assert_eq(nx_grad(f_invert, NULL, &g0, nx_from_data(d, NX_F64, NX_SHAPE(3, 3))), 0);
    cr_assert_eq(nx_grad(f_invert, NULL, &g1, nx_from_data(d + 9, NX_F64, NX_SHAPE(3, 3))), 0);
    double got[18], want[18];
    nx_to_binary(nx_devectorize(g, false), got, sizeof got);
    nx_to_binary(g0, want, 9 * sizeof(double));
    nx_to_binary(g1, want + 9, 9 * sizeof(double));
    for (int i = 0; i < 18; i++)
        cr_assert(fabs(got[i] - want[i]) <= 1e-12 * fmax(1, fabs(want[i])), "element %d", i);
    nx_scope_end();
}

Test(linalg_grad, jvp_through_a_block)
{
    /* forward mode is transposed reverse mode: jvp(f)(x; v) = <grad f(x), v> */
    nx_scope_begin();
    double d[9], v[9];
    for (int i = 0; i < 9; i++) {
        d[i] = nxtest_uniform(&rng, -1, 1) + (i % 4 == 0 ? 3 : 0);
        v[i] = nxtest_uniform(&rng, -1, 1);
    }
    nx_tensor *x = nx_from_data(d, NX_F64, NX_SHAPE(3, 3)), *t = nx_from_data(v, NX_F64, NX_SHAPE(3, 3));
    nx_tensor *value, *tangent, *g;
    cr_assert_eq(nx_jvp_n(f_cholesky, NULL, 1, (const nx_tensor *const[]){ x }, (const nx_tensor *const[]){ t }, &value,
                          &tangent), 0, "%s", nx_error_message());
    cr_assert_eq(nx_grad(f_cholesky, NULL, &g, x), 0);
    double got = value_of(tangent), want = value_of(nx_sum(nx_multiply(g, t)));
    cr_assert(fabs(got - want) <= 1e-10 * fmax(1, fabs(want)), "jvp %.15g, <grad, v> %.15g", got, want);
    nx_scope_end();
}
