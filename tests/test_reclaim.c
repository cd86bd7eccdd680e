/* tests/test_reclaim.c: the interpreter frees the tensors a call made and did not return
 * (src/cli/reclaim.c). Values that escape a call (returned in containers or closures,
 * sent to the mailbox, raised past it) must stay valid (ASan checks every access), and a
 * loop of calls that each make a large tensor keeps resident memory flat. */
#include <stdio.h>
#include <string.h>
#include "support/nxtest.h"

static const char *const u8_true = "#Nx.Tensor<\n  u8\n  1\n>";

Test(reclaim, escaping_values_stay_valid)
{
    /* a closure returned from a call keeps the tensor it captured */
    nxtest_expect_code("f = (fn -> t = Nx.iota({3}); fn -> Nx.add(t, 1) end end).()\nf.()",
                       "#Nx.Tensor<\n  s32[3]\n  [1, 2, 3]\n>");
    /* containers: maps, lists, tuples, nested */
    nxtest_expect_code("m = (fn -> %{a: [Nx.iota({2}), {Nx.tensor(5)}], b: Nx.iota({1})} end).()\n"
                       "Nx.add(Enum.at(m.a, 0), elem(Enum.at(m.a, 1), 0))",
                       "#Nx.Tensor<\n  s32[2]\n  [5, 6]\n>");
    /* callbacks of Enum functions, and module functions */
    nxtest_expect_code("Enum.map(1..3, fn i -> Nx.multiply(Nx.iota({2}), i) end) |> Nx.stack() |> Nx.sum()",
                       "#Nx.Tensor<\n  s32\n  6\n>");
    nxtest_expect_code("defmodule R do\n  def make(n), do: {Nx.iota({n}), fn -> Nx.iota({n}) end}\nend\n"
                       "{a, f} = R.make(3)\nNx.all(Nx.equal(a, f.()))", u8_true);
    /* the mailbox keeps what a call sent */
    nxtest_expect_code("(fn -> send(self(), {:t, Nx.iota({2})}); :ok end).()\nreceive do {:t, t} -> Nx.add(t, 1) end",
                       "#Nx.Tensor<\n  s32[2]\n  [1, 2]\n>");
    /* a call that raises hands what it made to its caller (the error ends the entry) */
    nxtest_expect_code("Enum.map([1, 0], fn d -> Nx.add(Nx.iota({2}), div(6, d)) end)",
                       "** (ArithmeticError) bad argument in arithmetic expression: div(6, 0)");
    /* the same tensor reached twice, and recursion */
    nxtest_expect_code("defmodule Rec do\n  def down(0, acc), do: acc\n  def down(n, acc), do: down(n - 1, [Nx.tensor(n) | acc])\nend\n"
                       "l = Rec.down(50, [])\nNx.sum(Nx.stack(l ++ l))",
                       "#Nx.Tensor<\n  s32\n  2550\n>");
}

Test(reclaim, a_loop_of_calls_keeps_memory_flat, .timeout = 300)
{
    /* Each step makes a 1 MB tensor; 300 steps kept would be 300 MB. */
    long before = nxtest_rss_kb(0);
    nxtest_expect_code("Enum.reduce(1..300, Nx.tensor(0.0), fn _, acc ->\n"
                       "  t = Nx.iota({262_144}, type: :f32)\n"
                       "  Nx.add(acc, Nx.divide(Nx.reduce_max(t), 262_143))\nend)",
                       "#Nx.Tensor<\n  f32\n  300.0\n>");
    long after = nxtest_rss_kb(0);
#ifndef __SANITIZE_ADDRESS__   /* ASan's quarantine holds freed memory */
    cr_assert_lt(after - before, 64 * 1024, "resident memory grew by %ld kB", after - before);
#else
    (void)before;
    (void)after;
#endif
}
