#!/usr/bin/env bash
# scripts/test.sh: the one command that checks nxc. Installs missing Debian packages,
# builds (build/), makes the NumPy oracle data, runs the Criterion suite, checks the
# installed package (scripts/check-install.sh), then builds and runs the suite again under
# AddressSanitizer, LeakSanitizer and UBSan (build-asan/), and the examples with it.
#
# The last line is `tests: N passed, N failed`: the Criterion counts of both runs added up,
# plus one failure for each other check that failed (the build, the install check, a
# sanitizer report that Criterion did not see, an example). Exit status 0 only when
# nothing failed. Logs are kept in build/test-logs/.
#
# Environment: NXC_JOBS (parallel jobs, default: every core), NXC_SKIP_ASAN=1 (skip the
# sanitizer build, for a quick local run; never in CI).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${NXC_JOBS:-$(nproc)}
logs=$root/build/test-logs
started=$SECONDS
passed=0
failed=0
done_summary=0

# The closing line, printed however the script ends (a failed build included).
finish() {
    local rc=$?
    if [ "$done_summary" = 0 ]; then
        [ "$rc" -ne 0 ] && failed=$((failed + 1))
        echo "test.sh: stopped early (status $rc) after $((SECONDS - started))s"
        echo "tests: $passed passed, $failed failed"
    fi
}
trap finish EXIT

step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - started)); }

# Runs a Criterion binary, showing and logging its output, and adds its counts.
# Usage: run_criterion NAME LOG COMMAND...  Sets crit_failed to this run's failures.
run_criterion() {
    local name=$1 log=$2 rc synth tested passing failing crashing
    shift 2
    status_failed=0
    set +e
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    synth=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -a 'Synthesis: Tested:' | tail -n 1 || true)
    if [ -z "$synth" ]; then
        echo "test.sh: $name: no Criterion synthesis line (status $rc): the runner itself failed"
        crit_failed=1
        failed=$((failed + 1))
        return
    fi
    field() { sed -n "s/.*$1: *\([0-9][0-9]*\).*/\1/p" <<<"$synth"; }
    tested=$(field Tested); passing=$(field Passing)
    failing=$(field Failing); crashing=$(field Crashing)
    crit_failed=$((${failing:-0} + ${crashing:-0}))
    passed=$((passed + ${passing:-0}))
    failed=$((failed + crit_failed))
    echo "test.sh: $name: $tested tested, $passing passing, $failing failing, $crashing crashing (status $rc)"
    status_failed=0
    if [ "$crit_failed" = 0 ] && [ "$rc" -ne 0 ]; then
        echo "test.sh: $name: exit status $rc without a failing test"
        failed=$((failed + 1))
        status_failed=1
    fi
}

step "dependencies"
bash scripts/install-deps.sh

step "build (build/, RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNXC_TESTS=ON >/dev/null
cmake --build build -j "$jobs"
mkdir -p "$logs"

step "oracle data (build/oracle)"
venv=build/venv
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
# ml_dtypes 0.5.4 is the newest that runs on Debian 12's numpy 1.24 (0.6 needs numpy 2)
# and has every type the oracles need (int2/uint2 came in 0.5.0). --no-deps keeps
# Debian's numpy.
ml_dtypes=0.5.4
if ! "$venv/bin/python" -c "import numpy, ml_dtypes, sys; sys.exit(ml_dtypes.__version__ != '$ml_dtypes')" 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "ml_dtypes==$ml_dtypes"
fi
# safetensors (the reference reader and writer of its format) for tests/test_io.c: a
# binary wheel with no Python dependencies; its numpy module uses Debian's numpy.
safetensors=0.4.5
if ! "$venv/bin/python" -c "import safetensors, sys; sys.exit(safetensors.__version__ != '$safetensors')" 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "safetensors==$safetensors"
fi
"$venv/bin/python" -c 'import numpy, ml_dtypes, safetensors; print("numpy", numpy.__version__, "ml_dtypes", ml_dtypes.__version__, "safetensors", safetensors.__version__)'
# Regenerate only when a script or a library version changed.
mkdir -p build/oracle
key=$( { cat tests/oracle/*.py 2>/dev/null || true
         "$venv/bin/python" -c 'import numpy, ml_dtypes, safetensors; print(numpy.__version__, ml_dtypes.__version__, safetensors.__version__)'
       } | sha256sum | cut -d' ' -f1)
if [ "$(cat build/oracle/.key 2>/dev/null || true)" != "$key" ]; then
    rm -f build/oracle/.key
    for gen in tests/oracle/gen_*.py; do
        [ -e "$gen" ] || continue
        echo "$gen"
        "$venv/bin/python" "$gen" build/oracle
    done
    echo "$key" > build/oracle/.key
else
    echo "up to date"
fi
export NXC_ORACLE_DIR=$root/build/oracle

step "tests (build/nxc_tests)"
run_criterion "tests" "$logs/tests.log" timeout 1800 ./build/nxc_tests --jobs "$jobs" --timeout 300

step "install check (scripts/check-install.sh)"
if ! bash scripts/check-install.sh build 2>&1 | tee "$logs/check-install.log"; then
    echo "test.sh: install check failed"
    failed=$((failed + 1))
fi

if [ "${NXC_SKIP_ASAN:-0}" = 1 ] && [ "${CI:-}" != true ]; then
    step "sanitizers skipped (NXC_SKIP_ASAN=1)"
else
    step "build with sanitizers (build-asan/, ASan + LSan + UBSan)"
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
          -DNXC_SANITIZE=ON -DNXC_TESTS=ON >/dev/null
    examples=()
    for ex in examples/*.c; do
        [ -e "$ex" ] && examples+=("$(basename "$ex" .c)")
    done
    cmake --build build-asan -j "$jobs" --target nxc_tests "${examples[@]/#/example_}"

    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # ASan and UBSan errors abort the test, and Criterion counts it as failed. A leak is
    # found only when the test's worker process exits, after Criterion has counted the
    # test as passed, so leaks are found in the output.
    sanitizer_report='ERROR: (Address|Leak)Sanitizer|LeakSanitizer has encountered|: runtime error: '

    step "tests under sanitizers (NXC_TEST_SCALE=0.1)"
    NXC_TEST_SCALE=0.1 run_criterion "sanitized tests" "$logs/tests-asan.log" \
        timeout 2400 ./build-asan/nxc_tests --jobs "$jobs" --timeout 600
    # Leaks in tests that Criterion did not already count as failed (a failed assertion
    # leaves its scope open, so its leak is no news), named by the test's _impl frame.
    # A report whose frames are all in the sanitizer runtime and libcriterion is the
    # runner's own (a 48-byte timeout record it sometimes keeps at exit), not a test's:
    # it is shown and set aside, and so is the exit status it gives the runner.
    leaked=$(awk '
        /^\[FAIL\] / { n = $2; sub(/:$/, "", n); gsub(/::/, "_", n); failed[n] = 1 }
        /ERROR: LeakSanitizer|LeakSanitizer has encountered/ { inside = 1; name[++k] = ""; ours[k] = 0; next }
        inside && /^ *#[0-9]+ / && !/libcriterion|libsanitizer|asan_malloc|interceptor/ { ours[k] = 1 }
        inside && name[k] == "" && match($0, /in [A-Za-z0-9_]+_impl /) {
            name[k] = substr($0, RSTART + 3, RLENGTH - 9) }
        inside && /^SUMMARY: / { inside = 0 }
        END { for (i = 1; i <= k; i++)
                  if (!ours[i])
                      print "  (set aside: a leak inside the Criterion runner itself)" > "/dev/stderr"
                  else if (name[i] == "" || !(name[i] in failed))
                      print "  " (name[i] == "" ? "(no test frame in the report)" : name[i]) }
        ' "$logs/tests-asan.log")
    runner_only=$(awk '
        /ERROR: LeakSanitizer|LeakSanitizer has encountered/ { inside = 1; k++; next }
        inside && /^ *#[0-9]+ / && !/libcriterion|libsanitizer|asan_malloc|interceptor/ { ours[k] = 1 }
        inside && /^SUMMARY: / { inside = 0 }
        END { n = 0; for (i = 1; i <= k; i++) if (!ours[i]) n++; print (k > 0 && n == k) ? 1 : 0 }
        ' "$logs/tests-asan.log")
    if [ "$runner_only" = 1 ] && [ "$status_failed" = 1 ]; then
        echo "test.sh: sanitized tests: the exit status came from the runner's own leak report; not counted"
        failed=$((failed - 1))
    fi
    others=$(grep -aEc 'ERROR: AddressSanitizer|: runtime error: ' "$logs/tests-asan.log" || true)
    if [ -n "$leaked" ]; then
        leaks=$(wc -l <<<"$leaked")
        echo "test.sh: LeakSanitizer: $leaks leak report(s) in tests that passed (suite_test):"
        echo "$leaked"
        passed=$((passed > leaks ? passed - leaks : 0))
        failed=$((failed + leaks))
    fi
    if [ "$others" -gt 0 ] && [ "$crit_failed" = 0 ]; then
        echo "test.sh: $others sanitizer report(s) that no failing test accounts for"
        failed=$((failed + others))
    fi

    step "examples under sanitizers"
    for ex in "${examples[@]}"; do
        log=$logs/example-$ex-asan.log
        if timeout 300 "./build-asan/examples/$ex" >"$log" 2>&1 \
           && ! grep -aqE "$sanitizer_report" "$log"; then
            echo "examples/$ex: ok"
        else
            echo "examples/$ex: FAILED (see $log)"
            grep -aE -A12 "$sanitizer_report" "$log" | head -n 40 || tail -n 20 "$log"
            failed=$((failed + 1))
        fi
    done
fi

# Nx's documented examples through the interpreter: the pass count may not drop below
# the floor recorded in tests/conformance-floor (raise it as cases start passing).
conformance=$root/../shared/conformance/run
floor=$(cat tests/conformance-floor)
if [ -f "$conformance" ]; then
    step "conformance (floor: $floor cases)"
    timeout 1200 /usr/bin/python3 "$conformance" --nxc build/nxc --jobs "$jobs" --timeout 10 \
        >"$logs/conformance.log" 2>&1 || true
    tail -n 12 "$logs/conformance.log" | sed 's/^/  conformance | /'
    got=$(tail -n 1 "$logs/conformance.log" | sed -n 's/^\([0-9][0-9]*\) passed.*/\1/p')
    if [ -n "$got" ] && [ "$got" -ge "$floor" ]; then
        echo "conformance: $got passed (floor $floor): ok"
        passed=$((passed + 1))
    else
        echo "conformance: ${got:-no} cases passed, below the floor of $floor: FAILED"
        failed=$((failed + 1))
    fi
else
    echo "test.sh: ../shared/conformance/run is missing: conformance not checked: FAILED"
    failed=$((failed + 1))
fi

# The REPL as a person uses it, driven through tmux.
step "REPL under tmux (tests/cli/repl.sh)"
if bash tests/cli/repl.sh build/nxc >"$logs/repl.log" 2>&1; then
    echo "repl: ok"
    passed=$((passed + 1))
else
    echo "repl: FAILED"
    tail -n 30 "$logs/repl.log"
    failed=$((failed + 1))
fi

# The interpreter under libFuzzer for a minute (scripts/fuzz.sh runs longer by hand).
step "fuzzing the interpreter for 60s (scripts/fuzz.sh)"
if timeout 600 bash scripts/fuzz.sh "${NXC_FUZZ_SECONDS:-60}" eval >"$logs/fuzz.log" 2>&1; then
    tail -n 4 "$logs/fuzz.log" | sed 's/^/  fuzz | /'
    echo "fuzz: ok"
    passed=$((passed + 1))
else
    echo "fuzz: FAILED (reproducer in build-fuzz/)"
    tail -n 40 "$logs/fuzz.log"
    failed=$((failed + 1))
fi

# The tensor file readers (.npy, .npz, Nx.deserialize, safetensors), 30 seconds each.
for target in npy npz serialize safetensors; do
    step "fuzzing the $target reader for 30s (scripts/fuzz.sh)"
    if timeout 600 bash scripts/fuzz.sh "${NXC_FUZZ_IO_SECONDS:-30}" "$target" >"$logs/fuzz-$target.log" 2>&1; then
        tail -n 4 "$logs/fuzz-$target.log" | sed "s/^/  fuzz-$target | /"
        echo "fuzz $target: ok"
        passed=$((passed + 1))
    else
        echo "fuzz $target: FAILED (reproducer in build-fuzz/)"
        tail -n 40 "$logs/fuzz-$target.log"
        failed=$((failed + 1))
    fi
done

step "done in $((SECONDS - started))s"
done_summary=1
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
