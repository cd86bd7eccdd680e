/* tests/test_vectorized_while.c: while loops whose condition or tensor generator is
 * vectorized (spec/defn.md §6.2, "Vectorized loops") and their gradients (spec/grad.md
 * §6.2, §9). The oracle is the definition of vectorization: every vectorized nxtest_entry run
 * through its own plain loop (the nxtest_entry taken out, a non-vectorized nx_while) must equal
 * that nxtest_entry of the vectorized result, eager and traced, on random inputs in several types;
 * entries stop after different numbers of iterations. Gradients are checked against central
 * finite differences of each nxtest_entry in f64 and against the stacked per-nxtest_entry gradients,
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
#include "support/nxtest_entries.h"

/* ---- helpers ---- */

static void assert_vectorized(const nx_tensor *t, const char *name, int64_t size)
{
    cr_assert_geq(t->vrank, 1);
    cr_assert_str_eq(t->names[0], name);
    cr_assert_eq(t->dims[0], size);
}

/* ---- doubling: {acc, x, k} while acc < x: {2 acc + 1, x, k + 1} ----
 * acc starts as a plain scalar, x is vectorized: the condition comes out vectorized and
 * each nxtest_entry stops after its own number of steps. */

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
            nx_tensor *x = nx_vectorize(nxtest_random_ints(&seed, t, NX_SHAPE(5), 0, 120), "x");
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
                nxtest_assert_same(j, v[l], 0);
            }
            /* Each nxtest_entry alone, through a plain loop. */
            double steps[5];
            nxtest_values(v[2], steps);
            for (int i = 0; i < 5; i++) {
                nx_tensor *e[3];
                cr_assert_eq(doubling(acc, nxtest_entry(x, i), e), 0, "%s", nx_error_message());
                for (int l = 0; l < 3; l++)
                    nxtest_assert_same(nxtest_entry(v[l], i), e[l], 0);
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
    nxtest_values(v[2], got);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(got[i], want[i], "nxtest_entry %d: %g steps, want %g", i, got[i], want[i]);
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
        nx_tensor *i0 = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(4), 0, 7), "x");
        nx_tensor *v0 = nx_vectorize(nxtest_random_ints(&seed, t, NX_SHAPE(3, 2), -3, 3), "y");
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
            nxtest_assert_same(j, v[l], 0);
        }
        for (int i = 0; i < 4; i++) {   /* nxtest_entry i: a plain condition, v still over y */
            const nx_tensor *e_init[2] = { nxtest_entry(i0, i), v0 };
            nx_tensor *e[2];
            cr_assert_eq(nx_while(2, e_init, count_cond, count_body, NULL, e), 0, "%s", nx_error_message());
            nxtest_assert_same(nxtest_entry(v[0], i), e[0], 0);
            nxtest_assert_same(nxtest_entry(v[1], i), e[1], 0);
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
    nx_tensor *a = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(3), -2, 5), "a");
    nx_tensor *b = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(4), 0, 6), "b");
    nx_tensor *e = sum_fn((nx_tensor *[]){ a, b }, NULL);
    cr_assert_not_null(e, "%s", nx_error_message());
    nx_tensor *j = nx_jit_apply(sum_fn, NULL, a, b);
    cr_assert_not_null(j, "%s", nx_error_message());
    nxtest_assert_same(j, e, 0);
    cr_assert_eq(e->vrank, 2);
    cr_assert_str_eq(e->names[0], "a");
    cr_assert_str_eq(e->names[1], "b");
    double va[3], vb[4], vk[12];
    nxtest_values(a, va);
    nxtest_values(b, vb);
    nxtest_values(e, vk);
    for (int i = 0; i < 3; i++)
        for (int m = 0; m < 4; m++) {   /* closed form: k = max(a + b, 0) */
            double want = va[i] + vb[m] > 0 ? va[i] + vb[m] : 0;
            cr_assert_eq(vk[i * 4 + m], want, "nxtest_entry (%d, %d): %g, want %g", i, m, vk[i * 4 + m], want);
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
    return nxtest_f64_of(g_loss(a, (void *)n));
}

Test(vectorized_while, grad_matches_entries_and_finite_differences)
{
    unsigned seed = 13;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        double ws[2], xs[4];
        nxtest_rnd_fill(&seed, ws, 2, -1, 2);
        nxtest_rnd_fill(&seed, xs, 4, 0.5, 0.7);
        nx_tensor *n = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(4), 0, 4), "x");
        nx_tensor *w = nx_from_data(ws, NX_F64, NX_SHAPE(2));
        nx_tensor *x = nx_vectorize(nx_from_data(xs, NX_F64, NX_SHAPE(4)), "x");
        nx_tensor *g[2];
        cr_assert_eq(nx_grad(g_loss, n, g, w, x), 0, "%s", nx_error_message());
        /* w is plain but the output is vectorized: one gradient of w's shape per nxtest_entry. */
        assert_vectorized(g[0], "x", 4);
        cr_assert_eq(g[0]->rank, 2);
        cr_assert_eq(g[0]->type, NX_F64);
        assert_vectorized(g[1], "x", 4);
        cr_assert_eq(g[1]->rank, 1);
        double dw[8], dx[4];
        nxtest_values(g[0], dw);
        nxtest_values(g[1], dx);
        const double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            nx_tensor *ni = nxtest_entry(n, i), *xi = nxtest_entry(x, i), *ge[2];
            /* the stacked per-nxtest_entry gradients */
            cr_assert_eq(nx_grad(g_loss, ni, ge, w, xi), 0, "%s", nx_error_message());
            nxtest_assert_same(nxtest_entry(g[0], i), ge[0], 1e-12);
            nxtest_assert_same(nxtest_entry(g[1], i), ge[1], 1e-12);
            /* central differences of the nxtest_entry's own loop */
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
 * every nxtest_entry alone and stacked ---- */

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
            /* t: 3 entries of 5 nxtest_values; the scalar acc is aligned to the generator's inner rank. */
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
