/* tests/test_arena.c: the interpreter's values do not grow without bound in long loops
 * (src/cli/region.c: each interpreted call is an arena region rewound when it returns,
 * its result copied out; Enum.map/reduce collect their loop's region). A script runs in
 * a child nxc twice, with a short and a long loop: the peak resident memory of the two
 * stays within a few MB, and both print the closed-form result. Values that escape
 * (returned closures and containers, the mailbox, module attributes, the defn cache)
 * must stay valid: the ASan build poisons rewound memory, so a use after a rewind is
 * reported like a use after free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "support/nxtest.h"

/* Runs `code` in a child nxc; returns its peak RSS in kB and its output in out. */
static long run_child(const char *code, char *out, size_t cap, double *seconds)
{
    char script[] = "/tmp/nxc_arena_XXXXXX", output[] = "/tmp/nxc_arena_out_XXXXXX";
    int fd = mkstemp(script), od = mkstemp(output);
    cr_assert(fd >= 0 && od >= 0);
    cr_assert_eq(write(fd, code, strlen(code)), (ssize_t)strlen(code));
    close(fd);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(od, 1);
        dup2(od, 2);
        execl(NXC_BINARY, NXC_BINARY, script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (seconds)
        *seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    FILE *f = fdopen(od, "r");
    rewind(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    fclose(f);
    unlink(script);
    unlink(output);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "nxc failed: %s", out);
    return ru.ru_maxrss;
}

/* `body` is a printf format taking the loop count twice at most (%1$ld); the output is
 * compared with expected(n). */
typedef void expect_fn(long n, char *buf, size_t cap);

static long big_n(void)
{
    long n = nxtest_scaled(200000);
    return n < 20000 ? 20000 : n;
}

/* Runs the code for a tenth of big_n() and for big_n(): both print expected(n), and the
 * peak resident memory grows by less than 4 MiB between them. */
static void flat(const char *fmt, expect_fn *expected)
{
    long n[2] = { big_n() / 10, big_n() }, rss[2];
    for (int i = 0; i < 2; i++) {
        char code[4096], out[4096], want[256];
        snprintf(code, sizeof code, fmt, n[i]);
        rss[i] = run_child(code, out, sizeof out, NULL);
        expected(n[i], want, sizeof want);
        cr_assert_str_eq(out, want, "n = %ld", n[i]);
    }
#ifndef __SANITIZE_ADDRESS__   /* ASan's quarantine and shadow memory hold freed memory */
    cr_assert_lt(rss[1] - rss[0], 4096, "peak resident memory %ld kB at n = %ld, %ld kB at n = %ld", rss[0], n[0],
                 rss[1], n[1]);
#else
    (void)rss;
#endif
}

/* 1 + 2 + ... + n */
static void triangle(long n, char *buf, size_t cap)
{
    snprintf(buf, cap, "%ld\n", n * (n + 1) / 2);
}

Test(arena, reduce_with_tuples_stays_flat, .timeout = 120)
{
    flat("r = Enum.reduce(1..%ld, 0, fn i, acc -> {a, b} = {i, acc}; a + b end)\nIO.inspect r\n", triangle);
}

Test(arena, module_function_stepping_a_tensor_stays_flat, .timeout = 120)
{
    flat("defmodule Step do\n  def step(t, i), do: Nx.add(t, i)\nend\n"
         "t = Enum.reduce(1..%ld, Nx.tensor(0, type: :s64), fn i, t -> Step.step(t, i) end)\n"
         "IO.inspect Nx.to_number(t)\n", triangle);
}

/* sum over k of (1 + ... + 100) = 5050 k */
static void recursion(long n, char *buf, size_t cap)
{
    snprintf(buf, cap, "%ld\n", 5050 * (n / 100));
}

Test(arena, recursion_stays_flat, .timeout = 120)
{
    flat("defmodule Rec do\n  def sum(0), do: 0\n  def sum(n), do: n + sum(n - 1)\n"
         "  def down(0, acc), do: acc\n  def down(n, acc), do: down(n - 1, [n | acc])\nend\n"
         "r = Enum.reduce(1..div(%ld, 100), 0, fn _, acc -> l = Rec.down(100, []); acc + Rec.sum(length(l)) end)\n"
         "IO.inspect r\n", recursion);
}

/* each step maps 1..10 to {i, j} and adds the first elements: 55 per step */
static void map_tuples(long n, char *buf, size_t cap)
{
    snprintf(buf, cap, "%ld\n", 55 * (n / 10) + (n / 10) * (n / 10 + 1) / 2 * 10);
}

Test(arena, map_over_a_range_returning_tuples_stays_flat, .timeout = 120)
{
    flat("r = Enum.reduce(1..div(%ld, 10), 0, fn j, acc ->\n"
         "  l = Enum.map(1..10, fn i -> {i, j} end)\n"
         "  Enum.reduce(l, acc, fn {i, k}, a -> a + i + k end)\nend)\nIO.inspect r\n", map_tuples);
}

/* maps and binaries built and dropped: m.a summed, and the binary compared */
static void maps_binaries(long n, char *buf, size_t cap)
{
    snprintf(buf, cap, "{%ld, %ld}\n", n * (n + 1) / 2, n);
}

Test(arena, maps_and_binaries_built_in_a_loop_stay_flat, .timeout = 120)
{
    flat("r = Enum.reduce(1..%ld, {0, 0}, fn i, {s, c} ->\n"
         "  m = %%{a: i, b: \"x#{i}\", c: [i, i]}\n"
         "  m = Map.put(m, :d, <<i::32>>)\n"
         "  {s + m.a, c + (if m.b == \"x\" <> \"#{i}\", do: 1, else: 0)}\nend)\nIO.inspect r\n",
         maps_binaries);
}

/* sum of (k * 2 + 1) for k in 1..n */
static void closures(long n, char *buf, size_t cap)
{
    snprintf(buf, cap, "%ld\n", n * (n + 1) + n);
}

Test(arena, closures_returned_from_calls_stay_flat, .timeout = 120)
{
    flat("defmodule Mk do\n  def mk(k), do: fn x -> x * k + 1 end\n  def cap(k), do: &(&1 * k + 1)\nend\n"
         "r = Enum.reduce(1..%ld, 0, fn i, acc ->\n"
         "  f = if rem(i, 2) == 0, do: Mk.mk(i), else: Mk.cap(i)\n  acc + f.(2)\nend)\nIO.inspect r\n",
         closures);
}

/* Escapes: the mailbox, module attributes, the defn cache and default options keep what
 * they were given; the loop may grow then, but every value stays right. */
Test(arena, escaping_values_stay_valid)
{
    nxtest_expect_code("defmodule Mail do\n  def put(i), do: send(self(), {:m, [i, %{k: \"v#{i}\"}]})\nend\n"
                       "Enum.reduce(1..300, 0, fn i, _ -> Mail.put(i) end)\n"
                       "Enum.reduce(1..300, 0, fn _, acc -> receive do {:m, [i, %{k: s}]} -> "
                       "acc + i + (if s == \"v#{i}\", do: 1, else: 0) end end)",
                       "45450");
}

Test(arena, escapes_through_modules_and_caches)
{
    /* a module defined inside a call, with an attribute computed there */
    nxtest_expect_code("f = fn k -> defmodule Made do\n  @v [k, {k}]\n  def v, do: @v\nend\nend\n"
                       "f.(7)\nEnum.map(1..3, fn _ -> Made.v() end)",
                       "[[7, {7}], [7, {7}], [7, {7}]]");
    /* defn graphs cached from inside calls, then hit from other calls */
    nxtest_expect_code("defmodule D do\n  import Nx.Defn\n  defn f(x), do: x * 2 + 1\n  def g(i), do: f(Nx.tensor(i))\nend\n"
                       "r = Enum.reduce(1..200, 0, fn i, acc -> acc + Nx.to_number(D.g(i)) end)\nr",
                       "40400");
    /* default options set inside a call */
    nxtest_expect_code("(fn -> Nx.Defn.default_options([compiler: Nx.Defn.Evaluator]) end).()\n"
                       "Enum.map(1..2, fn _ -> Nx.Defn.default_options() end)",
                       "[[compiler: Nx.Defn.Evaluator], [compiler: Nx.Defn.Evaluator]]");
    /* aliases made inside a call */
    nxtest_expect_code("(fn -> alias Nx.LinAlg, as: LA end).()\nEnum.map(1..2, fn _ -> 1 end)", "[1, 1]");
}

Test(arena, returned_values_keep_their_shape)
{
    /* sharing, improper lists, ranges, captures of builtins, nested closures */
    nxtest_expect_code("f = fn -> x = {1, [2, 3]}; [x, x, [1 | 2], 1..4, &Enum.sum/1] end\n"
                       "[a, b, c, r, s] = f.()\n{a === b, c, s.(r)}",
                       "{true, [1 | 2], 10}");
    nxtest_expect_code("adders = (fn -> Enum.map(1..3, fn i -> fn x -> fn y -> x + y + i + 1000 end end end) end).()\n"
                       "Enum.map(adders, fn g -> g.(10).(100) end)",
                       "[1111, 1112, 1113]");
    nxtest_expect_code("g = Enum.reduce(1..5000, nil, fn i, _ -> &(&1 + i) end)\ng.(1)", "5001");
    nxtest_expect_code("m = Enum.reduce(1..3000, %{}, fn i, acc -> Map.put(acc, rem(i, 7), {i, \"s#{i}\"}) end)\n"
                       "Map.get(m, 3)",
                       "{2999, \"s2999\"}");
    /* a raise inside a loop keeps what was made before it */
    nxtest_expect_code("Enum.reduce(1..3000, 0, fn i, acc -> if i == 2999, do: raise(\"stop #{acc}\"), else: acc + i end)",
                       "** (RuntimeError) stop 4495501");
}

/* A deep recursion that builds a long list stays fast: the copy of a result stops at a
 * fraction of what the call allocated, so it is not redone at every level. */
Test(arena, deep_recursion_building_a_list_is_not_slowed, .timeout = 120)
{
    char out[256];
    double t_half, t_full;
    const char *fmt = "defmodule B do\n  def build(0), do: []\n  def build(n), do: [n | build(n - 1)]\nend\n"
                      "l = B.build(%d)\nIO.inspect {length(l), Enum.sum(l)}\n";
    char code[512];
#ifndef __SANITIZE_ADDRESS__
    int n = 8000;
#else
    int n = 1000;   /* ASan's frames are large: keep the interpreter's recursion shallow */
#endif
    snprintf(code, sizeof code, fmt, n / 2);
    run_child(code, out, sizeof out, &t_half);
    snprintf(code, sizeof code, fmt, n);
    run_child(code, out, sizeof out, &t_full);
    char want[64];
    snprintf(want, sizeof want, "{%d, %ld}\n", n, (long)n * (n + 1) / 2);
    cr_assert_str_eq(out, want);
    /* [n | list] copies the list, so the building itself is quadratic: the ratio is ~4;
     * a copy redone at every level on top of it would show as far more time. */
    cr_assert_lt(t_full, 20.0, "build(%d) took %.2f s", n, t_full);
    cr_assert_lt(t_full, 8 * t_half + 0.5, "build(%d) %.2f s, build(%d) %.2f s", n, t_full, n / 2, t_half);
}

/* Traced hooks (their contexts live in the graph), jitted and differentiated closures,
 * sort callbacks and recursion returning containers, all inside loops of calls. */
Test(arena, traced_code_and_callbacks_inside_loops)
{
    nxtest_expect_code("defmodule Hk do\n  import Nx.Defn\n"
                       "  defn f(x), do: hook(x * 2, fn t -> send(self(), {:h, Nx.to_number(Nx.sum(t))}) end)\n"
                       "  def g(i), do: f(Nx.tensor([i, i]))\nend\n"
                       "r = Enum.reduce(1..50, 0, fn i, acc -> acc + Nx.to_number(Nx.sum(Hk.g(i))) end)\n"
                       "h = Enum.reduce(1..50, 0, fn _, acc -> receive do {:h, v} -> acc + v end end)\n"
                       "j = Nx.Defn.jit(fn x -> Nx.add(x, 1) end)\n"
                       "k = Enum.reduce(1..200, 0, fn i, acc -> acc + Nx.to_number(j.(Nx.tensor(i))) end)\n"
                       "gr = Nx.Defn.grad(fn x -> Nx.sum(Nx.multiply(x, x)) end)\n"
                       "q = Enum.reduce(1..30, 0, fn i, acc -> acc + Nx.to_number(Nx.sum(gr.(Nx.tensor([i * 1.0])))) end)\n"
                       "s = Enum.sort(Enum.map(1..200, fn i -> rem(i * 7919, 200) end), fn a, b -> a >= b end)\n"
                       "{r, h, k, q, Enum.at(s, 0), Enum.at(s, 199)}",
                       "{5100, 5100, 20300, 930.0, 199, 0}");
}
