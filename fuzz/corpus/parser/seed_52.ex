defmodule X do
  def f(x) when x > 0, do: x
  def g(t, opts) do
    send(opts[:pid], t)
  end
end