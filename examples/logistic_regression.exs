# examples/logistic_regression.exs: logistic regression trained by gradient descent, written
# as Nx code for Elixir (a module of defn functions) and run by the interpreter:
#
#     build/nxc examples/logistic_regression.exs
#
# The data: 10,000 rows of 10 standard-normal features from Nx.Random (key 42); the label
# of a row is 1 when it lies on the positive side of a random "true" weight vector.
# Each epoch is one full-batch step of `update`, whose gradient comes from
# Nx.Defn.value_and_grad; it prints the epoch, the loss and the training accuracy.
defmodule LogisticRegression do
  import Nx.Defn

  @learning_rate 1.0

  defn predict({w, b}, x) do
    Nx.sigmoid(Nx.dot(x, w) + b)
  end

  # Binary cross-entropy on the logits z: log(1 + e^z) - y * z, which never takes the log
  # of a rounded-off probability.
  defn loss({w, b}, x, y) do
    z = Nx.dot(x, w) + b
    Nx.mean(Nx.log1p(Nx.exp(z)) - y * z)
  end

  defn accuracy(params, x, y) do
    Nx.mean(predict(params, x) > 0.5 == y)
  end

  # One gradient-descent step: the new parameters, the loss before the step and the
  # accuracy after it.
  defn update({w, b} = params, x, y) do
    {l, {gw, gb}} = value_and_grad(params, &loss(&1, x, y))
    params = {w - @learning_rate * gw, b - @learning_rate * gb}
    {params, l, accuracy(params, x, y)}
  end

  def data(rows, features) do
    key = Nx.Random.key(42)
    {true_w, key} = Nx.Random.normal(key, 0.0, 1.0, shape: {features})
    {x, _key} = Nx.Random.normal(key, 0.0, 1.0, shape: {rows, features})
    y = Nx.as_type(Nx.greater(Nx.dot(x, true_w), 0), :f32)
    {x, y}
  end

  def train(x, y, epochs) do
    {_rows, features} = Nx.shape(x)
    params = {Nx.broadcast(0.0, {features}), Nx.tensor(0.0)}

    Enum.reduce(1..epochs, {params, 0.0}, fn epoch, {params, _acc} ->
      {params, l, acc} = update(params, x, y)
      l = Nx.to_number(l)
      acc = Nx.to_number(acc)
      IO.puts("epoch #{epoch}  loss #{round(l * 10000) / 10000}  accuracy #{round(acc * 10000) / 10000}")
      {params, acc}
    end)
  end
end

{x, y} = LogisticRegression.data(10_000, 10)
{_params, acc} = LogisticRegression.train(x, y, 30)
IO.puts("final accuracy #{acc}")
