/* tests/test_vectorized_control.c: cond / if with vectorized predicates (spec/defn.md
 * §6.1, the select lowering) and gradients of vectorized outputs (spec/grad.md §9). The
 * oracle is the definition of vectorization: every vectorized entry computed on its own
 * (the entry taken out, a plain cond run on it) must equal that entry of the vectorized
 * result, eager and traced, on random inputs in several types; gradients are checked
 * against central finite differences of each entry in f64. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/tensor.h"
#include "nx.h"
#include "support/nxtest.h"
#include "support/nxtest_entries.h"

/* ---- helpers ---- */

/* ---- a three-way cond over x (vectorized) and y (plain) ----
 *   cond do x > 3 -> x * y; x < 1 -> y - x; true -> x + 1 end                          */

typedef struct {
    nx_tensor *x, *y;
} xy;

static int b_times(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    const xy *a = c;
    return (out[0] = nx_multiply(a->x, a->y)) ? 1 : -1;
}

static int b_minus(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    const xy *a = c;
    return (out[0] = nx_subtract(a->y, a->x)) ? 1 : -1;
}

static int b_plus(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    const xy *a = c;
    return (out[0] = nx_add(a->x, NX_I(1))) ? 1 : -1;
}

static nx_tensor *three_way(nx_tensor *x, nx_tensor *y)
{
    xy a = { x, y };
    nx_clause c[3] = { { nx_greater(x, NX_I(3)), b_times, &a }, { nx_less(x, NX_I(1)), b_minus, &a },
                       { NULL, b_plus, &a } };
    nx_tensor *out[1];
    return nx_cond(3, c, out, 1) == 1 ? out[0] : NULL;
}

static nx_tensor *three_way_fn(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return three_way(a[0], a[1]);
}

/* The vectorized result equals each entry computed alone; eager and jit agree. */
Test(vectorized_control, cond_matches_each_entry)
{
    static const nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_S64, NX_F16 };
    unsigned seed = 7;
    long rounds = nxtest_scaled(4);
    for (long r = 0; r < rounds; r++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            nx_scope_begin();
            nx_type t = types[k];
            nx_tensor *x = nx_vectorize(nxtest_random_ints(&seed, t, NX_SHAPE(5), -1, 6), "x");
            nx_tensor *y = nxtest_random_ints(&seed, t, NX_SHAPE(2), -4, 4);
            nx_tensor *v = three_way(x, y);
            cr_assert_not_null(v, "%s", nx_error_message());
            cr_assert_eq(v->vrank, 1);
            cr_assert_str_eq(v->names[0], "x");
            cr_assert_eq(v->rank, 2);
            cr_assert_eq(v->dims[0], 5);
            cr_assert_eq(v->dims[1], 2);
            nx_tensor *j = nx_jit_apply(three_way_fn, NULL, x, y);
            cr_assert_not_null(j, "%s", nx_error_message());
            nxtest_assert_same(j, v, 0);
            for (int i = 0; i < 5; i++) {
                nx_tensor *e = three_way(nxtest_entry(x, i), y);
                cr_assert_not_null(e, "%s", nx_error_message());
                /* Each entry alone runs one branch, unmerged; compare values in the merged type. */
                nxtest_assert_same(nxtest_entry(v, i), nx_as_type(nx_broadcast(e, NX_SHAPE(2)), v->type), 0);
            }
            nx_scope_end();
        }
}

/* Two vectorized predicates over different axes: the result carries both. */
static int b_x(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    out[0] = ((nx_tensor *const *)c)[0];
    return 1;
}

static int b_y(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    out[0] = ((nx_tensor *const *)c)[1];
    return 1;
}

static int b_zero(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    (void)c;
    return (out[0] = NX_F(0.5)) ? 1 : -1;
}

Test(vectorized_control, two_vectorized_predicates)
{
    nx_scope_begin();
    unsigned seed = 11;
    nx_tensor *a = nx_vectorize(nxtest_random_ints(&seed, NX_F32, NX_SHAPE(3), -2, 2), "a");
    nx_tensor *b = nx_vectorize(nxtest_random_ints(&seed, NX_F32, NX_SHAPE(4), -2, 2), "b");
    nx_tensor *ab[2] = { a, b };
    nx_clause c[3] = { { nx_greater(a, NX_I(0)), b_x, ab }, { nx_greater(b, NX_I(0)), b_y, ab },
                       { NULL, b_zero, ab } };
    nx_tensor *out[1];
    cr_assert_eq(nx_cond(3, c, out, 1), 1, "%s", nx_error_message());
    nx_tensor *v = out[0];
    cr_assert_eq(v->vrank, 2);
    double va[3], vb[4], vv[12];
    nxtest_values(a, va);
    nxtest_values(b, vb);
    nxtest_values(v, vv);
    /* The axes come in the order the predicates' alignment gives them. */
    bool a_first = !strcmp(v->names[0], "a");
    cr_assert(a_first || !strcmp(v->names[0], "b"));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) {
            double want = va[i] > 0 ? va[i] : vb[j] > 0 ? vb[j] : 0.5;
            double got = a_first ? vv[i * 4 + j] : vv[j * 3 + i];
            cr_assert_float_eq(got, want, 1e-6, "entry (%d, %d)", i, j);
        }
    nx_scope_end();
}

/* ---- nx_if with a vectorized predicate, traced: the select lowering of §6.1 ---- */

static nx_tensor *then_mul(void *c)
{
    nx_tensor *const *a = c;
    return nx_multiply(a[0], a[1]);
}

static nx_tensor *else_sub(void *c)
{
    nx_tensor *const *a = c;
    return nx_subtract(a[1], NX_I(1));
}

static nx_tensor *if_fn(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(nx_greater(a[0], NX_I(0)), then_mul, else_sub, (void *)a);
}

Test(vectorized_control, lowering_printout)
{
    nx_scope_begin();
    nx_tensor *x = nx_vectorize(nx_template(NX_SHAPE(3), NX_S32), "x");
    nx_tensor *e = nx_jit(if_fn, NULL, x, nx_template(NX_SHAPE(2), NX_F32));
    cr_assert_not_null(e, "%s", nx_error_message());
    char *s = nx_inspect(e);
    cr_assert_not_null(s);
    /* The frame is vectorized; the body: any -> cond (then), all -> cond (else), select. */
    cr_assert(!strncmp(s, "#Nx.Tensor<\n  vectorized[x: 3]\n  f32[2]\n  \n  Nx.Defn.Expr\n", 58), "%s", s);
    const char *order[] = { "= any ", "= cond ", "= all ", "= cond ", "= select " };
    const char *p = s;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        p = strstr(p, order[i]);
        cr_assert_not_null(p, "missing %s in\n%s", order[i], s);
        p++;
    }
    cr_assert(strstr(s, "-> 0.0") || strstr(s, "true -> 0.0"), "zeros branch in\n%s", s);
    nx_free(s);
    nx_scope_end();
}

/* ---- gradients (spec/grad.md §9) ---- */

/* sum(cond do x > 2 -> x * y * y; true -> sin(y) + x end) */
static int g_then(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    return (out[0] = nx_multiply(nx_multiply(a[0], a[1]), a[1])) ? 1 : -1;
}

static int g_else(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    return (out[0] = nx_add(nx_sin(a[1]), a[0])) ? 1 : -1;
}

static nx_tensor *loss(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_tensor *xy2[2] = { a[0], a[1] };
    nx_clause c[2] = { { nx_greater(a[0], NX_I(2)), g_then, xy2 }, { NULL, g_else, xy2 } };
    nx_tensor *out[1];
    return nx_cond(2, c, out, 1) == 1 ? nx_sum(out[0]) : NULL;
}

/* Swapped arguments, to differentiate with respect to x. */
static nx_tensor *loss_yx(nx_tensor *const *a, void *ctx)
{
    nx_tensor *b[2] = { a[1], a[0] };
    return loss(b, ctx);
}

static double loss_at(double x, const double *y, int n)
{
    nx_tensor *a[2] = { nx_scalar(NX_FLOAT(x), NX_F64), nx_from_data(y, NX_F64, NX_SHAPE(n)) };
    return nxtest_f64_of(loss(a, NULL));
}

Test(vectorized_control, grad_through_vectorized_cond)
{
    unsigned seed = 3;
    long rounds = nxtest_scaled(3);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        double xs[4], ys[3];
        nxtest_rnd_fill(&seed, xs, 4, 0.05, 4);   /* both branches; away from the switch at 2 */
        nxtest_rnd_fill(&seed, ys, 3, -1, 2);
        nx_tensor *x = nx_vectorize(nx_from_data(xs, NX_F64, NX_SHAPE(4)), "x");
        nx_tensor *y = nx_from_data(ys, NX_F64, NX_SHAPE(3));
        nx_tensor *g[2];
        cr_assert_eq(nx_grad(loss, NULL, g, x, y), 0, "%s", nx_error_message());
        /* y is plain but the output is vectorized: one gradient of y's shape per entry. */
        cr_assert_eq(g[1]->vrank, 1);
        cr_assert_str_eq(g[1]->names[0], "x");
        cr_assert_eq(g[1]->rank, 2);
        cr_assert_eq(g[0]->vrank, 1);
        nx_tensor *gy[2];
        cr_assert_eq(nx_grad(loss_yx, NULL, gy, y, x), 0, "%s", nx_error_message());
        nxtest_assert_same(gy[1], g[0], 1e-12);
        double dy[12], dx[4];
        nxtest_values(g[1], dy);
        nxtest_values(g[0], dx);
        const double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                double yp[3], ym[3];
                memcpy(yp, ys, sizeof ys);
                memcpy(ym, ys, sizeof ys);
                yp[j] += h;
                ym[j] -= h;
                double fd = (loss_at(xs[i], yp, 3) - loss_at(xs[i], ym, 3)) / (2 * h);
                cr_assert_float_eq(dy[i * 3 + j], fd, 1e-6, "dy entry %d, %d: %g against %g", i, j, dy[i * 3 + j], fd);
            }
            double fd = (loss_at(xs[i] + h, ys, 3) - loss_at(xs[i] - h, ys, 3)) / (2 * h);
            cr_assert_float_eq(dx[i], fd, 1e-6, "dx entry %d: %g against %g", i, dx[i], fd);
        }
        nx_scope_end();
    }
}

/* Nx's example: grad(y = 1, fn y -> x + y end), x = [[1, 2, 3], [4, 5, 6]] vectorized. */
static nx_tensor *add_captured(nx_tensor *const *a, void *ctx)
{
    return nx_add((nx_tensor *)ctx, a[0]);
}

Test(vectorized_control, grad_per_entry_example)
{
    nx_scope_begin();
    nx_tensor *x = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "x");
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(add_captured, x, g, NX_I(1)), 0, "%s", nx_error_message());
    NXTEST_PRINTS(g[0], "#Nx.Tensor<\n  vectorized[x: 2]\n  f32\n  [3.0, 3.0]\n>");
    nx_scope_end();
}

/* ---- errors ---- */

static int one(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    (void)c;
    return (out[0] = NX_I(1)) ? 1 : -1;
}

static nx_tensor *state_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_I(3));
}

static int state_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    return (next[0] = nx_add(s[0], NX_I(1))) ? 0 : -1;
}

Test(vectorized_control, errors)
{
    nx_scope_begin();
    nx_tensor *p = nx_vectorize(nx_iota(NX_SHAPE(2, 2), .type = NX_U8), "x");
    nx_clause c[2] = { { p, one, NULL }, { NULL, one, NULL } };
    nx_tensor *out[1];
    cr_assert_eq(nx_cond(2, c, out, 1), -1);
    cr_assert_eq(nx_error(), NX_COMPILE_ERROR);
    cr_assert(!strncmp(nx_error_message(), "condition must be a scalar tensor, got: #Nx.Tensor<\n  vectorized[x: 2]", 70),
              "%s", nx_error_message());
    nx_error_clear();
    /* A vectorized while condition is lowered (spec/defn.md §6.2; tests/test_vectorized_while.c):
     * each entry counts up to 3 on its own. */
    nx_tensor *init = nx_vectorize(nx_iota(NX_SHAPE(2)), "x");
    nx_tensor *res[1];
    cr_assert_eq(nx_while(1, (const nx_tensor *const *)&init, state_cond, state_body, NULL, res), 0, "%s",
                 nx_error_message());
    NXTEST_PRINTS(res[0], "#Nx.Tensor<\n  vectorized[x: 2]\n  s32\n  [3, 3]\n>");
    nx_scope_end();
}

/* ---- the interpreter: defn's cond over a vectorized predicate, after a plain one ---- */

Test(vectorized_control, interpreter_defn_cond)
{
    const char *mod = "defmodule VC do\n  import Nx.Defn\n"
                      "  defn h(x, s) do\n    cond do\n      s > 5 -> x * 0\n      x > 2 -> x * 10\n"
                      "      true -> -x\n    end\n  end\nend\n";
    char code[512];
    snprintf(code, sizeof code, "%sVC.h(Nx.vectorize(Nx.tensor([1, 3, 4]), :x), 1)", mod);
    nxtest_expect_code(code, "#Nx.Tensor<\n  vectorized[x: 3]\n  s32\n  [-1, 30, 40]\n>");
    snprintf(code, sizeof code, "%sVC.h(Nx.vectorize(Nx.tensor([1, 3, 4]), :x), 7)", mod);
    nxtest_expect_code(code, "#Nx.Tensor<\n  vectorized[x: 3]\n  s32\n  [0, 0, 0]\n>");
}
