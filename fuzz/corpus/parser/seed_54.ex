-1..-5//-1
a..b//c
x = y = 1
^pin = 2
@attr