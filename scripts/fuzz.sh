#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [TARGET]: builds a libFuzzer target with clang (ASan + UBSan)
# and runs it for SECONDS (default 600) on its corpus in fuzz/corpus/TARGET, adding what
# it finds to a scratch corpus in build-fuzz/. Targets: eval (default: lexer, parser,
# evaluator, bindings, printing), parser, and the tensor file readers npy, npz, serialize
# (Nx.deserialize) and safetensors. Exits non-zero on a crash, leak or timeout;
# the reproducer is left in build-fuzz/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-600}
target=${2:-eval}
out=build-fuzz
mkdir -p "$out/corpus-$target"

sources=(src/core/*.c src/ops/*.c)
sources+=(src/io/*.c src/defn/*.c)
for f in src/backend/cpu/*.c; do
    [ "$f" = src/backend/cpu/vmath_avx2.c ] || sources+=("$f")
done
for f in src/cli/*.c; do
    [ "$f" = src/cli/main.c ] || sources+=("$f")
done
# The libraries the library links (pkg-config gives OpenBLAS's own cblas.h first).
deps_cflags=$(pkg-config --cflags openblas lapacke fftw3 fftw3f zlib libcjson)
deps_libs="$(pkg-config --libs openblas lapacke fftw3 fftw3f zlib libcjson) -lsleef"
flags=(-g -O1 -std=gnu17 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -Iinclude -Isrc $deps_cflags -Wall -Wextra -Werror)
case "$target" in
    eval) # vmath_avx2.c alone is built for AVX2 + FMA, as CMakeLists.txt builds it.
          # NXC_FUZZING keeps File.read!/File.write! away from the machine's files.
          clang "${flags[@]}" -mavx2 -mfma -c src/backend/cpu/vmath_avx2.c -o "$out/vmath_avx2.o"
          clang "${flags[@]}" -DNXC_FUZZING fuzz/fuzz_eval.c "${sources[@]}" "$out/vmath_avx2.o" $deps_libs -lm -lpthread \
                -o "$out/fuzz_eval" ;;
    parser) clang "${flags[@]}" -DNXI_FUZZ_ARENA_STUB fuzz/fuzz_parser.c src/cli/lexer*.c src/cli/parser*.c src/cli/utf8.c \
                -o "$out/fuzz_parser" ;;
    npy|npz|serialize|safetensors)
          # The library (no interpreter) is compiled once into $out/lib/ and reused by
          # these targets: a source is rebuilt when it, or any header, changed.
          mkdir -p "$out/lib"
          headers_changed=1
          [ -e "$out/lib/.stamp" ] && [ -z "$(find include src -name '*.h' -newer "$out/lib/.stamp" | head -n 1)" ] \
              && headers_changed=0
          objs=()
          for f in "${sources[@]}" src/backend/cpu/vmath_avx2.c; do
              [[ $f == src/cli/* ]] && continue
              o=$out/lib/$(tr / _ <<<"${f%.c}").o
              objs+=("$o")
              if [ "$headers_changed" = 1 ] || [ ! -e "$o" ] || [ "$f" -nt "$o" ]; then
                  extra=()
                  [ "$f" = src/backend/cpu/vmath_avx2.c ] && extra=(-mavx2 -mfma)
                  clang "${flags[@]}" "${extra[@]}" -c "$f" -o "$o"
              fi
          done
          touch "$out/lib/.stamp"
          clang "${flags[@]}" "fuzz/fuzz_$target.c" "${objs[@]}" $deps_libs -lm -lpthread -o "$out/fuzz_$target" ;;
    *) echo "fuzz.sh: unknown target $target (eval, parser, npy, npz, serialize, safetensors)" >&2; exit 2 ;;
esac

seeds=fuzz/corpus/parser
[ "$target" = eval ] || [ "$target" = parser ] || seeds=fuzz/corpus/$target
echo "fuzz.sh: running $target for ${seconds}s"
ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 \
    "$out/fuzz_$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus-$target" "$seeds" 2>&1 \
    | grep -avE '^#[0-9]+\s+(NEW|REDUCE|pulse)' | tail -n 25
