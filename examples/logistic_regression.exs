# examples/logistic_regression.exs: logistic regression trained by gradient descent, written
# as Nx code for Elixir (a module of defn functions) and run by the interpreter:
#
#     build/nxc examples/logistic_regression.exs
#
# The data: 10,000 rows of 10 standard-normal features from Nx.Random (key 42); the label
# of a row is 1 when it lies on the positive side of a random "true" weight vector.
# Training is 10 epochs of 1,000 full-batch steps. An epoch is one defn whose `while`
# loop runs the steps inside the graph (traced once, then evaluated: memory stays flat);
# each step's gradient comes from Nx.Defn.value_and_grad. A line per epoch shows the
# loss and the training accuracy.
defmodule LogisticRegression do
  import Nx.Defn

  @learning_rate 1.0
  @steps_per_epoch 1_000

  defn predict({w, b}, x) do
    Nx.sigmoid(Nx.dot(x, w) + b)
  end

  # Binary cross-entropy on the logits z, log(1 + e^z) - y z, written as
  # max(z, 0) - y z + log(1 + e^-|z|): no log of a rounded-off probability, and no e^z
  # overflowing once the separable classes push |z| past 88.
  defn loss({w, b}, x, y) do
    z = Nx.dot(x, w) + b
    Nx.mean(Nx.max(z, 0) - y * z + Nx.log1p(Nx.exp(-Nx.abs(z))))
  end

  defn accuracy(params, x, y) do
    Nx.mean(predict(params, x) > 0.5 == y)
  end

  # One gradient-descent step.
  defn update({w, b} = params, x, y) do
    {_loss, {gw, gb}} = value_and_grad(params, &loss(&1, x, y))
    {w - @learning_rate * gw, b - @learning_rate * gb}
  end

  # An epoch: @steps_per_epoch steps in one while loop; the new parameters, their loss and
  # their accuracy.
  defn epoch(params, x, y) do
    {params, _x, _y, _i} =
      while {params, x, y, i = 0}, i < @steps_per_epoch do
        {update(params, x, y), x, y, i + 1}
      end

    {params, loss(params, x, y), accuracy(params, x, y)}
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
      {params, l, acc} = epoch(params, x, y)
      l = Nx.to_number(l)
      acc = Nx.to_number(acc)
      steps = epoch * @steps_per_epoch
      IO.puts("epoch #{epoch}  step #{steps}  loss #{round(l * 10000) / 10000}  accuracy #{round(acc * 10000) / 10000}")
      {params, acc}
    end)
  end
end

{x, y} = LogisticRegression.data(10_000, 10)
{_params, acc} = LogisticRegression.train(x, y, 10)
IO.puts("final accuracy #{acc}")
