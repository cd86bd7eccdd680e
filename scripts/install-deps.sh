#!/usr/bin/env bash
# scripts/install-deps.sh: installs the Debian packages that building and testing nxc need,
# and only those that are missing: when everything is there it asks dpkg and returns at
# once, without touching the network. Non-interactive; runs as root or through sudo.
set -euo pipefail

packages=(
    build-essential cmake pkg-config   # the C toolchain and the build
    libcriterion-dev                   # the test framework
    libopenblas-pthread-dev            # gemm for dot (OpenBLAS's own threads, no OpenMP)
    liblapacke-dev                     # LAPACKE: C entry points of LAPACK (on OpenBLAS) for Nx.LinAlg
    libfftw3-dev                       # FFTs (fft, ifft and the composites on them)
    libsleef-dev                       # vector math functions (exp, log, tanh...) within 1 ulp
    zlib1g-dev                         # deflated .npz members, compressed Nx.serialize terms
    libcjson-dev                       # the JSON header of safetensors files
    python3 python3-venv python3-numpy # the NumPy oracles (ml_dtypes comes from PyPI)
    python3-mpmath                     # the high-precision oracle of the math functions
    clang libclang-rt-14-dev           # libFuzzer targets and clang's sanitizer runtimes
    libedit-dev                        # line editing and history in the nxc REPL
    tmux                               # the REPL test types into a real terminal
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt (an unattended upgrade on a fresh machine) instead of failing.
apt_opts=(-q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
          -o Dpkg::Options::=--force-confold)
"${as_root[@]}" apt-get "${apt_opts[@]}" update
"${as_root[@]}" apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"
