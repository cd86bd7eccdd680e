#!/usr/bin/env bash
# scripts/demo.sh: installs missing Debian packages, builds nxc (build/) and runs the demo:
# the seed's softmax of [[1, 2], [3, 4]] from C (examples/softmax.c) and at the nxc prompt,
# then the tour of tensors, types and printing in examples/basics.c.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${NXC_JOBS:-$(nproc)}" --target example_softmax example_basics nxc_cli
echo
echo "== softmax from C (examples/softmax.c)"
./build/examples/softmax
echo
echo "== the same at the nxc prompt"
code='t = Nx.tensor([[1, 2], [3, 4]])
Nx.divide(Nx.exp(t), Nx.sum(Nx.exp(t)))'
echo "$code"
./build/nxc -e "$code"
echo
echo "== a tour of tensors, types and printing (examples/basics.c)"
exec ./build/examples/basics
