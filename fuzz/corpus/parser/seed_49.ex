&Nx.sum/1
&(&1 + 1)
&Nx.add(&1, 2)
&{&1, &2}
&elem/2