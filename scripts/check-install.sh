#!/usr/bin/env bash
# scripts/check-install.sh [BUILD_DIR]: installs a built tree (default build/) into a
# temporary prefix, checks the layout, then builds tests/install/app.c against it the two
# ways a user would, with pkg-config and with CMake's find_package(nxc) (shared and static
# library), runs each program and compares its output with the expected text.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
app=$root/tests/install

fail() { echo "check-install: FAILED: $*" >&2; exit 1; }

expected='#Nx.Tensor<
  f32[x: 2][y: 3]
  [
    [0.0, 1.0, 2.0],
    [3.0, 4.0, 5.0]
  ]
>
version ok'

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log" >&2; fail "cmake --install $build"; }

# Layout. GNUInstallDirs picks lib/ or lib/<multiarch>/, so find the libdir from nxc.pc.
pc=$(find "$prefix" -path '*/pkgconfig/nxc.pc' | head -n 1)
[ -n "$pc" ] || fail "no lib*/pkgconfig/nxc.pc under the prefix"
libdir=$(dirname "$(dirname "$pc")")
for f in include/nx.h "${libdir#"$prefix"/}/libnxc.a" "${libdir#"$prefix"/}/libnxc.so" \
         "${libdir#"$prefix"/}/cmake/nxc/nxcConfig.cmake" \
         "${libdir#"$prefix"/}/cmake/nxc/nxcConfigVersion.cmake" \
         "${libdir#"$prefix"/}/cmake/nxc/nxcTargets.cmake" bin/nxc; do
    [ -e "$prefix/$f" ] || fail "$f is not installed"
done
compgen -G "$libdir/libnxc.so.*" >/dev/null || fail "no versioned libnxc.so.* in $libdir"
diff -r "$root/include" "$prefix/include" >"$tmp/headers.diff" \
    || { cat "$tmp/headers.diff" >&2; fail "installed headers differ from include/"; }

# Runs one built program (without LD_LIBRARY_PATH: it must find libnxc by itself) and
# compares its output.
check_run() {
    local name=$1 exe=$2 out
    out=$(env -u LD_LIBRARY_PATH "$exe") || fail "$name: the program failed"
    if [ "$out" != "$expected" ]; then
        diff <(echo "$expected") <(echo "$out") >&2 || true
        fail "$name: output differs from the expected text (diff above: < expected, > got)"
    fi
    echo "check-install: $name: ok"
}

# 1. pkg-config.
flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs nxc) \
    || fail "pkg-config --cflags --libs nxc"
case "$flags" in
    *"-I$prefix/"*) ;;
    *) fail "nxc.pc does not point into the install prefix (it gives: $flags);
    it must be relocatable: prefix=\${pcfiledir}/..., not the configure-time prefix" ;;
esac
# shellcheck disable=SC2086  # the flags are words
cc -std=c17 -Wall -Wextra -Werror -o "$tmp/app-pkgconfig" "$app/app.c" $flags \
    || fail "building app.c with pkg-config's flags: $flags"
loaded=$(ldd "$tmp/app-pkgconfig" | awk '/libnxc\.so/ { print $3 }')
if [ -z "$loaded" ] || [ "$(dirname "$(realpath "$loaded")")" != "$(realpath "$libdir")" ]; then
    fail "app (pkg-config) does not load libnxc from the prefix: $(ldd "$tmp/app-pkgconfig" | grep nxc)"
fi
check_run "pkg-config" "$tmp/app-pkgconfig"

# 2. CMake's find_package(nxc): nxc::nxc and nxc::nxc_static.
cmake -S "$app" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >"$tmp/cmake.log" 2>&1 \
    || { cat "$tmp/cmake.log" >&2; fail "configuring tests/install with find_package(nxc)"; }
grep -q "found nxc .* in $prefix/" "$tmp/cmake.log" \
    || { cat "$tmp/cmake.log" >&2; fail "find_package(nxc) did not find the package in the prefix"; }
cmake --build "$tmp/cmake" >"$tmp/build.log" 2>&1 \
    || { cat "$tmp/build.log" >&2; fail "building tests/install with CMake"; }
check_run "cmake nxc::nxc" "$tmp/cmake/app"
check_run "cmake nxc::nxc_static" "$tmp/cmake/app_static"
echo "check-install: ok (layout: include/, ${libdir#"$prefix"/}/, bin/)"
