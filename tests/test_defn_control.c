/* tests/test_defn_control.c: nx_cond / nx_if / nx_while (spec/defn.md §6): the printed
 * forms of §5.3 exactly, static elimination, branch merging (§6.1 step 5), the evaluator
 * against eager execution on random inputs over several types, and the CompileErrors with
 * the §11 template diff. */
#include <criterion/criterion.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"

/* ---- cond ---- */

static int pair_ab(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    out[0] = a[0];
    out[1] = a[1];
    return 2;
}

static int pair_ba(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    out[0] = a[1];
    out[1] = a[0];
    return 2;
}

/* {left, right} = cond([{Nx.any(a), {a, b}}], {b, a}); left. */
static nx_tensor *cond_tuple(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_clause c[2] = { { nx_any(a[0]), pair_ab, (void *)a }, { NULL, pair_ba, (void *)a } };
    nx_tensor *out[2];
    return nx_cond(2, c, out, 2) == 2 ? out[0] : NULL;
}

Test(defn_control, example_cond_tuple)
{
    nx_scope_begin();
    nx_tensor *t = nx_template(NX_SHAPE(), NX_S32);
    NXTEST_PRINTS(nx_jit(cond_tuple, NULL, t, t), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0                            s32\n"
                  "  parameter c:1                            s32\n"
                  "  b = any a, axes: nil, keep_axes: false   u8\n"
                  "  d = cond b -> {a, c}, true -> {c, a}     tuple2\n"
                  "  e = elem d, 0                            s32\n>");
    nx_scope_end();
}

/* ---- while: factorial over the state {factorial = 1.0, x} ---- */

static nx_tensor *fact_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_greater(s[1], NX_I(1));
}

static int fact_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_multiply(s[0], s[1]);
    next[1] = nx_subtract(s[1], NX_I(1));
    return next[0] && next[1] ? 0 : -1;
}

static nx_tensor *factorial(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_tensor *out[2];
    const nx_tensor *init[2] = { NX_F(1.0), a[0] };
    return nx_while(2, init, fact_cond, fact_body, NULL, out) == 0 ? out[0] : NULL;
}

Test(defn_control, example_while_factorial)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_jit(factorial, NULL, nx_template(NX_SHAPE(), NX_F32)), "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0        f32\n"
                  "  b = while {1.0, a}   tuple2\n"
                  "  c = elem b, 0        f32\n>");
    /* Evaluated and eager: 5! = 120, and 1.0 when the condition fails at once. */
    nx_tensor *five = nx_scalar(NX_FLOAT(5.0), NX_F32);
    nx_number v;
    cr_assert_eq(nx_to_number(nx_jit_apply(factorial, NULL, five), &v), 0, "%s", nx_error_message());
    cr_assert_eq(v.f, 120.0);
    nx_tensor *args[1] = { five };
    cr_assert_eq(nx_to_number(factorial(args, NULL), &v), 0);
    cr_assert_eq(v.f, 120.0);
    args[0] = nx_scalar(NX_FLOAT(-3.0), NX_F32);
    cr_assert_eq(nx_to_number(nx_jit_call(factorial, NULL, 1, (const nx_tensor *const *)args), &v), 0);
    cr_assert_eq(v.f, 1.0);
    NXTEST_OK();
    nx_scope_end();
    nx_jit_cache_clear();
}

/* ---- static elimination and merging ---- */

static nx_tensor *times_two(void *c)
{
    return nx_multiply(((nx_tensor *const *)c)[0], NX_I(2));
}

static nx_tensor *minus_one(void *c)
{
    return nx_subtract(((nx_tensor *const *)c)[0], NX_I(1));
}

static nx_tensor *if_constant_true(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(nx_scalar(NX_INT(1), NX_U8), times_two, minus_one, (void *)a);
}

static nx_tensor *if_constant_false(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(nx_scalar(NX_INT(0), NX_U8), times_two, minus_one, (void *)a);
}

Test(defn_control, static_elimination)
{
    nx_scope_begin();
    nx_tensor *t = nx_template(NX_SHAPE(), NX_S32);
    NXTEST_PRINTS(nx_jit(if_constant_true, NULL, t), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0       s32\n"
                  "  b = multiply 2, a   s32\n>");
    NXTEST_PRINTS(nx_jit(if_constant_false, NULL, t), "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0       s32\n"
                  "  b = subtract a, 1   s32\n>");
    nx_scope_end();
}

static nx_tensor *first_arg(void *c)
{
    return ((nx_tensor *const *)c)[0];
}

static nx_tensor *second_arg(void *c)
{
    return ((nx_tensor *const *)c)[1];
}

/* if a > 0 (a scalar), do: b, else: c, with b and c of different templates. */
static nx_tensor *if_merge(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(nx_greater(a[0], NX_I(0)), first_arg, second_arg, (void *)(a + 1));
}

Test(defn_control, merges_types_and_shapes)
{
    nx_scope_begin();
    nx_tensor *p = nx_template(NX_SHAPE(), NX_S32);
    nx_tensor *y = nx_template(NX_SHAPE(2), NX_S16, .names = NX_NAMES("y"));
    nx_tensor *x = nx_template(NX_SHAPE(2, 1), NX_F32, .names = NX_NAMES("x", NULL));
    nx_tensor *e = nx_jit(if_merge, NULL, p, y, x);
    cr_assert_not_null(e, "%s", nx_error_message());
    nx_shape sh = nx_shape_of(e);
    nx_names nm = nx_names_of(e);
    cr_assert_eq(nx_type_of(e), NX_F32);
    cr_assert(sh.rank == 2 && sh.dims[0] == 2 && sh.dims[1] == 2);
    cr_assert_str_eq(nm.v[0], "x");
    cr_assert_str_eq(nm.v[1], "y");
    /* Evaluated: the taken branch, cast and broadcast. */
    nx_tensor *yv = nx_rename(nx_from_data(((int16_t[]){ 3, -4 }), NX_S16, NX_SHAPE(2)), NX_NAMES("y"));
    nx_tensor *xv = nx_rename(nx_from_data(((float[]){ 0.5f, 1.5f }), NX_F32, NX_SHAPE(2, 1)), NX_NAMES("x", NULL));
    const nx_tensor *args[3] = { nx_scalar(NX_INT(1), NX_S32), yv, xv };
    nx_tensor *r = nx_expr_eval(e, 3, args);
    float got[4];
    cr_assert_not_null(r, "%s", nx_error_message());
    nx_to_binary(r, got, sizeof got);
    cr_assert(got[0] == 3 && got[1] == -4 && got[2] == 3 && got[3] == -4);
    args[0] = nx_scalar(NX_INT(0), NX_S32);
    nx_to_binary(nx_expr_eval(e, 3, args), got, sizeof got);
    cr_assert(got[0] == 0.5f && got[1] == 0.5f && got[2] == 1.5f && got[3] == 1.5f);
    NXTEST_OK();
    nx_scope_end();
}

/* ---- evaluator against eager on random inputs ---- */

static int three_way_small(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    out[0] = nx_add(a[0], a[1]);
    out[1] = nx_reduce_min(a[0]);
    return 2;
}

static int three_way_mid(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    out[0] = nx_multiply(a[0], a[1]);
    out[1] = nx_reduce_max(a[1]);
    return 2;
}

static int three_way_last(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    nx_tensor *const *a = c;
    out[0] = nx_subtract(a[1], a[0]);
    out[1] = nx_scalar(NX_INT(7), nx_type_of(a[0]));   /* same type: eager runs one branch only */
    return 2;
}

/* cond: sum(a) < -1 -> {a + b, min(a)}; sum(b) > 1 -> {a * b, max(b)}; true -> {b - a, 7};
 * then both leaves combined into one result. */
static nx_tensor *three_way(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_clause c[3] = { { nx_less(nx_sum(a[0]), NX_I(-1)), three_way_small, (void *)a },
                       { nx_greater(nx_sum(a[1]), NX_I(1)), three_way_mid, (void *)a },
                       { NULL, three_way_last, (void *)a } };
    nx_tensor *out[2];
    if (nx_cond(3, c, out, 2) != 2)
        return NULL;
    return nx_add(out[0], out[1]);
}

/* while i < 5: {i + 1, acc * 3 + x, x} over the state {i = 0, acc = a, x = b}. */
static nx_tensor *loop_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_less(s[0], NX_I(5));
}

static int loop_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(s[0], NX_I(1));
    next[1] = nx_add(nx_as_type(nx_multiply(s[1], NX_I(3)), nx_type_of(s[1])), s[2]);
    next[2] = s[2];
    return 0;
}

static nx_tensor *loop(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    const nx_tensor *init[3] = { NX_I(0), a[0], a[1] };
    nx_tensor *out[3];
    return nx_while(3, init, loop_cond, loop_body, NULL, out) == 0 ? out[1] : NULL;
}

Test(defn_control, evaluator_matches_eager)
{
    nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_S64, NX_BF16, NX_S16 };
    long reps = nxtest_scaled(8);
    for (long rep = 0; rep < reps; rep++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            nx_scope_begin();
            unsigned seed = (unsigned)(rep * 17 + (long)k), seed2 = (unsigned)(rep * 31 + 1000 + (long)k);
            nx_tensor *args[2] = { nxtest_lcg_tensor(types[k], NX_SHAPE(2, 3), seed, -4, 4),
                                   nxtest_lcg_tensor(types[k], NX_SHAPE(2, 3), seed2, -4, 4) };
            const nx_tensor *const *in = (const nx_tensor *const *)args;
            nxtest_assert_same_bits(nx_jit_call(three_way, NULL, 2, in), three_way(args, NULL), "evaluator and eager");
            nxtest_assert_same_bits(nx_jit_call(loop, NULL, 2, in), loop(args, NULL), "evaluator and eager");
            NXTEST_OK();
            nx_scope_end();
        }
    nx_jit_cache_clear();
}

/* ---- errors ---- */

static nx_tensor *vector_pred(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(a[0], first_arg, NULL, (void *)a);
}

static int one_leaf(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    out[0] = ((nx_tensor *const *)c)[0];
    return 1;
}

static nx_tensor *leaf_counts(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    nx_clause c[2] = { { nx_any(a[0]), one_leaf, (void *)a }, { NULL, pair_ab, (void *)a } };
    nx_tensor *out[2];
    return nx_cond(2, c, out, 2) >= 0 ? out[0] : NULL;
}

static int to_float_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_as_type(s[0], NX_F32);
    next[1] = s[1];
    return 0;
}

static nx_tensor *while_retyped(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    const nx_tensor *init[2] = { a[0], a[1] };
    nx_tensor *out[2];
    return nx_while(2, init, loop_cond, to_float_body, NULL, out) == 0 ? out[0] : NULL;
}

static int captured_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    next[0] = nx_add(s[0], NX_I(1));
    next[1] = c;   /* a root value returned unchanged */
    return 0;
}

static nx_tensor *while_captured(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    const nx_tensor *init[2] = { NX_I(0), a[0] };
    nx_tensor *out[2];
    return nx_while(2, init, loop_cond, captured_body, a[1], out) == 0 ? out[1] : NULL;
}

Test(defn_control, errors)
{
    nx_scope_begin();
    nx_tensor *s32 = nx_template(NX_SHAPE(), NX_S32), *f32 = nx_template(NX_SHAPE(), NX_F32);
    cr_assert_null(nx_jit(vector_pred, NULL, nx_template(NX_SHAPE(2), NX_U8)));
    NXTEST_ERROR(NX_COMPILE_ERROR, "condition must be a scalar tensor, got: #Nx.Tensor<\n  u8[2]\n  \n  Nx.Defn.Expr\n"
                                   "  parameter a:0   u8[2]\n>, consider using Nx.all/1 or Nx.any/1 to obtain a "
                                   "scalar predicate from tensor");
    cr_assert_null(nx_jit(leaf_counts, NULL, s32, s32));
    NXTEST_ERROR(NX_COMPILE_ERROR, "cond/if expects all branches to return compatible tensor types.\n\n"
                                   "\x1b[32m\n<<<<< First Branch (expected) <<<<<\n#Nx.Tensor<\n  s32\n>\n==========\n"
                                   "\x1b[31m{#Nx.Tensor<\n  s32\n>, #Nx.Tensor<\n  s32\n>}\n"
                                   ">>>>>        Branch 1         >>>>>\n\x1b[0m");
    /* §11's example: the state {s32, f32}, the body returns {f32, f32}. */
    cr_assert_null(nx_jit(while_retyped, NULL, s32, f32));
    NXTEST_ERROR(NX_COMPILE_ERROR, "the do-block in while must return tensors with the same shape, type, and names "
                                   "as the initial arguments.\n\n"
                                   "{\x1b[32m\n <<<<< Body (do-block) <<<<<\n #Nx.Tensor<\n   f32\n >\n ==========\n"
                                   " \x1b[31m#Nx.Tensor<\n   s32\n >\n >>>>>     Initial     >>>>>\n \x1b[0m, "
                                   "#Nx.Tensor<\n   f32\n >}");
    /* Eagerly the same check applies after the first iteration. */
    nx_tensor *args[2] = { nx_scalar(NX_INT(0), NX_S32), nx_scalar(NX_FLOAT(1), NX_F32) };
    cr_assert_null(while_retyped(args, NULL));
    cr_assert_eq(nx_error(), NX_COMPILE_ERROR);
    nx_error_clear();
    cr_assert_null(nx_jit(while_captured, NULL, f32, f32));
    cr_assert_eq(nx_error(), NX_RUNTIME_ERROR);
    cr_assert(strstr(nx_error_message(), "cannot build defn because expressions come from different contexts: :root "
                                         "and {:while, #Reference<") != NULL, "%s", nx_error_message());
    nx_error_clear();
    nx_scope_end();
}

/* ---- nesting: a cond inside a while body (Collatz steps), a while inside a branch ---- */

static nx_tensor *not_one(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_not_equal(s[0], NX_I(1));
}

static nx_tensor *halve(void *c)
{
    return nx_quotient(((nx_tensor *const *)c)[0], NX_I(2));
}

static nx_tensor *triple_plus_one(void *c)
{
    return nx_add(nx_multiply(((nx_tensor *const *)c)[0], NX_I(3)), NX_I(1));
}

static int collatz_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_if(nx_equal(nx_remainder(s[0], NX_I(2)), NX_I(0)), halve, triple_plus_one, (void *)s);
    next[1] = nx_add(s[1], NX_I(1));
    return 0;
}

static nx_tensor *collatz(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    const nx_tensor *init[2] = { a[0], nx_scalar(NX_INT(0), NX_S32) };
    nx_tensor *out[2];
    return nx_while(2, init, not_one, collatz_body, NULL, out) == 0 ? out[1] : NULL;
}

static int collatz_steps(int64_t n)
{
    int k = 0;
    for (; n != 1; k++)
        n = n % 2 == 0 ? n / 2 : 3 * n + 1;
    return k;
}

/* if sum(a) > 0, do: collatz(a), else: -1 */
static nx_tensor *collatz_thunk(void *c)
{
    return collatz(c, NULL);
}

static nx_tensor *minus_one_const(void *c)
{
    (void)c;
    return nx_scalar(NX_INT(-1), NX_S32);
}

static nx_tensor *guarded_collatz(nx_tensor *const *a, void *ctx)
{
    (void)ctx;
    return nx_if(nx_greater(a[0], NX_I(0)), collatz_thunk, minus_one_const, (void *)a);
}

Test(defn_control, nested_cond_and_while)
{
    long reps = nxtest_scaled(20);
    uint64_t st = 12345;
    for (long rep = 0; rep < reps; rep++) {
        nx_scope_begin();
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        int64_t n = (int64_t)(st >> 40) % 1000 + 1;
        nx_tensor *args[1] = { nx_scalar(NX_INT(n), NX_S64) };
        nx_number got, eager;
        cr_assert_eq(nx_to_number(nx_jit_call(collatz, NULL, 1, (const nx_tensor *const *)args), &got), 0, "%s",
                     nx_error_message());
        cr_assert_eq(nx_to_number(collatz(args, NULL), &eager), 0);
        cr_assert_eq(got.i, collatz_steps(n), "n = %lld", (long long)n);
        cr_assert_eq(eager.i, got.i);
        cr_assert_eq(nx_to_number(nx_jit_call(guarded_collatz, NULL, 1, (const nx_tensor *const *)args), &got), 0);
        cr_assert_eq(got.i, collatz_steps(n));
        args[0] = nx_scalar(NX_INT(-n), NX_S64);
        cr_assert_eq(nx_to_number(nx_jit_call(guarded_collatz, NULL, 1, (const nx_tensor *const *)args), &got), 0);
        cr_assert_eq(got.i, -1);
        NXTEST_OK();
        nx_scope_end();
    }
    nx_jit_cache_clear();
}

Test(defn_control, nested_prints)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_jit(guarded_collatz, NULL, nx_template(NX_SHAPE(), NX_S64)),
                  "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0                 s64\n"
                  "  b = greater a, 0              u8\n"
                  "  c = while {a, 0}              tuple2\n"
                  "  d = elem c, 1                 s32\n"
                  "  e = cond b -> d, true -> -1   s32\n>");
    nx_scope_end();
}

/* A loop whose condition never turns false: with nx_set_while_limit it stops with a
 * RuntimeError, eagerly and in a traced graph; without a bound a finite loop still runs. */
static nx_tensor *forever_cond(nx_tensor *const *s, void *c)
{
    (void)c;
    return nx_greater_equal(s[0], NX_I(0));
}

static int forever_body(nx_tensor *const *s, nx_tensor **next, void *c)
{
    (void)c;
    next[0] = nx_add(s[0], NX_I(1));
    return next[0] ? 0 : -1;
}

static nx_tensor *forever(nx_tensor *const *a, void *c)
{
    nx_tensor *out[1];
    return nx_while(1, (const nx_tensor *const *)a, forever_cond, forever_body, c, out) == 0 ? out[0] : NULL;
}

Test(defn_control, while_limit_stops_endless_loops)
{
    nx_scope_begin();
    nx_tensor *zero = nx_scalar(NX_INT(0), NX_S32);
    nx_set_while_limit(50);
    cr_assert_null(forever((nx_tensor *const[]){ zero }, NULL));
    cr_assert_eq(nx_error(), NX_RUNTIME_ERROR);
    cr_assert_str_eq(nx_error_message(), "while loop stopped after 50 iterations (the limit set by nx_set_while_limit)");
    nx_error_clear();
    cr_assert_null(nx_jit_apply(forever, NULL, zero));
    cr_assert_eq(nx_error(), NX_RUNTIME_ERROR);
    nx_error_clear();
    nx_set_while_limit(0);
    cr_assert_not_null(factorial((nx_tensor *const[]){ nx_scalar(NX_INT(5), NX_S32) }, NULL), "%s", nx_error_message());
    nx_scope_end();
}
