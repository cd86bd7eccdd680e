a
|> b()
|> c(1, k: 2)
x = 1; y = 2 # comment