/* tests/test_hooks.c: side effects in numerical definitions (spec/defn.md §10, §5, §7.1,
 * grad.md §4.11): io_call / hook / print_value / runtime_call in the C API and in the
 * interpreter: the printed nodes (spec examples), callbacks firing with the right values
 * in Nx's order once per evaluation (cached graphs too), named hooks from jit's :hooks,
 * while and cond bodies, gradients through hooked values against closed forms, errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/eval.h"
#include "nx.h"
#include "support/nxtest.h"

/* ---------------------------------------------------------------- a recording callback */

typedef struct {
    char tag[32][16];
    double sum[32];    /* the sum of the values each call saw */
    int n;
} log_t;

static double total(const nx_tensor *t)
{
    nx_number v = { 0 };
    nx_tensor *s = nx_sum(nx_as_type(t, NX_F64));
    cr_assert_eq(nx_to_number(s, &v), 0, "%s", nx_error_message());
    return v.f;
}

static int note(log_t *l, const char *tag, int n, const nx_tensor *const *values)
{
    cr_assert_lt(l->n, 32);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += total(values[i]);
    snprintf(l->tag[l->n], sizeof l->tag[l->n], "%s", tag);
    l->sum[l->n++] = s;
    return 0;
}

static int rec_add(int n, const nx_tensor *const *v, void *ctx) { return note(ctx, "add", n, v); }
static int rec_mult(int n, const nx_tensor *const *v, void *ctx) { return note(ctx, "mult", n, v); }
static int rec_other(int n, const nx_tensor *const *v, void *ctx) { return note(ctx, "other", n, v); }
static int rec_fail(int n, const nx_tensor *const *v, void *ctx)
{
    (void)n, (void)v, (void)ctx;
    nx_error_clear();
    return -1;
}

static log_t *current;   /* the log the traced functions below write to */

/* io_call(a + b, :add), io_call(a * b, :mult), add - mult (spec §5.3). */
static nx_tensor *add_mult(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    nx_tensor *d = nx_hook(nx_add(x[0], x[1]), "add", rec_add, current);
    nx_tensor *f = nx_hook(nx_multiply(x[0], x[1]), "mult", rec_mult, current);
    return nx_subtract(d, f);
}

static nx_tensor *f32s(double v)
{
    return nx_scalar(NX_FLOAT(v), NX_F32);
}

/* The trace of add_mult (and of the same fn in the interpreter): each hook an io_call. */
static const char add_mult_expr[] = "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                    "  parameter a:0         f32\n"
                                    "  parameter b:1         f32\n"
                                    "  c = add a, b          f32\n"
                                    "  d = io_call add: c    f32\n"
                                    "  e = multiply a, b     f32\n"
                                    "  f = io_call mult: e   f32\n"
                                    "  g = subtract d, f     f32\n>";

Test(hooks, prints_spec_example)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_tensor *e = nx_jit(add_mult, NULL, f32s(0), f32s(0));
    cr_assert_not_null(e, "%s", nx_error_message());
    NXTEST_PRINTS(e, add_mult_expr);
    cr_assert_eq(l.n, 0, "tracing fires nothing");
    nx_scope_end();
}

static nx_tensor *fn_only(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_exp(nx_io_call(nx_negate(x[0]), NULL, rec_other, current));
}

Test(hooks, prints_function_io_call)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(fn_only, NULL, nx_iota(((nx_shape){ 1, { 3 } })));
    NXTEST_PRINTS(e, "#Nx.Tensor<\n  f32[3]\n  \n  Nx.Defn.Expr\n"
                     "  parameter a:0                 s32[3]\n"
                     "  b = negate a                  s32[3]\n"
                     "  c = io_call b, &rec_other/1   s32[3]\n"
                     "  d = exp c                     f32[3]\n>");
    nx_scope_end();
}

Test(hooks, fires_in_order_on_every_call)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_jit_cache_clear();
    for (int k = 0; k < 3; k++) {
        nx_tensor *a = f32s(1.5 + k), *b = f32s(-2.0 * k + 0.25);
        nx_tensor *r = nx_jit_apply(add_mult, NULL, a, b);
        cr_assert_not_null(r, "%s", nx_error_message());
        double av = 1.5 + k, bv = -2.0 * k + 0.25;
        cr_assert_float_eq(total(r), (float)(av + bv) - (float)(av * bv), 1e-5);
        cr_assert_eq(l.n, 2 * (k + 1), "both hooks fire once per call (cached graph too)");
        cr_assert_str_eq(l.tag[2 * k], "add");
        cr_assert_str_eq(l.tag[2 * k + 1], "mult");
        cr_assert_float_eq(l.sum[2 * k], (float)(av + bv), 1e-6);
        cr_assert_float_eq(l.sum[2 * k + 1], (float)(av * bv), 1e-6);
    }
    int64_t entries = 0;
    nx_jit_cache_stats(&entries, NULL);
    cr_assert_eq(entries, 1);
    nx_jit_cache_clear();
    nx_scope_end();
}

/* {b, a}: b's io_call fires first (spec §8). An io_call that does not reach the output
 * never fires. */
static nx_tensor *swapped(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    nx_tensor *a = nx_hook(nx_add(x[0], NX_I(1)), "add", rec_add, current);
    nx_tensor *b = nx_hook(nx_multiply(x[0], NX_I(2)), "mult", rec_mult, current);
    nx_hook(nx_negate(x[0]), "other", rec_other, current);   /* unused */
    return nx_add(b, a);
}

Test(hooks, order_follows_the_output)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_tensor *e = nx_jit(swapped, NULL, f32s(0));
    nx_tensor *r = nx_expr_eval(e, 1, (const nx_tensor *[]){ f32s(3) });
    cr_assert_not_null(r, "%s", nx_error_message());
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.tag[0], "mult");
    cr_assert_str_eq(l.tag[1], "add");
    cr_assert_float_eq(total(r), 10.0, 1e-6);
    nx_scope_end();
}

/* jit's hooks: override a named io_call, give one without a function a callback. */
static nx_tensor *named_only(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    nx_tensor *a = nx_hook(nx_add(x[0], NX_I(1)), "add", rec_add, current);
    nx_tensor *b = nx_hook(nx_multiply(x[0], NX_I(2)), "mult", NULL, NULL);
    return nx_add(a, b);
}

Test(hooks, hooks_option)
{
    nx_scope_begin();
    log_t l = { 0 }, over = { 0 };
    current = &l;
    nx_tensor *x = f32s(4);
    nx_tensor *r = nx_jit_apply(named_only, NULL, x);
    cr_assert_not_null(r, "%s", nx_error_message());
    cr_assert_eq(l.n, 1, "a named io_call without a function and without a hook calls nothing");
    nx_hook_binding b[] = { { "mult", rec_other, &over }, { "add", rec_other, &over } };
    nx_hooks hooks = { 2, b };
    r = nx_jit_call_hooks(named_only, NULL, 1, (const nx_tensor *[]){ x }, &hooks);
    cr_assert_float_eq(total(r), 13.0, 1e-6);
    cr_assert_eq(l.n, 1, "the default callback is overridden");
    cr_assert_eq(over.n, 2);
    cr_assert_float_eq(over.sum[0], 5.0, 1e-6);
    cr_assert_float_eq(over.sum[1], 8.0, 1e-6);
    r = nx_jit_apply(named_only, NULL, x);   /* the hooks were for that call only */
    cr_assert_eq(l.n, 2);
    cr_assert_eq(over.n, 2);
    nx_jit_cache_clear();
    nx_scope_end();
}

/* while x < 10: x = io_call(x + 1, :while): fires with 6..10 from 5 (spec §10.1). */
static nx_tensor *below_10(nx_tensor *const *s, void *ctx)
{
    (void)ctx;
    return nx_less(s[0], NX_I(10));
}

static int step(nx_tensor *const *s, nx_tensor **next, void *ctx)
{
    (void)ctx;
    next[0] = nx_hook(nx_add(s[0], NX_I(1)), "while", NULL, NULL);
    return next[0] ? 0 : -1;
}

static nx_tensor *counting(nx_tensor *const *x, void *ctx)
{
    nx_tensor *out = NULL;
    return nx_while(1, (const nx_tensor *const *)x, below_10, step, ctx, &out) < 0 ? NULL : out;
}

Test(hooks, while_fires_per_iteration)
{
    nx_scope_begin();
    log_t l = { 0 };
    nx_hook_binding b[] = { { "while", rec_other, &l } };
    nx_hooks hooks = { 1, b };
    nx_tensor *x = nx_scalar(NX_INT(5), NX_S32);
    nx_tensor *e = nx_jit(counting, NULL, x);
    cr_assert_not_null(e, "%s", nx_error_message());
    nx_tensor *r = nx_expr_eval_hooks(e, 1, (const nx_tensor *[]){ x }, &hooks);
    cr_assert_float_eq(total(r), 10.0, 1e-9);
    cr_assert_eq(l.n, 5);
    for (int i = 0; i < 5; i++)
        cr_assert_float_eq(l.sum[i], 6.0 + i, 1e-9);
    nx_scope_end();
}

/* An io_call in a cond branch fires only when that branch runs. */
static nx_tensor *then_branch(void *ctx)
{
    nx_tensor *const *x = ctx;
    return nx_hook(nx_add(x[0], NX_I(100)), "add", rec_add, current);
}

static nx_tensor *else_branch(void *ctx)
{
    nx_tensor *const *x = ctx;
    return nx_hook(nx_subtract(x[0], NX_I(100)), "mult", rec_mult, current);
}

static nx_tensor *branchy(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_if(nx_greater(x[0], NX_I(0)), then_branch, else_branch, (void *)x);
}

Test(hooks, cond_fires_taken_branch)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_tensor *e = nx_jit(branchy, NULL, f32s(0));
    cr_assert_not_null(e, "%s", nx_error_message());
    nx_tensor *r = nx_expr_eval(e, 1, (const nx_tensor *[]){ f32s(2) });
    cr_assert_not_null(r, "%s", nx_error_message());
    cr_assert_float_eq(total(r), 102.0, 1e-6);
    r = nx_expr_eval(e, 1, (const nx_tensor *[]){ f32s(-3) });
    cr_assert_float_eq(total(r), -103.0, 1e-6);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.tag[0], "add");
    cr_assert_str_eq(l.tag[1], "mult");
    cr_assert_float_eq(l.sum[1], -103.0, 1e-6);
    nx_scope_end();
}

/* ---------------------------------------------------------------- containers */

static nx_tensor *pair(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    nx_tensor *out[2];
    nx_io_callback cb = { .name = "pair", .fn = rec_other, .ctx = current };
    if (nx_io_call_n(2, (const nx_tensor *[]){ nx_sin(x[0]), x[1] }, &cb, out) < 0)
        return NULL;
    return nx_multiply(out[0], out[1]);
}

Test(hooks, container_io_call)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_tensor *e = nx_jit(pair, NULL, f32s(0), f32s(0));
    NXTEST_PRINTS(e, "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                     "  parameter a:0              f32\n"
                     "  parameter c:1              f32\n"
                     "  b = sin a                  f32\n"
                     "  d = io_call pair: {b, c}   tuple2\n"
                     "  e = elem d, 0              f32\n"
                     "  f = elem d, 1              f32\n"
                     "  g = multiply e, f          f32\n>");
    nx_tensor *r = nx_expr_eval(e, 2, (const nx_tensor *[]){ f32s(0.5), f32s(3) });
    cr_assert_float_eq(total(r), (float)(sinf(0.5f) * 3.0f), 1e-6);
    cr_assert_eq(l.n, 1, "one call with both leaves");
    cr_assert_float_eq(l.sum[0], sinf(0.5f) + 3.0f, 1e-6);
    nx_scope_end();
}

/* ---------------------------------------------------------------- print_value */

static FILE *sink;

static nx_tensor *printed(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_print_value(nx_add(x[0], x[1]), .label = "add", .out = sink);
}

static long mark;   /* what sink_text has read of sink so far */

/* What was written to sink since the last call. */
static char *sink_text(void)
{
    fflush(sink);
    long end = ftell(sink);
    char *s = calloc(1, (size_t)(end - mark) + 1);
    cr_assert_eq(fseek(sink, mark, SEEK_SET), 0);
    cr_assert_eq(fread(s, 1, (size_t)(end - mark), sink), (size_t)(end - mark));
    mark = end;
    return s;
}

static FILE *new_sink(void)
{
    mark = 0;
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    return f;
}

Test(hooks, print_value_spec_example)
{
    nx_scope_begin();
    sink = new_sink();
    cr_assert_not_null(sink);
    nx_tensor *one = nx_scalar(NX_INT(1), NX_S32), *two = nx_scalar(NX_INT(2), NX_S32);
    nx_tensor *e = nx_jit(printed, NULL, one, two);
    NXTEST_PRINTS(e, "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                     "  parameter a:0                  s32\n"
                     "  parameter b:1                  s32\n"
                     "  c = add a, b                   s32\n"
                     "  d = io_call c, &IO.inspect/2   s32\n>");
    char *s = sink_text();
    cr_assert_str_eq(s, "", "nothing printed while tracing");
    free(s);
    for (int k = 0; k < 2; k++) {
        nx_tensor *r = nx_jit_apply(printed, NULL, one, two);
        cr_assert_float_eq(total(r), 3.0, 1e-9);
        s = sink_text();
        cr_assert_str_eq(s, "add: #Nx.Tensor<\n  s32\n  3\n>\n");
        free(s);
    }
    nx_tensor *r = nx_print_value(nx_iota(((nx_shape){ 1, { 3 } })), .out = sink);   /* eager: at once */
    s = sink_text();
    cr_assert_str_eq(s, "#Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>\n");
    free(s);
    cr_assert_float_eq(total(r), 3.0, 1e-9);
    fclose(sink);
    nx_jit_cache_clear();
    nx_scope_end();
}

static nx_tensor *doubled(const nx_tensor *v, void *ctx)
{
    (void)ctx;
    return nx_multiply(v, NX_I(2));
}

Test(hooks, print_value_with_function)
{
    nx_scope_begin();
    sink = new_sink();
    nx_tensor *r = nx_print_value(nx_add(nx_scalar(NX_INT(1), NX_S32), NX_I(2)), .fn = doubled, .out = sink);
    char *s = sink_text();
    cr_assert_str_eq(s, "#Nx.Tensor<\n  s32\n  6\n>\n");
    free(s);
    cr_assert_float_eq(total(r), 3.0, 1e-9, "returns the value itself");
    fclose(sink);
    nx_scope_end();
}

/* ---------------------------------------------------------------- grad */

static nx_tensor *plain(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_sum(nx_sin(nx_multiply(x[0], x[0])));
}

static nx_tensor *hooked(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    nx_tensor *sq = nx_hook(nx_multiply(x[0], x[0]), "sq", rec_other, current);
    nx_tensor *s = nx_print_value(nx_sin(sq), .out = sink);
    nx_tensor *out[2];
    nx_io_callback cb = { .fn = rec_other, .ctx = current };
    if (nx_io_call_n(2, (const nx_tensor *[]){ s, x[0] }, &cb, out) < 0)
        return NULL;
    return nx_add(nx_sum(out[0]), nx_multiply(nx_sum(out[1]), NX_I(0)));
}

Test(hooks, grad_passes_through)
{
    nx_scope_begin();
    sink = new_sink();
    log_t l = { 0 };
    current = &l;
    const nx_type types[] = { NX_F32, NX_F64, NX_BF16, NX_F16 };
    unsigned seed = 7;
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        double v[6];
        for (int i = 0; i < 6; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = -2.0 + 4.0 * ((seed >> 8) & 0xFFFF) / 65535.0;
        }
        nx_tensor *x = nx_as_type(nx_from_data(v, NX_F64, ((nx_shape){ 2, { 2, 3 } })), types[t]);
        nx_tensor *g1 = NULL, *g2 = NULL, *val = NULL;
        cr_assert_eq(nx_grad(plain, NULL, &g1, x), 0, "%s", nx_error_message());
        int before = l.n;
        cr_assert_eq(nx_value_and_grad(hooked, NULL, &val, &g2, x), 0, "%s", nx_error_message());
        cr_assert_eq(l.n - before, 2, "each io_call fires once for value and grad together");
        cr_assert_eq(nx_type_of(g2), nx_type_of(g1));
        double tol = types[t] == NX_F64 ? 1e-12 : types[t] == NX_F32 ? 1e-5 : 5e-2;
        double xs[6], a[6], b[6];
        cr_assert_eq(nx_to_binary(nx_as_type(x, NX_F64), xs, sizeof xs), (int64_t)(8 * sizeof xs));
        cr_assert_eq(nx_to_binary(nx_as_type(g1, NX_F64), a, sizeof a), (int64_t)(8 * sizeof a));
        cr_assert_eq(nx_to_binary(nx_as_type(g2, NX_F64), b, sizeof b), (int64_t)(8 * sizeof b));
        for (int i = 0; i < 6; i++) {   /* the plain grad, and the closed form 2 x cos(x^2) */
            double want = 2 * xs[i] * cos(xs[i] * xs[i]);
            cr_assert(fabs(a[i] - b[i]) <= tol * (1 + fabs(a[i])), "type %zu: %g vs %g", t, a[i], b[i]);
            cr_assert(fabs(b[i] - want) <= 10 * tol * (1 + fabs(want)), "type %zu: %g vs closed form %g", t, b[i],
                      want);
        }
        cr_assert_float_eq(total(val), total(nx_sin(nx_multiply(x, x))), tol * 10);
    }
    fclose(sink);
    nx_scope_end();
}

static nx_tensor *hooked_sq(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_sum(nx_sin(nx_hook(nx_multiply(x[0], x[0]), "sq", rec_other, current)));
}

Test(hooks, jvp_passes_through)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    double xs[3] = { 0.3, -1.1, 1.7 }, vs[3] = { 1.0, 0.5, -2.0 }, dy = 0;
    nx_tensor *x = nx_from_data(xs, NX_F64, ((nx_shape){ 1, { 3 } }));
    nx_tensor *v = nx_from_data(vs, NX_F64, ((nx_shape){ 1, { 3 } }));
    nx_tensor *y = NULL, *t = NULL;
    cr_assert_eq(nx_jvp(hooked_sq, NULL, &y, &t, x, v), 0, "%s", nx_error_message());
    for (int i = 0; i < 3; i++)   /* closed form: sum 2 x cos(x^2) v */
        dy += 2 * xs[i] * cos(xs[i] * xs[i]) * vs[i];
    cr_assert_float_eq(total(t), dy, 1e-12);
    cr_assert_geq(l.n, 1);
    nx_scope_end();
}

Test(hooks, cli_compile_with_hooks)
{
    nxtest_expect_code("f = Nx.Defn.compile(fn x -> Nx.Defn.Kernel.hook(Nx.add(x, 1), :c) end, [Nx.template({}, :s32)],"
                       " hooks: %{c: fn v -> send(self(), Nx.to_number(v)) end})\n"
                       "f.(Nx.tensor(1))\nf.(Nx.tensor(4))\n"
                       "Enum.map(1..3, fn _ -> receive do v -> v after 0 -> :none end end)",
                       "[2, 5, :none]");
    nxtest_expect_code("Nx.Defn.compile(fn x -> x end, [1], hooks: [])",
                       "** (ArgumentError) :hooks option must be a map");
}

/* Nx.Defn.Graph: a stage boundary after each io_call; the stages still fire each once. */
static int after_io(const nx_tensor *node, void *ctx)
{
    (void)ctx;
    return !strcmp(nx_expr_op(node), "io_call") ? NX_SPLIT_AFTER : NX_SPLIT_NONE;
}

Test(hooks, graph_split_keeps_io_calls)
{
    nx_scope_begin();
    log_t l = { 0 };
    current = &l;
    nx_tensor *e = nx_jit(add_mult, NULL, f32s(0), f32s(0));
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, after_io, NULL);
    cr_assert_not_null(c, "%s", nx_error_message());
    cr_assert_eq(c->n, 3);
    nx_tensor *r = NULL;
    cr_assert_eq(nx_graph_run(c, 2, (const nx_tensor *const[]){ f32s(2), f32s(5) }, &r), 0, "%s", nx_error_message());
    cr_assert_float_eq(total(r), -3.0, 1e-6);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.tag[0], "add");
    cr_assert_float_eq(l.sum[0], 7.0, 1e-6);
    cr_assert_str_eq(l.tag[1], "mult");
    cr_assert_float_eq(l.sum[1], 10.0, 1e-6);
    nx_graph_chain_free(c);
    nx_scope_end();
}

/* ---------------------------------------------------------------- runtime_call */

static int triple(int n, const nx_tensor *const *data, int nout, nx_tensor **out, void *ctx)
{
    (void)n, (void)nout, (void)ctx;
    out[0] = nx_multiply(data[0], NX_I(3));
    return out[0] ? 0 : -1;
}

static int wrong(int n, const nx_tensor *const *data, int nout, nx_tensor **out, void *ctx)
{
    (void)n, (void)nout, (void)ctx;
    out[0] = nx_as_type(data[0], NX_F64);
    return 0;
}

static nx_tensor *rt_traced(nx_tensor *const *x, void *ctx)
{
    nx_tensor *tmpl = nx_template(((nx_shape){ 1, { 2 } }), NX_S32);
    return nx_add(nx_runtime_call(tmpl, x[0], ctx ? wrong : triple, NULL), NX_I(1));
}

Test(hooks, runtime_call)
{
    nx_scope_begin();
    nx_tensor *x = nx_iota(((nx_shape){ 1, { 2 } }));
    nx_tensor *tmpl = nx_template(((nx_shape){ 1, { 2 } }), NX_S32);
    nx_tensor *r = nx_runtime_call(tmpl, nx_add(x, NX_I(1)), triple, NULL);   /* eager */
    cr_assert_float_eq(total(r), 9.0, 1e-9);
    cr_assert_null(nx_runtime_call(tmpl, x, wrong, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected the runtime_call function to match the given output template "
                 "#Nx.Tensor<s32[2] Nx.TemplateBackend>, got: #Nx.Tensor<f64[2] [0.0, 1.0]>");
    nx_tensor *e = nx_jit(rt_traced, NULL, x);
    NXTEST_PRINTS(e, "#Nx.Tensor<\n  s32[2]\n  \n  Nx.Defn.Expr\n"
                     "  parameter a:0                                                                     s32[2]\n"
                     "  b = runtime_call a, &nx_runtime_fn/2, #Nx.Tensor<s32[2] Nx.TemplateBackend>, []   s32[2]\n"
                     "  c = add 1, b                                                                      s32[2]\n>");
    r = nx_expr_eval(e, 1, (const nx_tensor *[]){ x });
    cr_assert_float_eq(total(r), 5.0, 1e-9);
    nx_tensor *bad = nx_jit(rt_traced, (void *)1, x);
    cr_assert_null(nx_expr_eval(bad, 1, (const nx_tensor *[]){ x }));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "expected the runtime_call function to match the given output template");
    /* no gradient flows through it */
    nx_tensor *g = NULL;
    cr_assert_eq(nx_grad(rt_traced, NULL, &g, nx_as_type(x, NX_F32)), -1);
    nx_error_clear();
    nx_scope_end();
}

/* ---------------------------------------------------------------- errors */

static nx_tensor *failing(nx_tensor *const *x, void *ctx)
{
    (void)ctx;
    return nx_add(nx_io_call(x[0], NULL, rec_fail, NULL), NX_I(1));
}

Test(hooks, errors)
{
    nx_scope_begin();
    nx_tensor *x = f32s(1);
    cr_assert_null(nx_hook(x, "named", NULL, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "named io_call :named is only supported inside defn; pass a function callback "
                 "instead");
    cr_assert_null(nx_hook(x, "named", rec_add, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "named io_call :named is only supported inside defn; pass a function callback "
                 "instead");
    cr_assert_null(nx_io_call_(x, NULL, NULL, NULL, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a function of arity 1 or an atom, got: nil");
    cr_assert_null(nx_jit_apply(failing, NULL, x));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "io_call callback failed");
    cr_assert_null(nx_io_call(x, NULL, rec_fail, NULL));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "io_call callback failed");
    log_t l = { 0 };
    nx_tensor *y = nx_io_call(x, NULL, rec_other, &l);   /* eager: at once */
    cr_assert_eq(l.n, 1);
    cr_assert_float_eq(total(y), 1.0, 1e-9);
    nx_jit_cache_clear();
    nx_scope_end();
}

/* ---------------------------------------------------------------- the interpreter */

static char *run_capture(const char *code, const char *expected)
{
    FILE *saved = nxi_side_out;
    sink = new_sink();
    nxi_side_out = sink;
    nxtest_expect_code(code, expected);
    nxi_side_out = saved;
    char *s = sink_text();
    fclose(sink);
    return s;
}

Test(hooks, cli_debug_expr_prints)
{
    nxtest_expect_code("Nx.Defn.debug_expr(fn a, b ->\n"
                       "  Nx.subtract(Nx.io_call(Nx.add(a, b), :add), Nx.Defn.Kernel.hook(Nx.multiply(a, b), :mult))\n"
                       "end).(1.0, 2.0)",
                       add_mult_expr);
    nxtest_expect_code("defmodule HookLog do\n  def log(t), do: t\nend\n"
                       "Nx.Defn.debug_expr(fn a -> Nx.io_call({a, Nx.negate(a)}, &HookLog.log/1) end).(1)",
                       "{#Nx.Tensor<\n"
                       "   s32\n"
                       "   \n"
                       "   Nx.Defn.Expr\n"
                       "   parameter a:0                        s32\n"
                       "   b = negate a                         s32\n"
                       "   c = io_call {a, b}, &HookLog.log/1   tuple2\n"
                       "   d = elem c, 0                        s32\n"
                       " >,\n"
                       " #Nx.Tensor<\n"
                       "   s32\n"
                       "   \n"
                       "   Nx.Defn.Expr\n"
                       "   parameter a:0                        s32\n"
                       "   b = negate a                         s32\n"
                       "   c = io_call {a, b}, &HookLog.log/1   tuple2\n"
                       "   d = elem c, 1                        s32\n"
                       " >}");
}

Test(hooks, cli_print_value)
{
    char *s = run_capture("defmodule PV do\n  import Nx.Defn\n"
                          "  defn f(a, b), do: print_value(a + b, label: \"add\") * 2\nend\n"
                          "PV.f(1, 2)\nPV.f(1, 2)",
                          "#Nx.Tensor<\n  s32\n  6\n>");
    cr_assert_str_eq(s, "add: #Nx.Tensor<\n  s32\n  3\n>\nadd: #Nx.Tensor<\n  s32\n  3\n>\n",
                     "every call prints, the cached one too");
    free(s);
    s = run_capture("Nx.Defn.jit(fn x -> Nx.Defn.Kernel.print_value(x, fn x -> Nx.multiply(x, 2) end) end)"
                    ".(Nx.tensor([1, 2]))",
                    "#Nx.Tensor<\n  s32[2]\n  [1, 2]\n>");
    cr_assert_str_eq(s, "#Nx.Tensor<\n  s32[2]\n  [2, 4]\n>\n");
    free(s);
    s = run_capture("Nx.Defn.Kernel.print_value(Nx.tensor(7), label: \"eager\")", "#Nx.Tensor<\n  s32\n  7\n>");
    cr_assert_str_eq(s, "eager: #Nx.Tensor<\n  s32\n  7\n>\n");
    free(s);
}

Test(hooks, cli_hooks_fire_on_every_call)
{
    nxtest_expect_code("defmodule HK do\n  import Nx.Defn\n"
                       "  defn f(x), do: hook(x + 1, :inc) * hook(x, fn v -> send(self(), {:plain, v}) end)\nend\n"
                       "f = Nx.Defn.jit(&HK.f/1, hooks: %{inc: fn v -> send(self(), {:inc, v}) end})\n"
                       "f.(Nx.tensor(2))\nf.(Nx.tensor(5))\nHK.f(Nx.tensor(9))\n"
                       "Enum.map(1..6, fn _ ->\n  receive do\n    {tag, v} -> {tag, Nx.to_number(v)}\n"
                       "  after 0 -> :none\n  end\nend)",
                       "[{:inc, 3}, {:plain, 2}, {:inc, 6}, {:plain, 5}, {:plain, 9}, :none]");
    nxtest_expect_code("defmodule HW do\n  import Nx.Defn\n"
                       "  defn f(x) do\n    while x, x < 10 do\n      hook(x + 1, :while)\n    end\n  end\nend\n"
                       "Nx.Defn.jit(&HW.f/1, hooks: %{while: fn v -> send(self(), Nx.to_number(v)) end}).(5)\n"
                       "Enum.map(1..6, fn _ -> receive do v -> v after 0 -> :none end end)",
                       "[6, 7, 8, 9, 10, :none]");
}

Test(hooks, cli_runtime_call_and_grad)
{
    nxtest_expect_code("defmodule RC do\n  def triple(t, opts), do: Nx.multiply(t, opts[:k])\nend\n"
                       "Nx.Defn.jit(fn x -> Nx.add(Nx.runtime_call(x, x, [k: 3], &RC.triple/2), 1) end)"
                       ".(Nx.tensor([1, 2]))",
                       "#Nx.Tensor<\n  s32[2]\n  [4, 7]\n>");
    nxtest_expect_code("Nx.Defn.debug_expr(fn x -> Nx.runtime_call(x, x, [k: 3], &RC.triple/2) end)"
                       ".(Nx.tensor([1, 2]))",
                       "#Nx.Tensor<\n  s32[2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                                                                   s32[2]\n"
                       "  b = runtime_call a, &RC.triple/2, #Nx.Tensor<s32[2] Nx.TemplateBackend>, k: 3   s32[2]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn x -> Nx.runtime_call(Nx.template({3}, :s32), x, [], fn t, _ -> t end) end)"
                       ".(Nx.tensor([1, 2]))",
                       "** (RuntimeError) expected the runtime_call function to match the given output template");
    /* grad through hooks equals the plain grad */
    char *s = run_capture("x = Nx.tensor([0.5, -1.25, 2.0])\n"
                       "g1 = Nx.Defn.grad(x, fn x -> Nx.sum(Nx.sin(Nx.multiply(x, x))) end)\n"
                       "g2 = Nx.Defn.grad(x, fn x -> Nx.sum(Nx.Defn.Kernel.print_value(Nx.sin("
                       "Nx.Defn.Kernel.hook(Nx.multiply(x, x), fn _ -> :ok end)), fn _ -> 0 end)) end)\n"
                       "Nx.equal(g1, g2) |> Nx.all()",
                       "#Nx.Tensor<\n  u8\n  1\n>");
    cr_assert_str_eq(s, "0\n", "print_value fires once (its value reaches the gradient)");
    free(s);
}

Test(hooks, cli_errors)
{
    nxtest_expect_code("Nx.Defn.jit(fn x -> Nx.io_call(x, fn _ -> raise \"boom\" end) end).(1)",
                       "** (RuntimeError) boom");
    nxtest_expect_code("Nx.Defn.jit(fn x -> Nx.io_call(x, 3) end).(1)",
                       "** (ArgumentError) expected a function of arity 1 or an atom, got: 3");
    nxtest_expect_code("Nx.Defn.Kernel.hook(Nx.tensor(1), :named)",
                       "** (ArgumentError) named io_call :named is only supported inside defn; pass a function "
                       "callback instead");
    nxtest_expect_code("Nx.Defn.jit(fn x -> Nx.Defn.Kernel.print_value(x, 3) end).(1)",
                       "** (FunctionClauseError) no function clause matching in Nx.Defn.Kernel.print_value/2");
}
