/* src/cli/parser.c: builds the syntax tree (ast.h) from the tokens of lexer.c, with
 * Elixir's operator precedence, calls with and without parentheses, do-blocks, anonymous
 * functions, containers and bitstrings. Recursive descent with precedence climbing;
 * nesting is bounded (MAX_DEPTH), so no input can exhaust the stack. This file is the
 * entry point (nxi_parse) and the error reports; the grammar is in parser_expr.c
 * (expressions), parser_call.c, parser_container.c and parser_block.c, which share
 * parser_internal.h.
 *
 * Shapes worth knowing (beyond ast.h):
 * - `x |> f(a)` stays OP "|>"; `a..b//c` is OP ".." with .step; a bare `..` (as in
 *   t[..]) is 0..-1//1, as Elixir defines it; `-1` and `-1.5` are folded into literals.
 * - `not a in b` is UNARY not (OP in a b), as Elixir rewrites it.
 * - A call's do-block is a last keyword argument [do: body, else: body, ...]: a body is an
 *   AST_BLOCK, or an AST_FN holding the clauses when it is written as `pattern -> expr`
 *   (receive do ... end). `if`/`unless` become AST_IF, `case` AST_CASE, `cond` AST_COND,
 *   from do-blocks and from the keyword form (if c, do: a, else: b).
 * - "a#{x}b" is OP "<>" of the pieces (a balanced tree), each interpolated expression
 *   wrapped in CALL Kernel.to_string; an interpolated charlist is CALL String.to_charlist
 *   of that.
 * - ~s and ~c sigils are strings and charlists; other sigils are AST_SIGIL, contents raw.
 * - %Name{...} is AST_MAP with .module "Name". &name/2 has a CALL name with no
 *   arguments and .parens 0 on the left of "/", like &Mod.name/2.
 * - `ident -1` is a subtraction (Elixir decides by whether ident is a variable);
 *   `Mod.fun -1` is a call.
 * Errors: the lexer's (see lexer.h); "SyntaxError: syntax error before: X" here, or a
 * TokenMissingError "syntax error: expression is incomplete" (.incomplete) at the end of
 * input; "CompileError" for what Elixir rejects when compiling rather than parsing
 * (unknown bitstring specifiers, case/cond without -> clauses). */
#include "cli/parser_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 1000      /* nesting of expressions (and length of operator chains) */

/* ---- errors ---- */

_Noreturn void nxparse_fail(parser *p, const nxi_token *t, const char *kind, int incomplete,
                            const char *fmt, ...)
{
    nxi_parse_error *e = p->err;
    va_list ap;
    e->kind = kind;
    e->line = t->line;
    e->col = t->col;
    e->incomplete = incomplete;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    longjmp(p->fail, 1);
}

/* "syntax error before: X", with X written as Elixir writes tokens. */
_Noreturn void nxparse_unexpected(parser *p, const nxi_token *t)
{
    char d[160];
    size_t len = t->srclen;
    switch (t->kind) {
    case TK_EOF:
        nxparse_fail(p, t, "TokenMissingError", 1, "syntax error: expression is incomplete");
    case TK_DO: case TK_END: case TK_BLOCK_KW:
        nxparse_fail(p, t, "SyntaxError", 0, "unexpected reserved word: %s", t->text);
    case TK_EOL:
        snprintf(d, sizeof d, "%s", t->ival ? "';'" : "newline");
        break;
    case TK_STR_BEGIN:
        len = (size_t)(p->t[t->match].src + p->t[t->match].srclen - t->src);
        /* fallthrough */
    case TK_INT: case TK_FLOAT: case TK_CHAR: case TK_ATOM: case TK_STRING: case TK_CHARLIST:
    case TK_SIGIL: case TK_IDENT: case TK_ALIAS: case TK_KW: case TK_FN:
        if (len > 60)
            snprintf(d, sizeof d, "%.57s...", t->src);
        else
            snprintf(d, sizeof d, "%.*s", (int)len, t->src);
        break;
    default:
        snprintf(d, sizeof d, "'%.*s'", (int)(len > 60 ? 60 : len), t->src);
        break;
    }
    nxparse_fail(p, t, "SyntaxError", 0, "syntax error before: %s", d);
}

void nxparse_enter(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        nxparse_fail(p, &p->t[p->pos], "SyntaxError", 0, "expression nested too deeply");
}

/* ---- the entry point ---- */

nxi_ast *nxi_parse(const char *src, size_t len, nxi_parse_error *err)
{
    nxi_parse_error dummy;
    parser p;
    nxi_token *toks;
    int n;
    if (!err)
        err = &dummy;
    memset(err, 0, sizeof *err);
    if (nxi_lex(src, len, &toks, &n, err) < 0)
        return NULL;
    memset(&p, 0, sizeof p);
    p.t = toks;
    p.n = n;
    p.err = err;
    if (setjmp(p.fail))
        return NULL;
    vec body = nxparse_stmts(&p, 0);
    if (!is(&p, TK_EOF))
        nxparse_unexpected(&p, peek(&p));
    return mk_kids(AST_BLOCK, &toks[0], &body);
}
