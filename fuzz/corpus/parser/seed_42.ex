if c do
  a
else
  b
end
unless c, do: a, else: b