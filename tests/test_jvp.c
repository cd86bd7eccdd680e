/* tests/test_jvp.c: forward mode and higher order (nx_jvp_n, nx_jacobian_n, nx_hessian_n,
 * src/defn/jvp.c). For functions over many primitive families, on random f64 inputs over
 * three shape sets: jvp against central finite differences of the function and against
 * the gradient contracted with the tangent, the jacobian against finite differences
 * column by column, the hessian (of the summed function) against finite differences of
 * the gradient. Also inside a trace, custom_grad, types, errors and the interpreter. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/tensor.h"
#include "nx.h"
#include "support/nxtest.h"
#include "support/nxtest_grad.h"

/* ---------------------------------------------------------------- the functions */

#define FN(name, call) \
    static nx_tensor *f_##name(nx_tensor *const *a, void *c) { (void)c; return call; }

FN(unary, nx_add(nx_multiply(nx_sin(nx_exp(a[0])), nx_tanh(a[0])),
                 nx_add(nx_log1p(nx_multiply(a[0], a[0])), nx_sqrt(nx_add(nx_multiply(a[0], a[0]), NX_F(1))))))
FN(binary, nx_subtract(nx_add(nx_multiply(a[0], a[1]), nx_divide(nx_sin(a[0]), nx_add(nx_multiply(a[1], a[1]), NX_F(1)))),
                       nx_atan2(a[0], nx_add(a[1], NX_F(4)))))
FN(powers, nx_pow(nx_add(nx_abs(a[0]), NX_F(0.5)), nx_cos(a[1])))
FN(reduce, nx_add(nx_sum(nx_sin(a[0]), .axes = NX_AXES(-1), .keep_axes = true),
                  nx_reduce_max(nx_multiply(a[0], a[0]), .axes = NX_AXES(-1), .keep_axes = true)))
FN(product, nx_sin(nx_product(a[0], .axes = NX_AXES(0))))
FN(dot, nx_sin(nx_dot(a[0], a[1])))
static nx_tensor *f_layout(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *r = nx_reshape(nx_transpose(nx_sin(a[0])), NX_SHAPE(6));
    nx_tensor *p = nx_pad(nx_slice(r, NX_STARTS(1), NX_INTS(4)), a[1], NX_PADDING({ 1, 2, 1 }));
    return nx_multiply(nx_concatenate(NX_TENSORS(p, nx_exp(nx_slice(r, NX_STARTS(0), NX_INTS(2))))), a[1]);
}
FN(select, nx_sin(nx_select(nx_greater(nx_sin(nx_multiply(a[0], NX_F(7))), NX_F(0)), nx_exp(a[0]), nx_cos(a[1]))))
FN(conv, nx_sin(nx_conv(a[0], a[1], .padding = NX_PADDING_SAME)))
FN(window_sum, nx_sin(nx_window_sum(nx_exp(a[0]), NX_SHAPE(2, 2), .strides = NX_INTS(1, 2), .padding = NX_PADDING_EXPLICIT,
                                    .pads = NX_PAIRS({ 1, 0 }, { 0, 1 }))))
FN(window_max, nx_cos(nx_window_max(a[0], NX_SHAPE(2, 2), .strides = NX_INTS(1, 2))))
FN(cumulative, nx_add(nx_sin(nx_cumulative_sum(a[0], .axis = NX_AXIS(-1))),
                      nx_add(nx_cumulative_product(a[0], .axis = NX_AXIS(-1)), nx_cumulative_max(nx_exp(a[0]), .axis = NX_AXIS(0)))))
FN(sort, nx_sin(nx_multiply(nx_sort(a[0], .axis = NX_AXIS(-1)), a[1])))
static nx_tensor *idx_of(const int64_t *v, int64_t n, int64_t k)
{
    return nx_from_data(v, NX_S64, NX_SHAPE(n, k));
}
FN(take, nx_sin(nx_multiply(nx_take(a[0], idx_of((const int64_t[]){ 2, 0, 2, 1 }, 2, 2)), NX_F(2))))
FN(indexed_add, nx_sin(nx_indexed_add(nx_exp(a[0]), idx_of((const int64_t[]){ 0, 2, 0 }, 3, 1), nx_exp(a[1]))))
FN(softmax, nx_divide(nx_exp(a[0]), nx_sum(nx_exp(a[0]), .axes = NX_AXES(-1), .keep_axes = true)))
FN(logsumexp, nx_multiply(nx_logsumexp(a[0], .axes = NX_AXES(0)), nx_logsumexp(a[0])))
FN(mlp, nx_pow(nx_subtract(nx_tanh(nx_add(nx_dot(a[0], a[1]), a[2])), NX_F(0.5)), NX_I(2)))
FN(fft, nx_sin(nx_real(nx_multiply(nx_fft(a[0]), nx_number_tensor(NX_COMPLEX(1, 2))))))

/* More primitives, each through grad of grad (the hessian) and transposition (jvp). */
FN(unary2, nx_add(nx_multiply(nx_erf(a[0]), nx_cbrt(nx_add(a[0], NX_F(3)))),
                  nx_add(nx_multiply(nx_sigmoid(a[0]), nx_expm1(a[0])),
                         nx_add(nx_asin(nx_multiply(a[0], NX_F(0.3))), nx_rsqrt(nx_add(nx_multiply(a[0], a[0]), NX_F(1)))))))
FN(unary3, nx_add(nx_multiply(nx_erf_inv(nx_multiply(a[0], NX_F(0.4))), nx_acosh(nx_add(nx_multiply(a[0], a[0]), NX_F(1.5)))),
                  nx_add(nx_multiply(nx_cosh(a[0]), nx_atan(a[0])),
                         nx_add(nx_erfc(a[0]), nx_multiply(nx_tan(nx_multiply(a[0], NX_F(0.5))), nx_asinh(a[0]))))))
FN(extrema, nx_add(nx_multiply(nx_max(a[0], a[1]), nx_min(nx_sin(a[0]), a[1])),
                   nx_add(nx_remainder(nx_exp(a[0]), NX_F(0.7)), nx_clip(nx_multiply(a[0], a[1]), NX_F(-1), NX_F(1)))))
FN(reduce_min, nx_multiply(nx_reduce_min(nx_sin(a[0]), .axes = NX_AXES(0)), nx_sum(nx_exp(a[0]))))
FN(layout2, nx_sin(nx_multiply(nx_stack(NX_TENSORS(nx_reverse(a[0]), nx_exp(nx_multiply(a[0], a[1])))),
                               nx_broadcast(nx_sum(a[0], .axes = NX_AXES(0)), NX_SHAPE(2, 1, 3)))))
FN(put_slice, nx_sin(nx_multiply(nx_put_slice(a[0], NX_STARTS(1, 1), nx_exp(a[1])), a[0])))
FN(gather, nx_sin(nx_multiply(nx_gather(a[0], idx_of((const int64_t[]){ 2, 0, 2, 1, 0, 1 }, 3, 2)), NX_F(3))))
FN(take_along_axis, nx_sin(nx_exp(nx_take_along_axis(a[0], nx_from_data(((int64_t[]){ 1, 0, 1, 1, 0, 0 }), NX_S64, NX_SHAPE(3, 2)),
                                                      .axis = NX_AXIS(1)))))
FN(indexed_put, nx_sin(nx_multiply(nx_indexed_put(a[0], idx_of((const int64_t[]){ 0, 2 }, 2, 1), nx_exp(a[1])), a[0])))
FN(cumulative2, nx_multiply(nx_cumulative_min(nx_sin(a[0]), .axis = NX_AXIS(0), .reverse = true),
                            nx_cumulative_product(a[0], .axis = NX_AXIS(0), .reverse = true)))
/* negative values: under padding, Nx's window_min gradient lets a padded 0 win (spec/grad.md
 * §4.8), which finite differences do not see */
FN(window_min, nx_exp(nx_window_min(nx_negate(nx_exp(nx_sin(a[0]))), NX_SHAPE(2, 3), .padding = NX_PADDING_SAME)))
FN(wscatter, nx_sin(nx_multiply(nx_window_scatter_max(a[0], nx_exp(a[1]), NX_F(0), NX_SHAPE(2, 2), .strides = NX_INTS(2, 2)), a[0])))
static nx_tensor *f_tsolve(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *d = nx_multiply(nx_eye_n(a[0]->dims[a[0]->rank - 1], .type = NX_F64), NX_F(2));
    nx_tensor *m = nx_tril(nx_add(nx_multiply(a[0], NX_F(0.2)), d));
    return nx_sin(nx_triangular_solve(m, nx_multiply(a[1], a[1])));
}
static nx_tensor *f_dot_general(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_sin(nx_dot_general(nx_sin(a[0]), a[1], .contract_a = NX_AXES(1, 2), .batch_a = NX_AXES(0),
                                 .contract_b = NX_AXES(3, 1), .batch_b = NX_AXES(0)));
}
FN(ifft, nx_sin(nx_real(nx_multiply(nx_ifft(nx_multiply(a[0], a[0])), nx_number_tensor(NX_COMPLEX(1, 2))))))
FN(conv_opts, nx_sin(nx_conv(nx_sin(a[0]), a[1], .strides = NX_INTS(2, 1), .padding = NX_PADDING_EXPLICIT,
                             .pads = NX_PAIRS({ 1, 0 }, { 2, -1 }), .input_dilation = NX_INTS(1, 2), .kernel_dilation = NX_INTS(2, 1))))

FN(window_sum_dil, nx_sin(nx_window_sum(nx_multiply(a[0], a[0]), NX_SHAPE(2, 2), .strides = NX_INTS(2, 1),
                                        .window_dilations = NX_INTS(1, 2))))
FN(window_max_same, nx_sin(nx_window_max(nx_exp(a[0]), NX_SHAPE(3, 2), .strides = NX_INTS(2, 1), .padding = NX_PADDING_SAME)))
FN(conv_perm, nx_sin(nx_conv(nx_exp(a[0]), a[1], .input_permutation = NX_AXES(0, 2, 1), .kernel_permutation = NX_AXES(2, 1, 0),
                             .output_permutation = NX_AXES(0, 2, 1), .padding = NX_PADDING_SAME)))
FN(sort_desc, nx_sin(nx_multiply(nx_sort(nx_sin(a[0]), .axis = NX_AXIS(0), .direction = NX_DESC), a[1])))
FN(complex_parts, nx_add(nx_imag(nx_multiply(nx_as_type(a[0], NX_C128), nx_exp(nx_as_type(a[1], NX_C128)))),
                         nx_real(nx_multiply(nx_conjugate(nx_sin(nx_as_type(a[0], NX_C128))), nx_as_type(a[1], NX_C128)))))
static nx_tensor *f_tsolve_upper_right(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *d = nx_multiply(nx_eye_n(a[0]->dims[a[0]->rank - 1], .type = NX_F64), NX_F(2));
    nx_tensor *m = nx_triu(nx_add(nx_multiply(nx_sin(a[0]), NX_F(0.2)), d));
    return nx_sin(nx_triangular_solve(m, a[1], .upper = true, .right_side = true, .transform_a = NX_TRANSFORM_TRANSPOSE));
}

typedef struct {
    const char *name;
    nx_defn_fn *fn;
    int nargs;
    double lo, hi;           /* inputs drawn uniformly from [lo, hi] */
    const char *shapes[3];   /* per shape set: "2x3,3" (args by ',', dims by 'x', "s" scalar) */
} jcase;

static const jcase cases[] = {
    { "unary", f_unary, 1, -1.5, 1.5, { "2x3", "4", "s" } },
    { "binary", f_binary, 2, -2, 2, { "2x3,3", "2x1,1x3", "4,s" } },
    { "powers", f_powers, 2, -2, 2, { "2x3,2x3", "3,2x3", "s,4" } },
    { "reduce", f_reduce, 1, -2, 2, { "2x3", "4", "3x1x2" } },
    { "product", f_product, 1, -1.5, 1.5, { "2x3", "4", "3x1x2" } },
    { "dot", f_dot, 2, -2, 2, { "2x3,3x2", "3,3", "2x3,3" } },
    { "layout", f_layout, 2, -2, 2, { "2x3,s", "3x2,s", "1x6,s" } },
    { "select", f_select, 2, -2, 2, { "2x3,2x3", "2x3,3", "4,s" } },
    { "conv", f_conv, 2, -1, 1, { "1x1x5,1x1x2", "1x2x3x3,2x2x2x2", "2x2x3,1x2x2" } },
    { "window_sum", f_window_sum, 1, -1, 1, { "3x4", "2x3", "4x2" } },
    { "window_max", f_window_max, 1, -2, 2, { "3x4", "2x5", "4x2" } },
    { "cumulative", f_cumulative, 1, 0.5, 1.5, { "2x3", "5", "2x1x3" } },
    { "sort", f_sort, 2, -2, 2, { "2x3,2x3", "4,4", "2x1x3,2x1x3" } },
    { "take", f_take, 1, -2, 2, { "3x2", "4", "3x2x1" } },
    { "indexed_add", f_indexed_add, 2, -1, 1, { "3x2,3x2", "4,3", "3x1x2,3x1x2" } },
    { "softmax", f_softmax, 1, -2, 2, { "2x3", "4", "2x1x2" } },
    { "logsumexp", f_logsumexp, 1, -2, 2, { "2x3", "4", "3x1x2" } },
    { "mlp", f_mlp, 3, -1, 1, { "2x3,3x2,2", "1x3,3x4,1x4", "2x2,2x1,s" } },
    { "fft", f_fft, 1, -2, 2, { "2x3", "4", "2x1x2" } },
    { "unary2", f_unary2, 1, -1.5, 1.5, { "2x3", "4", "s" } },
    { "unary3", f_unary3, 1, -1.5, 1.5, { "2x3", "4", "s" } },
    { "extrema", f_extrema, 2, -2, 2, { "2x3,2x3", "2x3,3", "4,s" } },
    { "reduce_min", f_reduce_min, 1, -2, 2, { "2x3", "4", "3x1x2" } },
    { "layout2", f_layout2, 2, -1, 1, { "2x3,3", "1x3,1x3", "4x3,1x3" } },
    { "put_slice", f_put_slice, 2, -2, 2, { "3x3,1x2", "4x3,2x2", "3x4,2x1" } },
    { "gather", f_gather, 1, -2, 2, { "3x2", "3x3", "3x2x2" } },
    { "take_along_axis", f_take_along_axis, 1, -1, 1, { "3x2", "3x4", "3x3" } },
    { "indexed_put", f_indexed_put, 2, -2, 2, { "3x2,2x2", "4,2", "3x1x2,2x1x2" } },
    { "cumulative2", f_cumulative2, 1, 0.5, 1.5, { "3x2", "5", "4x1x2" } },
    { "window_min", f_window_min, 1, -2, 2, { "3x4", "4x3", "2x3" } },
    { "window_scatter_max", f_wscatter, 2, -2, 2, { "4x4,2x2", "4x6,2x3", "2x2,1x1" } },
    { "triangular_solve", f_tsolve, 2, -1, 1, { "3x3,3x2", "2x2,2", "2x3x3,2x3x1" } },
    { "dot_general", f_dot_general, 2, -2, 2, { "2x3x2,2x2x2x3", "1x2x1,1x1x3x2", "3x1x2,3x2x2x1" } },
    { "ifft", f_ifft, 1, -2, 2, { "2x3", "4", "2x1x2" } },
    { "window_sum_dil", f_window_sum_dil, 1, -1, 1, { "3x4", "4x5", "5x3" } },
    { "window_max_same", f_window_max_same, 1, -1, 1, { "3x4", "4x3", "5x2" } },
    { "conv_perm", f_conv_perm, 2, -1, 1, { "1x5x2,3x2x2", "2x4x3,2x3x1", "1x6x1,3x1x2" } },
    { "sort_desc", f_sort_desc, 2, -2, 2, { "3x2,3x2", "4,4", "3x1x2,3x1x2" } },
    { "complex_parts", f_complex_parts, 2, -1, 1, { "2x3,2x3", "3,2x3", "s,4" } },
    { "triangular_solve_upper_right", f_tsolve_upper_right, 2, -1, 1, { "3x3,2x3", "2x2,2", "2x3x3,2x1x3" } },
    { "conv_opts", f_conv_opts, 2, -1, 1, { "1x2x5x4,2x2x2x2", "2x1x4x3,1x1x3x2", "1x1x5x5,1x1x2x3" } },
};

/* ---------------------------------------------------------------- helpers */

static unsigned rng = 4242;
static double uniform(double lo, double hi)
{
    return nxtest_uniform(&rng, lo, hi);
}

static int64_t size_of(nx_shape s)
{
    int64_t n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    return n;
}

static void close_enough(double got, double want, double rtol, const char *what, const jcase *c, int set, int64_t k)
{
    cr_assert(fabs(got - want) <= rtol * fmax(1.0, fabs(want)), "%s: %s, shapes %s, element %lld: %.12g, expected %.12g",
              c->name, what, c->shapes[set], (long long)k, got, want);
}

/* One case at one shape set: the inputs and what finite differences need. */
typedef struct {
    const jcase *c;
    int set, n;
    nx_shape sh[4];
    double *data[4];
    int64_t size[4], m;   /* input sizes, output size */
    nx_shape out;
} point;

static nx_tensor *arg(point *p, int i)
{
    return nx_from_data(p->data[i], NX_F64, p->sh[i]);
}

/* fn at the point (data as it is now), values into out[0..m). */
static void eval_at(point *p, double *out)
{
    nx_scope_begin();
    nx_tensor *args[4];
    for (int i = 0; i < p->n; i++)
        args[i] = arg(p, i);
    nx_tensor *r = p->c->fn(args, NULL);
    nxtest_f64_values(r, out, p->m);
    nx_scope_end();
}

static void point_init(point *p, const jcase *c, int set)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->set = set;
    p->n = nxtest_parse_shapes(c->shapes[set], p->sh);
    cr_assert_eq(p->n, c->nargs, "%s: shape set %d", c->name, set);
    for (int i = 0; i < p->n; i++) {
        p->size[i] = size_of(p->sh[i]);
        p->data[i] = malloc((size_t)(p->size[i] ? p->size[i] : 1) * sizeof(double));
        for (int64_t k = 0; k < p->size[i]; k++)
            p->data[i][k] = uniform(c->lo, c->hi);
    }
    nx_scope_begin();
    nx_tensor *args[4];
    for (int i = 0; i < p->n; i++)
        args[i] = arg(p, i);
    nx_tensor *r = c->fn(args, NULL);
    cr_assert_not_null(r, "%s: %s", c->name, nx_error_message());
    p->out = nx_shape_of(r);
    p->m = r->size;
    nx_scope_end();
}

static void point_free(point *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->data[i]);
}

/* The summed function (scalar) of a case: for the gradient and the hessian. */
static nx_tensor *summed(nx_tensor *const *a, void *ctx)
{
    const jcase *c = ctx;
    return nx_sum(c->fn(a, NULL));
}

/* ---------------------------------------------------------------- the checks */

/* jvp against central differences along v, and sum(J v) against <grad(sum f), v>. */
static void check_jvp(point *p)
{
    const jcase *c = p->c;
    nx_scope_begin();
    double *v[4];
    nx_tensor *args[4], *tans[4], *grads[4], *value = NULL, *tangent = NULL;
    for (int i = 0; i < p->n; i++) {
        v[i] = malloc((size_t)(p->size[i] ? p->size[i] : 1) * sizeof(double));
        for (int64_t k = 0; k < p->size[i]; k++)
            v[i][k] = uniform(-1, 1);
        args[i] = arg(p, i);
        tans[i] = nx_from_data(v[i], NX_F64, p->sh[i]);
    }
    cr_assert_eq(nx_jvp_n(c->fn, NULL, p->n, (const nx_tensor *const *)args, (const nx_tensor *const *)tans, &value, &tangent), 0,
                 "%s: jvp failed: %s", c->name, nx_error_message());
    cr_assert_eq(tangent->type, NX_F64);
    cr_assert_eq(tangent->rank, p->out.rank);
    double *jv = malloc((size_t)p->m * sizeof(double)), *fp = malloc((size_t)p->m * sizeof(double));
    double *fm = malloc((size_t)p->m * sizeof(double)), *y = malloc((size_t)p->m * sizeof(double));
    nxtest_f64_values(tangent, jv, p->m);
    nxtest_f64_values(value, y, p->m);
    eval_at(p, fp);
    for (int64_t k = 0; k < p->m; k++)
        close_enough(y[k], fp[k], 1e-12, "jvp value", c, p->set, k);
    const double h = 1e-5;
    for (int i = 0; i < p->n; i++)
        for (int64_t k = 0; k < p->size[i]; k++)
            p->data[i][k] += h * v[i][k];
    eval_at(p, fp);
    for (int i = 0; i < p->n; i++)
        for (int64_t k = 0; k < p->size[i]; k++)
            p->data[i][k] -= 2 * h * v[i][k];
    eval_at(p, fm);
    for (int i = 0; i < p->n; i++)   /* back to the point (to rounding) */
        for (int64_t k = 0; k < p->size[i]; k++)
            p->data[i][k] += h * v[i][k];
    double sum = 0;
    for (int64_t k = 0; k < p->m; k++) {
        close_enough(jv[k], (fp[k] - fm[k]) / (2 * h), 1e-6, "jvp vs finite differences", c, p->set, k);
        sum += jv[k];
    }
    cr_assert_eq(nx_grad_n(summed, (void *)c, p->n, (const nx_tensor *const *)args, grads), 0, "%s", nx_error_message());
    double dot = 0;
    for (int i = 0; i < p->n; i++) {
        double *g = malloc((size_t)(p->size[i] ? p->size[i] : 1) * sizeof(double));
        nxtest_f64_values(grads[i], g, p->size[i]);
        for (int64_t k = 0; k < p->size[i]; k++)
            dot += g[k] * v[i][k];
        free(g);
    }
    close_enough(sum, dot, 1e-10, "sum(J v) vs <grad, v>", c, p->set, 0);
    for (int i = 0; i < p->n; i++)
        free(v[i]);
    free(jv), free(fp), free(fm), free(y);
    nx_scope_end();
}

/* Each jacobian column against central differences of the function. */
static void check_jacobian(point *p, int *routes)
{
    const jcase *c = p->c;
    nx_scope_begin();
    nx_tensor *args[4], *jac[4];
    int64_t total = 0;
    for (int i = 0; i < p->n; i++) {
        args[i] = arg(p, i);
        total += p->size[i];
    }
    routes[p->m <= total ? 0 : 1]++;   /* rows or columns */
    cr_assert_eq(nx_jacobian_n(c->fn, NULL, p->n, (const nx_tensor *const *)args, jac), 0, "%s: jacobian failed: %s",
                 c->name, nx_error_message());
    double *fp = malloc((size_t)p->m * sizeof(double)), *fm = malloc((size_t)p->m * sizeof(double));
    for (int i = 0; i < p->n; i++) {
        int64_t ki = p->size[i];
        cr_assert_eq(jac[i]->type, NX_F64);
        cr_assert_eq(jac[i]->rank, p->out.rank + p->sh[i].rank, "%s: jacobian rank", c->name);
        for (int d = 0; d < p->out.rank; d++)
            cr_assert_eq(jac[i]->dims[d], p->out.dims[d]);
        for (int d = 0; d < p->sh[i].rank; d++)
            cr_assert_eq(jac[i]->dims[p->out.rank + d], p->sh[i].dims[d]);
        double *j = malloc((size_t)(p->m * ki + 1) * sizeof(double));
        nxtest_f64_values(jac[i], j, p->m * ki);
        for (int64_t e = 0; e < ki; e++) {
            double save = p->data[i][e], h = 1e-5 * fmax(1.0, fabs(save));
            p->data[i][e] = save + h;
            eval_at(p, fp);
            p->data[i][e] = save - h;
            eval_at(p, fm);
            p->data[i][e] = save;
            for (int64_t o = 0; o < p->m; o++)
                close_enough(j[o * ki + e], (fp[o] - fm[o]) / (2 * h), 1e-6, "jacobian vs finite differences", c,
                             p->set, o * ki + e);
        }
        free(j);
    }
    free(fp), free(fm);
    nx_scope_end();
}

/* The gradient of the summed function at the point, flattened per argument. */
static void grad_at(point *p, double **out)
{
    nx_scope_begin();
    nx_tensor *args[4], *g[4];
    for (int i = 0; i < p->n; i++)
        args[i] = arg(p, i);
    cr_assert_eq(nx_grad_n(summed, (void *)p->c, p->n, (const nx_tensor *const *)args, g), 0, "%s", nx_error_message());
    for (int i = 0; i < p->n; i++)
        nxtest_f64_values(g[i], out[i], p->size[i]);
    nx_scope_end();
}

/* Hessian block (i, j) column e against central differences of gradient i along e_j. */
static void check_hessian(point *p)
{
    const jcase *c = p->c;
    int n = p->n;
    nx_scope_begin();
    nx_tensor *args[4], *hess[16];
    for (int i = 0; i < n; i++)
        args[i] = arg(p, i);
    cr_assert_eq(nx_hessian_n(summed, (void *)c, n, (const nx_tensor *const *)args, hess), 0, "%s: hessian failed: %s",
                 c->name, nx_error_message());
    double *hv[16], *gp[4], *gm[4];
    for (int i = 0; i < n; i++) {
        gp[i] = malloc((size_t)(p->size[i] + 1) * sizeof(double));
        gm[i] = malloc((size_t)(p->size[i] + 1) * sizeof(double));
        for (int j = 0; j < n; j++) {
            nx_tensor *b = hess[i * n + j];
            cr_assert_eq(b->type, NX_F64);
            cr_assert_eq(b->rank, p->sh[i].rank + p->sh[j].rank);
            hv[i * n + j] = malloc((size_t)(p->size[i] * p->size[j] + 1) * sizeof(double));
            nxtest_f64_values(b, hv[i * n + j], p->size[i] * p->size[j]);
        }
    }
    for (int j = 0; j < n; j++)
        for (int64_t e = 0; e < p->size[j]; e++) {
            double save = p->data[j][e], h = 1e-5 * fmax(1.0, fabs(save));
            p->data[j][e] = save + h;
            grad_at(p, gp);
            p->data[j][e] = save - h;
            grad_at(p, gm);
            p->data[j][e] = save;
            for (int i = 0; i < n; i++)
                for (int64_t a = 0; a < p->size[i]; a++)
                    close_enough(hv[i * n + j][a * p->size[j] + e], (gp[i][a] - gm[i][a]) / (2 * h), 1e-6,
                                 "hessian vs finite differences of grad", c, p->set, a * p->size[j] + e);
        }
    for (int i = 0; i < n; i++) {
        free(gp[i]), free(gm[i]);
        for (int j = 0; j < n; j++)
            free(hv[i * n + j]);
    }
    nx_scope_end();
}

#define NCASES ((int)(sizeof cases / sizeof *cases))

Test(jvp, against_finite_differences_and_grad, .timeout = 60)
{
    for (int i = 0; i < NCASES; i++)
        for (int set = 0; set < 3; set++) {
            point p;
            point_init(&p, &cases[i], set);
            check_jvp(&p);
            point_free(&p);
        }
}

Test(jacobian, against_finite_differences, .timeout = 60)
{
    int routes[2] = { 0, 0 };
    for (int i = 0; i < NCASES; i++)
        for (int set = 0; set < 3; set++) {
            point p;
            point_init(&p, &cases[i], set);
            check_jacobian(&p, routes);
            point_free(&p);
        }
    cr_assert(routes[0] > 5 && routes[1] > 5, "reverse rows %d times, forward columns %d times", routes[0], routes[1]);
}

Test(hessian, against_finite_differences_of_grad, .timeout = 60)
{
    for (int i = 0; i < NCASES; i++)
        for (int set = 0; set < 3; set++) {
            point p;
            point_init(&p, &cases[i], set);
            check_hessian(&p);
            point_free(&p);
        }
}

/* ---------------------------------------------------------------- semantics */

static double num(const nx_tensor *t)
{
    double v;
    nxtest_f64_values(t, &v, 1);
    return v;
}

static nx_tensor *sin_prod(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_multiply(nx_sin(a[0]), a[1]);
}

/* jvp and hessian called inside a trace join it: the same values as outside. */
static nx_tensor *inner_jvp(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *v = NULL, *t = NULL;
    if (nx_jvp_n(sin_prod, NULL, 2, (const nx_tensor *const *)a, (const nx_tensor *const[]){ a[2], a[3] }, &v, &t) < 0)
        return NULL;
    return nx_add(nx_multiply(v, NX_F(10)), t);
}
static nx_tensor *sum_sin_prod(nx_tensor *const *a, void *c) { (void)c; return nx_sum(sin_prod(a, NULL)); }
static nx_tensor *inner_hessian(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *h[4];
    if (nx_hessian_n(sum_sin_prod, NULL, 2, (const nx_tensor *const *)a, h) < 0)
        return NULL;
    return h[1];   /* d² / dx dy: diag(cos x) */
}

static nx_tensor *inner_jacobian(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *j[2];
    if (nx_jacobian_n(sin_prod, NULL, 2, (const nx_tensor *const *)a, j) < 0)
        return NULL;
    return nx_add(j[0], j[1]);   /* diag(cos(x) y + sin(x)) */
}

/* Third order: the jvp of a function that takes a gradient (of a gradient). */
static nx_tensor *tanh1(nx_tensor *const *a, void *c) { (void)c; return nx_tanh(a[0]); }
static nx_tensor *dtanh(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *g[1];
    return nx_grad(tanh1, NULL, g, a[0]) < 0 ? NULL : g[0];
}
static nx_tensor *sum_dtanh(nx_tensor *const *a, void *c) { (void)c; return nx_sum(dtanh(a, NULL)); }
static nx_tensor *ddtanh(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *g[1];
    return nx_grad(sum_dtanh, NULL, g, a[0]) < 0 ? NULL : g[0];
}

Test(jvp, higher_order)
{
    nx_scope_begin();
    double x[3] = { 0.3, -1.1, 0.7 }, v[3] = { 1, 0.5, -2 }, r[9];
    nx_tensor *t = nx_from_data(x, NX_F64, NX_SHAPE(3)), *dv = nx_from_data(v, NX_F64, NX_SHAPE(3));
    nx_tensor *value, *tangent, *h[1];
    cr_assert_eq(nx_jvp(dtanh, NULL, &value, &tangent, t, dv), 0, "%s", nx_error_message());
    nxtest_f64_values(tangent, r, 3);
    for (int k = 0; k < 3; k++) {
        double th = tanh(x[k]);
        cr_assert_float_eq(r[k], -2 * th * (1 - th * th) * v[k], 1e-12);
    }
    cr_assert_eq(nx_jvp(ddtanh, NULL, &value, &tangent, t, dv), 0, "%s", nx_error_message());
    nxtest_f64_values(tangent, r, 3);
    for (int k = 0; k < 3; k++) {   /* the third derivative: (1 - th^2)(6 th^2 - 2) */
        double th = tanh(x[k]);
        cr_assert_float_eq(r[k], (1 - th * th) * (6 * th * th - 2) * v[k], 1e-12);
    }
    cr_assert_eq(nx_hessian(sum_dtanh, NULL, h, t), 0, "%s", nx_error_message());
    nxtest_f64_values(h[0], r, 9);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double th = tanh(x[i]);
            cr_assert_float_eq(r[i * 3 + j], i == j ? (1 - th * th) * (6 * th * th - 2) : 0, 1e-12);
        }
    nx_scope_end();
}

Test(jvp, inside_a_trace)
{
    nx_scope_begin();
    double x[3] = { 0.3, -1.1, 2.0 }, y[3] = { 1.5, 0.5, -2 }, dx[3] = { 1, 0.5, -1 }, dy[3] = { 0.2, 2, 1 }, r[9];
    nx_tensor *a[4] = { nx_from_data(x, NX_F64, NX_SHAPE(3)), nx_from_data(y, NX_F64, NX_SHAPE(3)),
                        nx_from_data(dx, NX_F64, NX_SHAPE(3)), nx_from_data(dy, NX_F64, NX_SHAPE(3)) };
    nxtest_f64_values(nx_jit_call(inner_jvp, NULL, 4, (const nx_tensor *const *)a), r, 3);
    for (int k = 0; k < 3; k++)
        cr_assert_float_eq(r[k], 10 * sin(x[k]) * y[k] + cos(x[k]) * y[k] * dx[k] + sin(x[k]) * dy[k], 1e-12);
    nxtest_f64_values(nx_jit_call(inner_hessian, NULL, 2, (const nx_tensor *const *)a), r, 9);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cr_assert_float_eq(r[i * 3 + j], i == j ? cos(x[i]) : 0, 1e-12);
    nxtest_f64_values(nx_jit_call(inner_jacobian, NULL, 2, (const nx_tensor *const *)a), r, 9);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cr_assert_float_eq(r[i * 3 + j], i == j ? cos(x[i]) * y[i] + sin(x[i]) : 0, 1e-12);
    /* a jit of a function taking a jvp prints and evaluates like any expression */
    nx_tensor *e = nx_jit_trace(inner_jvp, NULL, 4, (const nx_tensor *const *)a);
    cr_assert(nx_is_expr(e));
    nxtest_f64_values(nx_expr_eval(e, 4, (const nx_tensor *const *)a), r, 3);
    cr_assert_float_eq(r[1], 10 * sin(x[1]) * y[1] + cos(x[1]) * y[1] * dx[1] + sin(x[1]) * dy[1], 1e-12);
    nx_scope_end();
}

/* custom_grad: forward mode follows the declared gradient (cos), not the value (exp). */
static int times_cos(const nx_tensor *g, int n, nx_tensor *const *in, nx_tensor **grads, void *ctx)
{
    (void)ctx, (void)n;
    grads[0] = nx_multiply(g, nx_cos(in[0]));
    return 0;
}
static nx_tensor *custom_sin(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_multiply(nx_custom_grad(nx_exp(a[0]), 1, (const nx_tensor *const *)a, times_cos, NULL), NX_F(2));
}
static nx_tensor *sum_custom_sin(nx_tensor *const *a, void *c) { return nx_sum(custom_sin(a, c)); }

Test(jvp, custom_grad)
{
    nx_scope_begin();
    double x[2] = { 0.5, -1 }, v[2] = { 2, 3 }, r[4];
    nx_tensor *t = nx_from_data(x, NX_F64, NX_SHAPE(2)), *dv = nx_from_data(v, NX_F64, NX_SHAPE(2));
    nx_tensor *value, *tangent, *jac[1], *h[1];
    cr_assert_eq(nx_jvp(custom_sin, NULL, &value, &tangent, t, dv), 0, "%s", nx_error_message());
    nxtest_f64_values(value, r, 2);
    cr_assert_float_eq(r[0], 2 * exp(0.5), 1e-12);
    nxtest_f64_values(tangent, r, 2);
    for (int k = 0; k < 2; k++)
        cr_assert_float_eq(r[k], 2 * cos(x[k]) * v[k], 1e-12);
    cr_assert_eq(nx_jacobian(custom_sin, NULL, jac, t), 0, "%s", nx_error_message());
    nxtest_f64_values(jac[0], r, 4);
    cr_assert(r[1] == 0 && r[2] == 0);
    cr_assert_float_eq(r[0], 2 * cos(x[0]), 1e-12);
    cr_assert_float_eq(r[3], 2 * cos(x[1]), 1e-12);
    cr_assert_eq(nx_hessian(sum_custom_sin, NULL, h, t), 0, "%s", nx_error_message());
    nxtest_f64_values(h[0], r, 4);
    cr_assert_float_eq(r[0], -2 * sin(x[0]), 1e-12);
    cr_assert_float_eq(r[3], -2 * sin(x[1]), 1e-12);
    cr_assert(r[1] == 0 && r[2] == 0);
    nx_scope_end();
}

static nx_tensor *square(nx_tensor *const *a, void *c) { (void)c; return nx_multiply(a[0], a[0]); }
static nx_tensor *constant(nx_tensor *const *a, void *c) { (void)a, (void)c; return nx_broadcast(NX_F(7), NX_SHAPE(2)); }

Test(jvp, types_and_constants)
{
    nx_scope_begin();
    nx_tensor *value, *tangent, *jac[1], *h[1];
    nx_tensor *i3 = nx_scalar(NX_INT(3), NX_S32), *f3 = nx_scalar(NX_FLOAT(3), NX_F32);
    cr_assert_eq(nx_jvp(square, NULL, &value, &tangent, i3, nx_scalar(NX_INT(2), NX_S32)), 0, "%s", nx_error_message());
    cr_assert_eq(value->type, NX_S32);
    cr_assert_eq(tangent->type, NX_F32);   /* integers differentiate to f32, as grad */
    cr_assert_float_eq(num(tangent), 12.0, 0);
    cr_assert_eq(nx_jvp(square, NULL, NULL, &tangent, f3, nx_scalar(NX_FLOAT(0.5), NX_F32)), 0);
    cr_assert_eq(tangent->type, NX_F32);
    cr_assert_float_eq(num(tangent), 3.0, 0);
    cr_assert_eq(nx_jacobian(square, NULL, jac, f3), 0);
    cr_assert_eq(jac[0]->type, NX_F32);
    cr_assert_eq(jac[0]->rank, 0);
    cr_assert_float_eq(num(jac[0]), 6.0, 0);
    cr_assert_eq(nx_hessian(square, NULL, h, i3), 0);
    cr_assert_eq(h[0]->type, NX_F32);
    cr_assert_float_eq(num(h[0]), 2.0, 0);
    /* a constant function: zero derivatives of the right shapes */
    nx_tensor *x = nx_from_data(((double[]){ 1, 2, 3 }), NX_F64, NX_SHAPE(3));
    cr_assert_eq(nx_jvp(constant, NULL, NULL, &tangent, x, x), 0, "%s", nx_error_message());
    double r[6];
    nxtest_f64_values(tangent, r, 2);
    cr_assert(r[0] == 0 && r[1] == 0);
    cr_assert_eq(nx_jacobian(constant, NULL, jac, x), 0, "%s", nx_error_message());
    cr_assert(jac[0]->rank == 2 && jac[0]->dims[0] == 2 && jac[0]->dims[1] == 3);
    nxtest_f64_values(jac[0], r, 6);
    for (int k = 0; k < 6; k++)
        cr_assert(r[k] == 0);
    nx_scope_end();
}

static nx_tensor *sin1(nx_tensor *const *a, void *c) { (void)c; return nx_sin(a[0]); }

Test(jvp, errors)
{
    nx_scope_begin();
    nx_tensor *x = nx_from_data(((double[]){ 1, 2, 3 }), NX_F64, NX_SHAPE(3));
    nx_tensor *v = nx_from_data(((double[]){ 1, 2 }), NX_F64, NX_SHAPE(2));
    nx_tensor *value = NULL, *tangent = NULL, *h[1];
    cr_assert_eq(nx_jvp(sin1, NULL, &value, &tangent, x, v), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected the tangent of argument 0 to have the shape of the argument, "
                 "got tangent with shape {2} for argument with shape {3}");
    cr_assert_null(tangent);
    cr_assert_eq(nx_hessian(sin1, NULL, h, x), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "hessian expects a function that returns a scalar, got a tensor with shape {3}");
    cr_assert_eq(nx_jvp(NULL, NULL, &value, &tangent, x, x), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a function to differentiate, got: NULL");
    nx_tensor *vx = nx_vectorize(x, "x");
    cr_assert_eq(nx_jvp(sin1, NULL, &value, &tangent, vx, vx), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "jvp of vectorized tensors is not supported yet");
    nx_tensor *z = nx_as_type(x, NX_C64);
    cr_assert_eq(nx_hessian(sin1, NULL, h, z), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "hessian of complex tensors is not supported yet");
    nx_scope_end();
}

/* ---------------------------------------------------------------- the interpreter */

static const char *const u8_true = "#Nx.Tensor<\n  u8\n  1\n>";

Test(jvp, interpreter)
{
    nxtest_expect_code("x = Nx.tensor([0.5, 1.0, -2.0], type: :f64)\n"
                       "{v, t} = Nx.Defn.jvp(x, Nx.tensor([1.0, 2.0, 0.5], type: :f64), fn x -> Nx.sin(x) end)\n"
                       "Nx.all(Nx.stack([Nx.all_close(v, Nx.sin(x), rtol: 1.0e-12), "
                       "Nx.all_close(t, Nx.multiply(Nx.cos(x), Nx.tensor([1.0, 2.0, 0.5])), rtol: 1.0e-12)]))",
                       u8_true);
    nxtest_expect_code("{_, t} = Nx.Defn.jvp({Nx.tensor(2.0), Nx.tensor(3.0)}, {Nx.tensor(1.0), Nx.tensor(-1.0)}, "
                       "fn {a, b} -> Nx.multiply(Nx.multiply(a, a), b) end)\nt",
                       "#Nx.Tensor<\n  f32\n  8.0\n>");
    nxtest_expect_code("x = Nx.tensor([1.0, 2.0], type: :f64)\n"
                       "Nx.all_close(Nx.Defn.jacobian(x, fn x -> Nx.exp(x) end), Nx.multiply(Nx.eye(2), Nx.exp(x)))",
                       u8_true);
    nxtest_expect_code("{ja, jb} = Nx.Defn.jacobian({Nx.tensor([1.0, 2.0]), Nx.tensor(3.0)}, "
                       "fn {a, b} -> Nx.multiply(a, b) end)\n{Nx.shape(ja), jb}",
                       "{{2, 2},\n #Nx.Tensor<\n   f32[2]\n   [1.0, 2.0]\n >}");
    nxtest_expect_code("{{haa, hab}, {hba, hbb}} = Nx.Defn.hessian({Nx.tensor(1.0), Nx.tensor(2.0)}, "
                       "fn {a, b} -> Nx.multiply(Nx.multiply(a, a), b) end)\nNx.stack([haa, hab, hba, hbb])",
                       "#Nx.Tensor<\n  f32[4]\n  [4.0, 2.0, 2.0, 0.0]\n>");
    nxtest_expect_code("h = Nx.Defn.hessian(%{a: Nx.tensor(1.0), b: Nx.tensor(2.0)}, "
                       "fn %{a: a, b: b} -> Nx.multiply(Nx.multiply(a, a), b) end)\n"
                       "Nx.stack([h.a.a, h.a.b, h.b.a, h.b.b])",
                       "#Nx.Tensor<\n  f32[4]\n  [4.0, 2.0, 2.0, 0.0]\n>");
    nxtest_expect_code("Nx.Defn.hessian(Nx.tensor([1.0, 2.0]), fn x -> Nx.sum(Nx.pow(x, 3)) end)",
                       "#Nx.Tensor<\n  f32[2][2]\n  [\n    [6.0, 0.0],\n    [0.0, 12.0]\n  ]\n>");
    nxtest_expect_code("Nx.Defn.jvp(Nx.tensor([1.0, 2.0]), Nx.tensor([1.0]), fn x -> x end)",
                       "** (ArgumentError) expected the tangent of argument 0 to have the shape of the argument, "
                       "got tangent with shape {1} for argument with shape {2}");
    nxtest_expect_code("Nx.Defn.jvp({Nx.tensor(1.0), Nx.tensor(2.0)}, Nx.tensor(1.0), fn {a, b} -> Nx.add(a, b) end)",
                       "** (ArgumentError) expected tangents with the structure of the arguments (2 tensors), got 1 tensors");
    nxtest_expect_code("Nx.Defn.hessian(Nx.tensor([1.0, 2.0]), fn x -> Nx.sin(x) end)",
                       "** (ArgumentError) hessian expects a function that returns a scalar, got a tensor with shape {2}");
}

/* Every allocation may fail: the call returns -1 with an error (or succeeds) and frees
 * what it took (LeakSanitizer checks the sanitized run). */
static void jvp_jacobian_hessian(nx_tensor *x, nx_tensor *y, int *rc)
{
    nx_tensor *value, *tangent, *j[2], *h[4];
    const nx_tensor *args[2] = { x, y }, *tans[2] = { y, x };
    rc[0] = nx_jvp_n(sin_prod, NULL, 2, args, tans, &value, &tangent);
    rc[1] = nx_jacobian_n(sin_prod, NULL, 2, args, j);
    rc[2] = nx_hessian_n(sum_sin_prod, NULL, 2, args, h);
}

Test(jvp, failed_allocations_are_clean, .timeout = 60)
{
    double v[] = { 0.5, -1, 2 };
    nx_scope_begin();
    nx_tensor *x = nx_from_data(v, NX_F64, NX_SHAPE(3)), *y = nx_from_data(v, NX_F64, NX_SHAPE(3));
    int rc[3];
    nxalloc_fail_at(0, 0);
    jvp_jacobian_hessian(x, y, rc);
    long total = nxalloc_fail_at(0, 0);
    cr_assert(rc[0] == 0 && rc[1] == 0 && rc[2] == 0, "%s", nx_error_message());
    long step = total / nxtest_scaled(300) + 1;
    for (long n = 1; n <= total; n += step) {
        nx_scope_begin();
        nxalloc_fail_at(n, 0);
        jvp_jacobian_hessian(x, y, rc);
        nxalloc_fail_at(0, 0);
        for (int i = 0; i < 3; i++)
            if (rc[i] < 0)
                cr_assert_neq(nx_error(), NX_OK, "n = %ld, call %d: -1 without an error", n, i);
        nx_error_clear();
        nx_scope_end();
    }
    nx_scope_end();
}
