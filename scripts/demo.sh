#!/usr/bin/env bash
# scripts/demo.sh: installs missing Debian packages, builds nxc (build/) and runs the first
# example, examples/basics.c.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${NXC_JOBS:-$(nproc)}" --target example_basics
echo
exec ./build/examples/basics
