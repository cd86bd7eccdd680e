/* tests/test_parser.c: the lexer and parser of the interpreter (src/cli/lexer.c, parser.c).
 * Every code string of the conformance cases parses; trees are compared in a compact
 * S-expression form (precedence, calls, containers, strings, bitstrings, clauses); errors
 * carry Elixir's kind and wording, and .incomplete for unfinished input; malformed,
 * truncated, mutated and deeply nested input gives an error, never a crash or a hang. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/lexer.h"

/* ---- the S-expression printer ---- */

typedef struct sx_buf {
    char *b;
    size_t n, cap;
} sx_buf;

static void sx_put(sx_buf *s, const char *t, size_t k)
{
    if (s->n + k + 1 > s->cap) {
        s->cap = (s->n + k + 1) * 2;
        s->b = realloc(s->b, s->cap);
        cr_assert_not_null(s->b);
    }
    memcpy(s->b + s->n, t, k);
    s->n += k;
    s->b[s->n] = '\0';
}

static void sx_str(sx_buf *s, const char *t)
{
    sx_put(s, t, strlen(t));
}

static void sx_int(sx_buf *s, nxi_int v)
{
    char d[64];
    int k = 63;
    unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    d[k] = '\0';
    do {
        d[--k] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0)
        d[--k] = '-';
    sx_str(s, d + k);
}

static void sx_quoted(sx_buf *s, const char *t, size_t n)
{
    sx_str(s, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        char e[8];
        if (c == '"' || c == '\\') {
            e[0] = '\\', e[1] = (char)c;
            sx_put(s, e, 2);
        } else if (c < 32 || c == 127) {
            snprintf(e, sizeof e, "\\x%02X", c);
            sx_str(s, e);
        } else {
            sx_put(s, (const char *)&c, 1);
        }
    }
    sx_str(s, "\"");
}

static void sx(sx_buf *s, const nxi_ast *a);

/* sep and a, when a is there. */
static void sx_opt(sx_buf *s, const char *sep, const nxi_ast *a)
{
    if (a) {
        sx_str(s, sep);
        sx(s, a);
    }
}

/* "(head x y)", y optional. */
static void sx_form(sx_buf *s, const char *head, const nxi_ast *x, const nxi_ast *y)
{
    sx_str(s, "(");
    sx_str(s, head);
    sx_str(s, " ");
    sx(s, x);
    sx_opt(s, " ", y);
    sx_str(s, ")");
}

/* "(text l r [step])" of an operator or an if; an operator with no operands drops them. */
static void sx_op(sx_buf *s, const nxi_ast *a, bool operands)
{
    sx_str(s, "(");
    sx_str(s, a->text);
    if (operands) {
        sx_str(s, " ");
        sx(s, a->lhs);
        sx_str(s, " ");
        sx(s, a->rhs);
    }
    sx_opt(s, " ", a->step);
    sx_str(s, ")");
}

static void sx_list(sx_buf *s, nxi_ast *const *k, int n, const char *first_sep)
{
    for (int i = 0; i < n; i++) {
        sx_str(s, i ? " " : first_sep);
        sx(s, k[i]);
    }
}

static void sx_clauses(sx_buf *s, const nxi_clause *c, int n)
{
    for (int i = 0; i < n; i++) {
        sx_str(s, " (-> (");
        sx_list(s, c[i].params, c[i].nparams, "");
        sx_str(s, ")");
        sx_opt(s, " when ", c[i].guard);
        sx_str(s, " ");
        sx(s, c[i].body);
        sx_str(s, ")");
    }
}

static void sx_segment(sx_buf *s, const nxi_segment *g)
{
    char f[32];
    sx_str(s, "(seg ");
    sx(s, g->value);
    sx_str(s, " ");
    sx_str(s, g->type);
    sx_opt(s, " size=", g->size);
    if (g->unit) {
        snprintf(f, sizeof f, " unit=%d", g->unit);
        sx_str(s, f);
    }
    if (g->is_signed)
        sx_str(s, " signed");
    if (g->endian)
        sx_str(s, g->endian == 1 ? " little" : " native");
    sx_str(s, ")");
}

/* INT 1, FLOAT 1.5, :atom, "string", '"charlist", var, Alias, [a b | t], {a b},
 * %{k=>v}, <<(seg ...)>>, (op l r [step]), (u- x), (= l r), (call Mod.f args) with !np
 * when written without parentheses, (.() f args), (. x field), (at x i), (fn clauses),
 * (& x), &1, (block ...), (if c a b), (cond clauses), (case x clauses), (~NAME "raw" mods). */
static void sx(sx_buf *s, const nxi_ast *a)
{
    char f[64];
    if (!a) {
        sx_str(s, "NULL");
        return;
    }
    switch (a->kind) {
    case AST_INT: sx_int(s, a->i); break;
    case AST_FLOAT:
        snprintf(f, sizeof f, "%.17g", a->f);
        sx_str(s, f);
        if (!strpbrk(f, ".eni"))
            sx_str(s, ".0");
        break;
    case AST_ATOM: sx_str(s, ":"); sx_str(s, a->text); break;
    case AST_STRING: sx_quoted(s, a->text, a->len); break;
    case AST_CHARLIST: sx_str(s, "'"); sx_quoted(s, a->text, a->len); break;
    case AST_VAR: case AST_ALIAS: sx_str(s, a->text); break;
    case AST_LIST:
        sx_str(s, "[");
        sx_list(s, a->kids, a->n, "");
        sx_opt(s, " | ", a->tail);
        sx_str(s, "]");
        break;
    case AST_TUPLE: sx_str(s, "{"); sx_list(s, a->kids, a->n, ""); sx_str(s, "}"); break;
    case AST_MAP:
        sx_str(s, "%");
        if (a->module)
            sx_str(s, a->module);
        sx_str(s, "{");
        if (a->base) {
            sx(s, a->base);
            sx_str(s, " |");
        }
        for (int i = 0; i < a->n; i++) {
            if (i || a->base)
                sx_str(s, " ");
            sx(s, a->kids[i]->kids[0]);
            sx_str(s, "=>");
            sx(s, a->kids[i]->kids[1]);
        }
        sx_str(s, "}");
        break;
    case AST_BITSTRING:
        sx_str(s, "<<");
        for (int i = 0; i < a->n; i++) {
            if (i)
                sx_str(s, " ");
            sx_segment(s, &a->segs[i]);
        }
        sx_str(s, ">>");
        break;
    case AST_OP: sx_op(s, a, a->lhs || a->rhs); break;
    case AST_UNARY:
        snprintf(f, sizeof f, "u%s", a->text);
        sx_form(s, f, a->lhs, NULL);
        break;
    case AST_MATCH: sx_form(s, "=", a->lhs, a->rhs); break;
    case AST_CALL:
        sx_str(s, "(call ");
        if (a->lhs) {
            sx(s, a->lhs);
            sx_str(s, ".");
        }
        if (a->module) {
            sx_str(s, a->module);
            sx_str(s, ".");
        }
        sx_str(s, a->text);
        if (!a->parens)
            sx_str(s, "!np");
        sx_list(s, a->kids, a->n, " ");
        sx_str(s, ")");
        break;
    case AST_ANON_CALL:
        sx_str(s, "(.() ");
        sx(s, a->lhs);
        sx_list(s, a->kids, a->n, " ");
        sx_str(s, ")");
        break;
    case AST_DOT:
        sx_str(s, "(. ");
        sx(s, a->lhs);
        sx_str(s, " ");
        sx_str(s, a->text);
        sx_str(s, ")");
        break;
    case AST_ACCESS: sx_form(s, "at", a->lhs, a->rhs); break;
    case AST_FN: sx_str(s, "(fn"); sx_clauses(s, a->clauses, a->n); sx_str(s, ")"); break;
    case AST_CAPTURE: sx_str(s, "(& "); sx(s, a->lhs); sx_str(s, ")"); break;
    case AST_CAPTURE_ARG: sx_str(s, "&"); sx_int(s, a->i); break;
    case AST_BLOCK: sx_str(s, "(block"); sx_list(s, a->kids, a->n, " "); sx_str(s, ")"); break;
    case AST_IF: sx_op(s, a, true); break;
    case AST_COND: sx_str(s, "(cond"); sx_clauses(s, a->clauses, a->n); sx_str(s, ")"); break;
    case AST_CASE:
        sx_str(s, "(case ");
        sx(s, a->lhs);
        sx_clauses(s, a->clauses, a->n);
        sx_str(s, ")");
        break;
    case AST_SIGIL:
        sx_str(s, "(~");
        sx_str(s, a->text);
        sx_str(s, " ");
        sx_quoted(s, a->module, a->len);
        if (a->modifiers && *a->modifiers) {
            sx_str(s, " ");
            sx_str(s, a->modifiers);
        }
        sx_str(s, ")");
        break;
    }
}

/* Parses `code`; the tree (its only expression, or the whole block) as an S-expression,
 * or "ERR <kind>: <message>" (malloc'd). */
static char *parse_sx(const char *code, size_t len)
{
    nxi_parse_error e;
    sx_buf s = {0};
    nxi_ast *a = nxi_parse(code, len, &e);
    if (!a) {
        sx_str(&s, "ERR ");
        sx_str(&s, e.kind);
        sx_str(&s, ": ");
        sx_str(&s, e.message);
    } else {
        sx(&s, a->kind == AST_BLOCK && a->n == 1 ? a->kids[0] : a);
    }
    nxi_arena_reset();
    return s.b;
}

#define EXPECT_TREE(code, tree) \
    do { \
        char *got_ = parse_sx((code), strlen(code)); \
        cr_expect_str_eq(got_, (tree), "%s\n  gave %s\n  want %s", (code), got_, (tree)); \
        free(got_); \
    } while (0)

/* Parses code expecting an error of `kind` whose message starts with `msg`. */
static void expect_error(const char *code, size_t len, const char *kind, const char *msg,
                         int incomplete)
{
    nxi_parse_error e;
    memset(&e, 0x5A, sizeof e);
    nxi_ast *a = nxi_parse(code, len, &e);
    cr_expect_null(a, "%s: parsed, expected %s", code, kind);
    if (!a) {
        cr_expect_str_eq(e.kind, kind, "%s: kind %s (%s), expected %s", code, e.kind, e.message,
                         kind);
        cr_expect(strncmp(e.message, msg, strlen(msg)) == 0, "%s: message \"%s\", expected \"%s\"",
                  code, e.message, msg);
        cr_expect_eq(e.incomplete, incomplete, "%s: incomplete = %d", code, e.incomplete);
        cr_expect(e.line >= 1 && e.col >= 1, "%s: position %d:%d", code, e.line, e.col);
    }
    nxi_arena_reset();
}

#define EXPECT_ERROR(code, kind, msg) expect_error((code), strlen(code), (kind), (msg), 0)
#define EXPECT_INCOMPLETE(code, msg) \
    expect_error((code), strlen(code), "TokenMissingError", (msg), 1)

/* ---- the conformance cases: a small JSON reader for their "code" strings ---- */

typedef struct json {
    const char *p, *end;
    int ok;
} json;

static void js_ws(json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static void put_utf8(sx_buf *b, unsigned cp)
{
    char u[4];
    if (cp < 0x80) {
        u[0] = (char)cp;
        sx_put(b, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F));
        sx_put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        sx_put(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
        sx_put(b, u, 4);
    }
}

static unsigned js_hex4(json *j)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++, j->p++) {
        char c = j->p < j->end ? *j->p : 0;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) {
            j->ok = 0;
            return 0;
        }
        v = v * 16 + (unsigned)d;
    }
    return v;
}

/* A JSON string (at its opening quote), decoded into a malloc'd buffer. */
static char *js_string(json *j, size_t *len)
{
    sx_buf b = {0};
    sx_put(&b, "", 0);
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c != '\\') {
            sx_put(&b, &c, 1);
            continue;
        }
        c = j->p < j->end ? *j->p++ : 0;
        switch (c) {
        case 'n': sx_put(&b, "\n", 1); break;
        case 't': sx_put(&b, "\t", 1); break;
        case 'r': sx_put(&b, "\r", 1); break;
        case 'b': sx_put(&b, "\b", 1); break;
        case 'f': sx_put(&b, "\f", 1); break;
        case 'u': {
            unsigned cp = js_hex4(j);
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                j->p += 2;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (js_hex4(j) - 0xDC00);
            }
            put_utf8(&b, cp);
            break;
        }
        default: sx_put(&b, &c, 1); break;
        }
    }
    if (j->p >= j->end)
        j->ok = 0;
    j->p++;
    *len = b.n;
    return b.b;
}

typedef struct code_list {
    char **code;
    size_t *len;
    char **id;
    int n, cap;
} code_list;

static void js_value(json *j, code_list *out, const char *id, int collect);

/* The members of an object (close '}': "key": value) or an array (close ']'), at its
 * opening bracket; an object's values are collected under a "code" or "setup" key. */
static void js_members(json *j, code_list *out, const char *id, int collect, char close)
{
    j->p++;
    for (js_ws(j); j->ok && j->p < j->end && *j->p != close;) {
        if (close == '}') {
            size_t klen;
            char *key = js_string(j, &klen);
            js_ws(j);
            j->p++;   /* ':' */
            collect = strcmp(key, "code") == 0 || strcmp(key, "setup") == 0;
            free(key);
        }
        js_value(j, out, id, collect);
        js_ws(j);
        if (j->p < j->end && *j->p == ',')
            j->p++, js_ws(j);
    }
    j->p++;
}

/* Walks a JSON value; strings under a "code" key or in a "setup" array are collected. */
static void js_value(json *j, code_list *out, const char *id, int collect)
{
    js_ws(j);
    if (j->p >= j->end || !j->ok) {
        j->ok = 0;
        return;
    }
    if (*j->p == '"') {
        size_t len;
        char *s = js_string(j, &len);
        if (collect && out->n < out->cap) {
            out->code[out->n] = s;
            out->len[out->n] = len;
            out->id[out->n] = strdup(id);
            out->n++;
        } else {
            free(s);
        }
    } else if (*j->p == '{' || *j->p == '[') {
        js_members(j, out, id, collect, *j->p == '{' ? '}' : ']');
    } else {
        while (j->p < j->end && !strchr(",}]", *j->p))
            j->p++;
    }
}

/* The id of a case line ("id": "...") for messages. */
static void case_id(const char *line, char *id, size_t n)
{
    const char *p = strstr(line, "\"id\": \"");
    size_t k = 0;
    if (p)
        for (p += 7; *p && *p != '"' && k + 1 < n; p++)
            id[k++] = *p;
    id[k] = '\0';
}

static int load_cases(code_list *out)
{
    static const char *const dirs[] = {NXC_SOURCE_DIR "/shared/conformance/cases",
                                       NXC_SOURCE_DIR "/../shared/conformance/cases"};
    DIR *d = NULL;
    const char *dir = NULL;
    for (size_t i = 0; i < 2 && !d; i++)
        if ((d = opendir(dirs[i])))
            dir = dirs[i];
    if (!d)
        return 0;
    out->cap = 100000;
    out->code = calloc((size_t)out->cap, sizeof *out->code);
    out->len = calloc((size_t)out->cap, sizeof *out->len);
    out->id = calloc((size_t)out->cap, sizeof *out->id);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 6, ".jsonl") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "cannot open %s", path);
        char *line = NULL;
        size_t cap = 0;
        ssize_t r;
        while ((r = getline(&line, &cap, f)) > 0) {
            char id[256];
            json j = {line, line + r, 1};
            case_id(line, id, sizeof id);
            js_ws(&j);
            if (j.p < j.end)
                js_value(&j, out, id, 0);
            cr_assert(j.ok, "%s: bad JSON line", path);
        }
        free(line);
        fclose(f);
    }
    closedir(d);
    return 1;
}

static void free_cases(code_list *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->code[i]), free(c->id[i]);
    free(c->code);
    free(c->len);
    free(c->id);
}

Test(parser, conformance_code_parses)
{
    code_list c = {0};
    int failed = 0;
    if (!load_cases(&c))
        cr_skip_test("no shared/conformance/cases beside the source tree");
    cr_assert_gt(c.n, 1000, "only %d code strings found", c.n);
    for (int i = 0; i < c.n; i++) {
        nxi_parse_error e;
        if (!nxi_parse(c.code[i], c.len[i], &e)) {
            failed++;
            cr_log_error("%s: %s %d:%d: %s\n  code: %s", c.id[i], e.kind, e.line, e.col,
                         e.message, c.code[i]);
        }
        nxi_arena_reset();
    }
    cr_expect_eq(failed, 0, "%d of %d conformance code strings failed to parse", failed, c.n);
    free_cases(&c);
}

/* Every prefix of every conformance code string, and byte-mutated copies: an error or a
 * tree, never a crash; a prefix that ends inside brackets is incomplete. */
Test(parser, truncated_and_mutated_conformance_code, .timeout = 120)
{
    code_list c = {0};
    unsigned long long rng = 0x9E3779B97F4A7C15ull;
    static const char junk[] = "()[]{}<>\"'#:;,.|&\\%~?-+*/=^!@ \n\tdoendfn0x\x80\xff";
    if (!load_cases(&c))
        cr_skip_test("no shared/conformance/cases beside the source tree");
    for (int i = 0; i < c.n; i++) {
        for (size_t k = 0; k < c.len[i]; k++) {
            nxi_parse_error e;
            nxi_ast *a = nxi_parse(c.code[i], k, &e);
            cr_assert(a || (e.kind && e.message[0]), "%s: prefix %zu", c.id[i], k);
            nxi_arena_reset();
        }
        char *m = malloc(c.len[i] + 1);
        for (int round = 0; round < 8; round++) {
            memcpy(m, c.code[i], c.len[i]);
            for (int flips = 0; flips < 3 && c.len[i]; flips++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                m[(rng >> 33) % c.len[i]] = junk[(rng >> 17) % (sizeof junk - 1)];
            }
            nxi_parse_error e;
            nxi_ast *a = nxi_parse(m, c.len[i], &e);
            cr_assert(a || (e.kind && e.message[0]), "%s: mutation %d", c.id[i], round);
            nxi_arena_reset();
        }
        free(m);
    }
    EXPECT_INCOMPLETE("Nx.sum(Nx.tensor([1, 2", "missing terminator: ]");
    free_cases(&c);
}

/* ---- trees ---- */

Test(parser, precedence)
{
    EXPECT_TREE("1 + 2 * 3", "(+ 1 (* 2 3))");
    EXPECT_TREE("(1 + 2) * 3", "(* (+ 1 2) 3)");
    EXPECT_TREE("1 - 2 - 3", "(- (- 1 2) 3)");
    EXPECT_TREE("2 ** 3 ** 2", "(** (** 2 3) 2)");
    EXPECT_TREE("-2 ** 2", "(** -2 2)");
    EXPECT_TREE("-x ** 2", "(** (u- x) 2)");
    EXPECT_TREE("a |> f(b) |> g()", "(|> (|> a (call f b)) (call g))");
    EXPECT_TREE("1 + 2 |> f", "(|> (+ 1 2) f)");
    EXPECT_TREE("-1..-5//-1", "(.. -1 -5 -1)");
    EXPECT_TREE("a..b//c", "(.. a b c)");
    EXPECT_TREE("1..10", "(.. 1 10)");
    EXPECT_TREE("1 + 1..3", "(.. (+ 1 1) 3)");
    EXPECT_TREE("a in b..c", "(in a (.. b c))");
    EXPECT_TREE("&Nx.sum/1", "(& (/ (call Nx.sum!np) 1))");
    EXPECT_TREE("&elem/2", "(& (/ (call elem!np) 2))");
    EXPECT_TREE("&+/2", "(& (/ (call +!np) 2))");
    EXPECT_TREE("&(&1 + 1)", "(& (+ &1 1))");
    EXPECT_TREE("&Nx.add(&1, 2)", "(& (call Nx.add &1 2))");
    EXPECT_TREE("&{&1, &2}", "(& {&1 &2})");
    EXPECT_TREE("x = y = 1", "(= x (= y 1))");
    EXPECT_TREE("not a in b", "(unot (in a b))");
    EXPECT_TREE("!a in b", "(u! (in a b))");
    EXPECT_TREE("a not in b", "(not in a b)");
    EXPECT_TREE("!x == y", "(== (u! x) y)");
    EXPECT_TREE("a && b || c and d", "(|| (&& a b) (and c d))");
    EXPECT_TREE("a == b and c < d", "(and (== a b) (< c d))");
    EXPECT_TREE("a <> b <> c", "(<> a (<> b c))");
    EXPECT_TREE("a ++ b -- c", "(++ a (-- b c))");
    EXPECT_TREE("x = 1 + 2", "(= x (+ 1 2))");
    EXPECT_TREE("^x = 1", "(= (u^ x) 1)");
    EXPECT_TREE("a * -b", "(* a (u- b))");
    EXPECT_TREE("x - 1", "(- x 1)");
    EXPECT_TREE("x -1", "(- x 1)");
    EXPECT_TREE("IO.puts -1", "(call IO.puts!np -1)");
    EXPECT_TREE("IO.puts - 1", "(- (call IO.puts!np) 1)");
    EXPECT_TREE("x >>> 2 <<< 1", "(<<< (>>> x 2) 1)");
    EXPECT_TREE("x when y", "(when x y)");
    EXPECT_TREE("a =~ b", "(=~ a b)");
    EXPECT_TREE("a === b !== c", "(!== (=== a b) c)");
}

Test(parser, literals)
{
    EXPECT_TREE("1_000_000", "1000000");
    EXPECT_TREE("0xFF", "255");
    EXPECT_TREE("0x1F_F", "511");
    EXPECT_TREE("0o17", "15");
    EXPECT_TREE("0b1011", "11");
    EXPECT_TREE("1.5", "1.5");
    EXPECT_TREE("1.0e-5", "1.0000000000000001e-05");
    EXPECT_TREE("1_000.5", "1000.5");
    EXPECT_TREE("1.0E3", "1000.0");
    EXPECT_TREE("-0.0", "-0.0");
    EXPECT_TREE("1..3", "(.. 1 3)");
    EXPECT_TREE("?a", "97");
    EXPECT_TREE("?\\n", "10");
    EXPECT_TREE("?é", "233");
    EXPECT_TREE("170141183460469231731687303715884105727",
                "170141183460469231731687303715884105727");
    EXPECT_TREE("-170141183460469231731687303715884105728",
                "-170141183460469231731687303715884105728");
    EXPECT_TREE(":foo", ":foo");
    EXPECT_TREE(":foo?", ":foo?");
    EXPECT_TREE(":Foo", ":Foo");
    EXPECT_TREE(":\"quoted atom\"", ":quoted atom");
    EXPECT_TREE(":+", ":+");
    EXPECT_TREE(":==", ":==");
    EXPECT_TREE("true", ":true");
    EXPECT_TREE("[nil, false]", "[:nil :false]");
    EXPECT_TREE("_", "_");
    EXPECT_TREE("_name", "_name");
    EXPECT_TREE("Nx", "Nx");
    EXPECT_TREE("Nx.LinAlg", "Nx.LinAlg");
    EXPECT_TREE("\"abc\"", "\"abc\"");
    EXPECT_TREE("'abc'", "'\"abc\"");
    EXPECT_TREE("~c\"abc\"", "'\"abc\"");
    EXPECT_TREE("~s(a\\)b)", "\"a)b\"");
    EXPECT_TREE("\"\\e\\0\\x41\\u00e9\\u{1F600}\\s\\d\\t\\\"\\\\\\#{\"",
                "\"\\x1B\\x00Aé😀 \\x7F\\x09\\\"\\\\#{\"");
    EXPECT_TREE("\"a\\\nb\"", "\"ab\"");
    EXPECT_TREE("'\\xff'", "'\"ÿ\"");
    EXPECT_TREE("\"\\xff\"", "\"\xff\"");
    /* a NUL byte inside a string literal */
    char *got = parse_sx("\"a\0b\"", 5);
    cr_expect_str_eq(got, "\"a\\x00b\"");
    free(got);
}

Test(parser, strings_and_interpolation)
{
    EXPECT_TREE("\"a #{x} b\"", "(<> \"a \" (<> (call Kernel.to_string x) \" b\"))");
    EXPECT_TREE("\"#{a}#{b}#{c}#{d}\"",
                "(<> (<> (call Kernel.to_string a) (call Kernel.to_string b)) "
                "(<> (call Kernel.to_string c) (call Kernel.to_string d)))");
    EXPECT_TREE("\"#{x}\"", "(call Kernel.to_string x)");
    EXPECT_TREE("\"#{}\"", "\"\"");
    EXPECT_TREE("\"#{a; b}\"", "(call Kernel.to_string (block a b))");
    EXPECT_TREE("\"#{\"}\"}\"", "(call Kernel.to_string \"}\")");
    EXPECT_TREE("\"#{%{a: 1}}\"", "(call Kernel.to_string %{:a=>1})");
    EXPECT_TREE("\"x#{\"y#{z}\"}\"",
                "(<> \"x\" (call Kernel.to_string (<> \"y\" (call Kernel.to_string z))))");
    EXPECT_TREE("'a#{1}'",
                "(call String.to_charlist (<> \"a\" (call Kernel.to_string 1)))");
    EXPECT_TREE("\"\"\"\n  hello\n    world\n  \"\"\"", "\"hello\\x0A  world\\x0A\"");
    EXPECT_TREE("\"\"\"\n\"\"\"", "\"\"");
    EXPECT_TREE("x = \"\"\"\n  a #{1}\n  \"\"\"",
                "(= x (<> \"a \" (<> (call Kernel.to_string 1) \"\\x0A\")))");
    EXPECT_TREE("'''\n  ab\n  '''", "'\"ab\\x0A\"");
    EXPECT_TREE("[\"quoted key\": 1]", "[{:quoted key 1}]");
}

Test(parser, sigils)
{
    EXPECT_TREE("~MAT[1 2; 3 4]", "(~MAT \"1 2; 3 4\")");
    EXPECT_TREE("~VEC[0.1 0.2]f16", "(~VEC \"0.1 0.2\" f16)");
    EXPECT_TREE("~VEC[1+2i -2+1i]", "(~VEC \"1+2i -2+1i\")");
    EXPECT_TREE("~MAT(1)", "(~MAT \"1\")");
    EXPECT_TREE("~MAT{1}u8", "(~MAT \"1\" u8)");
    EXPECT_TREE("~MAT<1>", "(~MAT \"1\")");
    EXPECT_TREE("~MAT|1|", "(~MAT \"1\")");
    EXPECT_TREE("~MAT/1/", "(~MAT \"1\")");
    EXPECT_TREE("~MAT\"1\"", "(~MAT \"1\")");
    EXPECT_TREE("~MAT'1'", "(~MAT \"1\")");
    EXPECT_TREE("~MAT[a\\]b]", "(~MAT \"a]b\")");
    EXPECT_TREE("~MAT'''\n1 2 3\n4 5 6\n'''s32", "(~MAT \"1 2 3\\x0A4 5 6\\x0A\" s32)");
    EXPECT_TREE("~w(a b c)", "(~w \"a b c\")");
    EXPECT_TREE("Nx.phase(~VEC[1 2])", "(call Nx.phase (~VEC \"1 2\"))");
}

Test(parser, containers)
{
    EXPECT_TREE("[]", "[]");
    EXPECT_TREE("[1, 2]", "[1 2]");
    EXPECT_TREE("[1, 2,]", "[1 2]");
    EXPECT_TREE("[h | t]", "[h | t]");
    EXPECT_TREE("[1, 2 | t]", "[1 2 | t]");
    EXPECT_TREE("[a: 1, b: 2]", "[{:a 1} {:b 2}]");
    EXPECT_TREE("[1, 2, a: 3]", "[1 2 {:a 3}]");
    EXPECT_TREE("[\n  1,\n  2\n]", "[1 2]");
    EXPECT_TREE("{}", "{}");
    EXPECT_TREE("{1, 2}", "{1 2}");
    EXPECT_TREE("{1, a: 2}", "{1 [{:a 2}]}");
    EXPECT_TREE("%{}", "%{}");
    EXPECT_TREE("%{a: 1}", "%{:a=>1}");
    EXPECT_TREE("%{\"k\" => v, a: 1}", "%{\"k\"=>v :a=>1}");
    EXPECT_TREE("%{m | a: 2}", "%{m | :a=>2}");
    EXPECT_TREE("%{m | \"a\" => 2}", "%{m | \"a\"=>2}");
    EXPECT_TREE("%{shape: {}} = t", "(= %{:shape=>{}} t)");
    EXPECT_TREE("%Nx.Tensor{data: %Nx.Defn.Expr{op: op}}",
                "%Nx.Tensor{:data=>%Nx.Defn.Expr{:op=>op}}");
    EXPECT_TREE("<<>>", "<<>>");
    EXPECT_TREE("<<1, 2>>", "<<(seg 1 integer) (seg 2 integer)>>");
    EXPECT_TREE("<<1::32-native, 2::float-32>>",
                "<<(seg 1 integer size=32 native) (seg 2 float size=32)>>");
    EXPECT_TREE("<<x::size(8)>>", "<<(seg x integer size=8)>>");
    EXPECT_TREE("<<a::binary>>", "<<(seg a binary)>>");
    EXPECT_TREE("<<a::binary-size(4), rest::bits>>",
                "<<(seg a binary size=4) (seg rest bits)>>");
    EXPECT_TREE("<<1::4>>", "<<(seg 1 integer size=4)>>");
    EXPECT_TREE("<<\"abc\">>", "<<(seg \"abc\" binary)>>");
    EXPECT_TREE("<<1.0::float-little-64>>", "<<(seg 1.0 float size=64 little)>>");
    EXPECT_TREE("<<1.0>>", "<<(seg 1.0 float)>>");
    EXPECT_TREE("<<x::signed-integer-size(16)-little>>",
                "<<(seg x integer size=16 signed little)>>");
    EXPECT_TREE("<<255, 1::1>>", "<<(seg 255 integer) (seg 1 integer size=1)>>");
    EXPECT_TREE("<<x::8*4>>", "<<(seg x integer size=8 unit=4)>>");
    EXPECT_TREE("<<x::size(n)-unit(8)>>", "<<(seg x integer size=n unit=8)>>");
    EXPECT_TREE("<<c::utf8>>", "<<(seg c utf8)>>");
}

Test(parser, calls_and_access)
{
    EXPECT_TREE("Nx.sum(t, axes: [0])", "(call Nx.sum t [{:axes [0]}])");
    EXPECT_TREE("Nx.sum(t, [axes: [0]])", "(call Nx.sum t [{:axes [0]}])");
    EXPECT_TREE("Nx.LinAlg.qr(t)", "(call Nx.LinAlg.qr t)");
    EXPECT_TREE("Nx.Defn.Kernel.elem(t, 0)", "(call Nx.Defn.Kernel.elem t 0)");
    EXPECT_TREE("elem(t, 0)", "(call elem t 0)");
    EXPECT_TREE("f()", "(call f)");
    EXPECT_TREE("f(\n  1,\n  2\n)", "(call f 1 2)");
    EXPECT_TREE(":math.pi()", "(call :math.pi)");
    EXPECT_TREE(":math.pi", "(call :math.pi!np)");
    EXPECT_TREE(":erlang.float(1)", "(call :erlang.float 1)");
    EXPECT_TREE("Nx.Defn.default_options", "(call Nx.Defn.default_options!np)");
    EXPECT_TREE("f.(x)", "(.() f x)");
    EXPECT_TREE("f.(1).(2)", "(.() (.() f 1) 2)");
    EXPECT_TREE("fn x -> x end.(1)", "(.() (fn (-> (x) (block x))) 1)");
    EXPECT_TREE("t.shape", "(. t shape)");
    EXPECT_TREE("x.y.z", "(. (. x y) z)");
    EXPECT_TREE("a.b(1)", "(call a.b 1)");
    EXPECT_TREE("t[0]", "(at t 0)");
    EXPECT_TREE("t[1..-1//1]", "(at t (.. 1 -1 1))");
    EXPECT_TREE("t[[0, 2]]", "(at t [0 2])");
    EXPECT_TREE("t[x: 1, y: 0..1]", "(at t [{:x 1} {:y (.. 0 1)}])");
    EXPECT_TREE("t[..]", "(at t (.. 0 -1 1))");
    EXPECT_TREE("t[[.., 1..-1//1]]", "(at t [(.. 0 -1 1) (.. 1 -1 1)])");
    EXPECT_TREE("t[1][-1]", "(at (at t 1) -1)");
    EXPECT_TREE("opts[:pid]", "(at opts :pid)");
    EXPECT_TREE("f(x)[0]", "(at (call f x) 0)");
    EXPECT_TREE("t.shape[0]", "(at (. t shape) 0)");
    EXPECT_TREE("IO.puts \"x\"", "(call IO.puts!np \"x\")");
    EXPECT_TREE("alias Nx.LinAlg", "(call alias!np Nx.LinAlg)");
    EXPECT_TREE("import Nx, only: [tensor: 2]", "(call import!np Nx [{:only [{:tensor 2}]}])");
    EXPECT_TREE("use Nx.Defn.Kernel", "(call use!np Nx.Defn.Kernel)");
    EXPECT_TREE("Enum.map list, &(&1 * 2)", "(call Enum.map!np list (& (* &1 2)))");
    EXPECT_TREE("f g 1", "(call f!np (call g!np 1))");
    EXPECT_TREE("t [0]", "(call t!np [0])");
    EXPECT_TREE("x = foo 1 |> bar", "(= x (call foo!np (|> 1 bar)))");
    EXPECT_TREE("a\n|> b\n|> c", "(|> (|> a b) c)");
    EXPECT_TREE("serving = (\n  a\n  |> b()\n)", "(= serving (|> a (call b)))");
    EXPECT_TREE("x = 1\n-1", "(block (= x 1) -1)");
    EXPECT_TREE("a +\n b", "(+ a b)");
    EXPECT_TREE("x = 1; y = 2", "(block (= x 1) (= y 2))");
    EXPECT_TREE("x = 1 # comment\n# more\ny", "(block (= x 1) y)");
    EXPECT_TREE("foo\n.bar", "(. foo bar)");
    EXPECT_TREE("Nx.revectorize(t, temp: :auto, x: 2) # Note `:auto`",
                "(call Nx.revectorize t [{:temp :auto} {:x 2}])");
    EXPECT_TREE("@foo", "(u@ foo)");
}

Test(parser, functions_and_blocks)
{
    EXPECT_TREE("fn x, y -> x + y end", "(fn (-> (x y) (block (+ x y))))");
    EXPECT_TREE("fn -> 1 end", "(fn (-> () (block 1)))");
    EXPECT_TREE("fn x -> end", "(fn (-> (x) (block)))");
    EXPECT_TREE("fn 0 -> :zero; n when n > 0 -> :pos end",
                "(fn (-> (0) (block :zero)) (-> (n) when (> n 0) (block :pos)))");
    EXPECT_TREE("fn\n  0 -> :zero\n  n -> a\n       b\nend",
                "(fn (-> (0) (block :zero)) (-> (n) (block a b)))");
    EXPECT_TREE("fn\n  :double, opts -> f(opts)\n  :half, opts -> g(opts)\nend",
                "(fn (-> (:double opts) (block (call f opts))) "
                "(-> (:half opts) (block (call g opts))))");
    EXPECT_TREE("fn (a, b) -> a end", "(fn (-> (a b) (block a)))");
    EXPECT_TREE("fn (x) when x > 0 -> x end", "(fn (-> (x) when (> x 0) (block x)))");
    EXPECT_TREE("fn x, y when x > y -> x end", "(fn (-> (x y) when (> x y) (block x)))");
    EXPECT_TREE("fn [h | t] -> {h, t} end", "(fn (-> ([h | t]) (block {h t})))");
    EXPECT_TREE("fn %{a: a} -> a end", "(fn (-> (%{:a=>a}) (block a)))");
    EXPECT_TREE("fn x -> fn y -> x + y end end",
                "(fn (-> (x) (block (fn (-> (y) (block (+ x y)))))))");
    EXPECT_TREE("if c do a else b end", "(if c (block a) (block b))");
    EXPECT_TREE("if c do\n  a\n  b\nelse\n  d\nend", "(if c (block a b) (block d))");
    EXPECT_TREE("if c, do: a, else: b", "(if c a b)");
    EXPECT_TREE("if(c, do: a)", "(if c a)");
    EXPECT_TREE("unless c do a end", "(unless c (block a))");
    EXPECT_TREE("if x == 1 do :one end", "(if (== x 1) (block :one))");
    EXPECT_TREE("if f(x) do 1 end", "(if (call f x) (block 1))");
    EXPECT_TREE("x = if c do 1 else 2 end", "(= x (if c (block 1) (block 2)))");
    EXPECT_TREE("cond do\n  x > 0 -> :pos\n  true -> :neg\nend",
                "(cond (-> ((> x 0)) (block :pos)) (-> (:true) (block :neg)))");
    EXPECT_TREE("case x do {:ok, v} -> v; _ -> 0 end",
                "(case x (-> ({:ok v}) (block v)) (-> (_) (block 0)))");
    EXPECT_TREE("case x do\n  v when v > 1 ->\n    v\n  _ ->\n    0\nend",
                "(case x (-> (v) when (> v 1) (block v)) (-> (_) (block 0)))");
    EXPECT_TREE("receive do {:sum, value} -> value end",
                "(call receive!np [{:do (fn (-> ({:sum value}) (block value)))}])");
    EXPECT_TREE("defmodule IoCallExample do\n  def log(t), do: t\nend",
                "(call defmodule!np IoCallExample [{:do (block (call def!np (call log t) "
                "[{:do t}]))}])");
    EXPECT_TREE("def f(x) do\n  x\nend", "(call def!np (call f x) [{:do (block x)}])");
    EXPECT_TREE("def f(x) when x > 0, do: x",
                "(call def!np (when (call f x) (> x 0)) [{:do x}])");
    EXPECT_TREE("for x <- [1, 2], do: x", "(call for!np (<- x [1 2]) [{:do x}])");
    EXPECT_TREE("foo do\n 1\nafter\n 2\nend", "(call foo!np [{:do (block 1)} {:after (block 2)}])");
    EXPECT_TREE("f(x) do 1 end", "(call f x [{:do (block 1)}])");
    EXPECT_TREE("()", "(block)");
    EXPECT_TREE("(a; b)", "(block a b)");
    EXPECT_TREE("", "(block)");
    EXPECT_TREE("\n\n# only a comment\n", "(block)");
    EXPECT_TREE("1\n2\n", "(block 1 2)");
}

Test(parser, positions)
{
    nxi_parse_error e;
    nxi_ast *a = nxi_parse("x = 1\n  foo(y)", 14, &e);
    cr_assert_not_null(a);
    cr_assert_eq(a->n, 2);
    cr_expect_eq(a->kids[1]->line, 2);
    cr_expect_eq(a->kids[1]->col, 3);
    cr_expect_eq(a->kids[1]->kids[0]->col, 7);
    nxi_arena_reset();
    a = nxi_parse("\"é\" <> x", strlen("\"é\" <> x"), &e);
    cr_assert_not_null(a);
    cr_expect_eq(a->kids[0]->rhs->col, 8, "columns count code points");
    nxi_arena_reset();
    cr_assert_null(nxi_parse("[1,\n 2 3]", 9, &e));
    cr_expect_eq(e.line, 2);
    cr_expect_eq(e.col, 4);
    nxi_arena_reset();
}

/* ---- errors ---- */

Test(parser, error_messages)
{
    EXPECT_INCOMPLETE("(1", "missing terminator: ) (for \"(\" starting at line 1)");
    EXPECT_INCOMPLETE("[1,\n 2", "missing terminator: ] (for \"[\" starting at line 1)");
    EXPECT_INCOMPLETE("foo(\n[", "missing terminator: ] (for \"[\" starting at line 2)");
    EXPECT_INCOMPLETE("{1", "missing terminator: } (for \"{\" starting at line 1)");
    EXPECT_INCOMPLETE("%{a: 1", "missing terminator: } (for \"{\" starting at line 1)");
    EXPECT_INCOMPLETE("<<1", "missing terminator: >> (for \"<<\" starting at line 1)");
    EXPECT_INCOMPLETE("if true do", "missing terminator: end (for \"do\" starting at line 1)");
    EXPECT_INCOMPLETE("fn x ->", "missing terminator: end (for \"fn\" starting at line 1)");
    EXPECT_INCOMPLETE("\"abc", "missing terminator: \" (for string starting at line 1)");
    EXPECT_INCOMPLETE("'abc", "missing terminator: ' (for charlist starting at line 1)");
    EXPECT_INCOMPLETE("\"\"\"\nabc", "missing terminator: \"\"\" (for heredoc starting at line 1)");
    EXPECT_INCOMPLETE("\"a #{x", "missing terminator: } (for \"#{\" starting at line 1)");
    EXPECT_INCOMPLETE("~MAT[1 2", "missing terminator: ] (for sigil ~MAT[ starting at line 1)");
    EXPECT_INCOMPLETE(":\"abc", "missing terminator: \" (for atom starting at line 1)");
    EXPECT_INCOMPLETE("1 +", "syntax error: expression is incomplete");
    EXPECT_INCOMPLETE("x =", "syntax error: expression is incomplete");
    EXPECT_INCOMPLETE("x |>\n", "syntax error: expression is incomplete");
    EXPECT_INCOMPLETE("foo 1,", "syntax error: expression is incomplete");
    EXPECT_INCOMPLETE("%{a:", "missing terminator: }");
    EXPECT_ERROR("(]", "MismatchedDelimiterError", "unexpected token: ]");
    EXPECT_ERROR("[1)", "MismatchedDelimiterError", "unexpected token: )");
    EXPECT_ERROR("(end", "MismatchedDelimiterError", "unexpected reserved word: end");
    EXPECT_ERROR("fn x -> x )", "MismatchedDelimiterError", "unexpected token: )");
    EXPECT_ERROR(")", "SyntaxError", "unexpected token: )");
    EXPECT_ERROR("1 >>", "SyntaxError", "unexpected token: >>");
    EXPECT_ERROR("end", "SyntaxError", "unexpected reserved word: end");
    EXPECT_ERROR("else", "SyntaxError", "unexpected reserved word: else");
    EXPECT_ERROR("foo(1 2)", "SyntaxError", "syntax error before: 2");
    EXPECT_ERROR("[1 2]", "SyntaxError", "syntax error before: 2");
    EXPECT_ERROR("1 + )", "SyntaxError", "unexpected token: )");
    EXPECT_ERROR("(1 + )", "SyntaxError", "syntax error before: ')'");
    EXPECT_ERROR("f(1,)", "SyntaxError", "syntax error before: ')'");
    EXPECT_ERROR("\"a\" \"b\"", "SyntaxError", "syntax error before: \"b\"");
    EXPECT_ERROR("a |> |> b", "SyntaxError", "syntax error before: '|>'");
    EXPECT_ERROR("(1, 2)", "SyntaxError", "syntax error before: ','");
    EXPECT_ERROR("1 | 2", "SyntaxError", "syntax error before: '|'");
    EXPECT_ERROR("x :: y", "SyntaxError", "syntax error before: '::'");
    EXPECT_ERROR("=> 1", "SyntaxError", "syntax error before: '=>'");
    EXPECT_ERROR("fn end", "SyntaxError", "unexpected reserved word: end");
    EXPECT_ERROR("x -> y", "SyntaxError", "syntax error before: '->'");
    EXPECT_ERROR("[a: 1, 2]", "SyntaxError", "unexpected expression after keyword list");
    EXPECT_ERROR("f(a: 1, 2)", "SyntaxError", "unexpected expression after keyword list");
    EXPECT_ERROR("x // 2", "SyntaxError", "the range step operator (//) must immediately follow");
    EXPECT_ERROR("1..2//3//4", "SyntaxError", "the range step operator (//)");
    EXPECT_ERROR("$", "SyntaxError", "unexpected token: \"$\" (column 1, code point U+0024)");
    EXPECT_ERROR("a\rb", "SyntaxError", "unexpected token: carriage return (column 2");
    EXPECT_ERROR("x = é", "SyntaxError", "unexpected token: \"é\" (column 5, code point U+00E9)");
    EXPECT_ERROR("1e5", "SyntaxError", "invalid character \"e\" after number 1.");
    EXPECT_ERROR("12abc", "SyntaxError", "invalid character \"a\" after number 12.");
    EXPECT_ERROR("1.0e400", "SyntaxError", "invalid float number 1.0e400");
    EXPECT_ERROR("a:1", "SyntaxError", "keyword argument must be followed by space after: a:");
    EXPECT_ERROR("%(x)", "SyntaxError", "expected %{ to define a map, got: %(");
    EXPECT_ERROR("~ab(x)", "SyntaxError", "invalid sigil name");
    EXPECT_ERROR("~M$x$", "SyntaxError", "invalid sigil delimiter: \"$\"");
    EXPECT_ERROR("\"\"\"x\n\"\"\"", "SyntaxError", "heredoc allows only whitespace characters");
    EXPECT_ERROR("\"\\x\"", "SyntaxError", "invalid hex escape character");
    EXPECT_ERROR("\"\\uZZ\"", "SyntaxError", "invalid Unicode escape character");
    EXPECT_ERROR("\"\\u{110000}\"", "SyntaxError", "invalid or reserved Unicode code point");
    EXPECT_ERROR("\"\\uD800\"", "SyntaxError", "invalid or reserved Unicode code point \\u{D800}");
    EXPECT_ERROR("<<1::foo>>", "CompileError", "unknown bitstring specifier: foo");
    EXPECT_ERROR("<<1::unit(0)>>", "CompileError", "unit in bitstring must be an integer");
    EXPECT_ERROR("case x do 1 end", "CompileError", "expected -> clauses for :do in \"case\"");
    EXPECT_ERROR("case x, do: 1", "CompileError", "expected -> clauses for :do in \"case\"");
    EXPECT_ERROR("case x do a, b -> 1 end", "CompileError",
                 "expected one argument for :do clauses (->) in \"case\"");
    EXPECT_ERROR("170141183460469231731687303715884105728", "SyntaxError",
                 "integer 170141183460469231731687303715884105728 is too large");
    EXPECT_ERROR("-170141183460469231731687303715884105729", "SyntaxError",
                 "integer -170141183460469231731687303715884105729 is too large");
    EXPECT_ERROR("0x1_0000_0000_0000_0000_0000_0000_0000_0000", "SyntaxError", "integer 0x1_");
    EXPECT_ERROR("\"a#{x}\": 1", "SyntaxError", "nxc does not support interpolation in keyword");
    EXPECT_ERROR(":\"a#{x}\"", "SyntaxError", "nxc does not support interpolation in atoms");
    expect_error("a\xff", 2, "SyntaxError", "invalid UTF-8 in the source", 0);
    expect_error("\"\xc0\xaf\"", 4, "SyntaxError", "invalid UTF-8 in the source", 0);
    expect_error("\"\xed\xa0\x80\"", 5, "SyntaxError", "invalid UTF-8 in the source", 0);
    expect_error("x\0", 2, "SyntaxError", "unexpected token: null byte", 0);
}

/* Malformed input of every kind: an error (of one of the expected kinds), no crash. */
Test(parser, malformed_inputs)
{
    static const char *const bad[] = {
        "(", ")", "[", "]", "{", "}", "<<", ">>", "%{", "%", "fn", "do", "end", "->", "|",
        "(]", "[)", "{]", "<<)", "%{)", "fn ->", "fn x end", "do end",
        "1 +", "* 2", "1 2", "a b c d ,", ",", ";;;,", "x = = 1", "&", "&&", "@",
        "..//", "1..", "..1", "...", "::", "=>", "a => b", "[1 | 2 | 3]", "[1 | ]",
        "%{1}", "%{a | }", "%{a: 1 | b}", "%Foo", "%foo{}", "% {}", "<<1::>>", "<<::8>>",
        "<<x::size>>", "<<x::unit(x)>>", "<<1::-little>>", "\"\\", "\"\\x", "\"\\u{",
        "\"\\u{1", "'", "\"", "\"\"\"", "'''", "~", "~M", "~MAT", "~MAT[", "~s(#{", "?",
        "?\\", ":", ":\"", "0x", "0b2", "0o8", "1_", "1__0", "1.0e", "1.0e+",
        "a:", "a:b", "\"k\":x", "fn x, -> 1 end", "fn (x -> 1 end", "case do end",
        "cond do 1 end", "t[]", "t[1, 2]", "t[", "f.(", "f.", "Nx.", "Nx.1",
        ":math.", "x.y.(", "\\", "\\x", "\\\n", "\"#{\"", "%{a | }",
        "not in b", "@@", "^", "!", "x when", "x <-", "\xe2\x82", "\xf4\x90\x80\x80",
        "\x7f", "\x01", "`", "$x", "x = ?", "~MAT[1 2]\xff", "1 ++", "[a: ]", "[a: 1,, b: 2]",
        "{a: 1, 2}", "%{a: 1, 2}", "f(a: 1, 2)", "else end", "fn -> end end",
        "(((((((((((((((((((((((((((((1", "))))", "]]]]", "\"\"\"\n\"\"\"\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nxi_parse_error e;
        memset(&e, 0, sizeof e);
        nxi_ast *a = nxi_parse(bad[i], strlen(bad[i]), &e);
        cr_expect_null(a, "\"%s\" parsed", bad[i]);
        if (!a) {
            cr_expect(e.kind && (strcmp(e.kind, "SyntaxError") == 0 ||
                                 strcmp(e.kind, "TokenMissingError") == 0 ||
                                 strcmp(e.kind, "MismatchedDelimiterError") == 0 ||
                                 strcmp(e.kind, "CompileError") == 0),
                      "\"%s\": kind %s", bad[i], e.kind);
            cr_expect(e.message[0] != '\0', "\"%s\": empty message", bad[i]);
            cr_expect_eq(e.incomplete, strcmp(e.kind, "TokenMissingError") == 0,
                         "\"%s\": incomplete %d for %s", bad[i], e.incomplete, e.kind);
        }
        nxi_arena_reset();
    }
}

static char *repeat(const char *pre, int k, const char *mid, const char *post, size_t *n)
{
    size_t lp = strlen(pre), lm = strlen(mid), lq = strlen(post), o = 0;
    char *s = malloc((lp + lq) * (size_t)k + lm + 1);
    cr_assert_not_null(s);
    for (int i = 0; i < k; i++, o += lp)
        memcpy(s + o, pre, lp);
    memcpy(s + o, mid, lm);
    o += lm;
    for (int i = 0; i < k; i++, o += lq)
        memcpy(s + o, post, lq);
    s[o] = '\0';
    *n = o;
    return s;
}

/* Deep and long input: bounded recursion, linear time. */
Test(parser, deep_nesting, .timeout = 30)
{
    static const struct { const char *pre, *mid, *post, *kind; } cases[] = {
        {"[", "1", "", "TokenMissingError"},
        {"[", "1", "]", "SyntaxError"},
        {"(", "1", ")", "SyntaxError"},
        {"{", "1", "}", "SyntaxError"},
        {"%{a: ", "1", "}", "SyntaxError"},
        {"fn -> ", "1", " end", "SyntaxError"},
        {"if x do ", "1", " end", "SyntaxError"},
        {"- ", "x", "", "SyntaxError"},
        {"not ", "x", "", "SyntaxError"},
        {"! ", "x", "", "SyntaxError"},
        {"a = ", "1", "", "SyntaxError"},
        {"1 + ", "1", "", "SyntaxError"},
        {"x |> ", "f", "", "SyntaxError"},
        {"", "x", ".y", "SyntaxError"},
        {"", "x", "[0]", "SyntaxError"},
        {"", "f", ".(1)", "SyntaxError"},
        {"f ", "1", "", "SyntaxError"},
        {"\"#{", "1", "}\"", "SyntaxError"},
        {"&(", "&1", ")", "SyntaxError"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        char *s = repeat(cases[i].pre, 100000, cases[i].mid, cases[i].post, &n);
        nxi_parse_error e;
        cr_expect_null(nxi_parse(s, n, &e), "100000 x \"%s\" parsed", cases[i].pre);
        cr_expect_str_eq(e.kind, cases[i].kind, "100000 x \"%s\": %s", cases[i].pre, e.message);
        nxi_arena_reset();
        free(s);
        /* and a modest depth is fine */
        s = repeat(cases[i].pre, 50, cases[i].mid, cases[i].post, &n);
        if (i > 0)
            cr_expect_not_null(nxi_parse(s, n, &e), "50 x \"%s\": %s", cases[i].pre,
                               e.message);
        nxi_arena_reset();
        free(s);
    }
    size_t n;
    char *s = repeat("", 200000, "[", "1, ", &n);
    s[n - 2] = ']';
    nxi_ast *a = nxi_parse(s, n, NULL);
    cr_expect(a && a->kids[0]->n == 200000, "a list of 200000 items");
    nxi_arena_reset();
    free(s);
    s = repeat("x\n", 100000, "", "", &n);
    a = nxi_parse(s, n, NULL);
    cr_expect(a && a->n == 100000, "100000 lines");
    nxi_arena_reset();
    free(s);
}

/* The tokenizer's view of line breaks, for the record. */
Test(parser, tokens)
{
    nxi_token *t;
    int n;
    nxi_parse_error e;
    cr_assert_eq(nxi_lex("a\n|> b\n-1", 9, &t, &n, &e), 0);
    cr_assert_eq(n, 7, "a |> b EOL - 1 EOF: %d tokens", n);
    cr_expect_eq(t[1].kind, TK_OP);
    cr_expect_eq(t[3].kind, TK_EOL);
    cr_expect_eq(t[4].kind, TK_OP);
    nxi_arena_reset();
    cr_assert_eq(nxi_lex("f(x, [1])", 9, &t, &n, &e), 0);
    cr_expect_eq(t[1].match, 7);
    cr_expect_eq(t[4].match, 6);
    nxi_arena_reset();
}
