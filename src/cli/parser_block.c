/* src/cli/parser_block.c: the parser's blocks: statements separated by line breaks or
 * ';', clauses `patterns when guard -> body` (found ahead through the lexer's bracket
 * pairs), fn ... end, and a call's do ... else ... end as its keyword list. */
#include "cli/parser_internal.h"

#include <string.h>

/* ---- clauses, blocks and do-blocks ---- */

/* Whether the tokens from i on, up to the end of the expression, hold a `->` at the top:
 * the start of a clause `pattern -> body`. Brackets are stepped over through .match. */
static int clause_ahead(const parser *p, int i)
{
    for (;;) {
        const nxi_token *t = &p->t[i];
        switch (t->kind) {
        case TK_OP:
            if (t->op == OPC_STAB)
                return 1;
            i++;
            break;
        case TK_EOL: case TK_EOF: case TK_END: case TK_BLOCK_KW: case TK_RPAREN:
        case TK_RBRACKET: case TK_RBRACE: case TK_BITS_CLOSE: case TK_INTERP_CLOSE:
        case TK_STR_END:
            return 0;
        case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE: case TK_MAP_OPEN: case TK_BITS_OPEN:
        case TK_DO: case TK_FN: case TK_STR_BEGIN: case TK_INTERP_OPEN:
            if (t->match <= i)
                return 0;
            i = t->match + 1;
            break;
        default:
            i++;
            break;
        }
    }
}

/* Whether a token ends a block (what follows belongs to an enclosing construct). */
static int ends_block(const nxi_token *t)
{
    switch (t->kind) {
    case TK_EOF: case TK_END: case TK_BLOCK_KW: case TK_RPAREN: case TK_INTERP_CLOSE:
        return 1;
    default:
        return 0;
    }
}

/* Expressions separated by line breaks or ';', up to a token that ends the block; with
 * `heads`, also up to the start of the next clause (from the second expression on). */
vec nxparse_stmts(parser *p, int heads)
{
    vec v = {0};
    for (;;) {
        skip_eol(p);
        if (ends_block(peek(p)) || (heads && v.n > 0 && clause_ahead(p, p->pos)))
            break;
        vpush(&v, nxparse_expr(p, LOWEST));
        if (is(p, TK_EOL))
            continue;
        if (!ends_block(peek(p)))
            nxparse_unexpected(p, peek(p));
    }
    return v;
}

/* pattern, pattern when guard -> body ... up to `end` (or a block keyword). */
static void parse_clauses(parser *p, nxi_clause **out, int *nout)
{
    nxi_clause *cl = NULL;
    int n = 0, cap = 0;
    skip_eol(p);
    while (!ends_block(peek(p))) {
        vec params = {0};
        nxi_ast *guard = NULL;
        const nxi_token *t = peek(p);
        if (t->kind == TK_LPAREN && t->match > p->pos && t->match + 1 < p->n &&
            p->t[t->match + 1].kind == TK_OP &&
            (p->t[t->match + 1].op == OPC_STAB || p->t[t->match + 1].op == OPC_WHEN)) {
            /* (a, b) -> ... */
            next(p);
            skip_eol(p);
            while (!is(p, TK_RPAREN)) {
                vpush(&params, nxparse_expr(p, LOWEST));
                skip_eol(p);
                if (!is(p, TK_COMMA))
                    break;
                next(p);
                skip_eol(p);
            }
            expect(p, TK_RPAREN);
            if (is_op(p, OPC_WHEN)) {
                next(p);
                guard = nxparse_expr(p, LOWEST);
            }
        } else if (!is_op(p, OPC_STAB)) {
            for (;;) {
                vpush(&params, nxparse_expr(p, LOWEST));
                if (!is(p, TK_COMMA))
                    break;
                next(p);
            }
            nxi_ast *last = params.v[params.n - 1];
            if (last->kind == AST_OP && strcmp(last->text, "when") == 0) {
                params.v[params.n - 1] = last->lhs;
                guard = last->rhs;
            }
        }
        if (!is_op(p, OPC_STAB))
            nxparse_unexpected(p, peek(p));
        next(p);
        vec body = nxparse_stmts(p, 1);
        cl = room_for_one(cl, n, &cap, sizeof *cl);
        cl[n].params = params.v;
        cl[n].nparams = params.n;
        cl[n].guard = guard;
        cl[n].body = mk_kids(AST_BLOCK, t, &body);
        n++;
    }
    *out = cl;
    *nout = n;
}

/* fn clauses end (after the `fn`). */
nxi_ast *nxparse_fn(parser *p, const nxi_token *t)
{
    nxi_ast *a = mk(AST_FN, t);
    int saved = p->no_do;
    p->no_do = 0;
    parse_clauses(p, &a->clauses, &a->n);
    if (a->n == 0)
        nxparse_unexpected(p, peek(p));
    expect(p, TK_END);
    p->no_do = saved;
    return a;
}

/* The body of do/else...: clauses (an AST_FN) or expressions (an AST_BLOCK). */
static nxi_ast *parse_do_body(parser *p, const nxi_token *t)
{
    skip_eol(p);
    if (clause_ahead(p, p->pos)) {
        nxi_ast *a = mk(AST_FN, t);
        parse_clauses(p, &a->clauses, &a->n);
        return a;
    }
    vec body = nxparse_stmts(p, 0);
    return mk_kids(AST_BLOCK, t, &body);
}

/* do ... else ... end: the keyword list [do: ..., else: ...] (at the `do`). */
nxi_ast *nxparse_do_block(parser *p)
{
    const nxi_token *t = next(p);
    vec kw = {0};
    int saved = p->no_do;
    p->no_do = 0;
    vpush(&kw, mk_pair(t, mk_atom(t, "do"), parse_do_body(p, t)));
    while (is(p, TK_BLOCK_KW)) {
        const nxi_token *k = next(p);
        vpush(&kw, mk_pair(k, mk_atom(k, k->text), parse_do_body(p, k)));
    }
    expect(p, TK_END);
    p->no_do = saved;
    return mk_kids(AST_LIST, t, &kw);
}
