/* src/cli/lexer_string.c: the lexer's readers of quoted text: "strings", 'charlists',
 * heredocs, sigils (~s ~c ~w ~MAT...) and quoted atoms and keys. They decode escapes
 * (raw for upper-case sigils), strip a heredoc's indentation, and turn an interpolated
 * literal into TK_STR_BEGIN, parts, #{...} code (tokenized by lexer.c's loop) and
 * TK_STR_END. */
#include "cli/lexer_internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_INTERP_DEPTH 100   /* strings inside interpolations inside strings ... */

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

static void sbuf_utf8(sbuf *b, uint32_t cp)
{
    unsigned char u[4];
    sbuf_put(b, u, (size_t)nxi_utf8_encode(cp, u));
}

/* ---- strings ---- */

/* Reads #{ ... } inside a string: the tokens of the code, then back to the string. */
static void interpolation(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    if (++lx->interp_depth > MAX_INTERP_DEPTH)
        nxlex_fail(lx, line, col, "SyntaxError", 0, "string interpolation nested too deeply");
    adv(lx, 2);
    int idx = nxlex_tok_push(lx, TK_INTERP_OPEN, start, line, col);
    nxlex_open_bracket(lx, idx);
    nxlex_run(lx);        /* returns once the matching } is read */
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
            nxlex_fail(lx, line, col, "SyntaxError", 0,
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
            nxlex_fail(lx, line, col, "SyntaxError", 0,
                       "invalid Unicode escape character, expected \\uHHHH or \\u{H*} where H "
                       "is a hexadecimal digit. Syntax error after: \\u");
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            nxlex_fail(lx, line, col, "SyntaxError", 0,
                       "invalid or reserved Unicode code point \\u{%X}", v);
        sbuf_utf8(b, v);
        adv(lx, 2 + (size_t)k);
        return;
    default: {
        /* Any other character stands for itself (\" \\ \# ...), as in Elixir. */
        uint32_t cp;
        int n = nxi_utf8_decode(lx->s + lx->pos + 1, lx->len - lx->pos - 1, &cp);
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
    int i = nxlex_tok_push(lx, TK_STR_PART, lx->pos, lx->line, lx->col);
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
            nxlex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
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
                begin = nxlex_tok_push(lx, TK_STR_BEGIN, sp->start, sp->line, sp->col);
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
        nxlex_fail(lx, sp->line, sp->col, "SyntaxError", 0,
                   "an interpolation runs past the end of the heredoc starting at line %d",
                   sp->line);
    if (begin < 0)
        return -1;
    flush_part(lx, b);
    int end = nxlex_tok_push(lx, TK_STR_END, lx->pos, lx->line, lx->col);
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
        nxlex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
                   "missing terminator: %c%c%c (for heredoc starting at line %d)", q, q, q,
                   sp->line);
    else
        nxlex_fail(lx, sp->line, sp->col + 3, "SyntaxError", 0,
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
            nxlex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
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
void nxlex_string(lexer *lx)
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
            nxlex_fail(lx, sp.line, sp.col, "SyntaxError", 0,
                       "nxc does not support interpolation in keyword keys");
        return;
    }
    if (sp.term >= 0 && quoted_key(lx)) {
        adv(lx, 1);
        int i = nxlex_tok_push(lx, TK_KW, sp.start, sp.line, sp.col);
        lx->toks[i].text = b.b;
        lx->toks[i].len = b.n;
        return;
    }
    int i = nxlex_tok_push(lx, charlist ? TK_CHARLIST : TK_STRING, sp.start, sp.line, sp.col);
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
void nxlex_sigil(lexer *lx)
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
        nxlex_fail(lx, line, col, "SyntaxError", 0,
                   "invalid sigil name, it should be either a one-letter lowercase letter or an "
                   "uppercase letter optionally followed by uppercase letters and digits");
    name[nl] = '\0';
    int d = at(lx, 0);
    if (d < 0)
        nxlex_fail(lx, lx->line, lx->col, "TokenMissingError", 1,
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
            uint32_t cp = (uint32_t)d;
            int k = nxi_utf8_decode(lx->s + lx->pos, lx->len - lx->pos, &cp);
            nxlex_fail(lx, line, col, "SyntaxError", 0,
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
    int i = nxlex_tok_push(lx, str ? (sp.charlist ? TK_CHARLIST : TK_STRING) : TK_SIGIL, start,
                           line, col);
    nxi_token *t = &lx->toks[i];
    if (str) {
        t->text = b.b;
        t->len = b.n;
    } else {
        t->text = nxlex_text_dup((const unsigned char *)name, nl);
        t->raw = b.b;
        t->rawlen = b.n;
        t->mods = nxlex_text_dup(lx->s + ms, lx->pos - ms);
    }
}

/* :"quoted" or :'quoted' (at the ':'). */
void nxlex_quoted_atom(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int c = at(lx, 1);
    strspec sp = {
        .term = c, .escapes = 1, .interp = 1, .start = start, .line = line, .col = col,
        .close = c == '"' ? "\"" : "'", .what = "atom",
    };
    sbuf b;
    adv(lx, 2);
    if (lex_body(lx, &sp, &b) >= 0)
        nxlex_fail(lx, line, col, "SyntaxError", 0,
                   "nxc does not support interpolation in atoms");
    if (b.n > 255)
        nxlex_fail(lx, line, col, "SyntaxError", 0,
                   "atom length must be less than system limit: %.40s...", b.b);
    int i = nxlex_tok_push(lx, TK_ATOM, start, line, col);
    lx->toks[i].text = b.b;
    lx->toks[i].len = b.n;
}
