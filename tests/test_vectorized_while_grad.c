/* tests/test_vectorized_while_grad.c: gradients through vectorized while loops whose state
 * leaves carry vectorized axes beyond the condition's (spec/grad.md §6.2, §9): the inner
 * loop then has vectorized state. Each gradient entry must equal that entry's own
 * plain-loop gradient, stacked, and central finite differences in f64; jvp against
 * directional differences; the same through the interpreter's generators. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/tensor.h"
#include "nx.h"
#include "support/nxtest.h"
#include "support/nxtest_entries.h"

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

/* The loss of one plain nxtest_entry (i a scalar, v and u not vectorized), eagerly. */
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
    int n = nxtest_values(p, v);
    cr_assert_lt(k, n);
    v[k] += d;
    return nx_from_data(v, NX_F64, nx_shape_of(p));
}

/* Entry idx[0..nv) of a tensor vectorized over nv axes (or fewer: the rest ignored). */
static nx_tensor *entry_at(const nx_tensor *t, int nv, const int *idx)
{
    nx_tensor *e = (nx_tensor *)t;
    for (int k = 0; k < nv && e->vrank > 0; k++)
        e = nxtest_entry(e, idx[k]);
    return e;
}

/* grad of ex_loss at (i0, v0, u0) checked nxtest_entry by nxtest_entry: against the gradient of that
 * nxtest_entry's own plain loop and against central differences of it; the value against the
 * eager forward loss. axes: the vectorized axes of the result, in order, with sizes. */
static void check_extra_axes_grad(const nx_tensor *i0, const nx_tensor *v0, const nx_tensor *u0, int nv,
                                  const char *const *names, const int64_t *sizes)
{
    nx_tensor *g[2], *value;
    cr_assert_eq(nx_value_and_grad(ex_loss, (void *)i0, &value, g, v0, u0), 0, "%s", nx_error_message());
    nx_tensor *fwd = ex_loss((nx_tensor *[]){ (nx_tensor *)v0, (nx_tensor *)u0 }, (void *)i0);
    cr_assert_not_null(fwd, "%s", nx_error_message());
    nxtest_assert_same(value, fwd, 1e-12);
    for (int k = 0; k < 2; k++) {   /* each nxtest_entry its own gradient (spec/grad.md §9) */
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
        /* the nxtest_entry's inputs, plain: each input vectorized over some of the axes */
        nx_tensor *in[3] = { (nx_tensor *)i0, (nx_tensor *)v0, (nx_tensor *)u0 }, *plain[3];
        for (int m = 0; m < 3; m++) {
            plain[m] = in[m];
            for (int a = 0; a < nv; a++) {
                int j = 0;
                while (j < plain[m]->vrank && strcmp(plain[m]->names[j], names[a]))
                    j++;
                if (j == plain[m]->vrank)
                    continue;
                /* take nxtest_entry idx[a] of axis j: move it first, then nxtest_entry() */
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
                plain[m] = nxtest_entry(rv, idx[a]);
            }
            cr_assert_eq(plain[m]->vrank, 0);
        }
        nx_tensor *ge[2];
        cr_assert_eq(nx_grad(ex_loss, plain[0], ge, plain[1], plain[2]), 0, "%s", nx_error_message());
        for (int k = 0; k < 2; k++) {
            nx_tensor *got = entry_at(g[k], nv, idx);
            nxtest_assert_same(got, ge[k], 1e-12);
            double gv[16];
            int n = nxtest_values(got, gv);
            for (int q = 0; q < n; q++) {
                nx_tensor *vp = k == 0 ? moved(plain[1], q, h) : plain[1], *vm = k == 0 ? moved(plain[1], q, -h) : plain[1];
                nx_tensor *up = k == 1 ? moved(plain[2], q, h) : plain[2], *um = k == 1 ? moved(plain[2], q, -h) : plain[2];
                double fd = (ex_loss_at(plain[0], vp, up) - ex_loss_at(plain[0], vm, um)) / (2 * h);
                cr_assert(fabs(gv[q] - fd) <= 1e-6 * (1 + fabs(fd)), "leaf %d nxtest_entry %lld element %d: %g against %g", k,
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
        v[i] = 2 * nxtest_rnd(seed) - 1;
    return nx_from_data(v, NX_F64, shape);
}

/* i over x (starts 0..4: entries stop after 4, 3, .. 0 iterations), v over y, u plain. */
Test(vectorized_while_grad, grad_leaf_with_an_extra_axis)
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
Test(vectorized_while_grad, grad_vectorized_state_plain_condition)
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
Test(vectorized_while_grad, grad_two_extra_axes)
{
    unsigned seed = 41;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        nx_tensor *i0 = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(2), 0, 5), "x");
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
    nxtest_values(r, out);
}

Test(vectorized_while_grad, grad_and_jvp_of_a_plain_variable)
{
    unsigned seed = 43;
    long rounds = nxtest_scaled(2);
    for (long r = 0; r < rounds; r++) {
        nx_scope_begin();
        mixed m = { .i0 = nx_vectorize(nxtest_random_ints(&seed, NX_S32, NX_SHAPE(3), 0, 5), "x"),
                    .v0 = nx_vectorize(random_f64(&seed, NX_SHAPE(2, 2)), "y"),
                    .u0 = nx_vectorize(random_f64(&seed, NX_SHAPE(3, 2)), "z"),
                    .k0 = nx_vectorize(random_f64(&seed, NX_SHAPE(2, 1)), "y") };
        double ws[2] = { 0.5 + nxtest_rnd(&seed), 0.5 + nxtest_rnd(&seed) }, ts[2] = { 2 * nxtest_rnd(&seed) - 1, 2 * nxtest_rnd(&seed) - 1 };
        nx_tensor *w = nx_from_data(ws, NX_F64, NX_SHAPE(2)), *t = nx_from_data(ts, NX_F64, NX_SHAPE(2));
        const double h = 1e-6;
        /* grad of the summed loss */
        nx_tensor *g[1], *value;
        cr_assert_eq(nx_value_and_grad(mixed_loss, &m, &value, g, w), 0, "%s", nx_error_message());
        cr_assert_eq(g[0]->vrank, 0);
        cr_assert_eq(g[0]->rank, 1);
        double gv[2], v0[1];
        nxtest_values(g[0], gv);
        mixed_at(&m, ws, v0);
        double vv[1];
        nxtest_values(value, vv);
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
        nxtest_values(y, yv);
        nxtest_values(dy, dyv);
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
 * axis (z) beyond the generator's (x), against each nxtest_entry's plain gradient, stacked ---- */

Test(vectorized_while_grad, interpreter_grad_with_an_extra_axis)
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
