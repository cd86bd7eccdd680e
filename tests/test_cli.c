/* tests/test_cli.c: the nxc command as users meet it: -e, pipes, scripts, the
 * --eval-stdin protocol, and malformed input that must give a clear error without
 * killing the process (run under the sanitizers in the sanitized build). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "support/nxtest.h"

/* Runs `nxc ARGS` with `input` on stdin; returns its stdout (free()) and exit status. */
static char *run_nxc(const char *args, const char *input, int *status)
{
    char in_path[] = "/tmp/nxc_test_inXXXXXX";
    int in_fd = mkstemp(in_path);
    cr_assert(in_fd >= 0);
    if (input)
        cr_assert_eq(write(in_fd, input, strlen(input)), (ssize_t)strlen(input));
    close(in_fd);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s < %s 2>/dev/null", NXC_BINARY, args, in_path);
    char *out = nxtest_capture(cmd, status);
    unlink(in_path);
    return out;
}

/* Single-quotes `code` for the shell. */
static const char *quoted(const char *code)
{
    static char buf[4096];
    size_t n = 0;
    buf[n++] = '\'';
    for (const char *p = code; *p && n < sizeof buf - 8; p++) {
        if (*p == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *p;
        }
    }
    buf[n++] = '\'';
    buf[n] = 0;
    return buf;
}

static void expect_e(const char *code, const char *expected)
{
    char args[4200];
    snprintf(args, sizeof args, "-e %s", quoted(code));
    int status;
    char *out = run_nxc(args, NULL, &status);
    cr_assert_str_eq(out, expected, "nxc -e %s", code);
    free(out);
}

Test(cli, e_prints_as_iex)
{
    expect_e("Nx.tensor([[1, 2], [3, 4]])",
             "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 2],\n    [3, 4]\n  ]\n>\n");
    expect_e("{1, 2.5, :ok, \"s\", [a: 1]}", "{1, 2.5, :ok, \"s\", [a: 1]}\n");
    expect_e("x = 3\nx * 2", "6\n");
    expect_e("Nx.shape(Nx.iota({2, 3}))", "{2, 3}\n");
}

Test(cli, pipe_evaluates_each_expression)
{
    int status;
    char *out = run_nxc("", "Nx.iota({2, 3}, names: [:x, :y])\n1 +\n2\n", &status);
    cr_assert_str_eq(out, "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>\n3\n");
    cr_assert_eq(status, 0);
    free(out);
}

Test(cli, eval_stdin_protocol)
{
    int status;
    char *out = run_nxc("--eval-stdin", "t = Nx.tensor([1, 2])\n#--nxc-step--\nNx.type(t)\n#--nxc-step--\nNx.foo(1)\n#--nxc-step--\nt = 1\nt + 1", &status);
    cr_assert_str_eq(out, "#Nx.Tensor<\n  s32[2]\n  [1, 2]\n>\n#--nxc-step--\n{:s, 32}\n#--nxc-step--\n"
                          "** (UndefinedFunctionError) function Nx.foo/1 is undefined or private\n#--nxc-step--\n"
                          "2\n#--nxc-step--\n");
    cr_assert_eq(status, 0);
    free(out);
}

Test(cli, bindings_of_a_failing_entry_are_dropped)
{
    int status;
    char *out = run_nxc("--eval-stdin", "x = 1\n#--nxc-step--\nx = Nx.reshape(Nx.iota({6}), {4})\n#--nxc-step--\nx", &status);
    cr_assert_str_eq(out, "1\n#--nxc-step--\n** (ArgumentError) cannot reshape, current shape {6} is not compatible "
                          "with new shape {4}\n#--nxc-step--\n1\n#--nxc-step--\n");
    free(out);
}

/* Every malformed input gives one "** (" error line and the next step still runs. */
Test(cli, malformed_inputs_give_clear_errors)
{
    static const char *bad[] = {
        "Nx.tensor([1, 2)", "(1 + 2", "[1, 2", "{1, 2", "%{a: 1", "<<1, 2", "\"unterminated",
        "1 +", "fn x -> x", "end", ")", "]", "<<1::float-7>>", "<<1.5::integer>>", "<<\"a\"::float>>",
        "123456789012345678901234567890123456789012345678901234567890",
        "Nx.sum(Nx.tensor([1]), foo: 1)", "Nx.iota({2}, bogus: :yes)", "Nx.tensor(1, 2, 3, 4)",
        "Nx.iota()", "undefined_var + 1", "Nx.NoSuch.fun(1)", "Nx.tensor([[1], [2, 3]])",
        "Nx.tensor([])", "Nx.reshape(Nx.iota({4}), {3})", "Nx.iota({0})", "Nx.iota({2}, type: :k8)",
        "{a, b} = {1}", "f = fn x -> x end; f.(1, 2)", "case 1 do 2 -> :no end", "1 / 0",
        "@@@", "~MAT[1 x]", "\x80\xff",
    };
    size_t n = sizeof bad / sizeof *bad;
    size_t cap = 1 << 16, len = 0;
    char *input = calloc(1, cap);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(input + len, cap - len, "%s\n#--nxc-step--\n", bad[i]);
    len += (size_t)snprintf(input + len, cap - len, ":still_alive");
    int status;
    char *out = run_nxc("--eval-stdin", input, &status);
    cr_assert_eq(status, 0, "nxc exited with %d on malformed input", status);
    size_t errors = 0;
    for (char *p = out; (p = strstr(p, "** (")); p++)
        errors++;
    cr_assert_eq(errors, n, "expected %zu errors, got %zu in:\n%s", n, errors, out);
    cr_assert_not_null(strstr(out, ":still_alive\n#--nxc-step--\n"));
    free(input);
    free(out);
}

Test(cli, deep_nesting_is_an_error_not_a_crash)
{
    size_t depth = 100000;
    char *input = malloc(depth * 2 + 64);
    memset(input, '[', depth);
    strcpy(input + depth, "\n#--nxc-step--\n:ok");
    int status;
    char *out = run_nxc("--eval-stdin", input, &status);
    cr_assert_eq(status, 0);
    cr_assert(strncmp(out, "** (", 4) == 0, "got: %.200s", out);
    cr_assert_not_null(strstr(out, ":ok\n#--nxc-step--\n"));
    free(input);
    free(out);
}

Test(cli, script_file_runs_without_echo)
{
    char path[] = "/tmp/nxc_scriptXXXXXX";
    int fd = mkstemp(path);
    const char *code = "t = Nx.iota({3})\nIO.inspect(Nx.to_flat_list(t))\n";
    cr_assert_eq(write(fd, code, strlen(code)), (ssize_t)strlen(code));
    close(fd);
    int status;
    char *out = run_nxc(path, NULL, &status);
    cr_assert_str_eq(out, "[0, 1, 2]\n");
    cr_assert_eq(status, 0);
    free(out);
    unlink(path);
}
