/* tests/test_defmodule.c: user modules in the interpreter (src/cli/module.c, defn_ops.c,
 * defn_while.c, nxlib_effects.c): defmodule with def/defp/defn/defnp, clauses, guards,
 * defaults and attributes; defn tracing (jit against eager, printed expressions), if /
 * cond / while results against closed forms, nested defn calls and grad; the errors
 * (undefined functions, defn rules, cond and while CompileErrors, syntax errors);
 * io_call / runtime_call / send / receive; and examples/logistic_regression.exs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nx.h"
#include "support/nxtest.h"

static const char *const u8_true = "#Nx.Tensor<\n  u8\n  1\n>";

static void expect_prefix(const char *code, const char *prefix)
{
    nx_scope_begin();
    char *text = nxtest_eval_text(code);
    cr_assert(strncmp(text, prefix, strlen(prefix)) == 0, "%s\ngave: %s\nexpected to start with: %s", code, text,
              prefix);
    nx_scope_end();
}

static const char *const basics =
    "defmodule Basics do\n"
    "  @scale 3\n"
    "  def fact(0), do: 1\n"
    "  def fact(n) when n > 0, do: n * fact(n - 1)\n"
    "  def scaled(x), do: x * @scale\n"
    "  def opt(a, b \\\\ 10, c \\\\ 100), do: a + 2 * b + 3 * c\n"
    "  def pub(x), do: priv(x) + 1\n"
    "  defp priv(x), do: x * 2\n"
    "  def kind(x) when is_integer(x), do: :int\n"
    "  def kind(_), do: :other\n"
    "end\n";

static void expect_with(const char *prelude, const char *expr, const char *expected)
{
    char code[8192];
    snprintf(code, sizeof code, "%s%s", prelude, expr);
    nxtest_expect_code(code, expected);
}

Test(defmodule, definition_and_calls)
{
    expect_prefix(basics, "{:module, Basics, <<70, 79, 82, 49");
    for (int n = 0; n <= 12; n++) {
        long long f = 1;
        for (int k = 2; k <= n; k++)
            f *= k;
        char expr[64], want[64];
        snprintf(expr, sizeof expr, "Basics.fact(%d)", n);
        snprintf(want, sizeof want, "%lld", f);
        expect_with(basics, expr, want);
    }
    expect_with(basics, "Basics.scaled(7)", "21");
    /* defaults fill the first defaulted parameters left to right */
    expect_with(basics, "{Basics.opt(1), Basics.opt(1, 2), Basics.opt(1, 2, 3)}", "{321, 305, 14}");
    expect_with(basics, "Basics.pub(5)", "11");
    expect_with(basics, "{Basics.kind(1), Basics.kind(1.5)}", "{:int, :other}");
    expect_with(basics, "Enum.map([1, 2, 3], &Basics.scaled/1)", "[3, 6, 9]");
    expect_with(basics, "f = &Basics.fact/1\nf.(4)", "24");
    expect_with(basics, "&Basics.fact/1", "&Basics.fact/1");
    /* a redefinition replaces the module */
    expect_with(basics, "defmodule Basics do\n  def fact(_), do: :gone\nend\nBasics.fact(3)", ":gone");
    expect_with(basics, "defmodule Basics do\n  def fact(_), do: :gone\nend\nBasics.scaled(3)",
                "** (UndefinedFunctionError) function Basics.scaled/1 is undefined or private");
}

Test(defmodule, call_errors)
{
    expect_with(basics, "Basics.priv(1)", "** (UndefinedFunctionError) function Basics.priv/1 is undefined or private");
    expect_with(basics, "Basics.nothere(1)",
                "** (UndefinedFunctionError) function Basics.nothere/1 is undefined or private");
    expect_with(basics, "Basics.fact(-1)", "** (FunctionClauseError) no function clause matching in Basics.fact/1");
    nxtest_expect_code("defmodule U do\n  def f(x), do: g(x)\nend\nU.f(1)",
                       "** (CompileError) undefined function g/1 (expected U to define such a function or for it "
                       "to be imported, but none are available)");
    nxtest_expect_code("def f(x), do: x", "** (ArgumentError) cannot invoke def/2 outside module");
    /* Syntax errors are reported, never a crash. */
    expect_prefix("defmodule S do\n  def f(x do x end\nend", "** (");
    expect_prefix("defmodule S do\n  defn f(x), do: x +\nend", "** (");
    expect_prefix("defmodule S do def end", "** (");
    expect_prefix("defmodule do end", "** (");
    expect_prefix("defmodule S, do: 1", "{:module, S,");
}

/* Deep recursion ends in SystemLimitError before the stack does: through a module's own
 * clauses, a built-in (Enum.map) calling back into them, and an anonymous fn; a shallow
 * call still evaluates afterwards. */
Test(defmodule, deep_recursion_is_an_error)
{
    static const char *const deep = "defmodule Deep do\n"
                                    "  def down(0), do: 0\n"
                                    "  def down(n), do: down(n - 1) + 1\n"
                                    "  def via_enum(0), do: 0\n"
                                    "  def via_enum(n), do: Enum.sum(Enum.map([n - 1], &via_enum/1)) + 1\n"
                                    "end\n";
    static const char *const limit = "** (SystemLimitError) stack depth limit reached (";
    char code[1024];
    snprintf(code, sizeof code, "%sDeep.down(100000)", deep);
    expect_prefix(code, limit);
    snprintf(code, sizeof code, "%sDeep.via_enum(100000)", deep);
    expect_prefix(code, limit);
    expect_prefix("f = fn f, n -> if n == 0, do: 0, else: 1 + f.(f, n - 1) end\nf.(f, 100000)", limit);
    expect_with(deep, "Deep.via_enum(200)", "200");
    expect_with(deep, "Deep.down(300)", "300");
}

static const char *const defns =
    "defmodule D do\n"
    "  import Nx.Defn\n"
    "  defn f(a, b), do: Nx.exp(a / 4) * b + 1\n"
    "  defn g(x), do: h(x) * 2 - 1\n"
    "  defnp h(x), do: x + 1\n"
    "  defn piece(x) do\n"
    "    cond do\n"
    "      x > 10 -> x * 10\n"
    "      x > 5 -> x - 5\n"
    "      true -> -x\n"
    "    end\n"
    "  end\n"
    "  defn sign(x) do\n"
    "    if Nx.sum(x) > 0, do: x, else: -x\n"
    "  end\n"
    "  defn tri(n) do\n"
    "    {_, acc, _} = while {i = 1, acc = 0, n}, i <= n do\n"
    "      {i + 1, acc + i, n}\n"
    "    end\n"
    "    acc\n"
    "  end\n"
    "  defn gsum(t) do\n"
    "    while acc = 0, x <- t do\n"
    "      acc + x\n"
    "    end\n"
    "  end\n"
    "  defn rsum(t) do\n"
    "    while acc = t, i <- 1..4, unroll: true do\n"
    "      acc + i\n"
    "    end\n"
    "  end\n"
    "  defn ksum(t), do: while(acc = 0, v <- t, unroll: 2, do: acc + v)\n"
    "  defn sq(x), do: Nx.sum(x * x)\n"
    "  defn vg(x), do: value_and_grad(x, &sq/1)\n"
    "  defn logic(a, b), do: {a and b, a or b, not a, a == b, a != b}\n"
    "  defn opts(x, opts \\\\ []) do\n"
    "    opts = keyword!(opts, power: 2)\n"
    "    if opts[:power] == 2, do: x * x, else: x ** opts[:power]\n"
    "  end\n"
    "end\n";

Test(defmodule, defn_matches_eager)
{
    const char *types[] = { ":f32", ":f64", ":s32", ":s64", ":bf16", ":u8" };
    char code[8192];
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        snprintf(code, sizeof code,
                 "%s"
                 "key = Nx.Random.key(%zu)\n"
                 "{x, _} = Nx.Random.uniform(key, 0.0, 5.0, shape: {3, 4})\n"
                 "x = Nx.as_type(x, %s)\n"
                 "eager = Nx.add(Nx.multiply(Nx.exp(Nx.divide(x, 4)), 2), 1)\n"
                 "Nx.all(Nx.equal(D.f(x, 2), eager))",
                 defns, i + 3, types[i]);
        nxtest_expect_code(code, u8_true);
        snprintf(code, sizeof code, "%s{x, _} = Nx.Random.uniform(Nx.Random.key(%zu), -9.0, 9.0, shape: {5})\n"
                 "x = Nx.as_type(x, %s)\n"
                 "Nx.all(Nx.equal(D.g(x), Nx.subtract(Nx.multiply(Nx.add(x, 1), 2), 1)))", defns, i + 11, types[i]);
        nxtest_expect_code(code, u8_true);
    }
}

Test(defmodule, control_flow_closed_forms)
{
    char expr[256], want[256];
    srand(7);
    for (int k = 0; k < 8; k++) {
        int x = rand() % 31 - 10;
        int piece = x > 10 ? x * 10 : x > 5 ? x - 5 : -x;
        snprintf(expr, sizeof expr, "Nx.to_number(D.piece(Nx.tensor(%d)))", x);
        snprintf(want, sizeof want, "%d", piece);
        expect_with(defns, expr, want);
        int n = rand() % 50;
        snprintf(expr, sizeof expr, "Nx.to_number(D.tri(%d))", n);
        snprintf(want, sizeof want, "%d", n * (n + 1) / 2);
        expect_with(defns, expr, want);
    }
    expect_with(defns, "D.sign(Nx.tensor([1, -3]))", "#Nx.Tensor<\n  s32[2]\n  [-1, 3]\n>");
    expect_with(defns, "D.sign(Nx.tensor([4.5, -3.0]))", "#Nx.Tensor<\n  f32[2]\n  [4.5, -3.0]\n>");
    /* generator loops against Nx.sum and 1 + 2 + 3 + 4 */
    expect_with(defns, "t = Nx.iota({6}, type: :s32)\nNx.equal(D.gsum(t), Nx.sum(t))", u8_true);
    expect_with(defns, "Nx.to_number(D.rsum(Nx.tensor(5)))", "15");
    expect_with(defns, "t = Nx.iota({5}, type: :s32)\nNx.equal(D.ksum(t), Nx.sum(t))", u8_true);
    expect_with(defns, "D.logic(1, 0)",
                "{#Nx.Tensor<\n   u8\n   0\n >,\n #Nx.Tensor<\n   u8\n   1\n >,\n #Nx.Tensor<\n   u8\n   0\n >,\n"
                " #Nx.Tensor<\n   u8\n   0\n >,\n #Nx.Tensor<\n   u8\n   1\n >}");
    /* options are static: plain Elixir `if` on them at trace time */
    expect_with(defns, "{Nx.to_number(D.opts(3)), Nx.to_number(D.opts(3, power: 3))}", "{9, 27}");
}

Test(defmodule, nested_defn_and_grad)
{
    /* d/dx sum(x^2) = 2x */
    expect_with(defns, "{v, g} = D.vg(Nx.tensor([1.0, -2.0, 3.0]))\n{Nx.to_number(v), Nx.to_flat_list(g)}",
                "{14.0, [2.0, -4.0, 6.0]}");
    /* a defn called from a jit trace inlines */
    expect_with(defns, "Nx.Defn.jit(fn x -> Nx.add(D.g(x), 1) end).(Nx.tensor(3))", "#Nx.Tensor<\n  s32\n  8\n>");
}

Test(defmodule, printed_expressions)
{
    expect_with(defns, "Nx.Defn.debug_expr(&D.sign/1).(Nx.tensor([1, 2]))",
                "#Nx.Tensor<\n  s32[2]\n  \n  Nx.Defn.Expr\n"
                "  parameter a:0                            s32[2]\n"
                "  b = sum a, axes: nil, keep_axes: false   s32\n"
                "  c = greater b, 0                         u8\n"
                "  d = negate a                             s32[2]\n"
                "  e = cond c -> a, true -> d               s32[2]\n>");
    expect_with(defns, "Nx.Defn.debug_expr(&D.g/1).(1)",
                "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                "  parameter a:0       s32\n"
                "  b = add 1, a        s32\n"
                "  c = multiply 2, b   s32\n"
                "  d = subtract c, 1   s32\n>");
}

Test(defmodule, defn_errors)
{
    nxtest_expect_code("defmodule P do\n  def plain(x), do: x\n  defn f(x), do: plain(x) + 1\nend\nP.f(1)",
                       "** (CompileError) cannot use function plain/1 inside defn because it was not defined with "
                       "defn");
    nxtest_expect_code("defmodule P2 do\n  def plain(x), do: x\nend\n"
                       "defmodule Q2 do\n  defn f(x), do: P2.plain(x)\nend\nQ2.f(1)",
                       "** (RuntimeError) cannot invoke P2.plain/1 inside defn because it was not defined with defn");
    nxtest_expect_code("defmodule M1 do\n  defn f(x), do: x\n  defn f(y), do: y\nend",
                       "** (CompileError) cannot compile defn f/1 with multiple clauses");
    nxtest_expect_code("defmodule M2 do\n  defn f(x) when x > 0, do: x\nend",
                       "** (CompileError) guards are not supported by defn");
    nxtest_expect_code("defmodule M3 do\n  defn f(x) do\n    cond do\n      x > 0 -> x\n    end\n  end\nend\n"
                       "M3.f(1)",
                       "** (CompileError) cond/if expects at least one branch to always evaluate to true");
    nxtest_expect_code("defmodule M4 do\n  defn f(x) do\n    if :foo, do: x, else: x\n  end\nend\nM4.f(1)",
                       "** (CompileError) cond in defn expects the predicate to be true, false, or a scalar tensor "
                       "where 0 is false and everything else is true. Unsupported value: :foo");
    nxtest_expect_code("defmodule M5 do\n  defn f(x) do\n    if x, do: x, else: -x\n  end\nend\nM5.f(Nx.tensor([1, 2]))",
                       "** (CompileError) condition must be a scalar tensor, got: #Nx.Tensor<\n  s32[2]\n  \n"
                       "  Nx.Defn.Expr\n  parameter a:0   s32[2]\n>, consider using Nx.all/1 or Nx.any/1 to obtain a "
                       "scalar predicate from tensor");
    expect_prefix("defmodule M6 do\n  defn f(x) do\n    if x > 0, do: {x, x}, else: x\n  end\nend\nM6.f(1)",
                  "** (CompileError) cond/if expects all branches to return compatible tensor types.\n\n");
    nxtest_expect_code("defmodule M7 do\n  defn f(x) do\n    while {i = 0, x}, i < 3 do\n"
                       "      {i + 1, Nx.as_type(x, :f32)}\n    end\n  end\nend\nM7.f(Nx.tensor(1))",
                       "** (CompileError) the do-block in while must return tensors with the same shape, type, and "
                       "names as the initial arguments.\n\n"
                       "{#Nx.Tensor<\n   s32\n >, \x1b[32m\n <<<<< Body (do-block) <<<<<\n #Nx.Tensor<\n   f32\n >\n"
                       " ==========\n \x1b[31m#Nx.Tensor<\n   s32\n >\n >>>>>     Initial     >>>>>\n \x1b[0m}");
    expect_prefix("defmodule M8 do\n  defn f(x) do\n    while {i = 0, x}, i < 3 do\n      i + 1\n    end\n  end\nend\n"
                  "M8.f(Nx.tensor(1))",
                  "** (CompileError) the do-block in while must return tensors with the same shape, type, and names "
                  "as the initial arguments.\n\n");
    nxtest_expect_code("defmodule M9 do\n  defn f(x) do\n    while x, x < 3, unroll: true do\n      x + 1\n    end\n"
                       "  end\nend\nM9.f(1)",
                       "** (CompileError) options are not supported on while with conditions, only with generators, "
                       "got: [unroll: true]");
    nxtest_expect_code("defmodule M10 do\n  defn f(x) do\n    while x, i <- :foo do\n      x + i\n    end\n"
                       "  end\nend\nM10.f(1)",
                       "** (CompileError) generators in while expect a range or a tensor, got: :foo");
    nxtest_expect_code("defmodule M11 do\n  defn f(x) do\n    while x, i <- x do\n      x + i\n    end\n"
                       "  end\nend\nM11.f(1)",
                       "** (CompileError) cannot have a scalar tensor as generator");
    nxtest_expect_code("defmodule M12 do\n  defn f(x) do\n    while x, i <- 1..3, unroll: :yes do\n      x + i\n"
                       "    end\n  end\nend\nM12.f(1)",
                       "** (CompileError) :unroll must be a boolean, got: :yes");
    nxtest_expect_code("defmodule M13 do\n  defn f(x) do\n    while 1 + 2, x < 3 do\n      x\n    end\n  end\nend\n"
                       "M13.f(1)",
                       "** (ArgumentError) invalid initial argument for \"while\". Expected a variable, a variable "
                       "assignment, or a tuple of the same");
}

Test(defmodule, effects)
{
    nxtest_expect_code("defmodule Log do\n  def log(t), do: send(self(), {:seen, Nx.to_flat_list(t)})\nend\n"
                       "x = Nx.io_call(Nx.tensor([1, 2]), &Log.log/1)\n"
                       "receive do {:seen, v} -> {v, x} end",
                       "{[1, 2],\n #Nx.Tensor<\n   s32[2]\n   [1, 2]\n >}");
    nxtest_expect_code("Nx.io_call(Nx.tensor(1), :named)",
                       "** (ArgumentError) named io_call :named is only supported inside defn; pass a function "
                       "callback instead");
    nxtest_expect_code("Nx.runtime_call(Nx.template({2}, :s32), Nx.tensor([1, 2]), fn t, _ -> Nx.multiply(t, 3) end)",
                       "#Nx.Tensor<\n  s32[2]\n  [3, 6]\n>");
    expect_prefix("Nx.runtime_call(Nx.template({3}, :s32), Nx.tensor([1, 2]), [], fn t, _ -> t end)",
                  "** (ArgumentError) expected the runtime_call function to match the given output template");
    nxtest_expect_code("send(self(), :a)\nsend(self(), :b)\nreceive do :b -> 2 end\nreceive do x -> x end", ":a");
    nxtest_expect_code("receive do :none -> 1 after 0 -> :timeout end", ":timeout");
}

/* examples/logistic_regression.exs as a user runs it: 10 epochs of 1,000 steps reach 95%
 * training accuracy with a line per epoch, and the interpreter's resident memory, read
 * from /proc as each line arrives, stays flat from the second epoch to the last. */
Test(defmodule, logistic_regression_example, .timeout = 600)
{
    char script[512];
    snprintf(script, sizeof script, "%s/examples/logistic_regression.exs", NXC_SOURCE_DIR);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execl(NXC_BINARY, NXC_BINARY, script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *p = fdopen(fds[0], "r");
    char line[512];
    double acc = -1;
    int epochs = 0;
    long rss[16] = { 0 };
    while (fgets(line, sizeof line, p)) {
        if (!strncmp(line, "epoch ", 6) && epochs < 16)
            rss[epochs++] = nxtest_rss_kb((int)pid);
        sscanf(line, "final accuracy %lf", &acc);
    }
    fclose(p);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the example failed");
    cr_assert_eq(epochs, 10, "expected 10 progress lines, got %d", epochs);
    cr_assert_geq(acc, 0.95, "final accuracy %f", acc);
#ifndef __SANITIZE_ADDRESS__   /* ASan's quarantine holds freed memory */
    cr_assert_lt(rss[9] - rss[1], 2048, "resident memory grew by %ld kB from epoch 2 to 10", rss[9] - rss[1]);
#else
    (void)rss;
#endif
}

/* A defn is traced once per argument templates (types, shapes, names) and then only
 * evaluated; a trace-time side effect shows how often it traced. Redefining the module
 * traces the new body. */
Test(defmodule, defn_graphs_are_cached_per_templates)
{
    nxtest_expect_code("defmodule Cached do\n  import Nx.Defn\n"
                       "  deftransform note(x) do\n    send(self(), :traced)\n    x\n  end\n"
                       "  defn f(x), do: note(x) * 2\nend\n"
                       "a = Cached.f(Nx.tensor([1, 2]))\nb = Cached.f(Nx.tensor([3, 4]))\n"
                       "c = Cached.f(Nx.tensor([1.5]))\nd = Cached.f(Nx.tensor([1, 2], names: [:x]))\n"
                       "e = Cached.f(Nx.tensor([5, 6]))\n"
                       "traces = Enum.sum(Enum.map(1..6, fn _ -> receive do :traced -> 1 after 0 -> 0 end end))\n"
                       "{Nx.to_flat_list(Nx.concatenate([a, b, e])), Nx.to_flat_list(c), d.names, traces}",
                       "{[2, 4, 6, 8, 10, 12], [3.0], [:x], 3}");
    nxtest_expect_code("defmodule Redefined do\n  import Nx.Defn\n  defn f(x), do: x + 1\nend\n"
                       "a = Redefined.f(Nx.tensor(1))\n"
                       "defmodule Redefined do\n  import Nx.Defn\n  defn f(x), do: x * 10\nend\n"
                       "{a, Redefined.f(Nx.tensor(1))} |> Tuple.to_list() |> Enum.map(&Nx.to_number/1)",
                       "[2, 10]");
}
