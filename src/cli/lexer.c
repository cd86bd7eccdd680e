/* src/cli/lexer.c: turns nxc source text into tokens for parser.c, following Elixir's
 * tokenizer: numbers, atoms, strings with escapes and interpolation, heredocs, sigils,
 * identifiers, keyword keys and operators. Two more jobs make the parser simple:
 * - it pairs every bracket, `do` and `fn` with its closer (token.match), so unbalanced
 *   input is reported here, Elixir's way, and the parser can step over a group at once;
 * - it decides which line breaks end an expression: none after an operator, a comma or an
 *   opening bracket, and none before a binary operator other than + and - (so a line may
 *   start with `|>`), as Elixir's tokenizer does.
 * Errors unwind with longjmp: everything lives in the arena, so nothing needs freeing. */
#include "cli/lexer.h"

#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INTERP_DEPTH 100   /* strings inside interpolations inside strings ... */

typedef struct lexer {
    const unsigned char *s;
    size_t len, pos;
    int line, col;
    int space;                 /* whitespace seen since the last token */
    nxi_token *toks;
    int n, cap;
    int *stack;                /* token indices of the open brackets, innermost last */
    int sp, stack_cap;
    int interp_depth;
    nxi_parse_error *err;
    jmp_buf fail;
} lexer;

/* A growable byte buffer in the arena. */
typedef struct sbuf {
    char *b;
    size_t n, cap;
} sbuf;

/* How to read the body of a string, charlist, quoted atom or sigil. */
typedef struct strspec {
    int term;                  /* closing byte, or -1 for a heredoc (ends at .end) */
    size_t end;                /* heredoc: offset where the body ends */
    int indent;                /* heredoc: whitespace to strip from each line */
    int escapes;               /* decode backslash escapes */
    int interp;                /* #{...} interpolation */
    int charlist;              /* \xHH is a code point, not a byte */
    int begin_kind;            /* NXI_STR_* for a TK_STR_BEGIN */
    size_t start;              /* where the literal starts (its opening character) */
    int line, col;
    const char *close;         /* the terminator, for messages */
    const char *what;          /* "string", "charlist", "atom", "heredoc", "sigil ~s(" ... */
} strspec;

static _Noreturn void lex_fail(lexer *lx, int line, int col, const char *kind, int incomplete,
                               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static _Noreturn void lex_fail(lexer *lx, int line, int col, const char *kind, int incomplete,
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

static int at(const lexer *lx, size_t k)
{
    return lx->pos + k < lx->len ? lx->s[lx->pos + k] : -1;
}

static void adv(lexer *lx, size_t k)
{
    while (k-- > 0 && lx->pos < lx->len) {
        unsigned char c = lx->s[lx->pos++];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++;
        }
    }
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_lower(int c) { return (c >= 'a' && c <= 'z') || c == '_'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_ident(int c) { return is_lower(c) || is_upper(c) || is_digit(c); }
static int is_hspace(int c) { return c == ' ' || c == '\t'; }

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Length of the UTF-8 sequence at s[0..n) with its code point in *cp; 0 if invalid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static int utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], v, min;
    int len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static void sbuf_put(sbuf *b, const void *p, size_t k)
{
    if (b->n + k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->n + k + 1)
            cap *= 2;
        char *nb = nxi_alloc(cap);
        if (b->n)
            memcpy(nb, b->b, b->n);
        b->b = nb;
        b->cap = cap;
    }
    memcpy(b->b + b->n, p, k);
    b->n += k;
    b->b[b->n] = '\0';
}

static void sbuf_byte(sbuf *b, int c)
{
    unsigned char ch = (unsigned char)c;
    sbuf_put(b, &ch, 1);
}

static void sbuf_utf8(sbuf *b, unsigned cp)
{
    unsigned char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp, k = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    sbuf_put(b, u, k);
}

static const char *text_dup(const unsigned char *s, size_t n)
{
    char *t = nxi_alloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

/* Describes the character at the current position as Elixir's "unexpected token"
 * does: "\"$\" (column 3, code point U+0024)". */
static _Noreturn void unexpected_char(lexer *lx)
{
    static const struct { unsigned char c; const char *name; } names[] = {
        {0, "null byte"}, {7, "alert"}, {8, "backspace"}, {127, "delete"}, {27, "escape"},
        {12, "form feed"}, {10, "newline"}, {13, "carriage return"}, {11, "vertical tab"},
    };
    unsigned cp = 0;
    int k = utf8_seq(lx->s + lx->pos, lx->len - lx->pos, &cp);
    if (k == 0)
        cp = lx->s[lx->pos], k = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cp == names[i].c)
            lex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                     "unexpected token: %s (column %d, code point U+%04X)", names[i].name,
                     lx->col, cp);
    lex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
             "unexpected token: \"%.*s\" (column %d, code point U+%04X)", k,
             (const char *)lx->s + lx->pos, lx->col, cp);
}

/* ---- tokens and brackets ---- */

/* Appends a token that starts at `start` (line, col) and ends at the current position. */
static int tok_push(lexer *lx, nxi_tok_kind kind, size_t start, int line, int col)
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
static void pull_eol(lexer *lx, nxi_tok_kind kind, nxi_op_class op)
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
    int i = tok_push(lx, TK_EOL, start, line, col);
    lx->toks[i].ival = (nxi_uint)semicolon;
    lx->space = 1;
}

static void open_bracket(lexer *lx, int idx)
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
static int close_bracket(lexer *lx, int idx)
{
    nxi_token *t = &lx->toks[idx];
    int is_end = t->kind == TK_END;
    if (lx->sp == 0) {
        if (is_end)
            lex_fail(lx, t->line, t->col, "SyntaxError", 0, "unexpected reserved word: end");
        lex_fail(lx, t->line, t->col, "SyntaxError", 0, "unexpected token: %.*s",
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
            lex_fail(lx, t->line, t->col, "MismatchedDelimiterError", 0,
                     "unexpected reserved word: end");
        lex_fail(lx, t->line, t->col, "MismatchedDelimiterError", 0, "unexpected token: %.*s",
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
    lex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
             "missing terminator: %s (for \"%s\" starting at line %d)", close, open, o->line);
}

/* ---- strings ---- */

static int lex_run(lexer *lx);

/* Reads #{ ... } inside a string: the tokens of the code, then back to the string. */
static void interpolation(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    if (++lx->interp_depth > MAX_INTERP_DEPTH)
        lex_fail(lx, line, col, "SyntaxError", 0, "string interpolation nested too deeply");
    adv(lx, 2);
    int idx = tok_push(lx, TK_INTERP_OPEN, start, line, col);
    open_bracket(lx, idx);
    lex_run(lx);          /* returns once the matching } is read */
    lx->interp_depth--;
}

/* At the start of a heredoc line: drops up to sp->indent blanks (never past the body). */
static void skip_indent(lexer *lx, const strspec *sp)
{
    for (int i = 0; i < sp->indent && lx->pos < sp->end && is_hspace(at(lx, 0)); i++)
        adv(lx, 1);
}

static unsigned hex_digits(lexer *lx, size_t from, int min, int max, int *count)
{
    unsigned v = 0;
    int k = 0;
    while (k < max && hex_val(at(lx, from + (size_t)k)) >= 0)
        v = v * 16 + (unsigned)hex_val(at(lx, from + (size_t)k)), k++;
    *count = k;
    return k >= min ? v : 0;
}

/* Decodes the escape at the current '\\' into b. */
static void lex_escape(lexer *lx, sbuf *b, const strspec *sp)
{
    int line = lx->line, col = lx->col;
    int c = at(lx, 1), k;
    unsigned v;
    switch (c) {
    case -1:
        adv(lx, 1);       /* the caller reports the missing terminator */
        return;
    case '\n':
        adv(lx, 2);       /* a backslash at the end of a line joins the lines */
        skip_indent(lx, sp);
        return;
    case 'a': sbuf_byte(b, 7); break;
    case 'b': sbuf_byte(b, 8); break;
    case 'd': sbuf_byte(b, 127); break;
    case 'e': sbuf_byte(b, 27); break;
    case 'f': sbuf_byte(b, 12); break;
    case 'n': sbuf_byte(b, '\n'); break;
    case 'r': sbuf_byte(b, '\r'); break;
    case 's': sbuf_byte(b, ' '); break;
    case 't': sbuf_byte(b, '\t'); break;
    case 'v': sbuf_byte(b, 11); break;
    case '0': sbuf_byte(b, 0); break;
    case 'x':
        v = hex_digits(lx, 2, 1, 2, &k);
        if (k == 0)
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "invalid hex escape character, expected \\xHH where H is a hexadecimal "
                     "digit. Syntax error after: \\x");
        if (sp->charlist)
            sbuf_utf8(b, v);
        else
            sbuf_byte(b, (int)v);
        adv(lx, 2 + (size_t)k);
        return;
    case 'u':
        if (at(lx, 2) == '{') {
            v = hex_digits(lx, 3, 1, 6, &k);
            if (k == 0 || at(lx, 3 + (size_t)k) != '}')
                k = -1;
            else
                k += 2;       /* the braces */
        } else {
            v = hex_digits(lx, 2, 4, 4, &k);
            if (k != 4)
                k = -1;
        }
        if (k < 0)
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "invalid Unicode escape character, expected \\uHHHH or \\u{H*} where H "
                     "is a hexadecimal digit. Syntax error after: \\u");
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "invalid or reserved Unicode code point \\u{%X}", v);
        sbuf_utf8(b, v);
        adv(lx, 2 + (size_t)k);
        return;
    default: {
        /* Any other character stands for itself (\" \\ \# ...), as in Elixir. */
        unsigned cp;
        int n = utf8_seq(lx->s + lx->pos + 1, lx->len - lx->pos - 1, &cp);
        if (c == '\r' && at(lx, 2) == '\n') {
            adv(lx, 3);
            skip_indent(lx, sp);
            return;
        }
        sbuf_put(b, lx->s + lx->pos + 1, (size_t)(n ? n : 1));
        adv(lx, 1 + (size_t)(n ? n : 1));
        return;
    }
    }
    adv(lx, 2);
}

/* A raw body (upper-case sigils): a backslash only protects the terminator. */
static void raw_escape(lexer *lx, sbuf *b, const strspec *sp)
{
    int c = at(lx, 1);
    if (c >= 0 && c == sp->term) {
        sbuf_byte(b, c);
        adv(lx, 2);
    } else if (c == '\\') {
        sbuf_put(b, "\\\\", 2);
        adv(lx, 2);
    } else {
        sbuf_byte(b, '\\');
        adv(lx, 1);
    }
}

static void flush_part(lexer *lx, sbuf *b)
{
    if (b->n == 0)
        return;
    int i = tok_push(lx, TK_STR_PART, lx->pos, lx->line, lx->col);
    lx->toks[i].text = b->b;
    lx->toks[i].len = b->n;
    b->b = NULL, b->n = b->cap = 0;
}

/* Reads a body up to its terminator (consumed; a heredoc's is left to the caller).
 * Without interpolation returns -1 with the bytes in *b; with it, emits TK_STR_BEGIN,
 * parts, interpolations and TK_STR_END, and returns the index of TK_STR_BEGIN. */
static int lex_body(lexer *lx, const strspec *sp, sbuf *b)
{
    int begin = -1;
    memset(b, 0, sizeof *b);
    sbuf_put(b, "", 0);
    if (sp->term < 0)
        skip_indent(lx, sp);
    for (;;) {
        int c = at(lx, 0);
        if (sp->term < 0) {
            if (lx->pos >= sp->end)
                break;
        } else if (c < 0) {
            lex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
                     "missing terminator: %s (for %s starting at line %d)", sp->close,
                     sp->what, sp->line);
        } else if (c == sp->term) {
            adv(lx, 1);
            break;
        }
        if (c == '\\') {
            if (sp->escapes)
                lex_escape(lx, b, sp);
            else
                raw_escape(lx, b, sp);
        } else if (c == '#' && at(lx, 1) == '{' && sp->interp) {
            if (begin < 0) {
                begin = tok_push(lx, TK_STR_BEGIN, sp->start, sp->line, sp->col);
                lx->toks[begin].ival = (nxi_uint)sp->begin_kind;
            }
            flush_part(lx, b);
            interpolation(lx);
        } else if (c == '\n') {
            sbuf_byte(b, '\n');
            adv(lx, 1);
            if (sp->term < 0)
                skip_indent(lx, sp);
        } else {
            sbuf_byte(b, c);
            adv(lx, 1);
        }
    }
    if (sp->term < 0 && lx->pos != sp->end)
        lex_fail(lx, sp->line, sp->col, "SyntaxError", 0,
                 "an interpolation runs past the end of the heredoc starting at line %d",
                 sp->line);
    if (begin < 0)
        return -1;
    flush_part(lx, b);
    int end = tok_push(lx, TK_STR_END, lx->pos, lx->line, lx->col);
    lx->toks[begin].match = end;
    return begin;
}

/* At the first of three quotes: reads the heredoc header and finds the closing line.
 * Sets sp->end/indent; returns the offset just past the closing quotes. */
static size_t heredoc_bounds(lexer *lx, int q, strspec *sp)
{
    adv(lx, 3);
    while (is_hspace(at(lx, 0)))
        adv(lx, 1);
    if (at(lx, 0) == '\r' && at(lx, 1) == '\n')
        adv(lx, 2);
    else if (at(lx, 0) == '\n')
        adv(lx, 1);
    else if (at(lx, 0) < 0)
        lex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
                 "missing terminator: %c%c%c (for heredoc starting at line %d)", q, q, q,
                 sp->line);
    else
        lex_fail(lx, sp->line, sp->col + 3, "SyntaxError", 0,
                 "heredoc allows only whitespace characters followed by a new line after "
                 "opening %c%c%c", q, q, q);
    size_t p = lx->pos;
    for (;;) {
        size_t ls = p;
        while (p < lx->len && is_hspace(lx->s[p]))
            p++;
        if (p + 2 < lx->len && lx->s[p] == q && lx->s[p + 1] == q && lx->s[p + 2] == q) {
            sp->end = ls;
            sp->indent = (int)(p - ls);
            return p + 3;
        }
        while (p < lx->len && lx->s[p] != '\n')
            p++;
        if (p >= lx->len) {
            adv(lx, lx->len - lx->pos);
            lex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
                     "missing terminator: %c%c%c (for heredoc starting at line %d)", q, q, q,
                     sp->line);
        }
        p++;
    }
}

/* After a string's closing quote: "text": followed by a space is a keyword key. */
static int quoted_key(lexer *lx)
{
    int c = at(lx, 1);
    return at(lx, 0) == ':' && (c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

/* A "string", 'charlist' or heredoc of either. */
static void lex_string(lexer *lx)
{
    int q = at(lx, 0);
    int charlist = q == '\'';
    strspec sp = {
        .term = q, .escapes = 1, .interp = 1, .charlist = charlist,
        .begin_kind = charlist ? NXI_STR_CHARLIST : NXI_STR_STRING,
        .start = lx->pos, .line = lx->line, .col = lx->col,
        .close = charlist ? "'" : "\"", .what = charlist ? "charlist" : "string",
    };
    size_t after = 0;
    sbuf b;
    if (at(lx, 1) == q && at(lx, 2) == q) {
        sp.term = -1;
        sp.what = "heredoc";
        after = heredoc_bounds(lx, q, &sp);
    } else {
        adv(lx, 1);
    }
    int begin = lex_body(lx, &sp, &b);
    if (sp.term < 0)
        adv(lx, after - lx->pos);
    if (begin >= 0) {
        if (sp.term >= 0 && quoted_key(lx))
            lex_fail(lx, sp.line, sp.col, "SyntaxError", 0,
                     "nxc does not support interpolation in keyword keys");
        return;
    }
    if (sp.term >= 0 && quoted_key(lx)) {
        adv(lx, 1);
        int i = tok_push(lx, TK_KW, sp.start, sp.line, sp.col);
        lx->toks[i].text = b.b;
        lx->toks[i].len = b.n;
        return;
    }
    int i = tok_push(lx, charlist ? TK_CHARLIST : TK_STRING, sp.start, sp.line, sp.col);
    lx->toks[i].text = b.b;
    lx->toks[i].len = b.n;
}

static int sigil_closer(int d)
{
    switch (d) {
    case '(': return ')';
    case '[': return ']';
    case '{': return '}';
    case '<': return '>';
    case '/': case '|': case '"': case '\'': return d;
    default: return -1;
    }
}

/* ~s"...", ~c'...', ~w(...), ~MAT[...]f32, ~MAT'''...'''s32 */
static void lex_sigil(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    char name[64];
    size_t nl = 0;
    adv(lx, 1);
    if (is_lower(at(lx, 0)) && at(lx, 0) != '_') {
        name[nl++] = (char)at(lx, 0);
        adv(lx, 1);
        if (is_lower(at(lx, 0)) && at(lx, 0) != '_')
            nl = 0;
    } else {
        while (nl < sizeof name - 1 && (is_upper(at(lx, 0)) || is_digit(at(lx, 0))))
            name[nl++] = (char)at(lx, 0), adv(lx, 1);
        if (is_lower(at(lx, 0)) && at(lx, 0) != '_')
            nl = 0;
    }
    if (nl == 0 || nl == sizeof name - 1)
        lex_fail(lx, line, col, "SyntaxError", 0,
                 "invalid sigil name, it should be either a one-letter lowercase letter or an "
                 "uppercase letter optionally followed by uppercase letters and digits");
    name[nl] = '\0';
    int d = at(lx, 0);
    if (d < 0)
        lex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
                 "syntax error: expression is incomplete");
    int lower = name[0] >= 'a' && name[0] <= 'z';
    int str = lower && (name[0] == 's' || name[0] == 'c');
    char what[96];
    char close[4] = {0};
    strspec sp = {
        .escapes = str, .interp = str, .charlist = name[0] == 'c' && lower,
        .begin_kind = name[0] == 'c' ? NXI_STR_CHARLIST : NXI_STR_STRING,
        .start = start, .line = line, .col = col, .close = close, .what = what,
    };
    size_t after = 0;
    if ((d == '"' || d == '\'') && at(lx, 1) == d && at(lx, 2) == d) {
        sp.term = -1;
        snprintf(what, sizeof what, "sigil ~%s%c%c%c", name, d, d, d);
        after = heredoc_bounds(lx, d, &sp);
    } else {
        sp.term = sigil_closer(d);
        if (sp.term < 0) {
            unsigned cp = (unsigned)d;
            int k = utf8_seq(lx->s + lx->pos, lx->len - lx->pos, &cp);
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "invalid sigil delimiter: \"%.*s\" (column %d, code point U+%04X). The "
                     "available delimiters are: //, ||, \"\", '', (), [], {}, <>",
                     k ? k : 1, (const char *)lx->s + lx->pos, lx->col, cp);
        }
        close[0] = (char)sp.term;
        snprintf(what, sizeof what, "sigil ~%s%c", name, d);
        adv(lx, 1);
    }
    sbuf b;
    int begin = lex_body(lx, &sp, &b);
    if (sp.term < 0)
        adv(lx, after - lx->pos);
    size_t ms = lx->pos;
    while (is_upper(at(lx, 0)) || (is_lower(at(lx, 0)) && at(lx, 0) != '_') ||
           is_digit(at(lx, 0)))
        adv(lx, 1);
    if (begin >= 0)
        return;
    int i = tok_push(lx, str ? (sp.charlist ? TK_CHARLIST : TK_STRING) : TK_SIGIL, start, line,
                     col);
    nxi_token *t = &lx->toks[i];
    if (str) {
        t->text = b.b;
        t->len = b.n;
    } else {
        t->text = text_dup((const unsigned char *)name, nl);
        t->raw = b.b;
        t->rawlen = b.n;
        t->mods = text_dup(lx->s + ms, lx->pos - ms);
    }
}

/* ---- numbers ---- */

static int digit_in(int c, int base)
{
    int v = hex_val(c);
    return v >= 0 && v < base;
}

static void lex_number(lexer *lx)
{
    static const nxi_uint umax = ~(nxi_uint)0;
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int base = 10, big = 0, is_float = 0;
    nxi_uint v = 0;
    if (at(lx, 0) == '0') {
        int c = at(lx, 1);
        int b = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (b && digit_in(at(lx, 2), b)) {
            base = b;
            adv(lx, 2);
        }
    }
    for (;;) {
        int c = at(lx, 0);
        if (digit_in(c, base)) {
            unsigned d = (unsigned)hex_val(c);
            if (v > (umax - d) / (unsigned)base)
                big = 1;
            else
                v = v * (unsigned)base + d;
            adv(lx, 1);
        } else if (c == '_' && digit_in(at(lx, 1), base)) {
            adv(lx, 1);
        } else {
            break;
        }
    }
    if (base == 10 && at(lx, 0) == '.' && is_digit(at(lx, 1))) {
        is_float = 1;
        adv(lx, 1);
        while (is_digit(at(lx, 0)) || (at(lx, 0) == '_' && is_digit(at(lx, 1))))
            adv(lx, 1);
        int e = at(lx, 0), s = at(lx, 1);
        if ((e == 'e' || e == 'E') &&
            (is_digit(s) || ((s == '+' || s == '-') && is_digit(at(lx, 2))))) {
            adv(lx, is_digit(s) ? 1 : 2);
            while (is_digit(at(lx, 0)) || (at(lx, 0) == '_' && is_digit(at(lx, 1))))
                adv(lx, 1);
        }
    }
    int c = at(lx, 0);
    if (is_ident(c))
        lex_fail(lx, line, col, "SyntaxError", 0,
                 "invalid character \"%c\" after number %.*s. If you intended to write a "
                 "number, make sure to separate the number from the character (using comma, "
                 "space, etc). If you meant to write a function name or a variable, note that "
                 "identifiers in Elixir cannot start with numbers. Unexpected token: %c",
                 c, (int)(lx->pos - start > 60 ? 60 : lx->pos - start),
                 (const char *)lx->s + start, c);
    int i = tok_push(lx, is_float ? TK_FLOAT : TK_INT, start, line, col);
    nxi_token *t = &lx->toks[i];
    if (!is_float) {
        t->ival = v;
        t->big = big;
        return;
    }
    char *digits = nxi_alloc(lx->pos - start + 1);
    size_t k = 0;
    for (size_t j = start; j < lx->pos; j++)
        if (lx->s[j] != '_')
            digits[k++] = (char)lx->s[j];
    digits[k] = '\0';
    t->fval = strtod(digits, NULL);
    if (isinf(t->fval))
        lex_fail(lx, line, col, "SyntaxError", 0, "invalid float number %.60s", digits);
}

/* ?a, ?\n, ?é: the code point. */
static void lex_char(lexer *lx)
{
    static const char esc_from[] = "abdefnrstv0";
    static const unsigned char esc_to[] = {7, 8, 127, 27, 12, 10, 13, 32, 9, 11, 0};
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    unsigned cp;
    size_t off = 1;
    if (at(lx, 1) == '\\')
        off = 2;
    if (at(lx, off) < 0)
        lex_fail(lx, line, col, "TokenMissingError", 1, "syntax error: expression is incomplete");
    int k = utf8_seq(lx->s + lx->pos + off, lx->len - lx->pos - off, &cp);
    if (k == 0)
        k = 1, cp = lx->s[lx->pos + off];
    if (off == 2 && cp < 128) {
        const char *e = strchr(esc_from, (int)cp);
        if (e && cp)
            cp = esc_to[e - esc_from];
    }
    adv(lx, off + (size_t)k);
    int i = tok_push(lx, TK_CHAR, start, line, col);
    lx->toks[i].ival = cp;
}

/* ---- operators ---- */

typedef struct opdef {
    const char *s;
    nxi_op_class cls;
} opdef;

static const opdef ops3[] = {
    {"===", OPC_COMP}, {"!==", OPC_COMP}, {"&&&", OPC_AND}, {"|||", OPC_OR},
    {"^^^", OPC_XOR}, {"+++", OPC_CONCAT}, {"---", OPC_CONCAT}, {"<<<", OPC_ARROW},
    {">>>", OPC_ARROW}, {"~>>", OPC_ARROW}, {"<<~", OPC_ARROW}, {"<~>", OPC_ARROW},
    {"<|>", OPC_ARROW}, {"~~~", OPC_UNARY}, {"...", OPC_ELLIPSIS},
};
static const opdef ops2[] = {
    {"//", OPC_TERNARY}, {"**", OPC_POW}, {"..", OPC_CONCAT}, {"++", OPC_CONCAT},
    {"--", OPC_CONCAT}, {"<>", OPC_CONCAT}, {"|>", OPC_ARROW}, {"~>", OPC_ARROW},
    {"<~", OPC_ARROW}, {"==", OPC_COMP}, {"=~", OPC_COMP}, {"!=", OPC_COMP},
    {"<=", OPC_REL}, {">=", OPC_REL}, {"&&", OPC_AND}, {"||", OPC_OR},
    {"<-", OPC_IN_MATCH}, {"\\\\", OPC_IN_MATCH}, {"::", OPC_TYPE}, {"->", OPC_STAB},
    {"=>", OPC_ASSOC},
};
static const opdef op_type = {"::", OPC_TYPE};
static const opdef op_dot = {".", OPC_NONE};
static const opdef ops1[] = {
    {"&", OPC_CAPTURE}, {"@", OPC_AT}, {"!", OPC_UNARY}, {"^", OPC_UNARY}, {"<", OPC_REL},
    {">", OPC_REL}, {"+", OPC_DUAL}, {"-", OPC_DUAL}, {"*", OPC_MULT}, {"/", OPC_MULT},
    {"=", OPC_MATCH}, {"|", OPC_PIPE},
};

static const opdef *match_op(const lexer *lx, const opdef *tab, size_t n, size_t len)
{
    if (lx->pos + len > lx->len)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (memcmp(lx->s + lx->pos, tab[i].s, len) == 0)
            return &tab[i];
    return NULL;
}

/* An operator written as a function name, as in &+/2: followed by '/' but not '//'. */
static int op_is_name(const lexer *lx, nxi_op_class cls, const char *s)
{
    size_t p = lx->pos;
    if (cls == OPC_CAPTURE || cls == OPC_TERNARY || cls == OPC_ELLIPSIS || cls == OPC_STAB ||
        cls == OPC_PIPE || cls == OPC_ASSOC || cls == OPC_TYPE || cls == OPC_MATCH ||
        cls == OPC_IN_MATCH || cls == OPC_AT || strcmp(s, "..") == 0)
        return 0;
    while (p < lx->len && is_hspace(lx->s[p]))
        p++;
    return p < lx->len && lx->s[p] == '/' && !(p + 1 < lx->len && lx->s[p + 1] == '/');
}

static void push_op(lexer *lx, const opdef *op, size_t len)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    adv(lx, len);
    if (op_is_name(lx, op->cls, op->s)) {
        int i = tok_push(lx, TK_IDENT, start, line, col);
        lx->toks[i].text = op->s;
        lx->toks[i].len = len;
        return;
    }
    pull_eol(lx, TK_OP, op->cls);
    int i = tok_push(lx, TK_OP, start, line, col);
    lx->toks[i].text = op->s;
    lx->toks[i].len = len;
    lx->toks[i].op = op->cls;
}

/* :foo, :foo?, :Foo, :"quoted", :+ ... (at the ':'; "::" was taken as an operator). */
static void lex_atom(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int c = at(lx, 1);
    if (c == '"' || c == '\'') {
        strspec sp = {
            .term = c, .escapes = 1, .interp = 1, .start = start, .line = line, .col = col,
            .close = c == '"' ? "\"" : "'", .what = "atom",
        };
        sbuf b;
        adv(lx, 2);
        if (lex_body(lx, &sp, &b) >= 0)
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "nxc does not support interpolation in atoms");
        if (b.n > 255)
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "atom length must be less than system limit: %.40s...", b.b);
        int i = tok_push(lx, TK_ATOM, start, line, col);
        lx->toks[i].text = b.b;
        lx->toks[i].len = b.n;
        return;
    }
    if (is_lower(c) || is_upper(c)) {
        size_t p = 1;
        while (is_ident(at(lx, p)))
            p++;
        if ((at(lx, p) == '?' || at(lx, p) == '!') && at(lx, p + 1) != '=')
            p++;
        if (p - 1 > 255)
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "atom length must be less than system limit: %.40s...",
                     (const char *)lx->s + start + 1);
        adv(lx, p);
        int i = tok_push(lx, TK_ATOM, start, line, col);
        lx->toks[i].text = text_dup(lx->s + start + 1, p - 1);
        lx->toks[i].len = p - 1;
        return;
    }
    /* Operator atoms: :+, :==, :|>, :.. */
    adv(lx, 1);
    const opdef *op = match_op(lx, ops3, sizeof ops3 / sizeof ops3[0], 3);
    size_t len = 3;
    if (!op)
        op = match_op(lx, ops2, sizeof ops2 / sizeof ops2[0], len = 2);
    if (!op || op->cls == OPC_TERNARY || op->cls == OPC_TYPE || op->cls == OPC_ASSOC)
        op = match_op(lx, ops1, sizeof ops1 / sizeof ops1[0], len = 1);
    if (!op && at(lx, 0) == '.')
        op = &op_dot, len = 1;
    if (!op) {
        lx->pos = start, lx->col = col;
        unexpected_char(lx);
    }
    adv(lx, len);
    int i = tok_push(lx, TK_ATOM, start, line, col);
    lx->toks[i].text = op->s;
    lx->toks[i].len = len;
}

/* ---- identifiers and keywords ---- */

static void lex_word(lexer *lx)
{
    static const struct { const char *w; nxi_tok_kind kind; nxi_op_class op; } words[] = {
        {"true", TK_ATOM, OPC_NONE}, {"false", TK_ATOM, OPC_NONE}, {"nil", TK_ATOM, OPC_NONE},
        {"fn", TK_FN, OPC_NONE}, {"do", TK_DO, OPC_NONE}, {"end", TK_END, OPC_NONE},
        {"else", TK_BLOCK_KW, OPC_NONE}, {"after", TK_BLOCK_KW, OPC_NONE},
        {"catch", TK_BLOCK_KW, OPC_NONE}, {"rescue", TK_BLOCK_KW, OPC_NONE},
        {"not", TK_OP, OPC_UNARY}, {"and", TK_OP, OPC_AND}, {"or", TK_OP, OPC_OR},
        {"when", TK_OP, OPC_WHEN}, {"in", TK_OP, OPC_IN},
    };
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int upper = is_upper(at(lx, 0));
    size_t p = 1;
    while (is_ident(at(lx, p)))
        p++;
    if (!upper && (at(lx, p) == '?' || at(lx, p) == '!') && at(lx, p + 1) != '=')
        p++;
    const char *name = text_dup(lx->s + start, p);
    adv(lx, p);
    if (at(lx, 0) == ':' && at(lx, 1) != ':') {
        int c = at(lx, 1);
        if (c >= 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
            lex_fail(lx, line, col, "SyntaxError", 0,
                     "keyword argument must be followed by space after: %s:", name);
        adv(lx, 1);
        int i = tok_push(lx, TK_KW, start, line, col);
        lx->toks[i].text = name;
        lx->toks[i].len = p;
        return;
    }
    if (p > 255)
        lex_fail(lx, line, col, "SyntaxError", 0,
                 "atom length must be less than system limit: %.40s...", name);
    nxi_tok_kind kind = upper ? TK_ALIAS : TK_IDENT;
    nxi_op_class op = OPC_NONE;
    int after_dot = lx->n > 0 && lx->toks[lx->n - 1].kind == TK_DOT;
    if (!upper && !after_dot)
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp(name, words[i].w) == 0) {
                kind = words[i].kind;
                op = words[i].op;
                break;
            }
    if (kind == TK_OP && op == OPC_IN && lx->n > 0) {
        nxi_token *prev = &lx->toks[lx->n - 1];
        if (prev->kind == TK_OP && strcmp(prev->text, "not") == 0) {
            /* `a not in b`: one operator */
            prev->text = "not in";
            prev->len = 6;
            prev->op = OPC_IN;
            prev->srclen = lx->pos - (size_t)(prev->src - (const char *)lx->s);
            return;
        }
    }
    if (kind == TK_OP || kind == TK_DO)
        pull_eol(lx, kind, op);
    int i = tok_push(lx, kind, start, line, col);
    nxi_token *t = &lx->toks[i];
    t->text = name;
    t->len = p;
    t->op = op;
    if (kind == TK_DO || kind == TK_FN)
        open_bracket(lx, i);
    else if (kind == TK_END)
        close_bracket(lx, i);
}

/* ---- the main loop ---- */

static int punct(lexer *lx, nxi_tok_kind kind, size_t len)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    adv(lx, len);
    if (kind == TK_DOT)
        pull_eol(lx, kind, OPC_NONE);
    int i = tok_push(lx, kind, start, line, col);
    switch (kind) {
    case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE: case TK_MAP_OPEN: case TK_BITS_OPEN:
        open_bracket(lx, i);
        return 0;
    case TK_RPAREN: case TK_RBRACKET: case TK_RBRACE: case TK_BITS_CLOSE:
        return close_bracket(lx, i);
    default:
        return 0;
    }
}

/* Reads one token at a non-space character; returns 1 when it closed an interpolation. */
static int lex_token(lexer *lx)
{
    int c = at(lx, 0), c1 = at(lx, 1);
    const opdef *op;
    if (c == '"' || c == '\'') {
        lex_string(lx);
        return 0;
    }
    if (c == ':') {
        if (c1 == ':') {
            push_op(lx, &op_type, 2);
            return 0;
        }
        lex_atom(lx);
        return 0;
    }
    if (c == '~' && ((c1 >= 'a' && c1 <= 'z') || is_upper(c1))) {
        lex_sigil(lx);
        return 0;
    }
    if (c == '?') {
        lex_char(lx);
        return 0;
    }
    if (is_digit(c)) {
        lex_number(lx);
        return 0;
    }
    if ((op = match_op(lx, ops3, sizeof ops3 / sizeof ops3[0], 3))) {
        push_op(lx, op, 3);
        return 0;
    }
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
    if ((op = match_op(lx, ops2, sizeof ops2 / sizeof ops2[0], 2))) {
        push_op(lx, op, 2);
        return 0;
    }
    if (c == '&') {
        size_t p = 1;
        while (is_hspace(at(lx, p)))
            p++;
        if (is_digit(at(lx, p))) {
            size_t start = lx->pos;
            int line = lx->line, col = lx->col;
            adv(lx, 1);
            tok_push(lx, TK_CAPTURE_INT, start, line, col);
            return 0;
        }
    }
    if ((op = match_op(lx, ops1, sizeof ops1 / sizeof ops1[0], 1))) {
        push_op(lx, op, 1);
        return 0;
    }
    if (c == '%') {
        if (c1 == '{')
            return punct(lx, TK_MAP_OPEN, 2);
        if (c1 == '(' || c1 == '[')
            lex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
                     "expected %%{ to define a map, got: %%%c", c1);
        return punct(lx, TK_PERCENT, 1);
    }
    if (c == '.')
        return punct(lx, TK_DOT, 1);
    if (is_lower(c) || is_upper(c)) {
        lex_word(lx);
        return 0;
    }
    unexpected_char(lx);
}

/* Tokenizes until the end of input, or (inside an interpolation) until its closing '}'.
 * Returns 1 in the second case. */
static int lex_run(lexer *lx)
{
    for (;;) {
        int c = at(lx, 0);
        if (c < 0) {
            if (lx->sp > 0)
                missing_terminator(lx);
            tok_push(lx, TK_EOF, lx->pos, lx->line, lx->col);
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
                lex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
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
        unsigned cp;
        if (lx->s[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_seq(lx->s + i, lx->len - i, &cp);
        if (k == 0) {
            adv(lx, i);
            lex_fail(lx, lx->line, lx->col, "SyntaxError", 0,
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
        lex_fail(&lx, 1, 1, "SyntaxError", 0, "the input is too large");
    check_utf8(&lx);
    if (lx.len >= 3 && memcmp(lx.s, "\xEF\xBB\xBF", 3) == 0)
        lx.pos = 3;   /* a byte order mark */
    lex_run(&lx);
    *toks = lx.toks;
    *ntoks = lx.n;
    return 0;
}
