cond do
  x > 0 -> :pos
  true -> :other
end