/* tests/test_graph_split.c: Nx.Defn.Graph (spec/defn.md §14): nx_graph_split's stages
 * (the spec's example printed exactly, Nx's own test cases for argument sources), the
 * decisions :before / :after / :both, merged duplicates, cond branches never split, and
 * nx_graph_run against nx_jit_call of the unsplit function on random inputs of several
 * types; then the interpreter's Nx.Defn.Graph and struct patterns. */
#include <criterion/criterion.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"

/* decide: the decision `d` for nodes whose op is `op` (NULL: every node), :none else. */
typedef struct {
    const char *op;
    int d, calls;
    const char *seen[64];
} rule;

static int by_op(const nx_tensor *t, void *ctx)
{
    rule *r = ctx;
    if (r->calls < 64)
        r->seen[r->calls] = nx_expr_op(t);
    r->calls++;
    return !r->op || !strcmp(nx_expr_op(t), r->op) ? r->d : NX_SPLIT_NONE;
}

static nx_tensor *spec_fn(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_cos(nx_sin(nx_negate(a[0]))), a[1]);
}

static void expect_args(const nx_stage *st, int n, const int *pairs)
{
    cr_assert_eq(st->nargs, n, "stage %d has %d arguments, expected %d", st->id, st->nargs, n);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(st->args[i].stage, pairs[2 * i], "stage %d argument %d", st->id, i);
        cr_assert_eq(st->args[i].index, pairs[2 * i + 1], "stage %d argument %d", st->id, i);
    }
}

Test(graph_split, spec_example)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(spec_fn, NULL, NX_I(1), NX_I(2));
    rule r = { "cos", NX_SPLIT_BEFORE, 0, { 0 } };
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_not_null(c, "%s", nx_error_message());
    cr_assert_eq(c->n, 2);
    cr_assert_eq(c->stages[0].nout, 1);
    NXTEST_PRINTS(c->stages[0].outputs[0], "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                           "  parameter a:0   s32\n  b = negate a    s32\n  c = sin b       f32\n>");
    NXTEST_PRINTS(c->stages[1].outputs[0], "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                           "  parameter a:1   f32\n  parameter c:0   s32\n"
                                           "  b = cos a       f32\n  d = add b, c    f32\n>");
    expect_args(&c->stages[0], 1, (const int[]){ -1, 0 });
    expect_args(&c->stages[1], 2, (const int[]){ -1, 1, 0, 0 });
    /* Asked in post-order, never about parameters. */
    const char *order[] = { "negate", "sin", "cos", "add" };
    cr_assert_eq(r.calls, 4);
    for (int i = 0; i < 4; i++)
        cr_assert_str_eq(r.seen[i], order[i]);
    nx_graph_chain_free(c);
    nx_scope_end();
}

Test(graph_split, after_and_both)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(spec_fn, NULL, NX_F(1.0), NX_F(2.0));
    rule r = { "sin", NX_SPLIT_AFTER, 0, { 0 } };
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_not_null(c);
    cr_assert_eq(c->n, 2);
    NXTEST_PRINTS(c->stages[0].outputs[0], "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                           "  parameter a:0   f32\n  b = negate a    f32\n  c = sin b       f32\n>");
    expect_args(&c->stages[1], 2, (const int[]){ -1, 1, 0, 0 });
    nx_graph_chain_free(c);
    /* :both on sin: negate ends one stage, sin another, the rest is the last. */
    r = (rule){ "sin", NX_SPLIT_BOTH, 0, { 0 } };
    c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_eq(c->n, 3);
    NXTEST_PRINTS(c->stages[1].outputs[0], "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                           "  parameter a:0   f32\n  b = sin a       f32\n>");
    expect_args(&c->stages[0], 1, (const int[]){ -1, 0 });
    expect_args(&c->stages[1], 1, (const int[]){ 0, 0 });
    expect_args(&c->stages[2], 2, (const int[]){ -1, 1, 1, 0 });
    nx_graph_chain_free(c);
    /* :before on a node whose operands are all parameters cuts nothing. */
    r = (rule){ "negate", NX_SPLIT_BEFORE, 0, { 0 } };
    c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_eq(c->n, 1);
    nx_graph_chain_free(c);
    nx_scope_end();
}

typedef struct {
    int count;
} counter;

/* Nx's own test (graph_test.exs, "splits with accumulator"): every other node from the
 * third ends a stage before it; three outputs over shared nodes. */
Test(graph_split, several_cuts_sources)
{
    nxtest_expect_code(
        "expr = Nx.Defn.debug_expr(fn x0, x1, x2, x3, x4 ->\n"
        "  x10 = Nx.add(x0, Nx.add(x1, x2))\n"
        "  x20 = Nx.add(x10, Nx.add(x10, x3))\n"
        "  x30 = Nx.add(x20, Nx.add(x20, x4))\n"
        "  {x10, x20, x30}\n"
        "end).(1, 2, 3, 4, 5)\n"
        "chain = Nx.Defn.Graph.split(expr, 0, fn _node, acc ->\n"
        "  {if(acc > 0 and rem(acc, 2) == 0, do: :before, else: :none), acc + 1}\n"
        "end)\n"
        "[s0, s1, s2] = chain\n"
        "{s0.arguments, s1.arguments == [%{source: {nil, 3}}, %{source: {s0.id, 0}}],\n"
        " s2.arguments == [%{source: {nil, 4}}, %{source: {s0.id, 0}}, %{source: {s1.id, 0}}],\n"
        " Nx.Defn.Graph.run(chain, [1, 2, 3, 4, 5])}",
        "{[%{source: {nil, 0}}, %{source: {nil, 1}}, %{source: {nil, 2}}], true, true,\n"
        " {#Nx.Tensor<\n    s32\n    6\n  >,\n  #Nx.Tensor<\n    s32\n    16\n  >,\n  #Nx.Tensor<\n    s32\n    37\n  >}}");
}

static nx_tensor *square_of_sin(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *s = nx_sin(a[0]);
    return nx_add(nx_multiply(s, s), a[0]);
}

Test(graph_split, duplicates_merged)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(square_of_sin, NULL, nx_template(NX_SHAPE(3), NX_F32));
    rule r = { "multiply", NX_SPLIT_BEFORE, 0, { 0 } };
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_eq(c->n, 2);
    cr_assert_eq(c->stages[0].nout, 1, "sin is hoisted once");
    NXTEST_PRINTS(c->stages[1].outputs[0], "#Nx.Tensor<\n  f32[3]\n  \n  Nx.Defn.Expr\n"
                                           "  parameter a:1       f32[3]\n  parameter c:0       f32[3]\n"
                                           "  b = multiply a, a   f32[3]\n  d = add b, c        f32[3]\n>");
    expect_args(&c->stages[1], 2, (const int[]){ -1, 0, 0, 0 });
    nx_graph_chain_free(c);
    nx_scope_end();
}

/* a = sin x feeds both the second stage (through cos) and the last one. */
static nx_tensor *fan_out(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *s = nx_sin(a[0]);
    return nx_add(nx_exp(nx_cos(s)), s);
}

static int cos_before_exp_after(const nx_tensor *t, void *ctx)
{
    (void)ctx;
    const char *op = nx_expr_op(t);
    return !strcmp(op, "cos") ? NX_SPLIT_BEFORE : !strcmp(op, "exp") ? NX_SPLIT_AFTER : NX_SPLIT_NONE;
}

Test(graph_split, cut_feeds_two_stages)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(fan_out, NULL, nx_template(NX_SHAPE(2), NX_F64));
    rule r = { NULL, NX_SPLIT_NONE, 0, { 0 } };
    /* :before on cos and on exp. */
    r.op = "cos";
    r.d = NX_SPLIT_BEFORE;
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_eq(c->n, 2);
    expect_args(&c->stages[1], 1, (const int[]){ 0, 0 });
    nx_graph_chain_free(c);
    static const double xv[] = { 0.25, -2.0 };
    nx_tensor *x = nx_from_data(xv, NX_F64, NX_SHAPE(2));
    /* :before on cos (sin ends stage 0), :after on exp (stage 1): sin feeds stage 1 and
     * the last stage. */
    c = nx_graph_split(1, (const nx_tensor *const[]){ e }, cos_before_exp_after, NULL);
    cr_assert_eq(c->n, 3);
    expect_args(&c->stages[0], 1, (const int[]){ -1, 0 });
    expect_args(&c->stages[1], 1, (const int[]){ 0, 0 });
    expect_args(&c->stages[2], 2, (const int[]){ 0, 0, 1, 0 });
    nx_tensor *got;
    cr_assert_eq(nx_graph_run(c, 1, (const nx_tensor *const[]){ x }, &got), 0, "%s", nx_error_message());
    nx_tensor *want = nx_jit_apply(fan_out, NULL, x);
    nxtest_assert_same_bits(got, want, "the chain and jit");
    nx_graph_chain_free(c);
    nx_scope_end();
}

/* ---- run against jit on random inputs ---- */

static nx_tensor *mixed(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *s = nx_add(a[0], a[1]);
    nx_tensor *m = nx_multiply(s, a[0]);
    nx_tensor *d = nx_subtract(m, nx_reduce_max(a[1], .axes = NX_AXES(1), .keep_axes = true));
    nx_tensor *t = nx_transpose(nx_add(d, s));
    return nx_add(nx_dot(t, a[1]), nx_sum(m));
}

/* Decisions that cycle through every kind, offset by the seed. */
static int cycling(const nx_tensor *t, void *ctx)
{
    (void)t;
    counter *k = ctx;
    return (k->count++) % 4;
}

Test(graph_split, run_matches_jit)
{
    nx_type types[] = { NX_F32, NX_F64, NX_S32, NX_BF16, NX_S64, NX_U8 };
    long reps = nxtest_scaled(4) < 1 ? 1 : nxtest_scaled(4);
    for (long rep = 0; rep < reps; rep++)
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            nx_scope_begin();
            unsigned seed = (unsigned)(rep * 17 + (long)k), seed2 = (unsigned)(rep * 31 + 1000 + (long)k);
            nx_tensor *x = nxtest_lcg_tensor(types[k], NX_SHAPE(3, 3), seed, 0, 4);
            nx_tensor *y = nxtest_lcg_tensor(types[k], NX_SHAPE(3, 3), seed2, 0, 4);
            nx_tensor *e = nx_jit(mixed, NULL, x, y);
            nx_tensor *want = nx_jit_apply(mixed, NULL, x, y);
            for (int start = 0; start < 4; start++) {
                counter cnt = { start + (int)rep };
                nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, cycling, &cnt);
                cr_assert_not_null(c, "%s", nx_error_message());
                cr_assert(c->n > 1);
                nx_tensor *got = NULL;
                cr_assert_eq(nx_graph_run(c, 2, (const nx_tensor *const[]){ x, y }, &got), 0, "%s", nx_error_message());
                nxtest_assert_same_bits(got, want, "the chain and jit");
                nx_graph_chain_free(c);
            }
            NXTEST_OK();
            nx_scope_end();
        }
    nx_jit_cache_clear();
}

/* ---- cond: its branches are never split ---- */

static nx_tensor *exp_branch(void *ctx)
{
    nx_tensor *const *a = ctx;
    return nx_multiply(nx_exp(a[0]), a[1]);
}

static nx_tensor *cos_branch(void *ctx)
{
    nx_tensor *const *a = ctx;
    return nx_subtract(nx_cos(a[0]), a[1]);
}

static nx_tensor *with_cond(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *s = nx_sin(a[0]);
    nx_tensor *args[2] = { s, a[1] };
    nx_tensor *b = nx_if(nx_greater(nx_sum(s), NX_I(0)), exp_branch, cos_branch, args);
    return nx_multiply(b, NX_I(2));
}

Test(graph_split, cond_branches_never_split)
{
    nx_scope_begin();
    static const float xv[] = { 0.5f, -1.0f }, yv[] = { 2.0f, 3.0f };
    nx_tensor *x = nx_from_data(xv, NX_F32, NX_SHAPE(2));
    nx_tensor *y = nx_from_data(yv, NX_F32, NX_SHAPE(2));
    nx_tensor *e = nx_jit(with_cond, NULL, x, y);
    rule r = { NULL, NX_SPLIT_AFTER, 0, { 0 } };
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    cr_assert_not_null(c, "%s", nx_error_message());
    for (int i = 0; i < r.calls && i < 64; i++) {
        cr_assert(strcmp(r.seen[i], "exp") && strcmp(r.seen[i], "cos") && strcmp(r.seen[i], "subtract"),
                  "asked about %s inside a branch", r.seen[i]);
    }
    nx_tensor *got;
    cr_assert_eq(nx_graph_run(c, 2, (const nx_tensor *const[]){ x, y }, &got), 0, "%s", nx_error_message());
    nxtest_assert_same_bits(got, nx_jit_apply(with_cond, NULL, x, y), "the chain and jit");
    nx_graph_chain_free(c);
    nx_scope_end();
    nx_jit_cache_clear();
}

/* ---- errors ---- */

static int bad_decision(const nx_tensor *t, void *ctx)
{
    (void)t;
    (void)ctx;
    return 7;
}

static int failing(const nx_tensor *t, void *ctx)
{
    (void)t;
    (void)ctx;
    nx_error_clear();
    return nx_sum(NULL) ? 0 : -1;
}

Test(graph_split, errors)
{
    nx_scope_begin();
    nx_tensor *e = nx_jit(spec_fn, NULL, NX_I(1), NX_I(2));
    cr_assert_null(nx_graph_split(1, (const nx_tensor *const[]){ e }, bad_decision, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Invalid split decision: 7. Expected :before, :after, :both, or :none");
    cr_assert_null(nx_graph_split(1, (const nx_tensor *const[]){ e }, failing, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    cr_assert_null(nx_graph_split(1, (const nx_tensor *const[]){ NX_I(1) }, bad_decision, NULL));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    cr_assert_null(nx_graph_split(1, (const nx_tensor *const[]){ e }, NULL, NULL));
    nx_error_clear();
    rule r = { "cos", NX_SPLIT_BEFORE, 0, { 0 } };
    nx_graph_chain *c = nx_graph_split(1, (const nx_tensor *const[]){ e }, by_op, &r);
    nx_tensor *got;
    cr_assert_eq(nx_graph_run(c, 1, (const nx_tensor *const[]){ NX_I(1) }, &got), -1);
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    nx_graph_chain_free(c);
    nx_scope_end();
}

/* ---- the interpreter ---- */

Test(graph_split, interpreter_doc_example)
{
    nxtest_expect_code(
        "expr = Nx.Defn.debug_expr(fn x, y -> x |> Nx.negate() |> Nx.sin() |> Nx.cos() |> Nx.add(y) end).(1, 2)\n"
        "[stage0, stage1] = Nx.Defn.Graph.split(expr, fn %Nx.Tensor{data: %Nx.Defn.Expr{op: op}} -> "
        "if op == :cos, do: :before, else: :none end)\n"
        "{out0} = stage0.expr\n"
        "{out0, stage1.arguments == [%{source: {nil, 1}}, %{source: {stage0.id, 0}}]}",
        "{#Nx.Tensor<\n   f32\n   \n   Nx.Defn.Expr\n   parameter a:0   s32\n   b = negate a    s32\n"
        "   c = sin b       f32\n >, true}");
    nxtest_expect_code(
        "f = fn x, y -> x |> Nx.negate() |> Nx.sin() |> Nx.cos() |> Nx.add(y) end\n"
        "expr = Nx.Defn.debug_expr(f).(Nx.tensor([1.0, 2.0]), Nx.tensor([3.0, 4.0]))\n"
        "chain = Nx.Defn.Graph.split(expr, fn _ -> :both end)\n"
        "Nx.Defn.Graph.run(chain, [Nx.tensor([1.0, 2.0]), Nx.tensor([3.0, 4.0])]) == "
        "Nx.Defn.jit(f).(Nx.tensor([1.0, 2.0]), Nx.tensor([3.0, 4.0]))",
        "true");
    nxtest_expect_code("expr = Nx.Defn.debug_expr(fn x -> Nx.sin(x) end).(1)\n"
                       "Nx.Defn.Graph.split(expr, fn _ -> :foo end)",
                       "** (ArgumentError) Invalid split decision: :foo. Expected :before, :after, :both, or :none");
}

Test(graph_split, interpreter_struct_patterns)
{
    nxtest_expect_code("%Nx.Tensor{shape: shape, type: type} = Nx.tensor([1, 2])\n{shape, type}",
                       "{{2}, {:s, 32}}");
    nxtest_expect_code("Nx.tensor([1, 2]).data", "%Nx.BinaryBackend{state: <<1, 0, 0, 0, 2, 0, 0, 0>>}");
    nxtest_expect_code("%Nx.Defn.Expr{} = Nx.tensor([1, 2]).data",
                       "** (MatchError) no match of right hand side value: "
                       "%Nx.BinaryBackend{state: <<1, 0, 0, 0, 2, 0, 0, 0>>}");
    nxtest_expect_code("e = Nx.Defn.debug_expr(fn x -> Nx.add(Nx.sin(x), 2) end).(1.0)\n"
                       "%Nx.Defn.Expr{op: op, args: [c, s]} = e.data\n"
                       "{op, c.data.op, c.data.args, s.data.op, hd(s.data.args).data.args}",
                       "{:add, :constant, [2], :sin, [0]}");
    nxtest_expect_code("%{a: 1} = %{__struct__: X, a: 1}\n:ok", ":ok");
    nxtest_expect_code("e = Nx.Defn.debug_expr(fn x -> Nx.add(x, Nx.tensor([1, 2])) end).(1)\n"
                       "[_, t] = e.data.args\n[_, t2] = e.data.args\n{t.data.op, hd(t.data.args), hd(t2.data.args)}",
                       "{:tensor,\n #Nx.Tensor<\n   s32[2]\n   [1, 2]\n >,\n #Nx.Tensor<\n   s32[2]\n   [1, 2]\n >}");
    nxtest_expect_code("(fn %Nx.Tensor{} -> 1 end).(%{a: 1})",
                       "** (FunctionClauseError) no function clause matching in anonymous fn/1");
}

/* cond and a tuple-typed while cut with every decision: the chain computes what the
 * function does (the while's two leaves leave its stage as two outputs). */
Test(graph_split, interpreter_cond_while)
{
    nxtest_expect_code(
        "defmodule GraphSplitM do\n"
        "  import Nx.Defn\n"
        "  defn f(x, y) do\n"
        "    a = Nx.sin(x)\n"
        "    b = if Nx.sum(a) > 0, do: Nx.exp(a) * y, else: Nx.cos(a) - y\n"
        "    {c, _} = while {s = b, i = 0}, i < 3 do {s + 1, i + 1} end\n"
        "    Nx.multiply(c, 2)\n"
        "  end\n"
        "end\n"
        "x = Nx.tensor([0.5, -1.0]); y = Nx.tensor([2.0, 3.0])\n"
        "expr = Nx.Defn.debug_expr(&GraphSplitM.f/2).(x, y)\n"
        "Enum.map([:before, :after, :both], fn d ->\n"
        "  chain = Nx.Defn.Graph.split(expr, fn %Nx.Tensor{data: %Nx.Defn.Expr{op: op}} ->\n"
        "    if op in [:cond, :while, :exp, :multiply], do: d, else: :none end)\n"
        "  {length(chain), Nx.Defn.Graph.run(chain, [x, y]) == GraphSplitM.f(x, y)}\n"
        "end)",
        "[{4, true}, {4, true}, {6, true}]");
}
