/* tests/test_defn.c: numerical definitions (spec/defn.md): printed expressions (§5.3's
 * examples are the oracles), construction-time rewrites, CSE, the evaluator against eager
 * execution, the jit cache, and errors on values needed at trace time. */
#include <criterion/criterion.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"

static nx_tensor *seed(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_divide(nx_exp(a[0]), nx_sum(nx_exp(a[0])));
}

Test(defn, seed_example_and_simplify)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(seed, NULL, nx_template(NX_SHAPE(3), NX_F32));
    NXTEST_PRINTS(e, "#Nx.Tensor<\n  f32[3]\n  \n  Nx.Defn.Expr\n"
                     "  parameter a:0                            f32[3]\n"
                     "  b = exp a                                f32[3]\n"
                     "  c = exp a                                f32[3]\n"
                     "  d = sum c, axes: nil, keep_axes: false   f32\n"
                     "  e = divide b, d                          f32[3]\n>");
    NXTEST_PRINTS(nx_expr_simplify(e), "#Nx.Tensor<\n  f32[3]\n  \n  Nx.Defn.Expr\n"
                                       "  parameter a:0                            f32[3]\n"
                                       "  b = exp a                                f32[3]\n"
                                       "  c = sum b, axes: nil, keep_axes: false   f32\n"
                                       "  d = divide b, c                          f32[3]\n>");
    nx_scope_end();
}

static nx_tensor *dot_tanh(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_sum(nx_add(nx_add(nx_dot(a[0], a[0]), nx_tanh(a[1])), NX_I(2)));
}

Test(defn, example_dot_tanh_sum)
{
    nx_scope_begin();
    nx_tensor *t = nx_template(NX_SHAPE(2, 2), NX_S32);
    NXTEST_PRINTS(nx_jit(dot_tanh, NULL, t, t), nxtest_dot_tanh_expr);
    nx_scope_end();
}

static nx_tensor *tensor_iota(nx_tensor *const *a, void *ctx)
{
    const nx_tensor *b = ctx;
    nx_tensor *c = nx_iota(NX_SHAPE(2, 2));
    return nx_argmin(nx_add(nx_tanh(nx_dot(c, b)), a[2]), .tie_break = NX_TIE_HIGH);
}

Test(defn, example_tensor_and_iota)
{
    nx_scope_begin();
    nx_tensor *b = nx_from_data(((int32_t[]){ 1, 2, 1, 2 }), NX_S32, NX_SHAPE(2, 2));
    nx_tensor *t = nx_template(NX_SHAPE(2, 2), NX_S32);
    NXTEST_PRINTS(nx_jit(tensor_iota, b, t, t, t), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  tensor b                                                      s32[2][2]\n"
                  "  parameter e:2                                                 s32[2][2]\n"
                  "  a = iota nil                                                  s32[2][2]\n"
                  "  c = dot a, [1], [], b, [0], []                                s32[2][2]\n"
                  "  d = tanh c                                                    f32[2][2]\n"
                  "  f = add d, e                                                  f32[2][2]\n"
                  "  g = argmin f, tie_break: :high, axis: nil, keep_axis: false   s32\n>");
    nx_scope_end();
}

static nx_tensor *meta_plain(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_metadata(a[0], NULL), NX_I(1));
}

static nx_tensor *meta_foo(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_metadata(a[0], "foo"), NX_I(1));
}

static nx_tensor *tanh_pow(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_tanh(a[0]), nx_pow(a[1], NX_I(3)));
}

static nx_tensor *zero(nx_tensor *const *a, void *c)
{
    (void)a, (void)c;
    return nx_scalar(NX_INT(0), NX_S32);
}

Test(defn, examples_metadata_pow_constant)
{
    nx_scope_begin();
    nx_tensor *s = nx_template(NX_SHAPE(), NX_S32);
    NXTEST_PRINTS(nx_jit(meta_plain, NULL, s), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0   s32\n  b = add 1, a    s32\n>");
    NXTEST_PRINTS(nx_jit(meta_foo, NULL, s), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0          s32\n  b = metadata a, :foo   s32\n  c = add 1, b           s32\n>");
    NXTEST_PRINTS(nx_jit(tanh_pow, NULL, s, s), "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0   s32\n  parameter c:1   s32\n  b = tanh a      f32\n"
                  "  d = pow c, 3    s32\n  e = add b, d    f32\n>");
    NXTEST_PRINTS(nx_jit(zero, NULL, s), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n  0\n>");
    nx_scope_end();
}

static nx_tensor *four(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_multiply(nx_subtract(nx_add(a[0], a[1]), a[2]), a[3]);
}

Test(defn, example_limit)
{
    nx_scope_begin();
    nx_tensor *s = nx_template(NX_SHAPE(), NX_F32);
    nx_tensor *e = nx_jit(four, NULL, s, s, s, s);
    const char *head = "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n";
    char want[1024];
    snprintf(want, sizeof want, "%s%s", head,
             "  parameter a:0       f32\n  parameter b:1       f32\n  parameter d:2       f32\n"
             "  parameter f:3       f32\n  c = add a, b        f32\n  e = subtract c, d   f32\n"
             "  g = multiply e, f   f32\n>");
    NXTEST_PRINTS(e, want);
    snprintf(want, sizeof want, "%s%s", head,
             "  parameter a:0       f32\n  parameter b:1       f32\n  parameter d:2       f32\n"
             "  ...                 \n  c = add a, b        f32\n  e = subtract c, d   f32\n"
             "  g = multiply e, f   f32\n>");
    char *text = nx_expr_inspect(e, .limit = 6);
    cr_assert_str_eq(text, want);
    nx_free(text);
    snprintf(want, sizeof want, "%s%s", head, "  ...                 \n  c = multiply a, b   f32\n>");
    text = nx_expr_inspect(e, .limit = 1);
    cr_assert_str_eq(text, want);
    nx_free(text);
    snprintf(want, sizeof want, "%s%s", head, "  ...   \n>");
    text = nx_expr_inspect(e, .limit = NX_LIMIT_ZERO);
    cr_assert_str_eq(text, want);
    nx_free(text);
    nx_scope_end();
}

static nx_tensor *folded(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *x = nx_add(nx_multiply(a[0], NX_I(1)), NX_I(0));
    return nx_add(x, nx_add(NX_I(1), NX_I(2)));
}

Test(defn, construction_rewrites)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_jit(folded, NULL, nx_template(NX_SHAPE(2), NX_S32)), "#Nx.Tensor<\n  s32[2]\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0   s32[2]\n  b = add 3, a    s32[2]\n>");
    nx_scope_end();
}

/* ---------------------------------------------------------------- evaluator vs eager */

static nx_tensor *mixed(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *x = a[0], *y = a[1];
    nx_tensor *s = nx_add(nx_multiply(x, y), nx_exp(nx_as_type(x, NX_F32)));
    nx_tensor *m = nx_subtract(s, nx_sum(s, .axes = NX_AXES(0), .keep_axes = true));
    nx_tensor *d = nx_dot(nx_transpose(m), m);
    nx_tensor *l = nx_add(nx_logsumexp(d, .axes = NX_AXES(1)), nx_reduce_max(d, .axes = NX_AXES(0)));
    nx_tensor *r = nx_reshape(nx_concatenate(NX_TENSORS(l, nx_mean(m, .axes = NX_AXES(0)))), NX_SHAPE(2, 3));
    return nx_add(r, nx_as_type(nx_argmax(m, .axis = NX_AXIS(1)), NX_F32));
}

static nx_tensor *softmax(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *e = nx_exp(nx_subtract(a[0], nx_reduce_max(a[0], .axes = NX_AXES(-1), .keep_axes = true)));
    return nx_divide(e, nx_sum(e, .axes = NX_AXES(-1), .keep_axes = true));
}

Test(defn, evaluator_matches_eager)
{
    nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_U8, NX_BF16, NX_S64 };
    for (int rep = 0; rep < 3; rep++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            nx_scope_begin();
            nx_tensor *x = nxtest_lcg_tensor(types[k], NX_SHAPE(3, 3), rep * 17 + (unsigned)k, 0, 4);
            nx_tensor *y = nxtest_lcg_tensor(types[k], NX_SHAPE(3, 3), rep * 31 + 1000 + (unsigned)k, 0, 4);
            nx_tensor *args[2] = { x, y };
            const nx_tensor *const *in = (const nx_tensor *const *)args;
            nxtest_assert_same_bits(nx_jit_call(mixed, NULL, 2, in), mixed(args, NULL), "evaluator and eager");
            nxtest_assert_same_bits(nx_jit_call(softmax, NULL, 1, in), softmax(args, NULL), "evaluator and eager");
            NXTEST_OK();
            nx_scope_end();
        }
    nx_jit_cache_clear();
}

Test(defn, cache_by_templates)
{
    nx_jit_cache_clear();
    nx_scope_begin();
    int64_t entries, hits;
    nx_tensor *a = nx_iota(NX_SHAPE(4), .type = NX_F32), *b = nx_iota(NX_SHAPE(4), .type = NX_F32);
    nx_jit_apply(seed, NULL, a);
    nx_jit_apply(seed, NULL, b);
    nx_jit_cache_stats(&entries, &hits);
    cr_assert_eq(entries, 1);
    cr_assert_eq(hits, 1);
    nx_jit_apply(seed, NULL, nx_iota(NX_SHAPE(5), .type = NX_F32));
    nx_jit_apply(seed, NULL, nx_iota(NX_SHAPE(4), .type = NX_F64));
    nx_jit_cache_stats(&entries, &hits);
    cr_assert_eq(entries, 3);
    cr_assert_eq(hits, 1);
    nx_scope_end();
    nx_jit_cache_clear();
}

static nx_tensor *wants_number(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_number n;
    if (nx_to_number(nx_sum(a[0]), &n) < 0)
        return NULL;
    return a[0];
}

Test(defn, errors)
{
    nx_scope_begin();
    cr_assert_null(nx_jit(wants_number, NULL, nx_template(NX_SHAPE(2), NX_F32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot invoke to_binary/2 on Nx.Defn.Expr.\n\n"
                                    "This typically means you are invoking an unsupported Nx function\n"
                                    "inside `defn` or inside JIT compiled code");
    nx_tensor *e = nx_jit(seed, NULL, nx_template(NX_SHAPE(2), NX_F32));
    cr_assert_null(nx_exp(e));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a traced tensor (Nx.Defn.Expr) outside of its trace");
    nx_scope_end();
}

/* Scalars aligned against a traced operand become small concrete tensors that the front
 * end records and then releases; a node must keep its own hold on their elements, so the
 * graph still evaluates after the scope that made them has ended. */
static nx_tensor *relu_in_inner_scope(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_scope_begin();
    nx_tensor *r = nx_multiply(a[0], nx_select(nx_greater(a[0], NX_F(0)), NX_F(1), NX_F(0)));
    return nx_scope_end_keep(r);
}

Test(defn, recorded_temporaries_outlive_their_scope)
{
    nx_scope_begin();
    float in[] = { -2, 0.5f, 3, -0.25f }, want[] = { 0, 0.5f, 3, 0 };
    nx_tensor *x = nx_from_data(in, NX_F32, NX_SHAPE(4));
    nx_tensor *e = nx_jit(relu_in_inner_scope, NULL, x);
    cr_assert_not_null(e, "%s", nx_error_message());
    for (int round = 0; round < 2; round++) {   /* the second run reuses the same graph */
        nx_tensor *y = nx_expr_eval(e, 1, (const nx_tensor *const[]){ x });
        cr_assert_not_null(y, "%s", nx_error_message());
        float got[4];
        cr_assert_eq(nx_to_binary(y, got, sizeof got), (int64_t)(8 * sizeof got));
        for (int i = 0; i < 4; i++)
            cr_assert_float_eq(got[i], want[i], 0, "element %d", i);
    }
    nx_scope_end();
}
