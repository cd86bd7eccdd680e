/* src/cli/main.c: the nxc command: a REPL (libedit), scripts (nxc FILE.exs), one-liners
 * (nxc -e CODE), pipes (echo CODE | nxc) and the conformance protocol (--eval-stdin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/eval.h"
#include "cli/nxlib.h"
#include "nx.h"

#ifdef NXC_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

#define STEP_SEPARATOR "#--nxc-step--"

static void usage(FILE *f)
{
    fprintf(f, "usage: nxc                 start the interactive shell (reads a pipe when stdin is not a terminal)\n"
               "       nxc FILE.exs        run a script\n"
               "       nxc -e CODE         evaluate CODE and print its value as IEx does\n"
               "       nxc --eval-stdin    the conformance protocol (shared/conformance/PROTOCOL.md)\n"
               "       nxc --version\n");
}

/* Parses and evaluates one entry. The value (when `print`) or the exception goes to
 * `out`. Returns 0, -1 after an error, or 1 when the entry is incomplete (and
 * `allow_incomplete`). */
static int run(nxi_session *s, const char *src, size_t len, FILE *out, int print, int allow_incomplete)
{
    nxi_parse_error err = { 0 };
    nxi_ast *block = nxi_parse(src, len, &err);
    if (!block) {
        if (allow_incomplete && err.incomplete)
            return 1;
        fprintf(out, "** (%s) iex:%d:%d: %s\n", err.kind ? err.kind : "SyntaxError", err.line, err.col,
                err.message);
        return -1;
    }
    if (block->kind == AST_BLOCK && block->n == 0)
        return 0;
    nxv *v = nxi_eval_block(s, block);
    nx_error_clear();
    if (!v) {
        fprintf(out, "** (%s) %s\n", nxi_raised_kind(), nxi_raised_message());
        nxi_clear_raised();
        return -1;
    }
    if (print) {
        char *text = nxi_inspect(v);
        fprintf(out, "%s\n", text);
    }
    fflush(out);
    return 0;
}

/* Reads all of a stream into arena memory. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    char *out = nxi_strndup(buf, n);
    free(buf);
    *len = n;
    return out;
}

/* A line that is exactly the step separator (trailing spaces and \r allowed). */
static int is_separator(const char *line, size_t n)
{
    size_t k = strlen(STEP_SEPARATOR);
    if (n < k || strncmp(line, STEP_SEPARATOR, k) != 0)
        return 0;
    for (size_t i = k; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return 0;
    return 1;
}

static void run_step(nxi_session *s, const char *src, size_t len)
{
    run(s, src, len, stdout, 1, 0);
    printf("%s\n", STEP_SEPARATOR);
    fflush(stdout);
}

/* Entries separated by STEP_SEPARATOR lines; each answered by its value or error and a
 * separator. */
static int eval_stdin(nxi_session *s)
{
    size_t len;
    char *all = slurp(stdin, &len);
    if (!all)
        return 1;
    nxi_side_out = stderr;
    size_t start = 0, pos = 0;
    for (;;) {
        size_t eol = pos;
        while (eol < len && all[eol] != '\n')
            eol++;
        if (is_separator(all + pos, eol - pos)) {
            run_step(s, all + start, pos - start);
            start = eol < len ? eol + 1 : len;
        }
        if (eol >= len)
            break;
        pos = eol + 1;
    }
    run_step(s, all + start, len - start);
    return 0;
}

/* Lines from a pipe, evaluated as IEx would, without prompts. */
static int eval_pipe(nxi_session *s)
{
    nxi_side_out = stdout;
    char *pending = NULL;
    size_t plen = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        char *joined = nxi_alloc(plen + (size_t)n + 1);
        if (pending)
            memcpy(joined, pending, plen);
        memcpy(joined + plen, line, (size_t)n);
        plen += (size_t)n;
        joined[plen] = 0;
        pending = joined;
        int r = run(s, pending, plen, stdout, 1, 1);
        if (r == 1)
            continue;
        if (r < 0)
            status = 1;
        pending = NULL;
        plen = 0;
    }
    if (pending && run(s, pending, plen, stdout, 1, 0) < 0)
        status = 1;
    free(line);
    return status;
}

#ifdef NXC_HAVE_LIBEDIT
/* Tab completion over "Module.function" names and module names. */
static char **candidates;
static size_t ncandidates;

static void add_candidate(const char *module, const char *name, void *ctx)
{
    (void)ctx;
    size_t n = strlen(module) + strlen(name) + 2;
    char *full = nxi_alloc(n);
    snprintf(full, n, "%s.%s", module, name);
    for (size_t i = 0; i < ncandidates; i++)
        if (!strcmp(candidates[i], full))
            return;
    char **bigger = nxi_alloc((ncandidates + 1) * sizeof *bigger);
    if (ncandidates)
        memcpy(bigger, candidates, ncandidates * sizeof *bigger);
    bigger[ncandidates++] = full;
    candidates = bigger;
}

static char *complete_one(const char *text, int state)
{
    static size_t next;
    if (state == 0)
        next = 0;
    while (next < ncandidates) {
        const char *c = candidates[next++];
        if (!strncmp(c, text, strlen(text)))
            return strdup(c);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, complete_one);
}

static int repl(nxi_session *s)
{
    nxi_side_out = stdout;
    nxi_each_function(add_candidate, NULL);
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,";
    char history[4096] = "";
    const char *home = getenv("HOME");
    if (home) {
        snprintf(history, sizeof history, "%s/.nxc_history", home);
        read_history(history);
    }
    printf("nxc %s (Nx for C) - Ctrl-D to leave\n", nx_version());
    char *pending = NULL;
    size_t plen = 0;
    int counter = 1;
    for (;;) {
        char prompt[32];
        snprintf(prompt, sizeof prompt, pending ? "...(%d)> " : "iex(%d)> ", counter);
        char *line = readline(prompt);
        if (!line)
            break;
        size_t n = strlen(line);
        char *joined = nxi_alloc(plen + n + 2);
        if (pending)
            memcpy(joined, pending, plen);
        memcpy(joined + plen, line, n);
        joined[plen + n] = '\n';
        plen += n + 1;
        joined[plen] = 0;
        pending = joined;
        free(line);
        int r = run(s, pending, plen, stdout, 1, 1);
        if (r == 1)
            continue;
        char *entry = nxi_strndup(pending, plen - 1);
        if (*entry)
            add_history(entry);
        pending = NULL;
        plen = 0;
        counter++;
    }
    printf("\n");
    if (*history)
        write_history(history);
    return 0;
}
#endif

static int run_file(nxi_session *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "** (File.Error) could not read file \"%s\": no such file or directory\n", path);
        return 1;
    }
    size_t len;
    char *src = slurp(f, &len);
    fclose(f);
    nxi_side_out = stdout;
    return src && run(s, src, len, stderr, 0, 0) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    nxi_session session = { 0 };
    int status = 0;
    nxi_side_out = stdout;
    nx_scope_begin();
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        printf("nxc %s\n", nx_version());
    } else if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
    } else if (argc == 2 && !strcmp(argv[1], "--eval-stdin")) {
        status = eval_stdin(&session);
    } else if (argc == 3 && !strcmp(argv[1], "-e")) {
        status = run(&session, argv[2], strlen(argv[2]), stdout, 1, 0) < 0;
    } else if (argc == 2 && argv[1][0] != '-') {
        status = run_file(&session, argv[1]);
    } else if (argc == 1 && !isatty(STDIN_FILENO)) {
        status = eval_pipe(&session);
    } else if (argc == 1) {
#ifdef NXC_HAVE_LIBEDIT
        status = repl(&session);
#else
        status = eval_pipe(&session);
#endif
    } else {
        usage(stderr);
        status = 2;
    }
    nx_scope_end();
    nxi_arena_reset();
    return status;
}
