[1, 2, a: 3]
["quoted key": 1]
{1, b: 2}
[h | t] = list