/* tests/test_grad.c: reverse-mode autodiff (spec/grad.md). Every primitive of the op table
 * (src/ops.def) is either checked against central finite differences in f64 on random
 * inputs over three shapes (broadcasting included), or is in grad_rules.c's table as
 * zero-gradient, refused by Nx, or not covered yet. Also value_and_grad against the eager
 * value, grad inside a trace, stop_grad, unconnected variables, types and errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/op.h"
#include "defn/grad.h"
#include "nx.h"
#include "support/nxtest.h"

/* ---------------------------------------------------------------- finite differences */

typedef struct {
    const char *op;      /* the primitive of ops.def this case checks */
    nx_defn_fn *fn;
    int nargs;
    double lo, hi;       /* inputs drawn uniformly from [lo, hi] */
    const char *shapes[3];   /* per shape set: "2x3,3" (args by ',', dims by 'x', "s" scalar) */
} gcase;

static unsigned rng = 12345;
static double uniform(double lo, double hi)
{
    rng = rng * 1103515245u + 12345u;
    return lo + (hi - lo) * ((rng >> 8) & 0xFFFFFF) / (double)0xFFFFFF;
}

static int parse_shapes(const char *s, nx_shape *out)
{
    int n = 0;
    while (*s) {
        nx_shape sh = { 0 };
        if (*s == 's')
            s++;
        else
            while (*s && *s != ',') {
                sh.dims[sh.rank++] = strtol(s, (char **)&s, 10);
                if (*s == 'x')
                    s++;
            }
        out[n++] = sh;
        if (*s == ',')
            s++;
    }
    return n;
}

static double scalar_of(nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    nx_tensor *s = nx_sum(nx_real(t));
    cr_assert_eq(nx_to_number(s, &v), 0, "%s", nx_error_message());
    return v.kind == NX_NUM_FLOAT ? v.f : v.kind == NX_NUM_INT ? (double)v.i : (double)v.u;
}

static double eager(const gcase *c, nx_tensor **args)
{
    nx_scope_begin();
    double r = scalar_of(c->fn(args, NULL));
    nx_scope_end();
    return r;
}

static void check_case(const gcase *c)
{
    for (int set = 0; set < 3; set++) {
        nx_scope_begin();
        nx_shape sh[4];
        int n = parse_shapes(c->shapes[set], sh);
        cr_assert_eq(n, c->nargs, "%s: shape set %d", c->op, set);
        double *data[4];
        nx_tensor *args[4], *grads[4];
        for (int i = 0; i < n; i++) {
            int64_t size = 1;
            for (int k = 0; k < sh[i].rank; k++)
                size *= sh[i].dims[k];
            data[i] = malloc((size_t)(size ? size : 1) * sizeof(double));
            for (int64_t k = 0; k < size; k++)
                data[i][k] = uniform(c->lo, c->hi);
            args[i] = nx_from_data(data[i], NX_F64, sh[i]);
        }
        int rc = nx_grad_n(c->fn, NULL, n, (const nx_tensor *const *)args, grads);
        cr_assert_eq(rc, 0, "%s: grad failed: %s", c->op, nx_error_message());
        for (int i = 0; i < n; i++) {
            int64_t size = args[i]->size;
            cr_assert_eq(grads[i]->size, size, "%s: gradient %d has %lld elements", c->op, i, (long long)grads[i]->size);
            double *gv = malloc((size_t)(size ? size : 1) * sizeof(double));
            nx_tensor *g64 = nx_as_type(nx_real(grads[i]), NX_F64);
            nx_to_binary(g64, gv, size * 8);
            for (int64_t k = 0; k < size; k++) {
                double save = data[i][k], h = 1e-5 * fmax(1.0, fabs(save));
                nx_tensor *pa[4];
                memcpy(pa, args, sizeof pa);
                nx_scope_begin();
                data[i][k] = save + h;
                pa[i] = nx_from_data(data[i], NX_F64, sh[i]);
                double fp = eager(c, pa);
                data[i][k] = save - h;
                pa[i] = nx_from_data(data[i], NX_F64, sh[i]);
                double fm = eager(c, pa);
                data[i][k] = save;
                nx_scope_end();
                double fd = (fp - fm) / (2 * h);
                cr_assert(fabs(gv[k] - fd) <= 1e-6 * fmax(1.0, fabs(fd)),
                          "%s, shapes %s, argument %d, element %lld: grad %.12g, finite differences %.12g", c->op,
                          c->shapes[set], i, (long long)k, gv[k], fd);
            }
            free(gv);
        }
        for (int i = 0; i < n; i++)
            free(data[i]);
        nx_scope_end();
    }
}

/* ---------------------------------------------------------------- the functions */

#define UNARY(name, call) \
    static nx_tensor *f_##name(nx_tensor *const *a, void *c) { (void)c; return call; }
UNARY(exp, nx_exp(a[0]))
UNARY(expm1, nx_expm1(a[0]))
UNARY(log, nx_log(a[0]))
UNARY(log1p, nx_log1p(a[0]))
UNARY(sigmoid, nx_sigmoid(a[0]))
UNARY(cos, nx_cos(a[0]))
UNARY(sin, nx_sin(a[0]))
UNARY(tan, nx_tan(a[0]))
UNARY(cosh, nx_cosh(a[0]))
UNARY(sinh, nx_sinh(a[0]))
UNARY(tanh, nx_tanh(a[0]))
UNARY(acos, nx_acos(a[0]))
UNARY(asin, nx_asin(a[0]))
UNARY(atan, nx_atan(a[0]))
UNARY(acosh, nx_acosh(a[0]))
UNARY(asinh, nx_asinh(a[0]))
UNARY(atanh, nx_atanh(a[0]))
UNARY(sqrt, nx_sqrt(a[0]))
UNARY(rsqrt, nx_rsqrt(a[0]))
UNARY(cbrt, nx_cbrt(a[0]))
UNARY(erf, nx_erf(a[0]))
UNARY(erfc, nx_erfc(a[0]))
UNARY(erf_inv, nx_erf_inv(a[0]))
UNARY(negate, nx_negate(a[0]))
UNARY(abs, nx_abs(a[0]))
UNARY(real, nx_real(a[0]))
UNARY(imag, nx_add(nx_imag(a[0]), nx_sin(a[0])))
UNARY(conjugate, nx_real(nx_multiply(nx_conjugate(a[0]), nx_sin(a[0]))))
UNARY(as_type, nx_real(nx_multiply(nx_as_type(a[0], NX_C128), nx_sin(a[0]))))
UNARY(add, nx_add(a[0], a[1]))
UNARY(subtract, nx_subtract(a[0], a[1]))
UNARY(multiply, nx_multiply(a[0], a[1]))
UNARY(divide, nx_divide(a[0], a[1]))
UNARY(pow, nx_pow(a[0], a[1]))
UNARY(remainder, nx_remainder(a[0], a[1]))
UNARY(atan2, nx_atan2(a[0], a[1]))
UNARY(min, nx_min(a[0], a[1]))
UNARY(max, nx_max(a[0], a[1]))
UNARY(sum, nx_sin(nx_sum(a[0], .axes = NX_AXES(-1))))
UNARY(product, nx_sin(nx_product(a[0], .axes = NX_AXES(0), .keep_axes = true)))
UNARY(reduce_max, nx_sin(nx_reduce_max(a[0], .axes = NX_AXES(-1))))
UNARY(reduce_min, nx_sin(nx_reduce_min(a[0])))
UNARY(broadcast, nx_sin(nx_multiply(nx_broadcast(a[0], NX_SHAPE(2, 2, 3)), a[1])))
UNARY(transpose, nx_sin(nx_multiply(nx_transpose(a[0]), a[1])))
UNARY(reverse, nx_sin(nx_multiply(nx_reverse(a[0]), a[1])))
UNARY(pad, nx_sin(nx_pad(a[0], a[1], NX_PADDING({ 1, -1, 1 }, { 2, 0, 0 }))))
UNARY(concatenate, nx_sin(nx_concatenate(NX_TENSORS(a[0], a[1], a[0]), .axis = NX_AXIS(-1))))
UNARY(stack, nx_sin(nx_stack(NX_TENSORS(a[0], nx_exp(a[1])), .axis = 1)))
UNARY(slice, nx_sin(nx_slice(nx_sin(a[0]), NX_STARTS(1, 0), NX_INTS(2, 2), .strides = NX_INTS(2, 1))))
UNARY(put_slice, nx_sin(nx_put_slice(a[0], NX_STARTS(1, 1), nx_exp(a[1]))))
UNARY(select, nx_sin(nx_select(nx_greater(nx_sin(nx_multiply(a[0], NX_F(7))), NX_F(0)), nx_exp(a[0]), nx_cos(a[1]))))
UNARY(clip, nx_sin(nx_clip(a[0], nx_subtract(nx_multiply(a[1], NX_F(0.3)), NX_F(1.5)), nx_add(nx_multiply(a[2], NX_F(0.3)), NX_F(1.5)))))
UNARY(dot, nx_sin(nx_dot(a[0], a[1])))
UNARY(cumulative_sum, nx_sin(nx_cumulative_sum(a[0], .axis = NX_AXIS(-1))))

static nx_tensor *f_dot_general(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_sin(nx_dot_general(a[0], a[1], .contract_a = NX_AXES(1, 2), .batch_a = NX_AXES(0),
                                 .contract_b = NX_AXES(3, 1), .batch_b = NX_AXES(0)));
}

#define U3(name, lo, hi) { #name, f_##name, 1, lo, hi, { "2x3", "4", "2x1x2" } }
#define B3(name, lo, hi) { #name, f_##name, 2, lo, hi, { "2x3,2x3", "2x3,3", "2x1,1x3" } }

static const gcase cases[] = {
    U3(exp, -2, 2), U3(expm1, -2, 2), U3(log, 0.2, 3), U3(log1p, -0.5, 3), U3(sigmoid, -3, 3),
    U3(cos, -3, 3), U3(sin, -3, 3), U3(tan, -1.2, 1.2), U3(cosh, -2, 2), U3(sinh, -2, 2), U3(tanh, -2, 2),
    U3(acos, -0.8, 0.8), U3(asin, -0.8, 0.8), U3(atan, -3, 3), U3(acosh, 1.2, 4), U3(asinh, -3, 3),
    U3(atanh, -0.8, 0.8), U3(sqrt, 0.2, 4), U3(rsqrt, 0.2, 4), U3(cbrt, 0.2, 4), U3(erf, -2, 2),
    U3(erfc, -2, 2), U3(erf_inv, -0.8, 0.8), U3(negate, -3, 3), U3(abs, 0.1, 3), U3(real, -3, 3),
    U3(imag, -3, 3), U3(conjugate, -3, 3), U3(as_type, -3, 3),
    B3(add, -3, 3), B3(subtract, -3, 3), B3(multiply, -3, 3), B3(divide, 0.5, 3), B3(pow, 0.5, 2),
    B3(remainder, 0.6, 3.3), B3(atan2, 0.2, 3), B3(min, -3, 3), B3(max, -3, 3),
    { "sum", f_sum, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "product", f_product, 1, -2, 2, { "2x3", "4", "3x1x2" } },
    { "reduce_max", f_reduce_max, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "reduce_min", f_reduce_min, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "broadcast", f_broadcast, 2, -3, 3, { "3,2x2x3", "2x1x3,2x2x3", "s,2x2x3" } },
    { "transpose", f_transpose, 2, -3, 3, { "2x3,3x2", "4,4", "2x1x3,3x1x2" } },
    { "reverse", f_reverse, 2, -3, 3, { "2x3,2x3", "4,4", "2x1x3,2x1x3" } },
    { "pad", f_pad, 2, -3, 3, { "2x3,s", "3x1,s", "4x2,s" } },
    { "concatenate", f_concatenate, 2, -3, 3, { "2x3,2x1", "4,2", "2x1x2,2x1x3" } },
    { "stack", f_stack, 2, -3, 3, { "2x3,2x3", "4,4", "2x1x2,2x1x2" } },
    { "slice", f_slice, 1, -3, 3, { "3x2", "4x3", "5x2" } },
    { "put_slice", f_put_slice, 2, -3, 3, { "3x3,1x2", "4x3,2x2", "3x4,2x1" } },
    { "select", f_select, 2, -3, 3, { "2x3,2x3", "2x3,3", "4,s" } },
    { "clip", f_clip, 3, -3, 3, { "2x3,s,s", "4,s,s", "2x1x2,s,s" } },
    { "dot", f_dot, 2, -3, 3, { "2x3,3x4", "3,3", "2x3,3" } },
    { "dot", f_dot_general, 2, -3, 3, { "2x3x2,2x2x4x3", "1x2x1,1x1x3x2", "3x1x2,3x2x2x1" } },
    { "cumulative_sum", f_cumulative_sum, 1, -3, 3, { "2x3", "4", "2x1x2" } },
};

static const gcase *find_case(const char *op)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!strcmp(cases[i].op, op))
            return &cases[i];
    return NULL;
}

/* Every primitive: checked by finite differences, or listed in grad_rules.c's table as
 * zero-gradient, refused, or not covered yet (never silently absent). */
Test(grad, every_primitive_checked_or_listed, .timeout = 60)
{
    int checked = 0, listed = 0;
    for (int op = 0; op < NX_OP_COUNT; op++) {
        const char *name = nxop_table[op].name;
        nxgrad_rule *rule = NULL;
        nxgrad_status s = nxgrad_status_of(name, &rule);
        if (s == NXGRAD_RULE) {
            cr_assert_not_null(rule, "%s has no rule", name);
            cr_assert_not_null(find_case(name), "%s has a rule but no finite-difference case", name);
            for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
                if (!strcmp(cases[i].op, name))
                    check_case(&cases[i]);
            checked++;
        } else {
            cr_assert_null(find_case(name), "%s has a case but no rule", name);
            listed++;
        }
    }
    cr_assert_gt(checked, 50);
    cr_assert_eq(checked + listed, NX_OP_COUNT);
}
