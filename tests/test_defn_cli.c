/* tests/test_defn_cli.c: Nx.Defn in the interpreter (src/cli/nxlib_defn.c): jit against
 * the same fn run eagerly, static arguments, containers in and out, debug_expr printing
 * (spec/defn.md §5.3), on_conflict, keyword! result order (§9.2 examples), assert_keys,
 * default options and Nx.Defn.Composite. */
#include <criterion/criterion.h>
#include "nx.h"
#include "support/nxtest.h"

static const char *const u8_true = "#Nx.Tensor<\n  u8\n  1\n>";

Test(defn_cli, jit_matches_eager)
{
    const char *types[] = { ":f32", ":f64", ":s32", ":s64", ":bf16", ":u8" };
    char code[1024];
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        snprintf(code, sizeof code,
                 "key = Nx.Random.key(%zu)\n"
                 "{x, _} = Nx.Random.uniform(key, 0.0, 5.0, shape: {3, 4})\n"
                 "x = Nx.as_type(x, %s)\n"
                 "f = fn a, b, opts -> Nx.sum(Nx.multiply(Nx.exp(Nx.divide(a, 4)), b), axes: opts[:axes]) end\n"
                 "Nx.all(Nx.equal(Nx.Defn.jit(f).(x, 2, axes: [1]), f.(x, 2, axes: [1])))",
                 i + 7, types[i]);
        nxtest_expect_code(code, u8_true);
    }
}

Test(defn_cli, containers_in_and_out)
{
    nxtest_expect_code("Nx.Defn.jit(fn {a, b}, c -> {Nx.add(a, c), %{s: Nx.sum(b)}} end).({Nx.tensor([1, 2]), 3}, 1.5)",
                       "{#Nx.Tensor<\n   f32[2]\n   [2.5, 3.5]\n >,\n %{\n   s: #Nx.Tensor<\n     s32\n     3\n   >\n }}");
    nxtest_expect_code("Nx.Defn.jit_apply(fn x, opts -> Nx.multiply(x, opts[:k]) end, [Nx.tensor([1.5, 2.0]), [k: 3]])",
                       "#Nx.Tensor<\n  f32[2]\n  [4.5, 6.0]\n>");
}

Test(defn_cli, debug_expr_prints)
{
    nxtest_expect_code("Nx.Defn.debug_expr(fn a, b -> Nx.sum(Nx.add(Nx.add(Nx.dot(a, a), Nx.tanh(b)), 2)) end)"
                       ".(Nx.iota({2, 2}), Nx.iota({2, 2}))",
                       nxtest_dot_tanh_expr);
    nxtest_expect_code("Nx.Defn.debug_expr_apply(fn a, b -> Nx.add(Nx.tanh(a), Nx.pow(b, 3)) end, [1, 2])",
                       "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0   s32\n"
                       "  parameter c:1   s32\n"
                       "  b = tanh a      f32\n"
                       "  d = pow c, 3    s32\n"
                       "  e = add b, d    f32\n>");
    nxtest_expect_code("Nx.Defn.debug_expr(fn a -> Nx.add(Nx.Defn.Kernel.stop_grad(a), 1) end).(1)",
                       "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                s32\n"
                       "  b = metadata a, :stop_grad   s32\n"
                       "  c = add 1, b                 s32\n>");
}

Test(defn_cli, conflicts_and_errors)
{
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.Defn.jit(fn b -> b end).(a) end).(1)",
                       "** (RuntimeError) cannot invoke JITed function when there is a JIT compilation happening");
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.Defn.jit(fn b -> Nx.add(b, 1) end, on_conflict: :reuse).(a) end).(1)",
                       "#Nx.Tensor<\n  s32\n  2\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a -> a end, hooks: 1).(1)", "** (ArgumentError) :hooks option must be a map");
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.to_number(a) end).(1)",
                       "** (ArgumentError) cannot invoke to_binary/2 on Nx.Defn.Expr.\n\n"
                       "This typically means you are invoking an unsupported Nx function\n"
                       "inside `defn` or inside JIT compiled code");
}

Test(defn_cli, kernel_functions)
{
    nxtest_expect_code("Nx.Defn.Kernel.keyword!([], [one: 1, two: 2])", "[two: 2, one: 1]");
    nxtest_expect_code("Nx.Defn.Kernel.keyword!([], lower: true, left_side: true, transform_a: :none)",
                       "[transform_a: :none, left_side: true, lower: true]");
    nxtest_expect_code("Nx.Defn.Kernel.keyword!([transform_a: :transpose], lower: true, left_side: true, transform_a: :none)",
                       "[lower: true, left_side: true, transform_a: :transpose]");
    nxtest_expect_code("Nx.Defn.Kernel.keyword!([three: 3], [one: 1, two: 2])",
                       "** (ArgumentError) unknown key :three in [three: 3], expected one of [:one, :two]");
    nxtest_expect_code("Nx.Defn.Kernel.keyword!(3, [one: 1, two: 2])",
                       "** (ArgumentError) expected a keyword list with keys [:one, :two], got: 3");
    nxtest_expect_code("Nx.Defn.Kernel.assert_keys([one: 1, two: 2], [:three])",
                       "** (ArgumentError) expected key :three in keyword list, got: [one: 1, two: 2]");
    nxtest_expect_code("Nx.Defn.default_options(compiler: Foo)\nNx.Defn.default_options()", "[compiler: Foo]");
    nxtest_expect_code("Nx.Defn.Composite.count({Complex.new(1), {Nx.tensor(2), 3}})", "3");
}

Test(defn_cli, compile)
{
    nxtest_expect_code("fun = Nx.Defn.compile(&Nx.sum/2, [Nx.template({2, 2}, :s32), [axes: [1]]])\n"
                       "fun.(Nx.iota({2, 2}))",
                       "#Nx.Tensor<\n  s32[2]\n  [1, 5]\n>");
    nxtest_expect_code("fun = Nx.Defn.compile(&Nx.sum/2, [Nx.template({2, 2}, :s32), [axes: [1]]])\n"
                       "fun.(Nx.iota({2, 2}, type: :f32))",
                       "** (ArgumentError) argument at position 1 is not compatible with compiled function template.\n\n"
                       "\x1b[32m\n<<<<< Expected <<<<<\n#Nx.Tensor<\n  s32[2][2]\n>\n==========\n"
                       "\x1b[31m#Nx.Tensor<\n  f32[2][2]\n>\n>>>>> Argument >>>>>\n\x1b[0m");
    nxtest_expect_code("g = Nx.Defn.compile(fn {a, b}, c -> {Nx.add(a, c), Nx.multiply(b, 2)} end, "
                       "[{Nx.template({3}, :f32), 1}, 2.0])\n"
                       "g.({Nx.tensor([1.0, 2.0, 3.0]), 5}, 0.5)",
                       "{#Nx.Tensor<\n   f32[3]\n   [1.5, 2.5, 3.5]\n >,\n #Nx.Tensor<\n   s32\n   10\n >}");
    nxtest_expect_code("fun = Nx.Defn.compile(&Nx.exp/1, [Nx.template({2}, :f32)])\n"
                       "Nx.Defn.jit(fn x -> fun.(x) end).(Nx.tensor([1.0, 2.0]))",
                       "** (RuntimeError) cannot invoke compiled function when there is a JIT compilation happening");
}

/* Nx.Defn.grad / value_and_grad (src/cli/nxlib_grad.c) on random points against the
 * derivatives in closed form, containers of variables, and the tuple-output error. */
Test(defn_cli, grad_against_closed_forms)
{
    const char *cases[][2] = {
        { "fn x -> Nx.sum(Nx.sin(x)) end", "Nx.cos(x)" },
        { "fn x -> Nx.sum(Nx.multiply(Nx.exp(x), x)) end", "Nx.multiply(Nx.exp(x), Nx.add(x, 1))" },
        { "fn x -> Nx.mean(Nx.tanh(x)) end", "Nx.divide(Nx.subtract(1, Nx.pow(Nx.tanh(x), 2)), Nx.size(x))" },
        { "fn x -> Nx.sum(Nx.log(x)) end", "Nx.divide(1, x)" },
    };
    char code[1024];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(code, sizeof code,
                 "{x, _} = Nx.Random.uniform(Nx.Random.key(%zu), 0.5, 2.0, shape: {2, 3}, type: :f64)\n"
                 "Nx.all_close(Nx.Defn.grad(%s).(x), %s, rtol: 1.0e-12)",
                 i + 1, cases[i][0], cases[i][1]);
        nxtest_expect_code(code, u8_true);
    }
    nxtest_expect_code("{v, {ga, gb}} = Nx.Defn.value_and_grad({Nx.tensor(1.0), Nx.tensor(2.0)}, "
                       "fn {a, b} -> Nx.add(Nx.tanh(a), Nx.pow(b, 2)) end)\n"
                       "Nx.all(Nx.stack([Nx.all_close(v, 4.761594155955764), Nx.all_close(ga, 0.41997434161402614), "
                       "Nx.all_close(gb, 4.0)]))",
                       u8_true);
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([1.0, 2.0]), fn x -> x end)",
                       "#Nx.Tensor<\n  f32[2]\n  [1.0, 1.0]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor(1.0), fn x -> {x, Nx.negate(x)} end)",
                       "** (ArgumentError) unable to build tensor expression, expected a tensor or a number, got: "
                       "{#Nx.Tensor<\n   f32\n   \n   Nx.Defn.Expr\n   parameter a:0   f32\n >, #Nx.Tensor<\n   f32\n"
                       "   \n   Nx.Defn.Expr\n   parameter a:0   f32\n   b = negate a    f32\n >}");
}

/* value_and_grad/3 (spec/grad.md §1.1): the value is fun's whole result, the gradient that
 * of transform(result); outside a trace, inside jit, and as a returned function. */
Test(defn_cli, value_and_grad_with_transform)
{
    char code[1024];
    for (int seed = 1; seed <= 3; seed++) {
        snprintf(code, sizeof code,
                 "{x, _} = Nx.Random.uniform(Nx.Random.key(%d), -1.0, 1.0, shape: {3}, type: :f64)\n"
                 "f = fn x -> {Nx.multiply(x, 3), Nx.sum(Nx.exp(x))} end\n"
                 "{{p, l}, g} = Nx.Defn.value_and_grad(x, f, &elem(&1, 1))\n"
                 "{{jp, jl}, jg} = Nx.Defn.jit(fn x -> Nx.Defn.value_and_grad(x, f, fn {_, l} -> l end) end).(x)\n"
                 "{{_, _}, fg} = Nx.Defn.value_and_grad(f, &elem(&1, 1)).(x)\n"
                 "Nx.all(Nx.stack([Nx.all_close(p, Nx.multiply(x, 3), rtol: 1.0e-14), "
                 "Nx.all_close(l, Nx.sum(Nx.exp(x)), rtol: 1.0e-14), Nx.all_close(g, Nx.exp(x), rtol: 1.0e-14), "
                 "Nx.all_close(jp, p), Nx.all_close(jl, l), Nx.all_close(jg, g), Nx.all_close(fg, g)]))",
                 seed);
        nxtest_expect_code(code, u8_true);
    }
    nxtest_expect_code("{{a, s}, g} = Nx.Defn.value_and_grad({1, 2}, fn {a, b} -> {a, Nx.add(Nx.tanh(a), Nx.pow(b, 2))} end, "
                       "&elem(&1, 1))\n{a, s, g}",
                       "{#Nx.Tensor<\n   s32\n   1\n >,\n #Nx.Tensor<\n   f32\n   4.7615943\n >,\n"
                       " {#Nx.Tensor<\n    f32\n    0.41997433\n  >,\n  #Nx.Tensor<\n    f32\n    4.0\n  >}}");
    nxtest_expect_code("Nx.Defn.value_and_grad(Nx.tensor(1.0), fn x -> {x, x} end, fn v -> v end)",
                       "** (ArgumentError) unable to build tensor expression, expected a tensor or a number, got: "
                       "{#Nx.Tensor<\n   f32\n   \n   Nx.Defn.Expr\n   parameter a:0   f32\n >, #Nx.Tensor<\n   f32\n"
                       "   \n   Nx.Defn.Expr\n   parameter a:0   f32\n >}");
}

/* The function jit returns traces once per argument templates. */
Test(defn_cli, jit_traces_once_per_templates)
{
    nxtest_expect_code("f = Nx.Defn.jit(fn x, y -> send(self(), :traced); Nx.add(x, y) end)\n"
                       "r = [f.(Nx.tensor([1, 2]), 1), f.(Nx.tensor([3, 4]), 2), f.(Nx.tensor([1.5]), 1), "
                       "f.(Nx.tensor([5, 6]), 10)]\n"
                       "traces = Enum.sum(Enum.map(1..5, fn _ -> receive do :traced -> 1 after 0 -> 0 end end))\n"
                       "{Enum.map(r, &Nx.to_flat_list/1), traces}",
                       "{[[2, 3], [5, 6], [2.5], [15, 16]], 2}");
}
