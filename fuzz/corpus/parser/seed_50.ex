f.(x).(y)
:math.pi()
:erlang.float(1)
IO.puts "x"