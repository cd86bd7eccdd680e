/* tests/test_vectorized_while.c: while loops whose condition or tensor generator is
 * vectorized (spec/defn.md §6.2, "Vectorized loops") and their gradients (spec/grad.md
 * §6.2, §9). The oracle is the definition of vectorization: every vectorized entry run
 * through its own plain loop (the entry taken out, a non-vectorized nx_while) must equal
 * that entry of the vectorized result, eager and traced, on random inputs in several types;
 * entries stop after different numbers of iterations. Gradients are checked against central
 * finite differences of each entry in f64 and against the stacked per-entry gradients,
 * also when state leaves carry vectorized axes beyond the condition's (the inner loop then
 * has vectorized state), and jvp against directional differences. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/eval.h"
#include "core/tensor.h"
#include "nx.h"
#include "support/nxtest.h"

/* ---- helpers ---- */

static double rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (double)((*s >> 8) & 0xFFFF) / 65536.0;
}

/* Random integers in [lo, hi) as a tensor of `type`. */
static nx_tensor *random_tensor(unsigned *s, nx_type type, nx_shape shape, double lo, double hi)
{
    int64_t n = 1;
    for (int i = 0; i < shape.rank; i++)
        n *= shape.dims[i];
    double *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++)
        v[i] = floor(lo + (hi - lo) * rnd(s));
    nx_tensor *t = nx_as_type(nx_from_data(v, NX_F64, shape), type);
    free(v);
    return t;
}

/* Entry i of t's first vectorized axis (t itself when not vectorized). */
static nx_tensor *entry(const nx_tensor *t, int i)
{
    if (t->vrank == 0)
        return (nx_tensor *)t;
    nx_tensor *d = nx_devectorize(t, false);
    nx_tensor *e = nx_take(d, nx_scalar(NX_INT(i), NX_S32));
    for (int k = 1; e && k < t->vrank; k++)
        e = nx_vectorize(e, t->names[k]);
    return e;
}

/* Values of t as doubles (t real, at most 256 elements). */
static int values(const nx_tensor *t, double *v)
{
    nx_tensor *d = nx_as_type(t->vrank ? nx_devectorize(t, false) : t, NX_F64);
    cr_assert_not_null(d, "%s", nx_error_message());
    cr_assert_leq(d->size, 256);
    cr_assert_geq(nx_to_binary(d, v, d->size * (int64_t)sizeof *v), 0, "%s", nx_error_message());
    return (int)d->size;
}

/* Same type, shape, vectorized axes and (within tol) values. */
static void assert_same(const nx_tensor *a, const nx_tensor *b, double tol)
{
    static double va[256], vb[256];
    cr_assert_eq(a->type, b->type, "types %d and %d", a->type, b->type);
    cr_assert_eq(a->rank, b->rank, "ranks %d and %d", a->rank, b->rank);
    cr_assert_eq(a->vrank, b->vrank, "vectorized ranks %d and %d", a->vrank, b->vrank);
    for (int i = 0; i < a->rank; i++)
        cr_assert_eq(a->dims[i], b->dims[i], "axis %d: %lld and %lld", i, (long long)a->dims[i], (long long)b->dims[i]);
    for (int i = 0; i < a->vrank; i++)
        cr_assert_str_eq(a->names[i], b->names[i]);
    int n = values(a, va), m = values(b, vb);
    cr_assert_eq(n, m);
    for (int i = 0; i < n; i++)
        cr_assert(fabs(va[i] - vb[i]) <= tol * (1 + fabs(vb[i])), "element %d: %g against %g", i, va[i], vb[i]);
}

static void assert_vectorized(const nx_tensor *t, const char *name, int64_t size)
{
    cr_assert_geq(t->vrank, 1);
    cr_assert_str_eq(t->names[0], name);
    cr_assert_eq(t->dims[0], size);
}

/* ---- doubling: {acc, x, k} while acc < x: {2 acc + 1, x, k + 1} ----
 * acc starts as a plain scalar, x is vectorized: the condition comes out vectorized and
 * each entry stops after its own number of steps. */

static nx_tensor *dbl_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], s[1]);
}

static int dbl_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(nx_multiply(s[0], NX_I(2)), NX_I(1));
    next[1] = s[1];
    next[2] = nx_add(s[2], NX_I(1));
    return next[0] && next[2] ? 0 : -1;
}

static int doubling(const nx_tensor *acc, const nx_tensor *x, nx_tensor **out)
{
    const nx_tensor *init[3] = { acc, x, nx_scalar(NX_INT(0), NX_S32) };
    return nx_while(3, init, dbl_cond, dbl_body, NULL, out);
}

static const int leaf_index[3] = { 0, 1, 2 };

static nx_tensor *doubling_fn(nx_tensor *const *a, void *ctx)
{
    nx_tensor *out[3];
    int which = *(const int *)ctx;
    return doubling(a[0], a[1], out) == 0 ? out[which] : NULL;
}

Test(vectorized_while, condition_loop_matches_each_entry)
{
    static const nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_S64, NX_F16, NX_U8 };
    unsigned seed = 5;
    long rounds = nxtest_scaled(3);
    for (long r = 0; r < rounds; r++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            nx_scope_begin();
            nx_type t = types[k];
            nx_tensor *x = nx_vectorize(random_tensor(&seed, t, NX_SHAPE(5), 0, 120), "x");
            nx_tensor *acc = nx_scalar(NX_INT(1), t);
            nx_tensor *v[3];
            cr_assert_eq(doubling(acc, x, v), 0, "%s", nx_error_message());
            /* Every leaf now carries the condition's axis, with its own type and shape. */
            for (int l = 0; l < 3; l++) {
                assert_vectorized(v[l], "x", 5);
                cr_assert_eq(v[l]->vrank, 1);
                cr_assert_eq(v[l]->rank, 1);
            }
            cr_assert_eq(v[0]->type, t);
            cr_assert_eq(v[2]->type, NX_S32);
            /* Traced (jit) gives the same, leaf by leaf. */
            for (int l = 0; l < 3; l++) {   /* one ctx per leaf: jit caches by ctx */
                nx_tensor *j = nx_jit_apply(doubling_fn, (void *)&leaf_index[l], acc, x);
                cr_assert_not_null(j, "%s", nx_error_message());
                assert_same(j, v[l], 0);
            }
            /* Each entry alone, through a plain loop. */
            double steps[5];
            values(v[2], steps);
            for (int i = 0; i < 5; i++) {
                nx_tensor *e[3];
                cr_assert_eq(doubling(acc, entry(x, i), e), 0, "%s", nx_error_message());
                for (int l = 0; l < 3; l++)
                    assert_same(entry(v[l], i), e[l], 0);
            }
            nx_scope_end();
        }
}

/* The entries stop after different numbers of iterations (x spans 0 .. 200). */
Test(vectorized_while, entries_stop_at_their_own_count)
{
    nx_scope_begin();
    double xs[6] = { 0, 1, 2, 7, 8, 200 }, want[6];
    for (int i = 0; i < 6; i++) {   /* closed form: the least k with 2^(k+1) - 1 >= x */
        int k = 0;
        while (pow(2, k + 1) - 1 < xs[i])
            k++;
        want[i] = k;
    }
    nx_tensor *x = nx_vectorize(nx_from_data(xs, NX_F64, NX_SHAPE(6)), "x");
    nx_tensor *v[3];
    cr_assert_eq(doubling(nx_scalar(NX_INT(1), NX_F64), x, v), 0, "%s", nx_error_message());
    double got[6];
    values(v[2], got);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(got[i], want[i], "entry %d: %g steps, want %g", i, got[i], want[i]);
    nx_scope_end();
}

/* ---- a leaf with vectorized axes of its own: {i, v} while i < 5: {i + 1, 2 v + i} ----
 * i is vectorized over x (the condition's axis), v over y only: v's result carries
 * [x, y], the condition's axis first. */

static nx_tensor *count_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_I(5));
}

static int count_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(s[0], NX_I(1));
    next[1] = nx_add(nx_multiply(s[1], NX_I(2)), s[0]);
    return next[0] && next[1] ? 0 : -1;
}

static nx_tensor *count_fn(nx_tensor *const *a, void *ctx)
{
    nx_tensor *out[2];
    const nx_tensor *init[2] = { a[0], a[1] };
    return nx_while(2, init, count_cond, count_body, NULL, out) == 0 ? out[*(const int *)ctx] : NULL;
}

Test(vectorized_while, leaves_with_and_without_the_axes)
{
    static const nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_BF16 };
    unsigned seed = 9;
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        nx_scope_begin();
        nx_type t = types[k];
        nx_tensor *i0 = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(4), 0, 7), "x");
        nx_tensor *v0 = nx_vectorize(random_tensor(&seed, t, NX_SHAPE(3, 2), -3, 3), "y");
        const nx_tensor *init[2] = { i0, v0 };
        nx_tensor *v[2];
        cr_assert_eq(nx_while(2, init, count_cond, count_body, NULL, v), 0, "%s", nx_error_message());
        cr_assert_eq(v[0]->vrank, 1);
        assert_vectorized(v[0], "x", 4);
        cr_assert_eq(v[1]->vrank, 2);
        assert_vectorized(v[1], "x", 4);
        cr_assert_str_eq(v[1]->names[1], "y");
        cr_assert_eq(v[1]->dims[1], 3);
        cr_assert_eq(v[1]->rank, 3);
        cr_assert_eq(v[1]->dims[2], 2);
        cr_assert_eq(v[1]->type, t);
        for (int l = 0; l < 2; l++) {
            nx_tensor *j = nx_jit_apply(count_fn, (void *)&leaf_index[l], i0, v0);
            cr_assert_not_null(j, "%s", nx_error_message());
            assert_same(j, v[l], 0);
        }
        for (int i = 0; i < 4; i++) {   /* entry i: a plain condition, v still over y */
            const nx_tensor *e_init[2] = { entry(i0, i), v0 };
            nx_tensor *e[2];
            cr_assert_eq(nx_while(2, e_init, count_cond, count_body, NULL, e), 0, "%s", nx_error_message());
            assert_same(entry(v[0], i), e[0], 0);
            assert_same(entry(v[1], i), e[1], 0);
        }
        nx_scope_end();
    }
}

/* ---- a condition over two axes: {a, b, k} while k < a + b: {a, b, k + 1} ---- */

static nx_tensor *sum_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[2], nx_add(s[0], s[1]));
}

static int sum_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = s[0];
    next[1] = s[1];
    return (next[2] = nx_add(s[2], NX_I(1))) ? 0 : -1;
}

static nx_tensor *sum_fn(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_tensor *out[3];
    const nx_tensor *init[3] = { a[0], a[1], NX_I(0) };
    return nx_while(3, init, sum_cond, sum_body, NULL, out) == 0 ? out[2] : NULL;
}

Test(vectorized_while, condition_over_two_axes)
{
    nx_scope_begin();
    unsigned seed = 21;
    nx_tensor *a = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(3), -2, 5), "a");
    nx_tensor *b = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(4), 0, 6), "b");
    nx_tensor *e = sum_fn((nx_tensor *[]){ a, b }, NULL);
    cr_assert_not_null(e, "%s", nx_error_message());
    nx_tensor *j = nx_jit_apply(sum_fn, NULL, a, b);
    cr_assert_not_null(j, "%s", nx_error_message());
    assert_same(j, e, 0);
    cr_assert_eq(e->vrank, 2);
    cr_assert_str_eq(e->names[0], "a");
    cr_assert_str_eq(e->names[1], "b");
    double va[3], vb[4], vk[12];
    values(a, va);
    values(b, vb);
    values(e, vk);
    for (int i = 0; i < 3; i++)
        for (int m = 0; m < 4; m++) {   /* closed form: k = max(a + b, 0) */
            double want = va[i] + vb[m] > 0 ? va[i] + vb[m] : 0;
            cr_assert_eq(vk[i * 4 + m], want, "entry (%d, %d): %g, want %g", i, m, vk[i * 4 + m], want);
        }
    nx_scope_end();
}

/* ---- the lowered graph ---- */

Test(vectorized_while, lowered_printout)
{
    nx_scope_begin();
    int which = 2;
    nx_tensor *x = nx_vectorize(nx_template(NX_SHAPE(3), NX_F32), "x");
    nx_tensor *e = nx_jit(doubling_fn, &which, nx_scalar(NX_INT(1), NX_F32), x);
    cr_assert_not_null(e, "%s", nx_error_message());
    char *s = nx_inspect(e);
    cr_assert_not_null(s);
    /* The frame is vectorized; the graph: an outer while whose result is taken apart. */
    cr_assert(!strncmp(s, "#Nx.Tensor<\n  vectorized[x: 3]\n  s32\n  \n  Nx.Defn.Expr\n", 55), "%s", s);
    cr_assert(strstr(s, "= while {0, ") != NULL, "%s", s);
    cr_assert(strstr(s, "tuple4") != NULL, "the outer state {i, acc, x, k} in\n%s", s);
    cr_assert(strstr(s, "= elem ") != NULL, "%s", s);
    nx_free(s);
    nx_scope_end();
}

/* ---- gradients: sum(acc) after {acc, x, n, k} while k < n: {acc x + sin(acc), x, n, k + 1}
 * with acc = w (plain), x and n vectorized over the same axis (n captured). ---- */

static nx_tensor *g_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[3], s[2]);
}

static int g_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(nx_multiply(s[0], s[1]), nx_sin(s[0]));
    next[1] = s[1];
    next[2] = s[2];
    next[3] = nx_add(s[3], NX_I(1));
    return next[0] && next[3] ? 0 : -1;
}

static nx_tensor *g_loss(nx_tensor *const *a, void *ctx)
{
    nx_tensor *out[4];
    const nx_tensor *init[4] = { a[0], a[1], ctx, NX_I(0) };
    return nx_while(4, init, g_cond, g_body, NULL, out) == 0 ? nx_sum(out[0]) : NULL;
}

static double g_loss_at(const double *w, double x, const nx_tensor *n)
{
    nx_tensor *a[2] = { nx_from_data(w, NX_F64, NX_SHAPE(2)), nx_scalar(NX_FLOAT(x), NX_F64) };
    double v;
    nx_tensor *r = g_loss(a, (void *)n);
    cr_assert_not_null(r, "%s", nx_error_message());
    nx_to_binary(r, &v, sizeof v);
    return v;
}

Test(vectorized_while, grad_matches_entries_and_finite_differences)
{
    unsigned seed = 13;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        double ws[2], xs[4];
        for (int i = 0; i < 2; i++)
            ws[i] = 2 * rnd(&seed) - 1;
        for (int i = 0; i < 4; i++)
            xs[i] = 0.5 + 0.7 * rnd(&seed);
        nx_tensor *n = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(4), 0, 4), "x");
        nx_tensor *w = nx_from_data(ws, NX_F64, NX_SHAPE(2));
        nx_tensor *x = nx_vectorize(nx_from_data(xs, NX_F64, NX_SHAPE(4)), "x");
        nx_tensor *g[2];
        cr_assert_eq(nx_grad(g_loss, n, g, w, x), 0, "%s", nx_error_message());
        /* w is plain but the output is vectorized: one gradient of w's shape per entry. */
        assert_vectorized(g[0], "x", 4);
        cr_assert_eq(g[0]->rank, 2);
        cr_assert_eq(g[0]->type, NX_F64);
        assert_vectorized(g[1], "x", 4);
        cr_assert_eq(g[1]->rank, 1);
        double dw[8], dx[4];
        values(g[0], dw);
        values(g[1], dx);
        const double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            nx_tensor *ni = entry(n, i), *xi = entry(x, i), *ge[2];
            /* the stacked per-entry gradients */
            cr_assert_eq(nx_grad(g_loss, ni, ge, w, xi), 0, "%s", nx_error_message());
            assert_same(entry(g[0], i), ge[0], 1e-12);
            assert_same(entry(g[1], i), ge[1], 1e-12);
            /* central differences of the entry's own loop */
            for (int j = 0; j < 2; j++) {
                double wp[2] = { ws[0], ws[1] }, wm[2] = { ws[0], ws[1] };
                wp[j] += h;
                wm[j] -= h;
                double fd = (g_loss_at(wp, xs[i], ni) - g_loss_at(wm, xs[i], ni)) / (2 * h);
                cr_assert_float_eq(dw[i * 2 + j], fd, 1e-6, "dw (%d, %d): %g against %g", i, j, dw[i * 2 + j], fd);
            }
            double fd = (g_loss_at(ws, xs[i] + h, ni) - g_loss_at(ws, xs[i] - h, ni)) / (2 * h);
            cr_assert_float_eq(dx[i], fd, 1e-6, "dx %d: %g against %g", i, dx[i], fd);
        }
        nx_scope_end();
    }
}

/* ---- errors ---- */

/* The condition compares with a captured vectorized constant: after the lowering the inner
 * condition is still vectorized, which a while node refuses (Nx's ArgumentError). */
static nx_tensor *captured_cond(nx_tensor *const *s, void *c)
{
    return nx_less(s[0], (const nx_tensor *)c);
}

static int inc_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    return (next[0] = nx_add(s[0], NX_I(1))) ? 0 : -1;
}

/* A body that changes the leaf's type: the inner loop's compatibility check. */
static int retype_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    return (next[0] = nx_add(s[0], NX_F(0.5))) ? 0 : -1;
}

static nx_tensor *vec_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_I(3));
}

/* A condition with an inner shape: Nx's CompileError, vectorized or not. */
static nx_tensor *matrix_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(nx_new_axis(s[0], 0, NULL), NX_I(3));
}

Test(vectorized_while, errors)
{
    nx_scope_begin();
    nx_tensor *lim = nx_vectorize(nx_iota(NX_SHAPE(2)), "x");
    const nx_tensor *init[1] = { NX_I(0) };
    nx_tensor *out[1];
    cr_assert_eq(nx_while(1, init, captured_cond, inc_body, lim, out), -1);
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    cr_assert(!strncmp(nx_error_message(), "condition for while cannot be vectorized, got: #Nx.Tensor<\n  vectorized[x: 2]\n  u8\n", 82),
              "%s", nx_error_message());
    nx_error_clear();
    const nx_tensor *vinit[1] = { nx_vectorize(nx_iota(NX_SHAPE(2)), "x") };
    cr_assert_eq(nx_while(1, vinit, vec_cond, retype_body, NULL, out), -1);
    cr_assert_eq(nx_error(), NX_COMPILE_ERROR);
    cr_assert(!strncmp(nx_error_message(), "the do-block in while must return tensors with the same shape, type, and "
                       "names as the initial arguments.\n\n", 106), "%s", nx_error_message());
    nx_error_clear();
    cr_assert_eq(nx_while(1, vinit, matrix_cond, inc_body, NULL, out), -1);
    cr_assert_eq(nx_error(), NX_COMPILE_ERROR);
    cr_assert(!strncmp(nx_error_message(), "condition must be a scalar tensor, got: #Nx.Tensor<\n  vectorized[x: 2]\n  u8[1]", 78),
              "%s", nx_error_message());
    nx_error_clear();
    nx_scope_end();
}

/* ---- the interpreter: defn's while over a vectorized condition and over a vectorized
 * tensor generator (plain, unroll: true, unroll: k), each against the same loop run on
 * every entry alone and stacked ---- */

static const char *const vw_mod =
    "defmodule VW do\n  import Nx.Defn\n"
    "  defn gsum(t), do: while(acc = t[0] * 0, x <- t, do: acc + x * x)\n"
    "  defn gsum_u(t), do: while(acc = t[0] * 0, x <- t, unroll: true, do: acc + x * x)\n"
    "  defn gsum_k(t), do: while(acc = t[0] * 0, x <- t, unroll: 2, do: acc + x * x)\n"
    "  defn gpair(t, y), do: while({acc = 0.0, y}, x <- t, do: {acc + Nx.sum(x * y), y * 2})\n"
    "  defn steps(x) do\n"
    "    {_, k, _} = while {acc = 1, k = 0, x}, acc < x do\n"
    "      {acc * 2 + 1, k + 1, x}\n"
    "    end\n"
    "    k\n"
    "  end\n"
    "end\n";

static const char *const u8_true = "#Nx.Tensor<\n  u8\n  1\n>";

Test(vectorized_while, interpreter_generators_match_each_entry)
{
    static const char *const types[] = { ":s32", ":f32", ":f64", ":s64" };
    static const char *const fns[] = { "gsum", "gsum_u", "gsum_k" };
    char code[4096];
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
            /* t: 3 entries of 5 values; the scalar acc is aligned to the generator's inner rank. */
            snprintf(code, sizeof code,
                     "%s{t, _} = Nx.Random.uniform(Nx.Random.key(%zu), -4.0, 4.0, shape: {3, 5})\n"
                     "t = Nx.as_type(Nx.floor(t), %s)\n"
                     "v = VW.%s(Nx.vectorize(t, :x))\n"
                     "each = Nx.stack([VW.gsum(t[0]), VW.gsum(t[1]), VW.gsum(t[2])])\n"
                     "Nx.all(Nx.equal(Nx.flatten(Nx.devectorize(v)), each))",
                     vw_mod, i * 3 + f + 1, types[i], fns[f]);
            nxtest_expect_code(code, u8_true);
        }
    /* the result's header: the generator's axis, the accumulator's type */
    snprintf(code, sizeof code, "%sv = VW.gsum(Nx.vectorize(Nx.iota({2, 3}), :x))\n{Nx.type(v), Nx.shape(v), v.vectorized_axes}",
             vw_mod);
    nxtest_expect_code(code, "{{:s, 32}, {1}, [x: 2]}");
    /* a second state leaf with no vectorized axes, a generator of rank 2, and jit; the
     * leaves are aligned to the generator's inner rank, as Nx's broadcast_vectors with
     * align_ranks does: acc comes out f32[1][1], y f32[1][4] */
    snprintf(code, sizeof code,
             "%s{t, _} = Nx.Random.uniform(Nx.Random.key(42), -2.0, 2.0, shape: {2, 3, 4})\n"
             "y = Nx.tensor([1.0, -1.0, 0.5, 2.0])\n"
             "{a, b} = Nx.Defn.jit(&VW.gpair/2).(Nx.vectorize(t, :x), y)\n"
             "{a0, b0} = VW.gpair(t[0], y)\n{a1, b1} = VW.gpair(t[1], y)\n"
             "Nx.all(Nx.logical_and(Nx.all_close(Nx.flatten(Nx.devectorize(a)), Nx.stack([a0, a1])), "
             "Nx.all_close(Nx.reshape(Nx.devectorize(b), {2, 4}), Nx.stack([b0, b1]))))",
             vw_mod);
    nxtest_expect_code(code, u8_true);
}

Test(vectorized_while, interpreter_condition_loop)
{
    char code[4096];
    snprintf(code, sizeof code,
             "%sx = Nx.tensor([0, 1, 2, 7, 8, 200])\n"
             "v = VW.steps(Nx.vectorize(x, :x))\n"
             "each = Nx.stack([VW.steps(x[0]), VW.steps(x[1]), VW.steps(x[2]), VW.steps(x[3]), VW.steps(x[4]), "
             "VW.steps(x[5])])\n"
             "Nx.all(Nx.equal(Nx.devectorize(v), each))",
             vw_mod);
    nxtest_expect_code(code, u8_true);
    snprintf(code, sizeof code, "%sVW.steps(Nx.vectorize(Nx.tensor([0, 2, 8]), :x))", vw_mod);
    nxtest_expect_code(code, "#Nx.Tensor<\n  vectorized[x: 3]\n  s32\n  [0, 1, 3]\n>");
}

/* ---- gradients through leaves with vectorized axes of their own ----
 * {i, v, u} while i < 4: {i + 1, 1.3 sin(v) + 0.2 v u + 0.1 i, 0.9 u + 0.1 cos(u)}, the loss
 * sum(v) + sum(u). i (captured) is vectorized over x, or plain; v and u carry axes beyond
 * the condition's, which the inner loop of the lowering keeps (a while node whose state is
 * vectorized): its gradient runs the rematerialising loops over the vectorized state. */

static int ex_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(s[0], NX_I(1));
    next[1] = nx_add(nx_add(nx_multiply(nx_sin(s[1]), NX_F(1.3)), nx_multiply(nx_multiply(s[1], s[2]), NX_F(0.2))),
                     nx_multiply(s[0], NX_F(0.1)));
    next[2] = nx_add(nx_multiply(s[2], NX_F(0.9)), nx_multiply(nx_cos(s[2]), NX_F(0.1)));
    return next[0] && next[1] && next[2] ? 0 : -1;
}

static nx_tensor *ex_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_I(4));
}

static nx_tensor *ex_loss(nx_tensor *const *a, void *ctx)
{
    nx_tensor *out[3];
    const nx_tensor *init[3] = { ctx, a[0], a[1] };
    return nx_while(3, init, ex_cond, ex_body, NULL, out) == 0 ? nx_add(nx_sum(out[1]), nx_sum(out[2])) : NULL;
}

/* The loss of one plain entry (i a scalar, v and u not vectorized), eagerly. */
static double ex_loss_at(const nx_tensor *i, const nx_tensor *v, const nx_tensor *u)
{
    double r;
    nx_tensor *l = ex_loss((nx_tensor *[]){ (nx_tensor *)v, (nx_tensor *)u }, (void *)i);
    cr_assert_not_null(l, "%s", nx_error_message());
    cr_assert_eq(l->vrank, 0);
    nx_to_binary(nx_as_type(l, NX_F64), &r, sizeof r);
    return r;
}

/* p with element k moved by d (p plain f64, at most 16 elements). */
static nx_tensor *moved(const nx_tensor *p, int k, double d)
{
    double v[16];
    int n = values(p, v);
    cr_assert_lt(k, n);
    v[k] += d;
    return nx_from_data(v, NX_F64, nx_shape_of(p));
}

/* Entry idx[0..nv) of a tensor vectorized over nv axes (or fewer: the rest ignored). */
static nx_tensor *entry_at(const nx_tensor *t, int nv, const int *idx)
{
    nx_tensor *e = (nx_tensor *)t;
    for (int k = 0; k < nv && e->vrank > 0; k++)
        e = entry(e, idx[k]);
    return e;
}

/* grad of ex_loss at (i0, v0, u0) checked entry by entry: against the gradient of that
 * entry's own plain loop and against central differences of it; the value against the
 * eager forward loss. axes: the vectorized axes of the result, in order, with sizes. */
static void check_extra_axes_grad(const nx_tensor *i0, const nx_tensor *v0, const nx_tensor *u0, int nv,
                                  const char *const *names, const int64_t *sizes)
{
    nx_tensor *g[2], *value;
    cr_assert_eq(nx_value_and_grad(ex_loss, (void *)i0, &value, g, v0, u0), 0, "%s", nx_error_message());
    nx_tensor *fwd = ex_loss((nx_tensor *[]){ (nx_tensor *)v0, (nx_tensor *)u0 }, (void *)i0);
    cr_assert_not_null(fwd, "%s", nx_error_message());
    assert_same(value, fwd, 1e-12);
    for (int k = 0; k < 2; k++) {   /* each entry its own gradient (spec/grad.md §9) */
        cr_assert_eq(g[k]->type, NX_F64);
        cr_assert_eq(g[k]->vrank, nv);
        for (int a = 0; a < nv; a++) {
            cr_assert_str_eq(g[k]->names[a], names[a]);
            cr_assert_eq(g[k]->dims[a], sizes[a]);
        }
    }
    int64_t count = 1;
    for (int a = 0; a < nv; a++)
        count *= sizes[a];
    const double h = 1e-6;
    for (int64_t e = 0; e < count; e++) {
        int idx[NX_MAX_RANK];
        for (int a = nv - 1, r = (int)e; a >= 0; a--) {
            idx[a] = r % (int)sizes[a];
            r /= (int)sizes[a];
        }
        /* the entry's inputs, plain: each input vectorized over some of the axes */
        nx_tensor *in[3] = { (nx_tensor *)i0, (nx_tensor *)v0, (nx_tensor *)u0 }, *plain[3];
        for (int m = 0; m < 3; m++) {
            plain[m] = in[m];
            for (int a = 0; a < nv; a++) {
                int j = 0;
                while (j < plain[m]->vrank && strcmp(plain[m]->names[j], names[a]))
                    j++;
                if (j == plain[m]->vrank)
                    continue;
                /* take entry idx[a] of axis j: move it first, then entry() */
                const char *order[NX_MAX_RANK];
                int o = 0;
                order[o++] = plain[m]->names[j];
                for (int q = 0; q < plain[m]->vrank; q++)
                    if (q != j)
                        order[o++] = plain[m]->names[q];
                nx_tensor *d = nx_devectorize(plain[m], false);
                nx_axes perm = { .n = 1 };
                perm.index[0] = j;
                for (int q = 0; q < d->rank; q++)
                    if (q != j)
                        perm.index[perm.n++] = q;
                nx_tensor *t = nx_transpose(d, .axes = perm);
                nx_tensor *rv = t;
                for (int q = 0; rv && q < plain[m]->vrank; q++)
                    rv = nx_vectorize(rv, order[q]);
                cr_assert_not_null(rv, "%s", nx_error_message());
                plain[m] = entry(rv, idx[a]);
            }
            cr_assert_eq(plain[m]->vrank, 0);
        }
        nx_tensor *ge[2];
        cr_assert_eq(nx_grad(ex_loss, plain[0], ge, plain[1], plain[2]), 0, "%s", nx_error_message());
        for (int k = 0; k < 2; k++) {
            nx_tensor *got = entry_at(g[k], nv, idx);
            assert_same(got, ge[k], 1e-12);
            double gv[16];
            int n = values(got, gv);
            for (int q = 0; q < n; q++) {
                nx_tensor *vp = k == 0 ? moved(plain[1], q, h) : plain[1], *vm = k == 0 ? moved(plain[1], q, -h) : plain[1];
                nx_tensor *up = k == 1 ? moved(plain[2], q, h) : plain[2], *um = k == 1 ? moved(plain[2], q, -h) : plain[2];
                double fd = (ex_loss_at(plain[0], vp, up) - ex_loss_at(plain[0], vm, um)) / (2 * h);
                cr_assert(fabs(gv[q] - fd) <= 1e-6 * (1 + fabs(fd)), "leaf %d entry %lld element %d: %g against %g", k,
                          (long long)e, q, gv[q], fd);
            }
        }
    }
}

static nx_tensor *random_f64(unsigned *seed, nx_shape shape)
{
    int64_t n = 1;
    for (int i = 0; i < shape.rank; i++)
        n *= shape.dims[i];
    double v[64];
    cr_assert_leq(n, 64);
    for (int64_t i = 0; i < n; i++)
        v[i] = 2 * rnd(seed) - 1;
    return nx_from_data(v, NX_F64, shape);
}

/* i over x (starts 0..4: entries stop after 4, 3, .. 0 iterations), v over y, u plain. */
Test(vectorized_while, grad_leaf_with_an_extra_axis)
{
    unsigned seed = 31;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        static const int32_t starts[3] = { 0, 4, 2 };
        nx_tensor *i0 = nx_vectorize(nx_from_data(starts, NX_S32, NX_SHAPE(3)), "x");
        nx_tensor *v0 = nx_vectorize(random_f64(&seed, NX_SHAPE(2, 2)), "y");
        nx_tensor *u0 = random_f64(&seed, NX_SHAPE(2));
        static const char *const names[2] = { "x", "y" };
        check_extra_axes_grad(i0, v0, u0, 2, names, (const int64_t[]){ 3, 2 });
        nx_scope_end();
    }
}

/* The state vectorized with a plain condition: no lowering, the while node itself carries
 * the vectorized state. */
Test(vectorized_while, grad_vectorized_state_plain_condition)
{
    unsigned seed = 37;
    nx_scope_begin();
    nx_tensor *i0 = nx_scalar(NX_INT(1), NX_S32);
    nx_tensor *v0 = nx_vectorize(random_f64(&seed, NX_SHAPE(3, 2)), "y");
    nx_tensor *u0 = nx_vectorize(random_f64(&seed, NX_SHAPE(3, 2)), "y");
    static const char *const names[1] = { "y" };
    check_extra_axes_grad(i0, v0, u0, 1, names, (const int64_t[]){ 3 });
    nx_scope_end();
}

/* Two extra axes (v over [y, z], u over z), i over x with random starts. */
Test(vectorized_while, grad_two_extra_axes)
{
    unsigned seed = 41;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        nx_tensor *i0 = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(2), 0, 5), "x");
        nx_tensor *v0 = nx_vectorize(nx_vectorize(random_f64(&seed, NX_SHAPE(2, 3, 2)), "y"), "z");
        nx_tensor *u0 = nx_vectorize(random_f64(&seed, NX_SHAPE(3, 2)), "z");
        static const char *const names[3] = { "x", "y", "z" };
        check_extra_axes_grad(i0, v0, u0, 3, names, (const int64_t[]){ 2, 2, 3 });
        nx_scope_end();
    }
}

/* ---- a plain variable through a lowering with leaves over other axes: the inner loop
 * mixes a plain leaf (a, from w) with leaves over y and z and a captured constant over y;
 * the loss is devectorized, so w stays plain and gets one gradient: checked against
 * central differences, and jvp (nx_jvp) against directional differences ---- */

typedef struct {
    const nx_tensor *i0, *v0, *u0, *k0;
    bool vector;   /* the loss a vector (for jvp) rather than its sum */
} mixed;

static int mixed_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    const mixed *m = c;
    next[0] = nx_add(s[0], NX_I(1));
    next[1] = nx_add(nx_multiply(nx_sin(s[1]), s[3]), nx_multiply(nx_multiply(s[1], m->k0), NX_F(0.2)));
    next[2] = nx_add(nx_multiply(nx_multiply(nx_cos(s[2]), s[3]), NX_F(0.5)), nx_multiply(s[2], NX_F(0.3)));
    next[3] = nx_add(nx_multiply(s[3], NX_F(0.95)), nx_multiply(nx_sin(s[3]), NX_F(0.05)));
    return next[0] && next[1] && next[2] && next[3] ? 0 : -1;
}

static nx_tensor *mixed_loss(nx_tensor *const *a, void *ctx)
{
    const mixed *m = ctx;
    nx_tensor *out[4];
    const nx_tensor *init[4] = { m->i0, m->v0, m->u0, a[0] };
    if (nx_while(4, init, ex_cond, mixed_body, ctx, out) < 0)
        return NULL;
    /* v: [x, y] then 2; u: [x, z] then 2; a: [x] then 2 */
    nx_tensor *v = nx_devectorize(out[1], false), *u = nx_devectorize(out[2], false);
    nx_tensor *w = nx_devectorize(out[3], false);
    if (!v || !u || !w)
        return NULL;
    cr_assert_eq(v->rank, 3);
    cr_assert_eq(u->rank, 3);
    cr_assert_eq(w->rank, 2);
    nx_tensor *r = nx_add(nx_add(nx_sum(v, .axes = NX_AXES(0, 1)), nx_sum(u, .axes = NX_AXES(0, 1))),
                          nx_sum(w, .axes = NX_AXES(0)));
    return m->vector ? r : nx_sum(r);
}

static void mixed_at(mixed *m, const double *w, double *out)
{
    nx_tensor *a[1] = { nx_from_data(w, NX_F64, NX_SHAPE(2)) };
    nx_tensor *r = mixed_loss(a, m);
    cr_assert_not_null(r, "%s", nx_error_message());
    values(r, out);
}

Test(vectorized_while, grad_and_jvp_of_a_plain_variable)
{
    unsigned seed = 43;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        mixed m = { .i0 = nx_vectorize(random_tensor(&seed, NX_S32, NX_SHAPE(3), 0, 5), "x"),
                    .v0 = nx_vectorize(random_f64(&seed, NX_SHAPE(2, 2)), "y"),
                    .u0 = nx_vectorize(random_f64(&seed, NX_SHAPE(3, 2)), "z"),
                    .k0 = nx_vectorize(random_f64(&seed, NX_SHAPE(2, 1)), "y") };
        double ws[2] = { 0.5 + rnd(&seed), 0.5 + rnd(&seed) }, ts[2] = { 2 * rnd(&seed) - 1, 2 * rnd(&seed) - 1 };
        nx_tensor *w = nx_from_data(ws, NX_F64, NX_SHAPE(2)), *t = nx_from_data(ts, NX_F64, NX_SHAPE(2));
        const double h = 1e-6;
        /* grad of the summed loss */
        nx_tensor *g[1], *value;
        cr_assert_eq(nx_value_and_grad(mixed_loss, &m, &value, g, w), 0, "%s", nx_error_message());
        cr_assert_eq(g[0]->vrank, 0);
        cr_assert_eq(g[0]->rank, 1);
        double gv[2], v0[1];
        values(g[0], gv);
        mixed_at(&m, ws, v0);
        double vv[1];
        values(value, vv);
        cr_assert(fabs(vv[0] - v0[0]) <= 1e-12 * (1 + fabs(v0[0])), "value %g against %g", vv[0], v0[0]);
        for (int j = 0; j < 2; j++) {
            double wp[2] = { ws[0], ws[1] }, wm[2] = { ws[0], ws[1] }, fp[1], fm[1];
            wp[j] += h;
            wm[j] -= h;
            mixed_at(&m, wp, fp);
            mixed_at(&m, wm, fm);
            double fd = (fp[0] - fm[0]) / (2 * h);
            cr_assert(fabs(gv[j] - fd) <= 1e-6 * (1 + fabs(fd)), "dw %d: %g against %g", j, gv[j], fd);
        }
        /* jvp of the vector loss along t */
        m.vector = true;
        nx_tensor *y, *dy;
        cr_assert_eq(nx_jvp(mixed_loss, &m, &y, &dy, w, t), 0, "%s", nx_error_message());
        double yv[2], dyv[2], f0[2], fp[2], fm[2];
        double wp[2] = { ws[0] + h * ts[0], ws[1] + h * ts[1] }, wm[2] = { ws[0] - h * ts[0], ws[1] - h * ts[1] };
        values(y, yv);
        values(dy, dyv);
        mixed_at(&m, ws, f0);
        mixed_at(&m, wp, fp);
        mixed_at(&m, wm, fm);
        for (int j = 0; j < 2; j++) {
            double fd = (fp[j] - fm[j]) / (2 * h);
            cr_assert(fabs(yv[j] - f0[j]) <= 1e-12 * (1 + fabs(f0[j])), "value %d: %g against %g", j, yv[j], f0[j]);
            cr_assert(fabs(dyv[j] - fd) <= 1e-6 * (1 + fabs(fd)), "jvp %d: %g against %g", j, dyv[j], fd);
        }
        nx_scope_end();
    }
}

/* ---- the interpreter: grad through a tensor generator whose state leaf y carries an
 * axis (z) beyond the generator's (x), against each entry's plain gradient, stacked ---- */

Test(vectorized_while, interpreter_grad_with_an_extra_axis)
{
    static const char *const mod =
        "defmodule VG do\n  import Nx.Defn\n"
        "  defn pair(t, y), do: while({acc = Nx.sum(y * 0.0), y}, x <- t, do: {acc + Nx.sum(Nx.sin(x * y)), y * 1.5})\n"
        "  defn loss(t, y) do\n    {a, _} = pair(t, y)\n    a\n  end\n"
        "end\n";
    char code[8192];
    int n = snprintf(code, sizeof code,
                     "%s{t, k} = Nx.Random.uniform(Nx.Random.key(7), -1.0, 1.0, shape: {2, 4}, type: :f64)\n"
                     "{y, _} = Nx.Random.uniform(k, -1.0, 1.0, shape: {3, 2}, type: :f64)\n"
                     "g = Nx.Defn.grad(Nx.vectorize(y, :z), fn y -> VG.loss(Nx.vectorize(t, :x), y) end)\n"
                     "each = Nx.stack([",
                     mod);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            n += snprintf(code + n, sizeof code - (size_t)n, "%sNx.Defn.grad(y[%d], fn y -> VG.loss(t[%d], y) end)",
                          i || j ? ", " : "", j, i);
    snprintf(code + n, sizeof code - (size_t)n,
             "])\n{g.vectorized_axes, Nx.to_number(Nx.all_close(Nx.reshape(Nx.devectorize(g), {6, 2}), each, atol: 1.0e-12))}");
    nxtest_expect_code(code, "{[x: 2, z: 3], 1}");
}
