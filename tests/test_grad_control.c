/* tests/test_grad_control.c: reverse mode through cond and while (spec/grad.md §6), tuple
 * elements, and the constant output (§1.2): the examples of §6.2 and §6.3 exactly, and
 * every construct against central finite differences in f64 on random inputs over three
 * shape sets (broadcasting included). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/tensor.h"
#include "nx.h"
#include "support/nxtest.h"
#include "support/nxtest_grad.h"

/* ---------------------------------------------------------------- finite differences */

typedef nxtest_grad_case gcase;

static unsigned rng = 4242;
static double uniform(double lo, double hi)
{
    return nxtest_uniform(&rng, lo, hi);
}

static double total(nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_number(nx_sum(nx_as_type(t, NX_F64)), &v), 0, "%s", nx_error_message());
    return v.f;
}

/* The function's value through jit: traced semantics (a cond's leaves broadcast to the
 * merged shape, which the eager nx_cond does not do). */
static double eager(const nxtest_grad_case *c, nx_tensor **args)
{
    nx_scope_begin();
    double r = total(nx_jit_call(c->fn, NULL, c->nargs, (const nx_tensor *const *)args));
    nx_scope_end();
    return r;
}

static void check_case(const gcase *c)
{
    nxtest_check_grad(c, eager, &rng);
}

/* ---------------------------------------------------------------- cond: spec §6.3 examples */

static nx_tensor *sq(void *c) { nx_tensor *t = c; return nx_multiply(t, t); }
static nx_tensor *cube(void *c) { nx_tensor *t = c; return nx_multiply(nx_multiply(t, t), t); }

/* if t + 1, do: t^2, else: t^3 */
static nx_tensor *if_plus_one(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_if(nx_add(a[0], NX_I(1)), sq, cube, a[0]);
}

/* sum(if all(t), do: t^2, else: t^3) */
static nx_tensor *if_all(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_sum(nx_if(nx_all(a[0]), sq, cube, a[0]));
}

Test(grad_control, cond_spec_examples)
{
    nx_scope_begin();
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(if_plus_one, NULL, g, nx_scalar(NX_FLOAT(1), NX_F32)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert_eq(nxtest_number(g[0]), 2.0);
    cr_assert_eq(nx_grad(if_plus_one, NULL, g, nx_scalar(NX_FLOAT(-1), NX_F32)), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), 3.0);
    cr_assert_eq(nx_grad(if_all, NULL, g, nx_from_data(((float[]){ -1, 0, 1 }), NX_F32, NX_SHAPE(3))), 0, "%s",
                 nx_error_message());
    double v[3];
    nxtest_f64_values(g[0], v, 3);
    cr_assert(v[0] == 3 && v[1] == 0 && v[2] == 3, "[%g, %g, %g]", v[0], v[1], v[2]);
    cr_assert_eq(nx_grad(if_all, NULL, g, nx_from_data(((float[]){ -1, 2, 1 }), NX_F32, NX_SHAPE(3))), 0, "%s",
                 nx_error_message());
    nxtest_f64_values(g[0], v, 3);
    cr_assert(v[0] == -2 && v[1] == 4 && v[2] == 2, "[%g, %g, %g]", v[0], v[1], v[2]);
    nx_scope_end();
}

/* ---------------------------------------------------------------- cond: clauses, tuples, outer values */

typedef struct {
    nx_tensor *x, *y, *u;
} xyu;

static int br_first(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    xyu *v = c;
    out[0] = nx_sin(v->u);
    out[1] = v->y;
    return 2;
}

static int br_second(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    xyu *v = c;
    out[0] = nx_multiply(v->x, v->x);
    out[1] = nx_exp(nx_multiply(v->u, NX_F(0.3)));
    return 2;
}

static int br_last(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    xyu *v = c;
    out[0] = v->u;
    out[1] = NX_F(2.5);   /* a constant leaf (broadcast by the merge) */
    return 2;
}

/* u = x * y outside; {a, b} = cond(sum(x) > t1 -> {sin u, y}, sum(y) > t2 -> {x x, exp(0.3 u)},
 * true -> {u, 2.5}); sum(a * b) + sum(u) (u also used outside). */
static nx_tensor *three_clauses(nx_tensor *const *a, double t1, double t2)
{
    xyu v = { a[0], a[1], nx_multiply(a[0], a[1]) };
    nx_clause c[3] = { { nx_greater(nx_sum(a[0]), NX_F(t1)), br_first, &v },
                       { nx_greater(nx_sum(a[1]), NX_F(t2)), br_second, &v },
                       { NULL, br_last, &v } };
    nx_tensor *out[2];
    if (nx_cond(3, c, out, 2) != 2)
        return NULL;
    return nx_add(nx_sum(nx_multiply(out[0], out[1])), nx_sum(v.u));
}

static nx_tensor *cond_take0(nx_tensor *const *a, void *c) { (void)c; return three_clauses(a, -1e9, 0); }
static nx_tensor *cond_take1(nx_tensor *const *a, void *c) { (void)c; return three_clauses(a, 1e9, -1e9); }
static nx_tensor *cond_take2(nx_tensor *const *a, void *c) { (void)c; return three_clauses(a, 1e9, 1e9); }
static nx_tensor *cond_random(nx_tensor *const *a, void *c) { (void)c; return three_clauses(a, 0, 0); }

/* The output is one tuple element (elem 1), not summed by the function. */
static nx_tensor *cond_elem(nx_tensor *const *a, void *c)
{
    (void)c;
    xyu v = { a[0], a[1], nx_multiply(a[0], a[1]) };
    nx_clause cl[2] = { { nx_less(nx_sum(a[0]), NX_F(0)), br_second, &v }, { NULL, br_first, &v } };
    nx_tensor *out[2];
    return nx_cond(2, cl, out, 2) == 2 ? out[1] : NULL;
}

/* A cond inside a branch of a cond. */
static nx_tensor *inner_then(void *c) { return nx_tanh(nx_multiply(c, NX_F(2))); }
static nx_tensor *inner_else(void *c) { return nx_cos(c); }
static int br_nested(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    xyu *v = c;
    out[0] = nx_multiply(nx_if(nx_greater(nx_sum(v->y), NX_F(0)), inner_then, inner_else, v->u), v->x);
    return 1;
}
static int br_plain(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    xyu *v = c;
    out[0] = nx_sinh(v->x);
    return 1;
}
static nx_tensor *cond_nested(nx_tensor *const *a, void *c)
{
    (void)c;
    xyu v = { a[0], a[1], nx_multiply(a[0], a[1]) };
    nx_clause cl[2] = { { nx_greater(nx_sum(a[0]), NX_F(-0.5)), br_nested, &v }, { NULL, br_plain, &v } };
    nx_tensor *out[1];
    return nx_cond(2, cl, out, 1) == 1 ? out[0] : NULL;
}

static const gcase cond_cases[] = {
    { "cond_take0", cond_take0, 2, -1, 1, { "2x3,2x3", "2x3,3", "s,4" } },
    { "cond_take1", cond_take1, 2, -1, 1, { "2x3,2x3", "2x3,3", "s,4" } },
    { "cond_take2", cond_take2, 2, -1, 1, { "2x3,2x3", "2x3,3", "s,4" } },
    { "cond_random", cond_random, 2, -1, 1, { "2x3,2x3", "2x1,1x3", "4,s" } },
    { "cond_elem", cond_elem, 2, -1, 1, { "2x3,2x3", "2x3,3", "s,4" } },
    { "cond_nested", cond_nested, 2, -1, 1, { "2x3,2x3", "3,2x3", "s,4" } },
};

Test(grad_control, cond_against_finite_differences, .timeout = 60)
{
    for (size_t i = 0; i < sizeof cond_cases / sizeof *cond_cases; i++)
        check_case(&cond_cases[i]);
}

/* ---------------------------------------------------------------- while: spec §6.2 examples */

typedef struct {
    int times;
    double shift;    /* acc *= (x - shift) */
    int add;         /* acc += x instead */
} rep;

static nx_tensor *rep_cond(nx_tensor *const *s, void *c)
{
    const rep *r = c;
    return nx_less(s[1], NX_I(r->times));
}

static int rep_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    const rep *r = c;
    next[0] = r->add ? nx_add(s[0], s[2]) : nx_multiply(s[0], nx_subtract(s[2], NX_F(r->shift)));
    next[1] = nx_add(s[1], NX_I(1));
    next[2] = s[2];
    return 0;
}

/* {acc, i, x} = {1 (0 for +=), 0, x}; while i < times: acc op= x */
static nx_tensor *repeat(nx_tensor *const *a, void *c)
{
    const rep *r = c;
    nx_tensor *out[3];
    const nx_tensor *init[3] = { nx_add(nx_multiply(a[0], NX_F(0)), NX_F(r->add ? 0 : 1)), nx_scalar(NX_INT(0), NX_S32), a[0] };
    return nx_while(3, init, rep_cond, rep_body, c, out) == 0 ? out[0] : NULL;
}

static nx_tensor *sq_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_F(100));
}

static int sq_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_multiply(s[0], s[0]);
    return 0;
}

/* while t < 100: t = t * t */
static nx_tensor *square_loop(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *out[1];
    return nx_while(1, (const nx_tensor *const *)a, sq_cond, sq_body, NULL, out) == 0 ? nx_multiply(out[0], NX_F(3)) : NULL;
}

Test(grad_control, while_spec_examples)
{
    nx_scope_begin();
    nx_tensor *g[1], *half = nx_scalar(NX_FLOAT(0.5), NX_F32);
    rep twice = { 2, 0, 0 }, thrice = { 3, 0, 0 }, shifted = { 2, 2, 0 }, added = { 3, 0, 1 };
    cr_assert_eq(nx_grad(repeat, &twice, g, half), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), 1.0);
    cr_assert_eq(nx_grad(repeat, &thrice, g, half), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), 0.75);
    cr_assert_eq(nx_grad(repeat, &shifted, g, half), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), -3.0);
    cr_assert_eq(nx_grad(repeat, &added, g, half), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), 3.0);
    /* 2 -> 4 -> 16 -> 256: t^8, derivative 8 t^7 = 1024 (times 3) */
    cr_assert_eq(nx_grad(square_loop, NULL, g, nx_scalar(NX_FLOAT(2), NX_F32)), 0, "%s", nx_error_message());
    cr_assert_eq(nxtest_number(g[0]), 3 * 1024.0);
    /* no iteration: the gradient passes through */
    cr_assert_eq(nx_grad(square_loop, NULL, g, nx_scalar(NX_FLOAT(200), NX_F64)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F64);
    cr_assert_eq(nxtest_number(g[0]), 3.0);
    nx_scope_end();
}

/* ---------------------------------------------------------------- while: finite differences */

static nx_tensor *mix_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[2], NX_I(3));
}

/* a state-dependent Jacobian in every leaf: {a, b, i} -> {sin(a) b + 0.1 a^2, cos(b) + a, i + 1} */
static int mix_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(nx_multiply(nx_sin(s[0]), s[1]), nx_multiply(nx_multiply(s[0], s[0]), NX_F(0.1)));
    next[1] = nx_add(nx_cos(s[1]), s[0]);
    next[2] = nx_add(s[2], NX_I(1));
    return 0;
}

/* {a, b} broadcast to one shape first; the output mixes both final leaves. */
static nx_tensor *while_mix(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *x = nx_add(a[0], nx_multiply(a[1], NX_F(0)));
    nx_tensor *y = nx_add(a[1], nx_multiply(a[0], NX_F(0)));
    nx_tensor *out[3];
    const nx_tensor *init[3] = { nx_multiply(x, NX_F(0.5)), y, nx_scalar(NX_INT(0), NX_S32) };
    if (nx_while(3, init, mix_cond, mix_body, NULL, out) < 0)
        return NULL;
    return nx_add(nx_sum(nx_multiply(out[0], out[0])), nx_sum(nx_sin(out[1])));
}

/* A data-dependent count: halve s while sum(s^2) > 1 (the count is piecewise constant). */
static nx_tensor *halve_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_greater(nx_sum(nx_multiply(s[0], s[0])), NX_F(1));
}
static int halve_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_multiply(nx_tanh(s[0]), NX_F(0.9));
    return 0;
}
static nx_tensor *while_halve(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *out[1];
    const nx_tensor *init[1] = { nx_multiply(a[0], NX_F(3)) };
    return nx_while(1, init, halve_cond, halve_body, NULL, out) == 0 ? nx_exp(out[0]) : NULL;
}

/* A cond inside the while body. */
static nx_tensor *pos_branch(void *c) { return nx_multiply(nx_sin(c), NX_F(1.5)); }
static nx_tensor *neg_branch(void *c) { return nx_add(nx_multiply(c, c), NX_F(-0.5)); }
static int cond_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_if(nx_greater(nx_sum(s[0]), NX_F(0)), pos_branch, neg_branch, s[0]);
    next[1] = nx_add(s[1], NX_I(1));
    return 0;
}
static nx_tensor *count2(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[1], NX_I(2));
}
static nx_tensor *while_cond_inside(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *out[2];
    const nx_tensor *init[2] = { a[0], nx_scalar(NX_INT(0), NX_S32) };
    return nx_while(2, init, count2, cond_body, NULL, out) == 0 ? nx_sum(nx_exp(out[0])) : NULL;
}

static const gcase while_cases[] = {
    { "while_mix", while_mix, 2, -1, 1, { "2x3,2x3", "2x3,3", "s,4" } },
    { "while_halve", while_halve, 1, -1, 1, { "3", "2x2", "s" } },
    { "while_cond_inside", while_cond_inside, 1, -1, 1, { "3", "2x2", "s" } },
};

Test(grad_control, while_against_finite_differences, .timeout = 60)
{
    for (size_t i = 0; i < sizeof while_cases / sizeof *while_cases; i++)
        check_case(&while_cases[i]);
}

/* Value and gradient of a loop inside a jit trace print and evaluate like any expression. */
static nx_tensor *dloop(nx_tensor *const *a, void *c)
{
    nx_tensor *g[1];
    return nx_grad(repeat, c, g, a[0]) < 0 ? NULL : g[0];
}

Test(grad_control, while_grad_inside_jit)
{
    nx_scope_begin();
    rep thrice = { 3, 0, 0 };
    nx_tensor *x = nx_from_data(((double[]){ 0.5, -2 }), NX_F64, NX_SHAPE(2));
    double v[2];
    nxtest_f64_values(nx_jit_apply(dloop, &thrice, x), v, 2);
    cr_assert_eq(v[0], 0.75);
    cr_assert_eq(v[1], 12.0);
    nx_scope_end();
}

/* ---------------------------------------------------------------- top_k inside a trace */

static nx_tensor *topk_values(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_top_k(a[0], NULL, .k = 2);
}

static nx_tensor *topk_indices(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *idx = NULL;
    return nx_top_k(a[0], &idx, .k = 3) ? idx : NULL;
}

Test(grad_control, top_k_traced)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_jit(topk_values, NULL, nx_template(NX_SHAPE(2, 4), NX_F32)),
                  "#Nx.Tensor<\n  f32[2][2]\n  \n  Nx.Defn.Expr\n"
                  /* Nx records top_k as the TopK block (spec/defn.md §3.4): a tuple
                   * {values, indices}, the values its elem 0 */
                  "  parameter a:0                       f32[2][4]\n"
                  "  b = block %Nx.Block.TopK{k: 2}, a   tuple2\n"
                  "  c = elem b, 0                       f32[2][2]\n>");
    nx_error_clear();
    double d[12];
    for (int i = 0; i < 12; i++)
        d[i] = uniform(-3, 3);
    d[3] = d[1];   /* a tie: the lower index first */
    nx_tensor *x = nx_from_data(d, NX_F64, NX_SHAPE(3, 4));
    nx_tensor *idx = NULL, *v = nx_top_k(x, &idx, .k = 3);
    double want[9], got[9], wi[9], gi[9];
    nxtest_f64_values(v, want, 9);
    nxtest_f64_values(idx, wi, 9);
    nxtest_f64_values(nx_jit_apply(topk_values, NULL, x), got, 6);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 2; k++)
            cr_assert_eq(got[r * 2 + k], want[r * 3 + k]);
    nx_tensor *ti = nx_jit_apply(topk_indices, NULL, x);
    cr_assert_eq(ti->type, NX_S32);
    nxtest_f64_values(ti, gi, 9);
    cr_assert_eq(memcmp(gi, wi, sizeof gi), 0);
    nx_scope_end();
}

/* ---------------------------------------------------------------- constant outputs (spec §1.2) */

static nx_tensor *a_number(nx_tensor *const *a, void *c)
{
    (void)a, (void)c;
    return NX_I(10);
}

static nx_tensor *a_concrete(nx_tensor *const *a, void *c)
{
    (void)a;
    return c;
}

Test(grad_control, constant_outputs)
{
    nx_scope_begin();
    nx_tensor *t = nx_from_data(((float[]){ 1, 2, 3 }), NX_F32, NX_SHAPE(3)), *g[1], *v = NULL;
    cr_assert_eq(nx_value_and_grad(a_number, NULL, &v, g, t), 0, "%s", nx_error_message());
    double z[3];
    nxtest_f64_values(g[0], z, 3);
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert(z[0] == 0 && z[1] == 0 && z[2] == 0);
    cr_assert_eq(nxtest_number(v), 10);
    cr_assert_eq(nx_grad(a_concrete, nx_from_data(((float[]){ 1, 2 }), NX_F32, NX_SHAPE(2)), g, t), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "can only compute gradients of tensor expressions, got: #Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>");
    nx_scope_end();
}

/* The same through the interpreter (src/cli/nxlib_grad.c). */
Test(grad_control, constant_outputs_interpreter)
{
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([1.0, 2.0, 3.0]), fn _ -> 10 end)",
                       "#Nx.Tensor<\n  f32[3]\n  [0.0, 0.0, 0.0]\n>");
    nxtest_expect_code("t = Nx.tensor([1.0, 2.0])\nNx.Defn.grad(t, fn _ -> t end)",
                       "** (ArgumentError) can only compute gradients of tensor expressions, got: #Nx.Tensor<\n"
                       "  f32[2]\n  [1.0, 2.0]\n>");
}
