m = %{m | a: 2}
%{"k" => v, a: 1}
%Nx.Tensor{data: d}