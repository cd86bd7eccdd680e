/* src/cli/lexer_internal.h: what the lexer's files share and nothing else includes: the
 * lexer's state, its character helpers, and the functions one file calls in another.
 * lexer.c runs the token loop and owns tokens, brackets and errors; lexer_string.c reads
 * strings, heredocs, sigils and quoted atoms; lexer_scan.c numbers, ?characters,
 * operators, atoms and identifiers. */
#ifndef NXI_LEXER_INTERNAL_H
#define NXI_LEXER_INTERNAL_H

#include <setjmp.h>
#include <stddef.h>
#include "cli/lexer.h"
#include "cli/utf8.h"

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

/* ---- characters (inline: the scanners call these for every byte) ---- */

static inline int at(const lexer *lx, size_t k)
{
    return lx->pos + k < lx->len ? lx->s[lx->pos + k] : -1;
}

static inline void adv(lexer *lx, size_t k)
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

static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_lower(int c) { return (c >= 'a' && c <= 'z') || c == '_'; }
static inline int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int is_ident(int c) { return is_lower(c) || is_upper(c) || is_digit(c); }
static inline int is_hspace(int c) { return c == ' ' || c == '\t'; }

static inline int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- lexer.c ---- */

/* Fills lx->err and unwinds to nxi_lex. */
_Noreturn void nxlex_fail(lexer *lx, int line, int col, const char *kind, int incomplete,
                          const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Reports the character at the current position as Elixir's "unexpected token". */
_Noreturn void nxlex_unexpected_char(lexer *lx);
/* s[0..n) copied into the arena, NUL-terminated. */
const char *nxlex_text_dup(const unsigned char *s, size_t n);
/* Appends a token that starts at `start` (line, col) and ends at the current position;
 * returns its index. */
int nxlex_tok_push(lexer *lx, nxi_tok_kind kind, size_t start, int line, int col);
/* Drops a line break before a token that continues the expression (a binary operator). */
void nxlex_pull_eol(lexer *lx, nxi_tok_kind kind, nxi_op_class op);
/* Opens token idx as a bracket; closes the innermost with it (1: it closed an
 * interpolation). */
void nxlex_open_bracket(lexer *lx, int idx);
int nxlex_close_bracket(lexer *lx, int idx);
/* Tokenizes until the end of input, or (inside an interpolation) until its closing '}'.
 * Returns 1 in the second case. */
int nxlex_run(lexer *lx);

/* ---- lexer_string.c (each at its opening character) ---- */

void nxlex_string(lexer *lx);          /* "string", 'charlist', heredocs, "key": */
void nxlex_sigil(lexer *lx);           /* ~s"...", ~MAT[...]f32 */
void nxlex_quoted_atom(lexer *lx);     /* :"quoted" */

/* ---- lexer_scan.c (each at its first character) ---- */

void nxlex_number(lexer *lx);
void nxlex_char(lexer *lx);            /* ?a */
void nxlex_atom(lexer *lx);            /* :foo, :+ (at the ':') */
void nxlex_word(lexer *lx);            /* identifiers, aliases, reserved words, keys */
/* Pushes the operator of exactly len bytes at the current position; 0 if there is none. */
int nxlex_operator(lexer *lx, size_t len);

#endif
