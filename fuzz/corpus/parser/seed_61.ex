defmodule Seed do
  import Nx.Defn
  @k 2
  def f(0), do: 1
  def f(n) when n > 0, do: n * f(n - 1)
  def g(a, b \\ 1), do: a + b
  defn h(x, opts \\ []) do
    {i, acc} = while {i = 0, acc = x}, i < 3 do
      {i + 1, acc * @k}
    end
    cond do
      acc > 10 -> acc
      true -> -acc
    end
  end
  defn s(t), do: while(acc = 0, v <- t, unroll: 2, do: acc + v)
end
send(self(), {:x, Seed.h(Nx.tensor(1))})
receive do {:x, v} -> v after 0 -> :none end
