case x do
  {:ok, v} -> v
  [h | t] -> h
  %{a: a} -> a
  _ -> 0
end