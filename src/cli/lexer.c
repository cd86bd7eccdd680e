/* src/cli/lexer.c: turns nxc source text into tokens for parser.c, following Elixir's
 * tokenizer. This file is the token loop: it skips blanks and comments, hands each token
 * to its scanner (lexer_scan.c: numbers, ?characters, operators, atoms, identifiers;
 * lexer_string.c: strings, heredocs, sigils) and owns the token array, brackets and
 * errors. Two more jobs make the parser simple:
 * - it pairs every bracket, `do` and `fn` with its closer (token.match), so unbalanced
 *   input is reported here, Elixir's way, and the parser can step over a group at once;
 * - it decides which line breaks end an expression: none after an operator, a comma or an
 *   opening bracket, and none before a binary operator other than + and - (so a line may
 *   start with `|>`), as Elixir's tokenizer does.
 * Errors unwind with longjmp: everything lives in the arena, so nothing needs freeing. */
#include "cli/lexer_internal.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

_Noreturn void nxlex_fail(lexer *lx, int line, int col, const char *kind, int incomplete,
                          const char *fmt, ...)
{
    nxi_parse_error *e = lx->err;
    va_list ap;
    e->kind = kind;
    e->line = line;
    e->col = col;
    e->incomplete = incomplete;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    longjmp(lx->fail, 1);
}

/* ---- characters ---- */

const char *nxlex_text_dup(const unsigned char *s, size_t n)
{
    char *t = nxi_alloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

/* Describes the character at the current position as Elixir's "unexpected token"
 * does: "\"$\" (column 3, code point U+0024)". */
_Noreturn void nxlex_unexpected_char(lexer *lx)
{
    static const struct { unsigned char c; const char *name; } names[] = {
        {0, "null byte"}, {7, "alert"}, {8, "backspace"}, {127, "delete"}, {27, "escape"},
        {12, "form feed"}, {10, "newline"}, {13, "carriage return"}, {11, "vertical tab"},
    };
    uint32_t cp = 0;
    int k = nxi_utf8_decode(lx->s + lx->pos, lx->len - lx->pos, &cp);
    if (k == 0)
        cp = lx->s[lx->pos], k = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cp == names[i].c)
            nxlex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                       "unexpected token: %s (column %d, code point U+%04X)", names[i].name,
                       lx->col, cp);
    nxlex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
               "unexpected token: \"%.*s\" (column %d, code point U+%04X)", k,
               (const char *)lx->s + lx->pos, lx->col, cp);
}

/* ---- tokens and brackets ---- */

/* Appends a token that starts at `start` (line, col) and ends at the current position. */
int nxlex_tok_push(lexer *lx, nxi_tok_kind kind, size_t start, int line, int col)
{
    if (lx->n == lx->cap) {
        int cap = lx->cap ? lx->cap * 2 : 256;
        nxi_token *nt = nxi_alloc((size_t)cap * sizeof *nt);
        if (lx->n)
            memcpy(nt, lx->toks, (size_t)lx->n * sizeof *nt);
        lx->toks = nt;
        lx->cap = cap;
    }
    nxi_token *t = &lx->toks[lx->n];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->line = line;
    t->col = col;
    t->space = lx->space;
    t->match = -1;
    t->src = (const char *)lx->s + start;
    t->srclen = lx->pos - start;
    t->text = "";
    t->mods = "";
    lx->space = 0;
    return lx->n++;
}

/* A line break right after this token does not end the expression. */
static int continues(const nxi_token *t)
{
    switch (t->kind) {
    case TK_OP: case TK_COMMA: case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE:
    case TK_MAP_OPEN: case TK_BITS_OPEN: case TK_DO: case TK_FN: case TK_DOT: case TK_KW:
    case TK_PERCENT: case TK_INTERP_OPEN: case TK_CAPTURE_INT: case TK_BLOCK_KW:
        return 1;
    default:
        return 0;
    }
}

/* A line break right before this token does not end the expression either: binary
 * operators but + and - (which may start a new expression as unary signs), `.`, `do`. */
void nxlex_pull_eol(lexer *lx, nxi_tok_kind kind, nxi_op_class op)
{
    if (kind == TK_OP && (op == OPC_DUAL || op == OPC_UNARY || op == OPC_AT ||
                          op == OPC_CAPTURE || op == OPC_ELLIPSIS))
        return;
    if (lx->n > 0 && lx->toks[lx->n - 1].kind == TK_EOL && lx->toks[lx->n - 1].ival == 0)
        lx->n--;
}

static void newline(lexer *lx, size_t start, int line, int col, int semicolon)
{
    lx->space = 1;
    if (lx->n == 0)
        return;
    nxi_token *last = &lx->toks[lx->n - 1];
    if (last->kind == TK_EOL) {
        if (semicolon)
            last->ival = 1;
        return;
    }
    if (!semicolon && continues(last))
        return;
    int i = nxlex_tok_push(lx, TK_EOL, start, line, col);
    lx->toks[i].ival = (nxi_uint)semicolon;
    lx->space = 1;
}

void nxlex_open_bracket(lexer *lx, int idx)
{
    if (lx->sp == lx->stack_cap) {
        int cap = lx->stack_cap ? lx->stack_cap * 2 : 64;
        int *ns = nxi_alloc((size_t)cap * sizeof *ns);
        if (lx->sp)
            memcpy(ns, lx->stack, (size_t)lx->sp * sizeof *ns);
        lx->stack = ns;
        lx->stack_cap = cap;
    }
    lx->stack[lx->sp++] = idx;
}

/* Closes the innermost open bracket with token idx; returns 1 when that closed an
 * interpolation (the token becomes TK_INTERP_CLOSE). */
int nxlex_close_bracket(lexer *lx, int idx)
{
    nxi_token *t = &lx->toks[idx];
    int is_end = t->kind == TK_END;
    if (lx->sp == 0) {
        if (is_end)
            nxlex_fail(lx, t->line, t->col, "SyntaxError", 0, "unexpected reserved word: end");
        nxlex_fail(lx, t->line, t->col, "SyntaxError", 0, "unexpected token: %.*s",
                   (int)t->srclen, t->src);
    }
    int o = lx->stack[lx->sp - 1];
    nxi_tok_kind ok = lx->toks[o].kind;
    int good = 0;
    switch (t->kind) {
    case TK_RPAREN: good = ok == TK_LPAREN; break;
    case TK_RBRACKET: good = ok == TK_LBRACKET; break;
    case TK_RBRACE: good = ok == TK_LBRACE || ok == TK_MAP_OPEN || ok == TK_INTERP_OPEN; break;
    case TK_BITS_CLOSE: good = ok == TK_BITS_OPEN; break;
    case TK_END: good = ok == TK_DO || ok == TK_FN; break;
    default: break;
    }
    if (!good) {
        if (is_end)
            nxlex_fail(lx, t->line, t->col, "MismatchedDelimiterError", 0,
                       "unexpected reserved word: end");
        nxlex_fail(lx, t->line, t->col, "MismatchedDelimiterError", 0, "unexpected token: %.*s",
                   (int)t->srclen, t->src);
    }
    lx->sp--;
    lx->toks[o].match = idx;
    if (ok == TK_INTERP_OPEN) {
        t->kind = TK_INTERP_CLOSE;
        return 1;
    }
    return 0;
}

static _Noreturn void missing_terminator(lexer *lx)
{
    const nxi_token *o = &lx->toks[lx->stack[lx->sp - 1]];
    const char *close = "end", *open = "do";
    switch (o->kind) {
    case TK_LPAREN: close = ")", open = "("; break;
    case TK_LBRACKET: close = "]", open = "["; break;
    case TK_LBRACE: case TK_MAP_OPEN: close = "}", open = "{"; break;
    case TK_BITS_OPEN: close = ">>", open = "<<"; break;
    case TK_FN: open = "fn"; break;
    case TK_INTERP_OPEN: close = "}", open = "#{"; break;
    default: break;
    }
    nxlex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
               "missing terminator: %s (for \"%s\" starting at line %d)", close, open, o->line);
}

/* ---- the main loop ---- */

static int punct(lexer *lx, nxi_tok_kind kind, size_t len)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    adv(lx, len);
    if (kind == TK_DOT)
        nxlex_pull_eol(lx, kind, OPC_NONE);
    int i = nxlex_tok_push(lx, kind, start, line, col);
    switch (kind) {
    case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE: case TK_MAP_OPEN: case TK_BITS_OPEN:
        nxlex_open_bracket(lx, i);
        return 0;
    case TK_RPAREN: case TK_RBRACKET: case TK_RBRACE: case TK_BITS_CLOSE:
        return nxlex_close_bracket(lx, i);
    default:
        return 0;
    }
}

/* Reads one token at a non-space character; returns 1 when it closed an interpolation. */
static int lex_token(lexer *lx)
{
    int c = at(lx, 0), c1 = at(lx, 1);
    if (c == '"' || c == '\'') {
        nxlex_string(lx);
        return 0;
    }
    if (c == ':') {
        if (c1 == ':') {
            nxlex_operator(lx, 2);      /* "::" */
            return 0;
        }
        nxlex_atom(lx);
        return 0;
    }
    if (c == '~' && ((c1 >= 'a' && c1 <= 'z') || is_upper(c1))) {
        nxlex_sigil(lx);
        return 0;
    }
    if (c == '?') {
        nxlex_char(lx);
        return 0;
    }
    if (is_digit(c)) {
        nxlex_number(lx);
        return 0;
    }
    if (nxlex_operator(lx, 3))
        return 0;
    switch (c) {
    case ',': return punct(lx, TK_COMMA, 1);
    case '(': return punct(lx, TK_LPAREN, 1);
    case ')': return punct(lx, TK_RPAREN, 1);
    case '[': return punct(lx, TK_LBRACKET, 1);
    case ']': return punct(lx, TK_RBRACKET, 1);
    case '{': return punct(lx, TK_LBRACE, 1);
    case '}': return punct(lx, TK_RBRACE, 1);
    default: break;
    }
    if (c == '<' && c1 == '<')
        return punct(lx, TK_BITS_OPEN, 2);
    if (c == '>' && c1 == '>')
        return punct(lx, TK_BITS_CLOSE, 2);
    if (nxlex_operator(lx, 2))
        return 0;
    if (c == '&') {
        size_t p = 1;
        while (is_hspace(at(lx, p)))
            p++;
        if (is_digit(at(lx, p))) {
            size_t start = lx->pos;
            int line = lx->line, col = lx->col;
            adv(lx, 1);
            nxlex_tok_push(lx, TK_CAPTURE_INT, start, line, col);
            return 0;
        }
    }
    if (nxlex_operator(lx, 1))
        return 0;
    if (c == '%') {
        if (c1 == '{')
            return punct(lx, TK_MAP_OPEN, 2);
        if (c1 == '(' || c1 == '[')
            nxlex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                       "expected %%{ to define a map, got: %%%c", c1);
        return punct(lx, TK_PERCENT, 1);
    }
    if (c == '.')
        return punct(lx, TK_DOT, 1);
    if (is_lower(c) || is_upper(c)) {
        nxlex_word(lx);
        return 0;
    }
    nxlex_unexpected_char(lx);
}

/* Tokenizes until the end of input, or (inside an interpolation) until its closing '}'.
 * Returns 1 in the second case. */
int nxlex_run(lexer *lx)
{
    for (;;) {
        int c = at(lx, 0);
        if (c < 0) {
            if (lx->sp > 0)
                missing_terminator(lx);
            nxlex_tok_push(lx, TK_EOF, lx->pos, lx->line, lx->col);
            return 0;
        }
        if (is_hspace(c)) {
            adv(lx, 1);
            lx->space = 1;
            continue;
        }
        if (c == '\n' || (c == '\r' && at(lx, 1) == '\n') || c == ';') {
            size_t start = lx->pos;
            int line = lx->line, col = lx->col;
            adv(lx, c == '\r' ? 2 : 1);
            newline(lx, start, line, col, c == ';');
            continue;
        }
        if (c == '#') {
            while (at(lx, 0) >= 0 && at(lx, 0) != '\n')
                adv(lx, 1);
            lx->space = 1;
            continue;
        }
        if (c == '\\' && at(lx, 1) != '\\') {
            /* A backslash at the end of a line continues it. */
            size_t k = at(lx, 1) == '\n' ? 2 : (at(lx, 1) == '\r' && at(lx, 2) == '\n') ? 3 : 0;
            if (k == 0 || lx->pos + k >= lx->len)
                nxlex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                           k ? "invalid escape \\ at end of file" : "unexpected token: \"\\\"");
            adv(lx, k);
            lx->space = 1;
            continue;
        }
        if (lex_token(lx))
            return 1;
    }
}

/* The whole input must be UTF-8: a bad byte is reported where it is. */
static void check_utf8(lexer *lx)
{
    size_t i = 0;
    while (i < lx->len) {
        uint32_t cp;
        if (lx->s[i] < 0x80) {
            i++;
            continue;
        }
        int k = nxi_utf8_decode(lx->s + i, lx->len - i, &cp);
        if (k == 0) {
            adv(lx, i);
            nxlex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                       "invalid UTF-8 in the source: unexpected byte 0x%02X", lx->s[i]);
        }
        i += (size_t)k;
    }
}

int nxi_lex(const char *src, size_t len, nxi_token **toks, int *ntoks, nxi_parse_error *err)
{
    lexer lx;
    memset(&lx, 0, sizeof lx);
    lx.s = (const unsigned char *)(src ? src : "");
    lx.len = src ? len : 0;
    lx.line = 1;
    lx.col = 1;
    lx.err = err;
    if (setjmp(lx.fail))
        return -1;
    if (lx.len > (size_t)INT_MAX / 8)
        nxlex_fail(&lx, 1, 1, "SyntaxError", 0, "the input is too large");
    check_utf8(&lx);
    if (lx.len >= 3 && memcmp(lx.s, "\xEF\xBB\xBF", 3) == 0)
        lx.pos = 3;   /* a byte order mark */
    nxlex_run(&lx);
    *toks = lx.toks;
    *ntoks = lx.n;
    return 0;
}
