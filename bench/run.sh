#!/usr/bin/env bash
# bench/run.sh: builds nxc (Release, build-bench-run/), sets up NumPy and PyTorch (a venv
# in build/bench-venv over Debian's python3-numpy, PyTorch from PyPI), runs bench/eager and
# bench/eager.py, then bench/products and bench/products.py, one after the other on the
# same thread count, and prints the two tables that bench/RESULTS.md records. Options: --no-torch (skip installing PyTorch), THREADS=n.
# Run it on a quiet machine: other work on the cores shows up in every column. ROUNDS=n
# (default 3) alternating rounds; each number is the median over them.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-$(nproc)}
build=${BUILD_DIR:-build-bench-run}
venv=build/bench-venv
want_torch=1
[ "${1:-}" = --no-torch ] && want_torch=0

# Debian packages for the build and NumPy (install-deps.sh does nothing when they are there).
bash scripts/install-deps.sh

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNXC_TESTS=OFF -DNXC_BENCH=ON >/dev/null
cmake --build "$build" -j"$threads" --target bench_eager bench_products bench_linalg >/dev/null

if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
if [ "$want_torch" = 1 ] && ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    # The CPU-only wheels (download.pytorch.org) first; PyPI's default build otherwise.
    "$venv/bin/pip" install -q --timeout 15 --retries 1 torch \
        --index-url https://download.pytorch.org/whl/cpu 2>/dev/null ||
        "$venv/bin/pip" install -q torch ||
        echo "run.sh: PyTorch could not be installed; its column reads n/a" >&2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | grep 'Model name' | sed 's/  */ /g'); $threads threads"
# ROUNDS alternating rounds (nxc, then NumPy/PyTorch): the tables take each number's
# median over the rounds, so that a burst of other work on the machine hits one round.
rounds=${ROUNDS:-3}
for r in $(seq "$rounds"); do
    NXC_NUM_THREADS=$threads "./$build/bench/eager" > "$out/nxc.$r.tsv"
    OMP_NUM_THREADS=$threads "$venv/bin/python" bench/eager.py --threads "$threads" > "$out/py.$r.tsv"
done
"$venv/bin/python" bench/table.py "$out"/nxc.*.tsv -- "$out"/py.*.tsv
echo
echo "# products (issue #5)"
for r in $(seq "$rounds"); do
    NXC_NUM_THREADS=$threads "./$build/bench/products" > "$out/nxc_products.$r.tsv"
    OMP_NUM_THREADS=$threads "$venv/bin/python" bench/products.py --threads "$threads" > "$out/py_products.$r.tsv"
done
"$venv/bin/python" bench/products_table.py "$out"/nxc_products.*.tsv -- "$out"/py_products.*.tsv
echo
echo "# linalg (numpy.linalg; both on OpenBLAS's LAPACK)"
for r in $(seq "$rounds"); do
    NXC_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads "./$build/bench/linalg" > "$out/nxc_linalg.$r.tsv"
    OPENBLAS_NUM_THREADS=$threads "$venv/bin/python" bench/linalg.py > "$out/py_linalg.$r.tsv"
done
"$venv/bin/python" bench/linalg.py --join "$out"/nxc_linalg.*.tsv -- "$out"/py_linalg.*.tsv
